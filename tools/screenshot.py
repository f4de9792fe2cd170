"""Screenshots of dashboard pages for the docs, over the data `make run` shows.

    python tools/screenshot.py docs/img/overview.png='/?window=all' [more FILE=PATH ...]

Ingests samples/corpus and ../shared/seeds (when present) into a new database with the
`veille` CLI, serves it with `veille serve`, and saves each page at 1400×1000 in Debian's
Chromium driven by Playwright (it never downloads a browser). Nothing outside 127.0.0.1
is fetched: the page's requests to any other host are refused, and counted as a failure.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
VIEWPORT = {"width": 1400, "height": 1000}


def veille(db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "veille", "--db", str(db), *args]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(port: int, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit(f"veille serve did not answer on port {port}")


def shoot(base: str, shots: list[tuple[Path, str]]) -> None:
    outside: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        page = browser.new_page(viewport=VIEWPORT)
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else (outside.append(r.request.url), r.abort()))  # fmt: skip
        for out, path in shots:
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out))
            print(f"{out}: {base}{path}")
        browser.close()
    if outside:
        raise SystemExit(f"the pages asked for outside resources: {outside}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("shots", nargs="+", metavar="FILE=PATH", help="where to save the page at PATH")
    shots = [(Path(f), p) for f, _, p in (s.partition("=") for s in parser.parse_args().shots)]
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "veille.db"
        sources = [
            str(ROOT / "samples" / "corpus"),
            *map(str, sorted((ROOT.parent / "shared" / "seeds").glob("*.txt"))),
        ]
        subprocess.run(veille(db, "ingest", *sources), check=True, cwd=ROOT)
        port = free_port()
        server = subprocess.Popen(veille(db, "serve", "--port", str(port)), cwd=ROOT)
        try:
            wait_for(port)
            shoot(f"http://127.0.0.1:{port}", shots)
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
