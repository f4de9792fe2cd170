"""Stories as the export writes them (``veille export``, ``/api/export``): one record each,
built by ``veille.stories.view``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from veille.store.database import Store
from veille.stories.view import EXPORT_FIELDS, list_stories, story_record


def export_stories(store: Store) -> list[dict[str, Any]]:
    """Every story as exported: id, title, article_ids, first/last seen, languages, entities, timeline."""
    return list(iter_export_stories(store))


def iter_export_stories(store: Store) -> Iterator[dict[str, Any]]:
    """``export_stories`` one story at a time (the streamed export holds one timeline at a time)."""
    for story in list_stories(store):
        record = story_record(store, story.id, with_corroboration=False)
        if record is not None:
            yield record.as_export()
        else:  # merged away since the listing was read
            yield {k: story.as_row().get(k) for k in EXPORT_FIELDS}
