"""The SHACL shapes catch broken graphs, and the report names letter, field, line and problem."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Triple

from lodpub.authorities import Authorities
from lodpub.mapping import Iris, LetterMapper, MappedLetter
from lodpub.mapping.entities import describe_entity
from lodpub.pipeline import build
from lodpub.settings import SHACL_ENGINES, Settings
from lodpub.sources import read_letter
from lodpub.validate import Validator

from .conftest import BASE, CORPUS, make_corpus

CRM = "http://www.cidoc-crm.org/cidoc-crm/"
XSD = "http://www.w3.org/2001/XMLSchema#"
PATH = CORPUS / "letters" / "1958-04-17-cpsu-rwp-troops.txt"
LETTER = BASE + "letter/1958-04-17-cpsu-rwp-troops"


@pytest.fixture(scope="module", params=SHACL_ENGINES)
def validator(request: pytest.FixtureRequest) -> Validator:
    """Each test runs through pyshacl, the reference, and through turbo, the builds' engine."""
    return Validator(Iris(BASE), engine=request.param)


@pytest.fixture(scope="module")
def mapped() -> MappedLetter:
    mapper = LetterMapper(Iris(BASE), Authorities.load(CORPUS / "authorities.toml"), "0.1.0")
    return mapper.map(read_letter(PATH))


Edit = Callable[[list[Triple]], list[Triple]]


def drop(predicate: str, subject: str | None = None) -> Edit:
    return lambda ts: [
        t
        for t in ts
        if not (t.predicate.value == predicate and (subject is None or t.subject.value == subject))
    ]


def swap(predicate: str, obj: NamedNode | Literal, subject: str | None = None) -> Edit:
    def edit(ts: list[Triple]) -> list[Triple]:
        return [
            Triple(t.subject, t.predicate, obj)
            if t.predicate.value == predicate and (subject is None or t.subject.value == subject)
            else t
            for t in ts
        ]

    return edit


BROKEN: dict[str, tuple[Edit, str, int, str]] = {
    "no date": (drop(CRM + "P82a_begin_of_the_begin"), "date", 3, "a time-span needs one begin"),
    "begin after end": (
        swap(
            CRM + "P82a_begin_of_the_begin",
            Literal("1958-04-18T00:00:00", datatype=NamedNode(XSD + "dateTime")),
        ),
        "date",
        3,
        "begin must be no later than its end",
    ),
    "date that does not parse": (
        swap(
            CRM + "P82b_end_of_the_end", Literal("1958-13-45T99:00:00", datatype=NamedNode(XSD + "dateTime"))
        ),
        "date",
        3,
        "a time-span needs one end (xsd:dateTime)",
    ),
    "title not English": (
        swap("http://www.w3.org/2000/01/rdf-schema#label", Literal("Scrisoare", language="ro"), LETTER),
        "title",
        1,
        "exactly one English label",
    ),
    "sender is a place": (
        swap(CRM + "P28_custody_surrendered_by", NamedNode(BASE + "place/moscow")),
        "sender",
        27,
        "a sender must be a person or a group",
    ),
    "language not EU authority": (
        lambda ts: [
            *ts,
            Triple(
                NamedNode(LETTER), NamedNode(CRM + "P72_has_language"), NamedNode("http://example.org/ro")
            ),
        ],
        "original-language",
        1,
        "EU authority language IRI",
    ),
    "evidence without line": (
        swap(CRM + "P3_has_note", Literal("somewhere"), LETTER + "/evidence/date"),
        "evidence",
        3,
        "quotes its source line",
    ),
    "two titles": (
        lambda ts: [
            *ts,
            Triple(
                NamedNode(LETTER),
                NamedNode("http://purl.org/dc/terms/title"),
                Literal("Other", language="en"),
            ),
        ],
        "title",
        1,
        "exactly one English dcterms:title",
    ),
}


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
    kept = build(corpus, tmp_path / "d", Settings(base_iri=BASE), keep_going=True)
    assert kept.written and kept.letters == 0 and len(kept.problems) == 1
