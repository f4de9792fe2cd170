"""Claim attribution in English, on sentences written by us: one behaviour per test."""

from __future__ import annotations

from collections.abc import Callable

from veille.model import Analysis

Analyse = Callable[..., Analysis]


def test_said_that(analyse: Analyse) -> None:
    [claim] = analyse("Moscow said on Friday that the talks had failed.", "en").claims
    assert (claim.source_entity, claim.cue, claim.content) == ("country:RU", "said", "the talks had failed")


def test_according_to(analyse: Analyse) -> None:
    [claim] = analyse("According to the White House, Iran has sent drones to Russia.", "en").claims
    assert (claim.source_entity, claim.cue) == ("org:white-house", "According to")
    assert claim.content == "Iran has sent drones to Russia"


def test_warned(analyse: Analyse) -> None:
    [claim] = analyse("Washington warned that Russia could attack Ukraine.", "en").claims
    assert (claim.source_entity, claim.kind) == ("country:US", "warning")


def test_inverted_quote_with_pronoun_finds_the_last_person(analyse: Analyse) -> None:
    analysis = analyse('Anna Smith met reporters on Monday. "We will not retreat," she said.', "en")
    [claim] = analysis.claims
    assert (claim.source_entity, claim.source_text) == ("person:anna-smith", "she")
    assert claim.content == "We will not retreat"


def test_participle_cue_takes_the_main_subject(analyse: Analyse) -> None:
    analysis = analyse("Anna Smith criticised the plan, adding that it would cost too much.", "en")
    adding = [c for c in analysis.claims if c.cue == "adding"]
    assert adding and adding[0].source_entity == "person:anna-smith"


def test_instruction_to_the_reader_is_not_a_claim(analyse: Analyse) -> None:
    assert analyse("Please note that comments are moderated.", "en").claims == []


def test_light_verb_with_speech_noun(analyse: Analyse) -> None:
    [claim] = analyse("Anna Smith made comments about the new tariffs.", "en").claims
    assert (claim.source_entity, claim.cue, claim.content) == ("person:anna-smith", "made", "the new tariffs")


def test_infinitive_cue_modifying_its_speaker(analyse: Analyse) -> None:
    analysis = analyse(
        "The Daily Mail became the latest newspaper to endorse the mayor for a second term.", "en"
    )
    [claim] = [c for c in analysis.claims if c.cue == "endorse"]
    assert claim.source_text == "The Daily Mail"


def test_channel_named_with_via(analyse: Analyse) -> None:
    [claim] = analyse("The White House said via Telegram that the talks had failed.", "en").claims
    assert (claim.source_entity, claim.channel) == ("org:white-house", "Telegram")


def test_inverted_cue_with_appositive_links_person_and_organisation(analyse: Analyse) -> None:
    analysis = analyse('"We will not retreat," said Anna Smith, a spokeswoman for the White House.', "en")
    [claim] = analysis.claims
    assert claim.source_entity == "person:anna-smith"
    assert analysis.entities["person:anna-smith"].attributes["affiliation"] == "org:white-house"


def test_event_reported_after_the_fact_keeps_the_source(analyse: Analyse) -> None:
    analysis = analyse("The drones were shipped from Iran to Russia, the White House said on Friday.", "en")
    [event] = [e for e in analysis.events if e.kind == "shipment"]
    assert (event.actor, event.target, event.source_entity) == ("country:IR", "country:RU", "org:white-house")


def test_agentless_passive_carries_the_previous_source(analyse: Analyse) -> None:
    analysis = analyse(
        "The White House warned that deliveries would resume. It was noted that stocks were low.", "en"
    )
    assert [c.source_entity for c in analysis.claims] == ["org:white-house", "org:white-house"]


def test_the_message_said_carries_source_and_channel(analyse: Analyse) -> None:
    analysis = analyse(
        'The White House posted a message on Telegram. "Talks are moving slowly," the message said.', "en"
    )
    quoted = analysis.claims[-1]
    assert (quoted.source_entity, quoted.channel, quoted.content) == (
        "org:white-house",
        "Telegram",
        "Talks are moving slowly",
    )
