"""The pieces every page of the research site is made of: the layout (semantic HTML, readable on
a phone, printable, no fonts or scripts from elsewhere), escaped text, links that show labels,
tables of letters and paging. Everything written into a page goes through ``escape``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import escape

from .. import vocab
from .catalogue import PAGE, Listed

CSS = """:root{color-scheme:light;--ink:#222;--muted:#666;--line:#ddd;--tint:#f6f4ef;--link:#1a4f8b}
*{box-sizing:border-box}body{font-family:Georgia,"Times New Roman",serif;color:var(--ink);margin:0;
line-height:1.45}header,main,footer{max-width:62rem;margin:0 auto;padding:0 1rem}
header{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:baseline;padding-top:1rem;
border-bottom:1px solid var(--line)}header .site{font-weight:bold;font-size:1.1rem;color:var(--ink)}
nav a{margin-right:1rem}a{color:var(--link)}h1{font-size:1.5rem;margin:1rem 0 .3rem}
h2{font-size:1.2rem;margin-top:1.6rem}.meta{color:var(--muted)}dl{display:grid;
grid-template-columns:minmax(8rem,14rem) 1fr;gap:.3rem 1rem}dt{font-weight:bold}dd{margin:0}
pre.text{white-space:pre-wrap;font-family:inherit;background:var(--tint);padding:1rem}
.scroll{overflow-x:auto}table{border-collapse:collapse;font-size:.92rem;width:100%}
th,td{border-bottom:1px solid var(--line);padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:var(--tint)}q{font-style:italic}.basis{font-size:.85rem;color:var(--muted)}
form.filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:end;margin:1rem 0}
form.filters label{display:flex;flex-direction:column;font-size:.9rem}textarea{width:100%;
font-family:monospace;font-size:.9rem}details{margin-top:1.5rem}footer{margin-top:2rem;
border-top:1px solid var(--line);padding-bottom:1rem;color:var(--muted);font-size:.9rem}
.pages a,.pages span{margin-right:.6rem}
@media (max-width:40rem){dl{grid-template-columns:1fr}dt{margin-top:.4rem}}
@media print{header nav,footer,form,.pages,details{display:none}a{color:inherit;text-decoration:none}
body{font-size:11pt}}"""


@dataclass(frozen=True)
class Page:
    """An HTML page: its status (200, 404) and its bytes."""

    status: int
    body: bytes


@dataclass(frozen=True)
class Frame:
    """What every page shows around its content: the dataset's title, where it lies, its licence."""

    title: str
    base: str
    license: str | None = None
    endpoint: str = "/sparql"  # the SPARQL page of the site ('' where there is none)


class BadParameter(ValueError):
    """A query parameter of a page that is not what the page takes (HTTP 400)."""

    def __init__(self, name: str, value: str, wanted: str) -> None:
        super().__init__(f"{name}={value[:40]!r}: {wanted}")
        self.name, self.value, self.wanted = name, value, wanted


def whole_number(params: dict[str, str], name: str, lowest: int, highest: int) -> int | None:
    """The parameter ``name`` as a whole number from ``lowest`` to ``highest`` (ASCII digits),
    None when it is absent or empty; ``BadParameter`` otherwise."""
    text = params.get(name, "")
    if not text:
        return None
    if not (
        text.isascii()
        and text.isdigit()
        and len(text) <= len(str(highest))
        and lowest <= int(text) <= highest
    ):
        raise BadParameter(name, text, f"a whole number from {lowest} to {highest}")
    return int(text)


# A resource's formats: the ?format= word and the media type
ALTERNATES = {
    "html": "text/html",
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
}


def alternates(path: str) -> str:
    """The ``<link rel="alternate">`` elements of a resource's page at ``path``: its other
    formats as ``?format=``, which ``lodpub serve`` and the static copy's nginx and Apache
    configurations both answer (the two copies' pages are the same bytes)."""
    return "".join(
        f'<link rel="alternate" type="{kind}" href="{escape(f"{path}?format={form}")}">'
        for form, kind in ALTERNATES.items()
        if form != "html"
    )


def layout(frame: Frame, title: str, body: str, head: str = "") -> bytes:
    """A whole page."""
    nav = ['<a href="/letters">Letters</a>']
    if frame.endpoint:
        nav.append(f'<a href="{escape(frame.endpoint)}">SPARQL</a>')
    nav.append('<a href="/#data">Data</a>')
    licence = (
        f' Licence of the metadata: <a href="{escape(frame.license)}">{escape(frame.license)}</a>.'
        if frame.license
        else ""
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} — {escape(frame.title)}</title><style>{CSS}</style>{head}</head>\n<body>"
        f'<header><a class="site" href="/">{escape(frame.title)}</a><nav>{" ".join(nav)}</nav></header>\n'
        f"<main>\n{body}\n</main>\n"
        f"<footer>Published with lodpub as Linked Data (CIDOC-CRM, Dublin Core).{licence}</footer>"
        "</body></html>\n"
    ).encode()


def href(frame: Frame, iri: str) -> str:
    """Where a link to ``iri`` points: its path on this site, or the IRI itself elsewhere."""
    return iri[len(frame.base) - 1 :] if iri.startswith(frame.base) else iri


def readable(iri: str) -> str:
    """A name for an IRI without a label: a prefixed name, or its last segments in words."""
    for prefix, namespace in vocab.PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    tail = iri.rstrip("/").rsplit("/", 2)
    words = " ".join(part.replace("-", " ") for part in tail[-2:] if part)
    return words or iri


def linkable(iri: str) -> bool:
    """Whether an IRI may be a link: http(s) only; ``javascript:``, ``data:``, ``file:``, ``urn:``
    and the rest are shown as text (a query's answer may hold any IRI)."""
    return iri.lower().startswith(("http://", "https://"))


def link(frame: Frame, iri: str, label: str | None) -> str:
    if not linkable(iri):
        return f'<span class="iri">{escape(label or iri)}</span>'
    return f'<a href="{escape(href(frame, iri))}">{escape(label or readable(iri))}</a>'


def outward(iri: str) -> str:
    """An IRI shown as itself, a link when it may be one (``linkable``)."""
    return f'<a href="{escape(iri)}">{escape(iri)}</a>' if linkable(iri) else escape(iri)


def links(frame: Frame, items: Iterable[tuple[str, str]]) -> str:
    return ", ".join(link(frame, iri, label) for iri, label in items)


def definition(rows: Iterable[tuple[str, str]]) -> str:
    """A description list of the rows that have a value (the values already HTML)."""
    items = [f"<dt>{escape(name)}</dt><dd>{value}</dd>" for name, value in rows if value]
    return "<dl>" + "".join(items) + "</dl>" if items else ""


def letters_table(
    frame: Frame, letters: list[Listed], columns: tuple[str, ...], me: str | None = None
) -> str:
    """Letters as a table: date and title, then ``columns`` (sender, addressee, place, archive,
    language, or "correspondent" and "direction", seen from ``me``)."""
    if not letters:
        return "<p>None.</p>"
    heads = {
        "correspondent": "Correspondent",
        "direction": "",
        "sender": "From",
        "addressee": "To",
        "place": "Place",
        "archive": "Archive",
        "language": "Language",
    }
    rows = []
    for letter in letters:
        cells = [escape(letter.date), link(frame, letter.iri, letter.title)]
        for column in columns:
            if column == "direction":
                sent = me is not None and any(e == me for e, _ in letter.parties.get("sender", []))
                cells.append(
                    "sent"
                    if sent
                    else "received"
                    if me and any(e == me for e, _ in letter.parties.get("addressee", []))
                    else ""
                )
            elif column == "correspondent":
                sent = me is not None and any(e == me for e, _ in letter.parties.get("sender", []))
                others = letter.parties.get("addressee" if sent else "sender", [])
                cells.append(links(frame, [(e, label) for e, label in others if e != me]))
            else:
                cells.append(links(frame, letter.parties.get(column, [])))
        rows.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
    head = (
        "<tr><th>Date</th><th>Title</th>" + "".join(f"<th>{escape(heads[c])}</th>" for c in columns) + "</tr>"
    )
    return f'<div class="scroll"><table><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table></div>'


def pages(total: int, page: int, target: Callable[[int], str]) -> str:
    """Links to the other pages of a list of ``total`` letters (``target``: a page's URL)."""
    count = (total + PAGE - 1) // PAGE
    if count <= 1:
        return ""
    shown = sorted({1, count, *range(max(1, page - 3), min(count, page + 3) + 1)})
    parts, last = [], 0
    for number in shown:
        if number > last + 1:
            parts.append("<span>…</span>")
        parts.append(
            f"<span>{number}</span>" if number == page else f'<a href="{escape(target(number))}">{number}</a>'
        )
        last = number
    first, end = (page - 1) * PAGE + 1, min(page * PAGE, total)
    return f'<p class="pages">Letters {first}–{end} of {total}: {" ".join(parts)}</p>'
