"""Shared fixtures: settings, one pipeline per test session, paths to ../shared."""

from __future__ import annotations

import os
from collections.abc import Iterator
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


# --- PostgreSQL -------------------------------------------------------------------------
# Tests that need PostgreSQL use a real server: $VEILLE_TEST_POSTGRES_URL (set by
# `source ci/postgres.sh`), else one started here with ci/postgres.sh when PostgreSQL is
# installed. They skip, with the reason in `pytest -ra`, only when no server can start.

POSTGRES_ENV = "VEILLE_TEST_POSTGRES_URL"


def _start_postgres() -> tuple[str | None, str]:
    """(URL, "") from ci/postgres.sh, or (None, why not)."""
    import glob
    import shutil
    import subprocess

    if not glob.glob("/usr/lib/postgresql/*/bin/initdb") and not shutil.which("initdb"):
        return None, "PostgreSQL is not installed (apt-get install postgresql, or `source ci/postgres.sh`)"
    done = subprocess.run(
        ["bash", str(ROOT / "ci" / "postgres.sh")], capture_output=True, text=True, timeout=120, check=False
    )
    for line in done.stdout.splitlines():
        if line.startswith(f"export {POSTGRES_ENV}="):
            return line.split("=", 1)[1].strip("'"), ""
    return None, f"ci/postgres.sh could not start PostgreSQL: {(done.stderr or done.stdout).strip()[-400:]}"


@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        url, why = _start_postgres()
        if url is None:
            print(f"\nSKIPPING PostgreSQL tests: {why}")
            pytest.skip(f"PostgreSQL tests skipped: {why}")
    # Set but unreachable is a broken CI set-up, not a reason to skip: connect and fail loudly.
    from sqlalchemy import create_engine, text

    from veille.store.backends import normalise_url

    engine = create_engine(normalise_url(url))
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    engine.dispose()
    return url


@pytest.fixture()
def postgres_url(postgres_server_url: str) -> Iterator[str]:
    """A fresh, empty database on the test server for one test; dropped afterwards."""
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from veille.store.backends import normalise_url

    name = f"veille_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalise_url(postgres_server_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(normalise_url(postgres_server_url)).set(database=name)
    yield url.render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


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
