"""The command line: read options, call the library, print. Exit codes: 0 ok, 1 the data does
not conform or some input failed, 2 usage or configuration error."""

from __future__ import annotations

import datetime
import getpass
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click
from click.decorators import FC

from . import __version__
from .errors import ConfigError, LodpubError
from .publish.dist import Dist
from .publish.push import PROTOCOLS, PushState, plan_push, push
from .publish.sparql import MAX_WAIT, Retry, connect, password_warning, scrub
from .settings import AUTH_KINDS, DUMP_LAYOUTS, SHACL_ENGINES, TEXTS, Settings, load_settings

if TYPE_CHECKING:
    from .pipeline import Progress
    from .validate import Issue

# The modules of the other commands are imported by those commands: `lodpub push`, which an
# editor runs after every small change, starts without loading mapping, SHACL and rdflib.


def _settings(
    config: Path | None,
    base_iri: str | None,
    engine: str | None = None,
    dumps: str | None = None,
    texts: str | None = None,
) -> Settings:
    return load_settings(
        config, {"base_iri": base_iri, "shacl_engine": engine, "dumps": dumps, "texts": texts}
    )


def _fail(error: LodpubError) -> None:
    click.echo(f"error: {error}", err=True)
    sys.exit(error.exit_code)


def _progress(label: str, unit: str = "letters") -> Progress:
    """A progress callback printing to stderr at most ~20 times per run."""
    shown = {"last": -1}

    def report(done: int, total: int) -> None:
        step = max(1, total // 20)
        if done == total or done // step != shown["last"]:
            shown["last"] = done // step
            click.echo(f"{label}: {done}/{total} {unit}", err=True)

    return report


config_option = click.option(
    "--config",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Settings file (default: ./lodpub.toml if present).",
)
base_option = click.option("--base-iri", default=None, help="Base IRI of every minted IRI.")


def max_wait_option(help_text: str) -> Callable[[FC], FC]:
    """``--max-wait SECONDS``: the longest pause a server may ask for (``Retry-After``)."""
    return click.option(
        "--max-wait",
        type=click.FloatRange(0, 3600),
        default=MAX_WAIT,
        show_default=True,
        metavar="SECONDS",
        help=help_text,
    )


engine_option = click.option(
    "--shacl-engine",
    "engine",
    type=click.Choice(SHACL_ENGINES),
    default=None,
    help="SHACL engine: turbo (pyshacl-turbo, default) or pyshacl (the reference; same issues, slower).",
)

dumps_option = click.option(
    "--dumps",
    type=click.Choice(DUMP_LAYOUTS),
    default=None,
    help="whole: one dump file per format (default); parts: dumps in files of about 128 letters "
    "each, for large corpora: a rebuild after an edit rewrites only the parts it touches.",
)

texts_option = click.option(
    "--texts",
    type=click.Choice(TEXTS),
    default=None,
    help="Which letters' texts to publish: all (default); open: not those under an In Copyright "
    "rights statement; none: the metadata only. A text left out keeps its rights statement.",
)


@click.group()
@click.version_option(__version__, prog_name="lodpub")
def main() -> None:
    """Publish archival correspondence as CIDOC-CRM / Dublin Core Linked Data."""


@main.command("build")
@click.argument("corpus", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), default=Path("dist"), show_default=True)
@click.option("--keep-going", is_flag=True, help="Publish the good letters; list the skipped ones.")
@click.option("--quiet", is_flag=True, help="No progress on stderr.")
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
    help="Cache of finished letters for incremental rebuilds (default: .OUT-cache beside --out).",
)
@click.option("--no-cache", is_flag=True, help="Map and validate every letter afresh; keep no cache.")
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
    help="Worker processes for reading, mapping and validating (default: the number of cores).",
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
    from .pipeline import build

    try:
        settings = _settings(config, base_iri, engine, dumps, texts)
        result = build(
            corpus,
            out,
            settings,
            keep_going=keep_going,
            jobs=jobs or os.cpu_count() or 1,
            cache_dir=None if no_cache else cache_dir or out.parent / f".{out.name}-cache",
            shard=_shard(shard),
            progress=None if quiet else _progress("build"),
            allow_shrink=allow_shrink,
        )
    except LodpubError as error:
        _fail(error)
        return
    if result.took_over:
        click.echo(
            f"warning: {out}: took over the lock of build PID {result.took_over}, which ended without "
            "releasing it",
            err=True,
        )
    if timings:
        click.echo("timings: " + json.dumps(result.timings.as_dict()), err=True)
    if verbose and result.written:
        mode = result.timings
        click.echo(
            f"build: incremental, {mode.read} letter(s) changed"
            if mode.mode == "incremental"
            else f"build: full: {mode.reason}",
            err=True,
        )
    for problem in result.problems:
        click.echo(f"{'skipped' if result.written else 'error'}: {problem}", err=True)
    _warn(result.warnings)
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


def _warn(warnings: tuple[Issue, ...], shown: int = 20) -> None:
    """Warnings on stderr, at most ``shown`` of them and how many more there are."""
    for warning in warnings[:shown]:
        click.echo(f"warning: {warning}", err=True)
    if len(warnings) > shown:
        click.echo(
            f"warning: {len(warnings) - shown} more warning(s); `lodpub validate` lists them all", err=True
        )


def _shard(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    number, _, count = text.partition("/")
    if not (number.isdigit() and count.isdigit() and 1 <= int(number) <= int(count)):
        raise click.BadParameter(f"{text!r}: expected K/N with 1 <= K <= N, e.g. 2/8", param_hint="--shard")
    return int(number), int(count)


@main.command("merge")
@click.argument("shards", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), default=Path("dist"), show_default=True)
@config_option
@base_option
@dumps_option
def merge_command(
    shards: tuple[Path, ...], out: Path, config: Path | None, base_iri: str | None, dumps: str | None
) -> None:
    """Merge the outputs of `lodpub build --shard K/N` into one dataset in --out."""
    from .merge import merge

    try:
        result = merge(list(shards), out, _settings(config, base_iri, dumps=dumps))
    except LodpubError as error:
        _fail(error)
        return
    for problem in result.problems:
        click.echo(f"error: {problem}", err=True)
    _warn(result.warnings)
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
    from .pipeline import validate_corpus

    try:
        report = validate_corpus(corpus, _settings(config, base_iri, engine, texts=texts))
    except LodpubError as error:
        _fail(error)
        return
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


@main.command("push")
@click.argument("dist", type=click.Path(path_type=Path))
@click.option("--endpoint", default=None, help="SPARQL query endpoint (for listing and verifying graphs).")
@click.option("--graph-store", default=None, help="Graph Store Protocol URL (protocols gsp and bulk).")
@click.option("--update-endpoint", default=None, help="SPARQL Update URL (protocol update).")
@click.option(
    "--protocol",
    type=click.Choice(PROTOCOLS),
    default="auto",
    show_default=True,
    help="gsp: one PUT per graph; update: DROP + INSERT DATA, small graphs together; bulk: first load "
    "into an empty Oxigraph; auto: bulk when the store is an empty Oxigraph, else gsp.",
)
@click.option(
    "--auth",
    type=click.Choice(AUTH_KINDS),
    default=None,
    help="Credentials: LODPUB_USER/PASSWORD/TOKEN or ~/.netrc (never in a URL: a command line is "
    "visible to other users of the machine).",
)
@click.option("--prune", is_flag=True, help="Drop graphs under the base IRI that the dataset no longer has.")
@click.option("--dry-run", is_flag=True, help="Only read the store and print what would change.")
@click.option("--full", is_flag=True, help="Send every graph, even those unchanged since the last push.")
@click.option(
    "--tries",
    type=click.IntRange(1, 20),
    default=4,
    show_default=True,
    help="Attempts per request on time-outs, refused connections, cut-off answers, 429 and 5xx "
    "(after the pause the store asks for with Retry-After, else with backoff).",
)
@max_wait_option("Longest pause a store may ask for (Retry-After); a store asking for more stops the push.")
@click.option("--quiet", is_flag=True, help="No progress on stderr.")
@config_option
def push_command(
    dist: Path,
    endpoint: str | None,
    graph_store: str | None,
    update_endpoint: str | None,
    protocol: str,
    auth: str | None,
    prune: bool,
    dry_run: bool,
    full: bool,
    tries: int,
    max_wait: float,
    quiet: bool,
    config: Path | None,
) -> None:
    """Send the built dataset in DIST to a SPARQL store, one named graph at a time."""
    given = {"query": endpoint, "update": update_endpoint, "graph_store": graph_store}
    try:
        settings = load_settings(
            config,
            {
                "sparql_endpoint": endpoint,
                "graph_store": graph_store,
                "update_endpoint": update_endpoint,
                "auth": auth,
            },
        )
        folder = Dist.open(dist)
        if not settings.sparql_endpoint:
            raise ConfigError(
                "push needs the store's SPARQL query endpoint",
                hint="--endpoint URL or sparql_endpoint in lodpub.toml",
            )
        store, with_password = connect(
            settings.sparql_endpoint,
            update_url=settings.update_endpoint,
            graph_store_url=settings.graph_store,
            kind=settings.auth,
            retry=Retry(tries=tries, max_wait=max_wait),
        )
        options = {"query": "--endpoint", "update": "--update-endpoint", "graph_store": "--graph-store"}
        names = {"query": "sparql_endpoint", "update": "update_endpoint", "graph_store": "graph_store"}
        if typed := [options[role] for role in with_password if given[role]]:
            click.echo(password_warning(typed, command_line=True), err=True)
        if configured := [names[role] for role in with_password if not given[role]]:
            click.echo(password_warning(configured, command_line=False), err=True)
        try:
            if dry_run:
                plan = plan_push(folder, store, prune)
                click.echo(
                    f"would send {len(plan.local)} graph(s) ({len(plan.new)} new, "
                    f"{len(plan.replaced)} replaced) and drop {len(plan.dropped)}; nothing was sent"
                )
                for graph in plan.new:
                    click.echo(f"  new      <{graph}>")
                for graph in plan.replaced:
                    click.echo(f"  replace  <{graph}>")
                for graph in plan.dropped:
                    click.echo(f"  drop     <{graph}>")
                return
            report = push(
                folder,
                store,
                protocol=protocol,
                prune=prune,
                progress=None if quiet else _progress("push", "graphs"),
                state=PushState.beside(folder, store),
                full=full,
            )
        finally:
            store.close()
    except LodpubError as error:
        variables = ("LODPUB_SPARQL_ENDPOINT", "LODPUB_UPDATE_ENDPOINT", "LODPUB_GRAPH_STORE")
        _fail(scrub(error, [*given.values(), *(os.environ.get(name) for name in variables)]))
        return
    triples = sum(report.plan.local.values())
    unchanged = f" ({len(report.unchanged)} unchanged, not sent)" if report.unchanged else ""
    click.echo(
        f"pushed {len(report.sent)} graph(s){unchanged}, {triples} triples, to {store.query_url}"
        f"{' (bulk load)' if report.protocol == 'bulk' else ''}; "
        f"dropped {len(report.dropped)}; verified: per-graph triple counts match"
    )


@main.command("query")
@click.argument("name_or_file", required=False)
@click.option(
    "--dist",
    type=click.Path(path_type=Path),
    default=Path("dist"),
    show_default=True,
    help="Built dataset to query (embedded store).",
)
@click.option("--endpoint", default=None, help="Query a remote SPARQL endpoint instead.")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True
)
@click.option("--list", "list_queries", is_flag=True, help="List the cookbook queries.")
@max_wait_option("Longest pause a remote store may ask for (Retry-After) before the query is sent again.")
def query_command(
    name_or_file: str | None, dist: Path, endpoint: str | None, fmt: str, list_queries: bool, max_wait: float
) -> None:
    """Run a cookbook query (by NAME) or a query FILE; print a table, CSV or JSON."""
    from .query import Answer, cookbook, describe, from_sparql_json, load_query, open_store, render, run_local

    try:
        if list_queries or not name_or_file:
            for name, path in cookbook().items():
                click.echo(f"{name:<30} {describe(path)}")
            return
        sparql = load_query(name_or_file)
        if endpoint:
            store, with_password = connect(
                endpoint, kind=load_settings(None).auth, retry=Retry(max_wait=max_wait)
            )
            if with_password:
                click.echo(password_warning(["--endpoint"], command_line=True), err=True)
            try:
                media, body = store.query(sparql)
            finally:
                store.close()
            if media == "application/sparql-results+json":
                answer = from_sparql_json(json.loads(body))
            else:
                answer = Answer(graph=body, kind="graph")
        else:
            answer = run_local(open_store(dist), sparql)
    except LodpubError as error:
        _fail(scrub(error, [endpoint]))
        return
    click.echo(render(answer, fmt))


@main.command("serve")
@click.argument("dist", type=click.Path(path_type=Path), default=Path("dist"))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback by default).")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True)
def serve_command(dist: Path, host: str, port: int) -> None:
    """Serve DIST: a read-only SPARQL endpoint at /sparql and every IRI of the dataset."""
    from .publish.server import address, make_server

    try:
        server = make_server(dist, host, port)
    except LodpubError as error:
        _fail(error)
        return
    except OSError as error:
        _fail(ConfigError(f"cannot listen on {host}:{port}: {error.strerror}", hint="choose another --port"))
        return
    url = address(server)
    click.echo(f"serving {dist} at {url} (SPARQL at {url}sparql); Ctrl-C stops", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


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
@click.option("--accept", "accepted", nargs=2, default=None, metavar="KIND.KEY QID", help="Accept one QID.")
@click.option("--apply", "apply_", is_flag=True, help="Accept every QID set in the review file.")
@click.option("--check", "check_", is_flag=True, help="Re-verify every QID of the authority file.")
@click.option("--by", default=None, help="Who accepts (default: LODPUB_REVIEWER or the login name).")
@click.option("--on", default=None, help="Day of the acceptance, YYYY-MM-DD (default: today).")
@click.option(
    "--tries",
    type=click.IntRange(1, 20),
    default=5,
    show_default=True,
    help="Attempts per request (429, maxlag, 5xx, time-outs, answers cut off, malformed answers).",
)
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
    by: str | None,
    on: str | None,
    tries: int,
    max_wait: float,
    config: Path | None,
) -> None:
    """Propose Wikidata links for entities without a QID; accept, apply or check them.

    A re-run keeps what a reviewer wrote in the review file (accept, reject, note)."""
    from .link import accept_one, apply_review, check, propose
    from .link.wikidata import Cache, WikidataClient

    review = review or corpus / "link-review.toml"
    reviewer = by or os.environ.get("LODPUB_REVIEWER") or getpass.getuser()
    day = on or datetime.date.today().isoformat()
    try:
        settings = load_settings(config)
        if accepted:
            entity = accept_one(
                corpus, settings, accepted[0], accepted[1], reviewer, day, "lodpub link --accept"
            )
            click.echo(
                f"accepted {accepted[1]} for {accepted[0]} ({entity.label}); recorded by {reviewer} on {day}"
            )
            return
        if apply_:
            done = apply_review(corpus, settings, review, reviewer, day)
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
    except LodpubError as error:
        _fail(error)
        return
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
    from .authorities import Authorities
    from .inspect_letter import authority_file, corpus_files, inspect_letter, render

    if fmt != "text" and not unresolved:
        raise click.UsageError("--format json goes with --unresolved")
    try:
        files = corpus_files(path) if path.is_dir() else [path]
        authority_path = authorities or authority_file(path)
        table = Authorities.load(authority_path) if authority_path else Authorities([])
    except LodpubError as error:
        _fail(error)
        return
    if unresolved:
        from .unresolved import collect

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
        except LodpubError as error:
            click.echo(f"error: {error}", err=True)
            failed += 1
            continue
        if shown:
            click.echo("")
        click.echo("\n".join(render(file, letter, fields)))
        shown += 1
    if failed:
        sys.exit(1)
