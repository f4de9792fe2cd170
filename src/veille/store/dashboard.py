"""Reads the dashboard and the API need beyond ``Store``'s own: stories, routes, facts of a set of articles.

Stories come from the story index the stories stage keeps (``veille.store.stories``);
a store written without one gets it built on the first story listing.
"""

from __future__ import annotations

import dataclasses
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import func, select

from veille.model import Article, Entity, Place
from veille.store import schema
from veille.store import stories as saved
from veille.store.database import Store
from veille.store.records import from_row
from veille.store.stories import StoredStory

T = TypeVar("T")

IN_CHUNK = 5000  # ids per IN (...) list: under every backend's bound-parameter limit


def routes(store: Store, limit: int = 200, offset: int = 0) -> list[dict[str, Any]]:
    r = schema.routes
    return store._rows(select(r).order_by(r.c.article_id, r.c.start).limit(limit).offset(offset))


def articles_by_id(store: Store, ids: Iterable[str]) -> list[Article]:
    """These articles, text included, in the order given."""
    a = schema.articles
    wanted = list(ids)
    rows = store._rows(select(a).where(a.c.id.in_(wanted)))
    order = {aid: i for i, aid in enumerate(wanted)}
    return [from_row(Article, r) for r in sorted(rows, key=lambda r: order[r["id"]])]


@dataclass(frozen=True)
class ArticleHead:
    """An article's metadata without its text: what a list shows."""

    id: str
    title: str | None
    language: str | None
    source: str | None
    url: str | None
    published: str | None
    ingested_at: str | None


def article_heads(store: Store, ids: Iterable[str]) -> list[ArticleHead]:
    """Articles' metadata without their text, in no particular order."""
    a = schema.articles
    columns = [a.c[f.name] for f in dataclasses.fields(ArticleHead)]
    wanted = list(set(ids))
    out: list[ArticleHead] = []
    for start in range(0, len(wanted), IN_CHUNK):
        query = select(*columns).where(a.c.id.in_(wanted[start : start + IN_CHUNK]))
        out += [ArticleHead(**r) for r in store._rows(query)]
    return out


def count_facts_by_article(
    store: Store, article_ids: list[str], tables: Iterable[str]
) -> dict[str, dict[str, int]]:
    """{table: {article_id: rows}} for these articles, one grouped query per table."""
    out: dict[str, dict[str, int]] = {}
    wanted = list(set(article_ids))
    with store.engine.connect() as conn:
        for name in tables:
            t = schema.metadata.tables[name]
            counts: dict[str, int] = {}
            for start in range(0, len(wanted), IN_CHUNK):
                query = (
                    select(t.c.article_id, func.count())
                    .where(t.c.article_id.in_(wanted[start : start + IN_CHUNK]))
                    .group_by(t.c.article_id)
                )
                counts.update({r[0]: int(r[1]) for r in conn.execute(query)})
            out[name] = counts
    return out


def facts_of(store: Store, fact: type[T], table_name: str, article_ids: list[str]) -> list[T]:
    """The ``fact`` objects (Claim, Sentence, …) of a fact table for these articles, in text order."""
    t = schema.metadata.tables[table_name]
    order = [t.c.article_id, t.c.start] if "start" in t.c else [t.c.article_id, t.c["index"]]
    query = select(t).where(t.c.article_id.in_(article_ids)).order_by(*order)
    return [from_row(fact, r) for r in store._rows(query)]


def places_by_id(store: Store, ids: Iterable[str]) -> dict[str, Place]:
    p = schema.places
    return {r["id"]: from_row(Place, r) for r in store._rows(select(p).where(p.c.id.in_(list(set(ids)))))}


def entities_by_id(store: Store, ids: Iterable[str]) -> dict[str, Entity]:
    e = schema.entities
    return {r["id"]: from_row(Entity, r) for r in store._rows(select(e).where(e.c.id.in_(list(set(ids)))))}


# -- stories --------------------------------------------------------------------------


def stories(store: Store, limit: int = 50, offset: int = 0) -> tuple[str, list[StoredStory]]:
    """("stories", a page of the story index), newest first; the index is built first when
    articles were stored without one (written by ``Store.write`` alone)."""
    _ensure_story_index(store)
    return "stories", saved.stories(store, limit=limit, offset=offset)


def story(store: Store, story_id: str) -> StoredStory | None:
    _ensure_story_index(store)
    return saved.story(store, story_id)


def _ensure_story_index(store: Store) -> None:
    """Build the story index of a store that has articles but none (what an ingest does after
    each batch); checked once per store, since an index, once built, is never removed."""
    if store in _INDEXED:
        return
    if saved.index_missing(store):
        from veille.stories.persist import StoryTracker  # the stories stage, above the store

        StoryTracker(store)
    _INDEXED.add(store)


_INDEXED: weakref.WeakSet[Store] = weakref.WeakSet()
