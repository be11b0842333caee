"""The pages of resources: a letter (summary, text, evidence, neighbours, every statement) and
the entities around letters — people and groups with the letters they sent, received, are
mentioned in or translated; places; archives with their fonds and files; editions; languages."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from .. import vocab
from ..mapping.letter import WITHHELD
from .catalogue import PAGE, Catalogue
from .described import CRM, DCT, Described
from .html import definition, letters_table, link, outward, pages

SKOS, OWL = vocab.SKOS, vocab.OWL
Target = Callable[[int], str]  # the URL of page N of a list


def letter_page(d: Described, catalogue: Catalogue) -> tuple[str, str]:
    """The title and body of a letter's page."""
    me = d.iri
    creation, dispatch = me + "/creation", me + "/dispatch"
    title = d.first(me, DCT + "title") or d.label(me)
    date = d.first(creation + "/time", vocab.RDFS + "label") or d.first(me, DCT + "created") or ""
    senders = d.links(dispatch, CRM + "P28_custody_surrendered_by") or d.links(me, DCT + "creator")
    rows = [
        ("Date", escape(date)),
        ("Place", d.links(creation, CRM + "P7_took_place_at")),
        ("From", senders),
        ("To", d.links(dispatch, CRM + "P29_custody_received_by") or d.links(me, vocab.MARCREL + "rcp")),
        ("Original language", d.links(me, CRM + "P72_has_language")),
        ("Held at", holdings(d)),
        ("Printed in", editions(d)),
        ("Archival citation", escape(d.first(me, DCT + "bibliographicCitation") or "")),
    ]
    body = [f"<h1>{escape(title)}</h1>", f'<p class="meta">{escape(date)}</p>', definition(rows)]
    for translation in d.iris(me, CRM + "P73_has_translation"):
        language = d.links(translation, CRM + "P72_has_language")
        body.append(f"<h2>Translation ({language})</h2>")
        translators = d.links(translation + "/creation", CRM + "P14_carried_out_by")
        records = d.links(translation, CRM + "P165i_is_incorporated_in")
        body.append(
            definition([("Translated by", translators), ("Published in", records), *rights(d, translation)])
        )
        body.append(text_of(d, translation))
    original = d.first(me, CRM + "P190_has_symbolic_content")
    if original is not None or withheld(d, me):
        body.append("<h2>Text</h2>")
        body.append(definition(rights(d, me)))
        body.append(text_of(d, me))
    body.append(d.evidence())
    before, after = catalogue.neighbours(me)
    around = [
        f"<li>Previous: {link(d.frame, before.iri, before.title)} ({escape(before.date)})</li>"
        if before
        else "",
        f"<li>Next: {link(d.frame, after.iri, after.title)} ({escape(after.date)})</li>" if after else "",
    ]
    if any(around):
        body.append(f"<h2>In date order</h2><ul>{''.join(around)}</ul>")
    between = catalogue.between(me)
    if between:
        body.append("<h2>Other letters between the same correspondents</h2>")
        body.append(letters_table(d.frame, between, ("sender", "addressee")))
    body.append(d.statements())
    return title, "\n".join(body)


def holdings(d: Described) -> str:
    """Each holding of the letter's document: archive → fonds → file, call number, pages."""
    out = []
    for item in d.iris(d.iri, CRM + "P128i_is_carried_by"):
        chain = []
        keeper = d.iris(item, CRM + "P50_has_current_keeper")
        chain += [d.link(k) for k in keeper]
        for container in d.iris(item, CRM + "P46i_forms_part_of"):
            chain += [d.link(f) for f in d.parents.get(container, [])]
            chain.append(d.link(container))
        numbers: list[str] = []
        for identifier in d.iris(item, CRM + "P1_is_identified_by"):  # call number, then pages
            text = d.first(identifier, CRM + "P190_has_symbolic_content") or ""
            if text and not any(text in other for other in numbers):
                numbers.append(text)
        detail = "; ".join(escape(n) for n in numbers)
        out.append(" → ".join(chain) + (f" ({detail})" if detail else ""))
    return "<br>".join(x for x in out if x)


def editions(d: Described) -> str:
    out = []
    for edition in d.iris(d.iri, CRM + "P70i_is_documented_in"):
        part = d.iri + "/edition/" + edition.rstrip("/").rsplit("/", 1)[-1]
        pages_of = [
            d.first(p, CRM + "P190_has_symbolic_content") or ""
            for p in d.iris(part, CRM + "P1_is_identified_by")
        ]
        out.append(
            d.link(edition) + (f", {escape(', '.join(p for p in pages_of if p))}" if any(pages_of) else "")
        )
    return "<br>".join(out)


def rights(d: Described, carrier: str) -> list[tuple[str, str]]:
    statement = d.first(carrier, DCT + "rights")
    holders = [
        d.link(h)
        for right in d.iris(carrier, CRM + "P104_is_subject_to")
        for h in d.iris(right, CRM + "P75i_is_possessed_by")
    ]
    kinds = [
        d.link(k)
        for right in d.iris(carrier, CRM + "P104_is_subject_to")
        for k in d.iris(right, CRM + "P2_has_type")
    ]
    return [
        ("Rights", escape(statement or "")),
        ("Rights holder", ", ".join(holders)),
        ("Rights statement", ", ".join(kinds)),
    ]


def withheld(d: Described, carrier: str) -> str | None:
    prefix = WITHHELD.split("{", 1)[0]
    notes = [v.value for v in d.values(carrier, CRM + "P3_has_note") if v.value.startswith(prefix)]
    return notes[0] if notes else None


def text_of(d: Described, carrier: str) -> str:
    text = d.first(carrier, CRM + "P190_has_symbolic_content")
    if text is not None:
        return f'<pre class="text">{escape(text)}</pre>'
    note = withheld(d, carrier)
    if note is not None:
        return f"<p><em>{escape(note[:1].upper() + note[1:])}.</em></p>"
    return ""


_EXCHANGE = ("direction", "correspondent", "place", "archive")
# The lists of an entity's page: its letters in each role (they are paged together, by ?page=N).
SECTIONS = [
    (
        "Letters sent and received",
        ("sender", "addressee"),
        ("direction", "correspondent", "place", "archive"),
    ),
    ("Letters written here", ("place",), ("sender", "addressee", "archive")),
    ("Letters kept here", ("archive",), ("sender", "addressee", "place")),
    ("Letters in this file", ("file",), ("sender", "addressee")),
    ("Letters it prints or publishes", ("edition",), ("sender", "addressee", "archive")),
    ("Letters in this language", ("language",), ("sender", "addressee", "archive")),
    ("Letters it translated", ("translator",), ("sender", "addressee")),
]


def page_count(catalogue: Catalogue, iri: str) -> int:
    """How many pages the longest list of an entity's page has."""
    longest = max((catalogue.letters_of(iri, roles) for _, roles, _ in SECTIONS), default=0)
    return max(1, (longest + PAGE - 1) // PAGE)


def entity_page(d: Described, catalogue: Catalogue, page: int, target: Target) -> tuple[str, str]:
    """The title and body of an entity's page, by what it is."""
    me = d.iri
    title = d.label(me)
    types = set(d.iris(me, vocab.RDF_TYPE)) | set(d.iris(me, CRM + "P2_has_type"))
    names = [
        f"{escape(v.value)}" + (f' <span class="basis">({escape(v.language)})</span>' if v.language else "")
        for v in d.values(me, SKOS + "prefLabel")
        if hasattr(v, "language")
    ]
    variants = sorted({v.value for v in d.values(me, SKOS + "altLabel")})
    same = [outward(o) for o in d.iris(me, OWL + "sameAs") + d.iris(me, SKOS + "exactMatch")]
    kind = kind_of(types, catalogue.letters_of(me, ("archive",)) > 0)
    rows = [
        ("Kind", escape(kind)),
        ("Names", "<br>".join(names)),
        ("Also written", escape(", ".join(variants))),
        ("The same as", "<br>".join(same)),
        ("Part of", d.links(me, CRM + "P46i_forms_part_of")),
        (
            "Kept by",
            d.links(me, CRM + "P50_has_current_keeper")
            or d.links(me, CRM + "P109_has_current_or_former_curator"),
        ),
        ("Edited by", d.links(me, vocab.MARCREL + "edt")),
        ("Published by", d.links(me, DCT + "publisher")),
        ("Issued", escape(d.first(me, DCT + "issued") or "")),
        (
            "Web page",
            " ".join(outward(p) for p in d.iris(me, vocab.FOAF + "page")),
        ),
    ]
    body = [f"<h1>{escape(title)}</h1>", definition(rows)]
    listed_any = False
    for heading, roles, columns in SECTIONS:
        total = catalogue.letters_of(me, roles)
        if not total:
            continue
        listed_any = True
        if roles == ("sender", "addressee"):
            sent, received = catalogue.letters_of(me, ("sender",)), catalogue.letters_of(me, ("addressee",))
            body.append(f"<h2>{heading}</h2><p>{sent} sent, {received} received.</p>")
            body.append(correspondents(d, catalogue))
        else:
            body.append(f"<h2>{heading} ({total})</h2>")
        if roles == ("archive",):
            body.append(files_of(d, catalogue))
        count, letters = catalogue.browse(entity=me, roles=roles, page=page)
        body.append("<h3>Letters</h3>" if roles in (("sender", "addressee"), ("archive",)) else "")
        body.append(letters_table(d.frame, letters, columns, me))
        body.append(pages(count, page, target))
    mentioned = catalogue.letters_of(me, ("mentioned",))
    if mentioned:
        count, letters = catalogue.browse(entity=me, roles=("mentioned",), page=1)
        body.append(f"<h2>Letters that mention it ({mentioned})</h2>")
        body.append(letters_table(d.frame, letters, ("sender", "addressee")))
        if count > len(letters):
            body.append(f'<p><a href="/letters?mentions={escape(me)}">All {count}</a></p>')
    if not listed_any and not mentioned:
        body.append("<p>No letter of this dataset names it.</p>")
    body.append(d.statements())
    return title, "\n".join(body)


KINDS = [  # what a page calls an entity, by its types (the first that applies)
    (vocab.LODPUB + "ArchivalFile", "archival file"),
    (vocab.LODPUB + "PrintedEdition", "printed edition"),
    (vocab.LODPUB + "WebRecord", "web record"),
    (CRM + "E21_Person", "person"),
    (CRM + "E74_Group", "group"),
    (CRM + "E53_Place", "place"),
    (CRM + "E78_Curated_Holding", "fonds"),
    (CRM + "E56_Language", "language"),
    (CRM + "E31_Document", "document"),
]


def kind_of(types: set[str], archive: bool) -> str:
    if archive:
        return "archive"
    return next((name for iri, name in KINDS if iri in types), "")


def correspondents(d: Described, catalogue: Catalogue) -> str:
    rows = "".join(
        f"<tr><td>{link(d.frame, iri, label)}</td><td>{to}</td><td>{back}</td></tr>"
        for iri, label, to, back in catalogue.correspondents(d.iri)
    )
    if not rows:
        return ""
    return (
        '<h3>Correspondents</h3><div class="scroll"><table><thead><tr><th>Correspondent</th>'
        f"<th>Letters to</th><th>Letters from</th></tr></thead><tbody>{rows}</tbody></table></div>"
    )


def files_of(d: Described, catalogue: Catalogue) -> str:
    """An archive's files (with their fonds) that hold its letters, with how many each holds."""
    files = catalogue.parts_of(d.iri, ("file",))
    if not files:
        return ""
    rows = []
    for iri, label, count in files:
        fonds = d.parents.get(iri, [])
        rows.append(
            f"<tr><td>{', '.join(d.link(f) for f in fonds)}</td>"
            f"<td>{link(d.frame, iri, label)}</td><td>{count}</td></tr>"
        )
    return (
        '<h3>Fonds and files</h3><div class="scroll"><table><thead><tr><th>Fonds</th><th>File</th>'
        f"<th>Letters</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )
