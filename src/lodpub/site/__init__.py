"""The research site: pages a historian works from, answered by `lodpub serve` and written as
static files by `lodpub site`. Each page is made from the dataset's store (the descriptions) and
its catalogue (lists, filters, counts): the home page, the list of letters, a page per letter and
per entity (person, group, place, archive, fonds, file, edition, language), the SPARQL page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from urllib.parse import urlencode

import pyoxigraph as ox
from pyoxigraph import NamedNode

from .. import vocab
from .browse import home, letters, sparql_page
from .catalogue import Catalogue
from .described import CRM, Described, describe, parents, store_labels
from .html import BadParameter, Frame, Page, alternates, layout, whole_number
from .pages import entity_page, letter_page, page_count

__all__ = ["BadParameter", "Frame", "Page", "Site", "site_of"]

# What a resource is, for the page it gets: a letter, or an entity (anything the catalogue
# lists letters for, or a kind of thing letters name).
ENTITY_TYPES = {
    CRM + name
    for name in (
        "E21_Person",
        "E74_Group",
        "E53_Place",
        "E78_Curated_Holding",
        "E31_Document",
        "E56_Language",
    )
} | {vocab.LODPUB + "ArchivalFile"}


@dataclass
class Site:
    """The pages of one dataset: ``store`` (its generation, read-only) and ``catalogue``."""

    store: ox.Store
    catalogue: Catalogue
    frame: Frame
    description: str = ""
    dumps: list[tuple[str, str]] = field(default_factory=list)  # (name, URL) of the data files
    page_url: Callable[[str, int], str] = lambda path, number: f"{path}?{urlencode({'page': number})}"

    def page(self, path: str, params: dict[str, str]) -> Page | None:
        """The HTML page at ``path`` (with the query ``params``), or None where there is none."""
        number = whole_number(params, "page", 1, 1_000_000) or 1
        if path == "/":
            title, body = home(self.frame, self.catalogue, self.description, self.dumps)
        elif path == "/letters":
            title, body = letters(self.frame, self.catalogue, params, number)
        else:
            found = self.resource(self.frame.base + path.lstrip("/"), path, number)
            if found is None:
                return None
            return Page(200, layout(self.frame, *found, alternates(path)))
        return Page(200, layout(self.frame, title, body))

    def resource(
        self, iri: str, path: str, number: int = 1, triples: list[ox.Triple] | None = None
    ) -> tuple[str, str] | None:
        """The title and body of a resource's page (``triples``: its description, when the caller
        has it); None for an IRI the dataset lacks."""
        if triples is None:
            triples = describe(self.store, iri, self.frame.base)
        if not triples:
            return None
        named = {t.object.value for t in triples if isinstance(t.object, ox.NamedNode)}
        named |= {t.subject.value for t in triples if isinstance(t.subject, ox.NamedNode)}
        labels = self.catalogue.labels(named)
        labels.update(store_labels(self.store, named - set(labels)))
        files = set()
        for t in triples:
            if t.predicate.value == CRM + "P46i_forms_part_of" and isinstance(t.object, ox.NamedNode):
                files.add(t.object.value)
        if iri in named:
            files |= {f for f, _, _ in self.catalogue.parts_of(iri, ("file",))}
        fonds = parents(self.store, files)
        labels.update(self.catalogue.labels(p for ps in fonds.values() for p in ps))
        described = Described(self.frame, iri, triples, labels, fonds)
        types = set(described.iris(iri, vocab.RDF_TYPE)) | set(described.iris(iri, CRM + "P2_has_type"))
        if vocab.LODPUB + "Letter" in types:
            return letter_page(described, self.catalogue)
        if types & ENTITY_TYPES or self.catalogue.label(iri) is not None:
            return entity_page(described, self.catalogue, number, lambda n: self.page_url(path, n))
        title = described.label(iri)
        return title, f"<h1>{escape(title)}</h1>\n{described.statements()}"

    def refused(self, error: BadParameter) -> Page:
        """The page of a request whose parameter the page does not take (HTTP 400)."""
        body = f"<h1>Bad request</h1><p>The parameter <code>{escape(str(error))}</code>.</p>"
        return Page(400, layout(self.frame, "Bad request", body))

    def page_count(self, iri: str) -> int:
        """The pages of ``iri``'s page (its longest list of letters, PAGE a page)."""
        return page_count(self.catalogue, iri)

    def sparql(
        self,
        query: str | None,
        name: str | None,
        answer: ox.QuerySolutions | list[ox.Triple] | bool | None,
        error: str | None = None,
    ) -> Page:
        title, body = sparql_page(self.frame, self.catalogue, query, name, answer, error)
        return Page(200, layout(self.frame, title, body))


def site_of(store: ox.Store, catalogue: Catalogue, base: str, license_: str | None) -> Site:
    """The research site over one generation: its frame and home page from the dataset's own
    description (title, description, dumps)."""
    dataset = NamedNode(base + "dataset")

    def first(predicate: str) -> str:
        for quad in store.quads_for_pattern(dataset, NamedNode(predicate), None):
            return str(quad.object.value) if isinstance(quad.object, ox.Literal) else ""
        return ""

    dumps = sorted(
        (q.object.value.rsplit("/", 1)[-1], q.object.value[len(base) - 1 :])
        for q in store.quads_for_pattern(dataset, NamedNode(vocab.VOID + "dataDump"), None)
        if isinstance(q.object, NamedNode) and q.object.value.startswith(base)
    )
    frame = Frame(first(vocab.DCTERMS + "title") or base, base, license_)
    return Site(store, catalogue, frame, first(vocab.DCTERMS + "description"), dumps)
