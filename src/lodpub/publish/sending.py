"""Graphs sent to a store within the bounds of one request: SPARQL Update batches of small
graphs, a large graph in pieces (Update or the Graph Store Protocol), and smaller bounds for the
rest of a push when the store answers that a request was too large."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

import pyoxigraph as ox
from pyoxigraph import Triple

from .dist import Dist, GraphEntry
from .sparql import SparqlStore, TooLarge

# SPARQL Update requests are bounded in graphs and in triples; measured against Virtuoso 7.2.5
# (Debian) with its stock settings. There MaxQueryCostEstimationTime is set, so the endpoint
# compiles every update with `define sql:big-data-const 0`, and one INSERT DATA of letter and
# entity triples fails with SP031 ("generated SQL text has exceeded 10000 lines of code") above
# about 1,100 triples spread over 3 to 300 graphs (1,426 in one graph), whatever the literals;
# DROP SILENT GRAPH statements add nothing to that, but beyond about 850 in one request fail with
# SQ156 "Query too large". Compiling is also superlinear in the request's size: a first push of
# 300 generated letters (54,477 triples) took 56 s in requests of 1,000 triples, 27 s of 500,
# 11 s of 250 and 8 s of 100, against 1-2.6 s for Oxigraph whatever the size and 1.8 s (1,000)
# or 2.6 s (250) for a Virtuoso without that setting. A store that still answers "too large"
# gets the request split in halves, and the smaller bounds are kept for the rest of the push.
BATCH_TRIPLES = 250
BATCH_GRAPHS = 100


@dataclass
class Bounds:
    """How much one request may carry: ``triples`` (None: no bound) and ``graphs``. Lowered
    when the store answers that a request was too large."""

    triples: int | None = BATCH_TRIPLES
    graphs: int = BATCH_GRAPHS

    def shrink(self, triples: int, graphs: int | None = None) -> None:
        """A request of ``triples`` triples (in ``graphs`` graphs) was too large: halve below it."""
        self.triples = max(1, min(self.triples or triples, triples // 2))
        if graphs is not None:
            self.graphs = max(1, min(self.graphs, graphs // 2))


def ntriples(triples: list[Triple]) -> bytes:
    """N-Triples (valid Turtle) for a graph's triples."""
    return cast(bytes, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))


def update_batches(
    store: SparqlStore,
    dist: Dist,
    entries: list[GraphEntry],
    bounds: Bounds,
    sent: Callable[[list[str]], None],
) -> None:
    """SPARQL Update: small graphs travel together (DROP SILENT GRAPH for each, one INSERT DATA
    for all, within ``bounds`` a request); a graph larger than the triples bound goes alone, in
    several requests. When the store finds a request too large, the bounds are halved below it
    and its graphs are sent again within them (and so is the rest of the push)."""
    Batch = list[tuple[GraphEntry, list[Triple]]]

    def send(batch: Batch) -> None:
        drops = "".join(f"DROP SILENT GRAPH <{e.iri}> ;\n" for e, _ in batch)
        inserts = "".join(f"GRAPH <{e.iri}> {{\n{ntriples(ts).decode('utf-8')}}}\n" for e, ts in batch)
        what = f"update <{batch[0][0].iri}>" + (f" and {len(batch) - 1} more" if len(batch) > 1 else "")
        try:
            store.update(f"{drops}INSERT DATA {{\n{inserts}}}", what)
        except TooLarge:
            bounds.shrink(sum(len(ts) for _, ts in batch), len(batch))
            rest = batch
            while rest:  # packed again after each part: a part refused lowers the bounds further
                part, *more = packed(rest, bounds)
                route(part)
                rest = [item for later in more for item in later]
            return
        sent([e.iri for e, _ in batch])

    def route(batch: Batch) -> None:
        entry, triples = batch[0]
        if len(batch) == 1 and len(triples) > (bounds.triples or len(triples)):
            update_graph(store, entry.iri, triples, bounds)
            sent([entry.iri])
        else:
            send(batch)

    group: Batch = []
    for entry in entries:
        if entry.triples > (bounds.triples or entry.triples):
            route([(entry, dist.read(entry))])  # alone, in pieces
            continue
        group.append((entry, dist.read(entry)))
        parts = packed(group, bounds)
        if len(parts) > 1:  # the group is full: send all but the graph just read
            for part in parts[:-1]:
                route(part)
            group = parts[-1]
    for part in packed(group, bounds):
        route(part)


def packed(
    batch: list[tuple[GraphEntry, list[Triple]]], bounds: Bounds
) -> list[list[tuple[GraphEntry, list[Triple]]]]:
    """``batch`` in consecutive groups within ``bounds`` (a graph above the triples bound alone)."""
    groups: list[list[tuple[GraphEntry, list[Triple]]]] = []
    size = 0
    for item in batch:
        full = bounds.triples is not None and size + len(item[1]) > bounds.triples
        if not groups or full or len(groups[-1]) >= bounds.graphs:
            groups.append([])
            size = 0
        groups[-1].append(item)
        size += len(item[1])
    return groups


def update_graph(store: SparqlStore, graph: str, triples: list[Triple], bounds: Bounds) -> None:
    """DROP SILENT GRAPH, then INSERT DATA in batches small enough for the store's limits."""

    def insert(piece: list[Triple]) -> str:
        return f"INSERT DATA {{ GRAPH <{graph}> {{\n{ntriples(piece).decode('utf-8')}}} }}"

    in_pieces(
        triples,
        bounds,
        lambda piece: store.update(f"DROP SILENT GRAPH <{graph}> ;\n{insert(piece)}", f"update <{graph}>"),
        lambda piece: store.update(insert(piece), f"update <{graph}>"),
    )


def put_graph(store: SparqlStore, graph: str, triples: list[Triple], bounds: Bounds) -> None:
    """Graph Store Protocol: PUT the graph, or, when the store finds that too large, PUT a first
    piece and POST (add) the others."""
    in_pieces(
        triples,
        bounds,
        lambda piece: store.put_graph(graph, ntriples(piece)),
        lambda piece: store.post_graph(graph, ntriples(piece)),
    )


def in_pieces(
    triples: list[Triple],
    bounds: Bounds,
    replace: Callable[[list[Triple]], None],
    add: Callable[[list[Triple]], None],
) -> None:
    """Send ``triples``: the first piece with ``replace``, the others with ``add``, each of at
    most ``bounds.triples``; a piece the store finds too large halves the bound and is sent
    again (a single triple too large is an error)."""
    start = 0
    while True:
        piece = triples[start : start + (bounds.triples or len(triples) or 1)]
        try:
            (replace if start == 0 else add)(piece)
        except TooLarge:
            if len(piece) <= 1:
                raise
            bounds.shrink(len(piece))
            continue
        start += len(piece)
        if start >= len(triples):
            return
