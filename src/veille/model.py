"""veille's core data model: the objects every stage reads and writes.

Stages take model objects and return model objects; only ``veille.store`` maps
them to tables. Every fact carries its provenance: the article it comes from,
character offsets into that article's stored text, the sentence index, and the
name of the extractor that produced it.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

EntityKind = Literal["country", "organisation", "person", "place", "other"]
ENTITY_KINDS: tuple[str, ...] = ("country", "organisation", "person", "place", "other")

ClaimKind = Literal["statement", "assessment", "warning", "forecast", "evidence"]


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
    kind: str  # one of ENTITY_KINDS
    country: str | None = None  # ISO 3166-1 alpha-2, where known
    aliases: list[str] = field(default_factory=list)
    attributes: dict[str, Any] = field(default_factory=dict)


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
    kind: str = "absolute"  # absolute | range | relative
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
    kind: str  # statement | assessment | warning | forecast | evidence
    extractor: str
    about: list[str] = field(default_factory=list)  # entity ids
    channel: str | None = None
    date: str | None = None
    source_start: int | None = None
    source_end: int | None = None
    cue_start: int | None = None
    cue_end: int | None = None


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
    status: str  # "ran" | "limited"
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

    def sentence_at(self, offset: int) -> int:
        """Index of the sentence containing ``offset`` (-1 if none)."""
        for s in self.sentences:
            if s.start <= offset < s.end:
                return s.index
        return -1

    def sentence_text(self, index: int) -> str:
        s = self.sentences[index]
        return self.article.text[s.start : s.end]
