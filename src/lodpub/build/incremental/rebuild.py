"""A rebuild that redoes only what changed since the build the state records, or says why it
cannot (see the package's description)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pyoxigraph import Triple

from ...mapping import Iris
from ...mapping.dataset import Statistics
from ...settings import Settings
from ...validate import Issue, Validator
from ...write import atomic, dumps
from ...write.atomic import new_folder, recover, write_journal
from ...write.dumps import Layout, PartFiles, Table, WholeFiles, dump_files, dump_sizes, part_sizes
from ...write.index import IndexRow
from ...write.jsonld import Context
from ...write.layout import (
    DESCRIPTION,
    INDEX,
    LETTERS,
    letter_files,
    part_count,
    part_nquads,
    part_of,
)
from ...write.letters import write_letter_files
from ...write.rdf import PrefixTracker, nquads
from ..cache import LetterCache
from ..dataset import Description
from ..result import BuildResult, Timings
from ..workers import LetterResult, process, warnings_of
from .entities import EntityUpdate
from .previous import PreviousIndex, PreviousParts, Stale
from .state import (
    STATE,
    TABLE,
    StateDb,
    failures_json,
    output_digest,
    settings_key,
    stat_or_nothing,
    table_of,
)

if TYPE_CHECKING:
    from ...corpus import Corpus


@dataclass(frozen=True)
class FullBuild:
    """Why a build with a cache cannot update the output incrementally, said to the user
    (``--timings``, ``-v``): the caller makes a full build instead."""

    reason: str


def rebuild(
    source: Corpus,
    out: Path,
    settings: Settings,
    cache: LetterCache,
    state_dir: Path,
    validator: Validator,
    timings: Timings,
    keep_going: bool,
    jobs: int,
    guard: Callable[[int], None] = lambda published: None,
) -> BuildResult | FullBuild:
    """Update ``out`` for what changed since the build the state records, or say why that is
    not possible (no state, another output, other settings, many changes): the caller then
    makes a full build. ``guard`` gets the number of letters the update would publish and may
    refuse it (by raising) before anything is published. Any other error is an error."""
    recover(out)
    path = state_dir / STATE
    if not path.is_file():
        return FullBuild(f"no state of an earlier build in {state_dir}")
    if not (out / INDEX).is_file():
        return FullBuild(f"{out} has no {INDEX}")
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        return _Rebuild(source, out, settings, cache, StateDb(connection), validator, timings).run(
            keep_going, jobs, guard
        )
    except (Stale, sqlite3.DatabaseError) as error:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        if isinstance(error, sqlite3.DatabaseError):
            return FullBuild(f"the state {path} cannot be read ({error})")
        return FullBuild(str(error))
    finally:
        connection.close()


_CHANGED = {  # why the state recorded does not describe this build
    "fingerprint": "the authority file, the shapes, the ontology, the archives table or lodpub changed",
    "settings": "the settings changed",
    "parts": "the number of parts changed",
    "index": "the output was changed since the build the state records",
}


@dataclass
class _Rebuild:
    """One incremental rebuild of ``out`` (see the module's description)."""

    source: Corpus
    out: Path
    settings: Settings
    cache: LetterCache
    db: StateDb
    validator: Validator
    timings: Timings

    def __post_init__(self) -> None:
        self.iris = Iris(self.settings.base_iri)
        self.base = self.iris.base
        self.context = Context.default()
        self.entities = EntityUpdate(self.db, self.base, self.validator, self.source)
        self.table: Table | None = None  # where the parts lie in the whole dumps (none: parts)
        self.description: Description  # of the output, once the number of parts is known

    def run(self, keep_going: bool, jobs: int, guard: Callable[[int], None]) -> BuildResult:
        started = time.perf_counter()
        db = self.db
        ids = self.source.id_names()
        count = part_count(len(ids), self.settings.letters_per_part)
        self.description = Description(self.iris, self.settings, count)
        self.table = table_of(db)
        expected = {
            "fingerprint": self.cache.fingerprint,
            "settings": settings_key(self.settings),
            "parts": str(count),
            "index": output_digest(self.out, dump_files(count, self.table)),
        }
        changed_meta = [key for key, value in expected.items() if db.meta(key) != value]
        if changed_meta:
            raise Stale(_CHANGED[changed_meta[0]])
        if (self.table is None) != (self.settings.dumps == "parts"):
            raise Stale("the state has no table of the whole dumps' parts")
        known = dict(db.db.execute("SELECT id, file || '\t' || stat FROM letters").fetchall())
        todo: list[tuple[str, list[Path]]] = []
        stats: dict[str, str] = {}
        folder = os.open(self.source.folder, os.O_RDONLY)  # stat by name: no path to build
        try:
            for ident, names in ids.items():
                if len(names) == 1:
                    stats[ident] = stat = stat_or_nothing(names[0], folder)
                    if stat and known.get(ident) == f"{names[0]}\t{stat}":
                        continue
                todo.append((ident, [self.source.folder / name for name in names]))
        finally:
            os.close(folder)
        todo.sort()
        removed = sorted(set(known) - set(ids))
        if len(todo) + len(removed) > max(64, len(known) // 8):  # a full build from the cache is as quick
            raise Stale(
                f"{len(todo) + len(removed)} of {len(known)} letters changed, more than "
                f"{max(64, len(known) // 8)} (an eighth, at least 64)"
            )
        before: dict[str, tuple[str | None, str | None]] = {}
        for ident in [*(i for i, _ in todo), *removed]:
            row = db.db.execute("SELECT key, issues FROM letters WHERE id = ?", (ident,)).fetchone()
            if row is not None:
                before[ident] = row
        self.timings.read_map += time.perf_counter() - started  # finding what changed
        outcomes = {
            letter.ident: letter
            for letter in process(
                self.source, todo, self.settings, jobs, self.timings, self.cache, self.validator
            )
        }
        db.db.execute("BEGIN")
        changed: dict[str, LetterResult] = {}
        for ident, letter in outcomes.items():
            old = before.get(ident)
            if old is not None and letter.key is not None and old == (letter.key, None):
                # the same bytes (a file touched, copied back): only its stat is new
                db.db.execute("UPDATE letters SET stat = ? WHERE id = ?", (stats[ident], ident))
            else:
                changed[ident] = letter
        failed = db.db.execute("SELECT id, issues FROM letters WHERE issues IS NOT NULL ORDER BY id")
        problems = [
            Issue(**issue)
            for ident, text in failed.fetchall()
            if ident not in changed and ident not in removed
            for issue in json.loads(text)
        ]
        for letter in changed.values():
            problems += letter.issues
        if problems and not keep_going:
            db.db.execute("ROLLBACK")
            return BuildResult(out=self.out, written=False, letters=0, problems=tuple(problems))
        if not changed and not removed:  # the output is already what a full build would give
            entity_problems = db.entity_issues()
            if entity_problems and not keep_going:
                db.db.execute("ROLLBACK")
                return BuildResult(
                    out=self.out, written=False, letters=0, problems=(*problems, *entity_problems)
                )
            db.db.execute("COMMIT")
            self.timings.mode = "incremental"
            totals = self._totals(Statistics.from_json(db.meta("letter_stats") or ""))
            return self._result(problems + entity_problems, totals, dump_sizes(self.out, count, self.table))
        started = time.perf_counter()
        stage = new_folder(self.out, "stage")
        try:
            with PreviousParts(self.out, Layout.of(count, self.table)) as previous:
                update = self._update(changed, removed, before, stats, count, stage, previous)
        except BaseException:
            shutil.rmtree(stage, ignore_errors=True)  # nothing of it was published
            raise
        self.timings.write = time.perf_counter() - started
        started = time.perf_counter()
        entity_problems = db.entity_issues()
        if entity_problems and not keep_going:
            db.db.execute("ROLLBACK")
            shutil.rmtree(update.stage, ignore_errors=True)
            problems += entity_problems
            return BuildResult(out=self.out, written=False, letters=0, problems=tuple(problems))
        try:
            guard(db.db.execute("SELECT count(*) FROM letters WHERE issues IS NULL").fetchone()[0])
        except BaseException:
            db.db.execute("ROLLBACK")
            shutil.rmtree(update.stage, ignore_errors=True)
            raise
        db.db.execute("COMMIT")
        atomic.apply_journal(update.stage, self.out)
        self.cache.forget(update.forget)
        self.timings.finish = time.perf_counter() - started
        self.timings.mode = "incremental"
        return self._result(
            problems + entity_problems, update.stats, update.sizes or part_sizes(self.out, count)
        )

    def _result(self, problems: list[Issue], totals: Statistics, files: dict[str, int]) -> BuildResult:
        """What the rebuild reports: the letters published, problems, warnings and counts."""
        db = self.db.db
        published = db.execute("SELECT count(*) FROM letters WHERE issues IS NULL").fetchone()[0]
        withheld = db.execute(
            "SELECT count(*) FROM letters WHERE issues IS NULL AND withheld = 1"
        ).fetchone()[0]
        return BuildResult(
            out=self.out,
            written=True,
            letters=published,
            problems=tuple(problems),
            warnings=tuple(self.db.letter_notes() + self.db.warnings()),
            triples=totals.triples,
            entities=totals.entities,
            files=files,
            timings=self.timings,
            withheld=withheld,
        )

    def _totals(self, letter_stats: Statistics) -> Statistics:
        """The dataset's counts: the letter graphs' and each part of the entities graph's."""
        total = Statistics.from_json(letter_stats.as_json())
        for (text,) in self.db.db.execute("SELECT stats FROM segments ORDER BY part"):
            total.combine(Statistics.from_json(text))
        first = self.db.db.execute("SELECT min(id) FROM letters WHERE issues IS NULL").fetchone()[0]
        total.example = self.iris.letter(first).value if first else None
        return total

    def _update(
        self,
        changed: dict[str, LetterResult],
        removed: list[str],
        before: dict[str, tuple[str | None, str | None]],
        stats: dict[str, str],
        count: int,
        stage: Path,
        old: PreviousParts,
    ) -> _Update:
        """Apply the changes to the state (in the open transaction) and stage the new files."""
        db, base = self.db, self.base
        layout = old.layout
        entities_iri, dataset_iri = self.iris.entities_graph.value, self.iris.dataset_graph.value
        index = PreviousIndex(self.out, self.iris.letter_graph("").value, entities_iri, layout)
        entity_rows = dict(index.entities)
        letter_stats = Statistics.from_json(db.meta("letter_stats") or "")
        touched: set[int] = set()
        fresh: dict[str, tuple[bytes, list[Triple], str]] = {}  # graph IRI -> N-Quads, triples, id
        unpublished: list[str] = []
        dirty: set[str] = set()
        forget: set[str] = set()
        for ident in sorted([*changed, *removed]):
            graph = self.iris.letter_graph(ident).value
            previous = index.pop(graph)
            key = before.get(ident, (None, None))[0]
            if key is not None:
                forget.add(key)
            if previous is not None:
                gone = Statistics()
                gone.add(old.triples(previous), base)
                letter_stats.combine(gone, -1)
                dirty.add(previous.file)
                mentioned = db.db.execute("SELECT DISTINCT entity FROM mentions WHERE letter = ?", (ident,))
                touched.update(entity for (entity,) in mentioned)
                db.db.execute("DELETE FROM mentions WHERE letter = ?", (ident,))
                unpublished.append(ident)
            if ident not in changed:
                db.db.execute("DELETE FROM letters WHERE id = ?", (ident,))
                continue
            letter = changed[ident]
            failures = failures_json(letter.issues)
            notes = failures_json(warnings_of(letter.mapped)) if letter.mapped and not letter.issues else None
            single = letter.paths[0] if len(letter.paths) == 1 else None
            withheld = int(letter.mapped is not None and letter.mapped.withheld)
            name = single.name if single else ""
            db.db.execute(
                "INSERT OR REPLACE INTO letters (id, file, stat, key, issues, notes, withheld) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (ident, name, stats.get(ident, ""), letter.key, failures, notes, withheld),
            )
            if letter.key is not None:
                forget.discard(letter.key)
            mapped = letter.mapped
            if mapped is None or letter.issues:
                continue
            touched |= db.mentions(mapped, base)
            fresh[graph] = (nquads(mapped.graph, mapped.triples), mapped.triples, ident)
            added = Statistics()
            added.add(mapped.triples, base)
            letter_stats.combine(added)
            dirty.add(part_nquads(part_of(graph, count)))
        if unpublished:
            unpublished = [i for i in unpublished if self.iris.letter_graph(i).value not in fresh]
        subjects = self.entities.choose(touched)
        segments, changes = self.entities.segments(subjects, entity_rows, old, count)
        dirty |= {part_nquads(p) for p in segments}
        self.entities.validate(changes)
        db.set_meta("letter_stats", letter_stats.as_json())
        for part, segment in segments.items():
            part_stats = Statistics()
            part_stats.add(segment, base)
            db.db.execute("UPDATE segments SET stats = ? WHERE part = ?", (part_stats.as_json(), part))
        total = self._totals(letter_stats)

        # stage the new files
        (stage / LETTERS).mkdir()
        replace: list[str] = []
        for graph, (data, triples, ident) in sorted(fresh.items()):
            tracker = PrefixTracker()
            tracker.see(triples)
            files = write_letter_files(stage / LETTERS, ident, triples, self.context, tracker)
            replace += letter_files(ident)
            digest = hashlib.sha256(data).hexdigest()
            name = part_nquads(part_of(graph, count))
            index.put(IndexRow(graph, len(triples), digest, name, -1, len(data), files))
        sink: PartFiles | WholeFiles
        if self.table is None:
            sink = PartFiles(stage, self.context, count)
        else:
            sink = WholeFiles(stage, self.context, (self.out, self.table))
        try:
            for part in range(count):
                name = part_nquads(part)
                if name not in dirty:
                    sink.keep()
                    continue
                pieces: list[bytes] = []
                offset = 0
                for graph in sorted(index.by_file.get(name, ())):
                    row = index.row(graph)
                    piece = fresh[graph][0] if graph in fresh else old.slice(row)
                    index.put(IndexRow(graph, row.triples, row.sha256, name, offset, len(piece), row.files))
                    pieces.append(piece)
                    offset += len(piece)
                if part in segments:
                    piece = nquads(self.iris.entities_graph, segments[part])
                    triples_in = len(segments[part])
                else:
                    piece, triples_in = old.slice(entity_rows[name]), entity_rows[name].triples
                digest = hashlib.sha256(piece).hexdigest()
                index.entities[name] = IndexRow(entities_iri, triples_in, digest, name, offset, len(piece))
                pieces.append(piece)
                dumps.write_part(sink, b"".join(pieces), self.context)
            description = self.description.graph(total, self.validator)
            data = nquads(self.iris.dataset_graph, description)
            digest = hashlib.sha256(data).hexdigest()
            if index.description is None or digest != index.description.sha256:
                dumps.write_part(sink, data, self.context)
            else:
                sink.keep()
            written = sink.finish()
        except BaseException:
            if isinstance(sink, WholeFiles):
                sink.close()
            raise
        index.description = IndexRow(
            dataset_iri, len(description), digest, part_nquads(DESCRIPTION), 0, len(data)
        )
        new_layout = Layout.of(count, written.table)
        (stage / INDEX).write_text(index.text(count, new_layout), encoding="utf-8", newline="\n")
        replace += written.files
        sizes: dict[str, int | None] = {**written.chunks}
        if written.table is None:  # each part's gzip file as staged, or as it was
            sizes = {
                name: ((stage / name) if (stage / name).exists() else (self.out / name)).stat().st_size
                for name in self.description.chunks
            }
        replace += [INDEX, *self.description.void(stage, total, written.sizes, sizes, self.context)]
        remove = [name for i in unpublished for name in letter_files(i)]
        if self.table is not None:  # gzip chunks the new dumps do not have
            remove += sorted(set(dump_files(count, self.table)) - set(written.files))
            db.set_meta(TABLE, json.dumps(written.table))
        db.set_meta("index", output_digest(self.out, dump_files(count, written.table), stage, replace))
        write_journal(stage, replace, remove)
        return _Update(stage, total, forget, written.sizes)


@dataclass
class _Update:
    stage: Path
    stats: Statistics
    forget: set[str]
    sizes: dict[str, int]
