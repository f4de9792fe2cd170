"""Entity pages and their JSON twins, through FastAPI's test client, on the web tests' store
(the two seed articles analysed by the real pipeline, and hand-made facts)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from conftest import XSS_ENTITY_ALIAS, XSS_ENTITY_ID, XSS_ENTITY_NAME, WebDB, settings_for
from veille.config import Settings
from veille.web import entity_view
from veille.web.app import create_app

LOCAL = ("127.0.0.1", 40000)
KIRBY_SAID = "la Russie avait reçu des documents de l'Iran et que l'usine pourrait être opérationnelle"
KIRBY_SENTENCE = "John Kirby, porte-parole de la sécurité nationale de la Maison Blanche, a déclaré vendredi"
WHITE_HOUSE_SAID = "la Russie était sur le point d'accueillir une usine de drones iraniens"
HANDMADE_CLAIM = "Iran shipped drone parts to Russia on 3 March 2024"


@pytest.fixture(scope="module")
def client(web_db: WebDB, settings: Settings) -> TestClient:
    return TestClient(create_app(settings_for(settings, web_db.path)), client=LOCAL)


def every(client: TestClient, url: str, limit: int = 2) -> list[dict[str, Any]]:
    """All items of a paged list, read ``limit`` at a time through its ``next`` links."""
    items: list[dict[str, Any]] = []
    page = client.get(f"{url}{'&' if '?' in url else '?'}limit={limit}").json()  # params= would drop url's
    while True:
        assert len(page["items"]) <= limit
        items += page["items"]
        if page["next"] is None:
            return items
        page = client.get(page["next"]).json()


def test_russia_profile_names_it_across_its_seed_articles(client: TestClient, web_db: WebDB) -> None:
    web_db.need_seeds()
    profile = client.get("/api/entities/country:RU").json()
    assert profile["entity"]["name"] == "Russia" and profile["entity"]["kind"] == "country"
    # Every mention of the seeds (French) and of the hand-made article (English) is counted.
    names = {(n["text"], n["language"]) for n in profile["names"]}
    assert {("Russie", "fr"), ("Fédération de Russie", "fr"), ("Russia", "en")} <= names
    assert profile["mentions"] == sum(n["mentions"] for n in profile["names"])
    assert profile["articles"] == 3
    assert sum(profile["timeline"]) == profile["mentions"] and profile["first_day"] <= profile["last_day"]
    assert "country:IR" in {e["id"] for e in profile["entities"]}
    assert "country:RU" not in {e["id"] for e in profile["entities"]}
    seed_story = next(
        s for s in client.get("/api/stories").json()["items"] if web_db.seed_ids[0] in s["article_ids"]
    )
    assert seed_story["id"] in {s["id"] for s in profile["stories"]}
    assert profile["events_as_target"] >= 10 and profile["claims_about"] >= 15
    assert profile["links"]["page"] == "/entities/country:RU"


def test_kirby_profile_and_the_claims_he_made(client: TestClient, web_db: WebDB) -> None:
    web_db.need_seeds()
    profile = client.get("/api/entities/person:john-kirby").json()
    assert profile["entity"]["name"] == "John Kirby"
    assert [(n["text"], n["language"]) for n in profile["names"]] == [("John Kirby", "fr")]
    assert "org:white-house" in {e["id"] for e in profile["entities"]}
    assert (profile["claims_by"], profile["claims_about"]) == (3, 0)
    claims = every(client, profile["links"]["claims_by"])
    assert len(claims) == 3 and {c["source_id"] for c in claims} == {"person:john-kirby"}
    said = next(c for c in claims if c["content"].startswith(KIRBY_SAID))
    assert said["sentence_text"].startswith(KIRBY_SENTENCE) and said["content"] in said["sentence_text"]
    assert said["about_ids"] == ["country:RU", "country:IR"] and said["about"] == ["Russia", "Iran"]
    text = client.get(f"/api/articles/{said['article_id']}").json()["text"]
    assert text[said["start"] : said["end"]] == said["content"]  # provenance: the offsets hold
    assert said["article_title"] and said["extractor"]
    assert every(client, profile["links"]["claims_about"]) == []


def test_white_house_claims_carry_their_seed_sentences(client: TestClient, web_db: WebDB) -> None:
    web_db.need_seeds()
    claims = client.get("/api/entities/org:white-house/claims", params={"role": "by"}).json()["items"]
    warned = next(c for c in claims if c["content"].startswith(WHITE_HOUSE_SAID))
    assert warned["source"] == "White House" and warned["cue"] == "averti"
    assert "La Maison Blanche a récemment averti que" in warned["sentence_text"]


def test_claims_about_and_events_of_an_entity(client: TestClient, web_db: WebDB) -> None:
    about = every(client, "/api/entities/country:RU/claims?role=about", limit=3)
    mine = [c for c in about if c["article_id"] == web_db.handmade_id]
    assert [c["content"] for c in mine] == [HANDMADE_CLAIM]
    assert mine[0]["source"] == "Shipping logs" and mine[0]["source_id"] is None
    assert mine[0]["sentence_text"].startswith("Shipping logs seen by our reporters")
    assert all("country:RU" in c["about_ids"] for c in about)
    assert len(about) == client.get("/api/entities/country:RU").json()["claims_about"]
    as_target = every(client, "/api/entities/country:RU/events?role=target")
    supply = next(e for e in as_target if e["article_id"] == web_db.handmade_id)
    assert (supply["kind"], supply["actor_id"], supply["actor"], supply["target"]) == (
        "supply", "country:IR", "Iran", "Russia",
    )  # fmt: skip
    assert supply["object"] == "drone parts" and "Iran shipped drone parts" in supply["sentence_text"]
    as_actor = every(client, "/api/entities/country:IR/events?role=actor")
    assert supply["id"] in {e["id"] for e in as_actor}
    assert all(e["target_id"] == "country:RU" for e in as_target)


def test_lists_page_without_overlap(client: TestClient) -> None:
    whole = client.get("/api/entities/country:RU/claims", params={"role": "about", "limit": 500}).json()
    assert whole["next"] is None and whole["role"] == "about"
    paged = every(client, "/api/entities/country:RU/claims?role=about", limit=1)
    assert [c["id"] for c in paged] == [c["id"] for c in whole["items"]]
    second = client.get("/api/entities/country:RU/claims", params={"role": "about", "limit": 1, "offset": 1})
    assert second.json()["items"] == whole["items"][1:2]
    assert client.get("/api/entities/country:RU/claims", params={"limit": 501}).status_code == 422


def test_unknown_entities_and_roles(client: TestClient) -> None:
    for url in ("/api/entities/country:XX", "/api/entities/country:XX/claims",
                "/api/entities/country:XX/events?role=target"):  # fmt: skip
        answer = client.get(url)
        assert answer.status_code == 404, url
        assert "no entity country:XX" in answer.json()["detail"]
    page = client.get("/entities/<b>country:XX</b>")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "No entity &lt;b&gt;country:XX&lt;/b&gt;" in page.text and 'href="/entities"' in page.text
    assert client.get("/api/entities/country:RU/claims", params={"role": "of"}).status_code == 422
    assert client.get("/api/entities/country:RU/events", params={"role": "by"}).status_code == 422


def test_entity_page_shows_names_claims_events_and_links(client: TestClient, web_db: WebDB) -> None:
    html = client.get("/entities/country:IR").text
    assert '<h1 id="entity-name">Iran</h1>' in html
    assert 'href="/api/entities/country:IR"' in html  # the JSON twin
    assert "Iran shipped drone parts to Russia" in html  # the hand-made claim's sentence
    assert 'href="/entities/country%3ARU"' in html  # Russia, target of its events, links its page
    assert '<script type="application/json" id="entity-data">' in html and "/static/entity.js" in html
    if web_db.seed_ids:
        kirby = client.get("/entities/person:john-kirby").text
        assert KIRBY_SENTENCE in kirby.replace("&#39;", "'")
        assert 'href="/entities/org%3Awhite-house"' in kirby  # named with him
        assert 'href="/stories/story-' in kirby  # the story he is in


def test_entity_page_places_open_the_overview_of_both(client: TestClient, web_db: WebDB) -> None:
    web_db.need_seeds()
    place = client.get("/api/entities/country:RU").json()["places"][0]
    link = f"/?window=all&entity=country%3ARU&place={quote(place['id'], safe='')}"
    assert f'href="{link.replace("&", "&amp;")}"' in client.get("/entities/country:RU").text
    overview = client.get(
        "/api/overview", params={"window": "all", "entity": "country:RU", "place": place["id"]}
    )
    assert overview.status_code == 200 and overview.json()["articles"] >= 1
    assert client.get(link).status_code == 200


def test_story_page_links_every_entity_name(client: TestClient, web_db: WebDB) -> None:
    story_id = next(
        s["id"] for s in client.get("/api/stories").json()["items"] if web_db.handmade_id in s["article_ids"]
    )
    story = client.get(f"/api/stories/{story_id}").json()
    claim = next(c for c in story["claims"] if c["article_id"] == web_db.handmade_id)
    assert claim["about_ids"] == ["country:IR", "country:RU"] and claim["source_id"] is None
    event = next(e for e in story["events"] if e["article_id"] == web_db.handmade_id)
    assert (event["actor_id"], event["target_id"]) == ("country:IR", "country:RU")
    html = client.get(f"/stories/{story_id}").text
    assert '<a class="entity" href="/entities/country%3AIR">Iran</a>' in html
    assert '<a class="entity" href="/entities/country%3ARU">Russia</a>' in html
    listed = client.get("/entities", params={"kind": "country"}).text
    assert '<a class="entity" href="/entities/country%3AIR">Iran</a>' in listed
    assert "/api/entities?kind=country" in listed  # its JSON twin


def test_markup_in_entities_and_claims_is_escaped(client: TestClient, web_db: WebDB) -> None:
    url = "/entities/" + quote(XSS_ENTITY_ID, safe="")
    profile = client.get("/api/entities/" + quote(XSS_ENTITY_ID, safe="")).json()
    assert profile["entity"]["name"] == XSS_ENTITY_NAME and XSS_ENTITY_ALIAS in profile["entity"]["aliases"]
    assert profile["claims_by"] == 1 and profile["events_as_actor"] == 1
    claims = client.get(f"/api/entities/{quote(XSS_ENTITY_ID, safe='')}/claims").json()["items"]
    assert claims[0]["source_id"] == XSS_ENTITY_ID
    for page in (url, "/entities?kind=person", f"/articles/{web_db.xss_entity_article}"):
        html = client.get(page).text
        for raw in ("<script>window.__pwned", "<img src=x", "<b onmouseover", "<svg onload", "<i>talks"):
            assert raw not in html, (page, raw)
    html = client.get(url).text
    assert "&lt;img src=x onerror=&#34;window.__pwned=4&#34;&gt;Mr Markup" in html
    assert "&lt;script&gt;window.__pwned=5&lt;/script&gt;" in html  # the alias, as text
    assert f'href="/entities/{quote(XSS_ENTITY_ID, safe="/")}"' in html  # its own claims link back


def test_openapi_describes_the_entity_endpoints(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/entities/{entity_id}",
        "/api/entities/{entity_id}/claims",
        "/api/entities/{entity_id}/events",
    ):
        assert path in paths, sorted(paths)
    assert not any(p.startswith("/entities") for p in paths)  # the pages are not API


def _section(html: str, section_id: str) -> str:
    start = html.index(f'<section class="card" id="{section_id}">')
    return html[start : html.index("</section>", start)]


def test_entity_page_pages_each_list(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(entity_view, "PAGE_ITEMS", 2)
    whole = client.get("/api/entities/country:RU/claims", params={"role": "about", "limit": 500}).json()[
        "items"
    ]
    assert len(whole) >= 1
    first = _section(client.get("/entities/country:RU").text, "claims-about")
    assert [f'id="c-{c["id"]}"' in first for c in whole[:3]] == [True] * min(2, len(whole)) + [False] * (
        len(whole) > 2
    )
    if len(whole) > 2:
        assert 'href="?about=2#claims-about"' in first and 'rel="prev"' not in first
    second = _section(client.get("/entities/country:RU", params={"about": 1, "by": 0}).text, "claims-about")
    shown = [c["id"] for c in whole if f'id="c-{c["id"]}"' in second]
    assert shown == [c["id"] for c in whole[1:3]]
    assert 'href="?by=0&amp;about=0#claims-about"' in second  # back to the first page, the others kept
    assert f"2–{1 + len(shown)} of {len(whole)}" in second
    assert client.get("/entities/country:RU", params={"about": -1}).status_code == 422
