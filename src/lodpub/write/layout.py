"""Every file name of a dist/ folder, and the parts the dataset is split into.

    graphs.tsv                      where each named graph lies in the N-Quads (index.py)
    void.ttl, context.jsonld        the dataset description; the JSON-LD context
    letters/<id>.ttl, .jsonld       each letter graph on its own
    dataset.{nq,trig,ttl,nt,jsonld} the whole dumps (``dumps = "whole"``, the default)
    dumps/dataset-NNNNN.nq.gz       their N-Quads in gzip chunks, for bulk loaders
    parts/NNNN.{nq,…,jsonld}        with ``dumps = "parts"``: each part's own files (the letter
                                    graphs of part NNNN in id order, then the entities graph's
                                    triples whose subject falls in it)
    parts/dataset.{nq,…}            the dataset description graph, a part of its own
    dumps/NNNN.nq.gz                each part's N-Quads in gzip

The dataset is split into a power of two of parts by a hash of each letter graph's IRI (and of
each subject of the entities graph), about ``letters_per_part`` letters each (a setting,
``part_letters``), so that editing one letter changes one part, and a rebuild writes that part
afresh and copies the others' bytes, whether the dumps are whole files or in parts. The number
of parts follows the number of letters, so a corpus that doubles gets twice the parts (and,
once, every part written again)."""

from __future__ import annotations

import hashlib

INDEX = "graphs.tsv"
VOID = "void.ttl"
CONTEXT = "context.jsonld"
LETTERS = "letters"
FORMATS = ("nq", "trig", "ttl", "nt", "jsonld")  # every dump's forms, N-Quads first
MEDIA_TYPES = {
    "nq": "application/n-quads",
    "trig": "application/trig",
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
}
WHOLE = {form: f"dataset.{form}" for form in FORMATS}  # the whole-file dumps, by form
WHOLE_DUMPS = tuple(WHOLE.values())
DESCRIPTION = "dataset"  # the name of the part that holds the dataset description graph
LETTERS_PER_PART = 128  # the default of the part_letters setting


def letter_files(letter_id: str) -> list[str]:
    """A letter graph's own files: ``letters/<id>.ttl`` and ``letters/<id>.jsonld``."""
    return [f"{LETTERS}/{letter_id}.ttl", f"{LETTERS}/{letter_id}.jsonld"]


def chunk_name(number: int) -> str:
    """``dumps/dataset-00001.nq.gz`` for the first gzip chunk of the whole dumps."""
    return f"dumps/dataset-{number:05d}.nq.gz"


def part_count(letters: int, per_part: int = LETTERS_PER_PART) -> int:
    """The number of parts for a corpus of ``letters`` letter ids: the least power of two that
    gives at most ``per_part`` letters a part on average."""
    count = 1
    while letters > count * per_part:
        count *= 2
    return count


def part_of(iri: str, count: int) -> int:
    """The part of a letter graph (by its IRI) or of an entities-graph subject."""
    return int.from_bytes(hashlib.sha256(iri.encode("utf-8")).digest()[:8], "big") % count


def part_name(part: int | str) -> str:
    """``0007`` for part 7; ``dataset`` for the description."""
    return part if isinstance(part, str) else f"{part:04d}"


def all_parts(count: int) -> list[int | str]:
    """Every part in order: the ``count`` numbered parts, then the description."""
    return [*range(count), DESCRIPTION]


def part_files(part: int | str) -> list[str]:
    """The files of one part (dumps in parts), N-Quads first and the gzip file last."""
    name = part_name(part)
    return [f"parts/{name}.{form}" for form in FORMATS] + [f"dumps/{name}.nq.gz"]


def part_nquads(part: int | str) -> str:
    """The N-Quads file of one part (``parts/0007.nq``, ``parts/dataset.nq``): the file
    graphs.tsv names with dumps in parts."""
    return f"parts/{part_name(part)}.nq"
