"""`lodpub serve`: a read-only SPARQL endpoint and dereferenceable IRIs for a built dataset, as a
WSGI application served by waitress.

Every IRI under the dataset's base answers on this server at the same path. Resources answer
200 directly with their description in the negotiated format (no 303 redirect; `Vary: Accept`
and `Content-Location` say which representation was sent); unknown IRIs answer 404. Queries run
in worker processes, bounded in time, rows and memory (bounded.py); federated queries are
refused unless allowed (service.py). The dataset is read from its persistent store (store.py),
opened read-only: when a rebuild makes a new generation of the store current, the next request
uses it. Malformed requests, bodies over the limit, slow and idle clients are waitress's to
refuse (400, 413, time-outs), before the application sees them."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qs

import pyoxigraph as ox
from pyoxigraph import NamedNode, Triple

from .. import vocab
from ..errors import Busy, LodpubError, OverLimit, QueryError
from ..settings import Settings
from ..site import BadParameter, Page, site_of
from ..site.catalogue import Catalogue
from ..site.described import describe
from ..site.policy import SECURITY_HEADERS
from ..write.jsonld import Context
from ..write.layout import VOID
from ..write.rdf import representation
from .bounded import GRAPH_FORMATS, RESULT_FORMATS, Dataset, Limits, Workers
from .caching import entity_headers, not_modified
from .description import describe_service, rewritten
from .dist import Dist, dump_file, dump_type
from .listener import MAX_BODY, Server, address
from .memory import Allowance, give_back
from .negotiate import choose, one_query, query_params
from .service import allowed_services, check_services
from .store import PersistentStore, store_folder

RESOURCE_TYPES = {
    "text/html": "html",
    "text/turtle": "ttl",
    "application/ld+json": "jsonld",
    "application/n-triples": "nt",
}
FORMAT_TYPES = {v: k for k, v in RESOURCE_TYPES.items()}
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Accept",
}
StartResponse = Callable[[str, list[tuple[str, str]]], Any]


@dataclass
class Answer:
    """What the application sends: a status, a body (bytes, or a file streamed) and headers."""

    status: int
    body: bytes | Path
    media: str
    headers: dict[str, str]


def plain(status: int, message: str, headers: dict[str, str] | None = None) -> Answer:
    return Answer(status, (message + "\n").encode("utf-8"), "text/plain; charset=utf-8", headers or {})


class _Snapshot:
    """One generation of the store, opened read-only, with its catalogue and the site's pages
    over them, shared by the requests that use it; its shared lock is released when the last of
    them is done with it (CPython frees it then)."""

    def __init__(self, store: PersistentStore, base: str, license_: str | None) -> None:
        self.generation, self.store, self._fd = store.open_generation()
        self.modified = self.generation.file(".catalogue").stat().st_mtime  # when it was made
        self.catalogue = Catalogue(self.generation.file(".catalogue"))
        self.site = site_of(self.store, self.catalogue, base, license_)

    def __del__(self) -> None:
        if not hasattr(self, "site"):
            return  # opening failed: there is nothing to release
        self.catalogue.close()
        os.close(self._fd)
        self.site = self.store = None  # type: ignore[assignment]  # the store and its caches go now
        give_back()


class App:
    """The WSGI application for one dist/ and its store."""

    def __init__(
        self, dist: Path, settings: Settings, store_root: Path | None = None, workers: int = 2
    ) -> None:
        self.dist = Dist.open(dist)
        self.base = self.dist.base_iri
        self.context = Context.default()
        self.store = PersistentStore(store_root or store_folder(dist, settings), dist)
        if not self.store.up_to_date():
            self.store.sync()
        self.license, self.title = settings.license, settings.title
        self.snapshot = _Snapshot(self.store, self.base, self.license)
        self.allowance = Allowance(int(settings.store_cache_mb))
        self.services = allowed_services(settings.allow_service)
        self.limits = Limits.of(settings)
        self.workers = Workers(self.store.root, dist, self.limits, workers)
        self._switch = threading.Lock()
        self._index_stat = self._stat()

    def close(self) -> None:
        self.workers.close()

    def _stat(self) -> tuple[int, int, int] | None:
        try:
            stat = os.stat(self.dist.folder / "graphs.tsv")
        except OSError:
            return None
        return stat.st_ino, stat.st_mtime_ns, stat.st_size

    def current(self) -> _Snapshot:
        """The snapshot to answer from: the store's current generation (a rebuild's update is
        taken up between requests; a dist rebuilt without one gets its store updated here)."""
        snapshot = self.snapshot
        if self._stat() != self._index_stat:
            with self._switch:
                if self._stat() != self._index_stat:
                    self._index_stat = self._stat()
                    if not self.store.up_to_date():
                        self.store.sync()
        current = self.store.current()
        if current is not None and current != snapshot.generation:
            with self._switch:
                if self.store.current() != self.snapshot.generation:
                    self.snapshot = _Snapshot(self.store, self.base, self.license)
                snapshot = self.snapshot
        return snapshot

    def let_go(self) -> None:
        """Open the store afresh when this process has outgrown its allowance (memory.py); the
        old snapshot goes when the last request using it is done."""
        if self.allowance.exceeded():
            with self._switch:
                if self.allowance.exceeded():
                    self.snapshot = _Snapshot(self.store, self.base, self.license)
                    self.allowance.restart()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        try:
            answer = self.answer(environ)
        except OverLimit as error:
            retry = {"Retry-After": "5"} if isinstance(error, Busy) else {}
            answer = plain(error.status, str(error), {**CORS, **retry})
        except QueryError as error:
            answer = plain(400, str(error), CORS)
        except BadParameter as error:  # "?page=99999999999999999999": the page says which and why
            answer = Answer(400, self.snapshot.site.refused(error).body, "text/html; charset=utf-8", {})
        except LodpubError as error:
            answer = plain(500, str(error))
        self.let_go()
        headers = [("Content-Type", answer.media), *answer.headers.items(), *SECURITY_HEADERS.items()]
        if isinstance(answer.body, Path):
            size = answer.body.stat().st_size
            start_response(_status(answer.status), [*headers, ("Content-Length", str(size))])
            if environ["REQUEST_METHOD"] == "HEAD":
                return [b""]
            handle = open(answer.body, "rb")  # noqa: SIM115 - closed by the server's file wrapper
            wrapper = environ.get("wsgi.file_wrapper")
            return cast(Iterable[bytes], wrapper(handle, 1024 * 1024)) if wrapper else _chunks(handle)
        if answer.status == 304:  # no body, and no length of one (RFC 9110 §15.4.5)
            start_response(_status(304), headers)
            return [b""]
        start_response(_status(answer.status), [*headers, ("Content-Length", str(len(answer.body)))])
        return [b"" if environ["REQUEST_METHOD"] == "HEAD" else answer.body]

    def answer(self, environ: dict[str, Any]) -> Answer:
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO") or "/"
        params = query_params(environ.get("QUERY_STRING", ""))
        if params is None:  # "%FF": no UTF-8, refused as a POST body is (not replaced)
            return plain(400, "the query string is not UTF-8", CORS)
        if path == "/sparql":
            if method == "OPTIONS":
                return Answer(204, b"", "text/plain", CORS | {"Access-Control-Max-Age": "86400"})
            if method == "POST":
                return self.post_sparql(environ)
            if method in ("GET", "HEAD"):
                described = None if {"query", "update"} & params.keys() else self.description(environ)
                if described is not None:
                    return described
                return self.sparql(one_query(params), params, environ.get("HTTP_ACCEPT"))
            return plain(405, f"{method} is not accepted here", {"Allow": "GET, HEAD, POST, OPTIONS"})
        if method not in ("GET", "HEAD"):
            return plain(
                405, f"{method} is not accepted here: the dataset is read-only", {"Allow": "GET, HEAD"}
            )
        if path == "/.well-known/void":
            return self.void(environ.get("HTTP_ACCEPT"))
        if path == "/cmif.xml":  # the letters' metadata for correspSearch (setting cmif)
            if not (self.dist.folder / "cmif.xml").is_file():
                return plain(404, "this build has no CMIF file (the setting cmif = true writes one)")
            return Answer(200, self.dist.folder / "cmif.xml", "application/tei+xml; charset=utf-8", {})
        dump = dump_file(path)
        if dump is not None:
            file = self.dist.folder / dump
            if not file.is_file():
                return plain(404, "this build has no such dump")
            return Answer(200, file, dump_type(dump), {})
        accept = environ.get("HTTP_ACCEPT")
        if path in ("/", "/letters") and (path == "/letters" or _wants_html(accept, params)):
            page = self.current().site.page(path, _single(params))
            return Answer(200, cast(Page, page).body, "text/html; charset=utf-8", {"Vary": "Accept"})
        iri = self.base + ("dataset" if path == "/" else path.lstrip("/"))
        return self.resource(iri, path, params, environ)

    def description(self, environ: dict[str, Any]) -> Answer | None:
        """The Service Description (description.py), or None for the query page."""
        try:
            found = describe_service(environ, self.base + "dataset", self.title)
        except ValueError:  # a Host header no IRI can hold
            return plain(400, "the Host header cannot be part of an IRI", CORS)
        return None if found is None else Answer(200, found[1], found[0], CORS | {"Vary": "Accept"})

    def void(self, accept: str | None) -> Answer:
        """The dataset's VoID in the RDF format asked for (the Turtle file as written, or read
        and written again)."""
        media = choose(accept, list(GRAPH_FORMATS))
        if media is None:
            return plain(406, "offered: " + ", ".join(GRAPH_FORMATS))
        file, headers = self.dist.folder / VOID, {"Vary": "Accept", "Access-Control-Allow-Origin": "*"}
        body = file if media == "text/turtle" else rewritten(file, media)
        return Answer(200, body, media + "; charset=utf-8", headers)

    def post_sparql(self, environ: dict[str, Any]) -> Answer:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return plain(400, "Content-Length is not a number", CORS)
        if length > MAX_BODY:
            return plain(413, f"a query may be at most {MAX_BODY} bytes", CORS)
        try:
            body = environ["wsgi.input"].read(length).decode("utf-8")
        except UnicodeDecodeError:
            return plain(400, "the request body is not UTF-8", CORS)
        media = (environ.get("CONTENT_TYPE") or "").split(";")[0].strip()
        if media == "application/sparql-query":  # the dataset's parameters in the URL (§2.1.3)
            url = query_params(environ.get("QUERY_STRING", "")) or {}
            if "query" in url:
                raise QueryError("a query sent as the body has no query parameter in the URL too")
            return self.sparql(body, url, environ.get("HTTP_ACCEPT"))
        if media == "application/x-www-form-urlencoded":
            form = parse_qs(body, errors="strict")
            return self.sparql(one_query(form), form, environ.get("HTTP_ACCEPT"))
        return plain(415, "send application/sparql-query or a form with query=", CORS)

    def sparql(self, query: str | None, params: dict[str, list[str]], accept: str | None) -> Answer:
        if "update" in params:
            return plain(403, "this endpoint is read-only: SPARQL Update is not accepted", CORS)
        html = choose(accept, [*RESULT_FORMATS, "text/html"]) == "text/html"  # a browser, not a program
        if not query:
            if html:
                page = self.current().site.sparql(None, _single(params).get("name"), None)
                return Answer(200, page.body, "text/html; charset=utf-8", {"Vary": "Accept"})
            return plain(400, "missing the query parameter", CORS)
        if html:
            return self.sparql_html(query, Dataset.of(params))
        check_services(query, self.services)
        self.current()  # a rebuilt dist's store is brought up to date before the query
        result = self.workers.run(query, Dataset.of(params))
        offered = result.media_types()
        media = choose(accept, offered)
        if media is None:
            return plain(406, "offered: " + ", ".join(offered), CORS)
        body = result.serialize(media, vocab.PREFIXES)
        return Answer(200, body, result.canonical(media) + "; charset=utf-8", CORS | {"Vary": "Accept"})

    def sparql_html(self, query: str, dataset: Dataset) -> Answer:
        """A query from the SPARQL page: its answer as a table on the page (errors said there)."""
        site = self.current().site
        answer: ox.QuerySolutions | list[ox.Triple] | bool | None = None
        error = None
        try:
            check_services(query, self.services)
            result = self.workers.run(query, dataset)
            if result.kind == "ask":
                answer = result.boolean
            elif result.kind == "graph":
                answer = result.triples()
            else:
                answer = result.solutions()
        except (QueryError, OverLimit) as problem:
            error = str(problem)
        page = site.sparql(query, None, answer, error)
        return Answer(200, page.body, "text/html; charset=utf-8", {"Vary": "Accept"})

    def resource(self, iri: str, path: str, params: dict[str, list[str]], environ: dict[str, Any]) -> Answer:
        accept = environ.get("HTTP_ACCEPT")
        try:
            NamedNode(iri)
        except ValueError:  # "<", '"', a control character, …: no IRI has that path
            return plain(400, "the path cannot be part of an IRI")
        snapshot = self.current()
        triples = describe(snapshot.store, iri, self.base)
        if not triples:
            return plain(404, f"{iri} is not in this dataset")
        wanted = params.get("format", [None])[0]
        if wanted is not None:
            media = FORMAT_TYPES.get(wanted)
            if media is None:
                return plain(400, "format must be one of " + ", ".join(FORMAT_TYPES))
        else:
            media = choose(
                accept, ["text/turtle", "text/html", "application/ld+json", "application/n-triples"]
            )
            if media is None:
                return plain(406, "offered: " + ", ".join(RESOURCE_TYPES))
        body = self.render(snapshot, iri, path, triples, media, _single(params))
        headers = {"Vary": "Accept", "Content-Location": f"{path}?format={RESOURCE_TYPES[media]}"}
        headers |= entity_headers(path, body, media, snapshot.modified)
        if not_modified(environ, headers):
            return Answer(304, b"", media + "; charset=utf-8", headers)
        return Answer(200, body, media + "; charset=utf-8", headers)

    def render(
        self,
        snapshot: _Snapshot,
        iri: str,
        path: str,
        triples: list[Triple],
        media: str,
        params: dict[str, str],
    ) -> bytes:
        if media == "text/html":
            if path == "/":
                path = "/dataset"
            page = snapshot.site.page(path, params)
            return page.body if page is not None else b""
        return representation(triples, media, self.context)


def _wants_html(accept: str | None, params: dict[str, list[str]]) -> bool:
    wanted = params.get("format", [None])[0]
    if wanted is not None:
        return wanted == "html"
    return (
        choose(accept, ["text/turtle", "text/html", "application/ld+json", "application/n-triples"])
        == "text/html"
    )


def _single(params: dict[str, list[str]]) -> dict[str, str]:
    return {name: values[0] for name, values in params.items() if values}


def _status(code: int) -> str:
    return f"{code} {HTTPStatus(code).phrase}"


def _chunks(handle: Any) -> Iterator[bytes]:
    with handle:
        while data := handle.read(1024 * 1024):
            yield data


def make_server(
    dist: Path,
    host: str = "127.0.0.1",
    port: int = 8080,
    settings: Settings | None = None,
    store_root: Path | None = None,
    workers: int = 2,
    client_timeout: float = 30,
) -> Server:
    """A server for ``dist`` bound to ``host``:``port`` (port 0 picks a free one)."""
    return Server(
        App(dist, settings or Settings(), store_root, workers), host, port, client_timeout=client_timeout
    )


__all__ = ["App", "Server", "address", "make_server"]
