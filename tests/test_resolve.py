"""Entity resolution on small sentences written for these tests."""

from __future__ import annotations

from veille.model import entity_kind
from veille.names.knowledge import knowledge_base


def entity_of(analysis, text: str) -> tuple[str, str | None]:
    for m in analysis.mentions:
        if m.text == text:
            return m.entity_id, m.role
    raise AssertionError(f"no mention {text!r} in {[m.text for m in analysis.mentions]}")


def test_country_names_and_demonyms_resolve_to_one_country(analyse):
    a = analyse(
        "La Fédération de Russie a signé un accord. La Russie et les industriels russes s'en félicitent."
    )
    assert entity_of(a, "Fédération de Russie")[0] == "country:RU"
    assert entity_of(a, "Russie")[0] == "country:RU"
    assert entity_of(a, "russes")[0] == "country:RU"
    assert a.entities["country:RU"].name == "Russia"


def test_capital_as_agent_is_the_government(analyse):
    a = analyse("Moscou cherche à contourner les sanctions. Téhéran a annoncé un nouvel accord commercial.")
    assert entity_of(a, "Moscou") == ("country:RU", "government")
    assert entity_of(a, "Téhéran") == ("country:IR", "government")


def test_capital_as_location_is_the_city(analyse):
    a = analyse("L'usine se trouve à 300 kilomètres au sud de Moscou, selon les images publiées.")
    entity_id, role = entity_of(a, "Moscou")
    assert entity_id == "place:moscow"
    assert role is None


def test_english_capital_as_subject(analyse):
    a = analyse("Washington says the shipments continued through the summer.", "en")
    assert entity_of(a, "Washington") == ("country:US", "government")


def test_organisations_from_the_knowledge_base(analyse):
    a = analyse(
        "La Maison Blanche a averti jeudi. Le ministère britannique de la Défense a publié une note, "
        "et les renseignements britanniques ont confirmé."
    )
    assert entity_of(a, "Maison Blanche")[0] == "org:white-house"
    assert a.entities["org:white-house"].country == "US"
    assert entity_of(a, "ministère britannique de la Défense")[0] == "org:uk-ministry-of-defence"
    assert entity_of(a, "renseignements britanniques")[0] == "org:uk-ministry-of-defence"


def test_surname_joins_the_full_name_in_the_article(analyse):
    a = analyse("John Kirby a répondu aux journalistes. Plus tard, Kirby a précisé sa pensée.")
    ids = {m.entity_id for m in a.mentions if "Kirby" in m.text}
    assert ids == {"person:john-kirby"}
    assert a.entities["person:john-kirby"].name == "John Kirby"


def test_transliterated_acronym_matches_by_sound(analyse):
    a = analyse("Le pays a été invité au Brix Economic Forum cette année.")
    assert entity_of(a, "Brix") == ("org:brics", None)


def test_lowercase_common_word_is_not_a_country(analyse):
    a = analyse("We ate turkey and rice before the chad of paper fell.", "en")
    assert not any(m.entity_id and m.entity_id.startswith("country:") for m in a.mentions)


def test_language_without_model_still_gets_gazetteer_entities(analyse):
    a = analyse("Das Weiße Haus erklärte, Iran liefere Drohnen an Russland.", "de")
    ids = {m.entity_id for m in a.mentions}
    assert {"country:IR", "country:RU"} <= ids
    assert all(m.extractor == "entities.gazetteer" for m in a.mentions)
    assert a.sentences, "a blank pipeline still splits sentences"


def test_every_mention_has_provenance(analyse):
    text = "Selon Kiev, l'Ukraine a reçu des drones. Le Kremlin dément."
    a = analyse(text)
    assert a.mentions
    for m in a.mentions:
        assert text[m.start : m.end] == m.text
        assert m.sentence >= 0 and m.extractor and m.article_id == a.article.id


def test_entity_kind_is_read_from_the_id_prefix_table():
    assert entity_kind("country:RU") == "country"
    assert entity_kind("org:white-house") == "organisation"
    assert entity_kind("person:john-kirby") == "person"
    assert entity_kind("place:moscow") == "place"
    assert entity_kind("outlet:reuters.com") is None  # a story source, not an entity
    assert entity_kind("org") is None and entity_kind(None) is None


def test_every_known_entity_id_names_its_kind():
    mismatched = [(e.id, e.kind) for e in knowledge_base().entities.values() if entity_kind(e.id) != e.kind]
    assert not mismatched


def test_resolved_entities_ids_name_their_kind(analyse):
    a = analyse("John Kirby, porte-parole de la Maison Blanche, a déclaré que Moscou et l'Iran coopèrent.")
    kinds = {e.kind for e in a.entities.values()}
    assert {"person", "organisation", "country"} <= kinds
    assert all(entity_kind(e.id) == e.kind for e in a.entities.values())
