"""The state of mapping one letter, and how each field's values are resolved to entities and
attributed: an ``E13_Attribute_Assignment`` per field saying which source line gave the value,
whether it was stated or inferred, and how the letter marks each name (``as marked``). The
letter's own events and documents are built on it in letter.py."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from pyoxigraph import NamedNode, Triple

from ..authorities import Authorities, Entity
from ..model import Basis, Evidence, Letter, Notice, Value
from ..sources.names import is_role
from ..textutil import slug
from .entities import describe_entity
from .iris import Iris
from .rdf import TYPE, Triples, crm, lp, text

P2 = crm("P2_has_type")


@dataclass(frozen=True)
class Resolved:
    """An entity named by a source, with every piece of evidence that names it."""

    entity: Entity
    evidence: tuple[Evidence, ...]
    spans: tuple[str, ...] = ()  # the names as the letter marks them


class LetterState:
    """The state of mapping one letter (used once): what it names, where each field came from,
    and the attribution of each value."""

    def __init__(
        self, iris: Iris, authorities: Authorities, version: str, texts: str, letter: Letter
    ) -> None:
        """``version``: lodpub's, recorded in the graph; ``texts``: the setting."""
        self.iris = iris
        self.authorities = authorities
        self.version = version
        self.texts = texts
        self.letter = letter
        self.t = Triples()
        self.entities: dict[str, list[Triple]] = {}
        self.fields: dict[str, int] = {}
        self.named: list[Entity] = []
        self.notices: list[Notice] = list(letter.notices)
        self.verbatim: dict[str, list[Value]] = {}
        self.roles: dict[str, list[Value]] = {}  # roles in a party's place: kept as marked
        self.uri = self.iris.letter(letter.id)

    # -- helpers ---------------------------------------------------------------------------
    def node(self, *rest: str) -> NamedNode:
        return self.iris.letter(self.letter.id, *rest)

    def need(self, entity: Entity) -> NamedNode:
        """The IRI of a shared entity, recording its description for the entities graph."""
        iri = self.iris.entity(entity)
        if iri.value not in self.entities:
            self.entities[iri.value] = describe_entity(entity, self.iris)
            self.named.append(entity)
        return iri

    def shared(self, iri: NamedNode, triples: list[Triple]) -> NamedNode:
        self.entities.setdefault(iri.value, triples)
        return iri

    def resolve(self, values: tuple[Value, ...], kinds: tuple[str, ...], field: str = "") -> list[Resolved]:
        """The entities a field's values name. An inferred value (the title) that echoes a
        stated one (a signature, an address line) — a local entity of the same kind sharing a
        name word, "N. Khrushchev" beside "N. S. KHRUSHCHEV" — adds no second entity. A
        title's embassy beside a signature's ambassador, or a title's Zhou Enlai beside the
        address line's Kotov, stays."""
        found: dict[tuple[str, str], list[Evidence]] = {}
        spans: dict[tuple[str, str], list[str]] = {}
        entities: dict[tuple[str, str], Entity] = {}
        for value in values:
            resolved = self.authorities.resolve(value.text, kinds)
            if field in ("sender", "addressee") and is_role(value.text):
                # "the Premier", "EYES ONLY": a person only where the authority file says who
                resolved = [e for e in resolved if not e.local]
                if not resolved:
                    self.notices.append(
                        Notice(
                            field, f"a role, not a name: kept as marked: {value.text}", value.evidence.line
                        )
                    )
                    if value.text not in [v.text for v in self.roles.get(field, [])]:
                        self.roles.setdefault(field, []).append(value)
                    continue
            if not resolved and field:
                self.notices.append(
                    Notice(
                        field, f"not recognised as a name, kept verbatim: {value.text}", value.evidence.line
                    )
                )
                self.verbatim.setdefault(field, []).append(value)
            for entity in resolved:
                key = (entity.kind, entity.key)
                entities.setdefault(key, entity)
                found.setdefault(key, []).append(value.evidence)
                if value.text not in spans.setdefault(key, []):
                    spans[key].append(value.text)
        stated = {k for k, ev in found.items() if any(e.basis is Basis.STATED for e in ev)}
        keep = {k for k in found if k in stated or not _echoes(entities[k], [entities[s] for s in stated])}
        return [Resolved(entities[k], tuple(ev), tuple(spans[k])) for k, ev in found.items() if k in keep]

    def language(self, value: Value, field: str) -> Entity | None:
        """The language a name stands for; a name no table knows is reported, kept verbatim."""
        entity = self.authorities.language(value.text)
        if entity is None:
            self.notices.append(
                Notice(
                    field, f"not a language lodpub knows, kept verbatim: {value.text}", value.evidence.line
                )
            )
            self.verbatim.setdefault(field, []).append(value)
        return entity

    def keep_verbatim(self, field: str, target: NamedNode, prop: str) -> None:
        """The values of ``field`` that named nothing, quoted on an evidence node that assigns
        no value (precision first: the text stays, no entity is made of it)."""
        values = self.verbatim.pop(field, [])
        if not values:
            return
        ev = self._assigning_nothing(f"{slug(field)}-verbatim", target, prop, values)
        for value in values:
            note = f"{value.evidence.note()} (not recognised, kept verbatim: {value.text})"
            self.t.add(ev, crm("P3_has_note"), text(note))
        self.fields.setdefault(slug(field), min(v.evidence.line for v in values))

    def _assigning_nothing(self, name: str, target: NamedNode, prop: str, values: list[Value]) -> NamedNode:
        """An evidence node for ``target``'s ``prop`` that assigns no value (its notes say why)."""
        ev = self.iris.evidence(self.letter.id, name)
        stated = all(v.evidence.basis is Basis.STATED for v in values)
        self.t.add(ev, TYPE, crm("E13_Attribute_Assignment"))
        self.t.add(ev, crm("P140_assigned_attribute_to"), target)
        self.t.add(ev, crm("P177_assigned_property_of_type"), crm(prop))
        self.t.add(ev, P2, lp((Basis.STATED if stated else Basis.INFERRED).value))
        return ev

    def keep_roles(self, field: str, target: NamedNode, prop: str) -> None:
        """The roles of ``field`` (``the Foreign Minister``), each exactly as the letter writes
        it: an E41 appellation of type lodpub:AsMarkedRole, identifying no entity, used by an
        evidence node that assigns no value."""
        values = self.roles.pop(field, [])
        if not values:
            return
        ev = self._assigning_nothing(f"{slug(field)}-role", target, prop, values)
        for index, value in enumerate(values, start=1):
            name = NamedNode(f"{ev.value}/name/{index}")
            self.t.add(ev, crm("P17_was_motivated_by"), name)
            self.t.add(ev, crm("P3_has_note"), text(f"{value.evidence.note()} (a role, kept as marked)"))
            self.t.add(name, TYPE, crm("E41_Appellation"))
            self.t.add(name, P2, lp("AsMarkedRole"))
            self.t.add(name, crm("P190_has_symbolic_content"), text(value.text))
        self.fields.setdefault(f"{slug(field)}-role", min(v.evidence.line for v in values))

    def assign(
        self,
        field: str,
        target: NamedNode,
        prop: str,
        values: list[NamedNode],
        evidence: list[Evidence],
        basis: Basis | None = None,
    ) -> None:
        """Record where a field came from as a crm:E13_Attribute_Assignment (MODEL, Evidence)."""
        if not values:
            return
        ev = self.iris.evidence(self.letter.id, field)
        if basis is None:
            stated = all(e.basis is Basis.STATED for e in evidence)
            basis = Basis.STATED if stated else Basis.INFERRED
        self.t.add(ev, TYPE, crm("E13_Attribute_Assignment"))
        self.t.add(ev, crm("P140_assigned_attribute_to"), target)
        self.t.add(ev, crm("P177_assigned_property_of_type"), crm(prop))
        self.t.add_all(ev, crm("P141_assigned"), values)
        self.t.add(ev, P2, lp(basis.value))
        for item in sorted({(e.line, e.note()) for e in evidence}):
            self.t.add(ev, crm("P3_has_note"), text(item[1]))
        stated_lines = [e.line for e in evidence if e.basis is Basis.STATED]
        self.fields[field] = min(stated_lines or [e.line for e in evidence])

    def assign_entities(
        self, field: str, target: NamedNode, prop: str, resolved: list[Resolved]
    ) -> list[NamedNode]:
        """Link ``target`` to resolved entities and record the evidence; basis per entity."""
        iris = [self.need(r.entity) for r in resolved]
        self.t.add_all(target, crm(prop), iris)
        every = [e for r in resolved for e in r.evidence]
        each_stated = all(any(e.basis is Basis.STATED for e in r.evidence) for r in resolved)
        self.assign(field, target, prop, iris, every, Basis.STATED if each_stated else Basis.INFERRED)
        self.as_marked(field, resolved, iris)
        return iris

    def as_marked(self, field: str, resolved: list[Resolved], iris: list[NamedNode]) -> None:
        """Each name exactly as this letter writes it (EMLO's "as marked"): an E41 appellation
        used by the field's evidence, identifying the resolved entity."""
        if not resolved:
            return
        ev = self.iris.evidence(self.letter.id, field)
        spans = sorted({(span, iri.value) for r, iri in zip(resolved, iris, strict=True) for span in r.spans})
        for index, (span, iri) in enumerate(spans, start=1):
            name = NamedNode(f"{ev.value}/name/{index}")
            self.t.add(ev, crm("P17_was_motivated_by"), name)
            self.t.add(name, TYPE, crm("E41_Appellation"))
            self.t.add(name, P2, lp("AsMarked"))
            self.t.add(name, crm("P190_has_symbolic_content"), text(span))
            self.t.add(name, crm("P1i_identifies"), NamedNode(iri))

    # -- the graph -------------------------------------------------------------------------


def _echoes(entity: Entity, stated: list[Entity]) -> bool:
    """Whether an inferred local entity repeats one of the stated ones in other words."""
    if not entity.local:
        return False
    words = _name_words(entity.label)
    return any(other.kind == entity.kind and words & _name_words(other.label) for other in stated)


def _name_words(label: str) -> set[str]:
    """A label's words, folded: "Drozniak" in a title echoes "DROŻNIAK" in a header."""
    folded = "".join(
        c for c in unicodedata.normalize("NFKD", label.casefold()) if not unicodedata.combining(c)
    )
    return {w for w in re.findall(r"[^\W\d_]{3,}", folded) if w not in {"the", "and"}}
