"""Language identification with lingua, for the languages veille is configured to expect."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

UNDETERMINED = "und"
DEFAULT_LANGUAGES: tuple[str, ...] = (
    "fr", "en", "de", "es", "it", "pt", "ru", "uk", "ar", "fa", "zh", "tr", "pl", "nl",
)  # fmt: skip
# Under this many letters lingua's answer is a guess; "und" is the honest answer.
MIN_LETTERS = 12
# lingua's accuracy saturates long before a full article; a prefix keeps detection fast.
SAMPLE_CHARS = 3000
# Reject answers whose lead over the runner-up is this small (lingua's minimum relative distance).
MIN_RELATIVE_DISTANCE = 0.05


def _language_for(code: str) -> Language:
    try:
        return Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper()))
    except (AttributeError, ValueError):
        raise ValueError(f"unknown ISO 639-1 language code {code!r} in ingest.languages") from None


@lru_cache(maxsize=4)
def language_detector(codes: tuple[str, ...] = DEFAULT_LANGUAGES) -> LanguageDetector:
    """One detector per language set, built once: building loads lingua's models (slow)."""
    languages = [_language_for(code) for code in codes]
    if len(languages) < 2:
        raise ValueError("ingest.languages needs at least two languages")
    return (
        LanguageDetectorBuilder.from_languages(*languages)
        .with_minimum_relative_distance(MIN_RELATIVE_DISTANCE)
        .build()
    )


def detect_language(text: str, languages: Iterable[str] | None = None) -> str:
    """ISO 639-1 code of ``text``'s language, or "und" when too short or too uncertain."""
    sample = text[:SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        return UNDETERMINED
    codes = tuple(sorted(c.lower() for c in languages)) if languages is not None else DEFAULT_LANGUAGES
    found = language_detector(codes).detect_language_of(sample)
    return found.iso_code_639_1.name.lower() if found is not None else UNDETERMINED
