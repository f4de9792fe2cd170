"""The overview (the front page) and its JSON twins, through FastAPI's test client."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from conftest import XSS_ENTITY, WebDB, settings_for
from veille.config import Settings
from veille.web.app import create_app

LOCAL = ("127.0.0.1", 40000)
PANELS = {"places": ["places"], "entities": ["entities"], "stories": ["rising", "new_stories", "active", "contested"],
          "counts": ["articles", "languages", "sources", "new_since"]}  # fmt: skip


@pytest.fixture(scope="module")
def client(web_db: WebDB, settings: Settings) -> TestClient:
    return TestClient(create_app(settings_for(settings, web_db.path)), client=LOCAL)


def overview(client: TestClient, **params: str) -> dict[str, Any]:
    response = client.get("/api/overview", params={"window": "all", **params})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def story_holding(client: TestClient, article_id: str) -> dict[str, Any]:
    stories = client.get("/api/stories").json()["items"]
    story: dict[str, Any] = next(s for s in stories if article_id in s["article_ids"])
    return story


def test_the_seed_story_its_places_and_its_countries(client: TestClient, web_db: WebDB) -> None:
    web_db.need_seeds()
    view = overview(client)
    seed = story_holding(client, web_db.seed_ids[0])
    active = {s["id"]: s for s in view["active"]}
    assert seed["id"] in active and active[seed["id"]]["articles"] == len(web_db.seed_ids)
    places = {p["id"] for p in view["places"]}
    seed_places = {p["id"] for p in client.get(f"/api/stories/{seed['id']}").json()["map"]["places"]}
    assert seed_places and seed_places <= places
    countries = [e["id"] for e in view["entities"]["country"]]
    assert {"country:RU", "country:IR"} <= set(countries[:3])
    iran = next(e for e in view["entities"]["country"] if e["id"] == "country:IR")
    assert iran["name"] == "Iran" and iran["mentions"] >= iran["articles"] >= 2
    assert sum(iran["series"]) == iran["mentions"]  # "all": the sparkline is the whole window
    assert view["articles"] == sum(view["languages"].values()) == len(web_db.article_ids)


def test_the_seed_story_is_contested(client: TestClient, web_db: WebDB) -> None:
    """The seeds' sources contradict each other: the story's own corroboration says so, and the
    overview lists it among the contested stories with the same count."""
    web_db.need_seeds()
    seed = story_holding(client, web_db.seed_ids[0])
    page = client.get(f"/api/stories/{seed['id']}").json()
    contested = {c["story"]["id"]: c for c in overview(client)["contested"]}
    assert seed["id"] in contested and contested[seed["id"]]["contradictions"] >= 1
    assert any(g["contested"] for g in page["corroborated"]) or contested[seed["id"]]["reasons"]
    assert contested[seed["id"]]["new"] == contested[seed["id"]]["contradictions"]  # "all": every one is new


def test_each_panel_is_a_part_of_the_whole(client: TestClient) -> None:
    whole = overview(client)
    for panel, fields in PANELS.items():
        part = client.get(f"/api/overview/{panel}", params={"window": "all"}).json()
        assert part == {k: whole[k] for k in ("window", "first_day", "last_day", "sampled", *fields)}, panel
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/overview" in paths and "/api/overview/{panel}" in paths


def test_filters_narrow_every_panel(client: TestClient, web_db: WebDB) -> None:
    everything = overview(client)
    handmade = story_holding(client, web_db.handmade_id)["id"]
    wire = overview(client, source="test wire")
    assert wire["articles"] == 1 and wire["sources"] == {"test wire": 1}
    assert [s["id"] for s in wire["active"]] == [handmade]
    at_alabuga = overview(client, place="test:alabuga")
    assert at_alabuga["articles"] == 1 and [s["id"] for s in at_alabuga["active"]] == [handmade]
    assert {p["id"] for p in at_alabuga["places"]} == {"test:alabuga", "test:amirabad", "test:caspian",
                                                         "test:makhachkala"}  # fmt: skip
    hostile = overview(client, entity=XSS_ENTITY)
    assert hostile["articles"] == 1 and [s["id"] for s in hostile["active"]] == [
        story_holding(client, web_db.xss_id)["id"]
    ]
    english = overview(client, lang="en")
    assert set(english["languages"]) == {"en"} and english["articles"] < everything["articles"]
    assert overview(client, lang="en", entity="country:XX")["articles"] == 0


def test_since_counts_and_marks_what_changed(client: TestClient, web_db: WebDB) -> None:
    before = overview(client, since="2000-01-01T00:00:00Z")
    stories = len(client.get("/api/stories").json()["items"])
    assert before["new_since"] == {"articles": before["articles"], "stories": stories}
    assert before["active"] and all(s["updated_since"] for s in before["active"])
    after = overview(client, since="2100-01-01T02:00:00+02:00")  # any offset: compared in UTC
    assert after["new_since"] == {"articles": 0, "stories": 0}
    assert not any(s["updated_since"] for s in after["active"])
    assert overview(client)["new_since"] == {}  # no visit given: nothing to compare with


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("window", "9d"),
        ("lang", "../x"),
        ("entity", "x" * 201),
        ("place", "p" * 201),
        ("source", "s" * 201),
        ("since", "yesterday"),
    ],  # fmt: skip
)
def test_bad_parameters_are_refused(client: TestClient, name: str, value: str) -> None:
    for url in ("/api/overview", "/api/overview/places", "/"):
        response = client.get(url, params={name: value})
        assert response.status_code == 422, (url, name)
        assert response.json()["detail"][0]["loc"] == ["query", name]
    assert client.get("/api/overview/map").status_code == 422


def test_the_front_page_is_the_overview(client: TestClient, web_db: WebDB) -> None:
    html = client.get("/").text
    assert 'id="ov-map"' in html and 'id="ov-active"' in html
    assert 'href="/api/overview?window=7d"' in html  # the JSON twin
    listing = client.get("/stories").text  # the list of stories moved here
    assert f'href="/stories/{story_holding(client, web_db.handmade_id)["id"]}"' in listing
    moved = client.get("/", params={"q": "Caspian", "mode": "fts"}, follow_redirects=False)
    assert moved.status_code == 307 and moved.headers["location"] == "/stories?q=Caspian&mode=fts"
    filtered = client.get("/", params={"window": "all", "entity": "country:IR", "lang": ""}).text
    assert 'id="filter-entity"' in filtered and "<b>Iran</b>" in filtered
    assert 'href="/?window=all"' in filtered  # the filter's remove link
    assert 'href="/api/overview?window=all&amp;entity=country%3AIR"' in filtered


def test_markup_in_titles_names_and_outlets_is_text_on_the_overview(client: TestClient) -> None:
    html = client.get("/", params={"window": "all"}).text
    for raw in ("<script>window.__pwned", "<img src=x", "<b>Broken</b>"):
        assert raw not in html, raw
    assert "&lt;b&gt;Broken&lt;/b&gt; &lt;script&gt;window.__pwned=3&lt;/script&gt; feed" in html  # a title
    assert html.count("&lt;img src=x onerror=&#34;window.__pwned=") >= 2  # an entity's name, an outlet
    view = overview(client)
    assert XSS_ENTITY in {e["id"] for e in view["entities"]["organisation"]}
    assert any(k.startswith('<img src=x onerror="window.__pwned=5">') for k in view["sources"])
