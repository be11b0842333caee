"""Dublin Core and MARC relator shortcuts, derived from the CRM paths (never primary).

Each rule follows a CRM path from a subject and asserts the shortcut, so the two views of a
letter cannot disagree. ontology.ttl documents the same paths (``lodpub:standsFor``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from pyoxigraph import Literal, NamedNode, Triple

from .. import vocab
from .rdf import Object, crm, dct, lp, object_of, subject_of, typed

P2 = crm("P2_has_type")

# (shortcut, subject type, path); a step "^P" walks P backwards.
RULES: tuple[tuple[NamedNode, NamedNode, tuple[str, ...]], ...] = (
    (dct("creator"), lp("Letter"), ("P94i_was_created_by", "P14_carried_out_by")),
    (
        NamedNode(vocab.MARCREL + "rcp"),
        lp("Letter"),
        ("P128i_is_carried_by", "^P30_transferred_custody_of", "P29_custody_received_by"),
    ),
    (dct("language"), lp("Letter"), ("P72_has_language",)),
    (dct("language"), lp("Translation"), ("P72_has_language",)),
    (dct("title"), lp("Letter"), ("P102_has_title", "P190_has_symbolic_content")),
    (dct("source"), lp("Translation"), ("P73i_is_translation_of",)),
    (
        NamedNode(vocab.MARCREL + "trl"),
        lp("Translation"),
        ("P94i_was_created_by", "P14_carried_out_by"),
    ),
    (dct("isPartOf"), lp("LetterDocument"), ("P46i_forms_part_of",)),
    (dct("rightsHolder"), lp("Letter"), ("P104_is_subject_to", "P75i_is_possessed_by")),
    (dct("rightsHolder"), lp("Translation"), ("P104_is_subject_to", "P75i_is_possessed_by")),
)


def derive_shortcuts(triples: Iterable[Triple]) -> list[Triple]:
    """The shortcut triples that the CRM triples of one letter graph imply."""
    forward: dict[tuple[str, str], list[Object]] = defaultdict(list)
    backward: dict[tuple[str, str], list[Object]] = defaultdict(list)
    typed_as: dict[str, list[NamedNode]] = defaultdict(list)
    for t in triples:
        subject, obj = subject_of(t), object_of(t)
        forward[(subject.value, t.predicate.value)].append(obj)
        if isinstance(obj, NamedNode):
            backward[(obj.value, t.predicate.value)].append(subject)
            if t.predicate == P2:
                typed_as[obj.value].append(subject)
    out: list[Triple] = []
    for shortcut, subject_type, path in RULES:
        for subject in typed_as.get(subject_type.value, []):
            for value in _walk(subject, path, forward, backward):
                out.append(Triple(subject, shortcut, value))
    for letter in typed_as.get(lp("Letter").value, []):
        for creation in forward.get((letter.value, crm("P94i_was_created_by").value), []):
            for span in forward.get((creation.value, crm("P4_has_time-span").value), []):
                created = _created(forward, span.value)
                if created is not None:
                    out.append(Triple(letter, dct("created"), created))
    return out


def _walk(
    start: NamedNode,
    path: tuple[str, ...],
    forward: dict[tuple[str, str], list[Object]],
    backward: dict[tuple[str, str], list[Object]],
) -> list[Object]:
    nodes: list[Object] = [start]
    for step in path:
        index, local = (backward, step[1:]) if step.startswith("^") else (forward, step)
        predicate = vocab.CRM + local
        nodes = [
            found
            for node in nodes
            if isinstance(node, NamedNode)
            for found in index.get((node.value, predicate), [])
        ]
    return nodes


def _created(forward: dict[tuple[str, str], list[Object]], span: str) -> Literal | None:
    """xsd:date, gYearMonth or gYear from a time-span's bounds, as precise as they allow."""
    begins = forward.get((span, crm("P82a_begin_of_the_begin").value), [])
    ends = forward.get((span, crm("P82b_end_of_the_end").value), [])
    if not begins or not ends:
        return None
    begin, end = begins[0].value[:10], ends[0].value[:10]
    if begin == end:
        return typed(begin, "date")
    if begin[:7] == end[:7]:
        return typed(begin[:7], "gYearMonth")
    if begin[:4] == end[:4]:
        return typed(begin[:4], "gYear")
    return None
