"""Spike rules: alert when the articles naming an entity, or the articles of a story, rise
above ``factor`` times their baseline in a window (EMM's breaking-news alert).

A rule is evaluated at the time of each new article that names its target (publication
time, else storage time), in time order: the window is the ``window`` seconds up to that
time, the baseline the ``baseline`` seconds before the window, scaled to one window.
The rule fires once per episode: the first article at which the count passes both the
threshold and ``min_count`` records the alert, later articles of the same burst do not,
and the rule re-arms at the first new article at which the count is back under the
threshold. The episode's state is stored with the alert in one transaction, so a crash
and a re-run never record a second alert for one episode.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from veille.alerts.match import fact_at
from veille.model import Analysis
from veille.store import watch
from veille.store.database import Store
from veille.store.watch import Alert, MatchedFact, Spike, SpikeState, WatchRule


@dataclass(frozen=True)
class SpikeReading:
    """The counts at one time: articles in the window, and the baseline's rate per window."""

    count: int
    expected: float
    window_start: datetime
    window_end: datetime

    def spiking(self, spike: Spike) -> bool:
        return self.count >= spike.min_count and self.count > spike.factor * self.expected


def read_spike(times: list[datetime], spike: Spike, at: datetime) -> SpikeReading:
    """The counts for the window ending at ``at``, from the sorted times of the target's articles."""
    window_start = at - timedelta(seconds=spike.window)
    baseline_start = window_start - timedelta(seconds=spike.baseline)
    end = bisect_right(times, at)
    in_window = end - bisect_right(times, window_start)
    in_baseline = bisect_right(times, window_start) - bisect_right(times, baseline_start)
    return SpikeReading(in_window, in_baseline * spike.window / spike.baseline, window_start, at)


def spike_alerts(
    store: Store, rule: WatchRule, article_ids: list[str], analysis_of: Callable[[str], Analysis]
) -> list[tuple[Alert, Analysis]]:
    """Evaluate ``rule`` at the new articles ``article_ids``; the alerts recorded, with their article."""
    spike = rule.spike
    assert spike is not None
    start = state = watch.spike_state(store, rule.id)
    points = [
        (at, aid)
        for at, aid in watch.target_articles(store, rule.terms, article_ids)
        if state.checked_at is None or at >= state.checked_at  # older: it does not move the episode
    ]
    if not points:
        return []
    # One read of the target's articles over the span every point needs.
    reach = timedelta(seconds=spike.window + spike.baseline)
    times = watch.target_times(store, rule.terms, points[0][0] - reach, points[-1][0])
    fired: list[tuple[Alert, Analysis]] = []
    for at, article_id in points:
        reading = read_spike(times, spike, at)
        spiking = reading.spiking(spike)
        if spiking and not state.firing:
            analysis = analysis_of(article_id)
            state = SpikeState(True, at)
            facts = [spike_fact(store, rule, analysis, reading)]
            alert = watch.record_spike_alert(store, rule.id, article_id, facts, state)
            if alert is not None:
                fired.append((alert, analysis))
        else:
            state = SpikeState(spiking, at)
    if state != start:
        watch.save_spike_state(store, rule.id, state)
    return fired


def spike_fact(store: Store, rule: WatchRule, analysis: Analysis, reading: SpikeReading) -> MatchedFact:
    """The alert's fact: the counts, anchored at the article's first mention of the target
    (for a story, its first sentence), so the alert carries its provenance like any other."""
    assert rule.spike is not None
    article = analysis.article
    span = watch.target_span(store, rule.terms, article.id) if "entity" in rule.terms else None
    if span is None:
        first = analysis.sentences[0] if analysis.sentences else None
        span = (first.start, first.end, first.index) if first else (0, min(len(article.text), 200), 0)
    start, end, sentence = span
    target = " ".join(f"{k}={'|'.join(v)}" for k, v in sorted(rule.terms.items()))
    return fact_at(
        analysis,
        "spike",
        f"{article.id}:{start}:spike",
        start,
        end,
        sentence,
        target=target,
        count=reading.count,
        expected=round(reading.expected, 3),
        threshold=round(rule.spike.factor * reading.expected, 3),
        window_start=reading.window_start.isoformat(),
        window_end=reading.window_end.isoformat(),
    )
