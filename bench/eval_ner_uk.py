"""Ukrainian NER on NER-UK 2.0 (the 391 dev documents): P/R/F1 for PERS, LOC, ORG.

    python bench/eval_ner_uk.py [--shared ../shared] [--system veille|natasha] [--limit N]

Gold: brat ``.ann`` spans of types PERS, LOC and ORG (the corpus's other types, dates,
money, jobs, ..., are not entities veille's mention extractor names). A prediction is
correct when its character span and type equal a gold one (exact match, as CoNLL).

Systems:
- ``veille``: the Ukrainian pipeline as configured (place mentions -> LOC; other entity
  mentions: PER -> PERS, ORG -> ORG, GPE/LOC -> LOC). Set VEILLE_NO_BLANK_NER=1 to
  score it without slovnet's names (gazetteer and lemmas only).
- ``natasha``: natasha 1.6.0's slovnet NER (trained on Russian news) run on the
  Ukrainian text, for comparison (``pip install natasha==1.6.0``).

Also prints, per type, the share of gold mentions found with lenient boundaries (any
overlap with a prediction of that type), which separates "not found" from "cut wrong".
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TYPES = ("PERS", "LOC", "ORG")
VEILLE_TYPES = {"PER": "PERS", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC"}
NATASHA_TYPES = {"PER": "PERS", "ORG": "ORG", "LOC": "LOC"}

Span = tuple[int, int, str]


@dataclass
class Doc:
    name: str
    text: str
    gold: set[Span]


def read_ann(path: Path) -> set[Span]:
    """Brat text-bound annotations of the scored types; a discontinuous span counts from its
    first start to its last end."""
    spans: set[Span] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        # "T1<TAB>ORG<TAB>0<TAB>17<TAB>text" here; standard brat has "T1<TAB>ORG 0 17<TAB>text".
        parts = line.split("\t")
        if len(parts) < 2 or not parts[0].startswith("T"):
            continue
        fields = parts[1].split() if len(parts[1].split()) > 1 else parts[1:4]
        kind, offsets = fields[0], " ".join(fields[1:])
        if kind not in TYPES:
            continue
        pieces = [p.split() for p in offsets.split(";")]
        try:
            spans.add((int(pieces[0][0]), int(pieces[-1][1]), kind))
        except (ValueError, IndexError):
            continue
    return spans


def read_docs(shared: Path, limit: int | None = None) -> list[Doc]:
    base = shared / "eval" / "ner_uk" / "ner-uk2_dev"
    docs = []
    for txt in sorted(base.glob("*.txt"))[:limit]:
        docs.append(Doc(txt.stem, txt.read_text(encoding="utf-8"), read_ann(txt.with_suffix(".ann"))))
    return docs


def veille_spans(docs: list[Doc], config: str | None) -> Iterator[set[Span]]:
    from veille.config import load_settings
    from veille.model import Article
    from veille.pipeline import Pipeline

    pipeline = Pipeline(load_settings(config))
    articles = [Article(id=d.name, text=d.text, language="uk") for d in docs]
    for analysis in pipeline.analyse(articles):
        # A span the geoparser resolved to a place is a LOC even where NER called it an ORG.
        spans: dict[tuple[int, int], str] = {(p.start, p.end): "LOC" for p in analysis.place_mentions}
        for m in analysis.mentions:
            kind = VEILLE_TYPES.get(m.label)
            if kind:
                spans.setdefault((m.start, m.end), kind)
        yield {(s, e, k) for (s, e), k in spans.items()}


def natasha_spans(docs: list[Doc]) -> Iterator[set[Span]]:
    from natasha import Doc as NDoc
    from natasha import NewsEmbedding, NewsNERTagger, Segmenter

    segmenter, tagger = Segmenter(), NewsNERTagger(NewsEmbedding())
    for d in docs:
        nd = NDoc(d.text)
        nd.segment(segmenter)
        nd.tag_ner(tagger)
        yield {(s.start, s.stop, NATASHA_TYPES[s.type]) for s in nd.spans if s.type in NATASHA_TYPES}


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score(docs: list[Doc], predicted: Iterator[set[Span]]) -> dict[str, Counter[str]]:
    counts: dict[str, Counter[str]] = {k: Counter() for k in (*TYPES, "ALL")}
    for doc, pred in zip(docs, predicted, strict=True):
        for kind in TYPES:
            g = {s for s in doc.gold if s[2] == kind}
            p = {s for s in pred if s[2] == kind}
            c = counts[kind]
            c["tp"] += len(g & p)
            c["fp"] += len(p - g)
            c["fn"] += len(g - p)
            c["gold"] += len(g)
            c["lenient"] += sum(1 for gs in g if any(ps[0] < gs[1] and gs[0] < ps[1] for ps in p))
        for key in ("tp", "fp", "fn", "gold", "lenient"):
            counts["ALL"][key] = sum(counts[k][key] for k in TYPES)
    return counts


def section_uk(
    shared: Path, system: str = "veille", config: str | None = None, limit: int | None = None
) -> None:
    """Print P/R/F1 per type on NER-UK 2.0 dev (also the Ukrainian section of eval_ner_multilingual)."""
    docs = read_docs(shared, limit)
    t0 = time.process_time()
    predicted = veille_spans(docs, config) if system == "veille" else natasha_spans(docs)
    counts = score(docs, predicted)
    cpu = time.process_time() - t0
    print(
        f"NER-UK 2.0 dev: {len(docs)} documents, {counts['ALL']['gold']} gold PERS/LOC/ORG; system {system}"
    )
    print(f"{'type':6} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6} {'lenientR':>9}")
    for kind in (*TYPES, "ALL"):
        c = counts[kind]
        p, r, f = prf(c["tp"], c["fp"], c["fn"])
        lenient = c["lenient"] / c["gold"] if c["gold"] else 0.0
        print(f"{kind:6} {p:6.3f} {r:6.3f} {f:6.3f} {c['gold']:6d} {lenient:9.3f}")
    print(f"CPU {cpu:.1f} s (model load included)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--system", choices=("veille", "natasha"), default="veille")
    ap.add_argument("--config", default=None)
    ap.add_argument("--limit", type=int, default=None, help="first N documents only (smoke runs)")
    args = ap.parse_args()
    section_uk(args.shared, args.system, args.config, args.limit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
