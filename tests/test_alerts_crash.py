"""Alerts survive a crash: a run SIGKILLed between a batch's commit and its alert step, or
between recording an alert and delivering it, delivers on the re-run, exactly once per
(rule, article), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from synthetic_news import write_corpus

ARTICLES = 24
CLI = "from veille.cli import main; main()"
# A real ingest that kills itself at one moment: after the first batch is committed (hook
# "commit": before the alert step), or as the first alert is sent (channel "send": the
# alert is recorded, not delivered). SIGKILL: no cleanup, no atexit, like a power cut.
CRASHING_INGEST = """
import os, signal, sys
from veille.alerts.service import AlertService
from veille.config import load_settings
from veille.ingest.runner import Ingestor
from veille.store.database import Store

config, db, corpus, moment = sys.argv[1:5]
settings = load_settings(config, db=db)
store = Store(settings.store.url)
ingestor = Ingestor(settings, store)

def die(*_args):
    os.kill(os.getpid(), signal.SIGKILL)

class Dying:
    name = "dying"
    send = staticmethod(die)

if moment == "commit":
    ingestor.after_write.append(die)
else:
    ingestor.after_write.append(AlertService(store, settings, channels=[Dying()]))
ingestor.ingest([corpus])
"""


def _cli(db: str, config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", CLI, "--db", db, "--config", str(config), *args]
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)


def _delivered(jsonl: Path) -> Counter[tuple[int, str]]:
    if not jsonl.exists():
        return Counter()
    lines = jsonl.read_text(encoding="utf-8").splitlines()
    return Counter((json.loads(x)["rule"]["id"], json.loads(x)["article"]["id"]) for x in lines)


def _setup(tmp_path: Path, db: str, name: str) -> tuple[Path, Path]:
    jsonl = tmp_path / f"{name}.jsonl"
    config = tmp_path / f"{name}.toml"
    config.write_text(f'[pipeline]\nbatch_size = 6\n\n[alerts]\nconsole = false\njsonl = "{jsonl}"\n')
    for terms in (["--entity", "Iran"], ["--entity", "Kyiv"], ["--keyword", "sanctions"]):
        done = _cli(db, config, "watch", "add", *terms)
        assert done.returncode == 0, done.stderr[-2000:]
    return config, jsonl


@pytest.fixture(params=["sqlite", "postgresql"])
def databases(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, str]:
    """Two empty stores of one backend: the clean run's and the crashed run's."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'clean.db'}", f"sqlite:///{tmp_path / 'crashed.db'}"
    first = request.getfixturevalue("postgres_url")
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    second = make_url(first).set(database=make_url(first).database + "_b")
    admin = create_engine(make_url(first).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{second.database}"'))
    request.addfinalizer(lambda: _drop(admin, str(second.database)))
    return first, second.render_as_string(hide_password=False)


def _drop(admin: object, name: str) -> None:
    from sqlalchemy import text

    with admin.connect() as conn:  # type: ignore[attr-defined]
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()  # type: ignore[attr-defined]


@pytest.mark.parametrize("moment", ["commit", "send"])
def test_alerts_fire_once_after_a_kill(tmp_path: Path, databases: tuple[str, str], moment: str) -> None:
    corpus = write_corpus(tmp_path / "corpus", ARTICLES, per_file=ARTICLES)
    clean_db, crashed_db = databases

    config, jsonl = _setup(tmp_path, clean_db, "clean")
    done = _cli(clean_db, config, "ingest", "--json", str(corpus))
    assert done.returncode == 0, done.stderr[-2000:]
    expected = _delivered(jsonl)
    assert len(expected) >= 10 and set(expected.values()) == {1}

    config, jsonl = _setup(tmp_path, crashed_db, "crashed")
    killed = subprocess.run(
        [sys.executable, "-c", CRASHING_INGEST, str(config), crashed_db, str(corpus), moment],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert killed.returncode == -9, killed.stderr[-2000:]
    assert _delivered(jsonl) == Counter()  # it died before any alert reached the JSONL channel

    rerun = _cli(crashed_db, config, "ingest", "--json", str(corpus))
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    report = json.loads(rerun.stdout)
    assert report["duplicates"] >= 6  # the first batch was stored before the kill
    assert _delivered(jsonl) == expected  # every alert, each once

    again = _cli(crashed_db, config, "ingest", "--json", str(corpus))
    assert again.returncode == 0 and json.loads(again.stdout)["ingested"] == 0
    assert _delivered(jsonl) == expected  # a re-run delivers nothing twice
