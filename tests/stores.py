"""Real SPARQL stores for the tests: an Oxigraph server (and Virtuoso where installed), each on
a free loopback port, stopped by the fixture that started it."""

from __future__ import annotations

import contextlib
import http.server
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from .conftest import BASE, require_tool


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, seconds: float = 30.0, auth: object = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=1, auth=auth)  # type: ignore[arg-type]
            return
        except requests.ConnectionError:
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not come up in {seconds} s")


@dataclass
class Oxigraph:
    """An Oxigraph server process on a loopback port, with its data folder."""

    location: Path
    port: int
    union_default_graph: bool = False
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        binary = shutil.which("oxigraph")
        if binary is None:
            pytest.fail("the oxigraph server is a test dependency: pip install oxigraph")
        self.process = subprocess.Popen(
            [binary, "serve", "--location", str(self.location), "--bind", f"127.0.0.1:{self.port}"]
            + (["--union-default-graph"] if self.union_default_graph else []),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.url + "/query")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def args(self) -> list[str]:
        return [
            "--endpoint",
            f"{self.url}/query",
            "--graph-store",
            f"{self.url}/store",
            "--update-endpoint",
            f"{self.url}/update",
        ]


@pytest.fixture
def oxigraph(tmp_path: Path) -> Iterator[Oxigraph]:
    server = Oxigraph(tmp_path / "oxigraph", free_port())
    server.start()
    try:
        yield server
    finally:
        server.kill()


VIRTUOSO_INI = """
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 60
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
MaxQueryMem = 200M
DirsAllowed = ., {dir}
VADInstallDir = /usr/share/virtuoso-opensource-7/vad/

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
ServerThreads = 10
MaxClientConnections = 10
KeepAliveTimeout = 10
MaxKeepAlives = 10
EnabledDavVSP = 0

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
MaxQueryCostEstimationTime = 400
DefaultGraph = http://localhost/
"""


@dataclass
class Virtuoso:
    """A Virtuoso Open Source server on loopback ports with digest auth on the *-auth paths.
    Its [SPARQL] settings are those of Debian's stock virtuoso.ini: with MaxQueryCostEstimationTime
    set, the endpoint compiles every request with `define sql:big-data-const 0`, which is what
    limits an INSERT DATA to about 1,100 triples (SP031: "generated SQL text has exceeded 10000
    lines of code"); without it, a request takes several times more."""

    folder: Path
    http_port: int
    sql_port: int
    process: subprocess.Popen[bytes] | None = None
    user: str = "dba"
    password: str = "dba"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def start(self) -> None:
        binary = require_tool("virtuoso-t")
        self.folder.mkdir(parents=True, exist_ok=True)
        ini = self.folder / "virtuoso.ini"
        ini.write_text(VIRTUOSO_INI.format(dir=self.folder, sql_port=self.sql_port, http_port=self.http_port))
        self.process = subprocess.Popen(
            [binary, "+foreground", "+configfile", str(ini), "+pwddba", self.password],
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.url + "/sparql", seconds=60)  # dba holds SPARQL_UPDATE; the tests push as dba

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    def args(self) -> list[str]:
        return [
            "--endpoint",
            f"{self.url}/sparql",
            "--graph-store",
            f"{self.url}/sparql-graph-crud-auth",
            "--update-endpoint",
            f"{self.url}/sparql-auth",
            "--auth",
            "digest",
        ]


@pytest.fixture
def virtuoso(tmp_path: Path) -> Iterator[Virtuoso]:
    server = Virtuoso(tmp_path / "virtuoso", free_port(), free_port())
    server.start()
    try:
        yield server
    finally:
        server.kill()


@contextlib.contextmanager
def local_server(handler: type[http.server.BaseHTTPRequestHandler]) -> Iterator[str]:
    """A throw-away HTTP server on a free loopback port, for faults and auth a real store
    cannot be made to show; stopped on exit."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def remote_counts(endpoint: str, auth: object = None) -> dict[str, int]:
    """Triples per named graph on a store, asked through its SPARQL endpoint."""
    response = requests.post(
        endpoint,
        data={"query": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"},
        headers={"Accept": "application/sparql-results+json"},
        auth=auth,  # type: ignore[arg-type]
        timeout=30,
    )
    response.raise_for_status()
    rows = response.json()["results"]["bindings"]
    return {r["g"]["value"]: int(r["n"]["value"]) for r in rows}


def ours(counts: dict[str, int]) -> dict[str, int]:
    """The counts of the test dataset's graphs (those under its base IRI)."""
    return {g: n for g, n in counts.items() if g.startswith(BASE)}
