"""What an entity page shows: the entity's profile (``veille.store.profiles``) and pages of the
claims it made, the claims about it and the events it is actor or target of, each fact with
the sentence it comes from and the entities it names (ids, to link their pages).

Plain data, so the HTML page and its JSON twins (``/api/entities/{id}...``) are the same thing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any, Literal
from urllib.parse import quote

from veille.store.database import Store
from veille.store.profiles import Profile, claims_of, entity_profile, events_of
from veille.web.story_view import ClaimView, EventView, fact_views

FactRole = Literal[
    "by", "about", "actor", "target"
]  # claims by/about the entity, events it is actor/target of
PAGE_ITEMS = 20  # facts of each list on the page; the rest are paged through the JSON twins


def entity_path(entity_id: str) -> str:
    """The id as a URL path segment: its colon kept ("country:RU"), anything odd escaped."""
    return quote(entity_id, safe=":")


def profile_record(profile: Profile) -> dict[str, Any]:
    """The profile as JSON, with the URLs of the entity's paged fact lists."""
    base = f"/api/entities/{entity_path(profile.entity.id)}"
    links = {
        "self": base,
        "page": f"/entities/{entity_path(profile.entity.id)}",
        "claims_by": f"{base}/claims?role=by",
        "claims_about": f"{base}/claims?role=about",
        "events_as_actor": f"{base}/events?role=actor",
        "events_as_target": f"{base}/events?role=target",
    }
    return dataclasses.asdict(profile) | {"links": links}


def facts_of(store: Store, entity_id: str, role: FactRole, limit: int, offset: int) -> list[dict[str, Any]]:
    """The claims the entity made ("by") or that are about it ("about"), or the events it is
    "actor" or "target" of: each with its sentence and its article's title."""
    if role == "actor" or role == "target":
        events = events_of(store, entity_id, role, limit=limit, offset=offset)
        views = fact_views(store, events=events)
        return _with_titles(views.events, views.titles)
    claims = claims_of(store, entity_id, role, limit=limit, offset=offset)
    views = fact_views(store, claims=claims)
    return _with_titles(views.claims, views.titles)


def _with_titles(facts: Sequence[ClaimView | EventView], titles: dict[str, str]) -> list[dict[str, Any]]:
    """An entity's facts come from many articles: each names its own."""
    return [{**f, "article_title": titles[f["article_id"]]} for f in facts]


@dataclasses.dataclass
class FactList:
    """One of the page's lists: a page of ``PAGE_ITEMS`` facts from ``offset`` of ``total``."""

    items: list[dict[str, Any]]
    offset: int
    total: int

    @property
    def previous(self) -> int | None:
        return max(0, self.offset - PAGE_ITEMS) if self.offset else None

    @property
    def next(self) -> int | None:
        return self.offset + PAGE_ITEMS if self.offset + PAGE_ITEMS < self.total else None


ROLES: tuple[FactRole, ...] = ("by", "about", "actor", "target")  # the page's lists; each its query parameter


def entity_page(
    store: Store, entity_id: str, offsets: Mapping[str, int] | None = None
) -> dict[str, Any] | None:
    """Everything the entity page shows (None for an unknown id): the profile and a page of
    ``PAGE_ITEMS`` facts of each list, from ``offsets[role]`` (0 by default)."""
    profile = entity_profile(store, entity_id)
    if profile is None:
        return None
    at = {role: (offsets or {}).get(role, 0) for role in ROLES}
    totals = dict(zip(ROLES, (profile.claims_by, profile.claims_about, profile.events_as_actor,
                              profile.events_as_target), strict=True))  # fmt: skip
    lists: dict[str, Any] = {
        role: FactList(facts_of(store, entity_id, role, PAGE_ITEMS, at[role]), at[role], totals[role])
        for role in ROLES
    }
    return {"profile": profile_record(profile), **lists}
