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
    kept = build(corpus, tmp_path / "d", Settings(base_iri=BASE), keep_going=True, allow_shrink=True)
    assert kept.written and kept.letters == 0 and len(kept.problems) == 1


# -- every letter is a focus of the letter shapes, whatever parts it lacks ------------------------

SEEDS = sorted((CORPUS / "letters").iterdir())
DCT, PROV = "http://purl.org/dc/terms/", "http://www.w3.org/ns/prov#"
RDF_TYPE, RDFS_LABEL = (
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
    "http://www.w3.org/2000/01/rdf-schema#label",
)

#: A part a letter cannot lack: (subject, predicate) links to drop, and nodes dropped with all of
#: their own triples (the node and the nodes below it), both relative to the letter IRI ("") or
#: to its graph IRI ("graph"); and the field a violation must name.
Part = tuple[tuple[tuple[str, str], ...], tuple[str, ...], str]
REQUIRED: dict[str, Part] = {
    "rdf types": ((("", RDF_TYPE),), (), "title"),
    "type lodpub:Letter": ((("", CRM + "P2_has_type"),), (), "title"),
    "title node": ((("", CRM + "P102_has_title"),), ("/title",), "title"),
    "title text": ((("/title", CRM + "P190_has_symbolic_content"),), (), "title"),
    "label": ((("", RDFS_LABEL),), (), "title"),
    "dcterms:title": ((("", DCT + "title"),), (), "title"),
    "identifier": ((("", DCT + "identifier"),), (), "title"),
    "creation": ((("", CRM + "P94i_was_created_by"),), ("/creation",), "date"),
    "date": (
        (("", DCT + "created"), ("/creation", CRM + "P4_has_time-span")),
        ("/creation/time", "/evidence/date"),
        "date",
    ),
    "dcterms:created": ((("", DCT + "created"),), (), "date"),
    "time-span": ((("/creation", CRM + "P4_has_time-span"),), ("/creation/time",), "date"),
    "document item": ((("", CRM + "P128i_is_carried_by"),), ("/item",), "archive-citation"),
    "provenance": ((("graph", PROV + "wasDerivedFrom"),), ("source",), "source"),
    "build activity": ((("graph", PROV + "wasGeneratedBy"),), (), "source"),
}


def without(mapped: MappedLetter, part: Part) -> MappedLetter:
    """The letter with one required part removed: its links and every triple of its nodes."""
    letter = BASE + "letter/" + mapped.letter.id

    def iri(relative: str) -> str:
        if relative == "graph":
            return mapped.graph.value
        if relative == "source":
            return BASE + "source/" + Path(mapped.letter.path).name
        return letter + relative

    links = {(iri(s), p) for s, p in part[0]}
    nodes = [iri(n) for n in part[1]]

    def gone(t: Triple) -> bool:
        subject = t.subject.value
        return (subject, t.predicate.value) in links or any(
            subject == n or subject.startswith(n + "/") for n in nodes
        )

    kept = [t for t in mapped.triples if not gone(t)]
    assert len(kept) < len(mapped.triples), part
    return replace(mapped, triples=kept)


def seed_letters() -> list[MappedLetter]:
    mapper = LetterMapper(Iris(BASE), Authorities.load(CORPUS / "authorities.toml"), "0.1.0")
    return [mapper.map(read_letter(p)) for p in SEEDS]


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


def undated_letter(tmp_path: Path) -> MappedLetter:
    """The PHP seed with its dateline replaced by the mark of an unknown date."""
    text = PATH.read_text(encoding="utf-8").replace("Moscow, 17 April 1958", "[date unknown]")
    path = make_corpus(tmp_path / "c", {"undated.txt": text}) / "letters" / "undated.txt"
    letter = read_letter(path)
    assert letter.undated is not None and letter.date is None
    return LetterMapper(Iris(BASE), Authorities.load(CORPUS / "authorities.toml"), "0.1.0").map(letter)


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
