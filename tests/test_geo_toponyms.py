"""Toponym ranking: population and feature first, then the article's countries and places."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from veille.geo.gazetteer import Gazetteer, PlaceRecord, build_atomically, insert_records, record_max_words
from veille.geo.spatial import haversine_km
from veille.geo.toponyms import resolve_toponyms
from veille.model import Place


def _place(
    pid: str, name: str, lat: float, lon: float, cc: str, pop: int, feature: str = "P.PPL"
) -> PlaceRecord:
    return PlaceRecord(Place(pid, name, lat, lon, cc, feature, None, pop))


def _gazetteer(folder: Path, records: list[PlaceRecord]) -> Gazetteer:
    """A gazetteer of exactly these invented places."""

    def fill(conn: sqlite3.Connection) -> None:
        insert_records(conn, records)
        record_max_words(conn)

    return Gazetteer(build_atomically(folder / "g.sqlite", fill))


@pytest.fixture(scope="module")
def small_gazetteer(tmp_path_factory: pytest.TempPathFactory) -> Gazetteer:
    # Invented places, so the ranking rules are tested apart from real data.
    records = [
        _place("t:big-north", "Lindor", 60.0, 10.0, "NO", 500_000),
        _place("t:small-south", "Lindor", 10.0, 10.0, "NG", 5_000),
        _place("t:nigeria", "Nigeria", 9.0, 8.0, "NG", 200_000_000, "A.PCLI"),
        _place("t:town-near-south", "Kessa", 10.5, 10.5, "CM", 20_000),
    ]
    return _gazetteer(tmp_path_factory.mktemp("small"), records)


def test_population_decides_without_context(small_gazetteer: Gazetteer) -> None:
    (place,) = resolve_toponyms(["Lindor"], small_gazetteer)
    assert place is not None and place.id == "t:big-north"


def test_a_country_named_in_the_article_wins(small_gazetteer: Gazetteer) -> None:
    place, _ = resolve_toponyms(["Lindor", "Nigeria"], small_gazetteer)
    assert place is not None and place.id == "t:small-south"


def test_a_nearby_place_in_the_article_wins(small_gazetteer: Gazetteer) -> None:
    place, _ = resolve_toponyms(["Lindor", "Kessa"], small_gazetteer)
    assert place is not None and place.id == "t:small-south"


def test_unknown_name_resolves_to_none(small_gazetteer: Gazetteer) -> None:
    assert resolve_toponyms(["Atlantis"], small_gazetteer) == [None]


def test_name_qualified_by_a_state_lies_in_it(geo_gazetteer: Gazetteer) -> None:
    paris, _ = resolve_toponyms(["Paris", "Texas"], geo_gazetteer, qualified_by=[1, None])
    assert paris is not None and paris.country == "US"


def test_unqualified_name_keeps_its_famous_meaning(geo_gazetteer: Gazetteer) -> None:
    (paris,) = resolve_toponyms(["Paris"], geo_gazetteer)
    assert paris is not None and paris.country == "FR"


# -- names the gazetteer lacks: the place name inside them ---------------------------------


@pytest.fixture(scope="module")
def contained_gazetteer(tmp_path_factory: pytest.TempPathFactory) -> Gazetteer:
    records = [
        _place("t:varo", "Varo", 40.0, 20.0, "XA", 2_000_000),
        _place("t:varo-region", "Varo Valley", 41.0, 21.0, "XA", 3_000_000, "A.ADM1"),
        _place("t:pell", "Pell", 45.0, 25.0, "XB", 8_000),
        _place("t:isla", "Island", 64.0, -18.0, "XC", 300_000, "A.PCLI"),
        _place("t:brova", "Brova", 45.5, 25.5, "XB", 20_000),
        _place("t:far", "Tollen", -30.0, 140.0, "XD", 20_000),
        _place("t:hatch", "Hatch", 45.2, 25.2, "XB", 3_000),
        _place("t:west", "West", 10.0, 10.0, "XE", 2_000_000, "A.ADM1"),
    ]
    return _gazetteer(tmp_path_factory.mktemp("contained"), records)


def test_an_event_named_after_a_city_resolves_to_the_city(contained_gazetteer: Gazetteer) -> None:
    (place,) = resolve_toponyms(["Varo Grand Prix"], contained_gazetteer)
    assert place is not None and place.id == "t:varo"


def test_the_longest_known_name_inside_wins(contained_gazetteer: Gazetteer) -> None:
    (place,) = resolve_toponyms(["University of the Varo Valley"], contained_gazetteer)
    assert place is not None and place.id == "t:varo-region"


def test_a_strong_place_inside_wins_over_a_small_town(contained_gazetteer: Gazetteer) -> None:
    (place,) = resolve_toponyms(["Pell-Varo Metro"], contained_gazetteer)
    assert place is not None and place.id == "t:varo"


def test_a_small_town_inside_is_used_when_a_nearby_place_backs_it(contained_gazetteer: Gazetteer) -> None:
    place, _ = resolve_toponyms(["Lake Pell", "Brova"], contained_gazetteer)
    assert place is not None and place.id == "t:pell"


def test_a_small_town_inside_far_from_the_article_is_dropped(contained_gazetteer: Gazetteer) -> None:
    # Nothing within FALLBACK_KM and no country named: the fallback cannot jump continents.
    assert resolve_toponyms(["Lake Pell", "Tollen"], contained_gazetteer)[0] is None
    assert resolve_toponyms(["Lake Pell"], contained_gazetteer) == [None]


def test_a_small_town_is_no_tail_of_another_name(contained_gazetteer: Gazetteer) -> None:
    # "Brands Hatch", "Trump Tower": after an ordinary word the town's name is part of another name.
    assert resolve_toponyms(["Brands Hatch", "Brova"], contained_gazetteer)[0] is None
    place, _ = resolve_toponyms(["Lake Hatch", "Brova"], contained_gazetteer)
    assert place is not None and place.id == "t:hatch"


def test_compass_words_alone_are_not_place_names(contained_gazetteer: Gazetteer) -> None:
    # A region called "West" exists, but "West Wing" and "South Kilburn Estate" do not name it.
    assert resolve_toponyms(["West Wing"], contained_gazetteer) == [None]


def test_feature_words_alone_are_not_place_names(contained_gazetteer: Gazetteer) -> None:
    # "Island" is a country's name here, but in "Fire Island" it only says what the place is.
    assert resolve_toponyms(["Fire Island"], contained_gazetteer) == [None]


def test_lowercase_words_inside_are_not_place_names(contained_gazetteer: Gazetteer) -> None:
    assert resolve_toponyms(["the varo thing"], contained_gazetteer) == [None]


# -- the embedded gazetteer -----------------------------------------------------------------


def test_state_abbreviation_with_its_period_is_the_state(geo_gazetteer: Gazetteer) -> None:
    town, state = resolve_toponyms(["Richmond", "Va."], geo_gazetteer, qualified_by=[1, None])
    assert state is not None and state.name == "Virginia" and state.feature == "A.ADM1"
    assert town is not None and town.country == "US" and haversine_km(town.lat, town.lon, 37.55, -77.46) < 20


def test_state_abbreviation_without_its_period_is_not_a_place(geo_gazetteer: Gazetteer) -> None:
    assert resolve_toponyms(["Va"], geo_gazetteer) == [None]


def test_institution_named_after_a_state_resolves_to_the_state(geo_gazetteer: Gazetteer) -> None:
    (place,) = resolve_toponyms(["University of Nebraska"], geo_gazetteer)
    assert place is not None and place.name == "Nebraska"


# -- the joint choice: regions, containment, alternate names ------------------------------------


@pytest.fixture(scope="module")
def admin_gazetteer(tmp_path_factory: pytest.TempPathFactory) -> Gazetteer:
    """Two invented states, each with a town called Ardo; the southern state holds Brill."""
    records = [
        _place("t:north-state", "Nordia", 50.0, 0.0, "XA", 9_000_000, "A.ADM1"),
        _place("t:south-state", "Sudia", 30.0, 0.0, "XA", 3_000_000, "A.ADM1"),
        _place("t:ardo-north", "Ardo", 50.5, 0.5, "XA", 120_000),
        _place("t:ardo-south", "Ardo", 30.5, 0.5, "XA", 20_000),
        _place("t:brill", "Brill", 32.0, 2.5, "XA", 4_000),
        _place("t:capital", "Capita", 40.0, 10.0, "XA", 700_000, "P.PPLC"),
        # A state that shares its name with the capital, and holds Brill's neighbour Kell.
        _place("t:capita-state", "Capita", 31.0, 3.0, "XA", 6_000_000, "A.ADM1"),
        _place("t:kell", "Kell", 31.2, 3.1, "XA", 3_000),
        # A town known under the old name of another.
        _place("t:pelton", "Pelton", 20.0, 20.0, "XB", 2_000),
        PlaceRecord(
            Place("t:old-pelton", "Marsk", 60.0, 60.0, "XC", "P.PPL", None, 9_000), [("Pelton", None)]
        ),
    ]

    def fill(conn: sqlite3.Connection) -> None:
        insert_records(conn, records)
        conn.executemany(
            "INSERT INTO parents VALUES (?,?,?)",
            [
                ("t:ardo-north", "t:north-state", None),
                ("t:ardo-south", "t:south-state", None),
                ("t:brill", "t:south-state", None),
                ("t:kell", "t:capita-state", None),
            ],
        )
        record_max_words(conn)

    return Gazetteer(build_atomically(tmp_path_factory.mktemp("admin") / "g.sqlite", fill))


def test_a_town_in_the_state_the_article_names_wins(admin_gazetteer: Gazetteer) -> None:
    (alone,) = resolve_toponyms(["Ardo"], admin_gazetteer)
    assert alone is not None and alone.id == "t:ardo-north"
    ardo, _ = resolve_toponyms(["Ardo", "Sudia"], admin_gazetteer)
    assert ardo is not None and ardo.id == "t:ardo-south"


def test_a_nearby_small_town_turns_the_choice(admin_gazetteer: Gazetteer) -> None:
    # Gainesville with Whitesboro: the small town 200 km away settles which Ardo.
    ardo, _ = resolve_toponyms(["Ardo", "Brill"], admin_gazetteer)
    assert ardo is not None and ardo.id == "t:ardo-south"


def test_a_qualifier_keeps_the_towns_the_state_holds(admin_gazetteer: Gazetteer) -> None:
    ardo, _ = resolve_toponyms(["Ardo", "Sudia"], admin_gazetteer, qualified_by=[1, None])
    assert ardo is not None and ardo.id == "t:ardo-south"


def test_a_state_that_holds_the_other_places_wins_over_a_namesake_city(admin_gazetteer: Gazetteer) -> None:
    (alone,) = resolve_toponyms(["Capita"], admin_gazetteer)
    assert alone is not None and alone.id == "t:capital"
    capita, _ = resolve_toponyms(["Capita", "Kell"], admin_gazetteer)
    assert capita is not None and capita.id == "t:capita-state"


def test_an_alternate_name_gives_way_to_the_town_that_bears_it(admin_gazetteer: Gazetteer) -> None:
    # Marsk is bigger, but "Pelton" is only an old name of it; the town called Pelton wins.
    (place,) = resolve_toponyms(["Pelton"], admin_gazetteer)
    assert place is not None and place.id == "t:pelton"
