"""Near-duplicate and syndication detection: MinHash + LSH over word shingles.

A wire copy or a lightly edited reprint shares most of its word 5-grams with the
original, so the Jaccard similarity of their shingle sets stays high while two
independent reports on the same event share few. LSH finds the candidates in time
independent of how many articles are indexed; the estimated Jaccard confirms them.
The earliest article of a group is its original; every copy points to it, and a
copy never counts as an independent source.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from veille.model import normalise_text

NUM_PERM = 128
SHINGLE_WORDS = 5
# Lightly edited reprints (a changed headline, a dropped paragraph, a site footer)
# keep well above this; independent reports of one event stay far below.
DUPLICATE_THRESHOLD = 0.5
# Below this many shingles (a one-line brief, an empty body) texts say too little
# to call two articles copies of each other.
MIN_SHINGLES = 8


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    """Word ``size``-grams of the normalised text (the whole text when it is shorter)."""
    words = normalise_text(text).split()
    if len(words) <= size:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i : i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


SCHEME = "affine32"  # stored signatures only compare with sketches of the same scheme
_SEED_HASHER = MinHash(num_perm=NUM_PERM, scheme=SCHEME)  # permutations are drawn once, not per article


def signature(text: str) -> LeanMinHash:
    """The MinHash signature of an article's text."""
    mh = MinHash(num_perm=NUM_PERM, permutations=_SEED_HASHER.permutations, scheme=SCHEME)
    mh.update_batch(list(shingles(text)))
    return LeanMinHash(mh)


def signature_to_bytes(sig: LeanMinHash) -> bytes:
    return np.asarray(sig.hashvalues, dtype=np.uint64).tobytes()


def signature_from_bytes(data: bytes) -> LeanMinHash:
    values = np.frombuffer(data, dtype=np.uint64)
    return LeanMinHash(seed=1, hashvalues=values, scheme=SCHEME)


@dataclass
class DuplicateLink:
    """``article_id`` is a copy (or lightly edited reprint) of ``original_id``."""

    article_id: str
    original_id: str
    similarity: float


@dataclass
class NearDupIndex:
    """Incremental near-duplicate index; ``add`` returns the link when the article is a copy."""

    threshold: float = DUPLICATE_THRESHOLD
    lsh: MinHashLSH = field(init=False)
    signatures: dict[str, LeanMinHash] = field(default_factory=dict)
    original: dict[str, str] = field(default_factory=dict)  # copy id -> original id
    published: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.lsh = MinHashLSH(threshold=self.threshold, num_perm=NUM_PERM)

    def __contains__(self, article_id: str) -> bool:
        return article_id in self.signatures

    def origin_of(self, article_id: str) -> str:
        """The original an article descends from (itself when it is not a copy)."""
        return self.original.get(article_id, article_id)

    def add(
        self, article_id: str, text: str, published: str | None = None, sig: LeanMinHash | None = None
    ) -> DuplicateLink | None:
        """Index one article; idempotent. Returns its link to an original, if it is a copy."""
        if article_id in self.signatures:
            return self.link_of(article_id)
        if len(shingles(text)) < MIN_SHINGLES:
            return None
        sig = sig if sig is not None else signature(text)
        best: tuple[float, str] | None = None
        for other in self.lsh.query(sig):
            score = float(sig.jaccard(self.signatures[other]))
            if score >= self.threshold and (best is None or score > best[0]):
                best = (score, other)
        self.signatures[article_id] = sig
        self.published[article_id] = published or ""
        self.lsh.insert(article_id, sig)
        if best is None:
            return None
        root = self.origin_of(best[1])
        if published and self.published.get(root) and published < self.published[root]:
            # Ingested late but published first: it becomes the group's original.
            self._reroot(root, article_id)
            return None
        self.original[article_id] = root
        return DuplicateLink(article_id, root, best[0])

    def link_of(self, article_id: str) -> DuplicateLink | None:
        root = self.original.get(article_id)
        if root is None or article_id not in self.signatures:
            return None
        return DuplicateLink(
            article_id, root, float(self.signatures[article_id].jaccard(self.signatures[root]))
        )

    def _reroot(self, old_root: str, new_root: str) -> None:
        # O(copies); only runs when an earlier original is ingested after its copies.
        for copy, root in list(self.original.items()):
            if root == old_root:
                self.original[copy] = new_root
        self.original[old_root] = new_root
