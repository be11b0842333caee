"""The command group, its one error handler and the options several commands share.

Exit codes: 0 ok, 1 the data does not conform or some input failed, 2 usage or configuration
error. Every command lets a ``LodpubError`` go; the group prints it (without any password a URL
of the command line or of the environment carried) and exits with its code."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from click.decorators import FC

from .. import __version__
from ..errors import LodpubError
from ..publish.credentials import scrub
from ..publish.sparql import MAX_WAIT
from ..settings import DUMP_LAYOUTS, SHACL_ENGINES, TEXTS, Settings, load_settings

if TYPE_CHECKING:
    from ..build.result import Progress
    from ..validate import Issue

# Variables whose URLs may carry a password (see publish/sparql.py): never shown in a message.
URL_VARIABLES = ("LODPUB_SPARQL_ENDPOINT", "LODPUB_UPDATE_ENDPOINT", "LODPUB_GRAPH_STORE")


class Commands(click.Group):
    """lodpub's commands, with one handler for the errors they raise."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta["lodpub.argv"] = list(args)
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except LodpubError as error:
            given = [
                arg.partition("=")[2] if arg.startswith("--") else arg for arg in ctx.meta["lodpub.argv"]
            ]
            scrub(error, [*given, *(os.environ.get(name) for name in URL_VARIABLES)])
            click.echo(f"error: {error}", err=True)
            sys.exit(error.exit_code)


@click.group(cls=Commands)
@click.version_option(__version__, prog_name="lodpub")
def main() -> None:
    """Publish archival correspondence as CIDOC-CRM / Dublin Core Linked Data."""


def settings_of(
    config: Path | None,
    base_iri: str | None = None,
    engine: str | None = None,
    dumps: str | None = None,
    texts: str | None = None,
    **given: object,
) -> Settings:
    """The settings, with what the command line gave over the rest (``given``: other settings
    by name, None where the option was not given)."""
    overrides = {"base_iri": base_iri, "shacl_engine": engine, "dumps": dumps, "texts": texts, **given}
    return load_settings(config, overrides)


def progress(label: str, unit: str = "letters") -> Progress:
    """A progress callback printing to stderr at most ~20 times per run."""
    shown = {"last": -1}

    def report(done: int, total: int) -> None:
        step = max(1, total // 20)
        if done == total or done // step != shown["last"]:
            shown["last"] = done // step
            click.echo(f"{label}: {done}/{total} {unit}", err=True)

    return report


def warn(warnings: tuple[Issue, ...], shown: int = 20) -> None:
    """Warnings on stderr, at most ``shown`` of them and how many more there are."""
    for warning in warnings[:shown]:
        click.echo(f"warning: {warning}", err=True)
    if len(warnings) > shown:
        click.echo(
            f"warning: {len(warnings) - shown} more warning(s); `lodpub validate` lists them all", err=True
        )


config_option = click.option(
    "--config",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Settings file (default: ./lodpub.toml if present).",
)
base_option = click.option("--base-iri", default=None, help="Base IRI of every minted IRI.")


def _setting_option(
    flag: str, choices: tuple[str, ...], help_text: str, name: str | None = None
) -> Callable[[FC], FC]:
    """An option for a setting with a few values (None when not given: lodpub.toml decides)."""
    names = (flag, name) if name else (flag,)
    return click.option(*names, type=click.Choice(choices), default=None, help=help_text)


engine_option = _setting_option(
    "--shacl-engine",
    SHACL_ENGINES,
    "SHACL engine: turbo (pyshacl-turbo, default) or pyshacl (the reference; same issues, slower).",
    "engine",
)
dumps_option = _setting_option(
    "--dumps",
    DUMP_LAYOUTS,
    "whole: one dump file per format (default); parts: dumps in files of about 128 letters "
    "each, for large corpora: a rebuild after an edit rewrites only the parts it touches.",
)
texts_option = _setting_option(
    "--texts",
    TEXTS,
    "Which letters' texts to publish: all (default); open: not those under an In Copyright "
    "rights statement; none: the metadata only. A text left out keeps its rights statement.",
)
quiet_option = click.option("--quiet", is_flag=True, help="No progress on stderr.")


def out_option(**extra: Any) -> Callable[[FC], FC]:
    """``--out DIR`` (default ``dist``)."""
    return click.option(
        "--out", type=click.Path(path_type=Path), default=Path("dist"), show_default=True, **extra
    )


def tries_option(default: int, help_text: str) -> Callable[[FC], FC]:
    """``--tries N``: attempts per request."""
    return click.option(
        "--tries", type=click.IntRange(1, 20), default=default, show_default=True, help=help_text
    )


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
