"""CMIF: the TEI Correspondence SIG's Correspondence Metadata Interchange Format, which
correspSearch harvests. One ``correspDesc`` per letter: senders (``correspAction type="sent"``,
with the place and the date) and addressees (``received``), people as ``persName`` and groups as
``orgName`` with an authority IRI where the authority file gives one (VIAF, GND, LC, BnF, NDL,
else Wikidata), places with their GeoNames IRI, the date at the letter's precision,
``evidence="conjecture"`` where the date, the place or a party was inferred (from the editors'
title or metadata, not the letter: CMIF's "not stated in the source itself"; ``cert`` is for a
real doubt, which lodpub never records), ``@ref`` the letter's own IRI and ``@source`` the web
record or printed edition it was taken from (a ``bibl`` with a UUID made from its IRI). With
version 2 the people and places a letter mentions are added (``note/ref``, the v2 terms
``mentionsPerson`` and ``mentionsPlace``, written as whole IRIs, since the CMIF schema has no
``listPrefixDef`` to declare a ``cmif:`` prefix in); the draft v2 vocabulary has no term for a
letter's language, so none is written.

The file is written as it is read (lxml's incremental writer), and is the same bytes for the
same dataset: its date is SOURCE_DATE_EPOCH or the dataset's dcterms:modified, never the clock."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from .. import vocab
from ..errors import ConfigError
from ..settings import Settings
from .records import Party, Record

TEI = "http://www.tei-c.org/ns/1.0"
CC_BY = ("creativecommons.org/licenses/by/4.0", "creativecommons.org/publicdomain/zero/1.0")
# Authority files for people and groups, in the order CMIF's documentation names them.
AUTHORITIES = (
    "http://viaf.org/viaf/",
    "https://viaf.org/viaf/",
    "http://d-nb.info/gnd/",
    "https://d-nb.info/gnd/",
    "http://id.loc.gov/authorities/",
    "https://id.loc.gov/authorities/",
    "http://data.bnf.fr/",
    "https://data.bnf.fr/",
    "http://id.ndl.go.jp/auth/",
    "https://id.ndl.go.jp/auth/",
    vocab.WD,
)
Element = Any  # lxml.etree._Element (lxml ships no type hints)
CMIF_TERMS = "https://lod.academy/cmif/vocab/terms/"  # the CMIF v2 vocabulary
GEONAMES = (
    "http://www.geonames.org/",
    "https://www.geonames.org/",
    "http://sws.geonames.org/",
    "https://sws.geonames.org/",
)


@dataclass
class Header:
    """The file's description: the dataset's title, editor, publisher, licence, date, URL."""

    title: str
    url: str  # where the file is published (its idno)
    base: str
    publisher: str = ""
    editor: str = ""
    email: str = ""
    license: str = ""
    when: str = ""  # xsd:dateTime
    warnings: list[str] = field(default_factory=list)


def check_cmif(settings: Settings) -> None:
    """Refuse settings a CMIF file cannot be written with (no date, no editor)."""
    if settings.source_date_epoch is None:
        raise ConfigError(
            "cmif: the file needs the date it was made, and lodpub never takes it from the clock",
            hint="set SOURCE_DATE_EPOCH (seconds since 1970); it also dates the dataset (dcterms:modified)",
        )
    if not (settings.cmif_editor or settings.publisher):
        raise ConfigError(
            "cmif: the file needs an editor whom its readers may contact",
            hint="set cmif_editor (and cmif_email) in lodpub.toml, or the publisher setting",
        )


def header_of(settings: Settings, title: str, modified: str) -> Header:
    """The header from the settings and the dataset's description; its warnings (a licence
    correspSearch does not take, no editor to contact, no date)."""
    base = settings.base_iri
    when = modified
    if settings.source_date_epoch is not None:
        stamp = datetime.datetime.fromtimestamp(settings.source_date_epoch, tz=datetime.UTC)
        when = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    head = Header(
        title=title or settings.title,
        url=base + "cmif.xml",
        base=base,
        publisher=settings.publisher or "",
        editor=settings.cmif_editor or settings.publisher or "",
        email=settings.cmif_email or (settings.contact or "").removeprefix("mailto:"),
        license=settings.license or "",
        when=when,
    )
    if not head.when:
        raise ConfigError(
            "cmif: the file needs the date it was made, and lodpub never takes it from the clock",
            hint="set SOURCE_DATE_EPOCH (seconds since 1970); it also dates the dataset (dcterms:modified)",
        )
    if not head.editor:
        raise ConfigError(
            "cmif: the file needs an editor whom its readers may contact",
            hint="set cmif_editor (and cmif_email) in lodpub.toml, or the publisher setting",
        )
    if not any(ok in head.license for ok in CC_BY):
        head.warnings.append(
            f"cmif: the dataset's licence is {head.license or 'not stated'}; correspSearch takes CMIF files "
            'under CC-BY 4.0 (or CC0) only: set license = "https://creativecommons.org/licenses/by/4.0/"'
        )
    if not settings.cmif_editor:
        head.warnings.append(f"cmif: the editor is the publisher, {head.editor}: set cmif_editor to name one")
    return head


def bibl_id(iri: str) -> str:
    """The ``bibl/@xml:id`` of a source: a UUID made from its IRI (version 5), the same on every
    run; the first of ``IRI``, ``IRI#1``, … whose UUID starts with a letter, since an xml:id must
    be an XML name."""
    number = 0
    while True:
        made = str(uuid.uuid5(uuid.NAMESPACE_URL, iri if number == 0 else f"{iri}#{number}"))
        if made[0].isalpha():
            return made
        number += 1


def write_cmif(
    path: Path, head: Header, letters: Iterable[Element], sources: list[tuple[str, str, str]]
) -> int:
    """Write the CMIF file; ``letters``: each letter's ``correspDesc`` (``corresp_of``), in
    order; ``sources``: every (kind, IRI, label) a letter may name as its source (``print`` or
    ``online``), and the dataset itself last. The number of letters written."""
    tmp = path.with_name(path.name + ".tmp")
    count = 0
    with etree.xmlfile(str(tmp), encoding="UTF-8") as out:
        out.write_declaration()
        with out.element(f"{{{TEI}}}TEI", nsmap={None: TEI}):
            out.write("\n")
            with out.element(f"{{{TEI}}}teiHeader"):
                out.write("\n")
                out.write(_file_desc(head, sources), pretty_print=True)
                with out.element(f"{{{TEI}}}profileDesc"):
                    out.write("\n")
                    for element in letters:
                        out.write(element, pretty_print=True)
                        count += 1
                out.write("\n")
            out.write("\n")
            text = _tei("text")
            _tei("p", _tei("body", parent=text), "")
            out.write(text, pretty_print=True)
    tmp.replace(path)
    return count


def corresp_of(record: Record, version: int, base: str) -> bytes:
    """A letter's ``correspDesc``, serialised (``etree.fromstring`` gives it back to write): the
    unit the export keeps between runs."""
    return bytes(etree.tostring(_corresp(record, version, base)))


def _tei(name: str, parent: Element | None = None, text: str | None = None, **attrs: str) -> Element:
    tag = f"{{{TEI}}}{name}"
    element = etree.SubElement(parent, tag) if parent is not None else etree.Element(tag, nsmap={None: TEI})
    for key, value in attrs.items():
        element.set(key.replace("xml_", "{http://www.w3.org/XML/1998/namespace}"), value)
    if text is not None:
        element.text = text
    return element


def _file_desc(head: Header, sources: list[tuple[str, str, str]]) -> Element:
    desc = _tei("fileDesc")
    statement = _tei("titleStmt", desc)
    _tei("title", statement, head.title)
    if head.editor:
        editor = _tei("editor", statement, head.editor)
        if head.email:
            editor.text = head.editor + " "
            _tei("email", editor, head.email)
    publication = _tei("publicationStmt", desc)
    publisher = _tei("publisher", publication)
    _tei("ref", publisher, head.publisher or head.base, target=head.base)
    _tei("idno", publication, head.url, type="url")
    if head.when:
        _tei("date", publication, when=head.when)
    availability = _tei("availability", publication)
    if any(ok in head.license for ok in CC_BY):
        words = "CC0 1.0" if "zero" in head.license else "CC-BY 4.0"
        _tei(
            "licence",
            availability,
            f"This file is licensed under the terms of the Creative Commons License {words}",
            target=head.license,
        )
    elif head.license:
        _tei(
            "licence",
            availability,
            f"This file is licensed under the terms of {head.license}",
            target=head.license,
        )
    source = _tei("sourceDesc", desc)
    for kind, iri, label in sources:
        bibl = _tei("bibl", source, label + " ", type=kind, xml_id=bibl_id(iri))
        _tei("ref", bibl, iri, target=iri)
    return desc


def source_of(record: Record, dataset: str) -> str:
    """The IRI of the source a letter's metadata comes from: its web record, else its printed
    edition, else the dataset."""
    for kind in ("online", "print"):
        for source in record.sources:
            if source.kind == kind:
                return source.party.iri
    return dataset


def _corresp(record: Record, version: int, base: str) -> Element:
    desc = _tei("correspDesc", ref=record.iri, source="#" + bibl_id(source_of(record, base + "dataset")))
    sent = _tei("correspAction", desc, type="sent")
    _names(sent, record.parties("sender"))
    for place in record.parties("place"):
        ref = next((s for s in place.same_as if s.startswith(GEONAMES)), None)
        element = _tei("placeName", sent, place.label, **({"ref": ref} if ref else {}))
        if place.inferred:
            element.set("evidence", "conjecture")
    date = _date(record)
    if date:
        element = _tei("date", sent, **date)
        if record.date_inferred:
            element.set("evidence", "conjecture")
    received = _tei("correspAction", desc, type="received")
    _names(received, record.parties("addressee"))
    if version >= 2:
        mentions = [
            (CMIF_TERMS + ("mentionsPerson" if p.kind == "person" else "mentionsPlace"), p)
            for p in record.parties("mentioned")
            if p.kind in ("person", "place")
        ]
        if mentions:
            note = _tei("note", desc)
            for term, party in mentions:
                _tei("ref", note, party.label, type=term, target=_authority(party) or party.iri)
    return desc


def _names(action: Element, parties: list[Party]) -> None:
    if not parties:
        _tei("persName", action, "Unknown")
        return
    for party in parties:
        ref = _authority(party)
        element = _tei(
            "orgName" if party.kind == "group" else "persName",
            action,
            party.label or party.iri,
            **({"ref": ref} if ref else {}),
        )
        if party.inferred:
            element.set("evidence", "conjecture")


def _authority(party: Party) -> str | None:
    for prefix in AUTHORITIES:
        for iri in party.same_as:
            if iri.startswith(prefix):
                return iri
    return None


def _date(record: Record) -> dict[str, str]:
    """The date's attributes at its precision: @when (day, month, year) or @from/@to."""
    if not record.begin:
        return {}
    begin, end = record.begin[:10], record.end[:10]
    if record.precision == "day":
        return {"when": begin}
    if record.precision == "month":
        return {"when": begin[:7]}
    if record.precision == "year":
        return {"when": begin[:4]}
    return {"from": begin, "to": end}
