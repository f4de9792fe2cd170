"""An ASGI middleware that runs before any route reads a byte of the request body.

FastAPI parses a JSON body before the route's dependencies run, so a token check in a
dependency comes too late: a 39 MB body sent without a token was read and parsed into
Python objects (hundreds of MB) only to be answered 401. Here, before the app sees the
request:

- a write (any method but GET/HEAD/OPTIONS) without the right token is refused at once;
- a ``Content-Length`` over the limit is refused with 413, unread;
- a body sent without a length (chunked) is counted as it streams and cut off at the limit;
- the body must arrive within ``body_timeout`` seconds (a slow client cannot hold a worker);
- the app must start its answer within ``timeout`` seconds (504 otherwise).

It also adds the security headers (CSP, nosniff, referrer policy) to every answer, its own
included: a plain ASGI wrapper costs far less per request than Starlette's BaseHTTPMiddleware.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Refusal of a write: (status, message) or None when the request may go on. Gets the headers.
Authorise = Callable[[dict[str, str]], tuple[int, str] | None]


@dataclass(frozen=True)
class GuardLimits:
    max_body_bytes: int
    body_timeout: float  # seconds for the whole body to arrive
    timeout: float  # seconds until the response starts
    slow_paths: tuple[str, ...] = ()  # path prefixes allowed ``slow_timeout`` instead (ingest)
    slow_timeout: float = 0.0
    headers: tuple[tuple[str, str], ...] = ()  # added to every answer that does not set them


class _BodyRefused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class RequestGuard:
    def __init__(self, app: ASGIApp, limits: GuardLimits, authorise: Authorise) -> None:
        self.app = app
        self.limits = limits
        self.authorise = authorise

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        refusal = self._refusal(scope, headers)
        if refusal:
            await _answer(send, *refusal, extra=self.limits.headers)
            return
        await _Exchange(self.app, self.limits, scope, receive, send).run()

    def _refusal(self, scope: Scope, headers: dict[str, str]) -> tuple[int, str] | None:
        if scope.get("method", "GET") not in SAFE_METHODS:
            refused = self.authorise(headers)
            if refused:
                return refused
        length = headers.get("content-length")
        if length is not None:
            if not length.isdigit() or len(length) > 18:
                return 400, "invalid Content-Length"
            if int(length) > self.limits.max_body_bytes:
                return 413, _too_large(self.limits.max_body_bytes)
        return None


class _Exchange:
    """One request: the body counted and timed on its way in, the answer watched on its way out."""

    def __init__(self, app: ASGIApp, limits: GuardLimits, scope: Scope, receive: Receive, send: Send) -> None:
        self.app, self.limits, self.scope = app, limits, scope
        self._receive, self._send = receive, send
        self.received = 0
        self.body_done = False
        self.refused: _BodyRefused | None = None
        self.started = False  # the response has begun: from here on it cannot become an error
        self.answered = False  # this guard sent the answer itself: the app's sends are dropped
        self.deadline = time.monotonic() + limits.body_timeout
        path = str(scope.get("path", ""))
        slow = limits.slow_paths and path.startswith(limits.slow_paths)
        self.timeout = limits.slow_timeout if slow else limits.timeout

    async def receive(self) -> Message:
        if self.refused:
            raise self.refused
        if self.body_done:
            return await self._receive()  # waiting for a disconnect, not for body
        remaining = self.deadline - time.monotonic()
        try:
            message = await asyncio.wait_for(self._receive(), timeout=max(0.0, remaining))
        except TimeoutError:
            self.refused = _BodyRefused(408, f"the request body took over {self.limits.body_timeout:g} s")
            raise self.refused from None
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            if self.received > self.limits.max_body_bytes:
                self.refused = _BodyRefused(413, _too_large(self.limits.max_body_bytes))
                raise self.refused
            self.body_done = not message.get("more_body", False)
        return message

    async def send(self, message: Message) -> None:
        if self.answered:
            return
        if self.refused:
            # Whoever caught the refusal (FastAPI turns a body read error into a 400) answers
            # something else; the client gets the refusal instead.
            if message["type"] == "http.response.start" and not self.started:
                await self._refuse(self.refused.status, self.refused.message)
            return
        if message["type"] == "http.response.start":
            self.started = True
            message["headers"] = _with_headers(list(message.get("headers", [])), self.limits.headers)
        await self._send(message)

    async def run(self) -> None:
        task = asyncio.ensure_future(self.app(self.scope, self.receive, self.send))
        try:
            await asyncio.wait_for(asyncio.shield(task), timeout=self.timeout)
        except TimeoutError:
            if self.started:  # a streamed answer (the export) may take longer than its first byte
                await task
                return
            task.cancel()
            await self._refuse(504, f"the request took over {self.timeout:g} s (web.request_timeout)")
        except _BodyRefused as exc:
            if not self.started:
                await self._refuse(exc.status, exc.message)

    async def _refuse(self, status: int, message: str) -> None:
        self.started = self.answered = True
        await _answer(self._send, status, message, extra=self.limits.headers)


def _too_large(limit: int) -> str:
    return f"request body over {limit:,} bytes (web.max_body_bytes)"


def _with_headers(
    headers: list[tuple[bytes, bytes]], extra: tuple[tuple[str, str], ...]
) -> list[tuple[bytes, bytes]]:
    present = {name.lower() for name, _ in headers}
    return headers + [(k.encode(), v.encode()) for k, v in extra if k.encode() not in present]


async def _answer(send: Send, status: int, message: str, extra: tuple[tuple[str, str], ...] = ()) -> None:
    body = json.dumps({"detail": message}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),  # the unread rest of the body must not be taken for a next request
    ]
    if status == 401:
        headers.append((b"www-authenticate", b"Bearer"))
    await send({"type": "http.response.start", "status": status, "headers": _with_headers(headers, extra)})
    await send({"type": "http.response.body", "body": body})
