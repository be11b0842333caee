"""`lodpub serve` tried as an attacker would, over real HTTP on loopback: a real `lodpub serve`
process (stopped by PID), its persistent store, its query workers."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from lodpub.build import BuildResult

from .conftest import BASE, CORPUS, make_corpus, run
from .servers import Serve, start, stop

HUGE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # 535³ rows to count
CROSS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"  # 286,225 rows


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("endpoint")
    letters = {p.name: p.read_bytes() for p in (CORPUS / "letters").iterdir()}
    make_corpus(root / "corpus", letters)
    code, _, stderr = run("build", str(root / "corpus"), "--out", str(root / "dist"), "--quiet")
    assert code == 0, stderr
    return root / "dist"


@pytest.fixture(scope="module")
def serve(seed: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Serve]:
    server = start(
        seed,
        tmp_path_factory.mktemp("serve"),
        *("--query-timeout", "3", "--client-timeout", "3"),
        *("--query-rows", "20000"),  # reached well within the time limit on a loaded machine
    )
    try:
        yield server
    finally:
        stop(server)
    assert "Traceback" not in server.stderr(), server.stderr()


def sparql(url: str, query: str, accept: str = "application/sparql-results+json") -> requests.Response:
    return requests.post(
        url + "/sparql",
        data=query.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": accept},
        timeout=30,
    )


def test_an_expensive_query_is_stopped_and_the_server_answers_others_meanwhile(serve: Serve) -> None:
    requests.get(serve.url + "/letter/1958-04-17-cpsu-rwp-troops", timeout=10)
    before = serve.rss()
    answers: list[requests.Response] = []
    slow = threading.Thread(target=lambda: answers.append(sparql(serve.url, HUGE)))
    started = time.monotonic()
    slow.start()
    time.sleep(0.5)
    waits = []
    while slow.is_alive() and time.monotonic() - started < 20:
        asked = time.monotonic()
        quick = sparql(serve.url, "ASK { ?s ?p ?o }")
        page = requests.get(serve.url + "/letter/1958-04-17-cpsu-rwp-troops", timeout=10)
        waits.append(time.monotonic() - asked)
        assert quick.status_code == 200 and quick.json()["boolean"] is True
        assert page.status_code == 200
    slow.join()
    (answer,) = answers
    assert 2.5 < time.monotonic() - started < 10
    assert answer.status_code == 503
    assert "Retry-After" not in answer.headers  # the same query would only be stopped again
    assert answer.text.startswith("the query ran longer than 3 s, the time limit, and was stopped")
    assert waits and max(waits) < 1.0, waits
    time.sleep(1)  # the killed worker's successor starts
    assert serve.rss() < before + 50 * 1024 * 1024  # the stopped query's memory is gone with it


def test_an_answer_over_the_row_limit_is_an_error(serve: Serve) -> None:
    answer = sparql(serve.url, CROSS)
    assert answer.status_code == 400 and "Retry-After" not in answer.headers  # nothing to retry
    assert answer.text.startswith("the answer has more than 20,000 rows, the row limit")
    limited = sparql(serve.url, CROSS + " LIMIT 7")
    assert limited.status_code == 200 and len(limited.json()["results"]["bindings"]) == 7


def test_two_query_parameters_are_refused(serve: Serve) -> None:
    for answer in (
        requests.get(
            serve.url + "/sparql", params=[("query", "ASK {}"), ("query", "ASK { ?s ?p ?o }")], timeout=10
        ),
        requests.post(serve.url + "/sparql", data=[("query", "ASK {}"), ("query", "ASK {}")], timeout=10),
        requests.post(
            serve.url + "/sparql?query=ASK%20%7B%7D",
            data=b"ASK {}",
            headers={"Content-Type": "application/sparql-query"},
            timeout=10,
        ),
    ):
        assert answer.status_code == 400, answer.text
        assert "query" in answer.text


def test_a_service_call_to_loopback_is_refused_before_any_request(serve: Serve) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.settimeout(1.5)
        port = listener.getsockname()[1]
        for query in (
            f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/internal-admin?secret=1> {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ \\u0053ERVICE SILENT <http://127.0.0.1:{port}/x> {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/x> {{ ?s ?p ?o ",  # does not parse
            f"SELECT * WHERE {{ ?s ?p ?o # x\r SERVICE <http://127.0.0.1:{port}/x> {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ ?s ?p ?o SERVICESILENT<http://127.0.0.1:{port}/x>{{ ?s ?p ?o }} }}",
        ):
            answer = requests.get(serve.url + "/sparql", params={"query": query}, timeout=10)
            assert answer.status_code == 400, answer.text
            assert "refused" in answer.text or "not allowed" in answer.text
        with pytest.raises(TimeoutError):
            listener.accept()  # nothing reached the listener


def raw(url: str, request: bytes, wait: float = 5.0) -> bytes:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=wait) as sock:
        sock.sendall(request)
        sock.shutdown(socket.SHUT_WR)
        chunks = []
        while data := sock.recv(65536):
            chunks.append(data)
    return b"".join(chunks)


def status(reply: bytes) -> int:
    return int(reply.split(b" ", 2)[1])


@pytest.mark.parametrize(
    ("request_bytes", "expected"),
    [
        (b"GET /<script>alert(1)</script> HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        (b'GET /"quoted" HTTP/1.1\r\nHost: x\r\n\r\n', 400),
        (b"GET /a\x01b HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nHost: x\r\nBad\x00Header: y\r\n\r\n", 400),
        (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", 400),
        (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400),
        (
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 4\r\n\r\n\xff\xfe\xfd\xfc",
            400,
        ),
        (b"PUT /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", 405),
        (b"DELETE /letter/1958-04-17-cpsu-rwp-troops HTTP/1.1\r\nHost: x\r\n\r\n", 405),
        (b"PATCH / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", 405),
        (b"NONSENSE\r\n\r\n", 400),
    ],
    ids=[
        "lt",
        "quote",
        "control",
        "nul-header",
        "length-abc",
        "length-minus",
        "not-utf8",
        "put",
        "delete",
        "patch",
        "no-request-line",
    ],
)
def test_malformed_and_unsupported_requests(serve: Serve, request_bytes: bytes, expected: int) -> None:
    reply = raw(serve.url, request_bytes)
    assert status(reply) == expected, reply[:300]
    if expected == 405:
        assert b"\r\nAllow: " in reply


def test_a_body_over_the_limit_is_413_and_never_read_whole(serve: Serve) -> None:
    body = b"SELECT * WHERE { ?s ?p ?o } #" + b"x" * (2 * 1024 * 1024)
    answer = requests.post(
        serve.url + "/sparql", data=body, headers={"Content-Type": "application/sparql-query"}, timeout=30
    )
    assert answer.status_code == 413


def test_slow_and_idle_clients_hold_no_thread(serve: Serve) -> None:
    """Clients that send half a request, or a body shorter than they said, and stall: others
    are answered meanwhile, and the stalled ones are let go after --client-timeout (3 s)."""
    host, port = serve.url.removeprefix("http://").split(":")
    stalled = []
    for _ in range(30):
        sock = socket.create_connection((host, int(port)))
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nSELECT")
        stalled.append(sock)
    half = socket.create_connection((host, int(port)))
    half.sendall(b"GET /.well-known/vo")
    stalled.append(half)
    try:
        asked = time.monotonic()
        assert requests.get(serve.url + "/.well-known/void", timeout=5).status_code == 200
        assert time.monotonic() - asked < 1.0
        time.sleep(3)
        for sock in stalled:
            sock.settimeout(3)
            assert sock.recv(1024) == b""  # closed by the server
    finally:
        for sock in stalled:
            sock.close()


def test_construct_as_rdf_xml_for_sparqlwrapper(serve: Serve) -> None:
    from SPARQLWrapper import SPARQLWrapper

    client = SPARQLWrapper(serve.url + "/sparql")
    client.setQuery(
        "PREFIX crm: <http://www.cidoc-crm.org/cidoc-crm/> "
        f"CONSTRUCT {{ ?l crm:P2_has_type ?t }} WHERE {{ ?l crm:P2_has_type ?t "
        f"FILTER(?l = <{BASE}letter/1958-04-17-cpsu-rwp-troops>) }}"
    )
    graph = client.queryAndConvert()  # asks for RDF/XML by default, parses it with rdflib
    assert len(graph) == 1  # type: ignore[arg-type]
    answer = requests.get(
        serve.url + "/sparql",
        params={"query": "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 3"},
        headers={"Accept": "application/rdf+xml"},
        timeout=10,
    )
    assert answer.headers["Content-Type"] == "application/rdf+xml; charset=utf-8"


def test_serve_switches_to_a_rebuilt_dist(tmp_path: Path) -> None:
    letters = {p.name: p.read_bytes() for p in (CORPUS / "letters").iterdir()}
    corpus = make_corpus(tmp_path / "corpus", letters)
    dist = tmp_path / "dist"
    code, _, stderr = run("build", str(corpus), "--out", str(dist), "--quiet")
    assert code == 0, stderr
    server = start(dist, tmp_path)
    count = (
        "SELECT (COUNT(*) AS ?n) WHERE { ?l a <http://www.cidoc-crm.org/cidoc-crm/E33_Linguistic_Object> }"
    )
    try:
        before = sparql(server.url, count).json()["results"]["bindings"][0]["n"]["value"]
        path = corpus / "letters" / "1958-04-17-cpsu-rwp-troops.txt"
        path.write_bytes(path.read_bytes().replace(b"Dear Comrades,", b"Dear Comrades and friends,", 1))
        code, _, stderr = run("build", str(corpus), "--out", str(dist), "--quiet")
        assert code == 0, stderr
        page = requests.get(
            server.url + "/letter/1958-04-17-cpsu-rwp-troops", headers={"Accept": "text/turtle"}, timeout=10
        )
        assert "Dear Comrades and friends," in page.text
        assert sparql(server.url, count).json()["results"]["bindings"][0]["n"]["value"] == before
        found = sparql(server.url, 'ASK { ?x ?p ?text FILTER(CONTAINS(STR(?text), "Comrades and friends")) }')
        assert found.json()["boolean"] is True
    finally:
        stop(server)
    assert "Traceback" not in server.stderr()


def test_the_query_command_over_its_limits(seed_build: BuildResult, tmp_path: Path) -> None:
    slow, cross = tmp_path / "slow.rq", tmp_path / "cross.rq"
    slow.write_text(HUGE)
    cross.write_text(CROSS)
    dist = str(seed_build.out)
    code, _, stderr = run("query", str(slow), "--dist", dist, "--query-timeout", "1")
    # the seeds' store is made on first use, unless a test before made it: said, with its progress
    made = ("making the store of ", "store: ")
    said = "".join(line for line in stderr.splitlines(keepends=True) if not line.startswith(made))
    assert (code, said) == (
        1,
        "error: the query ran longer than 1 s, the time limit, and was stopped\n"
        "  hint: narrow the query, or raise --query-timeout (query_timeout)\n",
    )
    code, _, stderr = run("query", str(cross), "--dist", dist, "--query-rows", "5000")
    assert (code, stderr) == (
        1,
        "error: the answer has more than 5,000 rows, the row limit\n"
        "  hint: ask for fewer (LIMIT, or a narrower pattern), or raise --query-rows (query_rows)\n",
    )


def test_a_query_string_that_is_not_utf8_is_refused(serve: Serve) -> None:
    for path in ("/sparql?query=ASK%20%7B%7D%20%23%FF", "/letters?q=%FF%FE", "/sparql?query=ASK%7B%7D&x=%C3"):
        answer = requests.get(
            serve.url + path, headers={"Accept": "application/sparql-results+json"}, timeout=10
        )
        assert answer.status_code == 400 and "not UTF-8" in answer.text, path
    fine = requests.get(
        serve.url + "/sparql?query=ASK%20%7B%7D%20%23%C3%A9",
        headers={"Accept": "application/sparql-results+json"},
        timeout=10,
    )
    assert fine.status_code == 200
