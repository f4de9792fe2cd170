"""The entity graph as GraphML (networkx), for Gephi and Cytoscape.

Nodes are the entities and geocoded places that articles name. Edges, in one directed
multigraph:

- ``co-mention``: two nodes named in the same sentence, once per pair (from the smaller id
  to the larger), ``weight`` = sentences, ``articles`` = articles;
- ``claim``: a claim's source to each entity it is about, one edge per claim and target,
  with the claim's text, cue, kind and provenance;
- ``event``: an event's actor to its target, with its kind, object and provenance.

GraphML attribute values must be scalars: lists are joined with "; " and missing values
are left out (a node or edge without an attribute reads back without it).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

import networkx as nx

from veille.exports.facts import ArticleFacts, iter_article_facts, read_entities, read_places
from veille.model import Claim, Entity, Event, Place
from veille.store.database import Store

Attributes = dict[str, str | int | float | bool]


# Characters XML 1.0 cannot hold: a feed's title or an entity name can bring them in.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _scalars(values: dict[str, Any]) -> Attributes:
    """Attributes GraphML can type: None dropped, lists joined, text without XML-invalid characters."""
    out: Attributes = {}
    for key, value in values.items():
        if isinstance(value, list | tuple):
            value = "; ".join(str(v) for v in value)
        if isinstance(value, str):
            value = NOT_XML.sub(" ", value)
        if value is not None and value != "":
            out[key] = value
    return out


def _provenance(facts: ArticleFacts, fact: Claim | Event) -> Attributes:
    return {
        "article_id": facts.article.id,
        "sentence": fact.sentence,
        "sentence_text": facts.sentence_text(fact.sentence),
        "start": fact.start,
        "end": fact.end,
        "extractor": fact.extractor,
    }


@dataclass
class _GraphParts:
    """What the articles say, gathered before the nodes are known (edges need both ends)."""

    mentions: Counter[str] = field(default_factory=Counter)
    articles: Counter[str] = field(default_factory=Counter)
    pair_sentences: Counter[tuple[str, str]] = field(default_factory=Counter)
    pair_articles: Counter[tuple[str, str]] = field(default_factory=Counter)
    edges: list[tuple[str, str, str, Attributes]] = field(default_factory=list)

    def add(self, facts: ArticleFacts) -> None:
        named = [(m.entity_id, m.sentence) for m in facts.mentions if m.entity_id is not None]
        named += [(pm.place_id, pm.sentence) for pm in facts.place_mentions]
        in_sentence: dict[int, set[str]] = {}
        for node, sentence in named:
            self.mentions[node] += 1
            in_sentence.setdefault(sentence, set()).add(node)
        self.articles.update({node for node, _ in named})
        for nodes in in_sentence.values():
            self.pair_sentences.update(combinations(sorted(nodes), 2))
        self.pair_articles.update(
            {pair for nodes in in_sentence.values() for pair in combinations(sorted(nodes), 2)}
        )
        for claim in facts.claims:
            for about in dict.fromkeys(claim.about):
                if claim.source_entity and about != claim.source_entity:
                    self.edges.append(
                        (claim.source_entity, about, f"{claim.id}:{about}", _claim(facts, claim))
                    )
        for event in facts.events:
            if event.actor and event.target:
                self.edges.append((event.actor, event.target, event.id, _event(facts, event)))


def _claim(facts: ArticleFacts, claim: Claim) -> Attributes:
    return _scalars(
        {"relation": "claim", "label": claim.cue, "weight": 1, "claim_id": claim.id, "kind": claim.kind,
         "text": claim.content, "cue": claim.cue, "source_text": claim.source_text, "channel": claim.channel,
         "date": claim.date, **_provenance(facts, claim)}
    )  # fmt: skip


def _event(facts: ArticleFacts, event: Event) -> Attributes:
    return _scalars(
        {"relation": "event", "label": event.kind, "weight": 1, "event_id": event.id, "kind": event.kind,
         "object": event.object, "place": event.place, "time": event.time, "claim_id": event.claim_id,
         **_provenance(facts, event)}
    )  # fmt: skip


def _entity_node(entity: Entity, parts: _GraphParts) -> Attributes:
    return _scalars(
        {"label": entity.name, "type": "entity", "kind": entity.kind, "country": entity.country,
         "aliases": entity.aliases, "mentions": parts.mentions[entity.id], "articles": parts.articles[entity.id]}
    )  # fmt: skip


def _place_node(place: Place, parts: _GraphParts) -> Attributes:
    return _scalars(
        {"label": place.name, "type": "place", "kind": "place", "country": place.country,
         "lat": float(place.lat), "lon": float(place.lon), "feature": place.feature,
         "geonames_id": place.geonames_id, "mentions": parts.mentions[place.id],
         "articles": parts.articles[place.id]}
    )  # fmt: skip


def build_graph(store: Store, language: str | None = None) -> nx.MultiDiGraph:
    """The graph of what the stored articles (in ``language`` when given) say."""
    parts = _GraphParts()
    for facts in iter_article_facts(store, language):
        parts.add(facts)
    entities, places = read_entities(store), read_places(store)
    graph = nx.MultiDiGraph(name="veille", language=language or "all")
    wanted = set(parts.mentions) | {end for u, v, _, _ in parts.edges for end in (u, v)}
    for node in sorted(wanted):
        if node in entities:
            graph.add_node(node, **_entity_node(entities[node], parts))
        elif node in places:
            graph.add_node(node, **_place_node(places[node], parts))
    for (u, v), sentences in sorted(parts.pair_sentences.items()):
        if u in graph and v in graph:
            articles = parts.pair_articles[(u, v)]
            graph.add_edge(u, v, key=f"co:{u}|{v}", relation="co-mention", label="co-mention", weight=sentences,
                           articles=articles)  # fmt: skip
    for u, v, key, attrs in parts.edges:
        if u in graph and v in graph:  # an end the store does not hold is left out, not invented
            graph.add_edge(u, v, key=key, **attrs)
    return graph


def graph_counts(graph: nx.MultiDiGraph) -> dict[str, int]:
    relations = Counter(str(r) for _, _, r in graph.edges(data="relation"))
    return {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()} | dict(
        sorted(relations.items())
    )


def iter_graphml(store: Store, language: str | None = None) -> Iterator[str]:
    """The GraphML document, line by line (the graph itself is built in memory first)."""
    for line in nx.generate_graphml(build_graph(store, language)):
        yield line + "\n"


def write_graphml(store: Store, out: Path, language: str | None = None) -> dict[str, int]:
    """The graph written to ``out`` (atomically); node and edge counts, edges by relation."""
    graph = build_graph(store, language)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".tmp")
    nx.write_graphml(graph, tmp)
    tmp.replace(out)
    return graph_counts(graph)
