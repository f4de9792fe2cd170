"""The vendored basemap and the script that builds it from world-atlas's TopoJSON."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("build_basemap", ROOT / "tools" / "build_basemap.py")
assert spec and spec.loader
build_basemap = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build_basemap)


def test_topojson_arcs_decode_and_join() -> None:
    topo = {
        "transform": {"scale": [1.0, 1.0], "translate": [10.0, 20.0]},
        # arc 0: (0,0)->(2,0)->(2,2) delta-encoded; arc 1: (2,2)->(0,0)
        "arcs": [[[0, 0], [2, 0], [0, 2]], [[2, 2], [-2, -2]]],
        "objects": {"countries": {"geometries": [
            {"type": "Polygon", "arcs": [[0, 1]], "properties": {"name": "Square-ish"}},
            {"type": "MultiPolygon", "arcs": [[[~1, ~0]]], "properties": {"name": "Reversed"}},
        ]}},
    }  # fmt: skip
    shapes = build_basemap.countries(topo)
    assert shapes[0] == {"name": "Square-ish", "rings": [[(10, 20), (12, 20), (12, 22), (10, 20)]]}
    assert shapes[1]["rings"][0] == [(10, 20), (12, 22), (12, 20), (10, 20)]


def test_vendored_basemap_is_the_world() -> None:
    world = json.loads(
        (ROOT / "src" / "veille" / "web" / "static" / "world-110m.json").read_text(encoding="utf-8")
    )
    names = {c["name"] for c in world}
    assert len(world) == 177 and {"Russia", "Iran", "Ukraine", "France"} <= names
    for country in world:
        for ring in country["rings"]:
            assert all(-180 <= lon <= 180 and -90 <= lat <= 90 for lon, lat in ring)


def test_vendored_scripts_are_the_ones_their_license_names() -> None:
    """d3-force and its three dependencies, unmodified npm builds, each with its checksum noted."""
    vendor = ROOT / "src" / "veille" / "web" / "static" / "vendor"
    notes = (vendor / "LICENSE-d3.txt").read_text(encoding="utf-8")
    scripts = sorted(vendor.glob("*.js"))
    assert [s.name for s in scripts] == [f"d3-{n}.min.js" for n in ("dispatch", "force", "quadtree", "timer")]
    noted = dict(re.findall(r"(\S+\.min\.js)\s+sha256 ([0-9a-f]{64})", notes))
    assert noted == {s.name: hashlib.sha256(s.read_bytes()).hexdigest() for s in scripts}
    assert "Permission to use, copy, modify, and/or distribute this software" in notes
