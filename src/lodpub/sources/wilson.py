"""The Wilson Center Digital Archive layout.

Date line; bold title (may wrap); "Citation:" block (title, date, the record's publisher, the
archives and call numbers, editions, translator credits, acquisition notes); the record URL;
"Original Language:"; "Contents:"; body; closing.
"""

from __future__ import annotations

import re

from ..errors import SourceError
from ..model import ArchivalRef, Basis, DateValue, Evidence, Letter, Notice, Value
from .citation import read_citation
from .closing import read_frame
from .dates import is_unknown, parse_date
from .places import dateline, header_place, place_line, title_place
from .text import Line, SourceText, evidence, rights_paragraph
from .titles import title_parties

NAME = "wilson"
_LABEL = re.compile(
    r"^\s*(?P<label>citation|original\s+language|original\s+languages|contents|summary)\s*:\s*(?P<rest>.*)$",
    re.I,
)
_URL = re.compile(r"<?(?P<url>https?://[^\s<>\"]+)>?")
# "Translation - English", "English Translation", "Transcript - English", "Chinese Transcription",
# "Original Scan"; a translation names the language of the text that follows.
_CONTENT_ITEM = re.compile(
    r"^\s*(?:(?P<kind>translation|transcript|transcription|original\s+scan|original|scan)\b\s*"
    r"(?:[-–—:(]\s*(?P<language>[^)]+?)\)?)?|(?P<language2>[A-Z][\w\-]+(?:\s[A-Z][\w\-]+)?)\s+"
    r"(?P<kind2>translation|transcript|transcription|original|scan))\s*$",
    re.I,
)
_LANGUAGES = re.compile(r"\s*(?:,|;|/|\band\b|&)\s*", re.I)


def detect(source: SourceText) -> bool:
    """A Wilson Center record has a "Citation:" label line."""
    return any(
        (m := _LABEL.match(line.text)) and m.group("label").lower() == "citation" for line in source.lines
    )


def read(source: SourceText, letter_id: str) -> Letter:
    """Extract every field of a Wilson Center record, each with its line."""
    lines = source.nonblank()
    labels = {
        re.sub(r"\s+", " ", m.group("label").lower()).replace("languages", "language"): source.index_of(line)
        for line in lines
        if (m := _LABEL.match(line.text))
    }
    title, title_start = _title(source, lines)

    date: DateValue | None = None
    undated: Evidence | None = None
    for line in lines[:title_start]:
        date = parse_date(line.text, evidence(line), whole=True)
        if date is not None:
            break
        if is_unknown(line.text):
            undated = evidence(line)
            break

    citation_index = labels["citation"]
    citation_group = _block_after(source, citation_index)
    if not citation_group:
        raise SourceError(
            source.path, citation_index + 1, "citation", "expected the citation text after 'Citation:'"
        )
    where = evidence(citation_group)
    citation = read_citation(" ".join(ln.text.strip() for ln in citation_group), where, cited=True)
    if date is None and undated is None and citation.date:
        if is_unknown(citation.date):
            undated = where
        else:
            date = parse_date(citation.date, where, whole=True)
    if date is None and undated is None:
        raise SourceError(
            source.path,
            lines[0].number,
            "date",
            "expected a date line such as 'September 9, 1958', '1961' or '[date unknown]' before the title",
        )

    body_start = citation_index + 1 + len(citation_group)
    record_url = None
    for line in lines:
        match = _URL.fullmatch(line.text.strip())
        if match:
            record_url = Value(match.group("url"), evidence(line))
            body_start = max(body_start, source.index_of(line) + 1)
            break
    # the letter's own lines begin here: a "Contents:" line after them may be the document's
    # own subject line, so datelines and headers are looked for from here on
    own_start = body_start
    if record_url is None and citation.url:
        record_url = Value(citation.url, where)

    languages: tuple[Value, ...] = ()
    if "original language" in labels:
        group = _block_after(source, labels["original language"])
        if group:
            names = [n for n in _LANGUAGES.split(group[0].text.strip().rstrip(".")) if n.strip()]
            languages = tuple(Value(n.strip(), evidence(group[0])) for n in names)
            body_start = max(body_start, source.index_of(group[-1]) + 1)
    if not languages and citation.translated_from is not None:
        languages = (citation.translated_from,)

    translation_language = None
    if "contents" in labels:
        for item in _block_after(source, labels["contents"]):
            match = _CONTENT_ITEM.match(item.text)
            if not match:
                break
            body_start = source.index_of(item) + 1
            kind = (match.group("kind") or match.group("kind2") or "").lower()
            language = match.group("language") or match.group("language2")
            if kind == "translation" and language:
                translation_language = Value(language.strip(), evidence(item))
        body_start = max(body_start, labels["contents"] + 1)
    if translation_language is None and citation.translators:
        # A translator is credited and the text is in English: an English translation.
        translation_language = Value("English", Evidence(where.line, where.text, Basis.INFERRED))

    rights = rights_paragraph(source)
    frame = read_frame(source, body_start, len(source.lines), frozenset(ln.number for ln in rights))
    if not frame.body.strip():
        raise SourceError(
            source.path, body_start + 1, "body", "expected the text of the letter after 'Contents:'"
        )
    title_senders, title_addressees = title_parties(title)
    place = _place(source.lines[own_start:], rights) or title_place(title)
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
        place=place,
        body=frame.body,
        senders=frame.senders + title_senders,
        addressees=frame.addressees + title_addressees,
        original_languages=languages,
        translation_language=translation_language,
        translators=citation.translators,
        archival=ArchivalRef(citation.text, where, citation.holdings, citation.notes, citation.unrecognised),
        publisher=Value(citation.publisher, where) if citation.publisher else None,
        record_url=record_url,
        rights=Value(" ".join(ln.text.strip() for ln in rights), evidence(rights)) if rights else None,
        editions=citation.editions,
        notices=notices,
    )


def _place(lines: tuple[Line, ...] | list[Line], rights: list[Line]) -> Value | None:
    """The place of the first dateline (``Pyongyang, 19 October 1986``) or telegram header
    (``FROM: PYONGYANG``) of the letter's own lines."""
    skip = {ln.number for ln in rights}
    written = [ln for ln in lines if ln.number not in skip and ln.text.strip()]
    for at, line in enumerate(written):
        following = written[at + 1] if at + 1 < len(written) else None
        place = dateline(line)[1] or header_place(line) or place_line(line, following)
        if place is not None:
            return place
    return None


def _title(source: SourceText, lines: list[Line]) -> tuple[Value, int]:
    """The bold title (it may wrap over several lines) and its position among ``lines``."""
    start = next((i for i, ln in enumerate(lines) if ln.text.lstrip().startswith("**")), None)
    if start is None:
        raise SourceError(
            source.path,
            lines[0].number,
            "title",
            "expected the title in bold ('**Letter …**') before 'Citation:'",
        )
    group = [lines[start]]
    while not group[-1].text.rstrip().endswith("**") or (len(group[-1].text.strip()) < 3 and len(group) == 1):
        if start + len(group) >= len(lines):
            raise SourceError(
                source.path, group[0].number, "title", "expected the bold title to end with '**'"
            )
        group.append(lines[start + len(group)])
    text = " ".join(ln.text.strip() for ln in group).strip("* ").strip()
    if not text:
        raise SourceError(source.path, group[0].number, "title", "expected a non-empty title")
    return Value(text, evidence(group)), start


def _block_after(source: SourceText, label_index: int) -> list[Line]:
    """The text after a "Label:" line: the rest of that line, else the next paragraph."""
    line = source.lines[label_index]
    rest = _LABEL.match(line.text)
    if rest and rest.group("rest").strip():
        return [Line(line.number, rest.group("rest"))]
    index = label_index + 1
    while index < len(source.lines) and not source.lines[index].text.strip():
        index += 1
    return source.paragraph_at(index) if index < len(source.lines) else []
