"""Story commands: stories, story ID."""

from __future__ import annotations

import typer

from veille.cli.app import app, console, print_json, print_table, safe, state
from veille.errors import VeilleError


@app.command()
def stories(
    limit: int = typer.Option(50, min=1, max=100_000, help="How many to list."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Stories (groups of articles on one development), most recently active first."""
    from veille.stories.view import list_stories

    rows = [s.as_row() for s in list_stories(state.store, limit=limit)]
    if as_json:
        print_json(rows)
        return
    for r in rows:
        r["articles"] = len(r.get("article_ids") or [])
        r["langs"] = ",".join(r.get("languages") or [])
    print_table(f"{len(rows)} stories", rows, ["id", "title", "articles", "langs", "first_seen", "last_seen"])


@app.command()
def story(
    story_id: str = typer.Argument(..., help="Story id (see `veille stories`)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """One story: summary, timeline, corroborated and contested facts, sources."""
    from veille.stories.view import story_record

    found = story_record(state.store, story_id)
    if found is None:
        raise VeilleError(f"no story '{story_id}'; see `veille stories`")
    record = found.as_json()
    if as_json:
        print_json(record)
        return
    names = state.store.entity_names()

    def name(entity_id: str | None) -> str:
        return names.get(entity_id or "", (entity_id or "").removeprefix("outlet:"))

    console.print(f"[bold]{safe(record['title'])}[/]  [dim]{record['id']}[/]", highlight=False)
    console.print(
        f"{len(record['article_ids'])} articles · languages {', '.join(record.get('languages') or [])} · "
        f"{record.get('first_seen') or '?'} → {record.get('last_seen') or '?'}",
        highlight=False,
    )
    timeline = [
        {
            "date": e.get("date") or "?",
            "what": f"{e['what']} {e['kind']}",
            "text": e["text"],
            "article": e["article_id"],
        }
        for e in record["timeline"]
    ]
    print_table("timeline", timeline, ["date", "what", "text", "article"])
    facts = [
        {
            "fact": f"{g['kind']}: {name(g['actor'])} → {name(g['target'])}",
            "sources": ", ".join(name(s) for s in g["independent_sources"]),
            "n": len(g["independent_sources"]),
            "contested": "yes" if g["contradictions"] else "",
        }
        for g in record["corroboration"]
    ]
    print_table("corroboration (independent sources)", facts, ["fact", "n", "sources", "contested"])
