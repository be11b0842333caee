"""The correspondence community's exchange formats, written from a built dataset (its store and
catalogue): CMIF for correspSearch (cmif.py), one row per letter in CSV (table.py), and the
network of correspondents as GEXF and GraphML (network.py)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import pyoxigraph as ox

from .. import vocab
from ..errors import ConfigError
from ..publish.dist import Dist
from ..publish.store import PersistentStore, store_folder
from ..settings import Settings
from ..site.catalogue import Catalogue
from .cmif import header_of, write_cmif
from .network import write_gexf, write_graphml
from .records import records
from .table import write_csv

__all__ = ["Dataset", "export_cmif", "export_table", "opened"]


@dataclass
class Dataset:
    """A built dataset opened for exporting."""

    dist: Dist
    store: ox.Store
    catalogue: Catalogue

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
            yield Dataset(source, graph_store, catalogue)
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
        count = write_cmif(out, head, records(data.store, data.catalogue), sources, version)
    return count, head.warnings


def export_table(dist: Path, out: Path, settings: Settings, form: str) -> int:
    """Write one of the tabular or network forms of ``dist`` (``csv``, ``gexf``, ``graphml``) to
    ``out``; the number of letters."""
    with opened(dist, settings) as data:
        letters = records(data.store, data.catalogue)
        out.parent.mkdir(parents=True, exist_ok=True)
        if form == "csv":
            return write_csv(out, letters)
        if form == "graphml":
            return write_graphml(out, letters)
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
        return write_gexf(out, letters, when)
