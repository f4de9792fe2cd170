"""The embeddings table and exact vector search, on SQLite and a real PostgreSQL.

Vectors here are fixed unit vectors (the store under test, not a model): storage round trip,
one model's rows only, replacement in one transaction, incremental refresh, filters."""

from __future__ import annotations

import numpy as np
import pytest

from veille.embed.rank import top_k
from veille.model import Analysis, Article, article_id_for
from veille.store.database import Store
from veille.store.vectors import PassageVector, VectorIndex, article_vectors, counts, missing, write_vectors

TEXTS = [
    ("fr", "2024-03-01", "La Russie construit des drones iraniens à Alabuga."),
    ("ru", "2024-03-02", "Россия строит иранские беспилотники в Алабуге."),
    ("de", "2024-05-10", "Der Bundestag debattiert über die Rentenreform."),
]


def _unit(*values: float) -> np.ndarray:
    v = np.array(values, dtype=np.float32)
    return v / np.linalg.norm(v)


def _check(store: Store) -> None:
    ids = []
    for lang, day, text in TEXTS:
        art = Article(id=article_id_for(text), text=text, language=lang, published=day)
        store.write([Analysis(article=art)])
        ids.append(art.id)
    fr, ru, de = ids
    assert sorted(missing(store, "m", "1")) == sorted(ids)
    vec = {fr: _unit(1, 0.1, 0), ru: _unit(0.9, 0.2, 0), de: _unit(0, 0, 1)}
    rows = [PassageVector(aid, 0, 0, 20, v) for aid, v in vec.items()]
    rows.append(PassageVector(de, 1, 20, 40, _unit(0, 1, 0)))  # a second passage
    rows.append(PassageVector("gone-article", 0, 0, 5, _unit(1, 1, 1)))  # deleted meanwhile: skipped
    assert write_vectors(store, "m", "1", rows) == 4
    assert missing(store, "m", "1") == [] and sorted(missing(store, "m", "2")) == sorted(ids)
    assert counts(store) == {"m 1": 3}
    got = article_vectors(store, "m", "1", [fr, de])
    assert set(got) == {fr, de} and np.allclose(got[fr], vec[fr])

    index = VectorIndex(store, "m", "1", 3)
    index.refresh()
    assert len(index.article_ids) == 4 and np.allclose(index.vector_of(ru), vec[ru])
    best = [
        index.article_ids[i] for i, _ in top_k(index.matrix, vec[fr], 3, index.mask(exclude_languages=["fr"]))
    ]
    assert best[0] == ru
    assert set(np.array(index.article_ids)[index.mask(languages=["de"])]) == {de}
    assert set(np.array(index.article_ids)[index.mask(since="2024-03-02", until="2024-03-31")]) == {ru}
    # Re-embedding an article replaces its rows; the index notices and re-reads.
    write_vectors(store, "m", "1", [PassageVector(de, 0, 0, 20, _unit(0, 1, 1))])
    index.refresh()
    assert index.article_ids.count(de) == 1 and np.allclose(index.vector_of(de), _unit(0, 1, 1))
    # New rows only: appended.
    text = "Kyiv a reçu de nouveaux systèmes de défense aérienne."
    art = Article(id=article_id_for(text), text=text, language="fr", published="2024-06-01")
    store.write([Analysis(article=art)])
    write_vectors(store, "m", "1", [PassageVector(art.id, 0, 0, 10, _unit(1, 0, 1))])
    index.refresh()
    assert len(index.article_ids) == 4 and index.vector_of(art.id) is not None


def test_vectors_on_sqlite(tmp_path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'v.db'}")
    _check(store)
    store.close()


@pytest.mark.slow
def test_vectors_on_postgresql(postgres_url: str) -> None:
    store = Store(postgres_url)
    _check(store)
    store.close()
