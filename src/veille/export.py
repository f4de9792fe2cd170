"""Exports: the whole store as one JSON document, CSV tables or GeoJSON (schema: docs/export.md).

What is exported, in which order and with which keys follows the record-type declarations
in ``veille.facts``."""

from __future__ import annotations

import csv
import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

from veille import facts
from veille.facts import RecordType, exported
from veille.geo.geojson import to_geojson
from veille.store.database import Store
from veille.stories.export import iter_export_stories

T = TypeVar("T")

EXPORT_VERSION = 1
GROUP = 500  # entities/places whose mentions are read in one query
# One CSV file per exported record type, named by its table.
CSV_TABLES = tuple(r.table for r in facts.RECORD_TYPES if r.export)


def _batches(rows: Iterator[T], size: int) -> Iterator[list[T]]:
    while batch := list(itertools.islice(rows, size)):
        yield batch


def _records(store: Store, record: RecordType[Any], language: str | None) -> Iterator[dict[str, Any]]:
    """The export records of one type, as declared in ``veille.facts``."""
    assert record.export is not None
    if record.named_by is None:
        yield from (exported(row, record.export) for row in store.table_rows(record.table, language))
        return
    # A shared type (entities, places): each record with the facts that name it, a batch at a time.
    naming, key = record.named_by
    nested = facts.BY_TABLE[naming].export
    assert nested is not None
    for batch in _batches(store.table_rows(record.table), GROUP):
        named = store.rows_for(naming, key, [r["id"] for r in batch], language)
        for row in batch:
            found = named.get(row["id"], [])
            if not found and (language or not record.export.keep_unnamed):
                continue  # no article (in that language) names it
            yield exported(row, record.export) | {nested.name: [exported(m, nested) for m in found]}


def export_sections(
    store: Store, language: str | None = None
) -> Iterator[tuple[str, Iterator[dict[str, Any]]]]:
    """(name, records) for each list in the export, each read from the store as it is consumed.

    ``language``: only articles in that language, their facts, the entities and places they
    name, and the stories that hold one of them.
    """
    for record in facts.RECORD_TYPES:
        if record.export and record.table not in facts.NAMING:  # naming facts go under what they name
            yield record.export.name, _records(store, record, language)
    stories = iter_export_stories(store)
    yield "stories", (s for s in stories if not language or language in (s.get("languages") or []))


def build_export(store: Store) -> dict[str, Any]:
    """One JSON-serialisable object: every section of ``export_sections``, each a list."""
    return {"veille_export": EXPORT_VERSION} | {name: list(rows) for name, rows in export_sections(store)}


def iter_export_json(
    store: Store, counts: dict[str, int] | None = None, indent: int | None = None, language: str | None = None
) -> Iterator[str]:
    """The export as JSON text, piece by piece: memory stays one batch of rows, whatever the store.

    ``counts`` (when given) receives how many records each list held.
    """
    sep = "\n" if indent is not None else ""

    def dump(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, default=str)

    yield "{" + sep + f'"veille_export": {EXPORT_VERSION}'
    for name, rows in export_sections(store, language):
        yield f",{sep}{dump(name)}: ["
        n = 0
        for row in rows:
            yield ("," if n else "") + sep + dump(row)
            n += 1
        yield f"{sep}]"
        if counts is not None:
            counts[name] = n
    yield sep + "}" + sep


def write_json(store: Store, out: Path, language: str | None = None) -> dict[str, int]:
    """The export written to ``out`` (atomically: a temporary file renamed when complete)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".tmp")
    counts: dict[str, int] = {}
    with tmp.open("w", encoding="utf-8") as fh:
        for piece in iter_export_json(store, counts, indent=1, language=language):
            fh.write(piece)
    tmp.replace(out)
    return counts


def write_csv(store: Store, out: Path, language: str | None = None) -> dict[str, int]:
    """One CSV file per table in the folder ``out``; list/dict cells are JSON."""
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for name in CSV_TABLES:
        counts[name] = 0
        with (out / f"{name}.csv").open("w", newline="", encoding="utf-8") as fh:
            writer: csv.DictWriter[str] | None = None
            record = facts.BY_TABLE[name]
            if language and record.named_by:
                rows = _named_in(store, record, language)
            else:
                rows = store.table_rows(name, language)
            for row in rows:  # streamed: one row in memory at a time
                if writer is None:
                    writer = csv.DictWriter(fh, fieldnames=list(row))
                    writer.writeheader()
                counts[name] += 1
                writer.writerow(
                    {
                        k: json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v
                        for k, v in row.items()
                    }
                )
    return counts


def _named_in(store: Store, record: RecordType[Any], language: str) -> Iterator[dict[str, Any]]:
    """Rows of a shared type (entities, places) that an article in ``language`` names."""
    assert record.named_by is not None
    naming, key = record.named_by
    for batch in _batches(store.table_rows(record.table), GROUP):
        named = store.rows_for(naming, key, [r["id"] for r in batch], language)
        yield from (r for r in batch if r["id"] in named)


def write_geojson(store: Store, out: Path) -> dict[str, int]:
    """Places as points and routes as lines, with article/claim provenance in properties."""
    places = {p.id: p for p in store.records(facts.PLACE)}
    claims = {c.id: c for c in store.records(facts.CLAIM)}
    mentions, routes = store.records(facts.PLACE_MENTION), store.records(facts.ROUTE)
    collection = to_geojson(places, mentions, routes, claims)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(collection, ensure_ascii=False, indent=1), encoding="utf-8")
    kinds = [f["geometry"]["type"] for f in collection["features"]]
    return {"points": kinds.count("Point"), "routes": kinds.count("LineString")}
