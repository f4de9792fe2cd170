"""Incremental story clustering: each new article joins a story or starts one.

The index keeps, per story, a centroid (summed article feature weights) and, per
feature, a short postings list of the stories that recently used it. A new
article looks up the postings of its most distinctive features only, scores the
few candidate stories it finds by TF-IDF cosine, and joins the best one above a
threshold; so ingest time depends on the size of stories and postings caps, not
on how many articles are stored. Never all-pairs.

Across languages only the language-independent channels (entity ids, places,
amounts, dates) are compared, with their own threshold. Publication dates far
apart lower a score: two events with the same actors months apart stay apart.

Stories merge when an article bridges two similar stories, and split when a
periodic re-check of a story finds two groups that no longer belong together.
Every change is appended to ``history``; merged-away ids stay resolvable through
``aliases``. Wire copies (see ``neardup``) join their original's story directly
and do not weigh on centroids or document frequencies.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, field

from veille.model import Analysis
from veille.stories.features import (
    CROSSLINGUAL_CHANNELS,
    ArticleFeatures,
    channel_of,
    features_of,
    prior_doc_rate,
)
from veille.stories.neardup import DuplicateLink, NearDupIndex, signature


@dataclass
class ClusterSettings:
    threshold: float = 0.22  # same-language cosine needed to join a story
    crosslingual_threshold: float = 0.30  # cosine on language-independent channels only
    merge_threshold: float = 0.45  # centroid cosine for two stories to merge
    split_threshold: float = 0.12  # groups of one story less similar than this split
    query_features: int = 30  # most distinctive article features used to find candidates
    postings_size: int = 100  # articles remembered per feature (most recent)
    max_candidates: int = 40  # neighbours scored exactly
    neighbours: int = 2  # a story scores the mean similarity of its closest members
    centroid_size: int = 400  # features kept per story centroid
    time_window_days: int = 7  # no penalty within this gap
    time_decay_days: float = 30.0  # beyond it, score x exp(-(gap - window) / decay)
    split_check_every: int = 6  # re-check a story for a split every N new articles
    split_check_max: int = 120  # larger stories are not re-checked (bounded cost)
    prior_documents: int = 500  # weight of general word frequencies in IDF, in documents


@dataclass
class StoryState:
    id: str
    article_ids: list[str] = field(default_factory=list)
    centroid: dict[str, float] = field(default_factory=dict)
    languages: Counter[str] = field(default_factory=Counter)
    first_day: int | None = None
    last_day: int | None = None
    added_since_check: int = 0
    counted: int = 0  # articles that weigh on the centroid (copies do not)


@dataclass
class HistoryEntry:
    """One change to the story set: create, join, duplicate, merge or split."""

    seq: int
    op: str
    story_id: str
    article_id: str | None = None
    other_story_id: str | None = None
    score: float | None = None


@dataclass
class StoryIndex:
    settings: ClusterSettings = field(default_factory=ClusterSettings)
    neardup: NearDupIndex = field(default_factory=NearDupIndex)
    features: dict[str, ArticleFeatures] = field(default_factory=dict)
    article_story: dict[str, str] = field(default_factory=dict)
    stories: dict[str, StoryState] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)  # merged-away story id -> survivor
    history: list[HistoryEntry] = field(default_factory=list)
    df: Counter[str] = field(default_factory=Counter)
    n_docs: int = 0
    postings: dict[str, deque[str]] = field(default_factory=dict)  # feature -> recent article ids
    order: dict[str, int] = field(default_factory=dict)  # article id -> position in the stream
    # What changed since the last save, so persisting costs O(changes), not O(store).
    touched_articles: set[str] = field(default_factory=set)
    touched_stories: set[str] = field(default_factory=set)

    # -- public API -----------------------------------------------------------------

    def story_of(self, article_id: str) -> str | None:
        sid = self.article_story.get(article_id)
        return self.resolve(sid) if sid else None

    def resolve(self, story_id: str) -> str:
        """The live story an id now refers to (follows merges)."""
        seen = set()
        while story_id in self.aliases and story_id not in seen:
            seen.add(story_id)
            story_id = self.aliases[story_id]
        return story_id

    def add(self, analysis: Analysis) -> str:
        """Assign one analysed article to a story; idempotent. Returns the story id."""
        art = analysis.article
        if art.id in self.article_story:
            return self.story_of(art.id) or self.article_story[art.id]
        feats = features_of(analysis)
        link = self.neardup.add(art.id, art.text, art.published, signature(art.text))
        return self.place(feats, link)

    def place(self, feats: ArticleFeatures, link: DuplicateLink | None = None) -> str:
        """Assign pre-computed features (and the article's duplicate link, if any)."""
        self.features[feats.article_id] = feats
        self.order.setdefault(feats.article_id, len(self.order))
        if link is not None and self.story_of(link.original_id):
            sid = self.story_of(link.original_id) or ""
            self._attach(self.stories[sid], feats, count=False)
            self._log("duplicate", sid, feats.article_id, score=link.similarity)
            return sid
        self._count(feats)
        scored = self._score_candidates(feats)
        # Same-language and cross-language stories have their own thresholds: best that passes wins.
        passing = [(sc, sid) for sc, sid in scored if sc >= self._threshold_for(feats, self.stories[sid])]
        best = passing[0] if passing else None
        if best is None:
            story = self._new_story(feats.article_id)
            self._attach(story, feats)
            self._log("create", story.id, feats.article_id)
            return story.id
        story = self.stories[best[1]]
        self._attach(story, feats)
        self._log("join", story.id, feats.article_id, score=best[0])
        self._merge_bridged(story, feats, [x for x in scored if x[1] != story.id])
        self._maybe_split(self.stories[self.resolve(story.id)])
        return self.story_of(feats.article_id) or story.id

    def live_stories(self) -> list[StoryState]:
        return list(self.stories.values())

    # -- scoring ---------------------------------------------------------------------

    def idf(self, key: str) -> float:
        """IDF from the stream's counts, smoothed by a prior of ``prior_documents`` pseudo-documents.

        Early in a stream the counts are too few to tell "said" from "Teixeira";
        general word frequencies stand in until the stream has its own evidence.
        """
        m = self.settings.prior_documents
        expected = self.df.get(key, 0) + m * prior_doc_rate(key)
        return math.log((self.n_docs + m + 1) / (expected + 0.5))

    def vector(self, feats: ArticleFeatures) -> dict[str, float]:
        return {k: w * self.idf(k) for k, w in feats.weighted().items()}

    def _score_candidates(self, feats: ArticleFeatures) -> list[tuple[float, str]]:
        """Score the stories of the article's nearest indexed neighbours, best first.

        A story's score is the mean similarity of its ``neighbours`` closest members:
        nearest neighbours tell events apart better than a centroid blurred by every
        member, and one stray member does not drag a story in.
        """
        vec = self.vector(feats)
        votes: dict[str, float] = {}
        for key in sorted(vec, key=vec.__getitem__, reverse=True)[: self.settings.query_features]:
            for aid in self.postings.get(key, ()):
                votes[aid] = votes.get(aid, 0.0) + vec[key]
        per_story: dict[str, list[float]] = {}
        for aid in heapq.nlargest(self.settings.max_candidates, votes, key=votes.__getitem__):
            sid = self.story_of(aid)
            if sid is None or sid not in self.stories:
                continue
            other = self.features[aid]
            sim = self._pair_similarity(vec, feats.language, self.vector(other), other.language)
            per_story.setdefault(sid, []).append(sim)
        scored = []
        k = self.settings.neighbours
        for sid, sims in per_story.items():
            story = self.stories[sid]
            top = sorted(sims, reverse=True)[: min(k, story.counted or 1)]
            score = sum(top) / max(1, min(k, story.counted or 1))
            score *= self._time_factor(feats.day, story)
            scored.append((score, sid))
        scored.sort(key=lambda x: (-x[0], x[1]))
        return scored

    @staticmethod
    def _pair_similarity(a: dict[str, float], lang_a: str, b: dict[str, float], lang_b: str) -> float:
        if lang_a != lang_b:
            a = {k: w for k, w in a.items() if channel_of(k) in CROSSLINGUAL_CHANNELS}
            b = {k: w for k, w in b.items() if channel_of(k) in CROSSLINGUAL_CHANNELS}
        return cosine(a, b)

    def _threshold_for(self, feats: ArticleFeatures, story: StoryState) -> float:
        if feats.language in story.languages:
            return self.settings.threshold
        return self.settings.crosslingual_threshold

    def _time_factor(self, day: int | None, story: StoryState) -> float:
        if day is None or story.first_day is None or story.last_day is None:
            return 1.0
        gap = max(story.first_day - day, day - story.last_day, 0)
        if gap <= self.settings.time_window_days:
            return 1.0
        return math.exp(-(gap - self.settings.time_window_days) / self.settings.time_decay_days)

    def story_similarity(self, a: StoryState, b: StoryState) -> float:
        va = {k: w * self.idf(k) for k, w in a.centroid.items()}
        vb = {k: w * self.idf(k) for k, w in b.centroid.items()}
        if not set(a.languages) & set(b.languages):
            va = {k: w for k, w in va.items() if channel_of(k) in CROSSLINGUAL_CHANNELS}
            vb = {k: w for k, w in vb.items() if channel_of(k) in CROSSLINGUAL_CHANNELS}
        score = cosine(va, vb)
        if a.first_day is not None and b.first_day is not None and b.last_day is not None:
            score *= min(self._time_factor(a.first_day, b), self._time_factor(a.last_day, b))
        return score

    # -- bookkeeping -----------------------------------------------------------------

    def _count(self, feats: ArticleFeatures) -> None:
        self.n_docs += 1
        self.df.update(feats.counts.keys())
        for key in feats.counts:
            plist = self.postings.get(key)
            if plist is None:
                plist = self.postings[key] = deque(maxlen=self.settings.postings_size)
            plist.append(feats.article_id)

    def _new_story(self, article_id: str) -> StoryState:
        sid = f"story-{article_id}"
        n = 2
        while sid in self.stories or sid in self.aliases:
            sid, n = f"story-{article_id}-{n}", n + 1
        story = StoryState(id=sid)
        self.stories[sid] = story
        return story

    def _new_story_with_id(self, story_id: str) -> StoryState:
        story = self.stories[story_id] = StoryState(id=story_id)
        return story

    def _attach(self, story: StoryState, feats: ArticleFeatures, count: bool = True) -> None:
        story.article_ids.append(feats.article_id)
        self.article_story[feats.article_id] = story.id
        self.touched_articles.add(feats.article_id)
        self.touched_stories.add(story.id)
        story.languages[feats.language] += 1
        if feats.day is not None:
            story.first_day = feats.day if story.first_day is None else min(story.first_day, feats.day)
            story.last_day = feats.day if story.last_day is None else max(story.last_day, feats.day)
        if not count:
            return
        story.added_since_check += 1
        story.counted += 1
        for k, w in feats.weighted().items():
            story.centroid[k] = story.centroid.get(k, 0.0) + w
        self._prune(story)

    def _prune(self, story: StoryState) -> None:
        limit = self.settings.centroid_size
        if len(story.centroid) > limit * 3 // 2:
            keep = sorted(story.centroid, key=story.centroid.__getitem__, reverse=True)[:limit]
            story.centroid = {k: story.centroid[k] for k in keep}

    def _log(
        self,
        op: str,
        story_id: str,
        article_id: str | None = None,
        other: str | None = None,
        score: float | None = None,
    ) -> None:
        self.history.append(HistoryEntry(len(self.history), op, story_id, article_id, other, score))

    # -- merge and split ---------------------------------------------------------------

    def _merge_bridged(
        self, story: StoryState, feats: ArticleFeatures, others: list[tuple[float, str]]
    ) -> None:
        for score, sid in others:
            other = self.stories.get(self.resolve(sid))
            if other is None or other.id == story.id or score < self._threshold_for(feats, other):
                continue
            if self.story_similarity(story, other) >= self.settings.merge_threshold:
                kept = self.merge(story.id, other.id, article_id=feats.article_id, score=score)
                story = self.stories[kept]  # the larger story survives, whichever it was

    def merge(
        self, keep_id: str, drop_id: str, article_id: str | None = None, score: float | None = None
    ) -> str:
        """Merge two stories; the larger keeps its id, the other becomes an alias of it."""
        keep, drop = self.stories[self.resolve(keep_id)], self.stories[self.resolve(drop_id)]
        if keep.id == drop.id:
            return keep.id
        if len(drop.article_ids) > len(keep.article_ids):
            keep, drop = drop, keep
        for aid in drop.article_ids:
            self.article_story[aid] = keep.id
        self.touched_articles.update(drop.article_ids)
        self.touched_stories.update((keep.id, drop.id))
        keep.article_ids.extend(drop.article_ids)
        keep.languages.update(drop.languages)
        keep.counted += drop.counted
        for k, w in drop.centroid.items():
            keep.centroid[k] = keep.centroid.get(k, 0.0) + w
        for day in (drop.first_day, drop.last_day):
            if day is not None:
                keep.first_day = day if keep.first_day is None else min(keep.first_day, day)
                keep.last_day = day if keep.last_day is None else max(keep.last_day, day)
        self._prune(keep)
        del self.stories[drop.id]
        self.aliases[drop.id] = keep.id
        self._log("merge", keep.id, article_id, other=drop.id, score=score)
        return keep.id

    def _maybe_split(self, story: StoryState) -> None:
        s = self.settings
        if story.added_since_check < s.split_check_every or len(story.article_ids) > s.split_check_max:
            return
        story.added_since_check = 0
        groups = self._regroup(story)
        if len(groups) < 2:
            return
        main = max(groups, key=len)
        for group in groups:
            if group is main or len(group) < 2:
                continue
            self.split(story.id, group)

    def _regroup(self, story: StoryState) -> list[list[str]]:
        """Re-cluster one story's own (non-copy) articles in order, with this index's IDF."""
        copies = self.neardup.original
        members = [a for a in story.article_ids if a not in copies]
        groups: list[tuple[list[str], dict[str, float]]] = []
        for aid in members:
            feats = self.features[aid]
            vec = self.vector(feats)
            best, best_score = None, 0.0
            for group, centroid in groups:
                score = cosine(vec, centroid)
                if score > best_score:
                    best, best_score = (group, centroid), score
            if best is None or best_score < self.settings.split_threshold:
                groups.append(([aid], dict(vec)))
            else:
                best[0].append(aid)
                for k, w in vec.items():
                    best[1][k] = best[1].get(k, 0.0) + w
        return [g for g, _ in groups]

    def split(self, story_id: str, article_ids: list[str]) -> str:
        """Move ``article_ids`` (and their copies) out of a story into a new one."""
        story = self.stories[self.resolve(story_id)]
        moving = set(article_ids)
        moving |= {a for a in story.article_ids if self.neardup.original.get(a) in moving}
        moved = [a for a in story.article_ids if a in moving]
        remaining = [a for a in story.article_ids if a not in moving]
        new = self._new_story(moved[0])
        self._rebuild(story, remaining)
        self._rebuild(new, moved)
        self._log("split", story.id, None, other=new.id)
        return new.id

    def _rebuild(self, story: StoryState, article_ids: list[str]) -> None:
        copies = self.neardup.original
        story.article_ids, story.centroid, story.languages = [], {}, Counter()
        story.first_day = story.last_day = None
        story.counted = 0
        for aid in article_ids:
            self._attach(story, self.features[aid], count=aid not in copies)
        story.added_since_check = 0


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if not a or not b:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    dot = sum(w * b.get(k, 0.0) for k, w in a.items())
    if dot == 0.0:
        return 0.0
    na = math.sqrt(sum(w * w for w in a.values()))
    nb = math.sqrt(sum(w * w for w in b.values()))
    return dot / (na * nb)


def assign_story(index: StoryIndex, analysis: Analysis) -> str:
    """Assign one analysed article to a story in ``index`` (idempotent); returns the story id."""
    return index.add(analysis)


def cluster_analyses(analyses: Iterable[Analysis], settings: ClusterSettings | None = None) -> StoryIndex:
    """Stream analyses through a fresh index, in the given order."""
    index = StoryIndex(settings=settings or ClusterSettings())
    for analysis in analyses:
        index.add(analysis)
    return index
