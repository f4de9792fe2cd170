"""What runs after each committed ingest batch, registered in one place.

The order matters and is fixed here: the embedding stage first (it feeds the story index
with each batch's vectors, so stories use them), else the story index alone; then the
alerts on watch rules. ``Ingestor`` builds them; the CLI, the feed poller and the API ask
for alerts with ``alerts=True`` rather than wiring a hook of their own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from veille.config import Settings
from veille.model import Analysis
from veille.store.database import Store

if TYPE_CHECKING:
    from veille.alerts.service import AlertService
    from veille.embed.service import EmbeddingStage

AfterWrite = Callable[[list[Analysis]], Any]


@dataclass
class AfterWriteHooks:
    hooks: list[AfterWrite] = field(default_factory=list)  # in the order they run
    embedding: EmbeddingStage | None = None  # to close (drain) at the end of an ingest
    alerts: AlertService | None = None  # its ``sent`` lists the alerts delivered


def after_write_hooks(
    settings: Settings, store: Store, *, track_stories: bool = True, alerts: bool = False
) -> AfterWriteHooks:
    """The after-write hooks of an ingest into ``store``, in the order they run."""
    from veille.embed.service import EmbeddingStage, VectorHook, catch_up, embedder_for
    from veille.stories.persist import StoryTracker

    out = AfterWriteHooks()
    conf = settings.embeddings
    if not conf.enabled:
        if track_stories:
            out.hooks.append(StoryTracker(store, settings.stories).add)
    else:
        embedder = embedder_for(settings)
        catch_up(store, embedder, conf)  # before the story index loads: it reads these vectors
        downstream: list[VectorHook] = []
        if track_stories:
            stories = replace(settings.stories, vector_baseline=embedder.baseline)
            tracker = StoryTracker(store, stories, (embedder.name, embedder.version))
            downstream.append(tracker.add)
        out.embedding = EmbeddingStage(store, embedder, conf, downstream)
        out.hooks.append(out.embedding)
    if alerts:
        from veille.alerts.service import AlertService

        out.alerts = AlertService(store, settings)  # watch rules fire on the batch's new facts
        out.hooks.append(out.alerts)
    return out
