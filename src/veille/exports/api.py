"""The formats ``GET /api/export`` serves, each as text pieces streamed to the client."""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum

from veille.export import iter_export_json
from veille.store.database import Store


class ExportFormat(StrEnum):
    json = "json"
    graphml = "graphml"
    ftm = "ftm"

    @property
    def media_type(self) -> str:
        return {
            "json": "application/json",
            "graphml": "application/graphml+xml",
            "ftm": "application/x-ndjson",
        }[self.value]


def export_pieces(store: Store, fmt: ExportFormat, language: str | None = None) -> Iterator[str]:
    if fmt is ExportFormat.graphml:
        from veille.exports.graphml import iter_graphml

        return iter_graphml(store, language)
    if fmt is ExportFormat.ftm:
        from veille.exports.ftm import iter_ftm_lines

        return iter_ftm_lines(store, language)
    return iter_export_json(store, language=language)
