"""Clustering features: language-independent keys for entities, places and amounts."""

from __future__ import annotations

from veille.model import Amount, Analysis, Article, Place, PlaceMention
from veille.stories.features import LEAD_BOOST, amount_key, features_of, split_lead, terms_of


def test_same_sum_in_french_and_english_gives_one_key() -> None:
    assert amount_key("USD", 2.76e9) == amount_key("usd", 2_760_000_000.0) == "USD:2.76e+09"
    assert amount_key("USD", None) is None


def test_countries_are_not_place_features_but_cities_are() -> None:
    text = "Des drones iraniens ont frappé Kiev, en Ukraine."
    art = Article(id="a", text=text, language="fr")
    places = {
        "geonames:703448": Place("geonames:703448", "Kyiv", 50.45, 30.52, "UA", "P.PPLC"),
        "geonames:690791": Place("geonames:690791", "Ukraine", 49.0, 32.0, "UA", "A.PCLI"),
    }
    mentions = [
        PlaceMention("a", "geonames:703448", 31, 35, "Kiev", 0, "test"),
        PlaceMention("a", "geonames:690791", 40, 47, "Ukraine", 0, "test"),
    ]
    amount = Amount("a", 0, 1, "x", 0, "test", unit="drone", value=None, value_min=200.0, approximate=True)
    feats = features_of(Analysis(article=art, places=places, place_mentions=mentions, amounts=[amount]))
    assert "p:geonames:703448" in feats.counts and "p:geonames:690791" not in feats.counts
    assert feats.counts["a:DRONE:200"] == 1


def test_terms_drop_stop_words_and_fold_plurals() -> None:
    assert terms_of("Les drones sont livrés par l'Iran", "fr") == ["drone", "livré", "iran"]
    assert terms_of("The drones were delivered", "en") == ["drone", "delivered"]


def test_lead_words_count_double_background_once() -> None:
    lead = "The harbour authority closed the northern dock after a crane collapsed on Tuesday."
    filler = " ".join(["Dockers waited."] * 30)  # 60 more words: the lead ends inside them
    background = "Earlier this year a storm flooded the southern quay."
    text = f"{lead} {filler} {background}"
    feats = features_of(Analysis(article=Article(id="a", text=text, language="en")))
    assert feats.counts["t:en:crane"] == LEAD_BOOST  # in the lead
    assert feats.counts["t:en:storm"] == 1  # background: once


def test_split_lead_cuts_on_whitespace() -> None:
    lead, rest = split_lead("one two three four", words=2)
    assert (lead, rest) == ("one two", " three four")
    assert split_lead("short text", words=60) == ("short text", "")
