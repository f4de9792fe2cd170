"""Reads the dashboard and the API need beyond ``Store``'s own: stories, routes, facts of a set of articles.

Stories come from the store's story index when it has one (``Store.stories`` /
``Store.story``, from the stories stage). Until then articles are grouped here
by the named entities they share, weighted by rarity, so the dashboard still
shows what belongs together; ``mode`` says which of the two a listing used.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Table, func, select

from veille.store import schema
from veille.store.database import Store

GROUP_THRESHOLD = 0.5  # Jaccard of two articles' salient entity sets to put them in one group
SALIENT_ENTITIES = 4
GROUP_KINDS = ("country", "organisation", "person", "place")
MAX_GROUPED_ARTICLES = 5000
IN_CHUNK = 5000  # ids per IN (...) list: under every backend's bound-parameter limit  # the fallback grouping reads at most this many recent articles


def _rows(store: Store, query: Any) -> list[dict[str, Any]]:
    with store.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def routes(store: Store, limit: int = 200, offset: int = 0) -> list[dict[str, Any]]:
    r = schema.routes
    return _rows(store, select(r).order_by(r.c.article_id, r.c.start).limit(limit).offset(offset))


def articles_by_id(store: Store, ids: Iterable[str]) -> list[dict[str, Any]]:
    a = schema.articles
    wanted = list(ids)
    rows = _rows(store, select(a).where(a.c.id.in_(wanted)))
    order = {aid: i for i, aid in enumerate(wanted)}
    return sorted(rows, key=lambda r: order[r["id"]])


def article_heads(store: Store, ids: Iterable[str]) -> list[dict[str, Any]]:
    """Articles' metadata without their text (what a list shows), in no particular order."""
    a = schema.articles
    columns = (a.c.id, a.c.title, a.c.language, a.c.source, a.c.url, a.c.published, a.c.ingested_at)
    wanted = list(set(ids))
    out: list[dict[str, Any]] = []
    for start in range(0, len(wanted), IN_CHUNK):
        out += _rows(store, select(*columns).where(a.c.id.in_(wanted[start : start + IN_CHUNK])))
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


def facts_of(store: Store, table_name: str, article_ids: list[str]) -> list[dict[str, Any]]:
    """Rows of a fact table for these articles, in text order."""
    t = schema.metadata.tables[table_name]
    order = [t.c.article_id, t.c.start] if "start" in t.c else [t.c.article_id, t.c["index"]]
    return _rows(store, select(t).where(t.c.article_id.in_(article_ids)).order_by(*order))


def places_by_id(store: Store, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    p = schema.places
    return {r["id"]: r for r in _rows(store, select(p).where(p.c.id.in_(list(set(ids)))))}


def entities_by_id(store: Store, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    e = schema.entities
    return {r["id"]: r for r in _rows(store, select(e).where(e.c.id.in_(list(set(ids)))))}


def source_key(article: dict[str, Any]) -> str | None:
    """Who published an article, for counting independent sources: publisher, else URL host, else None."""
    if article.get("source"):
        return str(article["source"]).strip().casefold()
    host = urlsplit(article.get("url") or "").hostname
    return host.removeprefix("www.") if host else None


# -- stories --------------------------------------------------------------------------


def _story_table() -> Table | None:
    """The stories stage's ``stories`` table (id, title, article_ids, …), when that stage is installed."""
    table = schema.metadata.tables.get("stories")
    return table if table is not None and {"id", "article_ids"} <= set(table.c.keys()) else None


def _story_order(table: Table) -> list[Any]:
    return [table.c[c].desc() for c in ("last_seen", "id") if c in table.c]


def stories(store: Store, limit: int = 50, offset: int = 0) -> tuple[str, list[dict[str, Any]]]:
    """("stories", rows) from the story index, or ("grouped", rows) from shared entities.

    Each row has ``id``, ``title``, ``article_ids``; the story index's rows keep their
    other columns (``independent_sources`` feeds the corroboration badge).
    """
    table = _story_table()
    if table is not None:
        listed = _rows(store, select(table).order_by(*_story_order(table)).limit(limit).offset(offset))
        if listed or offset:
            return "stories", listed
    groups = group_articles(store)
    return "grouped", groups[offset : offset + limit]


def story(store: Store, story_id: str) -> dict[str, Any] | None:
    table = _story_table()
    if table is not None:
        found = _rows(store, select(table).where(table.c.id == story_id))
        if found:
            return found[0]
    return next((g for g in group_articles(store) if g["id"] == story_id), None)


def group_articles(store: Store) -> list[dict[str, Any]]:
    """Connected groups of articles whose most-named entities overlap, biggest and newest first.

    Each article is reduced to its SALIENT_ENTITIES most-mentioned named entities (what it is
    about, not everything it names); two articles join when those sets have a Jaccard index of
    at least GROUP_THRESHOLD.
    """
    a, m, e = schema.articles, schema.mentions, schema.entities
    arts = _rows(
        store,
        select(a.c.id, a.c.title, a.c.published, a.c.ingested_at)
        .order_by(a.c.ingested_at.desc(), a.c.id)
        .limit(MAX_GROUPED_ARTICLES),
    )
    ids = [r["id"] for r in arts]
    counts = _rows(
        store,
        select(m.c.article_id, m.c.entity_id, func.count().label("n"))
        .join(e, e.c.id == m.c.entity_id)
        .where(m.c.article_id.in_(ids) & e.c.kind.in_(GROUP_KINDS))
        .group_by(m.c.article_id, m.c.entity_id),
    )
    ranked: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for row in counts:
        ranked[row["article_id"]].append((-row["n"], row["entity_id"]))
    salient = {aid: {ent for _, ent in sorted(pairs)[:SALIENT_ENTITIES]} for aid, pairs in ranked.items()}
    parent = {aid: aid for aid in ids}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    by_entity: dict[str, list[str]] = defaultdict(list)
    for aid in ids:
        for ent in salient.get(aid, ()):
            by_entity[ent].append(aid)
    candidates = {
        (x, y) for members in by_entity.values() for i, x in enumerate(members) for y in members[i + 1 :]
    }
    for x, y in candidates:
        sx, sy = salient[x], salient[y]
        if len(sx & sy) / len(sx | sy) >= GROUP_THRESHOLD:
            parent[find(x)] = find(y)
    members: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for art in arts:
        members[find(art["id"])].append(art)
    groups = []
    for group in members.values():
        group.sort(key=lambda r: (r["published"] or r["ingested_at"] or "", r["id"]))
        first = group[0]
        groups.append(
            {
                "id": f"g-{min(r['id'] for r in group)}",
                "title": first["title"] or first["id"],
                "article_ids": [r["id"] for r in group],
                "last_seen": max((r["published"] or r["ingested_at"] or "") for r in group),
            }
        )
    groups.sort(key=lambda g: (len(g["article_ids"]), g["last_seen"]), reverse=True)
    return groups
