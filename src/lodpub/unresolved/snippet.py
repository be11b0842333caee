"""The TOML snippet of ``lodpub inspect --unresolved``: one authority-file entry per group of
variants (the most frequent spelling the label, the others variants)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from anyascii import anyascii

from ..authorities import Authorities
from ..textutil import collapse, normalise_name, slug
from .report import Cluster


def snippet(
    clusters: Sequence[Cluster], authorities: Authorities, target: str
) -> tuple[str, tuple[str | None, ...]]:
    """TOML to append to the authority file, and the entry (``kind.key``, or None) each cluster
    got: one entry per cluster (its most frequent spelling the label, the others variants),
    archives as ``archive = true`` groups, languages and what no entry can fix as comments.

    A name belongs to one entity only: names an entity of the file has already are left out,
    and where two clusters share one, the cluster whose kind the evidence gives (a local
    entity's) keeps it, so that the whole loads."""
    taken = {normalise_name(n) for e in authorities.entities() for n in e.names}
    keys = {(e.kind, e.key) for e in authorities.entities()}
    blocks: dict[int, tuple[list[str], str | None]] = {}
    for position in sorted(range(len(clusters)), key=lambda i: clusters[i].status != "local"):
        blocks[position] = _entry(clusters[position], taken, keys)
    out = [
        f"# Suggested by `lodpub inspect --unresolved` for {target}: check each entry (kind, label,",
        "# key, merged variants) before appending; a key becomes an IRI and is never reused.",
    ]
    for position in range(len(clusters)):
        out += ["", *blocks[position][0]]
    return "\n".join(out) + "\n", tuple(blocks[i][1] for i in range(len(clusters)))


def _entry(item: Cluster, taken: set[str], keys: set[tuple[str, str]]) -> tuple[list[str], str | None]:
    """The lines of one cluster's entry and its ``kind.key`` (None for a comment only)."""
    spellings = _comment(", ".join(f"{s.text} ×{s.count}" for s in item.spellings))
    where = ", ".join(f"{o.file}:{o.line}" for o in item.spellings[0].occurrences[:3])
    where += ", …" if item.spellings[0].count > 3 else ""
    if item.category == "language":
        return [
            f"# language? {spellings} ({where}): not a language lodpub knows; if it is one:",
            f'# [language.EU-CODE] label = {_toml(item.label)} code = "ISO 639-1 code"',
        ], None
    if item.status == "role":
        return [
            f"# role kept as marked: {spellings} ({where}): no entity is made of it; where the letters",
            "# mean one holder, add the role to that person's variants",
        ], None
    if item.category == "archive" and item.status != "local" and item.proposal is None:
        return [
            f"# archive? {item.status}: {spellings} ({where}): no entry makes the mapping",
            "# recognise it; if it names an archive, check the citation's punctuation",
        ], None
    if item.category == "archive":
        names = _archive_names(item)
        kind, lines = "group", [f"# archive, {item.status}: {spellings}"]
    else:
        names = [s.text for s in item.spellings if s.fixable]
        kind, lines = item.kind, [f"# {item.kind}, {item.status}: {spellings}"]
        if len(names) < len(item.spellings):
            found = _comment(", ".join(s.text for s in item.spellings if not s.fixable))
            lines.append(f"# left out, an entry would not make the mapping find it: {found}")
    kept: list[str] = []
    dropped: list[str] = []
    for name in names:
        folded = normalise_name(name)
        if folded not in taken:
            taken.add(folded)
            kept.append(name)
        elif all(normalise_name(k) != folded for k in kept):
            dropped.append(name)  # another entity's name (a spelling of a kept one is not)
    if dropped:
        lines.append(f"# left out, already another entity's name: {_comment(', '.join(dropped))}")
    if not kept:
        return [*lines, "# (no name left for an entry)"], None
    key = _free_key(kind, slug(anyascii(kept[0])), keys)
    field = item.spellings[0].occurrences[0].field
    guess = f"  # kind? the {field} field" if item.category == "name" and item.status != "local" else ""
    lines += [f"[{kind}.{key}]{guess}", f"label = {_toml(kept[0])}"]
    if len(kept) > 1:
        lines.append(f"variants = [{', '.join(_toml(v) for v in kept[1:])}]")
    if item.category == "archive":
        lines.append("archive = true")
    return lines, f"{kind}.{key}"


def _archive_names(item: Cluster) -> list[str]:
    """An archive's names from its spellings: ``Name (SIGLUM), Place`` gives the name and the
    siglum (the mapping finds either); a proposal is the name of a not-recognised statement."""
    spans = [item.proposal] if item.proposal is not None else [s.text for s in item.spellings]
    names: list[str] = []
    sigla: list[str] = []
    for span in spans:
        match = re.match(r"^(?P<name>[^()]+?)\s*\((?P<siglum>[^()]+)\)(?:\s*,.*)?$", span)
        if match:
            names.append(match.group("name"))
            sigla.append(match.group("siglum"))
        else:
            names.append(span)
    return list(dict.fromkeys([*names, *sigla]))


def _free_key(kind: str, key: str, keys: set[tuple[str, str]]) -> str:
    candidate, number = key, 2
    while (kind, candidate) in keys:
        candidate, number = f"{key}-{number}", number + 1
    keys.add((kind, candidate))
    return candidate


def _toml(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=False)


def _comment(text: str) -> str:
    return collapse(text)
