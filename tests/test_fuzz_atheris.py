"""The atheris fuzzer (fuzz/fuzz_ingest.py) runs clean for a bounded number of inputs.

A short coverage-guided run from the seed inputs in fuzz/seeds; longer runs are for
people hunting bugs (``python fuzz/fuzz_ingest.py all -max_total_time=600 CORPUS``).
libFuzzer stops at the first finding and writes the input to a crash-* file.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HARNESS = ROOT / "fuzz" / "fuzz_ingest.py"

pytest.importorskip("atheris", reason="atheris has wheels for x86_64 Linux only")


@pytest.mark.slow
def test_fuzzing_the_readers_finds_nothing(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "fuzz" / "seeds", corpus)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    run = subprocess.run(
        [
            sys.executable,
            str(HARNESS),
            "all",
            "-runs=20000",
            "-max_len=4096",
            "-timeout=30",
            # libFuzzer's RSS is the process's peak, which Linux carries over from the parent
            # across fork and exec: this pytest's own (models loaded) counts. 2 GB over it.
            f"-rss_limit_mb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024 + 2048}",
            "-seed=1",
            str(corpus),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    crashes = sorted(p.name for p in tmp_path.glob("crash-*"))
    assert run.returncode == 0 and not crashes, run.stderr[-3000:]
    assert "Done 20000 runs" in run.stderr


def test_an_unknown_target_is_a_usage_error() -> None:
    run = subprocess.run(
        [sys.executable, str(HARNESS), "nope"],
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode != 0 and "usage:" in run.stderr
