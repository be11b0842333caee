"""Descriptions of shared entities: people, groups, places, languages (entities graph)."""

from __future__ import annotations

from pyoxigraph import NamedNode, Triple

from .. import vocab
from ..authorities import Entity
from .iris import Iris
from .rdf import ALT_LABEL, LABEL, PREF_LABEL, SAME_AS, TYPE, Triples, crm, dct, lp, text

CLASSES = {"person": "E21_Person", "group": "E74_Group", "place": "E53_Place"}


def describe_entity(entity: Entity, iris: Iris) -> list[Triple]:
    """The triples that describe ``entity`` in the entities graph."""
    subject = iris.entity(entity)
    out = Triples()
    if entity.kind == "language":
        out.add(subject, TYPE, crm("E56_Language"))
        out.add(subject, TYPE, dct("LinguisticSystem"))
        if entity.code:
            out.add(subject, dct("identifier"), text(entity.code))
    else:
        out.add(subject, TYPE, crm(CLASSES[entity.kind]))
    out.add(subject, LABEL, text(entity.label, "en"))
    languages = dict(entity.labels)
    languages.setdefault("en", entity.label)
    for language, name in languages.items():
        out.add(subject, PREF_LABEL, text(name, language))
    for variant in entity.variants:
        if variant not in languages.values():
            out.add(subject, ALT_LABEL, text(variant))
    if entity.wikidata:
        out.add(subject, SAME_AS, NamedNode(vocab.WD + entity.wikidata))
    if entity.local:
        out.add(subject, crm("P2_has_type"), lp("LocalEntity"))
    return out.sorted()
