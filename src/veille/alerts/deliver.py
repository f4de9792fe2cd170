"""Alert delivery: console, a JSONL file, a webhook POST with retries.

A channel that fails never stops the others nor the ingest: its error is
recorded on the alert (``delivered``) and the next channel runs.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TextIO

from veille.alerts.payload import AlertPayload
from veille.config import Settings, default_settings
from veille.errors import FetchRefused, InputError
from veille.ingest.fetch import post_json

log = logging.getLogger(__name__)


class Channel(Protocol):
    name: str

    def send(self, payload: AlertPayload) -> None:
        """Deliver one alert; raise on failure (the caller records the error)."""


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")


def _printable(text: str) -> str:
    """Article text without control characters: no escape sequences reach the terminal."""
    return _CONTROL.sub(" ", text)


def describe(payload: AlertPayload) -> str:
    """One line for people: rule, article, first matched sentence (for a spike: its counts)."""
    facts = payload.facts
    first = facts[0].sentence_text.strip()[:160] if facts else ""
    title = payload.article.title or payload.article.id
    head = f"[alert {payload.alert_id}] {payload.rule.name} · {title}"
    if facts and facts[0].type == "spike":
        counts = facts[0].extra
        return _printable(
            f"{head} · {counts['count']} article(s) in the window, baseline {counts['expected']}: {first}"
        )
    return _printable(f"{head} · {len(facts)} fact(s): {first}")


@dataclass
class ConsoleChannel:
    stream: TextIO | None = None
    name: str = "console"

    def send(self, payload: AlertPayload) -> None:
        print(describe(payload), file=self.stream or sys.stderr, flush=True)


@dataclass
class JsonlChannel:
    path: Path
    name: str = "jsonl"

    def send(self, payload: AlertPayload) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(payload.to_json(), ensure_ascii=False) + "\n")


_ALERTS = default_settings().alerts  # the [alerts] defaults, for a channel built without settings


@dataclass
class WebhookChannel:
    """POST the alert as JSON; retry with exponential backoff on network errors, 429 and 5xx.

    The target is checked like a fetched URL (docs/watchlists.md): an address on this machine
    or a private network is refused unless ``allow_private`` (``alerts.webhook_allow_private``).
    """

    url: str
    retries: int = _ALERTS.webhook_retries
    timeout: float = _ALERTS.webhook_timeout
    backoff: float = _ALERTS.webhook_backoff
    name: str = "webhook"
    sleep: Callable[[float], None] = time.sleep
    allow_private: bool = _ALERTS.webhook_allow_private

    def send(self, payload: AlertPayload) -> None:
        body = payload.to_json()
        last = ""
        for attempt in range(self.retries + 1):
            if attempt:
                self.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                status = post_json(self.url, body, timeout=self.timeout, allow_private=self.allow_private)
            except FetchRefused:
                raise  # a refused target stays refused: no retries
            except InputError as exc:
                last = str(exc)
                continue
            if status < 300:
                return
            last = f"HTTP {status}"
            if status < 500 and status != 429:
                break  # the receiver refuses this payload: retrying will not help
        raise RuntimeError(f"webhook {self.url} failed after {attempt + 1} attempt(s): {last}")


def channels_from_settings(settings: Settings) -> list[Channel]:
    """The channels named in ``[alerts]`` (console on by default)."""
    conf = settings.alerts
    out: list[Channel] = []
    if conf.console:
        out.append(ConsoleChannel())
    if conf.jsonl:
        out.append(JsonlChannel(Path(conf.jsonl)))
    if conf.webhook:
        out.append(
            WebhookChannel(
                conf.webhook,
                retries=conf.webhook_retries,
                timeout=conf.webhook_timeout,
                backoff=conf.webhook_backoff,
                allow_private=conf.webhook_allow_private,
            )
        )
    return out


def deliver(payload: AlertPayload, channels: list[Channel]) -> dict[str, str]:
    """Send to every channel; channel name -> "ok" or the error."""
    status: dict[str, str] = {}
    for channel in channels:
        try:
            channel.send(payload)
            status[channel.name] = "ok"
        except Exception as exc:  # noqa: BLE001  (one broken channel must not lose the alert)
            log.warning("alert %s: %s delivery failed: %s", payload.alert_id, channel.name, exc)
            status[channel.name] = str(exc)[:500]
    return status
