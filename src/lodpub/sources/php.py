"""The Parallel History Project layout.

Title line; "Place, day Month year"; address line; body; copyright/attribution paragraph;
signature; "[Source: archive, Fund …, File …, pp. …. Translated by …]"; "See also" edition.
"""

from __future__ import annotations

import re

from ..errors import SourceError
from ..model import ArchivalRef, Basis, DateValue, Evidence, Letter, Notice, Value
from .citation import read_citation
from .closing import read_frame
from .dates import is_unknown, parse_date
from .places import dateline, title_place
from .text import Line, SourceText, evidence, parse_edition, rights_paragraph
from .titles import title_parties

NAME = "php"
_SOURCE = re.compile(r"^\s*\[\s*source\s*:", re.IGNORECASE)


def detect(source: SourceText) -> bool:
    """A PHP letter has a "[Source: …" line."""
    return any(_SOURCE.match(line.text) for line in source.lines)


def read(source: SourceText, letter_id: str) -> Letter:
    """Extract every field of a PHP letter, each with its line."""
    lines = source.nonblank()
    title_line = lines[0]
    if _SOURCE.match(title_line.text) or dateline(title_line) != (None, None):
        raise SourceError(
            source.path,
            title_line.number,
            "title",
            "expected the letter's title on the first line, found a date or a source line",
        )
    title = Value(title_line.text.strip(), evidence(title_line))

    date: DateValue | None = None
    undated: Evidence | None = None
    place = None
    date_index = source.index_of(title_line)
    for line in lines[1:4]:
        if _SOURCE.match(line.text):
            break
        found, named = dateline(line)
        if found is not None or named is not None:
            date, place, date_index = found, named, source.index_of(line)
            break
        if is_unknown(line.text):
            undated, date_index = evidence(line), source.index_of(line)
            break
    if date is None and undated is None:
        date = parse_date(title.text, Evidence(title_line.number, title.text, Basis.INFERRED))
    if date is None and undated is None:
        raise SourceError(
            source.path,
            lines[1].number if len(lines) > 1 else title_line.number,  # the line the date should be on
            "date",
            "expected a line such as 'Moscow, 17 April 1958' (or '[date unknown]') after the title",
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
    citation = read_citation(inner, where, cited=False)

    rights = rights_paragraph(source)
    frame = read_frame(source, date_index + 1, source_index, frozenset(ln.number for ln in rights))
    if not frame.body.strip():
        raise SourceError(
            source.path, date_index + 2, "body", "expected the text of the letter after the date"
        )

    title_senders, title_addressees = title_parties(title)
    editions = list(citation.editions)
    after = source_index + len(source_group)
    for index in range(after, len(source.lines)):
        if re.match(r"^\s*see also\b", source.lines[index].text, re.I):
            group = source.paragraph_at(index)
            editions.append(parse_edition(" ".join(ln.text for ln in group), evidence(group)))

    translation_language = None
    if citation.translators:
        # The text before us is English and names a translator: an English translation.
        translation_language = Value("English", Evidence(where.line, where.text, Basis.INFERRED))
    notices = tuple(
        Notice("citation", f"not recognised, kept verbatim: {segment}", where.line)
        for segment in citation.unrecognised
    )
    return Letter(
        id=letter_id,
        path=str(source.path),
        sha256=source.sha256,
        layout=NAME,
        title=title,
        date=date,
        undated=undated,
        body=frame.body,
        place=place or title_place(title),
        senders=frame.senders + title_senders,
        addressees=frame.addressees + title_addressees,
        original_languages=(citation.translated_from,) if citation.translated_from else (),
        translation_language=translation_language,
        translators=citation.translators,
        archival=ArchivalRef(citation.text, where, citation.holdings, citation.notes, citation.unrecognised),
        rights=Value(" ".join(ln.text.strip() for ln in rights), evidence(rights)) if rights else None,
        editions=tuple(editions),
        notices=notices,
    )


def _bracketed(lines: tuple[Line, ...]) -> list[Line]:
    group: list[Line] = []
    for line in lines:
        group.append(line)
        if "]" in line.text or not line.text.strip():
            break
    return [ln for ln in group if ln.text.strip()]
