"""How ``lodpub serve`` describes itself: the SPARQL 1.1 Service Description, the answer to a
GET of ``/sparql`` with no query (Service Description §2: the endpoint, the language, the result
formats, and the default dataset, the union of the named graphs, described further by the
dataset's VoID), and the VoID in whichever RDF format a client asks for."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import pyoxigraph as ox

from .. import vocab
from .bounded import GRAPH_FORMATS
from .negotiate import choose

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
RESULT_FORMATS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
)
PREFIXES = {
    "sd": SD,
    "formats": FORMATS,
    "void": "http://rdfs.org/ns/void#",
    "dcterms": "http://purl.org/dc/terms/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
}


def service_description(endpoint: str, dataset: str, void: str, title: str, media: str) -> bytes:
    """The description of the endpoint at ``endpoint`` serving ``dataset`` (its IRI; ``void``
    is where its VoID is served), in ``media`` (one of bounded.GRAPH_FORMATS)."""
    a = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    service, graph = ox.BlankNode("service"), ox.BlankNode("default")
    data = ox.NamedNode(dataset)

    def sd(name: str) -> ox.NamedNode:
        return ox.NamedNode(SD + name)

    def term(prefix: str, name: str) -> ox.NamedNode:
        return ox.NamedNode(PREFIXES[prefix] + name)

    triples = [
        ox.Triple(service, a, sd("Service")),
        ox.Triple(service, sd("endpoint"), ox.NamedNode(endpoint)),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        *(ox.Triple(service, sd("resultFormat"), ox.NamedNode(FORMATS + name)) for name in RESULT_FORMATS),
        ox.Triple(service, sd("defaultDataset"), data),
        ox.Triple(data, a, sd("Dataset")),
        ox.Triple(data, a, term("void", "Dataset")),
        ox.Triple(data, term("dcterms", "title"), ox.Literal(title)),
        ox.Triple(data, term("rdfs", "seeAlso"), ox.NamedNode(void)),
        ox.Triple(data, sd("defaultGraph"), graph),
        ox.Triple(graph, a, sd("Graph")),
        ox.Triple(
            graph,
            term("dcterms", "description"),
            ox.Literal(
                "The union of every named graph, when a query names no dataset (FROM, FROM NAMED, "
                "default-graph-uri, named-graph-uri); each letter is a named graph of its own.",
                language="en",
            ),
        ),
    ]
    fmt = GRAPH_FORMATS[media]
    used = PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
    return cast(bytes, ox.serialize(triples, format=fmt, prefixes=used))


def describe_service(environ: dict[str, Any], dataset: str, title: str) -> tuple[str, bytes] | None:
    """The media type and body of the description a WSGI request for /sparql with no query
    accepts (the endpoint's URL from its Host), or None when it prefers HTML (the query page).
    ValueError for a Host header no IRI can hold."""
    media = choose(environ.get("HTTP_ACCEPT"), [*GRAPH_FORMATS, "text/html"])
    if media not in GRAPH_FORMATS:
        return None
    host = f"{environ.get('wsgi.url_scheme', 'http')}://{environ.get('HTTP_HOST') or 'localhost'}"
    body = service_description(host + "/sparql", dataset, host + "/.well-known/void", title, media)
    return media + "; charset=utf-8", body


def rewritten(turtle: Path, media: str) -> bytes:
    """The Turtle file ``turtle`` (the VoID) in ``media`` (one of bounded.GRAPH_FORMATS)."""
    triples = [quad.triple for quad in ox.parse(path=str(turtle), format=ox.RdfFormat.TURTLE)]
    fmt = GRAPH_FORMATS[media]
    used = vocab.PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
    return cast(bytes, ox.serialize(triples, format=fmt, prefixes=used))
