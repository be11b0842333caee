"""`lodpub serve`: a read-only SPARQL endpoint and dereferenceable IRIs for a built dataset.

Every IRI under the dataset's base answers on this server at the same path. Resources answer
200 directly with their description in the negotiated format (no 303 redirect; `Vary: Accept`
and `Content-Location` say which representation was sent); unknown IRIs answer 404.
"""

from __future__ import annotations

import io
import re
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import cast
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox
from pyoxigraph import NamedNode, Triple

from .. import vocab
from ..mapping.rdf import triple_key
from ..write.jsonld import Context, write_graph
from ..write.rdf import turtle
from .dist import Dist
from .html import Page
from .negotiate import choose
from .query import open_store

RESOURCE_TYPES = {
    "text/html": "html",
    "text/turtle": "ttl",
    "application/ld+json": "jsonld",
    "application/n-triples": "nt",
}
FORMAT_TYPES = {v: k for k, v in RESOURCE_TYPES.items()}
RESULT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}
DUMPS = (
    "dataset.nq",
    "dataset.trig",
    "dataset.ttl",
    "dataset.nt",
    "dataset.jsonld",
    "context.jsonld",
    "void.ttl",
)
_PART = re.compile(r"^parts/(\d{4}|dataset)\.(nq|trig|ttl|nt|jsonld)$")  # dumps in parts
_CHUNK = re.compile(r"^/dumps/(\d{4}|dataset|dataset-\d{5})\.nq\.gz$")  # gzip N-Quads for loaders
DUMP_TYPES = {
    ".nq": "application/n-quads",
    ".trig": "application/trig",
    ".ttl": "text/turtle",
    ".nt": "application/n-triples",
    ".jsonld": "application/ld+json",
}


class Site:
    """The dataset behind the server: the embedded store and what the handlers need."""

    def __init__(self, dist: Path) -> None:
        self.dist = Dist.open(dist)
        self.base = self.dist.base_iri
        self.store = open_store(dist)
        self.context = Context.default()

    def describe(self, iri: str) -> list[Triple]:
        """The triples about ``iri`` and the nodes below it that it is linked with either way (a
        letter's events, translations, evidence, …), from every graph; empty for an IRI the
        dataset does not have. Index look-ups only: the cost follows the answer, not the store."""
        below = iri + "/"
        found: dict[Triple, None] = {}
        todo, seen = [NamedNode(iri)], {iri}
        while todo:
            node = todo.pop()
            for quad in self.store.quads_for_pattern(node, None, None):
                found.setdefault(quad.triple, None)
                obj = quad.object
                if isinstance(obj, NamedNode) and obj.value.startswith(below) and obj.value not in seen:
                    seen.add(obj.value)
                    todo.append(obj)
            for quad in self.store.quads_for_pattern(None, None, node):
                subject = quad.subject
                if (
                    isinstance(subject, NamedNode)
                    and subject.value.startswith(below)
                    and subject.value not in seen
                ):
                    seen.add(subject.value)
                    todo.append(subject)
        return sorted(found, key=triple_key)

    def labels(self, triples: list[Triple]) -> dict[str, str]:
        """English (or any) labels of every IRI the triples mention."""
        iris = {t.object.value for t in triples if isinstance(t.object, NamedNode)}
        iris |= {t.subject.value for t in triples if isinstance(t.subject, NamedNode)}
        if not iris:
            return {}
        values = " ".join(f"<{i}>" for i in sorted(iris))
        rows = self.store.query(
            f"SELECT ?x ?l WHERE {{ VALUES ?x {{ {values} }} ?x <{vocab.RDFS}label> ?l }}",
            use_default_graph_as_union=True,
        )
        return {row["x"].value: row["l"].value for row in cast(ox.QuerySolutions, rows)}


class Handler(BaseHTTPRequestHandler):
    """Routes: /sparql, /.well-known/void, /dump/<file>, and every IRI path under the base."""

    site: Site
    server_version = "lodpub"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send(self, status: int, body: bytes, media: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def fail(self, status: HTTPStatus, message: str, headers: dict[str, str] | None = None) -> None:
        self.send(status, (message + "\n").encode("utf-8"), "text/plain; charset=utf-8", headers)

    def do_OPTIONS(self) -> None:
        self.send(HTTPStatus.NO_CONTENT, b"", "text/plain", CORS | {"Access-Control-Max-Age": "86400"})

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        params = parse_qs(url.query)
        if url.path == "/sparql":
            self.sparql(params.get("query", [None])[0], params)
        elif url.path == "/.well-known/void":
            self.send(
                HTTPStatus.OK, (self.site.dist.folder / "void.ttl").read_bytes(), "text/turtle; charset=utf-8"
            )
        elif url.path.startswith("/dump/") and (url.path[6:] in DUMPS or _PART.match(url.path[6:])):
            path = self.site.dist.folder / url.path[6:]
            if path.is_file():
                self.send(HTTPStatus.OK, path.read_bytes(), DUMP_TYPES[path.suffix] + "; charset=utf-8")
            else:
                self.fail(HTTPStatus.NOT_FOUND, "this build has no such dump")
        elif _CHUNK.match(url.path) and (self.site.dist.folder / url.path[1:]).is_file():
            self.send(HTTPStatus.OK, (self.site.dist.folder / url.path[1:]).read_bytes(), "application/gzip")
        elif url.path == "/":
            self.resource(self.site.base + "dataset", params)
        else:
            self.resource(self.site.base + url.path.lstrip("/"), params)

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        if url.path != "/sparql":
            self.fail(
                HTTPStatus.METHOD_NOT_ALLOWED, "POST is only accepted on /sparql", {"Allow": "GET, HEAD"}
            )
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8")
        media = (self.headers.get("Content-Type") or "").split(";")[0].strip()
        if media == "application/sparql-query":
            self.sparql(body, {})
        elif media == "application/x-www-form-urlencoded":
            form = parse_qs(body)
            self.sparql(form.get("query", [None])[0], form)
        else:
            self.fail(
                HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "send application/sparql-query or a form with query=", CORS
            )

    def sparql(self, query: str | None, params: dict[str, list[str]]) -> None:
        if "update" in params:
            self.fail(HTTPStatus.FORBIDDEN, "this endpoint is read-only: SPARQL Update is not accepted", CORS)
            return
        if not query:
            self.fail(HTTPStatus.BAD_REQUEST, "missing the query parameter", CORS)
            return
        try:
            result = self.site.store.query(query, use_default_graph_as_union=True)
        except SyntaxError as exc:
            self.fail(
                HTTPStatus.BAD_REQUEST, f"the query does not parse (only queries are accepted): {exc}", CORS
            )
            return
        formats = GRAPH_TYPES if isinstance(result, ox.QueryTriples) else RESULT_TYPES
        media = choose(self.headers.get("Accept"), list(formats))
        if media is None:
            self.fail(HTTPStatus.NOT_ACCEPTABLE, "offered: " + ", ".join(formats), CORS)
            return
        out = io.BytesIO()
        try:
            result.serialize(out, formats[media])  # type: ignore[arg-type]
        except OSError as exc:
            self.fail(HTTPStatus.BAD_GATEWAY, f"a SERVICE call failed: {exc}", CORS)
            return
        self.send(HTTPStatus.OK, out.getvalue(), media + "; charset=utf-8", CORS | {"Vary": "Accept"})

    def resource(self, iri: str, params: dict[str, list[str]]) -> None:
        triples = self.site.describe(iri)
        if not triples:
            self.fail(HTTPStatus.NOT_FOUND, f"{iri} is not in this dataset")
            return
        wanted = params.get("format", [None])[0]
        if wanted is not None:
            media = FORMAT_TYPES.get(wanted)
            if media is None:
                self.fail(HTTPStatus.BAD_REQUEST, "format must be one of " + ", ".join(FORMAT_TYPES))
                return
        else:
            media = choose(
                self.headers.get("Accept"),
                ["text/turtle", "text/html", "application/ld+json", "application/n-triples"],
            )
            if media is None:
                self.fail(HTTPStatus.NOT_ACCEPTABLE, "offered: " + ", ".join(RESOURCE_TYPES))
                return
        body = self.render(iri, triples, media)
        location = urlsplit(self.path).path + f"?format={RESOURCE_TYPES[media]}"
        self.send(
            HTTPStatus.OK, body, media + "; charset=utf-8", {"Vary": "Accept", "Content-Location": location}
        )

    def render(self, iri: str, triples: list[Triple], media: str) -> bytes:
        if media == "text/html":
            return Page(iri, triples, self.site.labels(triples), self.site.base).render().encode("utf-8")
        if media == "text/turtle":
            return turtle(triples)
        if media == "application/n-triples":
            return cast(bytes, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
        out = io.StringIO()
        write_graph(self.site.context, triples, out)
        return out.getvalue().encode("utf-8")


CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Accept",
}


def address(server: ThreadingHTTPServer) -> str:
    """The server's base URL."""
    host, port = server.server_address[:2]
    return f"http://{host!s}:{port}/"


def make_server(dist: Path, host: str = "127.0.0.1", port: int = 8080) -> ThreadingHTTPServer:
    """A server for ``dist`` bound to ``host``:``port`` (port 0 picks a free one)."""
    site = Site(dist)
    handler = type("BoundHandler", (Handler,), {"site": site})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server
