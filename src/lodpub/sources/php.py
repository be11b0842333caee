"""The Parallel History Project layout.

Title line; "Place, day Month year"; address line; body; copyright/attribution paragraph;
signature; "[Source: archive, Fund …, File …, pp. …. Translated by …]"; "See also" edition.
"""

from __future__ import annotations

import re

from ..errors import SourceError
from ..model import Basis, Evidence, Letter, Value
from .closing import read_frame
from .text import (
    Line,
    SourceText,
    evidence,
    parse_archival,
    parse_date,
    parse_edition,
    parties_in_title,
    rights_paragraph,
    translators_in,
)

NAME = "php"
_SOURCE = re.compile(r"^\s*\[\s*source\s*:", re.IGNORECASE)
_PLACE = re.compile(r"^\s*(?P<place>[^\d,\[\]]{2,60}?),\s*\S")


def detect(source: SourceText) -> bool:
    """A PHP letter has a "[Source: …" line."""
    return any(_SOURCE.match(line.text) for line in source.lines)


def read(source: SourceText, letter_id: str) -> Letter:
    """Extract every field of a PHP letter, each with its line."""
    lines = source.nonblank()
    title_line = lines[0]
    if _SOURCE.match(title_line.text) or (
        parse_date(title_line.text, evidence(title_line)) and len(title_line.text.split()) <= 6
    ):
        raise SourceError(
            source.path,
            title_line.number,
            "title",
            "expected the letter's title on the first line, found a date or a source line",
        )
    title = Value(title_line.text.strip(), evidence(title_line))

    date = place = None
    date_index = source.index_of(title_line)
    for line in lines[1:4]:
        found = parse_date(line.text, evidence(line))
        if found:
            date, date_index = found, source.index_of(line)
            match = _PLACE.match(line.text)
            if match:
                place = Value(match.group("place").strip(), evidence(line))
            break
    if date is None:
        date = parse_date(title.text, Evidence(title_line.number, title.text, Basis.INFERRED))
    if date is None:
        raise SourceError(
            source.path,
            title_line.number + 1,
            "date",
            "expected a line such as 'Moscow, 17 April 1958' after the title",
        )

    source_index = next(i for i, ln in enumerate(source.lines) if _SOURCE.match(ln.text))
    source_group = _bracketed(source.lines[source_index:])
    source_text = " ".join(ln.text.strip() for ln in source_group)
    inner = re.sub(r"^\s*\[\s*source\s*:\s*", "", source_text, flags=re.I).rstrip(" ]")
    where = evidence(source_group)
    if not inner.strip():
        raise SourceError(
            source.path,
            source_group[0].number,
            "source",
            "expected '[Source: archive, Fund …, File …, pp. …]', found an empty citation",
        )

    rights = rights_paragraph(source)
    frame = read_frame(source, date_index + 1, source_index, frozenset(ln.number for ln in rights))
    if not frame.body.strip():
        raise SourceError(
            source.path, date_index + 2, "body", "expected the text of the letter after the date"
        )

    title_sender, title_addressee = parties_in_title(title)
    senders = tuple(v for v in (frame.signature, title_sender) if v)
    addressees = tuple(v for v in (frame.addressee, title_addressee) if v)

    translators = translators_in(inner, where)
    editions = []
    after = source_index + len(source_group)
    for index in range(after, len(source.lines)):
        if re.match(r"^\s*see also\b", source.lines[index].text, re.I):
            group = source.paragraph_at(index)
            editions.append(parse_edition(" ".join(ln.text for ln in group), evidence(group)))

    translation_language = None
    if translators:
        # The text before us is English and names a translator: an English translation.
        translation_language = Value("English", Evidence(where.line, where.text, Basis.INFERRED))
    return Letter(
        id=letter_id,
        path=str(source.path),
        sha256=source.sha256,
        layout=NAME,
        title=title,
        date=date,
        body=frame.body,
        place=place,
        senders=senders,
        addressees=addressees,
        translation_language=translation_language,
        translators=translators,
        archival=parse_archival(inner, where),
        rights=Value(" ".join(ln.text.strip() for ln in rights), evidence(rights)) if rights else None,
        editions=tuple(editions),
    )


def _bracketed(lines: tuple[Line, ...]) -> list[Line]:
    group: list[Line] = []
    for line in lines:
        group.append(line)
        if "]" in line.text or not line.text.strip():
            break
    return [ln for ln in group if ln.text.strip()]
