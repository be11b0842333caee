"""`lodpub merge`: shard outputs (`lodpub build --shard K/N`) into one dataset, the same bytes
a single build of the whole corpus gives."""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from pathlib import Path

from pyoxigraph import NamedNode, Triple

from ..errors import ConfigError
from ..mapping import Iris
from ..publish.dist import Dist
from ..settings import Settings
from ..validate import Validator
from .assemble import Assembly
from .entities import Origin
from .result import BuildResult


def merge(shards: list[Path], out: Path, settings: Settings) -> BuildResult:
    """Merge built shards: letter graphs in id order, the shared graphs (one description per
    entity, chosen as a single build chooses), and the dataset description (counts, sizes)
    computed afresh."""
    if not shards:
        raise ConfigError("merge needs at least one shard folder")
    dists = [Dist.open(path) for path in shards]
    for dist in dists:
        if dist.base_iri != settings.base_iri:
            raise ConfigError(
                f"{dist.folder}: built with base IRI {dist.base_iri}, not {settings.base_iri}",
                hint="build every shard with the same settings as the merge",
            )
    iris = Iris(settings.base_iri)
    prefix = iris.letter_graph("").value
    entities: list[list[Triple]] = [[] for _ in dists]

    def letters(dist: Dist, shared: list[Triple]) -> Iterator[tuple[str, NamedNode, list[Triple]]]:
        for graph, triples in dist.graphs():
            if graph.value.startswith(prefix):
                yield graph.value, graph, triples
            elif graph == iris.entities_graph:
                shared.extend(triples)

    streams = [letters(dist, shared) for dist, shared in zip(dists, entities, strict=True)]
    letter_count = sum(1 for dist in dists for e in dist.index() if e.iri.startswith(prefix))
    with Assembly(out, settings, Validator(iris, engine=settings.shacl_engine), letter_count) as assembly:
        last = None
        for key, graph, triples in heapq.merge(*streams, key=lambda item: item[0]):
            if key == last:
                raise ConfigError(f"<{key}> is in more than one shard", hint="merge the shards of one split")
            last = key
            assembly.add_letter(key[len(prefix) :], graph, triples, {})
        for dist, triples in zip(dists, entities, strict=True):
            assembly.add_shared(triples, Origin(str(dist.folder)))
        problems = assembly.check_entities(", ".join(str(d.folder) for d in dists))
        if problems:
            return BuildResult(out=assembly.out, written=False, letters=0, problems=tuple(problems))
        warnings = tuple(assembly.warnings())
        assembly.finish()
    return BuildResult(
        out=assembly.out,
        written=True,
        letters=assembly.letters,
        problems=(),
        warnings=warnings,
        triples=assembly.stats.triples,
        entities=assembly.stats.entities,
        files=assembly.sizes,
    )
