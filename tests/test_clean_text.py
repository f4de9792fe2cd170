"""Plain-text cleaning: furniture around the article goes, the article stays whole."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from veille.clean.text import boilerplate_patterns, clean_text, normalise_layout

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"

BODY_FR = [
    "Le conseil régional a adopté jeudi un plan de soutien aux transports ruraux, doté de quarante "
    "millions d'euros sur trois ans, après un long débat en séance plénière.",
    "L'opposition juge l'enveloppe insuffisante et réclame une consultation des communes concernées "
    "avant toute décision sur les lignes de car qui seront renforcées.",
    "Le président de la région a promis un premier bilan à l'automne prochain, lorsque les horaires "
    "d'hiver seront publiés et que les premiers chiffres de fréquentation seront connus.",
]
BODY_EN = [
    "The county council approved a rural transport plan on Thursday, worth forty million pounds over "
    "three years, after a long debate in the chamber.",
    "Opposition members called the budget too small and asked for the affected villages to be "
    "consulted before any bus routes are chosen for extra services.",
    "The council leader promised a first review in the autumn, once the winter timetables are out "
    "and the first passenger figures are known.",
]


def gold_articles() -> list[dict[str, Any]]:
    gold = SEEDS / "gold.json"
    if not gold.is_file():
        pytest.skip(f"seed data not found at {SEEDS} (shared/seeds sits beside the repository)")
    articles: list[dict[str, Any]] = json.loads(gold.read_text(encoding="utf-8"))["articles"]
    return articles


@pytest.mark.parametrize("index", [0, 1])
def test_seed_articles_lose_furniture_and_keep_body(index: int) -> None:
    articles = gold_articles()
    if index >= len(articles):
        pytest.skip("gold.json has fewer articles")
    article = articles[index]
    path = SEEDS / article["file"]
    if not path.is_file():
        pytest.skip(f"seed file {path.name} not found")
    cleaned = clean_text(path.read_text(encoding="utf-8"))
    assert cleaned.title == article["title"]
    for furniture in article["not_body"]:
        assert furniture not in cleaned.text, f"furniture left in the body: {furniture!r}"
    for claim in article["claims"]:
        assert claim["key"] in cleaned.text, f"body text lost: {claim['key']!r}"


def test_french_page_furniture() -> None:
    raw = "\n\n".join(
        [
            "Régions",
            "Transports : un plan pour les lignes rurales",
            "Transports : un plan pour les lignes rurales",
            "4 min de lecture",
            *BODY_FR,
            "Partager",
            "Abonnez-vous pour lire tous nos articles et recevoir l'édition du matin chaque jour.",
            "Offre premium",
            "Laissez un commentaire",
            "Veuillez noter que les commentaires sont modérés.",
        ]
    )
    cleaned = clean_text(raw)
    assert cleaned.title == "Transports : un plan pour les lignes rurales"
    assert cleaned.text == "\n\n".join(BODY_FR)
    assert "Régions" in cleaned.dropped


def test_english_page_furniture() -> None:
    raw = "\n".join(
        [
            "Transport",
            "Council backs rural bus plan",
            "5 min read",
            *BODY_EN,
            "Share this article",
            "Subscribe to our newsletter for the morning briefing.",
            "Leave a comment",
            "Comments are moderated before they appear.",
        ]
    )
    cleaned = clean_text(raw)
    assert cleaned.title == "Council backs rural bus plan"
    assert cleaned.text == "\n".join(BODY_EN)


def test_cue_words_inside_the_body_are_kept() -> None:
    # A sentence that starts like a comment-form cue, early in the article, is body text.
    sentence = "Laissez un commentaire sur le projet, ont demandé les élus aux habitants lors de la réunion."
    raw = "\n\n".join(["Concertation sur le tram", sentence, *BODY_FR])
    cleaned = clean_text(raw)
    assert sentence in cleaned.text
    assert cleaned.text.endswith(BODY_FR[-1])


def test_explicit_title_removes_its_repeat_and_the_rubric() -> None:
    raw = "\n\n".join(["Economy", "Council backs rural bus plan", *BODY_EN])
    cleaned = clean_text(raw, title="Council backs rural bus plan")
    assert cleaned.title == "Council backs rural bus plan"
    assert cleaned.text == "\n\n".join(BODY_EN)


def test_short_first_line_before_body_is_the_title_not_a_rubric() -> None:
    raw = "\n\n".join(["Rural buses saved", *BODY_EN])
    cleaned = clean_text(raw)
    assert cleaned.title == "Rural buses saved"
    assert cleaned.text == "\n\n".join(BODY_EN)


def test_text_without_title_line_keeps_its_body_whole() -> None:
    raw = "\n\n".join(BODY_EN)
    cleaned = clean_text(raw)
    assert cleaned.text == raw
    assert cleaned.title is not None and BODY_EN[0].startswith(cleaned.title.rstrip("…"))


def test_layout_normalisation() -> None:
    raw = "Titre\u00a0:\r\nligne\x00 un  \r\n\r\n\r\n\r\nligne\u200b deux"
    assert normalise_layout(raw) == "Titre :\nligne un\n\nligne deux"


def test_every_boilerplate_pattern_compiles_and_matches_its_example() -> None:
    patterns = boilerplate_patterns()
    assert patterns.furniture and patterns.tail_cues and patterns.teasers
    for line in ["de lecture - mots", "5 min de lecture", "5 min read", "Partager", "Share this article"]:
        assert any(p.search(line) for p in patterns.furniture), line


def test_question_title() -> None:
    raw = "\n\n".join(["Faut-il rouvrir la ligne de tram ?", *BODY_FR])
    cleaned = clean_text(raw)
    assert cleaned.title == "Faut-il rouvrir la ligne de tram ?"
    assert cleaned.text == "\n\n".join(BODY_FR)


def test_dropped_furniture_keeps_the_paragraph_break() -> None:
    raw = f"Rural buses saved\n\n{BODY_EN[0]}\n\nShare\n{BODY_EN[1]}"
    assert clean_text(raw).text == f"{BODY_EN[0]}\n\n{BODY_EN[1]}"
