"""What a story page shows, built from the store's model objects: articles cut into
sentences, facts with their sentence, a timeline, a map layer and an actor graph.

The records are plain JSON data (typed dicts) so the HTML page and its JSON twin are the
same thing. Every fact keeps ``article_id``, ``start``/``end`` and ``sentence``: the page
can always show and highlight the sentence a fact came from.
"""

from __future__ import annotations

import dataclasses
import threading
import weakref
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Hashable, Sequence
from typing import Any, NotRequired, Protocol, TypedDict

from veille.model import (
    Article,
    Claim,
    DateRef,
    Entity,
    Event,
    Mention,
    Place,
    PlaceMention,
    Route,
    Sentence,
    outlet_of,
)
from veille.store import dashboard
from veille.store import stories as saved
from veille.store.dashboard import ArticleHead
from veille.store.database import Store
from veille.store.stories import StoredStory
from veille.stories.corroboration import CorroborationGroup
from veille.stories.view import story_record

MAX_ARTICLES_PER_STORY = 200  # a page stays usable; the JSON says how many were left out
MAX_SENTENCE_CHARS = 2000
GRAPH_KINDS = ("country", "organisation", "person")


class Segment(TypedDict):
    s: int | None  # the sentence's index; None between sentences
    start: int
    text: str


def article_segments(text: str, sentences: list[Sentence]) -> list[Segment]:
    """The text cut at sentence bounds: [{"s": index or None, "start": offset, "text": ...}], covering it all."""
    out: list[Segment] = []
    pos = 0
    for s in sorted(sentences, key=lambda r: r.start):
        start, end = max(s.start, pos), min(s.end, len(text))
        if start > pos:
            out.append({"s": None, "start": pos, "text": text[pos:start]})
        if end > start:
            out.append({"s": s.index, "start": start, "text": text[start:end]})
            pos = end
    if pos < len(text):
        out.append({"s": None, "start": pos, "text": text[pos:]})
    return out


class Fact(Protocol):
    """What every shown fact has: where it is (its provenance)."""

    article_id: str
    sentence: int
    start: int
    end: int
    extractor: str


class Evidence(TypedDict):
    """The provenance every shown fact carries."""

    article_id: str
    sentence: int
    start: int
    end: int
    extractor: str | None
    sentence_text: str


class _Sentences:
    def __init__(self, articles: list[Article], rows: list[Sentence]) -> None:
        self.text = {a.id: a.text for a in articles}
        self.bounds = {(r.article_id, r.index): (r.start, r.end) for r in rows}

    def carried(self, claim: Claim) -> bool:
        """The claim's source was named in an earlier sentence and carried over to this one."""
        bounds = self.bounds.get((claim.article_id, claim.sentence))
        return bounds is not None and claim.source_start is not None and claim.source_start < bounds[0]

    def of(self, fact: Fact) -> str:
        start, end = self.bounds.get((fact.article_id, fact.sentence), (fact.start, fact.end))
        return self.text[fact.article_id][start:end][:MAX_SENTENCE_CHARS]


def _evidence(fact: Fact, sentences: _Sentences) -> Evidence:
    return {
        "article_id": fact.article_id,
        "sentence": fact.sentence,
        "start": fact.start,
        "end": fact.end,
        "extractor": fact.extractor,
        "sentence_text": sentences.of(fact),
    }


def _name(names: dict[str, Entity], ref: str | None) -> str | None:
    if not ref:
        return None
    entity = names.get(ref)
    return entity.name if entity else ref


class _Memo:
    """Per-store LRU memo of what is built from a story row.

    Articles and their facts never change once written, so what a story shows changes only
    when its row does (its article ids, title, sources, ``updated_at``): the row's content
    is the key. Story lists and pages are read far more often than stories change.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.stores: weakref.WeakKeyDictionary[Store, OrderedDict[Hashable, Any]] = (
            weakref.WeakKeyDictionary()
        )
        self.lock = threading.Lock()

    def peek(self, store: Store, key: Hashable) -> Any:
        """The value kept for ``key``, or None."""
        with self.lock:
            entries = self.stores.setdefault(store, OrderedDict())
            if key in entries:
                entries.move_to_end(key)
                return entries[key]
        return None

    def put(self, store: Store, key: Hashable, value: Any) -> None:
        with self.lock:
            entries = self.stores.setdefault(store, OrderedDict())
            entries[key] = value
            while len(entries) > self.size:
                entries.popitem(last=False)

    def get(self, store: Store, key: Hashable, build: Callable[[], Any]) -> Any:
        value = self.peek(store, key)
        if value is None:
            value = build()
            self.put(store, key, value)
        return value


_SUMMARIES = _Memo(5000)
_PAGES = _Memo(64)


def _row_key(story: StoredStory) -> Hashable:
    """What a story shows changes only with these (``updated_at``: each time the stage rewrites it)."""
    return (
        story.id,
        story.title,
        tuple(story.article_ids),
        tuple(story.independent_sources),
        story.updated_at,
    )


def summarise(store: Store, row: StoredStory) -> Summary:
    """A story list entry: title, counts, sources, languages, corroboration badge."""
    return summaries(store, [row])[0]


def summaries(store: Store, stories: Sequence[StoredStory]) -> list[Summary]:
    """List entries for a page of stories: a fixed number of queries whatever the page's size."""
    keys = [_row_key(story) for story in stories]
    found: list[Summary | None] = [_SUMMARIES.peek(store, key) for key in keys]
    missing = [story for story, value in zip(stories, found, strict=True) if value is None]
    built = {
        _row_key(row): summary for row, summary in zip(missing, _summarise_all(store, missing), strict=True)
    }
    for key, summary in built.items():
        _SUMMARIES.put(store, key, summary)
    return [value if value is not None else built[key] for key, value in zip(keys, found, strict=True)]


class ArticleRef(TypedDict):
    id: str
    title: str | None
    language: str | None
    source: str | None


class Summary(TypedDict):
    id: str
    title: str | None
    article_ids: list[str]
    articles: list[ArticleRef]
    sources: int  # independent publishers
    languages: list[str]
    first_seen: str | None
    last_seen: str | None
    claims: int
    events: int
    unknown_sources: int  # articles with no known publisher
    corroboration: str


def _summarise_all(store: Store, rows: list[StoredStory]) -> list[Summary]:
    if not rows:
        return []
    ids = list(dict.fromkeys(aid for row in rows for aid in row.article_ids))
    arts = {a.id: a for a in dashboard.article_heads(store, ids)}
    counts = dashboard.count_facts_by_article(store, ids, ("claims", "events"))
    return [_summary(row, arts, counts) for row in rows]


def _summary(row: StoredStory, heads: dict[str, ArticleHead], counts: dict[str, dict[str, int]]) -> Summary:
    ids = list(row.article_ids)
    arts = [heads[i] for i in ids if i in heads]
    # Articles read from files carry no publisher: they are not counted as independent sources.
    sources = {key.casefold() for a in arts if (key := outlet_of(a.source, a.url))}
    if row.independent_sources:  # the story index knows who copied whom
        sources = {str(s) for s in row.independent_sources}
    dates = sorted(d for a in arts if (d := a.published or a.ingested_at))
    return {
        "id": row.id,
        "title": row.title or (arts[0].title if arts else row.id),
        "article_ids": ids,
        "articles": [
            {"id": a.id, "title": a.title, "language": a.language, "source": a.source} for a in arts
        ],
        "sources": len(sources),
        "languages": sorted({a.language for a in arts if a.language}),
        "first_seen": dates[0] if dates else None,
        "last_seen": dates[-1] if dates else None,
        "claims": sum(counts["claims"].get(i, 0) for i in ids),
        "events": sum(counts["events"].get(i, 0) for i in ids),
        "unknown_sources": sum(1 for a in arts if not outlet_of(a.source, a.url)),
        "corroboration": _badge(len(sources)),
    }


def _badge(sources: int) -> str:
    """Corroboration in one word: how many independent publishers carry the story."""
    if sources >= 3:
        return "corroborated"
    if sources == 2:
        return "two sources"
    return "single source" if sources == 1 else "sources unknown"


class ClaimView(Evidence):
    id: str
    kind: str
    source: str | None
    source_id: str | None  # the entity, to link its page
    source_text: str
    cue: str
    content: str
    channel: str | None
    about: list[str | None]
    about_ids: list[str]
    date: str | None
    carried: bool  # its source was named in an earlier sentence


class EventView(Evidence):
    id: str
    kind: str
    actor: str | None
    actor_id: str | None
    target: str | None
    target_id: str | None
    object: str | None
    place: str | None
    time: str | None
    claim_id: str | None


class ArticleView(TypedDict):
    id: str
    title: str | None
    source: str | None
    language: str | None
    published: str | None
    url: str | None  # web links only
    origin: str | None
    segments: list[Segment]


class Corroborated(TypedDict):
    kind: str
    actor: str | None
    target: str | None
    sources: list[str]
    article_ids: list[str]
    contested: bool


class PlaceMentionView(Evidence):
    text: str
    metonymy: bool


class MapPoint(TypedDict):
    id: str
    name: str
    lat: float
    lon: float
    country: NotRequired[str | None]
    feature: NotRequired[str | None]
    mentions: NotRequired[list[PlaceMentionView]]


class RouteView(Evidence):
    id: str
    what: str | None
    stops: list[MapPoint]


class MapLayer(TypedDict):
    places: list[MapPoint]
    routes: list[RouteView]


class TimelineItem(TypedDict):
    date: str
    kind: str  # published | ingested | date | event
    label: str
    article_id: str
    sentence: NotRequired[int]
    start: NotRequired[int]
    end: NotRequired[int]
    extractor: NotRequired[str | None]
    sentence_text: NotRequired[str]
    article_title: NotRequired[str | None]


class GraphEdge(Evidence):
    source: str
    target: str
    label: str
    type: str  # event | claim | co-mention


class GraphNode(TypedDict):
    id: str
    name: str | None
    kind: str | None


class Graph(TypedDict):
    nodes: list[GraphNode]
    edges: list[GraphEdge]


class StoryPage(TypedDict):
    id: str
    title: str | None
    summary: Summary
    corroborated: list[Corroborated]
    articles_left_out: int
    articles: list[ArticleView]
    claims: list[ClaimView]
    events: list[EventView]
    map: MapLayer
    timeline: list[TimelineItem]
    graph: Graph


def build_story(store: Store, story: StoredStory) -> StoryPage:
    """Everything the story page shows, with provenance on every fact (built once per story version)."""
    page: StoryPage = _PAGES.get(store, _row_key(story), lambda: _build_story(store, story))
    return page


def _build_story(store: Store, row: StoredStory) -> StoryPage:
    ids = list(row.article_ids)
    left_out = max(0, len(ids) - MAX_ARTICLES_PER_STORY)
    ids = ids[:MAX_ARTICLES_PER_STORY]
    arts = dashboard.articles_by_id(store, ids)
    sent_rows = dashboard.facts_of(store, Sentence, "sentences", ids)
    sentences = _Sentences(arts, sent_rows)
    by_article: dict[str, list[Sentence]] = defaultdict(list)
    for s in sent_rows:
        by_article[s.article_id].append(s)
    claims = dashboard.facts_of(store, Claim, "claims", ids)
    events = dashboard.facts_of(store, Event, "events", ids)
    pmentions = dashboard.facts_of(store, PlaceMention, "place_mentions", ids)
    routes = dashboard.facts_of(store, Route, "routes", ids)
    mentions = dashboard.facts_of(store, Mention, "mentions", ids)
    dates = dashboard.facts_of(store, DateRef, "dates", ids)
    named = {m.entity_id for m in mentions if m.entity_id} | _named_by(claims, events)
    names = dashboard.entities_by_id(store, named)
    place_ids = {p.place_id for p in pmentions} | {s for r in routes for s in r.stops or []}
    place_ids |= {e.place for e in events if e.place}
    places = dashboard.places_by_id(store, place_ids)
    titles = {a.id: a.title or a.id for a in arts}

    out_claims = [_claim_view(c, names, sentences) for c in claims]
    out_events = [_event_view(e, names, places, sentences) for e in events]
    return {
        "id": row.id,
        "title": row.title or (arts[0].title if arts else row.id),
        "summary": summarise(store, dataclasses.replace(row, article_ids=ids)),
        "corroborated": _corroborated(store, row.id, names),
        "articles_left_out": left_out,
        "articles": [
            {
                "id": a.id,
                "title": a.title,
                "source": a.source,
                "language": a.language,
                "published": a.published,
                "url": a.url if _is_web_url(a.url) else None,
                "origin": a.origin,
                "segments": article_segments(a.text, by_article[a.id]),
            }
            for a in arts
        ],  # fmt: skip
        "claims": out_claims,
        "events": out_events,
        "map": _map_layer(pmentions, routes, places, sentences),
        "timeline": _timeline(arts, dates, out_events, titles, sentences),
        "graph": _graph(claims, events, mentions, names, sentences),
    }


def _named_by(claims: Sequence[Claim], events: Sequence[Event]) -> set[str]:
    """The entities these facts name: claims' sources and subjects, events' actors and targets."""
    refs = {r for c in claims for r in (c.source_entity, *(c.about or []))}
    refs |= {r for e in events for r in (e.actor, e.target)}
    return {r for r in refs if r}


def _claim_view(c: Claim, names: dict[str, Entity], sentences: _Sentences) -> ClaimView:
    """A claim as pages show it: names for its entities, and their ids to link their pages."""
    return {
        "id": c.id, "kind": c.kind, "source": _name(names, c.source_entity) or c.source_text,
        "source_id": c.source_entity, "source_text": c.source_text, "cue": c.cue, "content": c.content,
        "channel": c.channel, "about": [_name(names, a) for a in c.about or []], "about_ids": list(c.about or []),
        "date": c.date, "carried": sentences.carried(c), **_evidence(c, sentences),
    }  # fmt: skip


def _event_view(
    e: Event, names: dict[str, Entity], places: dict[str, Place], sentences: _Sentences
) -> EventView:
    """An event as pages show it: names for its actor, target and place, and the entities' ids."""
    return {
        "id": e.id, "kind": e.kind, "actor": _name(names, e.actor), "actor_id": e.actor,
        "target": _name(names, e.target), "target_id": e.target, "object": e.object,
        "place": _place_name(places, e.place), "time": e.time, "claim_id": e.claim_id, **_evidence(e, sentences),
    }  # fmt: skip


@dataclasses.dataclass
class FactViews:
    claims: list[ClaimView]
    events: list[EventView]
    titles: dict[str, str]  # article id -> title (the id when untitled)


def fact_views(store: Store, claims: Sequence[Claim] = (), events: Sequence[Event] = ()) -> FactViews:
    """Claims and events from anywhere in the store (an entity's) as the story page shows them,
    each with its sentence: a fixed number of queries for the lot."""
    ids = list(dict.fromkeys([*(c.article_id for c in claims), *(e.article_id for e in events)]))
    arts = dashboard.articles_by_id(store, ids)
    sentences = _Sentences(arts, dashboard.facts_of(store, Sentence, "sentences", ids))
    names = dashboard.entities_by_id(store, _named_by(claims, events))
    places = dashboard.places_by_id(store, {e.place for e in events if e.place})
    return FactViews(
        claims=[_claim_view(c, names, sentences) for c in claims],
        events=[_event_view(e, names, places, sentences) for e in events],
        titles={a.id: a.title or a.id for a in arts},
    )


def _place_name(places: dict[str, Place], place_id: str | None) -> str | None:
    place = places.get(place_id) if place_id else None
    return place.name if place else None


_GROUPS = _Memo(256)


def corroboration_groups(store: Store, story_id: str) -> list[CorroborationGroup]:
    """A stored story's corroboration groups, computed once per version of the story."""
    story = saved.story(store, story_id)
    if story is None:
        return []
    return list(_GROUPS.get(store, _row_key(story), lambda: _groups(store, story.id)))


def _groups(store: Store, story_id: str) -> list[CorroborationGroup]:
    record = story_record(store, story_id)
    return record.corroboration or [] if record else []


def _corroborated(store: Store, story_id: str, names: dict[str, Entity]) -> list[Corroborated]:
    """Facts the stories stage found told by two or more independent sources."""
    groups = corroboration_groups(store, story_id) if story_id.startswith("story-") else []
    if not groups:
        return []
    known = dict(names) | dashboard.entities_by_id(store, (s for g in groups for s in g.independent_sources))
    return [
        {
            "kind": g.kind,
            "actor": _name(known, g.actor),
            "target": _name(known, g.target),
            "sources": [_name(known, s) or s for s in g.independent_sources],
            "article_ids": g.article_ids,
            "contested": bool(g.contradictions),
        }
        for g in groups
        if len(g.independent_sources) >= 2
    ]


def _is_web_url(url: str | None) -> bool:
    return bool(url) and str(url).startswith(("http://", "https://"))


def _map_layer(
    pmentions: list[PlaceMention], routes: list[Route], places: dict[str, Place], sentences: _Sentences
) -> MapLayer:
    points: dict[str, MapPoint] = {}
    for pm in pmentions:
        place = places.get(pm.place_id)
        if not place:
            continue
        point = points.setdefault(
            place.id,
            {"id": place.id, "name": place.name, "lat": place.lat, "lon": place.lon,
             "country": place.country, "feature": place.feature, "mentions": []},
        )  # fmt: skip
        point.setdefault("mentions", []).append(
            {"text": pm.text, "metonymy": bool(pm.metonymy), **_evidence(pm, sentences)}
        )
    lines: list[RouteView] = []
    for r in routes:
        stops = [places[s] for s in r.stops or [] if s in places]
        if len(stops) >= 2:
            lines.append(
                {
                    "id": r.id, "what": r.what,
                    "stops": [{"id": s.id, "name": s.name, "lat": s.lat, "lon": s.lon} for s in stops],
                    **_evidence(r, sentences),
                }
            )  # fmt: skip
    return {"places": sorted(points.values(), key=lambda p: -len(p.get("mentions", []))), "routes": lines}


def _timeline(
    arts: list[Article],
    dates: list[DateRef],
    events: list[EventView],
    titles: dict[str, str],
    sentences: _Sentences,
) -> list[TimelineItem]:
    items: list[TimelineItem] = []
    for a in arts:
        when = a.published or a.ingested_at
        label = "published" if a.published else "ingested"
        items.append({"date": (when or "")[:10], "kind": label, "label": a.title or a.id, "article_id": a.id})
    for d in dates:
        if d.value and d.resolved:
            items.append({"date": d.value, "kind": "date", "label": d.text, **_evidence(d, sentences)})
    for e in events:
        if e["time"]:
            who = " → ".join(x for x in (e["actor"], e["target"]) if x)
            evidence: Evidence = {
                "article_id": e["article_id"],
                "sentence": e["sentence"],
                "start": e["start"],
                "end": e["end"],
                "extractor": e["extractor"],
                "sentence_text": e["sentence_text"],
            }
            items.append(
                {"date": e["time"], "kind": "event", "label": f"{e['kind']} {who}".strip(), **evidence}
            )
    for item in items:
        item["article_title"] = titles.get(item["article_id"])
    return sorted(items, key=lambda i: (str(i["date"]).lstrip("-"), i["kind"]))


def _graph(
    claims: list[Claim],
    events: list[Event],
    mentions: list[Mention],
    names: dict[str, Entity],
    sentences: _Sentences,
) -> Graph:
    """Who did what to whom: event edges actor→target, claim edges source→about.

    With no events or claims yet, actors named in the same sentence are linked
    ("named with"), drawn dashed, so the page still shows who appears together.
    """
    edges: list[GraphEdge] = []
    for e in events:
        if e.actor and e.target and e.actor != e.target:
            edges.append(
                {
                    "source": e.actor,
                    "target": e.target,
                    "label": e.kind,
                    "type": "event",
                    **_evidence(e, sentences),
                }
            )
    for c in claims:
        for about in c.about or []:
            if c.source_entity and about != c.source_entity:
                edges.append(
                    {
                        "source": c.source_entity,
                        "target": about,
                        "label": c.kind,
                        "type": "claim",
                        **_evidence(c, sentences),
                    }
                )
    if not edges:
        by_sentence: dict[tuple[str, int], list[Mention]] = defaultdict(list)
        for m in mentions:
            entity = names.get(m.entity_id or "")
            if entity is not None and entity.kind in GRAPH_KINDS:
                by_sentence[(m.article_id, m.sentence)].append(m)
        seen: set[tuple[str, str]] = set()
        for group in by_sentence.values():
            for i, a in enumerate(group):
                for b in group[i + 1 :]:
                    x, y = str(a.entity_id), str(b.entity_id)
                    pair = (min(x, y), max(x, y))
                    if pair[0] != pair[1] and pair not in seen:
                        seen.add(pair)
                        edges.append(
                            {
                                "source": pair[0],
                                "target": pair[1],
                                "label": "named with",
                                "type": "co-mention",
                                **_evidence(a, sentences),
                            }
                        )
    ids = sorted({x for e in edges for x in (e["source"], e["target"])})
    nodes: list[GraphNode] = [{"id": i, "name": _name(names, i), "kind": _kind(names, i)} for i in ids]
    return {"nodes": nodes, "edges": edges}


def _kind(names: dict[str, Entity], entity_id: str) -> str | None:
    entity = names.get(entity_id)
    return entity.kind if entity else None
