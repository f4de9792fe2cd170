"""The read API and dashboard under load while an ingest runs: requests/s, p50/p95/p99, errors.

    PYTHONPATH=src python bench/load.py [--articles 2000] [--clients 10] [--seconds 20] [--ingest 20]
    PYTHONPATH=src python bench/load.py --articles 20000 --clients 20 --seconds 60 --ingest 100

1. A store of ``--articles`` synthetic articles is written straight through ``Store.write``
   (analysing 20k articles with spaCy would take an hour on 2 cores): several articles per
   invented event, each with sentences, entity mentions, two attributed claims, an event,
   place mentions and a date, offsets into its own text; then the real story index groups
   them (``StoryTracker``, as after an ingest). ``--db PATH`` keeps the store for the next run.
2. ``veille serve`` starts on 127.0.0.1 (a subprocess, as a user runs it).
3. ``veille ingest`` of ``--ingest`` real articles (bench/corpus.py) starts on the same
   database, and ``--clients`` concurrent clients (asyncio + httpx) request the main routes
   round-robin for ``--seconds``: story list, story page (JSON and HTML), dashboard index,
   entity list, search JSON, articles and claims (random pages).
4. Prints per route: requests, requests/s, p50/p95/p99 ms, errors; then the ingest's time and
   exit status. Loopback only; every loop is bounded by the deadline and every request by a timeout.

The clients run in this process, so they share the CPUs with the server and the ingest.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import httpx

from corpus import write_corpus  # bench/ is on sys.path when this script runs
from veille.model import (
    Analysis,
    Article,
    Claim,
    DateRef,
    Entity,
    Event,
    Mention,
    Place,
    PlaceMention,
    Sentence,
    article_id_for,
    fact_id,
)
from veille.store.database import Store
from veille.stories.persist import StoryTracker

ROOT = Path(__file__).resolve().parents[1]
FILL_BATCH = 500
REQUEST_TIMEOUT = 60.0
SYLLABLES = ["ka", "ro", "mi", "te", "lu", "sa", "no", "vi", "de", "ra", "po", "li", "an", "or", "ex", "su"]
ROUTES = (
    "story list",
    "story page",
    "story page html",
    "dashboard",
    "entities",
    "search",
    "articles",
    "claims",
)
GOAL_ROUTES = ("story list", "story page", "entities", "search")  # p95 < 500 ms at 20k, 20 clients


class Synthetic:
    """Articles about invented events: what a store holds after real ingests, without the NLP."""

    def __init__(self, seed: int = 3) -> None:
        self.rng = random.Random(seed)
        word = lambda: "".join(self.rng.choice(SYLLABLES) for _ in range(self.rng.randint(2, 4)))  # noqa: E731
        self.words = sorted({word() for _ in range(20_000)})
        self.rng.shuffle(self.words)
        self.people = [
            Entity(f"person:p{i}", f"{word().title()} {word().title()}", "person") for i in range(3000)
        ]
        self.orgs = [Entity(f"org:o{i}", f"{word().title()} Agency", "organisation") for i in range(800)]
        self.countries = [Entity(f"country:C{i}", f"{word().title()}land", "country") for i in range(120)]
        self.places = [
            Place(
                f"bench:pl{i}",
                f"{word().title()}grad",
                self.rng.uniform(-60, 60),
                self.rng.uniform(-150, 150),
            )
            for i in range(2000)
        ]
        self.count = 0

    def event(self) -> dict[str, object]:
        r = self.rng
        return {
            "people": r.sample(self.people, 2),
            "org": r.choice(self.orgs),
            "countries": r.sample(self.countries, 2),
            "places": r.sample(self.places, 2),
            "words": r.sample(self.words, 40),
            "day": r.randint(0, 700),
        }

    def articles(self, n: int) -> list[Analysis]:
        out: list[Analysis] = []
        while len(out) < n:
            event = self.event()
            out += [self.article(event) for _ in range(self.rng.randint(1, 6))]
        return out[:n]

    def article(self, event: dict[str, object]) -> Analysis:
        self.count += 1
        r = self.rng
        people, org = event["people"], event["org"]
        countries, places = event["countries"], event["places"]
        topic: list[str] = event["words"]  # type: ignore[assignment]
        parts: list[str] = []
        pos = 0
        spans: list[tuple[str, int, int, int]] = []  # (what, start, end, sentence)
        sentence_bounds = []
        for s in range(6):
            start = pos
            names = {
                0: [countries[0], countries[1]],  # type: ignore[index]
                1: [places[0]],  # type: ignore[index]
                2: [people[0]],  # type: ignore[index]
                3: [org, places[1]],  # type: ignore[index]
                4: [people[1]],  # type: ignore[index]
                5: [countries[0]],  # type: ignore[index]
            }[s]
            tokens: list[str] = []
            for k in range(len(names)):
                tokens += r.sample(topic, 3) + r.choices(self.words, k=3)
                tokens.append(f"\x00{k}")
            tokens += r.sample(topic, 4) + r.choices(self.words, k=4)
            text = ""
            for tok in tokens:
                piece = tok
                if tok.startswith("\x00"):
                    item = names[int(tok[1:])]
                    piece = item.name
                    at = pos + len(text) + (1 if text else 0)
                    spans.append((item.id, at, at + len(piece), s))
                text += (" " if text else "") + piece
            text = text[0].upper() + text[1:] + "."
            parts.append(text)
            pos += len(text) + 1
            sentence_bounds.append((start, start + len(text)))
        body = " ".join(parts) + f" Bulletin {self.count}."
        day = int(event["day"])  # type: ignore[call-overload]
        published = time.strftime("%Y-%m-%d", time.gmtime(1_700_000_000 + day * 86400))
        title = " ".join(r.sample(topic, 5)).capitalize()
        aid = article_id_for(body)
        art = Article(id=aid, text=body, title=title, source=f"Wire {r.randint(1, 40)}", language=r.choice(["en", "fr", "ru"]),
                      published=published, origin="bench", url=f"https://example.org/{aid}")  # fmt: skip
        a = Analysis(article=art)
        a.sentences = [Sentence(aid, i, s, e) for i, (s, e) in enumerate(sentence_bounds)]
        for ent_id, start, end, sent in spans:
            if ent_id.startswith("bench:pl"):
                place = next(p for p in places if p.id == ent_id)  # type: ignore[attr-defined]
                a.places[place.id] = place
                a.place_mentions.append(
                    PlaceMention(aid, place.id, start, end, body[start:end], sent, "bench")
                )
            else:
                entity = next(e for e in [*people, org, *countries] if e.id == ent_id)  # type: ignore[misc]
                a.entities[entity.id] = entity
                label = {"person": "PER", "organisation": "ORG"}.get(entity.kind, "GPE")
                a.mentions.append(Mention(aid, start, end, body[start:end], label, sent, "bench", entity.id))
        for sent, person in ((2, people[0]), (4, people[1])):  # type: ignore[index]
            s, e = sentence_bounds[sent]
            a.claims.append(
                Claim(fact_id(aid, "claim", s), aid, person.id, person.name, "said", body[s:e], s, e, sent,
                      "statement", "bench", about=[countries[0].id, countries[1].id])  # type: ignore[index]
            )  # fmt: skip
        s, e = sentence_bounds[0]
        a.events.append(
            Event(fact_id(aid, "event", s), aid, "supply", s, e, 0, "bench", actor=countries[0].id,  # type: ignore[index]
                  target=countries[1].id, place=places[0].id, time=published)  # type: ignore[index]
        )  # fmt: skip
        a.dates.append(DateRef(aid, s, s + 4, body[s : s + 4], 0, "bench", value=published, resolved=True))
        return a


def fill(store: Store, n: int) -> tuple[float, float]:
    """Write synthetic articles until the store holds ``n``; (seconds writing, seconds grouping stories)."""
    have = store.counts()["articles"]
    if have >= n:
        return 0.0, 0.0
    synth = Synthetic(seed=have + 3)
    tracker = StoryTracker(store)
    writing = grouping = 0.0
    while have < n:
        batch = synth.articles(min(FILL_BATCH, n - have))
        t0 = time.perf_counter()
        have += store.write(batch)
        t1 = time.perf_counter()
        tracker.add(batch)
        grouping += time.perf_counter() - t1
        writing += t1 - t0
        print(f"  filled {have}/{n}", end="\r", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return writing, grouping


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def veille(*args: str, db: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    return subprocess.Popen(
        [sys.executable, "-m", "veille", "--db", db, *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_ready(base: str, server: subprocess.Popen[bytes], limit: float = 120.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"veille serve exited: {server.stderr.read().decode() if server.stderr else ''}")
        try:
            if httpx.get(f"{base}/api/stats", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit("veille serve did not answer in time")


class Targets:
    """URLs for each route, drawn from what the store holds."""

    def __init__(self, base: str, seed: int = 9) -> None:
        self.rng = random.Random(seed)
        stories = httpx.get(f"{base}/api/stories", params={"limit": 200}, timeout=REQUEST_TIMEOUT).json()
        self.story_ids = [s["id"] for s in stories["items"]] or ["none"]
        hits = httpx.get(f"{base}/api/articles", params={"limit": 200}, timeout=REQUEST_TIMEOUT).json()[
            "items"
        ]
        self.words = sorted({w for h in hits for w in (h["title"] or "").split() if len(w) > 3}) or ["drones"]
        stats = httpx.get(f"{base}/api/stats", timeout=REQUEST_TIMEOUT).json()
        self.articles, self.claims = stats["articles"], stats["claims"]

    def url(self, route: str) -> str:
        r = self.rng
        if route == "story list":
            return f"/api/stories?limit=50&offset={r.choice([0, 0, 50, 100])}"
        if route == "story page":
            return f"/api/stories/{r.choice(self.story_ids)}"
        if route == "story page html":
            return f"/stories/{r.choice(self.story_ids)}"
        if route == "dashboard":
            return "/"
        if route == "entities":
            return f"/api/entities?limit=100{r.choice(['', '&kind=person', '&kind=country'])}"
        if route == "search":
            words = " ".join(r.sample(self.words, r.choice([1, 1, 2])))
            return f"/api/search?q={words}" + r.choice(["", "", "&lang=ru"])
        if route == "articles":
            return f"/api/articles?limit=50&offset={r.randrange(max(1, self.articles - 50))}" + r.choice(
                ["", "&lang=fr"]
            )
        if route == "claims":
            return f"/api/claims?limit=100&offset={r.randrange(max(1, self.claims - 100))}"
        raise ValueError(route)


def warm(base: str, targets: Targets, rounds: int = 3) -> dict[str, float]:
    """Each route a few times before the clock starts (the server loads the stories stage and
    stop words lazily); returns the first request's ms per route."""
    first: dict[str, float] = {}
    with httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT * 3, trust_env=False) as http:
        for _ in range(rounds):
            for route in ROUTES:
                started = time.perf_counter()
                http.get(targets.url(route))
                first.setdefault(route, (time.perf_counter() - started) * 1000)
    return first


async def client_loop(
    http: httpx.AsyncClient, targets: Targets, first: int, deadline: float, record: dict[str, list[float]],
    errors: dict[str, list[str]],
) -> None:  # fmt: skip
    for i in itertools.count(first):
        if time.monotonic() >= deadline:
            return
        route = ROUTES[i % len(ROUTES)]
        started = time.perf_counter()
        try:
            response = await http.get(targets.url(route))
            ok = response.status_code == 200
            if not ok:
                errors[route].append(f"HTTP {response.status_code}")
        except httpx.HTTPError as exc:
            ok = False
            errors[route].append(exc.__class__.__name__)
        if ok:
            record[route].append((time.perf_counter() - started) * 1000)


async def run_clients(base: str, targets: Targets, clients: int, seconds: float):  # type: ignore[no-untyped-def]
    record: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, list[str]] = defaultdict(list)
    # Idle connections are dropped by the client before uvicorn's 5 s keep-alive timeout:
    # at equal timeouts a request can go out on a socket the server is closing.
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients, keepalive_expiry=2.0)
    async with httpx.AsyncClient(
        base_url=base, timeout=REQUEST_TIMEOUT, limits=limits, trust_env=False
    ) as http:
        deadline = time.monotonic() + seconds
        await asyncio.gather(
            *(client_loop(http, targets, c, deadline, record, errors) for c in range(clients))
        )
    return record, errors


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used so far (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000, help="articles in the store")
    parser.add_argument("--clients", type=int, default=10, help="concurrent clients")
    parser.add_argument("--seconds", type=float, default=20.0, help="how long the clients run")
    parser.add_argument("--ingest", type=int, default=20, help="real articles ingested meanwhile (0: none)")
    parser.add_argument("--db", default=None, help="SQLite file to build or reuse [default: a temporary one]")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or str(Path(tmp) / "load.db")
        store = Store(f"sqlite:///{db}")
        t0 = time.perf_counter()
        writing, grouping = fill(store, args.articles)
        counts = store.counts()
        store.close()
        print(
            f"store: {counts['articles']} articles, {counts['claims']} claims, {counts['mentions']} mentions "
            f"(filled in {time.perf_counter() - t0:.0f}s: write {writing:.0f}s, stories {grouping:.0f}s)"
        )
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = veille("serve", "--host", "127.0.0.1", "--port", str(port), db=db)
        ingest: subprocess.Popen[bytes] | None = None
        try:
            wait_ready(base, server)
            targets = Targets(base)
            cold = warm(base, targets)
            print(
                "first request per route (cold): " + ", ".join(f"{r} {ms:.0f} ms" for r, ms in cold.items())
            )
            if args.ingest:
                folder = Path(tmp) / "incoming"
                write_corpus(folder, args.ingest, seed=int(time.time()))
                ingest_started = time.perf_counter()
                ingest = veille("ingest", "--json", str(folder), db=db)
            started = time.perf_counter()
            server_cpu, own_cpu = cpu_seconds(server.pid), time.process_time()
            record, errors = asyncio.run(run_clients(base, targets, args.clients, args.seconds))
            elapsed = time.perf_counter() - started
            server_cpu, own_cpu = cpu_seconds(server.pid) - server_cpu, time.process_time() - own_cpu
            ingest_line = "ingest: none"
            if ingest is not None:
                code = ingest.wait(timeout=1800)
                ingest_line = (
                    f"ingest of {args.ingest} real articles alongside: exit {code}, "
                    f"{time.perf_counter() - ingest_started:.1f}s"
                    + (
                        ""
                        if code == 0
                        else f" ({(ingest.stderr.read() if ingest.stderr else b'').decode()[-300:]})"
                    )
                )
        finally:
            server.terminate()
            server.wait(timeout=30)
            if ingest is not None and ingest.poll() is None:
                ingest.terminate()
    total = sum(len(v) for v in record.values())
    total_errors = sum(len(v) for v in errors.values())
    print(
        f"{args.clients} clients for {elapsed:.0f}s: {total / elapsed:.1f} requests/s, {total_errors} errors"
    )
    print(
        f"{'route':<16} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6}"
    )
    for route in ROUTES:
        times = record.get(route, [])
        print(
            f"{route:<16} {len(times):>8} {len(times) / elapsed:>7.1f} {percentile(times, 0.5):>8.0f} "
            f"{percentile(times, 0.95):>8.0f} {percentile(times, 0.99):>8.0f} {len(errors.get(route, [])):>6}"
        )
    for route, errs in errors.items():
        print(f"  {route} errors: {sorted(set(errs))[:5]}")
    print(ingest_line)
    if total:
        # Ratios measured on this run, whatever else loads the machine: what a request costs.
        print(
            f"server CPU {server_cpu:.1f}s for {total} requests = {server_cpu * 1000 / total:.1f} ms/request "
            f"(at most {total / server_cpu if server_cpu else float('nan'):.0f} requests/s per free core); "
            f"clients {own_cpu * 1000 / total:.1f} ms/request"
        )
    worst = max(percentile(record.get(r, []), 0.95) for r in GOAL_ROUTES)
    print(
        f"worst p95 of {', '.join(GOAL_ROUTES)}: {worst:.0f} ms (goal < 500 ms at 20k articles, 20 clients)"
    )
    print(f"CPUs: {os.cpu_count()}, load average {os.getloadavg()[0]:.1f}")
    print(
        f"command: python bench/load.py --articles {args.articles} --clients {args.clients} "
        f"--seconds {args.seconds:g} --ingest {args.ingest}"
    )
    return 0 if total_errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
