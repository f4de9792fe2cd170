"""Dates and periods named in an article, resolved against its publication date.

Candidates are found with a spaCy Matcher over tokens (year ranges, day + month,
weekdays, relative phrases, years after a preposition); dateparser turns each into
a date, using the publication date as the reference for relative ones. Without a
publication date, anything that needs one stays ``kind="relative"`` and unresolved:
"le 30 septembre" keeps the partial date "--09-30", "vendredi" keeps no value.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import dateparser
from dateparser.data.languages_info import language_order
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from veille.config import Settings
from veille.lexicons import language_of, package_toml, words_of
from veille.model import Analysis, DateKind, DateRef

EXTRACTOR = "quantities.dates"
_YEAR_RANGE = r"^(1[89]|20)\d\d[-–—](1[89]|20)\d\d$"
_DASHES = ["-", "–", "—"]


@lru_cache(maxsize=1)
def calendar() -> dict[str, Any]:
    return package_toml("veille.quantities", "calendar.toml")


def calendar_words(section: str) -> set[str]:
    """All words of one calendar section, every language together."""
    return {w for words in calendar()[section].values() for w in words}


def publication_date(published: str | None) -> dt.datetime | None:
    """The article's publication date as a datetime (None when absent or unreadable)."""
    if not published:
        return None
    try:
        return dt.datetime.fromisoformat(published[:10])
    except ValueError:
        return None


@dataclass
class DateMatcher:
    """Matchers for one vocabulary; build once per pipeline."""

    matcher: Matcher
    relative: PhraseMatcher


def build_matcher(vocab: Vocab) -> DateMatcher:
    cal = calendar()
    months = sorted(calendar_words("months"))
    weekdays = sorted(calendar_words("weekdays"))
    day = {"TEXT": {"REGEX": r"^(\d{1,2}|1er)$"}}
    year = {"TEXT": {"REGEX": r"^(1[89]|20)\d\d$"}}
    matcher = Matcher(vocab)
    matcher.add("range", [[{"TEXT": {"REGEX": _YEAR_RANGE}}], [year, {"TEXT": {"IN": _DASHES}}, year]])
    matcher.add(
        "day_month",
        [
            [day, {"LOWER": {"IN": months}}, {**year, "OP": "?"}],
            [{"LOWER": {"IN": months}}, day],
            [{"LOWER": {"IN": months}}, day, {"TEXT": ",", "OP": "?"}, year],
        ],
    )
    matcher.add("month_year", [[{"LOWER": {"IN": months}}, year]])
    matcher.add("weekday", [[{"LOWER": {"IN": weekdays}}]])
    matcher.add("year", [[{"LOWER": {"IN": cal["year_markers"]["words"]}}, year]])
    relative = PhraseMatcher(vocab, attr="LOWER")
    for lang, phrases in cal["relative"].items():
        for phrase, granularity in phrases.items():
            relative.add(f"{lang}:{granularity}", [_phrase_doc(vocab, phrase)])
    return DateMatcher(matcher, relative)


def _phrase_doc(vocab: Vocab, phrase: str) -> Doc:
    return Doc(vocab, words=list(words_of(phrase)))


@lru_cache(maxsize=8)
def _qualifiers(lang: str) -> tuple[tuple[str, ...], ...]:
    """Qualifier phrases of a language as token tuples, longest first."""
    return tuple(sorted((words_of(q) for q in calendar()["qualifiers"].get(lang, [])), key=len, reverse=True))


def _qualified_start(doc: Doc, span: Span, lang: str) -> int:
    """Extend a relative span leftwards over a qualifier ("dès le début de")."""
    for words in _qualifiers(lang):
        start = span.start - len(words)
        if start >= 0 and tuple(t.lower_ for t in doc[start : span.start]) == words:
            return start
    return span.start


def _parse(text: str, lang: str, base: dt.datetime | None, prefer: str = "past") -> dt.datetime | None:
    # Cached: the same phrases recur against the same publication day, and dateparser takes
    # about a millisecond a call. Without a base it reads the clock: today is part of the key.
    return _parse_cached(text, lang, base, prefer, dt.date.today() if base is None else None)


@lru_cache(maxsize=8192)
def _parse_cached(
    text: str, lang: str, base: dt.datetime | None, prefer: str, _today: dt.date | None
) -> dt.datetime | None:
    settings: dict[str, Any] = {"PREFER_DATES_FROM": prefer}
    if base is not None:
        settings["RELATIVE_BASE"] = base
    # A language dateparser does not know (no detected language: spaCy's "xx") would raise;
    # then the month names themselves tell dateparser the language.
    languages = [lang] if lang in language_order else None
    return dateparser.parse(text, languages=languages, settings=settings)


def _has_year(span: Span) -> bool:
    return any(re.fullmatch(r"(1[89]|20)\d\d", t.text) for t in span)


def _ref(
    span: Span, kind: DateKind, value: str | None, resolved: bool, end_value: str | None = None
) -> DateRef:
    return DateRef(
        article_id="",
        start=span.start_char,
        end=span.end_char,
        text=span.text,
        sentence=-1,
        extractor=EXTRACTOR,
        kind=kind,
        value=value,
        end_value=end_value,
        resolved=resolved,
    )


def _resolve_range(span: Span, lang: str, base: dt.datetime | None) -> DateRef:
    years = re.findall(r"\d{4}", span.text)
    return _ref(span, "range", years[0], True, years[-1])


def _resolve_day_month(span: Span, lang: str, base: dt.datetime | None) -> DateRef | None:
    text = " ".join(t.text for t in span if t.lower_ != "le")
    if _has_year(span):
        parsed = _parse(text, lang, None)
        return _ref(span, "absolute", parsed.date().isoformat(), True) if parsed else None
    if base is None:  # "le 30 septembre" of an undated article: keep month and day only
        parsed = _parse(text, lang, dt.datetime(2000, 12, 31))  # 2000 is a leap year: 29 Feb parses
        return _ref(span, "relative", parsed.strftime("--%m-%d"), False) if parsed else None
    parsed = _parse(text, lang, base)
    return _ref(span, "absolute", parsed.date().isoformat(), True) if parsed else None


def _resolve_month_year(span: Span, lang: str, base: dt.datetime | None) -> DateRef | None:
    parsed = _parse(span.text, lang, None)
    return _ref(span, "absolute", parsed.strftime("%Y-%m"), True) if parsed else None


def _resolve_weekday(span: Span, lang: str, base: dt.datetime | None) -> DateRef | None:
    if base is None:
        return _ref(span, "relative", None, False)
    # News report the past: "a déclaré vendredi" is the most recent Friday on or before the
    # publication day, that day included. dateparser only names the weekday here: with
    # PREFER_DATES_FROM=past it gives a Friday article's "Friday" as the week before.
    parsed = _parse(span.text, lang, base)
    if parsed is None:
        return None
    day = base.date() - dt.timedelta(days=(base.weekday() - parsed.weekday()) % 7)
    return _ref(span, "relative", day.isoformat(), True)


def _resolve_year(span: Span, lang: str, base: dt.datetime | None) -> DateRef:
    year = span[-1]
    return DateRef(
        article_id="",
        start=year.idx,
        end=year.idx + len(year.text),
        text=year.text,
        sentence=-1,
        extractor=EXTRACTOR,
        kind="absolute",
        value=year.text,
        resolved=True,
    )


_RESOLVERS: dict[str, Callable[[Span, str, dt.datetime | None], DateRef | None]] = {
    "range": _resolve_range,
    "day_month": _resolve_day_month,
    "month_year": _resolve_month_year,
    "weekday": _resolve_weekday,
    "year": _resolve_year,
}


def _resolve_relative(
    span: Span, core: Span, granularity: str, lang: str, base: dt.datetime | None
) -> DateRef:
    if base is None:
        return _ref(span, "relative", None, False)
    parsed = _parse(core.text, lang, base, prefer="current_period")
    if parsed is None:
        return _ref(span, "relative", None, False)
    fmt = {"year": "%Y", "month": "%Y-%m"}.get(granularity, "%Y-%m-%d")
    return _ref(span, "relative", parsed.strftime(fmt), True)


def find_dates(doc: Doc, lang: str, published: str | None, matchers: DateMatcher) -> list[DateRef]:
    """Dates of ``doc`` in text order; overlapping candidates keep the longest."""
    base = publication_date(published)
    found: list[DateRef] = []
    for match_id, start, end in matchers.matcher(doc):
        label = doc.vocab.strings[match_id]
        ref = _RESOLVERS[label](doc[start:end], lang, base)
        if ref is not None:
            found.append(ref)
    for match_id, start, end in matchers.relative(doc):
        rel_lang, _, granularity = doc.vocab.strings[match_id].partition(":")
        core = doc[start:end]
        span = doc[_qualified_start(doc, core, rel_lang) : end]
        found.append(_resolve_relative(span, core, granularity, rel_lang, base))
    return _longest_first(found)


def _longest_first(refs: list[DateRef]) -> list[DateRef]:
    kept: list[DateRef] = []
    for ref in sorted(refs, key=lambda r: (-(r.end - r.start), r.start)):
        if all(ref.end <= k.start or ref.start >= k.end for k in kept):
            kept.append(ref)
    return sorted(kept, key=lambda r: r.start)


def create_date_extractor(settings: Settings) -> Callable[[Analysis, Doc], None]:
    """Pipeline factory (``[extractors] dates``): matchers are built once per vocabulary."""
    cache: dict[int, DateMatcher] = {}

    def extract_dates(analysis: Analysis, doc: Doc) -> None:
        if id(doc.vocab) not in cache:  # built once per vocabulary, not per article
            cache[id(doc.vocab)] = build_matcher(doc.vocab)
        matchers = cache[id(doc.vocab)]
        for ref in find_dates(doc, language_of(analysis, doc), analysis.article.published, matchers):
            ref.article_id = analysis.article.id
            ref.sentence = analysis.sentence_at(ref.start)
            analysis.dates.append(ref)

    return extract_dates
