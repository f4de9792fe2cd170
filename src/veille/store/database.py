"""The store: the one place that reads and writes the database.

SQLite (WAL, FTS5) is the embedded default. Each article and all its facts are
written in one transaction, keyed by content-derived ids, so re-running an
ingest adds nothing and a crash mid-ingest leaves only whole articles behind.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, create_engine, event, func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, OperationalError

from veille.errors import VeilleError
from veille.model import Analysis, fact_id
from veille.store import backends, schema

FTS_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5("
    "article_id UNINDEXED, title, text, tokenize='unicode61 remove_diacritics 2')"
)

WRITE_ATTEMPTS = 5  # a batch that loses a deadlock to a concurrent writer is retried this often


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


_PLAIN = (str, int, float, type(None))


def _jsonable(value: Any) -> Any:
    if isinstance(value, _PLAIN):  # most values: skip the dataclass check
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return value


@cache
def _column_names(table: Table) -> tuple[str, ...]:
    return tuple(column.name for column in table.columns)


def _row(obj: Any, table: Table, **extra: Any) -> dict[str, Any]:
    """Model object -> row dict for ``table`` (columns the object lacks are left out)."""
    row = {}
    for name in _column_names(table):
        if name in extra:
            row[name] = extra[name]
        elif name == "index" and hasattr(obj, "index"):
            row["index"] = obj.index
        elif hasattr(obj, name):
            row[name] = _jsonable(getattr(obj, name))
    return row


def _fact_key(table: Table, obj: Any) -> str:
    return fact_id(
        obj.article_id,
        table.name,
        obj.start,
        obj.end,
        getattr(obj, "extractor", ""),
        getattr(obj, "entity_id", "") or getattr(obj, "place_id", "") or getattr(obj, "text", ""),
    )


class Store:
    """A veille database. ``Store("sqlite:///data/veille.db")``."""

    def __init__(self, url: str) -> None:
        self.url = url
        if url.startswith("sqlite:///"):
            path = Path(url.removeprefix("sqlite:///"))
            if str(path) != ":memory:":
                path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.engine: Engine = create_engine(backends.normalise_url(url), future=True)
        except Exception as exc:  # bad URL or missing driver
            raise VeilleError(f"cannot open database {url}: {exc}") from None
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self.is_postgres = self.engine.dialect.name == "postgresql"
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        try:
            self.create()
        except OperationalError as exc:  # server down, wrong socket, bad credentials, locked file
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            shown = self.engine.url.render_as_string(hide_password=True)
            raise VeilleError(f"cannot open database {shown}: {reason}") from None

    def create(self) -> None:
        with self.engine.begin() as conn:
            backends.lock_schema(conn)
            schema.metadata.create_all(conn)
            if self.is_sqlite:
                conn.exec_driver_sql(FTS_DDL)
            elif self.is_postgres:
                backends.create_postgres_search(conn)

    def close(self) -> None:
        self.engine.dispose()

    # -- writing ---------------------------------------------------------

    def _insert_ignore(self, table: Table) -> Any:
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        return dialect.insert(table).on_conflict_do_nothing()

    def known_hashes(self, hashes: Iterable[str]) -> set[str]:
        wanted = list(set(hashes))
        if not wanted:
            return set()
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(schema.articles.c.text_hash).where(schema.articles.c.text_hash.in_(wanted))
            )
            return {r[0] for r in rows}

    def write(self, analyses: Iterable[Analysis]) -> int:
        """Write analyses, one transaction for the batch; returns how many articles were new.

        Rows go in one statement per table for the whole batch (the store's cost per article
        stays small next to spaCy's). Safe with concurrent writers (several processes on one
        PostgreSQL database): rows are written in key order, and a batch that still loses a
        deadlock is retried whole.
        """
        by_id: dict[str, Analysis] = {}
        for analysis in analyses:
            by_id.setdefault(analysis.article.id, analysis)
        batch = [by_id[k] for k in sorted(by_id)]
        if not batch:
            return 0
        for attempt in range(WRITE_ATTEMPTS):
            try:
                with self.engine.begin() as conn:
                    self._write_shared(conn, batch)
                    new = self._write_articles(conn, batch)
                    self._write_facts(conn, new)
                    return len(new)
            except DBAPIError as exc:
                if attempt + 1 == WRITE_ATTEMPTS or not backends.is_retryable(exc):
                    raise
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    def _write_shared(self, conn: Connection, batch: list[Analysis]) -> None:
        """Entities and places of the whole batch first, once each, in key order."""
        entities = {k: e for a in batch for k, e in a.entities.items()}
        places = {k: p for a in batch for k, p in a.places.items()}
        if entities:
            conn.execute(
                self._insert_ignore(schema.entities),
                [_row(entities[k], schema.entities) for k in sorted(entities)],
            )
        if places:
            conn.execute(
                self._insert_ignore(schema.places), [_row(places[k], schema.places) for k in sorted(places)]
            )

    def _write_articles(self, conn: Connection, batch: list[Analysis]) -> list[Analysis]:
        """Insert the batch's articles; returns the analyses whose article was not stored yet."""
        now = _now()
        for analysis in batch:
            analysis.article.ingested_at = analysis.article.ingested_at or now
        # RETURNING, not rowcount: psycopg reports -1 for a skipped INSERT ... ON CONFLICT, and
        # an article already stored (same text) must add nothing, facts included.
        inserted = conn.execute(
            self._insert_ignore(schema.articles).returning(schema.articles.c.id),
            [_row(a.article, schema.articles) for a in batch],
        )
        new_ids = {row[0] for row in inserted}
        new = [a for a in batch if a.article.id in new_ids]
        if new and self.is_sqlite:
            conn.execute(
                text("INSERT INTO articles_fts(article_id, title, text) VALUES (:id, :title, :text)"),
                [{"id": a.article.id, "title": a.article.title or "", "text": a.article.text} for a in new],
            )
        return new

    def _write_facts(self, conn: Connection, analyses: list[Analysis]) -> None:
        """Every fact of the new articles, one INSERT per table."""
        rows_by_table: dict[Table, list[dict[str, Any]]] = {}  # in the groups' (dependency) order
        for analysis in analyses:
            groups: list[tuple[Table, list[Any]]] = [
                (schema.sentences, analysis.sentences),
                (schema.mentions, analysis.mentions),
                (schema.amounts, analysis.amounts),
                (schema.dates, analysis.dates),
                (schema.claims, analysis.claims),
                (schema.events, analysis.events),
                (schema.place_mentions, analysis.place_mentions),
                (schema.routes, analysis.routes),
                (schema.relative_locations, analysis.relative_locations),
                (schema.extractor_runs, analysis.extractor_runs),
            ]
            for table, objects in groups:
                rows = rows_by_table.setdefault(table, [])
                for obj in objects:
                    extra = (
                        {}
                        if hasattr(obj, "id") or table in (schema.sentences, schema.extractor_runs)
                        else {"id": _fact_key(table, obj)}
                    )
                    rows.append(_row(obj, table, **extra))
        for table, rows in rows_by_table.items():
            if rows:
                conn.execute(self._insert_ignore(table), rows)

    # -- reading ---------------------------------------------------------

    def counts(self) -> dict[str, int]:
        tables = ("articles", "entities", "mentions", "claims", "events", "places", "routes")
        with self.engine.connect() as conn:
            return {
                name: conn.execute(
                    select(func.count()).select_from(schema.metadata.tables[name])
                ).scalar_one()
                for name in tables
            }

    def articles(self, limit: int = 50, offset: int = 0, language: str | None = None) -> list[dict[str, Any]]:
        a = schema.articles
        query = select(
            a.c.id,
            a.c.title,
            a.c.source,
            a.c.url,
            a.c.language,
            a.c.published,
            a.c.ingested_at,
            func.length(a.c.text).label("chars"),
        )
        if language:
            query = query.where(a.c.language == language)
        query = query.order_by(a.c.ingested_at.desc(), a.c.id).limit(limit).offset(offset)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def article(self, article_id: str) -> dict[str, Any] | None:
        """One article with its facts; ``article_id`` may be a unique prefix."""
        a = schema.articles
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(a).where(a.c.id.startswith(article_id, autoescape=True)).limit(2)
            ).all()
            if len(rows) != 1:
                return None
            out = dict(rows[0]._mapping)
            aid = out["id"]
            for name in (
                "mentions",
                "amounts",
                "dates",
                "claims",
                "events",
                "place_mentions",
                "routes",
                "relative_locations",
            ):
                table = schema.metadata.tables[name]
                facts = conn.execute(select(table).where(table.c.article_id == aid).order_by(table.c.start))
                out[name] = [dict(r._mapping) for r in facts]
            ents = conn.execute(
                select(schema.entities).where(
                    schema.entities.c.id.in_(
                        select(schema.mentions.c.entity_id).where(schema.mentions.c.article_id == aid)
                    )
                )
            )
            out["entities"] = [dict(r._mapping) for r in ents]
            sents = conn.execute(
                select(schema.sentences)
                .where(schema.sentences.c.article_id == aid)
                .order_by(schema.sentences.c.index)
            )
            out["sentences"] = [dict(r._mapping) for r in sents]
            runs = schema.extractor_runs
            out["extractors"] = [
                {"name": r.name, "status": r.status, "note": r.note}
                for r in conn.execute(select(runs).where(runs.c.article_id == aid))
            ]
        return out

    def entities(self, kind: str | None = None, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
        e, m = schema.entities, schema.mentions
        query = (
            select(
                e.c.id,
                e.c.name,
                e.c.kind,
                e.c.country,
                func.count(m.c.id).label("mentions"),
                func.count(func.distinct(m.c.article_id)).label("articles"),
            )
            .join(m, m.c.entity_id == e.c.id)
            .group_by(e.c.id, e.c.name, e.c.kind, e.c.country)
            .order_by(func.count(m.c.id).desc(), e.c.name)
            .limit(limit)
            .offset(offset)
        )
        if kind:
            query = query.where(e.c.kind == kind)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def search(self, query: str, limit: int = 20) -> list[dict[str, Any]]:
        """Full-text search over titles and bodies (FTS5 on SQLite, tsvector on PostgreSQL)."""
        query = query.strip()
        if not query:
            return []
        with self.engine.connect() as conn:
            if self.is_postgres:
                return backends.search_postgres(conn, query, limit)
            if self.is_sqlite:
                # Rank first, on rowids alone; join and snippet only the top n. (SQLite computes
                # result columns before sorting, so a snippet in the ranking query is built for
                # every match: seconds for a common word in 200k articles.)
                sql = text(
                    "SELECT f.article_id AS id, a.title, a.language, a.source, "
                    "snippet(articles_fts, 2, '[', ']', '…', 12) AS snippet "
                    "FROM articles_fts f JOIN articles a ON a.id = f.article_id "
                    "WHERE articles_fts MATCH :q AND f.rowid IN ("
                    "SELECT rowid FROM articles_fts WHERE articles_fts MATCH :q "
                    "ORDER BY bm25(articles_fts) LIMIT :n) "
                    "ORDER BY bm25(articles_fts)"
                )
                return [dict(r._mapping) for r in conn.execute(sql, {"q": _fts_query(query), "n": limit})]
            a = schema.articles
            pattern = f"%{query}%"
            rows = conn.execute(
                select(a.c.id, a.c.title, a.c.language, a.c.source)
                .where(a.c.text.ilike(pattern) | a.c.title.ilike(pattern))
                .limit(limit)
            )
            return [dict(r._mapping) | {"snippet": ""} for r in rows]

    def entity_ids(self, name: str) -> list[str]:
        """Entity ids whose id or canonical name matches ``name`` (case-insensitive)."""
        e = schema.entities
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(e.c.id).where((e.c.id == name) | (func.lower(e.c.name) == name.lower()))
            )
            return [r[0] for r in rows]

    def claims(
        self, source: str | None = None, about: str | None = None, limit: int = 200
    ) -> list[dict[str, Any]]:
        c = schema.claims
        query = select(c).order_by(c.c.article_id, c.c.start)
        if source:
            query = query.where(c.c.source_entity.in_(self.entity_ids(source)))
        rows = self._rows(query)
        if about:
            wanted = set(self.entity_ids(about))
            rows = [r for r in rows if wanted & set(r["about"] or [])]
        return rows[:limit]

    def events(self, kind: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
        ev = schema.events
        query = select(ev).order_by(ev.c.article_id, ev.c.start).limit(limit)
        if kind:
            query = query.where(ev.c.kind == kind)
        return self._rows(query)

    def places(self, limit: int = 500) -> list[dict[str, Any]]:
        p, pm = schema.places, schema.place_mentions
        query = (
            select(p, func.count(pm.c.id).label("mentions"))
            .join(pm, pm.c.place_id == p.c.id)
            .group_by(*p.c)
            .order_by(func.count(pm.c.id).desc(), p.c.name)
            .limit(limit)
        )
        return self._rows(query)

    def entity_names(self) -> dict[str, str]:
        with self.engine.connect() as conn:
            return {r[0]: r[1] for r in conn.execute(select(schema.entities.c.id, schema.entities.c.name))}

    def _rows(self, query: Any) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def table_rows(self, name: str) -> Iterator[dict[str, Any]]:
        table = schema.metadata.tables[name]
        order = [table.c[c] for c in ("article_id", "start") if c in table.c] or list(
            table.primary_key.columns
        )
        with self.engine.connect() as conn:
            for row in conn.execute(select(table).order_by(*order)):
                yield dict(row._mapping)


def _fts_query(query: str) -> str:
    """User words -> an FTS5 query of quoted terms (no FTS syntax errors from user input)."""
    terms = [t.replace('"', '""') for t in query.split() if t]
    return " ".join(f'"{t}"' for t in terms)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    # SQLite's default page cache is 2 MB: past ~100k articles the indexes and FTS segments
    # a write touches no longer fit and each batch rereads pages. 64 MB per connection.
    cur.execute("PRAGMA cache_size=-65536")
    cur.close()


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)
