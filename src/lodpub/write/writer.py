"""The dist/ writer of a full build: letter graphs as they stream in (in id order), each to its
part with its own files; the entities graph split over the parts; the dataset description;
then every part derived into every form (by worker processes) and written by the one sink of
its layout (dumps.py), as a rebuild writes the parts it changes."""

from __future__ import annotations

import hashlib
import multiprocessing
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from pyoxigraph import NamedNode, Triple

from .dumps import CHUNK_BYTES, Layout, PartFiles, Table, WholeFiles, derive_part, part_sizes
from .index import IndexRow, IndexWriter
from .jsonld import Context
from .layout import DESCRIPTION, INDEX, part_nquads, part_of
from .letters import LetterFiles
from .rdf import PrefixTracker, nquads, segments

_FLUSH = 128 * 1024  # bytes of N-Quads kept per part before they are appended to its file


class DumpWriter:
    """Writes a dist/ folder as letters stream in (in id order); ``finish`` derives the dumps,
    whole files (``whole``) or in parts."""

    def __init__(
        self,
        folder: Path,
        context: Context,
        previous: Path | None,
        count: int,
        jobs: int = 1,
        whole: bool = True,
    ) -> None:
        """``previous``: an earlier output whose letter files may be linked; ``count``: the
        number of parts; ``jobs``: processes that derive the parts."""
        self.folder, self.context, self.count, self.jobs, self.whole = folder, context, count, jobs, whole
        self.files = LetterFiles(folder, context, previous)
        self.table: Table | None = None  # where the parts lie in the whole dumps, once written
        (folder / "parts").mkdir()  # each part's N-Quads, gathered here (the parts' own files)
        self._pending: dict[int, list[bytes]] = {part: [] for part in range(count)}
        self._pending_bytes = dict.fromkeys(range(count), 0)
        self._offsets = dict.fromkeys(range(count), 0)
        for part in range(count):
            (folder / part_nquads(part)).write_bytes(b"")
        self._rows: list[IndexRow] = []  # graphs.tsv, each row made for its part
        self._description = b""

    @property
    def reused(self) -> int:
        """Letters whose own files were linked from the previous output."""
        return self.files.reused

    def _append(self, part: int, data: bytes) -> int:
        """Add bytes to a part; their offset in it."""
        offset = self._offsets[part]
        self._pending[part].append(data)
        self._offsets[part] += len(data)
        self._pending_bytes[part] += len(data)
        if self._pending_bytes[part] > _FLUSH:
            self._flush(part)
        return offset

    def _flush(self, part: int) -> None:
        with open(self.folder / part_nquads(part), "ab") as out:
            out.writelines(self._pending[part])
        self._pending[part], self._pending_bytes[part] = [], 0

    def add_letter(self, letter_id: str, graph: NamedNode, triples: list[Triple]) -> None:
        """A letter graph goes to its part, with its own files."""
        data = nquads(graph, triples)
        digest = hashlib.sha256(data).hexdigest()
        tracker = PrefixTracker()
        tracker.see(triples)
        files = self.files.write(letter_id, graph, digest, triples, tracker)
        part = part_of(graph.value, self.count)
        offset = self._append(part, data)
        self._rows.append(
            IndexRow(graph.value, len(triples), digest, part_nquads(part), offset, len(data), files)
        )

    def add_entities(self, graph: NamedNode, triples: list[Triple]) -> list[list[Triple]]:
        """The entities graph, split by subject into every part (after the part's letters); the
        segments, in part order."""
        out = []
        for part, segment in segments(triples, self.count).items():
            data = nquads(graph, segment)
            offset = self._append(part, data)
            digest = hashlib.sha256(data).hexdigest()
            self._rows.append(
                IndexRow(graph.value, len(segment), digest, part_nquads(part), offset, len(data))
            )
            out.append(segment)
        return out

    def add_graph(self, graph: NamedNode, triples: list[Triple]) -> None:
        """The dataset description, in its own part (the last)."""
        data = nquads(graph, triples)
        digest = hashlib.sha256(data).hexdigest()
        self._rows.append(IndexRow(graph.value, len(triples), digest, part_nquads(DESCRIPTION), 0, len(data)))
        self._description = data

    def finish(self, chunk_bytes: int = CHUNK_BYTES) -> tuple[dict[str, int], dict[str, int]]:
        """Derive every part and write the dumps and graphs.tsv; the bytes of each dump (per
        kind of part file, with parts) and of each gzip file."""
        for part in range(self.count):
            self._flush(part)
        (self.folder / part_nquads(DESCRIPTION)).write_bytes(self._description)
        if self.whole:
            sink = WholeFiles(self.folder, self.context, chunk_bytes=chunk_bytes)
            try:
                order = [*range(self.count), DESCRIPTION]
                for part, forms in zip(order, self._derived(_derived_forms), strict=True):
                    forms["nq"] = (self.folder / part_nquads(part)).read_bytes()  # not sent back
                    sink.put(forms)
                written = sink.finish()
            except BaseException:
                sink.close()
                raise
            self.table = written.table
            shutil.rmtree(self.folder / "parts")
            dump_sizes, chunks = written.sizes, written.chunks
        else:
            chunks = {}
            for found in self._derived(_files):
                chunks.update(found)
            dump_sizes = part_sizes(self.folder, self.count)
        layout = Layout.of(self.count, self.table)
        index = IndexWriter(self.folder / INDEX)
        try:
            for row in self._rows:
                index.add(layout.published(row))
        finally:
            index.close()
        return dump_sizes, chunks

    def _derived(self, work: Callable[[_Job], _T]) -> Iterator[_T]:
        """``work`` done for every part, in part order (by worker processes, with jobs)."""
        jobs = [(self.folder, part, self.context, self.count) for part in [*range(self.count), DESCRIPTION]]
        if self.jobs > 1 and self.count > 1:
            with multiprocessing.get_context("spawn").Pool(self.jobs) as pool:
                yield from pool.imap(work, jobs)
        else:
            yield from map(work, jobs)


_Job = tuple[Path, int | str, Context, int]  # the folder, a part, the context, the number of parts
_T = TypeVar("_T")


def _forms(job: _Job) -> dict[str, bytes]:
    """One part in every form, from its N-Quads file (in a worker process)."""
    folder, part, context, _ = job
    return derive_part((folder / part_nquads(part)).read_bytes(), context)


def _derived_forms(job: _Job) -> dict[str, bytes]:
    """One part's forms but its N-Quads, which the writer has (in a worker process)."""
    forms = _forms(job)
    del forms["nq"]
    return forms


def _files(job: _Job) -> dict[str, int]:
    """One part's own files, written from its N-Quads file (in a worker process); the size of
    its gzip file."""
    folder, part, context, count = job
    files = PartFiles(folder, context, count)
    files.write(part, _forms(job))
    return files.chunks
