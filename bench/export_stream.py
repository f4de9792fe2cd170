"""The JSON export of a big store: size, seconds, time to the first bytes, peak memory.

    PYTHONPATH=src python bench/export_stream.py [--articles 20000] [--db PATH]

Builds (or reuses, with ``--db``) a store of synthetic articles as bench/load.py does, then
writes the export to /dev/null the way ``GET /api/export`` sends it. Run it with an older
``src/`` on PYTHONPATH to compare: where ``iter_export_json`` is missing it times
``build_export`` + ``json.dumps``, which is what the API did before it streamed.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

import veille.export as exporter
from load import fill  # bench/ is on sys.path when this script runs
from veille.store.database import Store


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--db", default=None, help="SQLite file to build or reuse [default: a temporary one]")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{args.db or Path(tmp) / 'export.db'}")
        fill(store, args.articles)
        articles = store.counts()["articles"]
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        first = None
        size = 0
        streamed = hasattr(exporter, "iter_export_json")
        if streamed:
            for piece in exporter.iter_export_json(store):
                first = first if first is not None else time.perf_counter() - started
                size += len(piece.encode("utf-8"))
        else:
            body = json.dumps(exporter.build_export(store), ensure_ascii=False, default=str).encode("utf-8")
            first, size = time.perf_counter() - started, len(body)
        seconds = time.perf_counter() - started
        grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
        store.close()
    print(
        f"{'streamed' if streamed else 'built whole'} export of {articles} articles: {size / 1e6:.1f} MB in "
        f"{seconds:.1f}s, first bytes after {first * 1000:.0f} ms, peak RSS +{grown:.0f} MB"
    )
    print(f"command: python bench/export_stream.py --articles {args.articles}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
