"""The API docs (/docs, /redoc) in headless Chromium: they render from local assets alone.

Same browser as the dashboard tests (Debian's /usr/bin/chromium, never downloaded); skips
with the reason when it is absent.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from test_dashboard_browser import browser  # noqa: F401  (the fixture: one Chromium per module)


class NetworkLog:
    """Every request the page made, and what the browser refused or reported."""

    def __init__(self, page: object) -> None:
        self.requests: list[str] = []
        self.console: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))  # type: ignore[attr-defined]
        page.on(
            "console", lambda msg: self.console.append(msg.text) if msg.type in ("error", "warning") else None
        )  # type: ignore[attr-defined]
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))  # type: ignore[attr-defined]

    def outside(self, server: str) -> list[str]:
        return [url for url in self.requests if not url.startswith((server + "/", "data:", "blob:"))]


@pytest.fixture
def docs_page(browser: object) -> Iterator[object]:  # noqa: F811
    context = browser.new_context(viewport={"width": 1300, "height": 1000})  # type: ignore[attr-defined]
    yield context.new_page()
    context.close()


def test_swagger_ui_renders_offline(docs_page: object, live_server: str) -> None:
    log = NetworkLog(docs_page)
    docs_page.goto(live_server + "/docs", wait_until="networkidle")  # type: ignore[attr-defined]
    operations = docs_page.locator(".opblock")  # type: ignore[attr-defined]
    operations.first.wait_for(timeout=20_000)
    assert operations.count() >= 15
    assert docs_page.locator(".opblock-summary-path[data-path='/api/export']").count() == 1  # type: ignore[attr-defined]
    assert live_server + "/openapi.json" in log.requests
    assert log.outside(live_server) == []
    assert not [m for m in log.console if "Content Security Policy" in m], log.console
    assert not log.errors, log.errors


def test_redoc_renders_offline(docs_page: object, live_server: str) -> None:
    log = NetworkLog(docs_page)
    docs_page.goto(live_server + "/redoc", wait_until="networkidle")  # type: ignore[attr-defined]
    docs_page.get_by_text("/api/export").first.wait_for(timeout=20_000)  # type: ignore[attr-defined]
    assert log.outside(live_server) == []
    assert not [m for m in log.console if "Content Security Policy" in m], log.console
    assert not log.errors, log.errors
