"""The catalogue of the research site: one row per letter (title, date, year) and one per party of
it (sender, addressee, translator, place, archive, file, language, edition, what it mentions),
with the label of each entity, in SQLite beside the store's generation. The pages list, filter,
count and page letters from it in milliseconds at 100,000 letters; the descriptions themselves
come from the store.

It is made with the generation (store.py): in full from the store's graphs, or, for an update,
as a copy of the last one with the changed letter graphs and the changed entities taken out and
read again. The same SPARQL reads both, once restricted to the changed graphs."""

from __future__ import annotations

import shutil
import sqlite3
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import pyoxigraph as ox

from .. import vocab

ROLES = ("sender", "addressee", "translator", "place", "archive", "file", "language", "edition", "mentioned")
PAGE = 50  # letters a page lists

_PREFIXES = f"""PREFIX crm: <{vocab.CRM}> PREFIX dcterms: <{vocab.DCTERMS}> PREFIX marcrel: <{vocab.MARCREL}>
PREFIX lodpub: <{vocab.LODPUB}> PREFIX rdfs: <{vocab.RDFS}>
"""
_LETTERS = (
    _PREFIXES
    + """SELECT ?g ?letter ?title ?created ?label ?begin WHERE { GRAPH %s {
  ?letter crm:P2_has_type lodpub:Letter .
  OPTIONAL { ?letter dcterms:title ?title }
  OPTIONAL { ?letter dcterms:created ?created }
  OPTIONAL { ?letter crm:P94i_was_created_by ?c . ?c crm:P2_has_type lodpub:Writing ;
                crm:P4_has_time-span ?t .
             OPTIONAL { ?t crm:P82a_begin_of_the_begin ?begin } OPTIONAL { ?t rdfs:label ?label } }
} }"""
)
_ROLES = (
    _PREFIXES
    + """SELECT ?letter ?role ?entity WHERE { GRAPH %s {
  ?letter crm:P2_has_type lodpub:Letter .
  { ?letter dcterms:creator ?entity BIND("sender" AS ?role) }
  UNION { ?letter marcrel:rcp ?entity BIND("addressee" AS ?role) }
  UNION { ?letter crm:P73_has_translation/marcrel:trl ?entity BIND("translator" AS ?role) }
  UNION { ?letter crm:P94i_was_created_by/crm:P7_took_place_at ?entity BIND("place" AS ?role) }
  UNION { ?letter crm:P128i_is_carried_by/crm:P50_has_current_keeper ?entity BIND("archive" AS ?role) }
  UNION { ?letter crm:P128i_is_carried_by/crm:P46i_forms_part_of ?entity BIND("file" AS ?role) }
  UNION { ?letter dcterms:language ?entity BIND("language" AS ?role) }
  UNION { ?letter crm:P70i_is_documented_in ?entity BIND("edition" AS ?role) }
  UNION { ?letter crm:P73_has_translation/crm:P165i_is_incorporated_in ?entity BIND("edition" AS ?role) }
  UNION { ?letter crm:P67_refers_to ?entity BIND("mentioned" AS ?role) }
} }"""
)
_LABELS = _PREFIXES + "SELECT ?entity ?label WHERE { %s GRAPH <%s> { ?entity rdfs:label ?label } }"
_SCHEMA = """
CREATE TABLE letters (iri TEXT PRIMARY KEY, graph TEXT, title TEXT, folded TEXT, date TEXT,
                      sort TEXT, year INTEGER) WITHOUT ROWID;
CREATE TABLE roles (letter TEXT, role TEXT, entity TEXT, PRIMARY KEY (letter, role, entity)) WITHOUT ROWID;
CREATE INDEX roles_entity ON roles (entity, role, letter);
CREATE INDEX letters_order ON letters (sort, iri);
CREATE INDEX letters_year ON letters (year, sort, iri);
CREATE TABLE entities (iri TEXT PRIMARY KEY, label TEXT) WITHOUT ROWID;
"""


def fold(text: str) -> str:
    """Text for searching: case and accents folded (Hrușciov finds Hrusciov)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def make_catalogue(
    store: ox.Store,
    path: Path,
    entities_graph: str,
    previous: Path | None = None,
    graphs: Iterable[str] = (),
    subjects: Iterable[str] = (),
) -> None:
    """The catalogue of ``store`` in ``path``: in full, or ``previous`` with the letter
    ``graphs`` (changed, added or dropped) and the labels of ``subjects`` read again."""
    path.unlink(missing_ok=True)
    if previous is not None:
        shutil.copyfile(previous, path)
    db = sqlite3.connect(path, isolation_level=None)
    try:
        if previous is None:
            db.executescript(_SCHEMA)
        db.execute("BEGIN")
        if previous is None:
            _letters(db, store)
            _labels(db, store, "", entities_graph)
        else:
            changed = sorted(set(graphs))
            for chunk in _chunks(changed):
                db.execute(
                    "DELETE FROM roles WHERE letter IN "
                    f"(SELECT iri FROM letters WHERE graph IN ({_marks(chunk)}))",
                    chunk,
                )
                db.execute(f"DELETE FROM letters WHERE graph IN ({_marks(chunk)})", chunk)
            for graph in changed:
                _letters(db, store, graph)
            named = sorted(set(subjects))
            for chunk in _chunks(named):
                db.execute(f"DELETE FROM entities WHERE iri IN ({_marks(chunk)})", chunk)
                _labels(
                    db, store, "VALUES ?entity { " + " ".join(f"<{s}>" for s in chunk) + " }", entities_graph
                )
        db.execute("COMMIT")
    finally:
        db.close()


def _chunks(items: list[str], size: int = 500) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _marks(items: list[str]) -> str:
    return ",".join("?" * len(items))


def _letters(db: sqlite3.Connection, store: ox.Store, graph: str | None = None) -> None:
    """The letters of every graph, or of one (named in the query: Oxigraph then reads only that
    graph, where a VALUES clause would have it read them all)."""
    rows: dict[str, tuple[str, str, str, str, str, str, int | None]] = {}
    pattern = "?g" if graph is None else f"<{graph}>"
    for found in _select(store, _LETTERS % pattern):
        names = ("g", "letter", "title", "created", "label", "begin")
        solution = {
            name: (value.value if value is not None else "") for name, value in zip(names, found, strict=True)
        }
        iri, solution["g"] = solution["letter"], solution["g"] or graph or ""
        if iri in rows:
            continue  # a second title or date: the first is listed
        begin = solution["begin"]
        year = int(begin[:4]) if begin[:4].isdigit() else None
        rows[iri] = (
            iri,
            solution["g"],
            solution["title"],
            fold(solution["title"]),
            solution["label"] or solution["created"],
            begin or "9999",
            year,
        )
    db.executemany("INSERT INTO letters VALUES (?, ?, ?, ?, ?, ?, ?)", rows.values())
    roles = {
        (solution[0].value, solution[1].value, solution[2].value)
        for solution in _select(store, _ROLES % pattern)
        if isinstance(solution[2], ox.NamedNode)
    }
    db.executemany("INSERT OR IGNORE INTO roles VALUES (?, ?, ?)", sorted(roles))


def _select(store: ox.Store, query: str) -> ox.QuerySolutions:
    return cast(ox.QuerySolutions, store.query(query))


def _labels(db: sqlite3.Connection, store: ox.Store, restriction: str, graph: str) -> None:
    """Each entity's label: English first, then one without a language, then any (the least)."""
    best: dict[str, tuple[int, str]] = {}
    for entity, label in _select(store, _LABELS % (restriction, graph)):
        if not isinstance(entity, ox.NamedNode) or not isinstance(label, ox.Literal):
            continue
        rank = 0 if label.language == "en" else 1 if label.language is None else 2
        current = best.get(entity.value)
        if current is None or (rank, label.value) < current:
            best[entity.value] = (rank, label.value)
    db.executemany("INSERT OR REPLACE INTO entities VALUES (?, ?)", ((k, v[1]) for k, v in best.items()))


@dataclass(frozen=True)
class Listed:
    """One letter as a list shows it."""

    iri: str
    title: str
    date: str
    parties: dict[str, list[tuple[str, str]]]  # role -> (entity IRI, label), in label order


class Catalogue:
    """The catalogue of one generation, read-only."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)

    def close(self) -> None:
        self.db.close()

    def label(self, iri: str) -> str | None:
        row = self.db.execute("SELECT label FROM entities WHERE iri = ?", (iri,)).fetchone()
        return row[0] if row else None

    def labels(self, iris: Iterable[str]) -> dict[str, str]:
        wanted = sorted(set(iris))
        found: dict[str, str] = {}
        for chunk in _chunks(wanted):
            found.update(
                self.db.execute(
                    f"SELECT iri, label FROM entities WHERE iri IN ({_marks(chunk)})", chunk
                ).fetchall()
            )
        return found

    def counts(self) -> dict[str, int]:
        """Letters, and the distinct entities in each role."""
        out = {"letters": self.db.execute("SELECT count(*) FROM letters").fetchone()[0]}
        for role, count in self.db.execute("SELECT role, count(DISTINCT entity) FROM roles GROUP BY role"):
            out[role] = count
        return out

    def in_role(self, role: str) -> list[tuple[str, str]]:
        """Every entity in ``role`` in some letter, with its label, by IRI."""
        rows = self.db.execute(
            "SELECT DISTINCT r.entity, coalesce(e.label, '') FROM roles r "
            "LEFT JOIN entities e ON e.iri = r.entity WHERE r.role = ? ORDER BY r.entity",
            (role,),
        )
        return [(iri, label) for iri, label in rows]

    def kind_count(self, prefix: str) -> int:
        """How many labelled entities have IRIs that start with ``prefix`` (``{base}person/``)."""
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        return int(
            self.db.execute(
                "SELECT count(*) FROM entities WHERE iri >= ? AND iri < ?", (prefix, upper)
            ).fetchone()[0]
        )

    def choices(self, role: str) -> list[tuple[str, str, int]]:
        """The entities in ``role`` (correspondents: senders and addressees), with their
        letters' count, most letters first."""
        roles = ("sender", "addressee") if role == "correspondent" else (role,)
        rows = self.db.execute(
            f"SELECT r.entity, coalesce(e.label, r.entity), count(DISTINCT r.letter) AS n FROM roles r "
            f"LEFT JOIN entities e ON e.iri = r.entity WHERE r.role IN ({_marks(list(roles))}) "
            "GROUP BY r.entity ORDER BY n DESC, 2 LIMIT 500",
            roles,
        )
        return [(iri, label, count) for iri, label, count in rows]

    def years(self) -> list[tuple[int, int]]:
        return self.db.execute(
            "SELECT year, count(*) FROM letters WHERE year IS NOT NULL GROUP BY year ORDER BY year"
        ).fetchall()

    def browse(
        self,
        year: int | None = None,
        correspondent: str | None = None,
        archive: str | None = None,
        language: str | None = None,
        text: str | None = None,
        page: int = 1,
        entity: str | None = None,
        roles: tuple[str, ...] = (),
    ) -> tuple[int, list[Listed]]:
        """Letters in date order, filtered, one page of them, and how many there are in all.
        ``entity`` with ``roles``: the letters in which that entity has one of those roles."""
        where: list[str] = ["1"]
        params: list[str | int] = []
        if year is not None:
            where.append("l.year = ?")
            params.append(year)
        for role_set, value in (
            (("sender", "addressee"), correspondent),
            (("archive",), archive),
            (("language",), language),
            (roles, entity),
        ):
            if value:
                marks = _marks(list(role_set))
                where.append(f"l.iri IN (SELECT letter FROM roles WHERE entity = ? AND role IN ({marks}))")
                params += [value, *role_set]
        if text:
            where.append("instr(l.folded, ?) > 0")
            params.append(fold(text))
        condition = " AND ".join(where)
        total = self.db.execute(f"SELECT count(*) FROM letters l WHERE {condition}", params).fetchone()[0]
        rows = self.db.execute(
            f"SELECT l.iri, l.title, l.date FROM letters l WHERE {condition} ORDER BY l.sort, l.iri "
            "LIMIT ? OFFSET ?",
            [*params, PAGE, (max(page, 1) - 1) * PAGE],
        ).fetchall()
        return total, self.listed(rows)

    def listed(self, rows: list[tuple[str, str, str]]) -> list[Listed]:
        """Letters (IRI, title, date) with their parties and the parties' labels."""
        iris = [row[0] for row in rows]
        parties: dict[str, dict[str, list[tuple[str, str]]]] = {iri: {} for iri in iris}
        for chunk in _chunks(iris):
            for letter, role, entity, label in self.db.execute(
                f"SELECT r.letter, r.role, r.entity, coalesce(e.label, '') FROM roles r "
                f"LEFT JOIN entities e ON e.iri = r.entity WHERE r.letter IN ({_marks(chunk)}) "
                "AND r.role != 'mentioned' ORDER BY 4, 3",
                chunk,
            ):
                parties[letter].setdefault(role, []).append((entity, label))
        return [Listed(iri, title, date, parties[iri]) for iri, title, date in rows]

    def letters_of(self, entity: str, roles: tuple[str, ...]) -> int:
        marks = _marks(list(roles))
        return int(
            self.db.execute(
                f"SELECT count(DISTINCT letter) FROM roles WHERE entity = ? AND role IN ({marks})",
                [entity, *roles],
            ).fetchone()[0]
        )

    def correspondents(self, entity: str) -> list[tuple[str, str, int, int]]:
        """Whom ``entity`` wrote to and heard from: (IRI, label, letters to, letters from)."""
        rows = self.db.execute(
            """SELECT other.entity, coalesce(e.label, other.entity),
                      sum(me.role = 'sender' AND other.role = 'addressee'),
                      sum(me.role = 'addressee' AND other.role = 'sender')
               FROM roles me JOIN roles other ON other.letter = me.letter
               LEFT JOIN entities e ON e.iri = other.entity
               WHERE me.entity = ? AND me.role IN ('sender', 'addressee')
                 AND other.role IN ('sender', 'addressee') AND other.role != me.role
                 AND other.entity != me.entity
               GROUP BY other.entity ORDER BY 3 + 4 DESC, 2""",
            (entity,),
        )
        return [(iri, label, int(to), int(back)) for iri, label, to, back in rows]

    def neighbours(self, letter: str) -> tuple[Listed | None, Listed | None]:
        """The letters before and after ``letter`` in date order."""
        row = self.db.execute("SELECT sort, iri FROM letters WHERE iri = ?", (letter,)).fetchone()
        if row is None:
            return None, None
        before = self.db.execute(
            "SELECT iri, title, date FROM letters WHERE (sort, iri) < (?, ?) "
            "ORDER BY sort DESC, iri DESC LIMIT 1",
            row,
        ).fetchall()
        after = self.db.execute(
            "SELECT iri, title, date FROM letters WHERE (sort, iri) > (?, ?) ORDER BY sort, iri LIMIT 1", row
        ).fetchall()
        found_before, found_after = self.listed(before), self.listed(after)
        return (found_before[0] if found_before else None), (found_after[0] if found_after else None)

    def between(self, letter: str, limit: int = 20, itself: bool = False) -> list[Listed]:
        """Other letters between the same correspondents, either way, in date order: a sender of
        this letter to one of its addressees, or one of its addressees to one of its senders
        (``itself``: and this letter too, in its place)."""
        roles = {"sender": [], "addressee": []}  # type: dict[str, list[str]]
        for role, entity in self.db.execute(
            "SELECT role, entity FROM roles WHERE letter = ? AND role IN ('sender', 'addressee')", (letter,)
        ):
            roles[role].append(entity)
        senders, addressees = roles["sender"], roles["addressee"]
        if not senders or not addressees:
            return []

        def pair(first: list[str], second: list[str]) -> str:
            return (
                f"SELECT letter FROM roles WHERE role = 'sender' AND entity IN ({_marks(first)}) INTERSECT "
                f"SELECT letter FROM roles WHERE role = 'addressee' AND entity IN ({_marks(second)})"
            )

        rows = self.db.execute(
            f"SELECT l.iri, l.title, l.date FROM letters l WHERE l.iri IN ({pair(senders, addressees)} UNION "
            f"{pair(addressees, senders)}) AND l.iri != ? ORDER BY l.sort, l.iri LIMIT ?",
            [*senders, *addressees, *addressees, *senders, "" if itself else letter, limit],
        ).fetchall()
        return self.listed(rows)

    def parts_of(self, entity: str, roles: tuple[str, ...]) -> list[tuple[str, str, int]]:
        """Entities that stand in ``roles`` beside ``entity`` in its letters (an archive's files:
        ``("file",)``), with their letters' count."""
        marks = _marks(list(roles))
        rows = self.db.execute(
            f"""SELECT other.entity, coalesce(e.label, other.entity), count(DISTINCT other.letter)
                FROM roles me JOIN roles other ON other.letter = me.letter AND other.role IN ({marks})
                LEFT JOIN entities e ON e.iri = other.entity
                WHERE me.entity = ? GROUP BY other.entity ORDER BY 2""",
            [*roles, entity],
        )
        return [(iri, label, int(count)) for iri, label, count in rows]
