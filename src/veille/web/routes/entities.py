"""Entity pages and their JSON twins: one entity's profile, the claims by and about it, the events
it is actor or target of.

Ids hold a colon ("country:RU") and, from a hand-made knowledge base, may hold a slash: the
``path`` converter takes them whole (the lists' routes are declared before the profile's, so
``.../claims`` is never read as part of an id).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.responses import HTMLResponse

from veille.model import ENTITY_KINDS
from veille.store import dashboard
from veille.store.database import Store
from veille.store.profiles import Profile, entity_profile
from veille.web.access import READ
from veille.web.entity_view import FactRole, entity_page, facts_of, profile_record
from veille.web.params import MAX_OFFSET, Page, as_json, paging
from veille.web.routes.pages import render
from veille.web.state import AppStore, Web

router = APIRouter(tags=["entities"], dependencies=READ)
LIST = paging(50, 500)
ROLES: dict[str, tuple[FactRole, ...]] = {"claims": ("by", "about"), "events": ("actor", "target")}
ROLES_HELP = (
    "claims: by (claims the entity made, the default) or about; events: actor (the default) or target"
)


def _unknown(entity_id: str) -> HTTPException:
    return HTTPException(404, f"no entity {entity_id} (GET /api/entities lists them)")


def profile_or_404(store: Store, entity_id: str) -> Profile:
    profile = entity_profile(store, entity_id)
    if profile is None:
        raise _unknown(entity_id)
    return profile


@router.get("/api/entities/{entity_id:path}/claims", name="entity_claims")
@router.get("/api/entities/{entity_id:path}/events", name="entity_events")
def api_entity_facts(
    store: AppStore,
    request: Request,
    entity_id: str,
    role: FactRole | None = Query(None, description=ROLES_HELP),
    page: Page = Depends(LIST),
) -> Response:
    """A page of the claims or the events the entity has a ``role`` in, each with its sentence."""
    facts = "claims" if request.url.path.endswith("/claims") else "events"
    role = role or ROLES[facts][0]
    if role not in ROLES[facts]:
        raise HTTPException(422, f"role of {facts} is one of {', '.join(ROLES[facts])}, not {role}")
    if not dashboard.entities_by_id(store, [entity_id]):
        raise _unknown(entity_id)
    return as_json(page.answer(facts_of(store, entity_id, role, page.fetch, page.offset), role=role))


@router.get("/api/entities/{entity_id:path}")
def api_entity(store: AppStore, entity_id: str) -> Response:
    """The entity's names, mention timeline, places, companions, stories and fact counts."""
    return as_json(profile_record(profile_or_404(store, entity_id)))


@router.get("/entities", include_in_schema=False, response_class=HTMLResponse)
def entities_html(
    web: Web,
    request: Request,
    kind: str | None = Query(None, max_length=32),
    page: Page = Depends(paging(100, 1000)),
) -> HTMLResponse:
    """Entities by number of mentions, each linked to its page (the page of ``GET /api/entities``)."""
    listed = page.answer(web.store.entities(kind=kind, limit=page.fetch, offset=page.offset))
    twin = "/api/entities" + (f"?{request.url.query}" if request.url.query else "")
    return render(
        web, request, "entities.html", {"listed": listed, "kind": kind, "kinds": ENTITY_KINDS}, twin
    )


@router.get("/entities/{entity_id:path}", include_in_schema=False, response_class=HTMLResponse)
def entity_html(
    web: Web,
    request: Request,
    entity_id: str,
    by: int = Query(0, ge=0, le=MAX_OFFSET),
    about: int = Query(0, ge=0, le=MAX_OFFSET),
    actor: int = Query(0, ge=0, le=MAX_OFFSET),
    target: int = Query(0, ge=0, le=MAX_OFFSET),
) -> HTMLResponse:
    """The entity's page; ``by``, ``about``, ``actor``, ``target``: where each of its lists starts."""
    view = entity_page(web.store, entity_id, {"by": by, "about": about, "actor": actor, "target": target})
    if view is None:  # a page for people: the JSON routes answer a JSON 404
        missing = {"what": f"No entity {entity_id}", "hint": "The entities list names every stored entity."}
        page = render(web, request, "missing.html", missing, "/api/entities")
        page.status_code = 404
        return page
    return render(web, request, "entity.html", {"view": view}, view["profile"]["links"]["self"])
