"""The story index's tables: what the stories stage saves, and the stories its views read.

``veille.stories.persist`` keeps the index in memory and calls ``save_story_index`` with
what changed; ``saved_articles`` / ``saved_history`` give it back in stream order. The
story list and story pages read ``stories`` / ``story`` (``StoredStory``: a ``Story`` with
the time its row was last written, which the views use as a version).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import delete, func, select

from veille.facts import as_dict
from veille.model import Story
from veille.store import backends, schema
from veille.store.database import Store
from veille.store.records import from_row

T = TypeVar("T")
STORY_COLUMNS = tuple(c.name for c in schema.stories.columns)


@dataclass
class StoredStory(Story):
    """A row of ``stories``: the summary the stories stage wrote, and when."""

    updated_at: str = ""

    def as_row(self) -> dict[str, Any]:
        """The row as stored, in the table's column order (what ``veille stories --json`` prints)."""
        return {name: getattr(self, name) for name in STORY_COLUMNS}


@dataclass
class SavedArticle:
    """A row of ``story_articles``: what rebuilds one article's place in the index exactly."""

    article_id: str
    story_id: str
    seq: int  # order the index saw the articles in
    original_id: str | None  # set when the article is a copy of another
    similarity: float | None  # estimated Jaccard to the original
    language: str
    day: int | None  # ordinal publication day
    title: str
    source: str
    features: dict[str, float]
    signature: bytes | None  # MinHash values; None for texts too short to compare


def save_story_index(
    store: Store,
    history: Sequence[Any],
    articles: list[SavedArticle],
    stories: list[Story],
    gone: list[str],
) -> int:
    """One transaction: history entries not saved yet (``history[i].seq == i``), the articles
    and stories that changed, the stories merged away; returns rows written."""
    sh = schema.story_history
    with store.engine.begin() as conn:
        saved = conn.execute(select(sh.c.seq).order_by(sh.c.seq.desc())).first()
        new_history = [as_dict(h) for h in history[saved[0] + 1 if saved else 0 :]]
        if new_history:
            conn.execute(sh.insert(), new_history)
        _upsert(store, conn, schema.story_articles, [as_dict(a) for a in articles])
        if gone:
            conn.execute(delete(schema.stories).where(schema.stories.c.id.in_(gone)))
        now = backends.now_iso()
        _upsert(store, conn, schema.stories, [as_dict(s) | {"updated_at": now} for s in stories])
    return len(new_history) + len(articles) + len(stories)


def _upsert(store: Store, conn: Any, table: Any, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    (key,) = (c.name for c in table.primary_key.columns)
    stmt = backends.insert(store.engine, table)
    update = {c.name: stmt.excluded[c.name] for c in table.columns if c.name != key}
    conn.execute(stmt.on_conflict_do_update(index_elements=[key], set_=update), rows)


def saved_articles(store: Store) -> list[SavedArticle]:
    """Every saved article of the index, in the order the index saw them."""
    sa = schema.story_articles
    return [from_row(SavedArticle, r) for r in store._rows(select(sa).order_by(sa.c.seq))]


def saved_history(store: Store, entry: type[T]) -> list[T]:
    """The index's change log, oldest first, as ``entry`` objects (``HistoryEntry``)."""
    sh = schema.story_history
    return [from_row(entry, r) for r in store._rows(select(sh).order_by(sh.c.seq))]


def saved_marks(store: Store) -> tuple[int, int]:
    """How many articles and history entries the saved index holds (by their last ``seq``)."""
    sa, sh = schema.story_articles, schema.story_history
    with store.engine.connect() as conn:
        articles = conn.execute(select(func.max(sa.c.seq))).scalar()
        history = conn.execute(select(func.max(sh.c.seq))).scalar()
    return (-1 if articles is None else articles) + 1, (-1 if history is None else history) + 1


def unassigned_articles(store: Store) -> list[str]:
    """Stored articles the index has not seen (a run killed between the two writes), oldest first."""
    a, sa = schema.articles, schema.story_articles
    query = select(a.c.id).where(a.c.id.not_in(select(sa.c.article_id))).order_by(a.c.ingested_at, a.c.id)
    return [r["id"] for r in store._rows(query)]


def index_missing(store: Store) -> bool:
    """Whether articles are stored but no story index was built for them."""
    with store.engine.connect() as conn:
        has_articles = conn.execute(select(schema.articles.c.id).limit(1)).first() is not None
        has_index = conn.execute(select(schema.story_articles.c.article_id).limit(1)).first() is not None
    return has_articles and not has_index


def stories(store: Store, limit: int | None = None, offset: int = 0) -> list[StoredStory]:
    """Stored stories, most recently active first (ties: newest id first)."""
    s = schema.stories
    query = select(s).order_by(s.c.last_seen.desc(), s.c.id.desc()).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return [from_row(StoredStory, r) for r in store._rows(query)]


def story(store: Store, story_id: str) -> StoredStory | None:
    s = schema.stories
    found = store._rows(select(s).where(s.c.id == story_id))
    return from_row(StoredStory, found[0]) if found else None


def live_story_id(store: Store, story_id: str) -> str:
    """Follow merges in the history: an old id keeps working."""
    h = schema.story_history
    query = select(h.c.other_story_id, h.c.story_id).where(h.c.op == "merge")
    merged = {r["other_story_id"]: r["story_id"] for r in store._rows(query)}
    seen: set[str] = set()
    while story_id in merged and story_id not in seen:
        seen.add(story_id)
        story_id = merged[story_id]
    return story_id


def originals(store: Store, article_ids: list[str]) -> dict[str, str]:
    """Article id -> the id of the article it copies, for the copies among ``article_ids``."""
    sa = schema.story_articles
    query = select(sa.c.article_id, sa.c.original_id).where(sa.c.article_id.in_(article_ids))
    return {r["article_id"]: r["original_id"] for r in store._rows(query) if r["original_id"]}
