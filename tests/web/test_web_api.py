"""The JSON API and the server-rendered pages, through FastAPI's test client."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from conftest import WebDB, handmade_analysis, settings_for
from veille.config import Settings
from veille.store.database import Store
from veille.web.app import create_app

LOCAL = ("127.0.0.1", 40000)


@pytest.fixture(scope="module")
def client(web_db: WebDB, settings: Settings) -> TestClient:
    return TestClient(create_app(settings_for(settings, web_db.path)), client=LOCAL)


def test_openapi_lists_every_resource(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/articles", "/api/entities", "/api/claims", "/api/events", "/api/places", "/api/routes",
                 "/api/stories", "/api/stories/{story_id}", "/api/search", "/api/export", "/api/ingest",
                 "/api/watch", "/api/alerts"):  # fmt: skip
        assert path in paths, path
    assert "format" in {p["name"] for p in paths["/api/export"]["get"]["parameters"]}


def test_api_docs_load_local_assets_only(client: TestClient) -> None:
    for url in ("/docs", "/redoc"):
        page = client.get(url)
        assert page.status_code == 200
        sources = re.findall(r'(?:src|href|spec-url|data-openapi-url)="([^"]*)"', page.text)
        assert sources and all(s.startswith("/") for s in sources), sources
        assert all(client.get(s).status_code == 200 for s in sources), sources
        assert "<script>" not in page.text  # no inline script: the CSP allows none
    assert "script-src 'self';" in client.get("/docs").headers["content-security-policy"]
    assert "script-src 'self';" in client.get("/redoc").headers["content-security-policy"]
    assert b"cdn.redoc.ly" not in client.get("/docs-assets/redoc.standalone.js").content


def test_articles_paginate_without_overlap(client: TestClient, web_db: WebDB) -> None:
    first = client.get("/api/articles", params={"limit": 2}).json()
    assert len(first["items"]) == 2 and first["next"]
    second = client.get(first["next"]).json()
    ids = [a["id"] for a in first["items"] + second["items"]]
    everything = web_db.article_ids
    rest = client.get("/api/articles", params={"limit": 2, "offset": 4}).json()
    ids += [a["id"] for a in rest["items"]]
    assert len(ids) == len(set(ids)) == len(everything)
    assert set(ids) == set(everything)
    assert rest["next"] is None


def test_facts_keep_their_provenance(client: TestClient, web_db: WebDB) -> None:
    claims = client.get("/api/claims", params={"about": "Iran"}).json()["items"]
    mine = [c for c in claims if c["article_id"] == web_db.handmade_id]
    assert len(mine) == 1
    text = client.get(f"/api/articles/{web_db.handmade_id}").json()["text"]
    assert text[mine[0]["start"] : mine[0]["end"]] == mine[0]["content"]
    events = client.get("/api/events", params={"kind": "supply"}).json()["items"]
    assert any(e["actor"] == "country:IR" and e["target"] == "country:RU" for e in events)
    routes = client.get("/api/routes").json()["items"]
    assert routes[0]["stops"][-1] == "test:alabuga"
    places = {p["name"] for p in client.get("/api/places").json()["items"]}
    assert "Alabuga special economic zone" in places


def test_search_and_its_page(client: TestClient, web_db: WebDB) -> None:
    hits = client.get("/api/search", params={"q": "Caspian"}).json()["items"]
    assert [h["id"] for h in hits] == [web_db.handmade_id]
    page = client.get("/", params={"q": "Caspian"})
    assert page.status_code == 200 and "Test: drone parts shipped to Alabuga" in page.text
    assert client.get("/api/search", params={"q": "x" * 301}).status_code == 422


def test_seed_articles_form_one_story(client: TestClient, web_db: WebDB) -> None:
    web_db.need_seeds()
    stories = client.get("/api/stories").json()["items"]
    holding = [s for s in stories if set(web_db.seed_ids) <= set(s["article_ids"])]
    assert len(holding) == 1, [s["article_ids"] for s in stories]
    story = client.get(f"/api/stories/{holding[0]['id']}").json()
    assert {a["id"] for a in story["articles"]} >= set(web_db.seed_ids)
    assert story["id"].startswith("story-")  # the stories stage's index, the one grouping
    assert any(len(g["sources"]) >= 2 for g in story["corroborated"]), story["corroborated"]
    # every sentence the page can highlight exists, and the article text is fully covered by segments
    for art in story["articles"]:
        full = client.get(f"/api/articles/{art['id']}").json()["text"]
        assert "".join(seg["text"] for seg in art["segments"]) == full


def test_a_store_written_without_stories_gets_its_story_index(tmp_path: Path, settings: Settings) -> None:
    """Articles written by ``Store.write`` alone: the first listing builds the story index."""
    db = tmp_path / "veille.db"
    store = Store(f"sqlite:///{db}")
    store.write([handmade_analysis()])
    store.close()
    local = TestClient(create_app(settings_for(settings, db)), client=LOCAL)
    listing = local.get("/api/stories").json()
    assert listing["mode"] == "stories"
    (story,) = listing["items"]
    assert story["id"].startswith("story-") and story["article_ids"] == [handmade_analysis().article.id]
    assert local.get(f"/api/stories/{story['id']}").json()["claims"]


def test_story_page_shows_every_fact_with_its_sentence(client: TestClient, web_db: WebDB) -> None:
    story_id = next(
        s["id"] for s in client.get("/api/stories").json()["items"] if web_db.handmade_id in s["article_ids"]
    )
    story = client.get(f"/api/stories/{story_id}").json()
    claim = next(c for c in story["claims"] if c["article_id"] == web_db.handmade_id)
    assert claim["content"] in claim["sentence_text"]
    route = story["map"]["routes"][0]
    assert [s["name"] for s in route["stops"]][0] == "Amirabad"
    assert any(e["type"] == "event" and e["label"] == "supply" for e in story["graph"]["edges"])
    assert any(t["kind"] == "event" and t["date"] == "2024-03-03" for t in story["timeline"])
    html = client.get(f"/stories/{story_id}").text
    assert f'id="s-{web_db.handmade_id}-0"' in html
    assert f'href="/api/stories/{story_id}"' in html  # the JSON twin


def test_article_markup_is_escaped_everywhere(client: TestClient, web_db: WebDB) -> None:
    for url in (f"/articles/{web_db.xss_id}", "/", "/?q=broken"):
        html = client.get(url).text
        assert "<script>window.__pwned" not in html, url
        assert "<img src=x" not in html, url
        assert "<b>Broken</b>" not in html, url
    html = client.get(f"/articles/{web_db.xss_id}").text
    assert "&lt;script&gt;window.__pwned = 1" in html
    policy = client.get("/").headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


def test_reads_from_other_machines_and_writes_need_the_token(
    web_db: WebDB, settings: Settings, tmp_path: Path
) -> None:
    db = web_db.copy(tmp_path)
    app = create_app(settings_for(settings, db, token="s3cret"))
    remote = TestClient(app, client=("203.0.113.7", 40000))
    assert remote.get("/api/articles").status_code == 401
    assert remote.get("/api/articles", headers={"Authorization": "Bearer s3cret"}).status_code == 200
    local = TestClient(app, client=LOCAL)
    rule = {"fact": "any", "terms": {"entity": ["Alabuga"]}}
    assert local.post("/api/watch", json=rule).status_code == 401
    assert local.post("/api/watch", json=rule, headers={"Authorization": "Bearer wrong"}).status_code == 401
    made = local.post("/api/watch", json=rule, headers={"Authorization": "Bearer s3cret"})
    assert made.status_code == 201
    assert local.get("/api/watch").json()["items"][0]["terms"] == {"entity": ["Alabuga"]}
    off = TestClient(create_app(settings_for(settings, db, token="")), client=LOCAL)
    assert off.post("/api/watch", json=rule, headers={"Authorization": "Bearer "}).status_code == 403


def test_cors_is_off_unless_configured(web_db: WebDB, settings: Settings) -> None:
    headers = {"Origin": "https://elsewhere.example"}
    plain = TestClient(create_app(settings_for(settings, web_db.path)), client=LOCAL)
    assert "access-control-allow-origin" not in plain.get("/api/stats", headers=headers).headers
    allowed = TestClient(
        create_app(settings_for(settings, web_db.path, cors_origins=["https://elsewhere.example"])),
        client=LOCAL,
    )
    assert (
        allowed.get("/api/stats", headers=headers).headers["access-control-allow-origin"]
        == "https://elsewhere.example"
    )


def test_export_is_the_whole_database(client: TestClient, web_db: WebDB) -> None:
    data = client.get("/api/export").json()
    assert len(data["articles"]) == len(web_db.article_ids)


def test_export_serves_graphml_and_followthemoney(client: TestClient, web_db: WebDB) -> None:
    import networkx as nx
    from followthemoney import model

    answer = client.get("/api/export", params={"format": "graphml"})
    assert answer.headers["content-type"].startswith("application/graphml+xml")
    graph = nx.parse_graphml(answer.text, force_multigraph=True)
    supply = [
        d
        for u, v, d in graph.edges(data=True)
        if (u, v) == ("country:IR", "country:RU") and d.get("kind") == "supply"
    ]
    assert [d["article_id"] for d in supply] == [web_db.handmade_id]
    lines = client.get("/api/export", params={"format": "ftm"}).text.splitlines()
    entities = [model.get_proxy(json.loads(line), cleaned=False) for line in lines]
    events = [e for e in entities if e.schema.name == "Event" and e.first("name") == "supply: drone parts"]
    assert len(events) == 1 and web_db.handmade_id in events[0].first("description")
    assert client.get("/api/export", params={"format": "pdf"}).status_code == 422
