"""The output of the last build, read back by a rebuild: its index, and the bytes of its parts
read when first needed and checked against the index."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
from pyoxigraph import Triple

from ..index import INDEX, INDEX_HEADER, IndexRow, index_lines
from ..parts import part_nquads

if TYPE_CHECKING:
    pass


class PreviousIndex:
    """graphs.tsv as read back. The letters' lines stay text (100,000 of them) and are parsed
    only when their letter or their part changes."""

    def __init__(self, out: Path, prefix: str, entities: str) -> None:
        self.letters: dict[str, str] = {}  # graph IRI -> its line
        self.by_file: dict[str, set[str]] = {}  # part file -> its letter graphs
        self.entities: dict[str, IndexRow] = {}  # part file -> the entities graph's span in it
        self.description: IndexRow | None = None
        try:
            for line in index_lines(out / INDEX):
                iri, _, _, file, _ = line.split("\t", 4)
                if iri.startswith(prefix):
                    self.letters[iri] = line
                    self.by_file.setdefault(file, set()).add(iri)
                elif iri == entities:
                    self.entities[file] = IndexRow.parse(line)
                else:
                    self.description = IndexRow.parse(line)
        except ValueError as error:
            raise Stale(f"{INDEX} is not one this build wrote ({error})") from None

    def pop(self, graph: str) -> IndexRow | None:
        """A letter graph's row, taken out of the index."""
        line = self.letters.pop(graph, None)
        if line is None:
            return None
        row = IndexRow.parse(line)
        self.by_file[row.file].discard(graph)
        return row

    def put(self, row: IndexRow) -> None:
        self.letters[row.iri] = row.line()
        self.by_file.setdefault(row.file, set()).add(row.iri)

    def row(self, graph: str) -> IndexRow:
        return IndexRow.parse(self.letters[graph])

    def text(self, count: int) -> str:
        """graphs.tsv: letter graphs in id order, the entities graph part by part, the
        description."""
        assert self.description is not None
        lines = [INDEX_HEADER, *(self.letters[g] for g in sorted(self.letters))]
        lines += (self.entities[part_nquads(p)].line() for p in range(count))
        lines.append(self.description.line())
        return "".join(lines)


class PreviousParts:
    """Old part files, read when first needed."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self._data: dict[str, bytes] = {}

    def slice(self, row: IndexRow) -> bytes:
        data = self._data.get(row.file)
        if data is None:
            try:
                data = self._data[row.file] = (self.out / row.file).read_bytes()
            except FileNotFoundError:
                raise Stale(f"{row.file}, which {INDEX} lists, is missing from the output") from None
        piece = data[row.offset : row.offset + row.size]
        if hashlib.sha256(piece).hexdigest() != row.sha256:
            raise Stale(f"{row.file} does not match {INDEX}")
        return piece

    def triples(self, row: IndexRow) -> list[Triple]:
        return [q.triple for q in ox.parse(self.slice(row), format=ox.RdfFormat.N_QUADS)]


class Stale(Exception):
    """The output or the state is not what the state says: make a full build instead (the
    message says why)."""
