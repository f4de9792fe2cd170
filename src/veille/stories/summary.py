"""What a story looks like from outside: a ``veille.model.Story`` built from the index."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from veille.model import Article, Story
from veille.stories.cluster import HistoryEntry, StoryIndex, cosine
from veille.stories.features import ENTITY, ArticleFeatures

KEY_ENTITIES = 10


def story_summary(index: StoryIndex, story_id: str, articles: Mapping[str, Article] | None = None) -> Story:
    """Title, dates, languages, sources and key entities of one live story.

    ``articles`` (id -> Article), when given, supplies exact publication times and
    ingestion times for articles without one; otherwise days from the index are used.
    """
    state = index.stories[index.resolve(story_id)]
    copies = index.neardup.original
    members = [index.features[a] for a in state.article_ids]
    originals = [f for f in members if f.article_id not in copies] or members
    times = []
    for f in members:
        art = articles.get(f.article_id) if articles else None
        when = (art.published or art.ingested_at) if art else None
        if when:
            times.append(when)
        elif f.day is not None:
            times.append(date.fromordinal(f.day).isoformat())
    entities = sorted(
        (k for k in state.centroid if k.startswith(ENTITY) and not k.startswith(ENTITY + "~")),
        key=lambda k: (-state.centroid[k], k),
    )
    return Story(
        id=state.id,
        title=_title(index, state.centroid, originals),
        article_ids=list(state.article_ids),
        first_seen=min(times) if times else None,
        last_seen=max(times) if times else None,
        languages=sorted(state.languages, key=lambda lang: (-state.languages[lang], lang)),
        entities=[k.removeprefix(ENTITY) for k in entities[:KEY_ENTITIES]],
        sources=sorted({f.source for f in members if f.source}),
        independent_sources=sorted({f.source for f in originals if f.source}),
        merged_from=sorted(
            h.other_story_id for h in story_history(index, state.id) if h.op == "merge" and h.other_story_id
        ),
    )


def _title(index: StoryIndex, centroid: Mapping[str, float], members: list[ArticleFeatures]) -> str:
    """The title of the member closest to the story's centroid: the most typical headline."""
    weighted = {k: w * index.idf(k) for k, w in centroid.items()}
    titled = [f for f in members if f.title]
    if not titled:
        return ""
    best = max(titled, key=lambda f: (cosine(index.vector(f), weighted), -members.index(f)))
    return str(best.title)


def story_history(index: StoryIndex, story_id: str) -> list[HistoryEntry]:
    """Every change that touched a story or a story later merged into it."""
    live = index.resolve(story_id)
    ids = {live} | {old for old in index.aliases if index.resolve(old) == live}
    return [h for h in index.history if h.story_id in ids or h.other_story_id in ids]
