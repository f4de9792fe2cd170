"""End to end on the sample articles (../shared/seeds): gold places within tolerance, routes in order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gold_check import check_place, check_route  # bench/, on the tests' path (pyproject)
from veille.model import Article, article_id_for
from veille.pipeline import Pipeline

pytestmark = pytest.mark.slow


def _analyses(seeds_dir: Path, pipeline: Pipeline):
    gold = json.loads((seeds_dir / "gold.json").read_text(encoding="utf-8"))
    for item in gold["articles"]:
        text = (seeds_dir / item["file"]).read_text(encoding="utf-8")
        article = Article(id=article_id_for(text), text=text, language=item.get("language"))
        yield item, next(pipeline.analyse([article]))


def test_every_gold_place_is_resolved_within_tolerance(seeds_dir: Path, pipeline: Pipeline) -> None:
    failures = [
        (item["file"], c)
        for item, analysis in _analyses(seeds_dir, pipeline)
        for c in (check_place(analysis, g) for g in item.get("places", []))
        if not c.ok
    ]
    assert failures == []


def test_gold_routes_have_their_stops_in_order(seeds_dir: Path, pipeline: Pipeline) -> None:
    for item, analysis in _analyses(seeds_dir, pipeline):
        for route in item.get("routes", []):
            assert check_route(analysis, route, item["places"]), (item["file"], route["stops"])


def test_relative_location_in_the_seeds_is_checked(seeds_dir: Path, pipeline: Pipeline) -> None:
    rels = [r for _, a in _analyses(seeds_dir, pipeline) for r in a.relative_locations]
    assert rels and all(r.consistent is not None for r in rels)


def test_seed_route_is_tied_to_its_claim_and_event(seeds_dir: Path, pipeline: Pipeline) -> None:
    routes = [(r, a) for item, a in _analyses(seeds_dir, pipeline) if item.get("routes") for r in a.routes]
    assert routes
    for route, analysis in routes:
        assert route.claim_id in {c.id for c in analysis.claims}
        assert route.event_id in {e.id for e in analysis.events}
