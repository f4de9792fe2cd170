"""Stories: articles grouped by what they report, and one story with its facts and timeline."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Response

from veille.store import dashboard
from veille.store.database import Store
from veille.web.access import READ
from veille.web.params import Page, as_json, paging
from veille.web.state import AppStore
from veille.web.story_view import StoryPage, build_story, summarise_many

router = APIRouter(tags=["stories"], dependencies=READ)


def story_or_404(store: Store, story_id: str) -> StoryPage:
    """The story built for its page and its JSON twin; 404 when there is none of this id."""
    row = dashboard.story(store, story_id)
    if row is None:
        raise HTTPException(404, f"no story {story_id}")
    return build_story(store, row)


@router.get("/api/stories")
def api_stories(store: AppStore, page: Page = Depends(paging(50, 200))) -> Response:
    mode, rows = dashboard.stories(store, limit=page.fetch, offset=page.offset)
    return as_json(page.answer(summarise_many(store, rows[: page.fetch]), mode=mode))


@router.get("/api/stories/{story_id}")
def api_story(store: AppStore, story_id: str) -> Response:
    return as_json(story_or_404(store, story_id))
