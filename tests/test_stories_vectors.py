"""Article embeddings carry stories across languages the pipeline has no model for.

The sample corpus (samples/corpus) and the seeds tell the Alabuga drone factory in French,
English and German, and North Korea's shells for Russia in English and French. Two Russian
reports we wrote (tests/embed_texts.py) go through the blank Russian pipeline (no NER):
each must join its development's story through its vector, not the other one.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from embed_texts import SAMPLE_DRONES_RU, SAMPLE_SHELLS_RU
from veille.embed.service import embedder_for
from veille.ingest.runner import Ingestor
from veille.model import Analysis, Article, article_id_for
from veille.store.database import Store
from veille.store.vectors import article_vectors
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
    index = load_index(store)
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


def test_the_vector_alone_brings_it_in(ingested, settings) -> None:
    """The Russian report keeps some cross-language features here (the gazetteer knows Россия,
    Иран, США). Strip them, as for a language no gazetteer covers: with its vector the report
    still joins the drone story; without it, it stays alone. So the vector is what carries it."""
    store, analyses, by_title, (drones_ru, _) = ingested
    model = embedder_for(settings)
    vectors = article_vectors(store, model.name, model.version, [a.article.id for a in analyses])
    assert drones_ru in vectors
    stripped = [
        dataclasses.replace(a, mentions=[], place_mentions=[], amounts=[], dates=[], entities={}, places={})
        if a.article.id == drones_ru
        else a
        for a in analyses
    ]
    drones = {by_title[t] for t in by_title if t and ("drone" in t.lower() or "drohnen" in t.lower())}
    for use_vectors in (True, False):
        index = StoryIndex(settings=ClusterSettings(vector_baseline=model.baseline))
        for analysis in stripped:
            index.add(analysis, vectors.get(analysis.article.id) if use_vectors else None)
        sid = index.story_of(drones_ru)
        members = {a for a, s in index.article_story.items() if index.resolve(s) == sid}
        if use_vectors:
            assert drones <= members
        else:
            assert members == {drones_ru}
