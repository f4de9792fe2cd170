"""The command line: human and JSON output, one-line errors, idempotent ingest."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from cli_run import run_veille

ROOT = Path(__file__).resolve().parents[1]


def veille(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    return run_veille(*args, db=db)


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("cli") / "v.db"
    result = veille("ingest", "--json", str(ROOT / "samples" / "corpus"), db=db)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["ingested"] >= 8 and report["failed"] == []
    return db


def test_reingest_adds_nothing(corpus_db):
    result = veille("ingest", "--json", str(ROOT / "samples" / "corpus"), db=corpus_db)
    report = json.loads(result.stdout)
    assert report["ingested"] == 0
    assert report["duplicates"] >= 8


def test_articles_entities_search_show(corpus_db):
    arts = json.loads(veille("articles", "--json", db=corpus_db).stdout)
    assert {a["language"] for a in arts} >= {"fr", "en", "de"}
    ents = json.loads(veille("entities", "--kind", "country", "--json", db=corpus_db).stdout)
    assert "Russia" in {e["name"] for e in ents}
    hits = json.loads(veille("search", "Alabuga", "--json", db=corpus_db).stdout)
    assert len(hits) >= 2
    shown = json.loads(veille("show", hits[0]["id"][:10], "--json", db=corpus_db).stdout)
    assert "Alabuga" in shown["text"]
    human = veille("show", hits[0]["id"], db=corpus_db)
    assert human.returncode == 0 and "Alabuga" in human.stdout


def test_export_json_and_csv(corpus_db, tmp_path):
    out = tmp_path / "out.json"
    assert veille("export", "--format", "json", str(out), db=corpus_db).returncode == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert set(data) >= {"articles", "entities", "claims", "events", "places", "stories"}
    texts = {a["id"]: a["text"] for a in data["articles"]}
    for entity in data["entities"]:
        for m in entity["mentions"]:
            assert texts[m["article_id"]][m["start"] : m["end"]] == m["text"]
    assert veille("export", "--format", "csv", str(tmp_path / "csv"), db=corpus_db).returncode == 0
    assert (tmp_path / "csv" / "articles.csv").read_text(encoding="utf-8").count("\n") > 8


def test_export_graphml_and_ftm(corpus_db, tmp_path):
    import networkx as nx

    result = veille("export", "--format", "graphml", "--json", str(tmp_path / "g.graphml"), db=corpus_db)
    assert result.returncode == 0, result.stderr
    counts = json.loads(result.stdout)["counts"]
    graph = nx.read_graphml(tmp_path / "g.graphml", force_multigraph=True)
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (counts["nodes"], counts["edges"])
    assert graph.nodes["country:RU"]["label"] == "Russia"
    result = veille("export", "-f", "ftm", "--lang", "fr", str(tmp_path / "fr.ftm.json"), db=corpus_db)
    assert result.returncode == 0, result.stderr
    assert "Article" in result.stdout
    lines = [json.loads(line) for line in (tmp_path / "fr.ftm.json").read_text(encoding="utf-8").splitlines()]
    languages = {lang for e in lines if e["schema"] == "Article" for lang in e["properties"]["language"]}
    assert languages == {"fra"}


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("show", "doesnotexist"), "no article"),
        (("entities", "--kind", "planet"), "unknown entity kind"),
        (("--config", "/nonexistent/veille.toml", "articles"), "config file not found"),
    ],
)
def test_user_mistakes_are_one_line_errors(corpus_db, args, needle):
    result = veille(*args, db=corpus_db)
    assert result.returncode == 2
    assert needle in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_missing_path_is_reported_not_raised(tmp_path):
    result = veille("ingest", str(tmp_path / "nope.txt"), db=tmp_path / "v.db")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    assert "nope.txt" in result.stdout + result.stderr
