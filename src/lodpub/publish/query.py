"""The query cookbook (queries/*.rq) and running a query on the built dataset or a remote store."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import pyoxigraph as ox

from ..errors import LodpubError
from ..settings import Settings
from .bounded import Dataset, Limits, run_once
from .dist import Dist
from .service import allowed_services, check_services
from .sparql import SparqlStore
from .store import PersistentStore, store_folder


@dataclass(frozen=True)
class Answer:
    """A query's answer: rows for SELECT, a boolean for ASK, N-Triples for CONSTRUCT/DESCRIBE."""

    variables: tuple[str, ...] = ()
    rows: tuple[dict[str, str | None], ...] = ()
    boolean: bool | None = None
    graph: bytes | None = None
    kind: str = field(default="select")


def run_on_store(
    dist: Path,
    sparql: str,
    settings: Settings,
    store_root: Path | None = None,
    say: Callable[[str], None] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Answer:
    """Run ``sparql`` on the persistent store of ``dist`` (made, or brought up to date, first:
    ``say`` is told, and ``progress`` follows a store made afresh), in a worker process bounded
    by the settings' time, row and memory limits; a SERVICE only where the settings allow it."""
    check_services(sparql, allowed_services(settings.allow_service))
    Dist.open(dist)
    store = PersistentStore(store_root or store_folder(dist, settings), dist)
    if not store.up_to_date():
        store.sync(progress, say)
    result = run_once(store.root, dist, sparql, Limits.of(settings))
    if result.kind == "ask":
        return Answer(boolean=result.boolean, kind="ask")
    if result.kind == "graph":
        lines = sorted(result.data.decode("utf-8").splitlines(keepends=True))
        return Answer(graph="".join(lines).encode("utf-8"), kind="graph")
    return _answer(result.solutions())


def open_store(dist: Path) -> ox.Store:
    """An in-memory store holding a built dataset (every named graph): for tests that compare
    stores; ``lodpub query`` uses the persistent store (``run_on_store``)."""
    store = ox.Store()
    for dump in Dist.open(dist).nquads_files():
        store.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    return store


def run_local(store: ox.Store, sparql: str) -> Answer:
    """Run a query on an embedded store, on the dataset it names (the union of all graphs as
    the default graph when it names none)."""
    try:
        result = store.query(sparql, **Dataset().options(sparql))  # type: ignore[arg-type]
        return _answer(result)
    except SyntaxError as exc:
        raise LodpubError(f"the query does not parse: {exc}") from exc
    except OSError as exc:
        # Solutions are computed lazily; a SERVICE clause reaches out while they are read.
        raise LodpubError(
            f"the query failed while calling a remote SERVICE: {exc}",
            hint="federated queries need network access to the service",
        ) from exc


def _answer(result: ox.QueryBoolean | ox.QueryTriples | ox.QuerySolutions) -> Answer:
    if isinstance(result, ox.QueryBoolean):
        return Answer(boolean=bool(result), kind="ask")
    if isinstance(result, ox.QueryTriples):
        triples = sorted(result, key=str)
        return Answer(graph=cast(bytes, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)), kind="graph")
    names = tuple(v.value for v in result.variables)
    rows = tuple(
        {name: (row[name].value if row[name] is not None else None) for name in names} for row in result
    )
    return Answer(variables=names, rows=rows)


def from_sparql_json(body: dict[str, object]) -> Answer:
    """An answer from SPARQL 1.1 JSON results (a remote endpoint's)."""
    if "boolean" in body:
        return Answer(boolean=bool(body["boolean"]), kind="ask")
    head = cast(dict[str, list[str]], body["head"])
    names = tuple(head.get("vars", []))
    bindings = cast(dict[str, list[dict[str, dict[str, str]]]], body["results"])["bindings"]
    rows = tuple({name: (row[name]["value"] if name in row else None) for name in names} for row in bindings)
    return Answer(variables=names, rows=rows)


def run_remote(store: SparqlStore, sparql: str) -> Answer:
    """Run ``sparql`` on a remote store (and close the connection)."""
    try:
        media, body = store.query(sparql)
    finally:
        store.close()
    if media == "application/sparql-results+json":
        return from_sparql_json(json.loads(body))
    return Answer(graph=body, kind="graph")


def render(answer: Answer, fmt: str) -> str:
    """An answer as an aligned table, CSV or JSON (graphs as N-Triples, ASK as true/false)."""
    if answer.kind == "ask":
        return json.dumps(answer.boolean) if fmt == "json" else str(answer.boolean).lower()
    if answer.kind == "graph":
        return (answer.graph or b"").decode("utf-8")
    if fmt == "json":
        return json.dumps([dict(row) for row in answer.rows], ensure_ascii=False, indent=2)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(answer.variables), lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: (v if v is not None else "") for k, v in row.items()} for row in answer.rows)
        return out.getvalue().rstrip("\n")
    widths = {n: max([len(n)] + [len(row[n] or "") for row in answer.rows]) for n in answer.variables}
    lines = ["  ".join(n.ljust(widths[n]) for n in answer.variables).rstrip()]
    lines.append("  ".join("-" * widths[n] for n in answer.variables))
    for row in answer.rows:
        lines.append("  ".join((row[n] or "").ljust(widths[n]) for n in answer.variables).rstrip())
    lines.append(f"({len(answer.rows)} row{'s' if len(answer.rows) != 1 else ''})")
    return "\n".join(lines)
