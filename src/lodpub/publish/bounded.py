"""Queries run where they can be stopped. Oxigraph cannot interrupt a query, so each runs in a
worker process that opens the store read-only: over its time limit the worker is killed (and
its memory with it), over its row limit it stops reading solutions, over its memory limit the
operating system stops it. The answer comes back materialised, at most ``rows`` rows (or
triples) of it; a larger one is an error, never a silently shortened answer.

``lodpub query`` forks one worker for its one query; ``lodpub serve`` keeps a few (``Workers``)
and replaces any it had to kill."""

from __future__ import annotations

import multiprocessing
import os
import resource
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import cast

import pyoxigraph as ox

from ..errors import Busy, LodpubError, OverLimit, OverTime, PublishError, QueryError
from ..settings import Settings
from .lexer import names_dataset
from .memory import Allowance, give_back
from .store import Generation, PersistentStore

RESULT_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


@dataclass(frozen=True)
class Limits:
    """How far one query may go: seconds, rows (or triples) in its answer, and the memory of
    the process that runs it (MB); and what a worker may keep between queries (MB over what it
    held on opening the store, memory.py)."""

    seconds: float = 30.0
    rows: int = 100_000
    memory_mb: int = 2048
    cache_mb: int = 48

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        return cls(
            float(settings.query_timeout),
            int(settings.query_rows),
            int(settings.query_memory_mb),
            int(settings.store_cache_mb),
        )


@dataclass(frozen=True)
class Result:
    """A query's answer, materialised: for SELECT the solutions as SPARQL TSV (whose terms are
    written exactly), for CONSTRUCT and DESCRIBE the triples as N-Triples, for ASK the boolean."""

    kind: str  # "select", "graph" or "ask"
    data: bytes
    count: int = 0

    @property
    def boolean(self) -> bool:
        return self.data == b"true"

    def solutions(self) -> ox.QuerySolutions:
        return cast(ox.QuerySolutions, ox.parse_query_results(self.data, format=ox.QueryResultsFormat.TSV))

    def triples(self) -> list[ox.Triple]:
        return list(ox.parse(self.data, format=ox.RdfFormat.N_TRIPLES))

    def media_types(self) -> list[str]:
        """The media types this answer can be sent in; plain JSON last (``canonical``)."""
        return [*(GRAPH_FORMATS if self.kind == "graph" else RESULT_FORMATS), "application/json"]

    def canonical(self, media: str) -> str:
        """The media type sent for ``media``: for plain JSON, the JSON this answer has."""
        if media != "application/json":
            return media
        return "application/ld+json" if self.kind == "graph" else "application/sparql-results+json"

    def serialize(self, media: str, prefixes: dict[str, str] | None = None) -> bytes:
        """The answer in ``media`` (one of ``media_types``)."""
        media = self.canonical(media)
        if self.kind == "graph":
            if media == "application/n-triples":
                return self.data
            fmt = GRAPH_FORMATS[media]
            used = prefixes if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
            return cast(bytes, ox.serialize(self.triples(), format=fmt, prefixes=used))
        if self.kind == "ask":
            answer = ox.parse_query_results(
                b"true" if self.boolean else b"false", format=ox.QueryResultsFormat.TSV
            )
            return cast(bytes, answer.serialize(format=RESULT_FORMATS[media]))
        return cast(bytes, self.solutions().serialize(format=RESULT_FORMATS[media]))


@dataclass(frozen=True)
class Dataset:
    """The dataset a request names (the protocol's ``default-graph-uri`` and ``named-graph-uri``):
    when it names one, these graphs and no others, whatever the query's ``FROM`` says."""

    default: tuple[str, ...] = ()
    named: tuple[str, ...] = ()

    @classmethod
    def of(cls, params: dict[str, list[str]]) -> Dataset:
        """The dataset a request's parameters name."""
        return cls(tuple(params.get("default-graph-uri", ())), tuple(params.get("named-graph-uri", ())))

    def __bool__(self) -> bool:
        return bool(self.default or self.named)

    def options(self, sparql: str) -> dict[str, object]:
        """The store's options for ``sparql``: the request's dataset if it names one, else the
        query's own (``FROM``, ``FROM NAMED``), else the union of all graphs as the default
        graph and every named graph: what SPARQL 1.1 Protocol §2.1.4 asks, as Oxigraph does."""
        if self:
            try:
                return {
                    "default_graph": [ox.NamedNode(graph) for graph in self.default],
                    "named_graphs": [ox.NamedNode(graph) for graph in self.named],
                }
            except ValueError as exc:
                raise QueryError(f"default-graph-uri or named-graph-uri is not an IRI: {exc}") from None
        if names_dataset(sparql):
            return {}
        return {"use_default_graph_as_union": True}


def evaluate(store: ox.Store, sparql: str, rows: int, dataset: Dataset | None = None) -> Result:
    """Run ``sparql`` on the dataset it asks for (``Dataset.options``) and materialise at most
    ``rows`` rows or triples of its answer; ``OverLimit`` for a larger one."""
    try:
        answer = store.query(sparql, **(dataset or Dataset()).options(sparql))  # type: ignore[arg-type]
        if isinstance(answer, ox.QueryBoolean):
            return Result("ask", b"true" if bool(answer) else b"false")
        if isinstance(answer, ox.QueryTriples):
            triples: list[ox.Triple] = []
            for triple in answer:
                triples.append(triple)
                if len(triples) > rows:
                    raise _over_rows(rows, "triples")
            data = cast(bytes, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
            return Result("graph", data, len(triples))
        names = [v.value for v in answer.variables]
        lines = ["\t".join(f"?{name}" for name in names)]
        for number, solution in enumerate(answer, start=1):
            if number > rows:
                raise _over_rows(rows, "rows")
            lines.append("\t".join("" if value is None else str(value) for value in solution))
        return Result("select", ("\n".join(lines) + "\n").encode("utf-8"), len(lines) - 1)
    except SyntaxError as exc:
        raise QueryError(f"the query does not parse: {exc}") from exc
    except OSError as exc:
        # solutions are computed lazily: a SERVICE clause reaches out while they are read
        raise QueryError(f"the query failed while calling a remote SERVICE: {exc}") from exc


def _over_rows(rows: int, what: str) -> OverLimit:
    return OverLimit(
        f"the answer has more than {rows:,} {what}, the row limit",
        hint="ask for fewer (LIMIT, or a narrower pattern), or raise --query-rows (query_rows)",
    )


def over_time(seconds: float) -> OverTime:
    return OverTime(
        f"the query ran longer than {seconds:g} s, the time limit, and was stopped",
        hint="narrow the query, or raise --query-timeout (query_timeout)",
    )


def over_memory(memory_mb: int) -> OverLimit:
    return OverLimit(
        f"the query needed more than {memory_mb:,} MB of memory, the memory limit, and was stopped",
        hint="narrow the query (an ORDER BY or DISTINCT over many rows holds them all), or raise "
        "query_memory_mb",
    )


class Worker:
    """One worker process for the store of a dist, running one query at a time."""

    def __init__(self, root: Path, dist: Path, limits: Limits, context: BaseContext) -> None:
        self.root, self.dist, self.limits, self.context = root, dist, limits, context
        self.process: BaseProcess | None = None
        self.connection: Connection | None = None

    def start(self) -> None:
        parent, child = self.context.Pipe()
        process = self.context.Process(  # type: ignore[attr-defined]
            target=_serve_queries,
            args=(child, str(self.root), str(self.dist), self.limits.memory_mb, self.limits.cache_mb),
            daemon=True,
        )
        process.start()
        child.close()
        self.process, self.connection = process, parent

    def run(self, sparql: str, dataset: Dataset | None = None) -> Result:
        """The answer of ``sparql`` on ``dataset``; ``OverLimit`` (the worker is stopped, and
        started again on the next query) or ``QueryError``."""
        if self.process is None or not self.process.is_alive():
            self.stop()
            self.start()
        connection = cast(Connection, self.connection)
        connection.send((sparql, self.limits.rows, dataset))
        if not connection.poll(self.limits.seconds):
            self.stop()
            raise over_time(self.limits.seconds)
        try:
            kind, payload = connection.recv()
        except (EOFError, OSError):
            self.stop()
            raise over_memory(self.limits.memory_mb) from None
        if kind == "ok":
            return cast(Result, payload)
        error_class: type[LodpubError] | None = {"over": OverLimit, "query": QueryError}.get(kind)
        message, hint = payload
        raise (error_class or PublishError)(message, hint=hint)

    def stop(self) -> None:
        """Kill the worker (a query over its time limit has no other way to end)."""
        if self.process is not None:
            if self.process.is_alive():
                self.process.kill()
            self.process.join()
            self.process = None
        if self.connection is not None:
            self.connection.close()
            self.connection = None


class Workers:
    """A few workers for ``lodpub serve``. A query waits for a free one (at most its time limit),
    but only as many queries wait as there are workers: the next ones are answered ``Busy`` at
    once, so that queries never hold more than ``most`` of the server's threads."""

    def __init__(self, root: Path, dist: Path, limits: Limits, count: int) -> None:
        context = multiprocessing.get_context("spawn")  # the server has threads: no fork
        self.limits = limits
        self.idle = [Worker(root, dist, limits, context) for _ in range(count)]
        for worker in self.idle:
            worker.start()
        self.all = list(self.idle)
        self.ready = threading.Condition()
        self.waiting = 0
        self.most = 2 * count  # queries running and waiting, at most

    def run(self, sparql: str, dataset: Dataset | None = None) -> Result:
        deadline = time.monotonic() + self.limits.seconds
        with self.ready:
            if not self.idle and self.waiting >= len(self.all):
                raise Busy("every query worker is busy and as many queries wait", hint="try again soon")
            self.waiting += 1
            try:
                while not self.idle:
                    left = deadline - time.monotonic()
                    if left <= 0 or not self.ready.wait(left):
                        raise Busy("every query worker is busy", hint="try again in a moment")
            finally:
                self.waiting -= 1
            worker = self.idle.pop()
        try:
            return worker.run(sparql, dataset)
        finally:
            with self.ready:
                self.idle.append(worker)
                self.ready.notify()

    def close(self) -> None:
        for worker in self.all:
            worker.stop()


def run_once(root: Path, dist: Path, sparql: str, limits: Limits, dataset: Dataset | None = None) -> Result:
    """One query in a worker forked for it (``lodpub query``), stopped at its limits."""
    worker = Worker(root, dist, limits, multiprocessing.get_context("fork"))
    try:
        return worker.run(sparql, dataset)
    finally:
        worker.stop()


def _serve_queries(connection: Connection, root: str, dist: str, memory_mb: int, cache_mb: int) -> None:
    """The worker's loop: open the store's current generation read-only (again when an update
    made another one current, or when the worker outgrew its allowance: memory.py), answer each
    query sent, until the connection closes."""
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    # What the worker has to say goes through the connection; a query that runs out of memory
    # dies in the C++ or Rust allocator, which would print to the user's terminal.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    store = PersistentStore(Path(root), Path(dist))
    opened: tuple[Generation, ox.Store, int] | None = None
    allowance = Allowance(cache_mb)
    while True:
        try:
            sparql, rows, dataset = connection.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        try:
            current = store.current()
            if opened is None or opened[0] != current:
                if opened is not None:
                    os.close(opened[2])
                opened = store.open_generation()
                allowance.restart()
            reply: tuple[str, object] = ("ok", evaluate(opened[1], sparql, rows, dataset))
        except OverLimit as error:
            reply = ("over", (error.message, error.hint))
        except QueryError as error:
            reply = ("query", (error.message, error.hint))
        except LodpubError as error:
            reply = ("error", (error.message, error.hint))
        except MemoryError:
            reply = ("over", (over_memory(memory_mb).message, over_memory(memory_mb).hint))
        except Exception as error:  # a bug: reported to the caller, not lost here
            reply = ("error", (f"the query worker failed: {type(error).__name__}: {error}", None))
        connection.send(reply)
        del reply
        if opened is not None and allowance.exceeded():
            os.close(opened[2])
            opened = None  # the store, and its caches, go here
            give_back()
