"""FastAPI application: the JSON API under /api and the dashboard pages (every page has a JSON twin).

Security model (see docs/web.md): read endpoints are open to clients on the
loopback interface (and to everyone only when ``web.public_read = true``);
write endpoints (ingest, watch rules) need ``Authorization: Bearer <web.token>``
and are off when no token is configured. CORS is off unless ``web.cors_origins``
lists origins. Article text is hostile: templates autoescape, JSON for scripts
goes through ``tojson`` into non-executable ``<script type="application/json">``
blocks, the front-end writes text with ``textContent`` only, and a strict
Content-Security-Policy (no inline script) backs all of it up.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import threading
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any
from urllib.parse import quote

from fastapi import Body, Depends, FastAPI, HTTPException, Query, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field

from veille import __version__
from veille.config import Settings
from veille.errors import VeilleError
from veille.export import build_export
from veille.model import Article
from veille.store import dashboard, watch
from veille.store.database import Store
from veille.web import TEMPLATES_DIR
from veille.web.search_view import SearchMode, SemanticSearch, related_or_none, search_rows
from veille.web.story_view import build_story, summarise

STATIC_DIR = TEMPLATES_DIR.parent / "static"
ENV_TOKEN = "VEILLE_TOKEN"
MAX_INGEST_ARTICLES = 100
MAX_INGEST_CHARS = 500_000
MAX_QUERY_CHARS = 300

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


class ArticleIn(BaseModel):
    text: str = Field(min_length=1, max_length=MAX_INGEST_CHARS)
    title: str | None = Field(None, max_length=2000)
    url: str | None = Field(None, max_length=4000)
    source: str | None = Field(None, max_length=500)
    published: str | None = Field(None, max_length=64)
    language: str | None = Field(None, max_length=8)


class IngestIn(BaseModel):
    articles: list[ArticleIn] = Field(min_length=1, max_length=MAX_INGEST_ARTICLES)


class RuleIn(BaseModel):
    name: str = Field("", max_length=200)
    fact: str = "any"
    terms: dict[str, list[str]] = Field(default_factory=dict)


def page(rows: list[dict[str, Any]], limit: int, offset: int, request: Request) -> dict[str, Any]:
    """A list response from up to ``limit + 1`` rows: items plus the URL of the next page, None on the last."""
    next_url = None
    if len(rows) > limit:  # callers fetch one row more than they show, to know whether there is a next page
        next_url = str(request.url.include_query_params(offset=offset + limit, limit=limit))
    return {"items": rows[:limit], "limit": limit, "offset": offset, "next": next_url}


def article_from_api(given: ArticleIn, reader: Any) -> Any:
    """An ``Article`` (or ``IngestFailure``) from a POSTed article, cleaned like any other input."""
    result = reader.from_plain_text(
        given.text,
        origin="api",
        title=given.title,
        source=given.source,
        url=given.url,
        published=given.published,
    )
    if isinstance(result, Article) and given.language:
        result.language = given.language
    return result


def _is_loopback(host: str | None) -> bool:
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def create_app(settings: Settings, store: Store | None = None) -> FastAPI:
    store = store or Store(settings.store_url)
    conf = settings.section("web")
    token = str(conf.get("token") or os.environ.get(ENV_TOKEN) or "")
    public_read = bool(conf.get("public_read", False))
    app = FastAPI(
        title="veille",
        version=__version__,
        description="Sourced facts from the news. Every fact carries its article and character offsets.",
        # FastAPI's /docs and /redoc pages load their scripts from a CDN: nothing is fetched
        # from outside at run time, so only the OpenAPI document itself is served.
        docs_url=None,
        redoc_url=None,
    )
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))  # autoescape is on for .html
    cors = [str(o) for o in conf.get("cors_origins", [])]
    if cors:  # off by default: a page on another origin cannot read the API from a user's browser
        app.add_middleware(
            CORSMiddleware, allow_origins=cors, allow_methods=["GET"], allow_headers=["Authorization"]
        )
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response

    def has_token(request: Request) -> bool:
        given = request.headers.get("authorization", "")
        return bool(token) and hmac.compare_digest(given.encode(), f"Bearer {token}".encode())

    def can_read(request: Request) -> None:
        if public_read or _is_loopback(request.client.host if request.client else None) or has_token(request):
            return
        raise HTTPException(401, "reading from another machine needs Authorization: Bearer <web.token>")

    def can_write(request: Request) -> None:
        if not token:
            raise HTTPException(403, f"write endpoints are off: set web.token in the config or ${ENV_TOKEN}")
        if not has_token(request):
            raise HTTPException(401, "missing or wrong token: send Authorization: Bearer <web.token>")

    read = [Depends(can_read)]
    write = [Depends(can_write)]
    ingest_lock = threading.Lock()  # one pipeline, one ingest at a time
    ingestor_holder: dict[str, Any] = {}

    # -- JSON API ---------------------------------------------------------------------

    @app.get("/api/articles", dependencies=read, tags=["articles"])
    def api_articles(
        request: Request,
        limit: int = Query(50, ge=1, le=500),
        offset: int = Query(0, ge=0),
        language: str | None = Query(None, max_length=8),
    ) -> dict[str, Any]:
        return page(store.articles(limit=limit + 1, offset=offset, language=language), limit, offset, request)

    @app.get("/api/articles/{article_id}", dependencies=read, tags=["articles"])
    def api_article(article_id: str) -> dict[str, Any]:
        art = store.article(article_id) if len(article_id) >= 4 else None
        if art is None:
            raise HTTPException(
                404, f"no article {article_id} (give its id or a unique prefix of 4+ characters)"
            )
        return art

    @app.get("/api/entities", dependencies=read, tags=["facts"])
    def api_entities(
        request: Request,
        kind: str | None = Query(None, max_length=32),
        limit: int = Query(100, ge=1, le=1000),
        offset: int = Query(0, ge=0),
    ) -> dict[str, Any]:
        return page(store.entities(kind=kind, limit=limit + 1, offset=offset), limit, offset, request)

    @app.get("/api/claims", dependencies=read, tags=["facts"])
    def api_claims(
        request: Request,
        source: str | None = Query(None, max_length=200),
        about: str | None = Query(None, max_length=200),
        limit: int = Query(100, ge=1, le=500),
        offset: int = Query(0, ge=0),
    ) -> dict[str, Any]:
        rows = store.claims(source=source, about=about, limit=offset + limit + 1)[offset:]
        return page(rows, limit, offset, request)

    @app.get("/api/events", dependencies=read, tags=["facts"])
    def api_events(
        request: Request,
        kind: str | None = Query(None, max_length=48),
        limit: int = Query(100, ge=1, le=500),
        offset: int = Query(0, ge=0),
    ) -> dict[str, Any]:
        return page(store.events(kind=kind, limit=offset + limit + 1)[offset:], limit, offset, request)

    @app.get("/api/places", dependencies=read, tags=["facts"])
    def api_places(
        request: Request, limit: int = Query(200, ge=1, le=1000), offset: int = Query(0, ge=0)
    ) -> dict[str, Any]:
        return page(store.places(limit=offset + limit + 1)[offset:], limit, offset, request)

    @app.get("/api/routes", dependencies=read, tags=["facts"])
    def api_routes(
        request: Request, limit: int = Query(200, ge=1, le=1000), offset: int = Query(0, ge=0)
    ) -> dict[str, Any]:
        return page(dashboard.routes(store, limit=limit + 1, offset=offset), limit, offset, request)

    @app.get("/api/stories", dependencies=read, tags=["stories"])
    def api_stories(
        request: Request, limit: int = Query(50, ge=1, le=200), offset: int = Query(0, ge=0)
    ) -> dict[str, Any]:
        mode, rows = dashboard.stories(store, limit=limit + 1, offset=offset)
        return page([summarise(store, r) for r in rows[: limit + 1]], limit, offset, request) | {"mode": mode}

    @app.get("/api/stories/{story_id}", dependencies=read, tags=["stories"])
    def api_story(story_id: str) -> dict[str, Any]:
        row = dashboard.story(store, story_id)
        if row is None:
            raise HTTPException(404, f"no story {story_id}")
        return build_story(store, row)

    semantic = SemanticSearch(settings, store)  # the model loads on the first semantic query

    @app.get("/api/search", dependencies=read, tags=["articles"])
    def api_search(
        request: Request,
        q: str = Query(..., min_length=1, max_length=MAX_QUERY_CHARS),
        limit: int = Query(20, ge=1, le=200),
        mode: SearchMode = Query(SearchMode.fts, description="fts (keywords), semantic or hybrid"),
        lang: list[str] = Query([], max_length=8, description="only these languages (repeatable)"),
        since: date | None = Query(None, description="published on or after (ISO date)"),
        until: date | None = Query(None, description="published on or before (ISO date)"),
        diversify: bool = Query(True, description="interleave results across languages"),
    ) -> dict[str, Any]:
        rows = search_rows(semantic, q, mode.value, limit, lang, since, until, diversify)
        return page(rows, limit, 0, request) | {"next": None, "q": q, "mode": mode.value}

    @app.get("/api/articles/{article_id}/related", dependencies=read, tags=["articles"])
    def api_related(
        article_id: str, limit: int = Query(10, ge=1, le=50), same_language: bool = False
    ) -> dict[str, Any]:
        art = store.article(article_id) if len(article_id) >= 4 else None
        if art is None:
            raise HTTPException(404, f"no article {article_id}")
        return {"items": semantic.related(art["id"], limit, other_languages=not same_language)}

    @app.get("/api/stats", dependencies=read, tags=["articles"])
    def api_stats() -> dict[str, int]:
        return store.counts() | {"alerts": watch.count_alerts(store)}

    @app.get("/api/export", dependencies=read, tags=["export"])
    def api_export() -> dict[str, Any]:
        """The whole database in veille's export format (the same as ``veille export --format json``)."""
        return build_export(store)

    @app.get("/api/alerts", dependencies=read, tags=["watch"])
    def api_alerts(
        request: Request,
        rule: int | None = None,
        limit: int = Query(50, ge=1, le=500),
        offset: int = Query(0, ge=0),
    ) -> dict[str, Any]:
        return page(watch.alerts(store, limit=limit + 1, offset=offset, rule_id=rule), limit, offset, request)

    @app.get("/api/watch", dependencies=read, tags=["watch"])
    def api_rules() -> dict[str, Any]:
        return {"items": watch.rules(store)}

    @app.post("/api/watch", dependencies=write, tags=["watch"], status_code=201)
    def api_add_rule(rule: RuleIn) -> dict[str, Any]:
        try:
            return watch.add_rule(store, rule.name, rule.fact, rule.terms)
        except VeilleError as exc:
            raise HTTPException(422, str(exc)) from None

    @app.delete("/api/watch/{rule_id}", dependencies=write, tags=["watch"])
    def api_remove_rule(rule_id: int) -> dict[str, Any]:
        if not watch.remove_rule(store, rule_id):
            raise HTTPException(404, f"no watch rule {rule_id}")
        return {"removed": rule_id}

    @app.post("/api/ingest", dependencies=write, tags=["ingest"])
    def api_ingest(body: IngestIn = Body(...)) -> dict[str, Any]:
        """Analyse and store articles given as text; watch rules fire on their new facts."""
        from veille.alerts.service import AlertService
        from veille.ingest.runner import Ingestor
        from veille.ingest.sources import IngestOptions, SourceReader

        # The same cleaning, headline and language detection as `veille ingest` of a JSONL record.
        reader = SourceReader(settings, IngestOptions.from_settings(settings), allow_private=False)

        with ingest_lock:
            if "ingestor" not in ingestor_holder:  # models load on the first ingest, not at start-up
                ingestor = Ingestor(settings, store)
                alerting = AlertService(store, settings)
                ingestor.after_write.append(alerting)
                ingestor_holder.update(ingestor=ingestor, alerts=alerting)
            ingestor, alerting = ingestor_holder["ingestor"], ingestor_holder["alerts"]
            items = [article_from_api(a, reader) for a in body.articles]
            before = len(alerting.sent)
            report = ingestor.ingest_items(items)
            return report.to_dict() | {"alerts": [p["alert_id"] for p in alerting.sent[before:]]}

    # -- pages (each links its JSON twin) ---------------------------------------------

    def render(request: Request, name: str, context: dict[str, Any], twin: str) -> HTMLResponse:
        return templates.TemplateResponse(request, name, context | {"json_url": twin})

    @app.get("/", response_class=HTMLResponse, dependencies=read, include_in_schema=False)
    def index(
        request: Request,
        q: str | None = Query(None, max_length=MAX_QUERY_CHARS),
        search_mode: SearchMode = Query(SearchMode.fts, alias="mode"),
        lang: str | None = Query(None, max_length=8),
    ) -> HTMLResponse:
        mode, rows = dashboard.stories(store, limit=100)
        langs = [lang] if lang else []
        return render(
            request,
            "index.html",
            {
                "stories": [summarise(store, r) for r in rows],
                "mode": mode,
                "stats": store.counts(),
                "q": q or "",
                "search_mode": search_mode.value,
                "lang": lang or "",
                "results": search_rows(semantic, q, search_mode.value, 20, langs, None, None, True)
                if q
                else None,
                "alerts": watch.alerts(store, limit=10),
            },
            f"/api/search?q={quote(q)}&mode={search_mode.value}" if q else "/api/stories",
        )

    @app.get("/alerts", response_class=HTMLResponse, dependencies=read, include_in_schema=False)
    def alerts_page(request: Request) -> HTMLResponse:
        context = {"rules": watch.rules(store), "alerts": watch.alerts(store, limit=100)}
        return render(request, "alerts.html", context, "/api/alerts")

    @app.get("/stories/{story_id}", response_class=HTMLResponse, dependencies=read, include_in_schema=False)
    def story_page(request: Request, story_id: str) -> HTMLResponse:
        row = dashboard.story(store, story_id)
        if row is None:
            raise HTTPException(404, f"no story {story_id}")
        return render(request, "story.html", {"story": build_story(store, row)}, f"/api/stories/{story_id}")

    @app.get(
        "/articles/{article_id}", response_class=HTMLResponse, dependencies=read, include_in_schema=False
    )
    def article_page(request: Request, article_id: str) -> HTMLResponse:
        art = store.article(article_id) if len(article_id) >= 4 else None
        if art is None:
            raise HTTPException(404, f"no article {article_id}")
        story = build_story(
            store, {"id": f"article-{art['id']}", "title": art["title"], "article_ids": [art["id"]]}
        )
        context = {"story": story, "single": True, "related": related_or_none(semantic, art["id"])}
        return render(request, "story.html", context, f"/api/articles/{art['id']}")

    return app
