"""Assembling a dist/ folder: letter graphs as they come, then the shared graphs, the dumps and
the dataset description. Everything is written to a temporary folder beside the target and
published by renaming it into place, or discarded: never a half-written dist/."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import TracebackType

from pyoxigraph import NamedNode, Triple

from ..mapping import Iris
from ..mapping.dataset import Statistics
from ..settings import Settings
from ..validate import Issue, Validator
from ..write.atomic import new_folder, remove_dead, replace_folder
from ..write.dumps import CHUNK_BYTES
from ..write.jsonld import Context
from ..write.layout import part_count
from ..write.writer import DumpWriter
from .dataset import Description
from .entities import Origin, SharedEntities, descriptions


class Assembly:
    """One dist/ folder being written."""

    def __init__(
        self, out: Path, settings: Settings, validator: Validator, letters: int = 0, jobs: int = 1
    ) -> None:
        """``letters``: how many letter ids the corpus has (sets the number of parts when the
        dumps are written in parts); ``jobs``: processes that may write the parts."""
        self.out = out.resolve()
        self.settings = settings
        self.iris = Iris(settings.base_iri)
        self.validator = validator
        self.context = Context.default()
        self.stats = Statistics()
        self.shared = SharedEntities(self.iris.base)
        self.letters = 0
        self.letter_stats = Statistics()  # the letter graphs' counts (for incremental rebuilds)
        self.segments: list[list[Triple]] = []  # the entities graph, as the writer split it
        self.out.parent.mkdir(parents=True, exist_ok=True)
        remove_dead(self.out, "tmp")
        self.tmp = new_folder(self.out, "tmp")
        previous = self.out if self.out.is_dir() else None
        whole = settings.dumps != "parts"
        count = part_count(letters, settings.letters_per_part)
        self.description = Description(self.iris, settings, count)
        self.writer = DumpWriter(self.tmp, self.context, previous, count, jobs, whole)
        self.sizes: dict[str, int] = {}

    def __enter__(self) -> Assembly:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.discard()  # after publish() there is nothing left to discard

    def add_letter(
        self,
        letter_id: str,
        graph: NamedNode,
        triples: list[Triple],
        entities: dict[str, list[Triple]],
        origin: Origin | None = None,
    ) -> None:
        """A letter's graph, in id order; its entity descriptions go to the shared graph."""
        self.writer.add_letter(letter_id, graph, triples)
        self.stats.add(triples, self.iris.base)
        self.stats.example = self.stats.example or self.iris.letter(letter_id).value
        for iri, description in entities.items():
            self.shared.add(iri, description, origin or Origin(letter_id))
        self.letters += 1

    def add_shared(self, triples: list[Triple], origin: Origin) -> None:
        """The shared graph as another build wrote it (merging shards)."""
        for iri, description in descriptions(triples).items():
            self.shared.add(iri, description, origin)

    def entity_triples(self) -> list[Triple]:
        """The shared graph: every entity description, in canonical order."""
        return self.shared.triples()

    def warnings(self) -> list[Issue]:
        """Entities the letters describe in more than one way (the published one is named)."""
        return self.shared.warnings()

    def check_entities(self, origin: str) -> list[Issue]:
        """Validate the shared graph (once, for all letters)."""
        return self.validator.entities(self.entity_triples(), origin)

    def finish(self, chunk_bytes: int = CHUNK_BYTES) -> None:
        """Add the shared and dataset graphs, derive every dump, describe them, publish."""
        self.letter_stats = Statistics.from_json(self.stats.as_json())
        self.segments = self.writer.add_entities(self.iris.entities_graph, self.entity_triples())
        for segment in self.segments:
            self.stats.add(segment, self.iris.base)
        self.writer.add_graph(self.iris.dataset_graph, self.description.graph(self.stats, self.validator))
        self.sizes, chunks = self.writer.finish(chunk_bytes)
        self.description.void(self.tmp, self.stats, self.sizes, {**chunks}, self.context)
        replace_folder(self.tmp, self.out)

    def discard(self) -> None:
        """Drop the temporary folder (nothing of it was published)."""
        shutil.rmtree(self.tmp, ignore_errors=True)
