"""The build: the one place that runs the stages, read -> map -> validate -> write. The CLI
and the tests call ``build``, ``validate_corpus`` and ``named_entities``."""

from __future__ import annotations

import dataclasses
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from .. import __version__
from ..authorities import Authorities, Entity
from ..corpus import Corpus
from ..errors import LodpubError
from ..export.cmif import check_cmif
from ..mapping import Iris, LetterMapper
from ..publish.store import PersistentStore
from ..settings import Settings
from ..sources import read_letter
from ..validate import Issue, ValidationReport, Validator
from ..write.atomic import recover
from ..write.layout import part_count
from . import workers
from .assemble import Assembly
from .cache import open_cache
from .entities import Origin, SharedEntities
from .guard import check_shrink, output_lock, published_letters
from .incremental import FullBuild, StateRecorder, rebuild, stat_of
from .result import BuildResult, Progress, Timings

__all__ = ["BuildResult", "Progress", "Timings", "build", "named_entities", "validate_corpus"]


def build(
    corpus: Path,
    out: Path,
    settings: Settings,
    *,
    keep_going: bool = False,
    progress: Progress | None = None,
    jobs: int = 1,
    cache_dir: Path | None = None,
    shard: tuple[int, int] | None = None,
    allow_shrink: bool = False,
    store_dir: Path | None = None,
    say: Callable[[str], None] | None = None,
) -> BuildResult:
    """Build ``out`` from ``corpus``, and with ``store_dir`` bring the persistent store there up
    to date once the new output is in place (``say``: told when the store is made afresh).
    Output appears whole or not at all: it is written to a temporary folder beside ``out`` and
    renamed into place. Without ``keep_going`` any problem
    means nothing is written; with it, the good letters are published and every skipped one is
    listed in the result. One build at a time writes ``out`` (``LockError`` for a second), and a
    build that would publish no letters, or fewer than half of those ``out`` has, raises
    ``ShrinkError`` and leaves ``out`` as it was, unless ``allow_shrink``."""
    if settings.cmif == "true":  # what the CMIF file needs, before any work
        check_cmif(settings)
    with output_lock(out) as stale:
        published = published_letters(out)

        def guard(would: int) -> None:
            if would == 0 and shard is not None and Corpus.open(corpus).names:
                return  # an empty shard of a corpus that has letters: the merge has them
            check_shrink(out, corpus, would, published, allow_shrink)

        result = _build(corpus, out, settings, keep_going, progress, jobs, cache_dir, shard, guard)
        if result.written and store_dir is not None:
            started = time.perf_counter()
            PersistentStore(store_dir, out).sync(say=say)
            result.timings.store = time.perf_counter() - started
        if result.written and settings.cmif == "true":
            from ..export import export_cmif

            store_settings = dataclasses.replace(settings, store=str(store_dir)) if store_dir else settings
            export_cmif(out, out / "cmif.xml", store_settings)
    return dataclasses.replace(result, took_over=stale)


def _build(
    corpus: Path,
    out: Path,
    settings: Settings,
    keep_going: bool,
    progress: Progress | None,
    jobs: int,
    cache_dir: Path | None,
    shard: tuple[int, int] | None,
    guard: Callable[[int], None],
) -> BuildResult:
    source = Corpus.open(corpus, shard)
    if not source.names:
        guard(0)  # nothing to read: refuse before any work
    validator = Validator(Iris(settings.base_iri), engine=settings.shacl_engine)
    problems: list[Issue] = []
    timings = Timings()
    cache = None
    recover(out)
    if cache_dir is not None:
        cache = open_cache(cache_dir, Path(source.authority_path), settings)
    recorder = None
    stats: dict[str, str] = {}
    letter_ids = len(source.id_names())
    if cache is None:
        timings.reason = "no cache (--no-cache)"
    if cache is not None and cache_dir is not None:
        done = rebuild(source, out, settings, cache, cache_dir, validator, timings, keep_going, jobs, guard)
        if not isinstance(done, FullBuild):
            return done
        timings.reason = done.reason
        # a full build, which records its state for the next one (see incremental.py)
        recorder = StateRecorder(
            cache_dir, cache.fingerprint, settings, part_count(letter_ids, settings.letters_per_part)
        )
        stats = {ident: stat_of(paths[0]) for ident, paths in source.ids().items() if len(paths) == 1}
    letter_warnings: list[Issue] = []
    withheld = 0
    try:
        with Assembly(out, settings, validator, letter_ids, jobs) as assembly:
            for letter in workers.letters(source, settings, jobs, progress, timings, cache, validator):
                mapped, issues = letter.mapped, letter.issues
                notes = workers.warnings_of(mapped) if mapped is not None and not issues else []
                letter_warnings.extend(notes)
                if recorder is not None:
                    recorder.letter(
                        letter.ident,
                        letter.paths,
                        stats.get(letter.ident, ""),
                        letter.key,
                        issues,
                        notes,
                        mapped is not None and mapped.withheld,
                    )
                if issues or mapped is None:
                    problems.extend(issues)
                    continue
                if problems and not keep_going:
                    continue  # keep reading, to report every problem; nothing will be written
                started = time.perf_counter()
                origin = Origin(mapped.letter.id, mapped.letter.path, mapped.field_lines)
                assembly.add_letter(mapped.letter.id, mapped.graph, mapped.triples, mapped.entities, origin)
                withheld += mapped.withheld
                if recorder is not None:
                    recorder.mentions(mapped, settings.base_iri)
                timings.write += time.perf_counter() - started
            started = time.perf_counter()
            entity_problems = assembly.check_entities(source.authority_path)
            problems.extend(entity_problems)
            if problems and not keep_going:
                return BuildResult(out=assembly.out, written=False, letters=0, problems=tuple(problems))
            timings.linked = assembly.writer.reused
            warnings = tuple(letter_warnings + assembly.warnings())
            guard(assembly.letters)
            assembly.finish()
            if recorder is not None:
                recorder.commit(assembly, list(assembly.warnings()), entity_problems)
                recorder = None
            if cache is not None:
                cache.keep_only(set(timings.keys.values()))
            timings.finish = time.perf_counter() - started
    finally:
        if recorder is not None:
            recorder.discard()
    return BuildResult(
        out=assembly.out,
        written=True,
        letters=assembly.letters,
        problems=tuple(problems),
        warnings=warnings,
        triples=assembly.stats.triples,
        entities=assembly.stats.entities,
        files=assembly.sizes,
        timings=timings,
        withheld=withheld,
    )


def validate_corpus(
    corpus: Path, settings: Settings, progress: Progress | None = None, jobs: int = 1
) -> ValidationReport:
    """Read, map and validate every letter (and the entities they name); write nothing."""
    source = Corpus.open(corpus)
    validator = Validator(Iris(settings.base_iri), engine=settings.shacl_engine)
    problems: list[Issue] = []
    shared = SharedEntities(settings.base_iri)
    letters = 0
    for letter in workers.letters(source, settings, jobs, progress, Timings()):
        mapped, issues = letter.mapped, letter.issues
        letters += 1
        problems.extend(issues)
        if mapped is not None and not issues:
            problems.extend(workers.warnings_of(mapped))
            origin = Origin(mapped.letter.id, mapped.letter.path, mapped.field_lines)
            for iri, triples in mapped.entities.items():
                shared.add(iri, triples, origin)
    problems.extend(validator.entities(shared.triples(), source.authority_path))
    problems.extend(shared.warnings())
    return ValidationReport(letters=letters, issues=tuple(problems))


def named_entities(
    corpus: Path, settings: Settings, letters: dict[tuple[str, str], list[str]] | None = None
) -> dict[tuple[str, str], tuple[Entity, tuple[int, int] | None]]:
    """Every person, group and place of the corpus — the authority file's and those the letters
    name without it — with the first and last year of the letters that name each (None for an
    entity no letter names); with ``letters``, also the IRIs of the letters that name each, in
    file order. Letters that cannot be read are passed over here."""
    source = Corpus.open(corpus)
    iris = Iris(settings.base_iri)
    mapper = LetterMapper(iris, source.authorities, __version__)
    years: dict[tuple[str, str], list[int]] = defaultdict(list)
    found: dict[tuple[str, str], Entity] = {}
    # The authority file's own entities; the shipped archives only where a letter names them.
    own = {(e.kind, e.key) for e in Authorities.load(Path(source.authority_path), archives=False).entities()}
    for entity in source.authorities.entities():
        if entity.kind != "language" and (entity.kind, entity.key) in own:
            found[(entity.kind, entity.key)] = entity
    for path in source.files:
        try:
            mapped = mapper.map(read_letter(path))
        except LodpubError:
            continue
        for entity in mapped.named:
            if entity.kind != "language":
                found.setdefault((entity.kind, entity.key), entity)
                if letters is not None:
                    letters.setdefault((entity.kind, entity.key), []).append(
                        iris.letter(mapped.letter.id).value
                    )
                if mapped.letter.date is not None:
                    years[(entity.kind, entity.key)].append(mapped.letter.date.year)
    return {
        key: (entity, (min(years[key]), max(years[key])) if years.get(key) else None)
        for key, entity in sorted(found.items())
    }
