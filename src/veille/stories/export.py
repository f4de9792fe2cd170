"""Stories as JSON-ready records for the CLI (``veille stories``, ``veille story ID``) and the export.

Reads the stories tables written by ``veille.stories.persist`` and, for a story's
timeline and corroboration, the facts of its articles from the store.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Connection, Engine, select

from veille.model import Amount, Analysis, Article, Claim, DateRef, Entity, Event, Mention, PlaceMention
from veille.store import schema
from veille.store.records import from_row
from veille.stories.corroboration import corroborate
from veille.stories.timeline import story_timeline

STORY_FIELDS = ("id", "title", "article_ids", "first_seen", "last_seen", "languages", "entities")


def load_analyses(engine: Engine, article_ids: Iterable[str]) -> list[Analysis]:
    """Rebuild the analyses of stored articles (the facts stories use), in the order given."""
    ids = list(dict.fromkeys(article_ids))
    if not ids:
        return []
    out: dict[str, Analysis] = {}
    with engine.connect() as conn:
        arts = conn.execute(select(schema.articles).where(schema.articles.c.id.in_(ids))).mappings()
        for r in arts:
            art = Article(
                id=r["id"],
                text=r["text"],
                title=r["title"],
                source=r["source"],
                url=r["url"],
                published=r["published"],
                language=r["language"],
                origin=r["origin"],
                text_hash=r["text_hash"],
                ingested_at=r["ingested_at"],
            )
            out[art.id] = Analysis(article=art)

        def rows(table: Any) -> Iterable[Any]:
            return conn.execute(
                select(table).where(table.c.article_id.in_(ids)).order_by(table.c.article_id, table.c.start)
            ).mappings()

        for r in rows(schema.mentions):
            out[r["article_id"]].mentions.append(from_row(Mention, r))
        entity_ids = {m.entity_id for a in out.values() for m in a.mentions if m.entity_id}
        known = _entities(conn, entity_ids)
        # A person's organisation travels with him (corroboration collapses a spokesman to it).
        known |= _entities(
            conn,
            {str(e.attributes["affiliation"]) for e in known.values() if e.attributes.get("affiliation")},
        )
        for analysis in out.values():
            named = {m.entity_id for m in analysis.mentions if m.entity_id in known}
            affiliated = {str(known[i].attributes.get("affiliation")) for i in named if i}
            analysis.entities = {i: known[i] for i in named | affiliated if i in known}
        for r in rows(schema.place_mentions):
            out[r["article_id"]].place_mentions.append(from_row(PlaceMention, r))
        for r in rows(schema.amounts):
            out[r["article_id"]].amounts.append(from_row(Amount, r))
        for r in rows(schema.dates):
            out[r["article_id"]].dates.append(from_row(DateRef, r))
        for r in rows(schema.claims):
            out[r["article_id"]].claims.append(from_row(Claim, r))
        for r in rows(schema.events):
            ev = from_row(Event, r)
            ev.quantity = from_row(Amount, r["quantity"]) if r["quantity"] else None
            ev.amount = from_row(Amount, r["amount"]) if r["amount"] else None
            out[r["article_id"]].events.append(ev)
    return [out[i] for i in ids if i in out]


def _entities(conn: Connection, ids: set[str]) -> dict[str, Entity]:
    if not ids:
        return {}
    rows = conn.execute(select(schema.entities).where(schema.entities.c.id.in_(ids))).mappings()
    return {r["id"]: from_row(Entity, dict(r)) for r in rows}


def list_story_records(engine: Engine, limit: int | None = None) -> list[dict[str, Any]]:
    """Stored stories, most recently active first, without timelines (cheap listing)."""
    query = select(schema.stories).order_by(schema.stories.c.last_seen.desc(), schema.stories.c.id)
    if limit:
        query = query.limit(limit)
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


def story_record(engine: Engine, story_id: str, with_corroboration: bool = True) -> dict[str, Any] | None:
    """One story with its timeline (and corroboration groups); follows merged-away ids."""
    story_id = _live_id(engine, story_id)
    with engine.connect() as conn:
        row = conn.execute(select(schema.stories).where(schema.stories.c.id == story_id)).mappings().first()
    if row is None:
        return None
    record = dict(row)
    analyses = load_analyses(engine, record["article_ids"])
    record["timeline"] = [dataclasses.asdict(e) for e in story_timeline(analyses)]
    if with_corroboration:
        originals = _originals(engine, record["article_ids"])
        groups = corroborate(analyses, original_of=lambda aid: originals.get(aid) or aid)
        record["corroboration"] = [
            {
                "kind": g.kind,
                "actor": g.actor,
                "target": g.target,
                "about": g.about,
                "independent_sources": g.independent_sources,
                "assertions": [a.id for a in g.assertions],
                "article_ids": g.article_ids,
                "contradictions": [dataclasses.asdict(c) for c in g.contradictions],
            }
            for g in groups
        ]
    return record


def export_stories(engine: Engine) -> list[dict[str, Any]]:
    """Every story as exported: id, title, article_ids, first/last seen, languages, entities, timeline."""
    return list(iter_export_stories(engine))


def iter_export_stories(engine: Engine) -> Iterator[dict[str, Any]]:
    """``export_stories`` one story at a time (the streamed export holds one timeline at a time)."""
    for row in list_story_records(engine):
        record = story_record(engine, row["id"], with_corroboration=False) or row
        yield {k: record.get(k) for k in (*STORY_FIELDS, "sources", "independent_sources", "timeline")}


def _live_id(engine: Engine, story_id: str) -> str:
    """Follow merges in the history: an old id keeps working."""
    h = schema.story_history
    with engine.connect() as conn:
        merged = {
            r[0]: r[1]
            for r in conn.execute(select(h.c.other_story_id, h.c.story_id).where(h.c.op == "merge"))
        }
    seen: set[str] = set()
    while story_id in merged and story_id not in seen:
        seen.add(story_id)
        story_id = merged[story_id]
    return story_id


def _originals(engine: Engine, article_ids: list[str]) -> dict[str, str]:
    sa = schema.story_articles
    with engine.connect() as conn:
        query = select(sa.c.article_id, sa.c.original_id).where(sa.c.article_id.in_(article_ids))
        return {r[0]: r[1] for r in conn.execute(query) if r[1]}
