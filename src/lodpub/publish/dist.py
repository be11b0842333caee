"""A built dist/ folder, read back for publishing: its graphs, its base IRI, its counts."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path
from typing import NamedTuple

import pyoxigraph as ox
from pyoxigraph import NamedNode, Triple

from .. import vocab
from ..errors import ConfigError
from ..write.index import IndexRow, index_lines, read_range
from ..write.layout import CONTEXT, FORMATS, INDEX, MEDIA_TYPES, VOID, WHOLE

REQUIRED = ("void.ttl", INDEX)


class Span(NamedTuple):
    """Where (part of) a graph lies: an N-Quads file of the build, a byte range, its triples and
    the sha256 of those bytes."""

    file: str
    offset: int
    size: int
    triples: int
    sha256: str


class GraphEntry(NamedTuple):
    """A named graph of the build's index and where it lies in the N-Quads dumps (a tuple:
    100,000 of them are read for every push). Most graphs lie in one span; with dumps in parts
    the entities graph lies in one span per part, and its hash is that of the spans' hashes."""

    iri: str
    triples: int
    sha256: str
    spans: tuple[Span, ...]

    @property
    def offset(self) -> int:
        return self.spans[0].offset

    @property
    def size(self) -> int:
        return sum(span.size for span in self.spans)


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

    def nquads_files(self, entries: list[GraphEntry] | None = None) -> list[Path]:
        """The N-Quads files that together hold the dataset, in index order (dataset.nq, or the
        parts)."""
        seen: dict[str, None] = {}
        for entry in entries if entries is not None else self.index():
            for span in entry.spans:
                seen.setdefault(span.file, None)
        return [self.folder / name for name in seen]

    def graphs(self) -> Iterator[tuple[NamedNode, list[Triple]]]:
        """Each named graph with its triples, in index order (letters in id order), each read
        from its byte ranges and parsed, so a body that is sent was valid RDF here first."""
        for entry in self.index():
            yield NamedNode(entry.iri), self.read(entry)

    def index(self) -> list[GraphEntry]:
        """Every named graph with its triple count, content hash and byte ranges, in index order,
        from the index the build wrote beside the dumps (no parsing of the dumps)."""
        entries = read_entries(self.folder / INDEX)
        files = {span.file for entry in entries for span in entry.spans}
        missing = [name for name in sorted(files) if not (self.folder / name).is_file()]
        if missing:
            raise ConfigError(
                f"{self.folder}: not a complete lodpub build (missing {', '.join(missing)})",
                hint="rebuild it with `lodpub build CORPUS --out FOLDER`",
            )
        return entries

    def counts(self) -> dict[str, int]:
        """Triples per named graph (from the index)."""
        return {entry.iri: entry.triples for entry in self.index()}

    def check(self, entries: list[GraphEntry]) -> None:
        """Every N-Quads dump has the bytes the index says (before a bulk load sends them
        unparsed), each read in one pass."""
        spans = sorted(((s.file, s.offset, s, e.iri) for e in entries for s in e.spans), key=lambda x: x[:2])
        for file, group in groupby(spans, key=lambda x: x[0]):
            fd = os.open(self.folder / file, os.O_RDONLY)
            try:
                end = 0
                for _, offset, span, iri in group:
                    self._checked(fd, span, iri)
                    end = offset + span.size
                if os.fstat(fd).st_size > end:
                    raise ConfigError(f"{self.folder / file}: has bytes beyond those {INDEX} lists")
            finally:
                os.close(fd)

    def _checked(self, fd: int, span: Span, iri: str) -> bytes:
        """The bytes of ``span`` in the open dump ``fd``, which must still have the indexed hash."""
        data = read_range(fd, span.offset, span.size, span.sha256)
        if data is None:
            raise ConfigError(
                f"{self.folder / span.file}: the bytes of <{iri}> do not match {INDEX}",
                hint="the folder was changed after the build; rebuild it",
            )
        return data

    def read(self, entry: GraphEntry) -> list[Triple]:
        """One graph's triples, read from its byte ranges and parsed, so a body that is sent was
        valid RDF here first; the bytes must still have the indexed hash."""
        return [t for span in entry.spans for t in self.read_span(entry.iri, span)]

    def read_span(self, iri: str, span: Span) -> list[Triple]:
        """The triples of one byte range of graph ``iri`` (checked as ``read`` checks)."""
        path = self.folder / span.file
        fd = os.open(path, os.O_RDONLY)
        try:
            data = self._checked(fd, span, iri)
        finally:
            os.close(fd)
        try:
            found = list(ox.parse(data, format=ox.RdfFormat.N_QUADS))
        except SyntaxError as exc:
            raise ConfigError(f"{path}: <{iri}> is not valid N-Quads: {exc}") from exc
        if any(q.graph_name != NamedNode(iri) for q in found) or len(found) != span.triples:
            raise ConfigError(f"{path}: <{iri}> does not match {INDEX}")
        return [q.triple for q in found]


def read_entries(path: Path) -> list[GraphEntry]:
    """The graphs a graph index (graphs.tsv) lists, in its order: a graph in several parts (the
    entities graph) is one entry with a span per part, and a hash of the parts' hashes."""
    return entries_of(path, index_lines(path))


def entries_of(path: Path, lines: Iterable[str], first: int = 2) -> list[GraphEntry]:
    """The graphs that ``lines`` of the index ``path`` list (those of one graph together, in
    order; ``first`` is the number of the first line, for the error)."""
    entries: list[GraphEntry] = []
    number = first
    try:
        for number, line in enumerate(lines, start=first):  # noqa: B007 - named in the error
            row = IndexRow.parse(line)
            iri = row.iri
            span = Span(row.file, row.offset, row.size, row.triples, row.sha256)
            if entries and entries[-1].iri == iri:
                spans = (*entries[-1].spans, span)
                joined = hashlib.sha256("\n".join(s.sha256 for s in spans).encode()).hexdigest()
                entries[-1] = GraphEntry(iri, entries[-1].triples + span.triples, joined, spans)
            else:
                entries.append(GraphEntry(iri, span.triples, row.sha256, (span,)))
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"{path}:{number}: not a graph index written by lodpub build ({exc})",
            hint="rebuild the folder with `lodpub build`",
        ) from exc
    return entries


def dump_file(path: str) -> str | None:
    """The dist file a dump URL names: /dump/dataset.nq (and the other whole dumps), void.ttl
    and context.jsonld; /dump/parts/NNNN.FORM; /dumps/NAME.nq.gz (gzip chunks and parts)."""
    if path.startswith("/dump/"):
        name = path[len("/dump/") :]
        if name in (*WHOLE.values(), VOID, CONTEXT):
            return name
        stem, _, form = name.removeprefix("parts/").rpartition(".")
        if name.startswith("parts/") and form in FORMATS and (stem == "dataset" or _digits(stem, 4)):
            return name
        return None
    if path.startswith("/dumps/") and path.endswith(".nq.gz"):
        stem = path[len("/dumps/") : -len(".nq.gz")]
        if stem == "dataset" or _digits(stem, 4) or (stem.startswith("dataset-") and _digits(stem[8:], 5)):
            return path[1:]
    return None


def _digits(text: str, count: int) -> bool:
    return len(text) == count and text.isascii() and text.isdigit()


def dump_type(name: str) -> str:
    if name.endswith(".gz"):
        return "application/gzip"
    return MEDIA_TYPES[name.rpartition(".")[2]] + "; charset=utf-8"
