"""Article embeddings carry stories across languages the pipeline has no model for.

The sample corpus (samples/corpus) and the seeds tell the Alabuga drone factory in French,
English and German, and North Korea's shells for Russia in English and French. Two Russian
reports we wrote (tests/embed_texts.py) go through the blank Russian pipeline (no NER):
each must join its development's story through its vector, not the other one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from embed_texts import SAMPLE_DRONES_RU, SAMPLE_SHELLS_RU
from veille.ingest.runner import Ingestor
from veille.model import Analysis, Article, article_id_for
from veille.store.database import Store
from veille.stories.cluster import ClusterSettings, StoryIndex
from veille.stories.persist import load_index

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "corpus"


@pytest.fixture(scope="module")
def ingested(settings, pipeline, seeds_dir, tmp_path_factory):
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('xstories') / 'v.db'}")
    ingestor = Ingestor(settings, store, pipeline)
    analyses: list[Analysis] = []
    ingestor.after_write.append(analyses.extend)
    ingestor.ingest([str(SAMPLES), *(str(p) for p in sorted(seeds_dir.glob("*.txt")))])
    russian = [
        Article(id=article_id_for(text), text=text, title=title, language="ru", published=day)
        for (title, text), day in [(SAMPLE_DRONES_RU, "2023-06-10"), (SAMPLE_SHELLS_RU, "2023-11-02")]
    ]
    ingestor.ingest_items(russian)
    by_title = {a.article.title: a.article.id for a in analyses}
    yield store, analyses, by_title, [a.id for a in russian]
    store.close()


def _story_members(store: Store, article_id: str) -> set[str]:
    index = load_index(store.engine)
    sid = index.story_of(article_id)
    return {a for a, s in index.article_story.items() if index.resolve(s) == sid}


def test_russian_reports_join_their_developments_stories(ingested) -> None:
    store, _, by_title, (drones_ru, shells_ru) = ingested
    drones = {by_title[t] for t in by_title if t and ("drone" in t.lower() or "drohnen" in t.lower())}
    shells = {by_title[t] for t in by_title if t and ("north korea" in t.lower() or "obus" in t.lower())}
    assert len(drones) >= 3 and len(shells) == 2
    drone_story = _story_members(store, drones_ru)
    assert drones <= drone_story, "the Russian drone report joins the fr/en/de drone story"
    assert not shells & drone_story
    shell_story = _story_members(store, shells_ru)
    assert shells <= shell_story and drones_ru not in shell_story


def test_without_vectors_the_russian_report_stays_alone(ingested) -> None:
    """The control: the same stream without embeddings leaves the Russian drone report apart,
    so the vectors are what bring it in."""
    _, analyses, _, (drones_ru, _) = ingested
    index = StoryIndex(settings=ClusterSettings())
    for analysis in analyses:
        index.add(analysis)
    russian = [a for a in analyses if a.article.id == drones_ru]
    if not russian:  # the Russian articles were captured by the hook too
        pytest.fail("the Russian article did not reach the after-write hooks")
    sid = index.story_of(drones_ru)
    members = {a for a, s in index.article_story.items() if index.resolve(s) == sid}
    assert members == {drones_ru}
