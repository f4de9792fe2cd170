"""Each stored record type declared once: its model class, its table, its place in
``Analysis`` and in the export.

The store builds its tables' provenance columns, its writes, ``Store.article`` and its
counts from these declarations, and the JSON/CSV export follows them (FollowTheMoney's
schema-as-data: one schema every part of the system reads). Adding a fact type is a
dataclass in ``veille.model``, a declaration here and its table's own columns in
``veille.store.schema``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from veille import model
from veille.model import Analysis

R = TypeVar("R")

# The columns every fact carries: which article, where in its text, and who extracted it.
PROVENANCE = ("article_id", "start", "end", "sentence", "extractor")


@dataclass(frozen=True)
class Export:
    """How records of a type appear in the JSON export (docs/export.md)."""

    name: str  # the list's key: a section, or the key inside the shared record that lists them
    fields: tuple[str, ...]  # the keys of one exported record, in order
    # Object-valued fields reduced to these keys (an event's amount: value, unit, text).
    parts: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Whether a shared record that no fact names is listed (without a language filter).
    keep_unnamed: bool = True


@dataclass(frozen=True)
class RecordType(Generic[R]):
    """One stored record type: ``cls`` objects live in ``Analysis.<field>`` and table ``table``."""

    cls: type[R]
    table: str
    field: str  # the Analysis attribute: "article", a dict of shared records, or a list
    provenance: bool = False  # carries PROVENANCE (and a derived id when the class has none)
    shared: bool = False  # shared by articles (entities, places): keyed by id, written once
    # For a shared type: the fact table that names its records and the naming column. An
    # article's entities are those its mentions name; the export lists the mentions under them.
    named_by: tuple[str, str] | None = None
    export: Export | None = None
    counted: bool = False  # reported by ``Store.counts``

    def of(self, analysis: Analysis) -> list[R]:
        """The records of a per-article type (sentences, a fact type) in one analysis."""
        return list(getattr(analysis, self.field))

    def by_key(self, analysis: Analysis) -> dict[str, R]:
        """The records of a shared type in one analysis, by key."""
        return dict(getattr(analysis, self.field))

    @property
    def keyed(self) -> bool:
        """Whether the model object carries its own ``id`` (else the store derives one)."""
        return "id" in getattr(self.cls, "__dataclass_fields__", {})


ARTICLE = RecordType(
    model.Article,
    "articles",
    "article",
    export=Export(
        "articles",
        ("id", "source", "url", "title", "language", "published", "text", "origin", "ingested_at"),
    ),
    counted=True,
)
SENTENCE = RecordType(model.Sentence, "sentences", "sentences")
ENTITY = RecordType(
    model.Entity,
    "entities",
    "entities",
    shared=True,
    named_by=("mentions", "entity_id"),
    export=Export("entities", ("id", "name", "kind", "country"), keep_unnamed=False),
    counted=True,
)
MENTION = RecordType(
    model.Mention,
    "mentions",
    "mentions",
    provenance=True,
    export=Export("mentions", ("article_id", "start", "end", "text", "sentence", "role", "extractor")),
    counted=True,
)
AMOUNT = RecordType(model.Amount, "amounts", "amounts", provenance=True)
DATE = RecordType(model.DateRef, "dates", "dates", provenance=True)
CLAIM = RecordType(
    model.Claim,
    "claims",
    "claims",
    provenance=True,
    export=Export(
        "claims",
        ("id", "article_id", "source_entity", "source_text", "source_type", "cue", "content")
        + ("start", "end", "sentence", "kind", "about", "channel", "date", "extractor"),
    ),
    counted=True,
)
EVENT = RecordType(
    model.Event,
    "events",
    "events",
    provenance=True,
    export=Export(
        "events",
        ("id", "kind", "actor", "target", "object", "quantity", "place", "time", "claim_id")
        + ("source_entity", "article_id", "start", "end", "sentence", "extractor", "amount"),
        parts={"amount": ("value", "unit", "text")},
    ),
    counted=True,
)
PLACE = RecordType(
    model.Place,
    "places",
    "places",
    shared=True,
    named_by=("place_mentions", "place_id"),
    export=Export("places", ("id", "name", "lat", "lon", "country", "geonames_id", "feature")),
    counted=True,
)
PLACE_MENTION = RecordType(
    model.PlaceMention,
    "place_mentions",
    "place_mentions",
    provenance=True,
    export=Export("mentions", ("article_id", "start", "end", "text", "metonymy", "extractor")),
)
ROUTE = RecordType(
    model.Route,
    "routes",
    "routes",
    provenance=True,
    export=Export(
        "routes",
        (
            "id",
            "article_id",
            "stops",
            "what",
            "event_id",
            "claim_id",
            "start",
            "end",
            "sentence",
            "extractor",
        ),
    ),
    counted=True,
)
RELATIVE_LOCATION = RecordType(
    model.RelativeLocation,
    "relative_locations",
    "relative_locations",
    provenance=True,
    export=Export(
        "relative_locations",
        ("id", "article_id", "text", "anchor", "target", "distance_km", "bearing", "approximate")
        + ("computed_km", "consistent", "start", "end", "sentence", "extractor"),
    ),
)
EXTRACTOR_RUN = RecordType(model.ExtractorRun, "extractor_runs", "extractor_runs")

# In dependency order: an article, then the records shared by articles, then the facts
# that point at them. Writes, counts and export sections follow this order.
RECORD_TYPES: tuple[RecordType[Any], ...] = (
    ARTICLE,
    SENTENCE,
    ENTITY,
    MENTION,
    AMOUNT,
    DATE,
    CLAIM,
    EVENT,
    PLACE,
    PLACE_MENTION,
    ROUTE,
    RELATIVE_LOCATION,
    EXTRACTOR_RUN,
)
SHARED = tuple(r for r in RECORD_TYPES if r.shared)
# Written with their article, one row per object of the Analysis list.
PER_ARTICLE = tuple(r for r in RECORD_TYPES if r is not ARTICLE and not r.shared)
FACTS = tuple(r for r in RECORD_TYPES if r.provenance)
BY_TABLE: dict[str, RecordType[Any]] = {r.table: r for r in RECORD_TYPES}
# Facts that name a shared record (mentions, place mentions): exported under it, not on their own.
NAMING = frozenset(r.named_by[0] for r in SHARED if r.named_by)


def as_dict(obj: Any, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """A model object's fields, in declaration order, but ``exclude`` (shallow: nested objects stay)."""
    return {f: getattr(obj, f) for f in obj.__dataclass_fields__ if f not in exclude}


def exported(row: Mapping[Any, Any], export: Export) -> dict[str, Any]:  # a dict, or a read row
    """A stored row as its export record: the declared keys in order, object fields reduced."""
    out = {}
    for name in export.fields:
        value = row.get(name)
        if (keys := export.parts.get(name)) is not None:
            value = {k: value.get(k) for k in keys} if value else None
        out[name] = value
    return out
