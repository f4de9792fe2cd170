"""Shared fixtures: settings, one pipeline per test session, paths to ../shared."""

from __future__ import annotations

from pathlib import Path

import pytest

from veille.config import Settings, load_settings
from veille.model import Analysis, Article, article_id_for
from veille.pipeline import Pipeline

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"


@pytest.fixture(scope="session")
def settings() -> Settings:
    return load_settings()


@pytest.fixture(scope="session")
def pipeline(settings: Settings) -> Pipeline:
    return Pipeline(settings)


@pytest.fixture(scope="session")
def analyse(pipeline: Pipeline):
    """Analyse one text written in a test: ``analyse("Moscou a déclaré…", "fr")``."""

    def run(text: str, language: str = "fr", published: str | None = None) -> Analysis:
        article = Article(id=article_id_for(text), text=text, language=language, published=published)
        return next(pipeline.analyse([article]))

    return run


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not (SEEDS / "gold.json").is_file():
        pytest.skip(f"sample seeds not found at {SEEDS} (they live in ../shared beside the checkout)")
    return SEEDS


# --- geo: one small gazetteer per session, built into tmp (towns of 15,000+ people) ---


@pytest.fixture(scope="session")
def geo_gazetteer(tmp_path_factory: pytest.TempPathFactory):
    from veille.geo.embedded_sources import ensure_embedded_gazetteer
    from veille.geo.gazetteer import Gazetteer

    path = tmp_path_factory.mktemp("geo") / "gazetteer.sqlite"
    return Gazetteer(ensure_embedded_gazetteer(path, 15000))


@pytest.fixture(scope="session")
def geoparse(geo_gazetteer, settings: Settings):
    """Run only the geo extractor on a text: ``geoparse("Moscou a déclaré…", "fr")``."""
    from veille.geo.geoparse import Geoparser
    from veille.nlp.models import pipeline_for
    from veille.pipeline import sentences_of

    parser = Geoparser(geo_gazetteer)

    def run(text: str, language: str = "fr") -> Analysis:
        doc = pipeline_for(language, settings.models)(text)
        article = Article(id=article_id_for(text), text=text, language=language)
        analysis = Analysis(article=article, sentences=sentences_of(article.id, doc))
        parser(analysis, doc)
        return analysis

    return run
