"""Save and load the story index in the store (tables in ``veille.store.schema``, stories section).

Saving writes only what changed since the last save (new or moved articles, the
stories they touched, new history entries), so it costs O(changes). Loading
rebuilds the in-memory index from ``story_articles`` in stream order: document
frequencies, postings, centroids and the near-duplicate LSH are derived data.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from veille.model import Analysis, Article
from veille.store import backends, schema
from veille.stories.cluster import ClusterSettings, HistoryEntry, StoryIndex
from veille.stories.export import load_analyses
from veille.stories.features import ArticleFeatures
from veille.stories.neardup import signature_from_bytes, signature_to_bytes
from veille.stories.summary import story_summary


def _upsert(conn: Connection, table: Any, rows: list[dict[str, Any]], key: str) -> None:
    if not rows:
        return
    dialect = postgresql if conn.engine.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(table)
    update = {c.name: stmt.excluded[c.name] for c in table.columns if c.name != key}
    conn.execute(stmt.on_conflict_do_update(index_elements=[key], set_=update), rows)


def save_index(engine: Engine, index: StoryIndex, articles: Mapping[str, Article] | None = None) -> int:
    """Persist what changed in ``index`` since it was loaded or last saved; returns rows written."""
    with engine.begin() as conn:
        saved_seq = conn.execute(
            select(schema.story_history.c.seq).order_by(schema.story_history.c.seq.desc())
        ).first()
        start = saved_seq[0] + 1 if saved_seq else 0
        history = [_history_row(h) for h in index.history[start:]]
        if history:
            conn.execute(schema.story_history.insert(), history)
        rows = [
            _article_row(index, aid) for aid in sorted(index.touched_articles, key=index.order.__getitem__)
        ]
        _upsert(conn, schema.story_articles, rows, "article_id")
        now = datetime.now(UTC).isoformat(timespec="seconds")
        live = [sid for sid in sorted(index.touched_stories) if sid in index.stories]
        gone = [sid for sid in sorted(index.touched_stories) if sid not in index.stories]
        if gone:
            conn.execute(delete(schema.stories).where(schema.stories.c.id.in_(gone)))
        summaries = [_story_row(index, sid, articles, now) for sid in live]
        _upsert(conn, schema.stories, summaries, "id")
    written = len(history) + len(rows) + len(summaries)
    index.touched_articles.clear()
    index.touched_stories.clear()
    return written


def _history_row(h: HistoryEntry) -> dict[str, Any]:
    return {
        "seq": h.seq,
        "op": h.op,
        "story_id": h.story_id,
        "article_id": h.article_id,
        "other_story_id": h.other_story_id,
        "score": h.score,
    }


def _article_row(index: StoryIndex, article_id: str) -> dict[str, Any]:
    f = index.features[article_id]
    sig = index.neardup.signatures.get(article_id)
    link = index.neardup.link_of(article_id)
    return {
        "article_id": article_id,
        "story_id": index.article_story[article_id],
        "seq": index.order[article_id],
        "original_id": link.original_id if link else None,
        "similarity": link.similarity if link else None,
        "language": f.language,
        "day": f.day,
        "title": f.title,
        "source": f.source,
        "features": f.counts,
        "signature": signature_to_bytes(sig) if sig is not None else None,
    }


def _story_row(
    index: StoryIndex, story_id: str, articles: Mapping[str, Article] | None, now: str
) -> dict[str, Any]:
    s = story_summary(index, story_id, articles)
    return {
        "id": s.id,
        "title": s.title,
        "first_seen": s.first_seen,
        "last_seen": s.last_seen,
        "languages": s.languages,
        "entities": s.entities,
        "sources": s.sources,
        "independent_sources": s.independent_sources,
        "article_ids": s.article_ids,
        "merged_from": s.merged_from,
        "updated_at": now,
    }


def load_index(
    engine: Engine, settings: ClusterSettings | None = None, vector_model: tuple[str, str] | None = None
) -> StoryIndex:
    """Rebuild the story index saved in the store (an empty one for a new store).

    ``vector_model`` (name, version): attach that model's stored vectors to the most recent
    ``vector_window`` articles, the ones new articles are compared with.
    """
    index = StoryIndex() if settings is None else StoryIndex(settings=settings)
    with engine.connect() as conn:
        rows = (
            conn.execute(select(schema.story_articles).order_by(schema.story_articles.c.seq)).mappings().all()
        )
        history = (
            conn.execute(select(schema.story_history).order_by(schema.story_history.c.seq)).mappings().all()
        )
    vectors: dict[str, Any] = {}
    if vector_model is not None and rows:
        from veille.store.vectors import article_vectors

        recent = [r["article_id"] for r in rows[-index.settings.vector_window :]]
        vectors = article_vectors(engine, vector_model[0], vector_model[1], recent)
    nd = index.neardup
    for r in rows:
        aid = r["article_id"]
        if r["signature"] is not None:
            sig = signature_from_bytes(r["signature"])
            nd.signatures[aid] = sig
            nd.lsh.insert(aid, sig)
        if r["original_id"]:
            nd.original[aid] = r["original_id"]
        feats = ArticleFeatures(aid, r["language"], r["day"], dict(r["features"]), r["title"], r["source"])
        feats.vector = vectors.get(aid)
        index.features[aid] = feats
        index.order[aid] = r["seq"]
        is_copy = aid in nd.original
        if not is_copy:
            index._count(feats)
            index.remember_vector(feats)
        story = index.stories.get(r["story_id"])
        if story is None:
            story = index._new_story_with_id(r["story_id"])
        index._attach(story, feats, count=not is_copy)
    for h in history:
        entry = HistoryEntry(
            h["seq"], h["op"], h["story_id"], h["article_id"], h["other_story_id"], h["score"]
        )
        index.history.append(entry)
        if entry.op == "merge" and entry.other_story_id:
            index.aliases[entry.other_story_id] = entry.story_id
    for story in index.stories.values():
        story.added_since_check = 0
    index.touched_articles.clear()
    index.touched_stories.clear()
    return index


def saved_marks(engine: Engine) -> tuple[int, int]:
    """How many articles and history entries the saved index holds (by their last ``seq``)."""
    sa, sh = schema.story_articles, schema.story_history
    with engine.connect() as conn:
        articles = conn.execute(select(func.max(sa.c.seq))).scalar()
        history = conn.execute(select(func.max(sh.c.seq))).scalar()
    return (-1 if articles is None else articles) + 1, (-1 if history is None else history) + 1


class StoryTracker:
    """Keeps a store's story index in memory and saved: ``tracker.add(analyses)`` after each write.

    Fits ``Ingestor.after_write``; the index is loaded once, then each batch costs
    O(batch), whatever the size of the store. Several processes may ingest into one
    store: each batch is assigned under the store's "stories" lock (``backends.exclusive``),
    and the index is reloaded first when another process saved since this one did, so
    every process clusters against every article and ``seq`` stays one sequence.
    """

    def __init__(
        self,
        engine: Engine,
        settings: ClusterSettings | None = None,
        vector_model: tuple[str, str] | None = None,
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.vector_model = vector_model  # (name, version) of the embeddings used, if any
        with backends.exclusive(engine, "stories"):
            self.index = load_index(engine, settings, vector_model)
        self.catch_up()

    def _refresh(self) -> None:
        """Reload the index if the saved one is not the one in memory (call under the lock)."""
        if saved_marks(self.engine) != (len(self.index.order), len(self.index.history)):
            self.index = load_index(self.engine, self.settings, self.vector_model)

    def catch_up(self, batch: int = 200) -> int:
        """Assign stored articles that have no story yet (a run killed between the
        article write and the story write); returns how many were added."""
        a, sa = schema.articles, schema.story_articles
        with self.engine.connect() as conn:
            missing = [
                r[0]
                for r in conn.execute(
                    select(a.c.id)
                    .where(a.c.id.not_in(select(sa.c.article_id)))
                    .order_by(a.c.ingested_at, a.c.id)
                )
            ]
        for i in range(0, len(missing), batch):
            ids = missing[i : i + batch]
            vectors: Mapping[str, Any] | None = None
            if self.vector_model is not None:
                from veille.store.vectors import article_vectors

                vectors = article_vectors(self.engine, *self.vector_model, ids)
            self.add(load_analyses(self.engine, ids), vectors)
        return len(missing)

    def add(self, analyses: list[Analysis], vectors: Mapping[str, Any] | None = None) -> dict[str, str]:
        """Assign a batch to stories (with their embeddings, when given) and save the index."""
        vectors = vectors or {}
        with backends.exclusive(self.engine, "stories"):
            self._refresh()  # another process's catch-up may have assigned some: ``add`` is idempotent
            assigned = {a.article.id: self.index.add(a, vectors.get(a.article.id)) for a in analyses}
            save_index(self.engine, self.index, {a.article.id: a.article for a in analyses})
            return {aid: self.index.story_of(aid) or sid for aid, sid in assigned.items()}
