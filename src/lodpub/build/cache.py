"""The letter cache: each letter mapped and validated, on disk, keyed by the hash of its source
file and of everything else that shapes the result, so that a rebuild maps and validates only
the letters whose key changed."""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import pyoxigraph as ox
from pyoxigraph import NamedNode, Triple

from .. import __version__
from ..authorities import Entity
from ..mapping import MappedLetter
from ..model import Letter, Notice
from ..resources import data_path
from ..settings import Settings
from ..validate import Issue


@dataclass(frozen=True)
class Packed:
    """A mapped letter as it crosses between processes or lies in the cache: triples as
    N-Triples, which pyoxigraph writes and reads about twenty times faster than pickle
    handles its terms."""

    letter: Letter
    graph: str
    triples: bytes
    entities: dict[str, bytes]
    field_lines: dict[str, int]
    named: tuple[Entity, ...]
    notices: tuple[Notice, ...]
    withheld: bool = False


def _nt(triples: list[Triple]) -> bytes:
    return cast(bytes, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))


def _triples(data: bytes) -> list[Triple]:
    return list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES)) if data else []


def pack(m: MappedLetter) -> Packed:
    entities = {k: _nt(v) for k, v in m.entities.items()}
    return Packed(
        m.letter, m.graph.value, _nt(m.triples), entities, m.field_lines, m.named, m.notices, m.withheld
    )


def unpack(p: Packed) -> MappedLetter:
    return MappedLetter(
        letter=p.letter,
        graph=NamedNode(p.graph),
        triples=_triples(p.triples),
        entities={k: _triples(v) for k, v in p.entities.items()},
        field_lines=p.field_lines,
        named=p.named,
        notices=p.notices,
        withheld=p.withheld,
    )


class LetterCache:
    """Mapped and validated letters on disk, keyed by the content hash of the source file and
    of everything else that shapes the result (``fingerprint``): a rebuild maps and validates
    only the letters whose key changed."""

    def __init__(self, folder: Path, fingerprint: str) -> None:
        self.folder = folder
        self.fingerprint = fingerprint

    def key(self, path: Path, data: bytes) -> str:
        """The key of one source file's result."""
        digest = hashlib.sha256(self.fingerprint.encode())
        digest.update(path.name.encode("utf-8") + b"\0" + data)
        return digest.hexdigest()

    def _file(self, key: str) -> Path:
        return self.folder / "letters" / key[:2] / f"{key}.pickle"

    def get(self, key: str) -> tuple[Packed, list[Issue]] | None:
        """The cached result, packed as it lies on disk (an unreadable entry counts as none)."""
        try:
            with open(self._file(key), "rb") as handle:
                packed, issues = pickle.load(handle)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, TypeError, ValueError):
            return None
        if not isinstance(packed, Packed):
            return None
        return packed, issues

    def put(self, key: str, packed: Packed, issues: list[Issue]) -> None:
        """Store one result (atomically: a reader never sees half an entry)."""
        target = self._file(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump((packed, issues), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, target)

    def forget(self, keys: set[str]) -> None:
        """Drop the results of these keys (letters edited or removed since)."""
        for key in keys:
            self._file(key).unlink(missing_ok=True)

    def keep_only(self, keys: set[str]) -> None:
        """Forget the results of letters that are no longer in the corpus as they were."""
        for path in (self.folder / "letters").glob("*/*.pickle"):
            if path.stem not in keys:
                path.unlink(missing_ok=True)


def fingerprint(base_iri: str, inputs: list[Path]) -> str:
    """A hash of lodpub's version, the base IRI and the bytes of every file that shapes the
    result besides the letter itself (authority file, shapes, ontology, JSON-LD context)."""
    digest = hashlib.sha256(f"{__version__}\0{base_iri}".encode())
    for path in inputs:
        digest.update(b"\0" + path.name.encode() + b"\0" + (path.read_bytes() if path.exists() else b""))
    return digest.hexdigest()


def open_cache(folder: Path, authority_file: Path, settings: Settings) -> LetterCache:
    """The cache in ``folder`` for this corpus's authority file and these settings: its
    fingerprint covers every shared input (authority file, shapes, ontology, JSON-LD context,
    the shipped archives), the base IRI, the SHACL engine and the texts setting."""
    inputs = [authority_file, *sorted(data_path("shapes").glob("*.ttl"))]
    data = Path(__file__).parents[1] / "data"
    inputs += [data_path("ontology.ttl"), data / "context.jsonld", data / "archives.toml"]
    key = f"{settings.base_iri}\0{settings.shacl_engine}\0texts={settings.texts}"
    return LetterCache(folder, fingerprint(key, inputs))
