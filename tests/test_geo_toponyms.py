"""Toponym ranking: population and feature first, then the article's countries and places."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from veille.geo.gazetteer import Gazetteer, PlaceRecord, build_atomically, insert_records, record_max_words
from veille.geo.toponyms import resolve_toponyms
from veille.model import Place


def _place(
    pid: str, name: str, lat: float, lon: float, cc: str, pop: int, feature: str = "P.PPL"
) -> PlaceRecord:
    return PlaceRecord(Place(pid, name, lat, lon, cc, feature, None, pop))


@pytest.fixture(scope="module")
def small_gazetteer(tmp_path_factory: pytest.TempPathFactory) -> Gazetteer:
    # Invented places, so the ranking rules are tested apart from real data.
    records = [
        _place("t:big-north", "Lindor", 60.0, 10.0, "NO", 500_000),
        _place("t:small-south", "Lindor", 10.0, 10.0, "NG", 5_000),
        _place("t:nigeria", "Nigeria", 9.0, 8.0, "NG", 200_000_000, "A.PCLI"),
        _place("t:town-near-south", "Kessa", 10.5, 10.5, "CM", 20_000),
    ]

    def fill(conn: sqlite3.Connection) -> None:
        insert_records(conn, records)
        record_max_words(conn)

    path: Path = tmp_path_factory.mktemp("small") / "g.sqlite"
    return Gazetteer(build_atomically(path, fill))


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
