"""`lodpub export`: the dataset in the correspondence community's formats."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click
from click.decorators import FC

from .app import config_option, main, settings_of


@main.group("export")
def export_group() -> None:
    """Write a built dataset as CMIF (for correspSearch), CSV (a row per letter), or a network of
    correspondents (GEXF for Gephi, GraphML)."""


def _dist_and_out(default: str) -> Callable[[FC], FC]:
    def decorate(func: FC) -> FC:
        func = click.option(
            "--out", type=click.Path(dir_okay=False, path_type=Path), default=Path(default), show_default=True
        )(func)
        func = click.argument("dist", type=click.Path(path_type=Path), default=Path("dist"))(func)
        return config_option(func)

    return decorate


@export_group.command("cmif")
@_dist_and_out("cmif.xml")
@click.option(
    "--cmif-version",
    type=click.Choice(["1", "2"]),
    default="1",
    show_default=True,
    help="2 adds the people and places each letter mentions (the CMIF v2 proposal's terms).",
)
def cmif_command(dist: Path, out: Path, config: Path | None, cmif_version: str) -> None:
    """One correspDesc per letter, in CMIF (TEI), as correspSearch harvests it."""
    from ..export import export_cmif

    count, warnings = export_cmif(dist, out, settings_of(config), int(cmif_version))
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"wrote {out}: {count} letters (CMIF {cmif_version})")


def _table_command(form: str, default: str, what: str) -> None:
    @export_group.command(form, help=what)
    @_dist_and_out(default)
    def command(dist: Path, out: Path, config: Path | None) -> None:
        from ..export import export_table

        count, warnings = export_table(dist, out, settings_of(config), form)
        for warning in warnings:
            click.echo(f"warning: {warning}", err=True)
        click.echo(f"wrote {out}: {count} letters ({form.upper() if form != 'graphml' else 'GraphML'})")


_table_command(
    "csv",
    "letters.csv",
    "One row per letter: date and its precision, title, senders, addressees and translators (with "
    "their IRIs, QIDs, names as marked, stated or inferred), place, language, holdings, web record, "
    'editions, rights; several values in a cell joined by " | ".',
)
_table_command(
    "gexf",
    "correspondents.gexf",
    "The network of correspondents for Gephi: people and groups as nodes, each letter a dated, "
    "directed edge from sender to addressee (a dynamic network: Gephi's timeline replays it).",
)
_table_command("graphml", "correspondents.graphml", "The network of correspondents as GraphML.")
