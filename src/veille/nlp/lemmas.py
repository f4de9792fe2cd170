"""Lemmas for languages without a spaCy model: simplemma's dictionaries (54 languages, data in the wheel).

A blank pipeline has no lemmatizer, so "в Иране", "Москві", "w Warszawie" never match
the names "Иран", "Москва", "Warszawa". The ``veille_lemmas`` component sets
``token.lemma_`` from simplemma; the matchers (``nlp.entities``, ``geo.geoparse``) try
each token's lemma beside its surface form, and offsets stay on the surface text.
"""

from __future__ import annotations

from functools import lru_cache

import simplemma
from simplemma.strategies.dictionaries.dictionary_factory import SUPPORTED_LANGUAGES
from spacy.language import Language
from spacy.tokens import Doc, Span

COMPONENT = "veille_lemmas"
# ISO 639-1 codes simplemma files under another code.
ALIASES = {"sr": "hbs", "hr": "hbs", "bs": "hbs", "no": "nb"}
# Set on docs whose lemmas come from this component (what the matchers look for).
LEMMAS_FROM = "veille.lemmas"
# Shortest inflected word a lemma match accepts (see ``lemma_match_ok``).
MIN_INFLECTED = 4


def simplemma_code(lang: str | None) -> str | None:
    """simplemma's code for an ISO 639-1 language, or None when it has no dictionary."""
    if not lang:
        return None
    code = ALIASES.get(lang.lower(), lang.lower())
    return code if code in SUPPORTED_LANGUAGES else None


@lru_cache(maxsize=1_000_000)
def lemma_of(word: str, code: str) -> str:
    """simplemma's lemma of one word (cached: words repeat across articles)."""
    return str(simplemma.lemmatize(word, lang=code))


class SimplemmaLemmatizer:
    """spaCy component: ``token.lemma_`` for word tokens; other tokens keep their text."""

    def __init__(self, code: str) -> None:
        self.code = code

    def __call__(self, doc: Doc) -> Doc:
        code = self.code
        for token in doc:
            text = token.text
            token.lemma_ = lemma_of(text, code) if token.is_alpha else text
        doc.user_data[LEMMAS_FROM] = f"simplemma:{code}"
        return doc


@Language.factory(COMPONENT, default_config={"code": "en"})
def make_lemmatizer(nlp: Language, name: str, code: str) -> SimplemmaLemmatizer:
    return SimplemmaLemmatizer(code)


def add_lemmatizer(nlp: Language, lang: str | None) -> bool:
    """Add the simplemma component when the language has a dictionary; whether it was added."""
    code = simplemma_code(lang)
    if code is None or nlp.has_pipe(COMPONENT):
        return False
    nlp.add_pipe(COMPONENT, config={"code": code})
    return True


def lemma_forms(doc: Doc | Span) -> list[str] | None:
    """Each token's lemma where this component set them (else None): the matchers' second key."""
    if LEMMAS_FROM not in (doc.doc if isinstance(doc, Span) else doc).user_data:
        return None
    return [t.lemma_ or t.text for t in doc]


def lemma_match_ok(span: Span) -> bool:
    """Whether a name found through lemmas may stand: the words that inflect are capitalised
    and at least ``MIN_INFLECTED`` letters long, so a common word whose lemma happens to be a
    short name ("Ом", "Бар") does not become a mention. Uninflected words keep the surface rules.
    """
    for token in span:
        if token.lemma_ == token.text or not token.is_alpha:
            continue
        if not token.text[:1].isupper() or len(token.text) < MIN_INFLECTED:
            return False
    return True
