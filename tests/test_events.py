"""Events on sentences written by us (French and English), and the ontology's documentation."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from veille.events.ontology import load_ontology
from veille.model import Analysis, Event

Analyse = Callable[..., Analysis]
DOCS = Path(__file__).resolve().parents[1] / "docs" / "events.md"


def typed(analysis: Analysis) -> list[Event]:
    """Events other than the statement each claim gives."""
    return [e for e in analysis.events if e.kind != "statement"]


def only_event(analysis: Analysis) -> Event:
    events = typed(analysis)
    assert len(events) == 1, [(e.kind, e.actor, e.target) for e in events]
    return events[0]


def test_investment_with_money_and_year(analyse: Analyse) -> None:
    event = only_event(analyse("La Chine a investi 3,5 milliards de dollars au Chili en 2021."))
    assert (event.kind, event.actor, event.target) == ("investment", "country:CN", "country:CL")
    assert event.amount is not None and event.amount.value == pytest.approx(3.5e9)
    assert event.amount.unit == "USD"
    assert event.time == "2021"


def test_receiving_weapons_makes_the_giver_the_actor(analyse: Analyse) -> None:
    event = only_event(analyse("La Serbie a reçu des centaines de missiles de la Chine."))
    assert (event.kind, event.actor, event.target) == ("arms_transfer", "country:CN", "country:RS")
    assert event.quantity is not None and event.quantity.value_min == 200


def test_non_military_transfer_is_not_arms(analyse: Analyse) -> None:
    event = only_event(analyse("La Serbie a reçu des documents de la Chine."))
    assert event.kind == "transfer"


def test_english_delivery(analyse: Analyse) -> None:
    event = only_event(analyse("China delivered hundreds of drones to Serbia.", "en"))
    assert (event.kind, event.actor, event.target) == ("arms_transfer", "country:CN", "country:RS")


def test_strike_on_a_city_targets_its_country_and_keeps_the_place(analyse: Analyse) -> None:
    event = only_event(analyse("La Russie a frappé Kiev."))
    assert (event.kind, event.actor, event.target, event.place) == (
        "strike",
        "country:RU",
        "country:UA",
        "place:kyiv",
    )


def test_strike_campaign_from_a_demonym(analyse: Analyse) -> None:
    event = only_event(analyse("La campagne russe de frappes sur l'Ukraine continue."))
    assert (event.kind, event.actor, event.target) == ("strike_campaign", "country:RU", "country:UA")


def test_membership(analyse: Analyse) -> None:
    event = only_event(analyse("L'adhésion de l'Égypte aux BRICS a été annoncée."))
    assert (event.kind, event.actor, event.target) == ("membership", "country:EG", "org:brics")


def test_shipment_from_and_to(analyse: Analyse) -> None:
    event = only_event(analyse("Les drones sont expédiés de l'Iran vers la Russie."))
    assert (event.kind, event.actor, event.target) == ("shipment", "country:IR", "country:RU")


def test_licensed_production_origin_from_demonym(analyse: Analyse) -> None:
    event = only_event(analyse("La Russie produit des drones iraniens sous licence."))
    assert (event.kind, event.actor, event.target) == ("licensed_production", "country:IR", "country:RU")


def test_purchase_request_for_weapons(analyse: Analyse) -> None:
    event = only_event(analyse("L'Égypte cherche à acheter des avions de chasse en provenance de France."))
    assert (event.kind, event.actor, event.target) == ("arms_purchase_request", "country:EG", "country:FR")


def test_reported_event_keeps_its_claim_and_source(analyse: Analyse) -> None:
    analysis = analyse("Moscou estime que la Chine pourrait livrer des drones à la Serbie.")
    event = only_event(analysis)
    [claim] = analysis.claims
    assert (event.claim_id, event.source_entity) == (claim.id, "country:RU")


def test_source_of_according_to_is_not_a_party(analyse: Analyse) -> None:
    event = only_event(analyse("According to the White House, Iran has sent drones to Russia.", "en"))
    assert (event.actor, event.target) == ("country:IR", "country:RU")


def test_each_attributed_claim_is_a_statement_event(analyse: Analyse) -> None:
    analysis = analyse("Anna Petrova a déclaré que le port ouvrirait en mai.")
    [statement] = [e for e in analysis.events if e.kind == "statement"]
    assert (statement.actor, statement.claim_id) == ("person:anna-petrova", analysis.claims[0].id)


def test_no_event_without_a_party(analyse: Analyse) -> None:
    assert typed(analyse("Des drones ont été livrés hier.")) == []


def test_every_kind_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    missing = [kind for kind in load_ontology().kinds() if f"`{kind}`" not in text]
    assert missing == []


def test_language_without_parser_gets_no_events_and_no_error(analyse: Analyse) -> None:
    analysis = analyse("Polska otrzymała drony od Chin.", "pl")
    assert typed(analysis) == [] and analysis.claims == []


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        (
            "La Russie a lancé une attaque de drones contre Kiev, puis a frappé Odessa et signé un accord.",
            "fr",
        ),
        ("Russia launched a drone attack on Kyiv, struck Odesa and signed a deal with Iran.", "en"),
    ],
)
def test_triggers_are_those_a_lemma_matcher_finds(settings, text: str, lang: str) -> None:
    from spacy.matcher import Matcher

    from veille.events.extraction import EventExtractor
    from veille.nlp.models import pipeline_for

    extractor = EventExtractor(load_ontology())
    doc = pipeline_for(lang, settings.models)(text)
    matcher = Matcher(doc.vocab)
    for i, group in enumerate(extractor.ontology.groups):
        matcher.add(str(i), [[{"LEMMA": {"IN": sorted(group.verbs)}, "POS": "VERB"}]])
        matcher.add(str(i), [[{"LEMMA": {"IN": sorted(group.nouns)}, "POS": "NOUN"}]])
    expected = [
        (start, extractor.ontology.groups[int(doc.vocab.strings[key])]) for key, start, _ in matcher(doc)
    ]
    found = [(token.i, group) for token, group in extractor.triggers(doc)]
    assert found == expected and len(found) >= 2
