"""Golden cases: tests/cases/<name>/letters/ is the input; expected-letter.ttl is the letter's
named graph and expected-entities.ttl the entities graph. Compared as graphs, never as text.

To accept a deliberate change, rebuild the case and review the diff of the expected files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from lodpub.build import build
from lodpub.settings import Settings

from .conftest import CORPUS

CASES = sorted(p for p in (Path(__file__).parent / "cases").iterdir() if p.is_dir())


def explain(expected: Graph, actual: Graph) -> str:
    _, missing, extra = graph_diff(to_isomorphic(expected), to_isomorphic(actual))
    lines = [f"- {t}" for t in sorted(missing)][:15] + [f"+ {t}" for t in sorted(extra)][:15]
    return "\n".join(lines)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden(case: Path, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(case / "letters", corpus / "letters")
    shutil.copy(CORPUS / "authorities.toml", corpus / "authorities.toml")
    result = build(corpus, tmp_path / "dist", Settings(base_iri="https://lod.example.org/"))
    assert result.written and not result.problems, result.problems
    (letter_file,) = (tmp_path / "dist" / "letters").glob("*.ttl")
    actual = Graph().parse(letter_file, format="turtle")
    expected = Graph().parse(case / "expected-letter.ttl", format="turtle")
    assert isomorphic(actual, expected), explain(expected, actual)
    entities = Graph()
    for quad in ox.parse(path=str(tmp_path / "dist" / "dataset.nq"), format=ox.RdfFormat.N_QUADS):
        if quad.graph_name.value.endswith("/graph/entities"):
            entities.parse(data=str(quad).rsplit(" ", 1)[0] + " .", format="nt")
    expected_entities = Graph().parse(case / "expected-entities.ttl", format="turtle")
    assert isomorphic(entities, expected_entities), explain(expected_entities, entities)
