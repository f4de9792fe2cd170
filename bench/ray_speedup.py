"""``--engine ray`` against the local engine on the same corpus: articles/s and speed-up.

    python bench/ray_speedup.py [--articles 600] [--workers 2]

Both engines ingest the same N distinct articles (bench/corpus.py) into fresh SQLite files.
The local engine runs with its models loaded (as in a long ingest); the Ray run is timed
from the call, so it includes starting the actor pool and loading one spaCy pipeline per
worker: the cost a real ``veille ingest --engine ray`` pays once per window. Starting Ray
itself is not timed (a cluster is already running). Prints the load average too: on a
shared machine other processes take cores from both runs.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from corpus import write_corpus  # bench/ is on sys.path when this script runs
from veille.config import load_settings
from veille.ingest.distributed import RayIngestor, RayOptions, start_ray
from veille.ingest.runner import Ingestor
from veille.store.database import Store


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=600)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    settings = load_settings()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        write_corpus(folder, args.articles)

        local_store = Store(f"sqlite:///{Path(tmp) / 'local.db'}")
        ingestor = Ingestor(settings, local_store)
        ingestor.pipeline.warm_up([*settings.models, "de"])
        started = time.perf_counter()
        local = ingestor.ingest([str(folder)])
        local_s = time.perf_counter() - started

        options = RayOptions(max(args.articles, 1), settings.ray.object_store_mb, workers=args.workers)
        start_ray(options)
        ray_store = Store(f"sqlite:///{Path(tmp) / 'ray.db'}")
        started = time.perf_counter()
        distributed = RayIngestor(settings, ray_store, options).ingest([str(folder)])
        ray_s = time.perf_counter() - started
        same = local_store.counts() == ray_store.counts()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"corpus: {args.articles} files; {local.ingested} articles; cpus {os.cpu_count()}; load average {load}"
    )
    print(f"local engine      : {local.ingested / local_s:7.1f} articles/s ({local_s:.1f}s)")
    print(
        f"ray, {args.workers} workers    : {distributed.ingested / ray_s:7.1f} articles/s ({ray_s:.1f}s, "
        "actor start and model loads included)"
    )
    print(f"speed-up ray/local: {local_s / ray_s:.2f}x; same store contents: {same}")
    print(f"driver peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    print(f"command: python bench/ray_speedup.py --articles {args.articles} --workers {args.workers}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
