"""The monitor's views in the terminal: ``veille overview`` (what moved) and ``veille entity NAME``."""

from __future__ import annotations

import dataclasses

import typer

from veille.cli.app import app, console, print_json, print_table, safe, state
from veille.errors import VeilleError
from veille.overview import WINDOWS, OverviewQuery, build_overview
from veille.store.profiles import entity_profile, resolve_entity

SPARK = "▁▂▃▄▅▆▇█"


def sparkline(values: list[int]) -> str:
    """Counts as a row of block characters, the largest full height."""
    top = max(values, default=0)
    return "".join(SPARK[v * (len(SPARK) - 1) // top] if top else SPARK[0] for v in values)


@app.command()
def overview(
    window: str = typer.Option("7d", "--window", "-w", help=f"One of: {', '.join(WINDOWS)}."),
    language: str = typer.Option(None, "--lang", "--language", "-l", help="Only articles in this language."),
    entity: str = typer.Option(None, "--entity", help="Only articles naming this entity (name or id)."),
    source: str = typer.Option(None, "--source", help="Only articles from this outlet."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """What moved in a window: rising stories, top entities, places, languages and outlets."""
    if window not in WINDOWS:
        raise VeilleError(f"unknown window '{window}'; use one of: {', '.join(WINDOWS)}")
    entity_id = _entity_id(entity) if entity else None
    view = build_overview(
        state.store, OverviewQuery(window=window, language=language, entity=entity_id, source=source)
    )
    if as_json:
        print_json(dataclasses.asdict(view))
        return
    if not view.articles:
        console.print("no articles in this window")
        return
    console.print(
        f"[bold]{view.articles}[/] articles from {view.first_day} to {view.last_day} "
        f"({safe(', '.join(f'{k} {v}' for k, v in view.languages.items()))})",
        highlight=False,
    )
    stories = [dataclasses.asdict(s) | {"mark": "rising" if s.rising else ("new" if s.new else "")}
               for s in view.active]  # fmt: skip
    print_table("most active stories", stories, ["mark", "title", "articles", "sources", "baseline", "id"])
    for kind, items in view.entities.items():
        rows = [dataclasses.asdict(e) | {"trend": sparkline(e.series), "mark": "rising" if e.rising else ""}
                for e in items]  # fmt: skip
        print_table(f"top {kind}", rows, ["name", "mentions", "articles", "trend", "mark", "id"])
    places = [dataclasses.asdict(p) for p in view.places[:10]]
    print_table("places", places, ["name", "country", "mentions", "articles"])


@app.command()
def entity(
    name: str = typer.Argument(..., help="An entity's id, name or alias."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """One entity: its names across languages, mentions over time, claims, events, places, stories."""
    profile = entity_profile(state.store, _entity_id(name))
    if profile is None:  # resolved a moment ago: only a concurrent delete gets here
        raise VeilleError(f"no entity '{name}'")
    if as_json:
        print_json(dataclasses.asdict(profile))
        return
    e = profile.entity
    console.print(
        f"[bold]{safe(e.name)}[/] ({safe(e.kind)}{', ' + safe(e.country) if e.country else ''}) {safe(e.id)}\n"
        f"{profile.mentions} mentions in {profile.articles} articles, {profile.first_day} to {profile.last_day}"
        f"  {sparkline(profile.timeline)}\n"
        f"claims by it {profile.claims_by}, about it {profile.claims_about}; "
        f"events as actor {profile.events_as_actor}, as target {profile.events_as_target}",
        highlight=False,
    )
    print_table("names", [dataclasses.asdict(n) for n in profile.names], ["text", "language", "mentions"])
    print_table("named with", [dataclasses.asdict(n) for n in profile.entities], ["name", "kind", "articles"])
    print_table("places", [dataclasses.asdict(n) for n in profile.places], ["name", "articles"])
    print_table("stories", [dataclasses.asdict(s) for s in profile.stories], ["title", "articles", "id"])


def _entity_id(name: str) -> str:
    """The one entity ``name`` designates; a clear error when none or several do."""
    found = resolve_entity(state.store, name)
    if not found:
        raise VeilleError(f"no entity named '{name}' (try `veille entities`)")
    if len(found) > 1:
        listed = ", ".join(f"{e.id} ({e.kind})" for e in found[:10])
        raise VeilleError(f"'{name}' names {len(found)} entities: {listed}; give an id")
    return found[0].id
