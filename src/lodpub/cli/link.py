"""`lodpub link`: Wikidata candidates, their review and their acceptance."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..settings import load_settings
from .app import config_option, main, max_wait_option, tries_option


@main.command("link")
@click.argument("corpus", type=click.Path(path_type=Path), default=Path("corpus"))
@click.option(
    "--review",
    type=click.Path(path_type=Path),
    default=None,
    help="Review file (default: CORPUS/link-review.toml).",
)
@click.option(
    "--cache",
    type=click.Path(path_type=Path),
    default=None,
    help="Answer cache (default: CORPUS/link-cache).",
)
@click.option("--offline", is_flag=True, help="Use the cache alone; send nothing.")
@click.option(
    "--accept",
    "accepted",
    nargs=2,
    default=None,
    metavar="KIND.KEY QID",
    help="Accept one QID, or one authority identifier written SCHEME:VALUE (viaf:…).",
)
@click.option("--apply", "apply_", is_flag=True, help="Accept every QID set in the review file.")
@click.option("--check", "check_", is_flag=True, help="Re-verify every QID of the authority file.")
@click.option(
    "--quickstatements",
    "batch_file",
    type=click.Path(path_type=Path),
    default=None,
    help="Write a QuickStatements batch creating the people and groups marked create = true (never sent).",
)
@click.option("--by", default=None, help="Who accepts (default: LODPUB_REVIEWER or the login name).")
@click.option("--on", default=None, help="Day of the acceptance, YYYY-MM-DD (default: today).")
@tries_option(5, "Attempts per request (429, maxlag, 5xx, time-outs, answers cut off, malformed answers).")
@max_wait_option(
    "Longest wait between two attempts: a server's Retry-After beyond it stops the run with a report "
    "of what was looked up."
)
@config_option
def link_command(
    corpus: Path,
    review: Path | None,
    cache: Path | None,
    offline: bool,
    accepted: tuple[str, str] | None,
    apply_: bool,
    check_: bool,
    batch_file: Path | None,
    by: str | None,
    on: str | None,
    tries: int,
    max_wait: float,
    config: Path | None,
) -> None:
    """Propose Wikidata links for entities without a QID; accept, apply or check them.

    A re-run keeps what a reviewer wrote in the review file (accept, reject, note)."""
    from ..link import accept_one, apply_review, check, day_of, propose, reviewer_of
    from ..link.wikidata import Cache, WikidataClient

    review = review or corpus / "link-review.toml"
    settings = load_settings(config)
    if accepted:
        reviewer, day = reviewer_of(by), day_of(on)
        entity = accept_one(corpus, settings, accepted[0], accepted[1], reviewer, day, "lodpub link --accept")
        click.echo(
            f"accepted {accepted[1]} for {accepted[0]} ({entity.label}); recorded by {reviewer} on {day}"
        )
        return
    if batch_file is not None:
        from ..link.quickstatements import quickstatements
        from ..link.review import write_atomically

        batch = quickstatements(corpus, settings, review)
        write_atomically(batch_file, batch.text)
        for line in batch.skipped:
            click.echo(f"not in the batch: {line}", err=True)
        click.echo(
            f"wrote {batch_file}: {len(batch.created)} item(s) to create "
            f"({', '.join(batch.created) or 'none'}); "
            "nothing was sent: run it in QuickStatements, then accept each new QID with --accept KIND.KEY Q…"
        )
        return
    if apply_:
        done = apply_review(corpus, settings, review, reviewer_of(by), day_of(on))
        for kind_key, qid in done:
            click.echo(f"accepted {qid} for {kind_key}")
        click.echo(f"{len(done)} QID(s) accepted from {review}")
        return
    client = WikidataClient(
        settings.wikidata_api,
        settings.contact,
        Cache(cache or corpus / "link-cache"),
        reconcile_url=settings.reconcile_url or None,
        offline=offline,
        tries=tries,
        max_wait=max_wait,
    )
    try:
        if check_:
            problems = check(corpus, client)
            for problem in problems:
                click.echo(problem)
            click.echo(f"{len(problems)} problem(s) with the QIDs of {corpus / 'authorities.toml'}")
            if problems:
                sys.exit(1)
            return
        result = propose(corpus, settings, client, review)
    finally:
        client.close()
    for kind_key, qid in result.dropped:
        click.echo(f"dropped from the review: {kind_key} has a QID in the authority file now ({qid})")
    for kind_key in result.stale:
        click.echo(
            f"kept in the review for what a reviewer wrote: {kind_key} (the corpus no longer names it)"
        )
    dropped = f"; {len(result.dropped)} dropped (a QID in the authority file now)" if result.dropped else ""
    stale = f"; {len(result.stale)} kept that the corpus no longer names" if result.stale else ""
    click.echo(
        f"wrote {review}: {result.entities} entities without a QID, {result.with_candidates} with "
        f"candidates; {result.kept} reviewer decision(s) kept{dropped}{stale}; "
        f"{client.requests_sent} request(s) sent"
    )
    for key in result.not_cached:
        click.echo(f"not in the cache (offline): {key}", err=True)
