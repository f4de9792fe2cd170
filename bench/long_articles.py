"""Seconds and peak memory to analyse one long article, at growing lengths.

    PYTHONPATH=src python bench/long_articles.py [--sizes 10000 100000 1000000] [--language en]

The article is built from our sample corpus (samples/corpus, the texts in the asked
language): its paragraphs, rotated and given a numbered dateline per copy, until the
text has the wanted number of characters. Each size runs in a fresh subprocess that
loads the pipeline, warms it up, then runs every configured extractor on the one
article (``Pipeline.analyse``, chunking included). Printed per size: wall and CPU
seconds, CPU microseconds per character (flat when the cost is linear), the process's
peak resident memory (``ru_maxrss``) and how much of it the article added over the
warmed-up pipeline, and the facts found.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import sample_texts  # noqa: E402


def long_text(chars: int, language: str) -> str:
    """At least ``chars`` characters of varied news paragraphs in ``language``, cut at a paragraph."""
    from veille.language import detect_language

    paragraphs = [
        p.strip()
        for title, body in sample_texts()
        if detect_language(body) == language
        for p in [title, *body.split("\n\n")]
        if p.strip()
    ]
    if not paragraphs:
        raise SystemExit(f"no sample text in language {language!r}")
    out: list[str] = []
    size, copy = 0, 0
    while size < chars:
        k = copy % len(paragraphs)
        for p in [f"Dispatch {copy + 1}, desk {copy * 7 % 97 + 1}.", *paragraphs[k:], *paragraphs[:k]]:
            out.append(p)
            size += len(p) + 2
        copy += 1
    return "\n\n".join(out)[:chars].rsplit("\n\n", 1)[0] + "\n"


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def measure(chars: int, language: str) -> dict[str, float | int]:
    """Run in the child: analyse one article of ``chars`` characters."""
    from veille.config import load_settings
    from veille.model import Article, article_id_for
    from veille.pipeline import Pipeline

    text = long_text(chars, language)
    pipeline = Pipeline(load_settings())
    pipeline.warm_up([language])
    base = _rss_mb()
    wall, cpu = time.perf_counter(), time.process_time()
    (analysis,) = pipeline.analyse([Article(id=article_id_for(text), text=text, language=language)])
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {
        "chars": len(text),
        "seconds": round(wall, 2),
        "cpu_seconds": round(cpu, 2),
        "cpu_us_per_char": round(cpu / len(text) * 1e6, 2),
        "peak_rss_mb": round(_rss_mb()),
        "added_rss_mb": round(_rss_mb() - base),
        "sentences": len(analysis.sentences),
        "mentions": len(analysis.mentions),
        "claims": len(analysis.claims),
        "events": len(analysis.events),
        "place_mentions": len(analysis.place_mentions),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--language", default="en")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.language)))
        return 0
    print(
        f"{'chars':>9} {'wall s':>8} {'cpu s':>8} {'cpu µs/char':>11} {'peak MB':>8} {'added MB':>8}  facts"
    )
    for size in args.sizes:
        child = subprocess.run(
            [sys.executable, __file__, "--child", str(size), "--language", args.language],
            capture_output=True,
            text=True,
        )
        if child.returncode:
            print(f"{size:>9} failed: {child.stderr.strip().splitlines()[-1:]}")
            continue
        r = json.loads(child.stdout.strip().splitlines()[-1])
        facts = " ".join(
            f"{k} {r[k]}" for k in ("sentences", "mentions", "claims", "events", "place_mentions")
        )
        print(
            f"{r['chars']:>9} {r['seconds']:>8} {r['cpu_seconds']:>8} {r['cpu_us_per_char']:>11}"
            f" {r['peak_rss_mb']:>8} {r['added_rss_mb']:>8}  {facts}",
            flush=True,
        )
    print(
        f"command: python bench/long_articles.py --language {args.language} --sizes {' '.join(map(str, args.sizes))}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
