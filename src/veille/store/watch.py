"""Watch rules, alerts and feed-polling state: the store side of issue 6.

Kept beside ``database.py`` rather than in it, so the core store stays about
articles and facts. Every function takes the ``Store`` and uses its engine.
Rules and alerts are read back as the records below; ``to_json`` gives the JSON
the API, the CLI and the alert channels print.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, exists, func, or_, select, update

from veille.errors import VeilleError
from veille.model import Place, Sentence
from veille.store import schema
from veille.store.backends import now_iso as _now
from veille.store.database import Store
from veille.store.records import from_row
from veille.store.results import FeedState

RULE_FACTS = ("any", "mention", "claim", "event")
RULE_TERMS = ("entity", "actor", "target", "source", "place", "event_kind", "keyword")
SPIKE = "spike"  # the fact type of a spike rule
SPIKE_TARGETS = ("entity", "story")
MAX_TERM_VALUES = 50
MAX_TERM_CHARS = 200
MAX_SPIKE_SECONDS = 3653 * 86400  # ten years: longer spans are a typo, and overflow date arithmetic

JsonScalar = str | int | float | bool | None
JsonObject = dict[str, object]


# -- records -----------------------------------------------------------------


@dataclass(frozen=True)
class Spike:
    """A spike rule's test: the articles naming the target in the last ``window`` seconds number
    at least ``min_count`` and more than ``factor`` times the baseline's rate per window, the
    baseline being the ``baseline`` seconds before the window."""

    factor: float
    window: float
    baseline: float
    min_count: int

    def validate(self) -> None:
        if not self.factor >= 1:
            raise VeilleError(f"a spike factor must be 1 or more, not {self.factor}")
        if not 0 < self.window <= self.baseline <= MAX_SPIKE_SECONDS:
            raise VeilleError(
                "a spike baseline must be at least as long as its window, both positive and at most 10 years"
            )
        if self.min_count < 1:
            raise VeilleError(f"a spike minimum count must be 1 or more, not {self.min_count}")

    def to_json(self) -> JsonObject:
        return {
            "factor": float(self.factor),
            "window": float(self.window),
            "baseline": float(self.baseline),
            "min_count": int(self.min_count),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Spike:
        return cls(
            float(data["factor"]), float(data["window"]), float(data["baseline"]), int(data["min_count"])
        )


@dataclass
class WatchRule:
    id: int
    name: str
    fact: str  # one of RULE_FACTS, or SPIKE
    terms: dict[str, list[str]]
    created_at: str
    active: bool = True
    spike: Spike | None = None

    def to_json(self) -> JsonObject:
        out: JsonObject = {"id": self.id, "name": self.name, "fact": self.fact, "terms": self.terms}
        out |= {"created_at": self.created_at, "active": self.active}
        return out | ({"spike": self.spike.to_json()} if self.spike else {})

    def summary(self) -> JsonObject:
        """The rule as an alert payload carries it."""
        out: JsonObject = {"id": self.id, "name": self.name, "fact": self.fact, "terms": self.terms}
        return out | ({"spike": self.spike.to_json()} if self.spike else {})

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> WatchRule:
        spike = Spike.from_json(row["spike"]) if row.get("spike") else None
        return cls(row["id"], row["name"], row["fact"], row["terms"], row["created_at"], row["active"], spike)


@dataclass(frozen=True)
class MatchedFact:
    """A fact an alert points at: where it is (article, offsets, sentence) and its text.

    ``extra`` holds what is particular to the fact's type (a mention's entity, an event's
    actor and target, a spike's counts); it follows the common keys in the JSON.
    """

    type: str
    id: str
    article_id: str
    start: int
    end: int
    sentence: int
    text: str
    sentence_text: str
    extra: dict[str, JsonScalar] = field(default_factory=dict)

    def to_json(self) -> dict[str, JsonScalar]:
        out: dict[str, JsonScalar] = {"type": self.type, "id": self.id, "article_id": self.article_id}
        out |= {"start": self.start, "end": self.end, "sentence": self.sentence}
        return out | {"text": self.text, "sentence_text": self.sentence_text} | self.extra

    @classmethod
    def from_json(cls, data: Mapping[str, JsonScalar]) -> MatchedFact:
        common = {k: data[k] for k in _FACT_KEYS}
        return cls(**common, extra={k: v for k, v in data.items() if k not in _FACT_KEYS})  # type: ignore[arg-type]


_FACT_KEYS = ("type", "id", "article_id", "start", "end", "sentence", "text", "sentence_text")


@dataclass
class Alert:
    id: int
    rule_id: int
    article_id: str
    created_at: str
    facts: list[MatchedFact]
    delivered: dict[str, str]  # channel -> "ok" or the error

    def to_json(self) -> JsonObject:
        return {
            "id": self.id,
            "rule_id": self.rule_id,
            "article_id": self.article_id,
            "created_at": self.created_at,
            "facts": [f.to_json() for f in self.facts],
            "delivered": self.delivered,
        }

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Alert:
        facts = [MatchedFact.from_json(f) for f in row["facts"] or []]
        return cls(
            row["id"], row["rule_id"], row["article_id"], row["created_at"], facts, row["delivered"] or {}
        )


@dataclass
class ListedAlert(Alert):
    """An alert as listed: with its rule's name and its article's title."""

    rule_name: str = ""
    article_title: str | None = None

    def to_json(self) -> JsonObject:
        return super().to_json() | {"rule_name": self.rule_name, "article_title": self.article_title}

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> ListedAlert:
        alert = Alert.from_row(row)
        return cls(**vars(alert), rule_name=row["rule_name"], article_title=row["article_title"])


@dataclass(frozen=True)
class SpikeState:
    """Where a spike rule's episode stands: ``firing`` from its alert until the rate falls back;
    ``checked_at``: the latest article time evaluated (older articles do not move the episode)."""

    firing: bool = False
    checked_at: datetime | None = None


# -- rules -------------------------------------------------------------------


def add_rule(
    store: Store, name: str, fact: str, terms: dict[str, list[str]], spike: Spike | None = None
) -> WatchRule:
    """Store a watch rule; raises VeilleError (one line for the user) when it cannot match anything."""
    clean = _spike_terms(fact, terms, spike) if fact == SPIKE or spike else _fact_terms(fact, terms)
    if any(len(vs) > MAX_TERM_VALUES or any(len(v) > MAX_TERM_CHARS for v in vs) for vs in clean.values()):
        raise VeilleError(
            f"a rule takes at most {MAX_TERM_VALUES} values per term, {MAX_TERM_CHARS} characters each"
        )
    rule = WatchRule(0, name.strip() or _describe(fact, clean, spike), fact, clean, _now(), True, spike)
    row = {"name": rule.name, "fact": fact, "terms": clean, "created_at": rule.created_at}
    with store.engine.begin() as conn:
        inserted = conn.execute(
            schema.watch_rules.insert().values(**row, spike=spike.to_json() if spike else None)
        ).inserted_primary_key
        rule.id = inserted[0] if inserted else 0
    return rule


def _non_empty(terms: dict[str, list[str]], kinds: tuple[str, ...]) -> dict[str, list[str]]:
    clean = {k: [v.strip() for v in vs if v.strip()] for k, vs in terms.items() if k in kinds}
    return {k: vs for k, vs in clean.items() if vs}


def _fact_terms(fact: str, terms: dict[str, list[str]]) -> dict[str, list[str]]:
    if fact not in RULE_FACTS:
        raise VeilleError(f"unknown fact type {fact!r}; use one of {', '.join((*RULE_FACTS, SPIKE))}")
    clean = _non_empty(terms, RULE_TERMS)
    if not clean:
        raise VeilleError(
            "a watch rule needs at least one of --entity, --actor, --target, --source, --place, --kind, --keyword"
        )
    unknown = set(terms) - set(RULE_TERMS)
    if unknown:
        raise VeilleError(f"unknown rule terms: {', '.join(sorted(unknown))}")
    return clean


def _spike_terms(fact: str, terms: dict[str, list[str]], spike: Spike | None) -> dict[str, list[str]]:
    if fact != SPIKE or spike is None:
        raise VeilleError('a spike rule has fact "spike" and its spike settings (factor, window, baseline)')
    spike.validate()
    clean = _non_empty(terms, SPIKE_TARGETS)
    if len(clean) != 1 or set(terms) - set(SPIKE_TARGETS):
        raise VeilleError("a spike rule watches one entity (--spike NAME) or one story (--spike-story ID)")
    return clean


def _describe(fact: str, terms: dict[str, list[str]], spike: Spike | None = None) -> str:
    parts = [f"{k}={'|'.join(v)}" for k, v in sorted(terms.items())]
    if spike:
        parts.append(f"x{spike.factor:g} in {_duration(spike.window)} vs {_duration(spike.baseline)}")
    return f"{fact}: " + " ".join(parts)


def _duration(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds / size:g}{unit}"
    return f"{seconds:g}s"


def rules(store: Store, active_only: bool = False) -> list[WatchRule]:
    r = schema.watch_rules
    query = select(r).order_by(r.c.id)
    if active_only:
        query = query.where(r.c.active.is_(True))
    with store.engine.connect() as conn:
        return [WatchRule.from_row(dict(row._mapping)) for row in conn.execute(query)]


def remove_rule(store: Store, rule_id: int) -> bool:
    """Delete a rule, its alerts and its spike state; False when there was no such rule."""
    with store.engine.begin() as conn:
        conn.execute(delete(schema.alerts).where(schema.alerts.c.rule_id == rule_id))
        conn.execute(delete(schema.spike_state).where(schema.spike_state.c.rule_id == rule_id))
        return conn.execute(delete(schema.watch_rules).where(schema.watch_rules.c.id == rule_id)).rowcount > 0


# -- alerts ------------------------------------------------------------------


def record_alert(store: Store, rule_id: int, article_id: str, facts: list[MatchedFact]) -> Alert | None:
    """Insert an alert unless this rule already alerted on this article; the new alert, or None."""
    with store.engine.begin() as conn:
        return _insert_alert(store, conn, rule_id, article_id, facts)


def _insert_alert(
    store: Store, conn: Any, rule_id: int, article_id: str, facts: list[MatchedFact]
) -> Alert | None:
    row = {
        "rule_id": rule_id,
        "article_id": article_id,
        "created_at": _now(),
        "facts": [f.to_json() for f in facts],
        "delivered": {},
    }
    if conn.execute(store._insert_ignore(schema.alerts), [row]).rowcount == 0:
        return None
    a = schema.alerts
    alert_id = conn.execute(
        select(a.c.id).where((a.c.rule_id == rule_id) & (a.c.article_id == article_id))
    ).scalar_one()
    return Alert(alert_id, rule_id, article_id, str(row["created_at"]), list(facts), {})


def mark_delivered(store: Store, alert_id: int, delivered: dict[str, str]) -> None:
    with store.engine.begin() as conn:
        conn.execute(update(schema.alerts).where(schema.alerts.c.id == alert_id).values(delivered=delivered))


def queued_articles(store: Store) -> list[str]:
    """Articles stored whose alerts are not delivered yet (the outbox), oldest first."""
    o = schema.alert_outbox
    with store.engine.connect() as conn:
        return [r[0] for r in conn.execute(select(o.c.article_id).order_by(o.c.queued_at, o.c.article_id))]


def dequeue_articles(store: Store, article_ids: list[str]) -> None:
    """Take articles out of the outbox: their alerts are recorded and delivered."""
    o = schema.alert_outbox
    with store.engine.begin() as conn:
        for i in range(0, len(article_ids), 500):
            conn.execute(delete(o).where(o.c.article_id.in_(article_ids[i : i + 500])))


def article_alerts(store: Store, article_id: str) -> list[Alert]:
    a = schema.alerts
    with store.engine.connect() as conn:
        rows = conn.execute(select(a).where(a.c.article_id == article_id).order_by(a.c.id))
        return [Alert.from_row(dict(r._mapping)) for r in rows]


def alerts(store: Store, limit: int = 50, offset: int = 0, rule_id: int | None = None) -> list[ListedAlert]:
    """Newest alerts first, with the rule's name and the article's title."""
    a, r, art = schema.alerts, schema.watch_rules, schema.articles
    query = (
        select(a, r.c.name.label("rule_name"), art.c.title.label("article_title"))
        .join(r, r.c.id == a.c.rule_id)
        .join(art, art.c.id == a.c.article_id)
        .order_by(a.c.id.desc())
        .limit(limit)
        .offset(offset)
    )
    if rule_id is not None:
        query = query.where(a.c.rule_id == rule_id)
    with store.engine.connect() as conn:
        return [ListedAlert.from_row(dict(row._mapping)) for row in conn.execute(query)]


def count_alerts(store: Store) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(schema.alerts)).scalar_one())


# -- what alerts read back: sentences and places of stored articles ------------


def sentences(store: Store, article_ids: Iterable[str]) -> list[Sentence]:
    """The sentences of these articles, by article then position."""
    s = schema.sentences
    query = select(s).where(s.c.article_id.in_(list(article_ids))).order_by(s.c.article_id, s.c.index)
    with store.engine.connect() as conn:
        return [
            Sentence(r["article_id"], r["index"], r["start"], r["end"])
            for r in conn.execute(query).mappings()
        ]


def places(store: Store, place_ids: Iterable[str]) -> dict[str, Place]:
    p = schema.places
    with store.engine.connect() as conn:
        rows = conn.execute(select(p).where(p.c.id.in_(list(place_ids)))).mappings()
        return {r["id"]: from_row(Place, dict(r)) for r in rows}


# -- spike rules: articles naming a target, by article time --------------------


def article_time(published: str | None, ingested_at: str) -> datetime:
    """When an article counts for a spike: its publication time, else when it was stored (UTC).

    A bare date counts as its midnight UTC, a time without a zone as UTC. A publication
    time after the storage time (a wrong date) counts as the storage time: one article
    dated 2099 must not hold a rule's episode until then.
    """
    times = [t for t in (_parse_time(published), _parse_time(ingested_at)) if t is not None]
    return min(times) if times else datetime.fromtimestamp(0, UTC)


def _parse_time(text: str | None) -> datetime | None:
    try:
        when = datetime.fromisoformat(text) if text else None
    except ValueError:
        return None
    if when is None:
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _target_ids(terms: Mapping[str, list[str]]) -> tuple[Select[tuple[str]], Select[tuple[str]]]:
    """SQL: the ids of the entities, and of the places, the target names (id or name, case aside)."""
    e, p = schema.entities, schema.places
    names = list(terms.get("entity", []))
    lowered = [n.lower() for n in names]
    entity_ids = select(e.c.id).where(or_(e.c.id.in_(names), func.lower(e.c.name).in_(lowered)))
    place_ids = select(p.c.id).where(or_(p.c.id.in_(names), func.lower(p.c.name).in_(lowered)))
    return entity_ids, place_ids


def _about_target(terms: Mapping[str, list[str]]) -> ColumnElement[bool]:
    """SQL: the article names the target: an entity or place by id or canonical name (case aside),
    or belongs to one of the stories. Correlated: an index lookup per candidate article."""
    a, m, pm, sa = schema.articles, schema.mentions, schema.place_mentions, schema.story_articles
    if "story" in terms:
        return exists(
            select(sa.c.article_id).where((sa.c.article_id == a.c.id) & sa.c.story_id.in_(terms["story"]))
        )
    entity_ids, place_ids = _target_ids(terms)
    return or_(
        exists(select(m.c.id).where((m.c.article_id == a.c.id) & m.c.entity_id.in_(entity_ids))),
        exists(select(pm.c.id).where((pm.c.article_id == a.c.id) & pm.c.place_id.in_(place_ids))),
    )


def target_articles(
    store: Store, terms: Mapping[str, list[str]], article_ids: list[str]
) -> list[tuple[datetime, str]]:
    """(article time, id) of those of ``article_ids`` that name the target, in time order."""
    a = schema.articles
    out: list[tuple[datetime, str]] = []
    with store.engine.connect() as conn:
        for i in range(0, len(article_ids), 500):
            query = select(a.c.id, a.c.published, a.c.ingested_at).where(
                a.c.id.in_(article_ids[i : i + 500]) & _about_target(terms)
            )
            out.extend((article_time(r.published, r.ingested_at), r.id) for r in conn.execute(query))
    return sorted(out)


def target_times(
    store: Store, terms: Mapping[str, list[str]], after: datetime, until: datetime
) -> list[datetime]:
    """Times of the articles naming the target with ``after`` < time <= ``until``, in order.

    Stored times are ISO strings with various zones: SQL keeps the days around the span
    through the ``published`` index (a zone moves a time by less than a day), the exact cut
    is made on the parsed times.
    """
    a = schema.articles
    first, last = (
        (after - timedelta(days=1)).date().isoformat(),
        (until + timedelta(days=2)).date().isoformat(),
    )
    about = _about_target(terms)
    dated = select(a.c.published, a.c.ingested_at).where(
        (a.c.published >= first) & (a.c.published < last) & about
    )
    undated = select(a.c.published, a.c.ingested_at).where(
        a.c.published.is_(None) & (a.c.ingested_at >= first) & (a.c.ingested_at < last) & about
    )
    with store.engine.connect() as conn:
        times = (article_time(r.published, r.ingested_at) for r in conn.execute(dated.union_all(undated)))
        return sorted(t for t in times if after < t <= until)


def target_span(store: Store, terms: Mapping[str, list[str]], article_id: str) -> tuple[int, int, int] | None:
    """(start, end, sentence) of the article's first mention of the target entity or place."""
    m, pm = schema.mentions, schema.place_mentions
    entity_ids, place_ids = _target_ids(terms)
    spans = (
        select(m.c.start, m.c.end, m.c.sentence)
        .where((m.c.article_id == article_id) & m.c.entity_id.in_(entity_ids))
        .union_all(
            select(pm.c.start, pm.c.end, pm.c.sentence).where(
                (pm.c.article_id == article_id) & pm.c.place_id.in_(place_ids)
            )
        )
    )
    with store.engine.connect() as conn:
        first = conn.execute(select(spans.subquery()).order_by("start").limit(1)).first()
    return (first[0], first[1], first[2]) if first else None


def spike_state(store: Store, rule_id: int) -> SpikeState:
    st = schema.spike_state
    with store.engine.connect() as conn:
        row = conn.execute(select(st).where(st.c.rule_id == rule_id)).first()
    if row is None:
        return SpikeState()
    return SpikeState(bool(row.firing), datetime.fromisoformat(row.checked_at))


def save_spike_state(store: Store, rule_id: int, state: SpikeState) -> None:
    with store.engine.begin() as conn:
        _save_spike_state(conn, rule_id, state)


def _save_spike_state(conn: Any, rule_id: int, state: SpikeState) -> None:
    st = schema.spike_state
    values = {
        "firing": state.firing,
        "checked_at": (state.checked_at or datetime.fromtimestamp(0, UTC)).isoformat(),
    }
    if conn.execute(select(st.c.rule_id).where(st.c.rule_id == rule_id)).first():
        conn.execute(update(st).where(st.c.rule_id == rule_id).values(**values))
    else:
        conn.execute(st.insert().values(rule_id=rule_id, **values))


def record_spike_alert(
    store: Store, rule_id: int, article_id: str, facts: list[MatchedFact], state: SpikeState
) -> Alert | None:
    """Record a spike's alert and the rule's new state together: a crash keeps both or neither,
    so a re-run neither loses the alert nor records a second one for the episode."""
    with store.engine.begin() as conn:
        alert = _insert_alert(store, conn, rule_id, article_id, facts)
        _save_spike_state(conn, rule_id, state)
    return alert


# -- feed polling state ------------------------------------------------------


def feed_state(store: Store, url: str) -> FeedState | None:
    """Where polling ``url`` stands; None for a feed never polled."""
    f = schema.feed_state
    with store.engine.connect() as conn:
        row = conn.execute(select(f).where(f.c.url == url)).first()
    return FeedState(**row._mapping) if row else None


def save_feed_state(store: Store, url: str, **values: Any) -> None:
    f = schema.feed_state
    with store.engine.begin() as conn:
        if conn.execute(select(f.c.url).where(f.c.url == url)).first():
            conn.execute(update(f).where(f.c.url == url).values(**values))
        else:
            conn.execute(f.insert().values(url=url, **{"failures": 0, "next_due": 0.0, **values}))
