"""Entity descriptions after an edit: the published description of each touched entity chosen
again as a full build chooses it, the entities graph's share of each part redone, and the
entities validated where the change can alter a verdict."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pyoxigraph import NamedNode, Triple

from ...mapping.rdf import object_of, subject_of, triple_key
from ...validate import Validator
from ...vocab import RDF_TYPE
from ...write.index import IndexRow
from ...write.layout import part_nquads, part_of
from ..entities import Source, description_key, entity_warnings, field_of
from .previous import PreviousParts
from .state import StateDb, from_nt, issue_json

if TYPE_CHECKING:
    from ...corpus import Corpus


@dataclass
class EntityUpdate:
    """The entity side of one rebuild."""

    db: StateDb
    base: str
    validator: Validator
    source: Corpus

    def choose(self, touched: set[int]) -> set[str]:
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
                variant: from_nt(nt)
                for variant, nt in db.db.execute(
                    "SELECT variant, nt FROM variants WHERE entity = ?", (entity,)
                )
            }
            before = db.db.execute("SELECT variant, nt FROM chosen WHERE entity = ?", (entity,)).fetchone()
            if before is not None:
                subjects |= {subject_of(t).value for t in from_nt(before[1])}
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

    def triples_of(self, subject: str) -> set[Triple]:
        """The entities graph's triples about ``subject`` (from every published description)."""
        out: set[Triple] = set()
        rows = self.db.db.execute(
            "SELECT c.nt FROM subjects s JOIN chosen c ON c.entity = s.entity WHERE s.subject = ?", (subject,)
        )
        for (nt,) in rows:
            out.update(t for t in from_nt(nt) if subject_of(t).value == subject)
        return out

    def segments(
        self, subjects: set[str], entity_rows: dict[str, IndexRow], old: PreviousParts, count: int
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
                now |= self.triples_of(subject)
            was = {t for t in before if subject_of(t).value in inside}
            if was != now:
                changes |= was ^ now
                segments[part] = sorted({*kept, *now}, key=triple_key)
        return segments, changes

    def validate(self, changes: set[Triple]) -> None:
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
            about = self.triples_of(node)
            data |= about
            near.update(
                o.value
                for t in about
                if isinstance(o := object_of(t), NamedNode) and o.value.startswith(base)
            )
            near.update(s for (s,) in db.db.execute("SELECT subject FROM refs WHERE object = ?", (node,)))
        for node in near - focus:
            data |= self.triples_of(node)
        found = self.validator.entities(sorted(data, key=triple_key), self.source.authority_path)
        for node in focus:
            db.db.execute("DELETE FROM entity_issues WHERE focus = ?", (node,))
        db.db.executemany(
            "INSERT INTO entity_issues (focus, issue) VALUES (?, ?)",
            [(i.focus, issue_json(i)) for i in found if i.focus in focus],
        )

    def _ours(self, triples: Iterable[Triple]) -> set[str]:
        """The objects of ``triples`` that are IRIs under the base."""
        return {
            o.value
            for t in triples
            if isinstance(o := object_of(t), NamedNode) and o.value.startswith(self.base)
        }
