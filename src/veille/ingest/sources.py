"""Inputs to articles: files, folders, JSONL, feeds, OPML lists and URLs.

``read_sources`` yields an ``Article`` or an ``IngestFailure`` per item and never stops
on a bad one: a batch of ten thousand files with three broken ones gives three
one-line failures and the rest of the articles.

For a progress bar, expand first and read item by item::

    items = list_inputs(paths_and_urls)
    for item in items:                      # advance the bar once per item
        for result in read_input(item, settings, allow_private=False):
            ...                             # Article or IngestFailure

Supported: ``.txt``, ``.html``/``.htm``, ``.jsonl``/``.ndjson`` (one object per line with
``text`` or ``html`` and optional ``url``, ``title``, ``published``, ``source``),
``.xml``/``.rss``/``.atom`` feeds, ``.opml`` lists, and ``http(s)://`` URLs of pages,
feeds or OPML lists.
"""

from __future__ import annotations

import codecs
import email.utils
import json
import logging
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from veille.clean.html import DEFAULT_MAX_HTML_CHARS, extract_page, html_to_plain_text
from veille.clean.text import clean_text
from veille.config import Settings
from veille.errors import InputError
from veille.ingest.feeds import FeedEntry, looks_like_feed, looks_like_opml, parse_feed, parse_opml
from veille.ingest.fetch import fetch
from veille.ingest.files import binary_kind, decode_bytes, path_error, read_bytes, read_text
from veille.language import detect_language, language_codes
from veille.model import Article, article_id_for, normalise_text

log = logging.getLogger(__name__)

TEXT_SUFFIXES = frozenset({".txt"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
FEED_SUFFIXES = frozenset({".xml", ".rss", ".atom"})
OPML_SUFFIXES = frozenset({".opml"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | FEED_SUFFIXES | OPML_SUFFIXES

# Shorter bodies are not articles (a stray byte, "test", a lone headline): skipped with that reason.
DEFAULT_MIN_CHARS = 15
# A stray NUL spoils one JSONL line (reported alone); many mean the file is not text at all.
_JSONL_MAX_NUL_BYTES = 16
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}charset\s*=\s*["']?([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE)
_HTML_SNIFF = re.compile(rb"<(!doctype\s+html|html|head|body)\b", re.IGNORECASE)


@dataclass(frozen=True)
class IngestFailure:
    """An input that gave no article, and why, in one line."""

    origin: str
    reason: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.reason}"


IngestResult = Article | IngestFailure


@dataclass(frozen=True)
class IngestOptions:
    """The ``[ingest]`` settings this module uses, read once per batch."""

    max_bytes: int
    max_html_chars: int
    languages: tuple[str, ...] | None
    language_high_accuracy: bool
    feed_min_entry_chars: int
    fetch_linked_pages: bool
    max_feed_entries: int
    min_chars: int = DEFAULT_MIN_CHARS

    @classmethod
    def from_settings(cls, settings: Settings) -> IngestOptions:
        ingest = settings.ingest
        languages = ingest.get("languages")
        return cls(
            max_bytes=int(ingest.get("max_bytes", 20_000_000)),
            max_html_chars=int(ingest.get("max_html_chars", DEFAULT_MAX_HTML_CHARS)),
            # Checked here, once per batch: a bad code is a ConfigError for the CLI, not a failure per item.
            languages=language_codes(languages) if languages else None,
            language_high_accuracy=bool(ingest.get("language_high_accuracy", False)),
            feed_min_entry_chars=int(ingest.get("feed_min_entry_chars", 400)),
            fetch_linked_pages=bool(ingest.get("fetch_linked_pages", True)),
            max_feed_entries=int(ingest.get("max_feed_entries", 1000)),
            min_chars=int(ingest.get("min_chars", DEFAULT_MIN_CHARS)),
        )


def is_url(value: str) -> bool:
    return value[:8].lower().startswith(("http://", "https://"))


def _hidden(name: str) -> bool:
    return name.startswith(".")


def list_inputs(inputs: Iterable[str]) -> list[str]:
    """Inputs with folders expanded to their supported files (recursive, sorted, hidden skipped).

    URLs and plain paths are kept as given (a missing path fails later, in its own line);
    the CLI can size a progress bar from the result.
    """
    out: list[str] = []
    for item in inputs:
        if is_url(item) or not os.path.isdir(item):
            out.append(item)
            continue
        found: list[str] = []
        # os.walk does not follow symlinked folders, so a link loop cannot recurse forever.
        for folder, subfolders, files in os.walk(item):
            subfolders[:] = [d for d in subfolders if not _hidden(d)]
            found.extend(
                os.path.join(folder, f)
                for f in files
                if not _hidden(f) and Path(f).suffix.lower() in SUPPORTED_SUFFIXES
            )
        # An empty folder stays in the list: reading it gives a failure that says so.
        out.extend(sorted(found) or [item])
    return out


def read_sources(
    inputs: Iterable[str], settings: Settings, *, allow_private: bool = False
) -> Iterator[IngestResult]:
    """Articles from every input, with a failure (not an exception) for each bad item."""
    IngestOptions.from_settings(settings)  # a configuration error stops the batch before it starts
    for item in list_inputs(inputs):
        yield from read_input(item, settings, allow_private=allow_private)


def read_input(item: str, settings: Settings, *, allow_private: bool = False) -> Iterator[IngestResult]:
    """Articles from one expanded input (a file or a URL)."""
    options = IngestOptions.from_settings(settings)
    reader = SourceReader(settings, options, allow_private)
    try:
        if is_url(item):
            yield from reader.url(item)
        elif re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", item):
            raise InputError("unsupported URL scheme; only http and https URLs are fetched")
        else:
            yield from reader.file(Path(item))
    # Third-party parsers meet hostile input here; whatever they raise, the batch goes on.
    except Exception as exc:  # noqa: BLE001
        yield failure_for(item, exc)


def failure_for(origin: str, exc: Exception) -> IngestFailure:
    """The one-line failure for an exception met while reading ``origin``."""
    if isinstance(exc, InputError):
        return IngestFailure(origin, str(exc))
    log.debug("unexpected error reading %s", origin, exc_info=True)
    first_line = (str(exc).splitlines() or [""])[0][:200]
    return IngestFailure(origin, f"could not read ({exc.__class__.__name__}: {first_line})")


def with_headline(title: str | None, body: str) -> str:
    """The stored text: headline, blank line, body. Headlines carry facts too
    ("… - British intelligence"), and every fact's offsets point into this text."""
    title = (title or "").strip()
    # A title cut from the body's first sentence ("…") is already in the body.
    if not title or normalise_text(body).startswith(normalise_text(title.rstrip("…"))):
        return body
    return f"{title}\n\n{body}"


def normalise_published(value: Any) -> str | None:
    """An ISO 8601 string for a date given as ISO or RFC 2822 text; None when unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    # A bare date stays a date: "2024-03-05" must not gain an invented midnight.
    for parse in (date.fromisoformat, datetime.fromisoformat):
        try:
            return parse(text).isoformat()
        except ValueError:
            pass
    try:
        return email.utils.parsedate_to_datetime(text).isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


class SourceReader:
    """Reading one input with a batch's settings; methods yield results, raise InputError for the whole input."""

    def __init__(self, settings: Settings, options: IngestOptions, allow_private: bool) -> None:
        self.settings = settings
        self.options = options
        self.allow_private = allow_private

    def article(
        self,
        text: str,
        *,
        origin: str,
        title: str | None = None,
        source: str | None = None,
        url: str | None = None,
        published: str | None = None,
    ) -> IngestResult:
        if not text.strip():
            return IngestFailure(origin, "no article text (empty after removing markup and boilerplate)")
        if len(text.strip()) < self.options.min_chars:
            return IngestFailure(
                origin,
                f"too short to be an article ({len(text.strip())} characters; ingest.min_chars = {self.options.min_chars})",
            )
        text = with_headline(title, text)
        return Article(
            id=article_id_for(text),
            text=text,
            title=title,
            source=source,
            url=url,
            published=normalise_published(published),
            language=detect_language(
                text, self.options.languages, high_accuracy=self.options.language_high_accuracy
            ),
            origin=origin,
        )

    def from_plain_text(
        self, raw: str, *, origin: str, title: str | None = None, **meta: str | None
    ) -> IngestResult:
        cleaned = clean_text(raw, title=title)
        return self.article(cleaned.text, origin=origin, title=cleaned.title, **meta)

    def from_html(
        self, html: str, *, origin: str, url: str | None = None, title: str | None = None, **meta: str | None
    ) -> IngestResult:
        page = extract_page(html, url, max_chars=self.options.max_html_chars)
        return self.article(
            page.text,
            origin=origin,
            title=title or page.title,
            source=meta.get("source") or page.sitename,
            url=url or page.url,
            published=meta.get("published") or page.published,
        )

    # --- files -------------------------------------------------------------------------

    def file(self, path: Path) -> Iterator[IngestResult]:
        origin = str(path)
        try:
            info = path.stat()
        except OSError as exc:  # missing, a symlink loop, a broken link, no permission
            raise InputError(path_error(path, exc, missing="no such file or folder")) from None
        if stat.S_ISDIR(info.st_mode):  # list_inputs keeps a folder only when nothing in it can be read
            raise InputError(
                f"folder holds no files to ingest (expected {', '.join(sorted(SUPPORTED_SUFFIXES))})"
            )
        suffix = path.suffix.lower()
        if suffix not in SUPPORTED_SUFFIXES:
            raise InputError(
                f"unsupported file type {suffix or '(none)'}; expected one of {', '.join(sorted(SUPPORTED_SUFFIXES))}"
            )
        if suffix in TEXT_SUFFIXES:
            yield self.from_plain_text(read_text(path, self.options.max_bytes), origin=origin)
        elif suffix in HTML_SUFFIXES:
            data = read_bytes(path, self.options.max_bytes)
            yield self.from_html(decode_bytes(data, _declared_charset(data)), origin=origin)
        elif suffix in JSONL_SUFFIXES:
            yield from self.jsonl(read_bytes(path, self.options.max_bytes), origin)
        elif suffix in OPML_SUFFIXES:
            yield from self.opml(read_bytes(path, self.options.max_bytes), origin)
        else:
            yield from self.feed(read_bytes(path, self.options.max_bytes), origin)

    def jsonl(self, data: bytes, origin: str) -> Iterator[IngestResult]:
        data = data.removeprefix(codecs.BOM_UTF8)
        kind = binary_kind(data, max_nul_bytes=_JSONL_MAX_NUL_BYTES)
        if kind:
            raise InputError(f"binary file ({kind}), not JSON lines")
        lines = data.split(b"\n")  # only "\n" ends a JSON line; str.splitlines would also cut at U+2028
        if not any(line.strip() for line in lines):
            raise InputError("empty: no JSON lines in it")
        for number, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            line_origin = f"{origin}:{number}"
            try:
                # JSON text is UTF-8 (RFC 8259): a line in another encoding is that line's failure.
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield IngestFailure(line_origin, f"not valid UTF-8 (byte {exc.start + 1} of the line)")
                continue
            try:
                yield self.jsonl_record(line, line_origin)
            except Exception as exc:  # noqa: BLE001 - one bad line, whatever the cause, is that line's failure
                yield failure_for(line_origin, exc)

    def jsonl_record(self, line: str, origin: str) -> IngestResult:
        try:
            record = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as exc:
            reason = exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
            raise InputError(f"invalid JSON ({reason})") from None
        if not isinstance(record, dict):
            raise InputError("expected a JSON object with a 'text' or 'html' field")
        meta: dict[str, str | None] = {}
        for key in ("title", "url", "published", "source"):
            value = record.get(key)
            if value is not None and not isinstance(value, str):
                raise InputError(f"field {key!r} must be a string")
            meta[key] = value.strip() or None if isinstance(value, str) else None
        text, html = record.get("text"), record.get("html")
        if isinstance(text, str) and text.strip():
            return self.from_plain_text(
                text, origin=origin, title=meta["title"],
                source=meta["source"], url=meta["url"], published=meta["published"],
            )  # fmt: skip
        if isinstance(html, str) and html.strip():
            return self.from_html(
                html, origin=origin, url=meta["url"], title=meta["title"],
                source=meta["source"], published=meta["published"],
            )  # fmt: skip
        raise InputError("no non-empty 'text' or 'html' string field")

    # --- feeds -------------------------------------------------------------------------

    def feed(self, data: bytes, origin: str) -> Iterator[IngestResult]:
        parsed = parse_feed(data, origin)
        if not parsed.entries:
            raise InputError("feed has no entries")
        limit = self.options.max_feed_entries
        if len(parsed.entries) > limit:
            # Each teaser entry may cost a page fetch: a feed of a million items is an attack.
            yield IngestFailure(
                origin,
                f"feed has {len(parsed.entries):,} entries; read the first {limit:,} (ingest.max_feed_entries)",
            )
        for index, entry in enumerate(parsed.entries[:limit]):
            entry_origin = entry.link or f"{origin}#{entry.entry_id or index}"
            try:
                yield self.feed_entry(entry, entry_origin, source=parsed.title)
            except Exception as exc:  # noqa: BLE001 - one bad entry is that entry's failure
                yield failure_for(entry_origin, exc)

    def feed_entry(self, entry: FeedEntry, origin: str, *, source: str | None) -> IngestResult:
        body = html_to_plain_text(entry.content) if entry.content else ""
        short = len(body.strip()) < self.options.feed_min_entry_chars
        if short and entry.link and is_url(entry.link) and self.options.fetch_linked_pages:
            # A teaser feed: the article is on the linked page.
            try:
                page = fetch(entry.link, self.settings, allow_private=self.allow_private)
                if _is_html(page.content, page.content_type):
                    result = self.from_html(
                        decode_bytes(page.content, page.charset or _declared_charset(page.content)),
                        origin=origin, url=page.url, title=entry.title,
                        source=source, published=entry.published,
                    )  # fmt: skip
                    if isinstance(result, Article) and len(result.text) > len(body.strip()):
                        return result
            except InputError as exc:
                if not body.strip():
                    raise InputError(f"entry has no text and its page failed: {exc}") from None
                log.info("kept the feed summary of %s: %s", origin, exc)
        return self.from_plain_text(
            body, origin=origin, title=entry.title, source=source, url=entry.link, published=entry.published
        )

    def opml(self, data: bytes, origin: str) -> Iterator[IngestResult]:
        urls = parse_opml(data, origin)
        if not urls:
            raise InputError("OPML file lists no feeds (no outline with xmlUrl)")
        for url in urls:
            try:
                response = fetch(url, self.settings, allow_private=self.allow_private)
                yield from self.feed(response.content, url)
            except Exception as exc:  # noqa: BLE001 - one bad feed is that feed's failure
                yield failure_for(url, exc)

    # --- URLs --------------------------------------------------------------------------

    def url(self, url: str) -> Iterator[IngestResult]:
        response = fetch(url, self.settings, allow_private=self.allow_private)
        data, media_type = response.content, response.content_type
        if looks_like_opml(data, media_type):
            yield from self.opml(data, response.url)
        elif looks_like_feed(data, media_type):
            yield from self.feed(data, response.url)
        elif _is_html(data, media_type):
            html = decode_bytes(data, response.charset or _declared_charset(data))
            yield self.from_html(html, origin=url, url=response.url)
        elif media_type == "text/plain":
            yield self.from_plain_text(decode_bytes(data, response.charset), origin=url, url=response.url)
        elif media_type in {"application/xml", "text/xml"}:
            yield from self.feed(data, response.url)  # gives "not an RSS/Atom feed" when it is not
        else:
            raise InputError(
                f"unsupported content type {media_type or '(none)'}; expected HTML, text or a feed"
            )


def _is_html(data: bytes, media_type: str) -> bool:
    return media_type in {"text/html", "application/xhtml+xml"} or bool(_HTML_SNIFF.search(data[:2048]))
