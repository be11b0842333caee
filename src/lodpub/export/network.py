"""The network of correspondents, for Gephi (GEXF) and other graph tools (GraphML): a node per
sender or addressee (label, kind, QID, IRI) and a directed edge per letter from each sender to
each addressee (the letter's IRI, title and date). In GEXF the network is dynamic: each edge is
there from the first day its letter's date allows, so Gephi's timeline replays the letters."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import networkx as nx
from networkx.readwrite.gexf import GEXFWriter

from .records import Record
from .table import qid


def network(letters: Iterable[Record]) -> nx.MultiDiGraph[str]:
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph(mode="dynamic", timeformat="date")
    count = 0
    for record in letters:
        count += 1
        senders, addressees = record.parties("sender"), record.parties("addressee")
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
    graph.graph["letters"] = count
    return graph


def write_gexf(path: Path, letters: Iterable[Record], when: str) -> int:
    """GEXF 1.2; ``when`` (YYYY-MM-DD) dates the file instead of the clock. The letters."""
    graph = network(letters)
    writer = GEXFWriter(version="1.2draft")
    writer.add_graph(graph)
    meta = writer.xml.find("meta")
    if meta is not None:
        meta.set("lastmodifieddate", when)
        meta.find("creator").text = "lodpub"
    tmp = path.with_name(path.name + ".tmp")
    writer.write(str(tmp))
    tmp.replace(path)
    return int(graph.graph["letters"])


def write_graphml(path: Path, letters: Iterable[Record]) -> int:
    """GraphML; the letters."""
    graph = network(letters)
    count = int(graph.graph.pop("letters"))
    for _, _, data in graph.edges(data=True):
        data.pop("start", None)
    graph.graph.clear()
    tmp = path.with_name(path.name + ".tmp")
    nx.write_graphml(graph, str(tmp))
    tmp.replace(path)
    return count
