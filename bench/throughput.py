"""Ingest + NLP throughput against a bare spaCy ``nlp.pipe`` floor.

    python bench/throughput.py [--articles 2000]

Generates a corpus of N distinct articles from the sample corpus (bench/corpus.py),
runs the full ``veille ingest`` path on it (read, clean, language ID, dedup,
spaCy, extractors, SQLite writes), then a bare ``nlp.pipe`` over the same texts
with the same pipelines, and prints articles/s, words/s and the ratio.
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
from veille.ingest.runner import Ingestor
from veille.nlp.models import pipeline_for
from veille.store.database import Store


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    args = parser.parse_args()
    settings = load_settings()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        write_corpus(folder, args.articles)
        store = Store(f"sqlite:///{Path(tmp) / 'bench.db'}")
        ingestor = Ingestor(settings, store)
        # Load models and matchers before timing, as a long-running ingest has them loaded.
        ingestor.pipeline.warm_up([*settings.models, "de"])
        started, cpu = time.perf_counter(), time.process_time()
        report = ingestor.ingest([str(folder)])
        full, full_cpu = time.perf_counter() - started, time.process_time() - cpu
        rows = store.articles(limit=args.articles + 10)
        texts_by_lang: dict[str, list[str]] = {}
        for row in rows:
            art = store.article(row["id"])
            assert art is not None
            texts_by_lang.setdefault(art["language"] or "xx", []).append(art["text"])
        started, cpu = time.perf_counter(), time.process_time()
        for lang, texts in texts_by_lang.items():
            for _ in pipeline_for(lang, settings.models).pipe(texts, batch_size=settings.batch_size):
                pass
        bare, bare_cpu = time.perf_counter() - started, time.process_time() - cpu
    n, words = report.ingested, report.words
    print(
        f"corpus: {args.articles} files, {n} articles ingested, {report.duplicates} duplicates, "
        f"{len(report.failed)} failed, {words} words, languages {sorted(texts_by_lang)}"
    )
    print(f"veille ingest+NLP : {n / full:8.1f} articles/s {words / full:10.0f} words/s ({full:.1f}s)")
    print(f"bare spaCy pipe   : {n / bare:8.1f} articles/s {words / bare:10.0f} words/s ({bare:.1f}s)")
    print(f"ratio veille/bare time: {full / bare:.2f}x")
    # CPU seconds do not depend on what else runs on the machine: the figures for a quiet core.
    print(
        f"per CPU-second    : veille {n / full_cpu:.1f} articles, bare spaCy {n / bare_cpu:.1f} articles; "
        f"ratio veille/bare CPU {full_cpu / bare_cpu:.2f}x"
    )
    print(
        f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB; load average {os.getloadavg()[0]:.1f}"
    )
    print(f"command: python bench/throughput.py --articles {args.articles}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
