"""The overview's counts: daily activity written with each article, windows, baselines, filters."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import delete, select

from cli_run import run_veille
from veille.model import Analysis, Article, Entity, Mention, Place, PlaceMention
from veille.overview import OverviewQuery, build_overview
from veille.store import activity
from veille.store.database import Store
from veille.store.profiles import entity_profile, resolve_entity

RU = Entity("country:RU", "Russia", "country", "RU")
IR = Entity("country:IR", "Iran", "country", "IR")
KIRBY = Entity("person:john-kirby", "John Kirby", "person")
KAZAN = Place("geonames:551487", "Kazan", 55.79, 49.12, "RU")


def analysis(
    n: int, day: date, entities: list[Entity], *, lang: str = "en", source: str = "wire"
) -> Analysis:
    text = f"Article {n} of {day}: " + " ".join(e.name for e in entities) + " Kazan."
    art = Article(id=f"a{n:05d}", text=text, published=day.isoformat(), language=lang, source=source,
                  ingested_at="2026-12-01T10:00:00+00:00")  # fmt: skip
    out = Analysis(article=art)
    pos = text.index(":") + 2
    for e in entities:
        out.mentions.append(Mention(art.id, pos, pos + len(e.name), e.name, "LOC", 0, "test", e.id))
        out.entities[e.id] = e
        pos += len(e.name) + 1
    out.places[KAZAN.id] = KAZAN
    k = text.index("Kazan")
    out.place_mentions.append(PlaceMention(art.id, KAZAN.id, k, k + 5, "Kazan", 0, "test"))
    return out


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'v.db'}")
    yield s
    s.close()


DAY = date(2026, 3, 31)


def steady_then_burst(store: Store) -> None:
    """Russia twice a day for four weeks; Iran once a day, then eight times on the last day."""
    n = 0
    batch = []
    for back in range(28, 0, -1):
        d = DAY - timedelta(days=back)
        for _ in range(2):
            batch.append(analysis(n := n + 1, d, [RU]))
        batch.append(analysis(n := n + 1, d, [IR], lang="fr", source="Le Monde"))
    for _ in range(8):
        batch.append(analysis(n := n + 1, DAY, [IR, KIRBY], lang="fr", source="Le Monde"))
    batch.append(analysis(n := n + 1, DAY, [RU]))
    store.write(batch)


def test_activity_counts_each_article_once(store):
    steady_then_burst(store)
    again = analysis(1, DAY - timedelta(days=28), [RU])
    assert store.write([again]) == 0  # already stored: its counts are not added twice
    view = build_overview(store, OverviewQuery(window="all"))
    countries = {e.id: e for e in view.entities["country"]}
    assert countries["country:RU"].mentions == 57 and countries["country:IR"].mentions == 36
    assert view.articles == 93 and view.languages == {"en": 57, "fr": 36}
    assert view.sources == {"wire": 57, "le monde": 36}
    assert [p.name for p in view.places] == ["Kazan"] and view.places[0].articles == 93


def test_a_burst_is_rising_and_steady_traffic_is_not(store):
    steady_then_burst(store)
    view = build_overview(store, OverviewQuery(window="1d"))
    assert (view.first_day, view.last_day) == (DAY.isoformat(), DAY.isoformat())
    countries = {e.id: e for e in view.entities["country"]}
    assert countries["country:IR"].mentions == 8 and countries["country:IR"].rising
    assert countries["country:IR"].baseline == 1.0
    assert not countries["country:RU"].rising  # 1 against 2 a day
    week = build_overview(store, OverviewQuery(window="7d"))
    iran = next(e for e in week.entities["country"] if e.id == "country:IR")
    # The sparkline spans the baseline and the window: all 36 of Iran's mentions, the burst last.
    assert sum(iran.series) == 36 and iran.series[-1] == max(iran.series)
    assert (iran.mentions, iran.baseline, iran.rising) == (14, 5.5, True)  # 22 in the 4 weeks before
    assert [e.name for e in view.entities["person"]] == ["John Kirby"]


def test_filters_count_only_matching_articles(store):
    steady_then_burst(store)
    by_entity = build_overview(store, OverviewQuery(window="all", entity="person:john-kirby"))
    assert by_entity.articles == 8 and by_entity.languages == {"fr": 8}
    assert {e.id for e in by_entity.entities["country"]} == {"country:IR"}
    by_source = build_overview(store, OverviewQuery(window="all", source="wire"))
    assert by_source.articles == 57 and not by_source.entities["person"]
    by_language = build_overview(store, OverviewQuery(window="all", language="fr"))
    assert by_language.articles == 36 and [e.id for e in by_language.entities["country"]] == ["country:IR"]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_filter_selects_the_latest_matching_articles_from_either_side(backend, request, tmp_path):
    # Russia is named in 57 of the 93 articles: over all days the query starts from its
    # articles; on the last day (9 articles) it walks that day's articles. Kazan is in all.
    url = (
        request.getfixturevalue("postgres_url")
        if backend == "postgresql"
        else f"sqlite:///{tmp_path / 'v.db'}"
    )
    store = Store(url)
    request.addfinalizer(store.close)
    steady_then_burst(store)
    span = activity.Activity(store).span()
    assert span is not None
    last_day = activity.Window(span.last, span.last)
    cases = [
        (activity.ArticleFilter("country:RU", None, None, None), span, 57),
        (activity.ArticleFilter("country:RU", None, None, None), last_day, 1),
        (activity.ArticleFilter("person:john-kirby", KAZAN.id, None, None), span, 8),
        (activity.ArticleFilter(None, KAZAN.id, None, None), last_day, 9),
        (activity.ArticleFilter("country:IR", KAZAN.id, None, "fr"), last_day, 8),
    ]
    for where, window, expected in cases:
        counted = activity.ArticleActivity(store, where, window, limit=100)
        assert (len(counted.ids), counted.sampled) == (expected, False), where
        assert sum(counted.articles_by("language", window).values()) == expected
    latest = activity.ArticleActivity(
        store, activity.ArticleFilter("country:RU", None, None, None), span, limit=3
    )
    assert latest.sampled and latest.ids == ["a00082", "a00083", "a00093"]  # the last two days'


def test_a_store_made_before_the_activity_tables_is_counted_when_opened(store, tmp_path):
    steady_then_burst(store)
    before = build_overview(store, OverviewQuery(window="7d"))
    with store.engine.begin() as conn:
        for table in (activity.article_days, activity.activity_articles, activity.activity_entities,
                      activity.activity_places):  # fmt: skip
            conn.execute(delete(table))
    store.close()
    reopened = Store(f"sqlite:///{tmp_path / 'v.db'}")
    with reopened.engine.connect() as conn:
        assert len(conn.execute(select(activity.article_days)).all()) == 93
    assert build_overview(reopened, OverviewQuery(window="7d")) == before
    reopened.close()


def test_article_day_falls_back_to_the_day_it_was_read():
    read = "2026-12-01T10:00:00+00:00"
    assert activity.article_day("2026-11-30", read) == date(2026, 11, 30).toordinal()
    assert activity.article_day(None, read) == date(2026, 12, 1).toordinal()
    assert activity.article_day("not a date", read) == date(2026, 12, 1).toordinal()
    assert activity.article_day("2031-01-01", read) == date(2026, 12, 1).toordinal()  # a date in the future


def test_an_empty_store_has_an_empty_overview(store):
    view = build_overview(store, OverviewQuery())
    assert view.articles == 0 and view.places == [] and view.active == []


def test_entity_profile_names_times_and_neighbours(store):
    steady_then_burst(store)
    assert [e.id for e in resolve_entity(store, "iran")] == ["country:IR"]  # canonical name, any case
    assert [e.id for e in resolve_entity(store, "Kirb")] == ["person:john-kirby"]  # part of a name
    assert resolve_entity(store, "100%") == []  # LIKE wildcards are literal
    profile = entity_profile(store, "country:IR")
    assert profile is not None
    assert (profile.mentions, profile.articles) == (36, 36)
    assert (profile.first_day, profile.last_day) == ((DAY - timedelta(days=28)).isoformat(), DAY.isoformat())
    assert sum(profile.timeline) == 36 and profile.timeline[-1] == 8  # the burst is the last day
    assert [(n.text, n.language, n.mentions) for n in profile.names] == [("Iran", "fr", 36)]
    assert [(n.id, n.articles) for n in profile.entities] == [("person:john-kirby", 8)]
    assert [(p.name, p.articles) for p in profile.places] == [("Kazan", 36)]
    assert entity_profile(store, "country:XX") is None


def test_cli_overview_and_entity(store, tmp_path):
    steady_then_burst(store)
    db = tmp_path / "v.db"
    out = run_veille("overview", "--window", "1d", "--json", db=db)
    assert out.returncode == 0, out.stderr
    view = json.loads(out.stdout)
    assert view["articles"] == 9 and view["entities"]["country"][0]["name"] == "Iran"
    assert view["entities"]["country"][0]["rising"] is True
    human = run_veille("entity", "John Kirby", db=db)
    assert human.returncode == 0 and "8 mentions in 8 articles" in human.stdout
    missing = run_veille("entity", "Nobody At All", db=db)
    assert missing.returncode == 2 and "no entity named 'Nobody At All'" in missing.stderr
    bad = run_veille("overview", "--window", "9d", db=db)
    assert bad.returncode == 2 and "unknown window" in bad.stderr
