"""The extraction pipeline: spaCy once per article, then named extractors in order.

Extractors are plain functions ``(analysis, doc) -> None`` that add facts to the
``Analysis``. Each is built once per pipeline by a factory ``create(settings)``
named in the configuration (``[extractors]``: "module:function"), so heavy set-up
(matchers, gazetteers) happens once; which ones run, and in what order, is
``[pipeline] order``. Factories declare what they read and add (``veille.contract``),
and an order that runs an extractor before what it requires is refused at start-up.

A text longer than the language pipeline accepts (spaCy's ``max_length``) or than
``[pipeline] chunk_chars`` is analysed in chunks cut at paragraph, else sentence,
else word bounds; the chunks' docs are joined back into one ``Doc`` whose text is
the article's, so extractors and offsets do not know it was chunked. One article
that still fails is returned as that article's error; the others go on.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc

from veille.config import Settings
from veille.contract import Extractor, check_order, doc_reads
from veille.errors import ConfigError
from veille.model import Analysis, Article, Sentence
from veille.nlp.coverage import extractor_runs
from veille.nlp.models import pipeline_for

SPACY_MAX_LENGTH = 1_000_000  # spaCy's default ``Language.max_length``
# Where a long text may be cut, best first: before a blank line or a line break (so the break
# opens the next chunk's first sentence, as in the whole text), after a sentence end, after a space.
_CUTS = (
    (re.compile(r"\n[^\S\n]*\n\s*"), "before"),
    (re.compile(r"\n\s*"), "before"),
    (re.compile(r"[.!?;…。！？][\"'»”’)\]]*\s+"), "after"),
    (re.compile(r"\s+"), "after"),
)


def load_factory(spec: str) -> Callable[[Settings], Extractor]:
    """Import the factory "package.module:function"."""
    module_name, _, attr = spec.partition(":")
    try:
        module = importlib.import_module(module_name)
        factory: Callable[[Settings], Extractor] = getattr(module, attr)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(f"cannot load extractor '{spec}': {exc}") from None
    return factory


def checked_factories(settings: Settings) -> list[tuple[str, Callable[[Settings], Extractor]]]:
    """The factories of ``[pipeline] order``, in order; ConfigError if that order breaks a contract.

    Cheap (imports, no model loads): callers run it at start-up to fail before any work.
    """
    factories = [(name, load_factory(settings.extractors[name])) for name in settings.pipeline.order]
    check_order(factories)
    return factories


@dataclass
class Pipeline:
    settings: Settings

    def __post_init__(self) -> None:
        factories = checked_factories(self.settings)
        self.extractors: list[tuple[str, Extractor]] = [
            (name, factory(self.settings)) for name, factory in factories
        ]
        # What each extractor reads from the Doc, for the article's record of limited runs.
        self.reads = [(name, doc_reads(factory)) for name, factory in factories]

    def analyse(self, articles: Iterable[Article]) -> Iterator[Analysis]:
        """Analyse articles in batches per language with ``nlp.pipe``; yields in input order, raises on failure."""
        batch = list(articles)
        results = {id(art): result for art, result in self.analyse_safely(batch)}
        for art in batch:
            result = results[id(art)]
            if isinstance(result, Exception):
                raise result
            yield result

    def warm_up(self, languages: Iterable[str]) -> None:
        """Load models and build per-language matchers now rather than on the first article."""
        for lang in languages:
            text = "Warm up."
            self.run_extractors(
                Article(id="warmup", text=text, language=lang), pipeline_for(lang, self.settings.models)(text)
            )

    def analyse_safely(self, articles: list[Article]) -> Iterator[tuple[Article, Analysis | Exception]]:
        """Like ``analyse`` but one article's failure is returned, not raised, so the batch goes on."""
        by_lang: dict[str, list[Article]] = {}
        for art in articles:
            by_lang.setdefault(art.language or "xx", []).append(art)
        for lang, group in by_lang.items():
            nlp = pipeline_for(lang, self.settings.models)
            for art, doc in self._docs(nlp, group):
                if isinstance(doc, Exception):
                    yield art, doc
                    continue
                try:
                    yield art, self.run_extractors(art, doc)
                except Exception as exc:  # noqa: BLE001 - reported per article by the caller
                    yield art, exc

    def chunk_chars(self, nlp: Any) -> int:
        """Longest text given to ``nlp`` at once: ``[pipeline] chunk_chars``, within its ``max_length``."""
        wanted = self.settings.pipeline.chunk_chars
        return max(1, min(wanted, int(getattr(nlp, "max_length", SPACY_MAX_LENGTH))))

    def _docs(self, nlp: Any, group: list[Article]) -> Iterator[tuple[Article, Doc | Exception]]:
        """One Doc per article, batched through ``nlp.pipe``; if the batch fails, article by article."""
        limit = self.chunk_chars(nlp)
        done = 0
        try:
            for doc in pipe_long(nlp, [a.text for a in group], limit, self.settings.pipeline.batch_size):
                yield group[done], doc
                done += 1
        except Exception:  # noqa: BLE001 - find which article it was, below
            for art in group[done:]:
                try:
                    yield art, next(pipe_long(nlp, [art.text], limit, 1))
                except Exception as exc:  # noqa: BLE001 - reported per article by the caller
                    yield art, exc

    def run_extractors(self, article: Article, doc: Doc) -> Analysis:
        analysis = Analysis(article=article, sentences=sentences_of(article.id, doc))
        for _name, extract in self.extractors:
            extract(analysis, doc)
        analysis.extractor_runs = extractor_runs(article, doc, self.reads)
        return analysis


def sentences_of(article_id: str, doc: Doc) -> list[Sentence]:
    return [
        Sentence(article_id=article_id, index=i, start=sent.start_char, end=sent.end_char)
        for i, sent in enumerate(doc.sents)
    ]


def chunk_bounds(text: str, limit: int) -> list[tuple[int, int]]:
    """Consecutive spans covering ``text``, each at most ``limit`` characters, cut at the best bound.

    The cut is at the last blank line in the window, else the last line break, sentence end or
    space, taken only past the window's first quarter (so chunks stay large); else a hard cut.
    """
    bounds: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > limit:
        window = text[start : start + limit]
        cut = len(window)
        for pattern, side in _CUTS:
            cuts = [m.start() if side == "before" else m.end() for m in pattern.finditer(window, limit // 4)]
            cuts = [c for c in cuts if c > 0]
            if cuts:
                cut = cuts[-1]
                break
        bounds.append((start, start + cut))
        start += cut
    bounds.append((start, len(text)))
    return bounds


def join_docs(docs: Sequence[Doc], text: str) -> Doc:
    """The docs of consecutive chunks of ``text`` as one Doc over the whole ``text``."""
    if len(docs) == 1:
        return docs[0]
    # No extractor reads the tensor: not concatenating it saves memory (spaCy's stub lacks ``exclude``).
    joined = Doc.from_docs(list(docs), ensure_whitespace=False, exclude=["tensor"])  # type: ignore[call-arg]
    if joined.text != text:
        raise ValueError("the chunks' tokens do not give back the article's text")
    return joined


def pipe_long(nlp: Any, texts: list[str], limit: int, batch_size: int) -> Iterator[Doc]:
    """``nlp.pipe`` over texts of any length, in order: long ones go through chunk by chunk, joined back.

    Chunks are not batched: a batch of them would hold the models' working memory for all at once.
    """
    spans = [(t, chunk_bounds(t, limit)) for t in texts]
    short = iter(nlp.pipe((t for t, bounds in spans if len(bounds) == 1), batch_size=batch_size))
    for text, bounds in spans:
        if len(bounds) == 1:
            yield next(short)
        else:
            yield join_docs([nlp(text[a:b]) for a, b in bounds], text)
