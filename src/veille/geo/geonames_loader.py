"""Load a GeoNames dump (allCountries.txt, cities500.txt, alternateNamesV2.txt) into a gazetteer.

Files are streamed line by line, so the 1.5 GB allCountries.txt loads in constant
memory. Both tables are the same as the embedded gazetteer's; a place keeps the id
"geonames:<geonameid>", so a dump loaded over the embedded build adds names and
features without duplicating places.
"""

from __future__ import annotations

import io
import sqlite3
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from veille.geo.gazetteer import (
    INDEXES,
    PlaceRecord,
    build_atomically,
    create_schema,
    insert_records,
    name_key,
    record_max_words,
)
from veille.model import Place

# Feature classes worth geoparsing news with: countries and regions (A), water (H),
# areas (L), towns (P), spots like bases and ports (S), mountains (T), undersea (U), vegetation (V).
KEEP_CLASSES = frozenset("AHLPSTUV")
# alternateNamesV2 "languages" that are not names.
NOT_NAMES = frozenset({"link", "post", "iata", "icao", "faac", "abbr", "wkdt", "unlc", "tcid", "fr_1793"})
BATCH = 20_000


@contextmanager
def _open_text(path: Path) -> Iterator[IO[str]]:
    """A GeoNames file as text, plain or inside the .zip GeoNames distributes."""
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as zf:
            inner = next(n for n in zf.namelist() if n.endswith(".txt") and not n.startswith("readme"))
            with zf.open(inner) as raw:
                yield io.TextIOWrapper(raw, encoding="utf-8")
    else:
        with path.open(encoding="utf-8") as f:
            yield f


def parse_geonames_line(line: str) -> PlaceRecord | None:
    """One row of the 19-column GeoNames "geoname" table, or None for rows veille skips."""
    cols = line.rstrip("\n").split("\t")
    if len(cols) < 19 or not cols[0].isdigit() or cols[6] not in KEEP_CLASSES:
        return None
    gid = int(cols[0])
    place = Place(
        id=f"geonames:{gid}",
        name=cols[1],
        lat=float(cols[4]),
        lon=float(cols[5]),
        country=cols[8] or None,
        feature=f"{cols[6]}.{cols[7]}",
        geonames_id=gid,
        population=int(cols[14]) if cols[14].isdigit() else None,
    )
    names: list[tuple[str, str | None]] = [(cols[2], None)] if cols[2] else []
    names += [(n, None) for n in cols[3].split(",") if n and len(n) > 2]
    return PlaceRecord(place, names, source="geonames")


def load_geonames(conn: sqlite3.Connection, path: Path) -> int:
    """Stream a geoname table file (allCountries.txt, citiesN.txt, XX.txt) into ``conn``."""
    create_schema(conn)
    total = 0
    with _open_text(path) as f:
        batch: list[PlaceRecord] = []
        for line in f:
            rec = parse_geonames_line(line)
            if rec is None:
                continue
            batch.append(rec)
            if len(batch) >= BATCH:
                total += insert_records(conn, batch)
                batch.clear()
        total += insert_records(conn, batch)
    conn.execute(INDEXES)
    record_max_words(conn)
    conn.commit()
    return total


def load_alternate_names(conn: sqlite3.Connection, path: Path) -> int:
    """Stream alternateNamesV2.txt; names of places not in the gazetteer are skipped."""
    create_schema(conn)
    sql = (
        "INSERT OR IGNORE INTO names (key, place_id, lang) "
        "SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM places WHERE id = ?)"
    )
    count = 0
    rows: list[tuple[str, str, str | None, str]] = []
    with _open_text(path) as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 4 or not cols[1].isdigit():
                continue
            lang = cols[2] or None
            historic = len(cols) > 7 and cols[7] == "1"
            if lang in NOT_NAMES or historic:
                continue
            key = name_key(cols[3])
            if len(key) < 3:
                continue
            pid = f"geonames:{cols[1]}"
            rows.append((key, pid, lang, pid))
            count += 1
            if len(rows) >= BATCH:
                conn.executemany(sql, rows)
                rows.clear()
    conn.executemany(sql, rows)
    conn.execute(INDEXES)
    record_max_words(conn)
    conn.commit()
    return count


def build_from_dump(
    target: Path,
    geonames: list[Path],
    alternate_names: Path | None = None,
    embedded_cities: int | None = None,
) -> Path:
    """A gazetteer file from GeoNames dumps (configure it as [geo] gazetteer).

    With ``embedded_cities`` the embedded gazetteer goes in first, so the curated
    supplement, CLDR country names and aliases stay; the dump then adds its features
    and names (a place already there keeps its row and gains the dump's names).
    """

    def fill(conn: sqlite3.Connection) -> None:
        if embedded_cities is not None:
            from veille.geo.embedded_sources import fill_embedded

            fill_embedded(conn, embedded_cities)
        for path in geonames:
            load_geonames(conn, path)
        if alternate_names is not None:
            load_alternate_names(conn, alternate_names)

    return build_atomically(target, fill)


def main(argv: list[str] | None = None) -> int:
    """python -m veille.geo.geonames_loader OUT.sqlite allCountries.txt [--alternate-names F] [--with-embedded]"""
    import argparse

    ap = argparse.ArgumentParser(
        prog="python -m veille.geo.geonames_loader", description=build_from_dump.__doc__
    )
    ap.add_argument("out", type=Path, help="gazetteer file to write")
    ap.add_argument(
        "geonames", type=Path, nargs="+", help="allCountries.txt, cities500.txt, XX.txt (or .zip)"
    )
    ap.add_argument("--alternate-names", type=Path, help="alternateNamesV2.txt (or .zip)")
    ap.add_argument(
        "--with-embedded", type=int, metavar="CITIES", help="include the embedded gazetteer (500..15000)"
    )
    args = ap.parse_args(argv)
    missing = [str(p) for p in [*args.geonames, args.alternate_names] if p is not None and not p.is_file()]
    if missing:
        ap.error(f"file not found: {', '.join(missing)}")
    out = build_from_dump(args.out, args.geonames, args.alternate_names, args.with_embedded)
    print(f'gazetteer written to {out}; set [geo] gazetteer = "{out}" in veille.toml')
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
