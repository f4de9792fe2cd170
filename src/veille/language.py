"""Language identification with lingua, for the languages veille is configured to expect."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

from veille.config import default_settings
from veille.errors import ConfigError

UNDETERMINED = "und"
DEFAULT_LANGUAGES = default_settings().ingest.languages  # ingest.languages
# Under this many letters lingua's answer is a guess; "und" is the honest answer.
MIN_LETTERS = 12
# lingua's accuracy saturates long before a full article; a prefix keeps detection fast.
SAMPLE_CHARS = 3000
# lingua's high-accuracy mode adds 1- to 5-gram models for short texts; loading them all
# costs seconds (about 9 s on a busy 2-core machine for the default languages, the first time
# a short Latin-script text comes) against 0.5 s for the trigram-only low-accuracy mode. On
# our French/English/German/Russian/Ukrainian test sentences of 30-90 characters both modes
# agree, and news articles are long, so low accuracy is the default (ingest.language_high_accuracy).
#
# Reject answers whose lead over the runner-up is this small (lingua's minimum relative distance).
MIN_RELATIVE_DISTANCE = 0.05


def _language_for(code: str) -> Language:
    try:
        return Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper()))
    except (AttributeError, ValueError):
        raise ConfigError(
            f"unknown ISO 639-1 language code {code!r} in ingest.languages (use two-letter codes like 'fr')"
        ) from None


@lru_cache(maxsize=4)
def language_detector(codes: tuple[str, ...], high_accuracy: bool = False) -> LanguageDetector:
    """One detector per language set and mode, built once (lingua loads its models lazily)."""
    languages = [_language_for(code) for code in codes]
    if len(set(languages)) < 2:
        raise ConfigError("ingest.languages needs at least two languages")
    builder = LanguageDetectorBuilder.from_languages(*languages).with_minimum_relative_distance(
        MIN_RELATIVE_DISTANCE
    )
    if not high_accuracy:
        builder = builder.with_low_accuracy_mode()
    return builder.build()


def language_codes(languages: Iterable[str] | None) -> tuple[str, ...]:
    """The configured codes, checked (ConfigError on an unknown one) and in a canonical order."""
    codes = tuple(sorted({str(c).lower() for c in (DEFAULT_LANGUAGES if languages is None else languages)}))
    if len(codes) < 2:
        raise ConfigError("ingest.languages needs at least two languages")
    for code in codes:
        _language_for(code)
    return codes


def detect_language(text: str, languages: Iterable[str] | None = None, *, high_accuracy: bool = False) -> str:
    """ISO 639-1 code of ``text``'s language, or "und" when too short or too uncertain."""
    sample = text[:SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        return UNDETERMINED
    # Canonical order, so that the same set from settings or from the default shares one detector.
    found = language_detector(language_codes(languages), high_accuracy).detect_language_of(sample)
    return found.iso_code_639_1.name.lower() if found is not None else UNDETERMINED
