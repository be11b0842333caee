"""Where lodpub's data files are: in the installed package, or in the source tree."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).parent


def data_path(name: str) -> Path:
    """``shapes`` or ``ontology.ttl``: shipped in the wheel under lodpub/data/, and at the top
    of the source tree in a development checkout."""
    for candidate in (_PACKAGE / "data" / name, _PACKAGE.parent.parent / name):
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"lodpub data file {name!r} is missing from the installation")
