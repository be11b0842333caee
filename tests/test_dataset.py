"""The dataset a query asks for (``FROM``, ``FROM NAMED``, the protocol's ``default-graph-uri`` and
``named-graph-uri``) gives, over real HTTP, exactly the answers Oxigraph's own server gives for
the same data; a query that names no dataset gets the union of the graphs, as Oxigraph's server
gives it with ``--union-default-graph``. Clients: requests, and rdflib's SPARQLStore."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore

from lodpub.build import BuildResult, build
from lodpub.publish.dist import Dist

from .conftest import CORPUS, SETTINGS
from .servers import Serve, start, stop
from .stores import Oxigraph, free_port

NOWHERE = "https://nonexistent.example/g"


@pytest.fixture(scope="module")
def servers(
    seed_build: BuildResult, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Serve, Oxigraph, Oxigraph]]:
    """``lodpub serve`` on the seed dist, and two Oxigraph servers holding its N-Quads."""
    root = tmp_path_factory.mktemp("dataset")
    binary = shutil.which("oxigraph")
    if binary is None:
        pytest.fail("the oxigraph server is a test dependency: pip install oxigraph")
    started: list[Oxigraph] = []
    serve = start(seed_build.out, root / "serve")
    try:
        for union in (False, True):
            server = Oxigraph(root / f"oxigraph-{union}", free_port(), union_default_graph=union)
            for dump in Dist.open(seed_build.out).nquads_files():
                subprocess.run(
                    [binary, "load", "--location", str(server.location), "--file", str(dump)],
                    check=True,
                    capture_output=True,
                )
            server.start()
            started.append(server)
        yield serve, started[0], started[1]
    finally:
        for server in started:
            server.kill()
        stop(serve)
    assert "Traceback" not in serve.stderr(), serve.stderr()


def answer(url: str, query: str, **dataset: list[str]) -> list[dict[str, object]] | bool:
    """The answer of a SELECT or ASK query as JSON results (bindings sorted), over GET."""
    params: list[tuple[str, str]] = [("query", query)]
    for name, graphs in dataset.items():
        params += [(name.replace("_", "-"), graph) for graph in graphs]
    reply = requests.get(
        url, params=params, headers={"Accept": "application/sparql-results+json"}, timeout=30
    )
    assert reply.status_code == 200, reply.text
    data = reply.json()
    if "boolean" in data:
        return bool(data["boolean"])
    return sorted(data["results"]["bindings"], key=repr)


def graphs(oxigraph: Oxigraph) -> list[str]:
    rows = answer(oxigraph.url + "/query", "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g")
    assert isinstance(rows, list)
    return [str(row["g"]["value"]) for row in rows]  # type: ignore[index]


def test_a_named_dataset_gets_oxigraphs_answers(servers: tuple[Serve, Oxigraph, Oxigraph]) -> None:
    serve, plain, _ = servers
    letter, other = [g for g in graphs(plain) if "/letter/" in g][:2]
    queries: list[tuple[str, dict[str, list[str]]]] = [
        (f"SELECT (COUNT(*) AS ?n) FROM <{NOWHERE}> WHERE {{ ?s ?p ?o }}", {}),
        (f"SELECT (COUNT(*) AS ?n) FROM <{letter}> WHERE {{ ?s ?p ?o }}", {}),
        (f"SELECT (COUNT(*) AS ?n) FROM <{letter}> FROM <{other}> WHERE {{ ?s ?p ?o }}", {}),
        (
            f"SELECT ?g (COUNT(*) AS ?n) FROM NAMED <{letter}> {{ GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g",
            {},
        ),
        (f"ASK FROM NAMED <{letter}> {{ ?s ?p ?o }}", {}),
        (f"SELECT DISTINCT ?t FROM <{letter}> WHERE {{ ?s a ?t }}", {}),
        (f"SELECT (COUNT(*) AS ?n)\nFROMNAMED<{letter}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", {}),
        ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", {"default_graph_uri": [letter]}),
        ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", {"default_graph_uri": [NOWHERE]}),
        (f"SELECT (COUNT(*) AS ?n) FROM <{NOWHERE}> WHERE {{ ?s ?p ?o }}", {"default_graph_uri": [letter]}),
        (
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
            {"named_graph_uri": [letter, other]},
        ),
        ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", {"named_graph_uri": [letter]}),
    ]
    counts = set()
    for query, dataset in queries:
        ours = answer(serve.url + "/sparql", query, **dataset)
        theirs = answer(plain.url + "/query", query, **dataset)
        assert ours == theirs, (query, dataset)
        counts.add(repr(ours))
    assert len(counts) >= 6  # the queries tell the datasets apart
    nowhere = answer(serve.url + "/sparql", queries[0][0])
    assert isinstance(nowhere, list) and nowhere[0]["n"]["value"] == "0"  # type: ignore[index]


def test_a_query_that_names_no_dataset_gets_the_union(servers: tuple[Serve, Oxigraph, Oxigraph]) -> None:
    serve, _, union = servers
    for query in (
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
        f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o }} # FROM <{NOWHERE}>",
        f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o FILTER(?o != 'FROM <{NOWHERE}>') }}",
    ):
        assert answer(serve.url + "/sparql", query) == answer(union.url + "/query", query), query


def test_rdflib_sparqlstore_on_a_graph_sees_that_graph(servers: tuple[Serve, Oxigraph, Oxigraph]) -> None:
    serve, plain, _ = servers
    letter = next(g for g in graphs(plain) if "/letter/" in g)
    ours = Graph(store=SPARQLStore(serve.url + "/sparql", returnFormat="json"), identifier=URIRef(letter))
    theirs = Graph(store=SPARQLStore(plain.url + "/query", returnFormat="json"), identifier=URIRef(letter))
    assert 0 < len(ours) == len(theirs)
    everything = Graph(store=SPARQLStore(serve.url + "/sparql", returnFormat="json"))
    assert len(everything) > len(ours)


def test_a_dataset_parameter_that_is_no_iri_is_refused(servers: tuple[Serve, Oxigraph, Oxigraph]) -> None:
    serve, _, _ = servers
    reply = requests.get(
        serve.url + "/sparql",
        params={"query": "ASK { ?s ?p ?o }", "default-graph-uri": "not an iri"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    assert reply.status_code == 400 and "default-graph-uri" in reply.text


SD = "http://www.w3.org/ns/sparql-service-description#"


def test_the_endpoint_describes_itself(servers: tuple[Serve, Oxigraph, Oxigraph]) -> None:
    """SPARQL 1.1 Service Description: a GET of /sparql with no query, as an RDF client asks."""
    serve, _, _ = servers
    endpoint = URIRef(serve.url + "/sparql")
    for media, form in (
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
        ("*/*", "turtle"),
    ):
        reply = requests.get(serve.url + "/sparql", headers={"Accept": media}, timeout=30)
        assert reply.status_code == 200, (media, reply.text)
        sent = reply.headers["Content-Type"].split(";")[0]
        assert sent == (media if media != "*/*" else "text/turtle")
        graph = Graph().parse(data=reply.content, format=form)
        service = graph.value(predicate=URIRef(SD + "endpoint"), object=endpoint)
        assert service is not None, media
        assert graph.value(service, URIRef(SD + "supportedLanguage")) == URIRef(SD + "SPARQL11Query")
        formats = {str(f).rsplit("/", 1)[1] for f in graph.objects(service, URIRef(SD + "resultFormat"))}
        assert {"SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "Turtle"} <= formats
        dataset = graph.value(service, URIRef(SD + "defaultDataset"))
        assert dataset == URIRef("https://lod.example.org/dataset")
        assert graph.value(dataset, URIRef(SD + "defaultGraph")) is not None
    turtle = requests.get(serve.url + "/sparql", headers={"Accept": "text/turtle"}, timeout=30).content
    assert len(list(ox.parse(turtle, format=ox.RdfFormat.TURTLE))) > 10  # a second parser agrees
    page = requests.get(serve.url + "/sparql", headers={"Accept": "text/html,*/*;q=0.8"}, timeout=30)
    assert page.headers["Content-Type"].startswith("text/html")
    bare = requests.post(serve.url + "/sparql", data={"other": "x"}, timeout=30)
    assert bare.status_code == 400 and "missing the query parameter" in bare.text


def test_plain_json_gets_the_json_each_answer_has(servers: tuple[Serve, Oxigraph, Oxigraph]) -> None:
    serve, _, _ = servers
    select = requests.get(
        serve.url + "/sparql",
        params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"},
        headers={"Accept": "application/json"},
        timeout=30,
    )
    assert select.status_code == 200
    assert select.headers["Content-Type"].startswith("application/sparql-results+json")
    assert int(select.json()["results"]["bindings"][0]["n"]["value"]) > 0
    construct = requests.get(
        serve.url + "/sparql",
        params={"query": "CONSTRUCT { ?s a ?t } WHERE { ?s a ?t } LIMIT 5"},
        headers={"Accept": "application/json"},
        timeout=30,
    )
    assert construct.headers["Content-Type"].startswith("application/ld+json")
    assert len(Graph().parse(data=construct.content, format="json-ld")) == 5


def test_the_void_answers_in_the_format_asked(
    servers: tuple[Serve, Oxigraph, Oxigraph], seed_build: BuildResult
) -> None:
    serve, _, _ = servers
    written = (seed_build.out / "void.ttl").read_bytes()
    expected = Graph().parse(data=written, format="turtle")
    for media, form in (
        ("application/ld+json", "json-ld"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
    ):
        reply = requests.get(serve.url + "/.well-known/void", headers={"Accept": media}, timeout=30)
        assert reply.status_code == 200 and reply.headers["Content-Type"].startswith(media)
        assert len(Graph().parse(data=reply.content, format=form)) == len(expected), media
    turtle = requests.get(serve.url + "/.well-known/void", headers={"Accept": "text/turtle"}, timeout=30)
    assert turtle.content == written
    assert (
        requests.get(
            serve.url + "/.well-known/void", headers={"Accept": "application/pdf"}, timeout=30
        ).status_code
        == 406
    )


def test_the_void_advertises_the_public_endpoint_never_the_push_target(tmp_path: Path) -> None:
    """``sparql_endpoint`` is where ``push`` sends the data (here a loopback store); only
    ``public_endpoint`` is published as void:sparqlEndpoint."""
    endpoint = URIRef("http://rdfs.org/ns/void#sparqlEndpoint")
    pushed = build(
        CORPUS, tmp_path / "pushed", replace(SETTINGS, sparql_endpoint="http://127.0.0.1:7878/query")
    )
    assert not list(Graph().parse(pushed.out / "void.ttl").objects(None, endpoint))
    public = build(
        CORPUS, tmp_path / "public", replace(SETTINGS, public_endpoint="https://query.example.org/sparql")
    )
    assert list(Graph().parse(public.out / "void.ttl").objects(None, endpoint)) == [
        URIRef("https://query.example.org/sparql")
    ]
