"""The commands that read a corpus: build, merge, validate, inspect."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .app import (
    base_option,
    config_option,
    dumps_option,
    engine_option,
    main,
    out_option,
    progress,
    quiet_option,
    settings_of,
    texts_option,
    warn,
)


@main.command("build")
@click.argument("corpus", type=click.Path(path_type=Path))
@out_option()
@click.option("--keep-going", is_flag=True, help="Publish the good letters; list the skipped ones.")
@quiet_option
@click.option(
    "--shard",
    default=None,
    metavar="K/N",
    help="Build only shard K of N (a fixed hash of each letter id); `lodpub merge` joins the shards.",
)
@click.option("--timings", is_flag=True, help="Print the seconds spent in each stage (JSON, stderr).")
@click.option(
    "--cache",
    "cache_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Cache of finished letters for incremental rebuilds (default: the cache setting, else "
    ".OUT-cache beside --out).",
)
@click.option("--no-cache", is_flag=True, help="Map and validate every letter afresh; keep no cache.")
@click.option(
    "--store",
    "store_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The persistent store `query` and `serve` open, brought up to date after the build "
    "(default: the store setting, else .OUT-store beside --out).",
)
@click.option(
    "--no-store", is_flag=True, help="Leave the persistent store alone (query and serve update it)."
)
@click.option("-v", "--verbose", is_flag=True, help="Say whether the build was incremental, and if not, why.")
@click.option(
    "--allow-shrink",
    is_flag=True,
    help="Publish even 0 letters, or fewer than half of those the output has (refused otherwise).",
)
@click.option(
    "--jobs",
    type=click.IntRange(1, 256),
    default=None,
    help="Worker processes for reading, mapping and validating (default: the jobs setting, else the "
    "number of cores).",
)
@config_option
@base_option
@engine_option
@dumps_option
@texts_option
def build_command(
    corpus: Path,
    out: Path,
    keep_going: bool,
    quiet: bool,
    shard: str | None,
    timings: bool,
    cache_dir: Path | None,
    no_cache: bool,
    store_dir: Path | None,
    no_store: bool,
    verbose: bool,
    allow_shrink: bool,
    jobs: int | None,
    config: Path | None,
    base_iri: str | None,
    engine: str | None,
    dumps: str | None,
    texts: str | None,
) -> None:
    """Read, map, validate and write the CORPUS folder as RDF files in --out."""
    from ..build import build
    from ..publish.store import store_folder

    settings = settings_of(
        config,
        base_iri,
        engine,
        dumps,
        texts,
        jobs=jobs and str(jobs),
        cache=cache_dir and str(cache_dir),
        store=store_dir and str(store_dir),
    )
    result = build(
        corpus,
        out,
        settings,
        keep_going=keep_going,
        jobs=settings.worker_processes,
        cache_dir=None if no_cache else settings.cache_folder(out),
        shard=_shard(shard),
        progress=None if quiet else progress("build"),
        allow_shrink=allow_shrink,
        # a shard is merged before it is queried: the merged output gets the store
        store_dir=None if no_store or shard else store_folder(out, settings),
        say=None if quiet else lambda text: click.echo(text, err=True),
    )
    if result.took_over:
        click.echo(
            f"warning: {out}: took over the lock of build PID {result.took_over}, which ended without "
            "releasing it",
            err=True,
        )
    if timings:
        click.echo("timings: " + json.dumps(result.timings.as_dict()), err=True)
    if verbose and result.written:
        how = result.timings
        said = (
            f"incremental, {how.read} letter(s) changed"
            if how.mode == "incremental"
            else f"full: {how.reason}"
        )
        click.echo(f"build: {said}", err=True)
    for problem in result.problems:
        click.echo(f"{'skipped' if result.written else 'error'}: {problem}", err=True)
    warn(result.warnings)
    if not result.written:
        click.echo(f"{len(result.problems)} problem(s); nothing was written to {result.out}", err=True)
        sys.exit(1)
    withheld = ""
    if settings.texts != "all":
        withheld = f", {result.withheld} text{'' if result.withheld == 1 else 's'} withheld"
    click.echo(
        f"wrote {result.out}: {result.letters} letters, {result.triples} triples, {result.entities} resources"
        + withheld
    )
    for name, size in sorted(result.files.items()):
        click.echo(f"  {name}  {size} bytes")
    if result.problems:
        click.echo(f"{len(result.problems)} problem(s); those letters were skipped", err=True)
        sys.exit(1)


def _shard(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    number, _, count = text.partition("/")
    if not (number.isdigit() and count.isdigit() and 1 <= int(number) <= int(count)):
        raise click.BadParameter(f"{text!r}: expected K/N with 1 <= K <= N, e.g. 2/8", param_hint="--shard")
    return int(number), int(count)


@main.command("merge")
@click.argument("shards", nargs=-1, required=True, type=click.Path(path_type=Path))
@out_option()
@config_option
@base_option
@dumps_option
def merge_command(
    shards: tuple[Path, ...], out: Path, config: Path | None, base_iri: str | None, dumps: str | None
) -> None:
    """Merge the outputs of `lodpub build --shard K/N` into one dataset in --out."""
    from ..build.merge import merge

    result = merge(list(shards), out, settings_of(config, base_iri, dumps=dumps))
    for problem in result.problems:
        click.echo(f"error: {problem}", err=True)
    warn(result.warnings)
    if not result.written:
        sys.exit(1)
    click.echo(
        f"merged {len(shards)} shard(s) into {result.out}: {result.letters} letters, {result.triples} triples"
    )


@main.command("validate")
@click.argument("corpus", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@config_option
@base_option
@engine_option
@texts_option
def validate_command(
    corpus: Path,
    fmt: str,
    config: Path | None,
    base_iri: str | None,
    engine: str | None,
    texts: str | None,
) -> None:
    """Read, map and validate CORPUS against the SHACL shapes; write nothing."""
    from ..build import validate_corpus

    report = validate_corpus(corpus, settings_of(config, base_iri, engine, texts=texts))
    if fmt == "json":
        click.echo(report.to_json())
    else:
        for issue in report.issues:
            click.echo(f"warning: {issue}" if issue.severity == "Warning" else str(issue))
        problems = sum(1 for issue in report.issues if issue.severity != "Warning")
        warnings = len(report.issues) - problems
        verdict = "conforms" if report.conforms else f"{problems} problem(s)"
        click.echo(
            f"{report.letters} letters checked: {verdict}" + (f", {warnings} warning(s)" if warnings else "")
        )
    if not report.conforms:
        sys.exit(1)


@main.command("inspect")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--authorities",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Authority file (default: the corpus's authorities.toml: in PATH, or beside or above FILE).",
)
@click.option(
    "--unresolved",
    is_flag=True,
    help="List every name, archive and language the authority data does not know, with counts and "
    "file:line, likely variants grouped, and a snippet to append to authorities.toml.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output of --unresolved.",
)
def inspect_command(path: Path, authorities: Path | None, unresolved: bool, fmt: str) -> None:
    """Show every field extracted from one source FILE, or from each letter of a CORPUS folder
    in file-name order, with the line it came from; --unresolved lists what the authority data
    does not know."""
    from ..authorities import Authorities
    from ..errors import LodpubError
    from ..inspect_letter import authority_file, corpus_files, inspect_letter, render

    if fmt != "text" and not unresolved:
        raise click.UsageError("--format json goes with --unresolved")
    files = corpus_files(path) if path.is_dir() else [path]
    authority_path = authorities or authority_file(path)
    table = Authorities.load(authority_path) if authority_path else Authorities([])
    if unresolved:
        from ..unresolved import collect

        target = authority_path or (path if path.is_dir() else path.parent) / "authorities.toml"
        report = collect(files, table, target)
        for problem in report.problems:
            click.echo(f"error: {problem}", err=True)
        click.echo(report.to_json() if fmt == "json" else "\n".join(report.lines()))
        if report.problems:
            sys.exit(1)
        return
    failed = 0
    shown = 0
    for file in files:
        try:
            letter, fields = inspect_letter(file, table)
        except LodpubError as error:  # one letter's error: the others are still shown
            click.echo(f"error: {error}", err=True)
            failed += 1
            continue
        if shown:
            click.echo("")
        click.echo("\n".join(render(file, letter, fields)))
        shown += 1
    if failed:
        sys.exit(1)
