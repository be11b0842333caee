"""The network of correspondents, for Gephi (GEXF 1.3) and other graph tools (GraphML): a node
per sender or addressee (label, kind, QID, IRI). In GraphML a directed edge per letter from each
sender to each addressee (the letter's IRI, title and date); in GEXF an edge per sender and
addressee weighted by its letters, dynamic: each letter a spell of the days its date allows, so
Gephi's timeline replays the letters. A letter with no sender or no addressee is in no edge: the
writers count them, for the command to say so."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import networkx as nx
from lxml import etree

from .records import Party, Record
from .table import qid

Element = Any  # lxml.etree._Element (lxml ships no type hints)


def network(letters: Iterable[Record]) -> nx.MultiDiGraph[str]:
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph(mode="dynamic", timeformat="date")
    count = missing = 0
    for record in letters:
        count += 1
        senders, addressees = record.parties("sender"), record.parties("addressee")
        missing += not (senders and addressees)
        for party in (*senders, *addressees):
            if party.iri not in graph:
                graph.add_node(party.iri, label=party.label or party.iri, kind=party.kind, qid=qid(party))
        for sender in senders:
            for addressee in addressees:
                attributes = {"letter": record.iri, "title": record.title, "date": record.date}
                if record.begin:
                    attributes["start"] = record.begin[:10]
                graph.add_edge(
                    sender.iri,
                    addressee.iri,
                    key=f"{record.ident}:{sender.iri}:{addressee.iri}",
                    **attributes,
                )
    graph.graph["letters"], graph.graph["unlinked"] = count, missing
    return graph


GEXF = "http://gexf.net/1.3"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
NODE_ATTRIBUTES = (("kind", "string"), ("qid", "string"), ("letters", "integer"))
EDGE_ATTRIBUTES = (("letters", "string"), ("titles", "string"), ("dates", "string"), ("precision", "string"))


def write_gexf(path: Path, letters: Iterable[Record], when: str) -> tuple[int, int]:
    """GEXF 1.3 for Gephi; ``when`` (YYYY-MM-DD) dates the file instead of the clock. One edge
    per sender and addressee, its weight the letters between them (Gephi merges parallel edges of
    one kind, so a letter per edge would be summed away unseen), with the letters' IRIs, titles
    and dates as attributes, and a spell per letter: the days its date allows (one day, a month,
    a year, a range: the precision is the spell's length). A node's spells are its letters'.
    The letters, and those in no edge (no sender or no addressee: their parties are nodes)."""
    nodes: dict[str, tuple[Party, list[tuple[str, str] | None]]] = {}
    edges: dict[tuple[str, str], list[Record]] = {}
    count = missing = 0
    for record in letters:
        count += 1
        senders, addressees = record.parties("sender"), record.parties("addressee")
        missing += not (senders and addressees)
        for party in (*senders, *addressees):
            nodes.setdefault(party.iri, (party, []))[1].append(_spell(record))
        for sender in senders:
            for addressee in addressees:
                edges.setdefault((sender.iri, addressee.iri), []).append(record)
    root = etree.Element(f"{{{GEXF}}}gexf", nsmap={None: GEXF, "xsi": XSI}, version="1.3")
    root.set(f"{{{XSI}}}schemaLocation", f"{GEXF} {GEXF}/gexf.xsd")
    meta = etree.SubElement(root, f"{{{GEXF}}}meta", lastmodifieddate=when)
    etree.SubElement(meta, f"{{{GEXF}}}creator").text = "lodpub"
    etree.SubElement(meta, f"{{{GEXF}}}description").text = (
        "Correspondents (people and groups) and the letters between them: an edge's weight is its "
        "letters, its spells the days their dates allow."
    )
    graph = etree.SubElement(
        root,
        f"{{{GEXF}}}graph",
        defaultedgetype="directed",
        mode="dynamic",
        timeformat="date",
        timerepresentation="interval",
    )
    for kind, attributes in (("node", NODE_ATTRIBUTES), ("edge", EDGE_ATTRIBUTES)):
        declared = etree.SubElement(graph, f"{{{GEXF}}}attributes", {"class": kind, "mode": "static"})
        for name, kind_of_value in attributes:
            etree.SubElement(declared, f"{{{GEXF}}}attribute", id=name, title=name, type=kind_of_value)
    node_list = etree.SubElement(graph, f"{{{GEXF}}}nodes")
    for iri, (who, spells) in nodes.items():
        element = etree.SubElement(node_list, f"{{{GEXF}}}node", id=iri, label=who.label or iri)
        _values(element, {"kind": who.kind, "qid": qid(who), "letters": str(len(spells))})
        _spells(element, spells)
    edge_list = etree.SubElement(graph, f"{{{GEXF}}}edges")
    for number, ((source, target), between) in enumerate(edges.items()):
        element = etree.SubElement(
            edge_list,
            f"{{{GEXF}}}edge",
            id=str(number),
            source=source,
            target=target,
            kind="letter",
            weight=str(len(between)),
        )
        _values(
            element,
            {
                "letters": " ".join(r.iri for r in between),
                "titles": " | ".join(r.title for r in between),
                "dates": " | ".join(r.date for r in between),
                "precision": " | ".join(r.precision or "undated" for r in between),
            },
        )
        _spells(element, [_spell(r) for r in between])
    tmp = path.with_name(path.name + ".tmp")
    etree.ElementTree(root).write(str(tmp), xml_declaration=True, encoding="UTF-8", pretty_print=True)
    tmp.replace(path)
    return count, missing


def _spell(record: Record) -> tuple[str, str] | None:
    """The days a letter's date allows, or None for an undated letter."""
    if not record.begin:
        return None
    return record.begin[:10], (record.end or record.begin)[:10]


def _spells(element: Element, spells: list[tuple[str, str] | None]) -> None:
    """The spells of an element: overlapping ones merged, in order. An element with an undated
    letter has none (it is there at every time)."""
    if not spells or None in spells:
        return
    merged: list[list[str]] = []
    for start, end in sorted(s for s in spells if s is not None):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    holder = etree.SubElement(element, f"{{{GEXF}}}spells")
    for start, end in merged:
        etree.SubElement(holder, f"{{{GEXF}}}spell", start=start, end=end)


def _values(element: Element, values: dict[str, str]) -> None:
    holder = etree.SubElement(element, f"{{{GEXF}}}attvalues")
    for name, value in values.items():
        if value:
            etree.SubElement(holder, f"{{{GEXF}}}attvalue", {"for": name, "value": value})


def write_graphml(path: Path, letters: Iterable[Record]) -> tuple[int, int]:
    """GraphML, an edge per letter; the letters, and those in no edge."""
    graph = network(letters)
    count, missing = int(graph.graph.pop("letters")), int(graph.graph.pop("unlinked"))
    for _, _, data in graph.edges(data=True):
        data.pop("start", None)
    graph.graph.clear()
    tmp = path.with_name(path.name + ".tmp")
    nx.write_graphml(graph, str(tmp))
    tmp.replace(path)
    return count, missing
