"""bench/eval_geo.py on a tiny invented set: no division by zero when no toponym has an id."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from veille.geo.gazetteer import Gazetteer

ROOT = Path(__file__).resolve().parents[1]

XML = """<articles><article><text>Ferries left Tallinn for Helsinki at dawn.</text><toponyms>
<toponym><start>13</start><end>20</end><type>Literal</type><latitude>59.44</latitude>
<longitude>24.75</longitude></toponym></toponyms></article></articles>"""


def _run(tmp_path: Path, gazetteer: Gazetteer, *extra: str) -> str:
    data = tmp_path / "set.xml"
    data.write_text(XML, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "eval_geo.py"), "--data", str(data)]
        + ["--gazetteer", str(gazetteer.path), *extra],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
        check=True,
    )
    return done.stdout


def test_no_gold_with_a_geonames_id_is_no_crash(tmp_path: Path, geo_gazetteer: Gazetteer) -> None:
    out = _run(tmp_path, geo_gazetteer)
    assert "no gold toponym to score" in out
    assert "end to end: 1 documents scored, 0 gold toponyms" in out
    assert "P = 0.000, R = 0.000, F1 = 0.000" in out


def test_all_scores_toponyms_with_coordinates(tmp_path: Path, geo_gazetteer: Gazetteer) -> None:
    out = _run(tmp_path, geo_gazetteer, "--all")
    assert "given gold spans: 1 toponyms, acc@161km = 1.000" in out
    assert "(exact spans): P = 0.500, R = 1.000" in out  # Helsinki is not in this gold
