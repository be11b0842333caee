"""Thin helpers over pyoxigraph terms, so the mapping reads like the model."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import cast

from pyoxigraph import Literal, NamedNode, Quad, Triple

from .. import vocab

Object = NamedNode | Literal


def term(namespace: str, local: str) -> NamedNode:
    """The IRI ``namespace + local``."""
    return NamedNode(namespace + local)


def crm(local: str) -> NamedNode:
    """A CIDOC-CRM term."""
    return NamedNode(vocab.CRM + local)


def dct(local: str) -> NamedNode:
    """A Dublin Core term."""
    return NamedNode(vocab.DCTERMS + local)


def lp(local: str) -> NamedNode:
    """A term of lodpub's own vocabulary (ontology.ttl)."""
    return NamedNode(vocab.LODPUB + local)


TYPE = NamedNode(vocab.RDF_TYPE)
LABEL = NamedNode(vocab.RDFS + "label")
PREF_LABEL = NamedNode(vocab.SKOS + "prefLabel")
ALT_LABEL = NamedNode(vocab.SKOS + "altLabel")
SAME_AS = NamedNode(vocab.OWL + "sameAs")
SEE_ALSO = NamedNode(vocab.RDFS + "seeAlso")


def text(value: str, language: str | None = None) -> Literal:
    """A plain or language-tagged string."""
    return Literal(value, language=language) if language else Literal(value)


def typed(value: str, datatype: str) -> Literal:
    """A literal of an XSD datatype (``datatype`` is the local name, e.g. ``date``)."""
    return Literal(value, datatype=NamedNode(vocab.XSD + datatype))


class Triples:
    """An ordered, duplicate-free collection of triples being built for one graph."""

    def __init__(self) -> None:
        self._seen: dict[Triple, None] = {}

    def add(self, subject: NamedNode, predicate: NamedNode, obj: Object) -> None:
        """Add one triple (repeats are ignored)."""
        self._seen.setdefault(Triple(subject, predicate, obj), None)

    def add_all(self, subject: NamedNode, predicate: NamedNode, objects: Iterable[Object]) -> None:
        """Add a triple for each object."""
        for obj in objects:
            self.add(subject, predicate, obj)

    def extend(self, triples: Iterable[Triple]) -> None:
        """Add ready-made triples."""
        for triple in triples:
            self._seen.setdefault(triple, None)

    def sorted(self) -> list[Triple]:
        """The triples in the canonical order the writers rely on (subject, predicate, object)."""
        return sorted(self._seen, key=triple_key)

    def __len__(self) -> int:
        return len(self._seen)

    def __iter__(self) -> Iterator[Triple]:
        """The triples in the order they were added."""
        return iter(list(self._seen))


def subject_of(triple: Triple) -> NamedNode:
    """The subject of a triple lodpub built or read back (never a blank node or triple term)."""
    return cast(NamedNode, triple.subject)


def object_of(triple: Triple) -> Object:
    """The object of a triple lodpub built or read back (an IRI or a literal)."""
    return cast(Object, triple.object)


def graph_of(quad: Quad) -> NamedNode:
    """The named graph of a quad lodpub wrote (lodpub never writes the default graph)."""
    return cast(NamedNode, quad.graph_name)


def triple_key(triple: Triple) -> tuple[str, str, str]:
    """Sort key giving byte-identical output for the same triples, whatever their origin."""
    return (subject_of(triple).value, triple.predicate.value, str(triple.object))
