"""Document-level entity recall on BSNLP 2019 (bg, cs, pl, ru, sl, uk; two topics).

    python bench/eval_bsnlp_recall.py [--shared ../shared] [--langs uk ru ...] [--config veille.toml]

Each annotated file lists, for one article, the entities it names: a surface form, its
lemma, a type (PER, LOC, ORG, PRO, EVT) and a cross-lingual id. An entity (one id in one
article) is *found* when some span veille extracted from that article (an entity mention
or a place mention) has the same text as one of the entity's surface forms, case- and
accent-insensitive. Recall is found / gold entities, overall and per type.

*Span precision* watches the other side: of the distinct span texts veille extracted per
article, the share that are one of the article's gold surface forms. The gold lists only
named entities of its five types, so this is a lower bound, useful for comparing runs.

``doc_level_recall(lang, analyse)`` is the function other benches call.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from veille.model import Analysis, Article, fold

ROOT = Path(__file__).resolve().parents[1]
TOPICS = ("nord_stream", "ryanair")
LANGS = ("bg", "cs", "pl", "ru", "sl", "uk")


@dataclass
class GoldDoc:
    doc_id: str
    lang: str
    text: str
    entities: dict[str, tuple[str, set[str]]] = field(default_factory=dict)  # id -> (type, folded forms)


@dataclass
class Recall:
    lang: str
    docs: int = 0
    gold: Counter[str] = field(default_factory=Counter)
    found: Counter[str] = field(default_factory=Counter)
    spans: int = 0
    spans_in_gold: int = 0
    missed: Counter[str] = field(default_factory=Counter)

    @property
    def recall(self) -> float:
        total = sum(self.gold.values())
        return sum(self.found.values()) / total if total else 0.0

    @property
    def span_precision(self) -> float:
        return self.spans_in_gold / self.spans if self.spans else 0.0


def _raw_text(path: Path) -> str:
    """Raw files: id, language, date and URL lines, then the title and the body."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return "\n".join(lines[4:]).strip()


def gold_docs(shared: Path, lang: str) -> Iterator[GoldDoc]:
    for topic in TOPICS:
        base = shared / "eval" / "xling" / f"bsnlp2019_{topic}"
        for ann in sorted((base / "annotated" / lang).glob("*.out")):
            raw = base / "raw" / lang / (ann.name[: -len(".out")] + ".txt")
            if not raw.is_file():
                continue
            lines = ann.read_text(encoding="utf-8").splitlines()
            doc = GoldDoc(doc_id=lines[0].strip(), lang=lang, text=_raw_text(raw))
            for line in lines[1:]:
                parts = line.split("\t")
                if len(parts) < 4:
                    continue
                mention, _lemma, kind, xid = (p.strip() for p in parts[:4])
                entry = doc.entities.setdefault(xid, (kind, set()))
                entry[1].add(fold(mention))
            yield doc


def extracted_spans(analysis: Analysis) -> set[str]:
    """Folded texts of every entity and place mention veille extracted."""
    return {fold(m.text) for m in analysis.mentions} | {fold(p.text) for p in analysis.place_mentions}


def doc_level_recall(
    shared: Path, lang: str, analyse: Callable[[Iterable[Article]], Iterable[Analysis]]
) -> Recall:
    """Score one language: ``analyse`` maps articles to analyses (e.g. ``Pipeline.analyse``)."""
    docs = list(gold_docs(shared, lang))
    articles = [Article(id=f"{lang}-{i}", text=d.text, language=lang) for i, d in enumerate(docs)]
    out = Recall(lang=lang, docs=len(docs))
    for doc, analysis in zip(docs, analyse(articles), strict=True):
        spans = extracted_spans(analysis)
        gold_forms = set().union(*(forms for _, forms in doc.entities.values())) if doc.entities else set()
        out.spans += len(spans)
        out.spans_in_gold += len(spans & gold_forms)
        for kind, forms in doc.entities.values():
            out.gold[kind] += 1
            if forms & spans:
                out.found[kind] += 1
            else:
                out.missed[min(forms)] += 1
    return out


def report(r: Recall) -> str:
    kinds = " ".join(f"{k} {r.found[k] / r.gold[k]:.3f} ({r.found[k]}/{r.gold[k]})" for k in sorted(r.gold))
    return (
        f"{r.lang}: {r.docs} docs, recall {r.recall:.3f} ({sum(r.found.values())}/{sum(r.gold.values())}); "
        f"{kinds}; span precision {r.span_precision:.3f} ({r.spans_in_gold}/{r.spans})"
    )


def main() -> int:
    from veille.config import load_settings
    from veille.pipeline import Pipeline

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--langs", nargs="*", default=list(LANGS))
    ap.add_argument("--config", default=None)
    ap.add_argument("--missed", type=int, default=0, help="print the N most often missed entities")
    args = ap.parse_args()
    pipeline = Pipeline(load_settings(args.config))
    for lang in args.langs:
        r = doc_level_recall(args.shared, lang, pipeline.analyse)
        print(report(r))
        if args.missed:
            print("  missed:", ", ".join(f"{n} ({c})" for n, c in r.missed.most_common(args.missed)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
