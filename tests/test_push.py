"""lodpub push against real stores: Oxigraph always, Virtuoso where installed (always in CI)."""

from __future__ import annotations

import http.server
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
import requests

from lodpub.build import BuildResult, build
from lodpub.errors import ConfigError
from lodpub.publish.dist import Dist

from .conftest import BASE, CORPUS, SETTINGS, make_corpus, run
from .stores import Oxigraph, Virtuoso, free_port, local_server, ours, oxigraph, remote_counts, virtuoso  # noqa: F401

OTHER_GRAPH = "http://other.example.org/graph/keep-me"


@pytest.fixture(scope="module")
def big_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """Enough letters that a push takes a few seconds (for the killed-push test)."""
    from bench.generate import generate

    root = tmp_path_factory.mktemp("big")
    generate(400, root / "corpus")
    result = build(root / "corpus", root / "dist", SETTINGS)
    assert result.written and not result.problems
    return result


def test_push_requery_repush_to_oxigraph(seed_build: BuildResult, oxigraph: Oxigraph) -> None:  # noqa: F811
    local = Dist.open(seed_build.out).counts()
    code, stdout, stderr = run("push", str(seed_build.out), *oxigraph.args(), "--quiet")
    assert code == 0, stderr
    assert stdout == (  # an empty Oxigraph: its bulk loader
        f"pushed 4 graph(s), {sum(local.values())} triples, to {oxigraph.url}/query (bulk load); "
        "dropped 0; verified: per-graph triple counts match\n"
    )
    assert ours(remote_counts(oxigraph.url + "/query")) == local
    answer = requests.post(
        oxigraph.url + "/query",
        data={
            "query": "SELECT ?p WHERE { GRAPH ?g { ?p <http://www.w3.org/2002/07/owl#sameAs> "
            "<http://www.wikidata.org/entity/Q35314> } }"
        },
        headers={"Accept": "application/sparql-results+json"},
        timeout=10,
    ).json()["results"]["bindings"]
    assert [row["p"]["value"] for row in answer] == [BASE + "person/khrushchev-nikita"]
    assert run("push", str(seed_build.out), *oxigraph.args(), "--quiet", "--full")[0] == 0
    assert ours(remote_counts(oxigraph.url + "/query")) == local  # replaced, not duplicated


def test_repush_sends_only_what_changed(tmp_path: Path, oxigraph: Oxigraph) -> None:  # noqa: F811
    letters = {p.name: p.read_bytes() for p in (CORPUS / "letters").iterdir()}
    corpus = make_corpus(tmp_path / "corpus", letters)
    dist = tmp_path / "dist"
    assert build(corpus, dist, SETTINGS).written
    code, stdout, _ = run("push", str(dist), *oxigraph.args(), "--quiet")
    assert code == 0 and stdout.startswith("pushed 4 graph(s), ")
    assert (tmp_path / ".dist-push-state.json").exists()
    code, stdout, _ = run("push", str(dist), *oxigraph.args(), "--quiet")
    assert code == 0 and stdout.startswith("pushed 0 graph(s) (4 unchanged, not sent), ")
    edited = corpus / "letters" / "1958-09-09-cpsu-rwp-advisors.txt"
    edited.write_bytes(edited.read_bytes().replace(b"We would like to consult", b"We wish to consult"))
    assert build(corpus, dist, SETTINGS).written
    code, stdout, _ = run("push", str(dist), *oxigraph.args(), "--quiet")
    assert code == 0 and stdout.startswith("pushed 1 graph(s) (3 unchanged, not sent), "), stdout
    answer = requests.post(
        oxigraph.url + "/query",
        timeout=10,
        headers={"Accept": "text/csv"},
        data={"query": "ASK { GRAPH ?g { ?s ?p ?o FILTER(CONTAINS(?o, 'We wish to consult')) } }"},
    )
    assert answer.text.strip() in ("true", "1")
    requests.delete(
        oxigraph.url + "/store",
        timeout=10,
        params={"graph": BASE + "graph/letter/1958-04-17-cpsu-rwp-troops"},
    )
    code, stdout, _ = run("push", str(dist), *oxigraph.args(), "--quiet")  # deleted behind our back
    assert code == 0 and stdout.startswith("pushed 1 graph(s) (3 unchanged, not sent), ")
    assert ours(remote_counts(oxigraph.url + "/query")) == Dist.open(dist).counts()
    code, stdout, _ = run("push", str(dist), *oxigraph.args(), "--quiet", "--full")
    assert code == 0 and stdout.startswith("pushed 4 graph(s), ")


def test_prune_drops_removed_letters_only_under_the_base(tmp_path: Path, oxigraph: Oxigraph) -> None:  # noqa: F811
    letters = {p.name: p.read_bytes() for p in (CORPUS / "letters").iterdir()}
    corpus = make_corpus(tmp_path / "corpus", letters)
    assert build(corpus, tmp_path / "dist", SETTINGS).written
    requests.put(
        oxigraph.url + "/store",
        params={"graph": OTHER_GRAPH},
        timeout=10,
        data=b"<http://a> <http://b> <http://c> .",
        headers={"Content-Type": "application/n-triples"},
    )
    assert run("push", str(tmp_path / "dist"), *oxigraph.args(), "--quiet")[0] == 0
    (corpus / "letters" / "1958-09-09-cpsu-rwp-advisors.txt").unlink()
    assert build(corpus, tmp_path / "dist", SETTINGS).written
    code, stdout, _ = run("push", str(tmp_path / "dist"), *oxigraph.args(), "--dry-run", "--prune")
    assert code == 0
    assert stdout.splitlines()[0] == "would send 3 graph(s) (0 new, 3 replaced) and drop 1; nothing was sent"
    assert f"  drop     <{BASE}graph/letter/1958-09-09-cpsu-rwp-advisors>" in stdout.splitlines()
    assert BASE + "graph/letter/1958-09-09-cpsu-rwp-advisors" in remote_counts(oxigraph.url + "/query")
    code, stdout, stderr = run("push", str(tmp_path / "dist"), *oxigraph.args(), "--prune", "--quiet")
    assert code == 0, stderr
    assert "dropped 1" in stdout
    counts = remote_counts(oxigraph.url + "/query")
    assert ours(counts) == Dist.open(tmp_path / "dist").counts()
    assert counts[OTHER_GRAPH] == 1  # outside the base IRI: never touched


def test_update_protocol_in_small_batches(seed_build: BuildResult, oxigraph: Oxigraph) -> None:  # noqa: F811
    from lodpub.publish.push import push
    from lodpub.publish.sparql import SparqlStore

    store = SparqlStore(oxigraph.url + "/query", update_url=oxigraph.url + "/update")
    dist = Dist.open(seed_build.out)
    report = push(dist, store, protocol="update", batch_triples=50)
    report = push(dist, store, protocol="update", batch_triples=50)
    assert report.verified and ours(remote_counts(oxigraph.url + "/query")) == dist.counts()
    store.close()


def test_bulk_load_only_into_an_empty_store(seed_build: BuildResult, oxigraph: Oxigraph) -> None:  # noqa: F811
    code, _, stderr = run("push", str(seed_build.out), *oxigraph.args(), "--protocol", "bulk", "--quiet")
    assert code == 0, stderr
    assert ours(remote_counts(oxigraph.url + "/query")) == Dist.open(seed_build.out).counts()
    code, _, stderr = run("push", str(seed_build.out), *oxigraph.args(), "--protocol", "bulk", "--quiet")
    assert code == 1
    assert "bulk mode loads an empty store, but the store already holds 4 graph(s)" in stderr


def test_dry_run_sends_nothing(seed_build: BuildResult, oxigraph: Oxigraph) -> None:  # noqa: F811
    code, stdout, _ = run("push", str(seed_build.out), *oxigraph.args(), "--dry-run")
    assert code == 0
    assert stdout.splitlines()[0] == "would send 4 graph(s) (4 new, 0 replaced) and drop 0; nothing was sent"
    assert remote_counts(oxigraph.url + "/query") == {}


@pytest.mark.parametrize("kind", ["oxigraph", "virtuoso"])
def test_killed_push_is_finished_by_a_rerun(
    big_build: BuildResult, kind: str, request: pytest.FixtureRequest
) -> None:
    server = request.getfixturevalue(kind)
    env = {**os.environ, "LODPUB_USER": "dba", "LODPUB_PASSWORD": "dba"}
    endpoint = server.args()[1]
    command = [sys.executable, "-m", "lodpub", "push", str(big_build.out), *server.args(), "--tries", "2"]
    command += ["--protocol", "gsp"]  # graph by graph (an empty Oxigraph would get one bulk load)
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(ours(remote_counts(endpoint))) < 20:
        time.sleep(0.02)
    server.kill()
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 1, stderr
    failure = [line for line in stderr.splitlines() if not line.startswith("push: ")]
    assert failure[0].startswith("error: PUT <")
    assert "failed 2 times" in failure[0]
    sent = next(line for line in failure if line.startswith("  sent "))
    assert sent.split()[1] != "0" and f"of {big_build.letters + 2} graph(s); not sent: <" in sent
    assert failure[-1] == (
        "  hint: is the store running and reachable?; then run the same command again: "
        "graphs are replaced whole, so a re-run finishes the job"
    )
    server.start()
    code, _, stderr = run("push", str(big_build.out), *server.args(), "--quiet", env=env)
    assert code == 0, stderr
    assert ours(remote_counts(endpoint)) == Dist.open(big_build.out).counts()


class Failing(http.server.BaseHTTPRequestHandler):
    """A store that answers 500 to everything (a fault a real store cannot be made to give)."""

    requests_seen = 0

    def do_POST(self) -> None:
        type(self).requests_seen += 1
        self.send_response(500)
        self.end_headers()
        self.wfile.write(b"internal trouble")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def failing_store() -> Iterator[str]:
    with local_server(Failing) as url:
        yield url


def test_store_answering_500_is_retried_then_reported(seed_build: BuildResult, failing_store: str) -> None:
    Failing.requests_seen = 0
    code, _, stderr = run("push", str(seed_build.out), "--endpoint", failing_store + "/query", "--tries", "3")
    assert code == 1
    assert stderr.splitlines()[0] == (
        f"error: count the graphs on the store: POST {failing_store}/query failed 3 times; "
        "last: 500: internal trouble"
    )
    assert Failing.requests_seen == 3


def test_unreachable_endpoint(seed_build: BuildResult) -> None:
    port = free_port()
    code, _, stderr = run(
        "push", str(seed_build.out), "--endpoint", f"http://127.0.0.1:{port}/query", "--tries", "1"
    )
    assert code == 1
    assert stderr.startswith(
        f"error: count the graphs on the store: POST http://127.0.0.1:{port}/query failed 1 times; "
        "last: ConnectionError"
    )
    assert "hint: is the store running and reachable?" in stderr


def test_missing_or_incomplete_dist(tmp_path: Path) -> None:
    code, _, stderr = run("push", str(tmp_path / "nope"), "--endpoint", "http://127.0.0.1:1/query")
    assert (code, stderr.splitlines()[0]) == (2, f"error: {tmp_path / 'nope'}: no such dataset folder")
    (tmp_path / "half").mkdir()
    (tmp_path / "half" / "dataset.nq").write_text("")
    code, _, stderr = run("push", str(tmp_path / "half"), "--endpoint", "http://127.0.0.1:1/query")
    assert (code, stderr.splitlines()[0]) == (
        2,
        f"error: {tmp_path / 'half'}: not a complete lodpub build (missing void.ttl, graphs.tsv)",
    )


def test_endpoint_is_required(
    seed_build: BuildResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, stderr = run("push", str(seed_build.out))
    assert (code, stderr.splitlines()[0]) == (2, "error: push needs the store's SPARQL query endpoint")


def test_push_to_virtuoso_with_digest_auth(tmp_path: Path, virtuoso: Virtuoso) -> None:  # noqa: F811
    letters = {p.name: p.read_bytes() for p in (CORPUS / "letters").iterdir()}
    corpus = make_corpus(tmp_path / "corpus", letters)
    assert build(corpus, tmp_path / "dist", SETTINGS).written
    env = {"LODPUB_USER": "dba", "LODPUB_PASSWORD": "dba"}
    code, _stdout, stderr = run("push", str(tmp_path / "dist"), *virtuoso.args(), "--quiet", env=env)
    assert code == 0, stderr
    local = Dist.open(tmp_path / "dist").counts()
    assert ours(remote_counts(virtuoso.url + "/sparql")) == local
    assert run("push", str(tmp_path / "dist"), *virtuoso.args(), "--quiet", env=env)[0] == 0
    assert ours(remote_counts(virtuoso.url + "/sparql")) == local
    (corpus / "letters" / "1958-09-09-cpsu-rwp-advisors.txt").unlink()
    assert build(corpus, tmp_path / "dist", SETTINGS).written
    code, _, stderr = run(
        "push",
        str(tmp_path / "dist"),
        *virtuoso.args(),
        "--protocol",
        "update",
        "--prune",
        "--quiet",
        env=env,
    )
    assert code == 0, stderr
    assert ours(remote_counts(virtuoso.url + "/sparql")) == Dist.open(tmp_path / "dist").counts()


def test_virtuoso_wrong_credentials(seed_build: BuildResult, virtuoso: Virtuoso) -> None:  # noqa: F811
    env = {"LODPUB_USER": "dba", "LODPUB_PASSWORD": "not-the-password"}
    code, stdout, stderr = run("push", str(seed_build.out), *virtuoso.args(), "--quiet", env=env)
    assert code == 1
    assert stderr.startswith(f"error: PUT <{BASE}graph/letter/1958-04-17-cpsu-rwp-troops>: PUT ")
    assert "answered 401" in stderr and "hint: check the credentials" in stderr
    assert "sent 0 of 4 graph(s)" in stderr
    assert "not-the-password" not in stdout + stderr
    assert ours(remote_counts(virtuoso.url + "/sparql")) == {}


def test_missing_credentials(seed_build: BuildResult, oxigraph: Oxigraph, tmp_path: Path) -> None:  # noqa: F811
    env = {"LODPUB_USER": "", "LODPUB_PASSWORD": "", "NETRC": str(tmp_path / "netrc")}
    code, _, stderr = run("push", str(seed_build.out), *oxigraph.args(), "--auth", "basic", env=env)
    assert code == 1
    assert stderr.splitlines()[0] == "error: auth is 'basic' but no credentials were found for 127.0.0.1"


class Recording(http.server.BaseHTTPRequestHandler):
    """Records the Authorization header and answers an empty SPARQL result; /slow never answers
    in time. Stands in for stores with basic or bearer auth, which Oxigraph does not have."""

    seen: ClassVar[list[str | None]] = []

    def do_POST(self) -> None:
        if self.path.startswith("/slow"):
            time.sleep(1.5)
        type(self).seen.append(self.headers.get("Authorization"))
        body = b'{"head": {"vars": ["g", "n"]}, "results": {"bindings": []}}'
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def recording_store() -> Iterator[str]:
    Recording.seen = []
    with local_server(Recording) as url:
        yield url


@pytest.mark.parametrize(
    ("auth", "env", "header"),
    [
        ("basic", {"LODPUB_USER": "ann", "LODPUB_PASSWORD": "secret"}, "Basic YW5uOnNlY3JldA=="),
        ("bearer", {"LODPUB_TOKEN": "t0ken"}, "Bearer t0ken"),
        ("none", {}, None),
    ],
)
def test_credentials_are_sent_never_printed(
    seed_build: BuildResult, recording_store: str, auth: str, env: dict[str, str], header: str | None
) -> None:
    code, stdout, stderr = run(
        "push",
        str(seed_build.out),
        "--endpoint",
        recording_store + "/query",
        "--auth",
        auth,
        "--dry-run",
        env={"LODPUB_USER": "", "LODPUB_PASSWORD": "", "LODPUB_TOKEN": "", **env},
    )
    assert code == 0, stderr
    assert Recording.seen == [header]
    for secret in env.values():
        assert secret not in stdout + stderr


def test_credentials_from_netrc(seed_build: BuildResult, recording_store: str, tmp_path: Path) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login ann password secret\n")
    netrc.chmod(0o600)
    env = {"LODPUB_USER": "", "LODPUB_PASSWORD": "", "NETRC": str(netrc)}
    code, _, stderr = run(
        "push",
        str(seed_build.out),
        "--endpoint",
        recording_store + "/query",
        "--auth",
        "basic",
        "--dry-run",
        env=env,
    )
    assert code == 0, stderr
    assert Recording.seen == ["Basic YW5uOnNlY3JldA=="]


def test_timeouts_are_retried_then_reported(recording_store: str) -> None:
    from lodpub.errors import PublishError
    from lodpub.publish.sparql import Retry, SparqlStore

    pauses: list[float] = []
    store = SparqlStore(
        recording_store + "/slow", retry=Retry(tries=3, backoff=0.1, timeout=0.2), sleep=pauses.append
    )
    with pytest.raises(PublishError) as caught:
        store.graph_counts(BASE)
    store.close()
    assert "failed 3 times; last: ReadTimeout" in caught.value.message
    assert pauses == [0.1, 0.2]  # exponential backoff between the tries


def test_push_reads_graphs_by_the_index_and_refuses_changed_bytes(
    tmp_path: Path,
    oxigraph: Oxigraph,  # noqa: F811
) -> None:
    letters = {p.name: p.read_bytes() for p in (CORPUS / "letters").iterdir()}
    corpus = make_corpus(tmp_path / "corpus", letters)
    dist = tmp_path / "dist"
    assert build(corpus, dist, SETTINGS).written
    entries = Dist.open(dist).index()
    assert [e.iri for e in entries][-2:] == [BASE + "graph/entities", BASE + "graph/dataset"]
    assert sum(e.size for e in entries) == (dist / "dataset.nq").stat().st_size
    second = entries[1]
    dump = bytearray((dist / "dataset.nq").read_bytes())
    at = dump.index(b"Comrades", second.offset)
    dump[at : at + 8] = b"Comradez"
    (dist / "dataset.nq").write_bytes(bytes(dump))
    for protocol, first_sent in (("bulk", {}), ("gsp", {entries[0].iri: entries[0].triples})):
        code, _, stderr = run("push", str(dist), *oxigraph.args(), "--quiet", "--protocol", protocol)
        assert code == 2
        assert stderr.splitlines()[0] == (
            f"error: {dist / 'dataset.nq'}: the bytes of <{second.iri}> do not match graphs.tsv"
        )
        assert ours(remote_counts(oxigraph.url + "/query")) == first_sent
    dump[at : at + 8] = b"Comrades"
    (dist / "dataset.nq").write_bytes(bytes(dump) + b"<https://x> <https://y> <https://z> .\n")
    with pytest.raises(ConfigError) as caught:  # what a bulk load checks before it sends a dump
        Dist.open(dist).check(Dist.open(dist).index())
    assert str(caught.value) == f"{dist / 'dataset.nq'}: has bytes beyond those graphs.tsv lists"
    header = "graph\ttriples\tsha256\tfile\toffset\tbytes\tturtle_sha256\tjsonld_sha256\n"
    (dist / "graphs.tsv").write_text(header + "https://x\tmany\t0\tdataset.nq\t0\t0\t-\t-\n")
    code, _, stderr = run("push", str(dist), *oxigraph.args(), "--quiet")
    assert (code, stderr.splitlines()[0]) == (
        2,
        f"error: {dist / 'graphs.tsv'}:2: not a graph index written by lodpub build "
        "(invalid literal for int() with base 10: 'many')",
    )


def test_update_protocol_sends_small_graphs_together(
    big_build: BuildResult,
    oxigraph: Oxigraph,  # noqa: F811
) -> None:
    from lodpub.publish.push import push
    from lodpub.publish.sparql import SparqlStore

    store = SparqlStore(oxigraph.url + "/query", update_url=oxigraph.url + "/update")
    requests_made: list[str] = []
    update = store.update

    def counted(sparql: str, what: str) -> None:
        requests_made.append(what)
        update(sparql, what)

    store.update = counted  # type: ignore[method-assign]
    dist = Dist.open(big_build.out)
    report = push(dist, store, protocol="update", batch_triples=2000)
    store.close()
    assert report.verified and len(report.sent) == len(dist.index())
    assert ours(remote_counts(oxigraph.url + "/query")) == dist.counts()
    triples = sum(dist.counts().values())
    # about triples/2000 requests of many letters each, and the entities graph in pieces
    assert len(requests_made) < triples / 2000 + 20, len(requests_made)
    assert any(" more" in what for what in requests_made)


class Forgetful(http.server.BaseHTTPRequestHandler):
    """Passes every request to a real Oxigraph, except that it answers 204 to a PUT of the
    ``forget`` graph without storing it: a store that loses a graph, which a real one cannot be
    made to do on purpose."""

    upstream: ClassVar[str] = ""
    forget: ClassVar[str] = ""

    def _relay(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        if self.command == "PUT" and self.forget in self.path.replace("%3A", ":").replace("%2F", "/"):
            self.send_response(204)
            self.end_headers()
            return
        headers = {k: v for k, v in self.headers.items() if k.lower() in ("content-type", "accept")}
        answer = requests.request(
            self.command, self.upstream + self.path, data=body, headers=headers, timeout=30
        )
        self.send_response(answer.status_code)
        self.send_header("Content-Type", answer.headers.get("Content-Type", "text/plain"))
        self.send_header("Content-Length", str(len(answer.content)))
        self.end_headers()
        self.wfile.write(answer.content)

    do_GET = do_POST = do_PUT = do_DELETE = _relay

    def log_message(self, *args: object) -> None:
        pass


def test_verification_catches_a_graph_the_store_lost(tmp_path: Path, oxigraph: Oxigraph) -> None:  # noqa: F811
    letters = {p.name: p.read_bytes() for p in (CORPUS / "letters").iterdir()}
    corpus = make_corpus(tmp_path / "corpus", letters)
    dist = tmp_path / "dist"
    assert build(corpus, dist, SETTINGS).written
    Forgetful.upstream = oxigraph.url
    Forgetful.forget = "graph/letter/1958-09-09-cpsu-rwp-advisors"
    with local_server(Forgetful) as url:
        args = ["--endpoint", url + "/query", "--graph-store", url + "/store", "--protocol", "gsp"]
        code, _, stderr = run("push", str(dist), *args, "--quiet")
        assert code == 1
        assert stderr.splitlines()[:2] == [
            "error: verification failed:",
            f"  <{BASE}graph/letter/1958-09-09-cpsu-rwp-advisors> has 0 triple(s) on the store, "
            f"{Dist.open(dist).counts()[BASE + 'graph/letter/1958-09-09-cpsu-rwp-advisors']} here",
        ]
        Forgetful.forget = "nothing"
        assert run("push", str(dist), *args, "--quiet")[0] == 0  # no state was saved: all sent
        added = corpus / "letters" / "1958-09-10-added.txt"
        added.write_bytes((corpus / "letters" / "1958-09-09-cpsu-rwp-advisors.txt").read_bytes())
        assert build(corpus, dist, SETTINGS).written
        Forgetful.forget = "graph/letter/1958-09-10-added"
        code, _, stderr = run("push", str(dist), *args, "--quiet")  # a quick re-push: new graph lost
        assert code == 1 and stderr.splitlines()[:2] == [
            "error: verification failed:",
            f"  <{BASE}graph/letter/1958-09-10-added> has 0 triple(s) on the store, "
            f"{Dist.open(dist).counts()[BASE + 'graph/letter/1958-09-10-added']} here",
        ]
