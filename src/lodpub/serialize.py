"""Writers for every output format. The N-Quads dump is written as letters stream in; the other
dumps are derived from it by pyoxigraph, so they can never disagree with it."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import multiprocessing
import os
import re
import shutil
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import BinaryIO, cast

import pyoxigraph as ox
from pyoxigraph import Literal, NamedNode, Quad, Triple

from . import vocab
from .index import INDEX, NO_FILES, IndexRow, IndexWriter, read_index
from .jsonld import Context, write_dataset, write_graph
from .mapping.rdf import object_of, subject_of

WHOLE_DUMPS = ("dataset.nq", "dataset.trig", "dataset.ttl", "dataset.nt", "dataset.jsonld")

# Datatypes Turtle writes without naming them (plain strings, numbers, booleans).
_IMPLICIT = {vocab.XSD + name for name in ("string", "integer", "decimal", "double", "boolean")} | {
    vocab.RDF + "langString"
}
_SAFE_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")
_BY_NAMESPACE = {namespace: prefix for prefix, namespace in vocab.PREFIXES.items()}


class PrefixTracker:
    """Collects the prefixes a Turtle/TriG writer will actually use, so only those are declared."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def see(self, triples: Iterable[Triple]) -> None:
        """Note the namespaces of every term that will be written in prefixed form (each
        distinct IRI looked at once)."""
        iris: set[str] = set()
        predicates: set[str] = set()
        datatypes: set[str] = set()
        for t in triples:
            predicates.add(t.predicate.value)
            iris.add(subject_of(t).value)
            obj = object_of(t)
            if isinstance(obj, NamedNode):
                iris.add(obj.value)
            elif isinstance(obj, Literal) and not obj.language:
                datatypes.add(obj.datatype.value)
        predicates.discard(vocab.RDF_TYPE)  # written as "a"
        for iri in iris | predicates | (datatypes - _IMPLICIT):
            self._iri(iri)

    def _iri(self, iri: str) -> None:
        # Every namespace lodpub declares ends with "/" or "#": split there and look it up.
        cut = max(iri.rfind("/"), iri.rfind("#")) + 1
        prefix = _BY_NAMESPACE.get(iri[:cut])
        if prefix is not None and _SAFE_LOCAL.match(iri[cut:]):
            self.used.add(prefix)

    def prefixes(self) -> dict[str, str]:
        """The used prefixes, in the declaration order of ``vocab.PREFIXES``."""
        return {p: ns for p, ns in vocab.PREFIXES.items() if p in self.used}


def turtle(triples: list[Triple], tracker: PrefixTracker | None = None) -> bytes:
    """Turtle for one graph, declaring only the prefixes it uses (``tracker``: one that has
    seen exactly these triples already)."""
    if tracker is None:
        tracker = PrefixTracker()
        tracker.see(triples)
    return cast(bytes, ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=tracker.prefixes()))


def write_letter_files(
    folder: Path, letter_id: str, triples: list[Triple], context: Context, tracker: PrefixTracker
) -> tuple[str, str]:
    """``letters/<id>.ttl`` and ``letters/<id>.jsonld`` for one letter graph; their sha256."""
    data = turtle(triples, tracker)
    (folder / f"{letter_id}.ttl").write_bytes(data)
    text = io.StringIO(newline="\n")
    write_graph(context, triples, text)
    document = text.getvalue().encode("utf-8")
    (folder / f"{letter_id}.jsonld").write_bytes(document)
    return hashlib.sha256(data).hexdigest(), hashlib.sha256(document).hexdigest()


def quads(graph: NamedNode, triples: Iterable[Triple]) -> list[Quad]:
    """The triples placed in a named graph."""
    return [Quad(t.subject, t.predicate, t.object, graph) for t in triples]


DERIVED = ("trig", "ttl", "nt", "jsonld")  # the forms written from the N-Quads


def derive_dumps(
    quads: Callable[[], Iterable[Quad]], paths: dict[str, Path], prefixes: dict[str, str], context: Context
) -> None:
    """The TriG, Turtle, N-Triples and JSON-LD forms (``paths`` by suffix, see ``DERIVED``; any
    of them) of the quads ``quads()`` gives; it is called once for each form, so it may stream
    from disk."""
    if "trig" in paths:
        ox.serialize(quads(), str(paths["trig"]), ox.RdfFormat.TRIG, prefixes=prefixes)
    if "ttl" in paths:
        ox.serialize((q.triple for q in quads()), str(paths["ttl"]), ox.RdfFormat.TURTLE, prefixes=prefixes)
    if "nt" in paths:
        ox.serialize((q.triple for q in quads()), str(paths["nt"]), ox.RdfFormat.N_TRIPLES)
    if "jsonld" in paths:
        with open(paths["jsonld"], "w", encoding="utf-8", newline="\n") as out:
            write_dataset(context, quads(), out)


def derive_from_file(
    source: Path, paths: dict[str, Path], prefixes: dict[str, str], context: Context
) -> None:
    """``derive_dumps`` of an N-Quads file, read again for each form (in a worker process too)."""

    def stream() -> Iterable[Quad]:
        return cast(Iterable[Quad], ox.parse(path=str(source), format=ox.RdfFormat.N_QUADS))

    derive_dumps(stream, paths, prefixes, context)


# A whole dataset.nq of at least this size has its derived forms written by two processes
PARALLEL_BYTES = 16 * 1024 * 1024


class LetterFiles:
    """A letter's own files (letters/<id>.ttl and .jsonld), written afresh or linked from the
    previous output when that holds the same graph and the same files."""

    def __init__(self, folder: Path, context: Context, previous: Path | None) -> None:
        self.folder = folder
        self.context = context
        self.previous = previous
        self.reusable = _previous_digests(previous, context) if previous is not None else {}
        self.reused = 0
        (folder / "letters").mkdir(parents=True, exist_ok=True)

    def write(
        self, letter_id: str, graph: NamedNode, digest: str, triples: list[Triple], tracker: PrefixTracker
    ) -> tuple[str, str]:
        """The letter's two files and their sha256: linked when the previous output holds the
        same graph (same N-Quads bytes) and the same files (same sha256, same JSON-LD context),
        which are the bytes this build would write; else written."""
        previous = self.reusable.get(graph.value)
        if previous is not None and previous[0] == digest and self._link(letter_id, previous[1:]):
            self.reused += 1
            return previous[1:]
        return write_letter_files(self.folder / "letters", letter_id, triples, self.context, tracker)

    def _link(self, letter_id: str, digests: tuple[str, str]) -> bool:
        """Link a letter's two files from the previous output, if they still have the bytes
        the index recorded (a file changed by hand is written afresh)."""
        assert self.previous is not None
        names = [f"letters/{letter_id}{suffix}" for suffix in (".ttl", ".jsonld")]
        try:
            for name, expected in zip(names, digests, strict=True):
                if hashlib.sha256((self.previous / name).read_bytes()).hexdigest() != expected:
                    return False
            for name in names:
                _link_or_copy(self.previous / name, self.folder / name)
        except OSError:
            for name in names:
                (self.folder / name).unlink(missing_ok=True)
            return False
        return True


class DistWriter:
    """Writes a dist/ folder with whole-file dumps as letters stream in; ``finish`` derives every
    other dump from dataset.nq."""

    dumps = WHOLE_DUMPS

    def __init__(self, folder: Path, context: Context, previous: Path | None = None, jobs: int = 1) -> None:
        """``jobs``: processes that may write the derived dumps."""
        self.folder = folder
        self.jobs = jobs
        self.context = context
        self.files = LetterFiles(folder, context, previous)
        self._nq = open(folder / "dataset.nq", "wb")  # noqa: SIM115 - closed in finish()
        self._index = IndexWriter(folder / INDEX)
        self._offset = 0
        self.prefixes = PrefixTracker()

    @property
    def reused(self) -> int:
        """Letters whose own files were linked from the previous output."""
        return self.files.reused

    def add_graph(self, graph: NamedNode, triples: list[Triple], letter_id: str | None = None) -> None:
        """Append one named graph to dataset.nq and to the index; with ``letter_id``, also the
        letter's own Turtle and JSON-LD files (see ``LetterFiles.write``)."""
        data = cast(bytes, ox.serialize(quads(graph, triples), format=ox.RdfFormat.N_QUADS))
        self._nq.write(data)
        digest = hashlib.sha256(data).hexdigest()
        tracker = PrefixTracker()
        tracker.see(triples)
        self.prefixes.used |= tracker.used
        files = NO_FILES
        if letter_id is not None:
            files = self.files.write(letter_id, graph, digest, triples, tracker)
        self._index.add(
            IndexRow(graph.value, len(triples), digest, "dataset.nq", self._offset, len(data), files)
        )
        self._offset += len(data)

    def add_letter(self, letter_id: str, graph: NamedNode, triples: list[Triple]) -> None:
        """Append a letter graph, with its own files (see ``add_graph``)."""
        self.add_graph(graph, triples, letter_id)

    def add_entities(self, graph: NamedNode, triples: list[Triple]) -> list[list[Triple]]:
        """Append the entities graph; its triples as one segment (for the statistics)."""
        self.add_graph(graph, triples)
        return [triples]

    def chunks(self) -> dict[str, int | None]:
        """The gzip chunks known before the dumps are written (none: they follow the sizes)."""
        return {}

    def finish(self, chunk_bytes: int) -> tuple[dict[str, int], dict[str, int]]:
        """Close dataset.nq, derive the other dumps and the gzip chunks; the size in bytes of
        each dump, and of each chunk."""
        self._nq.close()
        self._index.close()
        source = self.folder / "dataset.nq"
        paths = {suffix: self.folder / f"dataset.{suffix}" for suffix in DERIVED}
        prefixes = self.prefixes.prefixes()
        # zlib lets go of the GIL while it compresses: the chunks are written beside the others,
        # and a large dump's TriG and Turtle in a second process while this one writes the rest
        with ThreadPoolExecutor(1) as threads:
            chunking = threads.submit(write_chunks, source, self.folder / "dumps", chunk_bytes)
            if self.jobs > 1 and source.stat().st_size >= PARALLEL_BYTES:
                spawn = multiprocessing.get_context("spawn")
                with ProcessPoolExecutor(1, mp_context=spawn) as processes:
                    first = {suffix: paths.pop(suffix) for suffix in ("trig", "ttl")}
                    other = processes.submit(derive_from_file, source, first, prefixes, self.context)
                    derive_from_file(source, paths, prefixes, self.context)
                    other.result()
            else:
                derive_from_file(source, paths, prefixes, self.context)
            chunks = chunking.result()
        return {name: (self.folder / name).stat().st_size for name in self.dumps}, chunks

    def close(self) -> None:
        """Release the open files (after a failure)."""
        self._nq.close()
        self._index.close()


def write_chunks(source: Path, folder: Path, limit: int, block: int = 8 * 1024 * 1024) -> dict[str, int]:
    """dataset.nq as gzip files of at most ``limit`` uncompressed bytes each (whole lines packed
    in order; a line longer than that alone), the form bulk loaders take; reproducible (no time
    stamp, no file name inside). Read and compressed in blocks of ``block`` bytes, not line by
    line and not a chunk at a time."""
    folder.mkdir()
    chunks = _Chunks(folder, limit)
    with open(source, "rb") as data:
        pending = b""  # the start of a line the next block ends
        while True:
            read = data.read(block)
            buffer = pending + read
            if not read:  # the end: what is left is the last line, without a line end
                chunks.add(buffer, 0, len(buffer))
                break
            cut = buffer.rfind(b"\n") + 1
            chunks.add(buffer, 0, cut)
            pending = buffer[cut:]
    chunks.close()
    return {f"dumps/{p.name}": p.stat().st_size for p in sorted(folder.iterdir())}


class _Chunks:
    """The gzip chunks being written, each opened when its first bytes come."""

    def __init__(self, folder: Path, limit: int) -> None:
        self.folder, self.limit = folder, limit
        self.number = self.size = 0
        self._raw: BinaryIO | None = None
        self._out: gzip.GzipFile | None = None

    def add(self, data: bytes, start: int, end: int) -> None:
        """Whole lines ``data[start:end]`` (the last one may lack its line end)."""
        while start < end:
            room = self.limit - self.size
            if end - start <= room:
                self._write(data, start, end)
                return
            cut = data.rfind(b"\n", start, start + room) + 1
            if cut:  # the lines that fit
                self._write(data, start, cut)
                self.close()
                start = cut
            elif self.size:  # the next line does not fit: it starts the next chunk
                self.close()
            else:  # a line longer than a chunk: alone
                stop = data.find(b"\n", start, end) + 1 or end
                self._write(data, start, stop)
                self.close()
                start = stop

    def _write(self, data: bytes, start: int, end: int) -> None:
        if self._out is None:
            self.number += 1
            self._raw = open(self.folder / f"dataset-{self.number:05d}.nq.gz", "wb")  # noqa: SIM115 - closed in close()
            self._out = gzip.GzipFile(filename="", mode="wb", fileobj=self._raw, mtime=0, compresslevel=6)
        self._out.write(memoryview(data)[start:end])
        self.size += end - start

    def close(self) -> None:
        """End the chunk being written, if any."""
        if self._out is not None and self._raw is not None:
            self._out.close()
            self._raw.close()
        self._out = self._raw = None
        self.size = 0


def write_gzip(path: Path, data: Iterable[bytes]) -> None:
    """A reproducible gzip file (no time stamp, no file name inside). Level 6: half the time of
    level 9 on this data, for files a few percent larger."""
    with (
        open(path, "wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6) as out,
    ):
        out.writelines(data)


def _previous_digests(previous: Path, context: Context) -> dict[str, tuple[str, str, str]]:
    """Graph IRI -> sha256 of its N-Quads and of its two files in an earlier output folder, if
    that folder was written with the same JSON-LD context (else nothing of it is reused)."""
    try:
        if (previous / "context.jsonld").read_bytes() != context_bytes(context):
            return {}
        rows = read_index(previous / INDEX)
        return {row.iri: (row.sha256, *row.files) for row in rows if row.files != NO_FILES}
    except (OSError, ValueError):  # no index, or not one lodpub wrote: nothing of it is reused
        return {}


VOID, CONTEXT = "void.ttl", "context.jsonld"  # beside the dumps in every output folder


def write_description(folder: Path, void: list[Triple], context: Context) -> list[str]:
    """void.ttl (the dataset's VoID/DCAT description) and context.jsonld; their names."""
    (folder / VOID).write_bytes(turtle(void))
    (folder / CONTEXT).write_bytes(context_bytes(context))
    return [VOID, CONTEXT]


def context_bytes(context: Context) -> bytes:
    """context.jsonld as written to every output folder."""
    return (json.dumps(context.document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _link_or_copy(source: Path, target: Path) -> None:
    """A hard link (output files are never changed in place, so sharing them is safe), or a
    copy where links are not possible."""
    try:
        os.link(source, target)
    except OSError:
        if not source.is_file():
            raise
        shutil.copyfile(source, target)
