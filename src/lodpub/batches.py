"""Reading, mapping and validating letters in batches, in this process or in a pool of worker
processes (`--jobs`), with an optional cache of finished letters for incremental rebuilds.
Results come back in id order whatever the number of processes, so the output is
byte-identical for any `--jobs`, with or without the cache."""

from __future__ import annotations

import collections
import functools
import hashlib
import multiprocessing
import os
import pickle
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from multiprocessing.pool import AsyncResult
from pathlib import Path
from typing import cast

import pyoxigraph as ox
from pyoxigraph import NamedNode, Triple

from . import __version__
from .authorities import Authorities, Entity
from .errors import LodpubError, SourceError
from .mapping import Iris, LetterMapper, MappedLetter
from .model import Letter, Notice
from .settings import SHACL_ENGINES, TEXTS
from .sources import read_letter
from .validate import Issue, Validator

BATCH = 64
Task = list[tuple[str, list[Path]]]  # (letter id, the files that give it)
Outcome = tuple[MappedLetter | None, list[Issue]]


@dataclass(frozen=True)
class BatchResult:
    """The letters of one batch, in id order, the seconds spent on them, how many came from the
    cache, and the cache keys of the batch's letters."""

    letters: list[Outcome]
    read_map: float
    validate: float
    reused: int = 0
    keys: dict[str, str] = field(default_factory=dict)  # letter id -> cache key


@dataclass(frozen=True)
class _Packed:
    """A mapped letter as it crosses between processes or lies in the cache: triples as
    N-Triples, which pyoxigraph writes and reads about twenty times faster than pickle
    handles its terms."""

    letter: Letter
    graph: str
    triples: bytes
    entities: dict[str, bytes]
    field_lines: dict[str, int]
    named: tuple[Entity, ...]
    notices: tuple[Notice, ...]
    withheld: bool = False


def _nt(triples: list[Triple]) -> bytes:
    return cast(bytes, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))


def _triples(data: bytes) -> list[Triple]:
    return list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES)) if data else []


def _pack(m: MappedLetter) -> _Packed:
    entities = {k: _nt(v) for k, v in m.entities.items()}
    return _Packed(
        m.letter, m.graph.value, _nt(m.triples), entities, m.field_lines, m.named, m.notices, m.withheld
    )


def _unpack_letter(p: _Packed) -> MappedLetter:
    return MappedLetter(
        letter=p.letter,
        graph=NamedNode(p.graph),
        triples=_triples(p.triples),
        entities={k: _triples(v) for k, v in p.entities.items()},
        field_lines=p.field_lines,
        named=p.named,
        notices=p.notices,
        withheld=p.withheld,
    )


class LetterCache:
    """Mapped and validated letters on disk, keyed by the content hash of the source file and
    of everything else that shapes the result (``fingerprint``): a rebuild maps and validates
    only the letters whose key changed."""

    def __init__(self, folder: Path, fingerprint: str) -> None:
        self.folder = folder
        self.fingerprint = fingerprint

    def key(self, path: Path, data: bytes) -> str:
        """The key of one source file's result."""
        digest = hashlib.sha256(self.fingerprint.encode())
        digest.update(path.name.encode("utf-8") + b"\0" + data)
        return digest.hexdigest()

    def _file(self, key: str) -> Path:
        return self.folder / "letters" / key[:2] / f"{key}.pickle"

    def get(self, key: str) -> tuple[_Packed, list[Issue]] | None:
        """The cached result, packed as it lies on disk (an unreadable entry counts as none)."""
        try:
            with open(self._file(key), "rb") as handle:
                packed, issues = pickle.load(handle)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, TypeError, ValueError):
            return None
        if not isinstance(packed, _Packed):
            return None
        return packed, issues

    def put(self, key: str, packed: _Packed, issues: list[Issue]) -> None:
        """Store one result (atomically: a reader never sees half an entry)."""
        target = self._file(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump((packed, issues), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, target)

    def forget(self, keys: set[str]) -> None:
        """Drop the results of these keys (letters edited or removed since)."""
        for key in keys:
            self._file(key).unlink(missing_ok=True)

    def keep_only(self, keys: set[str]) -> None:
        """Forget the results of letters that are no longer in the corpus as they were."""
        for path in (self.folder / "letters").glob("*/*.pickle"):
            if path.stem not in keys:
                path.unlink(missing_ok=True)


def fingerprint(base_iri: str, inputs: list[Path]) -> str:
    """A hash of lodpub's version, the base IRI and the bytes of every file that shapes the
    result besides the letter itself (authority file, shapes, ontology, JSON-LD context)."""
    digest = hashlib.sha256(f"{__version__}\0{base_iri}".encode())
    for path in inputs:
        digest.update(b"\0" + path.name.encode() + b"\0" + (path.read_bytes() if path.exists() else b""))
    return digest.hexdigest()


def process(
    task: Task,
    mapper: LetterMapper,
    validator: Validator,
    cache: LetterCache | None = None,
    max_bytes: int = 8_000_000,
) -> BatchResult:
    """Read, map and validate one batch; unreadable letters come back as issues. Letters the
    cache holds are taken from it, with the verdict they had."""
    packed, result = _process(task, mapper, validator, cache, max_bytes)
    letters: list[Outcome] = [(_unpack_letter(p) if p is not None else None, i) for p, i in packed]
    return BatchResult(letters, result.read_map, result.validate, result.reused, result.keys)


def _process(
    task: Task, mapper: LetterMapper, validator: Validator, cache: LetterCache | None, max_bytes: int
) -> tuple[list[tuple[_Packed | None, list[Issue]]], BatchResult]:
    """``process``, with every letter packed: letters from the cache stay as they were read,
    so a worker ships them without parsing and writing their triples again."""
    started = time.perf_counter()
    fresh: list[MappedLetter] = []
    done: dict[str, tuple[_Packed, list[Issue]]] = {}
    failed: list[list[Issue]] = []
    keys: dict[str, str] = {}
    for ident, paths in task:
        if len(paths) > 1:
            for path in paths:
                others = ", ".join(str(p) for p in paths if p != path)
                expected = f"expected a unique letter id; {ident!r} is also the id of {others}"
                failed.append([source_issue(SourceError(path, 1, "file name", expected))])
            continue
        try:
            data = _read(paths[0], max_bytes)
            if cache is not None:
                keys[ident] = cache.key(paths[0], data)
                hit = cache.get(keys[ident])
                if hit is not None:
                    done[ident] = hit
                    continue
            fresh.append(mapper.map(read_letter(paths[0], data)))
        except OSError as exc:
            failed.append(
                [
                    Issue(
                        message=f"cannot read the file: {exc.strerror}",
                        field="file",
                        focus="",
                        file=str(paths[0]),
                        line=1,
                    )
                ]
            )
        except SourceError as exc:
            failed.append([source_issue(exc)])
        except LodpubError as exc:
            failed.append([Issue(message=exc.message, field="mapping", focus="", file=str(paths[0]), line=1)])
    checked = time.perf_counter()
    issues = validator.letters(fresh) if fresh else {}
    for m in fresh:
        done[m.letter.id] = (_pack(m), issues.get(m.letter.id, []))
        if cache is not None:
            cache.put(keys[m.letter.id], *done[m.letter.id])
    outcomes: list[tuple[_Packed | None, list[Issue]]] = [(None, problems) for problems in failed]
    outcomes += [done[ident] for ident, _ in task if ident in done]
    reused = len(done) - len(fresh)
    timings = BatchResult([], checked - started, time.perf_counter() - checked, reused, keys)
    return outcomes, timings


@dataclass(frozen=True)
class LetterResult:
    """One letter id's outcome: its files, the mapped letter (None if unreadable), its issues
    and its cache key."""

    ident: str
    paths: list[Path]
    mapped: MappedLetter | None
    issues: list[Issue]
    key: str | None


def by_letter(task: Task, result: BatchResult) -> list[LetterResult]:
    """A batch's outcomes paired with its letter ids, in id order."""
    failed = iter([issues for mapped, issues in result.letters if mapped is None])
    mapped = {m.letter.id: (m, issues) for m, issues in result.letters if m is not None}
    out = []
    for ident, paths in task:
        if ident in mapped:
            letter, issues = mapped[ident]
            out.append(LetterResult(ident, paths, letter, issues, result.keys.get(ident)))
        else:
            issues = [i for _ in range(len(paths) if len(paths) > 1 else 1) for i in next(failed)]
            out.append(LetterResult(ident, paths, None, issues, result.keys.get(ident)))
    return out


def warnings_of(mapped: MappedLetter) -> list[Issue]:
    """What the reader and the mapping kept verbatim instead of asserting, as warnings."""
    return [
        Issue(
            message=n.message,
            field=n.field,
            focus=mapped.graph.value,
            letter=mapped.letter.id,
            file=mapped.letter.path,
            line=n.line,
            severity="Warning",
        )
        for n in mapped.notices
    ]


def _read(path: Path, max_bytes: int) -> bytes:
    """A letter file's bytes: a symlink only to a file inside the corpus, a size within the limit."""
    if path.is_symlink():
        root = path.parent.parent if path.parent.name == "letters" else path.parent
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError) as exc:
            loop = isinstance(exc, RuntimeError) or "loop" in str(exc).lower()
            found = "a symlink loop" if loop else "a broken symlink"
            raise SourceError(path, 1, "file", f"expected a letter file, found {found}") from exc
        if not target.is_relative_to(root.resolve()):
            raise SourceError(
                path, 1, "file", f"expected a file inside the corpus, found a symlink to {target}"
            )
    size = path.stat().st_size
    if size > max_bytes:
        raise SourceError(
            path,
            1,
            "file",
            f"expected a letter of at most {max_bytes / 1e6:g} MB (max_letter_mb), found {size / 1e6:.1f} MB",
        )
    return path.read_bytes()


def source_issue(error: SourceError) -> Issue:
    """A reader's error as a report entry."""
    return Issue(message=error.expected, field=error.field, focus="", file=error.path, line=error.line)


def run(
    tasks: list[Task],
    base_iri: str,
    authorities: Authorities,
    authority_file: Path | None,
    jobs: int,
    cache: LetterCache | None = None,
    engine: str = SHACL_ENGINES[0],
    validator: Validator | None = None,
    texts: str = TEXTS[0],
    max_bytes: int = 8_000_000,
) -> Iterator[BatchResult]:
    """Every batch's result, in order; with ``jobs`` > 1 the batches run in worker processes.
    ``validator``: one already made with these shapes, for a run in this process. ``texts``:
    the setting of that name (which texts the letters publish)."""
    if jobs <= 1 or len(tasks) <= 1:
        iris = Iris(base_iri)
        mapper = LetterMapper(iris, authorities, __version__, texts)
        validator = validator or Validator(iris, engine=engine)
        for task in tasks:
            yield process(task, mapper, validator, cache, max_bytes)
        return
    authority = str(authority_file) if authority_file else ""
    work = [(base_iri, authority, engine, texts, max_bytes, task, cache) for task in tasks]
    # At most a few batches in flight per worker: Pool.imap would run ahead of a slower consumer
    # without bound (letters from the cache come back much faster than they are written) and
    # hold every finished batch in memory.
    window = jobs * 3
    with multiprocessing.get_context("spawn").Pool(jobs) as pool:
        pending: collections.deque[AsyncResult[_Shipped]] = collections.deque()
        for job in work:
            if len(pending) >= window:
                yield _unpack(pending.popleft().get())
            pending.append(pool.apply_async(_work, (job,)))
        while pending:
            yield _unpack(pending.popleft().get())


@functools.cache
def _tools(base_iri: str, authority_file: str, engine: str, texts: str) -> tuple[LetterMapper, Validator]:
    """One mapper and validator per worker process (shapes and authorities parsed once)."""
    iris = Iris(base_iri)
    authorities = Authorities.load(Path(authority_file)) if authority_file else Authorities([])
    return LetterMapper(iris, authorities, __version__, texts), Validator(iris, engine=engine)


_Shipped = tuple[list[tuple[_Packed | None, list[Issue]]], BatchResult]


def _work(job: tuple[str, str, str, str, int, Task, LetterCache | None]) -> _Shipped:
    base_iri, authority_file, engine, texts, max_bytes, task, cache = job
    mapper, validator = _tools(base_iri, authority_file, engine, texts)
    return _process(task, mapper, validator, cache, max_bytes)


def _unpack(shipped: _Shipped) -> BatchResult:
    letters, totals = shipped
    outcomes: list[Outcome] = [
        (_unpack_letter(p) if p is not None else None, issues) for p, issues in letters
    ]
    return BatchResult(outcomes, totals.read_map, totals.validate, totals.reused, totals.keys)
