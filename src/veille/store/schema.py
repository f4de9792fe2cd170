"""Database schema (SQLAlchemy Core). One table per model object; JSON for lists.

The tables of the record types declared in ``veille.facts`` are named by their
declaration, and every fact table gets its provenance columns from it: ``article_id``,
``start``/``end`` character offsets into ``articles.text``, the ``sentence`` index and
the ``extractor`` name (plus the fact's ``id``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from veille import facts
from veille.facts import RecordType

metadata = MetaData()


def _provenance() -> list[Column]:
    """A fact's id and its provenance columns (``facts.PROVENANCE``, in that order)."""
    return [
        Column("id", String(64), primary_key=True),
        Column(
            "article_id",
            String(32),
            ForeignKey("articles.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        Column("start", Integer, nullable=False),
        Column("end", Integer, nullable=False),
        Column("sentence", Integer, nullable=False),
        Column("extractor", String(64), nullable=False),
    ]


def record_table(record: RecordType[Any], *columns: Column | Index | UniqueConstraint) -> Table:
    """The table of a declared record type: its name, provenance columns when it carries them."""
    return Table(record.table, metadata, *(_provenance() if record.provenance else []), *columns)


def table(record: RecordType[Any]) -> Table:
    """The table a declared record type is stored in."""
    return metadata.tables[record.table]


articles = record_table(
    facts.ARTICLE,
    Column("id", String(32), primary_key=True),
    Column("text_hash", String(64), nullable=False, unique=True),
    Column("title", Text),
    Column("source", Text),
    Column("url", Text),
    Column("published", String(32), index=True),
    Column("language", String(8), index=True),
    Column("origin", Text),
    Column("ingested_at", String(32), nullable=False),
    Column("text", Text, nullable=False),
)

sentences = record_table(
    facts.SENTENCE,
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("index", Integer, primary_key=True),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
)

entities = record_table(
    facts.ENTITY,
    Column("id", String(200), primary_key=True),
    Column("name", Text, nullable=False),
    Column("kind", String(32), nullable=False, index=True),
    Column("country", String(8)),
    Column("aliases", JSON, nullable=False, default=list),
    Column("attributes", JSON, nullable=False, default=dict),
)

mentions = record_table(
    facts.MENTION,
    Column("entity_id", String(200), ForeignKey("entities.id"), nullable=False, index=True),
    Column("text", Text, nullable=False),
    Column("label", String(16), nullable=False),
    Column("role", String(32)),
)

amounts = record_table(
    facts.AMOUNT,
    Column("text", Text, nullable=False),
    Column("unit", String(32)),
    Column("value", Float),
    Column("value_min", Float),
    Column("value_max", Float),
    Column("approximate", Boolean, nullable=False, default=False),
)

dates = record_table(
    facts.DATE,
    Column("text", Text, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("value", String(32)),
    Column("end_value", String(32)),
    Column("resolved", Boolean, nullable=False, default=False),
)

claims = record_table(
    facts.CLAIM,
    Column("source_entity", String(200), index=True),
    Column("source_text", Text, nullable=False),
    Column("cue", Text, nullable=False),
    Column("content", Text, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("about", JSON, nullable=False, default=list),
    Column("channel", Text),
    Column("date", String(32)),
    Column("source_start", Integer),
    Column("source_end", Integer),
    Column("cue_start", Integer),
    Column("cue_end", Integer),
    Column("source_type", String(16)),
)

events = record_table(
    facts.EVENT,
    Column("kind", String(48), nullable=False, index=True),
    Column("actor", String(200), index=True),
    Column("target", String(200), index=True),
    Column("object", Text),
    Column("quantity", JSON),
    Column("amount", JSON),
    Column("place", String(200)),
    Column("time", String(64)),
    Column("claim_id", String(64)),
    Column("source_entity", String(200)),
)

places = record_table(
    facts.PLACE,
    Column("id", String(200), primary_key=True),
    Column("name", Text, nullable=False),
    Column("lat", Float, nullable=False),
    Column("lon", Float, nullable=False),
    Column("country", String(8)),
    Column("feature", String(16)),
    Column("geonames_id", Integer),
    Column("population", Integer),
)

# Which extractors ran fully on an article and which could not (no NER model, no parser).
# A table of its own, so ``create_all`` adds it to stores made before it existed; their
# articles simply have no rows.
extractor_runs = record_table(
    facts.EXTRACTOR_RUN,
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("name", String(64), primary_key=True),
    Column("status", String(16), nullable=False),
    Column("note", Text, nullable=False, default=""),
)

place_mentions = record_table(
    facts.PLACE_MENTION,
    Column("place_id", String(200), ForeignKey("places.id"), nullable=False, index=True),
    Column("text", Text, nullable=False),
    Column("metonymy", Boolean, nullable=False, default=False),
)

routes = record_table(
    facts.ROUTE,
    Column("stops", JSON, nullable=False),
    Column("what", Text),
    Column("event_id", String(64)),
    Column("claim_id", String(64)),
)

relative_locations = record_table(
    facts.RELATIVE_LOCATION,
    Column("text", Text, nullable=False),
    Column("anchor", String(200), nullable=False),
    Column("target", String(200)),
    Column("distance_km", Float, nullable=False),
    Column("bearing", Float),
    Column("approximate", Boolean, nullable=False, default=False),
    Column("computed_km", Float),
    Column("computed_bearing", Float),
    Column("consistent", Boolean),
)

Index("ix_mentions_entity_article", mentions.c.entity_id, mentions.c.article_id)
# The read API's orders and filters (``Store.articles``, ``claims``, ``events``, routes):
# each list is read in index order, so LIMIT/OFFSET never sort the whole table.
Index("ix_articles_ingested", articles.c.ingested_at, articles.c.id)
Index("ix_articles_language_ingested", articles.c.language, articles.c.ingested_at, articles.c.id)
Index("ix_claims_article_start", claims.c.article_id, claims.c.start, claims.c.id)
Index("ix_events_article_start", events.c.article_id, events.c.start, events.c.id)
Index("ix_events_kind_article", events.c.kind, events.c.article_id, events.c.start)
Index("ix_routes_article_start", routes.c.article_id, routes.c.start)
Index("ix_place_mentions_place", place_mentions.c.place_id, place_mentions.c.id)

# --- watchlists, alerts and feed polling (issue 6; read and written by veille.store.watch) ---

watch_rules = Table(
    "watch_rules",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", Text, nullable=False),
    Column("fact", String(16), nullable=False),  # any | mention | claim | event
    Column("terms", JSON, nullable=False, default=dict),  # {"entity": [...], "actor": [...], ...}
    Column("created_at", String(32), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    # Spike rules only (fact "spike"): {"factor", "window", "baseline", "min_count"}, durations in seconds.
    Column("spike", JSON),
)

# Where each spike rule's episode stands: firing from the alert until the rate falls back
# (then re-armed); ``checked_at`` is the latest article time evaluated (veille.alerts.spike).
spike_state = Table(
    "spike_state",
    metadata,
    Column("rule_id", Integer, ForeignKey("watch_rules.id", ondelete="CASCADE"), primary_key=True),
    Column("firing", Boolean, nullable=False, default=False),
    Column("checked_at", String(32), nullable=False),
)

alerts = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("rule_id", Integer, ForeignKey("watch_rules.id", ondelete="CASCADE"), nullable=False),
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", String(32), nullable=False, index=True),
    Column("facts", JSON, nullable=False),  # matched facts, each with offsets and its sentence
    Column("delivered", JSON, nullable=False, default=dict),  # channel -> "ok" | error text
    # One alert per rule and article: re-running an ingest can never alert twice.
    UniqueConstraint("rule_id", "article_id", name="uq_alert_rule_article"),
)

# Articles stored while a watch rule was active whose alerts are not yet delivered. Written in
# the transaction that stores the article, removed once its alerts are recorded and delivered:
# a crash in between leaves the row, and the next ``AlertService`` catches up (veille.alerts.service).
alert_outbox = Table(
    "alert_outbox",
    metadata,
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("queued_at", String(32), nullable=False),
)

feed_state = Table(
    "feed_state",
    metadata,
    Column("url", Text, primary_key=True),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("last_checked", String(32)),
    Column("last_status", Integer),
    Column("failures", Integer, nullable=False, default=0),
    Column("next_due", Float, nullable=False, default=0.0),  # unix time before which it is not polled
    Column("last_error", Text),
)

# -- stories (issue 5) ----------------------------------------------------------------
# Written and read by ``veille.stories.persist`` only. ``story_articles`` holds what
# the incremental story index needs to be rebuilt exactly (features, MinHash
# signature, assignment); ``stories`` is the derived summary the CLI and export read;
# ``story_history`` is the append-only log of creates, joins, merges and splits.

stories = Table(
    "stories",
    metadata,
    Column("id", String(80), primary_key=True),
    Column("title", Text, nullable=False, default=""),
    Column("first_seen", String(32), index=True),
    Column("last_seen", String(32), index=True),
    Column("languages", JSON, nullable=False, default=list),
    Column("entities", JSON, nullable=False, default=list),
    Column("sources", JSON, nullable=False, default=list),
    Column("independent_sources", JSON, nullable=False, default=list),
    Column("article_ids", JSON, nullable=False, default=list),
    Column("merged_from", JSON, nullable=False, default=list),
    Column("updated_at", String(32), nullable=False),
)

story_articles = Table(
    "story_articles",
    metadata,
    Column("article_id", String(32), primary_key=True),
    Column("story_id", String(80), nullable=False, index=True),
    Column("seq", Integer, nullable=False, index=True),  # order the index saw the articles in
    Column("original_id", String(32)),  # set when the article is a copy of another
    Column("similarity", Float),  # estimated Jaccard to the original
    Column("language", String(8), nullable=False),
    Column("day", Integer),  # ordinal publication day
    Column("title", Text, nullable=False, default=""),
    Column("source", Text, nullable=False, default=""),
    Column("features", JSON, nullable=False),
    Column("signature", LargeBinary),  # MinHash values; NULL for texts too short to compare
)

story_history = Table(
    "story_history",
    metadata,
    Column("seq", Integer, primary_key=True),
    Column("op", String(16), nullable=False),
    Column("story_id", String(80), nullable=False, index=True),
    Column("article_id", String(32)),
    Column("other_story_id", String(80)),
    Column("score", Float),
)

# The story list's order (``dashboard.stories``: newest first, ties by id), read from the index.
Index("ix_stories_last_seen_id", stories.c.last_seen, stories.c.id)

# -- embeddings (issue 12; read and written by veille.store.vectors only) ---------------
# One row per embedded passage of an article: passage 0 is the title and lead (the
# article's vector), further passages are later slices of the body. ``model`` and
# ``version`` say which encoder made the vector: search and stories read only the rows
# of the configured model, and `veille embed` fills in what is missing or stale.

embeddings = Table(
    "embeddings",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),  # load order, for incremental reads
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("passage", Integer, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("model", String(200), nullable=False),
    Column("version", String(64), nullable=False),
    Column("dim", Integer, nullable=False),
    Column("vector", LargeBinary, nullable=False),  # float32, little-endian, unit length
    Column("created_at", String(32), nullable=False),
    UniqueConstraint("article_id", "passage", name="uq_embedding_article_passage"),
)
Index("ix_embeddings_model", embeddings.c.model, embeddings.c.version, embeddings.c.seq)
