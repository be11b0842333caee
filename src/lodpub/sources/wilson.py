"""The Wilson Center Digital Archive layout.

Date line; bold title (may wrap); "Citation:" block with archive, fund, file, pages and
translator; the record URL; "Original Language:"; "Contents:"; body; closing.
"""

from __future__ import annotations

import re

from ..errors import SourceError
from ..model import Letter, Value
from .closing import read_frame
from .text import (
    Line,
    SourceText,
    evidence,
    parse_archival,
    parse_date,
    parties_in_title,
    rights_paragraph,
    translators_in,
)

NAME = "wilson"
_LABEL = re.compile(r"^\s*(?P<label>citation|original language|contents|summary)\s*:\s*(?P<rest>.*)$", re.I)
_URL = re.compile(r"<?(?P<url>https?://[^\s<>\"]+)>?")
_CONTENT_ITEM = re.compile(
    r"^\s*(?P<kind>translation|transcript|original scan|original)\b\s*(?:[-–—:]\s*(?P<language>.+))?$",
    re.I,
)
_PUBLISHER = re.compile(
    r"^[\s,]*(?P<publisher>Wilson Center Digital Archive|"
    r"History and Public Policy Program Digital Archive)\s*,\s*",
    re.I,
)
_CITED_TITLE = re.compile(r'^\s*["“](?P<title>.*?)["”]\s*,\s*')


def detect(source: SourceText) -> bool:
    """A Wilson Center record has a "Citation:" label line."""
    return any(
        (m := _LABEL.match(line.text)) and m.group("label").lower() == "citation" for line in source.lines
    )


def read(source: SourceText, letter_id: str) -> Letter:
    """Extract every field of a Wilson Center record, each with its line."""
    lines = source.nonblank()
    labels = {
        m.group("label").lower(): source.index_of(line) for line in lines if (m := _LABEL.match(line.text))
    }

    title_start = next((i for i, ln in enumerate(lines) if ln.text.lstrip().startswith("**")), None)
    if title_start is None:
        raise SourceError(
            source.path,
            lines[0].number,
            "title",
            "expected the title in bold ('**Letter …**') before 'Citation:'",
        )
    group = [lines[title_start]]
    while not group[-1].text.rstrip().endswith("**") or (len(group[-1].text.strip()) < 3 and len(group) == 1):
        if title_start + len(group) >= len(lines):
            raise SourceError(
                source.path, group[0].number, "title", "expected the bold title to end with '**'"
            )
        group.append(lines[title_start + len(group)])
    title_text = " ".join(ln.text.strip() for ln in group).strip("* ").strip()
    if not title_text:
        raise SourceError(source.path, group[0].number, "title", "expected a non-empty title")
    title = Value(title_text, evidence(group))

    date = None
    for line in lines[:title_start]:
        date = parse_date(line.text, evidence(line))
        if date:
            break

    citation_index = labels["citation"]
    citation_group = _block_after(source, citation_index)
    if not citation_group:
        raise SourceError(
            source.path,
            citation_index + 1,
            "citation",
            "expected the citation text after 'Citation:'",
        )
    citation_text = " ".join(ln.text.strip() for ln in citation_group)
    where = evidence(citation_group)
    if date is None:
        date = parse_date(citation_text, where)
    if date is None:
        raise SourceError(
            source.path,
            lines[0].number,
            "date",
            "expected a date line such as 'September 9, 1958' before the title",
        )

    archival_text = _CITED_TITLE.sub("", citation_text)
    cited_date = parse_date(archival_text, where)
    if cited_date is not None and archival_text.find(cited_date.label) < 40:
        archival_text = archival_text[archival_text.find(cited_date.label) + len(cited_date.label) :]
    publisher = None
    published = _PUBLISHER.match(archival_text)
    if published:
        publisher = Value(published.group("publisher"), where)
        archival_text = archival_text[published.end() :]

    record_url = None
    for line in lines:
        match = _URL.fullmatch(line.text.strip())
        if match:
            record_url = Value(match.group("url"), evidence(line))
            break

    original_language = None
    if "original language" in labels:
        lang_group = _block_after(source, labels["original language"])
        if lang_group:
            original_language = Value(lang_group[0].text.strip(), evidence(lang_group[0]))

    translation_language = None
    body_start = citation_index + 1 + len(citation_group)
    if "contents" in labels:
        contents = _block_after(source, labels["contents"])
        for item in contents:
            match = _CONTENT_ITEM.match(item.text)
            if not match:
                break
            body_start = source.index_of(item) + 1
            if match.group("kind").lower() == "translation" and match.group("language"):
                translation_language = Value(match.group("language").strip(), evidence(item))
        else:
            body_start = max(body_start, labels["contents"] + 1)

    rights = rights_paragraph(source)
    frame = read_frame(source, body_start, len(source.lines), frozenset(ln.number for ln in rights))
    if not frame.body.strip():
        raise SourceError(
            source.path, body_start + 1, "body", "expected the text of the letter after 'Contents:'"
        )
    title_sender, title_addressee = parties_in_title(title)
    return Letter(
        id=letter_id,
        path=str(source.path),
        sha256=source.sha256,
        layout=NAME,
        title=title,
        date=date,
        body=frame.body,
        senders=tuple(v for v in (frame.signature, title_sender) if v),
        addressees=tuple(v for v in (frame.addressee, title_addressee) if v),
        original_language=original_language,
        translation_language=translation_language,
        translators=translators_in(citation_text, where),
        archival=parse_archival(citation_text, where, archival_text.strip(" ,"))
        if archival_text.strip(" ,.")
        else None,
        publisher=publisher,
        record_url=record_url,
        rights=Value(" ".join(ln.text.strip() for ln in rights), evidence(rights)) if rights else None,
    )


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
