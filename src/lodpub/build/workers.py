"""Reading, mapping and validating letters in batches, in this process or in a pool of worker
processes (`--jobs`), with an optional cache of finished letters for incremental rebuilds.
Results come back in id order whatever the number of processes, so the output is
byte-identical for any `--jobs`, with or without the cache."""

from __future__ import annotations

import collections
import functools
import multiprocessing
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from multiprocessing.pool import AsyncResult
from pathlib import Path

from .. import __version__
from ..authorities import Authorities
from ..corpus import Corpus
from ..errors import LodpubError, SourceError
from ..mapping import Iris, LetterMapper, MappedLetter
from ..settings import SHACL_ENGINES, TEXTS, Settings
from ..sources import read_letter
from ..validate import Issue, Validator
from .cache import LetterCache, Packed, pack, unpack
from .result import Progress, Timings

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


def process_batch(
    task: Task,
    mapper: LetterMapper,
    validator: Validator,
    cache: LetterCache | None = None,
    max_bytes: int = 8_000_000,
) -> BatchResult:
    """Read, map and validate one batch; unreadable letters come back as issues. Letters the
    cache holds are taken from it, with the verdict they had."""
    packed, result = _process(task, mapper, validator, cache, max_bytes)
    letters: list[Outcome] = [(unpack(p) if p is not None else None, i) for p, i in packed]
    return BatchResult(letters, result.read_map, result.validate, result.reused, result.keys)


def _process(
    task: Task, mapper: LetterMapper, validator: Validator, cache: LetterCache | None, max_bytes: int
) -> tuple[list[tuple[Packed | None, list[Issue]]], BatchResult]:
    """``process_batch``, with every letter packed: letters from the cache stay as they were read,
    so a worker ships them without parsing and writing their triples again."""
    started = time.perf_counter()
    fresh: list[MappedLetter] = []
    done: dict[str, tuple[Packed, list[Issue]]] = {}
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
        done[m.letter.id] = (pack(m), issues.get(m.letter.id, []))
        if cache is not None:
            cache.put(keys[m.letter.id], *done[m.letter.id])
    outcomes: list[tuple[Packed | None, list[Issue]]] = [(None, problems) for problems in failed]
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
            yield process_batch(task, mapper, validator, cache, max_bytes)
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


_Shipped = tuple[list[tuple[Packed | None, list[Issue]]], BatchResult]


def _work(job: tuple[str, str, str, str, int, Task, LetterCache | None]) -> _Shipped:
    base_iri, authority_file, engine, texts, max_bytes, task, cache = job
    mapper, validator = _tools(base_iri, authority_file, engine, texts)
    return _process(task, mapper, validator, cache, max_bytes)


def _unpack(shipped: _Shipped) -> BatchResult:
    letters, totals = shipped
    outcomes: list[Outcome] = [(unpack(p) if p is not None else None, issues) for p, issues in letters]
    return BatchResult(outcomes, totals.read_map, totals.validate, totals.reused, totals.keys)


def letters(
    corpus: Corpus,
    settings: Settings,
    jobs: int,
    progress: Progress | None,
    timings: Timings,
    cache: LetterCache | None = None,
    validator: Validator | None = None,
) -> Iterator[LetterResult]:
    """Each letter id of ``corpus`` in id order, mapped and validated, with its issues (mapped is None if
    unreadable) and its cache key."""
    return process(corpus, sorted(corpus.ids().items()), settings, jobs, timings, cache, validator, progress)


def process(
    corpus: Corpus,
    todo: list[tuple[str, list[Path]]],
    settings: Settings,
    jobs: int,
    timings: Timings,
    cache: LetterCache | None = None,
    validator: Validator | None = None,
    progress: Progress | None = None,
) -> Iterator[LetterResult]:
    """The letters ``todo`` (ids and their files, in that order) read, mapped and validated
    in batches, in ``jobs`` processes when there is more than one batch (from the cache
    where it has them); the stages' seconds are added to ``timings``."""
    tasks = [todo[start : start + BATCH] for start in range(0, len(todo), BATCH)]
    authority = Path(corpus.authority_path)
    results = run(
        tasks,
        settings.base_iri,
        corpus.authorities,
        authority if authority.exists() else None,
        jobs if len(tasks) > 1 else 1,
        cache,
        settings.shacl_engine,
        validator,
        settings.texts,
        settings.max_letter_bytes,
    )
    done = 0
    for task, result in zip(tasks, results, strict=True):
        timings.read_map += result.read_map
        timings.validate += result.validate
        timings.reused += result.reused
        timings.keys.update(result.keys)
        timings.read += len(task)
        yield from by_letter(task, result)
        done += len(task)
        if progress is not None:
            progress(done, len(todo))
