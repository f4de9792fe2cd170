"""How fast is an entity page on a big store? p50/max of the page and its JSON twins.

    python bench/entity_pages.py [--articles 200000] [--db PATH] [--rounds 5]

The store is filled as ``store_scale.py`` fills it (synthetic analysed articles: 6 mentions
of 2,000 Zipf-distributed entities each), plus one claim per article, made by its first
entity about its second, so the claim lists have rows to find. Each URL is asked ``--rounds``
times through the app (FastAPI's test client, no network), for the most mentioned entity and
for one of the rarely mentioned ones. An existing ``--db`` is topped up, not refilled.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from store_scale import FILL_BATCH, Filler  # bench/ is on sys.path when this script runs
from veille.config import load_settings, with_values
from veille.model import Analysis, Claim, fact_id
from veille.store.database import Store
from veille.web.app import create_app


def with_claim(analysis: Analysis) -> Analysis:
    """The filler article with a claim: its first entity says its first sentence about its second."""
    first, second = analysis.mentions[0], analysis.mentions[1]
    s = analysis.sentences[0]
    text = analysis.article.text
    analysis.claims.append(
        Claim(fact_id(analysis.article.id, "claim", s.start), analysis.article.id, first.entity_id, "filler",
              "said", text[s.start : s.end], s.start, s.end, 0, "statement", "bench.filler", [second.entity_id])
    )  # fmt: skip
    return analysis


def fill(store: Store, until: int) -> float:
    started, filler = time.perf_counter(), Filler()
    have = store.counts()["articles"]
    while have < until:
        have += store.write([with_claim(filler.analysis()) for _ in range(min(FILL_BATCH, until - have))])
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200_000)
    parser.add_argument("--db", default="", help="SQLite file to fill or reuse (default: a temporary one)")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.db or Path(tmp) / "entities.db")
        store = Store(f"sqlite:///{path}")
        print(f"filled to {args.articles} articles in {fill(store, args.articles):.0f} s", flush=True)
        settings = with_values(load_settings(), store={"url": f"sqlite:///{path}"})
        client = TestClient(create_app(settings, store), client=("127.0.0.1", 40000))
        ranked = client.get("/api/entities", params={"limit": 1000}).json()["items"]
        for who, entity in (("most mentioned", ranked[0]), ("rarely mentioned", ranked[-1])):
            print(f"{who}: {entity['id']} ({entity['mentions']} mentions)")
            base = f"/entities/{entity['id']}"
            api = f"/api/entities/{entity['id']}"
            for url in (
                base,
                api,
                f"{api}/claims?role=by",
                f"{api}/claims?role=about",
                f"{api}/events?role=actor",
            ):
                times = []
                for _ in range(args.rounds):
                    started = time.perf_counter()
                    assert client.get(url).status_code == 200, url
                    times.append((time.perf_counter() - started) * 1000)
                print(f"  {url}: p50 {statistics.median(times):.0f} ms, max {max(times):.0f} ms", flush=True)
        store.close()
    print(f"command: python bench/entity_pages.py --articles {args.articles}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
