"""Place and route export as GeoJSON: points and route lines, with provenance."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any, Literal, TypedDict

from veille.facts import as_dict
from veille.model import Claim, Place, PlaceMention, Route


class Geometry(TypedDict):
    type: Literal["Point", "LineString"]
    coordinates: list[float] | list[list[float]]  # [lon, lat], or a line of them


class Feature(TypedDict):
    type: Literal["Feature"]
    id: str
    geometry: Geometry
    properties: dict[str, Any]  # a place's or a route's, told apart by "kind"


class FeatureCollection(TypedDict):
    type: Literal["FeatureCollection"]
    features: list[Feature]


def to_geojson(
    places: Mapping[str, Place],
    place_mentions: Iterable[PlaceMention],
    routes: Iterable[Route] = (),
    claims: Mapping[str, Claim] | None = None,
) -> FeatureCollection:
    """A FeatureCollection: one Point per place (with its mentions), one LineString per route.

    Coordinates are [lon, lat] as GeoJSON requires. A route whose stops are not all in
    ``places`` is skipped rather than drawn with a gap.
    """
    by_place: dict[str, list[PlaceMention]] = defaultdict(list)
    for m in place_mentions:
        by_place[m.place_id].append(m)
    features: list[Feature] = []
    for pid in sorted(by_place):
        place = places.get(pid)
        if place is None:
            continue
        mentions = sorted(by_place[pid], key=lambda m: (m.article_id, m.start))
        features.append(
            {
                "type": "Feature",
                "id": place.id,
                "geometry": {"type": "Point", "coordinates": [place.lon, place.lat]},
                "properties": {
                    "kind": "place",
                    "name": place.name,
                    "country": place.country,
                    "feature": place.feature,
                    "geonames_id": place.geonames_id,
                    "article_ids": sorted({m.article_id for m in mentions}),
                    "mentions": [as_dict(m, exclude=("place_id",)) for m in mentions],
                },
            }
        )
    for route in routes:
        stops = [places.get(s) for s in route.stops]
        if any(p is None for p in stops) or len(stops) < 2:
            continue
        claim = claims.get(route.claim_id) if claims and route.claim_id else None
        features.append(
            {
                "type": "Feature",
                "id": route.id,
                "geometry": {"type": "LineString", "coordinates": [[p.lon, p.lat] for p in stops if p]},
                "properties": {
                    "kind": "route",
                    "stops": route.stops,
                    "stop_names": [p.name for p in stops if p],
                    "what": route.what,
                    "article_id": route.article_id,
                    "start": route.start,
                    "end": route.end,
                    "sentence": route.sentence,
                    "extractor": route.extractor,
                    "event_id": route.event_id,
                    "claim_id": route.claim_id,
                    "claim_source": claim.source_text if claim else None,
                    "claim_content": claim.content if claim else None,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}
