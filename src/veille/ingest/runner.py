"""Run an ingest: read sources, drop duplicates, analyse, store — in batches.

A bad file, line or URL is reported and skipped; an article whose extraction
fails is reported and skipped; the rest of the batch goes on. Each batch is one
transaction, so a crash leaves the store with whole articles only, and a re-run
stores exactly what is missing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from veille.config import Settings
from veille.ingest.sources import IngestFailure, read_sources
from veille.model import Analysis, Article
from veille.pipeline import Pipeline
from veille.store.database import Store

log = logging.getLogger(__name__)


@dataclass
class IngestReport:
    ingested: int = 0
    duplicates: int = 0
    failed: list[IngestFailure] = field(default_factory=list)
    seconds: float = 0.0  # the whole run, model loading included
    loading_seconds: float = 0.0  # loading models (spaCy pipelines, lexicons, the embedder)
    words: int = 0
    article_ids: list[str] = field(default_factory=list)

    @property
    def analysis_seconds(self) -> float:
        return max(0.0, self.seconds - self.loading_seconds)

    @property
    def articles_per_second(self) -> float | None:
        """The analysis rate: loading models once per process is not spread over the articles."""
        return self.ingested / self.analysis_seconds if self.analysis_seconds and self.ingested else None

    def to_dict(self) -> dict[str, Any]:
        rate = self.articles_per_second
        return {
            "ingested": self.ingested,
            "duplicates": self.duplicates,
            "failed": [{"origin": f.origin, "reason": f.reason} for f in self.failed],
            "seconds": round(self.seconds, 3),
            "loading_seconds": round(self.loading_seconds, 3),
            "analysis_seconds": round(self.analysis_seconds, 3),
            "articles_per_second": round(rate, 2) if rate is not None else None,
            "article_ids": self.article_ids,
        }


def failure_reason(exc: BaseException) -> str:
    """One line for the report: what went wrong with this article, not a traceback."""
    first = next((line.strip() for line in str(exc).splitlines() if line.strip()), "")
    return f"extraction failed: {exc.__class__.__name__}" + (f": {first[:300]}" if first else "")


Progress = Callable[[int], None]  # called with the number of items just handled


class Ingestor:
    """Holds the pipeline (models load once) and writes through the store.

    Subclasses change only how a batch is analysed (``analyse``), e.g. on Ray
    workers; deduplication, writes, counts and hooks stay here.
    """

    def __init__(
        self,
        settings: Settings,
        store: Store,
        pipeline: Pipeline | None = None,
        *,
        track_stories: bool = True,
    ) -> None:
        self.settings = settings
        self.store = store
        self._pipeline = pipeline
        # Run after each committed batch with its new analyses: embeddings then story
        # grouping (veille.embed.service.ingest_hooks), alerts.
        self.after_write: list[Callable[[list[Analysis]], Any]] = []
        from veille.embed.service import ingest_hooks

        started = time.perf_counter()  # loads the embedding model when embeddings are on
        self.embedding, hooks = ingest_hooks(settings, store, track_stories=track_stories)
        self.after_write.extend(hooks)
        # Model loading not yet counted in a report; the next ingest reports it.
        self._loading = time.perf_counter() - started
        self._warm: set[str] = set()  # languages whose models and matchers are loaded

    @property
    def pipeline(self) -> Pipeline:
        if self._pipeline is None:
            self._pipeline = Pipeline(self.settings)
        return self._pipeline

    @property
    def batch_size(self) -> int:
        """Articles read before they are deduplicated and analysed together."""
        return self.settings.batch_size

    def ingest(
        self, inputs: Iterable[str], *, allow_private: bool = False, progress: Progress | None = None
    ) -> IngestReport:
        return self.ingest_items(read_sources(inputs, self.settings, allow_private=allow_private), progress)

    def ingest_items(
        self, items: Iterable[Article | IngestFailure], progress: Progress | None = None
    ) -> IngestReport:
        report = IngestReport()
        started = time.perf_counter() - self._loading  # the run includes loading done before it
        batch: list[Article] = []
        for item in items:
            if isinstance(item, IngestFailure):
                report.failed.append(item)
                if progress:
                    progress(1)
                continue
            batch.append(item)
            if len(batch) >= self.batch_size:
                self._flush(batch, report, progress)
                batch = []
        if batch:
            self._flush(batch, report, progress)
        if self.embedding is not None:
            self.embedding.close()  # deferred vectors (and the stories that use them) are in
        report.seconds = time.perf_counter() - started
        report.loading_seconds, self._loading = self._loading, 0.0
        return report

    def _load_models(self, articles: list[Article]) -> None:
        """Load the pipelines these articles' languages need, timed apart from the analysis."""
        languages = sorted({a.language or "xx" for a in articles} - self._warm)
        if not languages:
            return
        started = time.perf_counter()
        try:
            self.pipeline.warm_up(languages)
        except Exception:  # noqa: BLE001 - the analysis meets the same failure and reports it per article
            log.debug("warm-up failed for %s", languages, exc_info=True)
        self._warm.update(languages)
        self._loading += time.perf_counter() - started

    def _flush(self, batch: list[Article], report: IngestReport, progress: Progress | None) -> None:
        fresh = self._fresh(batch, report)
        if progress:
            progress(len(batch) - len(fresh))
        for results in self.analyse(fresh):
            analyses = []
            for result in results:
                if isinstance(result, IngestFailure):
                    report.failed.append(result)
                else:
                    analyses.append(result)
            self._commit(analyses, report)
            if progress:
                progress(len(results))

    def _fresh(self, batch: list[Article], report: IngestReport) -> list[Article]:
        """Drop articles already stored or repeated in the batch (counted as duplicates)."""
        known = self.store.known_hashes(a.text_hash for a in batch)
        fresh: dict[str, Article] = {}
        for art in batch:
            if art.text_hash in known or art.text_hash in fresh:
                report.duplicates += 1
            else:
                fresh[art.text_hash] = art
        return list(fresh.values())

    def analyse(self, articles: list[Article]) -> Iterator[list[Analysis | IngestFailure]]:
        """Analyses (or per-article failures), in chunks that are committed one by one."""
        self._load_models(articles)
        results: list[Analysis | IngestFailure] = []
        for art, result in self.pipeline.analyse_safely(articles):
            if isinstance(result, Exception):
                reason = failure_reason(result)
                log.info("%s: %s", art.origin or art.id, reason)  # the report says it too
                log.debug("extraction failed for %s", art.origin or art.id, exc_info=result)
                results.append(IngestFailure(art.origin or art.id, reason))
            else:
                results.append(result)
        yield results

    def _commit(self, analyses: list[Analysis], report: IngestReport) -> None:
        written = self.store.write(analyses)
        report.ingested += written
        report.duplicates += len(analyses) - written  # stored meanwhile by another process
        report.article_ids.extend(a.article.id for a in analyses)
        report.words += sum(len(a.article.text.split()) for a in analyses)
        for hook in self.after_write:
            hook(analyses)
