"""The review file (candidates a person accepts or not) and edits to the authority file.

In the review file, ``accept``, ``reject`` and ``note`` are the reviewer's: `lodpub link` keeps
them as they are on every re-run and refreshes only its own fields and the candidates. A file
with anything else a person may have written (an unknown field, a field of the wrong type, two
blocks for one entity) is refused, never overwritten.

The authority file is edited as text, so its comments and layout stay as the curators wrote
them; every edit is re-parsed before it replaces the file (atomically).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..authorities import Authorities, Entity
from ..errors import ConfigError
from .scoring import Candidate

QID = re.compile(r"^Q[1-9][0-9]*$")

REVIEWER_FIELDS = ("accept", "reject", "note", "create")
LODPUB_FIELDS = ("key", "label", "local", "status", "candidate")
CANDIDATE_FIELDS = ("qid", "label", "description", "score", "why")
# Before `reject` existed, lodpub itself wrote this note; it is not a reviewer's.
_OLD_LODPUB_NOTE = "no candidates found"


@dataclass(frozen=True)
class Decision:
    """What a reviewer wrote in a block: the QID accepted, the QIDs rejected, a note."""

    accept: str = ""
    reject: tuple[str, ...] = ()
    note: str = ""
    create: bool = False  # a new Wikidata item is wanted (`lodpub link --quickstatements`)

    def count(self) -> int:
        """How many of the fields hold something."""
        return sum(1 for value in (self.accept, self.reject, self.note, self.create) if value)


@dataclass(frozen=True)
class Proposal:
    """An entity without a QID, the candidates found for it (best first), lodpub's status line
    for it and the reviewer's decision."""

    entity: Entity
    candidates: tuple[Candidate, ...]
    status: str = ""
    decision: Decision = field(default_factory=Decision)


@dataclass(frozen=True)
class Block:
    """One [[entity]] block of a review file, as read."""

    key: str
    label: str
    local: bool
    decision: Decision
    status: str
    candidates: tuple[Candidate, ...]


def _s(value: str) -> str:
    # A JSON string is a valid TOML basic string once DEL, which TOML wants escaped, is escaped.
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` in one rename (flushed to disk first, the file's mode kept):
    a reader sees the old file or the new one, never a part."""
    _replace(path, text, lambda: True)


def write_if_unchanged(path: Path, text: str, before: bytes | None) -> bool:
    """Like ``write_atomically``, but only while ``path`` still holds ``before`` (None: while it
    does not exist); False, and nothing written, when someone changed it meanwhile."""
    return _replace(path, text, lambda: read_bytes(path) == before)


def read_bytes(path: Path) -> bytes | None:
    """The file's bytes, None when it does not exist."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from exc


def _replace(path: Path, text: str, still: Callable[[], bool]) -> bool:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask applies, as for any new file
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        with contextlib.suppress(FileNotFoundError):
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        if not still():
            tmp.unlink()
            return False
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable (not possible everywhere)
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
    return True


def render_review(proposals: list[Proposal], method: str) -> str:
    """The review file: one [[entity]] block each; set `accept` to a QID and run --apply."""
    lines = [
        "# Wikidata candidates for entities without a QID, written by `lodpub link`.",
        f"# Method: {method}. Nothing here enters the authority file until a person accepts it:",
        '# set accept = "Q…" in a block and run `lodpub link CORPUS --apply`, or run',
        "# `lodpub link CORPUS --accept KIND.KEY QID`.",
        "#",
        "# Yours to write in each [[entity]] block; a re-run of `lodpub link` keeps them as they are:",
        '#   accept = "Q…"        the item that is this entity (`--apply` enters it in the authority file)',
        '#   reject = ["Q…", …]   items that are not this entity (not offered again as candidates)',
        '#   note = "…"           anything to keep with the entity (a text)',
        "#   create = true        a person or group Wikidata lacks: `lodpub link CORPUS --quickstatements",
        "#                        FILE` writes a batch that creates it (you run it; then accept the QID)",
        "# The rest (key, label, local, status, the candidates) is lodpub's and is refreshed on every",
        "# run; comments are not kept (write them in note). An entity that has a QID in the authority",
        "# file leaves this file; one the corpus no longer names stays while a block holds your words.",
        "",
    ]
    for proposal in sorted(proposals, key=lambda p: (p.entity.kind, p.entity.key)):
        e, d = proposal.entity, proposal.decision
        lines += [
            "[[entity]]",
            f"key = {_s(f'{e.kind}.{e.key}')}",
            f"label = {_s(e.label)}",
            f"local = {'true' if e.local else 'false'}",
            f"accept = {_s(d.accept)}",
            f"reject = [{', '.join(_s(q) for q in d.reject)}]",
            f"note = {_s(d.note)}",
        ]
        if d.create:
            lines.append("create = true")
        if proposal.status:
            lines.append(f"status = {_s(proposal.status)}")
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


def read_review(path: Path) -> list[Block]:
    """The blocks of a review file, in file order (refused if it is not one lodpub can keep)."""
    data = read_bytes(path)
    if data is None:
        raise ConfigError(
            f"{path}: cannot read the review file: it does not exist", hint="run `lodpub link` first"
        )
    return parse_review(data, path)


def parse_review(data: bytes, path: Path) -> list[Block]:
    """The blocks of a review file's bytes. Anything lodpub could not keep on a re-run is a
    ``ConfigError`` (exit 2), so that nothing a reviewer wrote is silently lost."""
    try:
        table = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(
            f"{path}: cannot read the review file: {exc}", hint="mend it or move it away; it was not changed"
        ) from exc
    unknown = sorted(set(table) - {"entity", "ids"})  # [[ids]]: link/ids.py reads them
    if unknown:
        raise _refused(path, f"unknown top-level field {unknown[0]!r}")
    return [
        _block(path, key, raw) for key, raw in keyed_blocks(table.get("entity", []), "entity", path, _refused)
    ]


def keyed_blocks(
    raw: object, name: str, path: Path, refused: Callable[[Path, str], ConfigError]
) -> list[tuple[str, dict[str, Any]]]:
    """The ``[[name]]`` blocks of a review file, each with its ``KIND.KEY``, one block a key."""
    if not isinstance(raw, list) or not all(isinstance(b, dict) for b in raw):
        raise refused(path, f"`{name}` must be [[{name}]] blocks")
    out: list[tuple[str, dict[str, Any]]] = []
    for number, block in enumerate(raw, 1):
        key = block.get("key")
        if not isinstance(key, str) or not re.match(r"^(person|group|place)\.\S+$", key):
            raise refused(path, f'[[{name}]] block {number} has no key such as "person.some-key"')
        if key in {k for k, _ in out}:
            raise refused(path, f"{key} has two [[{name}]] blocks; merge them into one")
        out.append((key, block))
    return out


def _block(path: Path, key: str, raw: dict[str, Any]) -> Block:
    for name in raw:
        if name not in REVIEWER_FIELDS and name not in LODPUB_FIELDS:
            raise _refused(
                path, f"{key}: unknown field {name!r}; the fields to write are accept, reject, note, create"
            )
    accept = raw.get("accept", "")
    if not isinstance(accept, str):
        raise _refused(path, f'{key}: accept must be a text such as "Q42"')
    reject = raw.get("reject", [])
    if not isinstance(reject, list) or not all(isinstance(q, str) for q in reject):
        raise _refused(path, f'{key}: reject must be a list of QIDs such as ["Q42", "Q43"]')
    note = raw.get("note", "")
    if not isinstance(note, str):
        raise _refused(path, f"{key}: note must be a text")
    create = raw.get("create", False)
    if not isinstance(create, bool) or (create and key.startswith("place.")):
        raise _refused(path, f"{key}: create must be true or false, and only for a person or group")
    status = raw.get("status", "")
    if "reject" not in raw and note == _OLD_LODPUB_NOTE:  # written by an older lodpub
        note, status = "", note
    candidates = raw.get("candidate", [])
    if not isinstance(candidates, list) or not all(isinstance(c, dict) for c in candidates):
        raise _refused(path, f"{key}: `candidate` must be [[entity.candidate]] blocks")
    for c in candidates:
        for name in c:
            if name not in CANDIDATE_FIELDS:
                raise _refused(
                    path,
                    f"{key}: unknown candidate field {name!r}; "
                    "the fields to write are accept, reject, note, create",
                )
    label = raw.get("label", "")
    return Block(
        key=key,
        label=label if isinstance(label, str) and label else key.partition(".")[2],
        local=raw.get("local") is True,
        decision=Decision(accept, tuple(reject), note, create),
        status=status if isinstance(status, str) else "",
        candidates=tuple(_candidate(c) for c in candidates),
    )


def _candidate(raw: dict[str, Any]) -> Candidate:
    def text(name: str) -> str:
        value = raw.get(name, "")
        return value if isinstance(value, str) else str(value)

    score = raw.get("score", 0.0)
    return Candidate(
        qid=text("qid"),
        label=text("label"),
        description=text("description"),
        score=float(score) if isinstance(score, int | float) and not isinstance(score, bool) else 0.0,
        why=text("why"),
    )


def _refused(path: Path, what: str) -> ConfigError:
    return ConfigError(
        f"{path}: {what}",
        hint="lodpub keeps what you write in a review file only in accept, reject, note and create; "
        "the file was not changed",
    )


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
