"""The seed corpus answers the questions of the issue by SPARQL over dataset.nq."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from lodpub.build import BuildResult

PREFIXES = """
PREFIX crm: <http://www.cidoc-crm.org/cidoc-crm/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX marcrel: <http://id.loc.gov/vocabulary/relators/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX lodpub: <https://w3id.org/lodpub/ns#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
"""
L = "https://lod.example.org/"
TROOPS, ADVISORS = L + "letter/1958-04-17-cpsu-rwp-troops", L + "letter/1958-09-09-cpsu-rwp-advisors"


@pytest.fixture(scope="module")
def store(seed_build: BuildResult) -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=str(seed_build.out / "dataset.nq"), format=ox.RdfFormat.N_QUADS)
    return store


def select(store: ox.Store, query: str) -> list[dict[str, str]]:
    results = store.query(PREFIXES + query, use_default_graph_as_union=True)
    names = [v.value for v in results.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in results]


def test_title_date_place(store: ox.Store) -> None:
    rows = select(
        store,
        """
        SELECT ?letter ?title ?date ?place WHERE {
          ?letter crm:P2_has_type lodpub:Letter ; dcterms:title ?title ; dcterms:created ?date ;
                  crm:P94i_was_created_by ?creation .
          OPTIONAL { ?creation crm:P7_took_place_at/rdfs:label ?place }
        } ORDER BY ?letter""",
    )
    assert [(r["letter"], r["date"], r.get("place")) for r in rows] == [
        (TROOPS, "1958-04-17", "Moscow"),
        (ADVISORS, "1958-09-09", None),
    ]
    assert rows[1]["title"].startswith("Letter addressed by the CC of the CPSU")


def test_senders_and_addressees(store: ox.Store) -> None:
    rows = select(
        store,
        """
        SELECT ?letter ?role ?who WHERE {
          ?letter crm:P128i_is_carried_by ?item . ?dispatch crm:P30_transferred_custody_of ?item .
          { ?dispatch crm:P28_custody_surrendered_by ?who BIND("from" AS ?role) }
          UNION { ?dispatch crm:P29_custody_received_by ?who BIND("to" AS ?role) }
        } ORDER BY ?letter ?role ?who""",
    )
    assert [(r["letter"][len(L) :], r["role"], r["who"][len(L) :]) for r in rows] == [
        ("letter/1958-04-17-cpsu-rwp-troops", "from", "group/cc-cpsu"),
        ("letter/1958-04-17-cpsu-rwp-troops", "from", "person/khrushchev-nikita"),
        ("letter/1958-04-17-cpsu-rwp-troops", "to", "group/cc-rwp"),
        ("letter/1958-04-17-cpsu-rwp-troops", "to", "person/gheorghiu-dej-gheorghe"),
        ("letter/1958-09-09-cpsu-rwp-advisors", "from", "group/cc-cpsu"),
        ("letter/1958-09-09-cpsu-rwp-advisors", "to", "group/cc-rwp"),
    ]
    shortcut = select(store, "SELECT ?l ?c WHERE { ?l dcterms:creator ?c } ORDER BY ?l ?c")
    assert len(shortcut) == 3


def test_translator_and_original_language(store: ox.Store) -> None:
    rows = select(
        store,
        """
        SELECT ?letter ?translator ?lang WHERE {
          ?letter crm:P73_has_translation ?t . ?t marcrel:trl/rdfs:label ?translator .
          OPTIONAL { ?letter crm:P72_has_language ?lang }
        } ORDER BY ?letter""",
    )
    assert [(r["translator"], r.get("lang")) for r in rows] == [
        ("Delia Razdolescu", None),
        ("Delia Razdolescu", "http://publications.europa.eu/resource/authority/language/RON"),
    ]


def test_archive_fund_file_pages(store: ox.Store) -> None:
    rows = select(
        store,
        """
        SELECT ?letter ?archive ?fonds ?file ?pages ?citation WHERE {
          ?letter crm:P128i_is_carried_by ?item . ?item dcterms:bibliographicCitation ?citation ;
            crm:P46i_forms_part_of ?f ; crm:P1_is_identified_by ?range .
          ?range crm:P2_has_type lodpub:PageRange ; crm:P190_has_symbolic_content ?pages .
          ?f crm:P1_is_identified_by/crm:P190_has_symbolic_content ?file ;
             crm:P46i_forms_part_of ?h . ?h rdfs:label ?fonds ;
             crm:P109_has_current_or_former_curator/rdfs:label ?archive .
        } ORDER BY ?letter""",
    )
    assert [(r["archive"], r["fonds"], r["file"], r["pages"]) for r in rows] == [
        (
            "National Central Historical Archives",
            "Fund CC of the RCP - Foreign Relations Section",
            "9U/1956-1958",
            "pp. 227-228",
        ),
        (
            "National Central Historical Archives",
            "Fund CC of the RCP - Foreign Relations Section",
            "6/1955",
            "pp. 719-720",
        ),
    ]
    assert rows[0]["citation"].startswith("National Central Historical Archives, Fund CC")


def test_record_url_rights_and_edition(store: ox.Store) -> None:
    (url,) = select(
        store,
        f"""SELECT ?url WHERE {{
        <{ADVISORS}> crm:P73_has_translation/crm:P165i_is_incorporated_in/foaf:page ?url }}""",
    )
    assert url["url"] == "https://wilson-center-digital-archive.dvincitest.com/document/110474"
    (rights,) = select(
        store,
        f"""SELECT ?text ?holder ?type WHERE {{
        <{TROOPS}> crm:P73_has_translation ?t . ?t dcterms:rights ?text ; dcterms:rightsHolder ?holder ;
        crm:P104_is_subject_to/crm:P2_has_type ?type }}""",
    )
    assert rights["text"].startswith("Copyright 1999-2006 Parallel History Project")
    assert "by permission of the Center for Security Studies at ETH Zurich" in rights["text"]
    assert rights["holder"] == L + "group/php"
    assert rights["type"] == "http://rightsstatements.org/vocab/InC/1.0/"
    (edition,) = select(
        store,
        f"""SELECT ?title ?year ?pages ?editor WHERE {{
        <{TROOPS}> crm:P70i_is_documented_in ?e . ?e dcterms:title ?title ; dcterms:issued ?year ;
          marcrel:edt/rdfs:label ?editor .
        ?part crm:P106i_forms_part_of ?e ; crm:P70_documents <{TROOPS}> ;
          crm:P1_is_identified_by/crm:P190_has_symbolic_content ?pages }}""",
    )
    assert edition == {
        "title": "România. Retragerea trupelor sovietice.1958",
        "year": "1996",
        "pages": "pp. 273-274",
        "editor": "Ioan Scurtu",
    }


def test_khrushchev_is_one_person_linked_to_wikidata(store: ox.Store) -> None:
    rows = select(
        store,
        """
        SELECT DISTINCT ?p ?qid WHERE {
          ?p a crm:E21_Person ; skos:altLabel|rdfs:label ?name .
          FILTER(CONTAINS(LCASE(STR(?name)), "khru"))
          OPTIONAL { ?p owl:sameAs ?qid }
        }""".replace("SELECT", "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT", 1),
    )
    assert rows == [{"p": L + "person/khrushchev-nikita", "qid": "http://www.wikidata.org/entity/Q35314"}]
    spellings = select(
        store,
        """SELECT ?l WHERE { ?l crm:P128i_is_carried_by ?i .
        ?d crm:P30_transferred_custody_of ?i ; crm:P28_custody_surrendered_by ?p .
        FILTER(?p = <https://lod.example.org/person/khrushchev-nikita>) }""",
    )
    assert [r["l"] for r in spellings] == [TROOPS]


def test_evidence_tells_stated_from_inferred(store: ox.Store) -> None:
    rows = select(
        store,
        f"""SELECT ?field ?basis ?note WHERE {{
        ?e crm:P140_assigned_attribute_to ?target ; crm:P2_has_type ?basis ; crm:P3_has_note ?note .
        FILTER(STRSTARTS(STR(?e), "{TROOPS}/evidence/"))
        BIND(STRAFTER(STR(?e), "/evidence/") AS ?field) }} ORDER BY ?field ?note""",
    )
    by_field = {(r["field"], r["basis"].rsplit("#")[-1]) for r in rows}
    assert ("date", "Stated") in by_field and ("translation-language", "Inferred") in by_field
    assert {
        "field": "date",
        "basis": "https://w3id.org/lodpub/ns#Stated",
        "note": "line 3: Moscow, 17 April 1958",
    } in rows
