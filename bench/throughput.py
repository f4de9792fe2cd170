"""Ingest + NLP throughput against a bare spaCy ``nlp.pipe`` floor.

    python bench/throughput.py [--articles 2000] [--russian 300] [--embeddings off|inline|deferred|compare]

Generates a corpus of N distinct articles from the sample corpus (bench/corpus.py),
runs the full ``veille ingest`` path on it (read, clean, language ID, dedup,
spaCy, extractors, SQLite writes), then a bare ``nlp.pipe`` over the same texts
with the same pipelines, and prints articles/s, words/s and the ratio.

Russian separately (``--russian N``, 0 to skip): N distinct articles made the same way
from the Russian test article (tests/data) go through the same ingest path; the floor is
a bare natasha pass over the same texts (razdel, slovnet morphology, syntax and NER:
the models veille's ``ru`` pipeline wraps), and the wrapped pipeline's own
``nlp.pipe`` is shown between the two. slovnet runs on numpy: on a small or shared
machine OpenBLAS's threads spin and burn several times the CPU of the work itself, so
run it with ``OPENBLAS_NUM_THREADS=1`` for figures that compare.

``--embeddings`` (default ``off``: the FTS path alone, as before issue 12) runs the ingest
with the ``[embeddings]`` stage inline or deferred; ``compare`` runs all three on fresh
stores. Each prints the embedding cost per article, the time until every article was
stored (FTS-searchable) and until every vector was, and the ratios to the bare spaCy floor.
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
from veille.config import Settings, load_settings, with_values
from veille.ingest.runner import Ingestor
from veille.nlp.models import pipeline_for
from veille.store.database import Store

RUSSIAN_ARTICLE = Path(__file__).resolve().parents[1] / "samples" / "corpus" / "ru" / "drony-alabuga-ru.txt"


def russian_corpus(folder: Path, n: int) -> list[str]:
    """N distinct Russian articles from the team's Russian test article (paragraphs rotated, numbered)."""
    title, _, body = RUSSIAN_ARTICLE.read_text(encoding="utf-8").partition("\n\n")
    paragraphs = [p for p in body.split("\n\n") if p.strip()]
    folder.mkdir(parents=True, exist_ok=True)
    texts = []
    for i in range(n):
        k = i % len(paragraphs)
        text = f"{title} ({i})\n\nСообщение {i}.\n\n" + "\n\n".join(paragraphs[k:] + paragraphs[:k]) + "\n"
        (folder / f"ru-{i:06d}.txt").write_text(text, encoding="utf-8")
        texts.append(text)
    return texts


def natasha_floor(texts: list[str]) -> None:
    """natasha's own Doc pipeline over the texts: the models the ru pipeline wraps, nothing else."""
    from natasha import Doc, Segmenter

    from veille.nlp.russian import natasha_models

    models, segmenter = natasha_models(), Segmenter()
    for text in texts:
        doc = Doc(text)
        doc.segment(segmenter)
        doc.tag_morph(models.morph)
        doc.parse_syntax(models.syntax)
        doc.tag_ner(models.ner)


def russian(settings: Settings, n: int, rounds: int) -> None:
    """veille ingest, the ru pipeline alone and bare natasha, alternated ``rounds`` times; best of each."""
    best: dict[str, tuple[float, float]] = {}

    def keep(name: str, wall: float, cpu: float) -> None:
        old = best.get(name)
        best[name] = (min(wall, old[0]), min(cpu, old[1])) if old else (wall, cpu)

    with tempfile.TemporaryDirectory() as tmp:
        texts = russian_corpus(Path(tmp) / "ru", n)
        natasha_floor(texts[:2])  # models loaded, caches warm, before timing
        for r in range(rounds):
            store = Store(f"sqlite:///{Path(tmp) / f'ru{r}.db'}")
            ingestor = Ingestor(settings, store)
            ingestor.pipeline.warm_up(["ru"])
            started, cpu = time.perf_counter(), time.process_time()
            report = ingestor.ingest([str(Path(tmp) / "ru")])
            keep("veille", time.perf_counter() - started, time.process_time() - cpu)
            started, cpu = time.perf_counter(), time.process_time()
            for _ in pipeline_for("ru", settings.models).pipe(texts, batch_size=settings.pipeline.batch_size):
                pass
            keep("ru pipeline", time.perf_counter() - started, time.process_time() - cpu)
            started, cpu = time.perf_counter(), time.process_time()
            natasha_floor(texts)
            keep("natasha", time.perf_counter() - started, time.process_time() - cpu)
        stored = [store.article(row.id) for row in store.articles(limit=n + 10)]
        langs = sorted({(a or {}).get("language") or "xx" for a in stored})
    k, words = report.ingested, report.words
    print(f"\nRussian: {n} files, {k} articles ingested, {words} words, languages detected {langs}")
    print(
        f"best of {rounds} alternated rounds; BLAS threads: {os.environ.get('OPENBLAS_NUM_THREADS', 'default')}"
    )
    for name, label in [
        ("veille", "veille ingest+NLP (ru)"),
        ("ru pipeline", "ru spaCy pipeline pipe"),
        ("natasha", "bare natasha pass"),
    ]:
        wall, _cpu = best[name]
        print(f"{label:22}: {k / wall:7.1f} articles/s {words / wall:9.0f} words/s ({wall:.1f}s)")
    cpu = {name: c for name, (_w, c) in best.items()}
    print(
        f"per CPU-second (ru)   : veille {k / cpu['veille']:.1f}, ru pipeline {k / cpu['ru pipeline']:.1f}, "
        f"natasha {k / cpu['natasha']:.1f} articles; ratio veille/natasha CPU {cpu['veille'] / cpu['natasha']:.2f}x "
        f"(goal <= 2x), ru pipeline/natasha CPU {cpu['ru pipeline'] / cpu['natasha']:.2f}x"
    )


def _settings_with(settings: Settings, mode: str) -> Settings:
    return with_values(
        settings, embeddings={"enabled": mode != "off", "mode": mode if mode != "off" else "deferred"}
    )


def run_ingest(settings: Settings, folder: Path, db: Path, mode: str) -> dict[str, float]:
    """One timed ingest of ``folder`` into a new store; returns its figures."""
    store = Store(f"sqlite:///{db}")
    local = _settings_with(settings, mode)
    ingestor = Ingestor(local, store)
    # Load models and matchers before timing, as a long-running ingest has them loaded.
    ingestor.pipeline.warm_up([*settings.models, "de"])
    if ingestor.embedding is not None:
        ingestor.embedding.embedder.embed(["warm up"])
    stored_at: list[float] = []
    ingestor.after_write.append(lambda _batch: stored_at.append(time.perf_counter()))
    started, cpu = time.perf_counter(), time.process_time()
    report = ingestor.ingest([str(folder)])
    full, full_cpu = time.perf_counter() - started, time.process_time() - cpu
    stage = ingestor.embedding
    out = {
        "n": report.ingested,
        "words": report.words,
        "duplicates": report.duplicates,
        "failed": len(report.failed),
        "seconds": full,
        "cpu": full_cpu,
        "stored": (stored_at[-1] - started) if stored_at else full,  # last batch committed: FTS-searchable
        "embed_seconds": stage.seconds if stage else 0.0,
        "embedded": stage.embedded if stage else 0,
    }
    store.close()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--russian", type=int, default=100, help="Russian articles for the Russian section")
    parser.add_argument(
        "--rounds", type=int, default=2, help="alternated timing rounds of the Russian section"
    )
    parser.add_argument("--embeddings", choices=["off", "inline", "deferred", "compare"], default="off")
    args = parser.parse_args()
    settings = load_settings()
    modes = ["off", "inline", "deferred"] if args.embeddings == "compare" else [args.embeddings]
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        write_corpus(folder, args.articles)
        for mode in modes:
            results[mode] = run_ingest(settings, folder, Path(tmp) / f"bench-{mode}.db", mode)
        store = Store(f"sqlite:///{Path(tmp) / f'bench-{modes[0]}.db'}")
        rows = store.articles(limit=args.articles + 10)
        texts_by_lang: dict[str, list[str]] = {}
        for row in rows:
            art = store.article(row.id)
            assert art is not None
            texts_by_lang.setdefault(art["language"] or "xx", []).append(art["text"])
        store.close()
        started, cpu = time.perf_counter(), time.process_time()
        for lang, texts in texts_by_lang.items():
            for _ in pipeline_for(lang, settings.models).pipe(texts, batch_size=settings.pipeline.batch_size):
                pass
        bare, bare_cpu = time.perf_counter() - started, time.process_time() - cpu
    first = results[modes[0]]
    n, words = int(first["n"]), int(first["words"])
    print(
        f"corpus: {args.articles} files, {n} articles ingested, {int(first['duplicates'])} duplicates, "
        f"{int(first['failed'])} failed, {words} words, languages {sorted(texts_by_lang)}"
    )
    print(f"bare spaCy pipe   : {n / bare:8.1f} articles/s {words / bare:10.0f} words/s ({bare:.1f}s)")
    for mode, r in results.items():
        full, full_cpu = r["seconds"], r["cpu"]
        label = "veille ingest+NLP" if mode == "off" else f"embeddings {mode}"
        print(f"{label:18}: {n / full:8.1f} articles/s {words / full:10.0f} words/s ({full:.1f}s)")
        print(
            f"  ratio to bare time: {full / bare:.2f}x; per CPU-second {n / full_cpu:.1f} articles, ratio to bare CPU {full_cpu / bare_cpu:.2f}x"
        )
        if mode != "off":
            per = 1000 * r["embed_seconds"] / max(1, r["embedded"])
            print(
                f"  embedding: {per:.1f} ms/article ({int(r['embedded'])} embedded, wall time in the stage); "
                f"all stored (FTS-searchable) after {r['stored']:.1f}s = {r['stored'] / bare:.2f}x bare, "
                f"all vectors after {full:.1f}s"
            )
    if "off" in results:
        base = results["off"]["cpu"]
        for mode in ("inline", "deferred"):
            if mode in results:
                extra = 1000 * (results[mode]["cpu"] - base) / max(1, n)
                print(
                    f"embedding CPU cost ({mode}): {extra:.1f} ms/article over the FTS path's {1000 * base / max(1, n):.1f}"
                )
    # CPU seconds do not depend on what else runs on the machine: the figures for a quiet core.
    print(f"bare spaCy per CPU-second: {n / bare_cpu:.1f} articles")
    print(
        f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB; load average {os.getloadavg()[0]:.1f}"
    )
    if args.russian:
        russian(_settings_with(settings, "off"), args.russian, args.rounds)
    print(
        f"command: python bench/throughput.py --articles {args.articles} --russian {args.russian}"
        f" --rounds {args.rounds} --embeddings {args.embeddings}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
