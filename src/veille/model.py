"""veille's core data model: the objects every stage reads and writes.

Stages take model objects and return model objects; only ``veille.store`` maps
them to tables, following the declarations in ``veille.facts`` (which table, which
``Analysis`` field, what is exported). Every fact carries its provenance: the article it comes from,
character offsets into that article's stored text, the sentence index, and the
name of the extractor that produced it.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import accumulate
from typing import Any, Generic, Literal, TypeVar, get_args
from urllib.parse import urlsplit

# Closed vocabularies, checked by mypy where facts are built (the store keeps them as strings).
EntityKind = Literal["country", "organisation", "person", "place", "other"]
ENTITY_KINDS: tuple[EntityKind, ...] = get_args(EntityKind)
ClaimKind = Literal["statement", "assessment", "warning", "forecast", "evidence"]
# How a claim's source is given: named | pronoun ("he") | description ("the ministry",
# resolved to the entity in focus) | anonymous ("officials", "a senior diplomat": no entity).
SourceType = Literal["named", "pronoun", "description", "anonymous"]
DateKind = Literal["absolute", "range", "relative"]
RunStatus = Literal["ran", "limited"]  # an extractor ran fully, or could not (no model, no parser)


def normalise_text(text: str) -> str:
    """Text reduced to what decides whether two articles are the same.

    NFKC, case-folded, punctuation and whitespace runs collapsed: two copies that
    differ only in quotes, spacing or line breaks hash the same.
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[^\w]+", " ", text)
    return text.strip()


def _fold_raw(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[\s\u2019']+", " ", stripped)


def fold(text: str) -> str:
    """Case- and accent-insensitive key for names and terms ("Téhéran" == "teheran", "l’Iran" == "l'iran")."""
    return re.sub(" +", " ", _fold_raw(text)).strip()


@lru_cache(maxsize=200_000)
def fold_token(text: str) -> str:
    """``fold`` of one token without the final strip, so folded tokens can be joined (cached: tokens repeat)."""
    return _fold_raw(text)


def text_hash(text: str) -> str:
    """Stable hash of the normalised text (exact-duplicate key)."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


def article_id_for(text: str) -> str:
    """Article ids derive from content, so re-ingesting the same text is a no-op."""
    return text_hash(text)[:16]


def parse_day(value: str | None) -> int | None:
    """Ordinal day of an ISO date or datetime, None when absent or unparseable."""
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10]).toordinal()
    except ValueError:
        return None


def outlet_of(source: str | None, url: str | None) -> str | None:
    """Who published an article, the one rule every count of sources uses: the publisher's name,
    else the web site's host (``www.`` dropped), else None (an article read from a file names no
    publisher and never counts as a source)."""
    if source and source.strip():
        return source.strip()
    host = urlsplit(url or "").hostname
    return host.removeprefix("www.") if host else None


def fact_id(article_id: str, kind: str, *parts: object) -> str:
    """Deterministic id for a fact: same article, same extractor output, same id."""
    digest = hashlib.sha1("|".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:10]
    return f"{article_id}:{kind}:{digest}"


@dataclass
class Article:
    """One news article after cleaning. ``text`` is the stored body; all offsets point into it."""

    id: str
    text: str
    title: str | None = None
    source: str | None = None  # publisher or site name
    url: str | None = None
    published: str | None = None  # ISO 8601 date or datetime, when known
    language: str | None = None  # ISO 639-1 code, "und" when undetected
    origin: str | None = None  # where veille read it: a path, a URL, a feed entry
    text_hash: str = ""
    ingested_at: str | None = None

    def __post_init__(self) -> None:
        if not self.text_hash:
            self.text_hash = text_hash(self.text)


@dataclass
class Sentence:
    article_id: str
    index: int
    start: int
    end: int


@dataclass
class Entity:
    """A real-world thing that mentions resolve to (Russia, the White House, John Kirby)."""

    id: str  # stable key, e.g. "country:RU", "org:white-house", "person:john-kirby"
    name: str  # canonical name
    kind: EntityKind
    country: str | None = None  # ISO 3166-1 alpha-2, where known
    aliases: list[str] = field(default_factory=list)
    attributes: dict[str, Any] = field(default_factory=dict)


# The prefix of each kind's entity ids ("country:RU", "org:white-house"): the one place that
# knows them, so code asks ``entity_kind`` (or reads ``Entity.kind``) instead of parsing ids.
ENTITY_ID_PREFIXES: dict[EntityKind, str] = {
    "country": "country",
    "organisation": "org",
    "person": "person",
    "place": "place",
}
_KIND_OF_PREFIX: dict[str, EntityKind] = {prefix: kind for kind, prefix in ENTITY_ID_PREFIXES.items()}


def entity_kind(entity_id: str | None) -> EntityKind | None:
    """The kind an entity id names ("org:white-house" -> "organisation"); None without a known prefix."""
    prefix, colon, _key = (entity_id or "").partition(":")
    return _KIND_OF_PREFIX.get(prefix) if colon else None


@dataclass
class Mention:
    """A span of an article that names an entity."""

    article_id: str
    start: int
    end: int
    text: str
    label: str  # PER, ORG, LOC, GPE, MISC, NORP (demonym) ...
    sentence: int
    extractor: str
    entity_id: str | None = None
    role: str | None = None  # e.g. "government" for metonymy ("Moscou a déclaré")


@dataclass
class Amount:
    """A quantity or sum of money ("2,76 milliards de dollars" = 2.76e9 USD)."""

    article_id: str
    start: int
    end: int
    text: str
    sentence: int
    extractor: str
    unit: str | None = None
    value: float | None = None
    value_min: float | None = None
    value_max: float | None = None
    approximate: bool = False


@dataclass
class DateRef:
    """A date or period named in the text, resolved against publication when possible."""

    article_id: str
    start: int
    end: int
    text: str
    sentence: int
    extractor: str
    kind: DateKind = "absolute"
    value: str | None = None  # ISO date, partial date ("--09-30") or year ("2022")
    end_value: str | None = None  # end of a range
    resolved: bool = False


@dataclass
class Claim:
    """Who asserted what: source, cue and the content span, all with offsets."""

    id: str
    article_id: str
    source_entity: str | None  # entity id of the source, when resolved
    source_text: str
    cue: str
    content: str
    start: int  # content span
    end: int
    sentence: int
    kind: ClaimKind
    extractor: str
    about: list[str] = field(default_factory=list)  # entity ids
    channel: str | None = None
    date: str | None = None
    source_start: int | None = None
    source_end: int | None = None
    cue_start: int | None = None
    cue_end: int | None = None
    source_type: SourceType | None = None


@dataclass
class Event:
    """Who did what to whom, typed (see docs/events.md), tied to its sentence and claim."""

    id: str
    article_id: str
    kind: str
    start: int
    end: int
    sentence: int
    extractor: str
    actor: str | None = None  # entity id
    target: str | None = None  # entity id
    object: str | None = None
    quantity: Amount | None = None
    amount: Amount | None = None
    place: str | None = None  # place id
    time: str | None = None
    claim_id: str | None = None
    source_entity: str | None = None


@dataclass
class Place:
    """A geocoded location from the gazetteer."""

    id: str  # "geonames:524901" or "veille:alabuga-sez"
    name: str
    lat: float
    lon: float
    country: str | None = None
    feature: str | None = None  # GeoNames feature class/code ("P.PPLC", "H.SEA")
    geonames_id: int | None = None
    population: int | None = None


@dataclass
class PlaceMention:
    article_id: str
    place_id: str
    start: int
    end: int
    text: str
    sentence: int
    extractor: str
    metonymy: bool = False  # the place names a government ("Moscou a déclaré")


@dataclass
class Route:
    """An ordered path named in a sentence ("from A across B to C")."""

    id: str
    article_id: str
    stops: list[str]  # place ids, in order
    start: int
    end: int
    sentence: int
    extractor: str
    what: str | None = None
    event_id: str | None = None
    claim_id: str | None = None


@dataclass
class RelativeLocation:
    """A stated position relative to an anchor place, checked against the gazetteer.

    ``consistent`` is None when either place could not be geocoded.
    """

    article_id: str
    start: int
    end: int
    text: str
    sentence: int
    extractor: str
    anchor: str  # place id the distance is measured from ("Moscou")
    target: str | None  # place id that is said to lie there ("Kazan")
    distance_km: float  # as stated, in km
    bearing: float | None  # stated direction, degrees from north; None for "30 km from"
    approximate: bool
    computed_km: float | None = None
    computed_bearing: float | None = None
    consistent: bool | None = None


@dataclass
class ExtractorRun:
    """What one extractor could do on one article: "ran", or "limited" with why.

    A language with no NER model or no parser still gets its articles analysed; this
    says so per article ("entities: gazetteer only, no NER model for uk").
    """

    article_id: str
    name: str  # the extractor's name in [pipeline] order
    status: RunStatus
    note: str = ""


@dataclass
class Story:
    id: str
    title: str
    article_ids: list[str] = field(default_factory=list)
    first_seen: str | None = None
    last_seen: str | None = None
    languages: list[str] = field(default_factory=list)
    entities: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # outlets of all its articles
    independent_sources: list[str] = field(default_factory=list)  # outlets of originals (copies collapsed)
    merged_from: list[str] = field(default_factory=list)  # story ids merged into this one


F = TypeVar("F")
T = TypeVar("T")


class OffsetIndex(Generic[F]):
    """Facts of one list sorted by offset, so range queries cost O(log n + found), not a scan.

    ``start``/``end`` name the offset attributes (``source_start``/``source_end`` for a
    claim's source); facts where either is None are left out. Answers are the facts a scan
    of the list would find, in list order.
    """

    def __init__(self, facts: list[F], start: str = "start", end: str = "end") -> None:
        self.facts = facts  # kept: the cache below notices when the list is replaced
        self.size = len(facts)
        spans = [(getattr(f, start), getattr(f, end), i) for i, f in enumerate(facts)]
        spans = sorted(s for s in spans if s[0] is not None and s[1] is not None)
        self._starts = [s for s, _e, _i in spans]
        self._ends = [e for _s, e, _i in spans]
        self._order = [i for _s, _e, i in spans]
        # Furthest end of the facts up to each position: where a backward walk can stop.
        self._reach = list(accumulate(self._ends, max))

    def overlapping(self, start: int, end: int) -> list[F]:
        """Facts with ``f.start < end and f.end > start``."""
        k = bisect_left(self._starts, end) - 1
        found = []
        while k >= 0 and self._reach[k] > start:
            if self._ends[k] > start:
                found.append(self._order[k])
            k -= 1
        return [self.facts[i] for i in sorted(found)]

    def containing(self, offset: int) -> list[F]:
        """Facts with ``f.start <= offset < f.end``."""
        return self.overlapping(offset, offset + 1)

    def starting_in(self, start: int, end: int) -> list[F]:
        """Facts with ``start <= f.start < end``."""
        lo, hi = bisect_left(self._starts, start), bisect_left(self._starts, end)
        return [self.facts[i] for i in sorted(self._order[lo:hi])]


def _by_sentence(facts: list[Any]) -> dict[int, list[Any]]:
    groups: dict[int, list[Any]] = {}
    for f in facts:
        groups.setdefault(f.sentence, []).append(f)
    return groups


@dataclass
class Analysis:
    """Everything veille extracted from one article; written to the store as one unit."""

    article: Article
    sentences: list[Sentence] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    entities: dict[str, Entity] = field(default_factory=dict)
    amounts: list[Amount] = field(default_factory=list)
    dates: list[DateRef] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    places: dict[str, Place] = field(default_factory=dict)
    place_mentions: list[PlaceMention] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)
    relative_locations: list[RelativeLocation] = field(default_factory=list)  # "900 km east of Moscow"
    extractor_runs: list[ExtractorRun] = field(default_factory=list)  # which ran fully, which could not

    def derived(self, name: str, key: str, build: Callable[[list[Any]], T]) -> T:
        """``build(facts)`` for the fact list ``name``, cached under ``key``.

        Rebuilt when the list is replaced or changes length: extractors append facts
        whole and do not edit them after, so the value answers for the list as it is.
        Extractors use it instead of scanning a list once per fact (quadratic on a long text).
        """
        facts = getattr(self, name)
        cache: dict[tuple[str, str], tuple[list[Any], int, Any]] = self.__dict__.setdefault("_derived", {})
        hit = cache.get((name, key))
        if hit is None or hit[0] is not facts or hit[1] != len(facts):
            hit = cache[(name, key)] = (facts, len(facts), build(facts))
        return hit[2]

    def by_offset(self, name: str, start: str = "start", end: str = "end") -> OffsetIndex[Any]:
        """An ``OffsetIndex`` over the fact list ``name`` ("mentions", "claims", ...), cached."""
        return self.derived(name, f"offsets:{start}:{end}", lambda facts: OffsetIndex(facts, start, end))

    def in_sentence(self, name: str, index: int) -> list[Any]:
        """The facts of list ``name`` whose ``sentence`` is ``index``, in list order."""
        return list(self.derived(name, "sentence", _by_sentence).get(index, ()))

    def __getstate__(self) -> dict[str, Any]:
        """Pickled without the cache of derived values (rebuilt on use)."""
        return {k: v for k, v in self.__dict__.items() if k != "_derived"}

    def sentence_at(self, offset: int) -> int:
        """Index of the sentence containing ``offset`` (-1 if none)."""
        found = self.by_offset("sentences").containing(offset)
        return found[0].index if found else -1

    def sentence_text(self, index: int) -> str:
        s = self.sentences[index]
        return self.article.text[s.start : s.end]
