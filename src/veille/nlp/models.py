"""Load spaCy pipelines offline: an installed package name, a path or a factory, never a download.

A language with no configured model gets a blank pipeline with a rule-based
sentencizer and, where simplemma has a dictionary for it, lemmas (``nlp.lemmas``), so
its articles are still split, stored and gazetteer-matched on inflected forms too.
A factory "package.module:function" returns a ready ``Language``: how models
that are not spaCy packages (natasha for Russian) are wrapped.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import os
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Span

from veille.errors import ConfigError
from veille.nlp.legal_forms import add_legal_form_ruler
from veille.nlp.lemmas import add_lemmatizer
from veille.nlp.slovnet_ner import add_blank_ner

log = logging.getLogger(__name__)

MULTILINGUAL = "xx"
# ``span._.normal``: a name in its dictionary form, set by pipelines of inflecting languages
# ("Мохаммадом Багери" -> "Мохаммад Багери"); the resolver prefers it to the span's text.
NORMAL = "normal"


def register_extensions() -> None:
    if not Span.has_extension(NORMAL):
        Span.set_extension(NORMAL, default=None)


def normal_form(span: Span) -> str | None:
    """The span's normal form when its pipeline set one."""
    value = span._.get(NORMAL) if Span.has_extension(NORMAL) else None
    return str(value) if value else None


# Set to "1" to leave slovnet's names out of blank pipelines (the benches' "without" runs).
NO_BLANK_NER = "VEILLE_NO_BLANK_NER"


def _blank(lang: str) -> Language:
    try:
        nlp = spacy.blank(lang)
    except (ImportError, KeyError, ValueError):
        nlp = spacy.blank(MULTILINGUAL)
    nlp.add_pipe("sentencizer")
    add_lemmatizer(nlp, lang)
    if os.environ.get(NO_BLANK_NER) != "1" and add_blank_ner(nlp, lang):
        add_legal_form_ruler(nlp, lang)
    return nlp


def load_pipeline(spec: str) -> Language:
    """Load one pipeline from an installed package name or a directory path.

    Raises ConfigError with what to do when neither exists; spaCy's own download
    command is never called.
    """
    path = Path(spec).expanduser()
    if ":" in spec and not path.exists():
        return _from_factory(spec)
    if path.is_dir():
        try:
            return spacy.load(path)
        except (OSError, ValueError) as exc:
            raise ConfigError(f"cannot load the spaCy pipeline at {path}: {exc}") from None
    if importlib.util.find_spec(spec.replace("-", "_")) is None:
        raise ConfigError(
            f"spaCy pipeline '{spec}' is not installed; install its package with pip "
            f"(e.g. `pip install {spec.replace('_', '-')}`) or set a path in [models]"
        )
    return spacy.load(spec.replace("-", "_"))


def _from_factory(spec: str) -> Language:
    module_name, _, attr = spec.partition(":")
    try:
        factory = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(f"cannot load the pipeline factory '{spec}': {exc}") from None
    nlp = factory()
    if not isinstance(nlp, Language):
        raise ConfigError(f"the pipeline factory '{spec}' did not return a spaCy Language")
    return nlp


@lru_cache(maxsize=16)
def _cached(lang: str, spec: str | None) -> Language:
    if spec is None:
        return _blank(lang)
    nlp = load_pipeline(spec)
    if not nlp.has_pipe("parser") and not nlp.has_pipe("senter") and not nlp.has_pipe("sentencizer"):
        nlp.add_pipe("sentencizer")
    return nlp


def pipeline_for(lang: str | None, models: dict[str, str]) -> Language:
    """The pipeline for a language code: its configured model, else a blank one."""
    code = (lang or MULTILINGUAL).lower()
    return _cached(code, models.get(code))
