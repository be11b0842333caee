"""Deterministic IRIs, built from the configured base and stable keys (MODEL.md, "IRIs")."""

from __future__ import annotations

from urllib.parse import quote

from pyoxigraph import NamedNode

from .. import vocab
from ..authorities import Entity
from ..errors import MappingError


class Iris:
    """Every IRI lodpub mints, under one base IRI."""

    def __init__(self, base: str) -> None:
        if not base.endswith(("/", "#")):
            raise MappingError(f"base IRI {base!r} must end with '/'", hint="e.g. https://lod.example.org/")
        self.base = base

    def _iri(self, path: str) -> NamedNode:
        return NamedNode(self.base + path)

    def letter(self, letter_id: str, *rest: str) -> NamedNode:
        """The letter (``letter/{id}``) or a node below it (``letter/{id}/creation``, …)."""
        return self._iri("/".join(("letter", letter_id, *rest)))

    def translation(self, letter_id: str, code: str, *rest: str) -> NamedNode:
        """A translation of the letter, or a node below it."""
        return self.letter(letter_id, "translation", code, *rest)

    def evidence(self, letter_id: str, field: str) -> NamedNode:
        """The attribute assignment recording where a field came from."""
        return self.letter(letter_id, "evidence", field)

    def letter_graph(self, letter_id: str) -> NamedNode:
        """The named graph of one letter."""
        return self._iri(f"graph/letter/{letter_id}")

    @property
    def entities_graph(self) -> NamedNode:
        """The named graph of shared entities."""
        return self._iri("graph/entities")

    @property
    def dataset_graph(self) -> NamedNode:
        """The named graph of the dataset description."""
        return self._iri("graph/dataset")

    @property
    def dataset(self) -> NamedNode:
        """The dataset itself (VoID / DCAT)."""
        return self._iri("dataset")

    def entity(self, entity: Entity) -> NamedNode:
        """A person, group or place; languages are the EU authority IRIs."""
        if entity.kind == "language":
            return NamedNode(vocab.LANG + entity.key)
        return self._iri(f"{entity.kind}/{entity.key}")

    def holding(self, archive: str, *parts: str) -> NamedNode:
        """A fonds (``holding/{archive}/{fonds}``) or a file within it."""
        return self._iri("/".join(("holding", archive, *parts)))

    def edition(self, key: str, *rest: str) -> NamedNode:
        """A printed edition or web record."""
        return self._iri("/".join(("edition", key, *rest)))

    def source(self, file_name: str) -> NamedNode:
        """The corpus file a letter graph was derived from."""
        return self._iri("source/" + quote(file_name))

    def build_activity(self, version: str) -> NamedNode:
        """The build activity of a lodpub version (no wall-clock time: builds are reproducible)."""
        return self._iri(f"activity/build/lodpub-{version}")

    def software(self, version: str) -> NamedNode:
        """lodpub itself, at a version, as a PROV software agent."""
        return self._iri(f"agent/lodpub-{version}")
