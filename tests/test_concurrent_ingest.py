"""Two ``veille ingest`` processes at once into one store (SQLite and PostgreSQL): one story
index, one ``seq`` sequence, and each process clusters against the other's articles."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from synthetic_news import write_corpus
from veille.store import schema
from veille.store.backends import normalise_url
from veille.store.database import Store
from veille.stories.persist import load_index

ARTICLES = 30
CLI = "from veille.cli import main; main()"


def _copies(corpus: Path, out: Path) -> Path:
    """The same articles with one sentence added: near-duplicates the index must link."""
    out.mkdir()
    for part in corpus.iterdir():
        records = [json.loads(line) for line in part.read_text(encoding="utf-8").splitlines()]
        lines = [json.dumps({**r, "text": r["text"] + " Reporting by the wire desk."}) for r in records]
        (out / part.name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return str(request.getfixturevalue("postgres_url"))


def test_two_ingests_at_once_share_one_story_index(tmp_path: Path, db_url: str) -> None:
    originals = write_corpus(tmp_path / "originals", ARTICLES, per_file=ARTICLES)
    copies = _copies(originals, tmp_path / "copies")
    config = tmp_path / "veille.toml"
    config.write_text("[pipeline]\nbatch_size = 3\n\n[alerts]\nconsole = false\n")
    runs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                CLI,
                "--db",
                db_url,
                "--config",
                str(config),
                "ingest",
                "--json",
                str(corpus),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for corpus in (originals, copies)
    ]
    outputs = [run.communicate(timeout=900) for run in runs]
    for run, (out, err) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, err[-2000:]
        assert json.loads(out)["ingested"] == ARTICLES

    engine = create_engine(normalise_url(db_url))
    sa, sh = schema.story_articles, schema.story_history
    with engine.connect() as conn:
        articles = conn.execute(select(func.count()).select_from(schema.articles)).scalar_one()
        seqs = sorted(r[0] for r in conn.execute(select(sa.c.seq)))
        history = sorted(r[0] for r in conn.execute(select(sh.c.seq)))
        query = select(sa.c.article_id, sa.c.original_id).where(sa.c.original_id.is_not(None))
        links = {r[0]: r[1] for r in conn.execute(query)}
    assert articles == 2 * ARTICLES
    assert seqs == list(range(2 * ARTICLES))  # every article once, one sequence
    assert history == list(range(len(history)))
    # Each copy met its original, whichever process stored it: one of each pair is linked.
    assert len(links) == ARTICLES
    index = load_index(Store(db_url))
    assert all(index.story_of(copy) == index.story_of(original) for copy, original in links.items())
    engine.dispose()
