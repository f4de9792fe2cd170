"""Toponym resolution: pick one gazetteer place for each name in an article.

A candidate's score adds four signals:
- prior: how likely a name means this place out of context (population, feature:
  countries and capitals first, curated features treated like notable towns);
- country context: the candidate lies in a country the article names;
- proximity: the candidate is close to the places other names resolve to;
- exact name: the name is the place's own name rather than an alternate.
Proximity needs the other names resolved first, so resolution runs twice.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from veille.geo.gazetteer import Gazetteer, name_key
from veille.geo.spatial import haversine_km
from veille.model import Place

FEATURE_BONUS: dict[str, float] = {
    "A.PCLI": 3.0,
    "L.CONT": 2.5,
    "H.OCN": 2.5,
    "H.SEA": 2.0,
    "P.PPLC": 1.5,
    "A.ADM1": 0.8,
}
# Features too wide for their point to say where the article is.
AREA_FEATURES = ("A.PCL", "L.CONT", "H.OCN", "H.SEA", "H.GULF")
COUNTRY_BONUS = 1.5
PROXIMITY_BONUS = 2.0
PROXIMITY_SCALE_KM = 400.0
EXACT_NAME_BONUS = 0.3


def is_area(place: Place) -> bool:
    return (place.feature or "").startswith(AREA_FEATURES)


def prior(place: Place) -> float:
    """Out-of-context likelihood: log population plus a bonus by feature."""
    feature = place.feature or ""
    bonus = FEATURE_BONUS.get(feature, 0.0)
    if not bonus and feature.startswith("A.PCL"):
        bonus = FEATURE_BONUS["A.PCLI"]
    return math.log10((place.population or 0) + 10) + bonus


@dataclass
class Context:
    """What the rest of the article says about where it happens."""

    countries: frozenset[str] = frozenset()
    points: tuple[tuple[float, float], ...] = ()


def score(place: Place, surface: str, ctx: Context) -> float:
    s = prior(place)
    if place.country and place.country in ctx.countries:
        s += COUNTRY_BONUS
    if ctx.points and not is_area(place):
        nearest = min(haversine_km(place.lat, place.lon, lat, lon) for lat, lon in ctx.points)
        s += PROXIMITY_BONUS * math.exp(-nearest / PROXIMITY_SCALE_KM)
    if name_key(place.name) == name_key(surface):
        s += EXACT_NAME_BONUS
    return s


def best(candidates: Sequence[Place], surface: str, ctx: Context) -> Place | None:
    if not candidates:
        return None
    return max(candidates, key=lambda p: (score(p, surface, ctx), -len(p.id), p.id))


def context_countries(places: Iterable[Place | None], extra: Iterable[str] = ()) -> frozenset[str]:
    """Countries the article names outright, plus countries named by other means (entity links)."""
    codes = {
        p.country for p in places if p is not None and p.country and (p.feature or "").startswith("A.PCL")
    }
    return frozenset(codes | {c.upper() for c in extra if c})


def resolve_toponyms(
    surfaces: Sequence[str], gazetteer: Gazetteer, countries: Iterable[str] = ()
) -> list[Place | None]:
    """One place (or None) per surface name, using the whole list as context."""
    candidates = [gazetteer.candidates(s) for s in surfaces]
    extra = tuple(countries)
    # Pass 1: priors and the countries the article names unambiguously.
    unambiguous = [c[0] if len(c) == 1 else None for c in candidates]
    ctx = Context(countries=context_countries(unambiguous, extra))
    first = [best(c, s, ctx) for c, s in zip(candidates, surfaces, strict=True)]
    # Pass 2: add the countries of pass-1 choices and proximity to the other names' places.
    ctx_countries = context_countries(first, extra) | {p.country for p in first if p and p.country}
    resolved: list[Place | None] = []
    for i, (cands, surface) in enumerate(zip(candidates, surfaces, strict=True)):
        if len(cands) <= 1:
            resolved.append(cands[0] if cands else None)
            continue
        key = name_key(surface)
        points = tuple(
            (p.lat, p.lon)
            for j, p in enumerate(first)
            if p is not None and j != i and name_key(surfaces[j]) != key and not is_area(p)
        )
        resolved.append(best(cands, surface, Context(countries=frozenset(ctx_countries), points=points)))
    return resolved
