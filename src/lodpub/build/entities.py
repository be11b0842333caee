"""The shared graph: one description per entity IRI, whatever the letters say.

Letters may describe a shared entity differently — an unknown group's name in two casings, two
volumes of one editor's year that mint the same edition IRI. The published description is then
the least in N-Triples order, a choice that does not depend on the order of the letters (so
shards merge to the same choice as a single build, and an edit elsewhere never changes it), and
every description that was not published is reported as a warning naming its letter and line.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from pyoxigraph import Triple

from ..mapping.rdf import Triples, subject_of
from ..validate import Issue

# The source field that names each kind of shared entity (the path segment after the base IRI).
FIELDS = {"edition": "edition", "holding": "archive-citation", "web": "source-url"}


@dataclass(frozen=True)
class Origin:
    """Who gave a description: a letter (its id, file and the lines of its fields), or a shard."""

    name: str
    file: str | None = None
    lines: dict[str, int] = field(default_factory=dict)

    def line(self, name: str) -> int:
        """The line of field ``name`` (else of the letter's first field)."""
        return self.lines.get(name) or min(self.lines.values(), default=1)


@dataclass(frozen=True)
class Source:
    """An origin as kept per entity: only the line that a warning would name (a letter's
    whole field table, kept for every entity of 100,000 letters, costs memory)."""

    name: str
    file: str | None
    line: int | None


@dataclass
class _Variant:
    description: list[Triple]
    origin: Source
    count: int = 1


def description_key(description: list[Triple]) -> list[str]:
    """The rule that picks an entity's published description among those the letters give:
    the least by this key (its triples in N-Triples order), whatever the order of the letters.
    A full build (``SharedEntities``) and an incremental rebuild both choose by it."""
    return sorted(str(t) for t in description)


def _same(one: list[Triple], other: list[Triple]) -> bool:
    return one == other or (len(one) == len(other) and description_key(one) == description_key(other))


class SharedEntities:
    """Entity descriptions from every letter (or shard), reduced to one per IRI."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.chosen: dict[str, list[Triple]] = {}
        self._origin: dict[str, Source] = {}
        self._count: dict[str, int] = {}
        self._variants: dict[str, list[_Variant]] = {}

    def add(self, iri: str, description: list[Triple], origin: Origin) -> None:
        """One letter's description of ``iri``."""
        current = self.chosen.get(iri)
        source = Source(origin.name, origin.file, origin.line(self._field(iri)) if origin.file else None)
        if current is None:
            self.chosen[iri], self._origin[iri], self._count[iri] = description, source, 1
            return
        if _same(description, current):
            self._count[iri] += 1
            return
        variants = self._variants.get(iri)
        if variants is None:
            variants = self._variants[iri] = [_Variant(current, self._origin[iri], self._count[iri])]
        for variant in variants:
            if _same(variant.description, description):
                variant.count += 1
                break
        else:
            variants.append(_Variant(description, source))
        if description_key(description) < description_key(current):
            self.chosen[iri], self._origin[iri] = description, source
            self._count[iri] = next(v.count for v in variants if _same(v.description, description))

    def _field(self, iri: str) -> str:
        return field_of(self.base, iri)

    def triples(self) -> list[Triple]:
        """The shared graph, in canonical order."""
        out = Triples()
        for iri in sorted(self.chosen):
            out.extend(self.chosen[iri])
        return out.sorted()

    def warnings(self) -> list[Issue]:
        """One warning per description that was not published, at its letter's line."""
        out = []
        for iri in sorted(self._variants):
            variants = [(v.description, v.origin, v.count) for v in self._variants[iri]]
            out += entity_warnings(iri, self._field(iri), self.chosen[iri], self._origin[iri].name, variants)
        return out


def field_of(base: str, iri: str) -> str:
    """The source field that names a shared entity."""
    return FIELDS.get(iri[len(base) :].split("/", 1)[0], "name")


def variant_id(description: list[Triple]) -> str:
    """A short hash that tells one description of an entity from another (equal for the same
    triples in any order)."""
    return hashlib.sha256("\n".join(description_key(description)).encode("utf-8")).hexdigest()[:16]


def entity_warnings(
    iri: str,
    name: str,
    published: list[Triple],
    publisher: str,
    variants: list[tuple[list[Triple], Source, int]],
) -> list[Issue]:
    """The warnings for one entity: one per description (first given by ``Source``, given
    ``count`` times) that is not the ``published`` one (first given by ``publisher``)."""
    out = []
    for description, origin, count in variants:
        if _same(description, published):
            continue
        lost = sorted(set(map(str, description)) - set(map(str, published)))
        also = f" (so do {count - 1} more)" if count > 1 else ""
        out.append(
            Issue(
                message=f"describes <{iri}> differently from {publisher}, whose "
                f"description is published{also}; not published: "
                + "; ".join(lost[:3])
                + ("; …" if len(lost) > 3 else ""),
                field=name,
                focus=iri,
                letter=origin.name if origin.file else None,
                file=origin.file or origin.name,
                line=origin.line,
                severity="Warning",
            )
        )
    return out


def descriptions(triples: list[Triple]) -> dict[str, list[Triple]]:
    """A shared graph split back into its entities' descriptions: each subject is an entity,
    except ``{entity}/id`` nodes (a file's number), which belong to their entity."""
    subjects = {subject_of(t).value for t in triples}
    out: dict[str, list[Triple]] = {}
    for t in triples:
        subject = subject_of(t).value
        parent = subject.removesuffix("/id")
        out.setdefault(parent if parent != subject and parent in subjects else subject, []).append(t)
    return out
