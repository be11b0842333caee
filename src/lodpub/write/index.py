"""graphs.tsv, the build's index of its named graphs: one reader and one writer.

Each line says where a named graph lies in the N-Quads dumps: its IRI, its triples, the sha256
of its bytes, the file (``dataset.nq``, or ``parts/NNNN.nq``) and the byte range in it, and the
sha256 of a letter graph's own files (``letters/<id>.ttl`` and ``.jsonld``; ``-`` for the
others). With dumps in parts the entities graph has one line per part (its triples are split by
subject). Push, the incremental rebuild and the reuse of a previous output's letter files read
it through ``read_index``."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

INDEX_HEADER = "graph\ttriples\tsha256\tfile\toffset\tbytes\tturtle_sha256\tjsonld_sha256\n"
DUMP_FILE = re.compile(r"(dataset|parts/([0-9]{4,}|dataset))\.nq")  # where a graph lies: inside dist/
NO_FILES = ("-", "-")  # a graph without files of its own (the entities and dataset graphs)


class IndexRow(NamedTuple):
    """One line of graphs.tsv."""

    iri: str
    triples: int
    sha256: str
    file: str
    offset: int
    size: int
    files: tuple[str, str] = NO_FILES

    def line(self) -> str:
        """The row as written (with its line end)."""
        fields = (self.iri, str(self.triples), self.sha256, self.file, str(self.offset), str(self.size))
        return "\t".join((*fields, *self.files)) + "\n"

    @classmethod
    def parse(cls, line: str) -> IndexRow:
        """A written row back (``ValueError`` for a line that is not one)."""
        iri, triples, digest, file, offset, size, turtle, jsonld = line.rstrip("\n").split("\t")
        if not DUMP_FILE.fullmatch(file):
            raise ValueError(f"{file!r} is not an N-Quads dump of a build")
        return cls(iri, int(triples), digest, file, int(offset), int(size), (turtle, jsonld))


def index_lines(path: Path) -> Iterator[str]:
    """The rows of an index as text, after its header (``ValueError`` for another header;
    ``OSError`` when it cannot be read). Text first: a rebuild parses only the rows it needs."""
    with open(path, encoding="utf-8") as lines:
        if lines.readline() != INDEX_HEADER:
            raise ValueError("expected the header " + INDEX_HEADER.strip().replace("\t", " "))
        yield from lines


def read_index(path: Path) -> Iterator[IndexRow]:
    """Every row of an index (``ValueError`` for a line that is not a row)."""
    for line in index_lines(path):
        yield IndexRow.parse(line)


class IndexWriter:
    """graphs.tsv being written, row by row."""

    def __init__(self, path: Path) -> None:
        self._file = open(path, "w", encoding="utf-8", newline="\n")  # noqa: SIM115 - closed in close()
        self._file.write(INDEX_HEADER)

    def add(self, row: IndexRow) -> None:
        self._file.write(row.line())

    def close(self) -> None:
        self._file.close()


def read_range(fd: int, offset: int, size: int, sha256: str) -> bytes | None:
    """The bytes a row of the index points at, read from the open dump ``fd``; None when they
    are not those the index recorded (the dump was changed since)."""
    data = os.pread(fd, size, offset)
    if len(data) != size or hashlib.sha256(data).hexdigest() != sha256:
        return None
    return data
