"""The output of the last build, read back by a rebuild: its index, and the bytes of its parts
read when first needed and checked against the index."""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox
from pyoxigraph import Triple

from ...write.dumps import Layout
from ...write.index import INDEX_HEADER, IndexRow, index_lines, read_range
from ...write.layout import INDEX, part_nquads


class PreviousIndex:
    """graphs.tsv as read back, each row made for its part (see ``dumps.Layout``). The letters'
    lines stay text (100,000 of them) and are parsed only when their letter or their part
    changes, or when the whole dumps' parts move."""

    def __init__(self, out: Path, prefix: str, entities: str, layout: Layout) -> None:
        self.layout = layout
        self.letters: dict[str, str] = {}  # graph IRI -> its line (as published, unless fresh)
        self.fresh: set[str] = set()  # letters whose line is made for its part
        self.by_file: dict[str, set[str]] = {}  # part file -> its letter graphs
        self.entities: dict[str, IndexRow] = {}  # part file -> the entities graph's span in it
        self.description: IndexRow | None = None
        try:
            for line in index_lines(out / INDEX):
                iri, _, _, file, offset, _ = line.split("\t", 5)
                if iri.startswith(prefix):
                    self.letters[iri] = line
                    self.by_file.setdefault(layout.part(file, int(offset)), set()).add(iri)
                elif iri == entities:  # one row per part, in part order
                    part = layout.names[len(self.entities)]
                    self.entities[part] = layout.within(IndexRow.parse(line), part)
                else:
                    self.description = layout.within(IndexRow.parse(line), layout.names[-1])
        except (ValueError, IndexError) as error:
            raise Stale(f"{INDEX} is not one this build wrote ({error})") from None

    def pop(self, graph: str) -> IndexRow | None:
        """A letter graph's row, taken out of the index."""
        if graph not in self.letters:
            return None
        row = self.row(graph)
        del self.letters[graph]
        self.fresh.discard(graph)
        self.by_file[row.file].discard(graph)
        return row

    def put(self, row: IndexRow) -> None:
        """A letter graph's row, made for its part."""
        self.letters[row.iri] = row.line()
        self.fresh.add(row.iri)
        self.by_file.setdefault(row.file, set()).add(row.iri)

    def row(self, graph: str) -> IndexRow:
        row = IndexRow.parse(self.letters[graph])
        return row if graph in self.fresh else self.layout.within(row)

    def text(self, count: int, layout: Layout) -> str:
        """graphs.tsv as ``layout`` publishes it: letter graphs in id order, the entities graph
        part by part, the description."""
        assert self.description is not None
        lines = [INDEX_HEADER]
        if layout.starts is None and self.layout.starts is None:  # parts: the lines stay
            lines += (self.letters[g] for g in sorted(self.letters))
        else:
            lines += (layout.published(self.row(g)).line() for g in sorted(self.letters))
        lines += (layout.published(self.entities[part_nquads(p)]).line() for p in range(count))
        lines.append(layout.published(self.description).line())
        return "".join(lines)


class PreviousParts:
    """The previous output's N-Quads, read a span at a time and checked against the index; each
    dump is opened once (a context manager: ``with`` closes them)."""

    def __init__(self, out: Path, layout: Layout) -> None:
        self.out, self.layout = out, layout
        self._open: dict[str, int] = {}  # published file -> its descriptor

    def __enter__(self) -> PreviousParts:
        return self

    def __exit__(self, *_: object) -> None:
        for fd in self._open.values():
            os.close(fd)
        self._open.clear()

    def _fd(self, name: str) -> int:
        if name not in self._open:
            try:
                self._open[name] = os.open(self.out / name, os.O_RDONLY)
            except FileNotFoundError:
                raise Stale(f"{name}, which {INDEX} lists, is missing from the output") from None
        return self._open[name]

    def slice(self, row: IndexRow) -> bytes:
        """The bytes of a row made for its part."""
        published = self.layout.published(row)
        piece = read_range(self._fd(published.file), published.offset, row.size, row.sha256)
        if piece is None:
            raise Stale(f"{published.file} does not match {INDEX}")
        return piece

    def triples(self, row: IndexRow) -> list[Triple]:
        return [q.triple for q in ox.parse(self.slice(row), format=ox.RdfFormat.N_QUADS)]


class Stale(Exception):
    """The output or the state is not what the state says: make a full build instead (the
    message says why)."""
