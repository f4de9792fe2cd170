"""Hostile input through the whole ``veille ingest`` path: CLI -> sources -> pipeline -> store.

The parsers' own hostile tests (test_ingest_hostile.py) check each reader; these check the
promise at the top: bad items in the middle of a batch each give one clear line, every
good article around them is analysed and stored, the store stays consistent, and URLs
that resolve to this machine are refused before any request is made.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from local_http import Route, local_server
from synthetic_news import article
from veille.ingest.runner import Ingestor
from veille.ingest.sources import read_sources
from veille.model import Article
from veille.pipeline import Pipeline
from veille.store.database import Store

ROOT = Path(__file__).resolve().parents[1]

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>&lol9;</title><description>&lol9;</description></item></channel></rss>
"""


MAYBE_TEXT = frozenset({"b_invalid_utf8.txt", "b_mixed_encodings.txt", "c_binary.txt", "d_nested.html"})


def _good_texts(n: int, seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    return [article(rng, 9000 + i) for i in range(n)]


def _hostile_files(folder: Path) -> dict[str, bytes]:
    """name -> content; names sort between the good files so bad items sit mid-batch."""
    return {
        "b_invalid_utf8.txt": b"Le ministre a parl\xe9 \xff\xfe\xfd de la Russie.\n" * 3
        + b"\xc3\x28\xa0\xa1",
        "b_mixed_encodings.txt": "Première ligne en UTF-8 sur Téhéran.\n".encode()
        + "Deuxième ligne en Latin-1 sur Moscou.\n".encode("latin-1"),
        "c_empty.txt": b"",
        "c_binary.txt": random.Random(1).randbytes(4096),
        "d_png_named_html.html": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8,
        "d_nested.html": b"<html><body>"
        + b"<div>" * 100_000
        + b"deep"
        + b"</div>" * 100_000
        + b"</body></html>",
        "e_billion_laughs.xml": BILLION_LAUGHS,
        "e_truncated_feed.rss": b"<?xml version='1.0'?><rss version='2.0'><channel><item><title>cut",
        "f_whitespace.txt": b" \n\t\r\n   \n",
    }


def _write_batch(folder: Path, goods: list[str]) -> dict[str, int]:
    """Good .txt files, a JSONL with bad lines between good ones, the hostile files, a 50 MB file.

    Returns how many failures each bad input must give.
    """
    folder.mkdir(parents=True)
    for i, text in enumerate(goods[:-2]):
        (folder / f"{'abcdefg'[i % 7]}_good_{i:02d}.txt").write_text(f"Dispatch {i}\n\n{text}\n")
    lines = [
        json.dumps({"title": "first", "text": goods[-2]}),
        "{not json at all",
        json.dumps(["a", "list", "not", "an", "object"]),
        json.dumps({"text": 42}),
        "[" * 100_000,
        json.dumps({"title": "last", "text": goods[-1]}),
    ]
    (folder / "c_lines.jsonl").write_text("\n".join(lines) + "\n")
    for name, content in _hostile_files(folder).items():
        (folder / name).write_bytes(content)
    with (folder / "d_huge.txt").open("wb") as handle:  # 50 MB, over the 20 MB default limit
        handle.truncate(50 * 1024 * 1024)
    return {"c_lines.jsonl": 4, "d_huge.txt": 1, **{name: 1 for name in _hostile_files(folder)}}


def _assert_store_consistent(db: Path) -> set[str]:
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        ids = {r[0] for r in con.execute("SELECT id FROM articles")}
        assert {r[0] for r in con.execute("SELECT article_id FROM articles_fts")} == ids
        assert con.execute("SELECT count(*) FROM articles_fts").fetchone()[0] == len(ids)
        return ids
    finally:
        con.close()


@pytest.mark.slow
def test_cli_ingest_reports_each_bad_item_and_stores_every_good_one(
    tmp_path: Path, pipeline: Pipeline
) -> None:
    goods = _good_texts(14)
    expected_failures = _write_batch(tmp_path / "in", goods)

    # Reference: the good articles alone, through the same path in-process.
    clean = tmp_path / "clean"
    clean.mkdir()
    for i, text in enumerate(goods[:-2]):
        (clean / f"good_{i:02d}.txt").write_text(f"Dispatch {i}\n\n{text}\n")
    (clean / "lines.jsonl").write_text(
        json.dumps({"title": "first", "text": goods[-2]})
        + "\n"
        + json.dumps({"title": "last", "text": goods[-1]})
    )
    reference = Store(f"sqlite:///{tmp_path / 'clean.db'}")
    assert Ingestor(pipeline.settings, reference, pipeline).ingest([str(clean)]).ingested == len(goods)

    with local_server() as server:
        server.routes["/article"] = Route(b"<html><body><p>" + goods[0].encode() + b"</p></body></html>")
        urls = [server.url("/article"), server.url("/article", host="localhost")]
        db = tmp_path / "v.db"
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "veille",
                "--db",
                str(db),
                "ingest",
                "--json",
                str(tmp_path / "in"),
                *urls,
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=600,
            env={
                **os.environ,
                "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
            },
        )
        assert server.requests == []  # refused after resolving, before connecting
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    report = json.loads(done.stdout)

    by_file: dict[str, list[str]] = {}
    for failure in report["failed"]:
        assert failure["reason"] and "\n" not in failure["reason"], failure
        origin = failure["origin"]
        name = "url" if "://" in origin else Path(origin.split(":")[0].split("#")[0]).name
        by_file.setdefault(name, []).append(failure["reason"])
    # These may be read as text (decoded as a legacy encoding, or the words inside the markup):
    # each gives one article or one failure, never both, never more.
    readable = [name for name in MAYBE_TEXT if name not in by_file]
    assert all(len(by_file.get(name, [])) <= 1 for name in MAYBE_TEXT)
    assert report["ingested"] == len(goods) + len(readable)
    expected_failures = {k: v for k, v in expected_failures.items() if k not in MAYBE_TEXT} | {"url": 2}
    assert {k: len(v) for k, v in by_file.items() if k not in MAYBE_TEXT} == expected_failures
    assert all("non-public" in reason or "private" in reason for reason in by_file["url"]), by_file["url"]
    assert "too large" in by_file["d_huge.txt"][0]
    assert "entities" in by_file["e_billion_laughs.xml"][0]

    stored = _assert_store_consistent(db)
    expected = {a.id for a in reference.articles(limit=100)}
    assert expected <= stored  # every good article, whatever the junk around it
    reference.close()


JUNK = st.lists(
    st.tuples(
        st.sampled_from([".txt", ".html", ".xml", ".rss", ".opml", ".jsonl"]),
        st.one_of(
            st.binary(max_size=800),
            st.text(max_size=400).map(lambda t: t.encode("utf-8", "surrogatepass")),
            st.sampled_from([BILLION_LAUGHS, b"", b"\x00" * 100, b"{" * 5000, b"<a>" * 3000]),
        ),
    ),
    min_size=1,
    max_size=5,
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(junk=JUNK, position=st.integers(min_value=0, max_value=4))
def test_junk_anywhere_in_a_batch_never_costs_a_good_article(
    pipeline: Pipeline, junk: list[tuple[str, bytes]], position: int
) -> None:
    goods = _good_texts(4, seed=position)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        for i, text in enumerate(goods):
            (folder / f"{i * 2 + 1:02d}_good.txt").write_text(f"Dispatch\n\n{text}\n")
        good_ids = {r.id for r in read_sources([str(folder)], pipeline.settings) if isinstance(r, Article)}
        assert len(good_ids) == len(goods)
        for j, (suffix, data) in enumerate(junk):
            # Names interleave junk with the good files at the drawn position.
            (folder / f"{(position + j) * 2 % 10:02d}_junk{j}{suffix}").write_bytes(data)
        store = Store(f"sqlite:///{Path(tmp) / 'v.db'}")
        try:
            report = Ingestor(pipeline.settings, store, pipeline).ingest([str(folder)])
            stored = _assert_store_consistent(Path(tmp) / "v.db")
        finally:
            store.close()
    assert all(f.reason and "\n" not in f.reason for f in report.failed)
    assert report.ingested == len(stored)
    assert good_ids <= stored


@pytest.mark.parametrize("with_nul_bytes", [True, False])
def test_random_binary_txt_is_refused_as_binary(tmp_path: Path, with_nul_bytes: bool) -> None:
    noise = _hostile_files(tmp_path)["c_binary.txt"]
    if not with_nul_bytes:  # no NUL byte to give it away: decoding must still fail
        noise = noise.replace(b"\x00", b"")
    path = tmp_path / "noise.txt"
    path.write_bytes(noise)
    from veille.config import load_settings

    (result,) = read_sources([str(path)], load_settings())
    assert not isinstance(result, Article), result.text[:80]
    assert "binary" in str(result) or "undecodable" in str(result)
