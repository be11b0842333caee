"""A resource's description read for a page: its triples by subject, the labels of what they
name, the statements table (grouped by node, labels everywhere) and the evidence of a letter."""

from __future__ import annotations

from collections import defaultdict
from html import escape

import pyoxigraph as ox
from pyoxigraph import Literal, NamedNode, Triple

from .. import vocab
from ..mapping.rdf import object_of, subject_of, triple_key
from .html import Frame, link, readable

CRM, DCT, RDFS = vocab.CRM, vocab.DCTERMS, vocab.RDFS
LABEL = RDFS + "label"
Term = NamedNode | Literal


class Described:
    """The triples about a resource and its nodes, and the labels of every IRI they name."""

    def __init__(
        self,
        frame: Frame,
        iri: str,
        triples: list[Triple],
        labels: dict[str, str],
        parents: dict[str, list[str]] | None = None,
    ) -> None:
        """``parents``: the fonds of each archival file named (they are not in the description)."""
        self.frame, self.iri = frame, iri
        self.parents = parents or {}
        self.by_subject: dict[str, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
        for t in triples:
            obj = object_of(t)
            if isinstance(obj, NamedNode | Literal):
                self.by_subject[subject_of(t).value][t.predicate.value].append(obj)
        self.labels = dict(labels)
        for subject, properties in self.by_subject.items():  # the nodes' own labels
            for value in properties.get(LABEL, []):
                self.labels.setdefault(subject, value.value)

    def values(self, subject: str, predicate: str) -> list[Term]:
        return self.by_subject.get(subject, {}).get(predicate, [])

    def first(self, subject: str, predicate: str) -> str | None:
        found = self.values(subject, predicate)
        return found[0].value if found else None

    def iris(self, subject: str, predicate: str) -> list[str]:
        return [v.value for v in self.values(subject, predicate) if isinstance(v, NamedNode)]

    def label(self, iri: str) -> str:
        return self.labels.get(iri) or readable(iri)

    def link(self, iri: str) -> str:
        return link(self.frame, iri, self.labels.get(iri))

    def links(self, subject: str, predicate: str) -> str:
        return ", ".join(self.term(v) for v in self.values(subject, predicate))

    def term(self, value: Term) -> str:
        if isinstance(value, Literal):
            return escape(value.value)
        return self.link(value.value)

    def node_name(self, node: str) -> str:
        """A node below the resource, named by its label, or by its path below the resource in
        words (``evidence / sender``)."""
        if node in self.labels:
            return self.labels[node]
        if node.startswith(self.iri + "/"):
            return " / ".join(node[len(self.iri) + 1 :].replace("-", " ").split("/"))
        return readable(node)

    def statements(self) -> str:
        """Every statement, grouped by node (the resource first), with labels; collapsed."""
        nodes = sorted(self.by_subject, key=lambda s: (s != self.iri, s))
        count = sum(len(objects) for s in nodes for objects in self.by_subject[s].values())
        parts = []
        for node in nodes:
            rows = "".join(
                f"<tr><td>{escape(readable(predicate))}</td>"
                f"<td>{', '.join(self.term(o) for o in objects)}</td></tr>"
                for predicate, objects in sorted(self.by_subject[node].items())
            )
            heading = escape(self.node_name(node)) if node != self.iri else "this resource"
            parts.append(
                f'<h3 id="{escape(node[len(self.iri) :].strip("/") or "self")}">{heading}</h3>'
                f'<div class="scroll"><table><thead><tr><th>Property</th><th>Value</th></tr></thead>'
                f"<tbody>{rows}</tbody></table></div>"
            )
        return f"<details><summary>All statements ({count})</summary>{''.join(parts)}</details>"

    def evidence(self) -> str:
        """For each field of a letter: the value, stated or inferred, the source lines quoted with
        their numbers, and the names as the letter marks them."""
        prefix = self.iri + "/evidence/"
        fields = sorted(n for n in self.by_subject if n.startswith(prefix) and "/" not in n[len(prefix) :])
        rows = []
        for node in fields:
            field = node[len(prefix) :].replace("-", " ")
            values = ", ".join(self.term(v) for v in self.values(node, CRM + "P141_assigned"))
            basis = {vocab.LODPUB + "Stated": "stated", vocab.LODPUB + "Inferred": "inferred"}
            kind = next((basis[t] for t in self.iris(node, CRM + "P2_has_type") if t in basis), "")
            notes = [v.value for v in self.values(node, CRM + "P3_has_note")]
            lines = []
            for note in sorted(notes, key=_line_number):
                number, _, text = note.partition(": ")
                if number.startswith("line "):
                    lines.append(f"<li>{escape(number)}: <q>{escape(text)}</q></li>")
                else:
                    lines.append(f"<li>{escape(note)}</li>")
            marked = [
                self.first(name, CRM + "P190_has_symbolic_content") or ""
                for name in self.iris(node, CRM + "P17_was_motivated_by")
            ]
            as_marked = (
                '<br><span class="basis">as marked: '
                + "; ".join(f"<q>{escape(m)}</q>" for m in marked if m)
                + "</span>"
                if any(marked)
                else ""
            )
            rows.append(
                f"<tr><td>{escape(field)}</td><td>{values or '<em>kept verbatim</em>'}{as_marked}</td>"
                f'<td class="basis">{kind}</td><td><ul>{"".join(lines)}</ul></td></tr>'
            )
        if not rows:
            return ""
        return (
            '<h2 id="evidence">Evidence</h2><p class="meta">Where each value comes from: the line of the '
            "source file that states it, or from which it was inferred.</p>"
            '<div class="scroll"><table><thead><tr><th>Field</th><th>Value</th><th>Basis</th>'
            f"<th>Source</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
        )


def _line_number(note: str) -> tuple[int, str]:
    head = note.split(":", 1)[0]
    number = head.removeprefix("line ")
    return (int(number), note) if number.isdigit() else (10**9, note)


def describe(store: ox.Store, iri: str, base: str | None = None) -> list[Triple]:
    """The triples about ``iri`` and the nodes below it that it is linked with either way (a
    letter's events, translations, evidence, …); empty for an IRI the dataset does not have (or
    no IRI at all). Index look-ups only: the cost follows the answer. With the dataset's ``base``
    the links into a node are looked for in the one graph its nodes lie in (a letter's graph, or
    the entities graph), not among the thousands of letters that may name an entity."""
    try:
        node = NamedNode(iri)
    except ValueError:
        return []
    graph: NamedNode | None = None
    if base is not None and iri.startswith(base):
        local = iri[len(base) :]
        if local.startswith("letter/"):
            graph = NamedNode(f"{base}graph/letter/{local.split('/')[1]}")
        elif not local.startswith("dataset"):
            graph = NamedNode(f"{base}graph/entities")
    below = iri + "/"
    found: dict[Triple, None] = {}
    todo, seen = [node], {iri}
    while todo:
        current = todo.pop()
        for quad in store.quads_for_pattern(current, None, None):
            found.setdefault(quad.triple, None)
            obj = quad.object
            if isinstance(obj, NamedNode) and obj.value.startswith(below) and obj.value not in seen:
                seen.add(obj.value)
                todo.append(obj)
        for quad in store.quads_for_pattern(None, None, current, graph):
            subject = quad.subject
            if (
                isinstance(subject, NamedNode)
                and subject.value.startswith(below)
                and subject.value not in seen
            ):
                seen.add(subject.value)
                todo.append(subject)
    return sorted(found, key=triple_key)


def store_labels(store: ox.Store, iris: set[str]) -> dict[str, str]:
    """English (else any) labels of ``iris`` as the store has them."""
    label = NamedNode(LABEL)
    found: dict[str, str] = {}
    for iri in sorted(iris):
        best: tuple[int, str] | None = None
        for quad in store.quads_for_pattern(NamedNode(iri), label, None):
            value = quad.object
            if isinstance(value, Literal):
                rank = (0 if value.language == "en" else 1 if value.language is None else 2, value.value)
                best = rank if best is None or rank < best else best
        if best is not None:
            found[iri] = best[1]
    return found


def parents(store: ox.Store, files: set[str]) -> dict[str, list[str]]:
    """The fonds each archival file forms part of."""
    part_of = NamedNode(CRM + "P46i_forms_part_of")
    return {
        f: sorted(
            {
                q.object.value
                for q in store.quads_for_pattern(NamedNode(f), part_of, None)
                if isinstance(q.object, NamedNode)
            }
        )
        for f in sorted(files)
    }
