"""Names in many languages: the GeoNames locale file, ISO 3166-2 subdivisions, CLDR, and the precision rule."""

from __future__ import annotations

import pytest

from veille.names.knowledge import knowledge_base
from veille.names.locales import geonames_locale_names, plausible_name


@pytest.mark.parametrize(
    ("name", "lang"), [("Київ", "uk"), ("Wien", "de"), ("Warszawa", "pl"), ("中國", "zh"), ("Тегеран", "ru")]
)
def test_names_pass_the_plausibility_rule(name, lang):
    assert plausible_name(name, [lang])


@pytest.mark.parametrize(
    ("name", "lang"),
    [
        ("Man", "dsb"),
        ("Sin", "ha"),
        ("Suis", "br"),
        ("Bene", "dyo"),
        ("Laws", "kab"),
        ("iran", "rif"),
        ("Ош", "ru"),
    ],
)
def test_other_languages_common_words_short_forms_and_lowercase_names_are_kept_out(name, lang):
    assert not plausible_name(name, [lang])


def test_the_shipped_geonames_file_is_keyed_by_geonames_id():
    names = geonames_locale_names()
    kyiv = dict(names["703448"])
    assert "uk" in kyiv["Київ"] and "de" in kyiv["Kyiw"] and "pl" in kyiv["Kijów"]
    assert ("Черкаська область", ("uk",)) in names["UA.01"]  # admin-1 code


def test_the_gazetteer_has_town_region_and_country_names_in_many_languages(geo_gazetteer):
    def ids(name: str) -> set[str]:
        return {p.id for p in geo_gazetteer.candidates(name)}

    assert "geonames:703448" in ids("Kyiw")  # German, from the GeoNames locale file
    assert "geonames:112931" in ids("Teherán")  # Spanish
    # Regions: ISO 3166-2 names in pycountry's locales reach the gazetteer's first-level regions.
    assert any(
        p.feature == "A.ADM1" and p.country == "UA" for p in geo_gazetteer.candidates("Харківська область")
    )
    # Countries: CLDR in every Babel locale (Slovene and Czech were not among the 15 before).
    assert "geonames:130758" in ids("Iránu") or "geonames:130758" in ids("Írán")


def test_the_knowledge_base_knows_capitals_and_countries_in_more_languages():
    kb = knowledge_base()
    assert [t.entity_id for t in kb.lookup("Тегеран")] == ["country:IR"]
    assert "country:IR" in {t.entity_id for t in kb.lookup("Írán")}
    assert kb.lookup("Man") == [] and kb.lookup("Sin") == []
