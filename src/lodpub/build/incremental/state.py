"""The state of the last build with a cache (``state.sqlite`` in the cache folder): what a
later build needs to redo only what an edit touched (see the package's description)."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, cast

import pyoxigraph as ox
from pyoxigraph import NamedNode, Triple

from ...mapping import MappedLetter
from ...mapping.dataset import Statistics
from ...mapping.rdf import object_of, subject_of
from ...settings import Settings
from ...validate import Issue
from ...write.dumps import Table, dump_files
from ...write.layout import CONTEXT, INDEX, VOID
from ..entities import Origin, field_of, variant_id

if TYPE_CHECKING:
    from ..assemble import Assembly


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
    return stat_or_nothing(str(path))


NOT_SHAPING = (
    "jobs",
    "cache",
    "store",
    "query_timeout",
    "query_rows",
    "query_memory_mb",
    "store_cache_mb",
    "allow_service",
    "cmif_editor",
    "cmif_email",
)


def settings_key(settings: Settings) -> str:
    """Every setting that may shape the output (not where the cache and the store are, how many
    processes build it, or how queries are bounded: the output is the same bytes for any)."""
    shaping = {k: v for k, v in asdict(settings).items() if k not in NOT_SHAPING}
    return json.dumps(shaping, sort_keys=True)


def to_nt(triples: Iterable[Triple]) -> bytes:
    return cast(bytes, ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES))


def from_nt(data: bytes) -> list[Triple]:
    return [q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)] if data else []


def issue_json(issue: Issue) -> str:
    return json.dumps(asdict(issue), sort_keys=True)


def failures_json(issues: list[Issue]) -> str | None:
    """A letter's issues as kept in the state (None: the letter is published)."""
    return json.dumps([asdict(i) for i in issues], sort_keys=True) if issues else None


def _issue(text: str) -> Issue:
    return Issue(**json.loads(text))


class StateDb:
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
                (entity, variant, to_nt(description)),
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
            "INSERT INTO chosen (entity, variant, nt) VALUES (?, ?, ?)", (entity, variant, to_nt(description))
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
            "INSERT INTO warnings (entity, issue) VALUES (?, ?)", [(entity, issue_json(w)) for w in warnings]
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
        self.db = StateDb(sqlite3.connect(self.path))
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
                failures_json(issues),
                failures_json(notes),
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
                (db.entity(warning.focus), issue_json(warning)),
            )
        db.db.executemany(
            "INSERT INTO entity_issues (focus, issue) VALUES (?, ?)",
            [(i.focus, issue_json(i)) for i in entity_issues],
        )
        db.set_meta("letter_stats", assembly.letter_stats.as_json())
        table = assembly.writer.table
        if table is not None:
            db.set_meta(TABLE, json.dumps(table))
        index = output_digest(assembly.out, dump_files(self.count, table))
        for key, value in {**self.meta, "index": index}.items():
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


TABLE = "table"  # the meta key of where the parts lie in the whole dumps (see dumps.Table)


def table_of(db: StateDb) -> Table | None:
    """Where the parts lie in the whole dumps of the output the state describes (None: none)."""
    text = db.meta(TABLE)
    return None if text is None else cast(Table, json.loads(text))


def output_digest(out: Path, dumps: list[str], stage: Path | None = None, staged: Iterable[str] = ()) -> str:
    """What the state knows of the output it describes: the bytes of graphs.tsv (which has the
    hash of every graph and letter file) and the size and time of the ``dumps`` files and the
    description files, so a dump changed by hand means a full build. With ``stage``, the
    ``staged`` files are taken from there (a rename keeps a file's size and time)."""
    moved = set(staged)

    def where(name: str) -> Path:
        return stage / name if stage is not None and name in moved else out / name

    try:
        digest = hashlib.sha256(where(INDEX).read_bytes())
        for name in [VOID, CONTEXT, *dumps]:
            st = where(name).stat()
            digest.update(f"\0{name}:{st.st_size}:{st.st_mtime_ns}".encode())
    except OSError:
        return ""
    return digest.hexdigest()


def stat_or_nothing(path: str, folder: int | None = None) -> str:
    try:
        st = os.stat(path, dir_fd=folder)
    except OSError:
        return ""
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"
