"""The Typer app, shared options and output helpers that every command module uses."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from veille.config import Settings, load_settings
from veille.store.database import Store
from veille.store.results import fields, plain

app = typer.Typer(
    name="veille",
    help="veille reads the news for you: ingest articles, extract sourced facts, follow stories.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
console = Console()
err_console = Console(stderr=True)


@dataclass
class State:
    db: str | None = None
    config: str | None = None
    _settings: Settings | None = None
    _store: Store | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(self.config, db=self.db)
        return self._settings

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store(self.settings.store.url)
        return self._store


state = State()


@app.callback()
def _options(
    db: str = typer.Option(
        None, "--db", envvar="VEILLE_DB", help="Database URL or SQLite path [default: data/veille.db]."
    ),
    config: str = typer.Option(None, "--config", envvar="VEILLE_CONFIG", help="TOML settings file."),
) -> None:
    state.db = db
    state.config = config
    state._settings = None
    state._store = None


# What a terminal would act on rather than show: C0/C1 controls (ESC starts escape sequences,
# U+009B is a one-character CSI) and the bidirectional overrides that reorder what is shown.
_TERMINAL_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def terminal_text(value: object) -> str:
    """Text from articles (hostile) as it may reach a terminal: control characters become spaces."""
    return _TERMINAL_UNSAFE.sub(" ", str(value))


def safe(value: object) -> str:
    """``terminal_text`` with Rich markup escaped, for f-strings given to ``console.print``."""
    return escape(terminal_text(value))


def print_json(data: Any) -> None:
    # json.dumps escapes C0 controls; C1 ones and bidi overrides are escaped here (still valid JSON).
    out = json.dumps(data, ensure_ascii=False, indent=2, default=plain)
    typer.echo(_JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", out))


def print_table(title: str, rows: Sequence[object], columns: list[str]) -> None:
    """``columns`` of each row: a mapping, or a typed result shown as its JSON (``fields``)."""
    table = Table(title=terminal_text(title), title_justify="left", show_lines=False)
    for col in columns:
        table.add_column(col, overflow="fold")
    for row in rows:
        cells = row if isinstance(row, Mapping) else fields(row)
        # Text, not str: a cell is never read as Rich markup ("[red]" in a title stays as typed).
        table.add_row(*(Text("" if cells.get(c) is None else terminal_text(cells[c])) for c in columns))
    console.print(table)
