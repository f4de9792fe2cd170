"""Database schema (SQLAlchemy Core). One table per model object; JSON for lists.

Every fact table carries ``article_id``, ``start``/``end`` character offsets into
``articles.text``, the ``sentence`` index and the ``extractor`` name.
"""

from __future__ import annotations

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

metadata = MetaData()


def _provenance() -> list[Column]:
    return [
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


articles = Table(
    "articles",
    metadata,
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

sentences = Table(
    "sentences",
    metadata,
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("index", Integer, primary_key=True),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
)

entities = Table(
    "entities",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("name", Text, nullable=False),
    Column("kind", String(32), nullable=False, index=True),
    Column("country", String(8)),
    Column("aliases", JSON, nullable=False, default=list),
    Column("attributes", JSON, nullable=False, default=dict),
)

mentions = Table(
    "mentions",
    metadata,
    Column("id", String(64), primary_key=True),
    *_provenance(),
    Column("entity_id", String(200), ForeignKey("entities.id"), nullable=False, index=True),
    Column("text", Text, nullable=False),
    Column("label", String(16), nullable=False),
    Column("role", String(32)),
)

amounts = Table(
    "amounts",
    metadata,
    Column("id", String(64), primary_key=True),
    *_provenance(),
    Column("text", Text, nullable=False),
    Column("unit", String(32)),
    Column("value", Float),
    Column("value_min", Float),
    Column("value_max", Float),
    Column("approximate", Boolean, nullable=False, default=False),
)

dates = Table(
    "dates",
    metadata,
    Column("id", String(64), primary_key=True),
    *_provenance(),
    Column("text", Text, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("value", String(32)),
    Column("end_value", String(32)),
    Column("resolved", Boolean, nullable=False, default=False),
)

claims = Table(
    "claims",
    metadata,
    Column("id", String(64), primary_key=True),
    *_provenance(),
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
)

events = Table(
    "events",
    metadata,
    Column("id", String(64), primary_key=True),
    *_provenance(),
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

places = Table(
    "places",
    metadata,
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
extractor_runs = Table(
    "extractor_runs",
    metadata,
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("name", String(64), primary_key=True),
    Column("status", String(16), nullable=False),
    Column("note", Text, nullable=False, default=""),
)

place_mentions = Table(
    "place_mentions",
    metadata,
    Column("id", String(64), primary_key=True),
    *_provenance(),
    Column("place_id", String(200), ForeignKey("places.id"), nullable=False, index=True),
    Column("text", Text, nullable=False),
    Column("metonymy", Boolean, nullable=False, default=False),
)

routes = Table(
    "routes",
    metadata,
    Column("id", String(64), primary_key=True),
    *_provenance(),
    Column("stops", JSON, nullable=False),
    Column("what", Text),
    Column("event_id", String(64)),
    Column("claim_id", String(64)),
)

relative_locations = Table(
    "relative_locations",
    metadata,
    Column("id", String(64), primary_key=True),
    *_provenance(),
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

# Tables written per article, in dependency order (entities/places are shared and upserted).
FACT_TABLES = (
    sentences,
    mentions,
    amounts,
    dates,
    claims,
    events,
    place_mentions,
    routes,
    relative_locations,
)

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
