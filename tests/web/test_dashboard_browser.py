"""The dashboard in real headless Chromium (Debian's /usr/bin/chromium driven by Playwright).

Skips, with the reason printed, only when /usr/bin/chromium is absent (CI installs it:
``apt-get install -y chromium``). Never downloads a browser.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import XSS_ENTITY_ALIAS, XSS_ENTITY_ID, XSS_ENTITY_NAME, WebDB
from veille.config import Settings

CHROMIUM = Path(os.environ.get("VEILLE_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]  # fmt: skip

if not CHROMIUM.is_file():
    reason = f"browser tests need Chromium at {CHROMIUM}: run `apt-get install -y chromium`"
    print(f"SKIP: {reason}")
    pytest.skip(reason, allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is a dev dependency")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: object, live_server: str) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1300, "height": 1000})  # type: ignore[attr-defined]
    # Nothing but our own server may be reached: a CDN or tile request would fail the test.
    outside: list[str] = []
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(live_server)
            else (outside.append(route.request.url), route.abort())
        ),
    )
    p = context.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda exc: errors.append(str(exc)))
    yield p
    context.close()
    assert not outside, outside
    assert not errors, errors


def _open_story_with(page: object, live_server: str, article_id: str) -> None:
    """Open, from the story list, the story whose page shows ``article_id``."""
    page.goto(live_server + "/")  # type: ignore[attr-defined]
    hrefs = page.locator("li.story a.story-title").evaluate_all("els => els.map(e => e.getAttribute('href'))")  # type: ignore[attr-defined]
    for href in hrefs:
        page.goto(live_server + href)  # type: ignore[attr-defined]
        if page.locator(f"#a-{article_id}").count():  # type: ignore[attr-defined]
            return
    raise AssertionError(f"no story shows article {article_id}")


def test_seed_story_shows_both_articles(page: object, live_server: str, web_db: WebDB) -> None:
    web_db.need_seeds()
    _open_story_with(page, live_server, web_db.seed_ids[0])
    for aid in web_db.seed_ids:
        assert page.locator(f"#a-{aid}").is_visible()  # type: ignore[attr-defined]
    assert page.locator("#graph .node").count() >= 2  # type: ignore[attr-defined]
    assert page.locator("ol.timeline li").count() >= 2  # type: ignore[attr-defined]


def test_clicking_a_claim_shows_its_sentence(page: object, live_server: str, web_db: WebDB) -> None:
    _open_story_with(page, live_server, web_db.handmade_id)
    claim = page.locator(f'li.claim[data-article="{web_db.handmade_id}"]').first  # type: ignore[attr-defined]
    claim.click()
    sentence = page.locator(f"#s-{web_db.handmade_id}-0")  # type: ignore[attr-defined]
    assert "sent" in sentence.get_attribute("class") and "hl" in sentence.get_attribute("class")
    assert sentence.locator("mark").inner_text() == "Iran shipped drone parts to Russia on 3 March 2024"
    evidence = page.locator("#evidence").inner_text()  # type: ignore[attr-defined]
    assert evidence.startswith("Shipping logs seen by our reporters") and evidence.endswith("3 March 2024.")


def test_alabuga_is_on_the_map(page: object, live_server: str, web_db: WebDB, tmp_path: Path) -> None:
    _open_story_with(page, live_server, web_db.handmade_id)
    page.wait_for_selector("body[data-map-ready]")  # type: ignore[attr-defined]
    marker = page.locator('#map .marker[data-place="test:alabuga"]')  # type: ignore[attr-defined]
    assert marker.locator("text").text_content() == "Alabuga special economic zone"
    box = marker.locator("circle").bounding_box()
    map_box = page.locator("#map").bounding_box()  # type: ignore[attr-defined]
    assert map_box["x"] <= box["x"] <= map_box["x"] + map_box["width"]
    assert map_box["y"] <= box["y"] <= map_box["y"] + map_box["height"]
    assert page.locator("#map .land path").count() > 100  # the bundled basemap was drawn  # type: ignore[attr-defined]
    assert page.locator(f'#map polyline.route-line[data-article="{web_db.handmade_id}"]').count() == 1  # type: ignore[attr-defined]
    marker.dispatch_event("click")  # the geocoded seed Alabuga may sit on top of ours
    assert "Alabuga" in page.locator("#evidence").inner_text()  # type: ignore[attr-defined]


def test_seed_story_map_shows_alabuga(
    page: object, live_server: str, web_db: WebDB, settings: Settings
) -> None:
    if not any("geo" in name or "place" in name for name in settings.order):
        pytest.skip(
            f"the pipeline geocodes nothing yet (pipeline.order = {settings.order}): no places to map"
        )
    _open_story_with(page, live_server, web_db.seed_ids[1])
    page.wait_for_selector("body[data-map-ready]")  # type: ignore[attr-defined]
    seed_places = page.locator("#map .marker").evaluate_all(  # type: ignore[attr-defined]
        "els => els.filter(e => !e.dataset.place.startsWith('test:')).map(e => e.textContent)"
    )
    assert any("Alabuga" in name for name in seed_places), seed_places


def test_markup_in_an_article_is_shown_as_text(page: object, live_server: str, web_db: WebDB) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))  # type: ignore[attr-defined]
    page.goto(f"{live_server}/articles/{web_db.xss_id}")  # type: ignore[attr-defined]
    text = page.locator(f"#a-{web_db.xss_id} .text").inner_text()  # type: ignore[attr-defined]
    assert "<script>window.__pwned = 1; alert('x')</script>" in text
    assert "<b>Broken</b>" in page.locator("h1").inner_text()  # type: ignore[attr-defined]
    assert page.evaluate("window.__pwned === undefined")  # type: ignore[attr-defined]
    assert page.locator("article script, article img, h1 b").count() == 0  # type: ignore[attr-defined]
    assert dialogs == []


def test_dashboard_screenshot(page: object, live_server: str, web_db: WebDB, tmp_path: Path) -> None:
    _open_story_with(page, live_server, (web_db.seed_ids or [web_db.handmade_id])[0])
    page.wait_for_selector("body[data-map-ready]")  # type: ignore[attr-defined]
    out = Path(os.environ.get("VEILLE_SCREENSHOT_DIR", tmp_path)) / "dashboard-story.png"
    page.screenshot(path=str(out), full_page=True)  # type: ignore[attr-defined]
    data = out.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 50_000  # a real rendering, not a blank page
    print(f"screenshot: {out}")


# --- entity pages ---------------------------------------------------------------------------


def test_clicking_an_entity_on_the_story_page_opens_its_page(
    page: object, live_server: str, web_db: WebDB
) -> None:
    _open_story_with(page, live_server, web_db.handmade_id)
    event = page.locator(f'li.event[data-article="{web_db.handmade_id}"]')  # type: ignore[attr-defined]
    event.locator("a.entity", has_text="Iran").click()
    page.wait_for_url(f"{live_server}/entities/country%3AIR")  # type: ignore[attr-defined]
    assert page.locator("h1").inner_text() == "Iran"  # type: ignore[attr-defined]
    about = page.locator("#claims-about li.claim", has_text="Iran shipped drone parts to Russia")  # type: ignore[attr-defined]
    assert about.locator("blockquote.sentence").inner_text().startswith("Shipping logs seen by our reporters")
    acted = page.locator("#events-actor li.event", has_text="supply")  # type: ignore[attr-defined]
    acted.locator("a.entity", has_text="Russia").click()  # and on to the target's page
    page.wait_for_url(f"{live_server}/entities/country%3ARU")  # type: ignore[attr-defined]
    assert page.locator("#events-target li.event", has_text="drone parts").count() == 1  # type: ignore[attr-defined]


def test_seed_story_links_to_kirby_and_his_claims(page: object, live_server: str, web_db: WebDB) -> None:
    web_db.need_seeds()
    _open_story_with(page, live_server, web_db.seed_ids[1])
    assert page.locator("#graph a.entity").count() >= 2  # type: ignore[attr-defined]  # graph names link too
    page.locator("#facts li.claim a.entity", has_text="John Kirby").first.click()  # type: ignore[attr-defined]
    page.wait_for_url(f"{live_server}/entities/person%3Ajohn-kirby")  # type: ignore[attr-defined]
    claims = page.locator("#claims-by li.claim")  # type: ignore[attr-defined]
    assert claims.count() == 3
    said = claims.filter(has_text="la Russie avait reçu des documents de l'Iran")
    assert (
        said.locator("blockquote.sentence").inner_text().startswith("John Kirby, porte-parole de la sécurité")
    )
    page.wait_for_selector("body[data-chart-ready]")  # type: ignore[attr-defined]
    assert page.locator("#mentions rect.bar").count() >= 1  # type: ignore[attr-defined]
    page.locator("#stories a").first.click()  # type: ignore[attr-defined]  # back to the story
    assert page.locator(f"#a-{web_db.seed_ids[1]}").count() == 1  # type: ignore[attr-defined]


def test_markup_in_entity_names_and_claims_stays_inert(page: object, live_server: str, web_db: WebDB) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))  # type: ignore[attr-defined]
    page.goto(f"{live_server}/articles/{web_db.xss_entity_article}")  # type: ignore[attr-defined]
    page.locator("#facts li.claim a.entity").first.click()  # type: ignore[attr-defined]  # the id is encoded
    page.wait_for_selector("#entity-name")  # type: ignore[attr-defined]
    assert page.locator("h1").inner_text() == XSS_ENTITY_NAME  # type: ignore[attr-defined]
    assert XSS_ENTITY_ALIAS in page.locator("#aliases").inner_text()  # type: ignore[attr-defined]
    assert XSS_ENTITY_ID in page.locator("main code").inner_text()  # type: ignore[attr-defined]
    claim = page.locator("#claims-by li.claim").inner_text()  # type: ignore[attr-defined]
    assert '<b onmouseover="window.__pwned=6">told' in claim and "<script>window.__pwned=8</script>" in claim
    event = page.locator("#events-actor li.event")  # type: ignore[attr-defined]
    assert "<script>window.__pwned=10</script>" in event.inner_text()
    event.hover()
    page.locator("#claims-by li.claim").hover()  # type: ignore[attr-defined]
    page.wait_for_selector("body[data-chart-ready]")  # type: ignore[attr-defined]
    assert page.evaluate("window.__pwned === undefined")  # type: ignore[attr-defined]
    injected = "main script:not([type='application/json']):not([src]), main img, main b[onmouseover], main svg[onload]"
    assert page.locator(injected).count() == 0  # type: ignore[attr-defined]
    assert dialogs == []
    page.locator("#claims-by li.claim a.entity").first.click()  # type: ignore[attr-defined]  # its own page again
    page.wait_for_selector("#entity-name")  # type: ignore[attr-defined]
    assert page.locator("h1").inner_text() == XSS_ENTITY_NAME  # type: ignore[attr-defined]


def test_entity_page_screenshot(browser: object, live_server: str, web_db: WebDB, tmp_path: Path) -> None:
    """The page of Russia on the seed store at 1400×1000 (docs/img/entity.png with VEILLE_SCREENSHOT_DIR=docs/img)."""
    web_db.need_seeds()
    context = browser.new_context(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    shot = context.new_page()
    shot.goto(f"{live_server}/entities/country%3ARU")
    shot.wait_for_selector("body[data-chart-ready]")
    out = Path(os.environ.get("VEILLE_SCREENSHOT_DIR", tmp_path)) / "entity.png"
    shot.screenshot(path=str(out))
    context.close()
    data = out.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 50_000  # a real rendering, not a blank page
    print(f"screenshot: {out}")
