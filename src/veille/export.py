"""Exports: the whole store as one JSON document, or CSV tables (schema: docs/export.md)."""

from __future__ import annotations

import csv
import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from veille.geo.geojson import to_geojson
from veille.model import Claim, Place, PlaceMention, Route
from veille.store.database import Store
from veille.store.records import from_row
from veille.stories.export import iter_export_stories

EXPORT_VERSION = 1


def _claim(row: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "id",
        "article_id",
        "source_entity",
        "source_text",
        "source_type",
        "cue",
        "content",
        "start",
        "end",
        "sentence",
        "kind",
        "about",
        "channel",
        "date",
        "extractor",
    )
    return {k: row.get(k) for k in keys}


def _event(row: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "id",
        "kind",
        "actor",
        "target",
        "object",
        "quantity",
        "place",
        "time",
        "claim_id",
        "source_entity",
        "article_id",
        "start",
        "end",
        "sentence",
        "extractor",
    )
    out = {k: row.get(k) for k in keys}
    amount = row.get("amount")
    out["amount"] = (
        {"value": amount.get("value"), "unit": amount.get("unit"), "text": amount.get("text")}
        if amount
        else None
    )
    return out


ARTICLE_KEYS = ("id", "source", "url", "title", "language", "published", "text", "origin", "ingested_at")
ROUTE_KEYS = (
    "id",
    "article_id",
    "stops",
    "what",
    "event_id",
    "claim_id",
    "start",
    "end",
    "sentence",
    "extractor",
)
RELATIVE_KEYS = (
    "id", "article_id", "text", "anchor", "target", "distance_km", "bearing", "approximate",
    "computed_km", "consistent", "start", "end", "sentence", "extractor",
)  # fmt: skip
PLACE_KEYS = ("id", "name", "lat", "lon", "country", "geonames_id", "feature")
GROUP = 500  # entities/places whose mentions are read in one query


def _batches(rows: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    while batch := list(itertools.islice(rows, size)):
        yield batch


def _entity_mention(m: dict[str, Any]) -> dict[str, Any]:
    keys = ("article_id", "start", "end", "text", "sentence", "role", "extractor")
    return {k: m[k] for k in keys}


def _place_mention(pm: dict[str, Any]) -> dict[str, Any]:
    return {k: pm[k] for k in ("article_id", "start", "end", "text", "metonymy", "extractor")}


def _entities(store: Store, language: str | None) -> Iterator[dict[str, Any]]:
    """Entities that are mentioned, each with its mentions (read a batch of entities at a time)."""
    for batch in _batches(store.table_rows("entities"), GROUP):
        mentions = store.rows_for("mentions", "entity_id", [e["id"] for e in batch], language)
        for e in batch:
            if mentions.get(e["id"]):
                yield {
                    "id": e["id"], "name": e["name"], "kind": e["kind"], "country": e["country"],
                    "mentions": [_entity_mention(m) for m in mentions[e["id"]]],
                }  # fmt: skip


def _places(store: Store, language: str | None) -> Iterator[dict[str, Any]]:
    for batch in _batches(store.table_rows("places"), GROUP):
        mentions = store.rows_for("place_mentions", "place_id", [p["id"] for p in batch], language)
        for p in batch:
            if language and not mentions.get(p["id"]):
                continue  # a place no article in that language names
            yield {
                **{k: p[k] for k in PLACE_KEYS},
                "mentions": [_place_mention(m) for m in mentions.get(p["id"], [])],
            }


def export_sections(
    store: Store, language: str | None = None
) -> Iterator[tuple[str, Iterator[dict[str, Any]]]]:
    """(name, records) for each list in the export, each read from the store as it is consumed.

    ``language``: only articles in that language, their facts, the entities and places they
    name, and the stories that hold one of them.
    """
    rows = store.table_rows
    yield "articles", ({k: a[k] for k in ARTICLE_KEYS} for a in rows("articles", language))
    yield "entities", _entities(store, language)
    yield "claims", (_claim(c) for c in rows("claims", language))
    yield "events", (_event(e) for e in rows("events", language))
    yield "places", _places(store, language)
    yield "routes", ({k: r[k] for k in ROUTE_KEYS} for r in rows("routes", language))
    yield (
        "relative_locations",
        ({k: r[k] for k in RELATIVE_KEYS} for r in rows("relative_locations", language)),
    )
    stories = iter_export_stories(store)
    yield "stories", (s for s in stories if not language or language in (s.get("languages") or []))


def build_export(store: Store) -> dict[str, Any]:
    """One JSON-serialisable object: articles, entities (with mentions), claims, events, places, routes, stories."""
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


CSV_TABLES = (
    "articles",
    "entities",
    "mentions",
    "claims",
    "events",
    "places",
    "place_mentions",
    "routes",
    "relative_locations",
)


def write_csv(store: Store, out: Path, language: str | None = None) -> dict[str, int]:
    """One CSV file per table in the folder ``out``; list/dict cells are JSON."""
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for name in CSV_TABLES:
        counts[name] = 0
        with (out / f"{name}.csv").open("w", newline="", encoding="utf-8") as fh:
            writer: csv.DictWriter[str] | None = None
            if language and name in ("entities", "places"):
                rows = _named_in(store, name, language)
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


def _named_in(store: Store, name: str, language: str) -> Iterator[dict[str, Any]]:
    """Entity or place rows that an article in ``language`` names."""
    mentions, key = ("mentions", "entity_id") if name == "entities" else ("place_mentions", "place_id")
    for batch in _batches(store.table_rows(name), GROUP):
        named = store.rows_for(mentions, key, [r["id"] for r in batch], language)
        yield from (r for r in batch if r["id"] in named)


def write_geojson(store: Store, out: Path) -> dict[str, int]:
    """Places as points and routes as lines, with article/claim provenance in properties."""
    places = {row["id"]: from_row(Place, row) for row in store.table_rows("places")}
    mentions = [from_row(PlaceMention, row) for row in store.table_rows("place_mentions")]
    routes = [from_row(Route, row) for row in store.table_rows("routes")]
    claims = {row["id"]: from_row(Claim, row) for row in store.table_rows("claims")}
    collection = to_geojson(places, mentions, routes, claims)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(collection, ensure_ascii=False, indent=1), encoding="utf-8")
    kinds = [f["geometry"]["type"] for f in collection["features"]]
    return {"points": kinds.count("Point"), "routes": kinds.count("LineString")}
