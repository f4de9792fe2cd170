"""English attribution beyond "X said that": nominal cues, quotations, speakers and nesting.

Sentences written by us, one behaviour per test (issue 16).
"""

from __future__ import annotations

from collections.abc import Callable

from veille.model import Analysis, Claim

Analyse = Callable[..., Analysis]


def only(analysis: Analysis) -> Claim:
    assert len(analysis.claims) == 1, [(c.source_text, c.cue, c.content) for c in analysis.claims]
    return analysis.claims[0]


def source_of(text: str, claim: Claim) -> str:
    assert claim.source_start is not None and claim.source_end is not None
    return text[claim.source_start : claim.source_end]


def test_possessive_owner_of_a_speech_noun(analyse: Analyse) -> None:
    text = "Nobody acted on Anna Smith's warning that the bridge could collapse."
    claim = only(analyse(text, "en"))
    assert (source_of(text, claim), claim.cue, claim.content) == (
        "Anna Smith's",
        "warning",
        "the bridge could collapse",
    )
    assert claim.kind == "warning"


def test_light_verb_with_a_speech_noun_and_its_topic(analyse: Analyse) -> None:
    claim = only(analyse("Anna Smith raised questions about the harbour budget.", "en"))
    assert (claim.source_entity, claim.content) == ("person:anna-smith", "the harbour budget")


def test_according_to_a_pronoun_takes_the_person_named_before(analyse: Analyse) -> None:
    text = "Anna Smith spoke to the port workers. According to her, the port will reopen in May."
    claim = only(analyse(text, "en"))
    assert (claim.source_entity, claim.source_text) == ("person:anna-smith", "her")
    assert claim.content == "the port will reopen in May"


def test_as_reported_by_is_an_according_marker(analyse: Analyse) -> None:
    claim = only(analyse("The port will reopen in May, as reported by the Harbour Gazette.", "en"))
    assert claim.cue == "as reported by"
    assert claim.content == "The port will reopen in May"


def test_quotation_of_two_sentences_before_an_inverted_cue(analyse: Analyse) -> None:
    text = '"The port is closed. Ships are waiting outside," said Anna Smith.'
    claim = only(analyse(text, "en"))
    assert claim.source_entity == "person:anna-smith"
    assert claim.content == "The port is closed. Ships are waiting outside"


def test_quotation_resumed_after_the_cue_is_one_content(analyse: Analyse) -> None:
    text = '"The port is closed," Anna Smith said, "and the ships are waiting outside."'
    claim = only(analyse(text, "en"))
    assert claim.content.startswith("The port is closed")
    assert claim.content.endswith("the ships are waiting outside")


def test_quotation_in_the_paragraph_after_a_colon(analyse: Analyse) -> None:
    text = 'Anna Smith said:\n\n"The port is closed. The ships are waiting."\n\nTraffic resumed later.'
    claim = only(analyse(text, "en"))
    assert (claim.source_entity, claim.content) == (
        "person:anna-smith",
        "The port is closed. The ships are waiting",
    )


def test_quotation_running_over_paragraphs(analyse: Analyse) -> None:
    text = (
        'Anna Smith said: "The port is closed.\n\n'
        '"The ships are waiting outside and the crews are tired."\n\n'
        "Traffic resumed later."
    )
    claim = only(analyse(text, "en"))
    assert claim.content.startswith("The port is closed")
    assert claim.content.endswith("the crews are tired")


def test_transcript_speaker_before_a_colon(analyse: Analyse) -> None:
    text = "The interview went as follows.\n\nSMITH: The port stays closed until the storm has passed."
    claim = only(analyse(text, "en"))
    assert (claim.source_text, claim.cue) == ("SMITH", ":")
    assert claim.content == "The port stays closed until the storm has passed"


def test_news_slug_before_a_colon_is_not_a_speaker(analyse: Analyse) -> None:
    assert analyse("The Latest: storm closes the port of Dover.", "en").claims == []


def test_quotation_credited_after_a_dash(analyse: Analyse) -> None:
    text = (
        "Readers wrote to us.\n\n“The port should never have closed.” ― Anna Smith\n\nMore letters followed."
    )
    claim = only(analyse(text, "en"))
    assert (claim.source_text, claim.content) == ("Anna Smith", "The port should never have closed")


def test_cue_inside_a_quotation_is_the_quoted_speakers_wording(analyse: Analyse) -> None:
    claim = only(analyse('"I think the port is closed," Anna Smith said.', "en"))
    assert (claim.source_entity, claim.content) == ("person:anna-smith", "I think the port is closed")


def test_report_nested_in_a_claim_stays_inside_it(analyse: Analyse) -> None:
    claim = only(analyse("Anna Smith said the mayor promised to reopen the port.", "en"))
    assert (claim.source_entity, claim.cue) == ("person:anna-smith", "said")
    assert claim.content == "the mayor promised to reopen the port"


def test_anonymous_source_is_kept_with_its_words(analyse: Analyse) -> None:
    text = "Senior officials said the port would reopen in May."
    claim = only(analyse(text, "en"))
    assert (claim.source_entity, source_of(text, claim)) == (None, "Senior officials")


def test_parenthetical_cue_inside_the_sentence(analyse: Analyse) -> None:
    claim = only(analyse("The port, Anna Smith said, will reopen in May.", "en"))
    assert claim.source_entity == "person:anna-smith"
    assert "reopen in May" in claim.content


def test_cue_clause_closing_the_sentence(analyse: Analyse) -> None:
    text = "Anna Smith visited the docks. Ships like these, she said."
    claim = only(analyse(text, "en"))
    assert (claim.source_entity, claim.content) == ("person:anna-smith", "Ships like these")


def test_verb_with_a_preposition_keeps_it_in_the_cue(analyse: Analyse) -> None:
    claim = only(analyse("Anna Smith called for an inquiry into the harbour fire.", "en"))
    assert (claim.cue, claim.content) == ("called for", "an inquiry into the harbour fire")


def test_stance_adjective_is_a_cue(analyse: Analyse) -> None:
    claim = only(analyse("Anna Smith is worried that the port will close.", "en"))
    assert (claim.source_entity, claim.kind, claim.content) == (
        "person:anna-smith",
        "warning",
        "the port will close",
    )


def test_speaker_phrase_drops_a_participle_after_a_comma(analyse: Analyse) -> None:
    text = "Anna Smith, speaking to reporters in Dover, said the port would reopen."
    claim = only(analyse(text, "en"))
    assert source_of(text, claim) == "Anna Smith"


def test_relative_that_is_not_a_speaker(analyse: Analyse) -> None:
    analysis = analyse("She released a letter that says the port is safe.", "en")
    assert all(c.source_text.lower() != "that" for c in analysis.claims)


def test_source_types(analyse: Analyse) -> None:
    text = (
        "Anna Smith said the port was closed. She said the ships were waiting. "
        "Senior officials said the storm would pass."
    )
    types = [(c.source_text, c.source_type) for c in analyse(text, "en").claims]
    assert types == [("Anna Smith", "named"), ("She", "pronoun"), ("Senior officials", "anonymous")]


def test_description_resolved_to_the_entity_in_focus(analyse: Analyse) -> None:
    text = "The White House said the talks had failed. The statement said new talks would follow."
    last = analyse(text, "en").claims[-1]
    assert (last.source_text, last.source_entity, last.source_type) == (
        "The statement",
        "org:white-house",
        "description",
    )


def test_label_before_a_colon_is_not_a_speaker(analyse: Analyse) -> None:
    text = "The storm hit the coast.\n\nUPDATE: The port of Dover closed on Monday evening."
    assert all(c.cue != ":" for c in analyse(text, "en").claims)
