"""What an alert sends: the alert, its rule, its article and the facts it points at."""

from __future__ import annotations

from dataclasses import dataclass

from veille.model import Analysis, Article
from veille.store.watch import Alert, JsonObject, MatchedFact, WatchRule


@dataclass(frozen=True)
class AlertPayload:
    alert_id: int
    created_at: str
    rule: WatchRule
    article: Article
    facts: list[MatchedFact]

    def to_json(self) -> JsonObject:
        """The JSON every channel delivers (docs/watchlists.md)."""
        art = self.article
        return {
            "alert_id": self.alert_id,
            "created_at": self.created_at,
            "rule": self.rule.summary(),
            "article": {
                "id": art.id,
                "title": art.title,
                "url": art.url,
                "source": art.source,
                "published": art.published,
                "language": art.language,
            },
            "facts": [f.to_json() for f in self.facts],
        }


def alert_payload(alert: Alert, rule: WatchRule, analysis: Analysis) -> AlertPayload:
    return AlertPayload(alert.id, alert.created_at, rule, analysis.article, alert.facts)
