"""The store: the one place that reads and writes the database.

SQLite (WAL, FTS5) is the embedded default. Each article and all its facts are
written in one transaction, keyed by content-derived ids, so re-running an
ingest adds nothing and a crash mid-ingest leaves only whole articles behind.
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import (
    Connection,
    Engine,
    Select,
    Table,
    create_engine,
    event,
    exists,
    func,
    inspect,
    literal,
    select,
    text,
)
from sqlalchemy.exc import DBAPIError

from veille import facts
from veille.errors import VeilleError
from veille.facts import RecordType
from veille.model import Analysis, Article, fact_id
from veille.store import activity, backends, schema
from veille.store.backends import now_iso as _now
from veille.store.records import from_row

FTS_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5("
    "article_id UNINDEXED, title, text, tokenize='unicode61 remove_diacritics 2')"
)

R = TypeVar("R")

WRITE_ATTEMPTS = 5
CACHE_ENTRIES = 64  # aggregate pages kept per Store (``Store.entities``)  # a batch that loses a deadlock to a concurrent writer is retried this often


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


def add_missing_columns(conn: Connection, table: Table) -> None:
    """Columns added to ``table`` since a store was created (nullable ones): ALTER TABLE ADD COLUMN.

    ``create_all`` creates missing tables only; a store written by an older veille keeps working.
    """
    present = {c["name"] for c in inspect(conn).get_columns(table.name)}
    for column in table.columns:
        if column.name not in present and column.nullable:
            kind = column.type.compile(dialect=conn.dialect)
            conn.exec_driver_sql(f'ALTER TABLE {table.name} ADD COLUMN "{column.name}" {kind}')


def _row(record: RecordType[Any], obj: Any) -> dict[str, Any]:
    """Model object -> row dict for its table (columns the object lacks are left out).

    A fact whose class has no ``id`` gets one derived from its provenance and content.
    """
    row = {}
    for name in _column_names(schema.table(record)):
        if hasattr(obj, name):
            row[name] = _jsonable(getattr(obj, name))
    if record.provenance and not record.keyed:
        row["id"] = _fact_key(record.table, obj)
    return row


def _fact_key(table: str, obj: Any) -> str:
    return fact_id(
        obj.article_id,
        table,
        obj.start,
        obj.end,
        obj.extractor,
        getattr(obj, "entity_id", "") or getattr(obj, "place_id", "") or getattr(obj, "text", ""),
    )


def _rows_of_article(record: RecordType[Any], article_id: str) -> Select[Any]:
    """The rows of ``record``'s table that belong to one article: facts in text order,
    sentences in order, shared records (entities, places) that its facts name."""
    table = schema.table(record)
    if record.named_by:
        naming, column = record.named_by
        named = schema.metadata.tables[naming]
        return select(table).where(
            table.c.id.in_(select(named.c[column]).where(named.c.article_id == article_id))
        )
    query = select(table).where(table.c.article_id == article_id)
    if record.provenance:
        return query.order_by(table.c.start)
    if record is facts.SENTENCE:
        return query.order_by(table.c.index)
    return query


class Store:
    """A veille database. ``Store("sqlite:///data/veille.db")``."""

    def __init__(self, url: str) -> None:
        self.url = url
        if url.startswith("sqlite:///"):
            path = Path(url.removeprefix("sqlite:///"))
            if str(path) != ":memory:":
                _check_sqlite_path(path)
        try:
            self.engine: Engine = create_engine(
                backends.normalise_url(url), future=True, **_pool_options(url)
            )
        except Exception as exc:  # bad URL or missing driver
            raise VeilleError(f"cannot open database {url}: {exc}") from None
        self._cache: dict[tuple[Any, ...], tuple[int, list[dict[str, Any]]]] = {}
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self.is_postgres = self.engine.dialect.name == "postgresql"
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        try:
            self.create()
        except DBAPIError as exc:  # server down, bad credentials, locked file, not a database file
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            shown = self.engine.url.render_as_string(hide_password=True)
            raise VeilleError(f"cannot open database {shown}: {reason}") from None

    def create(self) -> None:
        with backends.creating_schema(self.engine), self.engine.begin() as conn:
            backends.lock_schema(conn)
            schema.metadata.create_all(conn)
            add_missing_columns(conn, schema.claims)
            add_missing_columns(conn, schema.watch_rules)  # ``spike`` (spike alert rules)
            activity.rebuild(conn)  # a store made before the activity tables: counted once
            # create_all makes the indexes of new tables only: a store made by an older
            # version gains the indexes added since (the API's filters and orders) here.
            for table in schema.metadata.sorted_tables:
                for index in table.indexes:
                    index.create(conn, checkfirst=True)
            if self.is_sqlite:
                conn.exec_driver_sql(FTS_DDL)
            elif self.is_postgres:
                backends.create_postgres_search(conn)

    def close(self) -> None:
        self.engine.dispose()

    def exclusive(self, name: str) -> AbstractContextManager[None]:
        """Hold veille's lock ``name`` ("stories", "alerts") across processes: ``backends.exclusive``."""
        return backends.exclusive(self.engine, name)

    # -- writing ---------------------------------------------------------

    def _insert_ignore(self, table: Table) -> Any:
        return backends.insert(self.engine, table).on_conflict_do_nothing()

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
                    activity.record(conn, new)
                    return len(new)
            except DBAPIError as exc:
                if attempt + 1 == WRITE_ATTEMPTS or not backends.is_retryable(exc):
                    raise
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    def _write_shared(self, conn: Connection, batch: list[Analysis]) -> None:
        """Records shared by articles (entities, places) of the whole batch first, once each, in key order."""
        for record in facts.SHARED:
            shared = {k: obj for a in batch for k, obj in record.by_key(a).items()}
            if shared:
                conn.execute(
                    self._insert_ignore(schema.table(record)),
                    [_row(record, shared[k]) for k in sorted(shared)],
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
            [_row(facts.ARTICLE, a.article) for a in batch],
        )
        new_ids = {row[0] for row in inserted}
        new = [a for a in batch if a.article.id in new_ids]
        if new and self._watching(conn):  # in this transaction: a crash cannot lose their alerts
            conn.execute(
                schema.alert_outbox.insert(), [{"article_id": a.article.id, "queued_at": now} for a in new]
            )
        if new and self.is_sqlite:
            conn.execute(
                text("INSERT INTO articles_fts(article_id, title, text) VALUES (:id, :title, :text)"),
                [{"id": a.article.id, "title": a.article.title or "", "text": a.article.text} for a in new],
            )
        return new

    def _watching(self, conn: Connection) -> bool:
        """Whether a watch rule is active: only then are new articles queued for alerts."""
        rules = schema.watch_rules
        return conn.execute(select(rules.c.id).where(rules.c.active.is_(True)).limit(1)).first() is not None

    def _write_facts(self, conn: Connection, analyses: list[Analysis]) -> None:
        """Every record of the new articles (sentences, facts, extractor runs), one INSERT per table."""
        for record in facts.PER_ARTICLE:  # in declaration (dependency) order
            rows = [_row(record, obj) for analysis in analyses for obj in record.of(analysis)]
            if rows:
                conn.execute(self._insert_ignore(schema.table(record)), rows)

    # -- reading ---------------------------------------------------------

    def counts(self) -> dict[str, int]:
        """Rows of each counted record type (``facts.RecordType.counted``), by table name."""
        with self.engine.connect() as conn:
            return {
                r.table: conn.execute(select(func.count()).select_from(schema.table(r))).scalar_one()
                for r in facts.RECORD_TYPES
                if r.counted
            }

    def articles(self, limit: int = 50, offset: int = 0, language: str | None = None) -> list[dict[str, Any]]:
        """Stored articles, newest first (no text: ``chars`` gives its length); ``language`` filters."""
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
        # Both keys descending: a backward walk of ix_articles_ingested, no sort of equal timestamps.
        query = query.order_by(a.c.ingested_at.desc(), a.c.id.desc()).limit(limit).offset(offset)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def article(self, article_id: str) -> dict[str, Any] | None:
        """One article with its facts, as rows; ``article_id`` may be a unique prefix.

        Keys: the article's columns, each fact table's rows in text order, the ``entities``
        its mentions name, its ``sentences`` and ``extractors`` (what each could do).
        """
        found = self._article_rows(article_id)
        if found is None:
            return None
        article, rows = found
        out = dict(article)
        for record in facts.FACTS:
            out[record.table] = rows[record.table]
        out["entities"] = rows[facts.ENTITY.table]
        out["sentences"] = rows[facts.SENTENCE.table]
        out["extractors"] = [
            {"name": r["name"], "status": r["status"], "note": r["note"]}
            for r in rows[facts.EXTRACTOR_RUN.table]
        ]
        return out

    def analysis(self, article_id: str) -> Analysis | None:
        """One article with its facts as model objects: the typed twin of ``article``.

        What was written for the article reads back equal, except the shared records: the
        entities and places its mentions name (not those only an event or a route points to).
        """
        found = self._article_rows(article_id)
        if found is None:
            return None
        article, rows = found
        analysis = Analysis(from_row(Article, article))
        for record in facts.RECORD_TYPES:
            if record is facts.ARTICLE:
                continue
            objects = [from_row(record.cls, row) for row in rows[record.table]]
            setattr(analysis, record.field, {o.id: o for o in objects} if record.shared else objects)
        return analysis

    def _article_rows(self, article_id: str) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]] | None:
        """The article a unique id prefix names, and the rows of each record type it has, by table."""
        a = schema.articles
        with self.engine.connect() as conn:
            found = conn.execute(
                select(a).where(a.c.id.startswith(article_id, autoescape=True)).limit(2)
            ).all()
            if len(found) != 1:
                return None
            article = dict(found[0]._mapping)
            rows = {}
            for record in facts.RECORD_TYPES:
                if record is not facts.ARTICLE:
                    query = _rows_of_article(record, article["id"])
                    rows[record.table] = [dict(r._mapping) for r in conn.execute(query)]
        return article, rows

    def data_version(self) -> int:
        """A number that changes whenever articles (and so their facts) are added, cheap to read.

        Articles are only ever added, each batch with all its facts in one transaction; on
        SQLite the largest rowid (an index seek), on PostgreSQL the count (an index-only scan).
        """
        a = schema.articles
        with self.engine.connect() as conn:
            if self.is_sqlite:
                return int(conn.execute(text("SELECT coalesce(max(rowid), 0) FROM articles")).scalar_one())
            return int(conn.execute(select(func.count()).select_from(a)).scalar_one())

    def entities(self, kind: str | None = None, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
        """Entities by number of mentions, most mentioned first.

        Counting reads every mention, so a page is kept until articles are added (a dashboard
        asks for the same page again and again; ``data_version`` says when it is stale).
        """
        key = ("entities", kind, limit, offset)
        version = self.data_version()
        cached = self._cache.get(key)
        if cached is None or cached[0] != version:
            cached = (version, self._count_entities(kind, limit, offset))
            if len(self._cache) >= CACHE_ENTRIES:
                self._cache.pop(next(iter(self._cache)), None)
            self._cache[key] = cached
        return [dict(row) for row in cached[1]]

    def _count_entities(self, kind: str | None, limit: int, offset: int) -> list[dict[str, Any]]:
        """Counted on ``mentions`` alone, in the order of its (entity_id, article_id) index (no
        table rows are read, no join per mention); only the page's entities are joined."""
        e, m = schema.entities, schema.mentions
        mentions = func.count().label("mentions")
        counted = select(
            m.c.entity_id, mentions, func.count(func.distinct(m.c.article_id)).label("articles")
        ).group_by(m.c.entity_id)
        if kind:
            counted = counted.where(m.c.entity_id.in_(select(e.c.id).where(e.c.kind == kind)))
        top = counted.order_by(mentions.desc(), m.c.entity_id).limit(limit).offset(offset).subquery()
        query = (
            select(e.c.id, e.c.name, e.c.kind, e.c.country, top.c.mentions, top.c.articles)
            .join(top, top.c.entity_id == e.c.id)
            .order_by(top.c.mentions.desc(), e.c.name, e.c.id)
        )
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def search(
        self, query: str, limit: int = 20, *, offset: int = 0, language: str | None = None
    ) -> list[dict[str, Any]]:
        """Full-text search over titles and bodies (FTS5 on SQLite, tsvector on PostgreSQL).

        Filters are keyword arguments (``language``), so other search modes and filters can
        join without changing the calls that exist.
        """
        query = _search_words(query)
        if not query:
            return []
        with self.engine.connect() as conn:
            if self.is_postgres:
                return backends.search_postgres(conn, query, limit, offset=offset, language=language)
            if self.is_sqlite:
                # Rank first, on rowids alone; join and snippet only the top n. (SQLite computes
                # result columns before sorting, so a snippet in the ranking query is built for
                # every match: seconds for a common word in 200k articles.)
                only = "AND a.language = :lang " if language else ""
                sql = text(
                    "SELECT f.article_id AS id, a.title, a.language, a.source, "
                    "snippet(articles_fts, 2, '[', ']', '…', 12) AS snippet "
                    "FROM articles_fts f JOIN articles a ON a.id = f.article_id "
                    "WHERE articles_fts MATCH :q AND f.rowid IN ("
                    "SELECT f.rowid FROM articles_fts f"
                    + (" JOIN articles a ON a.id = f.article_id " if language else " ")
                    + f"WHERE articles_fts MATCH :q {only}"
                    "ORDER BY bm25(articles_fts) LIMIT :n OFFSET :offset) "
                    "ORDER BY bm25(articles_fts)"
                )
                params = {"q": _fts_query(query), "n": limit, "offset": offset, "lang": language}
                return [dict(r._mapping) for r in conn.execute(sql, params)]
            a = schema.articles
            pattern = f"%{query}%"
            where = a.c.text.ilike(pattern) | a.c.title.ilike(pattern)
            if language:
                where = where & (a.c.language == language)
            rows = conn.execute(
                select(a.c.id, a.c.title, a.c.language, a.c.source)
                .where(where)
                .order_by(a.c.id)
                .limit(limit)
                .offset(offset)
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
        self, source: str | None = None, about: str | None = None, limit: int = 200, offset: int = 0
    ) -> list[dict[str, Any]]:
        """Claims in text order; ``source``/``about`` name an entity (name or id). Filtered in SQL."""
        c = schema.claims
        query = select(c).order_by(c.c.article_id, c.c.start, c.c.id).limit(limit).offset(offset)
        if source:
            query = query.where(c.c.source_entity.in_(self.entity_ids(source)))
        if about:
            query = query.where(self._json_list_has(c.c.about, self.entity_ids(about)))
        return self._rows(query)

    def _json_list_has(self, column: Any, values: list[str]) -> Any:
        """SQL: the JSON list in ``column`` holds one of ``values``."""
        if not values:
            return literal(False)
        unnest = func.json_array_elements_text if self.is_postgres else func.json_each
        items = unnest(column).table_valued("value")
        return exists(select(literal(1)).select_from(items).where(items.c.value.in_(values)))

    def events(self, kind: str | None = None, limit: int = 200, offset: int = 0) -> list[dict[str, Any]]:
        ev = schema.events
        query = select(ev).order_by(ev.c.article_id, ev.c.start, ev.c.id).limit(limit).offset(offset)
        if kind:
            query = query.where(ev.c.kind == kind)
        return self._rows(query)

    def places(self, limit: int = 500, offset: int = 0) -> list[dict[str, Any]]:
        p, pm = schema.places, schema.place_mentions
        query = (
            select(p, func.count(pm.c.id).label("mentions"))
            .join(pm, pm.c.place_id == p.c.id)
            .group_by(*p.c)
            .order_by(func.count(pm.c.id).desc(), p.c.name, p.c.id)
            .limit(limit)
            .offset(offset)
        )
        return self._rows(query)

    def languages(self) -> list[str]:
        """The languages of the stored articles (unknown left out), in no particular order."""
        query = select(schema.articles.c.language).distinct()
        return [r["language"] for r in self._rows(query) if r["language"]]

    def entity_names(self) -> dict[str, str]:
        with self.engine.connect() as conn:
            return {r[0]: r[1] for r in conn.execute(select(schema.entities.c.id, schema.entities.c.name))}

    def _rows(self, query: Any) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def table_rows(self, name: str, language: str | None = None) -> Iterator[dict[str, Any]]:
        """Every row of a table in a stable order, streamed (a server-side cursor on PostgreSQL).

        ``language``: only articles in that language, and only the facts of those articles.
        """
        table = schema.metadata.tables[name]
        order = [table.c[c] for c in ("article_id", "start") if c in table.c] or list(
            table.primary_key.columns
        )
        if "id" in table.c and table.c.id not in order:
            order.append(table.c.id)
        query = select(table).order_by(*order)
        if language:
            query = query.where(self._in_language(table, language))
        with self.engine.connect().execution_options(stream_results=True, yield_per=1000) as conn:
            for row in conn.execute(query):
                yield dict(row._mapping)

    def records(self, record: RecordType[R], language: str | None = None) -> Iterator[R]:
        """Every stored record of a declared type as model objects, in ``table_rows`` order."""
        return (from_row(record.cls, row) for row in self.table_rows(record.table, language))

    def rows_for(
        self, name: str, key: str, values: list[str], language: str | None = None
    ) -> dict[str, list[dict[str, Any]]]:
        """Rows of table ``name`` whose ``key`` is one of ``values``, grouped by it, in text order."""
        table = schema.metadata.tables[name]
        order = [table.c[c] for c in ("article_id", "start", "id") if c in table.c]
        query = select(table).where(table.c[key].in_(values)).order_by(*order)
        if language:
            query = query.where(self._in_language(table, language))
        out: dict[str, list[dict[str, Any]]] = {}
        with self.engine.connect() as conn:
            for row in conn.execute(query):
                out.setdefault(row._mapping[key], []).append(dict(row._mapping))
        return out

    @staticmethod
    def _in_language(table: Table, language: str) -> Any:
        a = schema.articles
        if table is a:
            return a.c.language == language
        if "article_id" in table.c:
            return table.c.article_id.in_(select(a.c.id).where(a.c.language == language))
        return literal(True)  # shared tables (entities, places): filtered through their mentions


_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")


def _search_words(query: str) -> str:
    """The user's words, control characters (a NUL breaks SQLite's and PostgreSQL's drivers) as spaces."""
    return " ".join(_CONTROL_CHARS.sub(" ", query).split())


# `veille serve` answers from a pool of 40 threads: with SQLAlchemy's default pool (5 + 10
# overflow) twenty clients on story pages queue for connections, and after 30 s a request
# fails. Connections are cheap on SQLite, and a few dozen are fine on PostgreSQL.
POOL_SIZE = 5
POOL_OVERFLOW = 35


def _pool_options(url: str) -> dict[str, Any]:
    if ":memory:" in url:  # one connection per thread (SingletonThreadPool): no pool to size
        return {}
    return {"pool_size": POOL_SIZE, "max_overflow": POOL_OVERFLOW}


def _check_sqlite_path(path: Path) -> None:
    """Make the database's folder; VeilleError (one line) when the path cannot hold a database."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise VeilleError(f"cannot create the folder of database {path}: {exc.strerror or exc}") from None
    if path.exists() and not path.is_file():
        raise VeilleError(f"cannot open database {path}: not a regular file")
    if path.is_file() and path.stat().st_size:
        with path.open("rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                raise VeilleError(f"cannot open database {path}: not an SQLite database file")


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
