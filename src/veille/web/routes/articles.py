"""Articles: the list and one article with its facts."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, Response

from veille.store.database import Store
from veille.web.access import READ
from veille.web.params import LANG, Page, as_json, paging
from veille.web.state import AppStore

router = APIRouter(tags=["articles"], dependencies=READ)


def article_or_404(store: Store, article_id: str, hint: str = "") -> dict[str, Any]:
    """The article of this id or unique prefix (4+ characters); 404 (with ``hint`` added) otherwise."""
    art = store.article(article_id) if len(article_id) >= 4 else None
    if art is None:
        raise HTTPException(404, f"no article {article_id}{hint}")
    return art


@router.get("/api/articles")
def api_articles(
    store: AppStore,
    page: Page = Depends(paging(50, 500)),
    lang: str | None = LANG,
    language: str | None = Query(None, max_length=8, include_in_schema=False),  # older name
) -> Response:
    rows = store.articles(limit=page.fetch, offset=page.offset, language=lang or language)
    return as_json(page.answer(rows))


@router.get("/api/articles/{article_id}")
def api_article(store: AppStore, article_id: str) -> Response:
    return as_json(article_or_404(store, article_id, " (give its id or a unique prefix of 4+ characters)"))
