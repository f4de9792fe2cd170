"""Score veille's claim attribution on the PolNeAR sample (English news, brat standoff).

    PYTHONPATH=src python bench/eval_attribution.py [--data ../shared/eval/quotes/polnear_test_SAMPLE]

Gold: every `E` line `Attribution:T.. Source:T.. Cue:T.. Content:T..` of the .ann files.
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

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "quotes" / "polnear_test_SAMPLE"
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


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT)
    args = parser.parse_args()
    if not args.data.is_dir():
        raise SystemExit(f"PolNeAR sample not found at {args.data}; pass --data")
    pipeline = Pipeline(load_settings())
    totals = {role: {"pred": 0, "gold": 0, "exact": 0, "overlap": 0} for role in ROLES}
    anns = sorted((args.data / "attributions").glob("*.ann"))
    for ann in anns:
        txt = args.data / "text" / (ann.stem.rsplit("_", 1)[0] + ".txt")
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
    print(f"PolNeAR sample: {len(anns)} documents")
    print(f"{'role':8s} {'gold':>5s} {'pred':>5s}  {'exact P/R/F1':>20s}  {'overlap P/R/F1':>20s}")
    for role in ROLES:
        t = totals[role]
        ep, er, ef = f1(t["exact"], t["pred"], t["gold"])
        op, orr, of = f1(t["overlap"], t["pred"], t["gold"])
        print(
            f"{role:8s} {t['gold']:5d} {t['pred']:5d}  {ep:.2f}/{er:.2f}/{ef:.2f}{'':8s}  {op:.2f}/{orr:.2f}/{of:.2f}"
        )


if __name__ == "__main__":
    main()
