"""Semantic search, related articles and `veille embed` from the command line, the API and
the dashboard, on our own multilingual texts (tests/embed_texts.py) ingested by `veille ingest`."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from cli_run import run_veille
from embed_texts import CORPUS
from veille.config import Settings, with_values
from veille.web.app import create_app


def veille(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    return run_veille(*args, db=db)


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("embedcli")
    feed = folder / "corpus.jsonl"
    feed.write_text(
        "\n".join(
            json.dumps({"title": title, "text": text, "published": day, "source": key}, ensure_ascii=False)
            for key, _, (title, text), day in CORPUS
        ),
        encoding="utf-8",
    )
    path = folder / "v.db"
    result = veille("ingest", "--json", str(feed), db=path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["ingested"] == len(CORPUS)
    listed = json.loads(veille("articles", "--json", db=path).stdout)
    return path, {row["source"]: row["id"] for row in listed}


def test_cli_semantic_search_related_and_embed(db) -> None:
    path, ids = db
    out = veille("search", "--semantic", "--json", "Iranian drone factory in Russia", "--limit", "3", db=path)
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert {r["id"] for r in rows} == {ids["drones_en"], ids["drones_ru"], ids["drones_uk"]}
    assert {r["language"] for r in rows} == {"en", "ru", "uk"} and all(r["passage"]["text"] for r in rows)
    table = veille("search", "--hybrid", "Gazprom", "--language", "pl", db=path)
    assert table.returncode == 0 and "Rosja i Iran" in table.stdout and "Russland" not in table.stdout
    related = json.loads(veille("related", ids["gas_de"], "--json", db=path).stdout)
    assert related[0]["id"] == ids["gas_pl"] and all(r["language"] != "de" for r in related)
    assert json.loads(veille("embed", "--json", db=path).stdout)["embedded"] == 0  # nothing missing
    again = json.loads(veille("embed", "--all", "--json", db=path).stdout)
    assert again["embedded"] == len(CORPUS) and list(again["stored"].values()) == [len(CORPUS)]
    bad = veille("search", "--semantic", "x", "--since", "last week", db=path)
    assert bad.returncode == 2 and "ISO date" in bad.stderr and "Traceback" not in bad.stderr


def test_api_and_dashboard(db, settings: Settings) -> None:
    path, ids = db
    local = with_values(settings, store={"url": f"sqlite:///{path}"})
    client = TestClient(create_app(local), client=("127.0.0.1", 40000))
    body = client.get("/api/search", params={"q": "drones", "mode": "semantic", "lang": ["ru", "uk"]}).json()
    assert body["mode"] == "semantic" and {r["language"] for r in body["items"]} == {"ru", "uk"}
    body = client.get(
        "/api/search",
        params={"q": "gas pipeline", "mode": "hybrid", "since": "2024-06-21", "until": "2024-06-30"},
    ).json()
    assert [r["id"] for r in body["items"]][0] == ids["gas_pl"]
    assert all(r["published"] >= "2024-06-21" for r in body["items"])
    assert client.get("/api/search", params={"q": "x", "mode": "vectors"}).status_code == 422
    assert client.get("/api/search", params={"q": "x", "since": "yesterday"}).status_code == 422
    related = client.get(f"/api/articles/{ids['drones_en']}/related").json()["items"]
    assert {r["id"] for r in related[:2]} == {ids["drones_ru"], ids["drones_uk"]}
    html = client.get("/", params={"q": "Iranian drone factory", "mode": "semantic"}).text
    assert "США: Иран поможет России" in html and '<option value="semantic" selected>' in html
    page = client.get(f"/articles/{ids['drones_en']}").text
    assert 'id="related"' in page and "Росія будуватиме" in page
