"""A built dist/ folder, read back for publishing: its graphs, its base IRI, its counts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path
from typing import cast

import pyoxigraph as ox
from pyoxigraph import NamedNode, Quad, Triple

from .. import vocab
from ..errors import ConfigError
from ..mapping.rdf import graph_of

REQUIRED = ("dataset.nq", "void.ttl")


@dataclass(frozen=True)
class Dist:
    """A dist/ folder written by ``lodpub build``."""

    folder: Path
    base_iri: str

    @classmethod
    def open(cls, folder: Path) -> Dist:
        """Check the folder is a complete build and read its base IRI from void.ttl."""
        if not folder.is_dir():
            raise ConfigError(f"{folder}: no such dataset folder", hint="run `lodpub build` first")
        missing = [name for name in REQUIRED if not (folder / name).is_file()]
        if missing:
            raise ConfigError(
                f"{folder}: not a complete lodpub build (missing {', '.join(missing)})",
                hint="rebuild it with `lodpub build CORPUS --out FOLDER`",
            )
        try:
            void = list(ox.parse(path=str(folder / "void.ttl"), format=ox.RdfFormat.TURTLE))
        except (OSError, SyntaxError, ValueError) as exc:
            raise ConfigError(f"{folder / 'void.ttl'}: cannot be read: {exc}") from exc
        spaces = [t.object.value for t in void if t.predicate.value == vocab.VOID + "uriSpace"]
        if len(spaces) != 1:
            raise ConfigError(f"{folder / 'void.ttl'}: expected one void:uriSpace (the base IRI)")
        return cls(folder=folder, base_iri=spaces[0])

    def graphs(self) -> Iterator[tuple[NamedNode, list[Triple]]]:
        """Each named graph of dataset.nq with its triples, in file order (streaming).

        Reading parses every quad, so a body that is sent was valid RDF here first.
        """
        try:
            quads = cast(
                Iterator[Quad], ox.parse(path=str(self.folder / "dataset.nq"), format=ox.RdfFormat.N_QUADS)
            )
            for graph, group in groupby(quads, key=graph_of):
                yield graph, [q.triple for q in group]
        except SyntaxError as exc:
            raise ConfigError(
                f"{self.folder / 'dataset.nq'}: not valid N-Quads: {exc}",
                hint="rebuild the folder; nothing was sent for the graphs after this point",
            ) from exc

    def counts(self) -> dict[str, int]:
        """Triples per named graph."""
        return {graph.value: len(triples) for graph, triples in self.graphs()}
