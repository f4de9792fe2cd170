"""Article vectors in the store, and exact nearest-neighbour search over them.

Vectors live in the ``embeddings`` table (float32 blobs, one row per passage, with the
model name and version that made them) on SQLite and PostgreSQL alike. Search is exact:
a process keeps the configured model's vectors in one numpy matrix, refreshed
incrementally from the table (new rows by ``seq``), and ranks by dot product; 200k
articles take a few ms per query (bench/store_scale.py). Why not an extension:
sqlite-vec's wheel works, but Python's sqlite3 here is built without
``enable_load_extension``, and Debian bookworm ships no pgvector package (docs/search.md).

Writes are one transaction per batch (old rows of those articles out, new rows in), so
a crash leaves each article with all of its passages or none, and ``missing`` finds what
a re-run must embed.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import delete, func, select

from veille.store import schema
from veille.store.backends import now_iso
from veille.store.database import Store

E = schema.embeddings


@dataclass(frozen=True)
class PassageVector:
    article_id: str
    passage: int
    start: int
    end: int
    vector: np.ndarray


def to_blob(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def from_blob(blob: bytes, dim: int) -> np.ndarray:
    vec = np.frombuffer(blob, dtype="<f4")
    if vec.shape != (dim,):
        raise ValueError(f"stored vector has {vec.size} values, expected {dim}")
    return vec


def write_vectors(store: Store, model: str, version: str, rows: list[PassageVector]) -> int:
    """Replace the vectors of the articles in ``rows`` (one transaction); returns rows written.

    Articles deleted meanwhile are skipped (their foreign key would fail)."""
    if not rows:
        return 0
    ids = sorted({r.article_id for r in rows})
    now = now_iso()
    with store.engine.begin() as conn:
        present = {
            r[0] for r in conn.execute(select(schema.articles.c.id).where(schema.articles.c.id.in_(ids)))
        }
        conn.execute(delete(E).where(E.c.article_id.in_(ids)))
        values = [
            {
                "article_id": r.article_id,
                "passage": r.passage,
                "start": r.start,
                "end": r.end,
                "model": model,
                "version": version,
                "dim": int(r.vector.shape[0]),
                "vector": to_blob(r.vector),
                "created_at": now,
            }
            for r in sorted(rows, key=lambda r: (r.article_id, r.passage))
            if r.article_id in present
        ]
        if values:
            conn.execute(E.insert(), values)
    return len(values)


def missing(store: Store, model: str, version: str, limit: int | None = None) -> list[str]:
    """Ids of stored articles without a current vector from this model (oldest first)."""
    a = schema.articles
    current = select(E.c.article_id).where(E.c.model == model, E.c.version == version, E.c.passage == 0)
    query = select(a.c.id).where(a.c.id.not_in(current)).order_by(a.c.ingested_at, a.c.id)
    if limit:
        query = query.limit(limit)
    with store.engine.connect() as conn:
        return [r[0] for r in conn.execute(query)]


def article_vectors(store: Store, model: str, version: str, ids: Iterable[str]) -> dict[str, np.ndarray]:
    """The article (passage 0) vectors of these ids that this model has made."""
    wanted = list(ids)
    out: dict[str, np.ndarray] = {}
    with store.engine.connect() as conn:
        for i in range(0, len(wanted), 500):
            rows = conn.execute(
                select(E.c.article_id, E.c.dim, E.c.vector).where(
                    E.c.model == model,
                    E.c.version == version,
                    E.c.passage == 0,
                    E.c.article_id.in_(wanted[i : i + 500]),
                )
            )
            out.update({r[0]: from_blob(r[2], r[1]) for r in rows})
    return out


def counts(store: Store) -> dict[str, int]:
    """Embedded articles per "model version"."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(E.c.model, E.c.version, func.count())
            .where(E.c.passage == 0)
            .group_by(E.c.model, E.c.version)
        )
        return {f"{m} {v}": n for m, v, n in rows}


@dataclass
class VectorIndex:
    """One model's passage vectors in memory, with each row's article, language and date."""

    store: Store
    model: str
    version: str
    dim: int
    matrix: np.ndarray = field(init=False)
    article_ids: list[str] = field(default_factory=list)
    passages: list[tuple[int, int, int]] = field(default_factory=list)  # (passage, start, end)
    languages: np.ndarray = field(init=False)
    published: np.ndarray = field(init=False)  # ISO strings, "" when unknown
    _row_of: dict[str, int] = field(default_factory=dict)  # article id -> row of its passage 0
    _seen: tuple[int, int] = (0, -1)  # (row count, max seq) of the table when last read
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        self._clear()

    def _clear(self) -> None:
        self.matrix = np.zeros((0, self.dim), dtype=np.float32)
        self.article_ids, self.passages, self._row_of = [], [], {}
        self.languages = np.zeros(0, dtype=object)
        self.published = np.zeros(0, dtype=object)
        self._seen = (0, -1)

    def refresh(self) -> None:
        """Read rows added since the last call; re-read everything when rows were replaced."""
        with self._lock, self.store.engine.connect() as conn:
            where = (E.c.model == self.model, E.c.version == self.version)
            total, top = conn.execute(select(func.count(), func.max(E.c.seq)).where(*where)).one()
            top = -1 if top is None else top
            if (total, top) == self._seen:
                return
            seen_total, seen_top = self._seen
            a = schema.articles
            query = (
                select(
                    E.c.seq,
                    E.c.article_id,
                    E.c.passage,
                    E.c.start,
                    E.c.end,
                    E.c.dim,
                    E.c.vector,
                    a.c.language,
                    a.c.published,
                )
                .join(a, a.c.id == E.c.article_id)
                .where(*where)
                .order_by(E.c.seq)
            )
            new_rows = conn.execute(query.where(E.c.seq > seen_top)).all()
            if seen_total + len(new_rows) != total:  # rows were deleted or replaced: start over
                self._clear()
                new_rows = conn.execute(query).all()
            self._append(new_rows)
            self._seen = (total, top)

    def _append(self, rows: Sequence[Any]) -> None:
        rows = [r for r in rows if r.dim == self.dim]
        if not rows:
            return
        block = np.vstack([np.frombuffer(r.vector, dtype="<f4") for r in rows]).astype(np.float32)
        base = len(self.article_ids)
        for i, r in enumerate(rows):
            self.article_ids.append(r.article_id)
            self.passages.append((r.passage, r.start, r.end))
            if r.passage == 0:
                self._row_of[r.article_id] = base + i
        self.matrix = np.vstack([self.matrix, block]) if len(self.matrix) else block
        self.languages = np.concatenate(
            [self.languages, np.array([r.language or "und" for r in rows], dtype=object)]
        )
        self.published = np.concatenate(
            [self.published, np.array([r.published or "" for r in rows], dtype=object)]
        )

    def vector_of(self, article_id: str) -> np.ndarray | None:
        row = self._row_of.get(article_id)
        return None if row is None else self.matrix[row]

    def mask(
        self,
        languages: Iterable[str] | None = None,
        exclude_languages: Iterable[str] | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> np.ndarray | None:
        """Rows allowed by the filters (None: all). Dates compare as ISO strings; ``until`` takes the whole day."""
        mask = None

        def both(m: np.ndarray) -> np.ndarray:
            return m if mask is None else mask & m

        if languages:
            mask = both(np.isin(self.languages, list(languages)))
        if exclude_languages:
            mask = both(~np.isin(self.languages, list(exclude_languages)))
        if since:
            mask = both(self.published >= since)
        if until:
            mask = both((self.published != "") & (self.published <= until + "\uffff"))
        return mask
