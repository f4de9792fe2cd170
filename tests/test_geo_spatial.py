"""Relative locations ("à environ 700 km à l'est de Moscou") checked against coordinates."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from veille.geo.spatial import bearing_deg, find_stated_offsets, haversine_km, parse_number
from veille.model import Analysis

Geoparse = Callable[..., Analysis]


def test_haversine_paris_london() -> None:
    assert haversine_km(48.8566, 2.3522, 51.5074, -0.1278) == pytest.approx(344, abs=3)


def test_bearing_due_east_on_the_equator() -> None:
    assert bearing_deg(0, 0, 0, 10) == pytest.approx(90)


def test_numbers_with_thousands_separators() -> None:
    assert parse_number("1 200") == 1200 and parse_number("1,200") == 1200 and parse_number("2,5") == 2.5


def test_stated_offset_in_miles() -> None:
    (s,) = find_stated_offsets("a town some 60 miles north-west of Kyiv")
    assert s.distance_km == pytest.approx(96.6, abs=0.1) and s.bearing == 315 and s.approximate


def test_consistent_relative_location(geoparse: Geoparse) -> None:
    a = geoparse("L'usine est à Kazan, à environ 720 kilomètres à l'est de Moscou.", "fr")
    (rel,) = a.relative_locations
    assert a.places[rel.anchor].name == "Moscow" and a.places[rel.target or ""].name == "Kazan"
    assert rel.consistent is True and rel.computed_km == pytest.approx(720, abs=40)


def test_inconsistent_relative_location_is_flagged(geoparse: Geoparse) -> None:
    a = geoparse("The plant is in Kazan, about 300 km west of Moscow.", "en")
    (rel,) = a.relative_locations
    assert rel.consistent is False and rel.distance_km == 300


def test_distance_without_direction() -> None:
    (s,) = find_stated_offsets("le village, à 30 km de Kharkiv")
    assert s.distance_km == 30 and s.bearing is None and not s.approximate


def test_parenthesised_conversion_is_skipped() -> None:
    (s,) = find_stated_offsets("about 900 km (560 miles) east of Moscow")
    assert s.distance_km == 900 and s.bearing == 90


def test_distance_only_statement_is_checked(geoparse: Geoparse) -> None:
    a = geoparse("Les combats ont eu lieu à Kazan, à 100 km de Moscou.", "fr")
    (rel,) = a.relative_locations
    assert rel.bearing is None and rel.consistent is False
