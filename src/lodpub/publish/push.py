"""Push a built dataset to a SPARQL store: one request per named graph, so a re-push replaces
and never duplicates, and a push cut off half-way is finished by running it again."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import pyoxigraph as ox
from pyoxigraph import Triple

from ..errors import PublishError
from .dist import Dist
from .sparql import SparqlStore

PROTOCOLS = ("gsp", "update", "bulk")
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class PushPlan:
    """What a push will do: graphs to send (new or replaced) and graphs to drop."""

    local: dict[str, int]
    remote: dict[str, int]
    prune: bool

    @property
    def new(self) -> list[str]:
        return sorted(set(self.local) - set(self.remote))

    @property
    def replaced(self) -> list[str]:
        return sorted(set(self.local) & set(self.remote))

    @property
    def dropped(self) -> list[str]:
        return sorted(set(self.remote) - set(self.local)) if self.prune else []


@dataclass
class PushReport:
    """What a push did, and whether the store now holds exactly the local graphs."""

    plan: PushPlan
    sent: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    verified: bool = False


class PushState:
    """What the last verified push to a store sent: each graph's content hash. Kept beside the
    dataset folder, per store, so that a re-push sends only the graphs that changed."""

    def __init__(self, path: Path, store_key: str) -> None:
        self.path = path
        self.store_key = store_key

    @classmethod
    def beside(cls, dist: Dist, store: SparqlStore) -> PushState:
        """The state file of ``dist`` (``.NAME-push-state.json`` next to it) for ``store``."""
        key = f"{store.query_url} {store.graph_store_url or ''} {store.update_url or ''}"
        return cls(dist.folder.parent / f".{dist.folder.name}-push-state.json", key)

    def load(self) -> dict[str, str]:
        """Graph IRI -> sha256 of its N-Triples, as last pushed (empty when unknown)."""
        try:
            stores = json.loads(self.path.read_text(encoding="utf-8"))
            return dict(stores.get(self.store_key, {}))
        except (OSError, ValueError, AttributeError):
            return {}

    def save(self, digests: dict[str, str]) -> None:
        """Record a verified push (atomically)."""
        try:
            stores = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            stores = {}
        stores[self.store_key] = dict(sorted(digests.items()))
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f"{self.path.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(stores, out, indent=1, sort_keys=True)
        os.replace(tmp, self.path)


def ntriples(triples: list[Triple]) -> bytes:
    """N-Triples (valid Turtle) for a graph's triples."""
    return cast(bytes, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))


def plan_push(dist: Dist, store: SparqlStore, prune: bool) -> PushPlan:
    """Compare the local graphs with those the store holds under the dataset's base IRI."""
    return PushPlan(local=dist.counts(), remote=store.graph_counts(dist.base_iri), prune=prune)


def push(
    dist: Dist,
    store: SparqlStore,
    *,
    protocol: str = "gsp",
    prune: bool = False,
    batch_triples: int = 5000,
    progress: Progress | None = None,
    state: PushState | None = None,
) -> PushReport:
    """Send every named graph of ``dist`` to ``store``, drop stale graphs with ``prune``, and
    verify the per-graph triple counts. With ``state``, graphs unchanged since the last verified
    push (and still on the store) are not sent again. A failure names what was and was not sent."""
    if protocol not in PROTOCOLS:
        raise PublishError(f"unknown protocol {protocol!r}; expected one of {', '.join(PROTOCOLS)}")
    plan = plan_push(dist, store, prune)
    report = PushReport(plan=plan)
    total = len(plan.local) + len(plan.dropped)
    previous = state.load() if state is not None and protocol != "bulk" else {}
    digests: dict[str, str] = {}
    try:
        if protocol == "bulk":
            if plan.remote:
                raise PublishError(
                    f"bulk mode loads an empty store, but the store already holds {len(plan.remote)} "
                    f"graph(s) under {dist.base_iri}",
                    hint="use --protocol gsp to replace graphs one by one",
                )
            store.bulk_load((dist.folder / "dataset.nq").read_bytes())
            report.sent.extend(plan.local)
        else:
            for graph, triples in dist.graphs():
                if not graph.value.startswith(dist.base_iri):
                    raise PublishError(f"refusing to touch <{graph.value}>: it is not under {dist.base_iri}")
                body = ntriples(triples)
                digests[graph.value] = hashlib.sha256(body).hexdigest()
                same = previous.get(graph.value) == digests[graph.value]
                if same and plan.remote.get(graph.value) == len(triples):
                    report.unchanged.append(graph.value)
                    continue
                _send(store, protocol, graph.value, triples, body, batch_triples)
                report.sent.append(graph.value)
                if progress is not None:
                    progress(len(report.sent) + len(report.unchanged), total)
        for graph_iri in plan.dropped:
            if protocol == "update":
                store.update(f"DROP SILENT GRAPH <{graph_iri}>", f"drop <{graph_iri}>")
            else:
                store.delete_graph(graph_iri)
            report.dropped.append(graph_iri)
            if progress is not None:
                progress(len(report.sent) + len(report.dropped), total)
    except PublishError as error:
        missing = [g for g in plan.local if g not in report.sent]
        raise PublishError(
            f"{error.message}\n  sent {len(report.sent)} of {len(plan.local)} graph(s)"
            + (f" ({len(report.unchanged)} unchanged)" if report.unchanged else "")
            + "; not sent: "
            + _names([g for g in missing if g not in report.unchanged]),
            hint=(f"{error.hint}; then " if error.hint else "")
            + "run the same command again: graphs are replaced whole, so a re-run finishes the job",
        ) from error
    remote = store.graph_counts(dist.base_iri)
    wrong = {g: (n, remote.get(g, 0)) for g, n in plan.local.items() if remote.get(g, 0) != n}
    stale = sorted(set(remote) - set(plan.local)) if prune else []
    if wrong or stale:
        details = [f"<{g}> has {r} triple(s) on the store, {n} here" for g, (n, r) in sorted(wrong.items())]
        details += [f"<{g}> is still on the store" for g in stale]
        raise PublishError("verification failed:\n  " + "\n  ".join(details[:20]))
    report.verified = True
    if state is not None and protocol != "bulk":
        state.save(digests)
    return report


def _send(
    store: SparqlStore, protocol: str, graph: str, triples: list[Triple], body: bytes, batch: int
) -> None:
    if protocol == "gsp":
        store.put_graph(graph, body)
    else:
        _update_graph(store, graph, triples, batch)


def _update_graph(store: SparqlStore, graph: str, triples: list[Triple], batch: int) -> None:
    """DROP SILENT GRAPH, then INSERT DATA in batches small enough for the store's limits."""
    for start in range(0, max(len(triples), 1), batch):
        body = ntriples(triples[start : start + batch]).decode("utf-8")
        insert = f"INSERT DATA {{ GRAPH <{graph}> {{\n{body}}} }}"
        sparql = f"DROP SILENT GRAPH <{graph}> ;\n{insert}" if start == 0 else insert
        store.update(sparql, f"update <{graph}>")


def _names(graphs: list[str], limit: int = 5) -> str:
    if not graphs:
        return "none"
    shown = ", ".join(f"<{g}>" for g in graphs[:limit])
    return shown + (f" and {len(graphs) - limit} more" if len(graphs) > limit else "")
