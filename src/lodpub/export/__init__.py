"""The correspondence community's exchange formats, written from a built dataset (its store and
catalogue): CMIF for correspSearch (cmif.py), one row per letter in CSV (table.py), and the
network of correspondents as GEXF and GraphML (network.py)."""

from __future__ import annotations

import datetime
import hashlib
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import pyoxigraph as ox
from lxml import etree

from .. import __version__, vocab
from ..errors import ConfigError
from ..mapping.iris import Iris
from ..publish.dist import Dist
from ..publish.store import PersistentStore, store_folder
from ..settings import Settings
from ..site.catalogue import Catalogue
from .cmif import corresp_of, header_of, write_cmif
from .network import write_gexf, write_graphml
from .records import CHUNK, chunk_records, records
from .table import write_csv

__all__ = ["Dataset", "export_cmif", "export_table", "opened"]


@dataclass
class Dataset:
    """A built dataset opened for exporting."""

    dist: Dist
    store: ox.Store
    catalogue: Catalogue
    root: Path  # the store's folder

    def describe(self, predicate: str) -> str:
        """A literal of the dataset's own description (its title, its modified date)."""
        subject = ox.NamedNode(self.dist.base_iri + "dataset")
        for quad in self.store.quads_for_pattern(subject, ox.NamedNode(predicate), None):
            if isinstance(quad.object, ox.Literal):
                return quad.object.value
        return ""


@contextmanager
def opened(dist: Path, settings: Settings) -> Iterator[Dataset]:
    """The dataset in ``dist`` through its persistent store (made or brought up to date first)."""
    source = Dist.open(dist)
    store = PersistentStore(store_folder(dist, settings), dist)
    if not store.up_to_date():
        store.sync()
    with store.reading() as (graph_store, generation):
        catalogue = Catalogue(generation.file(".catalogue"))
        try:
            yield Dataset(source, graph_store, catalogue, store.root)
        finally:
            catalogue.close()


def export_cmif(dist: Path, out: Path, settings: Settings, version: int = 1) -> tuple[int, list[str]]:
    """Write the CMIF file of ``dist`` to ``out``: the letters written, and the warnings."""
    with opened(dist, settings) as data:
        here = replace(settings, base_iri=data.dist.base_iri)
        title, modified = data.describe(vocab.DCTERMS + "title"), data.describe(vocab.DCTERMS + "modified")
        head = header_of(here, title, modified)
        web = {
            q.subject.value
            for q in data.store.quads_for_pattern(
                None, ox.NamedNode(vocab.CRM + "P2_has_type"), ox.NamedNode(vocab.LODPUB + "WebRecord")
            )
            if isinstance(q.subject, ox.NamedNode)
        }
        sources = [
            ("online" if iri in web else "print", iri, label)
            for iri, label in data.catalogue.in_role("edition")
        ]
        sources.append(("online", data.dist.base_iri + "dataset", head.title))
        out.parent.mkdir(parents=True, exist_ok=True)
        rows = data.catalogue.db.execute(
            "SELECT iri, title, date, graph FROM letters ORDER BY sort, iri"
        ).fetchall()
        keys = _keys(data.dist, version, here.base_iri)
        with Fragments(data.root / f"cmif{version}-fragments.sqlite") as kept:
            stale = [(i, t, d) for i, t, d, g in rows if kept.key(i) != keys.get(g)]
            graph_of = {i: g for i, _, _, g in rows}
            for start in range(0, len(stale), CHUNK):
                for record in chunk_records(data.store, data.catalogue, stale[start : start + CHUNK]):
                    kept.put(
                        record.iri, keys.get(graph_of[record.iri], ""), corresp_of(record, version, head.base)
                    )
            kept.commit()
            letters = (etree.fromstring(kept.get(iri)) for iri, _, _, _ in rows)
            count = write_cmif(out, head, letters, sources)
    return count, head.warnings


def _keys(dist: Dist, version: int, base: str) -> dict[str, str]:
    """For each letter graph, what its CMIF entry depends on: its own bytes, the entities graph
    (the parties' labels and authority IRIs), the CMIF version and the base IRI. A letter whose
    key is the one kept is not read from the store again."""
    entries = dist.index()
    entities = Iris(base).entities_graph.value
    shared = next((e.sha256 for e in entries if e.iri == entities), "")
    salt = f"{__version__}\0{version}\0{base}\0{shared}\0"
    return {e.iri: hashlib.sha256((salt + e.sha256).encode()).hexdigest() for e in entries}


class Fragments:
    """The ``correspDesc`` of each letter kept from the last export, with the key it was made
    for, in SQLite beside the store (any export of the dist, by the build or by hand, reuses
    them; a killed export leaves the last committed ones)."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS fragments (letter TEXT PRIMARY KEY, key TEXT, xml BLOB) WITHOUT ROWID"
        )
        self.db.execute("BEGIN")
        self.keys = dict(self.db.execute("SELECT letter, key FROM fragments"))

    def __enter__(self) -> Fragments:
        return self

    def __exit__(self, *_: object) -> None:
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")
        self.db.close()

    def key(self, letter: str) -> str | None:
        return self.keys.get(letter)

    def put(self, letter: str, key: str, xml: bytes) -> None:
        self.db.execute("INSERT OR REPLACE INTO fragments VALUES (?, ?, ?)", (letter, key, xml))
        self.keys[letter] = key

    def get(self, letter: str) -> bytes:
        return bytes(self.db.execute("SELECT xml FROM fragments WHERE letter = ?", (letter,)).fetchone()[0])

    def commit(self) -> None:
        self.db.execute("COMMIT")
        self.db.execute("BEGIN")


def export_table(dist: Path, out: Path, settings: Settings, form: str) -> tuple[int, list[str]]:
    """Write one of the tabular or network forms of ``dist`` (``csv``, ``gexf``, ``graphml``) to
    ``out``; the number of letters, and warnings (a network's letters that are in no edge)."""
    with opened(dist, settings) as data:
        letters = records(data.store, data.catalogue)
        out.parent.mkdir(parents=True, exist_ok=True)
        if form == "csv":
            return write_csv(out, letters), []
        if form == "graphml":
            return _said(form, *write_graphml(out, letters))
        when = data.describe(vocab.DCTERMS + "modified")[:10]
        if settings.source_date_epoch is not None:
            when = datetime.datetime.fromtimestamp(settings.source_date_epoch, tz=datetime.UTC).strftime(
                "%Y-%m-%d"
            )
        if not when:
            raise ConfigError(
                "gexf: the file needs the date it was made, and lodpub never takes it from the clock",
                hint="set SOURCE_DATE_EPOCH (seconds since 1970)",
            )
        return _said(form, *write_gexf(out, letters, when))


def _said(form: str, count: int, unlinked: int) -> tuple[int, list[str]]:
    if not unlinked:
        return count, []
    return count, [
        f"{form}: {unlinked} of {count} letters name no sender or no addressee and are in no edge "
        "(the parties they name are nodes); `lodpub unresolved` lists what they leave unread"
    ]
