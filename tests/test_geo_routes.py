"""Routes: ordered stops from "de A à B, puis vers C" and "from A across B to C"."""

from __future__ import annotations

from collections.abc import Callable

from veille.geo.routes import role_before
from veille.model import Analysis

Geoparse = Callable[..., Analysis]


def _stops(a: Analysis) -> list[list[str]]:
    return [[a.places[s].name for s in r.stops] for r in a.routes]


def test_french_route_with_puis_vers(geoparse: Geoparse) -> None:
    a = geoparse("Les munitions ont été expédiées de Bakou à Odessa, puis vers Varna.", "fr")
    assert _stops(a) == [["Baku", "Odesa", "Varna"]]


def test_english_route_across_a_sea(geoparse: Geoparse) -> None:
    a = geoparse("The cargo was shipped from Rotterdam across the North Sea to Aberdeen.", "en")
    assert _stops(a) == [["Rotterdam", "North Sea", "Aberdeen"]]


def test_locator_phrase_is_not_a_stop(geoparse: Geoparse) -> None:
    a = geoparse("Le convoi a été acheminé de Marseille à Toulon, dans le sud de la France.", "fr")
    assert _stops(a) == [["Marseille", "Toulon"]]


def test_transit_from_a_neighbouring_sentence_is_inserted_in_order(geoparse: Geoparse) -> None:
    text = (
        "Les camions sont passés à travers la mer Noire. "
        "Ils ont été transportés d'Istanbul à Odessa, puis vers Kyiv."
    )
    assert _stops(geoparse(text, "fr")) == [["Istanbul", "Black Sea", "Odesa", "Kyiv"]]


def test_no_movement_word_no_route(geoparse: Geoparse) -> None:
    a = geoparse("Les ministres de Paris à Berlin ont signé un accord.", "fr")
    assert a.routes == []


def test_route_keeps_provenance(geoparse: Geoparse) -> None:
    a = geoparse("The cargo was shipped from Rotterdam to Aberdeen.", "en")
    (r,) = a.routes
    assert r.article_id == a.article.id and r.sentence == 0 and r.extractor == "geo.routes"
    assert a.article.text[r.start : r.end] == "Rotterdam to Aberdeen"


def test_role_words() -> None:
    assert role_before(", puis vers un dépôt à ") == "destination"
    assert role_before(", dans le nord de la ") == "locator"
    assert role_before("transportés à travers la ") == "transit"
    assert role_before("depuis la capitale ukrainienne d'") == "origin"


def test_two_origins_are_not_a_route(geoparse: Geoparse) -> None:
    a = geoparse("Les échanges de la Russie et de l'Iran vont transiter par des forums.", "fr")
    assert a.routes == []


def test_transit_alone_is_not_a_route(geoparse: Geoparse) -> None:
    a = geoparse("Les relations passent à travers la mer Noire et les Balkans.", "fr")
    assert a.routes == []


def test_route_is_tied_to_the_claim_that_contains_it(geoparse: Geoparse) -> None:
    from veille.geo.routes import link_route
    from veille.model import Claim

    text = "The ministry said the cargo was shipped from Rotterdam to Aberdeen."
    a = geoparse(text, "en")
    start = text.index("the cargo")
    a.claims.append(
        Claim(
            "c1",
            a.article.id,
            None,
            "The ministry",
            "said",
            text[start:-1],
            start,
            len(text) - 1,
            0,
            "statement",
            "test",
        )
    )
    (route,) = a.routes
    link_route(a, route)
    assert route.claim_id == "c1"


def test_route_says_what_moves(geoparse: Geoparse) -> None:
    a = geoparse("Les munitions ont été expédiées de Bakou à Odessa, puis vers Varna.", "fr")
    assert [r.what for r in a.routes] == ["munitions"]


def test_what_moves_through_a_movement_noun(geoparse: Geoparse) -> None:
    a = geoparse("Une carte montre l'itinéraire de livraison des missiles, de Bakou à Odessa.", "fr")
    assert [r.what for r in a.routes] == ["missiles"]
