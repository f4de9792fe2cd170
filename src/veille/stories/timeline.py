"""Per-story timeline: the story's events and claims in date order.

Each item is dated by the most specific evidence available, and says which:
its own time (``event``/``claim``), a date named in its sentence (``text``,
relative dates such as "vendredi" or "yesterday" resolved against the article's
publication date), or the article's publication date (``published``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from veille.model import Analysis, DateRef, normalise_text

WEEKDAYS: dict[str, int] = {
    **{
        d: i
        for i, d in enumerate(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])
    },
    **{d: i for i, d in enumerate(["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"])},
}
DAY_OFFSETS: dict[str, int] = {
    "today": 0,
    "aujourd hui": 0,
    "yesterday": -1,
    "hier": -1,
    "tomorrow": 1,
    "demain": 1,
    "avant hier": -2,
    "après demain": 2,
}
_NEXT_YEAR = re.compile(r"\b(next year|année prochaine|an prochain)\b")
_LAST_YEAR = re.compile(r"\b(last year|année dernière|an dernier|l an passé|année passée)\b")
_ISO_PREFIX = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?")


def resolve_relative(text: str, published: str | None) -> str | None:
    """Resolve a relative date expression against a publication date (ISO), or None.

    A bare weekday in news copy is the most recent such day on or before
    publication ("a déclaré vendredi"); "next year" is resolved to the year.
    """
    if not published:
        return None
    try:
        pub = date.fromisoformat(published[:10])
    except ValueError:
        return None
    norm = normalise_text(text)
    for phrase, offset in DAY_OFFSETS.items():
        if re.search(rf"\b{phrase}\b", norm):
            return (pub + timedelta(days=offset)).isoformat()
    for name, weekday in WEEKDAYS.items():
        if re.search(rf"\b{name}\b", norm):
            return (pub - timedelta(days=(pub.weekday() - weekday) % 7)).isoformat()
    if _NEXT_YEAR.search(norm):
        return str(pub.year + 1)
    if _LAST_YEAR.search(norm):
        return str(pub.year - 1)
    return None


@dataclass
class TimelineEntry:
    date: str | None  # ISO day, month or year; None when nothing dates the item
    date_from: str  # event | claim | text | published | none
    what: str  # event | claim
    kind: str
    text: str
    article_id: str
    item_id: str
    source: str | None = None
    date_text: str | None = None


def date_of_ref(ref: DateRef, published: str | None) -> str | None:
    if ref.value and _ISO_PREFIX.match(ref.value):
        return ref.value
    if ref.value and ref.value.startswith("--") and published and _ISO_PREFIX.match(published):
        # "le 30 septembre" with no year: the latest such day on or before publication
        candidate = f"{published[:4]}{ref.value[1:]}"
        return candidate if candidate <= published[:10] else f"{int(published[:4]) - 1}{ref.value[1:]}"
    if ref.kind == "relative" or not ref.resolved:
        return resolve_relative(ref.text, published)
    return None


def _sentence_date(analysis: Analysis, sentence: int) -> tuple[str | None, str | None]:
    for ref in analysis.dates:
        if ref.sentence == sentence:
            value = date_of_ref(ref, analysis.article.published)
            if value:
                return value, ref.text
    return None, None


def _dated(
    analysis: Analysis, own: str | None, own_kind: str, sentence: int
) -> tuple[str | None, str, str | None]:
    published = analysis.article.published
    if own and _ISO_PREFIX.match(own):
        return own, own_kind, None
    if own:  # a relative expression stored on the fact itself
        resolved = resolve_relative(own, published)
        if resolved:
            return resolved, own_kind, own
    value, text = _sentence_date(analysis, sentence)
    if value:
        return value, "text", text
    if published:
        return published[:10], "published", None
    return None, "none", None


def story_timeline(analyses: Iterable[Analysis]) -> list[TimelineEntry]:
    """Events and claims of a story's articles, oldest first (undated last)."""
    entries: list[TimelineEntry] = []
    for analysis in analyses:
        text = analysis.article.text
        for ev in analysis.events:
            when, how, said = _dated(analysis, ev.time, "event", ev.sentence)
            entries.append(
                TimelineEntry(
                    when,
                    how,
                    "event",
                    ev.kind,
                    text[ev.start : ev.end],
                    ev.article_id,
                    ev.id,
                    ev.source_entity,
                    said,
                )
            )
        for c in analysis.claims:
            when, how, said = _dated(analysis, c.date, "claim", c.sentence)
            entries.append(
                TimelineEntry(
                    when, how, "claim", c.kind, c.content, c.article_id, c.id, c.source_entity, said
                )
            )
    entries.sort(key=lambda e: (e.date is None, e.date or "", e.article_id, e.item_id))
    return entries
