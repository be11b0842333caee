"""Every cookbook query (but the federated one) gives the same rows on the embedded store
(``lodpub query NAME``), on a real Oxigraph server and on a real Virtuoso, over one dataset: the
bundled corpus, a few real records, a letter dated by month and one whose date is inferred. The
servers also hold another project's graph (a WebDAV-like listing, as Virtuoso's own system
graphs hold, and a CIDOC-CRM and Dublin Core edition linked to the same Wikidata items), so a
query that is not limited to the dataset's own resources answers more rows there than on the
embedded store."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner
from rdflib import Graph
from requests.auth import HTTPDigestAuth

from lodpub.build import build
from lodpub.cli import main
from lodpub.cookbook import cookbook, load_query

from .conftest import BASE, CORPUS, LETTERS, SETTINGS, make_corpus
from .stores import Oxigraph, Virtuoso, free_port

REAL = Path(__file__).parent / "real" / "letters"
#: Real records for variety: Khrushchev writing to others, several senders and addressees, a
#: Romanian original, letters that mention Romania
REAL_LETTERS = (
    "php-1963-07-10-cpsu-pzpr-mongolia.txt",
    "php-1968-02-13-gomulka-ceausescu.txt",
    "wilson-110017.txt",
    "wilson-116213.txt",
    "wilson-116504.txt",
    "wilson-123148.txt",
)
QUERIES = sorted(set(cookbook()) - {"wikidata-birth-dates"})  # federated: needs the network

FOREIGN_GRAPH = "http://other.example/graph/catalogue"
FOREIGN = """
@base <http://other.example/> .
@prefix crm: <http://www.cidoc-crm.org/cidoc-crm/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix marcrel: <http://id.loc.gov/vocabulary/relators/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix wd: <http://www.wikidata.org/entity/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

# A WebDAV-like listing of files
<dav/readme.txt> dcterms:created "2020-01-01"^^xsd:date ; dcterms:creator <user/dba> .
<dav/notes.txt> dcterms:created "2021-05-04"^^xsd:date ; dcterms:creator <user/dba> .
<user/dba> rdfs:label "dba" .

# Another project's edition of a letter, in CIDOC-CRM and Dublin Core
<person/k> a crm:E21_Person ; owl:sameAs wd:Q35314 ; rdfs:label "Nikita Chruschtschow"@de ;
  skos:prefLabel "Nikita Chruschtschow"@de ; skos:altLabel "Chruschtschow" .
<person/t> a crm:E21_Person ; rdfs:label "Delia Razdolescu" .
<group/cpsu> a crm:E74_Group ; rdfs:label "Central Committee of the Communist Party of the Soviet Union"@en .
<group/rwp> a crm:E74_Group ; rdfs:label "Central Committee of the Romanian Workers' Party"@en .
<place/ro> a crm:E53_Place ; owl:sameAs wd:Q218 ; rdfs:label "Rumänien"@de .
<letter/1> a crm:E33_Linguistic_Object ; crm:P2_has_type <Brief> ;
  dcterms:identifier "1958-04-17-cpsu-rwp-troops" ; dcterms:title "Brief an das ZK der RAP"@de ;
  dcterms:creator <group/cpsu>, <person/k> ; marcrel:rcp <group/rwp> ;
  dcterms:created "1958-06-01"^^xsd:date ; crm:P94i_was_created_by <letter/1/creation> ;
  crm:P67_refers_to <place/ro> ; crm:P128i_is_carried_by <item/1> ;
  crm:P73_has_translation <letter/1/de> ; dcterms:rights "CC0" ; crm:P104_is_subject_to <right/1> .
<letter/1/creation> crm:P4_has_time-span <letter/1/time> .
<letter/1/time> crm:P82a_begin_of_the_begin "1958-06-01T00:00:00"^^xsd:dateTime ;
  crm:P82b_end_of_the_end "1958-06-01T23:59:59"^^xsd:dateTime .
<letter/1/evidence/title> a crm:E13_Attribute_Assignment ; crm:P2_has_type <Stated> ;
  crm:P3_has_note "line 1: Brief an das ZK der RAP" .
<item/1> crm:P46i_forms_part_of <file/1> .
<file/1> crm:P1_is_identified_by <file/1/id> ; crm:P46i_forms_part_of <fonds/1> .
<file/1/id> crm:P190_has_symbolic_content "Akte 1" .
<fonds/1> rdfs:label "Bestand 1"@de ; crm:P109_has_current_or_former_curator <archive/1> .
<archive/1> a crm:E74_Group ; rdfs:label "Bundesarchiv"@de .
<letter/1/de> crm:P2_has_type <Translation> ; marcrel:trl <person/t> ;
  crm:P73i_is_translation_of <letter/1> ; crm:P72_has_language <lang/de> ;
  dcterms:rights "CC0" ; crm:P104_is_subject_to <right/1> .
<lang/de> rdfs:label "German"@en .
<right/1> crm:P75i_is_possessed_by <archive/1> ;
  crm:P2_has_type <http://rightsstatements.org/vocab/NoC-US/1.0/> .
"""


def run(*args: str, env: dict[str, str] | None = None) -> str:
    result = CliRunner(env=env).invoke(main, list(args))
    assert result.exit_code == 0, (args, result.stderr)
    return result.stdout


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("query-stores")
    files = {p.name: p.read_bytes() for p in (CORPUS / "letters").iterdir()}
    files.update({name: (REAL / name).read_bytes() for name in REAL_LETTERS})
    files["month.txt"] = (LETTERS / "php-nara-month-no-translator.txt").read_bytes()  # an xsd:gYearMonth
    troops = (CORPUS / "letters" / "1958-04-17-cpsu-rwp-troops.txt").read_text(encoding="utf-8")
    files["inferred-date.txt"] = (
        troops.replace("Moscow, 17 April 1958\n", "")
        .replace("Romanian Territory", "Romanian Territory, 17 April 1958", 1)
        .encode("utf-8")
    )
    result = build(make_corpus(root / "corpus", files), root / "dist", SETTINGS)
    assert result.written and not result.problems, result.problems
    return root / "dist"


def our_graphs(endpoint: str) -> int:
    """How many graphs under the dataset's base IRI the store holds."""
    sparql = (
        "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
        f"FILTER (STRSTARTS(STR(?g), '{BASE}')) }}"
    )
    answer = requests.post(
        endpoint, data={"query": sparql}, headers={"Accept": "application/sparql-results+json"}, timeout=30
    )
    answer.raise_for_status()
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def put_foreign(url: str, auth: object = None) -> None:
    response = requests.put(
        url,
        params={"graph": FOREIGN_GRAPH},
        data=FOREIGN.encode("utf-8"),
        headers={"Content-Type": "text/turtle; charset=utf-8"},
        auth=auth,  # type: ignore[arg-type]
        timeout=30,
    )
    assert response.status_code in (200, 201, 204), response.text


@pytest.fixture(scope="module")
def oxigraph_store(tmp_path_factory: pytest.TempPathFactory, dist: Path) -> Iterator[str]:
    """An Oxigraph server (default graph: the union, as the README says) with the dataset pushed
    and the other project's graph; its query endpoint."""
    server = Oxigraph(tmp_path_factory.mktemp("oxigraph") / "data", free_port(), union_default_graph=True)
    server.start()
    try:
        endpoint = server.url + "/query"
        assert our_graphs(endpoint) == 0, "not the server this test started"
        run("push", str(dist), *server.args(), "--quiet")
        put_foreign(server.url + "/store")
        assert server.process is not None and server.process.poll() is None
        yield endpoint
    finally:
        server.kill()


@pytest.fixture(scope="module")
def virtuoso_store(tmp_path_factory: pytest.TempPathFactory, dist: Path) -> Iterator[str]:
    """A Virtuoso (default graph: every graph, its system graphs included) with the dataset pushed
    and the other project's graph; its query endpoint."""
    server = Virtuoso(tmp_path_factory.mktemp("virtuoso"), free_port(), free_port())
    server.start()
    try:
        endpoint = server.url + "/sparql"
        assert our_graphs(endpoint) == 0, "not the server this test started"
        env = {"LODPUB_USER": server.user, "LODPUB_PASSWORD": server.password}
        run("push", str(dist), *server.args(), "--quiet", env=env)
        put_foreign(server.url + "/sparql-graph-crud-auth", HTTPDigestAuth(server.user, server.password))
        assert server.process is not None and server.process.poll() is None
        yield endpoint
    finally:
        server.kill()


Row = tuple[object, ...]


def separators(sparql: str) -> dict[str, str]:
    """The GROUP_CONCAT columns of a query and their separators: their order is the store's."""
    found = re.findall(r'GROUP_CONCAT\([^;]*;\s*SEPARATOR\s*=\s*"([^"]*)"\)\s*AS\s*\?(\w+)', sparql, re.I)
    return {column: separator for separator, column in found}


def variables(clause: str, sparql: str) -> list[str]:
    """The variables of the ORDER BY or GROUP BY clause."""
    match = re.search(clause + r"\s+(.*?)(?:\n\s*(?:ORDER|LIMIT|OFFSET|HAVING)\b|$)", sparql, re.S | re.I)
    return re.findall(r"\?(\w+)", match.group(1)) if match else []


def answer(name: str, *where: str) -> tuple[list[str], list[Row]]:
    """``lodpub query NAME`` (JSON) on the embedded store or an endpoint: the columns and the rows,
    GROUP_CONCAT cells as the set of their parts; a graph as the sorted set of its triples."""
    sparql = load_query(name)
    out = run("query", name, *where, "--format", "json")
    if re.search(r"^\s*CONSTRUCT\b", sparql, re.M | re.I):
        return ["s", "p", "o"], sorted(triples(out))
    rows = json.loads(out)
    columns = list(rows[0]) if rows else []
    split = separators(sparql)

    def cell(column: str, value: str | None) -> object:
        if column in split:
            return frozenset(part for part in (value or "").split(split[column]) if part)
        return value

    return columns, [tuple(cell(c, row[c]) for c in columns) for row in rows]


def triples(out: str) -> set[tuple[str, str, str]]:
    """A CONSTRUCT answer as (subject, predicate, object value) triples: N-Triples from the
    embedded store, Turtle from Oxigraph, and SPARQL JSON bindings s, p, o from Virtuoso (which
    answers CONSTRUCT that way when JSON results come first in the Accept header)."""
    stripped = out.lstrip()
    if stripped.startswith("["):
        return {(row["s"], row["p"], row["o"]) for row in json.loads(out)}
    return {(str(s), str(p), str(o)) for s, p, o in Graph().parse(data=out, format="turtle")}


def total_order(name: str, columns: list[str]) -> bool:
    """True when the query's ORDER BY fixes the order of every row: it names every grouping
    variable (or, without GROUP BY, every column)."""
    sparql = load_query(name)
    keys = variables("GROUP BY", sparql) or columns
    return set(keys) <= set(variables("ORDER BY", sparql))


def same(name: str, expected: tuple[list[str], list[Row]], found: tuple[list[str], list[Row]]) -> None:
    (columns, rows), (found_columns, found_rows) = expected, found
    assert found_columns == columns or not found_rows
    if total_order(name, columns):
        assert found_rows == rows
    else:  # the same rows, and the same sequence of the values the ORDER BY sorts on
        assert sorted(found_rows, key=repr) == sorted(rows, key=repr)
        order = [columns.index(v) for v in variables("ORDER BY", load_query(name)) if v in columns]
        assert [[r[i] for i in order] for r in found_rows] == [[r[i] for i in order] for r in rows]


@pytest.fixture(scope="module")
def embedded(dist: Path) -> dict[str, tuple[list[str], list[Row]]]:
    return {name: answer(name, "--dist", str(dist)) for name in QUERIES}


def test_every_query_answers_the_dataset(embedded: dict[str, tuple[list[str], list[Row]]]) -> None:
    """Each query has rows to compare; the ones whose answer the corpus fixes are checked."""
    assert all(rows for _, rows in embedded.values()), [n for n, (_, rows) in embedded.items() if not rows]
    columns, rows = embedded["timeline"]
    assert columns == ["date", "letter", "from", "to"]
    assert len(rows) == 2 + len(REAL_LETTERS) + 2
    assert dict(embedded["dataset-statistics"][1])["letters"] == str(len(rows))
    assert len(embedded["construct-letter"][1]) > 100


@pytest.mark.parametrize("name", QUERIES)
@pytest.mark.parametrize("store", ["oxigraph_store", "virtuoso_store"])
def test_query_gives_the_same_rows_on_every_store(
    name: str, store: str, request: pytest.FixtureRequest, embedded: dict[str, tuple[list[str], list[Row]]]
) -> None:
    endpoint = request.getfixturevalue(store)
    same(name, embedded[name], answer(name, "--endpoint", endpoint))
