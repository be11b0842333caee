"""Descriptions of shared entities: people, groups, places, languages (entities graph)."""

from __future__ import annotations

from pyoxigraph import NamedNode, Triple

from .. import vocab
from ..authorities import Entity
from ..textutil import slug
from .iris import Iris
from .rdf import ALT_LABEL, LABEL, PREF_LABEL, SAME_AS, TYPE, Triples, crm, dct, lp, term, text, typed

EXACT_MATCH = term(vocab.SKOS, "exactMatch")
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
            _attributed(
                out,
                iris,
                f"{subject.value}/sameas/{entity.wikidata}",
                (subject, SAME_AS, item),
                entity.review,
            )
    for found in entity.ids:  # authority records: skos:exactMatch (identifiers.py says why)
        record = NamedNode(found.iri)
        out.add(subject, EXACT_MATCH, record)
        if found.review is not None:
            where = f"{subject.value}/exactmatch/{found.scheme}"
            _attributed(out, iris, where, (subject, EXACT_MATCH, record), found.review)
    if entity.local:
        out.add(subject, crm("P2_has_type"), lp("LocalEntity"))
    return out.sorted()


def _attributed(
    out: Triples,
    iris: Iris,
    statement_iri: str,
    spo: tuple[NamedNode, NamedNode, NamedNode],
    review: tuple[str, str, str],
) -> None:
    """Who accepted a link, when and how: the statement, reified for PROV."""
    by, on, method = review
    statement = NamedNode(statement_iri)
    reviewer = NamedNode(f"{iris.base}agent/{slug(by)}")
    out.add(statement, TYPE, term(vocab.RDF, "Statement"))
    out.add(statement, TYPE, term(vocab.PROV, "Entity"))
    out.add(statement, term(vocab.RDF, "subject"), spo[0])
    out.add(statement, term(vocab.RDF, "predicate"), spo[1])
    out.add(statement, term(vocab.RDF, "object"), spo[2])
    out.add(statement, term(vocab.PROV, "wasAttributedTo"), reviewer)
    out.add(statement, dct("date"), typed(on, "date"))
    out.add(statement, dct("description"), text(method))
    out.add(reviewer, TYPE, term(vocab.PROV, "Agent"))
    out.add(reviewer, LABEL, text(by))
