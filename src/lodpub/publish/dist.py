"""A built dist/ folder, read back for publishing: its graphs, its base IRI, its counts."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path
from typing import NamedTuple, cast

import pyoxigraph as ox
from pyoxigraph import NamedNode, Quad, Triple

from .. import vocab
from ..errors import ConfigError
from ..mapping.rdf import graph_of
from ..serialize import INDEX, INDEX_HEADER

REQUIRED = ("dataset.nq", "void.ttl", INDEX)


class GraphEntry(NamedTuple):
    """One line of the build's graph index: a named graph and where it lies in dataset.nq
    (a tuple: 100,000 of them are read for every push)."""

    iri: str
    triples: int
    sha256: str
    offset: int
    size: int


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

    def index(self) -> list[GraphEntry]:
        """Every named graph with its triple count, content hash and byte range, in file order,
        from the index the build wrote beside dataset.nq (no parsing of the dump)."""
        path = self.folder / INDEX
        entries = []
        number = 1
        try:
            with open(path, encoding="utf-8") as lines:
                if lines.readline() != INDEX_HEADER:
                    raise ValueError("expected the header " + INDEX_HEADER.strip().replace("\t", " "))
                for number, line in enumerate(lines, start=2):  # noqa: B007 - named in the error
                    iri, triples, digest, offset, size, _, _ = line.rstrip("\n").split("\t")
                    entries.append(GraphEntry(iri, int(triples), digest, int(offset), int(size)))
        except (OSError, ValueError) as exc:
            raise ConfigError(
                f"{path}:{number}: not a graph index written by lodpub build ({exc})",
                hint="rebuild the folder with `lodpub build`",
            ) from exc
        return entries

    def counts(self) -> dict[str, int]:
        """Triples per named graph (from the index)."""
        return {entry.iri: entry.triples for entry in self.index()}

    def check(self, entries: list[GraphEntry]) -> None:
        """The whole of dataset.nq has the bytes the index says (before a bulk load sends it
        unparsed), read in one pass."""
        with open(self.folder / "dataset.nq", "rb") as dump:
            for entry in entries:
                dump.seek(entry.offset)
                self._same(entry, dump.read(entry.size))
            if dump.read(1):
                raise ConfigError(f"{self.folder / 'dataset.nq'}: has bytes beyond those {INDEX} lists")

    def _same(self, entry: GraphEntry, data: bytes) -> None:
        if hashlib.sha256(data).hexdigest() != entry.sha256:
            raise ConfigError(
                f"{self.folder / 'dataset.nq'}: the bytes of <{entry.iri}> do not match {INDEX}",
                hint="the folder was changed after the build; rebuild it",
            )

    def read(self, entry: GraphEntry) -> list[Triple]:
        """One graph's triples, read from its byte range of dataset.nq and parsed, so a body
        that is sent was valid RDF here first; the bytes must still have the indexed hash."""
        with open(self.folder / "dataset.nq", "rb") as dump:
            dump.seek(entry.offset)
            data = dump.read(entry.size)
        self._same(entry, data)
        try:
            found = list(ox.parse(data, format=ox.RdfFormat.N_QUADS))
        except SyntaxError as exc:
            raise ConfigError(
                f"{self.folder / 'dataset.nq'}: <{entry.iri}> is not valid N-Quads: {exc}"
            ) from exc
        if any(q.graph_name != NamedNode(entry.iri) for q in found) or len(found) != entry.triples:
            raise ConfigError(f"{self.folder / 'dataset.nq'}: <{entry.iri}> does not match {INDEX}")
        return [q.triple for q in found]
