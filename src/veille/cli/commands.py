"""Core commands: ingest, articles, entities, search, show, export, serve."""

from __future__ import annotations

import threading
from enum import StrEnum
from pathlib import Path

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from veille.cli.app import app, console, print_json, print_table, safe, state
from veille.errors import VeilleError
from veille.model import ENTITY_KINDS

MAX_OFFSET = 10_000_000  # bigger numbers overflow the database's 64-bit integers


class Engine(StrEnum):
    local = "local"
    ray = "ray"


@app.command()
def ingest(
    paths: list[str] = typer.Argument(..., help="Files, folders, URLs, RSS/Atom feeds or OPML lists."),
    allow_private: bool = typer.Option(
        False, "--allow-private", help="Allow fetching private/loopback addresses."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    engine: Engine = typer.Option(
        Engine.local,
        "--engine",
        help="local: this process; ray: analyse on Ray workers (pip install 'veille\\[ray]').",
    ),
    ray_address: str = typer.Option(
        None,
        "--ray-address",
        envvar="RAY_ADDRESS",
        help="Ray cluster to use, e.g. ray://head:10001 (default: start a local Ray).",
    ),
    workers: int = typer.Option(
        None, "--workers", min=1, help="Ray workers, one spaCy pipeline each (default: one per CPU)."
    ),
) -> None:
    """Read articles, extract facts and store them. Re-ingesting the same text adds nothing."""
    from veille.alerts.service import AlertService
    from veille.ingest.runner import Ingestor
    from veille.ingest.sources import list_inputs

    settings, store = state.settings, state.store
    inputs = list_inputs(paths)
    ingestor: Ingestor
    if engine is Engine.ray:
        from veille.ingest.distributed import RayIngestor, RayOptions

        ingestor = RayIngestor(settings, store, RayOptions.from_settings(settings, ray_address, workers))
    else:
        ingestor = Ingestor(settings, store)
    ingestor.after_write.append(AlertService(store, settings))  # watch rules fire on new facts
    show = not as_json and console.is_terminal
    with Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=not show,
        transient=True,
    ) as progress:
        task = progress.add_task("ingesting", total=None)
        report = ingestor.ingest(
            inputs, allow_private=allow_private, progress=lambda n: progress.advance(task, n)
        )
    if as_json:
        print_json(report.to_dict())
    else:
        rate = report.articles_per_second
        speed = f" ({rate:.1f} articles/s)" if rate is not None else ""
        console.print(
            f"ingested [bold]{report.ingested}[/], duplicates {report.duplicates}, "
            f"failed {len(report.failed)} in {report.seconds:.1f}s"
        )
        console.print(
            f"  models loaded in {report.loading_seconds:.1f}s, analysis {report.analysis_seconds:.1f}s{speed}"
        )
        for failure in report.failed:
            console.print(f"  [red]failed[/] {safe(failure.origin)}: {safe(failure.reason)}", highlight=False)
    if report.failed and not report.ingested and not report.duplicates:
        raise typer.Exit(1)


@app.command()
def articles(
    limit: int = typer.Option(50, min=1, max=100_000, help="How many to list."),
    offset: int = typer.Option(0, min=0, max=MAX_OFFSET, help="Skip this many."),
    language: str = typer.Option(None, "--lang", "--language", "-l", help="Only this language (ISO 639-1)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """List stored articles, newest first, with their language."""
    rows = state.store.articles(limit=limit, offset=offset, language=language)
    if as_json:
        print_json(rows)
    else:
        print_table(f"{len(rows)} articles", rows, ["id", "language", "published", "source", "title"])


@app.command()
def entities(
    kind: str = typer.Option(None, "--kind", "-k", help=f"One of: {', '.join(ENTITY_KINDS)}."),
    limit: int = typer.Option(100, min=1, max=100_000),
    offset: int = typer.Option(0, min=0, max=MAX_OFFSET),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """List resolved entities with their mention counts."""
    if kind and kind not in ENTITY_KINDS:
        raise VeilleError(f"unknown entity kind '{kind}'; use one of: {', '.join(ENTITY_KINDS)}")
    rows = state.store.entities(kind=kind, limit=limit, offset=offset)
    if as_json:
        print_json(rows)
    else:
        print_table(f"{len(rows)} entities", rows, ["id", "name", "kind", "country", "mentions", "articles"])


@app.command()
def search(
    query: str = typer.Argument(..., help="Words to look for (FTS: all must match)."),
    limit: int = typer.Option(20, min=1, max=10_000),
    offset: int = typer.Option(0, min=0, max=MAX_OFFSET, help="Skip this many (full-text mode)."),
    as_json: bool = typer.Option(False, "--json"),
    semantic: bool = typer.Option(False, "--semantic", help="By meaning, in every language (embeddings)."),
    hybrid: bool = typer.Option(False, "--hybrid", help="Keywords and meaning, fused by reciprocal rank."),
    language: list[str] = typer.Option(
        None, "--lang", "--language", "-l", help="Only these languages (ISO 639-1, repeatable)."
    ),
    since: str = typer.Option(None, "--since", help="Published on or after this ISO date."),
    until: str = typer.Option(None, "--until", help="Published on or before this ISO date."),
    diversify: bool = typer.Option(
        True, "--diversify/--no-diversify", help="Interleave results across languages (semantic, hybrid)."
    ),
) -> None:
    """Search articles: full text by default, --semantic or --hybrid across languages."""
    from veille.cli.semantic import run_search

    mode = "hybrid" if hybrid else "semantic" if semantic else "fts"
    run_search(query, mode, limit, offset, as_json, language or [], since, until, diversify)


@app.command()
def show(
    article_id: str = typer.Argument(..., help="Article id (a unique prefix is enough)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Show one article with the facts extracted from it."""
    art = state.store.article(article_id)
    if art is None:
        raise VeilleError(f"no article with id (or unique prefix) '{article_id}'; see `veille articles`")
    if as_json:
        print_json(art)
        return
    console.print(
        f"[bold]{safe(art['title'] or '(untitled)')}[/]  [dim]{art['id']} · language {safe(art['language'] or '?')}"
        f" · {safe(art['source'] or art['origin'] or '')}[/]",
        highlight=False,
    )
    limited = [r for r in art.get("extractors", []) if r["status"] != "ran"]
    for run in limited:
        console.print(f"[yellow]{safe(run['name'])}: {safe(run['note'])}[/]", highlight=False)
    console.print(safe(art["text"]), highlight=False)
    names = {e["id"]: e["name"] for e in art["entities"]}
    print_table(
        "entities",
        [
            {
                "entity": names.get(m["entity_id"], m["entity_id"]),
                "text": m["text"],
                "at": f"{m['start']}-{m['end']}",
                "role": m["role"],
            }
            for m in art["mentions"]
        ],
        ["entity", "text", "at", "role"],
    )
    for name in ("claims", "events"):
        if art[name]:
            cols = (
                ["source_entity", "cue", "content", "kind"]
                if name == "claims"
                else ["kind", "actor", "target", "object"]
            )
            print_table(name, art[name], cols)


class ExportFormat(StrEnum):
    json = "json"
    csv = "csv"
    geojson = "geojson"
    graphml = "graphml"
    ftm = "ftm"


@app.command()
def export(
    out: Path = typer.Argument(..., help="Output file (json, geojson, graphml, ftm) or folder (csv)."),
    fmt: ExportFormat = typer.Option(
        ExportFormat.json,
        "--format",
        "-f",
        help="json, csv, geojson, graphml (Gephi) or ftm (FollowTheMoney).",
    ),
    language: str = typer.Option(
        None,
        "--lang",
        "--language",
        "-l",
        help="Only articles in this language and their facts (not geojson).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print counts as JSON."),
) -> None:
    """Export the store (schema in docs/export.md)."""
    from veille import export as exporter

    if fmt is ExportFormat.json:
        counts = exporter.write_json(state.store, out, language=language)
    elif fmt is ExportFormat.graphml:
        from veille.exports.graphml import write_graphml

        counts = write_graphml(state.store, out, language=language)
    elif fmt is ExportFormat.ftm:
        from veille.exports.ftm import write_ftm

        counts = write_ftm(state.store, out, language=language)
    elif fmt is ExportFormat.csv:
        counts = exporter.write_csv(state.store, out, language=language)
    elif language:
        raise VeilleError("--lang is for the json and csv exports; the GeoJSON export holds every place")
    else:
        counts = exporter.write_geojson(state.store, out)
    if as_json:
        print_json({"out": str(out), "format": fmt.value, "counts": counts})
    else:
        console.print(f"wrote {out} ({fmt.value}): " + ", ".join(f"{k} {v}" for k, v in counts.items()))


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8765, help="Port."),
) -> None:
    """Serve the web dashboard and the REST API."""
    import uvicorn

    from veille.web.app import create_app, warm_up

    console.print(f"veille serving {state.settings.store_url} on http://{host}:{port}/")
    web = create_app(state.settings)
    threading.Thread(target=warm_up, args=(web.state.store,), name="warm-up", daemon=True).start()
    # More open connections than this get 503 at once instead of each holding memory and a socket.
    limit = int(state.settings.section("web").get("max_connections", 200))
    uvicorn.run(web, host=host, port=port, log_level="warning", limit_concurrency=limit)
