"""Toponym resolution: pick one gazetteer place for each name in an article.

A candidate's score adds four signals:
- prior: how likely a name means this place out of context (population, feature:
  countries and capitals first, curated features treated like notable towns);
- country context: the candidate lies in a country the article names;
- proximity: the candidate is close to the places other names resolve to;
- exact name: the name is the place's own name rather than an alternate.
Proximity needs the other names resolved first, so resolution runs twice.

A name the gazetteer does not know ("Dubai World Cup", "University of California")
falls back to the longest known place name inside it, strong places first.
"""

from __future__ import annotations

import math
import re
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
    # A region and a town of one name (New York, Kiev, Odessa, Washington): news means the town
    # more often.
    "A.ADM1": -0.5,
}
# Features too wide for their point to say where the article is.
AREA_FEATURES = ("A.PCL", "L.CONT", "L.RGN", "H.OCN", "H.SEA", "H.GULF")
# Regions lend their point as context ("Parkland" near "Florida") but take no proximity
# bonus themselves: nearness to a region's middle says little about which region is meant.
NO_PROXIMITY_FEATURES = (*AREA_FEATURES, "A.ADM1")
COUNTRY_BONUS = 2.5
PROXIMITY_BONUS = 3.0
PROXIMITY_SCALE_KM = 400.0
EXACT_NAME_BONUS = 1.0
# A first-level region's towns lie within this distance of its middle point.
REGION_RADIUS_KM = 900.0


STRONG_POPULATION = 100_000
_WORD = re.compile(r"[^\W_]+")
# Words that name a kind of feature, not a place: a sub-name made only of them is no
# place name ("Island" in "Fire Island" is not Iceland's "Ísland").
FEATURE_WORDS = frozenset(
    [
        "island",
        "islands",
        "lake",
        "river",
        "mount",
        "mountain",
        "mountains",
        "bay",
        "sea",
        "ocean",
        "coast",
        "beach",
        "valley",
        "county",
        "state",
        "city",
        "town",
        "village",
        "square",
        "street",
        "park",
        "church",
        "cathedral",
        "basilica",
        "university",
        "college",
        "school",
        "airport",
        "station",
        "port",
        "harbour",
        "harbor",
        "bridge",
    ]
)


def is_strong(place: Place) -> bool:
    """A place a name means even without NER's say-so: countries, regions, seas, curated sites, big cities."""
    feature = place.feature or ""
    if feature.startswith(("A.PCL", "L.", "H.", "S.")) or feature in {"A.ADM1", "P.PPLC"}:
        return True
    return (place.population or 0) >= STRONG_POPULATION


def contained_toponym(
    name: str, gazetteer: Gazetteer, demonyms: bool = False
) -> tuple[str, tuple[Place, ...]] | None:
    """The place name inside a longer name the gazetteer lacks, with its candidates.

    "Dubai World Cup" -> "Dubai", "University of California" -> "California",
    "Lake Manassas" -> "Manassas". Sub-names must start and end on a capitalised word.
    A name with a strong candidate (country, region, big city) wins over one without;
    then the longer one, then the first.
    """
    words = list(_WORD.finditer(name))
    best: tuple[tuple[bool, int, int], str, tuple[Place, ...]] | None = None
    for size in range(len(words) - 1, 0, -1):
        for i in range(len(words) - size + 1):
            first, last = words[i], words[i + size - 1]
            if not (first.group()[0].isupper() and last.group()[0].isupper()):
                continue
            text = name[first.start() : last.end()]
            if all(w.group().lower() in FEATURE_WORDS for w in words[i : i + size]):
                continue
            found = gazetteer.candidates(text, demonyms)
            if not found:
                continue
            rank = (any(is_strong(p) for p in found), size, -i)
            if best is None or rank > best[0]:
                best = (rank, text, found)
    return (best[1], best[2]) if best else None


def is_area(place: Place) -> bool:
    return (place.feature or "").startswith(AREA_FEATURES)


def own_name_keys(place: Place) -> set[str]:
    """The place's own name, also without a trailing "City" ("New York City" is "New York")."""
    key = name_key(place.name)
    return {key, key.removesuffix(" city")}


def prior(place: Place) -> float:
    """Out-of-context likelihood: log population plus a bonus by feature."""
    feature = place.feature or ""
    bonus = FEATURE_BONUS.get(feature, 0.0)
    if feature.startswith("A.PCL") and feature not in FEATURE_BONUS:
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
    if ctx.points and not (place.feature or "").startswith(NO_PROXIMITY_FEATURES):
        nearest = min(haversine_km(place.lat, place.lon, lat, lon) for lat, lon in ctx.points)
        s += PROXIMITY_BONUS * math.exp(-nearest / PROXIMITY_SCALE_KM)
    if name_key(surface) in own_name_keys(place):
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


def inside(candidates: Sequence[Place], container: Place | None) -> Sequence[Place]:
    """Candidates that can lie in ``container`` ("Paris, Texas"); all of them if none can."""
    if (
        container is None
        or not (container.feature or "").startswith(("A.PCL", "A.ADM1"))
        or not container.country
    ):
        return candidates
    kept = [
        c
        for c in candidates
        if c.id != container.id
        and c.country == container.country
        and (
            container.feature != "A.ADM1"
            or haversine_km(c.lat, c.lon, container.lat, container.lon) <= REGION_RADIUS_KM
        )
    ]
    return kept or candidates


def resolve_toponyms(
    surfaces: Sequence[str],
    gazetteer: Gazetteer,
    countries: Iterable[str] = (),
    qualified_by: Sequence[int | None] | None = None,
    demonyms: bool = False,
) -> list[Place | None]:
    """One place (or None) per surface name, using the whole list as context.

    ``qualified_by[i] = j`` says name i is qualified by name j ("Paris, Texas"): name i
    must then lie in the region or country j resolves to.
    """
    candidates: list[Sequence[Place]] = [gazetteer.candidates(s, demonyms) for s in surfaces]
    # Unknown names are scored as the place name they contain.
    surfaces = list(surfaces)
    for i, cands in enumerate(candidates):
        inner = None if cands else contained_toponym(surfaces[i], gazetteer, demonyms)
        if inner:
            surfaces[i], candidates[i] = inner
    extra = tuple(countries)
    # Pass 1: priors and the countries the article names unambiguously.
    unambiguous = [c[0] if len(c) == 1 else None for c in candidates]
    ctx = Context(countries=context_countries(unambiguous, extra))
    first = [best(c, s, ctx) for c, s in zip(candidates, surfaces, strict=True)]
    if qualified_by:
        candidates = [
            inside(c, first[j]) if j is not None else c for c, j in zip(candidates, qualified_by, strict=True)
        ]
        first = [best(c, s, ctx) for c, s in zip(candidates, surfaces, strict=True)]
    # Pass 2: add the countries of the other names' pass-1 choices, and proximity to their places.
    # The context only depends on the name (its key) and its candidates, so it is built once
    # per distinct name from the distinct choices of the other names: a long article that
    # repeats its names costs linear time, not a scan of every name for every name.
    keys = [name_key(s) for s in surfaces]
    chosen_by_key: dict[str, dict[str, Place]] = {}
    for key, p in zip(keys, first, strict=True):
        if p is not None:
            chosen_by_key.setdefault(key, {})[p.id] = p
    memo: dict[tuple[str, tuple[str, ...]], Place | None] = {}
    resolved: list[Place | None] = []
    for key, cands, surface in zip(keys, candidates, surfaces, strict=True):
        if len(cands) <= 1:
            resolved.append(cands[0] if cands else None)
            continue
        seen = (key, tuple(p.id for p in cands))
        if seen not in memo:
            others = [p for k, places in chosen_by_key.items() if k != key for p in places.values()]
            ctx = Context(
                countries=context_countries(others, extra) | {p.country for p in others if p.country},
                points=tuple(dict.fromkeys((p.lat, p.lon) for p in others if not is_area(p))),
            )
            memo[seen] = best(cands, surface, ctx)
        resolved.append(memo[seen])
    return resolved
