"""Does ingest slow down as the store grows? Ingest ms/article at growing store sizes, search p50/p95.

    python bench/store_scale.py [--sizes 1000,20000,200000] [--probe 100] [--db URL]

Filling a store with 200k *analysed* articles would take hours on 2 cores, so the store is
filled with synthetic rows written straight through ``Store.write`` (articles of ~150 words
from a Zipf vocabulary, 5 sentences and 6 entity mentions each, FTS rows included), which
is what the store holds after real ingests. At each size a probe batch of real, never-seen
articles goes through the full ingest path (dedup lookup, spaCy, extractors, write), timed
as a whole and for its store part alone. At the largest size, ``--queries`` one- and two-word
searches give the search latency. Prints the figures and the command that reproduces them.

With ``--semantic`` (default on) every filler article also gets a vector in ``embeddings``:
random unit vectors of the configured model's size (exact search costs the same whatever
the values; embedding 200k articles would take hours here). At the largest size, English
queries go through the real model and ``SemanticSearch`` (query embedding, nearest rows,
one hit per article, language diversification, article fetch): p50/p95 per query, and the
one-off cost of loading the vector matrix. The probes ingest with embeddings off (the FTS
path, comparable with earlier runs).
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from corpus import sample_texts  # bench/ is on sys.path when this script runs
from veille.config import load_settings
from veille.embed.search import SemanticSearch
from veille.embed.service import embedder_for
from veille.ingest.runner import Ingestor
from veille.model import Analysis, Article, Entity, Mention, Place, PlaceMention, Sentence, article_id_for
from veille.overview import WINDOWS, OverviewQuery, build_overview
from veille.store.database import Store
from veille.store.vectors import PassageVector, write_vectors

FILL_BATCH = 500
ARTICLES_PER_DAY = 2000
FIRST_DAY = date(2026, 1, 1)


class Filler:
    """Synthetic stored articles: realistic row counts and vocabulary, no NLP."""

    def __init__(self, seed: int = 11) -> None:
        self.rng = random.Random(seed)
        syllables = ["ka", "ro", "mi", "te", "lu", "sa", "no", "vi", "de", "ra", "po", "li", "an", "or", "ex"]
        words = {
            "".join(self.rng.choice(syllables) for _ in range(self.rng.randint(2, 4))) for _ in range(30_000)
        }
        self.vocabulary = sorted(words)
        self.rng.shuffle(self.vocabulary)
        self.cum_weights = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(self.vocabulary))))
        kinds = ("organisation", "person", "country", "organisation")
        self.entities = [Entity(id=f"bench:e{i}", name=f"Entity {i}", kind=kinds[i % 4]) for i in range(2000)]
        self.places = [
            Place(f"bench:p{i}", f"Place {i}", (i * 7) % 140 - 70, (i * 13) % 360 - 180) for i in range(500)
        ]
        self.languages = ("en", "fr", "ru", "uk", "de", "ar")
        self.count = 0

    def analysis(self) -> Analysis:
        self.count += 1
        sentences, parts, offset = [], [], 0
        for index in range(5):
            words = self.rng.choices(self.vocabulary, cum_weights=self.cum_weights, k=30)  # Zipf
            sentence = " ".join(words).capitalize() + "."
            sentences.append((index, offset, offset + len(sentence)))
            parts.append(sentence)
            offset += len(sentence) + 1
        body = " ".join(parts) + f" Filler {self.count}."
        # ARTICLES_PER_DAY a day from FIRST_DAY, in six languages and 50 outlets: the overview's
        # windows and filters have realistic spreads to count (200k articles: 100 days).
        day = FIRST_DAY + timedelta(days=self.count // ARTICLES_PER_DAY)
        art = Article(
            id=article_id_for(body), text=body, title=f"Filler {self.count}",
            language=self.languages[self.count % len(self.languages)], published=day.isoformat(),
            source=f"outlet {self.count % 50}",
        )  # fmt: skip
        analysis = Analysis(article=art)
        analysis.sentences = [Sentence(art.id, i, s, e) for i, s, e in sentences]
        for k in range(6):
            entity = self.entities[int(self.rng.paretovariate(1.2)) % len(self.entities)]
            start = sentences[k % 5][1]
            analysis.entities[entity.id] = entity
            analysis.mentions.append(
                Mention(
                    article_id=art.id,
                    start=start,
                    end=start + 4,
                    text=body[start : start + 4],
                    label="ORG",
                    sentence=k % 5,
                    extractor="bench.filler",
                    entity_id=entity.id,
                )  # fmt: skip
            )
        place = self.places[int(self.rng.paretovariate(1.2)) % len(self.places)]
        analysis.places[place.id] = place
        analysis.place_mentions.append(
            PlaceMention(
                art.id,
                place.id,
                sentences[1][1],
                sentences[1][1] + 4,
                body[sentences[1][1] : sentences[1][1] + 4],
                1,
                "bench.filler",
            )
        )
        return analysis

    def fill(self, store: Store, until: int, vectors: tuple[str, str, int] | None = None) -> float:
        """Write synthetic articles (and random vectors: model, version, dim) until the store
        holds ``until``; returns seconds spent."""
        started = time.perf_counter()
        have = store.counts()["articles"]
        np_rng = np.random.default_rng(7)
        while have < until:
            batch = [self.analysis() for _ in range(min(FILL_BATCH, until - have))]
            have += store.write(batch)
            if vectors is not None:
                model, version, dim = vectors
                rows = np_rng.standard_normal((len(batch), dim)).astype(np.float32)
                rows /= np.linalg.norm(rows, axis=1, keepdims=True)
                write_vectors(
                    store,
                    model,
                    version,
                    [PassageVector(a.article.id, 0, 0, 200, v) for a, v in zip(batch, rows, strict=True)],
                )
        return time.perf_counter() - started


def probe_articles(n: int, round_: int) -> list[Article]:
    """Real article texts (the sample corpus), made distinct per probe round."""
    base = sample_texts()
    out = []
    for i in range(n):
        title, body = base[i % len(base)]
        paragraphs = [p for p in body.split("\n\n") if p.strip()]
        text = f"Dispatch {round_}-{i}.\n\n" + "\n\n".join(paragraphs[i % len(paragraphs) :] + paragraphs)
        out.append(Article(id=article_id_for(text), text=text, title=title, origin=f"probe-{round_}-{i}"))
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


SEMANTIC_QUERIES = [
    "Iranian drone factory in Russia",
    "nuclear power plant safety inspectors",
    "artillery shells shipped by rail",
    "gas pipeline deal",
    "election results and coalition talks",
    "flood damage after heavy rain",
    "central bank raises interest rates",
    "airline strike cancels flights",
]


def semantic_latency(settings: Any, store: Store, embedder: Any, n: int) -> None:
    """p50/p95 of semantic search at the store's size (the real model embeds each query)."""
    search = SemanticSearch(settings, store, embedder)
    embedder.embed(["warm up"], query=True)
    started = time.perf_counter()
    index = search.index()
    load_s = time.perf_counter() - started
    latencies, cpu = [], []
    for i in range(n):
        query = SEMANTIC_QUERIES[i % len(SEMANTIC_QUERIES)]  # nothing cached: each is embedded and searched
        started, cpu_started = time.perf_counter(), time.process_time()
        search.search(query, mode="semantic", limit=20)
        latencies.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    embed_ms = []
    for query in SEMANTIC_QUERIES:
        started = time.perf_counter()
        embedder.embed([query], query=True)
        embed_ms.append((time.perf_counter() - started) * 1000)
    print(
        f"semantic search at {len(index.article_ids)} vectors ({embedder.name}, dim {embedder.dim}): "
        f"p50 {percentile(latencies, 0.5):.1f} ms, p95 {percentile(latencies, 0.95):.1f} ms over {n} queries "
        f"(CPU p50 {percentile(cpu, 0.5):.1f} ms, p95 {percentile(cpu, 0.95):.1f} ms; load average {os.getloadavg()[0]:.1f}) "
        f"(of which query embedding p50 {percentile(embed_ms, 0.5):.1f} ms); matrix load {load_s:.1f} s, "
        f"{index.matrix.nbytes / 2**20:.0f} MB"
    )


def overview_latency(store: Store, rounds: int) -> None:
    """p50/p95 of the overview's JSON (built and serialised) over its windows, languages and filters."""
    entity = store.entities(limit=1)[0]["id"]
    queries = [OverviewQuery(window=w, language=lang) for w in WINDOWS for lang in (None, "fr")]
    filtered = [OverviewQuery(window=w, entity=entity) for w in ("1d", "7d")] + [
        OverviewQuery(window="7d", source="outlet 3")
    ]
    for name, batch in (("overview", queries), ("overview, entity/outlet filter", filtered)):
        latencies = []
        for _ in range(rounds):
            for query in batch:
                started = time.perf_counter()
                json.dumps(dataclasses.asdict(build_overview(store, query)))
                latencies.append((time.perf_counter() - started) * 1000)
        print(
            f"{name} at {store.counts()['articles']} articles: p50 {percentile(latencies, 0.5):.1f} ms, "
            f"p95 {percentile(latencies, 0.95):.1f} ms over {len(latencies)} requests"
        )


def overview_only(n: int, rounds: int) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{Path(tmp) / 'overview.db'}")
        seconds = Filler().fill(store, n)
        print(f"filled {n} synthetic articles in {seconds:.0f} s")
        overview_latency(store, rounds)
        store.close()
    print(f"command: python bench/store_scale.py --overview-only {n}")
    return 0


def semantic_only(n: int, queries: int) -> int:
    """Semantic search p50/p95 over ``n`` stored articles (one sentence each, random vectors)."""
    settings = load_settings()
    embedder = embedder_for(settings)
    rng = np.random.default_rng(3)
    languages = ["en", "fr", "de", "ru", "uk", "pl", "fa", "ar"]
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{Path(tmp) / 'semantic.db'}")
        started = time.perf_counter()
        for start in range(0, n, 5000):
            batch = []
            for i in range(start, min(n, start + 5000)):
                text = f"Stored article {i} about topic {i % 997}."
                art = Article(
                    id=article_id_for(text), text=text, title=f"Article {i}", language=languages[i % 8]
                )
                art.published = f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}"
                batch.append(Analysis(article=art))
            store.write(batch)
            rows = rng.standard_normal((len(batch), embedder.dim)).astype(np.float32)
            rows /= np.linalg.norm(rows, axis=1, keepdims=True)
            write_vectors(
                store,
                embedder.name,
                embedder.version,
                [PassageVector(a.article.id, 0, 0, 20, v) for a, v in zip(batch, rows, strict=True)],
            )
        print(f"filled {n} articles with vectors in {time.perf_counter() - started:.0f} s")
        semantic_latency(settings, store, embedder, queries)
        store.close()
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    print(f"command: python bench/store_scale.py --semantic-only {n} --queries {queries}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,20000,200000", help="store sizes to probe at")
    parser.add_argument("--probe", type=int, default=100, help="real articles ingested at each size")
    parser.add_argument("--queries", type=int, default=200, help="searches timed at the largest size")
    parser.add_argument("--db", default=None, help="database URL [default: a temporary SQLite file]")
    parser.add_argument(
        "--semantic", action=argparse.BooleanOptionalAction, default=True, help="vectors and semantic search"
    )
    parser.add_argument(
        "--semantic-only",
        type=int,
        default=0,
        metavar="N",
        help="only semantic search latency, on N short stored articles with vectors (minutes, not an hour)",
    )
    parser.add_argument(
        "--overview-only", type=int, default=0, metavar="N",
        help="only the overview's latency, on N synthetic stored articles",
    )  # fmt: skip
    args = parser.parse_args()
    if args.overview_only:
        return overview_only(args.overview_only, rounds=20)
    if args.semantic_only:
        return semantic_only(args.semantic_only, args.queries)
    sizes = [int(s) for s in args.sizes.split(",")]
    settings = load_settings()
    from veille.language import detect_language

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(args.db or f"sqlite:///{Path(tmp) / 'scale.db'}")
        if store.counts()["articles"]:
            print("refusing to run on a non-empty database", file=sys.stderr)
            return 2
        raw = dict(settings.raw) | {"embeddings": {**settings.section("embeddings"), "enabled": False}}
        ingestor = Ingestor(dataclasses.replace(settings, raw=raw), store)
        ingestor.pipeline.warm_up(settings.models)
        filler = Filler()
        embedder = embedder_for(settings) if args.semantic else None
        vectors = (embedder.name, embedder.version, embedder.dim) if embedder else None
        print(f"backend: {store.engine.dialect.name}; probe {args.probe} real articles per size")
        print(
            f"{'stored':>8} {'fill s':>8} {'ingest ms/art':>14} {'store ms/art':>13} {'store ms/art (write only)':>26}"
        )
        for round_, size in enumerate(sizes):
            fill_seconds = filler.fill(store, size, vectors)
            articles = probe_articles(args.probe, round_)
            for art in articles:
                art.language = detect_language(art.text, None)
            # The whole ingest path on never-seen articles.
            started = time.perf_counter()
            report = ingestor.ingest_items(articles)
            ingest_ms = (time.perf_counter() - started) * 1000 / max(1, report.ingested)
            # The store's share alone: dedup lookup + one write transaction of analysed articles.
            analyses = list(ingestor.pipeline.analyse(probe_articles(args.probe, 1000 + round_)))
            started = time.perf_counter()
            store.known_hashes(a.article.text_hash for a in analyses)
            mid = time.perf_counter()
            written = store.write(analyses)
            done = time.perf_counter()
            store_ms = (done - started) * 1000 / max(1, written)
            write_ms = (done - mid) * 1000 / max(1, written)
            print(f"{size:>8} {fill_seconds:>8.1f} {ingest_ms:>14.1f} {store_ms:>13.2f} {write_ms:>26.2f}")
        rng = random.Random(5)
        common, rare = filler.vocabulary[:200], filler.vocabulary[5000:]
        queries = [
            rng.choice([rng.choice(common), rng.choice(rare), f"{rng.choice(common)} {rng.choice(rare)}"])
            for _ in range(args.queries)
        ] + ["drones", "Téhéran", "agence internationale"]
        latencies, hits = [], 0
        for query in queries:
            started = time.perf_counter()
            hits += len(store.search(query, limit=20))
            latencies.append((time.perf_counter() - started) * 1000)
        total = store.counts()["articles"]
        print(
            f"search at {total} articles: p50 {percentile(latencies, 0.5):.1f} ms, "
            f"p95 {percentile(latencies, 0.95):.1f} ms, mean {statistics.mean(latencies):.1f} ms "
            f"over {len(queries)} queries ({hits} hits, limit 20)"
        )
        overview_latency(store, rounds=20)
        if embedder is not None:
            semantic_latency(settings, store, embedder, args.queries)
        store.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak_mb:.0f} MB")
    db = f" --db {args.db}" if args.db else ""
    semantic = "" if args.semantic else " --no-semantic"
    print(
        f"command: python bench/store_scale.py --sizes {args.sizes} --probe {args.probe} --queries {args.queries}{db}{semantic}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
