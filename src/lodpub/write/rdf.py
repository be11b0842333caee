"""RDF bytes as lodpub writes them: N-Quads of a graph, Turtle with only the prefixes it uses,
and the dataset's description files (void.ttl, context.jsonld). The dumps are derived from the
N-Quads by dumps.py; each letter's own files are letters.py's."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import cast

import pyoxigraph as ox
from pyoxigraph import Literal, NamedNode, Quad, Triple

from .. import vocab
from ..mapping.rdf import object_of, subject_of
from .jsonld import Context, write_graph
from .layout import CONTEXT, VOID, part_of

# Datatypes Turtle writes without naming them (plain strings, numbers, booleans).
_IMPLICIT = {vocab.XSD + name for name in ("string", "integer", "decimal", "double", "boolean")} | {
    vocab.RDF + "langString"
}
_SAFE_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")
_BY_NAMESPACE = {namespace: prefix for prefix, namespace in vocab.PREFIXES.items()}


class PrefixTracker:
    """Collects the prefixes a Turtle/TriG writer will actually use, so only those are declared."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def see(self, triples: Iterable[Triple]) -> None:
        """Note the namespaces of every term that will be written in prefixed form (each
        distinct IRI looked at once)."""
        iris: set[str] = set()
        predicates: set[str] = set()
        datatypes: set[str] = set()
        for t in triples:
            predicates.add(t.predicate.value)
            iris.add(subject_of(t).value)
            obj = object_of(t)
            if isinstance(obj, NamedNode):
                iris.add(obj.value)
            elif isinstance(obj, Literal) and not obj.language:
                datatypes.add(obj.datatype.value)
        predicates.discard(vocab.RDF_TYPE)  # written as "a"
        for iri in iris | predicates | (datatypes - _IMPLICIT):
            self._iri(iri)

    def _iri(self, iri: str) -> None:
        # Every namespace lodpub declares ends with "/" or "#": split there and look it up.
        cut = max(iri.rfind("/"), iri.rfind("#")) + 1
        prefix = _BY_NAMESPACE.get(iri[:cut])
        if prefix is not None and _SAFE_LOCAL.match(iri[cut:]):
            self.used.add(prefix)

    def prefixes(self) -> dict[str, str]:
        """The used prefixes, in the declaration order of ``vocab.PREFIXES``."""
        return {p: ns for p, ns in vocab.PREFIXES.items() if p in self.used}


def turtle(triples: list[Triple], tracker: PrefixTracker | None = None) -> bytes:
    """Turtle for one graph, declaring only the prefixes it uses (``tracker``: one that has
    seen exactly these triples already)."""
    if tracker is None:
        tracker = PrefixTracker()
        tracker.see(triples)
    return cast(bytes, ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=tracker.prefixes()))


def write_description(folder: Path, void: list[Triple], context: Context) -> list[str]:
    """void.ttl (the dataset's VoID/DCAT description) and context.jsonld; their names."""
    (folder / VOID).write_bytes(turtle(void))
    (folder / CONTEXT).write_bytes(context_bytes(context))
    return [VOID, CONTEXT]


def context_bytes(context: Context) -> bytes:
    """context.jsonld as written to every output folder."""
    return (json.dumps(context.document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def nquads(graph: NamedNode, triples: list[Triple]) -> bytes:
    """The N-Quads of one graph's triples."""
    quads = [Quad(t.subject, t.predicate, t.object, graph) for t in triples]
    return cast(bytes, ox.serialize(quads, format=ox.RdfFormat.N_QUADS))


def segments(triples: Iterable[Triple], count: int) -> dict[int, list[Triple]]:
    """The entities graph split by the part of each triple's subject, keeping the order."""
    out: dict[int, list[Triple]] = {part: [] for part in range(count)}
    for t in triples:
        out[part_of(subject_of(t).value, count)].append(t)
    return out


def representation(triples: list[Triple], media: str, context: Context) -> bytes:
    """A resource's description in an RDF format (``media``: Turtle, N-Triples, JSON-LD)."""
    if media == "text/turtle":
        return turtle(triples)
    if media == "application/n-triples":
        return cast(bytes, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
    out = io.StringIO()
    write_graph(context, triples, out)
    return out.getvalue().encode("utf-8")
