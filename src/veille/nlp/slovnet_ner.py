"""Names from natasha's slovnet NER in a blank pipeline, for a language with no model of its own.

slovnet's news NER is trained on Russian; on Ukrainian (NER-UK 2.0 dev, see
bench/eval_ner_uk.py and docs/languages.md) it finds people and organisations far
better than nothing, while its places are worse than the gazetteer's lemma matches.
So the component keeps only the labels the figures support (``labels``) and sets
them as ``doc.ents`` on the blank pipeline's own tokens; everything downstream sees
an ordinary spaCy ``Doc``. The weights ship inside the natasha wheel: nothing is
downloaded.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import filter_spans

log = logging.getLogger(__name__)

COMPONENT = "veille_slovnet_ner"
# Languages whose blank pipeline gets slovnet's names, and which labels it keeps there.
BLANK_NER = {"uk": ("PER", "ORG")}
# doc.user_data key: the labels this doc's NER can give (absent for full NER models).
NER_LABELS_KEY = "veille.ner_labels"


@lru_cache(maxsize=1)
def _tagger() -> Any:
    from natasha import NewsEmbedding, NewsNERTagger

    return NewsNERTagger(NewsEmbedding())


def available() -> bool:
    try:
        import natasha  # noqa: F401
    except ImportError:
        return False
    return True


class SlovnetNER:
    def __init__(self, labels: tuple[str, ...]) -> None:
        self.labels = frozenset(labels)

    def __call__(self, doc: Doc) -> Doc:
        markup = _tagger()(doc.text)
        spans = []
        for s in markup.spans:
            if s.type not in self.labels:
                continue
            span = doc.char_span(s.start, s.stop, label=s.type, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.ents = filter_spans(spans)
        doc.user_data[NER_LABELS_KEY] = sorted(self.labels)
        return doc


@Language.factory(COMPONENT, default_config={"labels": ["PER", "ORG"]})
def make_slovnet_ner(nlp: Language, name: str, labels: list[str]) -> SlovnetNER:
    return SlovnetNER(tuple(labels))


def add_blank_ner(nlp: Language, lang: str | None) -> bool:
    """Add slovnet's names to a blank pipeline for the languages in ``BLANK_NER``; whether added."""
    labels = BLANK_NER.get((lang or "").lower())
    if not labels or not available() or nlp.has_pipe(COMPONENT):
        return False
    nlp.add_pipe(COMPONENT, config={"labels": list(labels)})
    return True
