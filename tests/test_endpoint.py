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
    warm = [threading.Thread(target=sparql, args=(serve.url, "ASK { ?s ?p ?o }")) for _ in range(2)]
    for thread in warm:  # both workers have started and opened the store
        thread.start()
    for thread in warm:
        thread.join()
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


class SlowClients:
    """``count`` connections that each send a request one byte at a time (every half second),
    opened again whenever the server closes one, until stopped; ``closed`` counts the closes."""

    def __init__(self, url: str, count: int, request: bytes) -> None:
        host, port = url.removeprefix("http://").split(":")
        self.address, self.request, self.closed = (host, int(port)), request, 0
        self.sockets = [self._open() for _ in range(count)]
        self.sent = [0] * count
        self.running = True
        self.thread = threading.Thread(target=self._drip, daemon=True)
        self.thread.start()

    def _open(self) -> socket.socket:
        sock = socket.create_connection(self.address, timeout=5)
        sock.setblocking(False)
        return sock

    def _drip(self) -> None:
        while self.running:
            for i, sock in enumerate(self.sockets):
                try:
                    if sock.recv(1) == b"":
                        raise ConnectionResetError
                except BlockingIOError:
                    pass
                except OSError:
                    sock.close()
                    self.closed += 1
                    self.sockets[i], self.sent[i] = self._open(), 0
                    continue
                try:
                    sock.send(self.request[self.sent[i] % len(self.request) :][:1])
                    self.sent[i] += 1
                except OSError:
                    pass
            time.sleep(0.5)

    def stop(self) -> None:
        self.running = False
        self.thread.join()
        for sock in self.sockets:
            sock.close()


def test_pages_answer_at_once_while_ten_expensive_queries_and_200_slow_clients_run(serve: Serve) -> None:
    """Ten queries that run to the time limit, and 200 clients sending their headers (or a body)
    one byte a second: pages still answer within 1 s (no thread waits behind a query, no
    connection slot is held for long); the queries beyond a queue as long as the workers are
    answered "busy" at once; every slow client is cut at its deadline (headers within 1 s, a
    whole request within 6 s, with --client-timeout 3), whatever it still sends."""
    page = "/letter/1958-04-17-cpsu-rwp-troops"
    assert requests.get(serve.url + page, timeout=10).status_code == 200
    answers: list[tuple[float, requests.Response]] = []

    def expensive() -> None:
        asked = time.monotonic()
        answer = sparql(serve.url, HUGE)
        answers.append((time.monotonic() - asked, answer))

    queries = [threading.Thread(target=expensive) for _ in range(10)]
    for query in queries:
        query.start()
    time.sleep(0.5)
    headers = SlowClients(serve.url, 150, b"GET /.well-known/void HTTP/1.1\r\nHost: x\r\n" + b"X: y\r\n" * 99)
    bodies = SlowClients(
        serve.url, 50, b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: 9000\r\n\r\n" + b"#" * 9000
    )
    waits = []
    try:
        started = time.monotonic()
        while time.monotonic() - started < 8:
            for path in (page, "/", "/.well-known/void"):
                asked = time.monotonic()
                assert requests.get(serve.url + path, timeout=10).status_code == 200
                waits.append(time.monotonic() - asked)
            time.sleep(0.2)
    finally:
        headers.stop()
        bodies.stop()
        for query in queries:
            query.join()
    assert max(waits) < 1.0, sorted(waits)[-5:]
    seen = sorted((round(took, 2), a.status_code, a.text.split("\n")[0]) for took, a in answers)
    at_once = [took for took, a in answers if "as many queries wait" in a.text]
    assert len(answers) == 10 and len(at_once) >= 6 and max(at_once) < 1.0, seen
    assert all(a.status_code == 503 for _, a in answers), seen  # the others ran out of time
    assert all("Retry-After" in a.headers for _, a in answers if "busy" in a.text), seen
    assert headers.closed >= 150 * 2, headers.closed  # cut at 1 s, though never silent, again and again
    assert bodies.closed >= 50, bodies.closed  # cut at 6 s


def test_a_client_that_reads_an_answer_one_byte_a_second_is_cut(tmp_path: Path) -> None:
    """A dump of 10 MB read one byte a second: once sending has taken longer than
    --client-timeout at under 1 KiB/s, the connection is closed (it never goes silent, so the
    silence timeout alone kept it for ever)."""
    from bench.generate import generate

    generate(300, tmp_path / "corpus")
    code, _, stderr = run("build", str(tmp_path / "corpus"), "--out", str(tmp_path / "dist"), "--quiet")
    assert code == 0, stderr
    size = (tmp_path / "dist" / "dataset.nq").stat().st_size
    assert size > 8_000_000
    server = start(tmp_path / "dist", tmp_path / "serve", "--client-timeout", "3")
    try:
        host, port = server.url.removeprefix("http://").split(":")
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.connect((host, int(port)))
        sock.sendall(b"GET /dump/dataset.nq HTTP/1.1\r\nHost: x\r\n\r\n")
        received = 0
        started = time.monotonic()
        sock.settimeout(5)
        while time.monotonic() - started < 8:
            received += len(sock.recv(1))
            time.sleep(1)
        while chunk := sock.recv(1 << 20):  # the rest of what the server sent before it cut
            received += len(chunk)
        sock.close()
        assert received < size / 2, (received, size)
        asked = time.monotonic()
        assert requests.get(server.url + "/dump/dataset.nq", timeout=30).content[:1]
        assert time.monotonic() - asked < 5
    finally:
        stop(server)
    assert "Traceback" not in server.stderr(), server.stderr()
