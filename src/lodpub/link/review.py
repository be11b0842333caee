"""The review file (candidates a person accepts or not) and edits to the authority file.

The authority file is edited as text, so its comments and layout stay as the curators wrote
them; every edit is re-parsed before it replaces the file (atomically).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..authorities import Authorities, Entity
from ..errors import ConfigError
from .scoring import Candidate

QID = re.compile(r"^Q[1-9][0-9]*$")


@dataclass(frozen=True)
class Proposal:
    """An entity without a QID and the candidates found for it, best first."""

    entity: Entity
    candidates: tuple[Candidate, ...]
    note: str = ""


def _s(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` in one rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
        out.write(text)
    os.replace(tmp, path)


def render_review(proposals: list[Proposal], method: str) -> str:
    """The review file: one [[entity]] block each; set `accept` to a QID and run --apply."""
    lines = [
        "# Wikidata candidates for entities without a QID, written by `lodpub link`.",
        f"# Method: {method}. Nothing here enters the authority file until a person accepts it:",
        '# set accept = "Q…" in a block and run `lodpub link CORPUS --apply`, or run',
        "# `lodpub link CORPUS --accept KIND.KEY QID`.",
        "",
    ]
    for proposal in sorted(proposals, key=lambda p: (p.entity.kind, p.entity.key)):
        e = proposal.entity
        lines += [
            "[[entity]]",
            f"key = {_s(f'{e.kind}.{e.key}')}",
            f"label = {_s(e.label)}",
            f"local = {'true' if e.local else 'false'}",
            'accept = ""',
        ]
        if proposal.note:
            lines.append(f"note = {_s(proposal.note)}")
        for c in proposal.candidates:
            lines += [
                "[[entity.candidate]]",
                f"qid = {_s(c.qid)}",
                f"label = {_s(c.label)}",
                f"description = {_s(c.description)}",
                f"score = {c.score}",
                f"why = {_s(c.why)}",
            ]
        lines.append("")
    return "\n".join(lines)


def read_review(path: Path) -> list[dict[str, Any]]:
    """The blocks of a review file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the review file: {exc}") from exc
    return list(data.get("entity", []))


def accept(
    authority: Path, kind_key: str, qid: str, *, by: str, on: str, method: str, label: str | None = None
) -> None:
    """Record ``qid`` for the entity ``kind.key`` with who accepted it, when and how. An entity
    the file does not have yet (a local one) is added with ``label``."""
    if not QID.match(qid):
        raise ConfigError(f"{qid!r} is not a Wikidata item id (Q followed by digits)")
    kind, _, key = kind_key.partition(".")
    if kind not in ("person", "group", "place") or not key:
        raise ConfigError(f"{kind_key!r}: expected KIND.KEY, e.g. person.gheorghiu-dej-gheorghe")
    text = authority.read_text(encoding="utf-8") if authority.exists() else ""
    lines = text.splitlines()
    header = f"[{kind}.{key}]"
    review = f"wikidata_review = {{ by = {_s(by)}, on = {_s(on)}, method = {_s(method)} }}"
    if header in (line.strip() for line in lines):
        start = next(i for i, line in enumerate(lines) if line.strip() == header)
        end = next((i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("[")), len(lines))
        while end > start + 1 and not lines[end - 1].strip():
            end -= 1
        body = [
            line
            for line in lines[start + 1 : end]
            if not re.match(r"^\s*(wikidata|wikidata_review)\s*=", line)
        ]
        lines[start + 1 : end] = [*body, f"wikidata = {_s(qid)}", review]
    else:
        if label is None:
            raise ConfigError(f"{kind_key}: not in {authority}; a new entry needs its label")
        lines += ["", header, f"label = {_s(label)}", f"wikidata = {_s(qid)}", review]
    new = "\n".join(lines).rstrip("\n") + "\n"
    Authorities(_parse(new, authority), source=str(authority))  # refuse to write a broken file
    write_atomically(authority, new)


def _parse(text: str, path: Path) -> list[Entity]:
    from ..authorities import _entities_from_toml

    try:
        return _entities_from_toml(tomllib.loads(text), str(path))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: the edit would break the file: {exc}") from exc
