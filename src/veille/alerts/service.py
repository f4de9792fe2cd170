"""Matching new facts against the watch rules after each ingest batch, recording and delivering alerts."""

from __future__ import annotations

from typing import Any

from veille.alerts.deliver import Channel, channels_from_settings, deliver
from veille.alerts.match import match_rule
from veille.config import Settings
from veille.model import Analysis
from veille.store import watch
from veille.store.database import Store


def alert_payload(alert: dict[str, Any], rule: dict[str, Any], analysis: Analysis) -> dict[str, Any]:
    art = analysis.article
    return {
        "alert_id": alert["id"],
        "created_at": alert["created_at"],
        "rule": {"id": rule["id"], "name": rule["name"], "fact": rule["fact"], "terms": rule["terms"]},
        "article": {
            "id": art.id,
            "title": art.title,
            "url": art.url,
            "source": art.source,
            "published": art.published,
            "language": art.language,
        },
        "facts": alert["facts"],
    }


class AlertService:
    """An ``Ingestor.after_write`` hook: ``ingestor.after_write.append(AlertService(store, settings))``.

    Runs after the batch is committed, so an alert always points at stored facts.
    The (rule, article) unique key makes a re-ingest or a replayed batch alert nothing.
    """

    def __init__(self, store: Store, settings: Settings, channels: list[Channel] | None = None) -> None:
        self.store = store
        self.channels = channels_from_settings(settings) if channels is None else channels
        self.sent: list[dict[str, Any]] = []  # payloads delivered by this service (for callers' reports)

    def __call__(self, analyses: list[Analysis]) -> None:
        self.check(analyses)

    def check(self, analyses: list[Analysis]) -> list[dict[str, Any]]:
        rules = watch.rules(self.store, active_only=True)
        new: list[dict[str, Any]] = []
        if not rules:
            return new
        for analysis in analyses:
            for rule in rules:
                facts = match_rule(rule, analysis)
                if not facts:
                    continue
                alert = watch.record_alert(self.store, rule["id"], analysis.article.id, facts)
                if alert is None:
                    continue
                payload = alert_payload(alert, rule, analysis)
                watch.mark_delivered(self.store, alert["id"], deliver(payload, self.channels))
                new.append(payload)
        self.sent.extend(new)
        return new
