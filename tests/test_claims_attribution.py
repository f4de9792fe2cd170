"""Claim attribution in French, on sentences written by us: one behaviour per test."""

from __future__ import annotations

from collections.abc import Callable

import spacy
from spacy.tokens import Doc

from veille.claims.attribution import AttributionExtractor
from veille.config import Settings
from veille.model import Analysis, Article, Claim, Entity, Mention
from veille.nlp.models import pipeline_for
from veille.nlp.syntax import segments
from veille.pipeline import sentences_of

Analyse = Callable[..., Analysis]


def only_claim(analysis: Analysis) -> Claim:
    assert len(analysis.claims) == 1, [c.content for c in analysis.claims]
    return analysis.claims[0]


def test_indirect_speech_source_cue_content(analyse: Analyse) -> None:
    claim = only_claim(
        analyse("Anna Petrova a déclaré mardi que la Chine allait construire un port au Chili.")
    )
    assert claim.source_entity == "person:anna-petrova"
    assert claim.source_text == "Anna Petrova"
    assert claim.cue == "déclaré"
    assert claim.content == "la Chine allait construire un port au Chili"
    assert claim.kind == "statement"


def test_offsets_point_into_the_article(analyse: Analyse) -> None:
    analysis = analyse("Anna Petrova a déclaré que le port ouvrirait en mai.")
    claim = only_claim(analysis)
    text = analysis.article.text
    assert text[claim.start : claim.end] == claim.content
    assert claim.cue_start is not None and text[claim.cue_start : claim.cue_end] == claim.cue
    assert claim.sentence == 0
    assert claim.extractor == "claims.attribution"


def test_about_lists_entities_of_the_content(analyse: Analyse) -> None:
    claim = only_claim(analyse("Anna Petrova a déclaré que la Chine allait construire un port au Chili."))
    assert claim.about == ["country:CN", "country:CL"]


def test_selon_names_the_source(analyse: Analyse) -> None:
    claim = only_claim(analyse("Selon la Maison Blanche, l'accord sera signé en mai."))
    assert (claim.source_entity, claim.cue) == ("org:white-house", "Selon")
    assert claim.content == "l'accord sera signé en mai"


def test_selon_lesquelles_is_not_a_source(analyse: Analyse) -> None:
    analysis = analyse("Ils affirment avoir des informations selon lesquelles la Serbie recevrait des armes.")
    assert all(c.cue.lower() != "selon" for c in analysis.claims)


def test_capital_as_source_is_its_country(analyse: Analyse) -> None:
    claim = only_claim(analyse("Moscou estime que la Chine pourrait livrer des drones à la Serbie."))
    assert claim.source_entity == "country:RU"


def test_assessment_with_modal_is_a_forecast(analyse: Analyse) -> None:
    claim = only_claim(analyse("Moscou estime que la Chine pourrait livrer des drones à la Serbie."))
    assert claim.kind == "forecast"


def test_warning_cue(analyse: Analyse) -> None:
    claim = only_claim(analyse("La Maison Blanche a averti que les livraisons allaient reprendre."))
    assert claim.kind == "warning"


def test_published_map_is_evidence(analyse: Analyse) -> None:
    claim = only_claim(analyse("La Maison Blanche a publié une carte montrant les routes de livraison."))
    assert claim.kind == "evidence"
    assert claim.content.startswith("une carte")


def test_pronoun_carries_the_previous_source(analyse: Analyse) -> None:
    analysis = analyse(
        "Anna Petrova a déclaré que le port ouvrirait bientôt. Elle a ajouté que les travaux coûteraient cher."
    )
    second = analysis.claims[1]
    assert (second.source_entity, second.source_text, second.sentence) == ("person:anna-petrova", "Elle", 1)


def test_impersonal_passive_carries_the_previous_source(analyse: Analyse) -> None:
    analysis = analyse(
        "La Maison Blanche a averti que les livraisons allaient reprendre. "
        "Il a été noté que les stocks de l'armée étaient faibles."
    )
    assert [c.source_entity for c in analysis.claims] == ["org:white-house", "org:white-house"]


def test_generic_noun_after_a_quote_carries_source_and_channel(analyse: Analyse) -> None:
    analysis = analyse(
        "La Maison Blanche a publié un message sur Telegram. « Les négociations avancent lentement », a indiqué le message."
    )
    quoted = analysis.claims[-1]
    assert quoted.content == "Les négociations avancent lentement"
    assert (quoted.source_entity, quoted.source_text) == ("org:white-house", "le message")
    assert quoted.channel == "Telegram"


def test_connective_carries_attribution_to_a_sentence_without_cue(analyse: Analyse) -> None:
    analysis = analyse(
        "La Maison Blanche a déclaré que la Chine avait livré des missiles à la Serbie. "
        "En outre, la Serbie cherche à acheter des avions de chasse."
    )
    follow = analysis.claims[-1]
    assert (follow.source_entity, follow.sentence) == ("org:white-house", 1)
    # the connective is a discourse marker: the cue is the one of the sentence that named the source
    first = analysis.claims[0]
    assert (follow.cue, follow.cue_start, follow.cue_end) == ("déclaré", first.cue_start, first.cue_end)


def test_sentence_initial_adverbial_is_never_a_cue(analyse: Analyse) -> None:
    analysis = analyse(
        "The White House said that China had delivered missiles to Serbia. "
        "In particular, Serbia is buying fighter jets. Currently, the talks are stalled.",
        "en",
    )
    cues = [(c.cue, c.sentence) for c in analysis.claims]
    assert cues == [("said", 0), ("said", 1), ("said", 2)]
    assert all(c.source_entity == analysis.claims[0].source_entity for c in analysis.claims)


def test_sentence_without_cue_or_connective_is_not_attributed(analyse: Analyse) -> None:
    analysis = analyse(
        "La Maison Blanche a déclaré que la Chine avait livré des missiles. La Serbie cherche à acheter des avions."
    )
    assert len(analysis.claims) == 1


def test_spokesperson_is_linked_to_the_organisation(analyse: Analyse) -> None:
    analysis = analyse(
        "Marc Dubois, porte-parole de la Maison Blanche, a déclaré que la Chine avait livré des missiles à la Serbie."
    )
    claim = only_claim(analysis)
    assert claim.source_entity == "person:marc-dubois"
    assert analysis.entities["person:marc-dubois"].attributes["affiliation"] == "org:white-house"


def test_date_of_the_statement(analyse: Analyse) -> None:
    claim = only_claim(analyse("Le 3 mars, Anna Petrova a déclaré que le port ouvrirait en mai."))
    assert claim.date == "--03-03"


def test_date_resolved_with_publication(analyse: Analyse) -> None:
    claim = only_claim(
        analyse("Le 3 mars, Anna Petrova a déclaré que le port ouvrirait.", "fr", "2024-05-10")
    )
    assert claim.date == "2024-03-03"


def test_instruction_to_the_reader_is_not_a_claim(analyse: Analyse) -> None:
    assert analyse("Veuillez noter que les commentaires sont modérés.").claims == []


def test_speech_noun_object_is_a_cue(analyse: Analyse) -> None:
    claim = only_claim(
        analyse("Les États-Unis ont exprimé leur inquiétude quant aux livraisons de drones à la Russie.")
    )
    assert (claim.source_entity, claim.cue, claim.kind) == ("country:US", "exprimé", "warning")
    assert claim.content == "livraisons de drones à la Russie"


def test_merged_sentence_is_split_at_full_stop_but_not_after_a_title() -> None:
    words = ["Le", "port", "ouvrira", ".", "Selon", "Dr", ".", "Dupont", ",", "non", "."]
    doc = Doc(
        spacy.blank("fr").vocab,
        words=words,
        spaces=[True, True, False, True, True, False, True, False, True, False, False],
        sent_starts=[True] + [False] * 10,
    )
    assert [s.text for s in segments(doc[:])] == ["Le port ouvrira.", "Selon Dr. Dupont, non."]


def test_direct_speech_before_an_inverted_cue(analyse: Analyse) -> None:
    claim = only_claim(analyse("« Nous ne reculerons pas », a déclaré Anna Petrova."))
    assert (claim.source_entity, claim.content) == ("person:anna-petrova", "Nous ne reculerons pas")


def test_affiliation_does_not_change_an_entity_shared_between_articles(settings: Settings) -> None:
    text = "Marc Dubois, porte-parole de la Maison Blanche, a déclaré que le port ouvrirait."
    doc = pipeline_for("fr", settings.models)(text)
    shared = Entity("person:marc-dubois", "Marc Dubois", "person")
    analysis = Analysis(article=Article(id="a", text=text, language="fr"), sentences=sentences_of("a", doc))
    start = text.index("Maison Blanche")
    analysis.mentions = [
        Mention("a", 0, 11, "Marc Dubois", "PER", 0, "test", "person:marc-dubois"),
        Mention("a", start, start + 14, "Maison Blanche", "ORG", 0, "test", "org:white-house"),
    ]
    analysis.entities = {
        shared.id: shared,
        "org:white-house": Entity("org:white-house", "White House", "organisation"),
    }
    AttributionExtractor()(analysis, doc)
    assert analysis.entities[shared.id].attributes["affiliation"] == "org:white-house"
    assert shared.attributes == {}


def test_weekday_of_the_statement_resolved_with_publication(analyse: Analyse) -> None:
    # 2024-03-07 is a Thursday: "vendredi" is the Friday before, 2024-03-01.
    claim = only_claim(analyse("Anna Petrova a déclaré vendredi que le port ouvrirait.", "fr", "2024-03-07"))
    assert claim.date == "2024-03-01"
