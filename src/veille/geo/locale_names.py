"""Names of places in many languages (``veille.names.locales``), added to a built gazetteer.

Towns are found by GeoNames id; a region by any name it shares with the key's names
in its country (the gazetteer's regions come from different sources, with different ids).
``iso3166-2`` names are attached to the gazetteer's first-level regions that share a name
with them.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from veille.geo.gazetteer import INDEXES, name_key
from veille.names.locales import (
    GEONAMES_LOCALES,
    ISO3166_2,
    enabled_sources,
    geonames_locale_names,
    plausible_name,
    subdivision_names,
)


@dataclass
class Added:
    """What one source added: name rows, and the places that got them."""

    names: int = 0
    places: int = 0


class _Names:
    """Inserts names for places, skipping keys a place already has."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        conn.execute(INDEXES)  # the build adds it at the end; lookups here need it now
        conn.execute("CREATE INDEX IF NOT EXISTS names_place ON names (place_id)")

    def add(self, place_id: str, names: list[tuple[str, tuple[str, ...]]]) -> int:
        """Insert (name, its languages) pairs; the language column gets the language when only one."""
        have = {k for (k,) in self.conn.execute("SELECT key FROM names WHERE place_id=?", (place_id,))}
        rows = []
        for name, langs in names:
            key = name_key(name)
            if key and key not in have and plausible_name(name, langs):
                have.add(key)
                rows.append((key, place_id, langs[0] if len(langs) == 1 else None))
        self.conn.executemany("INSERT INTO names VALUES (?,?,?)", rows)
        return len(rows)

    def region(self, country: str, names: list[str]) -> str | None:
        """The first-level region of ``country`` known by one of ``names``."""
        for name in names:
            row = self.conn.execute(
                "SELECT p.id FROM names n JOIN places p ON p.id = n.place_id "
                "WHERE n.key=? AND p.country=? AND p.feature='A.ADM1' LIMIT 1",
                (name_key(name), country),
            ).fetchone()
            if row:
                return str(row[0])
        return None

    def country(self, code: str) -> str | None:
        row = self.conn.execute(
            "SELECT id FROM places WHERE country=? AND feature LIKE 'A.PCL%' ORDER BY population DESC LIMIT 1",
            (code,),
        ).fetchone()
        return str(row[0]) if row else None

    def exists(self, place_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM places WHERE id=?", (place_id,)).fetchone() is not None


def insert_geonames_locales(conn: sqlite3.Connection, path: Path | None = None) -> Added:
    names = _Names(conn)
    added = Added()
    for key, entries in geonames_locale_names(path).items():
        if key.isdigit():
            target = f"geonames:{key}" if names.exists(f"geonames:{key}") else None
        elif "." in key:
            country = key.split(".", 1)[0]
            english = [n for n, langs in entries if "en" in langs]
            target = names.region(country, english + [n for n, _ in entries])
        else:
            target = names.country(key)
        if target:
            n = names.add(target, list(entries))
            added.names += n
            added.places += bool(n)
    return added


def insert_subdivisions(conn: sqlite3.Connection) -> Added:
    names = _Names(conn)
    added = Added()
    for country, _code, entries in subdivision_names():
        target = names.region(country, [n for n, _ in entries])
        if target:
            n = names.add(target, [(name, (lang,)) for name, lang in entries])
            added.names += n
            added.places += bool(n)
    return added


def insert_locale_names(conn: sqlite3.Connection) -> dict[str, Added]:
    """The gazetteer build's hook: every enabled source, GeoNames' names first (they bridge
    ISO's romanised region names to the gazetteer's)."""
    out: dict[str, Added] = {}
    enabled = enabled_sources()
    if GEONAMES_LOCALES in enabled:
        out[GEONAMES_LOCALES] = insert_geonames_locales(conn)
    if ISO3166_2 in enabled:
        out[ISO3166_2] = insert_subdivisions(conn)
    for source, added in out.items():
        conn.execute(
            "INSERT OR REPLACE INTO meta VALUES (?, ?)", (f"names:{source}", f"{added.names} {added.places}")
        )
    return out
