"""What the store knows about one entity: its names, when it is named, what it says and what is said of it.

Read for entity pages (``veille entity NAME``, ``/entities/{id}``). Lists are bounded: the
names, places, companions and stories come from the entity's latest ``RECENT_ARTICLES``
articles; claims and events are pages of their own (``Store.claims`` / ``events_of``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import Column, ColumnElement, Connection, and_, func, select

from veille.model import Claim, Entity, Event
from veille.store import schema
from veille.store.activity import Activity, ArticleFilter, Window, activity_entities, latest_articles
from veille.store.records import from_row

if TYPE_CHECKING:
    from veille.store.database import Store

RECENT_ARTICLES = 2000
MAX_NAMES = 40
MAX_NEIGHBOURS = 20
MAX_STORIES = 20
TIMELINE_BUCKETS = 60


@dataclass
class Name:
    text: str
    language: str
    mentions: int


@dataclass
class Neighbour:
    """An entity or place named in the same articles, with how many of them."""

    id: str
    name: str
    kind: str
    articles: int


@dataclass
class StoryRef:
    id: str
    title: str
    last_seen: str | None
    articles: int  # of this entity's articles in the story


@dataclass
class Profile:
    entity: Entity
    mentions: int
    articles: int
    names: list[Name]
    first_day: str | None
    last_day: str | None
    timeline: list[int]  # mentions in equal runs of days from first_day to last_day
    places: list[Neighbour]
    entities: list[Neighbour]
    stories: list[StoryRef]
    claims_by: int
    claims_about: int
    events_as_actor: int
    events_as_target: int
    recent_articles: list[str] = field(default_factory=list)


def resolve_entity(store: Store, name_or_id: str) -> list[Entity]:
    """The entities ``name_or_id`` designates, best evidence first: the id; else the canonical name
    or an alias (case-insensitive); else the text of a mention ("Kirby"); else names containing it."""
    e, m = schema.entities, schema.mentions
    wanted = name_or_id.casefold()
    with store.engine.connect() as conn:
        rows = conn.execute(select(e).where(e.c.id == name_or_id)).mappings().all()
        if not rows:
            rows = [
                r
                for r in conn.execute(select(e)).mappings()  # aliases are JSON lists: read in Python
                if str(r["name"]).casefold() == wanted
                or any(str(a).casefold() == wanted for a in r["aliases"] or [])
            ]
        if not rows:
            named = select(m.c.entity_id).where(func.lower(m.c.text) == name_or_id.lower()).distinct()
            rows = conn.execute(select(e).where(e.c.id.in_(named))).mappings().all()
        if not rows:
            contained = func.lower(e.c.name).contains(name_or_id.lower(), autoescape=True)
            rows = conn.execute(select(e).where(contained)).mappings().all()
    return [from_row(Entity, dict(r)) for r in rows]


def entity_profile(store: Store, entity_id: str) -> Profile | None:
    e, m, a = schema.entities, schema.mentions, schema.articles
    with store.engine.connect() as conn:
        row = conn.execute(select(e).where(e.c.id == entity_id)).mappings().first()
        if row is None:
            return None
        entity = from_row(Entity, dict(row))
        ae = activity_entities
        mentions, articles, first, last = conn.execute(
            select(
                func.sum(ae.c.mentions), func.sum(ae.c.articles), func.min(ae.c.day), func.max(ae.c.day)
            ).where(ae.c.entity_id == entity_id)
        ).one()
        recent = (
            []
            if first is None
            else latest_articles(
                conn, ArticleFilter(entity=entity_id), Window(int(first), int(last)), RECENT_ARTICLES
            )
        )
        names = [
            Name(str(text), str(lang or "und"), int(n))
            for text, lang, n in conn.execute(
                select(m.c.text, a.c.language, func.count().label("n"))
                .join(a, a.c.id == m.c.article_id)
                .where(m.c.entity_id == entity_id, m.c.article_id.in_(recent))
                .group_by(m.c.text, a.c.language)
                .order_by(func.count().desc(), m.c.text)
                .limit(MAX_NAMES)
            )
        ]
        companions = _neighbours(conn, m.c.entity_id, m.c.article_id, recent, exclude=entity_id)
        places = _neighbours(
            conn, schema.place_mentions.c.place_id, schema.place_mentions.c.article_id, recent
        )
        stories = _stories(conn, recent)
        ev = schema.events
        claims_by = conn.execute(select(func.count()).where(_claims_in(store, entity_id, "by"))).scalar_one()
        claims_about = conn.execute(
            select(func.count()).where(_claims_in(store, entity_id, "about"))
        ).scalar_one()
        as_actor = conn.execute(select(func.count()).where(ev.c.actor == entity_id)).scalar_one()
        as_target = conn.execute(select(func.count()).where(ev.c.target == entity_id)).scalar_one()
    timeline: list[int] = []
    if first is not None:
        span = Window(int(first), int(last))
        timeline = Activity(store).series("entities", [entity_id], span, TIMELINE_BUCKETS)[entity_id]
    return Profile(
        entity=entity,
        mentions=int(mentions or 0),
        articles=int(articles or 0),
        names=names,
        first_day=date.fromordinal(int(first)).isoformat() if first is not None else None,
        last_day=date.fromordinal(int(last)).isoformat() if last is not None else None,
        timeline=timeline,
        places=places,
        entities=companions,
        stories=stories,
        claims_by=int(claims_by),
        claims_about=int(claims_about),
        events_as_actor=int(as_actor),
        events_as_target=int(as_target),
        recent_articles=recent[:MAX_STORIES],
    )


def _neighbours(
    conn: Connection, key: Column[Any], article: Column[Any], ids: list[str], exclude: str | None = None
) -> list[Neighbour]:
    """The entities (or places) named in most of these articles."""
    n = func.count(func.distinct(article)).label("n")
    query = (
        select(key, n).where(article.in_(ids)).group_by(key).order_by(n.desc(), key).limit(MAX_NEIGHBOURS + 1)
    )
    counts = [(str(k), int(c)) for k, c in conn.execute(query) if k and k != exclude][:MAX_NEIGHBOURS]
    table = schema.entities if key.table is schema.mentions else schema.places
    kinds = table.c.kind if table is schema.entities else table.c.feature
    names = {
        str(i): (str(name), str(kind or ""))
        for i, name, kind in conn.execute(
            select(table.c.id, table.c.name, kinds).where(table.c.id.in_([k for k, _ in counts]))
        )
    }
    return [Neighbour(k, *names[k], c) for k, c in counts if k in names]


def _stories(conn: Connection, ids: list[str]) -> list[StoryRef]:
    """The stories holding these articles, by how many of them each holds."""
    sa, st = schema.story_articles, schema.stories
    n = func.count().label("n")
    query = (
        select(st.c.id, st.c.title, st.c.last_seen, n)
        .join(sa, sa.c.story_id == st.c.id)
        .where(sa.c.article_id.in_(ids))
        .group_by(st.c.id, st.c.title, st.c.last_seen)
        .order_by(n.desc(), st.c.last_seen.desc(), st.c.id)
        .limit(MAX_STORIES)
    )
    return [StoryRef(str(i), str(t), ls, int(c)) for i, t, ls, c in conn.execute(query)]


def _claims_in(store: Store, entity_id: str, role: str) -> ColumnElement[bool]:
    """SQL: a claim the entity made ("by") or that is about it ("about")."""
    c, m = schema.claims, schema.mentions
    if role == "by":
        return c.c.source_entity == entity_id
    # Claims about it lie in the articles that name it: the JSON test runs on those only.
    named_in = select(m.c.article_id).where(m.c.entity_id == entity_id)
    return and_(c.c.article_id.in_(named_in), store._json_list_has(c.c.about, [entity_id]))


def claims_of(store: Store, entity_id: str, role: str, limit: int = 50, offset: int = 0) -> list[Claim]:
    """Claims the entity made (``role`` "by") or that are about it ("about"), in text order:
    the rows the profile's ``claims_by`` / ``claims_about`` count."""
    c = schema.claims
    query = (
        select(c)
        .where(_claims_in(store, entity_id, role))
        .order_by(c.c.article_id, c.c.start, c.c.id)
        .limit(limit)
        .offset(offset)
    )
    return [from_row(Claim, r) for r in store._rows(query)]


def events_of(store: Store, entity_id: str, role: str, limit: int = 50, offset: int = 0) -> list[Event]:
    """Events with the entity as ``role`` ("actor" or "target"), in text order."""
    ev = schema.events
    column = ev.c.actor if role == "actor" else ev.c.target
    query = (
        select(ev)
        .where(column == entity_id)
        .order_by(ev.c.article_id, ev.c.start, ev.c.id)
        .limit(limit)
        .offset(offset)
    )
    return [from_row(Event, r) for r in store._rows(query)]
