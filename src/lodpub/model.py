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
    """A date of the precision the source gives: a day, a month or a year, or a range that
    ends at ``until`` (year, month, day: the same precision as the start or coarser)."""

    year: int
    month: int | None
    day: int | None
    label: str
    evidence: Evidence
    until: tuple[int, int | None, int | None] | None = None

    @property
    def precision(self) -> str:
        """``day``, ``month``, ``year`` or ``range``."""
        if self.until is not None:
            return "range"
        return "year" if self.month is None else "month" if self.day is None else "day"

    @property
    def iso(self) -> str:
        """ISO 8601 form of the given precision (YYYY, YYYY-MM or YYYY-MM-DD; a range as
        ``start/end``)."""
        start = _iso(self.year, self.month, self.day)
        return start if self.until is None else f"{start}/{_iso(*self.until)}"


def _iso(year: int, month: int | None, day: int | None) -> str:
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


@dataclass(frozen=True)
class Holding:
    """One archival statement of a citation, verbatim: an archive and its call number
    (``RGANI, f. 5, op. 49, d. 131, ll. 193-194``). Which span is the archive is decided with
    the authority data, in the mapping."""

    text: str
    evidence: Evidence
    archive: str | None = None  # where a layout gives the archive and the call number apart
    call_number: str | None = None
    also: bool = False  # "Also available at …": a further holding, never the one before's archive


@dataclass(frozen=True)
class ArchivalRef:
    """An archival citation: the verbatim text, its archival statements (one per archive that
    holds the document), acquisition notes, and the segments nothing recognised."""

    citation: str
    evidence: Evidence
    holdings: tuple[Holding, ...] = ()
    notes: tuple[str, ...] = ()
    unrecognised: tuple[str, ...] = ()


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
    work: str | None = None  # a short reference inside a citation: "Buga (2012)"
    volume: str | None = None


@dataclass(frozen=True)
class Letter:
    """Everything one source file says about one letter."""

    id: str
    path: str
    sha256: str
    layout: str
    title: Value
    date: DateValue | None
    body: str
    place: Value | None = None
    senders: tuple[Value, ...] = ()
    addressees: tuple[Value, ...] = ()
    original_languages: tuple[Value, ...] = ()
    translation_language: Value | None = None
    translators: tuple[Value, ...] = ()
    archival: ArchivalRef | None = None
    record_url: Value | None = None
    publisher: Value | None = None
    rights: Value | None = None
    editions: tuple[Edition, ...] = ()
    undated: Evidence | None = None  # the line that marks the date as unknown
    notices: tuple[Notice, ...] = ()  # what the reader saw and did not understand


@dataclass(frozen=True)
class Notice:
    """Something a reader or the mapping kept verbatim instead of asserting it, reported as a
    warning (``file:line: field: message``)."""

    field: str
    message: str
    line: int
