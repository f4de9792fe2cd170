"""Places and routes on the sample articles (../shared/seeds): pass/fail per gold item.

Runs the configured pipeline (veille.config.load_settings + veille.pipeline.Pipeline).

    PYTHONPATH=src python bench/eval_seeds_geo.py
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"


def main() -> int:
    gold_path = SEEDS / "gold.json"
    if not gold_path.is_file():
        print(f"seeds not found at {SEEDS}", file=sys.stderr)
        return 2
    from gold_check import check_place, check_route  # bench/ is on sys.path when this script runs
    from veille.config import load_settings
    from veille.model import Article, article_id_for
    from veille.pipeline import Pipeline

    t0 = time.perf_counter()
    pipeline = Pipeline(load_settings())
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    passed = total = 0
    for item in gold["articles"]:
        text = (SEEDS / item["file"]).read_text(encoding="utf-8")
        article = Article(id=article_id_for(text), text=text, language=item.get("language"))
        analysis = next(pipeline.analyse([article]))
        print(f"{item['file']}")
        for g in item.get("places", []):
            c = check_place(analysis, g)
            total += 1
            passed += c.ok
            print(
                f"  {'PASS' if c.ok else 'FAIL'}  place {c.name:32} -> {c.found} ({c.error_km} km, limit {g['within_km']})"
            )
        for r in item.get("routes", []):
            ok = check_route(analysis, r, item.get("places", []))
            total += 1
            passed += ok
            print(f"  {'PASS' if ok else 'FAIL'}  route {' > '.join(r['stops'])}")
        for route in analysis.routes:
            stops = " > ".join(analysis.places[s].name for s in route.stops)
            print(
                f"        found route: {stops} (what: {route.what}, claim: {route.claim_id}, event: {route.event_id})"
            )
        gov = sorted({m.text for m in analysis.place_mentions if m.metonymy})
        print(f"        government use (metonymy): {gov}")
        for rel in analysis.relative_locations:
            print(
                f"        relative location: {rel.text!r}: stated {rel.distance_km:.0f} km, "
                f"computed {rel.computed_km} km, consistent={rel.consistent}"
            )
    print(f"{passed}/{total} passed ({time.perf_counter() - t0:.1f}s)")
    return 0 if passed == total else 1


if __name__ == "__main__":
    raise SystemExit(main())
