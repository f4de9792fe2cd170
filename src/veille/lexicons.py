"""Word lists shipped with veille as TOML data, and the language an extractor reads them for."""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from typing import Any

from spacy.tokens import Doc

from veille.model import Analysis

_WORDS = re.compile(r"\w+['’]|[\w-]+|[^\w\s]")


def package_toml(package: str, name: str) -> dict[str, Any]:
    """A TOML file inside a veille package (``package_toml("veille.claims", "cues.toml")``)."""
    return tomllib.loads(resources.files(package).joinpath(name).read_text(encoding="utf-8"))


def words_of(phrase: str) -> tuple[str, ...]:
    """Split a lexicon phrase the way spaCy tokenises it ("d'après" -> "d'", "après"), lower case."""
    return tuple(_WORDS.findall(phrase.lower()))


def language_of(analysis: Analysis, doc: Doc) -> str:
    """The article's language code, else the pipeline's; lexicons fall back to English."""
    return (analysis.article.language or doc.lang_ or "en").lower()
