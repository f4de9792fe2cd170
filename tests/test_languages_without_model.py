"""Languages without a spaCy model: lemmas, inflected names, Ukrainian, and what each article says ran.

Texts written for these tests.
"""

from __future__ import annotations

import sqlite3
import subprocess

import pytest

from cli_run import run_veille
from veille.config import with_values
from veille.nlp.lemmas import simplemma_code
from veille.nlp.models import pipeline_for
from veille.store.database import Store


def places(analysis) -> dict[str, str]:
    return {m.text: m.place_id for m in analysis.place_mentions}


def entity_ids(analysis) -> dict[str, str | None]:
    return {m.text: m.entity_id for m in analysis.mentions}


def test_blank_pipelines_get_simplemma_lemmas():
    doc = pipeline_for("pl", {})("Rozmowy odbyły się w Warszawie.")
    assert [t.lemma_ for t in doc][-2] == "Warszawa"
    assert simplemma_code("hr") == "hbs" and simplemma_code("ja") is None


@pytest.mark.parametrize(
    ("lang", "text", "surface", "place"),
    [
        ("ru", "Делегация прибыла в Тегеран, а затем переговоры продолжились в Москве.", "Москве", "524901"),
        ("uk", "Делегація повернулася до Києва після переговорів у Москві.", "Москві", "524901"),
        ("pl", "Rozmowy odbyły się w Warszawie, a potem w Moskwie.", "Warszawie", "756135"),
        ("cs", "Ministr odletěl z Prahy na jednání do Vídně.", "Prahy", "3067696"),
        ("sl", "Predsednik se je vrnil v Ljubljano z obiska v Beogradu.", "Ljubljano", "3196359"),
        ("de", "Die Gespräche in Moskau und die Lage Deutschlands wurden besprochen.", "Deutschlands", None),
    ],
)
def test_inflected_place_names_match_through_lemmas(analyse, lang, text, surface, place):
    a = analyse(text, lang)
    found = places(a)
    assert surface in found, found
    if place:
        assert found[surface] == f"geonames:{place}"
    # Offsets stay on the surface form.
    m = next(m for m in a.place_mentions if m.text == surface)
    assert text[m.start : m.end] == surface


def test_inflected_country_names_resolve_to_the_country(analyse):
    a = analyse("Соглашение с Ираном подписано, сообщили в России.", "ru")
    ids = entity_ids(a)
    assert ids["Ираном"] == "country:IR" and ids["России"] == "country:RU"


def test_ukrainian_people_organisations_and_places(analyse):
    text = (
        "Президент України Володимир Зеленський провів зустріч у Києві з делегацією Європейського союзу. "
        "Після цього міністр Дмитро Кулеба вирушив до Варшави."
    )
    a = analyse(text, "uk")
    people = {m.text for m in a.mentions if m.label == "PER"}
    assert "Володимир Зеленський" in people and "Дмитро Кулеба" in people
    assert entity_ids(a)["України"] == "country:UA"
    assert places(a)["Києві"] == "geonames:703448"
    assert places(a)["Варшави"] == "geonames:756135"
    # slovnet took no inflected town for a person.
    assert not {"Києві", "Варшави"} & people


def test_lowercase_and_short_words_do_not_become_names_through_lemmas(analyse):
    # "миру" (peace) and "бару" lemmatise to words that are also places' names.
    a = analyse("Люди прагнуть миру і спокою, а ввечері йдуть до бару.", "uk")
    assert a.place_mentions == [] and a.mentions == []


def test_a_language_without_model_or_lemmas_still_gets_places_and_says_what_ran(analyse):
    a = analyse("Lamar Tehran na Moscow sun tattauna batun jiragen sama.", "ha")  # Hausa
    assert {m.text for m in a.place_mentions} >= {"Tehran", "Moscow"}
    runs = {r.name: r for r in a.extractor_runs}
    assert runs["entities"].status == "limited"
    assert runs["entities"].note.startswith("gazetteer only, no NER model for ha")
    assert runs["claims"].note == "needs a dependency parse; no parser for ha"
    assert runs["amounts"].status == "ran"


def test_extractor_runs_of_a_modelled_language_are_complete(analyse):
    a = analyse("La Russie a reçu des drones, a déclaré le porte-parole.", "fr")
    assert {r.status for r in a.extractor_runs} == {"ran"}


def test_extractor_runs_are_stored_and_old_stores_gain_the_table(tmp_path, analyse):
    db = tmp_path / "v.db"
    store = Store(f"sqlite:///{db}")
    old = analyse("Переговори у Варшаві тривали два дні.", "uk")
    store.write([old])
    store.close()
    # A store made before the table existed: drop it, reopen, and the table comes back empty.
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TABLE extractor_runs")
    store = Store(f"sqlite:///{db}")
    assert store.article(old.article.id)["extractors"] == []
    new = analyse("Переговори у Києві тривали три дні.", "uk")
    store.write([new])
    shown = store.article(new.article.id)
    runs = {r["name"]: r for r in shown["extractors"]}
    assert runs["entities"]["status"] == "limited"
    assert "NER for ORG, PER only" in runs["entities"]["note"]
    store.close()


def test_the_api_article_json_lists_the_extractor_runs(tmp_path, analyse, settings):
    from fastapi.testclient import TestClient

    from veille.web.app import create_app

    store = Store(f"sqlite:///{tmp_path / 'v.db'}")
    a = analyse("Уряд України заявив, що переговори у Варшаві тривали два дні.", "uk")
    store.write([a])
    # TestClient's host is not loopback: open reads as `web.public_read = true` does.
    app = create_app(with_values(settings, web={"public_read": True}), store)
    body = TestClient(app).get(f"/api/articles/{a.article.id}").json()
    runs = {r["name"]: r for r in body["extractors"]}
    assert runs["events"]["note"] == "needs a dependency parse; no parser for uk"
    assert runs["amounts"]["status"] == "ran"
    store.close()


def test_veille_show_says_which_extractors_could_not_run(tmp_path):
    text_file = tmp_path / "uk.txt"
    text_file.write_text(
        "Уряд України заявив, що переговори у Варшаві тривали два дні. "
        "Міністр Дмитро Кулеба повернувся до Києва ввечері.",
        encoding="utf-8",
    )
    db = tmp_path / "v.db"

    def veille(*args: str) -> subprocess.CompletedProcess[str]:
        return run_veille(*args, db=db)

    assert veille("ingest", str(text_file)).returncode == 0
    listed = veille("articles", "--json")
    article_id = listed.stdout.split('"id": "')[1][:12]
    shown = veille("show", article_id)
    assert shown.returncode == 0, shown.stderr
    assert "claims: needs a dependency parse; no parser for uk" in shown.stdout
    assert "entities: NER for ORG, PER only" in shown.stdout
