"""Distances, bearings and checkable relative locations ("700 km east of Moscow")."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bearing_deg(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Initial bearing from point 1 to point 2, degrees clockwise from north in [0, 360)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    x = math.sin(dl) * math.cos(p2)
    y = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return (math.degrees(math.atan2(x, y)) + 360) % 360


def angle_between(a: float, b: float) -> float:
    """Smallest difference between two bearings, in degrees."""
    d = abs(a - b) % 360
    return min(d, 360 - d)


# Compass words in French and English -> bearing in degrees.
DIRECTIONS: dict[str, float] = {
    "nord": 0,
    "north": 0,
    "nord-est": 45,
    "northeast": 45,
    "north-east": 45,
    "est": 90,
    "east": 90,
    "sud-est": 135,
    "southeast": 135,
    "south-east": 135,
    "sud": 180,
    "south": 180,
    "sud-ouest": 225,
    "southwest": 225,
    "south-west": 225,
    "ouest": 270,
    "west": 270,
    "nord-ouest": 315,
    "northwest": 315,
    "north-west": 315,
}
UNITS_KM: dict[str, float] = {
    "km": 1.0,
    "kilomètres": 1.0,
    "kilometres": 1.0,
    "kilometers": 1.0,
    "kilomètre": 1.0,
    "kilometre": 1.0,
    "kilometer": 1.0,
    "miles": 1.609344,
    "mile": 1.609344,
    "milles": 1.609344,
    "mi": 1.609344,
}
_DIR = "|".join(sorted((re.escape(d) for d in DIRECTIONS), key=len, reverse=True))
_UNIT = "|".join(sorted((re.escape(u) for u in UNITS_KM), key=len, reverse=True))
# "(à) environ 700 kilomètres à l'est de", "about 700 km (435 miles) east of",
# "à 30 km de", "some 40 miles from": the direction is optional.
RELATIVE_PATTERN = re.compile(
    rf"(?P<approx>environ|près de|quelque|à peu près|about|around|some|roughly|nearly|approximately|almost)?\s*"
    rf"(?P<value>\d{{1,3}}(?:[  ,.]\d{{3}})*(?:[.,]\d+)?)\s*(?P<unit>{_UNIT})\b(?:\s*\([^)]{{0,30}}\))?\s+"
    rf"(?:(?:au\s+|à\s+l['’]\s*|à\s+|to\s+the\s+)?(?P<dir>{_DIR})\s+(?:de\s+la|de\s+l['’]|du|des|de|d['’]|of)"
    rf"|(?:de\s+la|de\s+l['’]|du|des|de|d['’]|from))\s*",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class StatedOffset:
    start: int
    end: int  # where the anchor name should begin
    distance_km: float
    bearing: float | None
    approximate: bool


def parse_number(text: str) -> float:
    """ "1 200", "1,200" and "1.200" are thousands; "2,5" and "2.5" are decimals."""
    t = text.replace(" ", " ").strip()
    m = re.fullmatch(r"(\d{1,3})(?:[ ,.](\d{3}))+", t)
    if m:
        return float(re.sub(r"[ ,.]", "", t))
    return float(t.replace(",", "."))


def find_stated_offsets(text: str) -> list[StatedOffset]:
    """Every "N km <direction> of" phrase in ``text``; ``end`` is where the anchor is expected."""
    out = []
    for m in RELATIVE_PATTERN.finditer(text):
        unit = UNITS_KM[m.group("unit").lower()]
        start = m.start("approx") if m.group("approx") else m.start("value")
        out.append(
            StatedOffset(
                start=start,
                end=m.end(),
                distance_km=parse_number(m.group("value")) * unit,
                bearing=DIRECTIONS[m.group("dir").lower()] if m.group("dir") else None,
                approximate=bool(m.group("approx")),
            )
        )
    return out


def check_consistency(
    stated_km: float,
    stated_bearing: float | None,
    computed_km: float,
    computed_bearing: float,
    approximate: bool,
) -> bool:
    """Distance within 25% (15% when stated exactly) or 50 km, direction within 45 degrees.

    The margins absorb gazetteer points that stand for whole areas (a zone, a sea).
    """
    tolerance = max(50.0, stated_km * (0.25 if approximate else 0.15))
    if abs(computed_km - stated_km) > tolerance:
        return False
    return stated_bearing is None or angle_between(stated_bearing, computed_bearing) <= 45
