"""The store's reads page and filter in SQL, the same on SQLite and PostgreSQL (issue 13, item 6;
issue 11, item 5): search by language and offset, claims about an entity, entity counts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from veille.model import Analysis, Article, Claim, Entity, Mention, article_id_for, fact_id
from veille.store.database import Store

TEXTS = [
    ("en", "The harbour of Kavkaz reopened on Tuesday after the storm, the port authority said."),
    ("en", "Ferries left the harbour again; the harbour master counted twelve departures by noon."),
    ("fr", "Le port de Kavkaz a rouvert mardi après la tempête, a indiqué la capitainerie du harbour."),
    ("ru", "Порт Кавказ снова открыт во вторник после шторма, сообщили в администрации harbour."),
]
PORT = Entity("org:port-authority", "Port Authority", "organisation")
KAVKAZ = Entity("place:kavkaz", "Kavkaz", "place")
STORM = Entity("misc:storm", "Storm", "misc")


def _analysis(language: str, body: str, n: int) -> Analysis:
    aid = article_id_for(body)
    a = Analysis(article=Article(id=aid, text=body, title=f"Harbour {n}", language=language, origin="test"))
    a.entities = {e.id: e for e in (PORT, KAVKAZ, STORM)}
    for k, ent in enumerate((KAVKAZ, KAVKAZ, PORT)[: 3 - n % 2]):
        a.mentions.append(Mention(aid, k, k + 3, body[k : k + 3], "ORG", 0, "test", ent.id))
    about = [KAVKAZ.id] if n % 2 == 0 else [STORM.id]
    for k in range(3):
        a.claims.append(Claim(fact_id(aid, "claim", k), aid, PORT.id, "the port", "said", body[k : k + 5],
                              k, k + 5, 0, "statement", "test", about=about))  # fmt: skip
    return a


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    url = (
        f"sqlite:///{tmp_path / 'v.db'}"
        if request.param == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    s = Store(url)
    s.write([_analysis(lang, body, n) for n, (lang, body) in enumerate(TEXTS)])
    yield s
    s.close()


def test_search_filters_by_language_and_pages(store: Store) -> None:
    everything = store.search("harbour", limit=10)
    assert len(everything) == 4
    assert {h.language for h in store.search("harbour", language="ru")} == {"ru"}
    assert {h.language for h in store.search("harbour", language="en")} == {"en"}
    assert store.search("harbour", language="de") == []
    pages = [h.id for k in range(4) for h in store.search("harbour", limit=1, offset=k)]
    assert pages == [h.id for h in everything]
    assert store.search("harbour", offset=4) == []


def test_a_nul_in_a_search_is_a_space(store: Store) -> None:
    assert len(store.search("harbour\x00Kavkaz")) == len(store.search("harbour Kavkaz")) >= 1
    assert store.search("\x00\x01") == []


def test_claims_filter_and_page_in_sql(store: Store) -> None:
    everything = store.claims(limit=100)
    assert len(everything) == 12
    paged = [c.id for k in range(0, 12, 5) for c in store.claims(limit=5, offset=k)]
    assert paged == [c.id for c in everything]
    about = store.claims(about="Kavkaz", limit=100)
    assert len(about) == 6 and all(c.about == [KAVKAZ.id] for c in about)
    assert [c.id for c in store.claims(about="Kavkaz", limit=2, offset=2)] == [c.id for c in about[2:4]]
    assert store.claims(about="nobody at all") == []
    assert len(store.claims(source="Port Authority", about="storm", limit=100)) == 6


def test_entities_are_counted_and_paged(store: Store) -> None:
    rows = store.entities(limit=10)
    assert [(r.id, r.mentions, r.articles) for r in rows] == [
        (KAVKAZ.id, 8, 4),
        (PORT.id, 2, 2),
    ]
    assert [r.id for r in store.entities(kind="organisation")] == [PORT.id]
    assert [r.id for r in store.entities(limit=1, offset=1)] == [PORT.id]


def test_articles_filter_by_language(store: Store) -> None:
    assert {a.language for a in store.articles(language="fr")} == {"fr"}
    assert len(store.articles(limit=2, offset=3)) == 1


def test_languages_lists_each_stored_language_once(store: Store) -> None:
    assert sorted(store.languages()) == ["en", "fr", "ru"]


def test_an_older_store_gains_the_new_indexes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    Store(url).close()
    old = Store(url)
    with old.engine.begin() as conn:
        conn.execute(text("DROP INDEX ix_claims_article_start"))
    old.close()
    reopened = Store(url)
    names = {i["name"] for i in inspect(reopened.engine).get_indexes("claims")}
    reopened.close()
    assert "ix_claims_article_start" in names


def test_entity_counts_follow_new_articles(store: Store) -> None:
    before = store.entities(limit=10)
    assert store.entities(limit=10) == before  # the same page again (from the cache)
    version = store.data_version()
    body = "A fifth dispatch from the harbour, filed late on Wednesday by the night desk."
    extra = _analysis("en", body, 0)
    extra.mentions = extra.mentions[:1]
    store.write([extra])
    assert store.data_version() != version
    after = {r.id: r.mentions for r in store.entities(limit=10)}
    assert after[KAVKAZ.id] == 9
