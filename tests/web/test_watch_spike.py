"""Spike rules fire once per burst of articles naming their target, re-arm when the rate
falls back, and neither a crash nor a re-run records an episode twice."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from conftest import settings_for
from veille.alerts.deliver import JsonlChannel, describe
from veille.alerts.payload import AlertPayload
from veille.alerts.service import AlertService
from veille.cli import app
from veille.config import Settings
from veille.model import Analysis, Article, Entity, Mention, Sentence, article_id_for
from veille.store import schema, watch
from veille.store.database import Store
from veille.web.app import create_app

START = datetime(2024, 3, 1, tzinfo=UTC)
COUNTRIES = {
    "IR": Entity("country:IR", "Iran", "country", "IR"),
    "FR": Entity("country:FR", "France", "country", "FR"),
}
NAMES = {"IR": "Iran", "FR": "France"}


def _news(country: str, day: int, n: int, hour: float = 9) -> Analysis:
    """Article ``n`` of ``day`` (days after START), naming one country once."""
    name = NAMES[country]
    text = f"Report {day}-{n}. Officials in {name} announced new trade measures on day {day}."
    aid = article_id_for(text)
    published = (START + timedelta(days=day, hours=hour + n * 0.1)).isoformat()
    art = Article(id=aid, text=text, title=f"{name} report {day}-{n}", language="en", published=published)
    start = text.index(name)
    first = text.index(". ") + 1
    return Analysis(
        art,
        sentences=[Sentence(aid, 0, 0, first), Sentence(aid, 1, first + 1, len(text))],
        mentions=[Mention(aid, start, start + len(name), name, "GPE", 1, "test", f"country:{country}")],
        entities={f"country:{country}": COUNTRIES[country]},
    )


def _day(country: str, day: int, count: int) -> list[Analysis]:
    return [_news(country, day, n) for n in range(count)]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(f"sqlite:///{tmp_path / 'spike.db'}")
    yield s
    s.close()


def _spike_rule(store: Store, target: str = "Iran", factor: float = 3.0) -> watch.WatchRule:
    return watch.add_rule(
        store, "", watch.SPIKE, {"entity": [target]}, watch.Spike(factor, 86400.0, 7 * 86400.0, 5)
    )


def _ingest(store: Store, service: AlertService, batch: list[Analysis]) -> list[AlertPayload]:
    """What an ingest does: commit the batch, then run the after-write hook on it."""
    store.write(batch)
    before = len(service.sent)
    service(batch)
    return service.sent[before:]


def _steady_week(store: Store, service: AlertService) -> None:
    """Days 0-6: 3 articles a day naming Iran; none alerts."""
    for day in range(7):
        assert _ingest(store, service, _day("IR", day, 3)) == []


def test_a_burst_fires_once_and_steady_traffic_never(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    iran, france = _spike_rule(store, "Iran"), _spike_rule(store, "country:FR")
    out = tmp_path / "alerts.jsonl"
    service = AlertService(store, settings, channels=[JsonlChannel(out)])
    for day in range(7):  # a week of steady traffic on both
        assert _ingest(store, service, _day("IR", day, 3) + _day("FR", day, 3)) == []
    burst = _day("IR", 7, 20)
    [payload] = _ingest(store, service, burst + _day("FR", 7, 3))
    assert payload.rule.id == iran.id and payload.article.id in {a.article.id for a in burst}
    [fact] = payload.facts
    assert fact.type == "spike" and fact.text == "Iran" and "Officials in Iran" in fact.sentence_text
    assert payload.article.text[fact.start : fact.end] == "Iran"
    # 3 a day for a week: 3.0 expected per 24 h, so the 10th article of the day is the first over 3 x 3.0.
    assert fact.extra["count"] == 10 and fact.extra["expected"] == 3.0 and fact.extra["threshold"] == 9.0
    assert payload.article.id == burst[9].article.id
    assert fact.extra["target"] == "entity=Iran"
    assert "10 article(s) in the window, baseline 3.0" in describe(payload)
    # The burst goes on: no second alert for the same episode, and France stayed quiet.
    assert _ingest(store, service, [_news("IR", 7, n) for n in range(20, 30)]) == []
    assert [a.rule_id for a in watch.alerts(store)] == [iran.id]
    assert france.id not in {a.rule_id for a in watch.alerts(store)}
    [line] = out.read_text(encoding="utf-8").splitlines()
    sent = json.loads(line)
    assert sent["rule"]["spike"] == {"factor": 3.0, "window": 86400.0, "baseline": 604800.0, "min_count": 5}
    assert sent["facts"][0]["type"] == "spike" and sent["facts"][0]["count"] == 10


def test_min_count_keeps_a_small_rise_quiet(store: Store, settings: Settings) -> None:
    _spike_rule(store, "Iran")
    service = AlertService(store, settings, channels=[])
    for day in range(7):
        _ingest(store, service, _day("IR", day, 1 if day < 6 else 0))
    assert _ingest(store, service, _day("IR", 7, 4)) == []  # 1 a day, then 4: x4, but under 5 articles
    assert watch.count_alerts(store) == 0


def test_fires_again_only_after_re_arming(store: Store, settings: Settings) -> None:
    rule = _spike_rule(store, "Iran")
    service = AlertService(store, settings, channels=[])
    _steady_week(store, service)
    assert len(_ingest(store, service, _day("IR", 7, 20))) == 1
    assert watch.spike_state(store, rule.id).firing
    assert _ingest(store, service, _day("IR", 8, 15)) == []  # still high: the same episode
    assert watch.spike_state(store, rule.id).firing
    assert _ingest(store, service, _day("IR", 10, 3)) == []  # back to normal: re-armed
    assert not watch.spike_state(store, rule.id).firing
    second = _ingest(store, service, _day("IR", 11, 60))
    assert len(second) == 1
    counts = second[0].facts[0].extra
    assert isinstance(counts["count"], int) and isinstance(counts["threshold"], float)
    assert counts["count"] >= 5 and counts["count"] > counts["threshold"] > 0
    assert watch.count_alerts(store) == 2


def test_a_backfill_of_older_articles_does_not_move_the_episode(store: Store, settings: Settings) -> None:
    rule = _spike_rule(store, "Iran")
    service = AlertService(store, settings, channels=[])
    _steady_week(store, service)
    _ingest(store, service, _day("IR", 7, 20))
    # Articles dated before the latest one seen: they cannot re-arm the rule mid-burst.
    _ingest(store, service, [_news("IR", 5, 3)])  # at its own time, 4 in 24 h: under min_count
    assert watch.spike_state(store, rule.id).firing
    assert _ingest(store, service, [_news("IR", 7, n) for n in range(20, 25)]) == []


class Killed(BaseException):
    """Stands for a kill: not an ``Exception``, so no channel error handling catches it."""


class DyingChannel:
    name = "dying"

    def send(self, payload: AlertPayload) -> None:
        raise Killed


def _delivered(out: Path) -> list[str]:
    if not out.exists():
        return []
    return [json.loads(line)["article"]["id"] for line in out.read_text(encoding="utf-8").splitlines()]


def test_a_crash_before_the_alert_step_alerts_once_on_the_re_run(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    _spike_rule(store, "Iran")
    out = tmp_path / "alerts.jsonl"
    service = AlertService(store, settings, channels=[JsonlChannel(out)])
    _steady_week(store, service)
    store.write(_day("IR", 7, 20))  # committed; the run dies before its after-write hook
    assert len(AlertService(store, settings, channels=[JsonlChannel(out)]).sent) == 1
    assert AlertService(store, settings, channels=[JsonlChannel(out)]).sent == []
    assert len(_delivered(out)) == 1 and watch.count_alerts(store) == 1
    assert watch.queued_articles(store) == []


def test_a_crash_while_delivering_delivers_once_on_the_re_run(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    _spike_rule(store, "Iran")
    out = tmp_path / "alerts.jsonl"
    quiet = AlertService(store, settings, channels=[])
    _steady_week(store, quiet)
    dying = AlertService(store, settings, channels=[DyingChannel()])
    with pytest.raises(Killed):
        _ingest(store, dying, _day("IR", 7, 20))
    [recorded] = watch.alerts(store)
    assert recorded.delivered == {}  # recorded with the episode, not delivered
    rerun = AlertService(store, settings, channels=[JsonlChannel(out)])
    assert [p.alert_id for p in rerun.sent] == [recorded.id]
    assert AlertService(store, settings, channels=[JsonlChannel(out)]).sent == []
    assert _delivered(out) == [recorded.article_id]
    assert watch.count_alerts(store) == 1


def test_a_story_spike_counts_the_story_s_articles(store: Store, settings: Settings) -> None:
    rule = watch.add_rule(
        store, "", "spike", {"story": ["story-1"]}, watch.Spike(3.0, 86400.0, 7 * 86400.0, 5)
    )
    service = AlertService(store, settings, channels=[])
    week = [a for day in range(7) for a in _day("IR", day, 2)]
    burst = _day("FR", 7, 12)
    store.write(week + burst)
    with store.engine.begin() as conn:  # the story index's assignment (veille.stories.persist)
        conn.execute(
            schema.story_articles.insert(),
            [
                {
                    "article_id": a.article.id,
                    "story_id": "story-1",
                    "seq": i,
                    "language": "en",
                    "features": {},
                }
                for i, a in enumerate(week + burst)
            ],
        )
    service(week + burst)
    [payload] = service.sent
    # 2 a day: 2.0 expected, so the 7th article of the burst is the first over 3 x 2.0.
    assert payload.rule.id == rule.id and payload.facts[0].extra["count"] == 7
    assert payload.article.id == burst[6].article.id
    assert payload.facts[0].sentence == 0  # a story has no target mention: the article's lead


def test_spike_rules_from_the_cli_and_the_api(tmp_path: Path, settings: Settings) -> None:
    db = tmp_path / "rules.db"
    runner = CliRunner()
    args = ["--db", str(db), "watch", "add", "--spike", "Iran", "--factor", "3", "--window", "24h"]
    added = runner.invoke(app, [*args, "--baseline", "7d", "--min-count", "5", "--json"])
    assert added.exit_code == 0, added.output
    rule = json.loads(added.output)
    assert rule["fact"] == "spike" and rule["terms"] == {"entity": ["Iran"]}
    assert rule["spike"] == {"factor": 3.0, "window": 86400.0, "baseline": 604800.0, "min_count": 5}
    assert rule["name"] == "spike: entity=Iran x3 in 1d vs 7d"
    assert runner.invoke(app, [*args, "--actor", "Russia"]).exit_code != 0
    assert runner.invoke(app, [*args, "--baseline", "1h"]).exit_code != 0  # baseline shorter than window
    listed = json.loads(runner.invoke(app, ["--db", str(db), "watch", "list", "--json"]).output)
    assert [r["spike"]["factor"] for r in listed] == [3.0]

    client = TestClient(create_app(settings_for(settings, db, token="t0ken")), client=("127.0.0.1", 40000))
    auth = {"Authorization": "Bearer t0ken"}
    body = {"fact": "spike", "terms": {"story": ["story-9"]}, "spike": {"factor": 4, "window": "6h"}}
    made = client.post("/api/watch", json=body, headers=auth)
    assert made.status_code == 201, made.text
    assert made.json()["spike"] == {"factor": 4.0, "window": 21600.0, "baseline": 604800.0, "min_count": 5}
    assert client.post("/api/watch", json={**body, "spike": None}, headers=auth).status_code == 422
    for bad in (
        {"window": "soon"},
        {"window": "1d", "baseline": "99999d"},
        {"window": "7d", "baseline": "1d"},
    ):
        assert client.post("/api/watch", json={**body, "spike": bad}, headers=auth).status_code == 422
    items = client.get("/api/watch").json()["items"]
    assert [r["fact"] for r in items] == ["spike", "spike"]
    fact_rule = client.post("/api/watch", json={"terms": {"entity": ["Alabuga"]}}, headers=auth).json()
    assert "spike" not in fact_rule  # fact rules keep their JSON


def test_article_time_is_publication_else_storage_never_after_storage() -> None:
    stored = "2024-03-06T08:00:00+00:00"
    assert watch.article_time("2024-03-05T12:00:00+02:00", stored) == datetime(2024, 3, 5, 10, tzinfo=UTC)
    assert watch.article_time("2024-03-05", stored) == datetime(2024, 3, 5, tzinfo=UTC)
    assert watch.article_time(None, stored) == datetime(2024, 3, 6, 8, tzinfo=UTC)
    assert watch.article_time("2099-01-01", stored) == datetime(2024, 3, 6, 8, tzinfo=UTC)  # a wrong date
