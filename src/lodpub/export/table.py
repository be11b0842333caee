"""One row per letter, in CSV (RFC 4180, UTF-8, a header row), for spreadsheets and scripts.
A cell with several values (two senders, two archives) joins them with " | " in the same order
in every column of that party: ``senders``, ``sender_iris``, ``sender_qids``, … line up."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from .. import vocab
from .records import Party, Record, Source

JOIN = " | "
PARTIES = (("sender", "senders"), ("addressee", "addressees"), ("translator", "translators"))
COLUMNS = [
    "id",
    "iri",
    "date",
    "date_from",
    "date_to",
    "date_precision",
    "date_basis",
    "title",
    *(f"{name}{suffix}" for _, name in PARTIES for suffix in ("", "_iris", "_qids", "_as_marked", "_basis")),
    "place",
    "place_iri",
    "original_language",
    "archive",
    "fonds",
    "file",
    "call_number",
    "pages",
    "record_url",
    "editions",
    "rights",
]


def qid(party: Party) -> str:
    return next((iri.removeprefix(vocab.WD) for iri in party.same_as if iri.startswith(vocab.WD)), "")


def row(record: Record) -> list[str]:
    """A letter's cells, in the order of ``COLUMNS``."""
    cells = [
        record.ident,
        record.iri,
        record.date,
        record.begin[:10],
        record.end[:10],
        record.precision,
        ("inferred" if record.date_inferred else "stated") if record.begin else "",
        record.title,
    ]
    for role, _ in PARTIES:
        parties = record.parties(role)
        cells += [
            JOIN.join(p.label for p in parties),
            JOIN.join(p.iri for p in parties),
            JOIN.join(qid(p) for p in parties) if any(qid(p) for p in parties) else "",
            JOIN.join("; ".join(p.as_marked) for p in parties) if any(p.as_marked for p in parties) else "",
            JOIN.join("inferred" if p.inferred else "stated" for p in parties),
        ]
    places = record.parties("place")
    holdings = record.holdings
    cells += [
        JOIN.join(p.label for p in places),
        JOIN.join(p.iri for p in places),
        JOIN.join(p.label for p in record.parties("language")),
        JOIN.join(h.archive.label if h.archive else "" for h in holdings),
        JOIN.join(h.fonds.label if h.fonds else "" for h in holdings),
        JOIN.join(h.file.label if h.file else "" for h in holdings),
        JOIN.join(h.call_number for h in holdings),
        JOIN.join(h.pages for h in holdings),
        JOIN.join(s.url for s in record.sources if s.kind == "online" and s.url),
        JOIN.join(_edition(s) for s in record.sources if s.kind == "print"),
        JOIN.join(record.rights),
    ]
    return cells


def _edition(source: Source) -> str:
    return source.party.label + (f", {source.pages}" if source.pages else "")


# OWASP's rule for CSV injection: a cell a spreadsheet would read as a formula gets a quote first
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def inert(cell: str) -> str:
    """``cell`` as a spreadsheet shows it and never runs it: one that begins with ``=``, ``+``,
    ``-``, ``@``, a tab or a carriage return is written after a ``'`` (OWASP, CSV Injection)."""
    return "'" + cell if cell.startswith(_FORMULA) else cell


def write_csv(path: Path, letters: Iterable[Record]) -> int:
    """Write the table; the number of letters."""
    tmp = path.with_name(path.name + ".tmp")
    count = 0
    with open(tmp, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        for record in letters:
            writer.writerow([inert(cell) for cell in row(record)])
            count += 1
    tmp.replace(path)
    return count
