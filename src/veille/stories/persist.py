"""Save and load the story index through the store (``veille.store.stories``).

Saving writes only what changed since the last save (new or moved articles, the
stories they touched, new history entries), so it costs O(changes). Loading
rebuilds the in-memory index from ``story_articles`` in stream order: document
frequencies, postings, centroids and the near-duplicate LSH are derived data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from veille.model import Analysis, Article
from veille.store import stories as saved
from veille.store.database import Store
from veille.store.reads import load_analyses
from veille.store.stories import SavedArticle
from veille.store.vectors import article_vectors
from veille.stories.cluster import ClusterSettings, HistoryEntry, StoryIndex
from veille.stories.features import ArticleFeatures
from veille.stories.neardup import signature_from_bytes, signature_to_bytes
from veille.stories.summary import story_summary


def save_index(store: Store, index: StoryIndex, articles: Mapping[str, Article] | None = None) -> int:
    """Persist what changed in ``index`` since it was loaded or last saved; returns rows written."""
    touched = sorted(index.touched_stories)
    written = saved.save_story_index(
        store,
        index.history,
        [_article_row(index, aid) for aid in sorted(index.touched_articles, key=index.order.__getitem__)],
        [story_summary(index, sid, articles) for sid in touched if sid in index.stories],
        [sid for sid in touched if sid not in index.stories],
    )
    index.touched_articles.clear()
    index.touched_stories.clear()
    return written


def _article_row(index: StoryIndex, article_id: str) -> SavedArticle:
    f = index.features[article_id]
    sig = index.neardup.signatures.get(article_id)
    link = index.neardup.link_of(article_id)
    return SavedArticle(
        article_id=article_id,
        story_id=index.article_story[article_id],
        seq=index.order[article_id],
        original_id=link.original_id if link else None,
        similarity=link.similarity if link else None,
        language=f.language,
        day=f.day,
        title=f.title,
        source=f.source,
        features=f.counts,
        signature=signature_to_bytes(sig) if sig is not None else None,
    )


def load_index(
    store: Store, settings: ClusterSettings | None = None, vector_model: tuple[str, str] | None = None
) -> StoryIndex:
    """Rebuild the story index saved in the store (an empty one for a new store).

    ``vector_model`` (name, version): attach that model's stored vectors to the most recent
    ``vector_window`` articles, the ones new articles are compared with.
    """
    index = StoryIndex(settings=settings or ClusterSettings())
    rows = saved.saved_articles(store)
    history = saved.saved_history(store, HistoryEntry)
    vectors: dict[str, Any] = {}
    if vector_model is not None and rows:
        recent = [r.article_id for r in rows[-index.settings.vector_window :]]
        vectors = article_vectors(store, vector_model[0], vector_model[1], recent)
    nd = index.neardup
    for r in rows:
        aid = r.article_id
        if r.signature is not None:
            sig = signature_from_bytes(r.signature)
            nd.signatures[aid] = sig
            nd.lsh.insert(aid, sig)
        if r.original_id:
            nd.original[aid] = r.original_id
        feats = ArticleFeatures(aid, r.language, r.day, dict(r.features), r.title, r.source)
        feats.vector = vectors.get(aid)
        index.features[aid] = feats
        index.order[aid] = r.seq
        is_copy = aid in nd.original
        if not is_copy:
            index._count(feats)
            index.remember_vector(feats)
        story = index.stories.get(r.story_id)
        if story is None:
            story = index._new_story_with_id(r.story_id)
        index._attach(story, feats, count=not is_copy)
    for entry in history:
        index.history.append(entry)
        if entry.op == "merge" and entry.other_story_id:
            index.aliases[entry.other_story_id] = entry.story_id
    for story in index.stories.values():
        story.added_since_check = 0
    index.touched_articles.clear()
    index.touched_stories.clear()
    return index


class StoryTracker:
    """Keeps a store's story index in memory and saved: ``tracker.add(analyses)`` after each write.

    Fits ``Ingestor.after_write``; the index is loaded once, then each batch costs
    O(batch), whatever the size of the store. Several processes may ingest into one
    store: each batch is assigned under the store's "stories" lock (``Store.exclusive``),
    and the index is reloaded first when another process saved since this one did, so
    every process clusters against every article and ``seq`` stays one sequence.
    """

    def __init__(
        self,
        store: Store,
        settings: ClusterSettings | None = None,
        vector_model: tuple[str, str] | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.vector_model = vector_model  # (name, version) of the embeddings used, if any
        with store.exclusive("stories"):
            self.index = load_index(store, settings, vector_model)
        self.catch_up()

    def _refresh(self) -> None:
        """Reload the index if the saved one is not the one in memory (call under the lock)."""
        if saved.saved_marks(self.store) != (len(self.index.order), len(self.index.history)):
            self.index = load_index(self.store, self.settings, self.vector_model)

    def catch_up(self, batch: int = 200) -> int:
        """Assign stored articles that have no story yet (a run killed between the
        article write and the story write); returns how many were added."""
        missing = saved.unassigned_articles(self.store)
        for i in range(0, len(missing), batch):
            ids = missing[i : i + batch]
            vectors: Mapping[str, Any] | None = None
            if self.vector_model is not None:
                vectors = article_vectors(self.store, *self.vector_model, ids)
            self.add(load_analyses(self.store, ids), vectors)
        return len(missing)

    def add(self, analyses: list[Analysis], vectors: Mapping[str, Any] | None = None) -> dict[str, str]:
        """Assign a batch to stories (with their embeddings, when given) and save the index."""
        vectors = vectors or {}
        with self.store.exclusive("stories"):
            self._refresh()  # another process's catch-up may have assigned some: ``add`` is idempotent
            assigned = {a.article.id: self.index.add(a, vectors.get(a.article.id)) for a in analyses}
            save_index(self.store, self.index, {a.article.id: a.article for a in analyses})
            return {aid: self.index.story_of(aid) or sid for aid, sid in assigned.items()}
