"""What the store's listings return when a row is not one model object: partial columns
(an article without its text), counts (an entity's mentions), a search hit's snippet, a feed's
polling state. Frozen dataclasses, so mypy checks every reader.

``fields`` turns any read result (these, or model objects) into the JSON object the API serves
and the CLI prints: the one serialisation, used (through ``plain``) by ``web.params.as_json``
and ``cli.app``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from veille import facts
from veille.model import EntityKind, Place
from veille.store.records import to_row


@dataclass(frozen=True)
class ListedArticle:
    """An article as a list shows it: no text, its length in ``chars``."""

    id: str
    title: str | None
    source: str | None
    url: str | None
    language: str | None
    published: str | None
    ingested_at: str | None
    chars: int


@dataclass(frozen=True)
class EntityCount:
    """An entity with how often it is mentioned, and in how many articles."""

    id: str
    name: str
    kind: EntityKind
    country: str | None
    mentions: int
    articles: int


@dataclass(frozen=True)
class PlaceCount:
    """A place with how many times articles name it."""

    place: Place
    mentions: int

    def to_json(self) -> dict[str, object]:
        return to_row(facts.PLACE, self.place) | {"mentions": self.mentions}


@dataclass(frozen=True)
class ArticleCard:
    """What a search result shows of an article."""

    id: str
    title: str | None
    language: str | None
    source: str | None
    published: str | None
    url: str | None


@dataclass(frozen=True)
class SearchHit:
    """A full-text match: the article's head and the matched words in context (``[word]``)."""

    id: str
    title: str | None
    language: str | None
    source: str | None
    snippet: str


@dataclass(frozen=True)
class FeedState:
    """Where polling a feed stands: its HTTP validators, the last outcome, when it is next due."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    last_checked: str | None = None
    last_status: int | None = None
    failures: int = 0
    next_due: float = 0.0  # unix time before which it is not polled
    last_error: str | None = None


_RECORDS = {r.cls: r for r in facts.RECORD_TYPES}


def plain(value: object) -> object:
    """``json.dumps(..., default=plain)``: a read result as JSON data (``fields``), anything else
    as its text (dates, paths: what ``default=str`` did). Nested values are walked by the encoder."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return fields(value)
    return str(value)


def fields(value: object) -> dict[str, object]:
    """A read result as the JSON object the API serves: a model object as its table row (the
    row the store reads back), a result with ``to_json`` as it says, another dataclass as its
    fields, in order."""
    to_json = getattr(value, "to_json", None)
    if callable(to_json):
        return dict(to_json())
    record = _RECORDS.get(type(value))
    if record is not None:
        return to_row(record, value)
    return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}  # type: ignore[arg-type]
