"""Descriptions of shared entities: people, groups, places, languages (entities graph)."""

from __future__ import annotations

from pyoxigraph import NamedNode, Triple

from .. import vocab
from ..authorities import Entity
from ..textutil import slug
from .iris import Iris
from .rdf import ALT_LABEL, LABEL, PREF_LABEL, SAME_AS, TYPE, Triples, crm, dct, lp, term, text, typed

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
        item = NamedNode(vocab.WD + entity.wikidata)
        out.add(subject, SAME_AS, item)
        if entity.review is not None:
            # Who accepted the link, when and how: the owl:sameAs statement, reified for PROV.
            by, on, method = entity.review
            statement = NamedNode(f"{subject.value}/sameas/{entity.wikidata}")
            reviewer = NamedNode(f"{iris.base}agent/{slug(by)}")
            out.add(statement, TYPE, term(vocab.RDF, "Statement"))
            out.add(statement, TYPE, term(vocab.PROV, "Entity"))
            out.add(statement, term(vocab.RDF, "subject"), subject)
            out.add(statement, term(vocab.RDF, "predicate"), SAME_AS)
            out.add(statement, term(vocab.RDF, "object"), item)
            out.add(statement, term(vocab.PROV, "wasAttributedTo"), reviewer)
            out.add(statement, dct("date"), typed(on, "date"))
            out.add(statement, dct("description"), text(method))
            out.add(reviewer, TYPE, term(vocab.PROV, "Agent"))
            out.add(reviewer, LABEL, text(by))
    if entity.local:
        out.add(subject, crm("P2_has_type"), lp("LocalEntity"))
    return out.sorted()
