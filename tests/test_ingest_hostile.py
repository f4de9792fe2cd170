"""Hostile input, generated: every cleaner and parser answers with a result or a one-line
InputError, and a batch keeps going past any number of bad items."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veille.clean.html import extract_page
from veille.clean.text import clean_text, normalise_layout
from veille.config import Settings, load_settings
from veille.errors import InputError
from veille.ingest.feeds import parse_feed, parse_opml
from veille.ingest.files import decode_bytes
from veille.ingest.sources import IngestFailure, read_sources
from veille.model import Article

SETTINGS: Settings = load_settings()
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

GOOD_TEXT = (
    "Les pompiers ont maîtrisé dimanche soir l'incendie qui menaçait la forêt domaniale, après deux "
    "jours de lutte et l'évacuation de trois hameaux par précaution."
)

HTML_PIECES = st.sampled_from(
    [
        "<div>", "</div>", "<p>", "</p>", "<article>", "<table><tr><td>", "</td>", "<script>x=1</script>",
        "<!--", "-->", "<![CDATA[", "]]>", "&amp;", "&#xffffff;", "&#0;", "&bogus;", "<meta charset='x-nope'>",
        "<title>", "</title>", "<br/>", "<", ">", "\x00", "é", "文字", "\ud7ff", " Le maire a parlé. ",
        "<html>", "</html>", "<body>", "<svg><foreignObject>", "<math><mi>",
    ]
)  # fmt: skip
FEED_PIECES = st.sampled_from(
    [
        "<?xml version='1.0'?>", "<rss version='2.0'>", "</rss>", "<channel>", "</channel>", "<item>",
        "</item>", "<title>T</title>", "<link>http://127.0.0.1/x</link>", "<description>", "</description>",
        "<feed xmlns='http://www.w3.org/2005/Atom'>", "<entry>", "</entry>", "<opml>", "<outline xmlUrl='a'/>",
        "<!DOCTYPE x [", "<!ENTITY a 'b'>", "]>", "&a;", "&#x0;", "\xff", "é", "<", "&",
    ]
)  # fmt: skip


def one_line_error(exc: InputError) -> None:
    assert str(exc) and "\n" not in str(exc)


@FAST
@given(st.binary(max_size=2000))
def test_decode_any_bytes(data: bytes) -> None:
    try:
        text = decode_bytes(data)
    except InputError as exc:
        one_line_error(exc)
    else:
        assert text.strip()


@settings(max_examples=30, deadline=None)
@given(st.text(max_size=300), st.text(max_size=300))
def test_mixed_encodings_decode_or_fail_cleanly(first: str, second: str) -> None:
    data = first.encode("utf-8", "replace") + second.encode("latin-1", "replace")
    try:
        decode_bytes(data)
    except InputError as exc:
        one_line_error(exc)


@FAST
@given(st.text(max_size=3000), st.one_of(st.none(), st.text(max_size=80)))
def test_clean_text_only_removes_whole_lines(raw: str, title: str | None) -> None:
    cleaned = clean_text(raw, title=title)
    source_lines = {line.strip() for line in normalise_layout(raw).split("\n")}
    for line in cleaned.text.split("\n"):
        assert line == "" or line in source_lines


@FAST
@given(st.lists(HTML_PIECES, max_size=400).map("".join))
def test_extract_page_on_broken_markup(html: str) -> None:
    page = extract_page(html)
    assert isinstance(page.text, str)


@FAST
@given(
    st.one_of(
        st.binary(max_size=1500), st.lists(FEED_PIECES, max_size=200).map(lambda p: "".join(p).encode())
    )
)
def test_feed_and_opml_parsers_on_garbage(data: bytes) -> None:
    for parse in (parse_feed, parse_opml):
        try:
            parse(data, "fuzz.xml")
        except InputError as exc:
            one_line_error(exc)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=10,
)
JSONL_LINES = st.one_of(
    st.text(max_size=60).filter(lambda s: "\n" not in s and "\r" not in s),
    JSON_VALUES.map(json.dumps),
    st.dictionaries(
        st.sampled_from(["text", "html", "title", "url", "published", "source"]), JSON_VALUES, max_size=6
    ).map(json.dumps),
    st.just(json.dumps({"text": GOOD_TEXT})),
)


@FAST
@given(st.lists(JSONL_LINES, max_size=12))
def test_jsonl_one_result_per_line(lines: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "batch.jsonl"
        path.write_text("\n".join(lines), encoding="utf-8")
        results = list(read_sources([str(path)], SETTINGS))
    physical = "\n".join(lines).split("\n")
    if len(results) == 1 and isinstance(results[0], IngestFailure) and results[0].origin == str(path):
        # The whole file may be refused (empty, or mostly control characters), in one line.
        assert "\n" not in results[0].reason
        return
    # Blank means JSON whitespace only: a no-break space alone on a line is a bad line.
    assert len(results) == sum(1 for line in physical if line.encode("utf-8").strip())
    good = sum(1 for line in physical if line == json.dumps({"text": GOOD_TEXT}))
    assert sum(1 for r in results if isinstance(r, Article) and r.text == GOOD_TEXT) == good
    for result in results:
        if isinstance(result, IngestFailure):
            assert "\n" not in result.reason


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.sampled_from([".txt", ".html", ".xml", ".opml", ".jsonl"]), st.binary(max_size=600)),
        max_size=6,
    )
)
def test_a_folder_of_junk_does_not_stop_the_good_file(junk: list[tuple[str, bytes]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for index, (suffix, data) in enumerate(junk):
            (root / f"junk{index}{suffix}").write_bytes(data)
        (root / "zz_good.txt").write_text(f"Incendie maîtrisé\n\n{GOOD_TEXT}", encoding="utf-8")
        results = list(read_sources([folder], SETTINGS))
    # The stored text is the headline, a blank line, then the body.
    assert any(isinstance(r, Article) and r.text == f"Incendie maîtrisé\n\n{GOOD_TEXT}" for r in results)
    assert len(results) >= len(junk) + 1  # every file answers, at least once


def test_huge_line_and_nested_html_in_one_batch() -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "a_nested.html").write_text("<div>" * 200_000 + "Texte profond." + "</div>" * 200_000)
        (root / "b_one_line.txt").write_text("mot " * 1_000_000)
        (root / "c_good.txt").write_text(f"Incendie\n\n{GOOD_TEXT}", encoding="utf-8")
        results = list(read_sources([folder], SETTINGS))
    assert len(results) == 3
    assert isinstance(results[2], Article) and results[2].text == f"Incendie\n\n{GOOD_TEXT}"


def test_jsonl_line_in_another_encoding_is_that_lines_failure(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    good = json.dumps({"text": GOOD_TEXT}, ensure_ascii=False).encode("utf-8")
    latin = json.dumps({"text": GOOD_TEXT + " Fin."}, ensure_ascii=False).encode("latin-1")
    path.write_bytes(b"\n".join([good, latin, b"\xff\xfe\x00garbage", good]))
    results = list(read_sources([str(path)], SETTINGS))
    assert [type(r).__name__ for r in results] == ["Article", "IngestFailure", "IngestFailure", "Article"]
    failure = results[1]
    assert isinstance(failure, IngestFailure)
    assert failure.origin == f"{path}:2" and failure.reason.startswith("not valid UTF-8")


def test_an_article_over_spacys_limit_is_analysed_and_the_others_stored(tmp_path: Path) -> None:
    """The outside attack's case: two good files and 1,080,000 characters of one sentence."""
    from typer.testing import CliRunner

    from veille.cli import app
    from veille.store.database import Store

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "Drones over Crimea\n\nThe Russian ministry said Ukraine launched twelve drones.\n"
    )
    (folder / "b.txt").write_text("Iran sent drones. " * 60000)
    (folder / "c.txt").write_text(
        "Talks in Geneva\n\nNegotiators from Iran and France met in Geneva on Tuesday.\n"
    )
    db = tmp_path / "v.db"
    done = CliRunner().invoke(app, ["--db", str(db), "ingest", "--json", str(folder)])
    assert done.exit_code == 0, done.output
    report = json.loads(done.stdout)
    assert (report["ingested"], report["failed"]) == (3, [])
    store = Store(f"sqlite:///{db}")
    long_id = next(r.id for r in store.articles() if (r.title or "").startswith("Iran sent drones"))
    art = store.article(long_id)
    assert art is not None and len(art["text"]) > 1_000_000
    text = art["text"]
    # Facts found past the first chunks, offsets into the whole stored text.
    mentions = art["mentions"]
    assert max(m["start"] for m in mentions) > 900_000
    assert all(text[m["start"] : m["end"]] == m["text"] for m in mentions)
    store.close()
