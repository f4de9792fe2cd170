"""A story as every reader sees it: the CLI (``veille stories``, ``veille story ID``), the
API and dashboard (``veille.web.story_view``) and the export.

``story_record`` joins the summary the stories stage saved (title, dates, languages, key
entities, sources and independent sources) with what is rebuilt from the facts of its
articles: the timeline and the corroboration groups.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from veille.store import stories as saved
from veille.store.database import Store
from veille.store.reads import load_analyses
from veille.store.stories import StoredStory
from veille.stories.corroboration import CorroborationGroup, corroborate
from veille.stories.timeline import TimelineEntry, story_timeline

EXPORT_FIELDS = (
    "id", "title", "article_ids", "first_seen", "last_seen", "languages", "entities",
    "sources", "independent_sources", "timeline",
)  # fmt: skip
GROUP_FIELDS = (
    "kind",
    "actor",
    "target",
    "about",
    "independent_sources",
)  # then assertions, articles, contradictions


@dataclass
class StoryRecord:
    """One story: its saved summary, its timeline and (when asked for) its corroboration."""

    story: StoredStory
    timeline: list[TimelineEntry] = field(default_factory=list)
    corroboration: list[CorroborationGroup] | None = None

    def as_json(self) -> dict[str, Any]:
        """What ``veille story ID --json`` prints: the stored row, timeline, corroboration."""
        out = self.story.as_row() | {"timeline": [dataclasses.asdict(e) for e in self.timeline]}
        if self.corroboration is not None:
            out["corroboration"] = [_group_json(g) for g in self.corroboration]
        return out

    def as_export(self) -> dict[str, Any]:
        """The record the export writes (no corroboration)."""
        full = self.as_json()
        return {k: full[k] for k in EXPORT_FIELDS}


def _group_json(g: CorroborationGroup) -> dict[str, Any]:
    return {k: getattr(g, k) for k in GROUP_FIELDS} | {
        "assertions": [a.id for a in g.assertions],
        "article_ids": g.article_ids,
        "contradictions": [dataclasses.asdict(c) for c in g.contradictions],
    }


def list_stories(store: Store, limit: int | None = None) -> list[StoredStory]:
    """Stored stories, most recently active first, without timelines (a cheap listing)."""
    return saved.stories(store, limit=limit)


def story_record(store: Store, story_id: str, with_corroboration: bool = True) -> StoryRecord | None:
    """One story with its timeline (and corroboration groups); follows merged-away ids."""
    story = saved.story(store, saved.live_story_id(store, story_id))
    if story is None:
        return None
    analyses = load_analyses(store, story.article_ids)
    record = StoryRecord(story, story_timeline(analyses))
    if with_corroboration:
        originals = saved.originals(store, story.article_ids)
        record.corroboration = corroborate(analyses, original_of=lambda aid: originals.get(aid) or aid)
    return record
