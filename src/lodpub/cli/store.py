"""The commands that work with a built dataset and SPARQL stores: push, query, serve."""

from __future__ import annotations

from pathlib import Path

import click
from click.decorators import FC

from ..errors import ConfigError
from ..publish.credentials import password_warning
from ..publish.dist import Dist
from ..publish.push import PROTOCOLS, PushState, plan_push, push
from ..publish.sparql import Retry, SparqlStore, connect
from ..settings import AUTH_KINDS, Settings, load_settings
from .app import config_option, main, max_wait_option, progress, quiet_option, settings_of, tries_option

# The modules of the other commands are imported by those commands: `lodpub push`, which an
# editor runs after every small change, starts without loading mapping, SHACL and rdflib.

# A store URL's option, and its setting in lodpub.toml, by its role (see ``connect``)
OPTIONS = {"query": "--endpoint", "update": "--update-endpoint", "graph_store": "--graph-store"}
SETTINGS = {"query": "sparql_endpoint", "update": "update_endpoint", "graph_store": "graph_store"}


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
@tries_option(
    4,
    "Attempts per request on time-outs, refused connections, cut-off answers, 429 and 5xx "
    "(after the pause the store asks for with Retry-After, else with backoff).",
)
@max_wait_option("Longest pause a store may ask for (Retry-After); a store asking for more stops the push.")
@quiet_option
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
    settings = load_settings(
        config,
        {SETTINGS[role]: url for role, url in given.items()} | {"auth": auth},
        options={SETTINGS[role]: option for role, option in OPTIONS.items()},
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
    if typed := [OPTIONS[role] for role in with_password if given[role]]:
        click.echo(password_warning(typed, command_line=True), err=True)
    if configured := [SETTINGS[role] for role in with_password if not given[role]]:
        click.echo(password_warning(configured, command_line=False), err=True)
    try:
        if dry_run:
            _dry_run(folder, store, prune)
            return
        report = push(
            folder,
            store,
            protocol=protocol,
            prune=prune,
            progress=None if quiet else progress("push", "graphs"),
            state=PushState.beside(folder, store),
            full=full,
        )
    finally:
        store.close()
    triples = sum(report.plan.local.values())
    unchanged = f" ({len(report.unchanged)} unchanged, not sent)" if report.unchanged else ""
    click.echo(
        f"pushed {len(report.sent)} graph(s){unchanged}, {triples} triples, to {store.query_url}"
        f"{' (bulk load)' if report.protocol == 'bulk' else ''}; "
        f"dropped {len(report.dropped)}; verified: per-graph triple counts match"
    )


def _dry_run(folder: Dist, store: SparqlStore, prune: bool) -> None:
    plan = plan_push(folder, store, prune)
    click.echo(
        f"would send {len(plan.local)} graph(s) ({len(plan.new)} new, "
        f"{len(plan.replaced)} replaced) and drop {len(plan.dropped)}; nothing was sent"
    )
    for label, graphs in (("new     ", plan.new), ("replace ", plan.replaced), ("drop    ", plan.dropped)):
        for graph in graphs:
            click.echo(f"  {label} <{graph}>")


def _limits(func: FC) -> FC:
    """The options that bound queries, and the store they run on (shared by query and serve)."""
    options = [
        click.option(
            "--store",
            "store_dir",
            type=click.Path(file_okay=False, path_type=Path),
            default=None,
            help="The dataset's persistent store (default: the store setting, else .DIST-store beside it).",
        ),
        click.option(
            "--query-timeout",
            type=click.IntRange(1, 86_400),
            default=None,
            metavar="SECONDS",
            help="Stop a query after this long (default: the query_timeout setting, 30).",
        ),
        click.option(
            "--query-rows",
            type=click.IntRange(1, 100_000_000),
            default=None,
            help="The most rows (or triples) an answer may hold; a larger one is an error (default 100,000).",
        ),
        click.option(
            "--allow-service",
            "allow_service",
            multiple=True,
            is_flag=False,
            flag_value="*",
            metavar="[URL]",
            help="Allow federated queries (SERVICE): to any endpoint, or, given URLs (repeat the "
            "option), to those only. Refused by default.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _query_settings(
    config: Path | None,
    store_dir: Path | None,
    query_timeout: int | None,
    query_rows: int | None,
    allow_service: tuple[str, ...],
) -> Settings:
    return settings_of(
        config,
        store=store_dir and str(store_dir),
        query_timeout=query_timeout and str(query_timeout),
        query_rows=query_rows and str(query_rows),
        allow_service=" ".join(allow_service) if allow_service else None,
    )


@main.command("query")
@click.argument("name_or_file", required=False)
@click.option(
    "--dist",
    type=click.Path(path_type=Path),
    default=Path("dist"),
    show_default=True,
    help="Built dataset to query (through its persistent store).",
)
@click.option("--endpoint", default=None, help="Query a remote SPARQL endpoint instead.")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True
)
@click.option("--list", "list_queries", is_flag=True, help="List the cookbook queries.")
@max_wait_option("Longest pause a remote store may ask for (Retry-After) before the query is sent again.")
@_limits
@config_option
def query_command(
    name_or_file: str | None,
    dist: Path,
    endpoint: str | None,
    fmt: str,
    list_queries: bool,
    max_wait: float,
    store_dir: Path | None,
    query_timeout: int | None,
    query_rows: int | None,
    allow_service: tuple[str, ...],
    config: Path | None,
) -> None:
    """Run a cookbook query (by NAME) or a query FILE; print a table, CSV or JSON."""
    from ..cookbook import cookbook, describe, load_query
    from ..publish.query import render, run_on_store, run_remote

    if list_queries or not name_or_file:
        for name, path in cookbook().items():
            click.echo(f"{name:<30} {describe(path)}")
        return
    sparql = load_query(name_or_file)
    settings = _query_settings(config, store_dir, query_timeout, query_rows, allow_service)
    if endpoint:
        store, with_password = connect(endpoint, kind=settings.auth, retry=Retry(max_wait=max_wait))
        if with_password:
            click.echo(password_warning(["--endpoint"], command_line=True), err=True)
        answer = run_remote(store, sparql)
    else:
        say = lambda text: click.echo(text, err=True)  # noqa: E731
        answer = run_on_store(dist, sparql, settings, say=say, progress=progress("store", "bytes"))
    click.echo(render(answer, fmt))


@main.command("serve")
@click.argument("dist", type=click.Path(path_type=Path), default=Path("dist"))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback by default).")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=2,
    show_default=True,
    help="Processes that run SPARQL queries (each opens the store read-only).",
)
@click.option(
    "--client-timeout",
    type=click.IntRange(1, 3600),
    default=30,
    show_default=True,
    metavar="SECONDS",
    help="Close a connection that sends nothing for this long (slow or idle clients).",
)
@_limits
@config_option
def serve_command(
    dist: Path,
    host: str,
    port: int,
    workers: int,
    client_timeout: int,
    store_dir: Path | None,
    query_timeout: int | None,
    query_rows: int | None,
    allow_service: tuple[str, ...],
    config: Path | None,
) -> None:
    """Serve DIST: a read-only SPARQL endpoint at /sparql and every IRI of the dataset."""
    from ..publish.server import App, Server
    from ..publish.store import PersistentStore, store_folder

    settings = _query_settings(config, store_dir, query_timeout, query_rows, allow_service)
    Dist.open(dist)
    store = PersistentStore(store_folder(dist, settings), dist)
    if not store.up_to_date():
        store.sync(progress("store", "bytes"), lambda text: click.echo(text, err=True))
    app = App(dist, settings, store.root, workers)
    try:
        server = Server(app, host, port, client_timeout=client_timeout)
    except OSError as error:
        app.close()
        raise ConfigError(
            f"cannot listen on {host}:{port}: {error.strerror}", hint="choose another --port"
        ) from None
    url = server.url
    click.echo(f"serving {dist} at {url} (SPARQL at {url}sparql); Ctrl-C stops", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
