"""The embedded gazetteer: names in several languages, curated features, safe builds."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from veille.geo.gazetteer import Gazetteer, build_atomically, name_key


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
