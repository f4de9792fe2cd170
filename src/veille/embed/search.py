"""Semantic and hybrid search, and related articles, over the store's vectors.

- semantic: the query embedded (e5's "query:" side), nearest passages by cosine, one hit
  per article (its best passage: the "matched passage");
- hybrid: reciprocal-rank fusion of the FTS ranking (keywords, one language) and the
  semantic ranking (all languages);
- by default results are interleaved across languages (``diversify``), so the language
  with most articles does not push the others below the fold;
- related: an article's nearest articles in other languages.

Filters (languages, date range) apply before ranking for vectors and after it for FTS.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from veille.config import Settings
from veille.embed.models import Embedder
from veille.embed.rank import RRF_K, calibrate, diversify, reciprocal_rank_fusion, top_k
from veille.embed.service import EmbeddingSettings, embedder_for
from veille.errors import VeilleError
from veille.store.database import Store
from veille.store.reads import article_cards
from veille.store.vectors import VectorIndex

MODES = ("fts", "semantic", "hybrid")
REFRESH_SECONDS = 5.0
POOL = 5  # candidates ranked per result shown, before fusion and diversification


@dataclass(frozen=True)
class Filters:
    languages: tuple[str, ...] = ()
    since: str | None = None  # ISO date (inclusive)
    until: str | None = None  # ISO date (inclusive, the whole day)


class SemanticSearch:
    """Search over one store with the configured model; cheap to call repeatedly (the vector
    matrix stays in memory and only new rows are read)."""

    def __init__(self, settings: Settings, store: Store, embedder: Embedder | None = None) -> None:
        self.store = store
        self.conf = EmbeddingSettings.from_settings(settings)
        self._settings = settings
        self._embedder = embedder
        self._index: VectorIndex | None = None
        self._checked = -float("inf")
        self._lock = threading.Lock()

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            if not self.conf.enabled:
                raise VeilleError(
                    "embeddings are off ([embeddings] enabled = false): semantic search needs them"
                )
            self._embedder = embedder_for(self._settings)
        return self._embedder

    def index(self) -> VectorIndex:
        """The model's vectors, re-checked for new rows at most every ``REFRESH_SECONDS``
        (the check counts the model's rows: tens of ms at 200k, not worth paying per query)."""
        with self._lock:
            if self._index is None:
                e = self.embedder
                self._index = VectorIndex(self.store, e.name, e.version, e.dim)
            now = time.monotonic()
            if now - self._checked >= REFRESH_SECONDS:
                self._index.refresh()
                self._checked = time.monotonic()
            return self._index

    # -- search ---------------------------------------------------------------------

    def search(
        self,
        query: str,
        mode: str = "semantic",
        limit: int = 20,
        filters: Filters | None = None,
        diversify_languages: bool = True,
    ) -> list[dict[str, Any]]:
        """Ranked results: id, title, language, source, published, score, passage, matched_by."""
        filters = filters or Filters()
        query = query.strip()
        if not query:
            return []
        if mode not in MODES:
            raise VeilleError(f"unknown search mode {mode!r}: use one of {', '.join(MODES)}")
        pool = max(limit * POOL, 50)
        semantic: dict[str, tuple[float, tuple[int, int, int]]] = {}
        lexical: dict[str, dict[str, Any]] = {}
        if mode in {"semantic", "hybrid"}:
            semantic = self._semantic(query, pool, filters)
        if mode in {"fts", "hybrid"}:
            lexical = {r["id"]: r for r in self._lexical(query, pool, filters)}
        baseline = self.embedder.baseline if semantic else 0.0
        relevance: dict[str, float]
        if mode == "semantic":
            relevance = {aid: float(calibrate(s, baseline)) + 1e-6 for aid, (s, _) in semantic.items()}
        elif mode == "fts":
            relevance = {aid: 1.0 / (rank + 1 + RRF_K) for rank, aid in enumerate(lexical)}
        else:
            relevance = dict(reciprocal_rank_fusion([list(lexical), list(semantic)]))
        info = article_cards(self.store, list(relevance))
        order = [aid for aid in relevance if aid in info]
        if diversify_languages:
            order = diversify(order, lambda aid: info[aid]["language"] or "und", relevance.__getitem__)
        order = order[:limit]
        texts = article_cards(self.store, order, text=True)  # the stored text only for what is shown
        out = []
        for aid in order:
            row = dict(info[aid])
            text = texts[aid]["text"] if aid in texts else ""
            hit = semantic.get(aid)
            row["matched_by"] = [m for m, ok in (("fts", aid in lexical), ("vector", hit is not None)) if ok]
            if hit is not None:
                score, (passage, start, end) = hit
                row["score"] = round(float(calibrate(score, baseline)), 4)
                row["passage"] = {"index": passage, "start": start, "end": end, "text": text[start:end]}
            else:
                row["score"] = None
                row["passage"] = None
            row["snippet"] = lexical[aid]["snippet"] if aid in lexical else None
            out.append(row)
        return out

    def _semantic(
        self, query: str, pool: int, filters: Filters
    ) -> dict[str, tuple[float, tuple[int, int, int]]]:
        index = self.index()
        qv = self.embedder.embed([query], query=True)[0]
        mask = index.mask(languages=filters.languages, since=filters.since, until=filters.until)
        best: dict[str, tuple[float, tuple[int, int, int]]] = {}
        for row, score in top_k(index.matrix, qv, pool * max(1, self.conf.passages), mask):
            aid = index.article_ids[row]
            if aid not in best:  # rows come best first: the first hit is the article's best passage
                best[aid] = (score, index.passages[row])
            if len(best) >= pool:
                break
        return best

    def _lexical(self, query: str, pool: int, filters: Filters) -> list[dict[str, Any]]:
        rows = self.store.search(query, limit=pool)
        if not (filters.languages or filters.since or filters.until) or not rows:
            return rows
        cards = article_cards(self.store, [r["id"] for r in rows])
        meta = {aid: (c["language"] or "und", c["published"] or "") for aid, c in cards.items()}
        keep = []
        for r in rows:
            language, published = meta.get(r["id"], ("und", ""))
            if filters.languages and language not in filters.languages:
                continue
            if filters.since and not (published and published >= filters.since):
                continue
            if filters.until and not (published and published <= filters.until + "\uffff"):
                continue
            keep.append(r)
        return keep

    # -- related --------------------------------------------------------------------

    def related(self, article_id: str, limit: int = 10, other_languages: bool = True) -> list[dict[str, Any]]:
        """The article's nearest articles (in other languages unless ``other_languages`` is off),
        diversified across languages, with their similarity on the calibrated [0, 1] scale."""
        index = self.index()
        vector = index.vector_of(article_id)
        if vector is None:
            return []
        rows = article_cards(self.store, [article_id], text=True)
        if not rows:
            return []
        language = rows[article_id]["language"] or "und"
        mask = index.mask(exclude_languages=[language] if other_languages else None)
        if mask is None:
            mask = np.ones(len(index.article_ids), dtype=bool)
        mask &= np.array([a != article_id for a in index.article_ids])
        best: dict[str, tuple[float, tuple[int, int, int]]] = {}
        for i, score in top_k(index.matrix, vector, limit * POOL, mask):
            best.setdefault(index.article_ids[i], (score, index.passages[i]))
        info = article_cards(self.store, list(best), text=True)
        base = self.embedder.baseline
        order = diversify(
            [a for a in best if a in info],
            lambda a: info[a]["language"] or "und",
            lambda a: float(calibrate(best[a][0], base)) + 1e-6,
        )[:limit]
        out: list[dict[str, Any]] = []
        for aid in order:
            row = dict(info[aid])
            text = row.pop("text")
            score, (passage, start, end) = best[aid]
            row["score"] = round(float(calibrate(score, self.embedder.baseline)), 4)
            row["passage"] = {"index": passage, "start": start, "end": end, "text": text[start:end]}
            out.append(row)
        return out
