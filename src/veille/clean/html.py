"""HTML pages to article text and metadata, with trafilatura doing the extraction."""

from __future__ import annotations

import html as htmlmod
import logging
import re
from configparser import ConfigParser
from dataclasses import dataclass, replace

import lxml.etree
import lxml.html
import trafilatura
from trafilatura.settings import use_config

from veille.clean.text import clean_text
from veille.config import default_settings

# trafilatura parses the whole page; a cap keeps hostile pages from costing minutes.
DEFAULT_MAX_HTML_CHARS = default_settings().ingest.max_html_chars
# Beyond this many elements trafilatura skips the page (its own guard against huge trees).
MAX_TREE_SIZE = 200_000

_TAG = re.compile(r"<[^>]{0,2000}>")
_SCRIPT = re.compile(r"<(script|style|noscript)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_BLOCK_END = re.compile(r"</(p|div|h[1-6]|li|tr|section|article|blockquote)\s*>|<br\s*/?>", re.IGNORECASE)

log = logging.getLogger(__name__)


def _trafilatura_config() -> ConfigParser:
    config = use_config()
    # trafilatura's defaults skip texts under 250 characters; short news items (briefs,
    # dispatches) are articles too.
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "80")
    config.set("DEFAULT", "MIN_OUTPUT_SIZE", "40")
    config.set("DEFAULT", "MAX_TREE_SIZE", str(MAX_TREE_SIZE))
    return config


_CONFIG = _trafilatura_config()


@dataclass(frozen=True)
class ExtractedPage:
    """What a page says: the cleaned body and the metadata trafilatura found."""

    text: str
    title: str | None = None
    published: str | None = None  # ISO date
    sitename: str | None = None
    url: str | None = None
    extractor: str = "trafilatura"  # or "fallback" when trafilatura found no main text


def _non_empty(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _trafilatura(html: str, url: str | None) -> ExtractedPage | None:
    try:
        document = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            config=_CONFIG,
        )
    # trafilatura on hostile markup can fail deep inside lxml or its own heuristics
    # (RecursionError on nesting, ValueError on odd encodings); a page must never stop a batch.
    except Exception as exc:  # noqa: BLE001
        log.debug("trafilatura failed on %s: %s", url, exc)
        return None
    if document is None:
        return None
    # trafilatura 2.x returns a Document (slots); as_dict and older releases give a dict.
    fields = document if isinstance(document, dict) else document.as_dict()
    text = _non_empty(fields.get("text"))
    if not text:
        return None
    return ExtractedPage(
        text=text,
        title=_non_empty(fields.get("title")),
        published=_non_empty(fields.get("date")),
        sitename=_non_empty(fields.get("sitename")),
        url=_non_empty(fields.get("url")) or url,
    )


def _strip_tags(html: str) -> str:
    text = _BLOCK_END.sub("\n\n", _SCRIPT.sub(" ", html))
    return htmlmod.unescape(_TAG.sub(" ", text))


def html_to_plain_text(html: str) -> str:
    """All visible text of a page, paragraphs kept apart; used when trafilatura finds no article."""
    try:
        parser = lxml.html.HTMLParser(remove_comments=True, huge_tree=False, no_network=True)
        root = lxml.html.document_fromstring(html, parser=parser)
        for bad in root.xpath("//script|//style|//noscript|//template|//nav|//footer|//aside|//form"):
            bad.drop_tree()
        for block in root.xpath(
            "//title|//header|//p|//div|//br|//li|//h1|//h2|//h3|//h4|//h5|//h6|//tr|//article|//section"
        ):
            block.tail = "\n\n" + (block.tail or "")
        text = str(root.text_content())
    except (lxml.etree.LxmlError, ValueError, RecursionError):
        text = ""
    if not any(ch.isalnum() for ch in text):
        # libxml2 gives up on very deep nesting (and refuses some markup): strip tags by
        # pattern rather than lose the page's text.
        text = _strip_tags(html)
    return text


def _title_from_html(html: str) -> str | None:
    match = re.search(r"<title[^>]{0,200}>(.{1,500}?)</title>", html, re.IGNORECASE | re.DOTALL)
    if not match:
        return None
    return _non_empty(re.sub(r"\s+", " ", htmlmod.unescape(match.group(1))))


def extract_page(
    html: str, url: str | None = None, *, max_chars: int = DEFAULT_MAX_HTML_CHARS
) -> ExtractedPage:
    """Main text and metadata of an HTML page, cleaned of furniture.

    Falls back to the page's plain text when trafilatura finds no main content; the
    result's text may be empty when the page has no text at all.
    """
    html = html[:max_chars]
    page = _trafilatura(html, url)
    if page is None:
        page = ExtractedPage(
            text=html_to_plain_text(html), title=_title_from_html(html), url=url, extractor="fallback"
        )
    cleaned = clean_text(page.text, title=page.title)
    return replace(page, text=cleaned.text, title=cleaned.title)
