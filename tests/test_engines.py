"""pyshacl-turbo, the engine builds use, gives the same issues as pyshacl, the reference, on the
project's shapes: golden letters, deliberately broken letters (the hand-written cases and
random damage), broken entity descriptions and a broken dataset description."""

from __future__ import annotations

from dataclasses import astuple, replace
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyoxigraph import Literal, NamedNode, Triple

from lodpub.authorities import Authorities
from lodpub.build import BuildResult
from lodpub.mapping import Iris, LetterMapper, MappedLetter
from lodpub.sources import read_letter
from lodpub.validate import Issue, Validator

from .conftest import BASE, CORPUS, LETTERS
from .letter_edits import BROKEN, REQUIRED, undated_letter, without

CASES = Path(__file__).parent / "cases"
XSD = "http://www.w3.org/2001/XMLSchema#"

REFERENCE = Validator(Iris(BASE), engine="pyshacl")
TURBO = Validator(Iris(BASE), engine="turbo")


def _mapped() -> list[MappedLetter]:
    mapper = LetterMapper(Iris(BASE), Authorities.load(CORPUS / "authorities.toml"), "0.1.0")
    paths = sorted((CORPUS / "letters").iterdir()) + sorted(LETTERS.iterdir())
    paths += sorted(CASES.glob("*/letters/*"))
    return [mapper.map(read_letter(p)) for p in paths]


MAPPED = _mapped()


def _rows(issues: list[Issue]) -> list[tuple[object, ...]]:
    return sorted(astuple(i) for i in issues)


def _same_letters(batch: list[MappedLetter]) -> dict[str, list[tuple[object, ...]]]:
    reference = {k: _rows(v) for k, v in REFERENCE.letters(batch).items()}
    assert {k: _rows(v) for k, v in TURBO.letters(batch).items()} == reference
    return reference


def test_golden_and_varied_letters_conform_in_both_engines() -> None:
    assert len(MAPPED) >= 9
    assert _same_letters(MAPPED) == {}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_hand_broken_letters_give_the_same_issues(case: str) -> None:
    edit = BROKEN[case][0]
    seed = MAPPED[0]
    found = _same_letters([MAPPED[1], replace(seed, triples=edit(seed.triples))])
    assert list(found) == [seed.letter.id]


@pytest.mark.parametrize("part", sorted(REQUIRED))
def test_letters_lacking_a_required_part_give_the_same_issues(part: str) -> None:
    seeds = MAPPED[:2]  # the bundled corpus, a PHP and a Wilson Center letter
    found = _same_letters([without(seed, REQUIRED[part]) for seed in seeds])
    assert sorted(found) == sorted(seed.letter.id for seed in seeds)


def test_bare_and_undated_letters_give_the_same_issues(tmp_path: Path) -> None:
    seed = MAPPED[0]
    letter = BASE + "letter/" + seed.letter.id
    bare = replace(seed, triples=[t for t in seed.triples if t.subject.value != letter])
    assert list(_same_letters([bare, MAPPED[1]])) == [seed.letter.id]
    undated = undated_letter(tmp_path)
    assert _same_letters([undated, *MAPPED[:2]]) == {}
    created = Triple(
        NamedNode(BASE + "letter/undated"), NamedNode("http://purl.org/dc/terms/created"), Literal("1958")
    )
    assert list(_same_letters([replace(undated, triples=[*undated.triples, created])])) == ["undated"]


def _damage(mapped: MappedLetter, drops: list[int], swaps: list[tuple[int, int]]) -> MappedLetter:
    """Drop some triples; give others the object of another triple (a wrong class, a literal
    where an IRI belongs, a value of the wrong datatype)."""
    triples = list(mapped.triples)
    for at, source in swaps:
        t, other = triples[at % len(triples)], triples[source % len(triples)]
        triples[at % len(triples)] = Triple(t.subject, t.predicate, other.object)
    dropped = {d % len(triples) for d in drops}
    return replace(mapped, triples=[t for i, t in enumerate(triples) if i not in dropped])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    which=st.integers(0, 1000),
    drops=st.lists(st.integers(0, 10_000), max_size=6),
    swaps=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 10_000)), max_size=4),
)
def test_randomly_damaged_letters_give_the_same_issues(
    which: int, drops: list[int], swaps: list[tuple[int, int]]
) -> None:
    mapped = MAPPED[which % len(MAPPED)]
    _same_letters([_damage(mapped, drops, swaps), MAPPED[(which + 1) % len(MAPPED)]])


def test_ill_typed_and_foreign_values_give_the_same_issues() -> None:
    seed = MAPPED[0]
    odd = [
        Literal("not a date", datatype=NamedNode(XSD + "dateTime")),
        Literal("1958", datatype=NamedNode(XSD + "gYear")),
        Literal("Scrisoare", language="ro"),
        NamedNode("http://example.org/elsewhere"),
    ]
    for value in odd:
        for index in range(0, len(seed.triples), 9):
            t = seed.triples[index]
            triples = [*seed.triples]
            triples[index] = Triple(t.subject, t.predicate, value)
            _same_letters([replace(seed, triples=triples)])


def _graph(build: BuildResult, name: str) -> list[Triple]:
    quads = ox.parse(path=str(build.out / "dataset.nq"), format=ox.RdfFormat.N_QUADS)
    return [q.triple for q in quads if q.graph_name == NamedNode(BASE + "graph/" + name)]


def test_entities_graph_gives_the_same_issues(varied_build: BuildResult) -> None:
    entities = _graph(varied_build, "entities")
    assert len(entities) > 100
    assert REFERENCE.entities(entities, "a.toml") == TURBO.entities(entities, "a.toml") == []
    for step in (2, 3, 5, 7):
        damaged = [t for i, t in enumerate(entities) if i % step]
        damaged += [
            Triple(t.subject, NamedNode("http://www.w3.org/2002/07/owl#sameAs"), t.object)
            for t in entities[::step]
        ]
        reference = _rows(REFERENCE.entities(damaged, "a.toml"))
        assert reference, step
        assert _rows(TURBO.entities(damaged, "a.toml")) == reference


def test_dataset_description_gives_the_same_issues(seed_build: BuildResult) -> None:
    description = _graph(seed_build, "dataset")
    assert len(description) > 10
    assert REFERENCE.dataset(description) == TURBO.dataset(description) == []
    for step in (2, 3, 4):
        damaged = [t for i, t in enumerate(description) if i % step]
        reference = _rows(REFERENCE.dataset(damaged))
        assert reference, step
        assert _rows(TURBO.dataset(damaged)) == reference


def test_every_constraint_speaks_the_projects_words() -> None:
    """Engines word their default messages differently; every shape with a constraint of its
    own carries sh:message and lodpub:field, so a report reads the same whatever the engine."""
    from rdflib import Graph, URIRef
    from rdflib.namespace import RDF, SH

    structural = {RDF.type, SH.property, SH.path, SH.message, SH.severity, SH.name, SH.description}
    structural |= {SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf}
    field = URIRef("https://w3id.org/lodpub/ns#field")
    mute = []
    for name in ("letter", "entities", "dataset"):
        shapes = Graph().parse(Path(__file__).parents[1] / "shapes" / f"{name}.ttl")
        nodes = set(shapes.subjects(SH.path, None)) | set(shapes.subjects(RDF.type, SH.NodeShape))
        assert nodes
        for node in nodes:
            own = {p for p in shapes.predicates(node) if str(p).startswith(str(SH)) and p not in structural}
            if own and ((node, SH.message, None) not in shapes or (node, field, None) not in shapes):
                mute.append((name, str(node), sorted(own)))
    assert mute == []


def test_a_build_with_either_engine_gives_the_same_bytes(seed_build: BuildResult, tmp_path: Path) -> None:
    """The seed build (turbo, the default) and a build with pyshacl write the same files."""
    from lodpub.build import build

    from .conftest import SETTINGS

    reference = build(CORPUS, tmp_path / "dist", replace(SETTINGS, shacl_engine="pyshacl"))
    assert reference.written and not reference.problems
    names = sorted(p.relative_to(seed_build.out) for p in seed_build.out.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(reference.out) for p in reference.out.rglob("*") if p.is_file())
    for name in names:
        assert (seed_build.out / name).read_bytes() == (reference.out / name).read_bytes(), name
