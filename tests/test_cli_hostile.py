"""The command line facing hostile stored text and bad options: nothing reaches the terminal
raw, a bad database is one line and exit 2, languages are shown and filtered (issue 13, 11)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from cli_run import run_veille
from veille.model import Analysis, Article, article_id_for
from veille.store.database import Store

EVIL_TITLE = "Port news \x1b]0;owned\x07\x1b[2J\x9b31m [red]x[/red] \u202eevil"
EVIL_TEXT = "The ferry \x1b[31mdocked\x1b[0m at Kavkaz harbour on Tuesday after a storm delayed it."
RUSSIAN_TEXT = "Паром прибыл в гавань Кавказ во вторник после шторма, сообщили в порту harbour."


def veille(*args: str, db: Path | str) -> subprocess.CompletedProcess[str]:
    return run_veille(*args, db=db, timeout=300)


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    db = tmp_path_factory.mktemp("cli-hostile") / "v.db"
    store = Store(f"sqlite:///{db}")
    evil = Article(
        id=article_id_for(EVIL_TEXT), text=EVIL_TEXT, title=EVIL_TITLE, language="en", origin="test"
    )
    russian = Article(
        id=article_id_for(RUSSIAN_TEXT), text=RUSSIAN_TEXT, title="Паром", language="ru", origin="test"
    )
    assert store.write([Analysis(article=evil), Analysis(article=russian)]) == 2
    store.close()
    return db, evil.id, russian.id


def _clean(output: str) -> None:
    for bad in ("\x1b", "\x07", "\x9b", "\u202e"):
        assert bad not in output, repr(output)


def test_titles_and_text_reach_the_terminal_without_control_characters(hostile_db) -> None:
    db, evil_id, _ = hostile_db
    for args in (("articles",), ("search", "harbour"), ("show", evil_id)):
        result = veille(*args, db=db)
        assert result.returncode == 0, result.stderr
        _clean(result.stdout + result.stderr)
        assert "Port news" in result.stdout, args
    shown = veille("show", evil_id, db=db).stdout
    assert "[red]x[/red]" in shown  # markup in a title is shown as typed, not applied
    as_json = veille("show", evil_id, "--json", db=db)
    _clean(as_json.stdout)
    assert json.loads(as_json.stdout)["title"] == EVIL_TITLE  # the JSON keeps the text exactly


def test_language_is_shown_and_filtered(hostile_db) -> None:
    db, evil_id, russian_id = hostile_db
    only_ru = json.loads(veille("articles", "--lang", "ru", "--json", db=db).stdout)
    assert [a["id"] for a in only_ru] == [russian_id] and only_ru[0]["language"] == "ru"
    hits = json.loads(veille("search", "harbour", "--lang", "en", "--json", db=db).stdout)
    assert [h["id"] for h in hits] == [evil_id]
    hits = json.loads(veille("search", "harbour", "--lang", "ru", "--json", db=db).stdout)
    assert [h["id"] for h in hits] == [russian_id] and hits[0]["language"] == "ru"
    assert "language ru" in veille("show", russian_id, db=db).stdout


def test_a_bad_database_is_one_line_and_exit_2(tmp_path: Path) -> None:
    not_sqlite = tmp_path / "notes.db"
    not_sqlite.write_text("these are my notes, not a database\n" * 20, encoding="utf-8")
    for db in (not_sqlite, "/dev/null/nowhere/v.db", tmp_path):
        result = veille("articles", db=db)
        assert result.returncode == 2, (db, result.stderr)
        assert "Traceback" not in result.stderr and result.stderr.startswith("error: "), result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert not_sqlite.read_text(encoding="utf-8").startswith("these are my notes")  # left untouched


@pytest.mark.parametrize(
    "args",
    [
        ("articles", "--offset", "99999999999999999999"),
        ("watch", "remove", "99999999999999999999"),
        ("alerts", "--rule", "99999999999999999999"),
    ],
)
def test_an_overflowing_number_is_a_usage_error(hostile_db, args: tuple[str, ...]) -> None:
    result = veille(*args, db=hostile_db[0])
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_export_of_one_language(hostile_db, tmp_path: Path) -> None:
    db, _, russian_id = hostile_db
    out = tmp_path / "ru.json"
    assert veille("export", "--lang", "ru", str(out), db=db).returncode == 0
    assert [a["id"] for a in json.loads(out.read_text(encoding="utf-8"))["articles"]] == [russian_id]
    assert veille("export", "--lang", "ru", "--format", "csv", str(tmp_path / "csv"), db=db).returncode == 0
    assert russian_id in (tmp_path / "csv" / "articles.csv").read_text(encoding="utf-8")
    assert "Port news" not in (tmp_path / "csv" / "articles.csv").read_text(encoding="utf-8")
