"""The dumps, written part by part: the one writer of every build, full or incremental.

Each part of the dataset (see parts.py) is derived from its N-Quads into every form once
(``derive_part``). Then either each part gets files of its own (``PartFiles``, ``dumps =
"parts"``), or the parts' bytes are joined, in part order, into whole-file dumps
(``WholeFiles``, the default):

    dataset.nq, dataset.nt      the parts' bytes as they are
    dataset.ttl, dataset.trig   the parts' bytes, each part with its own @prefix directives
                                (Turtle allows them anywhere between statements)
    dataset.jsonld              one document whose @graph array holds every part's graph objects
    dumps/dataset-NNNNN.nq.gz   the gzip members of consecutive parts (a gzip file may hold
                                several), at most ``CHUNK_BYTES`` of N-Quads each (a larger part
                                alone): the form bulk loaders take

A full build puts every part; a rebuild puts the parts that changed and keeps the others,
whose bytes ``WholeFiles`` copies from the previous whole files (by the ``Table`` of where each
part lies in them), so that both give the same bytes and a rebuild costs about a file copy."""

from __future__ import annotations

import gzip
import os
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import pyoxigraph as ox
from pyoxigraph import Quad

from .index import IndexRow
from .jsonld import DOCUMENT_TAIL, Context, dataset_document, document_head, graph_objects
from .layout import (
    DESCRIPTION,
    FORMATS,
    WHOLE,
    WHOLE_DUMPS,
    all_parts,
    chunk_name,
    part_files,
    part_name,
    part_nquads,
)
from .rdf import PrefixTracker

CHUNK_BYTES = 64 * 1024 * 1024  # uncompressed N-Quads per gzip chunk of the whole dumps

# Where each part lies in the whole files: per form, and for "gz", one entry per part in part
# order (the description last): [offset, bytes] in dataset.<form>; [chunk, offset, bytes] in
# dumps/dataset-<chunk>.nq.gz (chunk 0: a part without N-Quads, in no chunk).
Table = dict[str, list[list[int]]]


def derive_part(data: bytes, context: Context) -> dict[str, bytes]:
    """A part in every form from its N-Quads: ``nq``, ``trig``, ``ttl``, ``nt``, ``jsonld`` (its
    graph objects, a fragment of a document: see ``jsonld.graph_objects``) and ``gz`` (its
    N-Quads as one reproducible gzip member: no time stamp, no file name; level 6, half the
    time of level 9 on this data for files a few percent larger). Turtle and TriG declare only
    the prefixes the part uses."""
    found = cast(list[Quad], list(ox.parse(data, format=ox.RdfFormat.N_QUADS)))
    triples = [q.triple for q in found]
    tracker = PrefixTracker()
    tracker.see(triples)
    prefixes = tracker.prefixes()

    def serialize(items: list[Quad] | list[ox.Triple], form: ox.RdfFormat) -> bytes:
        if not items:
            return b""
        return cast(bytes, ox.serialize(items, format=form, prefixes=prefixes))

    return {
        "nq": data,
        "trig": serialize(found, ox.RdfFormat.TRIG),
        "ttl": serialize(triples, ox.RdfFormat.TURTLE),
        "nt": serialize(triples, ox.RdfFormat.N_TRIPLES),
        "jsonld": graph_objects(context, found).encode("utf-8"),
        "gz": gzip.compress(data, compresslevel=6, mtime=0) if data else b"",
    }


def write_part(sink: PartFiles | WholeFiles, data: bytes, context: Context) -> None:
    """Derive the next part from its N-Quads and put it in ``sink``."""
    sink.put(derive_part(data, context))


@dataclass
class Written:
    """What a sink wrote: the files (relative to its folder), the bytes of each whole dump
    (none with parts), and the gzip files it wrote with their bytes."""

    files: list[str]
    sizes: dict[str, int]
    chunks: dict[str, int]
    table: Table | None


class PartFiles:
    """``dumps = "parts"``: each part put gets its own files (parts/NNNN.*, dumps/NNNN.nq.gz);
    a part kept keeps the files it has."""

    def __init__(self, folder: Path, context: Context, count: int) -> None:
        self.folder, self.context = folder, context
        self.order: list[int | str] = [*range(count), DESCRIPTION]
        self.position = 0
        self.written: list[str] = []
        self.chunks: dict[str, int] = {}
        (folder / "parts").mkdir(exist_ok=True)
        (folder / "dumps").mkdir(exist_ok=True)

    def put(self, forms: dict[str, bytes]) -> None:
        """The next part, in every form."""
        self.write(self.order[self.position], forms)
        self.position += 1

    def write(self, part: int | str, forms: dict[str, bytes]) -> None:
        """The files of one part (any part: worker processes write theirs out of order)."""
        names = part_files(part)  # FORMATS' files, then the gzip file
        for form, name in zip(FORMATS, names, strict=False):
            data = forms[form]
            if form == "jsonld":
                data = dataset_document(self.context, [data.decode("utf-8")]).encode("utf-8")
            (self.folder / name).write_bytes(data)
        (self.folder / names[-1]).write_bytes(forms["gz"] or gzip.compress(b"", compresslevel=6, mtime=0))
        self.written += names
        self.chunks[names[-1]] = (self.folder / names[-1]).stat().st_size

    def keep(self) -> None:
        """The next part, unchanged."""
        self.position += 1

    def finish(self) -> Written:
        return Written(self.written, {}, self.chunks, None)


class WholeFiles:
    """The whole-file dumps, joined from the parts as they are put (or kept) in part order."""

    def __init__(
        self,
        folder: Path,
        context: Context,
        previous: tuple[Path, Table] | None = None,
        chunk_bytes: int = CHUNK_BYTES,
    ) -> None:
        """``previous``: the output folder a rebuild updates, and its table (the source of the
        parts kept)."""
        self.folder, self.limit = folder, chunk_bytes
        self.previous = previous
        (folder / "dumps").mkdir(exist_ok=True)
        self.outs = {form: _Out(folder / name) for form, name in WHOLE.items()}
        self.outs["jsonld"].write(document_head(context).encode("utf-8"))
        self.table: Table = {form: [] for form in [*FORMATS, "gz"]}
        self.fragments = 0  # JSON-LD fragments written: the first comes without a comma
        self.chunk: _Out | None = None
        self.chunk_number = self.chunk_size = 0  # the chunk being written, its N-Quads' bytes
        self.chunks: dict[str, int] = {}
        self._sources: dict[str, int] = {}  # the previous files, opened when first copied from

    def put(self, forms: dict[str, bytes]) -> None:
        """The next part, in every form."""
        for form in FORMATS:
            self._slot(form, len(forms[form])).write(forms[form])
        chunk = self._chunk_for(len(forms["nq"]), len(forms["gz"]))
        if chunk is not None:
            chunk.write(forms["gz"])

    def keep(self) -> None:
        """The next part as the previous output has it (its bytes copied, not derived)."""
        assert self.previous is not None, "only a rebuild keeps parts"
        table = self.previous[1]
        position = len(self.table["nq"])
        for form in FORMATS:
            offset, size = table[form][position]
            self._slot(form, size).copy(self._source(WHOLE[form]), offset, size)
        number, offset, size = table["gz"][position]
        chunk = self._chunk_for(table["nq"][position][1], size)
        if chunk is not None:
            chunk.copy(self._source(chunk_name(number)), offset, size)

    def _slot(self, form: str, size: int) -> _Out:
        """The file of ``form``, ready for the next part's ``size`` bytes (recorded)."""
        out = self.outs[form]
        if form == "jsonld" and size:
            out.write(b"\n" if self.fragments == 0 else b",\n")
            self.fragments += 1
        self.table[form].append([out.size, size])
        return out

    def _chunk_for(self, nq_size: int, size: int) -> _Out | None:
        """The gzip chunk for the next part's member of ``size`` bytes (recorded): the chunk
        being written, or the next one when the part's N-Quads would take it over the limit;
        none for a part without N-Quads."""
        if not nq_size:
            self.table["gz"].append([0, 0, 0])
            return None
        if self.chunk is None or (self.chunk_size and self.chunk_size + nq_size > self.limit):
            self._end_chunk()
            self.chunk_number += 1
            self.chunk = _Out(self.folder / chunk_name(self.chunk_number))
        self.table["gz"].append([self.chunk_number, self.chunk.size, size])
        self.chunk_size += nq_size
        return self.chunk

    def _end_chunk(self) -> None:
        if self.chunk is not None:
            self.chunk.close()
            self.chunks[chunk_name(self.chunk_number)] = self.chunk.size
        self.chunk, self.chunk_size = None, 0

    def _source(self, name: str) -> int:
        assert self.previous is not None
        if name not in self._sources:
            self._sources[name] = os.open(self.previous[0] / name, os.O_RDONLY)
        return self._sources[name]

    def finish(self) -> Written:
        """End every file; what was written."""
        self.outs["jsonld"].write(DOCUMENT_TAIL.encode("utf-8"))
        self._end_chunk()
        self.close()
        sizes = {WHOLE[form]: out.size for form, out in self.outs.items()}
        return Written([*WHOLE_DUMPS, *self.chunks], sizes, dict(self.chunks), self.table)

    def close(self) -> None:
        """Release every file (after a failure too)."""
        for out in [*self.outs.values(), *([self.chunk] if self.chunk else [])]:
            out.close()
        for fd in self._sources.values():
            os.close(fd)
        self._sources.clear()


class _Out:
    """A file being written from bytes and from ranges of other files. Adjacent ranges of one
    file are copied in one go, by the kernel (``copy_file_range``) where it can."""

    def __init__(self, path: Path) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        self.size = 0
        self._pending: tuple[int, int, int] | None = None  # source, offset, bytes
        self._closed = False

    def write(self, data: bytes) -> None:
        self._flush()
        view = memoryview(data)
        while view:
            view = view[os.write(self.fd, view) :]
        self.size += len(data)

    def copy(self, source: int, offset: int, size: int) -> None:
        if not size:
            return
        pending = self._pending
        if pending is not None and pending[0] == source and pending[1] + pending[2] == offset:
            self._pending = (source, pending[1], pending[2] + size)
        else:
            self._flush()
            self._pending = (source, offset, size)
        self.size += size

    def _flush(self) -> None:
        if self._pending is None:
            return
        source, offset, size = self._pending
        self._pending = None
        while size:
            try:
                done = os.copy_file_range(source, self.fd, size, offset)
            except OSError:  # a file system that cannot: read and write
                data = os.pread(source, min(size, 8 * 1024 * 1024), offset)
                done = len(data)
                view = memoryview(data)
                while view:
                    view = view[os.write(self.fd, view) :]
            if not done:
                raise OSError(f"a previous dump ended before byte {offset} (it was changed since)")
            offset, size = offset + done, size - done

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            try:
                self._flush()
            finally:
                os.close(self.fd)


class Layout:
    """Where graphs.tsv's rows point. A row is made for its part (file ``parts/NNNN.nq``, offset
    in the part); in the whole dumps it points into dataset.nq, where each part starts at
    ``starts[position]`` (parts in order, the description last)."""

    def __init__(self, count: int, starts: list[int] | None) -> None:
        self.count, self.starts = count, starts
        self.names = [part_nquads(p) for p in [*range(count), DESCRIPTION]]
        self.positions = {name: position for position, name in enumerate(self.names)}

    @classmethod
    def of(cls, count: int, table: Table | None) -> Layout:
        """The layout of the whole dumps ``table`` describes, or of parts (None)."""
        return cls(count, None if table is None else [offset for offset, _ in table["nq"]])

    def published(self, row: IndexRow) -> IndexRow:
        """A part's row as graphs.tsv gives it."""
        if self.starts is None:
            return row
        start = self.starts[self.positions[row.file]]
        return row._replace(file=WHOLE["nq"], offset=start + row.offset)

    def part(self, file: str, offset: int) -> str:
        """The part file of a published row (by its file and offset)."""
        if self.starts is None:
            return file
        return self.names[bisect_right(self.starts, offset) - 1]

    def within(self, row: IndexRow, part: str | None = None) -> IndexRow:
        """A published row made for its part again (``part``: for rows that may be empty)."""
        if self.starts is None:
            return row
        name = part or self.part(row.file, row.offset)
        return row._replace(file=name, offset=row.offset - self.starts[self.positions[name]])


def dump_files(count: int, table: Table | None) -> list[str]:
    """The dump files of an output: every part's files, or the whole dumps and their chunks."""
    if table is None:
        return [name for part in [*range(count), DESCRIPTION] for name in part_files(part)]
    chunks = sorted({chunk for chunk, _, size in table["gz"] if size})
    return [*WHOLE_DUMPS, *(chunk_name(c) for c in chunks)]


def part_sizes(folder: Path, count: int) -> dict[str, int]:
    """Bytes of the parts' files (dumps in parts), per kind of file (``parts/*.nq``, …), for
    the build's report."""
    out: dict[str, int] = {}
    for part in all_parts(count):
        for name in part_files(part):
            pattern = name.replace(part_name(part), "*", 1)
            out[pattern] = out.get(pattern, 0) + (folder / name).stat().st_size
    return out


def dump_sizes(folder: Path, count: int, table: Table | None) -> dict[str, int]:
    """Bytes of an output's dumps as the build reports them: each whole dump, or the parts'
    files per kind (``table``: the whole dumps' table, None for parts)."""
    if table is None:
        return part_sizes(folder, count)
    return {name: (folder / name).stat().st_size for name in WHOLE_DUMPS}


def named_before(count: int, whole: bool) -> tuple[tuple[str, ...], dict[str, int | None]]:
    """The dump files the dataset description names before the dumps are written (it is a part
    of them): the whole dumps, or every part's gzip file (their sizes known once written); the
    whole dumps' gzip chunks follow the parts' sizes, so void.ttl alone names them."""
    if whole:
        return WHOLE_DUMPS, {}
    return (), dict.fromkeys(part_files(part)[-1] for part in all_parts(count))
