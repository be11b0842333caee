"""The letter record: what a source reader extracts, each value with the line it came from.

Frozen dataclasses only; no RDF here. The mapping turns these records into quads.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Basis(Enum):
    """How a value was obtained: read as such from the source, or inferred from other text."""

    STATED = "Stated"
    INFERRED = "Inferred"


@dataclass(frozen=True)
class Evidence:
    """Where a value comes from: the 1-based line number, the line's text, and the basis."""

    line: int
    text: str
    basis: Basis = Basis.STATED

    def note(self) -> str:
        """The human-readable note recorded on the attribute assignment."""
        return f"line {self.line}: {self.text}"


@dataclass(frozen=True)
class Value:
    """A string value with its evidence."""

    text: str
    evidence: Evidence


@dataclass(frozen=True)
class DateValue:
    """A date of the precision the source gives: day, month or year."""

    year: int
    month: int | None
    day: int | None
    label: str
    evidence: Evidence

    @property
    def iso(self) -> str:
        """ISO 8601 form of the given precision (YYYY, YYYY-MM or YYYY-MM-DD)."""
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


@dataclass(frozen=True)
class ArchivalRef:
    """An archival citation: the verbatim text and, where recognised, its structure."""

    citation: str
    evidence: Evidence
    archive: str | None = None
    fonds: str | None = None
    file: str | None = None
    pages: str | None = None


@dataclass(frozen=True)
class Edition:
    """A printed edition named in a 'See also' paragraph."""

    citation: str
    evidence: Evidence
    title: str | None = None
    title_translated: str | None = None
    publisher: str | None = None
    place: str | None = None
    year: int | None = None
    editors: tuple[str, ...] = ()
    pages: str | None = None


@dataclass(frozen=True)
class Letter:
    """Everything one source file says about one letter."""

    id: str
    path: str
    sha256: str
    layout: str
    title: Value
    date: DateValue
    body: str
    place: Value | None = None
    senders: tuple[Value, ...] = ()
    addressees: tuple[Value, ...] = ()
    original_language: Value | None = None
    translation_language: Value | None = None
    translators: tuple[Value, ...] = ()
    archival: ArchivalRef | None = None
    record_url: Value | None = None
    publisher: Value | None = None
    rights: Value | None = None
    editions: tuple[Edition, ...] = ()
