"""The extraction pipeline: spaCy once per article, then named extractors in order.

Extractors are plain functions ``(analysis, doc) -> None`` that add facts to the
``Analysis``. Each is built once per pipeline by a factory ``create(settings)``
named in the configuration (``[extractors]``: "module:function"), so heavy set-up
(matchers, gazetteers) happens once; which ones run, and in what order, is
``[pipeline] order``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from spacy.tokens import Doc

from veille.config import Settings
from veille.errors import ConfigError
from veille.model import Analysis, Article, Sentence
from veille.nlp.coverage import extractor_runs
from veille.nlp.models import pipeline_for

Extractor = Callable[[Analysis, Doc], None]
ExtractorFactory = Callable[[Settings], Extractor]


def load_extractor(spec: str, settings: Settings) -> Extractor:
    """Import the factory "package.module:function" and build the extractor."""
    module_name, _, attr = spec.partition(":")
    try:
        module = importlib.import_module(module_name)
        func = getattr(module, attr)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(f"cannot load extractor '{spec}': {exc}") from None
    extractor: Extractor = func(settings)
    return extractor


@dataclass
class Pipeline:
    settings: Settings

    def __post_init__(self) -> None:
        self.extractors: list[tuple[str, Extractor]] = [
            (name, load_extractor(self.settings.extractors[name], self.settings))
            for name in self.settings.order
        ]

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
            for art, doc in zip(
                group, nlp.pipe((a.text for a in group), batch_size=self.settings.batch_size), strict=True
            ):
                try:
                    yield art, self.run_extractors(art, doc)
                except Exception as exc:  # noqa: BLE001 - reported per article by the caller
                    yield art, exc

    def run_extractors(self, article: Article, doc: Doc) -> Analysis:
        analysis = Analysis(article=article, sentences=sentences_of(article.id, doc))
        for _name, extract in self.extractors:
            extract(analysis, doc)
        analysis.extractor_runs = extractor_runs(article, doc, [name for name, _ in self.extractors])
        return analysis


def sentences_of(article_id: str, doc: Doc) -> list[Sentence]:
    return [
        Sentence(article_id=article_id, index=i, start=sent.start_char, end=sent.end_char)
        for i, sent in enumerate(doc.sents)
    ]
