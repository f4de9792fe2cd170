"""Watch rules fire once per new matching article; delivery to JSONL and a webhook with retries."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from conftest import WebDB, handmade_analysis, settings_for
from veille.alerts.deliver import JsonlChannel, WebhookChannel, channels_from_settings, deliver, describe
from veille.alerts.match import match_rule
from veille.alerts.payload import AlertPayload
from veille.alerts.service import AlertService
from veille.cli import app
from veille.config import Settings
from veille.errors import FetchRefused
from veille.ingest.runner import Ingestor
from veille.model import Article, article_id_for
from veille.pipeline import Pipeline
from veille.store import watch
from veille.store.database import Store
from veille.store.watch import MatchedFact, WatchRule
from veille.web.app import create_app

NEW_TEXT = (
    "Satellite pictures taken in May show two new hangars at the Alabuga special economic zone in Tatarstan. "
    "Analysts at a London institute said the Alabuga site could now assemble more drones each month."
)
OTHER_TEXT = "The city council of Lyon voted on Tuesday to extend the tram line to the airport by 2027."


def _payload(alert_id: int, title: str = "A title", sentence: str = "A sentence.") -> AlertPayload:
    """An alert as the channels receive it, with one fact."""
    rule = WatchRule(1, "r", "any", {"entity": ["Alabuga"]}, "2024-03-05T00:00:00+00:00")
    article = Article(id="a", text=sentence, title=title, language="en")
    fact = MatchedFact("sentence", "a:0:sentence", "a", 0, len(sentence), 0, sentence, sentence)
    return AlertPayload(alert_id, "2024-03-05T00:00:00+00:00", rule, article, [fact])


def _article(text: str) -> Article:
    return Article(id=article_id_for(text), text=text, title=text[:40], language="en", origin="test")


@pytest.fixture
def store(web_db: WebDB, tmp_path: Path) -> Iterator[Store]:
    s = Store(f"sqlite:///{web_db.copy(tmp_path)}")
    yield s
    s.close()


def test_alabuga_rule_alerts_once_and_never_on_reingest(
    store: Store, settings: Settings, pipeline: Pipeline, tmp_path: Path
) -> None:
    watch.add_rule(store, "", "any", {"entity": ["Alabuga"]})
    out = tmp_path / "alerts.jsonl"
    ingestor = Ingestor(settings, store, pipeline=pipeline)
    ingestor.after_write.append(AlertService(store, settings, channels=[JsonlChannel(out)]))
    assert ingestor.ingest_items([_article(NEW_TEXT), _article(OTHER_TEXT)]).ingested == 2
    alerts = watch.alerts(store)
    assert len(alerts) == 1
    assert alerts[0].article_id == article_id_for(NEW_TEXT)
    assert alerts[0].delivered == {"jsonl": "ok"}
    fact = alerts[0].facts[0]
    assert "Alabuga" in NEW_TEXT[fact.start : fact.end] and "Alabuga" in fact.sentence_text
    assert ingestor.ingest_items([_article(NEW_TEXT)]).duplicates == 1
    assert len(watch.alerts(store)) == 1
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["article"]["id"] == article_id_for(NEW_TEXT)


def test_replayed_batch_records_nothing_new(store: Store, settings: Settings) -> None:
    rule = watch.add_rule(store, "", "event", {"actor": ["Iran"], "target": ["Russia"]})
    service = AlertService(store, settings, channels=[])
    analysis = handmade_analysis()
    assert [p.rule.id for p in service.check([analysis])] == [rule.id]
    assert service.check([analysis]) == []


def test_event_rules_need_actor_and_target_the_right_way_round(settings: Settings) -> None:
    analysis = handmade_analysis()
    iran_to_russia = {"actor": ["Iran"], "target": ["Russia"]}
    russia_to_iran = {"actor": ["Russia"], "target": ["Iran"]}
    assert [f.type for f in match_rule("event", iran_to_russia, analysis)] == ["event"]
    assert match_rule("event", russia_to_iran, analysis) == []
    about = match_rule("claim", {"entity": ["iran"]}, analysis)
    assert [f.type for f in about] == ["claim"]
    by_kind = match_rule("any", {"event_kind": ["supply"], "place": ["Makhachkala"]}, analysis)
    assert by_kind == []  # the event names no place: kinds combine with AND
    keyword = match_rule("any", {"keyword": ["farm equipment"]}, analysis)
    assert [f.sentence for f in keyword] == [2]


class _Hook(BaseHTTPRequestHandler):
    statuses: list[int] = []
    bodies: list[dict[str, object]] = []

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).bodies.append(body)
        status = type(self).statuses.pop(0) if type(self).statuses else 200
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def hook_server() -> Iterator[tuple[str, type[_Hook]]]:
    handler = type("Hook", (_Hook,), {"statuses": [], "bodies": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", handler
    server.shutdown()


def test_webhook_retries_server_errors_then_delivers(hook_server: tuple[str, type[_Hook]]) -> None:
    url, handler = hook_server
    handler.statuses = [503, 500, 200]
    WebhookChannel(url, retries=3, backoff=0.01, allow_private=True).send(_payload(7))
    assert handler.bodies == [_payload(7).to_json()] * 3


def test_webhook_gives_up_on_a_refusal(hook_server: tuple[str, type[_Hook]]) -> None:
    url, handler = hook_server
    handler.statuses = [400]
    with pytest.raises(RuntimeError, match="HTTP 400"):
        WebhookChannel(url, retries=3, backoff=0.01, allow_private=True).send(_payload(8))
    assert len(handler.bodies) == 1


def test_webhook_to_this_machine_needs_the_opt_in(
    hook_server: tuple[str, type[_Hook]], settings: Settings
) -> None:
    url, handler = hook_server
    handler.statuses = [200]
    for target in (
        url,
        url.replace("127.0.0.1", "[::1]"),
        "http://169.254.169.254/latest",
        "http://[fec0::1]/x",
    ):
        with pytest.raises(FetchRefused, match="non-public address"):
            WebhookChannel(target, retries=3, backoff=0.01).send(_payload(9))
    assert handler.bodies == []  # refused before any connection, and not retried
    conf = Settings(
        **{**settings.__dict__, "raw": {**settings.raw, "alerts": {"console": False, "webhook": url}}}
    )
    [channel] = channels_from_settings(conf)
    assert deliver(_payload(10), [channel])["webhook"].startswith("refused")


def test_api_ingest_fires_the_webhook(
    web_db: WebDB, settings: Settings, tmp_path: Path, hook_server: tuple[str, type[_Hook]]
) -> None:
    url, handler = hook_server
    conf = settings_for(settings, web_db.copy(tmp_path), token="t0ken")
    conf.raw["alerts"] = {
        "console": False,
        "webhook": url,
        "webhook_backoff": 0.01,
        "webhook_allow_private": True,
    }
    client = TestClient(create_app(conf), client=("127.0.0.1", 40000))
    auth = {"Authorization": "Bearer t0ken"}
    assert client.post("/api/watch", json={"terms": {"entity": ["Alabuga"]}}, headers=auth).status_code == 201
    body = {"articles": [{"text": NEW_TEXT, "title": "Hangars at Alabuga", "language": "en"}]}
    first = client.post("/api/ingest", json=body, headers=auth).json()
    assert first["ingested"] == 1 and len(first["alerts"]) == 1
    assert client.post("/api/ingest", json=body, headers=auth).json()["alerts"] == []
    assert [b["article"]["title"] for b in handler.bodies] == ["Hangars at Alabuga"]
    assert client.get("/api/alerts").json()["items"][0]["delivered"] == {"webhook": "ok"}
    page = client.get("/alerts").text
    assert "Hangars at Alabuga" in page and "any: entity=Alabuga" in page


def test_watch_commands(web_db: WebDB, tmp_path: Path) -> None:
    db = str(web_db.copy(tmp_path))
    runner = CliRunner()
    added = runner.invoke(
        app,
        ["--db", db, "watch", "add", "--fact", "event", "--actor", "Iran", "--target", "Russia", "--json"],
    )
    assert added.exit_code == 0, added.output
    rule_id = json.loads(added.output)["id"]
    listed = json.loads(runner.invoke(app, ["--db", db, "watch", "list", "--json"]).output)
    assert [r["terms"] for r in listed] == [{"actor": ["Iran"], "target": ["Russia"]}]
    assert runner.invoke(app, ["--db", db, "alerts", "--json"]).output.strip() == "[]"
    assert runner.invoke(app, ["--db", db, "watch", "remove", str(rule_id)]).exit_code == 0
    assert json.loads(runner.invoke(app, ["--db", db, "watch", "list", "--json"]).output) == []
    bad = runner.invoke(app, ["--db", db, "watch", "add", "--fact", "event"])
    assert bad.exit_code != 0


def test_console_line_carries_no_terminal_escapes() -> None:
    payload = _payload(1, "Title \x1b[31mred\x1b[0m\nsecond line", "A\x1b]0;owned\x07 sentence.")
    line = describe(payload)
    assert "\x1b" not in line and "\n" not in line and "\x07" not in line
    assert "Title" in line and "sentence." in line
