"""Matching new facts against the watch rules after each ingest batch, recording and delivering alerts."""

from __future__ import annotations

from veille.alerts.deliver import Channel, channels_from_settings, deliver
from veille.alerts.match import match_rule
from veille.alerts.payload import AlertPayload, alert_payload
from veille.alerts.spike import spike_alerts
from veille.config import Settings
from veille.model import Analysis
from veille.store import backends, watch
from veille.store.database import Store
from veille.store.reads import load_analyses
from veille.store.watch import Alert, WatchRule


def load_for_alerts(store: Store, article_ids: list[str]) -> list[Analysis]:
    """Stored analyses with what rules match on: facts, sentences, and the entities and places
    the pipeline had attached (those its mentions and place mentions name)."""
    analyses = load_analyses(store, article_ids)
    by_id = {a.article.id: a for a in analyses}
    for sentence in watch.sentences(store, by_id):
        by_id[sentence.article_id].sentences.append(sentence)
    places = watch.places(store, {m.place_id for a in analyses for m in a.place_mentions})
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
    * spike rules are evaluated on every queued article before any leaves the outbox, and
      an episode's alert is stored with the rule's state (veille.alerts.spike);
    * all of it runs under the store's "alerts" lock, so two processes never both deliver.

    Only a kill between a channel's send and the recording of its status can send twice;
    the payload's ``alert_id`` lets a receiver drop the repeat.
    """

    def __init__(self, store: Store, settings: Settings, channels: list[Channel] | None = None) -> None:
        self.store = store
        self.channels = channels_from_settings(settings) if channels is None else channels
        self.sent: list[AlertPayload] = []  # payloads delivered by this service (for callers' reports)
        self.catch_up()

    def __call__(self, analyses: list[Analysis]) -> None:
        self.check(analyses)

    def catch_up(self) -> list[AlertPayload]:
        """Alert on the articles left in the outbox; returns the payloads delivered."""
        return self.check([])

    def check(self, analyses: list[Analysis], batch: int = 200) -> list[AlertPayload]:
        """Record and deliver the alerts of ``analyses`` and of every queued article."""
        new: list[AlertPayload] = []
        with backends.exclusive(self.store.engine, "alerts"):
            queued = set(watch.queued_articles(self.store))
            rules = watch.rules(self.store, active_only=True)
            given = {a.article.id: a for a in analyses}
            if rules:
                recorded: set[int] = set()  # alerts recorded and delivered by this check
                new += self._spikes([r for r in rules if r.spike], sorted(queued), given, recorded)
                new += self._alert(analyses, rules, queued, recorded)
                missing = [aid for aid in sorted(queued) if aid not in given]
                for i in range(0, len(missing), batch):
                    part = missing[i : i + batch]
                    new += self._alert(load_for_alerts(self.store, part), rules, queued, recorded)
                    watch.dequeue_articles(self.store, part)
            watch.dequeue_articles(self.store, sorted(queued & set(given) if rules else queued))
        self.sent.extend(new)
        return new

    def _spikes(
        self, rules: list[WatchRule], article_ids: list[str], given: dict[str, Analysis], recorded: set[int]
    ) -> list[AlertPayload]:
        def analysis_of(article_id: str) -> Analysis:
            return given.get(article_id) or load_for_alerts(self.store, [article_id])[0]

        new: list[AlertPayload] = []
        for rule in rules:
            for alert, analysis in spike_alerts(self.store, rule, article_ids, analysis_of):
                recorded.add(alert.id)
                new.append(self._deliver(alert, rule, analysis))
        return new

    def _alert(
        self, analyses: list[Analysis], rules: list[WatchRule], queued: set[str], recorded: set[int]
    ) -> list[AlertPayload]:
        new: list[AlertPayload] = []
        by_id = {r.id: r for r in rules}
        for analysis in analyses:
            for rule in rules:
                facts = [] if rule.spike else match_rule(rule.fact, rule.terms, analysis)
                if not facts:
                    continue
                alert = watch.record_alert(self.store, rule.id, analysis.article.id, facts)
                if alert is not None:
                    recorded.add(alert.id)
                    new.append(self._deliver(alert, rule, analysis))
            if analysis.article.id in queued:  # a run died after recording, before delivering
                for alert in watch.article_alerts(self.store, analysis.article.id):
                    if not alert.delivered and alert.rule_id in by_id and alert.id not in recorded:
                        recorded.add(alert.id)
                        new.append(self._deliver(alert, by_id[alert.rule_id], analysis))
        return new

    def _deliver(self, alert: Alert, rule: WatchRule, analysis: Analysis) -> AlertPayload:
        payload = alert_payload(alert, rule, analysis)
        watch.mark_delivered(self.store, alert.id, deliver(payload, self.channels))
        return payload
