"""The command line: read options, call the library, print (``app``: the group, its error
handler and the shared options; a module per family of commands)."""

from . import build, export, link, site, store
from .app import main

__all__ = ["build", "export", "link", "main", "site", "store"]
