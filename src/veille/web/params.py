"""Query parameters and JSON answers the routers share, and the one way a list is paged.

A list endpoint takes ``page: Page = Depends(paging(default, most))``: ``limit`` (1..most) and
``offset`` (0..MAX_OFFSET) query parameters. It fetches ``page.fetch`` rows (one more than it
shows, to know whether a next page exists) and answers ``page.answer(rows)``: the items, the
limit and offset, and the URL of the next page (None on the last).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import Query, Request, Response

from veille.store.results import plain

MAX_OFFSET = 10_000_000  # past any real list; bigger numbers overflow the database's integers
MAX_ID = 2**63 - 1  # ids are 64-bit integers in SQLite and PostgreSQL
MAX_QUERY_CHARS = 300
LANG_PATTERN = r"^([A-Za-z]{2,3}(-[A-Za-z0-9]{1,4})?)?$"
LANG_CODE = re.compile(LANG_PATTERN)
LANG = Query(None, max_length=8, pattern=LANG_PATTERN, description="ISO 639 code")


@dataclass(frozen=True)
class Page:
    limit: int
    offset: int
    request: Request

    @property
    def fetch(self) -> int:
        """Rows to ask for: one more than shown, to know whether there is a next page."""
        return self.limit + 1

    def answer(self, rows: Sequence[Any], **extra: object) -> dict[str, object]:
        """The list response: up to ``limit`` items, the next page's URL (None on the last), then ``extra``."""
        next_url = None
        if len(rows) > self.limit:
            next_url = str(
                self.request.url.include_query_params(offset=self.offset + self.limit, limit=self.limit)
            )
        return {
            "items": rows[: self.limit],
            "limit": self.limit,
            "offset": self.offset,
            "next": next_url,
        } | extra

    def only(self, rows: Sequence[Any], **extra: object) -> dict[str, object]:
        """The same shape for a list that is not paged (ranked search): the first ``limit`` rows, no next page."""
        return {"items": rows[: self.limit], "limit": self.limit, "offset": 0, "next": None} | extra


def paging(
    default: int, most: int, offset_help: str | None = None
) -> Callable[[Request, int, int], Coroutine[Any, Any, Page]]:
    """A dependency reading ``limit`` (default ``default``, at most ``most``) and ``offset``."""

    async def page(
        request: Request,
        limit: int = Query(default, ge=1, le=most),
        offset: int = Query(0, ge=0, le=MAX_OFFSET, description=offset_help),
    ) -> Page:
        return Page(limit, offset, request)

    return page


def as_json(data: Any) -> Response:
    """A JSON answer serialised by the json module directly: FastAPI's generic encoder walks every
    value of a returned dict first, which cost more than the query on big pages (a story).
    Typed results (model objects, ``veille.store.results``) are written by ``plain``."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=plain)
    return Response(body.encode("utf-8"), media_type="application/json")
