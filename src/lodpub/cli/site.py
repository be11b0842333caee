"""`lodpub site`: the research site as static files, with its nginx and Apache configuration."""

from __future__ import annotations

from pathlib import Path

import click

from .app import config_option, main, progress, quiet_option, settings_of


@main.command("site")
@click.argument("dist", type=click.Path(path_type=Path), default=Path("dist"))
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), default=Path("site"), show_default=True
)
@click.option(
    "--store",
    "store_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The dataset's persistent store (default: the store setting, else .DIST-store beside it).",
)
@quiet_option
@config_option
def site_command(dist: Path, out: Path, store_dir: Path | None, quiet: bool, config: Path | None) -> None:
    """Write the pages of DIST, each resource's RDF, the dumps and the nginx and Apache httpd
    configuration into --out; a second run writes only what changed."""
    from ..publish.dist import Dist
    from ..site.static import write_site

    Dist.open(dist)
    settings = settings_of(config, store=store_dir and str(store_dir))
    done = write_site(dist, out, settings, None if quiet else progress("site", "resources"))
    how = "in full" if done.full else "what changed"
    click.echo(
        f"wrote {out} ({how}): {done.written} file(s) written, {done.kept} unchanged, "
        f"{done.removed} removed; configuration for nginx ({out / 'nginx.conf'}) and Apache httpd "
        f"({out / 'apache.conf'})"
    )
