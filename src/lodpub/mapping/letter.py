"""One ``Letter`` record -> its named graph (MODEL.md) and the shared entities it names."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import NamedNode, Triple

from .. import vocab
from ..authorities import Authorities, Entity
from ..errors import SourceError
from ..model import DateValue, Letter, Notice, Value
from ..textutil import slug
from .custody import Custody
from .iris import Iris
from .rdf import LABEL, TYPE, Triples, crm, dct, lp, term, text, typed
from .shortcuts import derive_shortcuts
from .state import P2, LetterState, Resolved

TEXT = term(vocab.DCMITYPE, "Text")
#: Every rightsstatements.org In Copyright statement (InC, InC-OW-EU, InC-EDU, InC-NC, InC-RUU)
IN_COPYRIGHT = "http://rightsstatements.org/vocab/InC"
#: The note on a text the setting ``texts`` leaves out; ``{reason}`` says why
WITHHELD = "text withheld by the publisher's setting texts = {setting}: {reason}"
WITHHELD_REASONS = {
    "open": "the text is under {right}, an In Copyright rights statement",
    "none": "the dataset publishes no texts",
}


@dataclass(frozen=True)
class MappedLetter:
    """A letter's named graph, the entity descriptions it needs, and where its fields came from."""

    letter: Letter
    graph: NamedNode
    triples: list[Triple]
    entities: dict[str, list[Triple]]
    field_lines: dict[str, int]
    named: tuple[Entity, ...] = ()
    notices: tuple[Notice, ...] = ()  # what was kept verbatim instead of asserted
    withheld: bool = False  # the text was left out (setting ``texts``)


class LetterMapper:
    """Maps letters under one base IRI with one authority file. ``texts`` (the setting): "all"
    publishes every letter's text, "open" leaves out the texts under an In Copyright statement,
    "none" leaves out every text; a text left out keeps its rights and says it was withheld."""

    def __init__(self, iris: Iris, authorities: Authorities, version: str, texts: str = "all") -> None:
        self.iris = iris
        self.authorities = authorities
        self.version = version
        self.texts = texts

    def map(self, letter: Letter) -> MappedLetter:
        """Build the named graph of ``letter``; raise ``SourceError`` naming its file, line and field."""
        return _LetterBuild(self.iris, self.authorities, self.version, self.texts, letter).run()


class _LetterBuild(LetterState):
    """The mapping of one letter: its events, documents, custody, translation, editions and
    rights (MODEL.md); used once."""

    def run(self) -> MappedLetter:
        letter, t, uri = self.letter, self.t, self.uri
        t.add(uri, TYPE, crm("E33_Linguistic_Object"))
        t.add(uri, TYPE, TEXT)
        t.add(uri, P2, lp("Letter"))
        t.add(uri, LABEL, text(letter.title.text, "en"))
        t.add(uri, dct("identifier"), text(letter.id))
        title = self.node("title")
        t.add(title, TYPE, crm("E35_Title"))
        t.add(title, crm("P190_has_symbolic_content"), text(letter.title.text, "en"))
        t.add(uri, crm("P102_has_title"), title)
        self.assign("title", uri, "P102_has_title", [title], [letter.title.evidence])

        senders = self.resolve(letter.senders, ("person", "group"), "sender")
        self.creation(senders)
        item = self.item()
        self.dispatch(item, senders, self.resolve(letter.addressees, ("person", "group"), "addressee"))
        carrier = self.translation()
        languages = []
        for value in letter.original_languages:
            found = self.language(value, "original language")
            if found is not None and self.iris.entity(found) not in languages:
                languages.append(self.need(found))
        if languages:
            t.add_all(uri, crm("P72_has_language"), languages)
            evidence = [v.evidence for v in letter.original_languages]
            self.assign("original-language", uri, "P72_has_language", languages, evidence)
        self.keep_verbatim("original language", uri, "P72_has_language")
        right = self.right_type()
        withheld = self.withheld(right)
        if withheld is None:
            t.add(carrier, crm("P190_has_symbolic_content"), text(letter.body))
        else:
            t.add(carrier, crm("P3_has_note"), text(withheld))
        self.web_record(carrier)
        self.rights(carrier, right)
        self.editions()
        for entity in self.authorities.find(letter.body):
            t.add(uri, crm("P67_refers_to"), self.need(entity))
        self.provenance()
        t.extend(derive_shortcuts(t))
        return MappedLetter(
            letter=letter,
            graph=self.iris.letter_graph(letter.id),
            triples=t.sorted(),
            entities=self.entities,
            field_lines=self.fields,
            named=tuple(self.named),
            notices=tuple(self.notices),
            withheld=withheld is not None,
        )

    def withheld(self, right: str | None) -> str | None:
        """The note that the text is left out, or None when the setting ``texts`` publishes it."""
        if self.texts == "none":
            return WITHHELD.format(setting=self.texts, reason=WITHHELD_REASONS["none"])
        if self.texts == "open" and right is not None and in_copyright(right):
            reason = WITHHELD_REASONS["open"].format(right=right)
            return WITHHELD.format(setting=self.texts, reason=reason)
        return None

    def right_type(self) -> str | None:
        """The rightsstatements.org statement the text's stated rights amount to, if any."""
        rights = self.letter.rights
        if rights is not None and re.search(r"all rights reserved", rights.text, re.I):
            return vocab.RIGHTS_IN_COPYRIGHT
        return None

    def creation(self, senders: list[Resolved]) -> None:
        letter, t = self.letter, self.t
        creation, span = self.node("creation"), self.node("creation", "time")
        t.add(creation, TYPE, crm("E65_Creation"))
        t.add(creation, P2, lp("Writing"))
        t.add(self.uri, crm("P94i_was_created_by"), creation)
        if letter.date is not None:
            t.add(creation, crm("P4_has_time-span"), span)
            t.add(span, TYPE, crm("E52_Time-Span"))
            t.add(span, LABEL, text(letter.date.label))
            begin, end = bounds(letter.date)
            t.add(span, crm("P82a_begin_of_the_begin"), typed(begin, "dateTime"))
            t.add(span, crm("P82b_end_of_the_end"), typed(end, "dateTime"))
            self.assign("date", creation, "P4_has_time-span", [span], [letter.date.evidence])
        elif letter.undated is not None:
            # No date triples: the evidence says the source marks the date as unknown.
            ev = self.iris.evidence(letter.id, "date")
            t.add(ev, TYPE, crm("E13_Attribute_Assignment"))
            t.add(ev, crm("P140_assigned_attribute_to"), creation)
            t.add(ev, crm("P177_assigned_property_of_type"), crm("P4_has_time-span"))
            t.add(ev, P2, lp("Stated"))
            t.add(
                ev,
                crm("P3_has_note"),
                text(f"{letter.undated.note()} (the source marks the date as unknown)"),
            )
            self.fields["date"] = letter.undated.line
        # The writer(s); the dispatch states the same parties as sender(s) and carries the
        # evidence of the "sender" field.
        t.add_all(creation, crm("P14_carried_out_by"), [self.need(r.entity) for r in senders])
        self.keep_verbatim("sender", creation, "P14_carried_out_by")
        self.keep_roles("sender", creation, "P14_carried_out_by")
        if letter.place:
            places = self.resolve((letter.place,), ("place",), "place")
            self.assign_entities("place", creation, "P7_took_place_at", places)
            self.keep_verbatim("place", creation, "P7_took_place_at")

    def item(self) -> NamedNode:
        item = self.node("item")
        t = self.t
        t.add(item, TYPE, crm("E22_Human-Made_Object"))
        t.add(item, P2, lp("LetterDocument"))
        t.add(item, crm("P128_carries"), self.uri)
        t.add(self.uri, crm("P128i_is_carried_by"), item)
        ref = self.letter.archival
        if ref is None:
            return item
        custody = Custody(self.iris, self.authorities, self.letter.id, ref)
        self.notices.extend(custody.notices)
        t.add(item, dct("bibliographicCitation"), text(ref.citation))
        t.add(self.uri, dct("bibliographicCitation"), text(ref.citation))
        for note in ref.notes:
            t.add(item, crm("P3_has_note"), text(note))
        t.extend(custody.item_triples(item))
        for iri, description in custody.shared().items():
            self.entities.setdefault(iri, description)
        for archive in custody.archives:
            if archive not in self.named:
                self.named.append(archive)
        assigned = custody.assigned()
        for index, (node, target, prop) in enumerate(assigned):
            field = "archive-citation" if index == 0 else f"archive-citation-{index + 1}"
            self.assign(field, node, prop, [target], [ref.evidence])
        return item

    def dispatch(self, item: NamedNode, senders: list[Resolved], addressees: list[Resolved]) -> None:
        if (
            not senders
            and not addressees
            and "addressee" not in self.verbatim
            and "addressee" not in self.roles
        ):
            return
        dispatch = self.node("dispatch")
        self.t.add(dispatch, TYPE, crm("E10_Transfer_of_Custody"))
        self.t.add(dispatch, P2, lp("Dispatch"))
        self.t.add(dispatch, crm("P30_transferred_custody_of"), item)
        if senders:
            self.assign_entities("sender", dispatch, "P28_custody_surrendered_by", senders)
        if addressees:
            self.assign_entities("addressee", dispatch, "P29_custody_received_by", addressees)
        self.keep_verbatim("addressee", dispatch, "P29_custody_received_by")
        self.keep_roles("addressee", dispatch, "P29_custody_received_by")

    def translation(self) -> NamedNode:
        """The translation node if the source gives one; the text's carrier either way."""
        letter, t = self.letter, self.t
        if letter.translation_language is None:
            return self.uri
        language = self.language(letter.translation_language, "translation language")
        if language is None:
            return self.uri
        code = language.code or language.key.lower()
        node = self.iris.translation(letter.id, code)
        lang = self.need(language)
        t.add(node, TYPE, crm("E33_Linguistic_Object"))
        t.add(node, TYPE, TEXT)
        t.add(node, P2, lp("Translation"))
        t.add(node, LABEL, text(f"{letter.title.text} ({language.label} translation)", "en"))
        t.add(node, crm("P72_has_language"), lang)
        t.add(node, crm("P73i_is_translation_of"), self.uri)
        t.add(self.uri, crm("P73_has_translation"), node)
        self.assign(
            "translation-language",
            node,
            "P72_has_language",
            [lang],
            [letter.translation_language.evidence],
        )
        creation = self.iris.translation(letter.id, code, "creation")
        t.add(node, crm("P94i_was_created_by"), creation)
        t.add(creation, TYPE, crm("E65_Creation"))
        t.add(creation, P2, lp("Translating"))
        t.add(creation, crm("P16_used_specific_object"), self.uri)
        if letter.translators:
            self.assign_entities(
                "translator",
                creation,
                "P14_carried_out_by",
                self.resolve(letter.translators, ("person",), "translator"),
            )
            self.keep_verbatim("translator", creation, "P14_carried_out_by")
        return node

    def web_record(self, carrier: NamedNode) -> None:
        letter = self.letter
        if letter.record_url is None:
            return
        url = letter.record_url.text
        try:
            page = NamedNode(url)
        except ValueError as exc:
            raise SourceError(
                letter.path, letter.record_url.evidence.line, "source URL", f"expected an IRI, found {url!r}"
            ) from exc
        segment = url.rstrip("/").rsplit("/", 1)[-1]
        publisher = None
        if letter.publisher is not None:
            found = self.resolve((letter.publisher,), ("group",), "publisher")
            publisher = found[0].entity if found else None
            self.verbatim.pop("publisher", None)  # the record's page and citation keep it
        host = re.sub(r"^www\.", "", url.split("/")[2]).split(".")[0]
        key = f"{publisher.key if publisher else host}-{segment}"
        record = self.iris.edition(slug(key))
        triples = Triples()
        triples.add(record, TYPE, crm("E31_Document"))
        triples.add(record, P2, lp("WebRecord"))
        name = publisher.label if publisher else host
        triples.add(record, LABEL, text(f"{name}, record {segment}", "en"))
        triples.add(record, term(vocab.FOAF, "page"), page)
        triples.add(record, term(vocab.RDFS, "seeAlso"), page)
        if publisher is not None:
            triples.add(record, dct("publisher"), self.need(publisher))
        self.shared(record, triples.sorted())
        self.t.add(carrier, crm("P165i_is_incorporated_in"), record)
        self.assign(
            "source-url",
            carrier,
            "P165i_is_incorporated_in",
            [record],
            [letter.record_url.evidence],
        )

    def rights(self, carrier: NamedNode, kind: str | None) -> None:
        rights = self.letter.rights
        if rights is None:
            return
        t = self.t
        right = NamedNode(carrier.value + "/right")
        t.add(carrier, crm("P104_is_subject_to"), right)
        t.add(carrier, dct("rights"), text(rights.text))
        t.add(right, TYPE, crm("E30_Right"))
        t.add(right, crm("P3_has_note"), text(rights.text))
        if kind is not None:
            t.add(right, P2, NamedNode(kind))
        holder = re.match(
            r"^\s*(?:copyright|©)\s*(?:\(c\)\s*)?[\d\s,\-–]*(?P<holder>[^.]+?)\s*(?:\.|all rights|$)",
            rights.text,
            re.I,
        )
        holders = []
        if holder and holder.group("holder").strip():
            holders = self.resolve((Value(holder.group("holder"), rights.evidence),), ("group", "person"))
            t.add_all(right, crm("P75i_is_possessed_by"), [self.need(h.entity) for h in holders])
        self.assign("rights", carrier, "P104_is_subject_to", [right], [rights.evidence])

    def editions(self) -> None:
        for edition in self.letter.editions:
            editors = self.resolve(tuple(Value(n, edition.evidence) for n in edition.editors), ("person",))
            if editors:
                stem = editors[0].entity.key
            else:
                stem = slug(edition.work or edition.title or edition.citation)[:48].rstrip("-")
            key = f"{stem}-{edition.year}" if edition.year and str(edition.year) not in stem else stem
            if edition.volume:
                key = f"{key}-vol-{slug(edition.volume)}"  # volumes of a series are distinct editions
            shared = self.iris.edition(key)
            triples = Triples()
            triples.add(shared, TYPE, crm("E31_Document"))
            triples.add(shared, P2, lp("PrintedEdition"))
            label = edition.title or edition.citation
            triples.add(shared, LABEL, text(label))
            if edition.title:
                triples.add(shared, dct("title"), text(edition.title))
            if edition.title_translated:
                triples.add(shared, dct("alternative"), text(edition.title_translated, "en"))
            if edition.year:
                triples.add(shared, dct("issued"), typed(f"{edition.year:04d}", "gYear"))
            for editor in editors:
                triples.add(shared, term(vocab.MARCREL, "edt"), self.need(editor.entity))
            self.shared(shared, triples.sorted())
            part = self.node("edition", key)
            t = self.t
            t.add(self.uri, crm("P70i_is_documented_in"), shared)
            t.add(part, TYPE, crm("E31_Document"))
            t.add(part, P2, lp("EditionExtract"))
            t.add(part, LABEL, text(f"{edition.pages + ' of ' if edition.pages else ''}{label}"))
            t.add(part, crm("P106i_forms_part_of"), shared)
            t.add(part, crm("P70_documents"), self.uri)
            t.add(part, dct("bibliographicCitation"), text(edition.citation))
            if edition.pages:
                pages = self.node("edition", key, "pages")
                t.add(part, crm("P1_is_identified_by"), pages)
                t.add(pages, TYPE, crm("E42_Identifier"))
                t.add(pages, P2, lp("PageRange"))
                t.add(pages, crm("P190_has_symbolic_content"), text(edition.pages))
            self.assign("edition", self.uri, "P70i_is_documented_in", [shared], [edition.evidence])

    def provenance(self) -> None:
        letter, t = self.letter, self.t
        graph = self.iris.letter_graph(letter.id)
        name = Path(letter.path).name
        source = self.iris.source(name)
        t.add(graph, TYPE, term(vocab.PROV, "Entity"))
        t.add(graph, term(vocab.PROV, "wasDerivedFrom"), source)
        t.add(graph, term(vocab.PROV, "wasGeneratedBy"), self.iris.build_activity(self.version))
        t.add(source, TYPE, term(vocab.PROV, "Entity"))
        t.add(source, LABEL, text(name))
        t.add(source, dct("identifier"), text(f"sha256:{letter.sha256}"))
        t.add(source, dct("format"), text("text/plain"))


def in_copyright(right: str) -> bool:
    """Whether a rights statement IRI is one of rightsstatements.org's In Copyright family."""
    return right.startswith(IN_COPYRIGHT) and right[len(IN_COPYRIGHT) : len(IN_COPYRIGHT) + 1] in ("/", "-")


def bounds(date: DateValue) -> tuple[str, str]:
    """First and last instant of a day, a month or a year, as xsd:dateTime lexical forms."""
    if date.month is None:
        return f"{date.year:04d}-01-01T00:00:00", f"{date.year:04d}-12-31T23:59:59"
    if date.day is None:
        last = calendar.monthrange(date.year, date.month)[1]
        return (
            f"{date.year:04d}-{date.month:02d}-01T00:00:00",
            f"{date.year:04d}-{date.month:02d}-{last:02d}T23:59:59",
        )
    day = f"{date.year:04d}-{date.month:02d}-{date.day:02d}"
    return f"{day}T00:00:00", f"{day}T23:59:59"
