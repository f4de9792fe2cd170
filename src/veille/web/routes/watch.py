"""Watch rules (reading them is open like any read; adding or removing one needs the token) and
the alerts they raised."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Response
from pydantic import BaseModel, Field

from veille.errors import VeilleError
from veille.store import watch
from veille.web.access import READ, WRITE
from veille.web.params import MAX_ID, Page, as_json, paging
from veille.web.state import AppStore

router = APIRouter(tags=["watch"])


class SpikeIn(BaseModel):
    factor: float = Field(3.0, ge=1, le=1e6)
    window: str = Field("24h", max_length=32)
    baseline: str = Field("7d", max_length=32)
    min_count: int = Field(5, ge=1, le=1_000_000)

    def spike(self) -> watch.Spike:
        from veille.ingest.poll import parse_duration  # feed parsing loads on use, not with the app

        return watch.Spike(
            self.factor, parse_duration(self.window), parse_duration(self.baseline), self.min_count
        )


class RuleIn(BaseModel):
    name: str = Field("", max_length=200)
    fact: str = "any"
    terms: dict[str, list[str]] = Field(default_factory=dict)
    spike: SpikeIn | None = None  # with fact "spike" (docs/watchlists.md)


@router.get("/api/alerts", dependencies=READ)
def api_alerts(
    store: AppStore, rule: int | None = Query(None, ge=1, le=MAX_ID), page: Page = Depends(paging(50, 500))
) -> Response:
    rows = watch.alerts(store, limit=page.fetch, offset=page.offset, rule_id=rule)
    return as_json(page.answer([a.to_json() for a in rows]))


@router.get("/api/watch", dependencies=READ)
def api_rules(store: AppStore) -> Response:
    return as_json({"items": [r.to_json() for r in watch.rules(store)]})


@router.post("/api/watch", dependencies=WRITE, status_code=201)
def api_add_rule(store: AppStore, rule: RuleIn) -> dict[str, object]:
    try:
        spike = rule.spike.spike() if rule.spike else None
        return watch.add_rule(store, rule.name, rule.fact, rule.terms, spike).to_json()
    except VeilleError as exc:
        raise HTTPException(422, str(exc)) from None


@router.delete("/api/watch/{rule_id}", dependencies=WRITE)
def api_remove_rule(store: AppStore, rule_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, int]:
    if not watch.remove_rule(store, rule_id):
        raise HTTPException(404, f"no watch rule {rule_id}")
    return {"removed": rule_id}
