"""A QuickStatements batch that creates the Wikidata items a reviewer asked for
(`lodpub link CORPUS --quickstatements FILE`).

For every person or group block of the review file with ``create = true`` (and no QID yet), the
batch creates one item: its English label, the authority file's labels in other languages, the
variants as English aliases, and ``instance of`` (P31) human (Q5) or organization (Q43229),
referenced twice (S854, reference URL): to the first letter that names the entity, and to the
dataset (a second reference, which QuickStatements adds to the statement it just made). Nothing else: the
authority file states no dates or places of people, and a letter's date is not a person's. lodpub
never sends the batch; a person pastes it into QuickStatements (V1 syntax, tab-separated), runs
it, and accepts each new QID with `lodpub link CORPUS --accept KIND.KEY Q…`.

What QuickStatements cannot express, and the batch therefore does not claim: a reference on a
label or an alias (only statements carry references); a check for an existing item (run `lodpub
link` first: its candidates are that check); the link back to the authority file (the accept).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..authorities import Entity
from ..build import named_entities
from ..errors import ConfigError
from ..mapping.iris import Iris
from ..settings import Settings
from .review import read_review

INSTANCE_OF = {"person": "Q5", "group": "Q43229"}  # human; organization


@dataclass(frozen=True)
class Batch:
    """The batch's text and the entities it creates (KIND.KEY), in order."""

    text: str
    created: list[str]
    skipped: list[str]  # asked for but not created, with why


def quickstatements(corpus: Path, settings: Settings, review: Path) -> Batch:
    """The batch for the blocks of ``review`` marked ``create = true``."""
    letters: dict[tuple[str, str], list[str]] = {}
    named = named_entities(corpus, settings, letters)
    dataset = Iris(settings.base_iri).dataset.value
    lines: list[str] = []
    created, skipped = [], []
    for block in read_review(review):
        if not block.decision.create:
            continue
        kind, _, key = block.key.partition(".")
        entry = named.get((kind, key))
        if entry is None:
            skipped.append(f"{block.key}: the corpus no longer names it")
            continue
        entity = entry[0]
        if entity.wikidata:
            skipped.append(f"{block.key}: has a QID in the authority file ({entity.wikidata})")
            continue
        if block.decision.accept:
            skipped.append(f"{block.key}: a QID is accepted in the review file ({block.decision.accept})")
            continue
        naming = sorted(letters.get((kind, key), []))
        if not naming:
            skipped.append(f"{block.key}: no letter names it, so no statement could be referenced")
            continue
        if '"' in entity.label:
            skipped.append(
                f"{block.key}: its label holds a double quote, which a QuickStatements string cannot"
            )
            continue
        lines += _item(entity, naming[0], dataset)
        created.append(block.key)
        skipped += [f"{block.key}: alias {v!r} left out: {why}" for v, why in _left_out(entity)]
    if not created and not skipped:
        raise ConfigError(
            f"{review}: no block is marked create = true",
            hint="write create = true in the [[entity]] block of each person or group to create",
        )
    return Batch("".join(line + "\n" for line in lines), created, skipped)


def _item(entity: Entity, letter: str, dataset: str) -> list[str]:
    """The commands that create one item; its statement referenced to the letter, then to the
    dataset (the same statement again with another source adds a reference to it)."""
    out = ["CREATE", f"LAST\tLen\t{_q(entity.label)}"]
    labels = dict(entity.labels)
    for language, name in sorted(labels.items()):
        if language != "en" and name.strip() and '"' not in name:
            out.append(f"LAST\tL{language}\t{_q(name)}")
    english = {entity.label, labels.get("en", entity.label)}
    for variant in dict.fromkeys(entity.variants):
        if variant not in english and variant not in labels.values() and _english_alias(variant):
            out.append(f"LAST\tAen\t{_q(variant)}")
    for source in (letter, dataset):
        out.append(f"LAST\tP31\t{INSTANCE_OF[entity.kind]}\tS854\t{_q(source)}")
    return out


def _english_alias(variant: str) -> bool:
    """A variant that may be an English alias: in Latin letters (the authority file does not say
    in which language "Георгиу-Деж" is written, so it is not claimed for any), without quotes."""
    return '"' not in variant and all(
        unicodedata.name(c, "").startswith("LATIN") for c in variant if c.isalpha()
    )


def _left_out(entity: Entity) -> list[tuple[str, str]]:
    """The variants the batch does not give as aliases, and why."""
    shown = {entity.label, *dict(entity.labels).values()}
    return [
        (v, "it holds a double quote" if '"' in v else "not in Latin letters, and its language is not known")
        for v in dict.fromkeys(entity.variants)
        if v not in shown and not _english_alias(v)
    ]


def _q(text: str) -> str:
    """A QuickStatements string: in double quotes, its spaces collapsed (a tab or a line end ends
    a field or a command there); a text with a double quote is never given (it has no escape)."""
    return '"' + " ".join(text.split()) + '"'
