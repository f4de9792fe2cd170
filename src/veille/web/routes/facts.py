"""Facts across articles: entities, claims, events, places and routes."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Response

from veille.store import dashboard
from veille.web.access import READ
from veille.web.params import Page, as_json, paging
from veille.web.state import AppStore

router = APIRouter(tags=["facts"], dependencies=READ)


@router.get("/api/entities")
def api_entities(
    store: AppStore, kind: str | None = Query(None, max_length=32), page: Page = Depends(paging(100, 1000))
) -> Response:
    return as_json(page.answer(store.entities(kind=kind, limit=page.fetch, offset=page.offset)))


@router.get("/api/claims")
def api_claims(
    store: AppStore,
    source: str | None = Query(None, max_length=200),
    about: str | None = Query(None, max_length=200),
    page: Page = Depends(paging(100, 500)),
) -> Response:
    rows = store.claims(source=source, about=about, limit=page.fetch, offset=page.offset)
    return as_json(page.answer(rows))


@router.get("/api/events")
def api_events(
    store: AppStore, kind: str | None = Query(None, max_length=48), page: Page = Depends(paging(100, 500))
) -> Response:
    return as_json(page.answer(store.events(kind=kind, limit=page.fetch, offset=page.offset)))


@router.get("/api/places")
def api_places(store: AppStore, page: Page = Depends(paging(200, 1000))) -> Response:
    return as_json(page.answer(store.places(limit=page.fetch, offset=page.offset)))


@router.get("/api/routes")
def api_routes(store: AppStore, page: Page = Depends(paging(200, 1000))) -> Response:
    return as_json(page.answer(dashboard.routes(store, limit=page.fetch, offset=page.offset)))
