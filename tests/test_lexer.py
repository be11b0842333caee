"""The query text read as the store reads it (publish/lexer.py), checked against the store itself:
every smuggled SERVICE below is shown to reach a loopback listener when Oxigraph runs it, and to
be refused by the check; every harmless mention is shown to run without reaching it."""

from __future__ import annotations

import random
import socket
import threading
from collections.abc import Iterator

import pyoxigraph as ox
import pytest

from lodpub.errors import QueryError
from lodpub.publish.lexer import UNREADABLE, names_dataset, service_endpoints
from lodpub.publish.service import check_services


class Listener:
    """A loopback port that counts the connections it gets and closes each at once."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(64)
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.calls = 0
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while self.running:
            try:
                connection, _ = self.socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.calls += 1
            connection.close()

    def close(self) -> None:
        self.running = False
        self.thread.join()
        self.socket.close()


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    server = Listener()
    try:
        yield server
    finally:
        server.close()


def reaches(listener: Listener, query: str) -> bool | None:
    """Whether Oxigraph, running ``query``, connected to the listener (None: it does not parse)."""
    before = listener.calls
    store = ox.Store()  # one triple, so that a pattern joined with the SERVICE has a match
    store.add(ox.Quad(ox.NamedNode("http://s"), ox.NamedNode("http://p"), ox.Literal("true")))
    try:
        answer = store.query(query)
        if not isinstance(answer, ox.QueryBoolean):
            list(answer)
    except SyntaxError:
        return None
    except (OSError, RuntimeError):
        pass  # the listener hung up on the SERVICE call, or a variable as endpoint was unbound
    return listener.calls > before


def refused(query: str) -> bool:
    try:
        check_services(query, None)
    except QueryError:
        return True
    return False


SMUGGLED = [
    "SELECT * WHERE {{ SERVICE <{ep}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?a ?b ?c # note\r SERVICE <{ep}> {{ ?s ?p ?o }} }}",  # a comment ended by CR
    "SELECT * WHERE {{ SERVICESILENT<{ep}>{{ ?s ?p ?o }} }}",  # keywords with no space between
    "SELECT * WHERE {{ service silent <{ep}> {{ ?s ?p ?o }} }}",
    "PREFIX e: <{ep}>\nSELECT * WHERE {{ SERVICE e: {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ BIND(<{ep}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?a ?b 'true'SERVICE<{ep}>{{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?a ?b ?c FILTER(EXISTS {{ SERVICE <{ep}> {{ ?s ?p ?o }} }}) }}",
]
HARMLESS = [
    'SELECT * WHERE {{ ?s ?p "SERVICE <{ep}> {{ ?x ?y ?z }}" }}',
    "SELECT * WHERE {{ ?s ?p ?o # SERVICE <{ep}> {{ ?x ?y ?z }}\n }}",
    "SELECT ?service WHERE {{ ?service ?p ?o }}",
    "PREFIX ex: <http://example.org/>\nSELECT * WHERE {{ ?s ex:service ?o }}",
    "SELECT * WHERE {{ ?s <http://example.org/service> ?o }}",
    "SELECT * WHERE {{ ?s ?p '''SERVICE <{ep}> {{ ?x ?y ?z }}''' }}",
]


@pytest.mark.parametrize("template", SMUGGLED)
def test_every_service_the_store_would_call_is_refused(listener: Listener, template: str) -> None:
    query = template.format(ep=f"http://127.0.0.1:{listener.port}/sparql")
    assert refused(query), query
    if "?e" not in query:  # a variable's value is only known when the query runs
        assert reaches(listener, query), f"not a real SERVICE call for Oxigraph: {query}"


def test_an_escaped_keyword_is_refused_though_this_oxigraph_does_not_undo_escapes() -> None:
    """SPARQL 1.1 §19.2 undoes \\u escapes before parsing; Oxigraph 0.5 does not. The check
    undoes them, so a store that follows the standard is covered too."""
    assert refused("SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }")
    assert names_dataset("SELECT * \\u0046ROM <http://g> WHERE { ?s ?p ?o }")


@pytest.mark.parametrize("template", HARMLESS)
def test_a_mention_of_the_word_that_calls_nothing_is_let_through(listener: Listener, template: str) -> None:
    query = template.format(ep=f"http://127.0.0.1:{listener.port}/sparql")
    assert not refused(query), query
    assert reaches(listener, query) is False


def test_random_queries_never_call_out_past_the_check(listener: Listener) -> None:
    """A SERVICE call with random fragments around and inside it, fragments that open and close
    comments, strings and IRIs: any query that makes Oxigraph call the listener was refused."""
    endpoint = f"<http://127.0.0.1:{listener.port}/x>"
    noise = [
        "", " ", "#", "\r", "\n", '"', "'", "'''", "<", ">", "?a", "(", ")", "FILTER(?a<?b)",
        "SILENT", ".", "'true'", "?s ?p ?o", "{", "}", "\\", "<http://a/>", "ex:", "_:b",
    ]  # fmt: skip
    chance = random.Random(20261207)
    called = 0
    for _ in range(3000):
        parts = ["?s ?p ?o", "SERVICE", "SILENT", endpoint, "{ ?s ?p ?o }"]
        for _ in range(chance.randint(1, 4)):
            parts.insert(chance.randint(0, len(parts)), chance.choice(noise))
        query = "SELECT * WHERE { " + chance.choice(["", " "]).join(parts) + " }"
        if reaches(listener, query):
            called += 1
            assert refused(query), repr(query)
    assert called > 60  # the fragments do make real calls, so the property was put to the test


def test_the_endpoints_are_read_as_written() -> None:
    assert service_endpoints("SELECT * { SERVICE <http://a/s> { ?s ?p ?o } }") == ["http://a/s"]
    assert service_endpoints("PREFIX w: <http://w/>\nSELECT * { SERVICE SILENT w:sparql {} }") == [
        "http://w/sparql"
    ]
    assert service_endpoints("SELECT * { SERVICE ?x {} }") == ["?x"]
    assert service_endpoints("SELECT * { SERVICESILENT <http://a/s> {} }") == [UNREADABLE]
    assert set(service_endpoints("PREFIX service: <http://a/>\nSELECT * { ?s service:p ?o }")) == {UNREADABLE}


def test_a_long_or_deep_query_is_read_in_one_pass() -> None:
    deep = "SELECT * WHERE { FILTER(" + "(" * 400 + "1" + ")" * 400 + ") SERVICE <http://a/s> {} }"
    assert service_endpoints(deep) == ["http://a/s"]
    long = "SELECT * WHERE { " + "?service ?p 'service' . " * 40_000 + "}"  # about 1 MB
    assert len(long) > 900_000 and service_endpoints(long) == []


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("SELECT * FROM <http://g> WHERE { ?s ?p ?o }", True),
        ("SELECT * FROM NAMED <http://g> { GRAPH ?g { ?s ?p ?o } }", True),
        ("SELECT*FROM<http://g>{?s ?p ?o}", True),
        ("SELECT * FROMNAMED<http://g> WHERE { GRAPH ?g { ?s ?p ?o } }", True),
        ("CONSTRUCT { ?s ?p ?o } from <http://g> WHERE { ?s ?p ?o }", True),
        ("SELECT * WHERE { ?s ?p ?o FILTER(?o != 'FROM <http://g>') }", False),
        ("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } } # FROM <http://g>", False),
        ("SELECT ?from WHERE { ?from ?p ?o FILTER(?p != <http://example.org/from>) }", False),
    ],
)
def test_a_dataset_clause_is_seen_wherever_oxigraph_sees_one(query: str, named: bool) -> None:
    """The triple is in the store's default graph and in a named graph; a dataset clause naming
    a graph that does not exist leaves the query nothing to match (Oxigraph's own reading)."""
    assert names_dataset(query) is named
    store = ox.Store()
    triple = (ox.NamedNode("http://s"), ox.NamedNode("http://p"), ox.Literal("o"))
    store.add(ox.Quad(*triple, ox.DefaultGraph()))
    store.add(ox.Quad(*triple, ox.NamedNode("http://h")))
    assert (len(list(store.query(query))) == 0) is named  # type: ignore[arg-type]
