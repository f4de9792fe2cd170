"""Language identification with lingua."""

from __future__ import annotations

import pytest

from veille.errors import ConfigError
from veille.language import detect_language

SAMPLES = {
    "fr": "Le conseil municipal a voté hier soir la rénovation de la piscine et de deux écoles.",
    "en": "The town council voted last night to renovate the swimming pool and two schools.",
    "de": "Der Stadtrat hat gestern Abend beschlossen, das Schwimmbad und zwei Schulen zu renovieren.",
    "es": "El ayuntamiento votó anoche la renovación de la piscina y de dos escuelas.",
    "ru": "Городской совет вчера вечером проголосовал за ремонт бассейна и двух школ.",
    "uk": "Міська рада вчора ввечері проголосувала за ремонт басейну та двох шкіл.",
}


@pytest.mark.parametrize(("code", "text"), SAMPLES.items())
def test_detects_language(code: str, text: str) -> None:
    assert detect_language(text) == code


@pytest.mark.parametrize("text", ["", "   ", "OK", "12 345 678", "<<>>"])
def test_too_short_is_undetermined(text: str) -> None:
    assert detect_language(text) == "und"


def test_language_set_is_configurable() -> None:
    # With only German and Dutch to choose from, French text cannot come out as French.
    assert detect_language(SAMPLES["fr"], ["de", "nl"]) in {"de", "nl", "und"}
    assert detect_language(SAMPLES["fr"], ["fr", "en"]) == "fr"


def test_unknown_language_code_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match="unknown ISO 639-1 language code 'xx'"):
        detect_language(SAMPLES["en"], ["en", "xx"])
    with pytest.raises(ConfigError, match="at least two"):
        detect_language(SAMPLES["en"], ["en"])


@pytest.mark.parametrize("high_accuracy", [False, True])
def test_short_sentences_in_both_modes(high_accuracy: bool) -> None:
    assert detect_language("Pluie et vent fort demain sur la côte.", high_accuracy=high_accuracy) == "fr"
    assert detect_language("Heavy rain and strong wind tomorrow.", high_accuracy=high_accuracy) == "en"
