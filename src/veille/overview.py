"""The monitor's front page as data: what moved in a window of days, where, and who is behind it.

Panels: a map of the places named in the window, rising and new stories, the top entities
of each kind with a sparkline and a rising mark, and articles per language and outlet. A
story or entity is *rising* when its count in the window is at least ``RISING_FACTOR`` times
its mean over the ``BASELINE_PERIODS`` windows before (EMM NewsBrief's rule, on days).

Windows end on the last day with news (an archive's "now"; on a live feed, today). Without
an entity, place or outlet filter, counts come from the daily activity tables
(``veille.store.activity``); with one, from the matching articles themselves, the latest
``MAX_FILTERED`` of them (``sampled`` says when that bound was reached).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from veille.store import dashboard
from veille.store.activity import Activity, ArticleActivity, ArticleFilter, Window
from veille.store.database import Store
from veille.stories.corroboration import CorroborationGroup

WINDOWS: dict[str, int | None] = {"1d": 1, "7d": 7, "30d": 30, "all": None}
DEFAULT_WINDOW = "7d"
BASELINE_PERIODS = 4
RISING_FACTOR = 2.0
RISING_MIN = 3  # fewer mentions (or articles) than this in the window never count as rising
TOP_ENTITIES = 8
ENTITY_KINDS = ("country", "organisation", "person")
SPARK_BUCKETS = 14
MAX_PLACES = 300
MAX_STORIES = 10
MAX_SOURCES = 20
MAX_FILTERED = 5_000
MAX_CONTEST_CHECKS = 5  # the most active stories whose facts are compared (each loads its articles)
MAX_CONTEST_ARTICLES = 200  # a bigger story is not compared here (its page shows its contradictions)
MAX_STORY_ROWS = 200  # stories read per answer, most active first


@dataclass(frozen=True)
class OverviewQuery:
    window: str = DEFAULT_WINDOW
    language: str | None = None
    entity: str | None = None  # entity id
    place: str | None = None  # place id
    source: str | None = None  # outlet key (``activity.outlet``)
    since: str | None = None  # ISO timestamp of the reader's last visit

    @property
    def filtered(self) -> bool:
        return bool(self.entity or self.place or self.source)


@dataclass
class EntityItem:
    id: str
    name: str
    kind: str
    mentions: int
    articles: int
    series: list[int]
    baseline: float  # mean mentions per window over the baseline periods
    rising: bool


@dataclass
class PlaceItem:
    id: str
    name: str
    lat: float
    lon: float
    country: str | None
    mentions: int
    articles: int


@dataclass
class StoryItem:
    id: str
    title: str
    articles: int  # in the window
    sources: int  # independent outlets in the window
    baseline: float  # mean articles per window over the baseline periods
    rising: bool
    new: bool  # first seen in the window
    first_seen: str | None
    last_seen: str | None
    languages: list[str]
    total_articles: int
    updated_since: bool  # changed after the reader's last visit


@dataclass
class ContestedItem:
    """An active story whose sources contradict each other, and how many contradictions are new."""

    story: StoryItem
    contradictions: int
    new: int  # with a side from an article of the window
    reasons: list[str]  # why, as the corroboration stage says (first few)


@dataclass
class Overview:
    window: str
    first_day: str | None
    last_day: str | None
    articles: int
    languages: dict[str, int]
    sources: dict[str, int]
    places: list[PlaceItem]
    entities: dict[str, list[EntityItem]]
    rising: list[StoryItem]
    new_stories: list[StoryItem]
    active: list[StoryItem]
    sampled: bool = False
    new_since: dict[str, int] = field(default_factory=dict)
    contested: list[ContestedItem] = field(default_factory=list)


def rising(count: int, baseline: float) -> bool:
    """A count well above its baseline: at least RISING_MIN and RISING_FACTOR times the mean before."""
    return count >= RISING_MIN and count >= RISING_FACTOR * max(baseline, 1.0)


def window_of(span: Window, name: str) -> Window:
    """The named window ending on the span's last day ("all": the whole span)."""
    days = WINDOWS.get(name, WINDOWS[DEFAULT_WINDOW])
    return span if days is None else Window(span.last - days + 1, span.last)


def build_overview(store: Store, query: OverviewQuery) -> Overview:
    counts = Activity(store, query.language)
    span = counts.span()
    if span is None:
        return Overview(query.window, None, None, 0, {}, {}, [], {k: [] for k in ENTITY_KINDS}, [], [], [])
    window = window_of(span, query.window)
    # "all" has nothing before it to compare with: nothing is rising.
    baseline = window.before(BASELINE_PERIODS) if window != span else None
    sampled = False
    if query.filtered:
        where = ArticleFilter(query.entity, query.place, query.source, query.language)
        counted = ArticleActivity(
            store, where, baseline and Window(baseline.first, window.last) or window, MAX_FILTERED
        )
        counts, sampled = counted, counted.sampled
    languages = counts.articles_by("language", window)
    sources = counts.articles_by("source", window)
    stories = _stories(store, counts, window, baseline, query.since)
    return Overview(
        window=query.window,
        first_day=date.fromordinal(window.first).isoformat(),
        last_day=date.fromordinal(window.last).isoformat(),
        articles=sum(languages.values()),
        languages=languages,
        sources=dict(list(sources.items())[:MAX_SOURCES]),
        places=_places(store, counts, window),
        entities={k: _entities(store, counts, window, baseline, k) for k in ENTITY_KINDS},
        rising=[s for s in stories if s.rising][:MAX_STORIES],
        new_stories=[s for s in stories if s.new][:MAX_STORIES],
        active=stories[:MAX_STORIES],
        sampled=sampled,
        new_since=counts.new_since(query.since) if query.since else {},
    )


def _per_window(total: int, baseline: Window | None, window: Window) -> float:
    return total * window.days / baseline.days if baseline else 0.0


def _entities(
    store: Store, counts: Activity, window: Window, baseline: Window | None, kind: str
) -> list[EntityItem]:
    top = counts.top("entities", window, TOP_ENTITIES, entity_kind=kind)
    keys = [t.key for t in top]
    before = counts.totals("entities", keys, baseline) if baseline else {}
    spark = Window(baseline.first, window.last) if baseline else window
    series = counts.series("entities", keys, spark, SPARK_BUCKETS)
    names = dashboard.entities_by_id(store, keys)
    items = []
    for t in top:
        mean = _per_window(before.get(t.key, 0), baseline, window)
        entity = names.get(t.key)
        items.append(
            EntityItem(
                t.key,
                entity.name if entity else t.key,
                kind,
                t.mentions,
                t.articles,
                series[t.key],
                round(mean, 2),
                bool(baseline) and rising(t.mentions, mean),
            )  # fmt: skip
        )
    return items


def _places(store: Store, counts: Activity, window: Window) -> list[PlaceItem]:
    top = counts.top("places", window, MAX_PLACES)
    rows = dashboard.places_by_id(store, [t.key for t in top])
    return [
        PlaceItem(t.key, p.name, p.lat, p.lon, p.country, t.mentions, t.articles)
        for t in top
        if (p := rows.get(t.key))
    ]


def _stories(
    store: Store, counts: Activity, window: Window, baseline: Window | None, since: str | None
) -> list[StoryItem]:
    """Stories with articles in the window, most articles first."""
    now = counts.stories(window)
    before = counts.stories(baseline) if baseline else {}
    ranked = sorted(now.values(), key=lambda t: (-t.articles, -t.sources, t.story_id))[:MAX_STORY_ROWS]
    rows = {s.id: s for s in counts.story_heads([t.story_id for t in ranked])}
    first = date.fromordinal(window.first).isoformat()
    items = []
    for t in ranked:
        story = rows.get(t.story_id)
        if story is None:
            continue
        mean = _per_window(before[t.story_id].articles if t.story_id in before else 0, baseline, window)
        items.append(
            StoryItem(
                id=story.id, title=story.title, articles=t.articles, sources=t.sources, baseline=round(mean, 2),
                rising=bool(baseline) and rising(t.articles, mean),
                new=bool(baseline) and (story.first_seen or "") >= first,
                first_seen=story.first_seen, last_seen=story.last_seen, languages=story.languages,
                total_articles=story.articles,
                updated_since=bool(since) and (story.updated_at or "") > (since or ""),
            )
        )  # fmt: skip
    return items


GroupsOf = Callable[[str], list[CorroborationGroup]]  # story id -> its corroboration groups


def find_contested(store: Store, view: Overview, groups_of: GroupsOf) -> list[ContestedItem]:
    """The most active stories of ``view`` whose facts contradict each other, new contradictions first.

    ``groups_of`` runs the corroboration stage on a story (the web caches it per story version).
    """
    if view.first_day is None or view.last_day is None:
        return []
    window = Window(
        date.fromisoformat(view.first_day).toordinal(), date.fromisoformat(view.last_day).toordinal()
    )
    checked = [s for s in view.active if s.total_articles <= MAX_CONTEST_ARTICLES][:MAX_CONTEST_CHECKS]
    found = []
    for item in checked:
        groups = [g for g in groups_of(item.id) if g.contradictions]
        if not groups:
            continue
        article_of = {a.id: a.article_id for g in groups for a in g.assertions}
        days = Activity(store).days_of(sorted(set(article_of.values())))
        pairs = [c for g in groups for c in g.contradictions]
        new = sum(
            1
            for c in pairs
            if any(window.covers(days.get(article_of.get(side, ""), -1)) for side in (c.first, c.second))
        )
        found.append(ContestedItem(item, len(pairs), new, sorted({c.reason for c in pairs})[:3]))
    return sorted(found, key=lambda c: (-c.new, -c.contradictions, c.story.id))
