"""Every crm: term lodpub emits exists in CIDOC-CRM 7.1.3 and its domain and range hold;
ontology.ttl and the shapes parse, and ontology.ttl passes its own checks."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pyshacl
import pytest
from rdflib import OWL, RDF, RDFS, SKOS, Dataset, Graph, Literal, Namespace, URIRef

from lodpub.build import BuildResult

from .conftest import REPO

CRM = Namespace("http://www.cidoc-crm.org/cidoc-crm/")
LODPUB = Namespace("https://w3id.org/lodpub/ns#")
VOCAB = Path(__file__).parent / "data" / "cidoc-crm-7.1.3.rdf"
RIGHTS = URIRef("http://rightsstatements.org/vocab/InC/1.0/")


@pytest.fixture(scope="module")
def crm() -> Graph:
    return Graph().parse(VOCAB, format="xml")


def superclasses(crm: Graph) -> dict[URIRef, set[URIRef]]:
    """Each CRM class with all its superclasses (itself included)."""
    direct: dict[URIRef, set[URIRef]] = defaultdict(set)
    for sub, sup in crm.subject_objects(RDFS.subClassOf):
        direct[sub].add(sup)  # type: ignore[index, arg-type]
    closure: dict[URIRef, set[URIRef]] = {}
    for cls in set(crm.subjects(RDF.type, RDFS.Class)):
        seen, todo = {cls}, [cls]
        while todo:
            for parent in direct.get(todo.pop(), ()):  # type: ignore[call-overload]
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        closure[cls] = seen  # type: ignore[index, assignment]
    return closure


def data_of(build: BuildResult) -> Graph:
    merged = Graph()
    dataset = Dataset().parse(build.out / "dataset.nq", format="nquads")
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        merged.add((s, p, o))
    return merged


@pytest.mark.parametrize("build_name", ["seed_build", "varied_build"])
def test_every_crm_term_exists_and_domain_range_hold(
    build_name: str, request: pytest.FixtureRequest, crm: Graph
) -> None:
    data = data_of(request.getfixturevalue(build_name))
    ontology = Graph().parse(REPO / "ontology.ttl", format="turtle")
    lodpub_types = set(ontology.subjects(RDF.type, SKOS.Concept))
    closure = superclasses(crm)
    properties = set(crm.subjects(RDF.type, RDF.Property))
    types: dict[object, set[URIRef]] = defaultdict(set)
    for s, cls in data.subject_objects(RDF.type):
        if str(cls).startswith(str(CRM)):
            assert cls in closure, f"{cls} is not a class of CIDOC-CRM 7.1.3"
            types[s] |= closure[cls]  # type: ignore[index]
    problems = []
    used = set()
    for s, p, o in data:
        if not str(p).startswith(str(CRM)):
            continue
        used.add(p)
        if p not in properties:
            problems.append(f"{p} is not a property of CIDOC-CRM 7.1.3")
            continue
        domain, range_ = crm.value(p, RDFS.domain), crm.value(p, RDFS.range)
        if domain is not None and domain not in types[s]:
            problems.append(f"{s} {p}: subject is not a {domain}")
        if isinstance(o, Literal):
            if range_ != RDFS.Literal:
                problems.append(f"{s} {p} {o!r}: literal where {range_} is expected")
        elif p == CRM.P177_assigned_property_of_type:
            if o not in properties:
                problems.append(f"{s} {p} {o}: not a CIDOC-CRM property")
        elif p == CRM.P2_has_type:
            if o not in lodpub_types and o != RIGHTS:
                problems.append(f"{s} {p} {o}: not a type of ontology.ttl")
        elif range_ is not None and range_ not in types[o]:
            problems.append(f"{s} {p} {o}: object is not a {range_} (types: {sorted(types[o])[:3]})")
    assert not problems, "\n".join(problems[:20])
    assert len(used) >= 30  # the mapping really emits a broad set of CRM properties


def test_the_checker_catches_wrong_domain(crm: Graph) -> None:
    """The domain check above is not vacuous: a person cannot have a time-span."""
    closure = superclasses(crm)
    assert crm.value(CRM["P4_has_time-span"], RDFS.domain) not in closure[CRM.E21_Person]
    assert crm.value(CRM.P14_carried_out_by, RDFS.range) in closure[CRM.E21_Person]


def test_ontology_parses_and_passes_its_shapes() -> None:
    ontology = Graph().parse(REPO / "ontology.ttl", format="turtle")
    shapes = Graph().parse(REPO / "shapes" / "ontology.ttl", format="turtle")
    conforms, _, text = pyshacl.validate(ontology, shacl_graph=shapes, inference="none")
    assert conforms, text
    assert (None, OWL.imports, CRM[""]) in ontology or (
        URIRef("https://w3id.org/lodpub/ns"),
        OWL.imports,
        URIRef(str(CRM)),
    ) in ontology
    assert (LODPUB.Letter, SKOS.exactMatch, URIRef("http://vocab.getty.edu/aat/300026879")) in ontology


def test_ontology_declares_every_lodpub_term_the_data_uses(seed_build: BuildResult) -> None:
    ontology = Graph().parse(REPO / "ontology.ttl", format="turtle")
    declared = set(ontology.subjects(RDF.type, SKOS.Concept))
    data = data_of(seed_build)
    used = {o for o in data.objects() if str(o).startswith(str(LODPUB))}
    assert used and used <= declared, used - declared


def test_ontology_check_fails_on_a_broken_concept() -> None:
    ontology = Graph().parse(REPO / "ontology.ttl", format="turtle")
    ontology.remove((LODPUB.Dispatch, SKOS.definition, None))
    shapes = Graph().parse(REPO / "shapes" / "ontology.ttl", format="turtle")
    assert not pyshacl.validate(ontology, shacl_graph=shapes, inference="none")[0]


def test_shapes_parse() -> None:
    for path in sorted((REPO / "shapes").glob("*.ttl")):
        assert len(Graph().parse(path, format="turtle")) > 10, path
