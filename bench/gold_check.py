"""Check an analysis against hand-made place and route gold (../shared/seeds/gold.json format).

Shared by the seeds bench and the end-to-end test so both judge the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from veille.geo.spatial import haversine_km
from veille.model import Analysis, Place


@dataclass
class PlaceCheck:
    name: str
    ok: bool
    found: str | None  # the place veille gave, with its distance
    error_km: float | None


def _within(place: Place, gold: dict[str, Any]) -> float:
    return haversine_km(place.lat, place.lon, float(gold["lat"]), float(gold["lon"]))


def check_place(analysis: Analysis, gold: dict[str, Any]) -> PlaceCheck:
    """A gold place passes when a mention with one of its names (or, for a country without
    listed names, the country itself) resolves within ``within_km`` of the gold point."""
    limit = float(gold["within_km"])
    names = {n.casefold() for n in gold.get("mentions", [])}
    if names:
        places = [analysis.places[m.place_id] for m in analysis.place_mentions if m.text.casefold() in names]
    else:
        places = [
            p
            for p in analysis.places.values()
            if p.country == gold.get("country") and (p.feature or "").startswith("A.PCL")
        ]
    if not places:
        return PlaceCheck(gold["name"], False, None, None)
    best = min(places, key=lambda p: _within(p, gold))
    err = _within(best, gold)
    return PlaceCheck(gold["name"], err <= limit, f"{best.name} ({best.id})", round(err, 1))


def check_route(analysis: Analysis, gold_route: dict[str, Any], gold_places: list[dict[str, Any]]) -> bool:
    """Some route visits every gold stop, in order (other stops may come between)."""
    by_name = {g["name"]: g for g in gold_places}
    stops = [by_name[s] for s in gold_route["stops"]]
    for route in analysis.routes:
        places = [analysis.places[s] for s in route.stops if s in analysis.places]
        i = 0
        for p in places:
            if i < len(stops) and _within(p, stops[i]) <= float(stops[i]["within_km"]):
                i += 1
        if i == len(stops):
            return True
    return False
