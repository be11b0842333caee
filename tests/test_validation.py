"""The SHACL shapes catch broken graphs, and the report names letter, field, line and problem."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Triple

from lodpub.authorities import Authorities
from lodpub.build import build
from lodpub.mapping import Iris, LetterMapper, MappedLetter
from lodpub.mapping.entities import describe_entity
from lodpub.settings import SHACL_ENGINES, Settings
from lodpub.sources import read_letter
from lodpub.validate import Validator

from .conftest import BASE, CORPUS, make_corpus
from .letter_edits import BROKEN, CRM, DCT, PATH, REQUIRED, XSD, drop, seed_letters, undated_letter, without


@pytest.fixture(scope="module", params=SHACL_ENGINES)
def validator(request: pytest.FixtureRequest) -> Validator:
    """Each test runs through pyshacl, the reference, and through turbo, the builds' engine."""
    return Validator(Iris(BASE), engine=request.param)


@pytest.fixture(scope="module")
def mapped() -> MappedLetter:
    mapper = LetterMapper(Iris(BASE), Authorities.load(CORPUS / "authorities.toml"), "0.1.0")
    return mapper.map(read_letter(PATH))


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_shapes_report_broken_letter(case: str, validator: Validator, mapped: MappedLetter) -> None:
    edit, field, line, message = BROKEN[case]
    broken = replace(mapped, triples=edit(mapped.triples))
    issues = validator.letters([broken])["1958-04-17-cpsu-rwp-troops"]
    assert any(i.field == field and message in i.message for i in issues), issues
    issue = next(i for i in issues if i.field == field and message in i.message)
    assert (issue.file, issue.line) == (str(PATH), line)
    assert str(issue).startswith(f"{PATH}:{line}: {field}: ")


def test_correct_letter_conforms(validator: Validator, mapped: MappedLetter) -> None:
    assert validator.letters([mapped]) == {}


def test_batch_routes_issues_to_their_letter(validator: Validator, mapped: MappedLetter) -> None:
    other = LetterMapper(Iris(BASE), Authorities.load(CORPUS / "authorities.toml"), "0.1.0").map(
        read_letter(CORPUS / "letters" / "1958-09-09-cpsu-rwp-advisors.txt")
    )
    broken = replace(other, triples=drop(CRM + "P82b_end_of_the_end")(other.triples))
    issues = validator.letters([mapped, broken])
    assert list(issues) == ["1958-09-09-cpsu-rwp-advisors"]


def test_wikidata_links_must_be_http_qids_on_agents_or_places(validator: Validator) -> None:
    authorities = Authorities.load(CORPUS / "authorities.toml")
    iris = Iris(BASE)
    person = authorities.get("person", "khrushchev-nikita")
    assert person is not None
    good = describe_entity(person, iris)
    assert validator.entities(good, "a.toml") == []
    https = [
        Triple(t.subject, t.predicate, NamedNode("https://www.wikidata.org/entity/Q35314"))
        if t.predicate.value.endswith("#sameAs")
        else t
        for t in good
    ]
    (issue,) = validator.entities(https, "a.toml")
    assert issue.field == "wikidata" and "(http, not https)" in issue.message
    edition = [
        Triple(
            NamedNode(BASE + "edition/x"),
            NamedNode("http://www.w3.org/2002/07/owl#sameAs"),
            NamedNode("http://www.wikidata.org/entity/Q1"),
        ),
    ]
    messages = [i.message for i in validator.entities(edition, "a.toml")]
    assert "only people, groups, places and languages are linked to Wikidata with owl:sameAs" in messages


def test_letter_that_fails_the_shapes_fails_the_build(tmp_path: Path) -> None:
    """A letter that reads and maps but does not conform is reported like an unreadable one."""
    text = PATH.read_text(encoding="utf-8").replace(
        "Moscow, 17 April 1958", "Moscow - Bucharest, 17 April 1958"
    )
    corpus = make_corpus(tmp_path / "c", {"x.txt": text})
    result = build(corpus, tmp_path / "d", Settings(base_iri=BASE))
    assert not result.written and not (tmp_path / "d").exists()
    (issue,) = result.problems
    assert str(issue) == (
        f"{corpus / 'letters' / 'x.txt'}:3: place: a letter was written in at most one place (crm:E53_Place)"
    )
    kept = build(corpus, tmp_path / "d", Settings(base_iri=BASE), keep_going=True, allow_shrink=True)
    assert kept.written and kept.letters == 0 and len(kept.problems) == 1


# -- every letter is a focus of the letter shapes, whatever parts it lacks ------------------------


@pytest.fixture(scope="module")
def seeds() -> list[MappedLetter]:
    return seed_letters()


@pytest.mark.parametrize("part", sorted(REQUIRED))
def test_a_letter_that_lacks_a_required_part_is_reported(
    part: str, validator: Validator, seeds: list[MappedLetter]
) -> None:
    field = REQUIRED[part][2]
    for seed in seeds:
        issues = validator.letters([without(seed, REQUIRED[part])]).get(seed.letter.id, [])
        assert any(i.field == field and i.severity == "Violation" for i in issues), (seed.letter.id, issues)


def test_a_letter_with_nothing_but_its_iri_is_still_checked(
    validator: Validator, seeds: list[MappedLetter]
) -> None:
    """Every triple about the letter itself gone: the letter shapes still take it as a focus."""
    for seed in seeds:
        letter = BASE + "letter/" + seed.letter.id
        bare = replace(seed, triples=[t for t in seed.triples if t.subject.value != letter])
        issues = validator.letters([bare])[seed.letter.id]
        found = {i.field for i in issues if i.focus == letter}
        assert {"title", "date", "archive-citation"} <= found, issues


def test_an_undated_letter_needs_no_date_and_has_none(validator: Validator, tmp_path: Path) -> None:
    undated = undated_letter(tmp_path)
    assert validator.letters([undated]) == {}
    letter = NamedNode(BASE + "letter/undated")
    dated = replace(
        undated,
        triples=[
            *undated.triples,
            Triple(letter, NamedNode(DCT + "created"), Literal("1958", datatype=NamedNode(XSD + "gYear"))),
        ],
    )
    issues = validator.letters([dated])["undated"]
    assert any(i.field == "date" and "marks the date as unknown" in i.message for i in issues), issues
