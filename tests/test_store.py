"""The store: idempotent writes, whole-article transactions, search, lookups."""

from __future__ import annotations

import pytest

from veille.store.database import Store


@pytest.fixture()
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'v.db'}")
    yield s
    s.close()


def test_writing_the_same_analysis_twice_adds_nothing(store, analyse):
    a = analyse("La Maison Blanche a averti que la Russie recevait des drones de l'Iran.")
    assert store.write([a]) == 1
    before = store.counts()
    assert store.write([a]) == 0
    assert store.counts() == before
    assert before["articles"] == 1 and before["mentions"] >= 3


def test_known_hashes_finds_stored_text(store, analyse):
    a = analyse("Kyiv said the grain ship left port on Monday.", "en")
    store.write([a])
    assert store.known_hashes([a.article.text_hash, "nope"]) == {a.article.text_hash}


def test_article_by_prefix_with_facts_and_sentences(store, analyse):
    text = "Téhéran a déclaré que l'accord tenait. Moscou n'a pas répondu."
    a = analyse(text)
    store.write([a])
    art = store.article(a.article.id[:6])
    assert art is not None and art["text"] == text
    assert len(art["sentences"]) == 2
    for m in art["mentions"]:
        assert text[m["start"] : m["end"]] == m["text"]
    assert {e["id"] for e in art["entities"]} >= {"country:IR", "country:RU"}


def test_search_is_accent_insensitive_and_safe(store, analyse):
    store.write([analyse("Les drones iraniens ont été livrés à Téhéran puis expédiés.")])
    assert len(store.search("teheran")) == 1
    assert store.search('drones" OR "') == []  # user text is quoted, never FTS syntax
    assert store.search("   ") == []


def test_entities_listing_counts_mentions(store, analyse):
    store.write([analyse("La Russie et l'Iran. La Russie encore.")])
    rows = {r.id: r for r in store.entities()}
    assert rows["country:RU"].mentions == 2
    assert rows["country:RU"].articles == 1
    assert all(r.kind == "country" for r in store.entities(kind="country"))


def test_claim_source_type_is_stored(store, analyse):
    store.write([analyse("Senior officials said the port would reopen in May.", "en")])
    [claim] = store.claims()
    assert (claim.source_text, claim.source_type) == ("Senior officials", "anonymous")


def test_store_from_before_source_type_gains_the_column(tmp_path, analyse):
    import sqlite3

    path = tmp_path / "old.db"
    Store(f"sqlite:///{path}").close()
    with sqlite3.connect(path) as db:  # the claims table as an older veille created it
        db.execute("ALTER TABLE claims DROP COLUMN source_type")
    store = Store(f"sqlite:///{path}")
    try:
        store.write([analyse("Senior officials said the port would reopen in May.", "en")])
        assert store.claims()[0].source_type == "anonymous"
    finally:
        store.close()
