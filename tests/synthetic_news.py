"""Small English news-like articles generated from templates we wrote, for whole-corpus tests.

Deterministic for a seed; every article differs (its numbers and dates), so each is stored once.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

COUNTRIES = ["Russia", "Iran", "China", "Ukraine", "France", "Germany", "Turkey", "Poland", "Japan", "Egypt"]
CITIES = ["Kyiv", "Moscow", "Tehran", "Beijing", "Paris", "Berlin", "Ankara", "Warsaw", "Tokyo", "Cairo"]
PEOPLE = ["John Kirby", "Antony Blinken", "Olaf Scholz", "Emmanuel Macron", "Recep Tayyip Erdogan"]
SENTENCES = [
    "{person} said on {day} that {c1} had sent {n} drones to {c2}.",
    "Officials in {city} denied the report, according to a statement from the ministry.",
    "The United Nations said {n} trucks of aid had crossed into {c2} near {city}.",
    "{c1} and {c2} agreed to hold new talks in {city} next week, diplomats said.",
    "Prices of grain rose by {n} percent after the announcement in {city}.",
    "{person} warned that {c1} could face new sanctions from the European Union.",
    "A spokesman for the government of {c2} declined to comment on {day}.",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def article(rng: random.Random, index: int, sentences: int = 6) -> str:
    """One article of a few sentences; ``index`` is written into it so texts never repeat."""
    parts = []
    for _ in range(sentences):
        template = rng.choice(SENTENCES)
        parts.append(
            template.format(
                person=rng.choice(PEOPLE),
                day=rng.choice(DAYS),
                c1=rng.choice(COUNTRIES),
                c2=rng.choice(COUNTRIES),
                city=rng.choice(CITIES),
                n=rng.randint(2, 900),
            )
        )
    parts.append(f"This is dispatch {index}.")
    return " ".join(parts)


def write_corpus(folder: Path, articles: int, *, per_file: int = 20, seed: int = 7) -> Path:
    """JSONL files of ``per_file`` articles each (titles included) under ``folder``."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for start in range(0, articles, per_file):
        lines = [
            json.dumps({"title": f"Dispatch {i}", "text": article(rng, i)})
            for i in range(start, min(start + per_file, articles))
        ]
        (folder / f"part-{start // per_file:04d}.jsonl").write_text("\n".join(lines) + "\n")
    return folder
