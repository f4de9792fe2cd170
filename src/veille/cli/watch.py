"""Commands for watchlists, alerts and feed polling: ``veille watch``, ``veille alerts``, ``veille poll``."""

from __future__ import annotations

import typer

from veille.cli.app import app, console, print_json, print_table, safe, state
from veille.errors import VeilleError
from veille.store import watch as watch_store

MAX_ID = 2**63 - 1  # rule ids are 64-bit integers in the database

watch_app = typer.Typer(help="Watch rules: alert when new facts match.", no_args_is_help=True)
app.add_typer(watch_app, name="watch")


@watch_app.command("add")
def watch_add(
    entity: list[str] = typer.Option(
        [], "--entity", "-e", help="An entity or place named anywhere in the fact."
    ),
    actor: list[str] = typer.Option([], "--actor", help="Event actor (events only)."),
    target: list[str] = typer.Option([], "--target", help="Event target (events only)."),
    source: list[str] = typer.Option([], "--source", help="Who made the claim (claims only)."),
    place: list[str] = typer.Option([], "--place", help="A place mentioned, or where an event happened."),
    kind: list[str] = typer.Option([], "--kind", help="Event kind, e.g. supply (events only)."),
    keyword: list[str] = typer.Option([], "--keyword", "-k", help="A word or phrase in the fact's sentence."),
    fact: str = typer.Option("any", "--fact", help="any | mention | claim | event"),
    spike: list[str] = typer.Option(
        [], "--spike", help="Spike rule: alert when articles naming this entity or place surge."
    ),
    spike_story: list[str] = typer.Option([], "--spike-story", help="Spike rule on a story (its id)."),
    factor: float = typer.Option(
        3.0, "--factor", help="Spike: times the baseline rate the window must exceed."
    ),
    window: str = typer.Option("24h", "--window", help="Spike: the window counted, e.g. 6h, 24h."),
    baseline: str = typer.Option(
        "7d", "--baseline", help="Spike: the period before the window it is compared to."
    ),
    min_count: int = typer.Option(5, "--min-count", help="Spike: fewest articles in the window to alert."),
    name: str = typer.Option("", "--name", help="A name for the rule (default: made from its terms)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Add a rule. Repeat an option for alternatives; different options must all match.

    Example: veille watch add --fact event --actor Iran --target Russia
    Spike:   veille watch add --spike Iran --factor 3 --window 24h --baseline 7d --min-count 5
    """
    terms = {
        "entity": entity, "actor": actor, "target": target, "source": source,
        "place": place, "event_kind": kind, "keyword": keyword,
    }  # fmt: skip
    if spike or spike_story:
        if any(terms.values()):
            raise VeilleError("--spike and --spike-story take no other terms (--entity, --actor ...)")
        from veille.ingest.poll import parse_duration

        spec = watch_store.Spike(factor, parse_duration(window), parse_duration(baseline), min_count)
        spike_terms = {"entity": spike, "story": spike_story}
        rule = watch_store.add_rule(state.store, name, watch_store.SPIKE, spike_terms, spec)
    else:
        rule = watch_store.add_rule(state.store, name, fact, terms)
    if as_json:
        print_json(rule.to_json())
    else:
        console.print(f"added watch rule {rule.id}: {safe(rule.name)}", highlight=False)


@watch_app.command("list")
def watch_list(as_json: bool = typer.Option(False, "--json")) -> None:
    """List the watch rules."""
    rules = watch_store.rules(state.store)
    if as_json:
        print_json([r.to_json() for r in rules])
        return
    rows = [
        {
            "id": r.id,
            "name": safe(r.name),
            "fact": r.fact,
            "terms": "; ".join(f"{k}={'|'.join(v)}" for k, v in r.terms.items()),
            "created_at": r.created_at,
        }
        for r in rules
    ]
    print_table("watch rules", rows, ["id", "name", "fact", "terms", "created_at"])


@watch_app.command("remove")
def watch_remove(
    rule_id: int = typer.Argument(..., min=1, max=MAX_ID, help="Rule id (see veille watch list)."),
) -> None:
    """Remove a rule and its alerts."""
    if not watch_store.remove_rule(state.store, rule_id):
        raise VeilleError(f"no watch rule {rule_id} (see veille watch list)")
    console.print(f"removed watch rule {rule_id}")


@app.command()
def alerts(
    limit: int = typer.Option(50, min=1, max=100_000, help="How many, newest first."),
    rule: int = typer.Option(None, "--rule", min=1, max=MAX_ID, help="Only this rule's alerts."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """List recorded alerts, newest first."""
    listed = watch_store.alerts(state.store, limit=limit, rule_id=rule)
    if as_json:
        print_json([a.to_json() for a in listed])
        return
    # Titles and sentences are article text: never let rich read them as markup.
    rows = [
        {
            "id": a.id,
            "created_at": a.created_at,
            "rule_name": safe(a.rule_name),
            "article_title": safe(a.article_title or ""),
            "facts": len(a.facts),
            "sentence": safe(a.facts[0].sentence_text.strip()[:120]) if a.facts else "",
        }
        for a in listed
    ]
    print_table("alerts", rows, ["id", "created_at", "rule_name", "article_title", "facts", "sentence"])


@app.command()
def poll(
    feeds: list[str] = typer.Argument(..., help="OPML files or URLs, or feed URLs."),
    every: str = typer.Option("10m", "--every", help="Interval between polls: 90s, 10m, 2h."),
    max_backoff: str = typer.Option("6h", "--max-backoff", help="Longest wait after repeated failures."),
    once: bool = typer.Option(False, "--once", help="Poll each feed once and exit."),
    allow_private: bool = typer.Option(False, "--allow-private", help="Allow private/loopback addresses."),
    as_json: bool = typer.Option(False, "--json", help="Print each round's report as JSON."),
) -> None:
    """Poll feeds on a schedule (ETag/Last-Modified, backoff on failure), ingest new items, fire alerts."""
    from veille.alerts.service import AlertService
    from veille.ingest.poll import FeedPoller, PollReport, feed_urls, parse_duration
    from veille.ingest.runner import Ingestor

    settings, store = state.settings, state.store
    interval, backoff = parse_duration(every), parse_duration(max_backoff)
    urls = feed_urls(feeds, settings, allow_private=allow_private)
    ingestor = Ingestor(settings, store)
    ingestor.after_write.append(AlertService(store, settings))
    poller = FeedPoller(
        settings, store, ingestor, every=interval, max_backoff=backoff, allow_private=allow_private
    )

    def show(report: PollReport) -> None:
        if as_json:
            print_json(report.to_dict())
            return
        for f in report.feeds:
            detail = f" ({safe(f.error)})" if f.error else ""
            console.print(f"{safe(f.url)}: {f.status}, {f.ingested} new{detail}", highlight=False)

    console.print(f"polling {len(urls)} feed(s) every {every}" + (" once" if once else ""), highlight=False)
    try:
        poller.run(urls, rounds=1 if once else None, on_report=show)
    except KeyboardInterrupt:
        console.print("stopped")
