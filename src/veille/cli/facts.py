"""Fact commands: claims, events, places."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import typer

from veille.cli.app import app, print_json, print_table, state
from veille.model import Claim, Event
from veille.store.results import fields

F = TypeVar("F", Claim, Event)


@app.command()
def claims(
    source: str = typer.Option(None, "--source", help="Only claims by this entity (name or id)."),
    about: str = typer.Option(None, "--about", help="Only claims about this entity (name or id)."),
    limit: int = typer.Option(200, min=1, max=100_000),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Who asserted what, with the cue and the content span."""
    rows = state.store.claims(source=source, about=about, limit=limit)
    columns = ["source", "cue", "kind", "content", "about_names", "article_id"]
    _show("claims", rows, as_json, columns, _claim_names)


@app.command()
def events(
    kind: str = typer.Option(None, "--kind", "-k", help="Only events of this kind (see docs/events.md)."),
    limit: int = typer.Option(200, min=1, max=100_000),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Who did what to whom."""
    rows = state.store.events(kind=kind, limit=limit)
    columns = ["kind", "actor_name", "target_name", "object", "time", "article_id"]
    _show("events", rows, as_json, columns, _event_names)


def _claim_names(claim: Claim, names: dict[str, str]) -> dict[str, str | None]:
    about = ", ".join(names.get(a, a) for a in claim.about or [])
    return {"source": names.get(claim.source_entity or "", claim.source_text), "about_names": about}


def _event_names(event: Event, names: dict[str, str]) -> dict[str, str | None]:
    return {
        "actor_name": names.get(event.actor or "", event.actor),
        "target_name": names.get(event.target or "", event.target),
    }


def _show(
    what: str,
    rows: Sequence[F],
    as_json: bool,
    columns: list[str],
    named: Callable[[F, dict[str, str]], dict[str, str | None]],
) -> None:
    """JSON as stored, or a table where entity ids read as their names."""
    if as_json:
        print_json(rows)
        return
    names = state.store.entity_names()
    print_table(f"{len(rows)} {what}", [fields(r) | named(r, names) for r in rows], columns)


@app.command()
def places(
    limit: int = typer.Option(500, min=1, max=100_000),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Geocoded places named in the articles."""
    rows = state.store.places(limit=limit)
    if as_json:
        print_json(rows)
    else:
        print_table(
            f"{len(rows)} places", rows, ["id", "name", "country", "lat", "lon", "feature", "mentions"]
        )
