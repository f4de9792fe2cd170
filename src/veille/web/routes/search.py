"""Search (full text, semantic or both) and the articles related to one."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Response

from veille.embed.search import keyword_hits
from veille.web.access import READ
from veille.web.params import LANG_CODE, MAX_QUERY_CHARS, Page, as_json, paging
from veille.web.routes.articles import article_or_404
from veille.web.search_view import SearchMode, search_rows
from veille.web.state import Web

router = APIRouter(tags=["articles"], dependencies=READ)


@router.get("/api/search")
def api_search(
    web: Web,
    q: str = Query(..., min_length=1, max_length=MAX_QUERY_CHARS),
    page: Page = Depends(paging(20, 200, offset_help="full-text mode only")),
    mode: SearchMode = Query(SearchMode.fts, description="fts (keywords), semantic or hybrid"),
    lang: list[str] = Query([], max_length=8, description="only these languages (ISO 639 codes, repeatable)"),
    since: date | None = Query(None, description="published on or after (ISO date)"),
    until: date | None = Query(None, description="published on or before (ISO date)"),
    diversify: bool = Query(True, description="interleave results across languages"),
) -> Response:
    for code in lang:
        if not LANG_CODE.fullmatch(code):
            raise HTTPException(422, f"lang must be an ISO 639 code, not {code[:20]!r}")
    if mode is SearchMode.fts and len(lang) <= 1 and since is None and until is None:
        # Plain full text: the store's own query, paged in SQL.
        hits = web.store.search(q, limit=page.fetch, offset=page.offset, language=lang[0] if lang else None)
        return as_json(page.answer(keyword_hits(hits), q=q, mode=mode.value, lang=lang))
    rows = search_rows(web.semantic, q, mode.value, page.limit, lang, since, until, diversify)
    return as_json(page.only(rows, q=q, mode=mode.value, lang=lang))


@router.get("/api/articles/{article_id}/related")
def api_related(
    web: Web,
    article_id: str = Path(..., max_length=64),
    limit: int = Query(10, ge=1, le=50),
    same_language: bool = False,
) -> Response:
    art = article_or_404(web.store, article_id)
    return as_json({"items": web.semantic.related(art["id"], limit, other_languages=not same_language)})
