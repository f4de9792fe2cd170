"""What a story page shows, built from store rows: articles cut into sentences, facts with
their sentence, a timeline, a map layer and an actor graph.

Plain data (dicts, lists) so the HTML page and its JSON twin are the same thing.
Every fact keeps ``article_id``, ``start``/``end`` and ``sentence``: the page can
always show and highlight the sentence a fact came from.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from veille.store import dashboard
from veille.store.database import Store

MAX_ARTICLES_PER_STORY = 200  # a page stays usable; the JSON says how many were left out
MAX_SENTENCE_CHARS = 2000
GRAPH_KINDS = ("country", "organisation", "person")


def article_segments(text: str, sentences: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The text cut at sentence bounds: [{"s": index or None, "start": offset, "text": ...}], covering it all."""
    out: list[dict[str, Any]] = []
    pos = 0
    for s in sorted(sentences, key=lambda r: r["start"]):
        start, end = max(s["start"], pos), min(s["end"], len(text))
        if start > pos:
            out.append({"s": None, "start": pos, "text": text[pos:start]})
        if end > start:
            out.append({"s": s["index"], "start": start, "text": text[start:end]})
            pos = end
    if pos < len(text):
        out.append({"s": None, "start": pos, "text": text[pos:]})
    return out


class _Sentences:
    def __init__(self, articles: list[dict[str, Any]], rows: list[dict[str, Any]]) -> None:
        self.text = {a["id"]: a["text"] for a in articles}
        self.bounds = {(r["article_id"], r["index"]): (r["start"], r["end"]) for r in rows}

    def of(self, fact: dict[str, Any]) -> str:
        start, end = self.bounds.get((fact["article_id"], fact["sentence"]), (fact["start"], fact["end"]))
        return self.text[fact["article_id"]][start:end][:MAX_SENTENCE_CHARS]


def _evidence(fact: dict[str, Any], sentences: _Sentences) -> dict[str, Any]:
    """The provenance every shown fact carries."""
    return {
        "article_id": fact["article_id"],
        "sentence": fact["sentence"],
        "start": fact["start"],
        "end": fact["end"],
        "extractor": fact.get("extractor"),
        "sentence_text": sentences.of(fact),
    }


def _name(names: dict[str, dict[str, Any]], ref: str | None) -> str | None:
    if not ref:
        return None
    row = names.get(ref)
    return row["name"] if row else ref


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


def _row_key(row: dict[str, Any]) -> Hashable:
    def frozen(value: Any) -> Hashable:
        return tuple(value) if isinstance(value, list) else value

    return tuple((k, frozen(row.get(k))) for k in ("id", "title", "article_ids", "independent_sources",
                                                  "corroboration", "updated_at"))  # fmt: skip


def summarise(store: Store, row: dict[str, Any]) -> dict[str, Any]:
    """A story list entry: title, counts, sources, languages, corroboration badge."""
    return summarise_many(store, [row])[0]


def summarise_many(store: Store, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """List entries for a page of stories: a fixed number of queries whatever the page's size."""
    keys = [_row_key(row) for row in rows]
    found = [_SUMMARIES.peek(store, key) for key in keys]
    missing = [row for row, value in zip(rows, found, strict=True) if value is None]
    built = {
        _row_key(row): summary for row, summary in zip(missing, _summarise_all(store, missing), strict=True)
    }
    for key, summary in built.items():
        _SUMMARIES.put(store, key, summary)
    return [value if value is not None else built[key] for key, value in zip(keys, found, strict=True)]


def _summarise_all(store: Store, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if not rows:
        return []
    ids = list(dict.fromkeys(aid for row in rows for aid in row.get("article_ids") or []))
    arts = {a["id"]: a for a in dashboard.article_heads(store, ids)}
    counts = dashboard.count_facts_by_article(store, ids, ("claims", "events"))
    return [_summary(row, arts, counts) for row in rows]


def _summary(
    row: dict[str, Any], heads: dict[str, dict[str, Any]], counts: dict[str, dict[str, int]]
) -> dict[str, Any]:
    ids = list(row.get("article_ids") or [])
    arts = [heads[i] for i in ids if i in heads]
    # Articles read from files carry no publisher: they are not counted as independent sources.
    sources = {key for a in arts if (key := dashboard.source_key(a))}
    independent = row.get("independent_sources")
    if isinstance(independent, list) and independent:  # the story index knows who copied whom
        sources = {str(s) for s in independent}
    dates = sorted(d for a in arts if (d := a.get("published") or a.get("ingested_at")))
    return {
        "id": row["id"],
        "title": row.get("title") or (arts[0]["title"] if arts else row["id"]),
        "article_ids": ids,
        "articles": [
            {"id": a["id"], "title": a["title"], "language": a["language"], "source": a["source"]}
            for a in arts
        ],
        "sources": len(sources),
        "languages": sorted({a["language"] for a in arts if a.get("language")}),
        "first_seen": dates[0] if dates else None,
        "last_seen": dates[-1] if dates else None,
        "claims": sum(counts["claims"].get(i, 0) for i in ids),
        "events": sum(counts["events"].get(i, 0) for i in ids),
        "unknown_sources": sum(1 for a in arts if not dashboard.source_key(a)),
        "corroboration": row.get("corroboration") or _badge(len(sources)),
    }


def _badge(sources: int) -> str:
    """Corroboration in one word: how many independent publishers carry the story."""
    if sources >= 3:
        return "corroborated"
    if sources == 2:
        return "two sources"
    return "single source" if sources == 1 else "sources unknown"


def build_story(store: Store, row: dict[str, Any]) -> dict[str, Any]:
    """Everything the story page shows, with provenance on every fact (built once per story version)."""
    return _PAGES.get(store, _row_key(row), lambda: _build_story(store, row))


def _build_story(store: Store, row: dict[str, Any]) -> dict[str, Any]:
    ids = list(row.get("article_ids") or [])
    left_out = max(0, len(ids) - MAX_ARTICLES_PER_STORY)
    ids = ids[:MAX_ARTICLES_PER_STORY]
    arts = dashboard.articles_by_id(store, ids)
    sent_rows = dashboard.facts_of(store, "sentences", ids)
    sentences = _Sentences(arts, sent_rows)
    by_article: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for s in sent_rows:
        by_article[s["article_id"]].append(s)
    claims = dashboard.facts_of(store, "claims", ids)
    events = dashboard.facts_of(store, "events", ids)
    pmentions = dashboard.facts_of(store, "place_mentions", ids)
    routes = dashboard.facts_of(store, "routes", ids)
    mentions = dashboard.facts_of(store, "mentions", ids)
    dates = dashboard.facts_of(store, "dates", ids)
    named = {m["entity_id"] for m in mentions if m["entity_id"]} | _named_by(claims, events)
    names = dashboard.entities_by_id(store, named)
    place_ids = {p["place_id"] for p in pmentions} | {s for r in routes for s in r["stops"] or []}
    place_ids |= {e["place"] for e in events if e["place"]}
    places = dashboard.places_by_id(store, place_ids)
    titles = {a["id"]: a["title"] or a["id"] for a in arts}

    out_claims = [_claim_view(c, names, sentences) for c in claims]
    out_events = [_event_view(e, names, places, sentences) for e in events]
    return {
        "id": row["id"],
        "title": row.get("title") or (arts[0]["title"] if arts else row["id"]),
        "summary": summarise(store, {**row, "article_ids": ids}),
        "corroborated": _corroborated(store, row["id"], names),
        "articles_left_out": left_out,
        "articles": [
            {
                "id": a["id"],
                "title": a["title"],
                "source": a["source"],
                "language": a["language"],
                "published": a["published"],
                "url": a["url"] if _is_web_url(a["url"]) else None,
                "origin": a["origin"],
                "segments": article_segments(a["text"], by_article[a["id"]]),
            }
            for a in arts
        ],  # fmt: skip
        "claims": out_claims,
        "events": out_events,
        "map": _map_layer(pmentions, routes, places, sentences),
        "timeline": _timeline(arts, dates, out_events, titles, sentences),
        "graph": _graph(claims, events, mentions, names, sentences),
    }


def _named_by(claims: list[dict[str, Any]], events: list[dict[str, Any]]) -> set[str]:
    """The entities these facts name: claims' sources and subjects, events' actors and targets."""
    refs = {r for c in claims for r in (c["source_entity"], *(c["about"] or []))}
    refs |= {r for e in events for r in (e["actor"], e["target"])}
    return {r for r in refs if r}


def _claim_view(c: dict[str, Any], names: dict[str, dict[str, Any]], sentences: _Sentences) -> dict[str, Any]:
    """A claim as pages show it: names for its entities (their ids too, to link their pages)."""
    return {
        "id": c["id"], "kind": c["kind"], "source": _name(names, c["source_entity"]) or c["source_text"],
        "source_id": c["source_entity"], "source_text": c["source_text"], "cue": c["cue"], "content": c["content"],
        "channel": c["channel"], "about": [_name(names, a) for a in c["about"] or []], "about_ids": c["about"] or [],
        "date": c["date"], **_evidence(c, sentences),
    }  # fmt: skip


def _event_view(
    e: dict[str, Any],
    names: dict[str, dict[str, Any]],
    places: dict[str, dict[str, Any]],
    sentences: _Sentences,
) -> dict[str, Any]:
    """An event as pages show it: names for its actor, target and place (and the entities' ids)."""
    return {
        "id": e["id"], "kind": e["kind"], "actor": _name(names, e["actor"]), "target": _name(names, e["target"]),
        "actor_id": e["actor"], "target_id": e["target"], "object": e["object"],
        "place": (places.get(e["place"]) or {}).get("name") if e["place"] else None,
        "time": e["time"], "claim_id": e["claim_id"], **_evidence(e, sentences),
    }  # fmt: skip


@dataclass
class FactViews:
    claims: list[dict[str, Any]]
    events: list[dict[str, Any]]
    titles: dict[str, str]  # article id -> title (the id when untitled)


def fact_views(
    store: Store, claims: list[dict[str, Any]] | None = None, events: list[dict[str, Any]] | None = None
) -> FactViews:
    """Claims and events from anywhere in the store (an entity's, a search's) as the story page
    shows them, each with its sentence: a fixed number of queries for the lot."""
    claims, events = claims or [], events or []
    ids = list(dict.fromkeys(f["article_id"] for f in [*claims, *events]))
    arts = dashboard.articles_by_id(store, ids)
    sentences = _Sentences(arts, dashboard.facts_of(store, "sentences", ids))
    names = dashboard.entities_by_id(store, _named_by(claims, events))
    places = dashboard.places_by_id(store, {e["place"] for e in events if e["place"]})
    return FactViews(
        claims=[_claim_view(c, names, sentences) for c in claims],
        events=[_event_view(e, names, places, sentences) for e in events],
        titles={a["id"]: a["title"] or a["id"] for a in arts},
    )


def _corroborated(store: Store, story_id: str, names: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Facts the stories stage found told by two or more independent sources (none without that stage)."""
    try:
        from veille.stories.export import story_record
    except ImportError:
        return []
    record = story_record(store.engine, story_id) if story_id.startswith("story-") else None
    if not record:
        return []
    known = dict(names) | dashboard.entities_by_id(
        store, (s for g in record["corroboration"] for s in g["independent_sources"])
    )
    return [
        {
            "kind": g["kind"],
            "actor": _name(known, g.get("actor")),
            "target": _name(known, g.get("target")),
            "sources": [_name(known, s) or s for s in g["independent_sources"]],
            "article_ids": g["article_ids"],
            "contested": bool(g["contradictions"]),
        }
        for g in record["corroboration"]
        if len(g["independent_sources"]) >= 2
    ]


def _is_web_url(url: str | None) -> bool:
    return bool(url) and str(url).startswith(("http://", "https://"))


def _map_layer(
    pmentions: list[dict[str, Any]],
    routes: list[dict[str, Any]],
    places: dict[str, dict[str, Any]],
    sentences: _Sentences,
) -> dict[str, Any]:
    points: dict[str, dict[str, Any]] = {}
    for pm in pmentions:
        place = places.get(pm["place_id"])
        if not place:
            continue
        point = points.setdefault(
            place["id"],
            {"id": place["id"], "name": place["name"], "lat": place["lat"], "lon": place["lon"],
             "country": place["country"], "feature": place["feature"], "mentions": []},
        )  # fmt: skip
        point["mentions"].append(
            {"text": pm["text"], "metonymy": bool(pm["metonymy"]), **_evidence(pm, sentences)}
        )
    lines = []
    for r in routes:
        stops = [places[s] for s in r["stops"] or [] if s in places]
        if len(stops) >= 2:
            lines.append(
                {
                    "id": r["id"], "what": r["what"],
                    "stops": [{"id": s["id"], "name": s["name"], "lat": s["lat"], "lon": s["lon"]} for s in stops],
                    **_evidence(r, sentences),
                }
            )  # fmt: skip
    return {"places": sorted(points.values(), key=lambda p: -len(p["mentions"])), "routes": lines}


def _timeline(
    arts: list[dict[str, Any]],
    dates: list[dict[str, Any]],
    events: list[dict[str, Any]],
    titles: dict[str, str],
    sentences: _Sentences,
) -> list[dict[str, Any]]:
    items = []
    for a in arts:
        when = a["published"] or a["ingested_at"]
        label = "published" if a["published"] else "ingested"
        items.append(
            {"date": (when or "")[:10], "kind": label, "label": a["title"] or a["id"], "article_id": a["id"]}
        )
    for d in dates:
        if d["value"] and d["resolved"]:
            items.append({"date": d["value"], "kind": "date", "label": d["text"], **_evidence(d, sentences)})
    for e in events:
        if e["time"]:
            who = " → ".join(x for x in (e["actor"], e["target"]) if x)
            evidence = {
                k: e[k] for k in ("article_id", "sentence", "start", "end", "extractor", "sentence_text")
            }
            items.append(
                {"date": e["time"], "kind": "event", "label": f"{e['kind']} {who}".strip(), **evidence}
            )
    for item in items:
        item["article_title"] = titles.get(item["article_id"])
    return sorted(items, key=lambda i: (str(i["date"]).lstrip("-"), i["kind"]))


def _graph(
    claims: list[dict[str, Any]],
    events: list[dict[str, Any]],
    mentions: list[dict[str, Any]],
    names: dict[str, dict[str, Any]],
    sentences: _Sentences,
) -> dict[str, Any]:
    """Who did what to whom: event edges actor→target, claim edges source→about.

    With no events or claims yet, actors named in the same sentence are linked
    ("named with"), drawn dashed, so the page still shows who appears together.
    """
    edges: list[dict[str, Any]] = []
    for e in events:
        if e["actor"] and e["target"] and e["actor"] != e["target"]:
            edges.append(
                {
                    "source": e["actor"],
                    "target": e["target"],
                    "label": e["kind"],
                    "type": "event",
                    **_evidence(e, sentences),
                }
            )
    for c in claims:
        for about in c["about"] or []:
            if c["source_entity"] and about != c["source_entity"]:
                edges.append(
                    {
                        "source": c["source_entity"],
                        "target": about,
                        "label": c["kind"],
                        "type": "claim",
                        **_evidence(c, sentences),
                    }
                )
    if not edges:
        by_sentence: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
        for m in mentions:
            if (names.get(m["entity_id"]) or {}).get("kind") in GRAPH_KINDS:
                by_sentence[(m["article_id"], m["sentence"])].append(m)
        seen: set[tuple[str, str]] = set()
        for group in by_sentence.values():
            for i, a in enumerate(group):
                for b in group[i + 1 :]:
                    pair = (min(a["entity_id"], b["entity_id"]), max(a["entity_id"], b["entity_id"]))
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
    nodes = [{"id": i, "name": _name(names, i), "kind": (names.get(i) or {}).get("kind")} for i in ids]
    return {"nodes": nodes, "edges": edges}
