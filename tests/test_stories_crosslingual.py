"""French and English reports of one event form one story; another event with the same actors does not.

Runs the real pipeline (spaCy + entity extraction and resolution): the cross-lingual
signal is the resolved entity ids (Russia = country:RU in both languages).
"""

from __future__ import annotations

import pytest

from veille.model import Article
from veille.stories.cluster import StoryIndex

FACTORY_EN = (
    "The White House said on Friday that Russia is about to open a factory producing Iranian attack "
    "drones in the Alabuga special economic zone, about 900 kilometres east of Moscow. John Kirby, the "
    "White House national security spokesman, said the plant could be operating early next year. Iran "
    "has already delivered hundreds of drones to Russia, according to US intelligence."
)
FACTORY_FR = (
    "Selon John Kirby, porte-parole de la Maison Blanche, une usine de drones d'attaque iraniens installée "
    "dans la zone économique spéciale d'Alabuga, à 900 kilomètres à l'est de Moscou, pourrait fonctionner "
    "dès l'an prochain. D'après le renseignement américain, l'Iran a déjà livré des centaines de drones "
    "à la Russie."
)
GAS_EN = (
    "Gazprom and the National Iranian Gas Company signed a memorandum in Tehran on Wednesday for "
    "deliveries of Russian gas to Iran of up to 55 billion cubic metres a year. Russia's energy minister "
    "said the pipeline would cross Azerbaijan."
)
GAS_FR = (
    "Gazprom et la compagnie nationale iranienne du gaz ont signé mercredi à Téhéran un protocole pour "
    "des livraisons de gaz russe à l'Iran, jusqu'à 55 milliards de mètres cubes par an. Le gazoduc "
    "traverserait l'Azerbaïdjan, selon le ministre russe de l'Énergie."
)
ARTICLES = [
    ("factory_en", "en", "Russia to host Iranian drone factory, White House says", FACTORY_EN, "2024-03-08"),
    ("factory_fr", "fr", "La Russie va accueillir une usine de drones iraniens", FACTORY_FR, "2024-03-09"),
    ("gas_en", "en", "Russia and Iran sign gas deal in Tehran", GAS_EN, "2024-06-20"),
    ("gas_fr", "fr", "La Russie et l'Iran signent un accord gazier à Téhéran", GAS_FR, "2024-06-21"),
]


@pytest.fixture(scope="module")
def analyses(pipeline):
    def run(dated: bool) -> list:
        arts = [
            Article(
                id=aid, text=text, title=title, language=lang, published=day if dated else None, source=aid
            )
            for aid, lang, title, text, day in ARTICLES
        ]
        return list(pipeline.analyse(arts))

    return run


@pytest.mark.slow
@pytest.mark.parametrize("dated", [True, False], ids=["dated", "undated"])
def test_french_and_english_reports_of_one_event_cluster(analyses, dated: bool) -> None:
    index = StoryIndex()
    story = {a.article.id: index.add(a) for a in analyses(dated)}
    assert story["factory_en"] == story["factory_fr"]
    assert story["gas_en"] == story["gas_fr"]
    assert story["factory_en"] != story["gas_en"]  # same actors (Russia, Iran), another event
    assert sorted(index.stories[story["factory_en"]].languages) == ["en", "fr"]
