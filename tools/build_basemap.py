"""Build the dashboard's offline world basemap from the npm package ``world-atlas``.

    python tools/build_basemap.py            # runs `npm pack world-atlas@2.0.2` in a temp dir
    python tools/build_basemap.py DIR        # or reads DIR/countries-110m.json (an unpacked package)

Writes ``src/veille/web/static/world-110m.json``: a list of countries, each
``{"name": ..., "rings": [[[lon, lat], ...], ...]}``, coordinates rounded to 0.01°.
The dashboard draws it as SVG in an equirectangular projection; no tile server,
nothing fetched at run time.

Data: Natural Earth 1:110m (public domain), as TopoJSON by world-atlas
(ISC licence, Copyright 2013-2019 Michael Bostock). See static/BASEMAP-LICENSE.txt.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

PACKAGE = "world-atlas@2.0.2"
OUT = Path(__file__).resolve().parents[1] / "src" / "veille" / "web" / "static" / "world-110m.json"


def decode_arcs(topo: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """TopoJSON arcs (quantised, delta-encoded) -> lists of (lon, lat)."""
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((round(x * sx + tx, 2), round(y * sy + ty, 2)))
        arcs.append(points)
    return arcs


def ring(indices: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    """Join arcs into one ring; a negative index ~i means arc i reversed."""
    points: list[tuple[float, float]] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc[1:] if points else arc)  # consecutive arcs share an end point
    return points


def countries(topo: dict[str, Any]) -> list[dict[str, Any]]:
    arcs = decode_arcs(topo)
    out = []
    for geom in topo["objects"]["countries"]["geometries"]:
        polygons = geom.get("arcs") or []
        if geom["type"] == "Polygon":
            polygons = [polygons]
        rings = [ring(r, arcs) for poly in polygons for r in poly]
        out.append({"name": geom.get("properties", {}).get("name", ""), "rings": rings})
    return out


def package_dir(arg: str | None, tmp: Path) -> Path:
    if arg:
        return Path(arg)
    subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=tmp, check=True)
    tarball = next(tmp.glob("world-atlas-*.tgz"))
    with tarfile.open(tarball) as tar:
        tar.extractall(tmp, filter="data")
    return tmp / "package"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src = package_dir(sys.argv[1] if len(sys.argv) > 1 else None, Path(tmp))
        topo = json.loads((src / "countries-110m.json").read_text(encoding="utf-8"))
    data = countries(topo)
    OUT.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes, {len(data)} countries)")


if __name__ == "__main__":
    main()
