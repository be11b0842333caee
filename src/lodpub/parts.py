"""Dumps in parts (``dumps = "parts"``), for large corpora: instead of one file per format, the
dataset is split into a power of two of parts by a hash of each letter graph's IRI (and of each
subject of the entities graph), about ``LETTERS_PER_PART`` letters each, so that editing one
letter changes one part and a rebuild rewrites a few megabytes, not every dump.

    parts/NNNN.{nq,trig,ttl,nt,jsonld}     letter graphs of part NNNN (in id order), then the
                                           entities graph's triples whose subject falls in it
    parts/dataset.{nq,trig,ttl,nt,jsonld}  the dataset description graph
    dumps/NNNN.nq.gz, dumps/dataset.nq.gz  each part's N-Quads, gzip, for bulk loaders

The number of parts follows the number of letters, so a corpus that doubles gets twice the
parts (and, once, every part written again)."""

from __future__ import annotations

import hashlib
import multiprocessing
from collections.abc import Iterable
from pathlib import Path
from typing import cast

import pyoxigraph as ox
from pyoxigraph import NamedNode, Quad, Triple

from .index import INDEX, IndexRow, IndexWriter
from .jsonld import Context
from .mapping.rdf import subject_of
from .serialize import DERIVED, LetterFiles, PrefixTracker, derive_dumps, quads, write_gzip

LETTERS_PER_PART = 128
FORMATS = ("nq", "trig", "ttl", "nt", "jsonld")
DESCRIPTION = "dataset"  # the name of the part that holds the dataset description graph
_FLUSH = 128 * 1024  # bytes of N-Quads kept per part before they are appended to its file


def part_count(letters: int) -> int:
    """The number of parts for a corpus of ``letters`` letter ids: the least power of two that
    gives at most ``LETTERS_PER_PART`` letters a part on average."""
    count = 1
    while letters > count * LETTERS_PER_PART:
        count *= 2
    return count


def part_of(iri: str, count: int) -> int:
    """The part of a letter graph (by its IRI) or of an entities-graph subject."""
    return int.from_bytes(hashlib.sha256(iri.encode("utf-8")).digest()[:8], "big") % count


def part_name(part: int | str) -> str:
    """``0007`` for part 7; ``dataset`` for the description."""
    return part if isinstance(part, str) else f"{part:04d}"


def part_files(part: int | str) -> list[str]:
    """The files of one part, relative to the dist folder."""
    name = part_name(part)
    return [f"parts/{name}.{suffix}" for suffix in FORMATS] + [f"dumps/{name}.nq.gz"]  # nq first


def part_nquads(part: int | str) -> str:
    """The N-Quads file of one part (``parts/0007.nq``, ``parts/dataset.nq``), relative to the
    dist folder: the file graphs.tsv names."""
    return f"parts/{part_name(part)}.nq"


def sizes(folder: Path, count: int) -> dict[str, int]:
    """Bytes of the parts, per format (for the build's report)."""
    out: dict[str, int] = {}
    for part in [*range(count), DESCRIPTION]:
        for name in part_files(part):
            pattern = name.replace(part_name(part), "*", 1)
            out[pattern] = out.get(pattern, 0) + (folder / name).stat().st_size
    return out


def segments(triples: Iterable[Triple], count: int) -> dict[int, list[Triple]]:
    """The entities graph split by the part of each triple's subject, keeping the order."""
    out: dict[int, list[Triple]] = {part: [] for part in range(count)}
    for t in triples:
        out[part_of(subject_of(t).value, count)].append(t)
    return out


def nquads(graph: NamedNode, triples: list[Triple]) -> bytes:
    return cast(bytes, ox.serialize(quads(graph, triples), format=ox.RdfFormat.N_QUADS))


def write_part(folder: Path, part: int | str, data: bytes, context: Context) -> dict[str, int]:
    """Every file of one part, from its N-Quads; the size of each. The Turtle and TriG files
    declare only the prefixes the part uses."""
    found = cast(list[Quad], list(ox.parse(data, format=ox.RdfFormat.N_QUADS)))
    tracker = PrefixTracker()
    tracker.see(q.triple for q in found)
    prefixes = tracker.prefixes()
    files = dict(zip(FORMATS, part_files(part), strict=False))
    (folder / "parts").mkdir(exist_ok=True)
    (folder / "dumps").mkdir(exist_ok=True)
    (folder / files["nq"]).write_bytes(data)
    derive_dumps(lambda: found, {suffix: folder / files[suffix] for suffix in DERIVED}, prefixes, context)
    gz = part_files(part)[-1]
    write_gzip(folder / gz, [data])
    return {name: (folder / name).stat().st_size for name in part_files(part)}


class PartsWriter:
    """Writes a dist/ folder with its dumps in parts as letters stream in (in id order); each
    part's N-Quads are gathered in its file, and ``finish`` derives every part's other files."""

    dumps: tuple[str, ...] = ()

    def __init__(
        self, folder: Path, context: Context, previous: Path | None, count: int, jobs: int = 1
    ) -> None:
        self.folder = folder
        self.jobs = jobs  # processes that write the parts' files
        self.context = context
        self.count = count
        self.files = LetterFiles(folder, context, previous)
        (folder / "parts").mkdir()
        self._pending: dict[int, list[bytes]] = {part: [] for part in range(count)}
        self._pending_bytes = dict.fromkeys(range(count), 0)
        self._offsets = dict.fromkeys(range(count), 0)
        for part in range(count):
            (folder / part_nquads(part)).write_bytes(b"")
        self._index = IndexWriter(folder / INDEX)
        self._description = b""

    @property
    def reused(self) -> int:
        """Letters whose own files were linked from the previous output."""
        return self.files.reused

    def _append(self, part: int, data: bytes) -> int:
        """Add bytes to a part; their offset in its N-Quads file."""
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
        name = part_nquads(part)
        self._index.add(IndexRow(graph.value, len(triples), digest, name, offset, len(data), files))

    def add_entities(self, graph: NamedNode, triples: list[Triple]) -> list[list[Triple]]:
        """The entities graph, split by subject into every part (after the part's letters); the
        segments, in part order."""
        out = []
        for part, segment in segments(triples, self.count).items():
            data = nquads(graph, segment)
            offset = self._append(part, data)
            digest = hashlib.sha256(data).hexdigest()
            name = part_nquads(part)
            self._index.add(IndexRow(graph.value, len(segment), digest, name, offset, len(data)))
            out.append(segment)
        return out

    def add_graph(self, graph: NamedNode, triples: list[Triple]) -> None:
        """The dataset description, in its own part."""
        data = nquads(graph, triples)
        digest = hashlib.sha256(data).hexdigest()
        self._index.add(IndexRow(graph.value, len(triples), digest, part_nquads(DESCRIPTION), 0, len(data)))
        self._description = data

    def chunks(self) -> dict[str, int | None]:
        """The gzip file of every part (their sizes are known once written)."""
        names = [part_files(part)[-1] for part in [*range(self.count), DESCRIPTION]]
        return dict.fromkeys(names)

    def finish(self, chunk_bytes: int) -> tuple[dict[str, int], dict[str, int]]:
        """Write every part's files; no whole-file dumps, and the parts' gzip files as chunks."""
        del chunk_bytes  # parts are bounded by the number of letters in them
        self._index.close()
        chunks = {}
        for part in range(self.count):
            self._flush(part)
        (self.folder / part_files(DESCRIPTION)[0]).write_bytes(self._description)
        jobs = [(self.folder, part, self.context) for part in [*range(self.count), DESCRIPTION]]
        if self.jobs > 1 and self.count > 1:
            with multiprocessing.get_context("spawn").Pool(self.jobs) as pool:
                for written in pool.imap(_derive, jobs):
                    chunks.update(written)
        else:
            for job in jobs:
                chunks.update(_derive(job))
        return sizes(self.folder, self.count), chunks

    def close(self) -> None:
        """Release the open files (after a failure)."""
        self._index.close()


def _derive(job: tuple[Path, int | str, Context]) -> dict[str, int]:
    """Write one part's files from its N-Quads file (in a worker process); its gzip's size."""
    folder, part, context = job
    return _gz(write_part(folder, part, (folder / part_files(part)[0]).read_bytes(), context))


def _gz(sizes: dict[str, int]) -> dict[str, int]:
    return {name: size for name, size in sizes.items() if name.endswith(".gz")}
