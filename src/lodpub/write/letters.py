"""Each letter graph's own files, ``letters/<id>.ttl`` and ``letters/<id>.jsonld``: written, or
linked from the previous output when it holds the same graph and the same files."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
from pathlib import Path

from pyoxigraph import NamedNode, Triple

from .index import NO_FILES, read_index
from .jsonld import Context, write_graph
from .layout import CONTEXT, INDEX, LETTERS, letter_files
from .rdf import PrefixTracker, context_bytes, turtle


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
        (folder / LETTERS).mkdir(parents=True, exist_ok=True)

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
        return write_letter_files(self.folder / LETTERS, letter_id, triples, self.context, tracker)

    def _link(self, letter_id: str, digests: tuple[str, str]) -> bool:
        """Link a letter's two files from the previous output, if they still have the bytes
        the index recorded (a file changed by hand is written afresh)."""
        assert self.previous is not None
        names = letter_files(letter_id)
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
        if (previous / CONTEXT).read_bytes() != context_bytes(context):
            return {}
        rows = read_index(previous / INDEX)
        return {row.iri: (row.sha256, *row.files) for row in rows if row.files != NO_FILES}
    except (OSError, ValueError):  # no index, or not one lodpub wrote: nothing of it is reused
        return {}


def _link_or_copy(source: Path, target: Path) -> None:
    """A hard link (output files are never changed in place, so sharing them is safe), or a
    copy where links are not possible."""
    try:
        os.link(source, target)
    except OSError:
        if not source.is_file():
            raise
        shutil.copyfile(source, target)
