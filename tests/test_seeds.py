"""End to end on the sample seeds (../shared/seeds): ingest, export, score against gold.json."""

from __future__ import annotations

import json

import pytest

from veille.export import build_export
from veille.ingest.runner import Ingestor
from veille.store.database import Store


@pytest.fixture(scope="module")
def seeded(seeds_dir, settings, pipeline, tmp_path_factory):
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('seeds') / 'v.db'}")
    report = Ingestor(settings, store, pipeline).ingest([str(seeds_dir)])
    gold = json.loads((seeds_dir / "gold.json").read_text(encoding="utf-8"))
    yield store, report, gold, build_export(store)
    store.close()


def article_for(export: dict, gold_article: dict) -> dict:
    """The stored article whose title is the gold title."""
    matches = [a for a in export["articles"] if a["title"] == gold_article["title"]]
    assert len(matches) == 1, f"no stored article titled {gold_article['title']!r}"
    return matches[0]


def test_both_seeds_stored_as_french(seeded):
    _, report, gold, export = seeded
    assert report.ingested == 2 and not report.failed
    for g in gold["articles"]:
        assert article_for(export, g)["language"] == g["language"] == "fr"


def test_no_site_furniture_in_bodies(seeded):
    _, _, gold, export = seeded
    for g in gold["articles"]:
        body = article_for(export, g)["text"]
        for furniture in g["not_body"]:
            assert furniture not in body, f"{furniture!r} left in {g['file']}"


def test_entity_recall_with_grouped_mentions(seeded):
    """Recall of gold entities (canonical name) whose gold mentions are grouped under them."""
    _, _, gold, export = seeded
    found = total = 0
    for g in gold["articles"]:
        art_id = article_for(export, g)["id"]
        texts_by_name: dict[str, set[str]] = {}
        for e in export["entities"]:
            for m in e["mentions"]:
                if m["article_id"] == art_id:
                    texts_by_name.setdefault(e["name"].casefold(), set()).add(m["text"].casefold())
        for ge in g["entities"]:
            total += 1
            texts = texts_by_name.get(ge["name"].casefold(), set())
            grouped = sum(any(t.startswith(gm.casefold()) for t in texts) for gm in ge["mentions"])
            # Found: the canonical entity exists in the article and holds most of its gold mentions.
            if texts and grouped >= len(ge["mentions"]) / 2:
                found += 1
    assert found / total >= 0.9, f"entity recall {found}/{total}"


def test_promotion_organisation_is_not_an_entity(seeded):
    _, _, gold, export = seeded
    art_id = article_for(export, gold["articles"][1])["id"]
    names = {e["name"] for e in export["entities"] if any(m["article_id"] == art_id for m in e["mentions"])}
    assert not any("Opérations Spéciales" in n for n in names)
    assert {"Russia", "Iran", "White House", "John Kirby", "United States"} <= names


def test_ingesting_twice_changes_nothing(seeded, seeds_dir, settings, pipeline):
    store, _, _, _ = seeded
    before = store.counts()
    report = Ingestor(settings, store, pipeline).ingest([str(seeds_dir)])
    assert report.ingested == 0 and report.duplicates == 2
    assert store.counts() == before
