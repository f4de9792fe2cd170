"""What every router shares (store, settings, templates, semantic search, the ingest pipeline), in
one object on ``app.state``, reached through the ``Web`` and ``AppStore`` dependencies."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates

from veille.config import Settings
from veille.store.database import Store
from veille.web.search_view import SemanticSearch

if TYPE_CHECKING:  # both load heavy modules: imported at the first ingest, not at start-up
    from veille.alerts.service import AlertService
    from veille.ingest.runner import Ingestor


@dataclass
class WebState:
    settings: Settings
    store: Store
    templates: Jinja2Templates
    semantic: SemanticSearch  # the model loads on the first semantic query
    token: str  # "" when writes are off
    public_read: bool  # reads open to every client, not only the loopback ones
    ingest_lock: threading.Lock = field(default_factory=threading.Lock)  # one pipeline, one ingest at a time
    ingestor: Ingestor | None = None  # built by the first ingest (its models load then)
    alerting: AlertService | None = None


async def web_state(request: Request) -> WebState:
    # async: a plain function dependency would be run in the thread pool, for nothing.
    state: WebState = request.app.state.web
    return state


async def app_store(request: Request) -> Store:
    return (await web_state(request)).store


Web = Annotated[WebState, Depends(web_state)]
AppStore = Annotated[Store, Depends(app_store)]
