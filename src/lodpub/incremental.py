"""Incremental rebuilds of a dist/ whose dumps are in parts (``dumps = "parts"``).

A full build with a cache records what a later build needs to redo only what an edit touched,
in ``state.sqlite`` in the cache folder: each letter's file, stat and cache key; which entity
descriptions each letter gives (so the published description of an entity can be chosen again
as a full build chooses it); the published descriptions, which subjects they describe and what
they point at; the VoID counts of the letters and of each part's share of the entities graph;
the warnings and the entity issues. The state names the output it describes (the hash of its
graphs.tsv, the size and time of every other dump file), so a dist/ changed since is never
updated from a stale state: the build is then a full one, as it is for other settings, another
authority file, other shapes or another lodpub version, or many changed letters at once.

A rebuild stats the source files (reading only those whose stat changed), maps and validates
the changed letters, chooses the affected entities' descriptions again, validates the part of
the entities graph whose verdicts an edit can change, and writes the parts it touched. Output is
byte-identical to a full build; the tests compare them.

The new files are written to a staging folder beside dist/; a journal listing them is written
last, the state is committed, and then the files are renamed into place. A build killed before
the journal leaves dist/ as it was; one killed after it is completed by the next build."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

import pyoxigraph as ox
from pyoxigraph import NamedNode, Triple

from . import batches
from .atomic import apply_journal, new_folder, recover, write_journal
from .errors import LodpubError
from .index import INDEX, INDEX_HEADER, IndexRow, index_lines
from .jsonld import Context
from .mapping import Iris, MappedLetter
from .mapping.dataset import Statistics, describe_dataset
from .mapping.rdf import object_of, subject_of, triple_key
from .parts import DESCRIPTION, nquads, part_count, part_files, part_nquads, part_of, write_part
from .parts import sizes as part_sizes
from .result import BuildResult, Timings
from .serialize import CONTEXT, VOID, PrefixTracker, write_description, write_letter_files
from .settings import Settings
from .shared import Origin, Source, description_key, entity_warnings, field_of, variant_id
from .validate import Issue, Validator
from .vocab import RDF_TYPE

if TYPE_CHECKING:
    from .assemble import Assembly
    from .corpus import Corpus

STATE = "state.sqlite"
_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE letters (id TEXT PRIMARY KEY, file TEXT NOT NULL, stat TEXT NOT NULL, key TEXT, issues TEXT,
                      notes TEXT, withheld INTEGER NOT NULL DEFAULT 0);
CREATE TABLE entities (id INTEGER PRIMARY KEY, iri TEXT UNIQUE NOT NULL);
CREATE TABLE mentions (entity INTEGER NOT NULL, variant TEXT NOT NULL, letter TEXT NOT NULL, line INTEGER);
CREATE TABLE variants (entity INTEGER NOT NULL, variant TEXT NOT NULL, nt BLOB NOT NULL,
                       PRIMARY KEY (entity, variant));
CREATE TABLE chosen (entity INTEGER PRIMARY KEY, variant TEXT NOT NULL, nt BLOB NOT NULL);
CREATE TABLE subjects (subject TEXT NOT NULL, entity INTEGER NOT NULL);
CREATE TABLE refs (object TEXT NOT NULL, subject TEXT NOT NULL, entity INTEGER NOT NULL);
CREATE TABLE segments (part INTEGER PRIMARY KEY, stats TEXT NOT NULL);
CREATE TABLE warnings (entity INTEGER NOT NULL, issue TEXT NOT NULL);
CREATE TABLE entity_issues (focus TEXT NOT NULL, issue TEXT NOT NULL);
"""
_INDEXES = """
CREATE INDEX mentions_entity ON mentions (entity, variant, letter);
CREATE INDEX mentions_letter ON mentions (letter);
CREATE INDEX subjects_subject ON subjects (subject);
CREATE INDEX subjects_entity ON subjects (entity);
CREATE INDEX refs_object ON refs (object);
CREATE INDEX refs_entity ON refs (entity);
CREATE INDEX warnings_entity ON warnings (entity);
CREATE INDEX entity_issues_focus ON entity_issues (focus);
"""


def stat_of(path: Path) -> str:
    """What tells a source file changed without reading it: size, times and inode ("" for a
    file that cannot be read)."""
    return _stat_or_nothing(str(path))


def settings_key(settings: Settings) -> str:
    """Every setting that shapes the output."""
    return json.dumps(asdict(settings), sort_keys=True)


def _nt(triples: Iterable[Triple]) -> bytes:
    return cast(bytes, ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES))


def _parse(data: bytes) -> list[Triple]:
    return [q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)] if data else []


def _issue_json(issue: Issue) -> str:
    return json.dumps(asdict(issue), sort_keys=True)


def _failures(issues: list[Issue]) -> str | None:
    """A letter's issues as kept in the state (None: the letter is published)."""
    return json.dumps([asdict(i) for i in issues], sort_keys=True) if issues else None


def _issue(text: str) -> Issue:
    return Issue(**json.loads(text))


class _Db:
    """The state database: entity ids, and the few queries both kinds of build share."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self._ids: dict[str, int] = {}
        self._stored: set[tuple[int, str]] = set()  # variants known to be in the table

    def entity(self, iri: str) -> int:
        found = self._ids.get(iri)
        if found is None:
            row = self.db.execute("SELECT id FROM entities WHERE iri = ?", (iri,)).fetchone()
            if row is None:
                found = self.db.execute("INSERT INTO entities (iri) VALUES (?)", (iri,)).lastrowid
                assert found is not None
            else:
                found = row[0]
            self._ids[iri] = found
        return found

    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def mention(self, letter: str, iri: str, description: list[Triple], line: int) -> int:
        entity = self.entity(iri)
        variant = variant_id(description)
        self.db.execute(
            "INSERT INTO mentions (entity, variant, letter, line) VALUES (?, ?, ?, ?)",
            (entity, variant, letter, line),
        )
        if (entity, variant) not in self._stored:
            self.db.execute(
                "INSERT OR IGNORE INTO variants (entity, variant, nt) VALUES (?, ?, ?)",
                (entity, variant, _nt(description)),
            )
            self._stored.add((entity, variant))
        return entity

    def mentions(self, mapped: MappedLetter, base: str) -> set[int]:
        """Record the entity descriptions a letter gives, each at the line of the field that
        names the entity (the line a warning would point at); the entities' ids."""
        origin = Origin(mapped.letter.id, mapped.letter.path, mapped.field_lines)
        return {
            self.mention(mapped.letter.id, iri, description, origin.line(field_of(base, iri)))
            for iri, description in mapped.entities.items()
        }

    def forget_unmentioned(self, entity: int) -> None:
        """Drop the descriptions of an entity that no letter gives any more."""
        self.db.execute(
            "DELETE FROM variants WHERE entity = ? AND variant NOT IN "
            "(SELECT variant FROM mentions WHERE entity = ?)",
            (entity, entity),
        )
        self._stored = {known for known in self._stored if known[0] != entity}

    def publish(
        self, entity: int, variant: str, description: list[Triple], base: str, replace: bool = True
    ) -> None:
        """Record the published description of an entity (replacing any earlier one)."""
        if replace:
            self.unpublish(entity)
        self.db.execute(
            "INSERT INTO chosen (entity, variant, nt) VALUES (?, ?, ?)", (entity, variant, _nt(description))
        )
        subjects = {subject_of(t).value for t in description}
        self.db.executemany(
            "INSERT INTO subjects (subject, entity) VALUES (?, ?)", [(s, entity) for s in subjects]
        )
        refs = {
            (object_of(t).value, subject_of(t).value)
            for t in description
            if isinstance(object_of(t), NamedNode) and object_of(t).value.startswith(base)
        }
        self.db.executemany(
            "INSERT INTO refs (object, subject, entity) VALUES (?, ?, ?)", [(*r, entity) for r in refs]
        )

    def unpublish(self, entity: int) -> None:
        for table in ("chosen", "subjects", "refs"):
            self.db.execute(f"DELETE FROM {table} WHERE entity = ?", (entity,))

    def set_warnings(self, entity: int, warnings: list[Issue]) -> None:
        self.db.execute("DELETE FROM warnings WHERE entity = ?", (entity,))
        self.db.executemany(
            "INSERT INTO warnings (entity, issue) VALUES (?, ?)", [(entity, _issue_json(w)) for w in warnings]
        )

    def warnings(self) -> list[Issue]:
        """Every entity's warnings, in the order a full build gives them (by entity IRI)."""
        rows = self.db.execute(
            "SELECT w.issue FROM warnings w JOIN entities e ON e.id = w.entity ORDER BY e.iri, w.rowid"
        )
        return [_issue(text) for (text,) in rows]

    def letter_notes(self) -> list[Issue]:
        """The published letters' warnings, in letter id order (as a full build gives them)."""
        rows = self.db.execute(
            "SELECT notes FROM letters WHERE notes IS NOT NULL AND issues IS NULL ORDER BY id"
        )
        return [Issue(**issue) for (text,) in rows for issue in json.loads(text)]

    def entity_issues(self) -> list[Issue]:
        return sorted(
            (_issue(text) for (text,) in self.db.execute("SELECT issue FROM entity_issues")),
            key=lambda i: (i.focus, i.field, i.message, i.value or ""),
        )


class StateRecorder:
    """Records a full build's state as its letters stream in; ``commit`` puts it in place once
    the build is published."""

    def __init__(self, folder: Path, fingerprint: str, settings: Settings, count: int) -> None:
        self.meta = {"fingerprint": fingerprint, "settings": settings_key(settings), "parts": str(count)}
        self.count = count
        folder.mkdir(parents=True, exist_ok=True)
        self.target = folder / STATE
        fd, name = tempfile.mkstemp(dir=folder, prefix=".state-", suffix=".tmp")
        os.close(fd)
        self.path = Path(name)
        self.db = _Db(sqlite3.connect(self.path))
        self.db.db.execute("PRAGMA journal_mode = OFF")
        self.db.db.execute("PRAGMA synchronous = OFF")
        self.db.db.executescript(_SCHEMA)
        self.db.db.execute("BEGIN")

    def letter(
        self,
        ident: str,
        paths: list[Path],
        stat: str,
        key: str | None,
        issues: list[Issue],
        notes: list[Issue],
        withheld: bool = False,
    ) -> None:
        """One letter's file, stat, key, issues and warnings, and whether its text was left out."""
        self.db.db.execute(
            "INSERT OR REPLACE INTO letters (id, file, stat, key, issues, notes, withheld) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                ident,
                paths[0].name if len(paths) == 1 else "",
                stat,
                key,
                _failures(issues),
                _failures(notes),
                int(withheld),
            ),
        )

    def mentions(self, mapped: MappedLetter, base: str) -> None:
        self.db.mentions(mapped, base)

    def commit(self, assembly: Assembly, warnings: list[Issue], entity_issues: list[Issue]) -> None:
        """Record what the published ``assembly`` holds, and put the state in place."""
        db, base, chosen = self.db, assembly.iris.base, assembly.shared.chosen
        for iri in sorted(chosen):
            db.publish(db.entity(iri), variant_id(chosen[iri]), chosen[iri], base, replace=False)
        for part, segment in enumerate(assembly.segments):
            stats = Statistics()
            stats.add(segment, base)
            db.db.execute("INSERT INTO segments (part, stats) VALUES (?, ?)", (part, stats.as_json()))
        for warning in warnings:
            db.db.execute(
                "INSERT INTO warnings (entity, issue) VALUES (?, ?)",
                (db.entity(warning.focus), _issue_json(warning)),
            )
        db.db.executemany(
            "INSERT INTO entity_issues (focus, issue) VALUES (?, ?)",
            [(i.focus, _issue_json(i)) for i in entity_issues],
        )
        db.set_meta("letter_stats", assembly.letter_stats.as_json())
        for key, value in {**self.meta, "index": output_digest(assembly.out, self.count)}.items():
            db.set_meta(key, value)
        db.db.executescript(_INDEXES)
        db.db.commit()
        db.db.close()
        os.replace(self.path, self.target)

    def discard(self) -> None:
        try:
            self.db.db.close()
        finally:
            self.path.unlink(missing_ok=True)


def output_digest(out: Path, count: int, stage: Path | None = None, staged: Iterable[str] = ()) -> str:
    """What the state knows of the output it describes: the bytes of graphs.tsv (which has the
    hash of every graph and letter file) and the size and time of every other file of the
    dumps, so a part changed by hand means a full build. With ``stage``, the ``staged`` files
    are taken from there (a rename keeps a file's size and time)."""
    moved = set(staged)

    def where(name: str) -> Path:
        return stage / name if stage is not None and name in moved else out / name

    try:
        digest = hashlib.sha256(where(INDEX).read_bytes())
        for name in [
            VOID,
            CONTEXT,
            *(n for p in [*range(count), DESCRIPTION] for n in part_files(p)),
        ]:
            st = where(name).stat()
            digest.update(f"\0{name}:{st.st_size}:{st.st_mtime_ns}".encode())
    except OSError:
        return ""
    return digest.hexdigest()


# ---------------------------------------------------------------------------------------------
# The rebuild


class _Index:
    """graphs.tsv as read back. The letters' lines stay text (100,000 of them) and are parsed
    only when their letter or their part changes."""

    def __init__(self, out: Path, prefix: str, entities: str) -> None:
        self.letters: dict[str, str] = {}  # graph IRI -> its line
        self.by_file: dict[str, set[str]] = {}  # part file -> its letter graphs
        self.entities: dict[str, IndexRow] = {}  # part file -> the entities graph's span in it
        self.description: IndexRow | None = None
        try:
            for line in index_lines(out / INDEX):
                iri, _, _, file, _ = line.split("\t", 4)
                if iri.startswith(prefix):
                    self.letters[iri] = line
                    self.by_file.setdefault(file, set()).add(iri)
                elif iri == entities:
                    self.entities[file] = IndexRow.parse(line)
                else:
                    self.description = IndexRow.parse(line)
        except ValueError as error:
            raise _Stale(f"{INDEX} is not one this build wrote ({error})") from None

    def pop(self, graph: str) -> IndexRow | None:
        """A letter graph's row, taken out of the index."""
        line = self.letters.pop(graph, None)
        if line is None:
            return None
        row = IndexRow.parse(line)
        self.by_file[row.file].discard(graph)
        return row

    def put(self, row: IndexRow) -> None:
        self.letters[row.iri] = row.line()
        self.by_file.setdefault(row.file, set()).add(row.iri)

    def row(self, graph: str) -> IndexRow:
        return IndexRow.parse(self.letters[graph])

    def text(self, count: int) -> str:
        """graphs.tsv: letter graphs in id order, the entities graph part by part, the
        description."""
        assert self.description is not None
        lines = [INDEX_HEADER, *(self.letters[g] for g in sorted(self.letters))]
        lines += (self.entities[part_nquads(p)].line() for p in range(count))
        lines.append(self.description.line())
        return "".join(lines)


class _Parts:
    """Old part files, read when first needed."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self._data: dict[str, bytes] = {}

    def slice(self, row: IndexRow) -> bytes:
        data = self._data.get(row.file)
        if data is None:
            try:
                data = self._data[row.file] = (self.out / row.file).read_bytes()
            except FileNotFoundError:
                raise _Stale(f"{row.file}, which {INDEX} lists, is missing from the output") from None
        piece = data[row.offset : row.offset + row.size]
        if hashlib.sha256(piece).hexdigest() != row.sha256:
            raise _Stale(f"{row.file} does not match {INDEX}")
        return piece

    def triples(self, row: IndexRow) -> list[Triple]:
        return [q.triple for q in ox.parse(self.slice(row), format=ox.RdfFormat.N_QUADS)]


class _Stale(Exception):
    """The output or the state is not what the state says: make a full build instead (the
    message says why)."""


@dataclass(frozen=True)
class FullBuild:
    """Why a build with a cache cannot update the output incrementally, said to the user
    (``--timings``, ``-v``): the caller makes a full build instead."""

    reason: str


def rebuild(
    source: Corpus,
    out: Path,
    settings: Settings,
    cache: batches.LetterCache,
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
        return _Rebuild(source, out, settings, cache, _Db(connection), validator, timings).run(
            keep_going, jobs, guard
        )
    except (_Stale, sqlite3.DatabaseError) as error:
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
    cache: batches.LetterCache
    db: _Db
    validator: Validator
    timings: Timings

    def __post_init__(self) -> None:
        self.iris = Iris(self.settings.base_iri)
        self.base = self.iris.base
        self.context = Context.default()

    def run(self, keep_going: bool, jobs: int, guard: Callable[[int], None]) -> BuildResult:
        started = time.perf_counter()
        db = self.db
        ids = self.source.id_names()
        count = part_count(len(ids))
        expected = {
            "fingerprint": self.cache.fingerprint,
            "settings": settings_key(self.settings),
            "parts": str(count),
            "index": output_digest(self.out, count),
        }
        changed_meta = [key for key, value in expected.items() if db.meta(key) != value]
        if changed_meta:
            raise _Stale(_CHANGED[changed_meta[0]])
        known = dict(db.db.execute("SELECT id, file || '\t' || stat FROM letters").fetchall())
        todo: list[tuple[str, list[Path]]] = []
        stats: dict[str, str] = {}
        folder = os.open(self.source.folder, os.O_RDONLY)  # stat by name: no path to build
        try:
            for ident, names in ids.items():
                if len(names) == 1:
                    stats[ident] = stat = _stat_or_nothing(names[0], folder)
                    if stat and known.get(ident) == f"{names[0]}\t{stat}":
                        continue
                todo.append((ident, [self.source.folder / name for name in names]))
        finally:
            os.close(folder)
        todo.sort()
        removed = sorted(set(known) - set(ids))
        if len(todo) + len(removed) > max(64, len(known) // 8):  # a full build from the cache is as quick
            raise _Stale(
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
            for letter in self.source.process(
                todo, self.settings, jobs, self.timings, self.cache, self.validator
            )
        }
        db.db.execute("BEGIN")
        changed: dict[str, batches.LetterResult] = {}
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
        started = time.perf_counter()
        stage = new_folder(self.out, "stage")
        try:
            update = self._update(changed, removed, before, stats, count, stage)
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
        apply_journal(update.stage, self.out)
        self.cache.forget(update.forget)
        self.timings.finish = time.perf_counter() - started
        self.timings.mode = "incremental"
        published = db.db.execute("SELECT count(*) FROM letters WHERE issues IS NULL").fetchone()[0]
        withheld = db.db.execute(
            "SELECT count(*) FROM letters WHERE issues IS NULL AND withheld = 1"
        ).fetchone()[0]
        return BuildResult(
            out=self.out,
            written=True,
            letters=published,
            problems=tuple(problems + entity_problems),
            warnings=tuple(db.letter_notes() + db.warnings()),
            triples=update.stats.triples,
            entities=update.stats.entities,
            files=part_sizes(self.out, count),
            timings=self.timings,
            withheld=withheld,
        )

    def _update(
        self,
        changed: dict[str, batches.LetterResult],
        removed: list[str],
        before: dict[str, tuple[str | None, str | None]],
        stats: dict[str, str],
        count: int,
        stage: Path,
    ) -> _Update:
        """Apply the changes to the state (in the open transaction) and stage the new files."""
        db, base = self.db, self.base
        old = _Parts(self.out)
        entities_iri, dataset_iri = self.iris.entities_graph.value, self.iris.dataset_graph.value
        index = _Index(self.out, self.iris.letter_graph("").value, entities_iri)
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
            failures = _failures(letter.issues)
            notes = (
                _failures(batches.warnings_of(letter.mapped)) if letter.mapped and not letter.issues else None
            )
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
        subjects = self._choose(touched)
        segments, changes = self._segments(subjects, entity_rows, old, count)
        dirty |= {part_nquads(p) for p in segments}
        self._validate(changes)
        db.set_meta("letter_stats", letter_stats.as_json())
        for part, segment in segments.items():
            part_stats = Statistics()
            part_stats.add(segment, base)
            db.db.execute("UPDATE segments SET stats = ? WHERE part = ?", (part_stats.as_json(), part))
        total = Statistics.from_json(letter_stats.as_json())
        for (text,) in db.db.execute("SELECT stats FROM segments ORDER BY part"):
            total.combine(Statistics.from_json(text))
        first = db.db.execute("SELECT min(id) FROM letters WHERE issues IS NULL").fetchone()[0]
        total.example = self.iris.letter(first).value if first else None

        # stage the new files
        (stage / "letters").mkdir()
        replace: list[str] = []
        for graph, (data, triples, ident) in sorted(fresh.items()):
            tracker = PrefixTracker()
            tracker.see(triples)
            files = write_letter_files(stage / "letters", ident, triples, self.context, tracker)
            replace += [f"letters/{ident}.ttl", f"letters/{ident}.jsonld"]
            digest = hashlib.sha256(data).hexdigest()
            name = part_nquads(part_of(graph, count))
            index.put(IndexRow(graph, len(triples), digest, name, -1, len(data), files))
        for part in range(count):
            name = part_nquads(part)
            if name not in dirty:
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
            write_part(stage, part, b"".join(pieces), self.context)
            replace += part_files(part)
        names = [part_files(p)[-1] for p in [*range(count), DESCRIPTION]]
        description = describe_dataset(self.iris, self.settings, total, chunks=dict.fromkeys(names), dumps=())
        issues = self.validator.dataset(description)
        if issues:
            raise LodpubError("the dataset description does not conform: " + "; ".join(map(str, issues)))
        data = nquads(self.iris.dataset_graph, description)
        digest = hashlib.sha256(data).hexdigest()
        if index.description is None or digest != index.description.sha256:
            write_part(stage, DESCRIPTION, data, self.context)
            replace += part_files(DESCRIPTION)
        index.description = IndexRow(
            dataset_iri, len(description), digest, part_nquads(DESCRIPTION), 0, len(data)
        )
        (stage / INDEX).write_text(index.text(count), encoding="utf-8", newline="\n")
        sizes: dict[str, int | None] = {
            name: ((stage / name) if (stage / name).exists() else (self.out / name)).stat().st_size
            for name in names
        }
        void = describe_dataset(self.iris, self.settings, total, {}, sizes, ())
        replace += [INDEX, *write_description(stage, void, self.context)]
        remove = [f"letters/{i}{suffix}" for i in unpublished for suffix in (".ttl", ".jsonld")]
        db.set_meta("index", output_digest(self.out, count, stage, replace))
        write_journal(stage, replace, remove)
        return _Update(stage, total, forget)

    def _choose(self, touched: set[int]) -> set[str]:
        """Choose the published description of each touched entity again, as a full build
        chooses it, with its warnings; the subjects whose published triples may have changed."""
        db, base = self.db, self.base
        subjects: set[str] = set()
        for entity in sorted(touched):
            iri = db.db.execute("SELECT iri FROM entities WHERE id = ?", (entity,)).fetchone()[0]
            db.forget_unmentioned(entity)
            given = db.db.execute(
                "SELECT variant, count(*), min(letter) FROM mentions WHERE entity = ? GROUP BY variant",
                (entity,),
            ).fetchall()
            descriptions = {
                variant: _parse(nt)
                for variant, nt in db.db.execute(
                    "SELECT variant, nt FROM variants WHERE entity = ?", (entity,)
                )
            }
            before = db.db.execute("SELECT variant, nt FROM chosen WHERE entity = ?", (entity,)).fetchone()
            if before is not None:
                subjects |= {subject_of(t).value for t in _parse(before[1])}
            if not given:
                db.unpublish(entity)
                db.set_warnings(entity, [])
                continue
            best = min(given, key=lambda row: description_key(descriptions[row[0]]))
            published = descriptions[best[0]]
            subjects |= {subject_of(t).value for t in published}
            if before is None or before[0] != best[0]:
                db.publish(entity, best[0], published, base)
            if len(given) == 1:
                db.set_warnings(entity, [])
                continue
            variants = []
            for variant, times, letter in sorted(given, key=lambda row: row[2]):
                line, file = db.db.execute(
                    "SELECT m.line, l.file FROM mentions m JOIN letters l ON l.id = m.letter "
                    "WHERE m.entity = ? AND m.variant = ? AND m.letter = ?",
                    (entity, variant, letter),
                ).fetchone()
                path = str(self.source.folder / file)
                variants.append((descriptions[variant], Source(letter, path, line), times))
            name = field_of(base, iri)
            db.set_warnings(entity, entity_warnings(iri, name, published, best[2], variants))
        return subjects

    def _triples_of(self, subject: str) -> set[Triple]:
        """The entities graph's triples about ``subject`` (from every published description)."""
        out: set[Triple] = set()
        rows = self.db.db.execute(
            "SELECT c.nt FROM subjects s JOIN chosen c ON c.entity = s.entity WHERE s.subject = ?", (subject,)
        )
        for (nt,) in rows:
            out.update(t for t in _parse(nt) if subject_of(t).value == subject)
        return out

    def _segments(
        self, subjects: set[str], entity_rows: dict[str, IndexRow], old: _Parts, count: int
    ) -> tuple[dict[int, list[Triple]], set[Triple]]:
        """The new share of the entities graph of every part whose share changed; the triples
        added or removed."""
        by_part: dict[int, set[str]] = {}
        for subject in subjects:
            by_part.setdefault(part_of(subject, count), set()).add(subject)
        segments: dict[int, list[Triple]] = {}
        changes: set[Triple] = set()
        for part, inside in sorted(by_part.items()):
            before = old.triples(entity_rows[part_nquads(part)])
            kept = [t for t in before if subject_of(t).value not in inside]
            now: set[Triple] = set()
            for subject in inside:
                now |= self._triples_of(subject)
            was = {t for t in before if subject_of(t).value in inside}
            if was != now:
                changes |= was ^ now
                segments[part] = sorted({*kept, *now}, key=triple_key)
        return segments, changes

    def _validate(self, changes: set[Triple]) -> None:
        """Validate the entities graph where the changes can alter a verdict, and keep the
        issues found there in place of those found there before. Every entity shape looks one
        step from its focus node (its own triples, the types of what it points at, or what
        points at it), so the verdicts that can change are those of the subjects and objects of
        changed triples and of what points at a node whose types changed; the data they need is
        the triples of those nodes and of their neighbours either way."""
        if not changes:
            return
        db, base = self.db, self.base
        focus = {subject_of(t).value for t in changes}
        focus |= {
            o.value for t in changes if isinstance(o := object_of(t), NamedNode) and o.value.startswith(base)
        }
        typed = sorted({subject_of(t).value for t in changes if t.predicate.value == RDF_TYPE})
        for node in typed:
            focus.update(s for (s,) in db.db.execute("SELECT subject FROM refs WHERE object = ?", (node,)))
        near = set(focus)
        data: set[Triple] = set()
        for node in focus:
            about = self._triples_of(node)
            data |= about
            near.update(
                o.value
                for t in about
                if isinstance(o := object_of(t), NamedNode) and o.value.startswith(base)
            )
            near.update(s for (s,) in db.db.execute("SELECT subject FROM refs WHERE object = ?", (node,)))
        for node in near - focus:
            data |= self._triples_of(node)
        found = self.validator.entities(sorted(data, key=triple_key), self.source.authority_path)
        for node in focus:
            db.db.execute("DELETE FROM entity_issues WHERE focus = ?", (node,))
        db.db.executemany(
            "INSERT INTO entity_issues (focus, issue) VALUES (?, ?)",
            [(i.focus, _issue_json(i)) for i in found if i.focus in focus],
        )

    def _ours(self, triples: Iterable[Triple]) -> set[str]:
        """The objects of ``triples`` that are IRIs under the base."""
        return {
            o.value
            for t in triples
            if isinstance(o := object_of(t), NamedNode) and o.value.startswith(self.base)
        }


@dataclass
class _Update:
    stage: Path
    stats: Statistics
    forget: set[str]


def _stat_or_nothing(path: str, folder: int | None = None) -> str:
    try:
        st = os.stat(path, dir_fd=folder)
    except OSError:
        return ""
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"
