"""The gazetteer: places and their multilingual names in one SQLite file.

Two tables: ``places`` (one row per feature, GeoNames-style feature codes) and
``names`` (normalised name key -> place). The default file is built on first use
from data that installed packages ship (see ``embedded_sources``); a user's
GeoNames dump loads into the same tables (see ``geonames_loader``).
"""

from __future__ import annotations

import os
import re
import sqlite3
import tempfile
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from veille.errors import ConfigError
from veille.model import Place

SCHEMA = """
CREATE TABLE IF NOT EXISTS places (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    country TEXT,
    feature TEXT,
    geonames_id INTEGER,
    population INTEGER,
    source TEXT
);
CREATE TABLE IF NOT EXISTS names (
    key TEXT NOT NULL,
    place_id TEXT NOT NULL,
    lang TEXT
);
CREATE TABLE IF NOT EXISTS parents (
    place_id TEXT PRIMARY KEY,
    admin1 TEXT,
    admin2 TEXT
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
"""
INDEXES = "CREATE INDEX IF NOT EXISTS names_key ON names (key);"

# Bumped whenever the embedded build changes, so stale cache files are rebuilt.
BUILD_VERSION = "16"

# Key suffix of names that match only when written with their final period: "Va." is
# Virginia, "VA" and "va" are not.
DOTTED = "."

# Key suffix of codes that match only written in capitals: "CT" and "BC" are states, "ct" is not.
CAPITALS = "^"

_NON_WORD = re.compile(r"[\W_]+")
_LATIN_ACCENTS = re.compile("[\u0300-\u036f]")


def name_key(text: str) -> str:
    """Lookup key of a name: accents stripped, case-folded, punctuation runs as one space.

    "Primorsko-Akhtarsk" and "primorsko akhtarsk", "Téhéran" and "Teheran" share a key.
    Only the combining accents of Latin, Greek and Cyrillic letters go; marks that other
    scripts need (Devanagari vowel signs) stay.
    """
    if text.isascii():
        return _NON_WORD.sub(" ", text.lower()).strip()
    stripped = _LATIN_ACCENTS.sub("", unicodedata.normalize("NFKD", text))
    return _NON_WORD.sub(" ", stripped.casefold()).strip()


@dataclass
class PlaceRecord:
    """A place and the names it is known by, ready to insert."""

    place: Place
    names: list[tuple[str, str | None]] = field(default_factory=list)  # (name, language)
    source: str = ""


def create_schema(conn: sqlite3.Connection) -> None:
    conn.executescript(SCHEMA)


def insert_records(conn: sqlite3.Connection, records: Iterable[PlaceRecord]) -> int:
    """Insert places and names; a place id seen again keeps its first row. Returns places inserted."""
    count = 0
    place_rows: list[tuple[object, ...]] = []
    name_rows: list[tuple[str, str, str | None]] = []
    for rec in records:
        p = rec.place
        place_rows.append(
            (p.id, p.name, p.lat, p.lon, p.country, p.feature, p.geonames_id, p.population, rec.source)
        )
        seen: set[str] = set()
        for name, lang in [(p.name, None), *rec.names]:
            key = name_key(name)
            if key and key not in seen:
                seen.add(key)
                name_rows.append((key, p.id, lang))
        count += 1
        if len(name_rows) > 50_000:
            _flush(conn, place_rows, name_rows)
    _flush(conn, place_rows, name_rows)
    return count


def _flush(
    conn: sqlite3.Connection,
    place_rows: list[tuple[object, ...]],
    name_rows: list[tuple[str, str, str | None]],
) -> None:
    conn.executemany("INSERT OR IGNORE INTO places VALUES (?,?,?,?,?,?,?,?,?)", place_rows)
    conn.executemany("INSERT INTO names VALUES (?,?,?)", name_rows)
    place_rows.clear()
    name_rows.clear()


def build_atomically(path: Path, fill: Callable[[sqlite3.Connection], None]) -> Path:
    """Build a gazetteer file in a temporary file beside ``path``, then rename it into place.

    Readers never see a half-built file, and two processes building at once both end
    with a complete one.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        conn = sqlite3.connect(tmp)
        try:
            conn.execute("PRAGMA journal_mode=OFF")
            conn.execute("PRAGMA synchronous=OFF")
            create_schema(conn)
            fill(conn)
            conn.execute(INDEXES)
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('build_version', ?)", (BUILD_VERSION,))
            conn.commit()
        finally:
            conn.close()
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


class Gazetteer:
    """Read access to a gazetteer file: candidates for a name, places by id."""

    def __init__(self, path: Path) -> None:
        self.path = path
        # Read-only and shareable across threads of one process.
        try:
            self.conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            self.max_words = self._max_words()
            self.conn.execute("SELECT 1 FROM names LIMIT 1")
        except sqlite3.DatabaseError:
            raise ConfigError(
                f"{path} is not a veille gazetteer; point [geo] gazetteer at another file, "
                "or leave it empty to use the embedded one"
            ) from None
        self._cached_lookup = lru_cache(maxsize=65_536)(self._lookup)
        self._cached_has_key = lru_cache(maxsize=262_144)(self._has_key)
        self._cached_has_prefix = lru_cache(maxsize=262_144)(self._has_prefix)
        self._cached_admin_of = lru_cache(maxsize=65_536)(self._admin_of)
        # Files built before the table (or from a dump) have no parents.
        self._has_parents = (
            self.conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='parents'").fetchone()
            is not None
        )

    def _max_words(self) -> int:
        row = self.conn.execute("SELECT value FROM meta WHERE key='max_words'").fetchone()
        return int(row[0]) if row else 6

    def _has_key(self, key: str, demonyms: bool) -> bool:
        sql = "SELECT 1 FROM names WHERE key=?" + ("" if demonyms else " AND lang IS NOT 'demonym'")
        return self.conn.execute(sql + " LIMIT 1", (key,)).fetchone() is not None

    def _has_prefix(self, prefix: str) -> bool:
        # The first key at or after the prefix starts with it if any key does (keys sort by
        # code point, as SQLite's BINARY collation compares UTF-8).
        row = self.conn.execute(
            "SELECT key FROM names WHERE key >= ? ORDER BY key LIMIT 1", (prefix,)
        ).fetchone()
        return row is not None and str(row[0]).startswith(prefix)

    def _lookup(self, key: str, demonyms: bool) -> tuple[Place, ...]:
        rows = self.conn.execute(
            "SELECT DISTINCT p.id, p.name, p.lat, p.lon, p.country, p.feature, p.geonames_id, p.population "
            "FROM names n JOIN places p ON p.id = n.place_id WHERE n.key = ?"
            + ("" if demonyms else " AND n.lang IS NOT 'demonym'"),
            (key,),
        ).fetchall()
        return tuple(_place(r) for r in rows)

    def has_key(self, key: str, demonyms: bool = False) -> bool:
        return self._cached_has_key(key, demonyms)

    def has_prefix(self, prefix: str) -> bool:
        """Whether some name key (demonyms included) starts with ``prefix``, character-wise."""
        return self._cached_has_prefix(prefix)

    def lookup(self, key: str, demonyms: bool = False) -> tuple[Place, ...]:
        """Places whose name has this normalised key; demonyms ("Syrian") only when asked."""
        return self._cached_lookup(key, demonyms)

    def candidates(self, name: str, demonyms: bool = False) -> tuple[Place, ...]:
        """Every place that ``name`` can refer to (normalised match; "Va." also as an abbreviation)."""
        key = name_key(name)
        found = self.lookup(key, demonyms)
        if key and name.rstrip().endswith("."):
            dotted = self.lookup(key + DOTTED, demonyms)
            found += tuple(p for p in dotted if p not in found)
        if 2 <= len(name) <= 3 and name.isalpha() and name.isupper():
            found += tuple(p for p in self.lookup(key + CAPITALS, demonyms) if p not in found)
        return found

    def admin_of(self, place_id: str) -> tuple[str | None, str | None]:
        """Ids of the first- and second-level subdivisions a place lies in, when known."""
        return self._cached_admin_of(place_id)

    def _admin_of(self, place_id: str) -> tuple[str | None, str | None]:
        if not self._has_parents:
            return (None, None)
        row = self.conn.execute("SELECT admin1, admin2 FROM parents WHERE place_id=?", (place_id,)).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def place(self, place_id: str) -> Place | None:
        row = self.conn.execute(
            "SELECT id, name, lat, lon, country, feature, geonames_id, population FROM places WHERE id=?",
            (place_id,),
        ).fetchone()
        return _place(row) if row else None

    def country(self, code: str) -> Place | None:
        """The country-level place for an ISO 3166-1 alpha-2 code."""
        row = self.conn.execute(
            "SELECT id, name, lat, lon, country, feature, geonames_id, population FROM places "
            "WHERE country=? AND feature LIKE 'A.PCL%' ORDER BY population DESC LIMIT 1",
            (code.upper(),),
        ).fetchone()
        return _place(row) if row else None

    def close(self) -> None:
        self.conn.close()


def _place(row: tuple[object, ...]) -> Place:
    pid, name, lat, lon, country, feature, gid, pop = row
    return Place(
        id=str(pid),
        name=str(name),
        lat=float(lat),  # type: ignore[arg-type]
        lon=float(lon),  # type: ignore[arg-type]
        country=country if isinstance(country, str) else None,
        feature=feature if isinstance(feature, str) else None,
        geonames_id=gid if isinstance(gid, int) else None,
        population=pop if isinstance(pop, int) else None,
    )


def record_max_words(conn: sqlite3.Connection) -> None:
    """Store the longest name in words, which bounds the n-gram matcher."""
    longest = 1
    for (key,) in conn.execute("SELECT key FROM names WHERE key LIKE '% % %'"):
        longest = max(longest, key.count(" ") + 1)
    conn.execute("INSERT OR REPLACE INTO meta VALUES ('max_words', ?)", (str(min(longest, 8)),))
