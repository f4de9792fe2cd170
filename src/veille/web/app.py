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
import json
import os
import re
import threading
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import Body, Depends, FastAPI, HTTPException, Path, Query, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, StreamingResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field
from sqlalchemy import select

from veille import __version__
from veille.config import Settings
from veille.errors import VeilleError
from veille.exports.api import ExportFormat, export_pieces
from veille.model import Article
from veille.store import dashboard, schema, watch
from veille.store.database import Store
from veille.web import TEMPLATES_DIR
from veille.web.api_docs import add_api_docs
from veille.web.guard import GuardLimits, RequestGuard
from veille.web.search_view import SearchMode, SemanticSearch, related_or_none, search_rows
from veille.web.story_view import build_story, summarise_many

STATIC_DIR = TEMPLATES_DIR.parent / "static"
ENV_TOKEN = "VEILLE_TOKEN"
MAX_INGEST_ARTICLES = 100
MAX_INGEST_CHARS = 500_000
MAX_QUERY_CHARS = 300
# 100 news articles of 20k characters, JSON-escaped: a bigger body is refused before it is read.
DEFAULT_MAX_BODY_BYTES = 10_000_000
MAX_OFFSET = 10_000_000  # past any real list; bigger numbers overflow the database's integers
MAX_ID = 2**63 - 1  # ids are 64-bit integers in SQLite and PostgreSQL
LANG_PATTERN = r"^([A-Za-z]{2,3}(-[A-Za-z0-9]{1,4})?)?$"
LANG_CODE = re.compile(LANG_PATTERN)
LANG = Query(None, max_length=8, pattern=LANG_PATTERN, description="ISO 639 code")

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


def as_json(data: Any) -> Response:
    """A JSON answer serialised by the json module directly: FastAPI's generic encoder walks every
    value of a returned dict first, which cost more than the query on big pages (a story)."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    return Response(body.encode("utf-8"), media_type="application/json")


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

    with store.engine.connect() as conn:
        languages = [r[0] for r in conn.execute(select(schema.articles.c.language).distinct()) if r[0]]
    for language in languages[:20]:
        stop_words(language)


def create_app(settings: Settings, store: Store | None = None) -> FastAPI:
    store = store or Store(settings.store_url)
    conf = settings.section("web")
    token = str(conf.get("token") or os.environ.get(ENV_TOKEN) or "")
    public_read = bool(conf.get("public_read", False))
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
    app.state.store = store
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))  # autoescape is on for .html
    cors = [str(o) for o in conf.get("cors_origins", [])]
    if cors:  # off by default: a page on another origin cannot read the API from a user's browser
        app.add_middleware(
            CORSMiddleware, allow_origins=cors, allow_methods=["GET"], allow_headers=["Authorization"]
        )
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")

    def write_refusal(headers: dict[str, str]) -> tuple[int, str] | None:
        """Why a write is refused ((status, message)), or None when it carries the token."""
        if not token:
            return 403, f"write endpoints are off: set web.token in the config or ${ENV_TOKEN}"
        given = headers.get("authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return 401, "missing or wrong token: send Authorization: Bearer <web.token>"
        return None

    # Before any route parses a body: the token of a write, the body's size and time; and the
    # security headers on every answer.
    app.add_middleware(RequestGuard, limits=guard_limits(conf), authorise=write_refusal)

    def has_token(request: Request) -> bool:
        given = request.headers.get("authorization", "")
        return bool(token) and hmac.compare_digest(given.encode(), f"Bearer {token}".encode())

    def can_read(request: Request) -> None:
        if public_read or _is_loopback(request.client.host if request.client else None) or has_token(request):
            return
        raise HTTPException(401, "reading from another machine needs Authorization: Bearer <web.token>")

    def can_write(request: Request) -> None:  # the guard checked already; kept beside each route too
        refused = write_refusal({"authorization": request.headers.get("authorization", "")})
        if refused:
            raise HTTPException(*refused)

    read = [Depends(can_read)]
    write = [Depends(can_write)]
    ingest_lock = threading.Lock()  # one pipeline, one ingest at a time
    ingestor_holder: dict[str, Any] = {}

    # -- JSON API ---------------------------------------------------------------------

    @app.get("/api/articles", dependencies=read, tags=["articles"])
    def api_articles(
        request: Request,
        limit: int = Query(50, ge=1, le=500),
        offset: int = Query(0, ge=0, le=MAX_OFFSET),
        lang: str | None = LANG,
        language: str | None = Query(None, max_length=8, include_in_schema=False),  # older name
    ) -> Response:
        rows = store.articles(limit=limit + 1, offset=offset, language=lang or language)
        return as_json(page(rows, limit, offset, request))

    @app.get("/api/articles/{article_id}", dependencies=read, tags=["articles"])
    def api_article(article_id: str) -> Response:
        art = store.article(article_id) if len(article_id) >= 4 else None
        if art is None:
            raise HTTPException(
                404, f"no article {article_id} (give its id or a unique prefix of 4+ characters)"
            )
        return as_json(art)

    @app.get("/api/entities", dependencies=read, tags=["facts"])
    def api_entities(
        request: Request,
        kind: str | None = Query(None, max_length=32),
        limit: int = Query(100, ge=1, le=1000),
        offset: int = Query(0, ge=0, le=MAX_OFFSET),
    ) -> Response:
        return as_json(
            page(store.entities(kind=kind, limit=limit + 1, offset=offset), limit, offset, request)
        )

    @app.get("/api/claims", dependencies=read, tags=["facts"])
    def api_claims(
        request: Request,
        source: str | None = Query(None, max_length=200),
        about: str | None = Query(None, max_length=200),
        limit: int = Query(100, ge=1, le=500),
        offset: int = Query(0, ge=0, le=MAX_OFFSET),
    ) -> Response:
        rows = store.claims(source=source, about=about, limit=limit + 1, offset=offset)
        return as_json(page(rows, limit, offset, request))

    @app.get("/api/events", dependencies=read, tags=["facts"])
    def api_events(
        request: Request,
        kind: str | None = Query(None, max_length=48),
        limit: int = Query(100, ge=1, le=500),
        offset: int = Query(0, ge=0, le=MAX_OFFSET),
    ) -> Response:
        return as_json(page(store.events(kind=kind, limit=limit + 1, offset=offset), limit, offset, request))

    @app.get("/api/places", dependencies=read, tags=["facts"])
    def api_places(
        request: Request, limit: int = Query(200, ge=1, le=1000), offset: int = Query(0, ge=0, le=MAX_OFFSET)
    ) -> Response:
        return as_json(page(store.places(limit=limit + 1, offset=offset), limit, offset, request))

    @app.get("/api/routes", dependencies=read, tags=["facts"])
    def api_routes(
        request: Request, limit: int = Query(200, ge=1, le=1000), offset: int = Query(0, ge=0, le=MAX_OFFSET)
    ) -> Response:
        return as_json(page(dashboard.routes(store, limit=limit + 1, offset=offset), limit, offset, request))

    @app.get("/api/stories", dependencies=read, tags=["stories"])
    def api_stories(
        request: Request, limit: int = Query(50, ge=1, le=200), offset: int = Query(0, ge=0, le=MAX_OFFSET)
    ) -> Response:
        mode, rows = dashboard.stories(store, limit=limit + 1, offset=offset)
        return as_json(
            page(summarise_many(store, rows[: limit + 1]), limit, offset, request) | {"mode": mode}
        )

    @app.get("/api/stories/{story_id}", dependencies=read, tags=["stories"])
    def api_story(story_id: str) -> Response:
        row = dashboard.story(store, story_id)
        if row is None:
            raise HTTPException(404, f"no story {story_id}")
        return as_json(build_story(store, row))

    semantic = SemanticSearch(settings, store)  # the model loads on the first semantic query

    @app.get("/api/search", dependencies=read, tags=["articles"])
    def api_search(
        request: Request,
        q: str = Query(..., min_length=1, max_length=MAX_QUERY_CHARS),
        limit: int = Query(20, ge=1, le=200),
        offset: int = Query(0, ge=0, le=MAX_OFFSET, description="full-text mode only"),
        mode: SearchMode = Query(SearchMode.fts, description="fts (keywords), semantic or hybrid"),
        lang: list[str] = Query(
            [], max_length=8, description="only these languages (ISO 639 codes, repeatable)"
        ),
        since: date | None = Query(None, description="published on or after (ISO date)"),
        until: date | None = Query(None, description="published on or before (ISO date)"),
        diversify: bool = Query(True, description="interleave results across languages"),
    ) -> Response:
        for code in lang:
            if not LANG_CODE.fullmatch(code):
                raise HTTPException(422, f"lang must be an ISO 639 code, not {code[:20]!r}")
        if mode is SearchMode.fts and len(lang) <= 1 and since is None and until is None:
            # Plain full text: the store's own query, paged in SQL.
            rows = store.search(q, limit=limit + 1, offset=offset, language=lang[0] if lang else None)
            rows = [r | {"passage": None, "score": None, "matched_by": ["fts"]} for r in rows]
            return as_json(page(rows, limit, offset, request) | {"q": q, "mode": mode.value, "lang": lang})
        rows = search_rows(semantic, q, mode.value, limit, lang, since, until, diversify)
        return as_json(
            page(rows, limit, 0, request) | {"next": None, "q": q, "mode": mode.value, "lang": lang}
        )

    @app.get("/api/articles/{article_id}/related", dependencies=read, tags=["articles"])
    def api_related(
        article_id: str = Path(..., max_length=64),
        limit: int = Query(10, ge=1, le=50),
        same_language: bool = False,
    ) -> Response:
        art = store.article(article_id) if len(article_id) >= 4 else None
        if art is None:
            raise HTTPException(404, f"no article {article_id}")
        return as_json({"items": semantic.related(art["id"], limit, other_languages=not same_language)})

    @app.get("/api/stats", dependencies=read, tags=["articles"])
    def api_stats() -> Response:
        return as_json(store.counts() | {"alerts": watch.count_alerts(store)})

    @app.get("/api/export", dependencies=read, tags=["export"])
    def api_export(
        lang: str | None = LANG,
        format: ExportFormat = Query(
            ExportFormat.json, description="json, graphml (Gephi) or ftm (FollowTheMoney)"
        ),
    ) -> StreamingResponse:
        """The whole database, as ``veille export --format json|graphml|ftm`` writes it.

        JSON and FtM lines are streamed as they are read: the server holds one batch of rows at
        a time. The GraphML graph is built in memory first.
        """
        return StreamingResponse(export_pieces(store, format, lang or None), media_type=format.media_type)

    @app.get("/api/alerts", dependencies=read, tags=["watch"])
    def api_alerts(
        request: Request,
        rule: int | None = Query(None, ge=1, le=MAX_ID),
        limit: int = Query(50, ge=1, le=500),
        offset: int = Query(0, ge=0, le=MAX_OFFSET),
    ) -> Response:
        return as_json(
            page(watch.alerts(store, limit=limit + 1, offset=offset, rule_id=rule), limit, offset, request)
        )

    @app.get("/api/watch", dependencies=read, tags=["watch"])
    def api_rules() -> Response:
        return as_json({"items": watch.rules(store)})

    @app.post("/api/watch", dependencies=write, tags=["watch"], status_code=201)
    def api_add_rule(rule: RuleIn) -> dict[str, Any]:
        try:
            return watch.add_rule(store, rule.name, rule.fact, rule.terms)
        except VeilleError as exc:
            raise HTTPException(422, str(exc)) from None

    @app.delete("/api/watch/{rule_id}", dependencies=write, tags=["watch"])
    def api_remove_rule(rule_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
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
        lang: str | None = LANG,
    ) -> HTMLResponse:
        mode, rows = dashboard.stories(store, limit=100)
        langs = [lang] if lang else []
        twin = (
            "/api/search?" + urlencode({"q": q, "mode": search_mode.value} | ({"lang": lang} if lang else {}))
            if q
            else "/api/stories"
        )
        return render(
            request,
            "index.html",
            {
                "stories": summarise_many(store, rows),
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
            twin,
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
