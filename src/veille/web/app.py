"""FastAPI application: the JSON API under /api and the dashboard pages (every page has a JSON twin).

Security model (see docs/web.md): read endpoints are open to clients on the
loopback interface (and to everyone only when ``web.public_read = true``);
write endpoints (ingest, watch rules) need ``Authorization: Bearer <web.token>``
and are off when no token is configured (``veille.web.access``). CORS is off unless
``web.cors_origins`` lists origins. Article text is hostile: templates autoescape, JSON for
scripts goes through ``tojson`` into non-executable ``<script type="application/json">``
blocks, the front-end writes text with ``textContent`` only, and a strict
Content-Security-Policy (no inline script) backs all of it up.

The routes live in ``veille.web.routes`` (one router per concern); what they share is the
``WebState`` on ``app.state.web`` (``veille.web.state``).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from veille import __version__
from veille.config import Settings
from veille.store.database import Store
from veille.web import TEMPLATES_DIR
from veille.web.access import configured_token, write_refusal
from veille.web.api_docs import add_api_docs
from veille.web.dates import date_label
from veille.web.guard import GuardLimits, RequestGuard
from veille.web.routes import ROUTERS
from veille.web.search_view import SemanticSearch
from veille.web.state import WebState

STATIC_DIR = TEMPLATES_DIR.parent / "static"
# 100 news articles of 20k characters, JSON-escaped: a bigger body is refused before it is read.
DEFAULT_MAX_BODY_BYTES = 10_000_000

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS = (
    ("content-security-policy", CSP),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
)


def guard_limits(conf: dict[str, Any]) -> GuardLimits:
    """The ``[web]`` limits on requests (docs/web.md)."""
    return GuardLimits(
        max_body_bytes=int(conf.get("max_body_bytes", DEFAULT_MAX_BODY_BYTES)),
        body_timeout=float(conf.get("body_timeout", 30.0)),
        timeout=float(conf.get("request_timeout", 30.0)),
        slow_paths=("/api/ingest",),
        slow_timeout=float(conf.get("ingest_timeout", 600.0)),
        headers=SECURITY_HEADERS,
    )


def warm_up(store: Store) -> None:
    """Load what the first story page would otherwise load while a user waits (seconds on a busy
    machine): the stories stage and the stop words of each stored language. `veille serve` runs
    it in a background thread at start."""
    from veille.stories import export  # noqa: F401  (corroboration, timeline)
    from veille.stories.features import stop_words

    for language in store.languages()[:20]:
        stop_words(language)


def create_app(settings: Settings, store: Store | None = None) -> FastAPI:
    store = store or Store(settings.store_url)
    conf = settings.section("web")
    app = FastAPI(
        title="veille",
        version=__version__,
        description="Sourced facts from the news. Every fact carries its article and character offsets.",
        # FastAPI's /docs and /redoc pages load their scripts from a CDN: add_api_docs serves
        # them from local assets instead.
        docs_url=None,
        redoc_url=None,
    )
    add_api_docs(app)
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))  # autoescape is on for .html
    templates.env.filters["date_label"] = date_label
    web = WebState(
        settings=settings,
        store=store,
        templates=templates,
        semantic=SemanticSearch(settings, store),
        token=configured_token(conf),
        public_read=bool(conf.get("public_read", False)),
    )
    app.state.web = web
    app.state.store = store
    cors = [str(o) for o in conf.get("cors_origins", [])]
    if cors:  # off by default: a page on another origin cannot read the API from a user's browser
        app.add_middleware(
            CORSMiddleware, allow_origins=cors, allow_methods=["GET"], allow_headers=["Authorization"]
        )
    # Before any route parses a body: the token of a write, the body's size and time; and the
    # security headers on every answer.
    app.add_middleware(RequestGuard, limits=guard_limits(conf), authorise=partial(write_refusal, web.token))
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    for router in ROUTERS:
        app.include_router(router)
    return app
