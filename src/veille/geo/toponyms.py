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
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

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


# Words that only say where within something ("West" in "West Wing", "South" in "South
# Kilburn Estate"): a sub-name made only of them (and feature words) is no place name.
COMPASS_WORDS = frozenset(
    [
        "north",
        "south",
        "east",
        "west",
        "northern",
        "southern",
        "eastern",
        "western",
        "central",
        "centre",
        "center",
        "middle",
        "upper",
        "lower",
        "northeast",
        "northwest",
        "southeast",
        "southwest",
    ]
)
# Words after which a place name starts inside a longer name: "University of X", "Lake X",
# "South X". After any other word a small town's name is the tail of another name
# ("Brands Hatch", "Trump Tower"), not a place the name contains.
LEADS_TO_PLACE = (
    frozenset(["of", "the", "de", "du", "des", "di", "da", "del", "la", "le"]) | FEATURE_WORDS | COMPASS_WORDS
)
# A place found inside a longer name, or by an alternate name, must lie this close to the
# article's other places (or in a country it names) unless it is a strong place.
FALLBACK_KM = 500.0
# The candidate lies in a first-level region the article names ("Gainesville" with "Texas").
REGION_BONUS = 1.0
# A first-level region that holds the article's other places (its point says little).
HOLDS_BONUS = 1.5
# Rounds of the joint choice: each name is chosen again given the others' last choices.
ROUNDS = 3


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
    "Lake Manassas" -> "Manassas". Sub-names must start and end on a capitalised word and
    hold a word that is neither a feature nor a compass word ("West Wing" holds no place).
    A small town's name counts only at the start or after "of", a feature or a compass
    word ("Brands Hatch" is not Hatch). A name with a strong candidate (country, region,
    big city) wins over one without; then the longer one, then the first.
    """
    words = list(_WORD.finditer(name))
    best: tuple[tuple[bool, int, int], str, tuple[Place, ...]] | None = None
    for size in range(len(words) - 1, 0, -1):
        for i in range(len(words) - size + 1):
            first, last = words[i], words[i + size - 1]
            if not (first.group()[0].isupper() and last.group()[0].isupper()):
                continue
            text = name[first.start() : last.end()]
            if all(w.group().lower() in FEATURE_WORDS | COMPASS_WORDS for w in words[i : i + size]):
                continue
            found = gazetteer.candidates(text, demonyms)
            if i > 0 and words[i - 1].group().lower() not in LEADS_TO_PLACE:
                found = tuple(p for p in found if is_strong(p))
            if not found:
                continue
            rank = (any(is_strong(p) for p in found), size, -i)
            if best is None or rank > best[0]:
                best = (rank, text, found)
    return (best[1], best[2]) if best else None


def is_area(place: Place) -> bool:
    return (place.feature or "").startswith(AREA_FEATURES)


def own_name_keys(place: Place) -> frozenset[str]:
    """The place's own name, also without a trailing "City" ("New York City" is "New York")."""
    return _own_keys(place.name)


@lru_cache(maxsize=65_536)
def _own_keys(name: str) -> frozenset[str]:
    key = name_key(name)
    return frozenset({key, key.removesuffix(" city")})


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
    # First-level regions the article names, and those that hold its other places.
    regions: frozenset[str] = frozenset()
    holders: frozenset[str] = frozenset()
    # Countries that hold the article's other places.
    held_countries: frozenset[str] = frozenset()


def score(place: Place, surface: str, ctx: Context, admin1: str | None = None) -> float:
    feature = place.feature or ""
    context = 0.0
    if place.country and place.country in ctx.countries:
        context += COUNTRY_BONUS
    if admin1 is not None and admin1 in ctx.regions:
        context += REGION_BONUS
    if feature.startswith("A.PCL"):
        # A country or a region is near the article's places when it holds them.
        if place.country in ctx.held_countries:
            context += PROXIMITY_BONUS
    elif feature == "A.ADM1":
        if place.id in ctx.holders:
            context += HOLDS_BONUS
    elif ctx.points and not feature.startswith(NO_PROXIMITY_FEATURES):
        nearest = min(haversine_km(place.lat, place.lon, lat, lon) for lat, lon in ctx.points)
        context += PROXIMITY_BONUS * math.exp(-nearest / PROXIMITY_SCALE_KM)
    s = prior(place) + context
    if name_key(surface) in own_name_keys(place):
        s += EXACT_NAME_BONUS
    return s


def best(
    candidates: Sequence[Place], surface: str, ctx: Context, gazetteer: Gazetteer | None = None
) -> Place | None:
    if not candidates:
        return None

    def key(p: Place) -> tuple[float, int, str]:
        admin1 = gazetteer.admin_of(p.id)[0] if gazetteer is not None and ctx.regions else None
        return (score(p, surface, ctx, admin1), -len(p.id), p.id)

    return max(candidates, key=key)


def context_countries(places: Iterable[Place | None], extra: Iterable[str] = ()) -> frozenset[str]:
    """Countries the article names outright, plus countries named by other means (entity links)."""
    codes = {
        p.country for p in places if p is not None and p.country and (p.feature or "").startswith("A.PCL")
    }
    return frozenset(codes | {c.upper() for c in extra if c})


def inside(
    candidates: Sequence[Place], container: Place | None, gazetteer: Gazetteer | None = None
) -> Sequence[Place]:
    """Candidates that can lie in ``container`` ("Paris, Texas"); all of them if none can.

    A region holds the towns the gazetteer files under it; a town it knows nothing about
    must lie within REGION_RADIUS_KM of the region's point.
    """
    feature = (container.feature or "") if container is not None else ""
    if container is None or not feature.startswith(("A.PCL", "A.ADM1", "A.ADM2")) or not container.country:
        return candidates
    level = 0 if feature == "A.ADM1" else 1

    def holds(c: Place) -> bool:
        if c.id == container.id or c.country != container.country:
            return False
        if feature.startswith("A.PCL"):
            return True
        parent = gazetteer.admin_of(c.id)[level] if gazetteer is not None else None
        if parent is not None:
            return parent == container.id
        return (
            feature == "A.ADM1"
            and haversine_km(c.lat, c.lon, container.lat, container.lon) <= REGION_RADIUS_KM
        )

    kept = [c for c in candidates if holds(c)]
    return kept or candidates


def article_context(others: Sequence[Place], extra: Iterable[str], gazetteer: Gazetteer) -> Context:
    """Context for a name from the other names' current choices."""
    located = [p for p in others if not is_area(p)]
    return Context(
        countries=context_countries(others, extra) | {p.country for p in others if p.country},
        # Regions lend their name, not their point: REGION_BONUS for the towns they hold.
        points=tuple({(p.lat, p.lon) for p in located if p.feature != "A.ADM1"}),
        regions=frozenset(p.id for p in others if p.feature == "A.ADM1"),
        holders=frozenset(a for p in located if (a := gazetteer.admin_of(p.id)[0]) is not None),
        held_countries=frozenset(p.country for p in located if p.country),
    )


def supported(place: Place, ctx: Context, named: frozenset[str]) -> bool:
    """A strong place, or one in a country the article names or near its other places."""
    if is_strong(place) or (place.country and place.country in named):
        return True
    return any(haversine_km(place.lat, place.lon, lat, lon) <= FALLBACK_KM for lat, lon in ctx.points)


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

    The choice is joint: names with one candidate (and the countries named) come first,
    then each name is chosen again given the other names' choices, for a few rounds.
    A place found only inside a longer name, or only by an alternate name while another
    place bears the name itself, must be strong or near the article's other places.
    """
    candidates: list[Sequence[Place]] = [gazetteer.candidates(s, demonyms) for s in surfaces]
    # Unknown names are scored as the place name they contain.
    surfaces = list(surfaces)
    fallback = [False] * len(surfaces)
    for i, cands in enumerate(candidates):
        inner = None if cands else contained_toponym(surfaces[i], gazetteer, demonyms)
        if inner:
            surfaces[i], candidates[i] = inner
            fallback[i] = True
    for i, cands in enumerate(candidates):
        # An old or foreign name of a small town gives way to the places that bear the name.
        key = name_key(surfaces[i])
        if any(key in own_name_keys(p) for p in cands):
            candidates[i] = tuple(p for p in cands if key in own_name_keys(p) or is_strong(p))
    extra = tuple(countries)
    # Pass 1: priors and the countries the article names unambiguously.
    unambiguous = [c[0] if len(c) == 1 else None for c in candidates]
    named = context_countries(unambiguous, extra)
    ctx = Context(countries=named)
    first = [best(c, s, ctx) for c, s in zip(candidates, surfaces, strict=True)]
    if qualified_by:
        candidates = [
            inside(c, first[j], gazetteer) if j is not None else c
            for c, j in zip(candidates, qualified_by, strict=True)
        ]
        first = [best(c, s, ctx) for c, s in zip(candidates, surfaces, strict=True)]
    # Occurrences of one name share their context: the other names' choices.
    by_key: dict[str, list[int]] = defaultdict(list)
    for i, surface in enumerate(surfaces):
        by_key[name_key(surface)].append(i)
    resolved = list(first)
    contexts: dict[str, Context] = {}

    def distinct(idx: list[int]) -> dict[str, Place]:
        return {p.id: p for i in idx if (p := resolved[i]) is not None}

    # Each name's context is built from the distinct choices of the other names: a long
    # article that repeats its names costs time in its distinct names, not its occurrences.
    chosen_by_key = {key: distinct(idx) for key, idx in by_key.items()}
    for _ in range(ROUNDS):
        changed = False
        # Each name sees the others' latest choices (not the last round's), so two names
        # that pull each other settle together.
        for key, idx in by_key.items():
            if all(len(candidates[i]) <= 1 for i in idx) and key in contexts:
                continue
            others = [p for k, places in chosen_by_key.items() if k != key for p in places.values()]
            contexts[key] = ctx = article_context(others, extra, gazetteer)
            for i in idx:
                if len(candidates[i]) <= 1:
                    continue
                choice = best(candidates[i], surfaces[i], ctx, gazetteer)
                changed = changed or choice != resolved[i]
                resolved[i] = choice
            chosen_by_key[key] = distinct(idx)
        if not changed:
            break
    named = context_countries(resolved, extra)
    for i, place in enumerate(resolved):
        ctx = contexts.get(name_key(surfaces[i])) or Context()
        if place is not None and fallback[i] and not supported(place, ctx, named):
            resolved[i] = None
    return resolved
