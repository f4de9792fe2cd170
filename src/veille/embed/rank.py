"""Ranking helpers shared by search and related articles: exact nearest neighbours over a
matrix of unit vectors, reciprocal-rank fusion, and diversifying results across languages."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import TypeVar

import numpy as np

T = TypeVar("T", bound=Hashable)
RRF_K = 60  # the constant of Cormack et al. (2009): fused score = sum 1 / (k + rank)


def calibrate(cosine: np.ndarray | float, baseline: float) -> np.ndarray | float:
    """Map a model's raw cosine to [0, 1] where 0 is "as similar as two unrelated texts".

    Rankings are unchanged; thresholds (stories, related articles) become model-independent.
    """
    return np.clip((np.asarray(cosine) - baseline) / (1.0 - baseline), 0.0, 1.0)


def top_k(
    matrix: np.ndarray, query: np.ndarray, k: int, mask: np.ndarray | None = None
) -> list[tuple[int, float]]:
    """Row indices of the ``k`` highest dot products with ``query`` (rows allowed by ``mask``), best first."""
    if len(matrix) == 0 or k <= 0:
        return []
    scores = matrix @ query.astype(matrix.dtype, copy=False)
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    k = min(k, len(scores))
    idx = np.argpartition(-scores, k - 1)[:k]
    idx = idx[np.argsort(-scores[idx], kind="stable")]
    return [(int(i), float(scores[i])) for i in idx if np.isfinite(scores[i])]


def reciprocal_rank_fusion(rankings: Sequence[Sequence[T]], k: int = RRF_K) -> list[tuple[T, float]]:
    """Fuse ranked lists of ids: score(id) = sum over lists of 1 / (k + rank), rank from 1."""
    scores: dict[T, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda x: -x[1])


DIVERSITY_DECAY = 0.7


def diversify(
    items: Sequence[T],
    language: Callable[[T], str],
    score: Callable[[T], float] | None = None,
    decay: float = DIVERSITY_DECAY,
) -> list[T]:
    """Re-rank so that languages alternate unless relevance says otherwise.

    Greedy, like maximal marginal relevance with language as the redundancy: each step takes
    the item with the highest ``score x decay ** (items of its language already taken)``.
    Each language keeps its own order; ``decay`` 0 is a strict round-robin, 1 no change.
    Without ``score``, ranks stand in (1 / (rank + RRF_K)).
    """
    if score is None:
        rank = {item: i for i, item in enumerate(items)}

        def score(item: T) -> float:
            return 1.0 / (rank[item] + 1 + RRF_K)

    queues: dict[str, list[T]] = {}
    for item in items:
        queues.setdefault(language(item), []).append(item)
    heads = {lang: 0 for lang in queues}
    taken = {lang: 0 for lang in queues}
    out: list[T] = []
    while len(out) < len(items):
        best_lang, best = "", -float("inf")
        for lang, queue in queues.items():
            if heads[lang] < len(queue):
                value = score(queue[heads[lang]]) * (decay ** taken[lang]) if decay > 0 else -taken[lang]
                if value > best:
                    best_lang, best = lang, value
        out.append(queues[best_lang][heads[best_lang]])
        heads[best_lang] += 1
        taken[best_lang] += 1
    return out
