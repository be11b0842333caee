"""The parts of the dataset: it is split into a power of two of parts by a hash of each letter
graph's IRI (and of each subject of the entities graph), about ``LETTERS_PER_PART`` letters
each, so that editing one letter changes one part, and a rebuild writes that part afresh and
copies the others' bytes (see dumps.py), whether the dumps are whole files or in parts.

With ``dumps = "parts"`` each part has files of its own:

    parts/NNNN.{nq,trig,ttl,nt,jsonld}     letter graphs of part NNNN (in id order), then the
                                           entities graph's triples whose subject falls in it
    parts/dataset.{nq,trig,ttl,nt,jsonld}  the dataset description graph
    dumps/NNNN.nq.gz, dumps/dataset.nq.gz  each part's N-Quads, gzip, for bulk loaders

The number of parts follows the number of letters, so a corpus that doubles gets twice the
parts (and, once, every part written again)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import cast

import pyoxigraph as ox
from pyoxigraph import NamedNode, Quad, Triple

from .mapping.rdf import subject_of

LETTERS_PER_PART = 128
FORMATS = ("nq", "trig", "ttl", "nt", "jsonld")
DESCRIPTION = "dataset"  # the name of the part that holds the dataset description graph


def part_count(letters: int) -> int:
    """The number of parts for a corpus of ``letters`` letter ids: the least power of two that
    gives at most ``LETTERS_PER_PART`` letters a part on average."""
    count = 1
    while letters > count * LETTERS_PER_PART:
        count *= 2
    return count


def part_of(iri: str, count: int) -> int:
    """The part of a letter graph (by its IRI) or of an entities-graph subject."""
    return int.from_bytes(hashlib.sha256(iri.encode("utf-8")).digest()[:8], "big") % count


def part_name(part: int | str) -> str:
    """``0007`` for part 7; ``dataset`` for the description."""
    return part if isinstance(part, str) else f"{part:04d}"


def part_files(part: int | str) -> list[str]:
    """The files of one part, relative to the dist folder."""
    name = part_name(part)
    return [f"parts/{name}.{suffix}" for suffix in FORMATS] + [f"dumps/{name}.nq.gz"]  # nq first


def part_nquads(part: int | str) -> str:
    """The N-Quads file of one part (``parts/0007.nq``, ``parts/dataset.nq``), relative to the
    dist folder: the file graphs.tsv names."""
    return f"parts/{part_name(part)}.nq"


def sizes(folder: Path, count: int) -> dict[str, int]:
    """Bytes of the parts, per format (for the build's report)."""
    out: dict[str, int] = {}
    for part in [*range(count), DESCRIPTION]:
        for name in part_files(part):
            pattern = name.replace(part_name(part), "*", 1)
            out[pattern] = out.get(pattern, 0) + (folder / name).stat().st_size
    return out


def segments(triples: Iterable[Triple], count: int) -> dict[int, list[Triple]]:
    """The entities graph split by the part of each triple's subject, keeping the order."""
    out: dict[int, list[Triple]] = {part: [] for part in range(count)}
    for t in triples:
        out[part_of(subject_of(t).value, count)].append(t)
    return out


def nquads(graph: NamedNode, triples: list[Triple]) -> bytes:
    """The N-Quads of one graph's triples."""
    quads = [Quad(t.subject, t.predicate, t.object, graph) for t in triples]
    return cast(bytes, ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
