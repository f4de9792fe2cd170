"""Matching new facts against the watch rules after each ingest batch, recording and delivering alerts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from veille.alerts.deliver import Channel, channels_from_settings, deliver
from veille.alerts.match import match_rule
from veille.config import Settings
from veille.model import Analysis, Place, Sentence
from veille.store import backends, schema, watch
from veille.store.database import Store
from veille.store.reads import load_analyses
from veille.store.records import from_row


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


def load_for_alerts(store: Store, article_ids: list[str]) -> list[Analysis]:
    """Stored analyses with what rules match on: facts, sentences, and the entities and places
    the pipeline had attached (those its mentions and place mentions name)."""
    analyses = load_analyses(store, article_ids)
    by_id = {a.article.id: a for a in analyses}
    s, p = schema.sentences, schema.places
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(s).where(s.c.article_id.in_(list(by_id))).order_by(s.c.article_id, s.c.index)
        )
        for r in rows.mappings():
            by_id[r["article_id"]].sentences.append(
                Sentence(r["article_id"], r["index"], r["start"], r["end"])
            )
        place_ids = {m.place_id for a in analyses for m in a.place_mentions}
        places = {
            r["id"]: from_row(Place, dict(r))
            for r in conn.execute(select(p).where(p.c.id.in_(place_ids))).mappings()
        }
    for a in analyses:
        a.places = {m.place_id: places[m.place_id] for m in a.place_mentions if m.place_id in places}
    return analyses


class AlertService:
    """An ``Ingestor.after_write`` hook: ``ingestor.after_write.append(AlertService(store, settings))``.

    Runs after the batch is committed, so an alert always points at stored facts, and
    delivers each alert once per (rule, article) even across a crash:

    * the store queues every new article in ``alert_outbox`` in the transaction that
      stores it; an article leaves the outbox only once its alerts are recorded and
      delivered;
    * the (rule, article) unique key makes recording idempotent: a re-ingest or a replayed
      batch records nothing new;
    * on start and with each batch, articles still queued (a run killed between its commit
      and its alerts, or another process's batch in flight) are loaded back from the store
      and matched; an alert recorded but not delivered when the run died is delivered then;
    * all of it runs under the store's "alerts" lock, so two processes never both deliver.

    Only a kill between a channel's send and the recording of its status can send twice;
    the payload's ``alert_id`` lets a receiver drop the repeat.
    """

    def __init__(self, store: Store, settings: Settings, channels: list[Channel] | None = None) -> None:
        self.store = store
        self.channels = channels_from_settings(settings) if channels is None else channels
        self.sent: list[dict[str, Any]] = []  # payloads delivered by this service (for callers' reports)
        self.catch_up()

    def __call__(self, analyses: list[Analysis]) -> None:
        self.check(analyses)

    def catch_up(self) -> list[dict[str, Any]]:
        """Alert on the articles left in the outbox; returns the payloads delivered."""
        return self.check([])

    def check(self, analyses: list[Analysis], batch: int = 200) -> list[dict[str, Any]]:
        """Record and deliver the alerts of ``analyses`` and of every queued article."""
        new: list[dict[str, Any]] = []
        with backends.exclusive(self.store.engine, "alerts"):
            queued = set(watch.queued_articles(self.store))
            rules = watch.rules(self.store, active_only=True)
            given = {a.article.id for a in analyses}
            if rules:
                new += self._alert(analyses, rules, queued)
                missing = [aid for aid in sorted(queued) if aid not in given]
                for i in range(0, len(missing), batch):
                    part = missing[i : i + batch]
                    new += self._alert(load_for_alerts(self.store, part), rules, queued)
                    watch.dequeue_articles(self.store, part)
            watch.dequeue_articles(self.store, sorted(queued & given if rules else queued))
        self.sent.extend(new)
        return new

    def _alert(
        self, analyses: list[Analysis], rules: list[dict[str, Any]], queued: set[str]
    ) -> list[dict[str, Any]]:
        new: list[dict[str, Any]] = []
        by_id = {r["id"]: r for r in rules}
        for analysis in analyses:
            recorded = set()
            for rule in rules:
                facts = match_rule(rule, analysis)
                if not facts:
                    continue
                alert = watch.record_alert(self.store, rule["id"], analysis.article.id, facts)
                if alert is not None:
                    recorded.add(alert["id"])
                    new.append(self._deliver(alert, rule, analysis))
            if analysis.article.id in queued:  # a run died after recording, before delivering
                for alert in watch.article_alerts(self.store, analysis.article.id):
                    if not alert["delivered"] and alert["rule_id"] in by_id and alert["id"] not in recorded:
                        new.append(self._deliver(alert, by_id[alert["rule_id"]], analysis))
        return new

    def _deliver(self, alert: dict[str, Any], rule: dict[str, Any], analysis: Analysis) -> dict[str, Any]:
        payload = alert_payload(alert, rule, analysis)
        watch.mark_delivered(self.store, alert["id"], deliver(payload, self.channels))
        return payload
