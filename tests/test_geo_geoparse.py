"""Place mentions from French and English sentences, with and without a NER model."""

from __future__ import annotations

from collections.abc import Callable

from veille.geo.geoparse import drop_unsupported
from veille.model import Analysis, Place

Geoparse = Callable[..., Analysis]


def _places(a: Analysis) -> list[tuple[str, str]]:
    return [(m.text, a.places[m.place_id].name) for m in a.place_mentions]


def test_mention_offsets_point_into_the_text(geoparse: Geoparse) -> None:
    a = geoparse("Les blindés ont quitté Kharkiv mardi.", "fr")
    (m,) = a.place_mentions
    assert a.article.text[m.start : m.end] == "Kharkiv" == m.text
    assert (m.sentence, m.extractor, m.article_id) == (0, "geo", a.article.id)


def test_french_exonym_resolves_to_the_capital(geoparse: Geoparse) -> None:
    a = geoparse("Les diplomates sont arrivés à Moscou dans la soirée.", "fr")
    assert [a.places[m.place_id].id for m in a.place_mentions] == ["geonames:524901"]


def test_government_use_is_flagged_and_still_linked(geoparse: Geoparse) -> None:
    a = geoparse("Moscou a déclaré que les négociations étaient suspendues.", "fr")
    (m,) = a.place_mentions
    assert m.metonymy is True and m.place_id == "geonames:524901"


def test_place_as_location_is_not_metonymy(geoparse: Geoparse) -> None:
    a = geoparse("The talks took place in Vienna last week.", "en")
    (m,) = a.place_mentions
    assert m.metonymy is False and a.places[m.place_id].country == "AT"


def test_curated_feature_wins_over_the_shorter_ner_span(geoparse: Geoparse) -> None:
    a = geoparse("Les bombardiers décollent de la base aérienne d'Engels, près de Saratov.", "fr")
    assert ("base aérienne d'Engels", "Engels air base") in _places(a)


def test_language_without_a_model_uses_the_gazetteer(geoparse: Geoparse) -> None:
    a = geoparse("Le truppe sono arrivate a Kharkiv e poi a Odessa.", "it")
    assert [name for _, name in _places(a)] == ["Kharkiv", "Odesa"]


def test_lone_small_place_without_support_is_dropped() -> None:
    hamlet = Place("t:hamlet", "Maison Blanche", 48.8, 2.35, "FR", "P.PPL", None, 9_000)
    assert drop_unsupported([hamlet], []) == [None]


def test_small_place_in_a_named_country_is_kept() -> None:
    hamlet = Place("t:hamlet", "Maison Blanche", 48.8, 2.35, "FR", "P.PPL", None, 9_000)
    assert drop_unsupported([hamlet], ["FR"]) == [hamlet]


def test_institution_building_is_a_place_used_for_its_government(geoparse: Geoparse) -> None:
    a = geoparse("La Maison Blanche a averti la Russie vendredi.", "fr")
    white_house = next(m for m in a.place_mentions if m.text == "Maison Blanche")
    assert white_house.metonymy is True and a.places[white_house.place_id].country == "US"


def test_possessive_is_left_out_of_the_mention(geoparse: Geoparse) -> None:
    a = geoparse("Odessa’s port reopened on Monday after the storm.", "en")
    assert [m.text for m in a.place_mentions] == ["Odessa"]


def test_dotted_abbreviation_is_a_country(geoparse: Geoparse) -> None:
    a = geoparse("Officials in the U.S. said the talks would resume.", "en")
    assert [a.places[m.place_id].country for m in a.place_mentions] == ["US"]


def test_cited_source_is_government_use_without_a_parser(geoparse: Geoparse) -> None:
    a = geoparse("Selon Moscou, les négociations reprendront lundi.", "xx")
    (m,) = a.place_mentions
    assert m.metonymy is True and m.place_id == "geonames:524901"


# -- state codes, organisations and people (English model, towns of 15,000+) ----------------


def test_state_code_after_a_town_qualifies_it(geoparse: Geoparse) -> None:
    a = geoparse("The mill in Portland, ME will close in June, its owner said.", "en")
    assert _places(a) == [("Portland", "Portland"), ("ME", "Maine")]
    portland = a.places[a.place_mentions[0].place_id]
    assert portland.country == "US" and portland.lon > -75  # the one in Maine, not Oregon


def test_state_code_alone_is_no_place(geoparse: Geoparse) -> None:
    a = geoparse("Sales in ME were flat, said the head of the firm.", "en")
    assert "Maine" not in [name for _, name in _places(a)]


def test_place_inside_an_organisation_name_only_when_asked(geo_gazetteer, settings) -> None:
    from veille.geo.geoparse import Geoparser
    from veille.model import Article, article_id_for
    from veille.nlp.models import pipeline_for
    from veille.pipeline import sentences_of

    text = "The Toronto Transit Commission said buses would run late on Monday."
    found = {}
    for embedded in (False, True):
        doc = pipeline_for("en", settings.models)(text)
        a = Analysis(article=Article(id=article_id_for(text), text=text, language="en"))
        a.sentences = sentences_of(a.article.id, doc)
        Geoparser(geo_gazetteer, embedded=embedded)(a, doc)
        found[embedded] = [m.text for m in a.place_mentions]
    assert found == {False: [], True: ["Toronto"]}


def test_compass_word_alone_is_no_place(geoparse: Geoparse) -> None:
    a = geoparse("The Centre asked the court for more time, the State said.", "en")
    assert a.place_mentions == []


def test_a_known_name_after_in_is_a_place_whatever_ner_says(geoparse: Geoparse) -> None:
    # The small English model reads some towns as people; "In X," still names a place.
    a = geoparse("In Cirencester, the council closed the road to Gloucester for a week.", "en")
    assert "Cirencester" in [name for _, name in _places(a)]


def test_upper_case_us_is_no_stop_word(geo_gazetteer, settings) -> None:
    from veille.geo.geoparse import _name_edge
    from veille.nlp.models import pipeline_for

    doc = pipeline_for("en", settings.models)("Tell us what the US did.")
    us_lower, us_upper = doc[1], doc[4]
    assert (_name_edge(us_lower), _name_edge(us_upper)) == (False, True)


def test_lower_case_compass_word_is_not_part_of_the_name(settings) -> None:
    from veille.geo.geoparse import _trim
    from veille.nlp.models import pipeline_for

    doc = pipeline_for("en", settings.models)("Shelling went on in eastern Aleppo and in Western Sahara.")
    assert doc[_trim(doc, 4, 6)[0] : 6].text == "Aleppo"  # "eastern Aleppo" as NER may give it
    assert doc[slice(*_trim(doc, 8, 10))].text == "Western Sahara"  # a name's own capital stays


def test_dotted_initials_can_be_a_name(geo_gazetteer, settings) -> None:
    from veille.geo.geoparse import _name_edge
    from veille.nlp.models import pipeline_for

    doc = pipeline_for("en", settings.models)("The U.S. agency said so.")
    assert _name_edge(doc[1]) and not _name_edge(doc[0])


def test_a_capitalised_stop_word_can_end_a_name(geoparse: Geoparse) -> None:
    a = geoparse("The ambassador presented his letters to the Holy See on Monday.", "en")
    assert [(m.text, a.places[m.place_id].country) for m in a.place_mentions] == [("Holy See", "VA")]
