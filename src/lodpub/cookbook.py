"""The query cookbook: the questions historians ask, one SPARQL file each (queries/*.rq), whose
first comment line says what it answers."""

from __future__ import annotations

from pathlib import Path

from .errors import ConfigError
from .resources import data_path


def cookbook() -> dict[str, Path]:
    """The named queries: file stem -> path."""
    return {p.stem: p for p in sorted(data_path("queries").glob("*.rq"))}


def describe(path: Path) -> str:
    """The first comment line of a query: what it answers."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            return line.lstrip("# ").strip()
    return ""


def load_query(name_or_file: str) -> str:
    """A cookbook query by name, or a query file by path."""
    path = Path(name_or_file)
    if path.is_file():
        return path.read_text(encoding="utf-8")
    queries = cookbook()
    if name_or_file in queries:
        return queries[name_or_file].read_text(encoding="utf-8")
    raise ConfigError(
        f"{name_or_file}: no such query file or cookbook query",
        hint="cookbook queries: " + ", ".join(queries),
    )
