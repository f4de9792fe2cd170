"""The embedded gazetteer: names in several languages, curated features, safe builds."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from veille.geo.embedded_sources import area_point
from veille.geo.gazetteer import Gazetteer, build_atomically, name_key
from veille.geo.spatial import haversine_km


def test_name_key_ignores_accents_case_and_hyphens() -> None:
    assert name_key("Primorsko-Akhtarsk") == name_key("primorsko akhtarsk")
    assert name_key("Téhéran") == "teheran"


def test_french_exonym_finds_the_city(geo_gazetteer: Gazetteer) -> None:
    ids = {p.id for p in geo_gazetteer.candidates("Moscou")}
    assert "geonames:524901" in ids


def test_country_names_come_in_several_languages(geo_gazetteer: Gazetteer) -> None:
    for name in ("Allemagne", "Germany", "Deutschland"):
        countries = [p for p in geo_gazetteer.candidates(name) if p.feature == "A.PCLI"]
        assert [p.country for p in countries] == ["DE"], name


def test_curated_sea_has_its_french_name(geo_gazetteer: Gazetteer) -> None:
    (sea,) = geo_gazetteer.candidates("mer Caspienne")
    assert sea.feature == "H.SEA"
    assert 36 < sea.lat < 47 and 46 < sea.lon < 55


def test_country_lookup_by_iso_code(geo_gazetteer: Gazetteer) -> None:
    iran = geo_gazetteer.country("ir")
    assert iran is not None and iran.name == "Iran"


def test_a_failed_build_leaves_no_file(tmp_path: Path) -> None:
    target = tmp_path / "g.sqlite"

    def broken(conn: sqlite3.Connection) -> None:
        raise RuntimeError("source missing")

    with pytest.raises(RuntimeError):
        build_atomically(target, broken)
    assert list(tmp_path.iterdir()) == []


def test_existing_build_is_reused(geo_gazetteer: Gazetteer) -> None:
    from veille.geo.embedded_sources import ensure_embedded_gazetteer

    before = geo_gazetteer.path.stat().st_mtime_ns
    ensure_embedded_gazetteer(geo_gazetteer.path, 15000)
    assert geo_gazetteer.path.stat().st_mtime_ns == before


def test_a_file_that_is_not_a_gazetteer_is_refused_clearly(tmp_path: Path) -> None:
    from veille.errors import ConfigError

    other = tmp_path / "notes.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE notes (x)").connection.close()
    with pytest.raises(ConfigError, match="not a veille gazetteer"):
        Gazetteer(other)


def test_country_points_are_near_geonames_points(geo_gazetteer: Gazetteer) -> None:
    # GeoNames' representative points: Russia 60N 100E, the United States 39.76N 98.5W,
    # the Philippines 13N 122E.
    for code, lat, lon in (("RU", 60.0, 100.0), ("US", 39.76, -98.5), ("PH", 13.0, 122.0)):
        place = geo_gazetteer.country(code)
        assert place is not None
        assert haversine_km(place.lat, place.lon, lat, lon) < 50, code


def test_a_region_point_lies_near_its_geographic_centre(geo_gazetteer: Gazetteer) -> None:
    # Virginia's geographic centre is near 37.5N 78.9W; the middle of its extent is pulled
    # west by the long south-western tail.
    (virginia,) = [p for p in geo_gazetteer.candidates("Virginia") if p.feature == "A.ADM1"]
    assert haversine_km(virginia.lat, virginia.lon, 37.5, -78.85) < 100


def test_arabic_article_can_be_left_out(geo_gazetteer: Gazetteer) -> None:
    cands = geo_gazetteer.candidates("Qamishli")
    assert any(p.country == "SY" for p in cands)


def test_us_counties_and_airports_are_known(geo_gazetteer: Gazetteer) -> None:
    counties = geo_gazetteer.candidates("Morris County")
    assert {p.feature for p in counties} == {"A.ADM2"} and any(39 < p.lat < 42 for p in counties)
    (airport,) = geo_gazetteer.candidates("Dulles International Airport")
    assert airport.feature == "S.AIRP" and haversine_km(airport.lat, airport.lon, 38.95, -77.46) < 5


def test_a_generic_airport_name_is_no_alias(geo_gazetteer: Gazetteer) -> None:
    assert not geo_gazetteer.candidates("International Airport")


def test_convex_hull_point_across_the_antimeridian() -> None:
    lat, lon = area_point([(50.0, 179.0), (52.0, -179.0), (54.0, 179.5), (51.0, -178.0)])
    assert 50 < lat < 54 and (lon > 178 or lon < -177)


def test_counties_and_parishes_by_their_full_names(geo_gazetteer: Gazetteer) -> None:
    (parish,) = geo_gazetteer.candidates("Rapides Parish")
    assert parish.feature == "A.ADM2" and parish.country == "US" and parish.geonames_id == 4338356
    assert haversine_km(parish.lat, parish.lon, 31.2, -92.5) < 60  # central Louisiana, placed by its towns
    (county,) = geo_gazetteer.candidates("Wilkin County")
    assert county.feature == "A.ADM2" and haversine_km(county.lat, county.lon, 46.4, -96.5) < 60
    # The bare form names a person or a town far more often than the parish.
    assert not [p for p in geo_gazetteer.candidates("Rapides") if p.feature == "A.ADM2"]


def test_subdivisions_worldwide_carry_geonames_ids(geo_gazetteer: Gazetteer) -> None:
    kent = [p for p in geo_gazetteer.candidates("Kent") if p.country == "GB"]
    assert [p.feature for p in kent] == ["A.ADM2"] and kent[0].geonames_id
    (bavaria,) = [p for p in geo_gazetteer.candidates("Bavaria") if p.feature == "A.ADM1"]
    assert bavaria.country == "DE" and bavaria.geonames_id == 2951839


def test_towns_know_their_state(geo_gazetteer: Gazetteer) -> None:
    (texas,) = [p for p in geo_gazetteer.candidates("Texas") if p.feature == "A.ADM1"]
    houston = next(p for p in geo_gazetteer.candidates("Houston") if p.country == "US")
    assert geo_gazetteer.admin_of(houston.id)[0] == texas.id


def test_state_codes_match_only_in_capitals(geo_gazetteer: Gazetteer) -> None:
    assert [p.name for p in geo_gazetteer.candidates("CT")] == ["Connecticut"]
    assert [p.name for p in geo_gazetteer.candidates("NSW")] == ["New South Wales"]
    assert not [p for p in geo_gazetteer.candidates("ct") if p.name == "Connecticut"]


def test_holy_see_is_the_vatican(geo_gazetteer: Gazetteer) -> None:
    assert [p.country for p in geo_gazetteer.candidates("Holy See")] == ["VA"]
