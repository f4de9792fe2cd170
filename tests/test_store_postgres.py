"""The store on a real PostgreSQL: same contract as SQLite, tsvector search, concurrent writers."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from veille.cli import app
from veille.model import Analysis, Article, article_id_for
from veille.pipeline import Pipeline
from veille.store.backends import normalise_url
from veille.store.database import Store

TOWNS = ["Téhéran", "Moscou", "Kyiv", "Paris", "Berlin", "Pékin"]


@pytest.fixture()
def pg_store(postgres_url: str):
    store = Store(postgres_url)
    yield store
    store.close()


def test_plain_postgresql_url_gets_the_pinned_driver() -> None:
    assert normalise_url("postgresql://u:p@db:5432/v").startswith("postgresql+psycopg://u:p@db:5432/v")
    assert normalise_url("sqlite:///x.db") == "sqlite:///x.db"


def test_writing_the_same_analysis_twice_adds_nothing(pg_store: Store, analyse) -> None:
    a = analyse("La Maison Blanche a averti que la Russie recevait des drones de l'Iran.")
    assert pg_store.write([a]) == 1
    before = pg_store.counts()
    assert pg_store.write([a]) == 0
    assert pg_store.counts() == before
    assert before["articles"] == 1 and before["mentions"] >= 3


def test_article_by_prefix_keeps_offsets(pg_store: Store, analyse) -> None:
    body = "Téhéran a déclaré que l'accord tenait. Moscou n'a pas répondu."
    pg_store.write([analyse(body)])
    art = pg_store.article(article_id_for(body)[:6])
    assert art is not None and art["text"] == body
    assert len(art["sentences"]) == 2
    for m in art["mentions"]:
        assert body[m["start"] : m["end"]] == m["text"]


def test_search_is_accent_insensitive_ranked_and_safe(pg_store: Store, analyse) -> None:
    pg_store.write([analyse("Les drones iraniens ont été livrés à Téhéran puis expédiés.")])
    often = "Le ministre a parlé des drones. Les drones, encore les drones, à Téhéran."
    pg_store.write([analyse(often)])
    pg_store.write([analyse("Un texte sans rapport avec le sujet.")])
    hits = pg_store.search("teheran drones")
    assert len(hits) == 2
    assert hits[0].snippet.count("[drones]") >= 1
    assert hits[0].id == article_id_for(often)  # more occurrences ranks first
    assert pg_store.search('drones" OR "') == []  # user text is plain words, never query syntax
    assert pg_store.search("   ") == []


def test_search_tolerates_tsquery_operators_in_user_text(pg_store: Store, analyse) -> None:
    pg_store.write([analyse("Les drones iraniens ont été livrés à Téhéran.")])
    for hostile in ["drones & !(", "':*", "drones | <-> iraniens", "\\", "'; DROP TABLE articles; --"]:
        pg_store.search(hostile)  # must not raise
    assert len(pg_store.search("drones & !(")) == 1  # operators are just punctuation
    assert pg_store.counts()["articles"] == 1


def test_search_uses_the_gin_index(pg_store: Store) -> None:
    with pg_store.engine.connect() as conn:
        conn.execute(text("SET enable_seqscan = off"))
        plan = "\n".join(
            r[0]
            for r in conn.execute(
                text(
                    "EXPLAIN SELECT id FROM articles "
                    "WHERE search @@ plainto_tsquery('simple', veille_unaccent('drones'))"
                )
            )
        )
    assert "ix_articles_search" in plan


def _corpus(pipeline: Pipeline, n: int) -> list[Analysis]:
    texts = [
        f"Le ministre de {TOWNS[i % len(TOWNS)]} a annoncé {i} drones livrés à la Russie "
        f"et à l'Iran le {i % 28 + 1} mars."
        for i in range(n)
    ]
    articles = [Article(id=article_id_for(t), text=t, language="fr") for t in texts]
    return list(pipeline.analyse(articles))


def test_concurrent_writers_store_each_article_once(postgres_url: str, pipeline: Pipeline) -> None:
    analyses = _corpus(pipeline, 40)
    # Four writers, overlapping batches in different orders: the same entities and
    # articles are inserted concurrently, the case that deadlocks without ordered writes.
    batches = [analyses[0:30], list(reversed(analyses[10:40])), analyses[5:35:2], analyses[::-1]]
    stores = [Store(postgres_url) for _ in batches]
    try:
        with ThreadPoolExecutor(max_workers=len(batches)) as pool:
            written = list(pool.map(lambda sb: sb[0].write(sb[1]), zip(stores, batches, strict=True)))
        counts = stores[0].counts()
    finally:
        for s in stores:
            s.close()
    assert sum(written) == 40
    assert counts["articles"] == 40
    assert counts["mentions"] == sum(len(a.mentions) for a in analyses)
    assert counts["entities"] == len({k for a in analyses for k in a.entities})


def test_cli_ingest_and_search_on_postgres(postgres_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Téhéran a livré des drones à la Russie, selon Washington.\n")
    (folder / "b.txt").write_text("Kyiv said the grain ship left Odesa on Monday, officials said.\n")
    runner = CliRunner()
    first = runner.invoke(app, ["--db", postgres_url, "ingest", "--json", str(folder)])
    assert first.exit_code == 0, first.output
    assert json.loads(first.output)["ingested"] == 2
    again = runner.invoke(app, ["--db", postgres_url, "ingest", "--json", str(folder)])
    assert json.loads(again.output)["ingested"] == 0
    found = runner.invoke(app, ["--db", postgres_url, "search", "--json", "teheran"])
    assert found.exit_code == 0, found.output
    assert len(json.loads(found.output)) == 1


def test_unreachable_server_is_one_line_without_the_password(tmp_path: Path) -> None:
    import subprocess
    import sys

    url = f"postgresql://someone:s3cret@/veille?host={tmp_path}&port=1"
    done = subprocess.run(
        [sys.executable, "-m", "veille", "--db", url, "articles"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2
    assert done.stderr.startswith("error: cannot open database postgresql+psycopg://someone:***@")
    assert "s3cret" not in done.stderr and "Traceback" not in done.stderr


def test_extractor_runs_round_trip_and_an_older_store_gains_the_table(postgres_url: str, analyse) -> None:
    store = Store(postgres_url)
    old = analyse("Переговори у Варшаві тривали два дні.", "uk")
    store.write([old])
    with store.engine.begin() as conn:
        conn.execute(text("DROP TABLE extractor_runs"))
    store.close()
    store = Store(postgres_url)  # create_all brings the table back; the old article has no rows
    try:
        assert store.article(old.article.id)["extractors"] == []
        new = analyse("Переговори у Києві тривали три дні.", "uk")
        store.write([new])
        runs = {r["name"]: r for r in store.article(new.article.id)["extractors"]}
        assert runs["claims"] == {
            "name": "claims",
            "status": "limited",
            "note": "needs a dependency parse; no parser for uk",
        }
    finally:
        store.close()
