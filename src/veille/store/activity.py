"""Daily activity: mentions of each entity and place, and articles per language and outlet, per day.

The overview page, entity pages and spike alerts ask "how much, and when" over windows of
days. Counting mention rows for that takes seconds at 200k articles, so every new article
adds its counts here, in the transaction that stores it (a crash leaves both or neither,
and an article already stored adds nothing), and a window is a sum over a few rows a day.

An article's day is its publication day when that is a date no later than the day after
veille read it, else the day veille read it. Stores written before these tables existed
are counted once, when the store is opened (``rebuild``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import (
    Column,
    ColumnElement,
    Connection,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    and_,
    case,
    exists,
    func,
    select,
)

from veille.model import Analysis, Article, outlet_of, parse_day
from veille.store import backends, schema

if TYPE_CHECKING:
    from veille.store.database import Store

MAX_SOURCE_CHARS = 200  # an outlet name is a key here; longer names are cut
REBUILD_BATCH = 2000  # articles whose mentions are counted in one query when rebuilding

activity_articles = Table(
    "activity_articles",
    schema.metadata,
    Column("day", Integer, primary_key=True),
    Column("language", String(8), primary_key=True),
    Column("source", Text, primary_key=True),  # outlet key ("" when unknown)
    Column("articles", Integer, nullable=False),
)


def _mention_counts(name: str, key: str) -> Table:
    """Mentions of each entity (or place) per day and language, and the articles naming it."""
    return Table(
        name,
        schema.metadata,
        Column(key, String(200), primary_key=True),
        Column("day", Integer, primary_key=True),
        Column("language", String(8), primary_key=True),
        Column("mentions", Integer, nullable=False),
        Column("articles", Integer, nullable=False),
    )


activity_entities = _mention_counts("activity_entities", "entity_id")
activity_places = _mention_counts("activity_places", "place_id")

# The day each article counts for, so a window's articles (and through them its stories) are an index range.
article_days = Table(
    "article_days",
    schema.metadata,
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("day", Integer, nullable=False),
    Column("language", String(8), nullable=False),
    Column("source", Text, nullable=False),  # outlet key ("" when unknown)
)
Index("ix_article_days_day", article_days.c.day, article_days.c.article_id)
Index("ix_article_days_source", article_days.c.source, article_days.c.day)

# A window over every entity (the overview's top lists) reads by day; one entity's series reads the key.
Index("ix_activity_entities_day", activity_entities.c.day, activity_entities.c.entity_id)
Index("ix_activity_places_day", activity_places.c.day, activity_places.c.place_id)

_COUNTED = {article_days: (), activity_articles: ("articles",), activity_entities: ("mentions", "articles"),
            activity_places: ("mentions", "articles")}  # fmt: skip


def article_day(published: str | None, ingested_at: str | None) -> int:
    """The day an article counts for: published, unless missing or after the day it was read."""
    read = parse_day(ingested_at) or date.today().toordinal()
    day = parse_day(published)
    return day if day is not None and day <= read + 1 else read


def outlet(source: str | None, url: str | None) -> str:
    """An article's outlet (``model.outlet_of``) as a key: case-folded, cut, "" when unknown."""
    return (outlet_of(source, url) or "").casefold()[:MAX_SOURCE_CHARS]


@dataclass
class Counts:
    """Counts to add, keyed like the tables' primary keys."""

    days: dict[str, tuple[int, str, str]]  # article id -> (day, language, outlet)
    articles: Counter[tuple[int, str, str]]
    entities: Counter[tuple[str, int, str]]
    entity_articles: Counter[tuple[str, int, str]]
    places: Counter[tuple[str, int, str]]
    place_articles: Counter[tuple[str, int, str]]

    @classmethod
    def empty(cls) -> Counts:
        return cls({}, Counter(), Counter(), Counter(), Counter(), Counter())

    def add(
        self, article: Article, entity_ids: Iterable[str | None], place_ids: Iterable[str | None]
    ) -> None:
        day = article_day(article.published, article.ingested_at)
        lang = (article.language or "und")[:8]
        source = outlet(article.source, article.url)
        self.days[article.id] = (day, lang, source)
        self.articles[(day, lang, source)] += 1
        for counter, seen, ids in (
            (self.entities, self.entity_articles, entity_ids),
            (self.places, self.place_articles, place_ids),
        ):
            named = Counter(i for i in ids if i)
            for key, n in named.items():
                counter[(key, day, lang)] += n
                seen[(key, day, lang)] += 1

    def rows(self) -> Iterator[tuple[Table, list[dict[str, object]]]]:
        yield (
            article_days,
            [
                {"article_id": a, "day": d, "language": lang, "source": src}
                for a, (d, lang, src) in sorted(self.days.items())
            ],
        )
        yield (
            activity_articles,
            [
                {"day": d, "language": lang, "source": s, "articles": n}
                for (d, lang, s), n in sorted(self.articles.items())
            ],
        )
        for table, mentions, articles in (
            (activity_entities, self.entities, self.entity_articles),
            (activity_places, self.places, self.place_articles),
        ):
            name = _key(table).name
            yield (
                table,
                [
                    {
                        name: key,
                        "day": d,
                        "language": lang,
                        "mentions": n,
                        "articles": articles[(key, d, lang)],
                    }
                    for (key, d, lang), n in sorted(mentions.items())
                ],
            )


def _key(table: Table) -> Column[str]:
    """The entity or place id column of an activity table."""
    return table.c.entity_id if table is activity_entities else table.c.place_id


def _add(conn: Connection, table: Table, rows: list[dict[str, object]]) -> None:
    """Add ``rows``' counts to the table's (rows in key order: concurrent writers take locks alike)."""
    if not rows:
        return
    stmt = backends.insert(conn.engine, table)
    keys = [c.name for c in table.primary_key.columns]
    if table is article_days:  # one row an article, written once
        conn.execute(stmt.on_conflict_do_nothing(index_elements=keys), rows)
        return
    counted = {c: table.c[c] + stmt.excluded[c] for c in _COUNTED[table]}
    conn.execute(stmt.on_conflict_do_update(index_elements=keys, set_=counted), rows)


def record(conn: Connection, analyses: Iterable[Analysis]) -> None:
    """Add the activity of newly stored articles (call in the transaction that stored them)."""
    counts = Counts.empty()
    for a in analyses:
        counts.add(a.article, (m.entity_id for m in a.mentions), (p.place_id for p in a.place_mentions))
    for table, rows in counts.rows():
        _add(conn, table, rows)


def rebuild(conn: Connection) -> int:
    """Count a store's articles into empty activity tables (a store made before they existed).

    Returns how many articles were counted; nothing is done when the tables already hold counts.
    """
    if conn.execute(select(activity_articles.c.day).limit(1)).first() is not None:
        return 0
    ids = [str(r[0]) for r in conn.execute(select(schema.articles.c.id).order_by(schema.articles.c.id))]
    for table, rows in count_articles(conn, ids).rows():
        _add(conn, table, rows)
    return len(ids)


def count_articles(conn: Connection, ids: list[str]) -> Counts:
    """The activity of stored articles ``ids``, counted from their rows."""
    a, m, pm = schema.articles, schema.mentions, schema.place_mentions
    counts = Counts.empty()
    heads = select(a.c.id, a.c.published, a.c.ingested_at, a.c.language, a.c.source, a.c.url)
    for start in range(0, len(ids), REBUILD_BATCH):
        batch = ids[start : start + REBUILD_BATCH]
        named = _named(conn, m.c.article_id, m.c.entity_id, batch)
        placed = _named(conn, pm.c.article_id, pm.c.place_id, batch)
        for h in conn.execute(heads.where(a.c.id.in_(batch))):
            article = Article(
                id=h.id, text="", published=h.published, ingested_at=h.ingested_at,
                language=h.language, source=h.source, url=h.url, text_hash="-",
            )  # fmt: skip
            counts.add(article, named.get(h.id, []), placed.get(h.id, []))
    return counts


@dataclass(frozen=True)
class ArticleFilter:
    """Articles naming an entity, a place, from an outlet, in a language (each optional)."""

    entity: str | None = None
    place: str | None = None
    source: str | None = None
    language: str | None = None


def _named(conn: Connection, article: Column[str], key: Column[str], ids: list[str]) -> dict[str, list[str]]:
    """{article id: the key of each of its mentions} for these articles."""
    out: dict[str, list[str]] = {}
    for aid, value in conn.execute(select(article, key).where(article.in_(ids))):
        out.setdefault(aid, []).append(value)
    return out


# -- reading ---------------------------------------------------------------------------

Kind = Literal["entities", "places"]


@dataclass(frozen=True)
class Window:
    """Days ``first`` to ``last``, both included (ordinal days)."""

    first: int
    last: int

    @property
    def days(self) -> int:
        return self.last - self.first + 1

    def before(self, periods: int) -> Window:
        """The ``periods`` windows of the same length just before this one, as one window."""
        return Window(self.first - periods * self.days, self.first - 1)

    def covers(self, day: int) -> bool:
        return self.first <= day <= self.last

    def bucket(self, day: int, buckets: int) -> int:
        """Which of ``buckets`` equal runs of the window's days ``day`` falls in (a sparkline's bar)."""
        return (day - self.first) * buckets // self.days


@dataclass
class Tally:
    """Mentions and articles of one entity or place in a window."""

    key: str
    mentions: int
    articles: int


@dataclass
class StoryTally:
    """A story's articles in a window and the independent outlets among them (copies left out)."""

    story_id: str
    articles: int
    sources: int


@dataclass
class StoryHead:
    """What a list shows of a story."""

    id: str
    title: str
    first_seen: str | None
    last_seen: str | None
    languages: list[str]
    articles: int
    updated_at: str | None


def _tables(kind: Kind) -> tuple[Table, Column[str]]:
    table = activity_entities if kind == "entities" else activity_places
    return table, _key(table)


def _in_window(table: Table, window: Window, language: str | None) -> list[ColumnElement[bool]]:
    """Conditions on an activity table's rows: the window's days, and the language when one is given."""
    where = [table.c.day >= window.first, table.c.day <= window.last]
    if language:
        where.append(table.c.language == language)
    return where


class Activity:
    """What a store's activity tables say (of one language, when given)."""

    def __init__(self, store: Store, language: str | None = None) -> None:
        self.store = store
        self.language = language

    def span(self) -> Window | None:
        """First and last day with an article (windows end on the last)."""
        t = activity_articles
        with self.store.engine.connect() as conn:
            first, last = conn.execute(select(func.min(t.c.day), func.max(t.c.day))).one()
        return None if last is None else Window(int(first), int(last))

    def _where(self, table: Table, window: Window) -> list[ColumnElement[bool]]:
        return _in_window(table, window, self.language)

    def _rows(self, query: Any) -> list[Any]:
        with self.store.engine.connect() as conn:
            return list(conn.execute(query))

    def top(self, kind: Kind, window: Window, limit: int, entity_kind: str | None = None) -> list[Tally]:
        """The most mentioned entities (of ``entity_kind``) or places in the window."""
        table, key = _tables(kind)
        mentions = func.sum(table.c.mentions).label("mentions")
        query = select(key, mentions, func.sum(table.c.articles)).where(*self._where(table, window))
        if entity_kind:
            e = schema.entities
            query = query.where(key.in_(select(e.c.id).where(e.c.kind == entity_kind)))
        query = query.group_by(key).order_by(mentions.desc(), key).limit(limit)
        return [Tally(str(k), int(n), int(a)) for k, n, a in self._rows(query)]

    def totals(self, kind: Kind, keys: list[str], window: Window) -> dict[str, int]:
        """Mentions of each of ``keys`` in the window."""
        table, key = _tables(kind)
        if not keys:
            return {}
        query = select(key, func.sum(table.c.mentions)).where(key.in_(keys), *self._where(table, window))
        return {str(k): int(n) for k, n in self._rows(query.group_by(key))}

    def series(self, kind: Kind, keys: list[str], window: Window, buckets: int) -> dict[str, list[int]]:
        """Mentions of each key in each of ``buckets`` runs of the window's days."""
        table, key = _tables(kind)
        buckets = min(buckets, window.days)
        out = {k: [0] * buckets for k in keys}
        if keys:
            query = select(key, table.c.day, func.sum(table.c.mentions)).where(
                key.in_(keys), *self._where(table, window)
            )
            for k, day, n in self._rows(query.group_by(key, table.c.day)):
                out[str(k)][window.bucket(int(day), buckets)] += int(n)
        return out

    def articles_by(self, column: Literal["language", "source"], window: Window) -> dict[str, int]:
        """Articles in the window per language or per outlet, most first."""
        t = activity_articles
        n = func.sum(t.c.articles).label("n")
        query = select(t.c[column], n).where(*self._where(t, window)).group_by(t.c[column])
        return {str(k): int(v) for k, v in self._rows(query.order_by(n.desc(), t.c[column]))}

    def days_of(self, article_ids: list[str]) -> dict[str, int]:
        """The day each of these articles counts for."""
        d = article_days
        return {
            str(a): int(day)
            for a, day in self._rows(select(d.c.article_id, d.c.day).where(d.c.article_id.in_(article_ids)))
        }

    def story_heads(self, ids: list[str]) -> list[StoryHead]:
        st = schema.stories
        query = select(st.c.id, st.c.title, st.c.first_seen, st.c.last_seen, st.c.languages,
                       st.c.article_ids, st.c.updated_at).where(st.c.id.in_(ids))  # fmt: skip
        return [
            StoryHead(
                r.id,
                r.title,
                r.first_seen,
                r.last_seen,
                list(r.languages or []),
                len(r.article_ids or []),
                r.updated_at,
            )  # fmt: skip
            for r in self._rows(query)
        ]

    def new_since(self, since: str) -> dict[str, int]:
        """Articles stored and stories changed after ``since`` (an ISO timestamp: the last visit)."""
        a, st = schema.articles, schema.stories
        new_articles = select(func.count()).select_from(a).where(a.c.ingested_at > since)
        if self.language:
            new_articles = new_articles.where(a.c.language == self.language)
        changed = select(func.count()).select_from(st).where(st.c.updated_at > since)
        with self.store.engine.connect() as conn:
            return {"articles": int(conn.execute(new_articles).scalar_one()),
                    "stories": int(conn.execute(changed).scalar_one())}  # fmt: skip

    def stories(self, window: Window) -> dict[str, StoryTally]:
        """Per story, its articles whose day is in the window."""
        return self._story_tallies(window, None)

    def _story_tallies(self, window: Window, article_ids: list[str] | None) -> dict[str, StoryTally]:
        d, sa = article_days, schema.story_articles
        original_outlet = case((and_(sa.c.original_id.is_(None), sa.c.source != ""), sa.c.source))
        query = (
            select(sa.c.story_id, func.count(), func.count(func.distinct(original_outlet)))
            .select_from(d.join(sa, sa.c.article_id == d.c.article_id))
            .where(d.c.day >= window.first, d.c.day <= window.last)
            .group_by(sa.c.story_id)
        )
        if self.language:
            query = query.where(sa.c.language == self.language)
        if article_ids is not None:
            query = query.where(d.c.article_id.in_(article_ids))
        return {str(s): StoryTally(str(s), int(n), int(k)) for s, n, k in self._rows(query)}


def latest_articles(conn: Connection, where: ArticleFilter, window: Window, limit: int) -> list[str]:
    """The ids of the window's latest ``limit`` articles that ``where`` keeps, latest first.

    One query, from whichever side reads fewer rows: the articles naming the filter's rarest
    entity or place (an index range), or the window's articles, latest first, checking that
    each names it until ``limit`` are found (the entity's and the window's article counts come
    from the daily rollups).
    """
    d = article_days
    query = select(d.c.article_id).where(*_in_window(d, window, where.language))
    if where.source is not None:
        query = query.where(d.c.source == where.source)
    named = [
        (schema.mentions.c.entity_id, activity_entities, where.entity),
        (schema.place_mentions.c.place_id, activity_places, where.place),
    ]
    keys = sorted(
        ((column, key, _articles_naming(conn, rollup, key)) for column, rollup, key in named if key),
        key=lambda k: k[2],
    )
    window_articles = _articles_in(conn, window, where.language) if keys else 0
    for i, (column, key, articles) in enumerate(keys):
        article = column.table.c.article_id
        # Starting from the articles naming it reads all of them; walking the window reads about
        # limit / (the share of the window's articles naming it) rows, at most the whole window.
        walk = min(window_articles, limit * window_articles / max(articles, 1))
        if i == 0 and articles < walk:
            query = query.where(d.c.article_id.in_(select(article).where(column == key)))
        else:
            query = query.where(exists().where(article == d.c.article_id, column == key))
    latest = query.order_by(d.c.day.desc(), d.c.article_id.desc()).limit(limit)
    return [str(r[0]) for r in conn.execute(latest)]


def _articles_naming(conn: Connection, rollup: Table, key: str) -> int:
    """How many articles name this entity (or place), every day (a range of its rollup's key)."""
    query = select(func.coalesce(func.sum(rollup.c.articles), 0)).where(_key(rollup) == key)
    return int(conn.execute(query).scalar_one())


def _articles_in(conn: Connection, window: Window, language: str | None) -> int:
    """How many articles the window holds (in the language, when one is given)."""
    t = activity_articles
    query = select(func.coalesce(func.sum(t.c.articles), 0)).where(*_in_window(t, window, language))
    return int(conn.execute(query).scalar_one())


class ArticleActivity(Activity):
    """The same answers for the articles an ``ArticleFilter`` keeps, counted from their rows.

    The latest ``limit`` articles of the window that name the filter's entity and place are read.
    """

    def __init__(self, store: Store, where: ArticleFilter, window: Window, limit: int) -> None:
        super().__init__(store, where.language)
        self.counts = Counts.empty()
        self.kinds: dict[str, str] = {}
        with store.engine.connect() as conn:
            ids = latest_articles(conn, where, window, limit + 1)
            self.sampled = len(ids) > limit
            self.ids = sorted(ids[:limit])
            for start in range(0, len(self.ids), REBUILD_BATCH):
                self._count(conn, self.ids[start : start + REBUILD_BATCH])

    def _count(self, conn: Connection, ids: list[str]) -> None:
        """Add the counts of these articles, aggregated by the database."""
        d, e, c = article_days, schema.entities, self.counts
        for day, lang, source, n in conn.execute(
            select(d.c.day, d.c.language, d.c.source, func.count()).where(d.c.article_id.in_(ids))
            .group_by(d.c.day, d.c.language, d.c.source)
        ):  # fmt: skip
            c.articles[(int(day), str(lang), str(source))] += int(n)
        for table, key, mentions, articles in (
            (schema.mentions, schema.mentions.c.entity_id, c.entities, c.entity_articles),
            (schema.place_mentions, schema.place_mentions.c.place_id, c.places, c.place_articles),
        ):
            query = (
                select(
                    key, d.c.day, d.c.language, func.count(), func.count(func.distinct(table.c.article_id))
                )
                .join(d, d.c.article_id == table.c.article_id)
                .where(table.c.article_id.in_(ids), key.is_not(None))
                .group_by(key, d.c.day, d.c.language)
            )
            for k, day, lang, n, arts in conn.execute(query):
                mentions[(str(k), int(day), str(lang))] += int(n)
                articles[(str(k), int(day), str(lang))] += int(arts)
        named = select(schema.mentions.c.entity_id).where(schema.mentions.c.article_id.in_(ids))
        self.kinds.update(
            {str(i): str(k) for i, k in conn.execute(select(e.c.id, e.c.kind).where(e.c.id.in_(named)))}
        )

    def _counters(self, kind: Kind) -> tuple[Counter[tuple[str, int, str]], Counter[tuple[str, int, str]]]:
        c = self.counts
        return (c.entities, c.entity_articles) if kind == "entities" else (c.places, c.place_articles)

    def top(self, kind: Kind, window: Window, limit: int, entity_kind: str | None = None) -> list[Tally]:
        mentions, articles = self._counters(kind)
        found: dict[str, Tally] = {}
        for (key, day, lang), n in mentions.items():
            if window.covers(day) and (not entity_kind or self.kinds.get(key) == entity_kind):
                tally = found.setdefault(key, Tally(key, 0, 0))
                tally.mentions += n
                tally.articles += articles[(key, day, lang)]
        return sorted(found.values(), key=lambda t: (-t.mentions, t.key))[:limit]

    def totals(self, kind: Kind, keys: list[str], window: Window) -> dict[str, int]:
        wanted, out = set(keys), Counter[str]()
        for (key, day, _lang), n in self._counters(kind)[0].items():
            if key in wanted and window.covers(day):
                out[key] += n
        return dict(out)

    def series(self, kind: Kind, keys: list[str], window: Window, buckets: int) -> dict[str, list[int]]:
        buckets = min(buckets, window.days)
        out = {k: [0] * buckets for k in keys}
        for (key, day, _lang), n in self._counters(kind)[0].items():
            if key in out and window.covers(day):
                out[key][window.bucket(day, buckets)] += n
        return out

    def articles_by(self, column: Literal["language", "source"], window: Window) -> dict[str, int]:
        out = Counter[str]()
        for (day, lang, source), n in self.counts.articles.items():
            if window.covers(day):
                out[lang if column == "language" else source] += n
        return dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0])))

    def stories(self, window: Window) -> dict[str, StoryTally]:
        return self._story_tallies(window, self.ids)
