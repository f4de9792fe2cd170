"""RSS/Atom feeds (feedparser) and OPML subscription lists (lxml), parsed from bytes only.

Both formats are XML from strangers. Entity declarations are refused before any parser
sees the document: that is what billion-laughs and external-entity attacks need, and
no real feed needs them. feedparser is always given bytes, so it never fetches anything.
"""

from __future__ import annotations

import calendar
import io
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import feedparser
import lxml.etree

from veille.errors import InputError

_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)
_FEED_ROOT = re.compile(rb"<(rss|feed|rdf:RDF)\b", re.IGNORECASE)
_OPML_ROOT = re.compile(rb"<opml\b", re.IGNORECASE)
FEED_MEDIA_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json"}
)
_SNIFF_BYTES = 2048


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed, before any page it links to is fetched."""

    link: str | None
    title: str | None
    content: str  # the fullest body the feed gives (content, else summary); may be HTML
    published: str | None  # ISO 8601 (UTC) when the feed dates it
    entry_id: str | None


@dataclass(frozen=True)
class ParsedFeed:
    title: str | None
    link: str | None
    entries: list[FeedEntry] = field(default_factory=list)


def _as_searchable(data: bytes) -> list[bytes]:
    """The document as bytes a byte pattern can search: UTF-16/32 XML hides ``<!ENTITY`` between NULs."""
    if b"\x00" not in data[:_SNIFF_BYTES]:
        return [data]
    views = [data]
    for encoding in ("utf-32-le", "utf-32-be", "utf-16-le", "utf-16-be"):
        views.append(data.decode(encoding, errors="ignore").encode("utf-8", errors="ignore"))
    return views


def refuse_entities(data: bytes, what: str) -> None:
    """InputError when ``data`` declares XML entities (billion laughs, external entities)."""
    if any(_ENTITY_DECLARATION.search(view) for view in _as_searchable(data)):
        raise InputError(
            f"{what} declares XML entities, which veille refuses (possible entity-expansion attack)"
        )


def looks_like_feed(data: bytes, media_type: str = "") -> bool:
    """Whether a fetched body is a feed: by its media type, else by its root element."""
    if media_type in FEED_MEDIA_TYPES:
        return True
    return bool(_FEED_ROOT.search(data[:_SNIFF_BYTES]))


def looks_like_opml(data: bytes, media_type: str = "") -> bool:
    return media_type in {"text/x-opml", "application/opml+xml"} or bool(
        _OPML_ROOT.search(data[:_SNIFF_BYTES])
    )


def _iso_time(parsed: Any) -> str | None:
    if not parsed:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC).isoformat()
    except (TypeError, ValueError, OverflowError):
        return None


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _entry_content(entry: Any) -> str:
    # Atom <content> and RSS <content:encoded> carry the full text; summary is often a teaser.
    best = ""
    for part in entry.get("content") or []:
        value = part.get("value") if isinstance(part, dict) else None
        if isinstance(value, str) and len(value) > len(best):
            best = value
    summary = entry.get("summary")
    if isinstance(summary, str) and len(summary) > len(best):
        best = summary
    return best.strip()


def parse_feed(data: bytes, origin: str) -> ParsedFeed:
    """Entries of an RSS/Atom document; InputError "not an RSS/Atom feed: …" otherwise."""
    refuse_entities(data, "feed")
    parsed = feedparser.parse(io.BytesIO(data), sanitize_html=True, resolve_relative_uris=True)
    if not parsed.get("version") and not parsed.entries:
        reason = parsed.get("bozo_exception")
        detail = f" ({str(reason).splitlines()[0][:120]})" if reason else ""
        raise InputError(f"not an RSS/Atom feed: {origin}{detail}")
    entries = [
        FeedEntry(
            link=_text(entry.get("link")),
            title=_text(entry.get("title")),
            content=_entry_content(entry),
            published=_iso_time(entry.get("published_parsed") or entry.get("updated_parsed")),
            entry_id=_text(entry.get("id")),
        )
        for entry in parsed.entries
    ]
    meta = parsed.get("feed", {})
    return ParsedFeed(title=_text(meta.get("title")), link=_text(meta.get("link")), entries=entries)


def parse_opml(data: bytes, origin: str) -> list[str]:
    """Feed URLs (``xmlUrl``) listed in an OPML document, in document order, without repeats."""
    refuse_entities(data, "OPML file")
    parser = lxml.etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False, dtd_validation=False
    )
    try:
        root = lxml.etree.fromstring(data, parser=parser)
    except lxml.etree.XMLSyntaxError as exc:
        raise InputError(f"not an OPML file: {origin} ({exc})") from None
    if root is None or not isinstance(root.tag, str) or root.tag.lower() != "opml":
        raise InputError(f"not an OPML file: {origin} (root element is not <opml>)")
    urls: list[str] = []
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if url and url not in urls:
            urls.append(url)
    return urls
