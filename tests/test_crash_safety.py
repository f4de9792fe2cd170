"""SIGKILL ``veille ingest`` at random moments: the store stays consistent, a re-run completes it.

One clean run gives the reference store and the run's length; then ingest runs are killed
at random delays over that length, each resuming the store the last one left. After every
kill the SQLite file must pass its integrity check, hold only whole articles (each one's
rows equal to the reference's), and keep FTS in step; a final run must complete the corpus
with exactly the reference's rows. $VEILLE_CRASH_RUNS sets the number of kills (default 8).
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from synthetic_news import write_corpus

ARTICLES = 120
FACT_TABLES = (
    "sentences", "mentions", "amounts", "dates", "claims", "events", "place_mentions", "routes", "relative_locations",
)  # fmt: skip
CLI = "from veille.cli import main; main()"


def _command(db: Path, config: Path, corpus: Path) -> list[str]:
    return [
        sys.executable,
        "-c",
        CLI,
        "--db",
        str(db),
        "--config",
        str(config),
        "ingest",
        "--json",
        str(corpus),
    ]


def _rows_per_article(db: Path) -> dict[str, dict[str, int]]:
    """article id -> {table: row count} for every fact table."""
    con = sqlite3.connect(db)
    try:
        out: dict[str, dict[str, int]] = {r[0]: {} for r in con.execute("SELECT id FROM articles")}
        for table in FACT_TABLES:
            for article_id, n in con.execute(f"SELECT article_id, count(*) FROM {table} GROUP BY article_id"):
                out.setdefault(article_id, {})[table] = n
        return out
    finally:
        con.close()


def _assert_consistent(db: Path, reference: dict[str, dict[str, int]]) -> int:
    """Integrity, foreign keys, FTS in step, whole articles only; returns the article count."""
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        for table in FACT_TABLES:
            orphans = con.execute(
                f"SELECT count(*) FROM {table} WHERE article_id NOT IN (SELECT id FROM articles)"
            ).fetchone()[0]
            assert orphans == 0, f"{orphans} {table} rows without their article"
        articles = {r[0] for r in con.execute("SELECT id FROM articles")}
        # Vectors (derived, written after their batch) may lag, never dangle or split an article.
        vectors = con.execute("SELECT article_id, count(*) FROM embeddings GROUP BY article_id").fetchall()
        assert {a for a, _ in vectors} <= articles and all(n == 1 for _, n in vectors)
        fts = [r[0] for r in con.execute("SELECT article_id FROM articles_fts")]
        assert len(fts) == len(articles) and set(fts) == articles, "FTS index out of step with articles"
    finally:
        con.close()
    stored = _rows_per_article(db)
    for article_id, rows in stored.items():
        assert article_id in reference, f"article {article_id} is not in the clean run"
        assert rows == reference[article_id], (
            f"article {article_id} is partial: {rows} != {reference[article_id]}"
        )
    return len(stored)


def _article_count(db: Path) -> int:
    """Articles stored so far (0 while the store or its table does not exist yet)."""
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return int(con.execute("SELECT count(*) FROM articles").fetchone()[0])
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def _wait_for_new_articles(proc: subprocess.Popen, db: Path, before: int, limit: float = 600) -> bool:
    """Wait until the run stores more than ``before`` articles; False if it ended first."""
    deadline = time.monotonic() + limit
    while proc.poll() is None and time.monotonic() < deadline:
        if _article_count(db) > before:
            return True
        time.sleep(0.02)
    return False


@pytest.mark.slow
def test_sigkill_at_random_points_leaves_a_consistent_store(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", ARTICLES)
    config = tmp_path / "veille.toml"
    # Small batches: many transactions per run, so kills land between and inside them.
    config.write_text("[pipeline]\nbatch_size = 8\n")

    clean_db = tmp_path / "clean.db"
    # Output to files, not pipes: nothing reads a pipe while the run is watched, and a full one would stall it.
    out_path, err_path = tmp_path / "clean.out", tmp_path / "clean.err"
    with out_path.open("wb") as out_file, err_path.open("wb") as err_file:
        clean = subprocess.Popen(_command(clean_db, config, corpus), stdout=out_file, stderr=err_file)
        # Start-up (loading models) takes most of a short run: kills are aimed at the window in
        # which articles are written, measured here from the first stored article to the end.
        first_write = _wait_for_new_articles(clean, clean_db, 0)
        started = time.monotonic()
        clean.wait()
        write_seconds = time.monotonic() - started
    out, err = out_path.read_text(), err_path.read_text()
    assert clean.returncode == 0 and first_write, err[-2000:]
    assert json.loads(out)["ingested"] == ARTICLES
    reference = _rows_per_article(clean_db)
    assert len(reference) == ARTICLES

    rng = random.Random(int(os.environ.get("VEILLE_CRASH_SEED", "20261122")))
    db = tmp_path / "killed.db"
    partial_kills = 0
    for _ in range(int(os.environ.get("VEILLE_CRASH_RUNS", "8"))):
        before = _article_count(db)
        proc = subprocess.Popen(
            _command(db, config, corpus), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        if _wait_for_new_articles(proc, db, before):
            time.sleep(rng.uniform(0, write_seconds * (ARTICLES - _article_count(db)) / ARTICLES))
        finished = proc.poll() is not None
        if not finished:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        if not db.exists():
            continue  # killed before the store was created
        stored = _assert_consistent(db, reference)
        partial_kills += 0 < stored < ARTICLES and not finished
        if stored == ARTICLES:  # the corpus is complete: start over so later kills land mid-ingest
            for path in tmp_path.glob("killed.db*"):
                path.unlink()

    final = subprocess.run(_command(db, config, corpus), capture_output=True, text=True, check=False)
    assert final.returncode == 0, final.stderr[-2000:]
    assert _assert_consistent(db, reference) == ARTICLES
    assert _rows_per_article(db) == reference  # nothing lost, nothing duplicated
    with sqlite3.connect(db) as con:  # the re-run embedded what the killed runs left without vectors
        assert con.execute("SELECT count(DISTINCT article_id) FROM embeddings").fetchone()[0] == ARTICLES
    # The test must have killed runs that had stored part of the corpus, or it tested nothing.
    assert partial_kills >= 1, "no kill landed while articles were being written"
