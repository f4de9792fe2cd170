"""The overview, the dashboard's front page: what moved in a window of days, where, and who is behind it.

``GET /`` is the page and ``GET /api/overview`` its JSON twin, every panel in one answer;
``GET /api/overview/{panel}`` answers one panel (the same query runs: it saves bytes, not time).
The filters are query parameters, the same on the page and in the API, so a view is a URL.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from veille.overview import (
    BASELINE_PERIODS,
    DEFAULT_WINDOW,
    MAX_CONTEST_CHECKS,
    MAX_FILTERED,
    RISING_FACTOR,
    RISING_MIN,
    WINDOWS,
    Overview,
    OverviewQuery,
    build_overview,
    find_contested,
)
from veille.store import dashboard
from veille.store.activity import MAX_SOURCE_CHARS
from veille.web.access import READ
from veille.web.params import LANG, as_json
from veille.web.state import Web
from veille.web.story_view import corroboration_groups

router = APIRouter(tags=["overview"], dependencies=READ)

MAX_KEY_CHARS = 200  # entity and place ids are at most this long in the store
WINDOW_PATTERN = "^(" + "|".join(WINDOWS) + ")$"


class Panel(StrEnum):
    """The overview's panels, each with its JSON twin at /api/overview/{panel}."""

    places = "places"
    entities = "entities"
    stories = "stories"
    counts = "counts"


PANEL_FIELDS: dict[Panel, tuple[str, ...]] = {
    Panel.places: ("places",),
    Panel.entities: ("entities",),
    Panel.stories: ("rising", "new_stories", "active", "contested"),
    Panel.counts: ("articles", "languages", "sources", "new_since"),
}
HEAD_FIELDS = ("window", "first_day", "last_day", "sampled")  # in every panel's answer
WINDOW_NAMES = {"1d": "24 hours", "7d": "7 days", "30d": "30 days", "all": "all"}
KIND_NAMES = {"country": "Countries", "organisation": "Organisations", "person": "People"}
RULE = {"rising_factor": f"{RISING_FACTOR:g}", "rising_min": RISING_MIN, "baseline_periods": BASELINE_PERIODS,
        "max_filtered": MAX_FILTERED, "max_contest_checks": MAX_CONTEST_CHECKS}  # fmt: skip


def _since(value: datetime | None) -> str | None:
    """The reader's last visit as the store writes its times (UTC, seconds), so they compare as text."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="seconds")


async def overview_query(
    window: str = Query(DEFAULT_WINDOW, pattern=WINDOW_PATTERN, description=f"one of {', '.join(WINDOWS)}"),
    lang: str | None = LANG,
    entity: str | None = Query(None, max_length=MAX_KEY_CHARS, description="entity id"),
    place: str | None = Query(None, max_length=MAX_KEY_CHARS, description="place id"),
    source: str | None = Query(
        None, max_length=MAX_SOURCE_CHARS, description="outlet, as /api/overview names it"
    ),
    since: datetime | None = Query(
        None, description="the reader's last visit (ISO 8601): what changed after it"
    ),
) -> OverviewQuery:
    # An empty field is no filter: that is what a form sends for "any".
    return OverviewQuery(window, lang or None, entity or None, place or None, source or None, _since(since))


def _query_string(query: OverviewQuery, **changes: str | None) -> str:
    """The URL query of ``query`` with ``changes`` (None drops a filter); the reader's ``since`` is left out."""
    params = {"window": query.window, "lang": query.language, "entity": query.entity, "place": query.place,
              "source": query.source} | changes  # fmt: skip
    return urlencode({k: v for k, v in params.items() if v})


def overview_json(view: Overview, fields: tuple[str, ...] | None = None) -> dict[str, Any]:
    data = dataclasses.asdict(view)
    return data if fields is None else {k: data[k] for k in (*HEAD_FIELDS, *fields)}


@router.get("/api/overview")
def api_overview(web: Web, query: OverviewQuery = Depends(overview_query)) -> Response:
    """Every panel of the overview: places, stories (rising, new, most active), top entities, counts."""
    return as_json(overview_json(_overview(web, query)))


@router.get("/api/overview/{panel}")
def api_overview_panel(web: Web, panel: Panel, query: OverviewQuery = Depends(overview_query)) -> Response:
    """One panel of the overview, with the window it covers."""
    return as_json(overview_json(_overview(web, query), PANEL_FIELDS[panel]))


def _overview(web: Web, query: OverviewQuery) -> Overview:
    """The overview with its contested stories (their corroboration cached per story version)."""
    view = build_overview(web.store, query)
    view.contested = find_contested(
        web.store, view, lambda story_id: corroboration_groups(web.store, story_id)
    )
    return view


def _filter_labels(web: Web, query: OverviewQuery) -> dict[str, str]:
    """What the active entity and place filters are called (their ids when unknown)."""
    labels = {}
    if query.entity:
        entity = dashboard.entities_by_id(web.store, [query.entity]).get(query.entity)
        labels["entity"] = entity.name if entity else query.entity
    if query.place:
        place = dashboard.places_by_id(web.store, [query.place]).get(query.place)
        labels["place"] = place.name if place else query.place
    if query.source:
        labels["source"] = query.source
    return labels


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def overview_page(web: Web, request: Request, query: OverviewQuery = Depends(overview_query)) -> Response:
    if "q" in request.query_params:  # a search link from before the overview took "/"
        return RedirectResponse(f"/stories?{request.url.query}", status_code=307)
    view = _overview(web, query)
    here = _query_string(query)
    context = {
        "view": view,
        "query": query,
        "windows": list(WINDOWS),
        "window_names": {w: WINDOW_NAMES.get(w, w) for w in WINDOWS},
        "kind_names": KIND_NAMES,
        **RULE,
        "languages": sorted(set(web.store.languages()) | set(view.languages)),
        "labels": _filter_labels(web, query),
        # link(entity="country:IR") is this view filtered by Iran; link(entity=None) drops that filter.
        "link": lambda **changes: "/?" + _query_string(query, **changes),
        "page_data": {"places": [dataclasses.asdict(p) for p in view.places], "api": f"/api/overview?{here}"},
        "json_url": f"/api/overview?{here}",
    }
    return web.templates.TemplateResponse(request, "overview.html", context)
