"""A compact, readable JSON-LD writer driven by lodpub's context (data/context.jsonld).

Properties with a term in the context are written by that name; values the term's coercion
fits are written as plain strings. Anything else falls back to a prefixed key and an expanded
value, so every triple round-trips whatever the context says. The context is embedded in every
file, so the data expands offline.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from itertools import groupby
from typing import IO, Any

from pyoxigraph import Literal, NamedNode, Quad, Triple

from .. import vocab
from ..mapping.rdf import graph_of, object_of, subject_of

XSD_STRING = vocab.XSD + "string"
LANG_STRING = vocab.RDF + "langString"


@dataclass(frozen=True)
class Term:
    """A context term: its name and its coercion (``@id``, a datatype IRI, or none)."""

    name: str
    coercion: str | None


class Context:
    """The JSON-LD context and the reverse look-ups the writer needs."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        body: dict[str, Any] = document["@context"]
        self.prefixes = {k: v for k, v in body.items() if isinstance(v, str) and v.endswith(("/", "#"))}
        self.by_namespace = {namespace: prefix for prefix, namespace in self.prefixes.items()}
        self.rendered = json.dumps(body, ensure_ascii=False, indent=2)  # written into every file
        self.terms: dict[str, Term] = {}
        for name, definition in body.items():
            if isinstance(definition, dict):
                iri = self.expand(definition["@id"])
                coercion = definition.get("@type")
                self.terms[iri] = Term(name, self.expand(coercion) if coercion else None)

    @classmethod
    def default(cls) -> Context:
        """The context shipped with lodpub."""
        text = resources.files("lodpub").joinpath("data/context.jsonld").read_text("utf-8")
        return cls(json.loads(text))

    def expand(self, value: str) -> str:
        if value.startswith("@"):
            return value
        prefix, _, local = value.partition(":")
        return self.prefixes[prefix] + local if prefix in self.prefixes else value

    def compact(self, iri: str) -> str:
        """``prefix:local`` for IRIs in a known namespace (all end with "/" or "#"), else the IRI."""
        cut = max(iri.rfind("/"), iri.rfind("#")) + 1
        prefix = self.by_namespace.get(iri[:cut])
        if prefix is not None and cut < len(iri) and ":" not in iri[cut:]:
            return f"{prefix}:{iri[cut:]}"
        return iri

    def node(self, subject: str, triples: Iterable[Triple]) -> dict[str, Any]:
        """One node object: ``id``, ``type`` and the properties, keys in a stable order."""
        types: list[str] = []
        props: dict[str, list[Any]] = {}
        for t in triples:
            if t.predicate.value == vocab.RDF_TYPE and isinstance(t.object, NamedNode):
                types.append(self.compact(t.object.value))
                continue
            key, value = self.entry(t.predicate.value, object_of(t))
            props.setdefault(key, []).append(value)
        node: dict[str, Any] = {"id": subject}
        if types:
            node["type"] = types[0] if len(types) == 1 else types
        for key in sorted(props):
            values = props[key]
            node[key] = values[0] if len(values) == 1 else values
        return node

    def entry(self, predicate: str, obj: NamedNode | Literal) -> tuple[str, Any]:
        """The key and the value one triple contributes to its subject's node object."""
        term = self.terms.get(predicate)
        if term is not None:
            if term.coercion == "@id" and isinstance(obj, NamedNode):
                return term.name, self.compact(obj.value)
            if (
                term.coercion not in (None, "@id")
                and isinstance(obj, Literal)
                and obj.datatype.value == term.coercion
            ):
                return term.name, obj.value
            if term.coercion is None:
                return term.name, self.value(obj)
        return self.compact(predicate), self.value(obj)

    def value(self, obj: NamedNode | Literal) -> Any:
        """An expanded value object (or a plain string for xsd:string)."""
        if isinstance(obj, NamedNode):
            return {"@id": self.compact(obj.value)}
        if obj.language:
            return {"@value": obj.value, "@language": obj.language}
        if obj.datatype.value == XSD_STRING:
            return obj.value
        return {"@value": obj.value, "@type": self.compact(obj.datatype.value)}

    def nodes(self, triples: Iterable[Triple]) -> Iterator[dict[str, Any]]:
        """Node objects for triples sorted by subject."""
        for subject, group in groupby(triples, key=lambda t: subject_of(t).value):
            yield self.node(subject, group)


def write_graph(context: Context, triples: list[Triple], out: IO[str]) -> None:
    """A document of one graph's triples (the default graph): the context, then one node per
    line (json's fast encoder; an indented document would take its slow one)."""
    out.write('{\n"@context": ')
    out.write(context.rendered)
    out.write(',\n"@graph": [')
    for index, node in enumerate(context.nodes(triples)):
        out.write("\n  " if index == 0 else ",\n  ")
        out.write(json.dumps(node, ensure_ascii=False))
    out.write("\n]\n}\n")


def document_head(context: Context) -> str:
    """The start of a dataset document, up to the opening of its ``@graph`` array."""
    return '{\n"@context": ' + context.rendered + ',\n"@graph": ['


DOCUMENT_TAIL = "\n]\n}\n"  # the end of a dataset document


def graph_objects(context: Context, quads: Iterable[Quad]) -> str:
    """The graph objects of named-graph quads (in graph order), one line group each, joined by
    ",\\n": a fragment of a dataset document's ``@graph`` array. Fragments join with ",\\n" into
    one document (a graph named in two of them is one graph to a JSON-LD processor)."""
    objects = []
    for graph, group in groupby(quads, key=lambda q: graph_of(q).value):
        nodes = context.nodes(q.triple for q in group)
        lines = ",\n  ".join(json.dumps(node, ensure_ascii=False) for node in nodes)
        objects.append('{"@id": ' + json.dumps(graph) + ', "@graph": [\n  ' + lines + "\n]}")
    return ",\n".join(objects)


def dataset_document(context: Context, fragments: Iterable[str]) -> str:
    """A document of named graphs from fragments of ``graph_objects`` (empty ones left out)."""
    body = ",\n".join(fragment for fragment in fragments if fragment)
    return document_head(context) + ("\n" + body if body else "") + DOCUMENT_TAIL
