"""Feed polling: fetch feeds on a schedule, politely, and ingest what is new.

Polite means: conditional GETs (ETag / Last-Modified, so an unchanged feed costs
one 304), exponential backoff on failure (a broken feed is asked less and less
often, up to ``max_backoff``), and entries already stored are not fetched or
analysed again. New articles go through the ``Ingestor``, so its ``after_write``
hooks (alerts) fire as soon as each batch is committed.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from veille.config import Settings
from veille.errors import InputError
from veille.ingest.feeds import looks_like_opml, parse_feed, parse_opml
from veille.ingest.fetch import fetch
from veille.ingest.runner import Ingestor
from veille.ingest.sources import IngestFailure, IngestOptions, IngestResult, SourceReader, is_url
from veille.store import watch
from veille.store.backends import now_iso
from veille.store.database import Store
from veille.store.reads import known_origins

log = logging.getLogger(__name__)

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d)?\s*$", re.IGNORECASE)
_UNITS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> float:
    """Seconds in "10m", "90s", "2h", "1d" or a bare number of seconds; InputError otherwise."""
    match = _DURATION.match(text)
    if not match:
        raise InputError(f"cannot read duration {text!r}; write e.g. 90s, 10m, 2h")
    seconds = float(match.group(1)) * _UNITS[(match.group(2) or "s").lower()]
    if seconds <= 0:
        raise InputError(f"duration {text!r} must be positive")
    return seconds


def backoff_delay(failures: int, every: float, max_backoff: float) -> float:
    """Wait before retrying a feed that failed ``failures`` times in a row: every·2^(n-1), capped."""
    return min(max_backoff, every * 2 ** max(0, failures - 1))


@dataclass
class Conditional:
    """The result of a conditional GET: the body (None when 304) and the validators to send next time."""

    status: int
    content: bytes | None
    etag: str | None
    last_modified: str | None


def fetch_conditional(
    url: str, settings: Settings, *, etag: str | None, last_modified: str | None, allow_private: bool = False
) -> Conditional:
    """GET ``url`` with If-None-Match / If-Modified-Since, through ``fetch`` (same address checks)."""
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    got = fetch(url, settings, allow_private=allow_private, headers=headers)
    if got.status == 304:
        return Conditional(304, None, etag, last_modified)
    return Conditional(got.status, got.content, got.etag, got.last_modified)


def feed_urls(inputs: Iterable[str], settings: Settings, *, allow_private: bool = False) -> list[str]:
    """Feed URLs from OPML files/URLs and plain feed URLs, without repeats."""
    urls: list[str] = []
    for item in inputs:
        if is_url(item):
            if item.lower().endswith(".opml"):
                found = parse_opml(fetch(item, settings, allow_private=allow_private).content, item)
            else:
                found = [item]
        else:
            path = Path(item)
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise InputError(f"cannot read {item}: {exc.strerror}") from None
            if not looks_like_opml(data):
                raise InputError(f"{item} is not an OPML file (give feed URLs or an OPML list)")
            found = parse_opml(data, item)
        urls.extend(u for u in found if u not in urls)
    if not urls:
        raise InputError("no feeds to poll")
    return urls


@dataclass
class FeedResult:
    url: str
    status: str  # "new" | "not-modified" | "unchanged" | "failed" | "waiting"
    ingested: int = 0
    error: str | None = None


@dataclass
class PollReport:
    feeds: list[FeedResult] = field(default_factory=list)

    @property
    def ingested(self) -> int:
        return sum(f.ingested for f in self.feeds)

    def to_dict(self) -> dict[str, object]:
        return {
            "ingested": self.ingested,
            "feeds": [f.__dict__ for f in self.feeds],
        }


class FeedPoller:
    """Polls a list of feeds through one ``Ingestor`` (models load once)."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        ingestor: Ingestor,
        *,
        every: float,
        max_backoff: float = 6 * 3600,
        allow_private: bool = False,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self.store = store
        self.ingestor = ingestor
        self.every = every
        self.max_backoff = max_backoff
        self.allow_private = allow_private
        self.clock = clock

    def poll_once(self, urls: Iterable[str], *, force: bool = False) -> PollReport:
        """Poll every feed that is due (all of them with ``force``)."""
        report = PollReport()
        for url in urls:
            state = watch.feed_state(self.store, url) or {}
            if not force and float(state.get("next_due") or 0) > self.clock():
                report.feeds.append(FeedResult(url, "waiting"))
                continue
            report.feeds.append(self.poll_feed(url, state))
        return report

    def poll_feed(self, url: str, state: dict[str, Any]) -> FeedResult:
        checked = now_iso()
        try:
            got = fetch_conditional(
                url,
                self.settings,
                etag=_str_or_none(state.get("etag")),
                last_modified=_str_or_none(state.get("last_modified")),
                allow_private=self.allow_private,
            )
        except InputError as exc:
            return self._failed(url, state, checked, str(exc))
        values = {
            "etag": got.etag,
            "last_modified": got.last_modified,
            "last_checked": checked,
            "last_status": got.status,
            "failures": 0,
            "next_due": self.clock() + self.every,
            "last_error": None,
        }
        if got.content is None:
            watch.save_feed_state(self.store, url, **values)
            return FeedResult(url, "not-modified")
        try:
            items = list(self._new_items(got.content, url))
        except InputError as exc:
            values["last_error"] = str(exc)[:500]
            watch.save_feed_state(self.store, url, **values)
            return FeedResult(url, "failed", error=str(exc))
        try:
            report = self.ingestor.ingest_items(items) if items else None
        except Exception as exc:  # noqa: BLE001 - one feed must not stop the poller, now or on restart
            log.debug("feed %s: ingest failed", url, exc_info=exc)
            return self._failed(url, state, checked, f"ingest failed: {exc.__class__.__name__}: {exc}")
        # Validators are saved only after the ingest: a crash before it re-reads the feed next time.
        watch.save_feed_state(self.store, url, **values)
        ingested = report.ingested if report else 0
        failed = report.failed if report else []
        error = (
            f"{len(failed)} entr{'y' if len(failed) == 1 else 'ies'} failed: {failed[0].reason}"
            if failed
            else None
        )
        return FeedResult(url, "new" if ingested else "unchanged", ingested=ingested, error=error)

    def _failed(self, url: str, state: dict[str, Any], checked: str, error: str) -> FeedResult:
        """Record a failed poll (validators kept, so the feed is read whole next time) and back off."""
        failures = int(state.get("failures") or 0) + 1
        delay = backoff_delay(failures, self.every, self.max_backoff)
        error = " ".join(error.split())[:500]  # one line
        watch.save_feed_state(
            self.store,
            url,
            failures=failures,
            next_due=self.clock() + delay,
            last_checked=checked,
            last_error=error,
        )
        log.warning("feed %s failed (%d in a row), next try in %.0fs: %s", url, failures, delay, error)
        return FeedResult(url, "failed", error=error)

    def _new_items(self, data: bytes, url: str) -> Iterable[IngestResult]:
        """Articles for the feed's entries that are not stored yet (by origin)."""
        parsed = parse_feed(data, url)
        origins = [(e, e.link or f"{url}#{e.entry_id or i}") for i, e in enumerate(parsed.entries)]
        known = self._known_origins([o for _, o in origins])
        reader = SourceReader(self.settings, IngestOptions.from_settings(self.settings), self.allow_private)
        for entry, origin in origins:
            if origin in known:
                continue
            try:
                yield reader.feed_entry(entry, origin, source=parsed.title)
            except InputError as exc:
                yield IngestFailure(origin, str(exc))

    def _known_origins(self, origins: list[str]) -> set[str]:
        return known_origins(self.store, origins)

    def run(
        self,
        urls: list[str],
        *,
        rounds: int | None = None,
        on_report: Callable[[PollReport], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """Poll forever (or ``rounds`` times), sleeping until the next feed is due."""
        done = 0
        while rounds is None or done < rounds:
            report = self.poll_once(urls)
            if on_report:
                on_report(report)
            done += 1
            if rounds is not None and done >= rounds:
                break
            due = [float((watch.feed_state(self.store, u) or {}).get("next_due") or 0) for u in urls]
            sleep(max(1.0, min(due, default=self.clock() + self.every) - self.clock()))


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
