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

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform

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
    threshold: float = 0.15  # mean similarity to a story's recent members (average linkage) to join it
    crosslingual_threshold: float = 0.20  # the same on language-independent channels, across languages
    query_features: int = 30  # most distinctive article features used to find candidates
    postings_size: int = 100  # articles remembered per feature (most recent)
    max_candidates: int = 40  # neighbours whose stories are scored
    linkage_members: int = 30  # a story is compared through its most recent members, at most this many
    centroid_size: int = 400  # features kept per story centroid (summaries)
    time_window_days: int = 7  # no penalty within this gap
    time_decay_days: float = 30.0  # beyond it, score x exp(-(gap - window) / decay)
    regroup_every: int = 6  # re-cluster a story and its neighbours every N new articles ...
    regroup_near: float = 0.6  # ... or when another story scores at least this share of the threshold
    regroup_stories: int = 4  # neighbouring stories re-clustered with it, at most
    merge_min: float = 0.5  # stories merge only if their members are this share of the threshold similar
    prior_documents: int = 500  # weight of general word frequencies in IDF, in documents
    # Article embeddings (veille.embed), across languages only: within a language, words and
    # entities tell two events of one kind apart better than a topic-level sentence vector.
    # Two articles in different languages whose calibrated vector similarity reaches
    # ``vector_threshold`` are as similar as ``threshold``.
    vector_threshold: float = 0.35
    vector_baseline: float = 0.77  # the model's cosine of unrelated texts (Embedder.baseline)
    # Across languages, when both articles have a vector, it decides alone: shared countries and
    # places are weak evidence of one event, and the vector already reads the names (BSNLP purity).
    vector_decides: bool = True
    vector_candidates: int = 10  # nearest articles in other languages whose stories are scored
    vector_window: int = 20_000  # most recent article vectors searched for those candidates


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
    _norm_cache: dict[str, tuple[int, float, float]] = field(default_factory=dict, repr=False)
    _vectors: _VectorRing | None = field(default=None, repr=False)

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

    def add(self, analysis: Analysis, vector: np.ndarray | None = None) -> str:
        """Assign one analysed article (and its embedding, if any) to a story; idempotent.
        Returns the story id."""
        art = analysis.article
        if art.id in self.article_story:
            return self.story_of(art.id) or self.article_story[art.id]
        feats = features_of(analysis)
        feats.vector = vector
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
        self.remember_vector(feats)
        if not scored or scored[0][0] < self.settings.threshold:
            story = self._new_story(feats.article_id)
            self._attach(story, feats)
            self._log("create", story.id, feats.article_id)
        else:
            story = self.stories[scored[0][1]]
            self._attach(story, feats)
            self._log("join", story.id, feats.article_id, score=scored[0][0])
        self._maybe_regroup(story, scored, feats.article_id)
        return self.story_of(feats.article_id) or story.id

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

    def similarity(self, a: ArticleFeatures, b: ArticleFeatures) -> float:
        """Similarity of two articles as the clustering sees it (one threshold for all pairs).

        TF-IDF cosine; across languages, cosine on the language-independent channels
        scaled by ``threshold / crosslingual_threshold``; times the time factor of
        their publication days.
        """
        return self._similarity(self._probe(a), b)

    def _probe(self, feats: ArticleFeatures) -> _Probe:
        vec = self.vector(feats)
        cross = {k: w for k, w in vec.items() if channel_of(k) in CROSSLINGUAL_CHANNELS}
        return _Probe(feats, vec, _norm(vec.values()), cross, _norm(cross.values()))

    def _norms(self, feats: ArticleFeatures) -> tuple[float, float]:
        """An article's vector norms (all channels, language-independent ones), cached.

        Recomputed once the stream has grown by 5% since (IDF drifts slowly), so
        scoring a story's members costs a dictionary lookup per shared feature.
        """
        cached = self._norm_cache.get(feats.article_id)
        if cached is None or self.n_docs - cached[0] > max(20, cached[0] // 20):
            vec = self.vector(feats)
            full = _norm(vec.values())
            cross = _norm(w for k, w in vec.items() if channel_of(k) in CROSSLINGUAL_CHANNELS)
            cached = self._norm_cache[feats.article_id] = (self.n_docs, full, cross)
        return cached[1], cached[2]

    def _similarity(self, probe: _Probe, other: ArticleFeatures) -> float:
        weights = other.weighted()
        full, cross = self._norms(other)
        same_language = other.language == probe.feats.language
        if same_language:
            vec, norm, scale = probe.vec, probe.norm * full, 1.0
        else:
            vec, norm = probe.cross, probe.cross_norm * cross
            scale = self.settings.threshold / self.settings.crosslingual_threshold
        score = 0.0
        if norm != 0.0:
            if len(vec) <= len(weights):
                dot = sum(w * weights[k] * self.idf(k) for k, w in vec.items() if k in weights)
            else:
                dot = sum(w * self.idf(k) * vec[k] for k, w in weights.items() if k in vec)
            score = scale * dot / norm
        if not same_language and probe.feats.vector is not None and other.vector is not None:
            vector = float(self._vector_score(np.dot(probe.feats.vector, other.vector)))
            score = vector if self.settings.vector_decides else max(score, vector)
        if score == 0.0:
            return 0.0
        return score * self._day_factor(probe.feats.day, other.day)

    def _vector_score(self, cos: np.ndarray | float) -> np.ndarray:
        """Raw embedding cosine(s) -> similarity on the clustering's scale (``threshold`` at
        ``vector_threshold`` calibrated)."""
        s = self.settings
        calibrated = np.clip((np.asarray(cos) - s.vector_baseline) / (1.0 - s.vector_baseline), 0.0, 1.0)
        return calibrated * (s.threshold / s.vector_threshold)

    def remember_vector(self, feats: ArticleFeatures) -> None:
        """Keep the article's vector among the recent ones searched for cross-language candidates."""
        if feats.vector is None:
            return
        if self._vectors is None:
            self._vectors = _VectorRing(self.settings.vector_window, len(feats.vector))
        self._vectors.add(feats.article_id, feats.language, feats.vector)

    def _score_candidates(self, feats: ArticleFeatures) -> list[tuple[float, str]]:
        """Score the stories of the article's nearest indexed neighbours, best first.

        Neighbours come from the postings of the article's most distinctive features.
        A story scores the mean similarity of the article to its most recent members
        (average linkage): a story about another event with the same actors shares
        a few members' words, not most of them.
        """
        probe = self._probe(feats)
        vec = probe.vec
        votes: dict[str, float] = {}
        for key in sorted(vec, key=vec.__getitem__, reverse=True)[: self.settings.query_features]:
            for aid in self.postings.get(key, ()):
                if aid != feats.article_id:
                    votes[aid] = votes.get(aid, 0.0) + vec[key]
        neighbours = heapq.nlargest(self.settings.max_candidates, votes, key=votes.__getitem__)
        if feats.vector is not None and self._vectors is not None:
            # Across languages the shared features may be few (no NER for the language):
            # the nearest articles in other languages by embedding propose their stories too.
            neighbours += self._vectors.nearest(feats.vector, feats.language, self.settings.vector_candidates)
        candidates: list[str] = []
        for aid in neighbours:
            sid = self.story_of(aid)
            if sid is not None and sid in self.stories and sid not in candidates:
                candidates.append(sid)
        scored = []
        for sid in candidates:
            members = self._recent_members(self.stories[sid])
            if not members:
                continue
            score = sum(self._similarity(probe, self.features[a]) for a in members) / len(members)
            scored.append((score, sid))
        scored.sort(key=lambda x: (-x[0], x[1]))
        return scored

    def _recent_members(self, story: StoryState, exclude: str | None = None) -> list[str]:
        """The story's most recent counted (non-copy) members, at most ``linkage_members``."""
        copies = self.neardup.original
        out: list[str] = []
        for aid in reversed(story.article_ids):
            if aid not in copies and aid != exclude:
                out.append(aid)
                if len(out) >= self.settings.linkage_members:
                    break
        return out

    def _day_factor(self, a: int | None, b: int | None) -> float:
        if a is None or b is None:
            return 1.0
        gap = abs(a - b)
        if gap <= self.settings.time_window_days:
            return 1.0
        return math.exp(-(gap - self.settings.time_window_days) / self.settings.time_decay_days)

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

    # -- regrouping: merge and split ----------------------------------------------------

    def _maybe_regroup(self, story: StoryState, scored: list[tuple[float, str]], article_id: str) -> None:
        """Re-cluster a story with its close neighbours when they may have become one, or every
        ``regroup_every`` articles (a story that absorbed another event splits)."""
        s = self.settings
        near = [sid for sc, sid in scored if sid != story.id and sc >= s.regroup_near * s.threshold]
        if not near and story.added_since_check < s.regroup_every:
            return
        story.added_since_check = 0
        self.regroup([story.id, *near[: s.regroup_stories]], bridge=article_id)

    def regroup(self, story_ids: list[str], bridge: str | None = None) -> None:
        """Average-linkage re-clustering of these stories' recent members; apply it as merges and splits.

        Each story keeps the group holding most of its members; its members in other
        groups split off (a lone article only to join another story); stories whose
        main parts fall into one group merge, unless their own members, ``bridge``
        (the article that brought them together) aside, are on average less than
        ``merge_min`` x threshold similar: one round-up does not glue two small
        stories. Bounded: ``linkage_members`` per story.
        """
        owners: dict[str, str] = {}
        for sid in dict.fromkeys(self.resolve(x) for x in story_ids):
            if sid in self.stories:
                for aid in self._recent_members(self.stories[sid]):
                    owners[aid] = sid
        members = list(owners)
        if len(members) < 2:
            return
        sim = self._similarity_matrix(members)
        groups = average_linkage(sim, self.settings.threshold)
        group_of = {members[i]: g for g, group in enumerate(groups) for i in group}
        parts: dict[str, dict[int, list[str]]] = {}
        for aid in members:
            parts.setdefault(owners[aid], {}).setdefault(group_of[aid], []).append(aid)
        main = {sid: max(p, key=lambda g: (len(p[g]), -g)) for sid, p in parts.items()}
        mains = set(main.values())
        unit: dict[int, list[tuple[str, list[str]]]] = {}  # group -> (story, its part) to merge
        for sid, p in parts.items():
            unit.setdefault(main[sid], []).append((sid, p[main[sid]]))
            for g, part in p.items():
                if g != main[sid] and (len(part) >= 2 or g in mains):
                    unit.setdefault(g, []).append((self.split(sid, part), part))
        position = {a: i for i, a in enumerate(members)}
        floor = self.settings.merge_min * self.settings.threshold
        for (first, kept), *others in unit.values():
            kept_rows = [position[a] for a in kept if a != bridge]
            for other, part in others:
                rows = [position[a] for a in part if a != bridge]
                if kept_rows and rows and float(sim[np.ix_(kept_rows, rows)].mean()) < floor:
                    continue
                first = self.merge(first, other, article_id=bridge)
                kept_rows += rows

    def _similarity_matrix(self, article_ids: list[str]) -> np.ndarray:
        """Pairwise ``similarity`` of a few articles (dense, zero diagonal)."""
        n = len(article_ids)
        feats = [self.features[a] for a in article_ids]
        langs = sorted({f.language for f in feats})
        sim = np.zeros((n, n))
        for cross in (False, True) if len(langs) > 1 else (False,):
            seen: Counter[str] = Counter()
            for f in feats:
                seen.update(k for k in f.weighted() if not cross or channel_of(k) in CROSSLINGUAL_CHANNELS)
            shared = [k for k, c in seen.items() if c > 1]  # only these reach a dot product
            column = {k: j for j, k in enumerate(shared)}
            idf = np.array([self.idf(k) for k in shared])
            rows = np.zeros((n, len(shared)))
            for i, f in enumerate(feats):
                norm = self._norms(f)[1 if cross else 0]
                if norm == 0.0:
                    continue
                for k, w in f.weighted().items():
                    j = column.get(k)
                    if j is not None:
                        rows[i, j] = w / norm
            rows *= idf
            part = rows @ rows.T
            if not cross:
                sim = part
            else:
                lang = np.array([langs.index(f.language) for f in feats])
                other = lang[:, None] != lang[None, :]
                scale = self.settings.threshold / self.settings.crosslingual_threshold
                sim[other] = scale * part[other]
                has = np.array([f.vector is not None for f in feats])
                if has.sum() > 1:
                    dim = len(next(f.vector for f in feats if f.vector is not None))
                    vecs = np.array([f.vector if f.vector is not None else np.zeros(dim) for f in feats])
                    vsim = self._vector_score(vecs @ vecs.T)
                    both = other & has[:, None] & has[None, :]
                    sim[both] = (
                        vsim[both] if self.settings.vector_decides else np.maximum(sim[both], vsim[both])
                    )
        days = [f.day for f in feats]
        if any(d is not None for d in days):
            for i in range(n):
                for j in range(i + 1, n):
                    factor = self._day_factor(days[i], days[j])
                    if factor != 1.0:
                        sim[i, j] *= factor
                        sim[j, i] *= factor
        np.fill_diagonal(sim, 0.0)
        return sim

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
        # Members stay in stream order: a story's recent members are its last ones.
        keep.article_ids = list(heapq.merge(keep.article_ids, drop.article_ids, key=self._position))
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

    def _position(self, article_id: str) -> int:
        return self.order.get(article_id, 0)

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


class _VectorRing:
    """The last ``size`` article vectors in a fixed matrix (oldest overwritten), searched exactly."""

    def __init__(self, size: int, dim: int) -> None:
        self.matrix = np.zeros((size, dim), dtype=np.float32)
        self.ids: list[str | None] = [None] * size
        self.languages = np.array([""] * size, dtype=object)
        self.next = 0
        self.filled = 0

    def add(self, article_id: str, language: str, vector: np.ndarray) -> None:
        if len(vector) != self.matrix.shape[1]:
            return  # a vector from another model: not comparable
        i = self.next
        self.matrix[i], self.ids[i], self.languages[i] = vector, article_id, language
        self.next = (i + 1) % len(self.ids)
        self.filled = min(self.filled + 1, len(self.ids))

    def nearest(self, vector: np.ndarray, language: str, k: int) -> list[str]:
        """Ids of the ``k`` most similar stored vectors in languages other than ``language``."""
        n = self.filled
        if n == 0 or k <= 0 or len(vector) != self.matrix.shape[1]:
            return []
        scores = self.matrix[:n] @ np.asarray(vector, dtype=np.float32)
        scores[self.languages[:n] == language] = -np.inf
        k = min(k, n)
        top = np.argpartition(-scores, k - 1)[:k]
        return [
            i for i in (self.ids[j] for j in top[np.argsort(-scores[top])] if np.isfinite(scores[j])) if i
        ]


@dataclass
class _Probe:
    """An article's TF-IDF vectors (all channels and language-independent ones) with their norms."""

    feats: ArticleFeatures
    vec: dict[str, float]
    norm: float
    cross: dict[str, float]
    cross_norm: float


def _norm(weights: Iterable[float]) -> float:
    return math.sqrt(sum(w * w for w in weights))


def average_linkage(sim: np.ndarray, threshold: float) -> list[list[int]]:
    """Agglomerative clustering (SciPy's average linkage): join the two groups of highest mean
    pairwise similarity while it is at least ``threshold``. Returns groups of row indices,
    each in increasing order, ordered by their first index."""
    n = len(sim)
    if n < 2:
        return [[i] for i in range(n)]
    # Similarities are at most 1 (cosines times factors <= 1): distance 1 - s is a mean-preserving map.
    dist = 1.0 - np.minimum(np.asarray(sim, dtype=float), 1.0)
    np.fill_diagonal(dist, 0.0)
    tree = linkage(squareform(dist, checks=False), method="average")
    labels = fcluster(tree, t=1.0 - threshold, criterion="distance")
    groups: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        groups.setdefault(int(label), []).append(i)
    return sorted(groups.values())


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
