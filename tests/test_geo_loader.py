"""Loading a user's GeoNames dump: a few rows in the real file formats."""

from __future__ import annotations

from pathlib import Path

from veille.geo.gazetteer import Gazetteer
from veille.geo.geonames_loader import build_from_dump


def _row(
    gid: int, name: str, lat: float, lon: float, fclass: str, fcode: str, cc: str, pop: int, alt: str = ""
) -> str:
    ascii_name = name.encode("ascii", "ignore").decode()
    cols = [
        str(gid),
        name,
        ascii_name,
        alt,
        str(lat),
        str(lon),
        fclass,
        fcode,
        cc,
        "",
        "01",
        "",
        "",
        "",
        str(pop),
    ]
    cols += ["", "100", "Europe/Paris", "2024-01-01"]
    return "\t".join(cols) + "\n"


def _dump(tmp_path: Path) -> tuple[Path, Path]:
    geonames = tmp_path / "cities500.txt"
    geonames.write_text(
        _row(1001, "Valbourg", 45.5, 4.5, "P", "PPL", "FR", 12000, "Val-Bourg,Valburgo")
        + _row(1002, "Lac Vert", 45.6, 4.6, "H", "LK", "FR", 0)
        + _row(1003, "Route 9", 45.7, 4.7, "R", "RD", "FR", 0),
        encoding="utf-8",
    )
    alternates = tmp_path / "alternateNamesV2.txt"
    alternates.write_text(
        "1\t1001\tde\tWalburg\t\t\t\t\t\t\n"
        "2\t1001\tlink\thttps://example.org/Valbourg\t\t\t\t\t\t\n"
        "3\t9999\ten\tNowhere Town\t\t\t\t\t\t\n"
        "4\t1001\ten\tOld Valbourg\t\t\t\t1\t\t\n",
        encoding="utf-8",
    )
    return geonames, alternates


def test_dump_rows_become_places_with_geonames_ids(tmp_path: Path) -> None:
    geonames, alternates = _dump(tmp_path)
    gaz = Gazetteer(build_from_dump(tmp_path / "g.sqlite", [geonames], alternates))
    (place,) = gaz.candidates("Valburgo")
    assert (place.id, place.geonames_id, place.feature, place.population) == (
        "geonames:1001",
        1001,
        "P.PPL",
        12000,
    )


def test_alternate_names_file_adds_names(tmp_path: Path) -> None:
    geonames, alternates = _dump(tmp_path)
    gaz = Gazetteer(build_from_dump(tmp_path / "g.sqlite", [geonames], alternates))
    assert [p.id for p in gaz.candidates("Walburg")] == ["geonames:1001"]


def test_links_historic_names_and_unknown_places_are_skipped(tmp_path: Path) -> None:
    geonames, alternates = _dump(tmp_path)
    gaz = Gazetteer(build_from_dump(tmp_path / "g.sqlite", [geonames], alternates))
    assert gaz.candidates("https://example.org/Valbourg") == ()
    assert gaz.candidates("Nowhere Town") == ()
    assert gaz.candidates("Old Valbourg") == ()


def test_feature_classes_outside_the_news_are_skipped(tmp_path: Path) -> None:
    geonames, alternates = _dump(tmp_path)
    gaz = Gazetteer(build_from_dump(tmp_path / "g.sqlite", [geonames], alternates))
    assert gaz.candidates("Route 9") == ()
    assert gaz.candidates("Lac Vert")[0].feature == "H.LK"


def test_dump_over_the_embedded_gazetteer_keeps_curated_features(tmp_path: Path) -> None:
    geonames, alternates = _dump(tmp_path)
    gaz = Gazetteer(build_from_dump(tmp_path / "g.sqlite", [geonames], alternates, embedded_cities=15000))
    assert [p.id for p in gaz.candidates("Walburg")] == ["geonames:1001"]
    assert [p.feature for p in gaz.candidates("mer Caspienne")] == ["H.SEA"]


def test_loader_command_refuses_a_missing_file(tmp_path: Path) -> None:
    import pytest

    from veille.geo.geonames_loader import main

    with pytest.raises(SystemExit):
        main([str(tmp_path / "g.sqlite"), str(tmp_path / "allCountries.txt")])
    assert not (tmp_path / "g.sqlite").exists()
