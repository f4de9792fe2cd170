"""The Typer app, shared options and output helpers that every command module uses."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from veille.config import Settings, load_settings
from veille.store.database import Store

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
            self._store = Store(self.settings.store_url)
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


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def print_table(title: str, rows: list[dict[str, Any]], columns: list[str]) -> None:
    table = Table(title=title, title_justify="left", show_lines=False)
    for col in columns:
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in columns))
    console.print(table)
