"""Run the `veille` command line as a user does: a subprocess on one store, from the checkout."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_veille(*args: str, db: Path | str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "veille", "--db", str(db), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
    )
