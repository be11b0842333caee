"""Push a built dataset to a SPARQL store: one request per named graph, so a re-push replaces
and never duplicates, and a push cut off half-way is finished by running it again."""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import PublishError
from ..write.layout import part_of
from .credentials import without_userinfo
from .dist import Dist, GraphEntry, Span
from .sending import BATCH_GRAPHS, BATCH_TRIPLES, Bounds, ntriples, put_graph, update_batches, update_graph
from .sparql import SparqlStore, TooLarge

PROTOCOLS = ("auto", "gsp", "update", "bulk")
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class PushPlan:
    """What a push will do: graphs to send (new or replaced) and graphs to drop. ``remote`` maps
    each graph on the store to its triple count, or to None when only its name was asked."""

    local: dict[str, int]
    remote: dict[str, int | None]
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
    protocol: str = "gsp"
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
        """The state file of ``dist`` (``.NAME-push-state.json`` next to it) for ``store``,
        keyed by its URLs without userinfo."""
        key = _store_key(f"{store.query_url} {store.graph_store_url or ''} {store.update_url or ''}")
        return cls(dist.folder.parent / f".{dist.folder.name}-push-state.json", key)

    def load(self) -> dict[str, str]:
        """Graph IRI -> sha256 of its N-Triples, as last pushed (empty when unknown)."""
        try:
            stores = json.loads(self.path.read_text(encoding="utf-8"))
            for key, digests in stores.items():  # a file of an older lodpub may key by user:pw@ URLs
                if _store_key(key) == self.store_key:
                    return dict(digests)
            return {}
        except (OSError, ValueError, AttributeError):
            return {}

    def save(self, digests: dict[str, str]) -> None:
        """Record a verified push (atomically). Keys an older lodpub wrote with credentials in
        their URLs are written again without them."""
        try:
            stores = {
                _store_key(key): value for key, value in json.loads(self.path.read_text("utf-8")).items()
            }
        except (OSError, ValueError, AttributeError):
            stores = {}
        stores[self.store_key] = digests  # in index order, so the same push writes the same file
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f"{self.path.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(json.dumps(stores, separators=(",", ":")))  # dumps: C encoder
        os.replace(tmp, self.path)


def _store_key(key: str) -> str:
    """A state file's store key (the store's URLs, separated by spaces) without userinfo."""
    return " ".join(without_userinfo(url)[0] for url in key.split(" "))


def plan_push(
    dist: Dist,
    store: SparqlStore,
    prune: bool,
    entries: list[GraphEntry] | None = None,
    quick: bool = False,
    names: Future[set[str]] | None = None,
) -> PushPlan:
    """Compare the local graphs with those the store holds under the dataset's base IRI; with
    ``quick``, ask the store only for the names of its graphs (or take them from ``names``, a
    request already under way), not for their sizes."""
    local = {e.iri: e.triples for e in (entries if entries is not None else dist.index())}
    if quick:
        listed = names.result() if names is not None else store.graph_names(dist.base_iri)
        return PushPlan(local, dict.fromkeys(listed), prune)
    return PushPlan(local, dict(store.graph_counts(dist.base_iri)), prune)


def push(
    dist: Dist,
    store: SparqlStore,
    *,
    protocol: str = "auto",
    prune: bool = False,
    batch_triples: int = BATCH_TRIPLES,
    batch_graphs: int = BATCH_GRAPHS,
    progress: Progress | None = None,
    state: PushState | None = None,
    full: bool = False,
) -> PushReport:
    """Send every named graph of ``dist`` to ``store``, drop stale graphs with ``prune``, and
    verify the per-graph triple counts. With ``state`` (and not ``full``), graphs unchanged since
    the last verified push to this store, and still on it, are not sent again, and only the
    graphs sent are counted afresh. Graphs are read from the N-Quads dumps by the byte ranges of the
    build's index, so a re-push reads only what it sends. SPARQL Update requests carry at most
    ``batch_graphs`` graphs and ``batch_triples`` triples; a request the store finds too large is
    split and sent again. A failure names what was and was not sent."""
    if protocol not in PROTOCOLS:
        raise PublishError(f"unknown protocol {protocol!r}; expected one of {', '.join(PROTOCOLS)}")
    previous = state.load() if state is not None and not full else {}
    with ThreadPoolExecutor(1) as pool:
        # a re-push lists the store's graphs while the index is read (the store does that work)
        names = pool.submit(store.graph_names, dist.base_iri) if previous else None
        entries = dist.index()
        foreign = [e.iri for e in entries if not e.iri.startswith(dist.base_iri)]
        if foreign:
            raise PublishError(f"refusing to touch <{foreign[0]}>: it is not under {dist.base_iri}")
        plan = plan_push(dist, store, prune, entries, quick=bool(previous), names=names)
    if protocol == "auto":
        # A first load into an empty Oxigraph goes through its bulk loader (several times faster
        # than one request per graph); everything else, graph by graph.
        oxigraph = store.server.startswith("Oxigraph/") and bool(store.graph_store_url)
        protocol = "bulk" if oxigraph and not plan.remote else "gsp"
    report = PushReport(plan=plan, protocol=protocol)
    todo = []
    partly: list[tuple[GraphEntry, list[Span]]] = []
    for entry in entries:
        there = entry.iri in plan.remote and plan.remote[entry.iri] in (None, entry.triples)
        if there and previous.get(entry.iri) == entry.sha256:
            report.unchanged.append(entry.iri)
        elif entry.iri in plan.remote and (spans := _changed_spans(entry, previous, store)) is not None:
            partly.append((entry, spans))
        else:
            todo.append(entry)
    total = len(todo) + len(partly) + len(plan.dropped)

    def sent(graphs: list[str]) -> None:
        report.sent.extend(graphs)
        if progress is not None:
            progress(len(report.sent) + len(report.dropped), total)

    try:
        if protocol == "bulk":
            if plan.remote:
                raise PublishError(
                    f"bulk mode loads an empty store, but the store already holds {len(plan.remote)} "
                    f"graph(s) under {dist.base_iri}",
                    hint="use --protocol gsp to replace graphs one by one",
                )
            dist.check(entries)
            try:
                for dump in dist.nquads_files(entries):
                    store.bulk_load(dump)
            except TooLarge as error:
                raise PublishError(
                    error.message, hint="use --protocol gsp or update, which send a graph or a few at a time"
                ) from error
            sent([e.iri for e in todo])
        elif protocol == "gsp":
            unbounded = Bounds(triples=None)
            for entry in todo:
                put_graph(store, entry.iri, dist.read(entry), unbounded)
                sent([entry.iri])
        else:
            update_batches(store, dist, todo, Bounds(batch_triples, batch_graphs), sent)
        bounds = Bounds(batch_triples, batch_graphs)
        for entry, spans in partly:
            try:
                _update_spans(store, dist, entry, spans)
            except TooLarge:
                update_graph(store, entry.iri, dist.read(entry), bounds)
            sent([entry.iri])
        for graph_iri in plan.dropped:
            if protocol == "update":
                store.update(f"DROP SILENT GRAPH <{graph_iri}>", f"drop <{graph_iri}>")
            else:
                store.delete_graph(graph_iri)
            report.dropped.append(graph_iri)
            if progress is not None:
                progress(len(report.sent) + len(report.dropped), total)
    except PublishError as error:
        missing = [g for g in plan.local if g not in report.sent and g not in report.unchanged]
        raise PublishError(
            f"{error.message}\n  sent {len(report.sent)} of {len(plan.local)} graph(s)"
            + (f" ({len(report.unchanged)} unchanged)" if report.unchanged else "")
            + "; not sent: "
            + _names(missing),
            hint=(f"{error.hint}; then " if error.hint else "")
            + "run the same command again: graphs are replaced whole, so a re-run finishes the job",
        ) from error
    _verify(dist, store, plan, report, quick=bool(previous))
    report.verified = True
    if state is not None:
        digests = {e.iri: e.sha256 for e in entries}
        digests.update({_span_key(e.iri, s): s.sha256 for e in entries if len(e.spans) > 1 for s in e.spans})
        state.save(digests)
    return report


_PART = re.compile(r"^parts/(\d{4})\.nq$")


def _span_key(iri: str, span: Span) -> str:
    """The push state's key for one part of a graph split across parts (no IRI has a space)."""
    return f"{iri} {span.file}"


def _changed_spans(entry: GraphEntry, previous: dict[str, str], store: SparqlStore) -> list[Span] | None:
    """The parts of a graph split across parts (the entities graph, with dumps in parts) that
    changed since the last push, when sending only those is possible (the store takes SPARQL
    Update, the last push recorded every part) and worth it (at most a quarter changed); None:
    send the whole graph."""
    if len(entry.spans) < 2 or not store.update_url:
        return None
    numbers = [_PART.match(span.file) for span in entry.spans]
    if [int(m.group(1)) if m else -1 for m in numbers] != list(range(len(entry.spans))):
        return None
    before = [previous.get(_span_key(entry.iri, span)) for span in entry.spans]
    if None in before:
        return None
    changed = [span for span, digest in zip(entry.spans, before, strict=True) if digest != span.sha256]
    return changed if len(changed) * 4 <= len(entry.spans) else None


def _update_spans(store: SparqlStore, dist: Dist, entry: GraphEntry, spans: list[Span]) -> None:
    """Replace some parts of a graph split by subject: in one SPARQL Update, delete every
    triple of the subjects that fall in those parts (as the store has them, so subjects no
    longer described go too), then insert the parts' triples."""
    count = len(entry.spans)
    numbers = {int(span.file[6:10]) for span in spans}
    stale = [s for s in store.subjects_of(entry.iri) if part_of(s, count) in numbers]
    triples = [t for span in spans for t in dist.read_span(entry.iri, span)]
    graph = entry.iri
    sparql = ""
    if stale:
        values = " ".join(f"<{s}>" for s in stale)
        sparql = (
            f"DELETE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} "
            f"WHERE {{ VALUES ?s {{ {values} }} GRAPH <{graph}> {{ ?s ?p ?o }} }} ;\n"
        )
    sparql += f"INSERT DATA {{ GRAPH <{graph}> {{\n{ntriples(triples).decode('utf-8')}}} }}"
    store.update(sparql, f"update {len(spans)} of the {count} parts of <{graph}>")


def _verify(dist: Dist, store: SparqlStore, plan: PushPlan, report: PushReport, quick: bool) -> None:
    """Every local graph is on the store with its triple count, and with prune nothing stale is
    left. After a quick push, the graphs sent and dropped are counted afresh; the others were
    listed by the store moments before."""
    if quick:
        asked = {*report.sent, *report.dropped}
        remote: dict[str, int | None] = {g: n for g, n in plan.remote.items() if g not in asked}
        remote.update(store.counts_of(sorted(asked)))
    else:
        remote = dict(store.graph_counts(dist.base_iri))
    wrong = {
        g: (n, remote.get(g, 0))
        for g, n in plan.local.items()
        if g not in remote or remote[g] not in (None, n)
    }
    stale = sorted(set(remote) - set(plan.local)) if plan.prune else []
    if wrong or stale:
        details = [f"<{g}> has {r} triple(s) on the store, {n} here" for g, (n, r) in sorted(wrong.items())]
        details += [f"<{g}> is still on the store" for g in stale]
        raise PublishError("verification failed:\n  " + "\n  ".join(details[:20]))


def _names(graphs: list[str], limit: int = 5) -> str:
    if not graphs:
        return "none"
    shown = ", ".join(f"<{g}>" for g in graphs[:limit])
    return shown + (f" and {len(graphs) - limit} more" if len(graphs) > limit else "")
