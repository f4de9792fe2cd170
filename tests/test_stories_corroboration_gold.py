"""Corroboration on the seeds' gold events (../shared/seeds/gold.json): the gold `corroborated`
items come out with their two independent sources; a reprint of a seed adds no source."""

from __future__ import annotations

import json
import re
from pathlib import Path

from veille.model import Analysis, Article, Event
from veille.stories.corroboration import corroborate
from veille.stories.neardup import NearDupIndex


def slug(name: str) -> str:
    return "gold:" + re.sub(r"\W+", "-", name.lower()).strip("-")


def gold_analyses(seeds_dir: Path) -> tuple[list[Analysis], dict]:
    gold = json.loads((seeds_dir / "gold.json").read_text(encoding="utf-8"))
    out = []
    for g in gold["articles"]:
        text = (seeds_dir / g["file"]).read_text(encoding="utf-8")
        a = Analysis(article=Article(id=g["file"], text=text, source=g["file"], language=g["language"]))
        for i, ev in enumerate(g["events"]):
            for source in ev["sources"]:
                a.events.append(
                    Event(
                        id=f"{g['file']}:{i}:{slug(source)}",
                        article_id=g["file"],
                        kind=ev["kind"],
                        start=0,
                        end=0,
                        sentence=0,
                        extractor="gold",
                        actor=slug(ev["from"]),
                        target=slug(ev["to"]),
                        source_entity=slug(source),
                    )
                )
        out.append(a)
    return out, gold


def test_gold_corroborated_items_have_their_independent_sources(seeds_dir):
    analyses, gold = gold_analyses(seeds_dir)
    groups = corroborate(analyses)
    found = [set(g.independent_sources) for g in groups if len(g.independent_sources) >= 2]
    for item in gold["corroborated"]:
        assert {slug(s) for s in item["independent_sources"]} in found, item["event"]
    single = [g for g in groups if g.kind == "strike_campaign"]
    assert [g.independent_sources for g in single] == [[slug("UK Ministry of Defence")]]


def test_a_reprint_of_a_seed_adds_no_independent_source(seeds_dir):
    analyses, _ = gold_analyses(seeds_dir)
    original = analyses[0]
    reprint = Analysis(
        article=Article(
            id="reprint", text=original.article.text + "\nPartagez cet article.", source="Other outlet"
        )
    )
    reprint.events = [
        Event(**{**e.__dict__, "id": "reprint:" + e.id, "article_id": "reprint", "source_entity": None})
        for e in original.events
    ]
    for e in original.events:
        e.source_entity = None  # no cited source: origin falls back to the (original) outlet
    nd = NearDupIndex()
    for a in (original, reprint):
        nd.add(a.article.id, a.article.text)
    groups = corroborate([original, reprint], original_of=nd.origin_of)
    assert groups and all(g.independent_sources == ["outlet:" + original.article.id] for g in groups)
