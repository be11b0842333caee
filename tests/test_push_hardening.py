"""lodpub push, hardened (issue 11): no credential is ever shown or stored, requests adapt to
the store's limits, and retries honour Retry-After and cover answers cut off mid-body.

Real stores (Oxigraph, Virtuoso) wherever they can show the behaviour; a small loopback server
only for what a real store cannot be made to do (a 503 with Retry-After, a truncated answer, a
413 at a chosen size)."""

from __future__ import annotations

import base64
import contextlib
import email.utils
import http.server
import json
import socket
import struct
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ClassVar

import pyoxigraph as ox
import pytest
import requests
from click.testing import CliRunner

from lodpub.build import BuildResult, build
from lodpub.cli import main
from lodpub.publish.dist import Dist

from .conftest import BASE, CORPUS, SETTINGS, make_corpus
from .stores import Oxigraph, Virtuoso, free_port, local_server, oxigraph, virtuoso  # noqa: F401

PASSWORD = "Hunter2-s3cret@pw"  # '@' is percent-encoded in a URL: both forms must stay hidden
QUOTED = PASSWORD.replace("@", "%40")
NO_CREDENTIALS = {"LODPUB_USER": "", "LODPUB_PASSWORD": "", "LODPUB_TOKEN": ""}
WARNING = (
    "warning: --endpoint, --update-endpoint, --graph-store: a password is in the URL, and a command "
    "line is visible to other users of this machine; set LODPUB_USER and LODPUB_PASSWORD or use "
    "~/.netrc instead (lodpub takes it out of the URL and never prints it)"
)
TROOPS = BASE + "graph/letter/1958-04-17-cpsu-rwp-troops"
HINT_AGAIN = "run the same command again: graphs are replaced whole, so a re-run finishes the job"


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner(env={**NO_CREDENTIALS, **(env or {})}).invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def with_password(url: str, user: str = "ann", password: str = QUOTED) -> str:
    scheme, rest = url.split("://", 1)
    return f"{scheme}://{user}:{password}@{rest}"


def store_args(url: str, query: str, update: str, graph_store: str, password: str = QUOTED) -> list[str]:
    return [
        "--endpoint",
        with_password(url + query, password=password),
        "--update-endpoint",
        with_password(url + update, password=password),
        "--graph-store",
        with_password(url + graph_store, password=password),
    ]


def assert_hidden(*texts: str, folder: Path | None = None) -> None:
    """Neither form of the password in any text, nor in any file under ``folder``."""
    for text in texts:
        assert PASSWORD not in text and QUOTED not in text
    for path in sorted(folder.rglob("*")) if folder is not None else []:
        if path.is_file():
            data = path.read_bytes()
            assert PASSWORD.encode() not in data and QUOTED.encode() not in data, path


def seed_dist(root: Path) -> Path:
    """The seed corpus built into ROOT/dist (its own folder: the push state is written beside it)."""
    corpus = make_corpus(root / "corpus", {p.name: p.read_bytes() for p in (CORPUS / "letters").iterdir()})
    assert build(corpus, root / "dist", SETTINGS).written
    return root / "dist"


def generated_dist(root: Path, letters: int) -> Path:
    """bench/generate.py's letters, built."""
    from bench.generate import generate

    generate(letters, root / "corpus")
    result = build(root / "corpus", root / "dist", SETTINGS)
    assert result.written and not result.problems
    return root / "dist"


def local_quads(dist: Path) -> set[str]:
    data = b"".join(path.read_bytes() for path in Dist.open(dist).nquads_files())
    return {str(q) for q in ox.parse(data, format=ox.RdfFormat.N_QUADS)}


def oxigraph_quads(url: str) -> set[str]:
    answer = requests.get(url + "/store", headers={"Accept": "application/n-quads"}, timeout=60)
    answer.raise_for_status()
    return {
        str(q)
        for q in ox.parse(answer.content, format=ox.RdfFormat.N_QUADS)
        if q.graph_name.value.startswith(BASE)
    }


def virtuoso_quads(url: str) -> set[str]:
    """Every quad Virtuoso holds in graphs under the base IRI, as N-Quads lines."""

    def term(value: dict[str, str]) -> ox.NamedNode | ox.Literal:
        if value["type"] == "uri":
            return ox.NamedNode(value["value"])
        if "xml:lang" in value:
            return ox.Literal(value["value"], language=value["xml:lang"])
        datatype = value.get("datatype")
        return ox.Literal(value["value"], datatype=ox.NamedNode(datatype) if datatype else None)

    answer = requests.post(
        url + "/sparql",
        data={
            "query": "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } "
            f'FILTER(STRSTARTS(STR(?g), "{BASE}")) }}'
        },
        headers={"Accept": "application/sparql-results+json"},
        timeout=120,
    )
    answer.raise_for_status()
    rows = answer.json()["results"]["bindings"]
    return {
        str(ox.Quad(term(r["s"]), term(r["p"]), term(r["o"]), ox.NamedNode(r["g"]["value"])))  # type: ignore[arg-type]
        for r in rows
    }


# --- a scripted loopback store ---------------------------------------------------------------

Step = Callable[[http.server.BaseHTTPRequestHandler], None]
EMPTY = b'{"head": {"vars": ["g", "n"]}, "results": {"bindings": []}}'


def answer(status: int, body: bytes = b"", headers: dict[str, Callable[[], str]] | None = None) -> Step:
    """An answer; each header's value is made when the answer is sent."""

    def step(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        for name, value in (headers or {}).items():
            handler.send_header(name, value())
        handler.send_header(
            "Content-Type", "application/sparql-results+json" if body == EMPTY else "text/plain"
        )
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return step


def cut_off(reset: bool) -> Step:
    """An answer that promises 200 bytes and stops after 16: the connection is closed (or, with
    ``reset``, reset) mid-body."""

    def step(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/sparql-results+json")
        handler.send_header("Content-Length", "200")
        handler.end_headers()
        handler.wfile.write(EMPTY[:16])
        handler.wfile.flush()
        handler.close_connection = True
        if reset:
            handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            handler.connection.close()

    return step


class Scripted(http.server.BaseHTTPRequestHandler):
    """Answers each request with the next step of ``script`` (the last one repeats) and records
    when it came (its own clock), its method, path and Authorization header."""

    script: ClassVar[list[Step]] = []
    seen: ClassVar[list[tuple[float, str, str, str | None]]] = []

    def _any(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        type(self).seen.append((time.monotonic(), self.command, self.path, self.headers.get("Authorization")))
        script = type(self).script
        (script.pop(0) if len(script) > 1 else script[0])(self)

    do_GET = do_POST = do_PUT = do_DELETE = _any

    def finish(self) -> None:
        with contextlib.suppress(OSError):  # the connection a step reset
            super().finish()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def scripted() -> Iterator[Callable[[list[Step]], str]]:
    """A loopback store following a script: ``start(steps)`` gives its URL."""
    with contextlib.ExitStack() as stack:

        def start(steps: list[Step]) -> str:
            Scripted.script, Scripted.seen = list(steps), []
            return stack.enter_context(local_server(Scripted))

        yield start


# --- 1. credentials ----------------------------------------------------------------------------


def test_password_in_urls_on_success_and_in_the_state_file(tmp_path: Path, oxigraph: Oxigraph) -> None:  # noqa: F811
    dist = seed_dist(tmp_path)
    triples = sum(Dist.open(dist).counts().values())
    old_key = f"{with_password(oxigraph.url + '/query')} x {with_password(oxigraph.url + '/update')}"
    (tmp_path / ".dist-push-state.json").write_text(json.dumps({old_key: {}}))  # an older lodpub's
    code, stdout, stderr = run(
        "push", str(dist), *store_args(oxigraph.url, "/query", "/update", "/store"), "--quiet"
    )
    assert code == 0, stderr
    assert stderr.splitlines() == [WARNING]
    assert stdout == (
        f"pushed 4 graph(s), {triples} triples, to {oxigraph.url}/query (bulk load); dropped 0; "
        "verified: per-graph triple counts match\n"
    )
    assert_hidden(stdout, stderr, folder=tmp_path)
    state = json.loads((tmp_path / ".dist-push-state.json").read_text())
    key = f"{oxigraph.url}/query {oxigraph.url}/store {oxigraph.url}/update"
    assert sorted(state) == sorted([key, f"{oxigraph.url}/query x {oxigraph.url}/update"])
    # the state is keyed by the URLs without userinfo: the same store, named without a password
    code, stdout, _ = run("push", str(dist), *oxigraph.args(), "--quiet")
    assert code == 0 and stdout.startswith("pushed 0 graph(s) (4 unchanged, not sent), ")


def test_password_in_url_is_sent_as_basic_auth(tmp_path: Path, scripted: Callable[[list[Step]], str]) -> None:
    url = scripted([answer(200, EMPTY)])
    code, stdout, stderr = run(
        "push", str(seed_dist(tmp_path)), "--endpoint", with_password(url + "/query"), "--dry-run"
    )
    assert code == 0, stderr
    assert stderr.splitlines() == [
        "warning: --endpoint: a password is in the URL, and a command line is visible to other users of "
        "this machine; set LODPUB_USER and LODPUB_PASSWORD or use ~/.netrc instead (lodpub takes it out "
        "of the URL and never prints it)"
    ]
    expected = "Basic " + base64.b64encode(f"ann:{PASSWORD}".encode()).decode()
    assert [(method, path, auth) for _, method, path, auth in Scripted.seen] == [("POST", "/query", expected)]
    assert_hidden(stdout, stderr)


def test_password_in_url_hidden_when_the_store_answers_503(
    tmp_path: Path, scripted: Callable[[list[Step]], str]
) -> None:
    url = scripted([answer(503, b"busy")])
    code, stdout, stderr = run(
        "push", str(seed_dist(tmp_path)), *store_args(url, "/query", "/update", "/store"), "--tries", "2"
    )
    assert code == 1
    assert stderr.splitlines()[1:] == [
        f"error: count the graphs on the store: POST {url}/query failed 2 times; last: 503: busy",
        "  hint: is the store running and reachable?",
    ]
    assert_hidden(stdout, stderr, folder=tmp_path)


def test_password_in_url_hidden_when_virtuoso_answers_401(tmp_path: Path, virtuoso: Virtuoso) -> None:  # noqa: F811
    args = store_args(virtuoso.url, "/sparql", "/sparql-auth", "/sparql-graph-crud-auth")
    code, stdout, stderr = run("push", str(seed_dist(tmp_path)), *args, "--auth", "digest", "--quiet")
    assert code == 1
    lines = stderr.splitlines()
    assert lines[0] == WARNING
    assert lines[1].startswith(
        f"error: PUT <{TROOPS}>: PUT {virtuoso.url}/sparql-graph-crud-auth answered 401: "
    )
    assert lines[2].startswith("  sent 0 of 4 graph(s); not sent: <")
    assert lines[3] == f"  hint: check the credentials; then {HINT_AGAIN}"
    assert_hidden(stdout, stderr, folder=tmp_path)


def test_password_in_url_hidden_when_the_connection_is_refused(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    code, stdout, stderr = run(
        "push", str(seed_dist(tmp_path)), *store_args(url, "/query", "/update", "/store"), "--tries", "1"
    )
    assert code == 1
    assert stderr.splitlines()[1].startswith(
        f"error: count the graphs on the store: POST {url}/query failed 1 times; last: ConnectionError: "
    )
    assert_hidden(stdout, stderr, folder=tmp_path)


def test_password_in_url_hidden_when_the_bulk_load_fails(tmp_path: Path, oxigraph: Oxigraph) -> None:  # noqa: F811
    args = store_args(oxigraph.url, "/query", "/update", "/no-store")
    code, stdout, stderr = run("push", str(seed_dist(tmp_path)), *args, "--protocol", "bulk", "--quiet")
    assert code == 1
    assert stderr.splitlines()[:2] == [
        WARNING,
        f"error: bulk load: POST {oxigraph.url}/no-store answered 404: "
        "POST /no-store is not supported by this server",
    ]
    assert stderr.splitlines()[-1] == f"  hint: {HINT_AGAIN}"
    assert_hidden(stdout, stderr, folder=tmp_path)


def test_password_in_the_url_of_lodpub_query(scripted: Callable[[list[Step]], str]) -> None:
    url = scripted([answer(401, b"who are you?")])
    code, stdout, stderr = run("query", "timeline", "--endpoint", with_password(url + "/sparql"))
    assert code == 1
    assert stderr.splitlines() == [
        "warning: --endpoint: a password is in the URL, and a command line is visible to other users of "
        "this machine; set LODPUB_USER and LODPUB_PASSWORD or use ~/.netrc instead (lodpub takes it out "
        "of the URL and never prints it)",
        f"error: query: POST {url}/sparql answered 401: who are you?",
        "  hint: check the credentials",
    ]
    assert Scripted.seen[0][3] == "Basic " + base64.b64encode(f"ann:{PASSWORD}".encode()).decode()
    assert_hidden(stdout, stderr)


def test_password_in_a_url_from_the_environment_is_hidden(tmp_path: Path) -> None:
    """A settings error quotes the value it refuses; the error handler takes the password out of
    it wherever the URL came from."""
    bad = {"LODPUB_SPARQL_ENDPOINT": with_password("ftp://store.example.org/sparql")}
    code, stdout, stderr = run("push", str(tmp_path), env=bad)
    assert (code, stdout) == (2, "")
    assert stderr.startswith(
        "error: LODPUB_SPARQL_ENDPOINT: sparql_endpoint 'ftp://ann:***@store.example.org/sparql' must be"
    )
    assert_hidden(stdout, stderr)


def test_password_in_a_bad_url_is_hidden(tmp_path: Path) -> None:
    code, stdout, stderr = run(
        "push", str(tmp_path), "--endpoint", with_password("ftp://store.example.org/sparql")
    )
    assert code == 2
    assert "sparql_endpoint 'ftp://ann:***@store.example.org/sparql' must be an http(s) IRI" in stderr
    assert_hidden(stdout, stderr)


@pytest.mark.parametrize("url", ["http://[::1/query", "http://store.example.org:8x/query"])
def test_a_url_no_client_can_take_apart_is_refused_with_the_password_hidden(tmp_path: Path, url: str) -> None:
    code, stdout, stderr = run("query", "timeline", "--endpoint", with_password(url))
    assert (code, stdout) == (2, "")
    assert stderr == (
        f"error: query URL {url!r} is not an http(s) URL\n  hint: for example http://127.0.0.1:7878/query\n"
    )
    code, stdout, stderr = run("push", str(tmp_path), "--endpoint", with_password(url))
    assert code == 2
    assert stderr.startswith(f"error: --endpoint: sparql_endpoint '{url.replace('://', '://ann:***@')}'")
    assert_hidden(stdout, stderr)


# --- 2. store limits ---------------------------------------------------------------------------


def test_update_push_of_300_letters_into_virtuoso(tmp_path: Path, virtuoso: Virtuoso) -> None:  # noqa: F811
    """Virtuoso with its stock settings refuses an INSERT DATA of more than about 1,100 triples
    (SP031); a first push and a re-run both finish, and the store holds exactly the local quads."""
    dist = generated_dist(tmp_path, 300)
    triples = sum(Dist.open(dist).counts().values())
    env = {"LODPUB_USER": "dba", "LODPUB_PASSWORD": "dba"}
    for _ in range(2):  # the second run replaces every graph again (--full)
        code, stdout, stderr = run(
            "push", str(dist), *virtuoso.args(), "--protocol", "update", "--full", "--quiet", env=env
        )
        assert code == 0, stderr
        assert stdout == (
            f"pushed 302 graph(s), {triples} triples, to {virtuoso.url}/sparql; dropped 0; "
            "verified: per-graph triple counts match\n"
        )
        assert virtuoso_quads(virtuoso.url) == local_quads(dist)


def test_virtuoso_too_large_answers_split_the_batch(tmp_path: Path, virtuoso: Virtuoso) -> None:  # noqa: F811
    """Batches far above the bounds (5,000 triples): Virtuoso answers SP031, the push splits
    them, keeps the smaller bound (a few refusals, not one per request) and finishes."""
    from requests.auth import HTTPDigestAuth

    from lodpub.publish.push import push
    from lodpub.publish.sparql import SparqlStore, TooLarge

    dist = generated_dist(tmp_path, 40)
    store = SparqlStore(
        virtuoso.url + "/sparql",
        update_url=virtuoso.url + "/sparql-auth",
        auth=HTTPDigestAuth(virtuoso.user, virtuoso.password),
    )
    refused: list[str] = []
    update = store.update

    def counted(sparql: str, what: str) -> None:
        try:
            update(sparql, what)
        except TooLarge as error:
            refused.append(error.message)
            raise

    store.update = counted  # type: ignore[method-assign]
    report = push(Dist.open(dist), store, protocol="update", full=True, batch_triples=5000)
    store.close()
    assert report.verified and len(report.sent) == 42
    assert len(refused) == 3, refused  # 5,000 triples, 2,500 and 1,250 refused; 625 pass
    assert (
        "SP031: SPARQL: Internal error: The length of generated SQL text has exceeded 10000 lines"
        in refused[0]
    )
    assert virtuoso_quads(virtuoso.url) == local_quads(dist)


class Limited(http.server.BaseHTTPRequestHandler):
    """Relays every request to a real Oxigraph, but answers 413 to a body over ``limit`` bytes
    (as a proxy in front of a store does) and counts those answers."""

    upstream: ClassVar[str] = ""
    limit: ClassVar[int] = 0
    refused: ClassVar[list[tuple[str, int]]] = []
    passed: ClassVar[list[tuple[str, int]]] = []

    def _relay(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        if self.command in ("PUT", "POST") and length > self.limit:
            type(self).refused.append((self.command, length))
            self.send_response(413)
            self.send_header("Content-Length", "17")
            self.end_headers()
            self.wfile.write(b"Payload Too Large")
            return
        type(self).passed.append((self.command, length))
        headers = {k: v for k, v in self.headers.items() if k.lower() in ("content-type", "accept")}
        reply = requests.request(
            self.command, self.upstream + self.path, data=body, headers=headers, timeout=60
        )
        self.send_response(reply.status_code)
        self.send_header("Content-Type", reply.headers.get("Content-Type", "text/plain"))
        self.send_header("Content-Length", str(len(reply.content)))
        self.end_headers()
        self.wfile.write(reply.content)

    do_GET = do_POST = do_PUT = do_DELETE = _relay

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.parametrize("protocol", ["update", "gsp"])
def test_requests_too_large_are_split(tmp_path: Path, oxigraph: Oxigraph, protocol: str) -> None:  # noqa: F811
    """Behind a proxy that answers 413 over 40 kB, a push splits what was refused, keeps the
    smaller size for the rest (a handful of 413s, not one per request) and finishes."""
    dist = generated_dist(tmp_path, 30)
    Limited.upstream, Limited.limit, Limited.refused, Limited.passed = oxigraph.url, 40_000, [], []
    with local_server(Limited) as url:
        args = [
            "--endpoint",
            url + "/query",
            "--update-endpoint",
            url + "/update",
            "--graph-store",
            url + "/store",
        ]
        code, stdout, stderr = run("push", str(dist), *args, "--protocol", protocol, "--quiet")
    assert code == 0, stderr
    assert stdout.startswith(f"pushed 32 graph(s), {sum(Dist.open(dist).counts().values())} triples, ")
    assert oxigraph_quads(oxigraph.url) == local_quads(dist)
    assert 1 <= len(Limited.refused) <= 2, Limited.refused  # then the smaller size is kept
    assert max(size for method, size in Limited.passed if method != "GET") <= 40_000


# --- 3. retries ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "after"),
    [
        (503, lambda: "1"),
        (429, lambda: "1"),
        (503, lambda: email.utils.formatdate(time.time() + 2.5, usegmt=True)),  # an HTTP date
    ],
    ids=["503-seconds", "429-seconds", "503-date"],
)
def test_retry_after_is_honoured(
    seed_build: BuildResult, scripted: Callable[[list[Step]], str], status: int, after: Callable[[], str]
) -> None:
    url = scripted([answer(status, b"busy", {"Retry-After": after}), answer(200, EMPTY)])
    code, stdout, stderr = run("push", str(seed_build.out), "--endpoint", url + "/query", "--dry-run")
    assert code == 0, stderr
    assert stdout.splitlines()[0] == "would send 4 graph(s) (4 new, 0 replaced) and drop 0; nothing was sent"
    (first, *_), (second, *_) = Scripted.seen
    assert second - first >= 1.0, second - first


def test_retry_after_longer_than_the_bound_stops_the_push(
    seed_build: BuildResult, scripted: Callable[[list[Step]], str]
) -> None:
    url = scripted(
        [
            answer(200, EMPTY),  # list the graphs: none
            answer(204),  # the first PUT
            answer(503, b"down for maintenance", {"Retry-After": lambda: "500"}),
        ]
    )
    args = ["--endpoint", url + "/query", "--graph-store", url + "/store", "--protocol", "gsp", "--quiet"]
    started = time.monotonic()
    code, stdout, stderr = run("push", str(seed_build.out), *args)
    assert time.monotonic() - started < 10  # it did not wait
    assert code == 1 and stdout == ""
    graphs = [e.iri for e in Dist.open(seed_build.out).index()]
    assert stderr == (
        f"error: PUT <{graphs[1]}>: PUT {url}/store answered 503 and asked to be retried in 500 s, "
        "more than the 120 s lodpub waits: down for maintenance\n"
        f"  sent 1 of 4 graph(s); not sent: <{graphs[1]}>, <{graphs[2]}>, <{graphs[3]}>\n"
        "  hint: the store asks for a pause: wait 500 s, or allow longer waits with --max-wait; "
        f"then {HINT_AGAIN}\n"
    )
    assert [method for _, method, _, _ in Scripted.seen] == ["POST", "PUT", "PUT"]
    assert "Traceback" not in stderr


def test_max_wait_sets_the_bound(seed_build: BuildResult, scripted: Callable[[list[Step]], str]) -> None:
    url = scripted([answer(503, b"busy", {"Retry-After": lambda: "3"})])
    code, _, stderr = run("push", str(seed_build.out), "--endpoint", url + "/query", "--max-wait", "2")
    assert code == 1
    assert stderr.splitlines()[0] == (
        f"error: count the graphs on the store: POST {url}/query answered 503 and asked to be retried "
        "in 3 s, more than the 2 s lodpub waits: busy"
    )


@pytest.mark.parametrize("reset", [False, True], ids=["truncated", "reset"])
def test_an_answer_cut_off_is_retried(
    seed_build: BuildResult, scripted: Callable[[list[Step]], str], reset: bool
) -> None:
    url = scripted([cut_off(reset), answer(200, EMPTY)])
    code, stdout, stderr = run("push", str(seed_build.out), "--endpoint", url + "/query", "--dry-run")
    assert code == 0, stderr
    assert stdout.splitlines()[0] == "would send 4 graph(s) (4 new, 0 replaced) and drop 0; nothing was sent"
    assert len(Scripted.seen) == 2


def test_answers_always_cut_off_are_reported(
    seed_build: BuildResult, scripted: Callable[[list[Step]], str]
) -> None:
    url = scripted([cut_off(reset=False)])
    code, _, stderr = run("push", str(seed_build.out), "--endpoint", url + "/query", "--tries", "2")
    assert code == 1
    assert stderr.splitlines()[0] == (
        f"error: count the graphs on the store: POST {url}/query failed 2 times; last: ChunkedEncodingError: "
        "('Connection broken: IncompleteRead(16 bytes read, 184 more expected)', "
        "IncompleteRead(16 bytes read, 184 more expected))"
    )
    assert "Traceback" not in stderr
