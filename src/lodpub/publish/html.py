"""Readable HTML pages for the resources of a dataset: labels, a letter's text and metadata, and
links to every related resource (IRIs under the base link to this server)."""

from __future__ import annotations

from collections import defaultdict
from html import escape

from pyoxigraph import Literal, NamedNode, Triple

from .. import vocab
from ..mapping.letter import WITHHELD
from ..mapping.rdf import object_of, subject_of

CRM, DCT = vocab.CRM, vocab.DCTERMS
LABEL = vocab.RDFS + "label"
STYLE = """body{font-family:Georgia,serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{font-size:1.5rem}dl{display:grid;grid-template-columns:12rem 1fr;gap:.3rem 1rem}
dt{font-weight:bold}dd{margin:0}pre{white-space:pre-wrap;font-family:inherit;background:#f6f4ef;padding:1rem}
table{border-collapse:collapse;font-size:.9rem}
td,th{border-bottom:1px solid #ddd;padding:.2rem .5rem;text-align:left}
.iri{font-family:monospace;font-size:.85rem;color:#555}"""


class Page:
    """Renders one resource from its description and the labels of what it links to."""

    def __init__(self, iri: str, triples: list[Triple], labels: dict[str, str], base: str) -> None:
        self.iri = iri
        self.base = base
        self.labels = labels
        self.by_subject: dict[str, dict[str, list[NamedNode | Literal]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for t in triples:
            self.by_subject[subject_of(t).value][t.predicate.value].append(object_of(t))

    def values(self, subject: str, predicate: str) -> list[NamedNode | Literal]:
        return self.by_subject.get(subject, {}).get(predicate, [])

    def first(self, subject: str, predicate: str) -> str | None:
        found = self.values(subject, predicate)
        return found[0].value if found else None

    def link(self, term: NamedNode | Literal) -> str:
        if isinstance(term, Literal):
            return escape(term.value)
        href = term.value[len(self.base) - 1 :] if term.value.startswith(self.base) else term.value
        text = self.labels.get(term.value) or _short(term.value)
        return f'<a href="{escape(href)}">{escape(text)}</a>'

    def links(self, subject: str, predicate: str) -> str:
        return ", ".join(self.link(v) for v in self.values(subject, predicate))

    def withheld(self, subject: str) -> str | None:
        """The note saying a text was left out by the setting ``texts``, if it was."""
        prefix = WITHHELD.split("{", 1)[0]
        notes = [v.value for v in self.values(subject, CRM + "P3_has_note") if v.value.startswith(prefix)]
        return notes[0] if notes else None

    def render(self) -> str:
        me = self.iri
        title = self.first(me, LABEL) or _short(me)
        parts = [f"<h1>{escape(title)}</h1>", f'<p class="iri">{escape(me)}</p>']
        if self.first(me, CRM + "P2_has_type") == vocab.LODPUB + "Letter":
            parts.append(self.letter())
        parts.append(self.table())
        return (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>\n"
            + "\n".join(parts)
            + "\n</body></html>\n"
        )

    def letter(self) -> str:
        me = self.iri
        dispatch = me + "/dispatch"
        creation = me + "/creation"
        rows = [
            ("Date", escape(self.first(creation + "/time", LABEL) or self.first(me, DCT + "created") or "")),
            ("Place", self.links(creation, CRM + "P7_took_place_at")),
            (
                "Sender",
                self.links(dispatch, CRM + "P28_custody_surrendered_by") or self.links(me, DCT + "creator"),
            ),
            ("Addressee", self.links(dispatch, CRM + "P29_custody_received_by")),
            ("Original language", self.links(me, CRM + "P72_has_language")),
            ("Archival citation", escape(self.first(me, DCT + "bibliographicCitation") or "")),
            ("Printed edition", self.links(me, CRM + "P70i_is_documented_in")),
        ]
        out = ["<dl>"] + [f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows if v] + ["</dl>"]
        for translation in self.values(me, CRM + "P73_has_translation"):
            t = translation.value
            out.append(f"<h2>Translation ({self.links(t, CRM + 'P72_has_language')})</h2>")
            translators = self.links(t + "/creation", CRM + "P14_carried_out_by")
            if translators:
                out.append(f"<p>Translated by {translators}.</p>")
            text = self.first(t, CRM + "P190_has_symbolic_content")
            if text:
                out.append(f"<pre>{escape(text)}</pre>")
            elif (withheld := self.withheld(t)) is not None:
                out.append(f"<p><em>{escape(withheld[:1].upper() + withheld[1:])}.</em></p>")
            rights = self.first(t, DCT + "rights")
            if rights:
                out.append(f"<p><strong>Rights:</strong> {escape(rights)}</p>")
            records = self.links(t, CRM + "P165i_is_incorporated_in")
            if records:
                out.append(f"<p>Published in {records}.</p>")
        original = self.first(me, CRM + "P190_has_symbolic_content")
        if original:
            out.append(f"<h2>Text</h2><pre>{escape(original)}</pre>")
        elif (withheld := self.withheld(me)) is not None:
            out.append(f"<h2>Text</h2><p><em>{escape(withheld[:1].upper() + withheld[1:])}.</em></p>")
            rights = self.first(me, DCT + "rights")
            if rights:
                out.append(f"<p><strong>Rights:</strong> {escape(rights)}</p>")
        return "\n".join(out)

    def table(self) -> str:
        rows = []
        for subject in sorted(self.by_subject, key=lambda s: (s != self.iri, s)):
            for predicate, objects in sorted(self.by_subject[subject].items()):
                rows.append(
                    f"<tr><td>{self.link(NamedNode(subject))}</td><td>{escape(_short(predicate))}</td>"
                    f"<td>{', '.join(self.link(o) for o in objects)}</td></tr>"
                )
        return (
            "<h2>All statements</h2><table><tr><th>about</th><th>property</th><th>value</th></tr>"
            + "".join(rows)
            + "</table>"
        )


def _short(iri: str) -> str:
    for prefix, namespace in vocab.PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri
