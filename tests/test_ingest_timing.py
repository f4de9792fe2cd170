"""The ingest report: articles/s on the analysis time, model loading reported apart."""

from __future__ import annotations

import json
from pathlib import Path

from cli_run import run_veille
from veille.config import Settings
from veille.ingest.runner import Ingestor
from veille.model import Article, article_id_for
from veille.store.database import Store

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "samples" / "corpus"


def _article(text: str, language: str) -> Article:
    return Article(id=article_id_for(text), text=text, language=language)


def test_loading_is_timed_apart_and_only_once(settings: Settings, tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'v.db'}")
    ingestor = Ingestor(settings, store, track_stories=False)
    first = ingestor.ingest_items(
        [_article("Le ministre russe a déclaré mardi que Moscou répondrait.", "fr")]
    )
    assert first.ingested == 1
    assert first.loading_seconds > 0
    assert first.analysis_seconds == first.seconds - first.loading_seconds
    assert first.articles_per_second == first.ingested / first.analysis_seconds
    # The French pipeline is loaded: a second run on the same ingestor loads nothing.
    second = ingestor.ingest_items([_article("Paris a annoncé de nouvelles sanctions contre Téhéran.", "fr")])
    assert second.ingested == 1 and second.loading_seconds == 0.0


def test_cli_report_gives_loading_and_analysis_rate(tmp_path: Path) -> None:
    result = run_veille("ingest", "--json", str(CORPUS), db=tmp_path / "v.db")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["ingested"] >= 8
    # A fresh process loads its spaCy pipelines: that time is reported, not spread over the articles.
    assert report["loading_seconds"] > 0
    assert abs(report["analysis_seconds"] - (report["seconds"] - report["loading_seconds"])) < 0.01
    rate = report["ingested"] / report["analysis_seconds"]  # the seconds are rounded to ms
    assert abs(report["articles_per_second"] - rate) < 0.05
    assert report["articles_per_second"] > report["ingested"] / report["seconds"]


def test_cli_human_summary_names_both_times(tmp_path: Path) -> None:
    result = run_veille("ingest", str(CORPUS / "drones-alabuga-en.txt"), db=tmp_path / "v.db")
    assert result.returncode == 0, result.stderr
    assert "ingested 1," in result.stdout
    assert "models loaded in" in result.stdout and "articles/s" in result.stdout
