"""Fact commands: claims, events, places."""

from __future__ import annotations

import typer

from veille.cli.app import app, print_json, print_table, state


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
    for r in rows:
        r["source"] = names.get(r["source_entity"] or "", r["source_text"])
        r["about_names"] = ", ".join(names.get(a, a) for a in r["about"] or [])
    print_table(
        f"{len(rows)} claims", rows, ["source", "cue", "kind", "content", "about_names", "article_id"]
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
    for r in rows:
        r["actor_name"] = names.get(r["actor"] or "", r["actor"])
        r["target_name"] = names.get(r["target"] or "", r["target"])
    print_table(
        f"{len(rows)} events", rows, ["kind", "actor_name", "target_name", "object", "time", "article_id"]
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
