"""Names from natasha's slovnet NER in a blank pipeline, for a language with no model of its own.

slovnet's news NER is trained on Russian; on Ukrainian (NER-UK 2.0 dev, see
bench/eval_ner_uk.py and docs/languages.md) and on Bulgarian, Czech, Polish and
Slovene news (BSNLP 2019) it finds people and organisations far better than nothing,
while its places are worse than the gazetteer's lemma matches.
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
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

log = logging.getLogger(__name__)

COMPONENT = "veille_slovnet_ner"
# Languages whose blank pipeline gets slovnet's names, and which labels it keeps there:
# where bench/eval_ner_uk.py and bench/eval_bsnlp_recall.py show it helps (docs/languages.md).
# Its places are always worse than the gazetteer's lemma matches.
BLANK_NER = {lang: ("PER", "ORG") for lang in ("uk", "bg", "cs", "pl", "sl")}
# doc.user_data key: the labels this doc's NER can give (absent for full NER models).
NER_LABELS_KEY = "veille.ner_labels"


@lru_cache(maxsize=1)
def news_embedding() -> Any:
    """natasha's navec embeddings, loaded once per process for every slovnet model."""
    from natasha import NewsEmbedding

    return NewsEmbedding()


@lru_cache(maxsize=1)
def ner_tagger() -> Any:
    """slovnet's NER, one per process: the Russian pipeline and the blank pipelines share it."""
    from natasha import NewsNERTagger

    return NewsNERTagger(news_embedding())


@lru_cache(maxsize=1)
def available() -> bool:
    """Whether natasha imports; without it (or without setuptools, whose pkg_resources its
    pymorphy2 needs) the blank pipelines keep the gazetteer alone, and the articles say so."""
    try:
        import natasha  # noqa: F401
    except ImportError as exc:
        log.warning("natasha unavailable (%s): no slovnet names for %s", exc, ", ".join(BLANK_NER))
        return False
    return True


class SlovnetNER:
    def __init__(self, labels: tuple[str, ...]) -> None:
        self.labels = frozenset(labels)

    def __call__(self, doc: Doc) -> Doc:
        markup = ner_tagger()(doc.text)
        spans = []
        for s in markup.spans:
            if s.type not in self.labels:
                continue
            span = doc.char_span(s.start, s.stop, label=s.type, alignment_mode="expand")
            if span is None:
                continue
            spans += person_names(span) if s.type == "PER" else [span]
        doc.ents = filter_spans(spans)
        doc.user_data[NER_LABELS_KEY] = sorted(self.labels)
        return doc


def person_names(span: Span) -> list[Span]:
    """The names in a PER span: runs of capitalised words and initials.

    On text that is not Russian slovnet glues names across "і"/"та" and ordinary words
    ("Геннадій Волков і Валерій Поліщук", "Антона їздити"), and takes a capitalised common
    word for a name ("Вона", "Потім"). A one-word name that opens a sentence and whose lemma
    is a lower-case dictionary word (``nlp.lemmas`` ran first) is such a word.
    """
    doc = span.doc
    out: list[Span] = []
    start = None
    for i in range(span.start, span.end + 1):
        token = doc[i] if i < span.end else None
        inside = token is not None and (
            (token.is_alpha and token.text[:1].isupper()) or (token.text == "." and start is not None)
        )
        if inside and start is None:
            start = i
        elif not inside and start is not None:
            end = i
            while end > start and not doc[end - 1].is_alpha:
                end -= 1
            words = doc[start:end]
            common = (
                len(words) == 1
                and bool(words[0].is_sent_start)
                and words[0].lemma_ != words[0].text
                and words[0].lemma_.islower()
            )
            if len(words) and not common:
                out.append(Span(doc, start, end, label=span.label_))
            start = None
    return out


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
