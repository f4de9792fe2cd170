"""``veille ingest --engine ray``: the analysis step on Ray Data, the rest as in ``Ingestor``.

Reading sources, de-duplication and store writes stay on the driver; only the CPU-heavy
part (spaCy + extractors) goes to Ray. Work goes out in windows of ``[ray] window``
articles; each window is a Ray Dataset mapped in batches of ``[pipeline] batch_size`` by a
pool of actors, each holding one spaCy pipeline (models load once per worker, not per batch).

Why the driver writes, not the workers: one writer keeps SQLite usable (it allows one
writer at a time), needs no database credentials on cluster nodes, and keeps the crash
guarantees of the local engine — each streamed batch is one store transaction. The writes
are a small share of the time (see docs/benchmarks.md), so one writer does not limit it.

With ``[embeddings]`` on, each actor also embeds its batch (one thread per actor) and the
vectors travel back with the analyses; the driver's embedding stage only writes them.

Pointing at a cluster: ``--ray-address ray://head:10001`` (or ``[ray] address``, or
``$RAY_ADDRESS``). Every node needs veille and the configured spaCy models installed.
"""

from __future__ import annotations

import logging
import os
import pickle
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from veille.config import Settings
from veille.errors import ConfigError
from veille.ingest.runner import Ingestor, IngestReport, Progress, failure_reason
from veille.ingest.sources import IngestFailure
from veille.model import Analysis, Article
from veille.store.database import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RayOptions:
    """The ``[ray]`` settings, overridable from the command line."""

    # Articles per Ray Dataset. Each window starts its own actor pool (one model load per
    # worker), so larger windows amortise that; smaller ones bound the driver's memory.
    window: int
    object_store_mb: int  # local Ray only
    address: str | None = None  # None: start a local Ray on this machine
    workers: int | None = None  # actors (one spaCy pipeline each); None: one per CPU

    @classmethod
    def from_settings(
        cls, settings: Settings, address: str | None = None, workers: int | None = None
    ) -> RayOptions:
        conf = settings.ray
        return cls(
            address=address or conf.address or os.environ.get("RAY_ADDRESS") or None,
            workers=workers or conf.workers or None,
            window=conf.window,
            object_store_mb=conf.object_store_mb,
        )


class _Analyser:
    """A Ray actor: one pipeline (and embedding model, when on) per worker; pickled articles in,
    pickled results and passage vectors out."""

    def __init__(self, settings: Settings) -> None:
        from veille.pipeline import Pipeline

        self.pipeline = Pipeline(settings)
        self.embedding = settings.embeddings
        self.embedder: Any = None
        if self.embedding.enabled:
            from veille.embed.models import load_embedder

            self.embedder = load_embedder(self.embedding.model, threads=1)  # one CPU per actor

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        import numpy as np

        articles: list[Article] = [pickle.loads(blob) for blob in batch["article"]]
        out = []
        for art, result in self.pipeline.analyse_safely(articles):
            if isinstance(result, Exception):
                failure = IngestFailure(art.origin or art.id, failure_reason(result))
                out.append(pickle.dumps(failure))
            else:
                out.append(pickle.dumps(result))
        return {"result": np.array(out, dtype=object), "vectors": np.array(self._vectors(out), dtype=object)}

    def _vectors(self, results: list[bytes]) -> list[bytes]:
        """Per result, its pickled passage vectors (empty for failures or with embeddings off)."""
        if self.embedder is None:
            return [b""] * len(results)
        from veille.embed.service import embed_analyses_rows

        analyses = [pickle.loads(blob) for blob in results]
        done = [a for a in analyses if isinstance(a, Analysis)]
        rows = embed_analyses_rows(self.embedder, self.embedding, done)
        by_id: dict[str, list[Any]] = {}
        for row in rows:
            by_id.setdefault(row.article_id, []).append(row)
        return [
            pickle.dumps(by_id.get(a.article.id, [])) if isinstance(a, Analysis) else b"" for a in analyses
        ]


def start_ray(options: RayOptions) -> None:
    """Connect to ``options.address``, or start a local Ray sized for this machine."""
    try:
        import ray
    except ImportError:
        raise ConfigError("--engine ray needs Ray: pip install 'veille[ray]' (ray[data]==2.60.0)") from None
    if ray.is_initialized():
        return
    common: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False}
    if options.address:
        ray.init(address=options.address, **common)
    else:
        ray.init(
            num_cpus=options.workers or os.cpu_count() or 1,
            object_store_memory=options.object_store_mb * 1024 * 1024,
            **common,
        )
    from ray.data import DataContext

    context = DataContext.get_current()
    context.enable_progress_bars = False


class RayIngestor(Ingestor):
    """``Ingestor`` whose analysis runs on Ray workers; reading, dedup, writes and hooks are the same."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        options: RayOptions | None = None,
        *,
        track_stories: bool = True,
        alerts: bool = False,
    ) -> None:
        super().__init__(settings, store, track_stories=track_stories, alerts=alerts)
        self.options = options or RayOptions.from_settings(settings)

    @property
    def batch_size(self) -> int:
        # A window of articles per Ray Dataset: one actor-pool start (one model load per worker) each.
        return self.options.window

    def ingest_items(
        self, items: Iterable[Article | IngestFailure], progress: Progress | None = None
    ) -> IngestReport:
        start_ray(self.options)
        return super().ingest_items(items, progress)

    def analyse(self, articles: list[Article]) -> Iterator[list[Analysis | IngestFailure]]:
        """Analysed articles in batches, streamed back as the workers finish them."""
        if not articles:
            return
        import ray

        batch_size = self.settings.pipeline.batch_size
        workers = self.options.workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        # Enough blocks that every worker gets work, few enough that batches stay whole.
        blocks = max(1, min(len(articles) // batch_size, workers * 4))
        dataset = ray.data.from_items(
            [{"article": pickle.dumps(a)} for a in articles], override_num_blocks=blocks
        ).map_batches(
            _Analyser,
            fn_constructor_args=(self.settings,),
            batch_size=batch_size,
            batch_format="numpy",
            compute=ray.data.ActorPoolStrategy(size=min(workers, blocks)),
            num_cpus=1,
        )
        for batch in dataset.iter_batches(batch_size=batch_size, batch_format="numpy"):
            if self.embedding is not None:  # vectors computed on the workers: the stage only writes them
                for blob in batch["vectors"]:
                    rows = pickle.loads(blob) if blob else []
                    if rows:
                        self.embedding.precomputed[rows[0].article_id] = rows
            yield [pickle.loads(blob) for blob in batch["result"]]
