"""GraphML and FollowTheMoney exports: read back by networkx, validated by followthemoney."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from followthemoney import model

from veille.config import Settings
from veille.exports.ftm import entity_schema, write_ftm
from veille.exports.graphml import build_graph, write_graphml
from veille.ingest.runner import Ingestor
from veille.ingest.sources import read_sources
from veille.model import Analysis, Article, Entity, Mention, Sentence, article_id_for
from veille.pipeline import Pipeline
from veille.store.database import Store

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "samples" / "corpus"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, settings: Settings, pipeline: Pipeline) -> Store:
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('exports') / 'v.db'}")
    report = Ingestor(settings, store, pipeline=pipeline, track_stories=False).ingest_items(
        read_sources([str(CORPUS)], settings)
    )
    assert report.ingested >= 8 and not report.failed
    return store


def _texts(store: Store) -> dict[str, str]:
    return {a["id"]: a["text"] for a in store.table_rows("articles")}


def test_graphml_reads_back_with_the_same_nodes_edges_and_attributes(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "veille.graphml"
    counts = write_graphml(store, out)
    written = build_graph(store)
    back = nx.read_graphml(out, force_multigraph=True)
    assert counts["nodes"] == back.number_of_nodes() == written.number_of_nodes() > 10
    assert counts["edges"] == back.number_of_edges() == written.number_of_edges()
    assert counts["co-mention"] > 0 and counts["claim"] > 0 and counts["event"] > 0
    assert dict(back.nodes(data=True)) == dict(written.nodes(data=True))
    assert {(u, v, k): d for u, v, k, d in back.edges(keys=True, data=True)} == {
        (u, v, k): d for u, v, k, d in written.edges(keys=True, data=True)
    }


def test_graphml_nodes_and_edges_carry_their_facts(store: Store) -> None:
    graph = build_graph(store)
    russia = graph.nodes["country:RU"]
    assert russia["label"] == "Russia" and russia["kind"] == "country" and russia["mentions"] >= 8
    places = [d for _, d in graph.nodes(data=True) if d["type"] == "place"]
    assert places and all(isinstance(p["lat"], float) and isinstance(p["lon"], float) for p in places)
    texts = _texts(store)
    facts = [(u, v, d) for u, v, d in graph.edges(data=True) if d["relation"] in ("claim", "event")]
    for u, v, d in facts:
        assert u in graph and v in graph
        assert d["extractor"] and 0 <= d["start"] < d["end"] <= len(texts[d["article_id"]])
        assert d["sentence_text"] in texts[d["article_id"]]
        if d["relation"] == "claim":
            assert texts[d["article_id"]][d["start"] : d["end"]] == d["text"]
    assert any(u == "country:IR" and v == "country:RU" and d["relation"] == "event" for u, v, d in facts)
    comention = graph.get_edge_data("country:IR", "country:RU")["co:country:IR|country:RU"]
    assert comention["weight"] >= comention["articles"] >= 2


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_ftm_entities_validate_against_the_schema(store: Store, tmp_path: Path) -> None:
    counts = write_ftm(store, tmp_path / "a.ftm.json")
    assert {"Article", "Person", "Organization", "PublicBody", "Address", "Mention", "Documentation", "Event",
            "UnknownLink"} <= set(counts)  # fmt: skip
    entities = _lines(tmp_path / "a.ftm.json")
    ids = [e["id"] for e in entities]
    assert len(ids) == len(set(ids)) == sum(counts.values())
    for data in entities:
        proxy = model.get_proxy(data, cleaned=False)  # re-cleans every value
        assert proxy.to_dict() == data, data  # nothing the schema rejects was written
        assert proxy.schema.validate(data) is None, data
        for prop in proxy.iterprops():  # references point at exported entities, of the right schema
            if prop.type.name == "entity":
                for ref in proxy.get(prop):
                    target = next(e for e in entities if e["id"] == ref)
                    assert prop.range is not None and model.get(target["schema"]).is_a(prop.range)
    # Ids are deterministic: a second export is the same file.
    write_ftm(store, tmp_path / "b.ftm.json")
    assert (tmp_path / "a.ftm.json").read_bytes() == (tmp_path / "b.ftm.json").read_bytes()


def test_ftm_keeps_provenance(store: Store, tmp_path: Path) -> None:
    write_ftm(store, tmp_path / "out.ftm.json")
    entities = _lines(tmp_path / "out.ftm.json")
    texts = _texts(store)
    articles = {e["id"]: e for e in entities if e["schema"] == "Article"}
    assert {a["properties"]["bodyText"][0] for a in articles.values()} == set(texts.values())
    links = [e for e in entities if e["schema"] == "UnknownLink"]
    for link in links:
        props = link["properties"]
        assert props["proof"][0] in articles
        # "... veille article <id>, sentence <n>, characters <start>-<end>, extractor <name>"
        where = props["description"][0].rsplit("veille article ", 1)[1]
        aid, _, span, extractor = (part.split(" ")[-1] for part in where.split(", "))
        start, end = (int(x) for x in span.split("-"))
        assert texts[aid][start:end] == props["summary"][0] and extractor
    events = [e for e in entities if e["schema"] == "Event"]
    assert all("extractor " in e["properties"]["description"][0] for e in events)
    mentions = [e for e in entities if e["schema"] == "Mention"]
    assert any(m["properties"]["name"] == ["Washington"] for m in mentions)


@pytest.mark.parametrize(
    ("name", "kind", "schema"),
    [
        ("ООО «Ромашка»", "organisation", "Company"),
        ("Acme Holdings Ltd", "organisation", "Company"),
        ("Maison Blanche", "organisation", "Organization"),
        ("Iran", "country", "PublicBody"),
        ("John Kirby", "person", "Person"),
        ("Alabuga", "place", "Address"),
        ("Shahed-136", "other", "LegalEntity"),
    ],
)
def test_ftm_schema_of_an_entity(name: str, kind: str, schema: str) -> None:
    assert entity_schema(Entity(id="x", name=name, kind=kind)) == schema


def test_hostile_names_stay_valid_xml_and_ftm(tmp_path: Path) -> None:
    """An entity name with control characters and markup (from a feed) cannot break either file."""
    text = "Acme said the <b>deal</b> is off."
    aid = article_id_for(text)
    name = "Acme\x0b<script>alert(1)</script> & Co\x00"
    entity = Entity(id="org:acme", name=name, kind="organisation", aliases=["A\x1fcme"])
    analysis = Analysis(
        article=Article(id=aid, text=text, title="t\x0bitle", language="en"),
        sentences=[Sentence(aid, 0, 0, len(text))],
        mentions=[Mention(aid, 0, 4, "Acme", "ORG", 0, "test", entity_id="org:acme")],
        entities={"org:acme": entity},
    )
    store = Store(f"sqlite:///{tmp_path / 'v.db'}")
    store.write([analysis])
    write_graphml(store, tmp_path / "g.graphml")
    node = nx.read_graphml(tmp_path / "g.graphml")
    assert node.nodes["org:acme"]["label"] == "Acme <script>alert(1)</script> & Co "
    write_ftm(store, tmp_path / "e.ftm.json")
    for data in _lines(tmp_path / "e.ftm.json"):
        assert model.get_proxy(data, cleaned=False).to_dict() == data
