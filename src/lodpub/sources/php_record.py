"""The Parallel History Project's catalogue record.

Title line; date line; a description; then one "Label: value" line a field: Collection, Document
Type, Origin (Agency), Sender, Destination (Agency), Recipient, Language of Original Document,
Translators, Persons, Document Source (the archive), Call Number, Document Companion (the
document's number in the collection's printed companion).
"""

from __future__ import annotations

import re

from ..errors import SourceError
from ..model import ArchivalRef, Basis, DateValue, Edition, Evidence, Holding, Letter, Value
from .dates import is_unknown, parse_date
from .names import is_name_shaped
from .places import title_place
from .text import SourceText, evidence
from .titles import title_parties

NAME = "php-record"
_FIELD = re.compile(
    r"^\s*(?P<label>Collection|Document Type|Origin \(Agency\)|Sender|Destination \(Agency\)|Recipient|"
    r"Language of Original Document|Translators?|Number of Pages|Cold War Period|Persons|Document Source|"
    r"Call Number|Document Companion|Keywords|Subject|Place)\s*:\s*(?P<value>.*?)\s*$",
    re.I,
)
_LIST = re.compile(r"\s*(?:;|,|\band\b|&)\s*")


def detect(source: SourceText) -> bool:
    """A PHP catalogue record has a "Document Source:" or a "Call Number:" field, or (a record
    that names no archive, such as a press release) both "Collection:" and "Document Type:"."""
    labels = {m.group("label").lower() for line in source.lines if (m := _FIELD.match(line.text))}
    return bool(labels & {"document source", "call number"}) or {"collection", "document type"} <= labels


def read(source: SourceText, letter_id: str) -> Letter:
    """Extract every field of a PHP catalogue record, each with its line."""
    lines = source.nonblank()
    title_line = lines[0]
    if _FIELD.match(title_line.text) or parse_date(title_line.text, evidence(title_line), whole=True):
        raise SourceError(
            source.path, title_line.number, "title", "expected the document's title on the first line"
        )
    title = Value(title_line.text.strip(), evidence(title_line))
    # "Subject: …" right under the title is the title's subject line; the date follows it
    subject = len(lines) > 2 and (m := _FIELD.match(lines[1].text)) and m.group("label").lower() == "subject"
    heading = 2 if subject else 1
    fields: dict[str, Value] = {}
    first_field = len(source.lines)
    for line in lines[heading + 1 :]:
        match = _FIELD.match(line.text)
        if match and match.group("value"):
            label = (
                match.group("label").lower().rstrip("s")
                if match.group("label").lower() == "translators"
                else match.group("label").lower()
            )
            fields.setdefault(label, Value(match.group("value"), evidence(line)))
            first_field = min(first_field, source.index_of(line))

    date: DateValue | None = None
    undated: Evidence | None = None
    date_line = lines[heading] if len(lines) > heading else title_line
    date = parse_date(date_line.text, evidence(date_line), whole=True)
    if date is None and is_unknown(date_line.text):
        undated = evidence(date_line)
    if date is None and undated is None:
        date = parse_date(title.text, Evidence(title_line.number, title.text, Basis.INFERRED))
    if date is None and undated is None:
        raise SourceError(
            source.path,
            date_line.number,
            "date",
            "expected a date line such as '10 Jul 1963' after the title",
        )
    body_lines = [ln.text.strip() for ln in source.lines[source.index_of(date_line) + 1 : first_field]]
    body = "\n".join(body_lines).strip()
    if not body:
        raise SourceError(
            source.path, date_line.number + 1, "body", "expected the document's text or description"
        )

    title_senders, title_addressees = title_parties(title)
    senders = _people(fields.get("sender")) + _groups(fields.get("origin (agency)"))
    addressees = _people(fields.get("recipient")) + _groups(fields.get("destination (agency)"))
    archive, call = fields.get("document source"), fields.get("call number")
    holdings: tuple[Holding, ...] = ()
    citation_text = "; ".join(v.text for v in (archive, call) if v)
    where = (archive or call or title).evidence
    if archive or call:
        holdings = (
            Holding(
                citation_text,
                where,
                archive=archive.text if archive else None,
                call_number=call.text if call else None,
            ),
        )
    editions: tuple[Edition, ...] = ()
    companion = fields.get("document companion")
    if companion:
        collection = fields.get("collection")
        editions = (
            Edition(
                citation=companion.text,
                evidence=companion.evidence,
                work=collection.text if collection else None,
            ),
        )
    languages = fields.get("language of original document")
    translators = fields.get("translator")
    return Letter(
        id=letter_id,
        path=str(source.path),
        sha256=source.sha256,
        layout=NAME,
        title=title,
        date=date,
        undated=undated,
        place=title_place(title),
        body=body,
        senders=senders + title_senders,
        addressees=addressees + title_addressees,
        original_languages=tuple(
            Value(n, languages.evidence) for n in _LIST.split(languages.text) if n.strip()
        )
        if languages
        else (),
        translation_language=Value(
            "English", Evidence(translators.evidence.line, translators.evidence.text, Basis.INFERRED)
        )
        if translators
        else None,
        translators=tuple(
            Value(n, translators.evidence) for n in _LIST.split(translators.text) if is_name_shaped(n.strip())
        )
        if translators
        else (),
        archival=ArchivalRef(citation_text, where, holdings) if holdings else None,
        editions=editions,
    )


def _people(value: Value | None) -> tuple[Value, ...]:
    """ "Nikita Khruschev, First Seceretary CC CPSU": the name before the role (stated)."""
    if value is None:
        return ()
    out = []
    for entry in re.split(r"\s*;\s*", value.text):
        name = entry.split(",")[0].strip()
        if name:
            out.append(Value(name, value.evidence))
    return tuple(out)


def _groups(value: Value | None) -> tuple[Value, ...]:
    if value is None:
        return ()
    return tuple(
        Value(entry.strip(), value.evidence) for entry in re.split(r"\s*;\s*", value.text) if entry.strip()
    )
