"""Ingest time per article vs. store size: story assignment at 1k and 20k stored articles.

    PYTHONPATH=src python bench/cluster_scaling.py [--sizes 1000 20000] [--probe 500]

Synthetic articles (random events: entities, places, amounts and words drawn from
fixed vocabularies, several articles per event) are streamed into one index; at
each size, ``--probe`` further articles are timed (features + near-duplicate check
+ assignment). Flat ms/article across sizes means ingest does not grow with the store.
An occasional ``max`` of a few hundred ms is Python's full (generation 2) garbage
collection, whose cost grows with the objects alive and which runs ever more rarely as
they grow (7 times, 1.0 s in all, over 20k articles here); it lifts the mean of the probe
window it falls into. The per-article time over the whole fill is the amortised figure.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time

from veille.model import Amount, Analysis, Article, Mention
from veille.stories.cluster import StoryIndex

WORDS = [f"word{i}" for i in range(5000)]
PEOPLE = [f"person:p{i}" for i in range(3000)]
ORGS = [f"org:o{i}" for i in range(800)]
COUNTRIES = [f"country:C{i}" for i in range(120)]


def synthetic_event(rng: random.Random, n: int) -> dict[str, object]:
    return {
        "entities": rng.sample(PEOPLE, 2) + rng.sample(ORGS, 1) + rng.sample(COUNTRIES, 2),
        "words": rng.sample(WORDS, 40),
        "amount": float(rng.randint(1, 999) * 10**6),
        "id": n,
    }


def synthetic_article(rng: random.Random, event: dict[str, object], n: int) -> Analysis:
    words = list(event["words"])  # type: ignore[call-overload]
    body = rng.sample(words, 25) + rng.sample(WORDS, 60)
    entities = list(event["entities"])  # type: ignore[call-overload]
    text_parts, mentions = [], []
    offset = 0
    aid = f"a{n}"
    for i, word in enumerate(body):
        if i % 12 == 0 and entities:
            ent = entities[(i // 12) % len(entities)]
            label = ent.split(":")[1]
            mentions.append(
                Mention(aid, offset, offset + len(label), label, "ORG", 0, "bench", entity_id=ent)
            )
            text_parts.append(label)
            offset += len(label) + 1
        text_parts.append(word)
        offset += len(word) + 1
    text = " ".join(text_parts)
    day = 738000 + int(event["id"]) // 20  # type: ignore[call-overload]
    published = time.strftime("%Y-%m-%d", time.gmtime((day - 719163) * 86400))
    article = Article(
        id=aid, text=text, title=" ".join(rng.sample(words, 6)), language="en", published=published
    )
    amount = Amount(aid, 0, 1, "x", 0, "bench", unit="USD", value=float(event["amount"]))  # type: ignore[arg-type]
    return Analysis(article=article, mentions=mentions, amounts=[amount])


def stream(rng: random.Random):  # type: ignore[no-untyped-def]
    n = 0
    event_no = 0
    while True:
        event = synthetic_event(rng, event_no)
        event_no += 1
        for _ in range(rng.randint(1, 6)):
            yield synthetic_article(rng, event, n)
            n += 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
    parser.add_argument("--probe", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    articles = stream(rng)
    index = StoryIndex()
    stored = 0
    for size in sorted(args.sizes):
        t0 = time.perf_counter()
        added = size - stored
        while stored < size:
            index.add(next(articles))
            stored += 1
        fill = time.perf_counter() - t0
        probes = [next(articles) for _ in range(args.probe)]
        times = []
        for analysis in probes:
            t1 = time.perf_counter()
            index.add(analysis)
            times.append((time.perf_counter() - t1) * 1000)
        stored += len(probes)
        times.sort()
        print(
            f"stored {size:>6} articles ({len(index.stories)} stories): next {len(probes)} articles "
            f"mean {statistics.fmean(times):.2f} ms, median {statistics.median(times):.2f} ms, "
            f"p95 {times[int(len(times) * 0.95)]:.2f} ms, max {times[-1]:.1f} ms; "
            f"filling to this size {fill * 1000 / max(added, 1):.2f} ms/article ({fill:.1f}s)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
