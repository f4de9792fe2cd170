"""End to end on the sample seeds (../shared/seeds): the two articles form one story; corroboration."""

from __future__ import annotations

import json

import pytest

from veille.ingest.runner import Ingestor
from veille.model import Analysis
from veille.store.database import Store
from veille.stories.corroboration import corroborate
from veille.stories.export import export_stories
from veille.stories.persist import StoryTracker, load_index
from veille.stories.summary import story_summary


@pytest.fixture(scope="module")
def seeded(seeds_dir, settings, pipeline, tmp_path_factory):
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('stories') / 'v.db'}")
    ingestor = Ingestor(settings, store, pipeline)
    tracker = StoryTracker(store)
    analyses: list[Analysis] = []
    ingestor.after_write.append(tracker.add)
    ingestor.after_write.append(analyses.extend)
    ingestor.ingest([str(seeds_dir)])
    gold = json.loads((seeds_dir / "gold.json").read_text(encoding="utf-8"))
    yield store, tracker, analyses, gold
    store.close()


@pytest.mark.slow
def test_the_two_seeds_form_one_story(seeded):
    store, tracker, analyses, gold = seeded
    assert len(analyses) == len(gold["stories"][0]["articles"]) == 2
    stories = {tracker.index.story_of(a.article.id) for a in analyses}
    assert len(stories) == 1
    summary = story_summary(tracker.index, stories.pop())
    assert summary.languages == ["fr"]
    assert {"country:RU", "country:IR"} <= set(summary.entities)
    saved = load_index(store)
    assert saved.article_story == tracker.index.article_story
    (exported,) = export_stories(store)
    assert sorted(exported["article_ids"]) == sorted(a.article.id for a in analyses)


@pytest.mark.slow
def test_gold_corroborated_items_have_two_independent_sources(seeded):
    _, tracker, analyses, gold = seeded
    if not any(a.events for a in analyses):
        pytest.skip("no event extractor configured in this pipeline")
    ids = {e.name: e.id for a in analyses for e in a.entities.values()}
    groups = corroborate(analyses, original_of=tracker.index.neardup.origin_of)
    for item in gold["corroborated"]:
        wanted = {ids[name] for name in item["independent_sources"]}
        assert any(wanted <= set(g.independent_sources) for g in groups), item["event"]
