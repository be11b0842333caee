"""Archival custody: for each archive a citation names, the archive (E74), the fonds (E78), the
file (E22), the letter's item (E22) kept there and its call number (E42), as the archive writes it.

The first archive named holds ``letter/{id}/item``; each further one ``letter/{id}/item/{archive}``,
so an item's IRI does not depend on the citation's order beyond which archive comes first. An
archival statement whose archive the authority data does not know, and whose name does not say it
is an archive, stays in the verbatim citation and is reported; it never becomes an entity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pyoxigraph import NamedNode, Triple

from ..authorities import Authorities, Entity
from ..model import ArchivalRef, Holding, Notice
from ..sources.archival import archive_name, split_holdings, split_statement, without_gloss
from ..sources.callnumbers import CallNumber, read_call_number
from ..textutil import slug
from .entities import describe_entity
from .iris import Iris
from .rdf import LABEL, TYPE, Triples, crm, lp, text

_FONDS_WORDS = frozenset({"fund", "fond", "fonds", "of", "the", "f"})
_FILE_PREFIX = re.compile(r"^(?:file|dosar|folder)\s+", re.I)
_PART_TYPES = {
    "record-group": "RecordGroup",
    "fond": "Fond",
    "opis": "Opis",
    "delo": "Delo",
    "papka": "Papka",
    "leaf": "Leaf",
    "pages": "PageRange",
    "file": "FileNumber",
    "box": "Box",
    "volume": "Volume",
    "part": "CallNumberPart",
}


def _known_archive(span: str, authorities: Authorities) -> Entity | None:
    """The archive a span names, or the one its leading parts name ("…, Warsaw")."""
    parts = span.split(", ")
    for count in range(len(parts), 0, -1):
        found = _archive_of(", ".join(parts[:count]), authorities)
        if found is not None:
            return found
    return None


def _archive_of(span: str, authorities: Authorities) -> Entity | None:
    """The archive a span names, with or without the editors' gloss in brackets after it."""
    return authorities.archive(span) or authorities.archive(without_gloss(span))


@dataclass(frozen=True)
class Kept:
    """One archive's holding of the letter: the archive, the call number, the item's IRI."""

    archive: Entity
    call: CallNumber | None
    item: NamedNode
    fonds: NamedNode | None
    file: NamedNode | None


class Custody:
    """The custody chains one archival citation describes."""

    def __init__(self, iris: Iris, authorities: Authorities, letter_id: str, ref: ArchivalRef):
        self.iris = iris
        self.letter_id = letter_id
        self.ref = ref
        self.kept: list[Kept] = []
        self.notices: list[Notice] = []
        known = lambda span: _archive_of(span, authorities) is not None  # noqa: E731
        statements: list[Holding] = []
        for holding in ref.holdings:
            if holding.archive is not None:
                statements.append(holding)
                continue
            statements += [
                Holding(s, holding.evidence, also=holding.also) for s in split_holdings(holding.text, known)
            ]
        at = 0
        while at < len(statements):
            holding = statements[at]
            following = statements[at + 1] if at + 1 < len(statements) else None
            if (
                holding.archive is None
                and following is not None
                and following.archive is None
                and not following.also
            ):
                # "Szyfrogramy from Moskwa 1962, 6/77 w-83 t-1263. Polish Foreign Ministry Archive
                # (AMSZ), Warsaw.": a call number with no archive of its own, then the archive alone
                alone = split_statement(following.text, known)
                if split_statement(holding.text, known) is None and alone and not alone[1]:
                    text = f"{holding.text}. {following.text}"
                    holding = Holding(text, holding.evidence, following.text, holding.text)
                    at += 1
            self._read(holding, authorities)
            at += 1

    def _read(self, holding: Holding, authorities: Authorities) -> None:
        known = lambda span: _archive_of(span, authorities) is not None  # noqa: E731
        if holding.archive is not None:
            # the layout gives the archive apart ("Modern Records Archives (AAN), Warsaw")
            named = split_statement(holding.archive, known)
            split = (named[0], holding.call_number or "") if named else None
        else:
            split = split_statement(holding.text, known)
        if split is None:
            self.notices.append(
                Notice("archive", f"not recognised, kept verbatim: {holding.text}", holding.evidence.line)
            )
            return
        span, call_text = split
        name = archive_name(span, known)  # a local archive is named without its city
        archive = _known_archive(span, authorities) or Entity(
            kind="group", key=slug(name), label=name, local=True, archive=True
        )
        if any(k.archive.key == archive.key for k in self.kept):
            return  # one item per archive
        first = not self.kept
        item = (
            self.iris.letter(self.letter_id, "item")
            if first
            else self.iris.letter(self.letter_id, "item", archive.key)
        )
        call = read_call_number(call_text) if call_text.strip(" ,.") else None
        fonds = file = None
        if call is not None and call.fonds and call.file:
            fonds = self.iris.holding(archive.key, slug(call.fonds, drop=_FONDS_WORDS))
            file = NamedNode(f"{fonds.value}/{slug(_FILE_PREFIX.sub('', call.file))}")
        self.kept.append(Kept(archive, call, item, fonds, file))

    @property
    def archives(self) -> list[Entity]:
        """The archives that hold the letter, in citation order."""
        return [k.archive for k in self.kept]

    def item_triples(self, item: NamedNode) -> list[Triple]:
        """What the letter's own graph says of its documents: file, keeper, call number, pages.
        ``item`` is the first item's IRI; each further archive's item is described here too."""
        out = Triples()
        for kept in self.kept:
            node = kept.item
            if node != item:
                out.add(node, TYPE, crm("E22_Human-Made_Object"))
                out.add(node, crm("P2_has_type"), lp("LetterDocument"))
                out.add(node, crm("P128_carries"), self.iris.letter(self.letter_id))
                out.add(self.iris.letter(self.letter_id), crm("P128i_is_carried_by"), node)
            if kept.file is not None:
                out.add(node, crm("P46i_forms_part_of"), kept.file)
            out.add(node, crm("P50_has_current_keeper"), self.iris.entity(kept.archive))
            if kept.call is None:
                continue
            call = NamedNode(node.value + "/call-number")
            out.add(node, crm("P1_is_identified_by"), call)
            out.add(call, TYPE, crm("E42_Identifier"))
            out.add(call, crm("P2_has_type"), lp("CallNumber"))
            out.add(call, crm("P190_has_symbolic_content"), text(kept.call.text))
            for index, (kind, piece) in enumerate(kept.call.parts, start=1):
                part = NamedNode(f"{call.value}/{index}")
                out.add(call, crm("P106_is_composed_of"), part)
                out.add(part, TYPE, crm("E42_Identifier"))
                out.add(part, crm("P2_has_type"), lp(_PART_TYPES[kind]))
                out.add(part, crm("P190_has_symbolic_content"), text(piece))
            if kept.call.pages:
                pages = NamedNode(node.value + "/pages")
                out.add(node, crm("P1_is_identified_by"), pages)
                out.add(pages, TYPE, crm("E42_Identifier"))
                out.add(pages, crm("P2_has_type"), lp("PageRange"))
                out.add(pages, crm("P190_has_symbolic_content"), text(kept.call.pages))
        return out.sorted()

    def assigned(self) -> list[tuple[NamedNode, NamedNode, str]]:
        """For each item, the most specific holding the citation names and the property."""
        out = []
        for kept in self.kept:
            if kept.file is not None:
                out.append((kept.item, kept.file, "P46i_forms_part_of"))
            else:
                out.append((kept.item, self.iris.entity(kept.archive), "P50_has_current_keeper"))
        return out

    def shared(self) -> dict[str, list[Triple]]:
        """Descriptions for the entities graph: archives, fonds, files."""
        out: dict[str, list[Triple]] = {}
        for kept in self.kept:
            archive = self.iris.entity(kept.archive)
            out[archive.value] = describe_entity(kept.archive, self.iris)
            if kept.fonds is None or kept.file is None or kept.call is None:
                continue
            fonds = Triples()
            fonds.add(kept.fonds, TYPE, crm("E78_Curated_Holding"))
            fonds.add(kept.fonds, LABEL, text(kept.call.fonds or ""))
            fonds.add(kept.fonds, crm("P109_has_current_or_former_curator"), archive)
            out[kept.fonds.value] = fonds.sorted()
            ident = NamedNode(kept.file.value + "/id")
            file = Triples()
            file.add(kept.file, TYPE, crm("E22_Human-Made_Object"))
            file.add(kept.file, crm("P2_has_type"), lp("ArchivalFile"))
            file.add(kept.file, LABEL, text(kept.call.file or ""))
            file.add(kept.file, crm("P1_is_identified_by"), ident)
            file.add(kept.file, crm("P46i_forms_part_of"), kept.fonds)
            file.add(kept.file, crm("P50_has_current_keeper"), archive)
            file.add(ident, TYPE, crm("E42_Identifier"))
            file.add(ident, crm("P2_has_type"), lp("FileNumber"))
            file.add(
                ident,
                crm("P190_has_symbolic_content"),
                text(_FILE_PREFIX.sub("", kept.call.file or "").strip()),
            )
            out[kept.file.value] = file.sorted()
        return out
