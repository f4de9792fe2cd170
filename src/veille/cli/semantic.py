"""Commands over embeddings: `veille embed`, `veille related`, and the search modes of `veille search`."""

from __future__ import annotations

from datetime import date

import typer
from rich.markup import escape

from veille.cli.app import app, console, print_json, print_table, state
from veille.errors import VeilleError


def _iso_day(value: str | None, option: str) -> str | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        raise VeilleError(f"{option} wants an ISO date (2026-03-31), not {value!r}") from None


def run_search(
    query: str,
    mode: str,
    limit: int,
    offset: int,
    as_json: bool,
    languages: list[str],
    since: str | None,
    until: str | None,
    diversify: bool,
) -> None:
    from veille.embed.search import Filters, SemanticSearch

    filters = Filters(tuple(languages), _iso_day(since, "--since"), _iso_day(until, "--until"))
    if mode == "fts" and len(filters.languages) <= 1 and not filters.since and not filters.until:
        language = filters.languages[0] if filters.languages else None
        rows = state.store.search(query, limit=limit, offset=offset, language=language)
    else:
        rows = SemanticSearch(state.settings, state.store).search(query, mode, limit, filters, diversify)
    if as_json:
        print_json(rows)
        return
    for r in rows:
        passage = r.get("passage")
        r["matched"] = (passage["text"] if passage else None) or r.get("snippet") or ""
        r["matched"] = r["matched"][:240]
    columns = ["id", "language", "title", "matched"] + (["score"] if mode != "fts" else [])
    print_table(f"{len(rows)} results for {query!r} ({mode})", rows, columns)


@app.command()
def embed(
    everything: bool = typer.Option(
        False, "--all", help="Re-embed every article (after changing [embeddings] model or text)."
    ),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Compute the vectors that stored articles lack for the configured model (or all of them)."""
    from veille.embed.service import EmbeddingSettings, embed_stored, embedder_for
    from veille.store.vectors import counts

    conf = EmbeddingSettings.from_settings(state.settings)
    if not conf.enabled:
        raise VeilleError("embeddings are off: set [embeddings] enabled = true")
    embedder = embedder_for(state.settings)
    done = embed_stored(state.store, embedder, conf, everything=everything)
    stored = counts(state.store)
    result = {
        "model": embedder.name,
        "version": embedder.version,
        "embedded": done,
        "stored": stored,
    }
    if as_json:
        print_json(result)
    else:
        console.print(
            f"embedded [bold]{done}[/] articles with {escape(embedder.name)} {escape(embedder.version)}; "
            + ", ".join(f"{escape(k)}: {v}" for k, v in stored.items())
        )


@app.command()
def related(
    article_id: str = typer.Argument(..., help="Article id (a unique prefix is enough)."),
    limit: int = typer.Option(10),
    same_language: bool = typer.Option(False, "--same-language", help="Include its own language."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Articles nearest in meaning to one article, in other languages."""
    from veille.embed.search import SemanticSearch

    art = state.store.article(article_id)
    if art is None:
        raise VeilleError(f"no article with id (or unique prefix) '{article_id}'; see `veille articles`")
    rows = SemanticSearch(state.settings, state.store).related(
        art["id"], limit, other_languages=not same_language
    )
    if as_json:
        print_json(rows)
        return
    for r in rows:
        r["matched"] = (r["passage"]["text"] if r.get("passage") else "")[:240]
    print_table(
        f"{len(rows)} articles related to {art['id']}", rows, ["id", "language", "score", "title", "matched"]
    )
