"""End to end on ../shared/seeds: claims and events against gold.json (read, never copied)."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from veille.config import Settings
from veille.ingest.sources import read_input
from veille.model import Analysis, Article
from veille.pipeline import Pipeline

# Gold event kinds -> ours (docs/events.md).
KINDS = {"military_aid": {"arms_transfer"}, "strike_campaign": {"strike_campaign", "strike"}}


def norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().replace("’", "'").split())


@pytest.fixture(scope="module")
def seeds(seeds_dir: Path, settings: Settings, pipeline: Pipeline) -> list[tuple[dict[str, Any], Analysis]]:
    gold = json.loads((seeds_dir / "gold.json").read_text(encoding="utf-8"))["articles"]
    articles = [
        next(a for a in read_input(str(seeds_dir / g["file"]), settings) if isinstance(a, Article))
        for g in gold
    ]
    return list(zip(gold, pipeline.analyse(articles), strict=True))


def ids(analysis: Analysis) -> dict[str, str]:
    out = {norm(e.name): e.id for e in analysis.entities.values()}
    return out


def source_matches(analysis: Analysis, entity: str | None, wanted: set[str]) -> bool:
    if entity is None:
        return False
    known = analysis.entities.get(entity)
    affiliation = known.attributes.get("affiliation") if known else None
    return entity in wanted or affiliation in wanted


def test_claim_recall(seeds: list[tuple[dict[str, Any], Analysis]]) -> None:
    found = total = 0
    for gold, analysis in seeds:
        names = ids(analysis)
        for g in gold["claims"]:
            wanted = {names.get(norm(g["source"]), ""), names.get(norm(g.get("source_org", "")), "")}
            total += 1
            found += any(
                source_matches(analysis, c.source_entity, wanted) and norm(g["key"]) in norm(c.content)
                for c in analysis.claims
            )
    assert found / total >= 0.85


def test_event_recall(seeds: list[tuple[dict[str, Any], Analysis]]) -> None:
    found = total = 0
    for gold, analysis in seeds:
        names = ids(analysis)
        for g in gold["events"]:
            total += 1
            found += any(
                e.kind in KINDS.get(g["kind"], {g["kind"]})
                and e.actor == names.get(norm(g["from"]))
                and e.target == names.get(norm(g["to"]))
                for e in analysis.events
            )
    assert found / total >= 0.7


def test_investment_amount_and_roles(seeds: list[tuple[dict[str, Any], Analysis]]) -> None:
    gold, analysis = next((g, a) for g, a in seeds if any(e["kind"] == "investment" for e in g["events"]))
    expected = next(e for e in gold["events"] if e["kind"] == "investment")
    names = ids(analysis)
    investments = [e for e in analysis.events if e.kind == "investment"]
    assert investments
    for event in investments:
        assert (event.actor, event.target) == (names[norm(expected["from"])], names[norm(expected["to"])])
        assert event.amount is not None and event.amount.unit == "USD"
        assert event.amount.value == pytest.approx(expected["value_usd"])


def test_gold_amounts_are_read(seeds: list[tuple[dict[str, Any], Analysis]]) -> None:
    for gold, analysis in seeds:
        for q in gold["quantities"]:
            hits = [
                a
                for a in analysis.amounts
                if norm(q["text"]) in norm(a.text) or norm(a.text) in norm(q["text"])
            ]
            assert hits, q["text"]
            amount = hits[0]
            if "value" in q:
                assert amount.value == pytest.approx(q["value"])
            if "value_min" in q:
                assert (amount.value_min or 0) >= q["value_min"] and amount.approximate
