"""One small database for the web, watch and poll tests, built once per session.

It holds the two seed articles analysed by the real pipeline, one article we
write here with hand-made facts of every kind (claim, event, places, a route, a
date: the dashboard is what is under test, not the extractors), and one article
whose text, title, outlet, an entity's name and a claim carry markup, to check they
are shown as text. Tests that write copy it.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn

from veille.config import Settings, with_values
from veille.ingest.runner import Ingestor
from veille.ingest.sources import read_sources
from veille.model import (
    Analysis,
    Article,
    Claim,
    DateRef,
    Entity,
    Event,
    Mention,
    Place,
    PlaceMention,
    Route,
    Sentence,
    article_id_for,
    fact_id,
)
from veille.pipeline import Pipeline
from veille.store.database import Store
from veille.web.app import create_app

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"
SEED_FILES = ("000_26781533d9c08b3d.txt", "002_c695fbdf6ede573c.txt")

HANDMADE_TEXT = (
    "Shipping logs seen by our reporters show that Iran shipped drone parts to Russia on 3 March 2024. "
    "The crates went from Amirabad across the Caspian Sea to Makhachkala, then by rail to Alabuga. "
    "A customs officer said the parts were labelled as farm equipment."
)
XSS_TEXT = (
    "Odd copy <script>window.__pwned = 1; alert('x')</script> and <img src=x onerror=\"window.__pwned=2\"> "
    "landed in a wire story about Ukraine and Poland. The editors said the markup came from a broken feed."
)

# An entity whose id, name and aliases carry markup, quoted by a source that does too: its page
# and every link to it must show them as text. The id holds "/" and "<": the path and its encoding
# are under test as well.
XSS_ENTITY_ID = "person:<script>window.__pwned=7</script>"
XSS_ENTITY_NAME = '<img src=x onerror="window.__pwned=4">Mr Markup'
XSS_ENTITY_ALIAS = "<script>window.__pwned=5</script>"
XSS_CLAIM_TEXT = (
    'Mr Markup told <b onmouseover="window.__pwned=6">reporters</b> that '
    "<script>window.__pwned=8</script> the talks with Poland were over. Mr Markup later attacked Poland."
)


def _span(text: str, needle: str, after: int = 0) -> tuple[int, int]:
    start = text.index(needle, after)
    return start, start + len(needle)


def _sentences(aid: str, text: str) -> list[Sentence]:
    out, pos = [], 0
    for i, part in enumerate(text.split(". ")):
        end = pos + len(part) + (1 if pos + len(part) < len(text) else 0)
        out.append(Sentence(aid, i, pos, min(end, len(text))))
        pos = end + 1
    return out


def handmade_analysis() -> Analysis:
    """An article with one fact of every kind, offsets computed from the text."""
    text = HANDMADE_TEXT
    aid = article_id_for(text)
    art = Article(id=aid, text=text, title="Test: drone parts shipped to Alabuga", source="Test Wire",
                  url="https://example.org/test-wire/1", published="2024-03-05", language="en", origin="test")  # fmt: skip
    sents = _sentences(aid, text)
    iran, russia = (
        Entity("country:IR", "Iran", "country", "IR"),
        Entity("country:RU", "Russia", "country", "RU"),
    )
    mentions = [
        Mention(aid, *_span(text, "Iran"), "Iran", "GPE", 0, "test", "country:IR"),
        Mention(aid, *_span(text, "Russia"), "Russia", "GPE", 0, "test", "country:RU"),
    ]
    places = {
        "test:amirabad": Place("test:amirabad", "Amirabad", 36.86, 53.37, "IR"),
        "test:caspian": Place("test:caspian", "Caspian Sea", 41.9, 50.7, None, "H.SEA"),
        "test:makhachkala": Place("test:makhachkala", "Makhachkala", 42.98, 47.5, "RU"),
        "test:alabuga": Place("test:alabuga", "Alabuga special economic zone", 55.77, 52.05, "RU"),
    }
    pms = [
        PlaceMention(aid, "test:amirabad", *_span(text, "Amirabad"), "Amirabad", 1, "test"),
        PlaceMention(aid, "test:caspian", *_span(text, "Caspian Sea"), "Caspian Sea", 1, "test"),
        PlaceMention(aid, "test:makhachkala", *_span(text, "Makhachkala"), "Makhachkala", 1, "test"),
        PlaceMention(aid, "test:alabuga", *_span(text, "Alabuga"), "Alabuga", 1, "test"),
    ]
    c_start, c_end = _span(text, "Iran shipped drone parts to Russia on 3 March 2024")
    claim = Claim(fact_id(aid, "claim", c_start), aid, None, "Shipping logs", "show", text[c_start:c_end],
                  c_start, c_end, 0, "evidence", "test", ["country:IR", "country:RU"])  # fmt: skip
    e_start, e_end = _span(text, "Iran shipped drone parts to Russia")
    event = Event(fact_id(aid, "event", e_start), aid, "supply", e_start, e_end, 0, "test",
                  actor="country:IR", target="country:RU", object="drone parts", time="2024-03-03", claim_id=claim.id)  # fmt: skip
    r_start, r_end = _span(
        text, "from Amirabad across the Caspian Sea to Makhachkala, then by rail to Alabuga"
    )
    route = Route(fact_id(aid, "route", r_start), aid, list(places), r_start, r_end, 1, "test", what="crates")
    d_start, d_end = _span(text, "3 March 2024")
    date = DateRef(aid, d_start, d_end, "3 March 2024", 0, "test", value="2024-03-03", resolved=True)
    return Analysis(article=art, sentences=sents, mentions=mentions, entities={"country:IR": iran, "country:RU": russia},
                    dates=[date], claims=[claim], events=[event], places=places, place_mentions=pms, routes=[route])  # fmt: skip


def xss_entity_analysis() -> Analysis:
    """An article whose entity, claim and event carry markup in every text field."""
    text = XSS_CLAIM_TEXT
    aid = article_id_for(text)
    art = Article(id=aid, text=text, title="Markup <i>talks</i>", source='<svg onload="window.__pwned=9">',
                  language="en", origin="test")  # fmt: skip
    who = Entity(XSS_ENTITY_ID, XSS_ENTITY_NAME, "person", aliases=[XSS_ENTITY_ALIAS, "M. Markup"])
    poland = Entity("country:PL", "Poland", "country", "PL")
    mentions = [
        Mention(aid, *_span(text, "Mr Markup"), "Mr Markup", "PERSON", 0, "test", XSS_ENTITY_ID),
        Mention(aid, *_span(text, "Poland"), "Poland", "GPE", 0, "test", "country:PL"),
        Mention(aid, *_span(text, "Mr Markup", 10), "Mr Markup", "PERSON", 1, "test", XSS_ENTITY_ID),
    ]
    c_start, c_end = _span(text, "<script>window.__pwned=8</script> the talks with Poland were over")
    source = text[: text.index(" told")]
    claim = Claim(fact_id(aid, "claim", c_start), aid, XSS_ENTITY_ID, source, '<b onmouseover="window.__pwned=6">told',
                  text[c_start:c_end], c_start, c_end, 0, "statement", "test", ["country:PL"])  # fmt: skip
    e_start, e_end = _span(text, "Mr Markup later attacked Poland")
    event = Event(fact_id(aid, "event", e_start), aid, "attack", e_start, e_end, 1, "test",
                  actor=XSS_ENTITY_ID, target="country:PL", object="<script>window.__pwned=10</script>")  # fmt: skip
    return Analysis(article=art, sentences=_sentences(aid, text), mentions=mentions,
                    entities={XSS_ENTITY_ID: who, "country:PL": poland}, claims=[claim], events=[event])  # fmt: skip


XSS_SOURCE = '<img src=x onerror="window.__pwned=5"> Wire'
XSS_ENTITY = "organisation:xss-img"


def hostile_analysis(pipeline: Pipeline) -> Analysis:
    """The markup article as the pipeline reads it, from an outlet whose name is markup, plus an
    organisation named by its ``<img onerror>`` tag that claims its ``<script>`` text."""
    text = XSS_TEXT
    art = Article(id=article_id_for(text), text=text, title="<b>Broken</b> <script>window.__pwned=3</script> feed",
                  source=XSS_SOURCE, language="en", origin="test")  # fmt: skip
    out = next(iter(pipeline.analyse([art])))
    img_start, img_end = _span(text, '<img src=x onerror="window.__pwned=2">')
    org = Entity(XSS_ENTITY, text[img_start:img_end], "organisation")
    out.entities[org.id] = org
    out.mentions.append(Mention(art.id, img_start, img_end, org.name, "ORG", 0, "test", org.id))
    c_start, c_end = _span(text, "<script>window.__pwned = 1; alert('x')</script>")
    out.claims.append(Claim(fact_id(art.id, "claim", c_start), art.id, org.id, org.name, "said", text[c_start:c_end],
                            c_start, c_end, 0, "statement", "test", [org.id], source_start=img_start,
                            source_end=img_end))  # fmt: skip
    return out


@dataclass
class WebDB:
    path: Path
    seed_ids: list[str]
    handmade_id: str
    xss_id: str
    xss_entity_article: str  # the article of the entity with markup in its names (XSS_ENTITY_ID)

    @property
    def article_ids(self) -> list[str]:
        return [*self.seed_ids, self.handmade_id, self.xss_id, self.xss_entity_article]

    def need_seeds(self) -> None:
        if not self.seed_ids:
            pytest.skip(f"sample seeds not found at {SEEDS} (they live in ../shared beside the checkout)")

    def copy(self, to: Path) -> Path:
        target = to / "veille.db"
        shutil.copy(self.path, target)
        return target


@pytest.fixture(scope="session")
def web_db(tmp_path_factory: pytest.TempPathFactory, settings: Settings, pipeline: Pipeline) -> WebDB:
    """Seeds are optional here: without ../shared the seed tests skip and the rest still run."""
    path = tmp_path_factory.mktemp("webdb") / "veille.db"
    store = Store(f"sqlite:///{path}")
    ingestor = Ingestor(settings, store, pipeline=pipeline)
    seed_ids: list[str] = []
    if all((SEEDS / f).is_file() for f in SEED_FILES):
        report = ingestor.ingest_items(read_sources([str(SEEDS / f) for f in SEED_FILES], settings))
        assert report.ingested == 2, report.to_dict()
        seed_ids = report.article_ids
    handmade = [handmade_analysis(), xss_entity_analysis()]
    store.write(handmade)
    for hook in ingestor.after_write:  # what Ingestor does after a write: e.g. track stories
        hook(handmade)
    xss = hostile_analysis(pipeline)
    assert store.write([xss]) == 1
    for hook in ingestor.after_write:
        hook([xss])
    if ingestor.embedding is not None:
        ingestor.embedding.close()  # as ingest_items ends: deferred vectors, and their stories, are in
    store.close()
    return WebDB(path, seed_ids, handmade[0].article.id, xss.article.id, handmade[1].article.id)


def settings_for(settings: Settings, db: Path, **web: object) -> Settings:
    """The session settings pointed at ``db``, with ``[web]`` and ``[alerts]`` overrides."""
    return with_values(settings, store={"url": f"sqlite:///{db}"}, web=web, alerts={"console": False})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(web_db: WebDB, settings: Settings) -> Iterator[str]:
    """The dashboard served by uvicorn on 127.0.0.1, for the browser tests."""
    with serving(settings_for(settings, web_db.path)) as url:
        yield url


@contextmanager
def serving(settings: Settings) -> Iterator[str]:
    """The app for ``settings`` served by uvicorn on 127.0.0.1 in a thread: yields its base URL."""
    port = free_port()
    app = create_app(settings)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
