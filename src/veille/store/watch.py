"""Watch rules, alerts and feed-polling state: the store side of issue 6.

Kept beside ``database.py`` rather than in it, so the core store stays about
articles and facts. Every function takes the ``Store`` and uses its engine.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select, update

from veille.errors import VeilleError
from veille.store import schema
from veille.store.database import Store

RULE_FACTS = ("any", "mention", "claim", "event")
RULE_TERMS = ("entity", "actor", "target", "source", "place", "event_kind", "keyword")
MAX_TERM_VALUES = 50
MAX_TERM_CHARS = 200


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def add_rule(store: Store, name: str, fact: str, terms: dict[str, list[str]]) -> dict[str, Any]:
    """Store a watch rule; raises VeilleError (one line for the user) when it cannot match anything."""
    if fact not in RULE_FACTS:
        raise VeilleError(f"unknown fact type {fact!r}; use one of {', '.join(RULE_FACTS)}")
    clean = {k: [v.strip() for v in vs if v.strip()] for k, vs in terms.items() if k in RULE_TERMS}
    clean = {k: vs for k, vs in clean.items() if vs}
    if not clean:
        raise VeilleError(
            "a watch rule needs at least one of --entity, --actor, --target, --source, --place, --kind, --keyword"
        )
    unknown = set(terms) - set(RULE_TERMS)
    if unknown:
        raise VeilleError(f"unknown rule terms: {', '.join(sorted(unknown))}")
    if any(len(vs) > MAX_TERM_VALUES or any(len(v) > MAX_TERM_CHARS for v in vs) for vs in clean.values()):
        raise VeilleError(
            f"a rule takes at most {MAX_TERM_VALUES} values per term, {MAX_TERM_CHARS} characters each"
        )
    row = {"name": name.strip() or _describe(fact, clean), "fact": fact, "terms": clean, "created_at": _now()}
    with store.engine.begin() as conn:
        inserted = conn.execute(schema.watch_rules.insert().values(**row)).inserted_primary_key
        rule_id = inserted[0] if inserted else None
    return {"id": rule_id, **row, "active": True}


def _describe(fact: str, terms: dict[str, list[str]]) -> str:
    parts = [f"{k}={'|'.join(v)}" for k, v in sorted(terms.items())]
    return f"{fact}: " + " ".join(parts)


def rules(store: Store, active_only: bool = False) -> list[dict[str, Any]]:
    r = schema.watch_rules
    query = select(r).order_by(r.c.id)
    if active_only:
        query = query.where(r.c.active.is_(True))
    with store.engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(query)]


def remove_rule(store: Store, rule_id: int) -> bool:
    """Delete a rule and its alerts; False when there was no such rule."""
    with store.engine.begin() as conn:
        conn.execute(delete(schema.alerts).where(schema.alerts.c.rule_id == rule_id))
        return conn.execute(delete(schema.watch_rules).where(schema.watch_rules.c.id == rule_id)).rowcount > 0


def record_alert(
    store: Store, rule_id: int, article_id: str, facts: list[dict[str, Any]]
) -> dict[str, Any] | None:
    """Insert an alert unless this rule already alerted on this article; the new row, or None."""
    row = {
        "rule_id": rule_id,
        "article_id": article_id,
        "created_at": _now(),
        "facts": facts,
        "delivered": {},
    }
    with store.engine.begin() as conn:
        result = conn.execute(store._insert_ignore(schema.alerts), [row])
        if result.rowcount == 0:
            return None
        a = schema.alerts
        alert_id = conn.execute(
            select(a.c.id).where((a.c.rule_id == rule_id) & (a.c.article_id == article_id))
        ).scalar_one()
    return {"id": alert_id, **row}


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


def article_alerts(store: Store, article_id: str) -> list[dict[str, Any]]:
    a = schema.alerts
    with store.engine.connect() as conn:
        rows = conn.execute(select(a).where(a.c.article_id == article_id).order_by(a.c.id))
        return [dict(r._mapping) for r in rows]


def alerts(
    store: Store, limit: int = 50, offset: int = 0, rule_id: int | None = None
) -> list[dict[str, Any]]:
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
        return [dict(row._mapping) for row in conn.execute(query)]


def count_alerts(store: Store) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(schema.alerts)).scalar_one())


# -- feed polling state ------------------------------------------------------


def feed_state(store: Store, url: str) -> dict[str, Any] | None:
    f = schema.feed_state
    with store.engine.connect() as conn:
        row = conn.execute(select(f).where(f.c.url == url)).first()
    return dict(row._mapping) if row else None


def save_feed_state(store: Store, url: str, **values: Any) -> None:
    f = schema.feed_state
    with store.engine.begin() as conn:
        if conn.execute(select(f.c.url).where(f.c.url == url)).first():
            conn.execute(update(f).where(f.c.url == url).values(**values))
        else:
            conn.execute(f.insert().values(url=url, **{"failures": 0, "next_due": 0.0, **values}))


def feed_states(store: Store) -> list[dict[str, Any]]:
    with store.engine.connect() as conn:
        return [
            dict(r._mapping)
            for r in conn.execute(select(schema.feed_state).order_by(schema.feed_state.c.url))
        ]
