"""FastAPI application: JSON API under /api and HTML pages (every page has a JSON twin)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from veille import __version__
from veille.config import Settings
from veille.store.database import Store
from veille.web import TEMPLATES_DIR


def create_app(settings: Settings, store: Store | None = None) -> FastAPI:
    store = store or Store(settings.store_url)
    app = FastAPI(title="veille", version=__version__, description="Sourced facts from the news.")
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))  # autoescape is on for .html

    @app.get("/api/articles")
    def api_articles(
        limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0), language: str | None = None
    ) -> list[dict[str, Any]]:
        return store.articles(limit=limit, offset=offset, language=language)

    @app.get("/api/articles/{article_id}")
    def api_article(article_id: str) -> dict[str, Any]:
        art = store.article(article_id)
        if art is None:
            raise HTTPException(404, f"no article {article_id}")
        return art

    @app.get("/api/entities")
    def api_entities(
        kind: str | None = None, limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0)
    ) -> list[dict[str, Any]]:
        return store.entities(kind=kind, limit=limit, offset=offset)

    @app.get("/api/search")
    def api_search(q: str, limit: int = Query(20, ge=1, le=200)) -> list[dict[str, Any]]:
        return store.search(q, limit=limit)

    @app.get("/api/stats")
    def api_stats() -> dict[str, int]:
        return store.counts()

    @app.get("/", response_class=HTMLResponse)
    def index(request: Request, q: str | None = None) -> HTMLResponse:
        results = store.search(q) if q else None
        return templates.TemplateResponse(
            request,
            "index.html",
            {
                "articles": store.articles(limit=100),
                "entities": store.entities(limit=30),
                "stats": store.counts(),
                "q": q or "",
                "results": results,
            },
        )

    @app.get("/articles/{article_id}", response_class=HTMLResponse)
    def article_page(request: Request, article_id: str) -> HTMLResponse:
        art = store.article(article_id)
        if art is None:
            raise HTTPException(404, f"no article {article_id}")
        return templates.TemplateResponse(request, "article.html", {"article": art})

    return app
