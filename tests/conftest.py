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
