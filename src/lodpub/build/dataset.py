"""The dataset description of a build, full or incremental: the graph (validated), written
into the dumps, and void.ttl, which also gives the dumps' sizes once they are written."""

from __future__ import annotations

from pathlib import Path

from pyoxigraph import Triple

from ..errors import LodpubError
from ..mapping import Iris
from ..mapping.dataset import Statistics, describe_dataset
from ..settings import Settings
from ..validate import Validator
from ..write.dumps import named_before
from ..write.jsonld import Context
from ..write.rdf import write_description


class Description:
    """The description of one output: ``count`` parts, whole dumps or not."""

    def __init__(self, iris: Iris, settings: Settings, count: int) -> None:
        self.iris, self.settings, self.count = iris, settings, count
        self.dumps, self.chunks = named_before(count, settings.dumps != "parts")

    def graph(self, stats: Statistics, validator: Validator) -> list[Triple]:
        """The dataset graph for the dumps; ``LodpubError`` when it does not conform."""
        description = describe_dataset(self.iris, self.settings, stats, chunks=self.chunks, dumps=self.dumps)
        issues = validator.dataset(description)
        if issues:
            raise LodpubError("the dataset description does not conform: " + "; ".join(map(str, issues)))
        return description

    def void(
        self,
        folder: Path,
        stats: Statistics,
        sizes: dict[str, int],
        chunks: dict[str, int | None],
        context: Context,
    ) -> list[str]:
        """void.ttl (with the bytes of each dump and gzip file) and context.jsonld in ``folder``;
        their names."""
        void = describe_dataset(self.iris, self.settings, stats, sizes, chunks, self.dumps)
        return write_description(folder, void, context)
