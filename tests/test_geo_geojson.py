"""GeoJSON export of places and routes with provenance."""

from __future__ import annotations

from veille.geo.geojson import to_geojson
from veille.model import Claim, Place, PlaceMention, Route

PLACES = {
    "p:a": Place("p:a", "Alpha", 10.0, 20.0, "XA", "P.PPL", 1, 100),
    "p:b": Place("p:b", "Beta", 11.0, 21.0, "XA", "P.PPL", None, 50),
}
MENTIONS = [
    PlaceMention("art1", "p:a", 5, 10, "Alpha", 0, "geo"),
    PlaceMention("art1", "p:b", 20, 24, "Beta", 0, "geo", metonymy=True),
]
CLAIM = Claim(
    "c1", "art1", None, "the ministry", "said", "shipped from Alpha to Beta", 0, 30, 0, "statement", "claims"
)
ROUTE = Route("r1", "art1", ["p:a", "p:b"], 5, 24, 0, "geo.routes", claim_id="c1")


def test_points_are_lon_lat_with_mentions() -> None:
    fc = to_geojson(PLACES, MENTIONS)
    alpha = next(f for f in fc["features"] if f["id"] == "p:a")
    assert alpha["geometry"] == {"type": "Point", "coordinates": [20.0, 10.0]}
    assert alpha["properties"]["mentions"][0]["start"] == 5
    assert alpha["properties"]["geonames_id"] == 1


def test_route_is_a_line_with_claim_provenance() -> None:
    fc = to_geojson(PLACES, MENTIONS, [ROUTE], {"c1": CLAIM})
    line = next(f for f in fc["features"] if f["properties"]["kind"] == "route")
    assert line["geometry"]["coordinates"] == [[20.0, 10.0], [21.0, 11.0]]
    assert line["properties"]["claim_source"] == "the ministry" and line["properties"]["article_id"] == "art1"


def test_route_with_an_unknown_stop_is_left_out() -> None:
    broken = Route("r2", "art1", ["p:a", "p:missing"], 5, 24, 0, "geo.routes")
    fc = to_geojson(PLACES, MENTIONS, [broken])
    assert all(f["properties"]["kind"] == "place" for f in fc["features"])
