"""Score veille's claim attribution on PolNeAR (English news, brat standoff).

    PYTHONPATH=src python bench/eval_attribution.py [--split dev|test-sample | --data DIR]

``--split dev`` is ../shared/eval/quotes/polnear_dev (84 texts, the set to tune on);
``test-sample`` (the default) the old 5-document sample; ``--data`` any directory with
``text/`` and ``attributions/``.

Gold: every `E` line `Attribution:T.. Source:T.. Cue:T.. Content:T..` of the .ann files.
A text annotated by several coders (``NAME_CODER.ann``) is scored once, against the
first coder's file in name order, so that no text weighs more than another.
Predicted: every Claim of the configured pipeline (``veille.config.load_settings()``),
with its source span (source_start/end), cue span and content span.

Scores per role (source, cue, content), micro-averaged over documents, on the set
of distinct spans of that role in a document:
  exact    a predicted span equals a gold span, once both are stripped of edge
           whitespace, quotes and punctuation
  overlap  a predicted span shares at least one character with a gold span
           (one-to-one: each gold span is matched at most once)
Sources that the pipeline carried from an earlier sentence are scored at the
span it reported (the pronoun or noun in the sentence), as PolNeAR annotates.
"""

from __future__ import annotations

import argparse
import string
from pathlib import Path

from veille.config import load_settings
from veille.model import Article, article_id_for
from veille.pipeline import Pipeline

QUOTES = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "quotes"
SPLITS = {"dev": QUOTES / "polnear_dev", "test-sample": QUOTES / "polnear_test_SAMPLE"}
ROLES = ("source", "cue", "content")
EDGE = string.whitespace + string.punctuation + "“”‘’«»"

Span = tuple[int, int]


def read_gold(ann: Path) -> dict[str, set[Span]]:
    """Distinct gold spans per role; discontinuous spans are taken from first to last character."""
    spans: dict[str, Span] = {}
    gold: dict[str, set[Span]] = {role: set() for role in ROLES}
    for line in ann.read_text(encoding="utf-8").splitlines():
        if line.startswith("T"):
            tid, info, *_ = line.split("\t")
            label, _, offsets = info.partition(" ")
            numbers = [int(x) for part in offsets.split(";") for x in part.split()]
            spans[tid] = (min(numbers), max(numbers))
    for line in ann.read_text(encoding="utf-8").splitlines():
        if line.startswith("E"):
            for arg in line.split("\t")[1].split():
                role, _, tid = arg.partition(":")
                if role.lower() in gold and tid in spans:
                    gold[role.lower()].add(spans[tid])
    return gold


def stripped(text: str, span: Span) -> Span:
    start, end = span
    while start < end and text[start] in EDGE:
        start += 1
    while end > start and text[end - 1] in EDGE:
        end -= 1
    return start, end


def match(text: str, predicted: set[Span], gold: set[Span]) -> tuple[int, int]:
    """(exact matches, overlap matches), each one-to-one."""
    exact_gold = {stripped(text, g) for g in gold}
    exact = len({stripped(text, p) for p in predicted} & exact_gold)
    free = sorted(gold)
    overlap = 0
    for p in sorted(predicted):
        hit = next((g for g in free if p[0] < g[1] and g[0] < p[1]), None)
        if hit is not None:
            free.remove(hit)
            overlap += 1
    return exact, overlap


def f1(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def one_file_per_text(data: Path) -> list[tuple[Path, Path]]:
    """(text, annotation) pairs: each text once, with the first coder's file in name order."""
    chosen: dict[Path, Path] = {}
    for ann in sorted((data / "attributions").glob("*.ann")):
        txt = data / "text" / (ann.stem.rsplit("_", 1)[0] + ".txt")
        if txt.is_file():
            chosen.setdefault(txt, ann)
    return sorted(chosen.items())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--split", choices=sorted(SPLITS), default="test-sample")
    parser.add_argument("--data", type=Path, default=None, help="a directory instead of a split")
    args = parser.parse_args()
    data = args.data or SPLITS[args.split]
    if not data.is_dir():
        raise SystemExit(f"PolNeAR data not found at {data}; pass --data")
    pipeline = Pipeline(load_settings())
    totals = {role: {"pred": 0, "gold": 0, "exact": 0, "overlap": 0} for role in ROLES}
    pairs = one_file_per_text(data)
    for txt, ann in pairs:
        text = txt.read_text(encoding="utf-8")
        article = Article(id=article_id_for(text), text=text, language="en")
        [analysis] = list(pipeline.analyse([article]))
        gold = read_gold(ann)
        predicted: dict[str, set[Span]] = {role: set() for role in ROLES}
        for claim in analysis.claims:
            predicted["content"].add((claim.start, claim.end))
            if claim.cue_start is not None and claim.cue_end is not None:
                predicted["cue"].add((claim.cue_start, claim.cue_end))
            if claim.source_start is not None and claim.source_end is not None:
                predicted["source"].add((claim.source_start, claim.source_end))
        for role in ROLES:
            exact, overlap = match(text, predicted[role], gold[role])
            t = totals[role]
            t["pred"] += len(predicted[role])
            t["gold"] += len(gold[role])
            t["exact"] += exact
            t["overlap"] += overlap
    n_ann = len(list((data / "attributions").glob("*.ann")))
    print(f"PolNeAR {data.name}: {len(pairs)} documents scored ({n_ann} annotation files, one per text)")
    print(f"{'role':8s} {'gold':>5s} {'pred':>5s}  {'exact P/R/F1':>14s}  {'overlap P/R/F1':>14s}")
    for role in ROLES:
        t = totals[role]
        ep, er, ef = f1(t["exact"], t["pred"], t["gold"])
        op, orr, of = f1(t["overlap"], t["pred"], t["gold"])
        print(
            f"{role:8s} {t['gold']:5d} {t['pred']:5d}  {ep:.2f}/{er:.2f}/{ef:.2f}  {op:.2f}/{orr:.2f}/{of:.2f}"
        )


if __name__ == "__main__":
    main()
