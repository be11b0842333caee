"""`lodpub inspect`: every field extracted from one source file, with its line and, for names,
what the authority file resolves them to — what a curator runs first on a new letter."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .authorities import Authorities
from .model import Letter, Value
from .sources import read_letter


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
            fields.append(Field(kind, value.text, ev.line, ev.basis.value, resolved))

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
    names("translator", letter.translators, ("person", "group"))
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
