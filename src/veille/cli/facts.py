"""Fact commands: claims, events, places."""

from __future__ import annotations

import typer

from veille.cli.app import app, print_json, print_table, state
from veille.store.results import fields


@app.command()
def claims(
    source: str = typer.Option(None, "--source", help="Only claims by this entity (name or id)."),
    about: str = typer.Option(None, "--about", help="Only claims about this entity (name or id)."),
    limit: int = typer.Option(200, min=1, max=100_000),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Who asserted what, with the cue and the content span."""
    rows = state.store.claims(source=source, about=about, limit=limit)
    if as_json:
        print_json(rows)
        return
    names = state.store.entity_names()
    shown = [
        fields(c)
        | {
            "source": names.get(c.source_entity or "", c.source_text),
            "about_names": ", ".join(names.get(a, a) for a in c.about or []),
        }
        for c in rows
    ]
    print_table(
        f"{len(rows)} claims", shown, ["source", "cue", "kind", "content", "about_names", "article_id"]
    )


@app.command()
def events(
    kind: str = typer.Option(None, "--kind", "-k", help="Only events of this kind (see docs/events.md)."),
    limit: int = typer.Option(200, min=1, max=100_000),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Who did what to whom."""
    rows = state.store.events(kind=kind, limit=limit)
    if as_json:
        print_json(rows)
        return
    names = state.store.entity_names()
    shown = [
        fields(e)
        | {
            "actor_name": names.get(e.actor or "", e.actor),
            "target_name": names.get(e.target or "", e.target),
        }
        for e in rows
    ]
    print_table(
        f"{len(rows)} events", shown, ["kind", "actor_name", "target_name", "object", "time", "article_id"]
    )


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
