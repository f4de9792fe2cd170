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
from typing import Any, Protocol, TextIO

import httpx

from veille.config import Settings

log = logging.getLogger(__name__)


class Channel(Protocol):
    name: str

    def send(self, payload: dict[str, Any]) -> None:
        """Deliver one alert; raise on failure (the caller records the error)."""


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")


def _printable(text: str) -> str:
    """Article text without control characters: no escape sequences reach the terminal."""
    return _CONTROL.sub(" ", text)


def describe(payload: dict[str, Any]) -> str:
    """One line for people: rule, article, first matched sentence."""
    facts = payload.get("facts") or []
    first = facts[0]["sentence_text"].strip()[:160] if facts else ""
    article = payload["article"]
    title = article.get("title") or article["id"]
    return _printable(
        f"[alert {payload['alert_id']}] {payload['rule']['name']} · {title} · {len(facts)} fact(s): {first}"
    )


@dataclass
class ConsoleChannel:
    stream: TextIO | None = None
    name: str = "console"

    def send(self, payload: dict[str, Any]) -> None:
        print(describe(payload), file=self.stream or sys.stderr, flush=True)


@dataclass
class JsonlChannel:
    path: Path
    name: str = "jsonl"

    def send(self, payload: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(payload, ensure_ascii=False) + "\n")


@dataclass
class WebhookChannel:
    """POST the alert as JSON; retry with exponential backoff on network errors, 429 and 5xx."""

    url: str
    retries: int = 3
    timeout: float = 5.0
    backoff: float = 0.5
    name: str = "webhook"
    sleep: Callable[[float], None] = time.sleep

    def send(self, payload: dict[str, Any]) -> None:
        last = ""
        for attempt in range(self.retries + 1):
            if attempt:
                self.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                response = httpx.post(self.url, json=payload, timeout=self.timeout, trust_env=False)
            except httpx.HTTPError as exc:
                last = f"{exc.__class__.__name__}: {exc}"
                continue
            if response.status_code < 300:
                return
            last = f"HTTP {response.status_code}"
            if response.status_code < 500 and response.status_code != 429:
                break  # the receiver refuses this payload: retrying will not help
        raise RuntimeError(f"webhook {self.url} failed after {attempt + 1} attempt(s): {last}")


def channels_from_settings(settings: Settings) -> list[Channel]:
    """The channels named in ``[alerts]`` (console on by default)."""
    conf = settings.section("alerts")
    out: list[Channel] = []
    if conf.get("console", True):
        out.append(ConsoleChannel())
    if conf.get("jsonl"):
        out.append(JsonlChannel(Path(str(conf["jsonl"]))))
    if conf.get("webhook"):
        out.append(
            WebhookChannel(
                str(conf["webhook"]),
                retries=int(conf.get("webhook_retries", 3)),
                timeout=float(conf.get("webhook_timeout", 5.0)),
                backoff=float(conf.get("webhook_backoff", 0.5)),
            )
        )
    return out


def deliver(payload: dict[str, Any], channels: list[Channel]) -> dict[str, str]:
    """Send to every channel; channel name -> "ok" or the error."""
    status: dict[str, str] = {}
    for channel in channels:
        try:
            channel.send(payload)
            status[channel.name] = "ok"
        except Exception as exc:  # noqa: BLE001  (one broken channel must not lose the alert)
            log.warning("alert %s: %s delivery failed: %s", payload.get("alert_id"), channel.name, exc)
            status[channel.name] = str(exc)[:500]
    return status
