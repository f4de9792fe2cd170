"""Search and related articles for the API and the dashboard (veille.embed.search underneath)."""

from __future__ import annotations

import logging
from datetime import date
from enum import StrEnum

from fastapi import HTTPException

from veille.embed.search import Filters, KeywordHit, RelatedArticle, SemanticHit, SemanticSearch, keyword_hits
from veille.errors import VeilleError

log = logging.getLogger(__name__)

__all__ = ["SearchMode", "SemanticSearch", "related_or_none", "search_rows"]


class SearchMode(StrEnum):
    fts = "fts"
    semantic = "semantic"
    hybrid = "hybrid"


def search_rows(
    search: SemanticSearch,
    q: str,
    mode: str,
    limit: int,
    languages: list[str],
    since: date | str | None,
    until: date | str | None,
    diversify: bool,
) -> list[KeywordHit] | list[SemanticHit]:
    """Results of any mode; plain FTS without filters stays the store's own query."""
    filters = Filters(tuple(languages), str(since) if since else None, str(until) if until else None)
    if mode == "fts" and filters == Filters():
        return keyword_hits(search.store.search(q, limit=limit))
    try:
        return search.search(q, mode, limit, filters, diversify)
    except VeilleError as exc:  # embeddings off, or the model cannot load
        raise HTTPException(422, str(exc)) from None


def related_or_none(search: SemanticSearch, article_id: str) -> list[RelatedArticle] | None:
    """Related articles for an article page; None when embeddings are off or unavailable."""
    if not search.conf.enabled:
        return None
    try:
        return search.related(article_id, limit=8)
    except VeilleError as exc:
        log.warning("related articles unavailable: %s", exc)
        return None
