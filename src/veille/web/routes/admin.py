"""Ingest (articles POSTed as text, with the token), counts, and the whole store as one export."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Body, Query, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from veille.exports.api import ExportFormat, export_pieces
from veille.model import Article
from veille.store import watch
from veille.web.access import READ, WRITE
from veille.web.params import LANG, as_json
from veille.web.state import AppStore, Web

if TYPE_CHECKING:
    from veille.ingest.sources import IngestFailure, SourceReader

MAX_INGEST_ARTICLES = 100
MAX_INGEST_CHARS = 500_000

router = APIRouter()


class ArticleIn(BaseModel):
    text: str = Field(min_length=1, max_length=MAX_INGEST_CHARS)
    title: str | None = Field(None, max_length=2000)
    url: str | None = Field(None, max_length=4000)
    source: str | None = Field(None, max_length=500)
    published: str | None = Field(None, max_length=64)
    language: str | None = Field(None, max_length=8)


class IngestIn(BaseModel):
    articles: list[ArticleIn] = Field(min_length=1, max_length=MAX_INGEST_ARTICLES)


def article_from_api(given: ArticleIn, reader: SourceReader) -> Article | IngestFailure:
    """An ``Article`` (or ``IngestFailure``) from a POSTed article, cleaned like any other input."""
    result = reader.from_plain_text(
        given.text,
        origin="api",
        title=given.title,
        source=given.source,
        url=given.url,
        published=given.published,
    )
    if isinstance(result, Article) and given.language:
        result.language = given.language
    return result


@router.get("/api/stats", dependencies=READ, tags=["articles"])
def api_stats(store: AppStore) -> Response:
    return as_json(store.counts() | {"alerts": watch.count_alerts(store)})


@router.get("/api/export", dependencies=READ, tags=["export"])
def api_export(
    store: AppStore,
    lang: str | None = LANG,
    format: ExportFormat = Query(
        ExportFormat.json, description="json, graphml (Gephi) or ftm (FollowTheMoney)"
    ),
) -> StreamingResponse:
    """The whole database, as ``veille export --format json|graphml|ftm`` writes it.

    JSON and FtM lines are streamed as they are read: the server holds one batch of rows at
    a time. The GraphML graph is built in memory first.
    """
    return StreamingResponse(export_pieces(store, format, lang or None), media_type=format.media_type)


@router.post("/api/ingest", dependencies=WRITE, tags=["ingest"])
def api_ingest(web: Web, body: IngestIn = Body(...)) -> dict[str, Any]:
    """Analyse and store articles given as text; watch rules fire on their new facts."""
    from veille.alerts.service import AlertService
    from veille.ingest.runner import Ingestor
    from veille.ingest.sources import IngestOptions, SourceReader

    settings, store = web.settings, web.store
    # The same cleaning, headline and language detection as `veille ingest` of a JSONL record.
    reader = SourceReader(settings, IngestOptions.from_settings(settings), allow_private=False)

    with web.ingest_lock:
        if web.ingestor is None or web.alerting is None:  # models load on the first ingest, not at start-up
            web.ingestor = Ingestor(settings, store)
            web.alerting = AlertService(store, settings)
            web.ingestor.after_write.append(web.alerting)
        ingestor, alerting = web.ingestor, web.alerting
        items = [article_from_api(a, reader) for a in body.articles]
        before = len(alerting.sent)
        report = ingestor.ingest_items(items)
        return report.to_dict() | {"alerts": [p.alert_id for p in alerting.sent[before:]]}
