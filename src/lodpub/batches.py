"""Reading, mapping and validating letters in batches, in this process or in a pool of worker
processes (`--jobs`). Results come back in id order whatever the number of processes, so the
output is byte-identical for any `--jobs`."""

from __future__ import annotations

import functools
import multiprocessing
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import pyoxigraph as ox
from pyoxigraph import NamedNode, Triple

from . import __version__
from .authorities import Authorities, Entity
from .errors import LodpubError, SourceError
from .mapping import Iris, LetterMapper, MappedLetter
from .model import Letter
from .sources import read_letter
from .validate import Issue, Validator

BATCH = 64
Task = list[tuple[str, list[Path]]]  # (letter id, the files that give it)
Outcome = tuple[MappedLetter | None, list[Issue]]


@dataclass(frozen=True)
class BatchResult:
    """The letters of one batch, in id order, and the seconds spent on them."""

    letters: list[Outcome]
    read_map: float
    validate: float


def process(task: Task, mapper: LetterMapper, validator: Validator) -> BatchResult:
    """Read, map and validate one batch; unreadable letters come back as issues."""
    started = time.perf_counter()
    mapped: list[MappedLetter] = []
    failed: list[list[Issue]] = []
    for ident, paths in task:
        if len(paths) > 1:
            for path in paths:
                others = ", ".join(str(p) for p in paths if p != path)
                expected = f"expected a unique letter id; {ident!r} is also the id of {others}"
                failed.append([source_issue(SourceError(path, 1, "file name", expected))])
            continue
        try:
            mapped.append(mapper.map(read_letter(paths[0])))
        except SourceError as exc:
            failed.append([source_issue(exc)])
        except LodpubError as exc:
            failed.append([Issue(message=exc.message, field="mapping", focus="", file=str(paths[0]), line=1)])
    checked = time.perf_counter()
    issues = validator.letters(mapped) if mapped else {}
    outcomes: list[Outcome] = [(None, problems) for problems in failed]
    outcomes += [(m, issues.get(m.letter.id, [])) for m in mapped]
    return BatchResult(outcomes, checked - started, time.perf_counter() - checked)


def source_issue(error: SourceError) -> Issue:
    """A reader's error as a report entry."""
    return Issue(message=error.expected, field=error.field, focus="", file=error.path, line=error.line)


def run(
    tasks: list[Task], base_iri: str, authorities: Authorities, authority_file: Path | None, jobs: int
) -> Iterator[BatchResult]:
    """Every batch's result, in order; with ``jobs`` > 1 the batches run in worker processes."""
    if jobs <= 1 or len(tasks) <= 1:
        iris = Iris(base_iri)
        mapper, validator = LetterMapper(iris, authorities, __version__), Validator(iris)
        for task in tasks:
            yield process(task, mapper, validator)
        return
    work = [(base_iri, str(authority_file) if authority_file else "", task) for task in tasks]
    with multiprocessing.get_context("spawn").Pool(jobs) as pool:
        for packed in pool.imap(_work, work):
            yield _unpack(packed)


@functools.cache
def _tools(base_iri: str, authority_file: str) -> tuple[LetterMapper, Validator]:
    """One mapper and validator per worker process (shapes and authorities parsed once)."""
    iris = Iris(base_iri)
    authorities = Authorities.load(Path(authority_file)) if authority_file else Authorities([])
    return LetterMapper(iris, authorities, __version__), Validator(iris)


@dataclass(frozen=True)
class _Packed:
    """A mapped letter as it crosses between processes: triples as N-Triples, which pyoxigraph
    writes and reads about twenty times faster than pickle handles its terms."""

    letter: Letter
    graph: str
    triples: bytes
    entities: dict[str, bytes]
    field_lines: dict[str, int]
    named: tuple[Entity, ...]


def _nt(triples: list[Triple]) -> bytes:
    return cast(bytes, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))


def _triples(data: bytes) -> list[Triple]:
    return list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES)) if data else []


def _work(job: tuple[str, str, Task]) -> tuple[list[tuple[_Packed | None, list[Issue]]], float, float]:
    base_iri, authority_file, task = job
    mapper, validator = _tools(base_iri, authority_file)
    result = process(task, mapper, validator)
    packed = [
        (
            _Packed(
                m.letter,
                m.graph.value,
                _nt(m.triples),
                {k: _nt(v) for k, v in m.entities.items()},
                m.field_lines,
                m.named,
            )
            if m is not None
            else None,
            issues,
        )
        for m, issues in result.letters
    ]
    return packed, result.read_map, result.validate


def _unpack(packed: tuple[list[tuple[_Packed | None, list[Issue]]], float, float]) -> BatchResult:
    letters, read_map, validate = packed
    outcomes: list[Outcome] = []
    for p, issues in letters:
        if p is None:
            outcomes.append((None, issues))
            continue
        mapped = MappedLetter(
            letter=p.letter,
            graph=NamedNode(p.graph),
            triples=_triples(p.triples),
            entities={k: _triples(v) for k, v in p.entities.items()},
            field_lines=p.field_lines,
            named=p.named,
        )
        outcomes.append((mapped, issues))
    return BatchResult(outcomes, read_map, validate)
