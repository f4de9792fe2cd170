"""Routes: "de A à B, puis vers C", "à travers la mer Noire", "from A across B to C".

In a sentence that speaks of movement (shipped, delivered, itinéraire...), each
place mention takes the role given by the last route word before it: origin
("de", "from"), destination ("à", "vers", "to"), transit ("à travers", "via",
"across") or locator ("dans le sud de", "sur", "in", "near": describes the previous
stop, is not one). A sentence that only says "through X" lends its transit stops
to a full route one or two sentences away, inserted where they lengthen the path least.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from veille.config import Settings
from veille.contract import extractor_factory
from veille.geo.spatial import haversine_km
from veille.model import Analysis, Place, PlaceMention, Route, fact_id

EXTRACTOR = "geo.routes"
MOVEMENT = re.compile(
    r"(?<!\w)(expédi|livr|achemin|transport|itinéraire|trajet|transf[eé]r|envoy|transit|export|import|"
    r"convoy|ship|deliver|rout|smuggl|flew|flown|fly|flies|sail|sent|send|travel|ferr|truck|moved|moving)\w*",
    re.IGNORECASE,
)
_COMPASS = ("nord", "sud", "est", "ouest", "centre", "north", "south", "east", "west", "center", "centre")
ROLE_MARKERS: dict[str, tuple[str, ...]] = {
    "transit": (
        "à travers",
        "a travers",
        "en passant par",
        "via",
        "par",
        "across",
        "through",
        "over",
        "by way of",
    ),
    "destination": (
        *("jusqu'à", "jusqu’à", "jusqu'au", "jusqu’au", "à destination de", "en direction de", "puis vers"),
        *("vers", "à", "au", "aux", "to", "towards", "toward", "into", "onto", "then to"),
        *("on to", "onward to", "onwards to", "bound for", "en route to", "destined for"),
    ),
    "origin": ("en provenance de", "depuis", "de", "d'", "d’", "du", "des", "from", "out of"),
    "locator": (
        *(
            f"{prep} {art}{c} {of}"
            for prep in ("dans", "au", "à")
            for art in ("le ", "l'", "l’", "")
            for c in _COMPASS
            for of in ("de", "du", "d'", "d’")
        ),
        *(f"{c} of" for c in _COMPASS),
        *("dans", "sur", "près de", "en", "in", "on", "near", "at", "outside", "off"),
    ),
}
_ALTERNATIVES = sorted(
    ((m, role) for role, markers in ROLE_MARKERS.items() for m in markers), key=lambda x: -len(x[0])
)
# Longest alternative first, so "à travers" beats "à" and "dans le sud de" beats "dans".


def _marker_pattern(i: int, marker: str) -> str:
    # An elided marker ("d'") runs straight into the next word; others end at a word boundary.
    end = "" if marker.endswith(("'", "’")) else r"(?!\w)"
    return rf"(?P<m{i}>{re.escape(marker)}{end})"


# The word-start look-behind is shared, outside the alternation: inside a word the match
# fails at once instead of trying every marker (7x faster, same matches).
_MARKER = re.compile(
    r"(?<!\w)(?:" + "|".join(_marker_pattern(i, m) for i, (m, _) in enumerate(_ALTERNATIVES)) + ")",
    re.IGNORECASE,
)
GAP_CHARS = 60  # only the words just before a name decide its role
SENTENCE_WINDOW = 2


_WORD_START = re.compile(r"(?<!\w)\w+['’]?")
# Markers by their first word, longest first: a word start only tries the few markers that
# begin with that word (one big alternation tried every marker at every position).
_BY_FIRST: dict[str, list[tuple[str, str]]] = {}
for _marker, _role in _ALTERNATIVES:
    _first = _WORD_START.match(_marker.lower())
    _BY_FIRST.setdefault(_first.group() if _first else _marker.lower(), []).append((_marker.lower(), _role))


def _marker_at(low: str, start: int, first: str) -> tuple[int, str] | None:
    for marker, role in _BY_FIRST.get(first, ()):
        end = start + len(marker)
        if not low.startswith(marker, start):
            continue
        if marker.endswith(("'", "’")) or end >= len(low) or not (low[end].isalnum() or low[end] == "_"):
            return end, role
    return None


def role_before(gap: str) -> str | None:
    """Role given by the last route word in the text just before a place name."""
    text = gap[-GAP_CHARS:]
    low = text.lower()
    if len(low) != len(text):  # a case mapping that changes length: keep offsets exact
        last = None
        for m in _MARKER.finditer(text):
            last = _ALTERNATIVES[int((m.lastgroup or "m0")[1:])][1]
        return last
    last, resume = None, 0
    for word in _WORD_START.finditer(low):
        if word.start() < resume:
            continue  # inside the previous marker, as a left-to-right scan would skip it
        found = _marker_at(low, word.start(), word.group())
        if found is None and word.group().endswith(("'", "’")):
            found = _marker_at(low, word.start(), word.group()[:-1])
        if found is not None:
            resume, last = found
    return last


@dataclass
class _Draft:
    sentence: int
    stops: list[PlaceMention]
    transit_only: bool
    what: str | None = None


MOVED_DEPS = {"nsubj:pass", "nsubjpass", "obj", "dobj"}


def _noun_phrase(tok: Token) -> str:
    """The noun with its adjectives ("drones", "Iranian drones")."""
    words = [
        tok,
        *(c for c in tok.children if c.dep_ in {"amod", "compound"} and c.pos_ in {"ADJ", "NOUN", "PROPN"}),
    ]
    lo, hi = min(w.i for w in words), max(w.i for w in words)
    return tok.doc[lo : hi + 1].text


def what_moves(doc: Doc, start: int, end: int) -> str | None:
    """What the sentence says is moved: the object or passive subject of the movement verb
    ("les munitions ont été expédiées"), or the noun a movement noun governs ("l'itinéraire
    de livraison des drones"). Needs a dependency parse; None without one."""
    if not doc.has_annotation("DEP"):
        return None
    span = doc.char_span(start, end, alignment_mode="expand")  # its tokens only, not the whole doc's
    for tok in (t for t in span or () if start <= t.idx < end and MOVEMENT.fullmatch(t.text)):
        if tok.pos_ == "VERB":
            moved = next((c for c in tok.children if c.dep_ in MOVED_DEPS and c.pos_ == "NOUN"), None)
            if moved is not None:
                return _noun_phrase(moved)
        node: Token | None = tok
        while node is not None and node.pos_ == "NOUN":
            nxt = next((c for c in node.children if c.dep_ in {"nmod", "pobj"} and c.pos_ == "NOUN"), None)
            if nxt is not None and not MOVEMENT.fullmatch(nxt.text):
                return _noun_phrase(nxt)
            node = nxt
    return None


def _sentence_draft(text: str, sent_start: int, mentions: list[PlaceMention], sentence: int) -> _Draft | None:
    prev_end = sent_start
    origins: list[PlaceMention] = []
    others: list[PlaceMention] = []
    roles: list[str] = []
    for m in mentions:
        role = role_before(text[prev_end : m.start])
        prev_end = m.end
        if role == "origin" and not others:
            origins.append(m)
        elif role in {"origin", "destination", "transit"}:
            others.append(m)
        else:
            continue
        roles.append(role)
    stops = _dedupe(origins + others)
    if not stops:
        return None
    transit_only = all(r == "transit" for r in roles)
    if not transit_only and (len(stops) < 2 or all(r == "origin" for r in roles)):
        return None  # "de la Russie et de l'Iran": origins alone are not a path
    return _Draft(sentence, stops, transit_only)


def _dedupe(stops: list[PlaceMention]) -> list[PlaceMention]:
    out: list[PlaceMention] = []
    for m in stops:
        if not out or out[-1].place_id != m.place_id:
            out.append(m)
    return out


def _path_km(stops: list[PlaceMention], places: dict[str, Place]) -> float:
    pts = [places[m.place_id] for m in stops]
    return sum(haversine_km(a.lat, a.lon, b.lat, b.lon) for a, b in zip(pts, pts[1:], strict=False))


def _insert_transit(
    route: list[PlaceMention], via: PlaceMention, places: dict[str, Place]
) -> list[PlaceMention]:
    """Put ``via`` between two stops where it adds the least distance."""
    options = [route[:i] + [via] + route[i:] for i in range(1, len(route))]
    return min(options, key=lambda r: _path_km(r, places))


def extract_routes(analysis: Analysis, doc: Doc, mentions: list[PlaceMention]) -> list[Route]:
    """Ordered routes with geocoded stops, tied to the claim or event of their sentence when known."""
    text = analysis.article.text
    drafts: list[_Draft] = []
    by_sentence: dict[int, list[PlaceMention]] = {}
    for m in mentions:
        by_sentence.setdefault(m.sentence, []).append(m)
    for s in analysis.sentences:
        in_sentence = sorted(by_sentence.get(s.index, ()), key=lambda m: m.start)
        draft = _sentence_draft(text, s.start, in_sentence, s.index)
        # Without a movement word only "through X" counts, and only lent to a route nearby.
        if draft and (draft.transit_only or MOVEMENT.search(text[s.start : s.end])):
            draft.what = what_moves(doc, s.start, s.end)
            drafts.append(draft)
    full = [d for d in drafts if not d.transit_only]
    for frag in (d for d in drafts if d.transit_only):
        near = [d for d in full if abs(d.sentence - frag.sentence) <= SENTENCE_WINDOW]
        if not near:
            continue
        host = min(near, key=lambda d: abs(d.sentence - frag.sentence))
        for via in frag.stops:
            if all(m.place_id != via.place_id for m in host.stops):
                host.stops = _insert_transit(host.stops, via, analysis.places)
    return [_route(analysis, d) for d in full]


def link_route(analysis: Analysis, route: Route) -> None:
    """Tie a route to the claim of its sentence whose content overlaps its stops, and to the
    event of its sentence (one naming a stop first, then any but a bare statement)."""
    in_place = analysis.in_sentence("place_mentions", route.sentence)
    main = [m for m in in_place if m.place_id in route.stops]
    if main and route.claim_id is None:
        lo, hi = min(m.start for m in main), max(m.end for m in main)
        route.claim_id = next(
            (c.id for c in analysis.in_sentence("claims", route.sentence) if c.start < hi and lo < c.end),
            None,
        )
    if route.event_id is None:
        events = analysis.in_sentence("events", route.sentence)
        ranked = sorted(events, key=lambda e: (e.place not in route.stops, e.kind == "statement"))
        route.event_id = ranked[0].id if ranked else None


@extractor_factory(requires=("places", "place_mentions", "routes", "claims", "events"), assigns=("routes",))
def create_route_linker(settings: Settings) -> Callable[[Analysis, Doc], None]:
    """Factory for the "geo_links" extractor: ties routes to the claims and events of their sentences."""

    def link(analysis: Analysis, doc: Doc) -> None:
        for route in analysis.routes:
            link_route(analysis, route)

    return link


def _route(analysis: Analysis, draft: _Draft) -> Route:
    start = min(m.start for m in draft.stops)
    end = max(m.end for m in draft.stops)
    stops = [m.place_id for m in draft.stops]
    route = Route(
        id=fact_id(analysis.article.id, "route", *stops, start),
        article_id=analysis.article.id,
        stops=stops,
        start=start,
        end=end,
        sentence=draft.sentence,
        extractor=EXTRACTOR,
        what=draft.what,
    )
    link_route(analysis, route)  # when claims and events were extracted before geo
    return route
