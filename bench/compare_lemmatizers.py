"""simplemma vs pymorphy3 on named-entity lemmas: BSNLP 2019 gold (mention -> lemma).

    python bench/compare_lemmatizers.py [--shared ../shared] [--langs uk ru]

The BSNLP annotated files give each entity mention's base form ("Газпрому" -> "Газпром").
For every distinct one-word mention that differs from its lemma (an inflected name),
each lemmatizer is right when its lemma equals the gold one, case-insensitively. Also
prints words/s in this process (noisy on a shared machine: compare the two, not the values).
pymorphy3 is more accurate on Ukrainian and Russian names, but its Ukrainian dictionary
package is GPL-3.0 (data CC BY-SA 3.0), so veille keeps simplemma (MIT) for now.

pymorphy3 is not a veille dependency; for this comparison:
``pip install pymorphy3==2.0.6 pymorphy3-dicts-uk==2.4.1.1.1663094765 pymorphy3-dicts-ru==2.4.417150.4580142``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import simplemma

ROOT = Path(__file__).resolve().parents[1]


def gold_pairs(shared: Path, lang: str) -> set[tuple[str, str]]:
    pairs = set()
    for ann in sorted((shared / "eval" / "xling").glob(f"bsnlp2019_*/annotated/{lang}/*.out")):
        for line in ann.read_text(encoding="utf-8").splitlines()[1:]:
            parts = line.split("\t")
            if len(parts) >= 2 and " " not in parts[0].strip() and parts[0].strip() != parts[1].strip():
                pairs.add((parts[0].strip(), parts[1].strip()))
    return pairs


def accuracy(pairs: set[tuple[str, str]], lemma: Callable[[str], str]) -> tuple[float, float]:
    lemma("warm")  # loads the language's data: not counted
    t0 = time.process_time()
    right = sum(lemma(word).casefold() == gold.casefold() for word, gold in pairs)
    cpu = time.process_time() - t0
    return right / len(pairs), len(pairs) / cpu if cpu else 0.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--langs", nargs="*", default=["uk", "ru"])
    args = ap.parse_args()
    for lang in args.langs:
        pairs = gold_pairs(args.shared, lang)
        acc, speed = accuracy(pairs, lambda w, lang=lang: str(simplemma.lemmatize(w, lang=lang)))
        print(f"{lang}: {len(pairs)} inflected one-word mentions; simplemma {acc:.3f} ({speed:,.0f} words/s)")
        try:
            import pymorphy3

            morph = pymorphy3.MorphAnalyzer(lang=lang)
        except (ImportError, ValueError) as exc:
            print(f"  pymorphy3 unavailable: {exc}")
            continue
        acc, speed = accuracy(pairs, lambda w, morph=morph: str(morph.parse(w)[0].normal_form))
        print(f"{lang}: pymorphy3 {acc:.3f} ({speed:,.0f} words/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
