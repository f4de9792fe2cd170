"""read_sources end to end: folders, JSONL, feeds, OPML and URLs; bad items reported, batch goes on."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from local_http import LocalServer, Route, local_server
from veille.config import Settings, load_settings, with_values
from veille.errors import ConfigError
from veille.ingest.sources import IngestFailure, list_inputs, normalise_published, read_sources, with_headline
from veille.model import Article, article_id_for

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"

FR_BODY = (
    "Le tribunal administratif a suspendu mardi l'arrêté municipal qui interdisait les terrasses "
    "après vingt-deux heures, estimant que la mairie n'avait pas démontré de trouble à l'ordre public."
)
EN_BODY = (
    "The high court on Tuesday suspended the council order banning outdoor seating after ten at "
    "night, ruling that the town hall had not shown any threat to public order."
)
LONG_EN = " ".join([EN_BODY] * 4)


@pytest.fixture
def settings() -> Settings:
    return load_settings()


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with local_server() as running:
        yield running


def split(results: list[Article | IngestFailure]) -> tuple[list[Article], list[IngestFailure]]:
    articles = [r for r in results if isinstance(r, Article)]
    failures = [r for r in results if isinstance(r, IngestFailure)]
    assert len(articles) + len(failures) == len(results)
    return articles, failures


def test_folder_is_expanded_sorted_without_hidden_files(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    for name in ["b/2.txt", "a.html", ".hidden.txt", ".git/x.txt", "notes.pdf", "b/1.jsonl"]:
        (tmp_path / name).write_text("x", encoding="utf-8")
    listed = list_inputs([str(tmp_path), "https://example.org/feed"])
    assert listed == [
        str(tmp_path / "a.html"),
        str(tmp_path / "b" / "1.jsonl"),
        str(tmp_path / "b" / "2.txt"),
        "https://example.org/feed",
    ]


def test_text_file_becomes_article(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "jugement.txt"
    path.write_text(f"Justice\n\nTerrasses : l'arrêté suspendu\n\n{FR_BODY}\n", encoding="utf-8")
    (article,) = read_sources([str(path)], settings)
    assert isinstance(article, Article)
    assert article.text == with_headline(article.title, FR_BODY)
    assert article.id == article_id_for(article.text)
    assert article.title == "Terrasses : l'arrêté suspendu"
    assert article.language == "fr"
    assert article.origin == str(path)


def test_bad_files_are_reported_and_the_batch_goes_on(tmp_path: Path, settings: Settings) -> None:
    (tmp_path / "1_good.txt").write_text(f"Court ruling\n\n{EN_BODY}", encoding="utf-8")
    (tmp_path / "2_empty.txt").write_bytes(b"")
    (tmp_path / "3_binary.txt").write_bytes(b"%PDF-1.4\n\x00\x01\x02")
    (tmp_path / "4_latin1.txt").write_bytes(f"Jugement\n\n{FR_BODY}".encode("cp1252"))
    (tmp_path / "5_feed.xml").write_bytes(b"<?xml version='1.0'?><catalog/>")
    inputs = [str(tmp_path), str(tmp_path / "missing.txt"), str(tmp_path / "6.doc"), "ftp://example.org/a"]
    (tmp_path / "6.doc").write_text("x", encoding="utf-8")
    articles, failures = split(list(read_sources(inputs, settings)))
    assert [a.text for a in articles] == [
        with_headline(a.title, b) for a, b in zip(articles, [EN_BODY, FR_BODY], strict=True)
    ]
    reasons = {Path(f.origin).name: f.reason for f in failures}
    assert reasons["2_empty.txt"].startswith("empty")
    assert "binary file (PDF)" in reasons["3_binary.txt"]
    assert reasons["5_feed.xml"].startswith("not an RSS/Atom feed")
    assert reasons["missing.txt"] == "no such file or folder"
    assert reasons["6.doc"].startswith("unsupported file type .doc")
    assert "only http and https" in reasons["a"]
    assert all("\n" not in f.reason for f in failures)


def test_file_over_max_bytes_is_a_failure(tmp_path: Path, settings: Settings) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(50_000_000)
    (failure,) = read_sources([str(big)], settings)
    assert isinstance(failure, IngestFailure)
    assert failure.reason.startswith("too large")


def test_jsonl_bad_lines_are_skipped_one_by_one(tmp_path: Path, settings: Settings) -> None:
    lines = [
        json.dumps({"text": EN_BODY, "title": "Seating ban suspended", "url": "https://a.example/1",
                    "published": "Tue, 05 Mar 2024 10:00:00 GMT", "source": "The Courier"}),
        "{not json",
        json.dumps([1, 2]),
        json.dumps({"title": "no body"}),
        json.dumps({"text": FR_BODY, "title": 12}),
        "",
        json.dumps({"html": f"<html><body><article><p>{FR_BODY}</p></article></body></html>"}),
        "[" * 100_000,
    ]  # fmt: skip
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    articles, failures = split(list(read_sources([str(path)], settings)))
    first, second = articles
    assert (first.text, first.title, first.url, first.source) == (
        f"Seating ban suspended\n\n{EN_BODY}", "Seating ban suspended", "https://a.example/1", "The Courier",
    )  # fmt: skip
    assert first.published == "2024-03-05T10:00:00+00:00"
    assert first.origin == f"{path}:1"
    assert second.text == with_headline(second.title, FR_BODY) and second.origin == f"{path}:7"
    assert [(f.origin.rsplit(":", 1)[1], f.reason) for f in failures] == [
        ("2", "invalid JSON (Expecting property name enclosed in double quotes)"),
        ("3", "expected a JSON object with a 'text' or 'html' field"),
        ("4", "no non-empty 'text' or 'html' string field"),
        ("5", "field 'title' must be a string"),
        ("8", "invalid JSON (nested too deeply)"),
    ]


def test_seed_folder_ingests_both_articles(settings: Settings) -> None:
    if not (SEEDS / "gold.json").is_file():
        pytest.skip(f"seed data not found at {SEEDS}")
    gold = json.loads((SEEDS / "gold.json").read_text(encoding="utf-8"))["articles"]
    results = list(read_sources([str(SEEDS)], settings))
    articles, failures = split(results)
    assert failures == []
    by_file = {Path(a.origin or "").name: a for a in articles}
    for expected in gold:
        article = by_file[expected["file"]]
        assert article.title == expected["title"]
        assert article.language == expected["language"]
        assert not any(item in article.text for item in expected["not_body"])


def test_url_of_page_private_refused_then_allowed(server: LocalServer, settings: Settings) -> None:
    server.routes["/article"] = Route(
        f"<html><head><title>Seating ban</title></head><body><article><p>{LONG_EN}</p></article></body></html>".encode()
    )
    (refused,) = read_sources([server.url("/article")], settings)
    assert isinstance(refused, IngestFailure) and "non-public address" in refused.reason
    (article,) = read_sources([server.url("/article")], settings, allow_private=True)
    assert isinstance(article, Article)
    assert article.text == with_headline(article.title, LONG_EN)
    assert article.url == server.url("/article")
    assert article.language == "en"


def test_url_of_plain_text(server: LocalServer, settings: Settings) -> None:
    server.routes["/a.txt"] = Route(f"Ruling\n\n{EN_BODY}".encode("utf-16"), content_type="text/plain")
    (article,) = read_sources([server.url("/a.txt")], settings, allow_private=True)
    assert isinstance(article, Article) and article.text == with_headline(article.title, EN_BODY)


def rss(items: list[tuple[str, str, str]]) -> bytes:
    body = "".join(
        f"<item><title>{title}</title><link>{link}</link><description>{summary}</description></item>"
        for title, link, summary in items
    )
    return f"<?xml version='1.0'?><rss version='2.0'><channel><title>Courier</title>{body}</channel></rss>".encode()


def test_feed_url_fetches_pages_of_teaser_entries(server: LocalServer, settings: Settings) -> None:
    server.routes["/full"] = Route(
        f"<html><body><article><h1>Seating</h1><p>{LONG_EN}</p></article></body></html>".encode()
    )
    server.routes["/feed"] = Route(
        rss(
            [
                ("Seating ban suspended", server.url("/full"), "Short teaser."),
                ("Full entry", server.url("/elsewhere"), LONG_EN),
                ("Broken link", server.url("/gone"), ""),
                ("Teaser with dead link", server.url("/gone2"), "A teaser that is all we have."),
            ]
        ),
        content_type="application/rss+xml",
    )
    results = list(read_sources([server.url("/feed")], settings, allow_private=True))
    articles, failures = split(results)
    assert [a.title for a in articles] == ["Seating ban suspended", "Full entry", "Teaser with dead link"]
    assert articles[0].text == with_headline(articles[0].title, LONG_EN) and articles[0].source == "Courier"
    assert articles[1].text == with_headline(articles[1].title, LONG_EN)
    assert articles[2].text == "Teaser with dead link\n\nA teaser that is all we have."
    (failure,) = failures
    assert failure.origin == server.url("/gone") and "HTTP 404" in failure.reason
    assert "/elsewhere" not in [path for path, _ in server.requests]  # full entries need no fetch


def test_opml_file_reads_each_feed(tmp_path: Path, server: LocalServer, settings: Settings) -> None:
    server.routes["/rss"] = Route(
        rss([("Full entry", "https://a.example/1", LONG_EN)]), content_type="text/xml"
    )
    server.routes["/notfeed"] = Route(b"<html><body>hello</body></html>")
    opml = tmp_path / "subs.opml"
    opml.write_text(
        f"""<opml version="2.0"><body><outline xmlUrl="{server.url("/rss")}"/>
        <outline xmlUrl="{server.url("/notfeed")}"/><outline xmlUrl="{server.url("/nothing")}"/></body></opml>""",
        encoding="utf-8",
    )
    articles, failures = split(list(read_sources([str(opml)], settings, allow_private=True)))
    assert [a.text for a in articles] == [with_headline(a.title, LONG_EN) for a in articles]
    assert len(articles) == 1
    assert [f.origin for f in failures] == [server.url("/notfeed"), server.url("/nothing")]
    assert failures[0].reason.startswith("not an RSS/Atom feed")


def test_feed_file_with_bomb_is_one_failure(tmp_path: Path, settings: Settings) -> None:
    bomb = tmp_path / "bomb.rss"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><rss>&a;</rss>', encoding="utf-8")
    good = tmp_path / "good.txt"
    good.write_text(f"Ruling\n\n{EN_BODY}", encoding="utf-8")
    articles, failures = split(list(read_sources([str(bomb), str(good)], settings)))
    assert len(articles) == 1 and "declares XML entities" in failures[0].reason


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-05", "2024-03-05"),
        ("2024-03-05T10:00:00Z", "2024-03-05T10:00:00+00:00"),
        ("Tue, 05 Mar 2024 10:00:00 +0100", "2024-03-05T10:00:00+01:00"),
        ("yesterday", None),
        ("", None),
    ],
)
def test_normalise_published(value: str, expected: str | None) -> None:
    assert normalise_published(value) == expected


def test_feed_entries_are_bounded(tmp_path: Path) -> None:
    few = with_values(load_settings(), ingest={"max_feed_entries": 2, "fetch_linked_pages": False})
    feed = tmp_path / "many.rss"
    feed.write_bytes(rss([(f"Item {i}", f"https://a.example/{i}", f"{EN_BODY} {i}") for i in range(5)]))
    articles, failures = split(list(read_sources([str(feed)], few)))
    assert [a.title for a in articles] == ["Item 0", "Item 1"]
    (failure,) = failures
    assert failure.reason == "feed has 5 entries; read the first 2 (ingest.max_feed_entries)"


def test_opml_url_and_unsupported_content(server: LocalServer, settings: Settings) -> None:
    server.routes["/rss"] = Route(
        rss([("Full entry", "https://a.example/1", LONG_EN)]), content_type="text/xml"
    )
    server.routes["/list.opml"] = Route(
        f'<opml version="2.0"><body><outline xmlUrl="{server.url("/rss")}"/></body></opml>'.encode(),
        content_type="text/x-opml",
    )
    server.routes["/report.pdf"] = Route(b"%PDF-1.7 ...", content_type="application/pdf")
    results = list(
        read_sources([server.url("/list.opml"), server.url("/report.pdf")], settings, allow_private=True)
    )
    articles, failures = split(results)
    assert [a.text for a in articles] == [with_headline(a.title, LONG_EN) for a in articles]
    assert len(articles) == 1
    assert [f.reason for f in failures] == [
        "unsupported content type application/pdf; expected HTML, text or a feed"
    ]


def test_bad_language_setting_stops_the_batch_once(tmp_path: Path) -> None:
    wrong = with_values(load_settings(), ingest={"languages": ["fr", "english"]})
    (tmp_path / "a.txt").write_text(f"Ruling\n\n{EN_BODY}", encoding="utf-8")
    with pytest.raises(ConfigError, match="'english'"):
        list(read_sources([str(tmp_path)], wrong))


def test_unexpected_error_in_one_line_fails_that_line_only(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import veille.ingest.sources as sources

    real = sources.detect_language

    def fragile(text: str, *args: object, **kwargs: object) -> str:
        if "explode" in text:
            raise RuntimeError("detector broke\nsecond line")
        return real(text, *args, **kwargs)

    monkeypatch.setattr(sources, "detect_language", fragile)
    path = tmp_path / "b.jsonl"
    path.write_text("\n".join(json.dumps({"text": t}) for t in [EN_BODY, "please explode now", FR_BODY]))
    results = list(read_sources([str(path)], settings))
    assert [type(r).__name__ for r in results] == ["Article", "IngestFailure", "Article"]
    assert results[1] == IngestFailure(f"{path}:2", "could not read (RuntimeError: detector broke)")
