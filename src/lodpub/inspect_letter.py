"""`lodpub inspect`: every field extracted from one source file, with its line and, for names,
what the authority file resolves them to — what a curator runs first on a new letter.

A name is shown as the letter marks it (the span verbatim), beside the entities it resolves to
or "(not recognised, kept verbatim)"."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from .authorities import Authorities
from .errors import ConfigError
from .model import Letter, Value
from .sources import read_letter

NOT_RECOGNISED = "(not recognised, kept verbatim)"


@dataclass(frozen=True)
class Field:
    """One extracted field as ``lodpub inspect`` shows it."""

    name: str
    value: str
    line: int
    basis: str
    resolved: str = ""


def inspect_file(path: Path, authorities_path: Path | None = None) -> tuple[Letter, list[Field]]:
    """Every field extracted from one source file, with its line and, for names, the entities
    they resolve to through the authority file."""
    authorities = Authorities.load(authorities_path) if authorities_path else Authorities([])
    return inspect_letter(path, authorities)


def inspect_letter(path: Path, authorities: Authorities) -> tuple[Letter, list[Field]]:
    """``inspect_file`` with the authority data loaded once (for a whole corpus)."""
    letter = read_letter(path)
    fields: list[Field] = [
        Field("id", letter.id, 1, "Stated", ""),
        Field("layout", letter.layout, 1, "Stated", ""),
        Field(
            "title",
            letter.title.text,
            letter.title.evidence.line,
            letter.title.evidence.basis.value,
        ),
    ]
    if letter.date is not None:
        fields.append(
            Field(
                "date",
                f"{letter.date.label} -> {letter.date.iso}",
                letter.date.evidence.line,
                letter.date.evidence.basis.value,
            )
        )
    elif letter.undated is not None:
        fields.append(Field("date", "unknown (as the source marks it)", letter.undated.line, "Stated"))

    def names(kind: str, values: tuple[Value, ...], kinds: tuple[str, ...]) -> None:
        for value in values:
            resolved = ", ".join(
                f"{e.kind}/{e.key}{' (local)' if e.local else ''}"
                for e in authorities.resolve(value.text, kinds)
            )
            ev = value.evidence
            fields.append(Field(kind, as_marked(value), ev.line, ev.basis.value, resolved or NOT_RECOGNISED))

    if letter.place:
        names("place", (letter.place,), ("place",))
    names("sender", letter.senders, ("person", "group"))
    names("addressee", letter.addressees, ("person", "group"))
    for label, value in (
        *(("original language", v) for v in letter.original_languages),
        ("translation language", letter.translation_language),
        ("source URL", letter.record_url),
        ("rights", letter.rights),
    ):
        if value is not None:
            fields.append(Field(label, value.text, value.evidence.line, value.evidence.basis.value))
    names("translator", letter.translators, ("person",))  # as the mapping resolves them
    if letter.archival:
        ref = letter.archival
        parts = [f"holding={h.text}" for h in ref.holdings] + [f"note={n}" for n in ref.notes]
        parts += [f"not recognised={u}" for u in ref.unrecognised]
        fields.append(
            Field(
                "archive citation",
                ref.citation,
                ref.evidence.line,
                ref.evidence.basis.value,
                "; ".join(parts),
            )
        )
    for edition in letter.editions:
        fields.append(
            Field(
                "edition",
                edition.citation,
                edition.evidence.line,
                edition.evidence.basis.value,
                f"title={edition.title}; year={edition.year}; pages={edition.pages}",
            )
        )
    fields.append(Field("body", f"{len(letter.body)} characters", 0, "Stated"))
    return letter, fields


def as_marked(value: Value) -> str:
    """A name exactly as the letter writes it: the reader's span, or, where the reader joined
    spaced letters (``S H T Y K O V``), that span of the source line."""
    line = value.evidence.text
    if value.text in line:
        return value.text
    letters = [re.escape(char) for char in value.text if not char.isspace()]
    found = re.search(r"\s*".join(letters), line) if letters else None
    return found.group(0) if found else value.text


def render(path: Path, letter: Letter, fields: list[Field]) -> list[str]:
    """The lines ``lodpub inspect`` prints for one letter."""
    lines = [f"{path} ({letter.layout} layout)"]
    for field in fields:
        where = f"line {field.line}" if field.line else "-"
        basis = "" if field.basis == "Stated" else f" [{field.basis.lower()}]"
        lines.append(f"  {field.name:<22} {where:<9} {field.value}{basis}")
        if field.resolved:
            lines.append(f"  {'':<22} {'':<9} -> {field.resolved}")
    return lines


def corpus_files(folder: Path) -> list[Path]:
    """The letter files of a corpus folder in file-name order: ``letters/`` if it has one, else
    the folder itself (as ``lodpub build`` reads it)."""
    from .corpus import LETTER_SUFFIXES

    letters = folder / "letters" if (folder / "letters").is_dir() else folder
    with os.scandir(letters) as entries:
        names = sorted(e.name for e in entries if e.name.lower().endswith(LETTER_SUFFIXES) and e.is_file())
    if not names:
        raise ConfigError(
            f"{folder}: no letter files ({', '.join('*' + s for s in LETTER_SUFFIXES)})",
            hint="give a corpus folder (letters/ and authorities.toml) or one letter file",
        )
    return [letters / name for name in names]


def authority_file(path: Path) -> Path | None:
    """The authority file a letter or corpus folder goes with: the corpus's authorities.toml
    (beside or above a letter file, in a corpus folder), if any."""
    folders = (path,) if path.is_dir() else (path.parent, path.parent.parent)
    for folder in folders:
        if (folder / "authorities.toml").exists():
            return folder / "authorities.toml"
    return None
