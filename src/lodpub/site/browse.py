"""The pages that lead to letters: the home page (what the dataset is, its counts, its data), the
list of letters with its filters (year, correspondent, archive, language, words of the title),
and the SPARQL page (a form with the cookbook's queries, answers as a table)."""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

import pyoxigraph as ox

from ..cookbook import cookbook, describe
from .catalogue import Catalogue
from .html import Frame, letters_table, link, pages, whole_number

FILTERS = ("year", "correspondent", "archive", "language", "q")


def home(
    frame: Frame, catalogue: Catalogue, description: str, dumps: list[tuple[str, str]]
) -> tuple[str, str]:
    counts = catalogue.counts()
    total, first = catalogue.browse()
    kinds = {kind: catalogue.kind_count(frame.base + kind + "/") for kind in ("person", "group", "place")}
    facts = [
        _count(counts.get("letters", 0), "letter", "letters"),
        _count(kinds["person"], "person", "people"),
        _count(kinds["group"], "group", "groups"),
        _count(kinds["place"], "place", "places"),
        _count(counts.get("archive", 0), "archive", "archives"),
        _count(counts.get("language", 0), "original language", "original languages"),
    ]
    years = "".join(
        f'<li><a href="/letters?year={year}">{year}</a> ({count})</li>' for year, count in catalogue.years()
    )
    data = "".join(f'<li><a href="{escape(url)}">{escape(name)}</a></li>' for name, url in dumps)
    endpoint = (
        f'<li>SPARQL endpoint: <a href="{escape(frame.endpoint)}">{escape(frame.endpoint)}</a> '
        "(the default graph is the union of all graphs)</li>"
        if frame.endpoint
        else ""
    )
    body = [
        f"<h1>{escape(frame.title)}</h1>",
        f"<p>{escape(description)}</p>" if description else "",
        f'<p class="meta">{escape(", ".join(facts))}.</p>',
        "<h2>Browse the letters</h2>",
        filter_form(catalogue, {}),
        letters_table(frame, first, ("sender", "addressee", "place", "archive")),
        f'<p><a href="/letters">All {total} letters</a>, in date order.</p>' if total > len(first) else "",
        f"<h3>By year</h3><ul>{years}</ul>" if years else "",
        f'<h2 id="data">The data</h2><ul>{endpoint}'
        '<li>Dataset description (VoID): <a href="/.well-known/void">/.well-known/void</a></li>'
        f"{data}</ul>",
    ]
    return frame.title, "\n".join(b for b in body if b)


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def filter_form(catalogue: Catalogue, given: dict[str, str], action: str = "/letters") -> str:
    """The form of the letters' filters, showing what is ``given``."""

    def select(name: str, label: str, options: list[tuple[str, str]]) -> str:
        chosen = given.get(name, "")
        items = ['<option value="">any</option>'] + [
            f'<option value="{escape(value)}"{" selected" if value == chosen else ""}>{escape(text)}</option>'
            for value, text in options
        ]
        return f'<label>{label}<select name="{name}">{"".join(items)}</select></label>'

    years = [(str(year), f"{year} ({count})") for year, count in catalogue.years()]
    people = [(iri, f"{label} ({count})") for iri, label, count in catalogue.choices("correspondent")]
    archives = [(iri, f"{label} ({count})") for iri, label, count in catalogue.choices("archive")]
    languages = [(iri, f"{label} ({count})") for iri, label, count in catalogue.choices("language")]
    return (
        f'<form class="filters" method="get" action="{escape(action)}">'
        + select("year", "Year", years)
        + select("correspondent", "Correspondent", people)
        + select("archive", "Archive", archives)
        + select("language", "Original language", languages)
        + '<label>Words of the title<input type="search" name="q" '
        + f'value="{escape(given.get("q", ""))}"></label>'
        + '<button type="submit">Show letters</button></form>'
    )


def letters(frame: Frame, catalogue: Catalogue, given: dict[str, str], page: int) -> tuple[str, str]:
    """The list of letters, filtered by ``given`` (FILTERS), one page of it."""
    year = whole_number(given, "year", 1, 9999)
    total, found = catalogue.browse(
        year=year,
        correspondent=given.get("correspondent") or None,
        archive=given.get("archive") or None,
        language=given.get("language") or None,
        text=given.get("q") or None,
        page=page,
        entity=given.get("mentions") or None,
        roles=("mentioned",) if given.get("mentions") else (),
    )
    kept = {k: v for k, v in given.items() if v and k in (*FILTERS, "mentions")}

    def target(number: int) -> str:
        return "/letters?" + urlencode({**kept, "page": str(number)})

    body = [
        "<h1>Letters</h1>",
        filter_form(catalogue, given),
        f"<p>{total} letter{'s' if total != 1 else ''}.</p>",
        letters_table(frame, found, ("sender", "addressee", "place", "archive", "language")),
        pages(total, page, target),
    ]
    return "Letters", "\n".join(body)


def sparql_page(
    frame: Frame,
    catalogue: Catalogue,
    query: str | None,
    name: str | None,
    answer: ox.QuerySolutions | list[ox.Triple] | bool | None,
    error: str | None,
) -> tuple[str, str]:
    """The SPARQL form (prefilled with a cookbook query, or the one asked), and its answer."""
    queries = cookbook()
    if query is None:
        chosen = queries.get(name or "") or next(iter(queries.values()))
        query = chosen.read_text(encoding="utf-8")
    items = "".join(
        f'<li><a href="/sparql?name={escape(stem)}">{escape(stem)}</a>: {escape(describe(path))}</li>'
        for stem, path in queries.items()
    )
    body = [
        "<h1>Ask the dataset (SPARQL)</h1>",
        '<form method="get" action="/sparql"><label for="query">Query</label>'
        f'<textarea id="query" name="query" rows="16">{escape(query)}</textarea>'
        '<p><button type="submit">Run</button> <span class="meta">Answers are bounded in time and rows; '
        "programs may send the same query to this address and get JSON, XML, CSV or TSV.</span></p></form>",
    ]
    if error is not None:
        body.append(f'<h2>Answer</h2><p role="alert">{escape(error)}</p>')
    elif answer is not None:
        body.append("<h2>Answer</h2>" + answer_table(frame, catalogue, answer))
    body.append(f"<h2>The cookbook</h2><ul>{items}</ul>")
    return "SPARQL", "\n".join(body)


def answer_table(
    frame: Frame, catalogue: Catalogue, answer: ox.QuerySolutions | list[ox.Triple] | bool
) -> str:
    if isinstance(answer, bool):
        return f"<p>{'yes' if answer else 'no'}</p>"
    if isinstance(answer, list):
        names = ["subject", "predicate", "object"]
        rows = [[t.subject, t.predicate, t.object] for t in answer]
    else:
        names = [v.value for v in answer.variables]
        rows = [list(solution) for solution in answer]
    iris = {term.value for row in rows for term in row if isinstance(term, ox.NamedNode)}
    labels = catalogue.labels(iris)

    def cell(term: object) -> str:
        if term is None:
            return ""
        if isinstance(term, ox.NamedNode):
            return link(frame, term.value, labels.get(term.value))
        if isinstance(term, ox.Literal):
            return escape(term.value)
        return escape(str(term))

    head = "".join(f"<th>{escape(n)}</th>" for n in names)
    body = "".join("<tr>" + "".join(f"<td>{cell(t)}</td>" for t in row) + "</tr>" for row in rows)
    return (
        f"<p>{len(rows)} row{'s' if len(rows) != 1 else ''}.</p>"
        f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'
    )
