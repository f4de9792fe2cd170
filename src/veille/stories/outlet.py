"""Who published an article: the one rule every story view counts sources with."""

from __future__ import annotations

from urllib.parse import urlsplit


def outlet_of(source: str | None, url: str | None) -> str | None:
    """The publisher's name, else the web site's host (``www.`` dropped), else None (unknown:
    an article read from a file names no publisher and never counts as a source)."""
    if source and source.strip():
        return source.strip()
    host = urlsplit(url or "").hostname
    return host.removeprefix("www.") if host else None
