"""Letters with a part taken out or changed, for the tests of the shapes (test_validation.py
and test_engines.py run the same cases through both engines)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Triple

from lodpub.authorities import Authorities
from lodpub.mapping import Iris, LetterMapper, MappedLetter
from lodpub.sources import read_letter

from .conftest import BASE, CORPUS, make_corpus

CRM = "http://www.cidoc-crm.org/cidoc-crm/"
XSD = "http://www.w3.org/2001/XMLSchema#"
PATH = CORPUS / "letters" / "1958-04-17-cpsu-rwp-troops.txt"
LETTER = BASE + "letter/1958-04-17-cpsu-rwp-troops"
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


def undated_letter(tmp_path: Path) -> MappedLetter:
    """The PHP seed with its dateline replaced by the mark of an unknown date."""
    text = PATH.read_text(encoding="utf-8").replace("Moscow, 17 April 1958", "[date unknown]")
    path = make_corpus(tmp_path / "c", {"undated.txt": text}) / "letters" / "undated.txt"
    letter = read_letter(path)
    assert letter.undated is not None and letter.date is None
    return LetterMapper(Iris(BASE), Authorities.load(CORPUS / "authorities.toml"), "0.1.0").map(letter)
