"""Turtle with only the prefixes it uses, each letter's own files (letters/<id>.ttl and .jsonld,
linked from the previous output when unchanged), and the dataset's description files. The
dumps are written by dumps.py."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import cast

import pyoxigraph as ox
from pyoxigraph import Literal, NamedNode, Triple

from . import vocab
from .index import INDEX, NO_FILES, read_index
from .jsonld import Context, write_graph
from .mapping.rdf import object_of, subject_of

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
        """Note the namespaces of every term that will be written in prefixed form (each
        distinct IRI looked at once)."""
        iris: set[str] = set()
        predicates: set[str] = set()
        datatypes: set[str] = set()
        for t in triples:
            predicates.add(t.predicate.value)
            iris.add(subject_of(t).value)
            obj = object_of(t)
            if isinstance(obj, NamedNode):
                iris.add(obj.value)
            elif isinstance(obj, Literal) and not obj.language:
                datatypes.add(obj.datatype.value)
        predicates.discard(vocab.RDF_TYPE)  # written as "a"
        for iri in iris | predicates | (datatypes - _IMPLICIT):
            self._iri(iri)

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
) -> tuple[str, str]:
    """``letters/<id>.ttl`` and ``letters/<id>.jsonld`` for one letter graph; their sha256."""
    data = turtle(triples, tracker)
    (folder / f"{letter_id}.ttl").write_bytes(data)
    text = io.StringIO(newline="\n")
    write_graph(context, triples, text)
    document = text.getvalue().encode("utf-8")
    (folder / f"{letter_id}.jsonld").write_bytes(document)
    return hashlib.sha256(data).hexdigest(), hashlib.sha256(document).hexdigest()


class LetterFiles:
    """A letter's own files (letters/<id>.ttl and .jsonld), written afresh or linked from the
    previous output when that holds the same graph and the same files."""

    def __init__(self, folder: Path, context: Context, previous: Path | None) -> None:
        self.folder = folder
        self.context = context
        self.previous = previous
        self.reusable = _previous_digests(previous, context) if previous is not None else {}
        self.reused = 0
        (folder / "letters").mkdir(parents=True, exist_ok=True)

    def write(
        self, letter_id: str, graph: NamedNode, digest: str, triples: list[Triple], tracker: PrefixTracker
    ) -> tuple[str, str]:
        """The letter's two files and their sha256: linked when the previous output holds the
        same graph (same N-Quads bytes) and the same files (same sha256, same JSON-LD context),
        which are the bytes this build would write; else written."""
        previous = self.reusable.get(graph.value)
        if previous is not None and previous[0] == digest and self._link(letter_id, previous[1:]):
            self.reused += 1
            return previous[1:]
        return write_letter_files(self.folder / "letters", letter_id, triples, self.context, tracker)

    def _link(self, letter_id: str, digests: tuple[str, str]) -> bool:
        """Link a letter's two files from the previous output, if they still have the bytes
        the index recorded (a file changed by hand is written afresh)."""
        assert self.previous is not None
        names = [f"letters/{letter_id}{suffix}" for suffix in (".ttl", ".jsonld")]
        try:
            for name, expected in zip(names, digests, strict=True):
                if hashlib.sha256((self.previous / name).read_bytes()).hexdigest() != expected:
                    return False
            for name in names:
                _link_or_copy(self.previous / name, self.folder / name)
        except OSError:
            for name in names:
                (self.folder / name).unlink(missing_ok=True)
            return False
        return True


def _previous_digests(previous: Path, context: Context) -> dict[str, tuple[str, str, str]]:
    """Graph IRI -> sha256 of its N-Quads and of its two files in an earlier output folder, if
    that folder was written with the same JSON-LD context (else nothing of it is reused)."""
    try:
        if (previous / "context.jsonld").read_bytes() != context_bytes(context):
            return {}
        rows = read_index(previous / INDEX)
        return {row.iri: (row.sha256, *row.files) for row in rows if row.files != NO_FILES}
    except (OSError, ValueError):  # no index, or not one lodpub wrote: nothing of it is reused
        return {}


VOID, CONTEXT = "void.ttl", "context.jsonld"  # beside the dumps in every output folder


def write_description(folder: Path, void: list[Triple], context: Context) -> list[str]:
    """void.ttl (the dataset's VoID/DCAT description) and context.jsonld; their names."""
    (folder / VOID).write_bytes(turtle(void))
    (folder / CONTEXT).write_bytes(context_bytes(context))
    return [VOID, CONTEXT]


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
