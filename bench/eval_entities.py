"""Score entity extraction + resolution on the sample seeds against gold.json.

    python bench/eval_entities.py [--shared ../shared]

For each gold entity of each article: *found* when the article has an entity
whose canonical name equals the gold name (case-insensitive); *grouped*
mentions are the gold mention strings found (case-insensitive, as a mention
text or a prefix of one's stem, e.g. "russe" for "russes") among that entity's
mentions in that article. Prints recall, mention-grouping recall, and what the
system added beyond gold (for precision review).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from veille.config import load_settings
from veille.model import Analysis, Article
from veille.pipeline import Pipeline

ROOT = Path(__file__).resolve().parents[1]


def score_article(analysis: Analysis, gold_entities: list[dict]) -> dict:
    by_name: dict[str, set[str]] = {}
    for m in analysis.mentions:
        ent = analysis.entities[m.entity_id or ""]
        by_name.setdefault(ent.name.casefold(), set()).add(m.text.casefold())
    found, mentions_total, mentions_found, missing = 0, 0, 0, []
    for g in gold_entities:
        texts = by_name.get(g["name"].casefold())
        if texts is None:
            missing.append(g["name"])
        else:
            found += 1
        for gm in g["mentions"]:
            mentions_total += 1
            if texts and any(t == gm.casefold() or t.startswith(gm.casefold()) for t in texts):
                mentions_found += 1
    gold_names = {g["name"].casefold() for g in gold_entities}
    extra = sorted(
        {analysis.entities[m.entity_id or ""].name for m in analysis.mentions} - {n for n in gold_names}
    )
    extra = [e for e in extra if e.casefold() not in gold_names]
    return {
        "gold": len(gold_entities),
        "found": found,
        "missing": missing,
        "mentions": mentions_total,
        "mentions_found": mentions_found,
        "extra": extra,
    }


def analyse_seeds(seeds: Path, gold: dict) -> list[tuple[dict, Analysis]]:
    from veille.ingest.sources import read_sources

    settings = load_settings()
    pipeline = Pipeline(settings)
    out = []
    for g in gold["articles"]:
        items = list(read_sources([str(seeds / g["file"])], settings))
        article = next(i for i in items if isinstance(i, Article))
        out.append((g, next(pipeline.analyse([article]))))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    seeds = args.shared / "seeds"
    gold = json.loads((seeds / "gold.json").read_text(encoding="utf-8"))
    total = found = mtotal = mfound = 0
    for g, analysis in analyse_seeds(seeds, gold):
        s = score_article(analysis, g["entities"])
        total, found = total + s["gold"], found + s["found"]
        mtotal, mfound = mtotal + s["mentions"], mfound + s["mentions_found"]
        print(
            f"{g['file']}: language={analysis.article.language} entities {s['found']}/{s['gold']} "
            f"mentions {s['mentions_found']}/{s['mentions']} missing={s['missing']}"
        )
        print(f"  beyond gold: {s['extra']}")
    print(
        f"entity recall {found / total:.3f} ({found}/{total}); mention grouping recall {mfound / mtotal:.3f} ({mfound}/{mtotal})"
    )
    print("command: python bench/eval_entities.py")
    return 0


if __name__ == "__main__":
    sys.exit(main())
