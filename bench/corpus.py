"""Build a large synthetic corpus by repeating and perturbing the sample corpus.

Each copy gets its paragraphs rotated and a numbered dateline, so every file is
a distinct article (no exact duplicates) with realistic language and entities.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "corpus"


def sample_texts() -> list[tuple[str, str]]:
    """(title, body) pairs from the shipped sample corpus, all formats."""
    out: list[tuple[str, str]] = []
    for path in sorted(SAMPLES.iterdir()):
        if path.suffix == ".txt":
            title, _, body = path.read_text(encoding="utf-8").partition("\n\n")
            out.append((title.strip(), body.strip()))
        elif path.suffix == ".jsonl":
            for line in path.read_text(encoding="utf-8").splitlines():
                item = json.loads(line)
                if item.get("text"):
                    out.append((item.get("title") or "", item["text"]))
    return out


def write_corpus(folder: Path, n: int, seed: int = 7) -> list[Path]:
    rng = random.Random(seed)
    base = sample_texts()
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        title, body = base[i % len(base)]
        paragraphs = [p for p in body.split("\n\n") if p.strip()]
        k = rng.randrange(len(paragraphs))
        paragraphs = paragraphs[k:] + paragraphs[:k]
        text = (
            f"{title} ({i})\n\nDispatch {i}, desk {rng.randint(1, 99)}.\n\n" + "\n\n".join(paragraphs) + "\n"
        )
        path = folder / f"article-{i:06d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
