"""Archival custody: archive (E74), fonds (E78), file (E22) and the letter's pages."""

from __future__ import annotations

import re

from pyoxigraph import NamedNode, Triple

from ..authorities import Authorities, Entity
from ..model import ArchivalRef
from ..textutil import slug
from .entities import describe_entity
from .iris import Iris
from .rdf import LABEL, TYPE, Triples, crm, lp, text

_FONDS_WORDS = frozenset({"fund", "fond", "fonds", "of", "the", "f"})
_FILE_PREFIX = re.compile(r"^(?:file|dosar|folder)\s+", re.I)


class Custody:
    """The custody chain one archival citation describes."""

    def __init__(self, iris: Iris, authorities: Authorities, letter_id: str, ref: ArchivalRef):
        self.iris = iris
        self.letter_id = letter_id
        self.ref = ref
        self.archive: Entity | None = None
        if ref.archive:
            # A citation may name a holding body besides the archive; prefer the archive.
            found = authorities.resolve(ref.archive, ("group",))
            self.archive = next((g for g in found if g.archive), found[0])
        self.fonds: NamedNode | None = None
        self.file: NamedNode | None = None
        if self.archive is not None and ref.fonds:
            self.fonds = iris.holding(self.archive.key, slug(ref.fonds, drop=_FONDS_WORDS))
            if ref.file:
                self.file = NamedNode(f"{self.fonds.value}/{slug(self.file_number)}")

    @property
    def file_number(self) -> str:
        """The file's number as the citation gives it ("9U/1956-1958")."""
        return _FILE_PREFIX.sub("", self.ref.file or "").strip()

    def item_triples(self, item: NamedNode) -> list[Triple]:
        """What the letter's own graph says of its document: file, keeper, pages."""
        out = Triples()
        if self.file is not None:
            out.add(item, crm("P46i_forms_part_of"), self.file)
        if self.archive is not None:
            out.add(item, crm("P50_has_current_keeper"), self.iris.entity(self.archive))
        if self.ref.pages:
            pages = self.iris.letter(self.letter_id, "item", "pages")
            out.add(item, crm("P1_is_identified_by"), pages)
            out.add(pages, TYPE, crm("E42_Identifier"))
            out.add(pages, crm("P2_has_type"), lp("PageRange"))
            out.add(pages, crm("P190_has_symbolic_content"), text(self.ref.pages))
        return out.sorted()

    def assigned(self) -> tuple[NamedNode | None, str]:
        """The most specific holding the citation names, and the property that links it."""
        if self.file is not None:
            return self.file, "P46i_forms_part_of"
        if self.archive is not None:
            return self.iris.entity(self.archive), "P50_has_current_keeper"
        return None, ""

    def shared(self) -> dict[str, list[Triple]]:
        """Descriptions for the entities graph: archive, fonds, file."""
        out: dict[str, list[Triple]] = {}
        if self.archive is None:
            return out
        archive = self.iris.entity(self.archive)
        out[archive.value] = describe_entity(self.archive, self.iris)
        if self.fonds is None:
            return out
        fonds = Triples()
        fonds.add(self.fonds, TYPE, crm("E78_Curated_Holding"))
        fonds.add(self.fonds, LABEL, text(self.ref.fonds or ""))
        fonds.add(self.fonds, crm("P109_has_current_or_former_curator"), archive)
        out[self.fonds.value] = fonds.sorted()
        if self.file is None:
            return out
        ident = NamedNode(self.file.value + "/id")
        file = Triples()
        file.add(self.file, TYPE, crm("E22_Human-Made_Object"))
        file.add(self.file, crm("P2_has_type"), lp("ArchivalFile"))
        file.add(self.file, LABEL, text(self.ref.file or ""))
        file.add(self.file, crm("P1_is_identified_by"), ident)
        file.add(self.file, crm("P46i_forms_part_of"), self.fonds)
        file.add(self.file, crm("P50_has_current_keeper"), archive)
        file.add(ident, TYPE, crm("E42_Identifier"))
        file.add(ident, crm("P2_has_type"), lp("FileNumber"))
        file.add(ident, crm("P190_has_symbolic_content"), text(self.file_number))
        out[self.file.value] = file.sorted()
        return out
