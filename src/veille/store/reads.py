"""Reads the later stages need: stored analyses rebuilt as model objects, article texts for
the encoder, article metadata for search, which feed entries are stored already."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Table, select

from veille import facts
from veille.model import Analysis, Article, Entity
from veille.store import schema
from veille.store.database import Store
from veille.store.records import from_row

IN_CHUNK = 500  # ids per IN (...) list: under every backend's bound-parameter limit

# The facts a stored analysis is rebuilt with (what stories and alerts use), mentions first.
ANALYSIS_FACTS = (facts.MENTION, facts.PLACE_MENTION, facts.AMOUNT, facts.DATE, facts.CLAIM, facts.EVENT)


def load_analyses(store: Store, article_ids: Iterable[str]) -> list[Analysis]:
    """Rebuild the analyses of stored articles (the facts stories use), in the order given."""
    ids = list(dict.fromkeys(article_ids))
    if not ids:
        return []
    a = schema.articles
    out = {
        r["id"]: Analysis(article=from_row(Article, r)) for r in store._rows(select(a).where(a.c.id.in_(ids)))
    }
    with store.engine.connect() as conn:

        def rows(table: Table) -> Iterable[Any]:
            query = select(table).where(table.c.article_id.in_(ids))
            return conn.execute(query.order_by(table.c.article_id, table.c.start)).mappings()

        for record in ANALYSIS_FACTS:
            for r in rows(schema.table(record)):
                getattr(out[r["article_id"]], record.field).append(from_row(record.cls, r))
        entity_ids = {m.entity_id for an in out.values() for m in an.mentions if m.entity_id}
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
    return [out[i] for i in ids if i in out]


def _entities(conn: Connection, ids: set[str]) -> dict[str, Entity]:
    if not ids:
        return {}
    rows = conn.execute(select(schema.entities).where(schema.entities.c.id.in_(ids))).mappings()
    return {r["id"]: from_row(Entity, dict(r)) for r in rows}


ArticleText = tuple[str, str | None, str, list[tuple[int, int]] | None]  # id, title, text, sentence spans


def article_texts(store: Store, ids: list[str]) -> list[ArticleText]:
    """What the encoder reads of stored articles: title, text and sentence spans, in ``ids`` order."""
    a, s = schema.articles, schema.sentences
    arts = {r["id"]: r for r in store._rows(select(a.c.id, a.c.title, a.c.text).where(a.c.id.in_(ids)))}
    spans: dict[str, list[tuple[int, int]]] = {}
    query = select(s.c.article_id, s.c.start, s.c.end).where(s.c.article_id.in_(ids))
    for r in store._rows(query.order_by(s.c.article_id, s.c.index)):
        spans.setdefault(r["article_id"], []).append((r["start"], r["end"]))
    return [(aid, arts[aid]["title"], arts[aid]["text"], spans.get(aid)) for aid in ids if aid in arts]


def article_ids(store: Store) -> list[str]:
    """Every stored article's id, in ingestion order."""
    a = schema.articles
    return [r["id"] for r in store._rows(select(a.c.id).order_by(a.c.ingested_at, a.c.id))]


def article_cards(store: Store, ids: list[str], text: bool = False) -> dict[str, dict[str, Any]]:
    """id -> id, title, language, source, published, url (and ``text``): what a search hit shows."""
    a = schema.articles
    columns = [a.c.id, a.c.title, a.c.language, a.c.source, a.c.published, a.c.url]
    if text:
        columns.append(a.c.text)
    out: dict[str, dict[str, Any]] = {}
    for i in range(0, len(ids), IN_CHUNK):
        out.update(
            {r["id"]: r for r in store._rows(select(*columns).where(a.c.id.in_(ids[i : i + IN_CHUNK])))}
        )
    return out


def known_origins(store: Store, origins: list[str]) -> set[str]:
    """The ``origins`` (feed entry links) whose article is stored already."""
    a = schema.articles
    return {r["origin"] for r in store._rows(select(a.c.origin).where(a.c.origin.in_(origins)))}
