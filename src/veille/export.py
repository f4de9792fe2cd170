"""Exports: the whole store as one JSON document, or CSV tables (schema: docs/export.md)."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from veille.geo.geojson import to_geojson
from veille.model import Claim, Place, PlaceMention, Route
from veille.store.database import Store
from veille.store.records import from_row
from veille.stories.export import export_stories

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


def build_export(store: Store) -> dict[str, Any]:
    """One JSON-serialisable object: articles, entities (with mentions), claims, events, places, routes, stories."""
    mentions_by_entity: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for m in store.table_rows("mentions"):
        mentions_by_entity[m["entity_id"]].append(
            {
                "article_id": m["article_id"],
                "start": m["start"],
                "end": m["end"],
                "text": m["text"],
                "sentence": m["sentence"],
                "role": m["role"],
                "extractor": m["extractor"],
            }
        )
    place_mentions: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for pm in store.table_rows("place_mentions"):
        place_mentions[pm["place_id"]].append(
            {
                "article_id": pm["article_id"],
                "start": pm["start"],
                "end": pm["end"],
                "text": pm["text"],
                "metonymy": pm["metonymy"],
                "extractor": pm["extractor"],
            }
        )
    articles = [
        {
            k: a[k]
            for k in (
                "id",
                "source",
                "url",
                "title",
                "language",
                "published",
                "text",
                "origin",
                "ingested_at",
            )
        }
        for a in store.table_rows("articles")
    ]
    entities = [
        {
            "id": e["id"],
            "name": e["name"],
            "kind": e["kind"],
            "country": e["country"],
            "mentions": mentions_by_entity.get(e["id"], []),
        }
        for e in store.table_rows("entities")
        if e["id"] in mentions_by_entity
    ]
    places = [
        {
            **{k: p[k] for k in ("id", "name", "lat", "lon", "country", "geonames_id", "feature")},
            "mentions": place_mentions.get(p["id"], []),
        }
        for p in store.table_rows("places")
    ]
    routes = [
        {
            k: r[k]
            for k in (
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
        }
        for r in store.table_rows("routes")
    ]
    relative = [
        {
            k: r[k]
            for k in (
                "id",
                "article_id",
                "text",
                "anchor",
                "target",
                "distance_km",
                "bearing",
                "approximate",
                "computed_km",
                "consistent",
                "start",
                "end",
                "sentence",
                "extractor",
            )
        }
        for r in store.table_rows("relative_locations")
    ]
    return {
        "veille_export": EXPORT_VERSION,
        "articles": articles,
        "entities": entities,
        "claims": [_claim(c) for c in store.table_rows("claims")],
        "events": [_event(e) for e in store.table_rows("events")],
        "places": places,
        "routes": routes,
        "relative_locations": relative,
        "stories": export_stories(store.engine),
    }


def write_json(store: Store, out: Path) -> dict[str, int]:
    data = build_export(store)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    tmp.replace(out)
    return {k: len(v) for k, v in data.items() if isinstance(v, list)}


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


def write_csv(store: Store, out: Path) -> dict[str, int]:
    """One CSV file per table in the folder ``out``; list/dict cells are JSON."""
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for name in CSV_TABLES:
        rows = list(store.table_rows(name))
        counts[name] = len(rows)
        with (out / f"{name}.csv").open("w", newline="", encoding="utf-8") as fh:
            if not rows:
                continue
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            for row in rows:
                writer.writerow(
                    {
                        k: json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v
                        for k, v in row.items()
                    }
                )
    return counts


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
