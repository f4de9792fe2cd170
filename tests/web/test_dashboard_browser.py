"""The dashboard in real headless Chromium (Debian's /usr/bin/chromium driven by Playwright).

Skips, with the reason printed, only when /usr/bin/chromium is absent (CI installs it:
``apt-get install -y chromium``). Never downloads a browser.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import (
    XSS_ENTITY_ALIAS,
    XSS_ENTITY_ID,
    XSS_ENTITY_NAME,
    WebDB,
    handmade_analysis,
    serving,
    settings_for,
)
from veille.config import Settings
from veille.store.database import Store

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


@contextmanager
def opened(browser: object, server: str, **options: object) -> Iterator[object]:
    """A browser page that may reach ``server`` only; a script error or an outside request fails the test."""
    context = browser.new_context(viewport={"width": 1300, "height": 1000}, **options)  # type: ignore[attr-defined]
    # Nothing but our own server may be reached: a CDN or tile request would fail the test.
    outside: list[str] = []
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(server)
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


@pytest.fixture
def page(browser: object, live_server: str) -> Iterator[object]:
    with opened(browser, live_server) as p:
        yield p


def _open_story_with(page: object, live_server: str, article_id: str) -> None:
    """Open, from the story list, the story whose page shows ``article_id``."""
    page.goto(live_server + "/stories")  # type: ignore[attr-defined]
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
    if not any("geo" in name or "place" in name for name in settings.pipeline.order):
        pytest.skip(
            f"the pipeline geocodes nothing yet (pipeline.order = {settings.pipeline.order}): no places to map"
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


def _boxes(page: object, selector: str) -> list[dict[str, object]]:
    """Each element's text and its box on screen."""
    return page.locator(selector).evaluate_all(  # type: ignore[attr-defined,no-any-return]
        "els => els.map(e => { const r = e.getBoundingClientRect();"
        " return {text: e.textContent, x: r.x, y: r.y, w: r.width, h: r.height}; })"
    )


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"]) > 0.5
        and min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"]) > 0.5
    )


def test_year_less_dates_say_so(page: object, live_server: str, web_db: WebDB) -> None:
    _open_story_with(page, live_server, web_db.handmade_id)
    assert "3 Mar 2024" in page.locator("ol.timeline time").all_inner_texts()  # type: ignore[attr-defined]
    web_db.need_seeds()
    _open_story_with(page, live_server, web_db.seed_ids[0])
    # "le 30 septembre" in an article with no publication date: the extractor keeps "--09-30"
    dates = page.locator("ol.timeline time").all_inner_texts()  # type: ignore[attr-defined]
    assert "30 Sep (year unknown)" in dates, dates
    assert page.locator('ol.timeline time[datetime="--09-30"]').count() >= 1  # type: ignore[attr-defined]
    assert "--09-30" not in page.locator("main").inner_text()  # type: ignore[attr-defined]


def test_actor_names_do_not_overlap(page: object, live_server: str, web_db: WebDB) -> None:
    web_db.need_seeds()
    _open_story_with(page, live_server, web_db.seed_ids[0])
    page.wait_for_selector("#graph[data-layout=done]")  # type: ignore[attr-defined]
    names = _boxes(page, "#graph .node text")
    assert len(names) >= 5, names
    texts = _boxes(page, "#graph text")  # names and the event links' labels
    clashes = [(a["text"], b["text"]) for i, a in enumerate(texts) for b in texts[i + 1 :] if _overlap(a, b)]  # type: ignore[arg-type]
    assert clashes == []
    graph = page.locator("#graph").bounding_box()  # type: ignore[attr-defined]
    for n in names:  # nothing drawn outside the panel
        assert graph["x"] <= n["x"] and n["x"] + n["w"] <= graph["x"] + graph["width"] + 0.5  # type: ignore[operator]
        assert graph["y"] <= n["y"] and n["y"] + n["h"] <= graph["y"] + graph["height"] + 0.5  # type: ignore[operator]
    # The layout runs to convergence before drawing: the same story gets the same picture.
    where = "els => els.map(e => e.getAttribute('transform'))"
    first = page.locator("#graph .node").evaluate_all(where)  # type: ignore[attr-defined]
    page.reload()  # type: ignore[attr-defined]
    page.wait_for_selector("#graph[data-layout=done]")  # type: ignore[attr-defined]
    assert page.locator("#graph .node").evaluate_all(where) == first  # type: ignore[attr-defined]


def test_map_zooms_pans_and_clusters(page: object, live_server: str, web_db: WebDB) -> None:
    _open_story_with(page, live_server, web_db.handmade_id)
    page.wait_for_selector("body[data-map-ready]")  # type: ignore[attr-defined]
    svg, view = page.locator("#map"), page.locator("#map .viewport")  # type: ignore[attr-defined]

    def zoom() -> float:
        return float(svg.get_attribute("data-zoom"))

    start, start_transform = zoom(), view.get_attribute("transform")
    circle = page.locator('#map .marker[data-place="test:alabuga"] circle')  # type: ignore[attr-defined]
    size = circle.bounding_box()["width"]
    box = svg.bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(cx, cy)  # type: ignore[attr-defined]
    page.mouse.wheel(0, -400)  # type: ignore[attr-defined]
    page.wait_for_function("z => Number(document.getElementById('map').dataset.zoom) > z", arg=start)  # type: ignore[attr-defined]
    assert view.get_attribute("transform") != start_transform
    assert abs(circle.bounding_box()["width"] - size) < 0.5  # markers keep their size at any zoom

    page.get_by_role("button", name="reset zoom", exact=True).click()  # type: ignore[attr-defined]
    assert (zoom(), view.get_attribute("transform")) == (start, start_transform)
    page.get_by_role("button", name="zoom in", exact=True).click()  # type: ignore[attr-defined]
    assert zoom() == pytest.approx(2 * start, rel=1e-3)
    before = view.get_attribute("transform")
    page.mouse.move(cx, cy)  # type: ignore[attr-defined]
    page.mouse.down()  # type: ignore[attr-defined]
    page.mouse.move(cx + 90, cy + 40, steps=6)  # type: ignore[attr-defined]
    page.mouse.up()  # type: ignore[attr-defined]
    assert view.get_attribute("transform") != before and zoom() == pytest.approx(2 * start, rel=1e-3)

    svg.focus()  # the keyboard: 0 resets, = (or +) zooms in, the arrows pan
    page.keyboard.press("0")  # type: ignore[attr-defined]
    assert (zoom(), view.get_attribute("transform")) == (start, start_transform)
    page.keyboard.press("=")  # type: ignore[attr-defined]
    assert zoom() == pytest.approx(2 * start, rel=1e-3)
    before = view.get_attribute("transform")
    page.keyboard.press("ArrowLeft")  # type: ignore[attr-defined]
    assert view.get_attribute("transform") != before

    # Zoomed out to the whole world, the three places by the Caspian are one cluster.
    for _ in range(12):
        page.get_by_role("button", name="zoom out", exact=True).click()  # type: ignore[attr-defined]
    assert zoom() == 1
    cluster = page.locator("#map .cluster")  # type: ignore[attr-defined]
    assert cluster.count() == 1 and cluster.get_attribute("data-points") == "3"
    assert page.locator("#map .marker").count() == 1  # type: ignore[attr-defined]
    cluster.click()
    page.wait_for_function("() => Number(document.getElementById('map').dataset.zoom) > 1")  # type: ignore[attr-defined]
    assert page.locator("#map .marker").count() >= 2  # type: ignore[attr-defined]


def test_map_zooms_with_a_pinch(browser: object, live_server: str, web_db: WebDB) -> None:
    with opened(browser, live_server, has_touch=True) as page:
        _open_story_with(page, live_server, web_db.handmade_id)
        page.wait_for_selector("body[data-map-ready]")  # type: ignore[attr-defined]
        start = float(page.locator("#map").get_attribute("data-zoom"))  # type: ignore[attr-defined]
        box = page.locator("#map").bounding_box()  # type: ignore[attr-defined]
        cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        touch = page.context.new_cdp_session(page)  # type: ignore[attr-defined]

        def fingers(apart: float) -> list[dict[str, float]]:
            return [{"x": cx - apart, "y": cy, "id": 1}, {"x": cx + apart, "y": cy, "id": 2}]

        touch.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": fingers(40)})
        for apart in range(50, 130, 10):  # the fingers move apart: zoom in
            touch.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": fingers(apart)})
        touch.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        zoom = float(page.locator("#map").get_attribute("data-zoom"))  # type: ignore[attr-defined]
        assert zoom == pytest.approx(start * 3, rel=0.2)  # fingers 80 -> 240 px apart


DISCOURSE_MARKERS = {
    "en particulier",
    "actuellement",
    "en outre",
    "parallèlement",
    "in particular",
    "currently",
}


def test_carried_over_claims_are_marked(page: object, live_server: str, web_db: WebDB) -> None:
    web_db.need_seeds()
    _open_story_with(page, live_server, web_db.seed_ids[0])
    carried = page.locator("li.claim.carried")  # type: ignore[attr-defined]
    assert carried.count() >= 2
    assert set(carried.locator(".tag.carried").all_inner_texts()) == {"carried over"}
    cues = {c.strip().casefold() for c in page.locator("li.claim .cue").all_inner_texts()}  # type: ignore[attr-defined]
    assert cues and not cues & DISCOURSE_MARKERS, cues
    # "En particulier, ..." carries on the British intelligence's "a déclaré": that is its cue
    row = page.locator("li.claim", has_text="ces drones iraniens sont devenus")  # type: ignore[attr-defined]
    assert "carried" in row.get_attribute("class") and row.locator(".cue").inner_text() == "déclaré"


PAYLOADS = (
    '<img src=x onerror="window.__pwned=1">',
    "<script>window.__pwned=2</script>",
    '"><svg onload="window.__pwned=3">',
    "</text><foreignObject><b>x</b></foreignObject>",
)


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory, settings: Settings) -> Iterator[tuple[str, str]]:
    """The hand-made article with markup as every name: actors, places, the claim's source, the title."""
    analysis = handmade_analysis()
    ir, ru = PAYLOADS[0], PAYLOADS[1]
    analysis.entities = {
        "country:IR": dataclasses.replace(analysis.entities["country:IR"], name=ir),
        "country:RU": dataclasses.replace(analysis.entities["country:RU"], name=ru),
    }
    analysis.places = {
        pid: dataclasses.replace(place, name=PAYLOADS[i % len(PAYLOADS)] + str(i))
        for i, (pid, place) in enumerate(analysis.places.items())
    }
    analysis.claims = [dataclasses.replace(c, source_text=PAYLOADS[2]) for c in analysis.claims]
    analysis.article.title = PAYLOADS[3]
    path = tmp_path_factory.mktemp("hostile") / "veille.db"
    store = Store(f"sqlite:///{path}")
    store.write([analysis])
    store.close()
    with serving(settings_for(settings, path)) as url:
        yield url, analysis.article.id


def test_markup_in_names_stays_text(browser: object, hostile_server: tuple[str, str]) -> None:
    url, aid = hostile_server
    with opened(browser, url) as page:
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))  # type: ignore[attr-defined]
        page.goto(f"{url}/articles/{aid}")  # type: ignore[attr-defined]
        page.wait_for_selector("body[data-map-ready]")  # type: ignore[attr-defined]
        page.wait_for_selector("#graph[data-layout=done]")  # type: ignore[attr-defined]
        assert set(page.locator("#graph .node text").all_text_contents()) == {PAYLOADS[0], PAYLOADS[1]}  # type: ignore[attr-defined]
        labels = page.locator("#map .marker text").all_text_contents()  # type: ignore[attr-defined]
        assert PAYLOADS[3] + "3" in labels, labels
        assert page.locator("li.claim b").first.inner_text() == PAYLOADS[2]  # type: ignore[attr-defined]
        assert page.locator("h1").inner_text() == PAYLOADS[3]  # type: ignore[attr-defined]
        for _ in range(12):  # clusters list their places' names in a tooltip
            page.get_by_role("button", name="zoom out", exact=True).click()  # type: ignore[attr-defined]
        assert PAYLOADS[1] in page.locator("#map .cluster title").first.text_content()  # type: ignore[attr-defined]
        injected = (
            "main img, main script:not([type='application/json']), main svg svg, main foreignObject, main b b"
        )
        assert page.locator(injected).count() == 0  # type: ignore[attr-defined]
        assert page.evaluate("window.__pwned === undefined")  # type: ignore[attr-defined]
        assert dialogs == []


# --- the overview (front page) ------------------------------------------------------------------


def _open_overview(page: object, url: str) -> None:
    page.goto(url)  # type: ignore[attr-defined]
    page.wait_for_selector("body[data-overview-ready]")  # type: ignore[attr-defined]


def _articles_shown(page: object) -> int:
    return int(page.locator("#ov-articles").inner_text())  # type: ignore[attr-defined]


def test_overview_maps_the_seed_story_and_lists_its_countries(
    page: object, live_server: str, web_db: WebDB
) -> None:
    web_db.need_seeds()
    _open_overview(page, live_server + "/?window=all")
    seed = page.request.get(f"{live_server}/api/stories").json()["items"]  # type: ignore[attr-defined]
    story = next(s for s in seed if web_db.seed_ids[0] in s["article_ids"])
    assert page.locator(f'#ov-active li.ov-story[data-story="{story["id"]}"]').count() == 1  # type: ignore[attr-defined]
    countries = page.locator("#ov-country li.entity .entity-name").all_text_contents()  # type: ignore[attr-defined]
    assert {"Russia", "Iran"} <= set(countries[:3]), countries
    places = page.request.get(f"{live_server}/api/stories/{story['id']}").json()["map"]["places"]  # type: ignore[attr-defined]
    assert places
    # Zoomed in step by step, each of the story's places is drawn as its own marker, or (when it
    # shares its spot with another place) named by the tooltip of a cluster of a few.
    drawn: set[str] = set()
    for _ in range(9):
        drawn |= set(page.locator("#map .marker").evaluate_all("els => els.map(e => e.dataset.place)"))  # type: ignore[attr-defined]
        page.get_by_role("button", name="zoom in", exact=True).click()  # type: ignore[attr-defined]
    shared = " ".join(page.locator("#map .cluster title").all_text_contents())  # type: ignore[attr-defined]
    missing = [p["name"] for p in places if p["id"] not in drawn and p["name"] not in shared]
    assert not missing, missing
    assert page.locator("#map .land path").count() > 100  # type: ignore[attr-defined]


def test_overview_filters_live_in_the_url(page: object, live_server: str, web_db: WebDB) -> None:
    _open_overview(page, live_server + "/?window=all")
    everything = _articles_shown(page)
    assert page.locator("#new-since").is_hidden()  # a first visit: nothing to compare with  # type: ignore[attr-defined]
    page.select_option("#filter-lang", "en")  # type: ignore[attr-defined]
    page.wait_for_url("**/?window=all&lang=en")  # type: ignore[attr-defined]
    page.wait_for_selector("body[data-overview-ready]")  # type: ignore[attr-defined]
    english = _articles_shown(page)
    assert 0 < english < everything
    assert page.locator("#ov-languages li a").all_text_contents() == ["en"]  # type: ignore[attr-defined]
    page.locator('#ov-country li[data-entity="country:IR"] a.filter').click()  # type: ignore[attr-defined]
    page.wait_for_url("**/?window=all&lang=en&entity=country%3AIR")  # type: ignore[attr-defined]
    assert page.locator("#filter-entity b").inner_text() == "Iran"  # type: ignore[attr-defined]
    assert _articles_shown(page) == 1  # the hand-made article; the seeds are in French
    page.get_by_text("7 days", exact=True).click()  # type: ignore[attr-defined]
    page.wait_for_url("**/?window=7d&lang=en&entity=country%3AIR")  # type: ignore[attr-defined]
    assert _articles_shown(page) == 0  # 2024's article is not in the last 7 days
    page.go_back()  # type: ignore[attr-defined]
    page.wait_for_url("**/?window=all&lang=en&entity=country%3AIR")  # type: ignore[attr-defined]
    assert _articles_shown(page) == 1
    assert page.locator('#filters input[value="all"]').is_checked()  # type: ignore[attr-defined]
    assert page.locator("#filter-lang").is_enabled()  # type: ignore[attr-defined]
    page.locator("#filter-entity a").click()  # type: ignore[attr-defined]  # removes the filter
    page.wait_for_url("**/?window=all&lang=en")  # type: ignore[attr-defined]
    assert _articles_shown(page) == english
    page.wait_for_selector("body[data-overview-ready]")  # type: ignore[attr-defined]
    page.locator("#map .marker").first.dispatch_event("click")  # type: ignore[attr-defined]
    page.wait_for_url("**/?window=all&lang=en&place=*")  # type: ignore[attr-defined]
    assert page.locator("#filter-place b").inner_text() and _articles_shown(page) >= 1  # type: ignore[attr-defined]


def test_overview_new_since_the_last_visit(page: object, live_server: str) -> None:
    page.goto(live_server + "/static/overview.css")  # same origin: its localStorage  # type: ignore[attr-defined]
    two_hours_ago = "Date.now() - 2 * 3600 * 1000"  # before this session's ingest
    page.evaluate(f"localStorage.setItem('veille.visits', JSON.stringify({{current: {two_hours_ago}}}))")  # type: ignore[attr-defined]
    _open_overview(page, live_server + "/?window=all")
    panel = page.locator("#new-since")  # type: ignore[attr-defined]
    assert panel.is_visible() and panel.get_attribute("data-articles") == str(_articles_shown(page))
    assert "Since your last visit" in panel.inner_text()
    stories = page.locator("#ov-active li.ov-story").count()  # type: ignore[attr-defined]
    assert stories >= 2 and page.locator("#ov-active li.ov-story.updated .badge-updated").count() == stories  # type: ignore[attr-defined]
    page.reload()  # the same visit: still compared with the one before  # type: ignore[attr-defined]
    page.wait_for_selector("body[data-overview-ready]")  # type: ignore[attr-defined]
    assert page.locator("#ov-active li.ov-story.updated").count() == stories  # type: ignore[attr-defined]
    page.locator("#mark-seen").click()  # type: ignore[attr-defined]
    assert panel.is_hidden() and page.locator(".badge-updated").count() == 0  # type: ignore[attr-defined]
    page.reload()  # type: ignore[attr-defined]
    page.wait_for_selector("body[data-overview-ready]")  # type: ignore[attr-defined]
    assert panel.get_attribute("data-articles") == "0" and page.locator("li.ov-story.updated").count() == 0


def test_markup_stays_text_on_the_overview(
    browser: object, live_server: str, hostile_server: tuple[str, str]
) -> None:
    for server in (live_server, hostile_server[0]):
        with opened(browser, server) as page:
            dialogs: list[str] = []
            page.on("dialog", lambda d, seen=dialogs: (seen.append(d.message), d.dismiss()))  # type: ignore[attr-defined]
            _open_overview(page, server + "/?window=all")
            names = page.locator("li.entity .entity-name").all_text_contents()  # type: ignore[attr-defined]
            labels = page.locator("#map .marker text, #map .cluster title").all_text_contents()  # type: ignore[attr-defined]
            if server == live_server:  # the markup article: its title, an organisation, its outlet
                titles = page.locator("li.ov-story .story-title").all_text_contents()  # type: ignore[attr-defined]
                assert "<b>Broken</b> <script>window.__pwned=3</script> feed" in titles
                assert '<img src=x onerror="window.__pwned=2">' in names
                outlets = page.locator("#ov-sources li a").all_text_contents()  # type: ignore[attr-defined]
                assert '<img src=x onerror="window.__pwned=5"> wire' in outlets
            else:  # the hand-made article with markup for every name: countries and places
                assert {PAYLOADS[0], PAYLOADS[1]} <= set(names)
                assert any(PAYLOADS[3] in label for label in labels), labels
            injected = "main img, main script:not([type='application/json']), main svg svg, main foreignObject, main b b, main a b"
            assert page.locator(injected).count() == 0  # type: ignore[attr-defined]
            assert page.evaluate("window.__pwned === undefined")  # type: ignore[attr-defined]
            assert dialogs == []


def test_overview_screenshot(browser: object, live_server: str, tmp_path: Path) -> None:
    with opened(browser, live_server) as page:
        page.set_viewport_size({"width": 1400, "height": 1000})  # type: ignore[attr-defined]
        _open_overview(page, live_server + "/?window=all")
        out = Path(os.environ.get("VEILLE_SCREENSHOT_DIR", tmp_path)) / "overview.png"
        page.screenshot(path=str(out))  # type: ignore[attr-defined]
    data = out.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 50_000


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
    page.go_back()  # type: ignore[attr-defined]
    page.go_back()  # type: ignore[attr-defined]  # the story again: its actor graph's names link too
    page.wait_for_selector("#graph[data-layout=done]")  # type: ignore[attr-defined]
    page.locator("#graph a.entity", has_text="Russia").click()  # type: ignore[attr-defined]
    page.wait_for_url(f"{live_server}/entities/country%3ARU")  # type: ignore[attr-defined]


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


def test_overview_entities_open_their_pages(
    browser: object, live_server: str, hostile_server: tuple[str, str]
) -> None:
    """From the overview's top entities to an entity page with its claims; with markup as every
    name (the hostile store), the page still shows it as text."""
    with opened(browser, live_server) as page:
        _open_overview(page, live_server + "/?window=all")
        page.locator("#ov-country li.entity .entity-name", has_text="Iran").click()  # type: ignore[attr-defined]
        page.wait_for_url(f"{live_server}/entities/country%3AIR")  # type: ignore[attr-defined]
        assert page.locator("#claims-about li.claim", has_text="Iran shipped drone parts").count() == 1  # type: ignore[attr-defined]
    server = hostile_server[0]
    with opened(browser, server) as page:
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))  # type: ignore[attr-defined]
        for name in (PAYLOADS[0], PAYLOADS[1]):
            _open_overview(page, server + "/?window=all")
            page.locator("li.entity .entity-name", has_text=name).click()  # type: ignore[attr-defined]
            page.wait_for_selector("#entity-name")  # type: ignore[attr-defined]
            assert page.locator("h1").inner_text() == name  # type: ignore[attr-defined]
            claim = page.locator("#claims-about li.claim")  # type: ignore[attr-defined]
            assert claim.inner_text().startswith(PAYLOADS[2])  # the claim's source, as text
            assert {PAYLOADS[0], PAYLOADS[1]} <= set(claim.locator("a.entity").all_text_contents())
            injected = "main img, main script:not([type='application/json']):not([src]), main svg svg, main foreignObject"
            assert page.locator(injected).count() == 0  # type: ignore[attr-defined]
            assert page.evaluate("window.__pwned === undefined")  # type: ignore[attr-defined]
        assert dialogs == []
