"""Requests the API must refuse cheaply: big or slow bodies, writes without the token, numbers
that overflow, NULs; and reads that page in SQL and stream (issue 13, items 4, 6 and 7)."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from fastapi.testclient import TestClient

from conftest import WebDB, free_port, settings_for
from veille.config import Settings
from veille.export import build_export
from veille.store.database import Store
from veille.web.app import create_app

LOCAL = ("127.0.0.1", 40000)
TOKEN = "s3cret-t0ken"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def client(web_db: WebDB, settings: Settings) -> TestClient:
    return TestClient(create_app(settings_for(settings, web_db.path)), client=LOCAL)


@pytest.fixture()
def writer(web_db: WebDB, settings: Settings, tmp_path: Path) -> TestClient:
    app = create_app(settings_for(settings, web_db.copy(tmp_path), token=TOKEN, max_body_bytes=200_000))
    return TestClient(app, client=LOCAL)


@pytest.fixture()
def server(web_db: WebDB, settings: Settings, tmp_path: Path) -> Iterator[int]:
    """A real uvicorn on loopback (the test client would buffer the body before the app sees it)."""
    conf = settings_for(
        settings, web_db.copy(tmp_path), token=TOKEN, max_body_bytes=1_000_000, body_timeout=1.0
    )
    port = free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(conf), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield port
    srv.should_exit = True
    thread.join(timeout=10)


def _raw(port: int, head: str, body_part: bytes = b"", wait: float = 5.0) -> tuple[int, str]:
    """Send a request head and part of a body; (status, response text) as soon as the server answers."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as sock:
        sock.sendall(head.encode("latin-1") + b"\r\n" + body_part)
        data = b""
        started = time.monotonic()
        while b"\r\n\r\n" not in data or len(data.split(b"\r\n\r\n", 1)[1]) < 10:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
            assert time.monotonic() - started < wait
    status = int(data.split(b" ", 2)[1])
    return status, data.decode("latin-1")


def _head(method: str, path: str, *headers: str) -> str:
    return "\r\n".join([f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", *headers]) + "\r\n"


def test_a_huge_body_without_the_token_is_refused_before_it_is_read(server: int) -> None:
    # 39 MB announced, 64 KiB sent: the answer comes without waiting for (or reading) the rest.
    head = _head("POST", "/api/ingest", "Content-Type: application/json", "Content-Length: 39000000")
    status, text = _raw(server, head, b'{"articles": [{"text": "' + b"x" * 65536)
    assert status == 401, text
    assert "www-authenticate: bearer" in text.lower()
    status, _ = _raw(server, _head("DELETE", "/api/watch/1", "Content-Length: 39000000"), b"x" * 1000)
    assert status == 401


def test_a_huge_body_with_the_token_is_refused_by_its_length(server: int) -> None:
    head = _head("POST", "/api/ingest", f"Authorization: Bearer {TOKEN}", "Content-Type: application/json",
                 "Content-Length: 39000000")  # fmt: skip
    status, text = _raw(server, head, b"{")
    assert status == 413 and "max_body_bytes" in text


def test_a_chunked_body_is_counted_as_it_streams(server: int) -> None:
    head = _head("POST", "/api/ingest", f"Authorization: Bearer {TOKEN}", "Content-Type: application/json",
                 "Transfer-Encoding: chunked")  # fmt: skip
    chunk = b"x" * 100_000
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(15))  # 1.5 MB, over the 1 MB limit
    status, text = _raw(server, head, body)
    assert status == 413, text


def test_a_body_that_never_ends_times_out(server: int) -> None:
    head = _head("POST", "/api/watch", f"Authorization: Bearer {TOKEN}", "Content-Type: application/json",
                 "Content-Length: 5000")  # fmt: skip
    started = time.monotonic()
    status, _ = _raw(server, head, b'{"name": "slow', wait=10)
    assert status == 408 and time.monotonic() - started < 8


def test_body_limits_through_the_test_client(writer: TestClient) -> None:
    big = {"articles": [{"text": "word " * 50_000}]}  # 250 kB of JSON, over the 200 kB limit
    assert writer.post("/api/ingest", json=big).status_code == 401  # no token: refused first
    assert writer.post("/api/ingest", json=big, headers=AUTH).status_code == 413


def test_answers_that_take_too_long_become_504(web_db: WebDB, settings: Settings) -> None:
    slow = TestClient(create_app(settings_for(settings, web_db.path, request_timeout=1e-9)), client=LOCAL)
    response = slow.get("/api/stories")
    assert response.status_code == 504 and "request_timeout" in response.json()["detail"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/articles?offset=99999999999999999999",
        "/api/claims?offset=99999999999999999999",
        "/api/events?offset=99999999999999999999",
        "/api/places?offset=99999999999999999999",
        "/api/entities?offset=99999999999999999999",
        "/api/alerts?rule=1e23",
        "/api/alerts?rule=99999999999999999999",
        "/api/alerts?offset=1e23",
        "/api/search?q=x&offset=99999999999999999999",
    ],
)
def test_numbers_that_overflow_are_422(client: TestClient, url: str) -> None:
    assert client.get(url).status_code == 422


def test_deleting_a_rule_with_an_overflowing_id(writer: TestClient) -> None:
    for rule_id in ("1e23", "99999999999999999999", "-1"):
        assert writer.delete(f"/api/watch/{rule_id}", headers=AUTH).status_code == 422
    assert writer.delete("/api/watch/123456", headers=AUTH).status_code == 404


def test_nul_in_a_query_is_not_a_server_error(client: TestClient, web_db: WebDB) -> None:
    response = client.get("/api/search", params={"q": "Caspian\x00Sea"})
    assert response.status_code == 200
    assert [h["id"] for h in response.json()["items"]] == [web_db.handmade_id]
    for url in ("/api/claims", "/api/entities", "/api/events", "/"):
        key = {"/api/claims": "about", "/api/entities": "kind", "/api/events": "kind", "/": "q"}[url]
        assert client.get(url, params={key: "a\x00b"}).status_code in (200, 422), url


def test_language_filters_articles_and_search(client: TestClient, web_db: WebDB) -> None:
    english = client.get("/api/articles", params={"lang": "en"}).json()["items"]
    assert web_db.handmade_id in {a["id"] for a in english}
    assert all(a["language"] == "en" for a in english)
    assert client.get("/api/articles", params={"lang": "ru"}).json()["items"] == []
    assert client.get("/api/articles", params={"lang": "../x"}).status_code == 422
    hits = client.get("/api/search", params={"q": "Caspian", "lang": "en"}).json()["items"]
    assert [h["id"] for h in hits] == [web_db.handmade_id] and hits[0]["language"] == "en"
    assert client.get("/api/search", params={"q": "Caspian", "lang": "fr"}).json()["items"] == []
    page = client.get("/", params={"q": "Caspian", "lang": "fr"}).text
    assert "No match." in page and 'name="lang"' in page
    assert client.get(f"/api/articles/{web_db.handmade_id}").json()["language"] == "en"


def test_claims_page_in_sql(client: TestClient) -> None:
    everything = client.get("/api/claims", params={"limit": 500}).json()["items"]
    assert len(everything) >= 1
    seen = []
    url: str | None = "/api/claims?limit=1"
    while url:
        body = client.get(url).json()
        seen += [c["id"] for c in body["items"]]
        url = body["next"]
    assert seen == [c["id"] for c in everything]
    about = client.get("/api/claims", params={"about": "Russia"}).json()["items"]
    assert about and all("country:RU" in c["about"] for c in about)
    assert client.get("/api/claims", params={"about": "Nobody At All"}).json()["items"] == []


def test_search_pages(client: TestClient) -> None:
    first = client.get("/api/search", params={"q": "the", "limit": 1}).json()
    if first["next"]:
        second = client.get(first["next"]).json()
        assert second["items"] and second["items"][0]["id"] != first["items"][0]["id"]


def test_export_streams_the_same_document(client: TestClient, web_db: WebDB) -> None:
    with client.stream("GET", "/api/export") as response:
        assert response.headers["content-type"].startswith("application/json")
        text = "".join(response.iter_text())
    streamed = json.loads(text)
    store = Store(f"sqlite:///{web_db.path}")
    try:
        built = json.loads(json.dumps(build_export(store), ensure_ascii=False, default=str))
    finally:
        store.close()
    assert streamed == built
    assert {e["id"] for e in streamed["entities"]} >= {"country:IR", "country:RU"}
    assert all(e["mentions"] for e in streamed["entities"])


def test_the_search_form_with_no_language_searches_all(client: TestClient, web_db: WebDB) -> None:
    page = client.get("/", params={"q": "Caspian", "lang": ""})
    assert page.status_code == 200 and f"/articles/{web_db.handmade_id}" in page.text


def test_export_of_one_language(client: TestClient, web_db: WebDB) -> None:
    english = client.get("/api/export", params={"lang": "en"}).json()
    assert english["articles"] and {a["language"] for a in english["articles"]} == {"en"}
    ids = {a["id"] for a in english["articles"]}
    assert web_db.handmade_id in ids
    for section in ("claims", "events", "routes"):
        assert all(f["article_id"] in ids for f in english[section]), section
    assert all(m["article_id"] in ids for e in english["entities"] for m in e["mentions"])
    assert all(p["mentions"] for p in english["places"])
    nothing = client.get("/api/export", params={"lang": "ja"}).json()
    assert nothing["articles"] == nothing["claims"] == nothing["entities"] == nothing["places"] == []
