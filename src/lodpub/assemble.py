"""Assembling a dist/ folder: letter graphs as they come, then the shared graphs, the dumps and
the dataset description. Everything is written to a temporary folder beside the target and
published by renaming it into place, or discarded: never a half-written dist/."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from types import TracebackType

from pyoxigraph import NamedNode, Triple

from .errors import ConfigError, LodpubError
from .jsonld import Context
from .mapping import Iris
from .mapping.dataset import Statistics, describe_dataset
from .parts import PartsWriter, part_count
from .serialize import DistWriter, context_bytes, turtle
from .settings import Settings
from .shared import Origin, SharedEntities, descriptions
from .validate import Issue, Validator

CHUNK_BYTES = 64 * 1024 * 1024  # uncompressed N-Quads per gzip chunk, for bulk loaders


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
        remove_stale(self.out)
        self.tmp = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.tmp-{os.getpid()}-", dir=self.out.parent))
        self.tmp.chmod(0o755)  # mkdtemp makes it private; a published folder is readable by all
        previous = self.out if self.out.is_dir() else None
        self.writer: DistWriter | PartsWriter
        if settings.dumps == "parts":
            self.writer = PartsWriter(self.tmp, self.context, previous, part_count(letters), jobs)
        else:
            self.writer = DistWriter(self.tmp, self.context, previous)
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
        description = describe_dataset(
            self.iris, self.settings, self.stats, chunks=self.writer.chunks(), dumps=self.writer.dumps
        )
        dataset_issues = self.validator.dataset(description)
        if dataset_issues:
            raise LodpubError(
                "the dataset description does not conform: " + "; ".join(map(str, dataset_issues))
            )
        self.writer.add_graph(self.iris.dataset_graph, description)
        self.sizes, chunks = self.writer.finish(chunk_bytes)
        sizes: dict[str, int | None] = {**chunks}
        void = describe_dataset(self.iris, self.settings, self.stats, self.sizes, sizes, self.writer.dumps)
        (self.tmp / "void.ttl").write_bytes(turtle(void))
        (self.tmp / "context.jsonld").write_bytes(context_bytes(self.context))
        _replace(self.tmp, self.out)

    def discard(self) -> None:
        """Drop the temporary folder (nothing of it was published)."""
        self.writer.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


def remove_stale(out: Path) -> None:
    """Remove the temporary folders of earlier builds of ``out`` whose process is gone (killed
    before it could clean up); folders of builds still running are left alone."""
    for folder in out.parent.glob(f".{out.name}.tmp-*"):
        pid = folder.name[len(f".{out.name}.tmp-") :].split("-", 1)[0]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except PermissionError:
            pass  # another user's process, alive


def _replace(new: Path, out: Path) -> None:
    """Put ``new`` where ``out`` is; the old folder is moved aside first, then removed."""
    if out.exists() and not out.is_dir():
        raise ConfigError(f"{out}: exists and is not a folder", hint="choose another --out")
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        os.replace(out, old / out.name)
        os.replace(new, out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(new, out)
