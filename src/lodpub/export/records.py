"""Each letter as the exchange formats need it (CMIF, CSV, networks): its date at its precision,
its parties with their kinds, labels, authority IRIs, names as marked and whether they are stated
or inferred, its place, languages, holdings, web record, editions and rights. Read from the
dataset's store and catalogue, a thousand letters at a time, in date order."""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import cast

import pyoxigraph as ox

from .. import vocab
from ..site.catalogue import Catalogue

CHUNK = 1000
FIELDS = {"sender": "sender", "addressee": "addressee", "translator": "translator", "place": "place"}
KINDS = {
    vocab.CRM + "E21_Person": "person",
    vocab.CRM + "E74_Group": "group",
    vocab.CRM + "E53_Place": "place",
}
_P = f"""PREFIX crm: <{vocab.CRM}> PREFIX dcterms: <{vocab.DCTERMS}> PREFIX lodpub: <{vocab.LODPUB}>
PREFIX rdfs: <{vocab.RDFS}> PREFIX foaf: <{vocab.FOAF}> PREFIX owl: <{vocab.OWL}> PREFIX skos: <{vocab.SKOS}>
"""
_DATES = (
    _P
    + """SELECT ?letter ?created ?label ?begin ?end WHERE { VALUES ?letter { %s }
  OPTIONAL { ?letter dcterms:created ?created }
  OPTIONAL { ?letter crm:P94i_was_created_by ?c .
             ?c crm:P2_has_type lodpub:Writing ; crm:P4_has_time-span ?t .
             OPTIONAL { ?t rdfs:label ?label } OPTIONAL { ?t crm:P82a_begin_of_the_begin ?begin }
             OPTIONAL { ?t crm:P82b_end_of_the_end ?end } } }"""
)
_EVIDENCE = (
    _P
    + """SELECT ?ev ?basis ?marked ?who WHERE { VALUES ?ev { %s } ?ev crm:P2_has_type ?basis .
  OPTIONAL { ?ev crm:P17_was_motivated_by ?name . ?name crm:P190_has_symbolic_content ?marked
             OPTIONAL { ?name crm:P1i_identifies ?who } } }"""
)
_ENTITIES = (
    _P
    + """SELECT ?e ?type ?same WHERE { VALUES ?e { %s }
  { ?e a ?type } UNION { ?e owl:sameAs ?same } UNION { ?e skos:exactMatch ?same } }"""
)
_HOLDINGS = (
    _P
    + """SELECT ?letter ?item ?archive ?file ?fonds ?call ?pages WHERE { VALUES ?letter { %s }
  ?letter crm:P128i_is_carried_by ?item .
  OPTIONAL { ?item crm:P50_has_current_keeper ?archive }
  OPTIONAL { ?item crm:P46i_forms_part_of ?file OPTIONAL { ?file crm:P46i_forms_part_of ?fonds } }
  OPTIONAL { ?item crm:P1_is_identified_by ?c . ?c crm:P2_has_type lodpub:CallNumber ;
             crm:P190_has_symbolic_content ?call }
  OPTIONAL { ?item crm:P1_is_identified_by ?p . ?p crm:P2_has_type lodpub:PageRange ;
             crm:P190_has_symbolic_content ?pages } }"""
)
_SOURCES = (
    _P
    + """SELECT ?letter ?kind ?source ?url ?rights ?pages WHERE { VALUES ?letter { %s }
  { ?letter crm:P73_has_translation/crm:P165i_is_incorporated_in ?source BIND("online" AS ?kind)
    OPTIONAL { ?source foaf:page ?url } }
  UNION { ?letter crm:P70i_is_documented_in ?source BIND("print" AS ?kind)
    OPTIONAL { ?part crm:P70_documents ?letter ; crm:P106i_forms_part_of ?source ;
               crm:P1_is_identified_by/crm:P190_has_symbolic_content ?pages } }
  UNION { { ?letter dcterms:rights ?rights } UNION { ?letter crm:P73_has_translation/dcterms:rights ?rights }
          BIND("rights" AS ?kind) } }"""
)


@dataclass
class Party:
    """An entity in one of a letter's roles."""

    iri: str
    label: str
    kind: str = ""  # person, group, place, or "" (an archive, a language, …)
    same_as: list[str] = field(default_factory=list)  # Wikidata, VIAF, GND, … IRIs
    inferred: bool = False  # the letter does not state it; the editors or lodpub inferred it
    as_marked: list[str] = field(default_factory=list)


@dataclass
class Holding:
    archive: Party | None
    fonds: Party | None
    file: Party | None
    call_number: str = ""
    pages: str = ""


@dataclass
class Source:
    """A web record (``online``) or printed edition (``print``) of the letter."""

    kind: str
    party: Party
    url: str = ""
    pages: str = ""


@dataclass
class Record:
    iri: str
    title: str
    date: str  # as the source writes it
    begin: str = ""  # xsd:dateTime lexical forms: the first and last instant the date allows
    end: str = ""
    created: str = ""  # dcterms:created (its lexical form)
    precision: str = ""  # day, month, year or range; "" when undated
    date_inferred: bool = False
    roles: dict[str, list[Party]] = field(default_factory=dict)
    holdings: list[Holding] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    rights: list[str] = field(default_factory=list)

    @property
    def ident(self) -> str:
        return self.iri.rstrip("/").rsplit("/", 1)[-1]

    def parties(self, role: str) -> list[Party]:
        return self.roles.get(role, [])


def records(store: ox.Store, catalogue: Catalogue) -> Iterator[Record]:
    """Every letter, in date order, with what the exchange formats say of it."""
    rows = catalogue.db.execute("SELECT iri, title, date FROM letters ORDER BY sort, iri").fetchall()
    for start in range(0, len(rows), CHUNK):
        yield from chunk_records(store, catalogue, rows[start : start + CHUNK])


def _select(store: ox.Store, query: str) -> ox.QuerySolutions:
    return cast(ox.QuerySolutions, store.query(query, use_default_graph_as_union=True))


def _values(iris: list[str]) -> str:
    return " ".join(f"<{iri}>" for iri in iris)


def _value(term: object) -> str:
    return term.value if isinstance(term, ox.NamedNode | ox.Literal) else ""


def chunk_records(
    store: ox.Store, catalogue: Catalogue, rows: list[tuple[str, str, str]]
) -> Iterator[Record]:
    found = {iri: Record(iri, title, date) for iri, title, date in rows}
    listed = {item.iri: item for item in catalogue.listed(rows)}
    mentioned = defaultdict(list)
    for letter, entity, label in catalogue.db.execute(
        "SELECT r.letter, r.entity, coalesce(e.label, '') FROM roles r "
        "LEFT JOIN entities e ON e.iri = r.entity WHERE r.role = 'mentioned' "
        f"AND r.letter IN ({','.join('?' * len(rows))}) ORDER BY 3, 2",
        [row[0] for row in rows],
    ):
        mentioned[letter].append((entity, label))
    parties: dict[str, list[Party]] = defaultdict(list)  # entity IRI -> its Party objects
    for iri, record in found.items():
        roles = {**listed[iri].parties, "mentioned": mentioned[iri]}
        for role, items in roles.items():
            record.roles[role] = [Party(entity, label) for entity, label in items]
            for party in record.roles[role]:
                parties[party.iri].append(party)
    iris = list(found)
    for solution in _select(store, _DATES % _values(iris)):
        record = found[_value(solution["letter"])]
        if record.begin:
            continue
        record.created = _value(solution["created"])
        record.begin, record.end = _value(solution["begin"]), _value(solution["end"])
        record.precision = _precision(solution["created"], record.begin, record.end)
    evidence = {f"{iri}/evidence/{name}": (iri, name) for iri in iris for name in (*FIELDS, "date")}
    basis: dict[tuple[str, str], bool] = {}
    marked: dict[tuple[str, str, str], list[str]] = defaultdict(list)  # (letter, field, whom)
    for solution in _select(store, _EVIDENCE % _values(list(evidence))):
        key = evidence[_value(solution["ev"])]
        if _value(solution["basis"]) == vocab.LODPUB + "Inferred":
            basis[key] = True
        text = _value(solution["marked"])
        whom = (*key, _value(solution["who"]))
        if text and text not in marked[whom]:
            marked[whom].append(text)
    for iri, record in found.items():
        record.date_inferred = basis.get((iri, "date"), False)
        for role in FIELDS:
            for party in record.parties(role):
                party.inferred = basis.get((iri, role), False)
                # the names that stand for this party (a name no entity was resolved from: for all)
                party.as_marked = sorted(
                    {*marked.get((iri, role, party.iri), []), *marked.get((iri, role, ""), [])}
                )
    entities = list(parties)
    for start in range(0, len(entities), CHUNK):
        for solution in _select(store, _ENTITIES % _values(entities[start : start + CHUNK])):
            for party in parties[_value(solution["e"])]:
                kind = KINDS.get(_value(solution["type"]))
                if kind:
                    party.kind = kind
                same = _value(solution["same"])
                if same and same not in party.same_as:
                    party.same_as.append(same)
    _holdings(store, catalogue, found)
    _sources(store, catalogue, found)
    for iri, _, _ in rows:
        record = found[iri]
        for party in (p for group in record.roles.values() for p in group):
            party.same_as.sort()
        yield record


def _holdings(store: ox.Store, catalogue: Catalogue, found: dict[str, Record]) -> None:
    seen: dict[str, dict[str, Holding]] = defaultdict(dict)
    rows = list(_select(store, _HOLDINGS % _values(list(found))))
    labels = catalogue.labels(
        _value(s[name]) for s in rows for name in ("archive", "file", "fonds") if _value(s[name])
    )

    def party(iri: str) -> Party | None:
        return Party(iri, labels.get(iri, "")) if iri else None

    for solution in rows:
        letter, item = _value(solution["letter"]), _value(solution["item"])
        if item not in seen[letter]:
            seen[letter][item] = Holding(
                party(_value(solution["archive"])),
                party(_value(solution["fonds"])),
                party(_value(solution["file"])),
            )
        holding = seen[letter][item]
        holding.call_number = holding.call_number or _value(solution["call"])
        holding.pages = holding.pages or _value(solution["pages"])
    for letter, items in seen.items():
        found[letter].holdings = [items[item] for item in sorted(items)]


def _sources(store: ox.Store, catalogue: Catalogue, found: dict[str, Record]) -> None:
    rows = list(_select(store, _SOURCES % _values(list(found))))
    labels = catalogue.labels(_value(s["source"]) for s in rows if _value(s["source"]))
    for solution in sorted(
        rows, key=lambda s: tuple(_value(s[n]) for n in ("letter", "kind", "source", "url"))
    ):
        record = found[_value(solution["letter"])]
        if _value(solution["kind"]) == "rights":
            text = _value(solution["rights"])
            if text not in record.rights:
                record.rights.append(text)
            continue
        source = _value(solution["source"])
        if any(s.party.iri == source for s in record.sources):
            continue
        record.sources.append(
            Source(
                _value(solution["kind"]),
                Party(source, labels.get(source, "")),
                _value(solution["url"]),
                _value(solution["pages"]),
            )
        )


def _precision(created: object, begin: str, end: str) -> str:
    """day, month, year or range, from dcterms:created's datatype and the time-span's bounds."""
    if not begin or not end:
        return ""
    if isinstance(created, ox.Literal):
        datatype = created.datatype.value.removeprefix(vocab.XSD)
        simple = {"date": "day", "gYearMonth": "month", "gYear": "year"}.get(datatype)
        if simple and _spans(simple, begin, end):
            return simple
    return "range"


def _spans(precision: str, begin: str, end: str) -> bool:
    """Whether [begin, end] is exactly one day, month or year."""
    year, month, day = int(begin[:4]), int(begin[5:7]), int(begin[8:10])
    if precision == "day":
        return begin[:10] == end[:10]
    if precision == "month":
        last = calendar.monthrange(year, month)[1]
        return day == 1 and end[:10] == f"{begin[:7]}-{last:02d}"
    return begin[5:10] == "01-01" and end[:10] == f"{begin[:4]}-12-31"
