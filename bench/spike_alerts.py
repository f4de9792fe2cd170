"""What do spike rules cost an ingest? The alert step's time per batch on a big store.

    python bench/spike_alerts.py [--articles 50000] [--days 365] [--batch 200] [--db URL]

The store is filled with synthetic articles written straight through ``Store.write``
(spread evenly over ``--days`` days, each naming 3 of 200 entities drawn from a Zipf law,
so the top entity is named in about a third of them); two spike rules watch the most named
entity and a rare one. Then batches of ``--batch`` new articles, all naming the top entity,
are stored and the ``AlertService`` hook is timed on each: the cost the rules add to an
ingest batch. Prints the figures and the command that reproduces them.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from veille.alerts.service import AlertService
from veille.config import load_settings
from veille.model import Analysis, Article, Entity, Mention, Sentence, article_id_for
from veille.store import watch
from veille.store.database import Store

ENTITIES = [Entity(f"org:e{i}", f"Entity {i}", "organisation") for i in range(200)]
START = datetime(2024, 1, 1, tzinfo=UTC)


def _article(n: int, when: datetime, named: list[Entity]) -> Analysis:
    names = ", ".join(e.name for e in named)
    text = f"Synthetic report number {n}. It names {names} in one sentence."
    aid = article_id_for(text)
    art = Article(id=aid, text=text, title=f"Report {n}", language="en", published=when.isoformat())
    first = text.index(". ") + 1
    mentions = []
    for e in named:
        start = text.index(e.name, first)
        mentions.append(Mention(aid, start, start + len(e.name), e.name, "ORG", 1, "bench", e.id))
    sentences = [Sentence(aid, 0, 0, first), Sentence(aid, 1, first + 1, len(text))]
    return Analysis(art, sentences=sentences, mentions=mentions, entities={e.id: e for e in named})


def _fill(store: Store, articles: int, days: int, rng: random.Random) -> None:
    weights = [1 / (rank + 1) for rank in range(len(ENTITIES))]
    step = days * 86400 / articles
    batch: list[Analysis] = []
    for n in range(articles):
        named = list({e.id: e for e in rng.choices(ENTITIES, weights, k=3)}.values())
        batch.append(_article(n, START + timedelta(seconds=n * step), named))
        if len(batch) == 1000:
            store.write(batch)
            batch = []
    store.write(batch)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=50_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--batches", type=int, default=5)
    parser.add_argument("--db", help="store URL (default: a new SQLite file)")
    args = parser.parse_args()
    url = args.db or f"sqlite:///{Path(tempfile.mkdtemp()) / 'spike.db'}"
    store = Store(url)
    rng = random.Random(7)
    started = time.perf_counter()
    _fill(store, args.articles, args.days, rng)
    print(f"filled {args.articles} articles over {args.days} days in {time.perf_counter() - started:.0f} s")
    spike = watch.Spike(3.0, 86400.0, 7 * 86400.0, 5)
    for entity in (ENTITIES[0], ENTITIES[-1]):
        watch.add_rule(store, "", watch.SPIKE, {"entity": [entity.name]}, spike)
    service = AlertService(store, load_settings(), channels=[])
    end = START + timedelta(days=args.days)
    seconds: list[float] = []
    for b in range(args.batches):
        n0 = args.articles + b * args.batch
        batch = [
            _article(n, end + timedelta(minutes=n - args.articles), [ENTITIES[0]])
            for n in range(n0, n0 + args.batch)
        ]
        store.write(batch)
        started = time.perf_counter()
        service(batch)
        seconds.append(time.perf_counter() - started)
    alerts = watch.count_alerts(store)
    per_batch = statistics.median(seconds) * 1000
    print(
        f"alert step with 2 spike rules: median {per_batch:.0f} ms per batch of {args.batch} "
        f"({per_batch / args.batch:.2f} ms/article), max {max(seconds) * 1000:.0f} ms; {alerts} alert(s)"
    )
    print("command: python bench/spike_alerts.py " + " ".join(sys.argv[1:]))


if __name__ == "__main__":
    main()
