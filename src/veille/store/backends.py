"""What differs between the store's database backends: URLs, full-text search DDL and queries.

``Store`` (database.py) speaks SQLAlchemy Core and calls in here only where SQLite and
PostgreSQL need their own SQL, so each backend's specifics sit in one place.

PostgreSQL full-text search
---------------------------
``articles.search`` is a *stored generated* ``tsvector`` column over title (weight A) and
text (weight B), indexed with GIN, queried with ``plainto_tsquery``:

* text search configuration ``simple``: articles come in many languages and a single
  stemmer (``french``, ``english``) would mangle the others; ``simple`` lower-cases and
  keeps every word, which matches what SQLite's FTS5 ``unicode61`` tokenizer does.
* accents: when the ``unaccent`` extension can be created (it ships with Debian's
  ``postgresql-contrib`` and is *trusted*, so a database owner may create it), both the
  indexed text and the query go through it, so "teheran" finds "Téhéran" as on SQLite.
  ``unaccent()`` is only STABLE, and a generated column needs IMMUTABLE, so it is wrapped
  in ``veille_unaccent`` pinned to the ``unaccent`` dictionary (the documented idiom).
  Without the extension ``veille_unaccent`` is the identity and search is accent-sensitive.
* ``plainto_tsquery``, not ``websearch_to_tsquery``: every word must match and user text is
  never query syntax, the same contract as the quoted-terms FTS5 query on SQLite.
"""

from __future__ import annotations

import fcntl
import logging
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Table, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from veille.errors import VeilleError

log = logging.getLogger(__name__)

# psycopg (v3) is the driver veille pins; SQLAlchemy's default for "postgresql://" is psycopg2.
POSTGRES_DRIVER = "psycopg"

PG_UNACCENT_FUNCTION = """
CREATE OR REPLACE FUNCTION veille_unaccent(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT {body} $$
"""
PG_SEARCH_COLUMN = (
    "ALTER TABLE articles ADD COLUMN IF NOT EXISTS search tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple', veille_unaccent(coalesce(title, ''))), 'A') || "
    "setweight(to_tsvector('simple', veille_unaccent(text)), 'B')) STORED"
)
PG_SEARCH_INDEX = "CREATE INDEX IF NOT EXISTS ix_articles_search ON articles USING gin (search)"
# Ranking reads every match's vector: for a word in most of 200k articles that is seconds.
# So at most SEARCH_CANDIDATES matches are ranked (all of them for any selective query);
# the top n of those get a headline. See docs/benchmarks.md for the latencies.
SEARCH_CANDIDATES = 5000
PG_SEARCH_QUERY = (
    "SELECT c.id, c.title, c.language, c.source, "
    "ts_headline('simple', c.text, c.q, 'StartSel=[,StopSel=],MaxWords=24,MinWords=8,MaxFragments=1') "
    "AS snippet FROM ("
    "SELECT a.id, a.title, a.language, a.source, a.text, q, ts_rank_cd(a.search, q) AS rank "
    "FROM (SELECT id FROM articles, plainto_tsquery('simple', veille_unaccent(:q)) AS q "
    "WHERE search @@ q AND (CAST(:lang AS text) IS NULL OR language = :lang) LIMIT :candidates) m "
    "JOIN articles a ON a.id = m.id, plainto_tsquery('simple', veille_unaccent(:q)) AS q "
    "ORDER BY rank DESC, a.id LIMIT :n OFFSET :offset) c ORDER BY c.rank DESC, c.id"
)


def now_iso() -> str:
    """The time every stored timestamp is written with (UTC, to the second)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def insert(engine: Engine, table: Table) -> Any:
    """The backend's INSERT for ``table`` (both support ON CONFLICT: ignore or upsert)."""
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def normalise_url(url: str) -> str:
    """A database URL with veille's driver filled in: ``postgresql://`` -> ``postgresql+psycopg://``.

    Anything else is returned unchanged; a malformed URL raises VeilleError saying so.
    """
    if "://" not in url:
        return url
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise VeilleError(f"cannot read database URL {url!r}: {exc}") from None
    if parsed.drivername in ("postgresql", "postgres"):
        return parsed.set(drivername=f"postgresql+{POSTGRES_DRIVER}").render_as_string(hide_password=False)
    return url


SCHEMA_LOCK_KEY = 7420001  # any constant: veille's advisory lock for schema changes


def lock_schema(conn: Connection) -> None:
    """Serialise schema creation: concurrent ``Store()`` openings on PostgreSQL must not race on DDL.

    The lock is held until the surrounding transaction ends.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK_KEY})


# Advisory lock keys of the steps that run after a batch is stored (any constants, one each).
STEP_LOCK_KEYS = {"stories": 7420002, "alerts": 7420003, "schema": 7420004}


@contextmanager
def exclusive(engine: Engine, name: str) -> Iterator[None]:
    """Hold veille's lock ``name`` (a key of STEP_LOCK_KEYS) across processes and threads.

    PostgreSQL: a session advisory lock on a connection held for the block. SQLite: an
    exclusive ``flock`` on ``<database>.<name>.lock`` beside the file (not a write
    transaction, which would block the holder's own writes on other connections). Both
    are released by the system if the process dies.
    """
    if engine.dialect.name == "postgresql":
        key = STEP_LOCK_KEYS[name]
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                conn.commit()
        return
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield  # one process only
        return
    with open(f"{database}.{name}.lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def creating_schema(engine: Engine) -> Iterator[None]:
    """Serialise the first opening of a SQLite store across processes.

    SQLite runs DDL outside a write transaction, so two processes opening a new file at
    once both see no tables and the second fails with "table already exists". PostgreSQL
    is serialised by ``lock_schema`` inside the transaction. Where the lock file cannot be
    made (a read-only folder), go on unlocked: opening then fails or succeeds on its own.
    """
    if engine.dialect.name != "sqlite":
        yield
        return
    with ExitStack() as stack:
        with suppress(OSError):
            stack.enter_context(exclusive(engine, "schema"))
        yield


def create_postgres_search(conn: Connection) -> bool:
    """Create the unaccent wrapper, the generated tsvector column and its GIN index.

    Idempotent. Returns whether search is accent-insensitive (``unaccent`` available).
    Call it inside the transaction that holds ``lock_schema``.
    """
    unaccent = _try_create_unaccent(conn)
    body = "public.unaccent('public.unaccent'::regdictionary, $1)" if unaccent else "$1"
    existing = conn.execute(
        text("SELECT prosrc FROM pg_proc WHERE proname = 'veille_unaccent'")
    ).scalar_one_or_none()
    # Replacing the function under an existing generated column would leave stale vectors,
    # so it is only created once; a database made without unaccent stays accent-sensitive.
    if existing is None:
        conn.execute(text(PG_UNACCENT_FUNCTION.format(body=body)))
    else:
        unaccent = "unaccent" in existing
    conn.execute(text(PG_SEARCH_COLUMN))
    conn.execute(text(PG_SEARCH_INDEX))
    return unaccent


def _try_create_unaccent(conn: Connection) -> bool:
    """CREATE EXTENSION unaccent inside a savepoint; False (and a log line) when not possible."""
    installed = conn.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'unaccent'")).first()
    if installed:
        return True
    try:
        with conn.begin_nested():
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public"))
        return True
    except DBAPIError as exc:
        log.warning(
            "PostgreSQL extension 'unaccent' unavailable (%s); search will be accent-sensitive. "
            "Install postgresql-contrib to fix.",
            str(exc.orig).splitlines()[0] if exc.orig else exc,
        )
        return False


def search_postgres(
    conn: Connection, query: str, limit: int, *, offset: int = 0, language: str | None = None
) -> list[dict[str, Any]]:
    """Ranked full-text search on PostgreSQL (see the module docstring); ``language`` filters."""
    params = {"q": query, "n": limit, "offset": offset, "lang": language, "candidates": SEARCH_CANDIDATES}
    rows = conn.execute(text(PG_SEARCH_QUERY), params)
    return [dict(r._mapping) for r in rows]


# SQLSTATEs after which the whole transaction may simply be run again.
_RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})  # deadlock_detected, serialization_failure


def is_retryable(exc: Exception) -> bool:
    """Whether a failed write transaction lost a race (deadlock, busy database) and can be retried."""
    orig = getattr(exc, "orig", None)
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate in _RETRYABLE_SQLSTATES:
        return True
    # SQLite: another process held the write lock longer than busy_timeout.
    return "database is locked" in str(orig or exc)
