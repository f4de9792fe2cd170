"""Score claims and events of the real pipeline on the sample seeds (../shared/seeds).

    PYTHONPATH=src python bench/eval_claims.py [--seeds ../shared/seeds] [--verbose]

Runs ingest (file reading and cleaning) and every configured extractor
(``veille.config.load_settings()`` + ``veille.pipeline.Pipeline``) on each seed
file named in gold.json, then compares with its `claims` and `events`.

Names: a gold name ("UK Ministry of Defence", "Iran") is mapped to the entity id
the resolver gave an entity of that name or alias in the article; a gold country
is ``country:<its ISO code>``.

Claims. A predicted claim matches a gold claim when
  * its source is the gold source, where a gold `source_org` is accepted too
    ("La Maison Blanche a averti" for a claim gold gives to its spokesman), and a
    person whose affiliation the pipeline linked to the gold source counts as that
    organisation ("Marc Dubois, porte-parole de la Maison Blanche"); and
  * its content contains the gold `key` phrase (case, apostrophes and spacing
    normalised).
Recall = gold claims matched by at least one prediction; precision = predictions
that match some gold claim. Predictions the gold does not list count as errors,
even when a reader would accept them.

Claim dates. A gold claim with a `date` ("--09-30": no year, the article is undated)
counts when some matching prediction carries exactly that date.

Events. A predicted event matches a gold event when kind, actor (gold `from`)
and target (gold `to`) agree. Kind names map openly (KIND_MATCH below): our
`arms_transfer` is gold `military_aid`; `strike` and `strike_campaign` match each
other. `statement` events (one per attributed claim) are scored as claims and left
out here; every other predicted event, `transfer` and repeats included, counts in
precision, and a repeat of a true event counts as correct.
"""

from __future__ import annotations

import argparse
import json
import re
import unicodedata
from pathlib import Path
from typing import Any

from veille.config import load_settings
from veille.ingest.sources import read_input
from veille.model import Analysis, Article
from veille.pipeline import Pipeline

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
KIND_MATCH: dict[str, set[str]] = {
    "military_aid": {"arms_transfer"},
    "licensed_production": {"licensed_production"},
    "investment": {"investment"},
    "strike_campaign": {"strike_campaign", "strike"},
    "strike": {"strike", "strike_campaign"},
    "membership": {"membership"},
    "shipment": {"shipment"},
    "arms_purchase_request": {"arms_purchase_request"},
}


def norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold().replace("’", "'")
    return re.sub(r"\s+", " ", text).strip()


def entity_ids(analysis: Analysis, gold_article: dict[str, Any]) -> dict[str, str]:
    """Gold entity name -> the pipeline's entity id."""
    by_name: dict[str, str] = {}
    for entity in analysis.entities.values():
        for name in [entity.name, *entity.aliases]:
            by_name.setdefault(norm(name), entity.id)
    out: dict[str, str] = {}
    for gold in gold_article.get("entities", []) + gold_article.get("places", []):
        name = gold["name"]
        if gold.get("kind") == "country" or (gold.get("country") and "lat" in gold and name not in by_name):
            out.setdefault(name, by_name.get(norm(name), f"country:{gold['country']}"))
        out.setdefault(name, by_name.get(norm(name), f"?{name}"))
    for gold in gold_article.get("entities", []):
        if gold.get("kind") == "country":
            out[gold["name"]] = f"country:{gold['country']}"
    return out


def source_ids(analysis: Analysis, entity: str | None) -> set[str]:
    """A claim's source, plus the organisation a person source is affiliated with."""
    if entity is None:
        return set()
    ids = {entity}
    known = analysis.entities.get(entity)
    if known is not None and known.attributes.get("affiliation"):
        ids.add(str(known.attributes["affiliation"]))
    return ids


def claim_matches(analysis: Analysis, claim: Any, gold: dict[str, Any], names: dict[str, str]) -> bool:
    wanted = {names.get(gold["source"], gold["source"])}
    if gold.get("source_org"):
        wanted.add(names.get(gold["source_org"], gold["source_org"]))
    return bool(source_ids(analysis, claim.source_entity) & wanted) and norm(gold["key"]) in norm(
        claim.content
    )


def event_matches(event: Any, gold: dict[str, Any], names: dict[str, str]) -> bool:
    return (
        event.kind in KIND_MATCH.get(gold["kind"], {gold["kind"]})
        and event.actor == names.get(gold["from"])
        and event.target == names.get(gold["to"])
    )


def analyse_seeds(seeds: Path) -> tuple[list[dict[str, Any]], list[Analysis]]:
    gold = json.loads((seeds / "gold.json").read_text(encoding="utf-8"))
    settings = load_settings()
    articles: list[Article] = []
    for entry in gold["articles"]:
        [article] = [a for a in read_input(str(seeds / entry["file"]), settings) if isinstance(a, Article)]
        article.language = article.language or entry["language"]
        articles.append(article)
    return gold["articles"], list(Pipeline(settings).analyse(articles))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seeds", type=Path, default=DEFAULT)
    parser.add_argument("--verbose", action="store_true", help="list misses and unmatched predictions")
    args = parser.parse_args()
    if not (args.seeds / "gold.json").is_file():
        raise SystemExit(f"seeds not found at {args.seeds}; pass --seeds")
    gold_articles, analyses = analyse_seeds(args.seeds)
    c_gold = c_found = c_pred = c_ok = e_gold = e_found = e_pred = e_ok = 0
    d_gold = d_ok = 0
    for gold, analysis in zip(gold_articles, analyses, strict=True):
        names = entity_ids(analysis, gold)
        claims = analysis.claims
        events = [e for e in analysis.events if e.kind != "statement"]
        print(f"== {gold['file']}: {len(claims)} claims, {len(events)} events (+ statements)")
        for g in gold["claims"]:
            hit = any(claim_matches(analysis, c, g, names) for c in claims)
            c_found += hit
            if g.get("date"):  # when the claim was made: a matched claim must carry that date
                d_gold += 1
                dated = any(claim_matches(analysis, c, g, names) and c.date == g["date"] for c in claims)
                d_ok += dated
                if args.verbose and not dated:
                    print(f"   undated claim {g['id']} ({g['source']}): wanted {g['date']}")
            if args.verbose and not hit:
                print(f"   missed claim {g['id']} ({g['source']}): {g['key']}")
        for c in claims:
            ok = any(claim_matches(analysis, c, g, names) for g in gold["claims"])
            c_ok += ok
            if args.verbose and not ok:
                print(f"   extra claim  [{c.source_entity}] {c.cue}: {c.content[:90]}")
        for g in gold["events"]:
            hit = any(event_matches(e, g, names) for e in events)
            e_found += hit
            if args.verbose and not hit:
                print(f"   missed event {g['kind']}: {g['from']} -> {g['to']}")
        for e in events:
            ok = any(event_matches(e, g, names) for g in gold["events"])
            e_ok += ok
            if args.verbose and not ok:
                print(f"   extra event  {e.kind}: {e.actor} -> {e.target} ({(e.object or '')[:50]})")
        for e in events:
            if e.kind == "investment" and e.amount is not None:
                print(
                    f"   investment: {e.actor} -> {e.target}, amount {e.amount.value} {e.amount.unit}, "
                    f"time {e.time}, reported by {e.source_entity}"
                )
        c_gold += len(gold["claims"])
        c_pred += len(claims)
        e_gold += len(gold["events"])
        e_pred += len(events)
    print(
        f"claims: recall {c_found}/{c_gold} = {c_found / c_gold:.2f}, precision {c_ok}/{c_pred} = {c_ok / max(c_pred, 1):.2f}"
    )
    print(f"claim dates: {d_ok}/{d_gold} gold claim dates carried by a matching claim")
    print(
        f"events: recall {e_found}/{e_gold} = {e_found / e_gold:.2f}, precision {e_ok}/{e_pred} = {e_ok / max(e_pred, 1):.2f}"
    )


if __name__ == "__main__":
    main()
