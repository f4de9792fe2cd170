"""Feed polling against feeds served on 127.0.0.1 by the test: conditional GETs, backoff, new items only."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import WebDB
from veille.alerts.service import AlertService
from veille.cli import app
from veille.config import Settings
from veille.errors import InputError
from veille.ingest.poll import FeedPoller, backoff_delay, feed_urls, parse_duration
from veille.ingest.runner import Ingestor
from veille.pipeline import Pipeline
from veille.store import watch
from veille.store.database import Store

ITEMS = [
    ("https://example.org/a", "Lyon extends its tram line",
     "The city council of Lyon voted on Tuesday to extend the tram line to the airport. Work starts next spring."),
    ("https://example.org/b", "Grain prices fall in Chicago",
     "Wheat futures fell for a third day in Chicago as harvest reports came in better than expected."),
    ("https://example.org/c", "New hangars at Alabuga",
     "Satellite pictures show new hangars at the Alabuga special economic zone in Tatarstan, analysts said."),
]  # fmt: skip


def rss(items: list[tuple[str, str, str]]) -> bytes:
    body = "".join(
        f"<item><title>{t}</title><link>{link}</link><guid>{link}</guid><description>{d}</description></item>"
        for link, t, d in items
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Test feed</title>{body}</channel></rss>'.encode()


class FeedServer(BaseHTTPRequestHandler):
    """Serves /feed.xml with an ETag; /broken answers 500. Records what each request sent."""

    items: list[tuple[str, str, str]] = []
    requests: list[dict[str, str | None]] = []

    def do_GET(self) -> None:  # noqa: N802
        cls = type(self)
        cls.requests.append({"path": self.path, "if-none-match": self.headers.get("If-None-Match")})
        if self.path != "/feed.xml":
            self.send_response(500)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        etag = f'"v{len(cls.items)}"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.end_headers()
            return
        data = rss(cls.items)
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", "Tue, 05 Mar 2024 10:00:00 GMT")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def feed_server() -> Iterator[tuple[str, type[FeedServer]]]:
    handler = type("Feed", (FeedServer,), {"items": list(ITEMS[:2]), "requests": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", handler
    server.shutdown()


@pytest.fixture
def store(web_db: WebDB, tmp_path: Path) -> Iterator[Store]:
    s = Store(f"sqlite:///{web_db.copy(tmp_path)}")
    yield s
    s.close()


def _poller(settings: Settings, store: Store, pipeline: Pipeline, clock: list[float]) -> FeedPoller:
    ingest = {**settings.ingest, "feed_min_entry_chars": 10}  # our test entries are short but whole
    local = Settings(**{**settings.__dict__, "ingest": ingest})
    ingestor = Ingestor(local, store, pipeline=pipeline)
    ingestor.after_write.append(AlertService(store, local, channels=[]))
    return FeedPoller(
        local, store, ingestor, every=600, max_backoff=3600, allow_private=True, clock=lambda: clock[0]
    )


def test_poll_ingests_new_items_once_and_sends_validators(
    feed_server: tuple[str, type[FeedServer]], store: Store, settings: Settings, pipeline: Pipeline
) -> None:
    base, handler = feed_server
    url = f"{base}/feed.xml"
    watch.add_rule(store, "", "any", {"entity": ["Alabuga"]})
    clock = [1000.0]
    poller = _poller(settings, store, pipeline, clock)
    first = poller.poll_once([url])
    assert [(f.status, f.ingested) for f in first.feeds] == [("new", 2)]
    clock[0] += 60
    assert [f.status for f in poller.poll_once([url]).feeds] == ["waiting"]  # not due for 10 minutes
    clock[0] += 600
    assert [f.status for f in poller.poll_once([url]).feeds] == ["not-modified"]
    assert handler.requests[-1]["if-none-match"] == '"v2"'
    handler.items = list(ITEMS)  # the feed gains one entry, about Alabuga
    clock[0] += 600
    third = poller.poll_once([url])
    assert [(f.status, f.ingested) for f in third.feeds] == [("new", 1)]
    assert [a.article_title for a in watch.alerts(store)] == ["New hangars at Alabuga"]
    assert watch.feed_state(store, url)["etag"] == '"v3"'


def test_failing_feed_backs_off(
    feed_server: tuple[str, type[FeedServer]], store: Store, settings: Settings, pipeline: Pipeline
) -> None:
    base, handler = feed_server
    url = f"{base}/broken"
    clock = [1000.0]
    poller = _poller(settings, store, pipeline, clock)
    waits = []
    for _ in range(4):
        result = poller.poll_once([url], force=True).feeds[0]
        assert result.status == "failed" and "HTTP 500" in (result.error or "")
        waits.append(watch.feed_state(store, url)["next_due"] - clock[0])
    assert waits == [600, 1200, 2400, 3600]
    assert poller.poll_once([url]).feeds[0].status == "waiting"


def test_durations_and_feed_lists(tmp_path: Path, settings: Settings) -> None:
    assert [parse_duration(t) for t in ("90s", "10m", "2h", "1d", "30")] == [90, 600, 7200, 86400, 30]
    with pytest.raises(InputError):
        parse_duration("soon")
    assert backoff_delay(1, 60, 3600) == 60 and backoff_delay(10, 60, 3600) == 3600
    opml = tmp_path / "feeds.opml"
    opml.write_text(
        '<opml version="2.0"><body><outline xmlUrl="http://127.0.0.1:1/a.xml"/>'
        '<outline xmlUrl="http://127.0.0.1:1/b.xml"/><outline xmlUrl="http://127.0.0.1:1/a.xml"/></body></opml>'
    )
    assert feed_urls([str(opml)], settings) == ["http://127.0.0.1:1/a.xml", "http://127.0.0.1:1/b.xml"]


def test_poll_command_once(feed_server: tuple[str, type[FeedServer]], web_db: WebDB, tmp_path: Path) -> None:
    base, _handler = feed_server
    config = tmp_path / "veille.toml"
    config.write_text("[ingest]\nfeed_min_entry_chars = 10\n[alerts]\nconsole = false\n", encoding="utf-8")
    db = str(web_db.copy(tmp_path))
    args = [
        "--db",
        db,
        "--config",
        str(config),
        "poll",
        f"{base}/feed.xml",
        "--once",
        "--allow-private",
        "--json",
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output[result.output.index("{") :])
    assert report["ingested"] == 2 and report["feeds"][0]["status"] == "new"
    bad = CliRunner().invoke(app, ["--db", db, "poll", f"{base}/feed.xml", "--every", "soon"])
    assert bad.exit_code != 0


def test_a_long_entry_is_stored_and_the_feed_state_saved(
    feed_server: tuple[str, type[FeedServer]], store: Store, settings: Settings, pipeline: Pipeline
) -> None:
    """An entry over spaCy's limit used to crash the poller before it saved the feed's state,
    so every restart crashed on the same entry."""
    base, handler = feed_server
    url = f"{base}/feed.xml"
    handler.items = [*ITEMS[:1], ("https://example.org/long", "Long", "Iran sent drones. " * 60000)]
    poller = _poller(settings, store, pipeline, [1000.0])
    report = poller.poll_once([url])
    assert [(f.status, f.ingested, f.error) for f in report.feeds] == [("new", 2, None)]
    state = watch.feed_state(store, url)
    assert state is not None and state["etag"] == '"v2"' and state["failures"] == 0


def test_a_failing_ingest_is_the_feeds_failure_not_the_pollers(
    feed_server: tuple[str, type[FeedServer]], store: Store, settings: Settings, pipeline: Pipeline
) -> None:
    base, _handler = feed_server
    url = f"{base}/feed.xml"
    clock = [1000.0]
    poller = _poller(settings, store, pipeline, clock)

    def store_gone(_analyses: object) -> None:
        raise OSError("disk full")

    poller.ingestor.after_write.append(store_gone)
    report = poller.poll_once([url])
    assert [(f.status, f.error) for f in report.feeds] == [("failed", "ingest failed: OSError: disk full")]
    state = watch.feed_state(store, url)
    assert state is not None and state["failures"] == 1 and state["etag"] is None  # read whole next time
    poller.ingestor.after_write.remove(store_gone)
    clock[0] += 600  # the retry reads the feed whole; its entries were stored before the hook failed
    assert [f.status for f in poller.poll_once([url]).feeds] == ["unchanged"]
    state = watch.feed_state(store, url)
    assert state is not None and state["failures"] == 0 and state["etag"] == '"v2"'
