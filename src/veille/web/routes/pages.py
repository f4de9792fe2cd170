"""The dashboard's HTML pages; each links its JSON twin under /api."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from veille.store import dashboard, watch
from veille.web.access import READ
from veille.web.params import LANG, MAX_QUERY_CHARS
from veille.web.routes.articles import article_or_404
from veille.web.routes.stories import story_or_404
from veille.web.search_view import SearchMode, related_or_none, search_rows
from veille.web.state import Web
from veille.web.story_view import build_story, summarise_many

router = APIRouter(dependencies=READ, include_in_schema=False, default_response_class=HTMLResponse)


def render(web: Web, request: Request, name: str, context: Mapping[str, object], twin: str) -> HTMLResponse:
    """The page ``name``, which links its JSON twin at ``twin``."""
    return web.templates.TemplateResponse(request, name, {**context, "json_url": twin})


@router.get("/stories")
def index(
    web: Web,
    request: Request,
    q: str | None = Query(None, max_length=MAX_QUERY_CHARS),
    search_mode: SearchMode = Query(SearchMode.fts, alias="mode"),
    lang: str | None = LANG,
) -> HTMLResponse:
    store = web.store
    mode, rows = dashboard.stories(store, limit=100)
    langs = [lang] if lang else []
    twin = (
        "/api/search?" + urlencode({"q": q, "mode": search_mode.value} | ({"lang": lang} if lang else {}))
        if q
        else "/api/stories"
    )
    return render(
        web,
        request,
        "index.html",
        {
            "stories": summarise_many(store, rows),
            "mode": mode,
            "stats": store.counts(),
            "q": q or "",
            "search_mode": search_mode.value,
            "lang": lang or "",
            "results": search_rows(web.semantic, q, search_mode.value, 20, langs, None, None, True)
            if q
            else None,
            "alerts": watch.alerts(store, limit=10),
        },
        twin,
    )


@router.get("/alerts")
def alerts_page(web: Web, request: Request) -> HTMLResponse:
    context = {"rules": watch.rules(web.store), "alerts": watch.alerts(web.store, limit=100)}
    return render(web, request, "alerts.html", context, "/api/alerts")


@router.get("/stories/{story_id}")
def story_page(web: Web, request: Request, story_id: str) -> HTMLResponse:
    story = story_or_404(web.store, story_id)
    return render(web, request, "story.html", {"story": story}, f"/api/stories/{story_id}")


@router.get("/articles/{article_id}")
def article_page(web: Web, request: Request, article_id: str) -> HTMLResponse:
    store = web.store
    art = article_or_404(store, article_id)
    story = build_story(
        store, {"id": f"article-{art['id']}", "title": art["title"], "article_ids": [art["id"]]}
    )
    context = {"story": story, "single": True, "related": related_or_none(web.semantic, art["id"])}
    return render(web, request, "story.html", context, f"/api/articles/{art['id']}")
