"""Writers for every output format. The N-Quads dump is written as letters stream in; the other
dumps are derived from it by pyoxigraph, so they can never disagree with it."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import cast

import pyoxigraph as ox
from pyoxigraph import Literal, NamedNode, Quad, Triple

from . import vocab
from .jsonld import Context, write_dataset, write_graph
from .mapping.rdf import object_of, subject_of

# Where each named graph lies in dataset.nq, for push: IRI, triples, sha256 and byte range.
INDEX = "graphs.tsv"
INDEX_HEADER = "graph\ttriples\tsha256\toffset\tbytes\n"

# Datatypes Turtle writes without naming them (plain strings, numbers, booleans).
_IMPLICIT = {vocab.XSD + name for name in ("string", "integer", "decimal", "double", "boolean")} | {
    vocab.RDF + "langString"
}
_SAFE_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")
_BY_NAMESPACE = {namespace: prefix for prefix, namespace in vocab.PREFIXES.items()}


class PrefixTracker:
    """Collects the prefixes a Turtle/TriG writer will actually use, so only those are declared."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def see(self, triples: Iterable[Triple]) -> None:
        """Note the namespaces of every term that will be written in prefixed form."""
        for t in triples:
            if t.predicate.value != vocab.RDF_TYPE:
                self._iri(t.predicate.value)
            self._iri(subject_of(t).value)
            obj = object_of(t)
            if isinstance(obj, NamedNode):
                self._iri(obj.value)
            elif isinstance(obj, Literal) and not obj.language and obj.datatype.value not in _IMPLICIT:
                self._iri(obj.datatype.value)

    def _iri(self, iri: str) -> None:
        # Every namespace lodpub declares ends with "/" or "#": split there and look it up.
        cut = max(iri.rfind("/"), iri.rfind("#")) + 1
        prefix = _BY_NAMESPACE.get(iri[:cut])
        if prefix is not None and _SAFE_LOCAL.match(iri[cut:]):
            self.used.add(prefix)

    def prefixes(self) -> dict[str, str]:
        """The used prefixes, in the declaration order of ``vocab.PREFIXES``."""
        return {p: ns for p, ns in vocab.PREFIXES.items() if p in self.used}


def turtle(triples: list[Triple], tracker: PrefixTracker | None = None) -> bytes:
    """Turtle for one graph, declaring only the prefixes it uses (``tracker``: one that has
    seen exactly these triples already)."""
    if tracker is None:
        tracker = PrefixTracker()
        tracker.see(triples)
    return cast(bytes, ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=tracker.prefixes()))


def write_letter_files(
    folder: Path, letter_id: str, triples: list[Triple], context: Context, tracker: PrefixTracker
) -> None:
    """``letters/<id>.ttl`` and ``letters/<id>.jsonld`` for one letter graph."""
    (folder / f"{letter_id}.ttl").write_bytes(turtle(triples, tracker))
    with open(folder / f"{letter_id}.jsonld", "w", encoding="utf-8", newline="\n") as out:
        write_graph(context, triples, out)


def quads(graph: NamedNode, triples: Iterable[Triple]) -> list[Quad]:
    """The triples placed in a named graph."""
    return [Quad(t.subject, t.predicate, t.object, graph) for t in triples]


def derive_dumps(folder: Path, prefixes: dict[str, str], context: Context) -> None:
    """dataset.trig, dataset.ttl, dataset.nt and dataset.jsonld from dataset.nq, streaming."""
    source = folder / "dataset.nq"

    def stream() -> Iterable[Quad]:
        return cast(Iterable[Quad], ox.parse(path=str(source), format=ox.RdfFormat.N_QUADS))

    ox.serialize(stream(), str(folder / "dataset.trig"), ox.RdfFormat.TRIG, prefixes=prefixes)
    ox.serialize(
        (q.triple for q in stream()),
        str(folder / "dataset.ttl"),
        ox.RdfFormat.TURTLE,
        prefixes=prefixes,
    )
    ox.serialize((q.triple for q in stream()), str(folder / "dataset.nt"), ox.RdfFormat.N_TRIPLES)
    with open(folder / "dataset.jsonld", "w", encoding="utf-8", newline="\n") as out:
        write_dataset(context, stream(), out)


class DistWriter:
    """Writes a dist/ folder as letters stream in; ``finish`` adds the shared graphs and derives
    every other dump from dataset.nq."""

    def __init__(self, folder: Path, context: Context, previous: Path | None = None) -> None:
        self.folder = folder
        self.context = context
        self.previous = previous
        self.reusable = _previous_digests(previous, context) if previous is not None else {}
        self.reused = 0
        (folder / "letters").mkdir(parents=True)
        self._nq = open(folder / "dataset.nq", "wb")  # noqa: SIM115 - closed in finish()
        self._index = open(folder / INDEX, "w", encoding="utf-8", newline="\n")  # noqa: SIM115 - as above
        self._index.write(INDEX_HEADER)
        self._offset = 0
        self.prefixes = PrefixTracker()

    def add_graph(self, graph: NamedNode, triples: list[Triple]) -> tuple[PrefixTracker, str]:
        """Append one named graph to dataset.nq and to the index; the prefixes it uses and the
        sha256 of its N-Quads."""
        data = cast(bytes, ox.serialize(quads(graph, triples), format=ox.RdfFormat.N_QUADS))
        self._nq.write(data)
        digest = hashlib.sha256(data).hexdigest()
        self._index.write(f"{graph.value}\t{len(triples)}\t{digest}\t{self._offset}\t{len(data)}\n")
        self._offset += len(data)
        tracker = PrefixTracker()
        tracker.see(triples)
        self.prefixes.used |= tracker.used
        return tracker, digest

    def add_letter(self, letter_id: str, graph: NamedNode, triples: list[Triple]) -> None:
        """Append a letter graph and write its own Turtle and JSON-LD files — or, when the
        previous output holds the same graph (same N-Quads bytes) written with the same JSON-LD
        context, link its files, which are the bytes this build would write."""
        tracker, digest = self.add_graph(graph, triples)
        if self.previous is not None and self.reusable.get(graph.value) == digest:
            try:
                for suffix in (".ttl", ".jsonld"):
                    name = f"letters/{letter_id}{suffix}"
                    _link_or_copy(self.previous / name, self.folder / name)
                self.reused += 1
                return
            except OSError:
                pass  # not there after all: write them
        write_letter_files(self.folder / "letters", letter_id, triples, self.context, tracker)

    def finish(self) -> dict[str, int]:
        """Close dataset.nq, derive the other dumps; the size in bytes of each dump."""
        self._nq.close()
        self._index.close()
        derive_dumps(self.folder, self.prefixes.prefixes(), self.context)
        return {
            name: (self.folder / name).stat().st_size
            for name in (
                "dataset.nq",
                "dataset.trig",
                "dataset.ttl",
                "dataset.nt",
                "dataset.jsonld",
            )
        }

    def close(self) -> None:
        """Release the open files (after a failure)."""
        self._nq.close()
        self._index.close()


def _previous_digests(previous: Path, context: Context) -> dict[str, str]:
    """Graph IRI -> sha256 of its N-Quads in an earlier output folder, if that folder was
    written with the same JSON-LD context (else nothing of it is reused)."""
    try:
        if (previous / "context.jsonld").read_bytes() != context_bytes(context):
            return {}
        with open(previous / INDEX, encoding="utf-8") as lines:
            if lines.readline() != INDEX_HEADER:
                return {}
            return {row[0]: row[2] for row in (line.split("\t") for line in lines) if len(row) == 5}
    except (OSError, UnicodeDecodeError):
        return {}


def context_bytes(context: Context) -> bytes:
    """context.jsonld as written to every output folder."""
    return (json.dumps(context.document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _link_or_copy(source: Path, target: Path) -> None:
    """A hard link (output files are never changed in place, so sharing them is safe), or a
    copy where links are not possible."""
    try:
        os.link(source, target)
    except OSError:
        if not source.is_file():
            raise
        shutil.copyfile(source, target)
