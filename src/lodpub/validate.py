"""SHACL validation: shapes in, a typed report out.

Letters are validated in batches (a union of their graphs plus the types of the entities they
name), and each result is routed back to its letter by the IRI of its focus node. The letter
shapes run with one ``sh:targetNode`` per letter of the batch (and per letter graph) added, so
every letter the mapping emitted is a focus of them, whatever parts its graph lacks. The entities
graph and the dataset description are validated once each, with their own shapes.

Two engines run the same shapes: pyshacl, the reference, and pyshacl-turbo (a SHACL engine in
Rust that reads pyoxigraph stores directly), ten times faster. Builds use turbo by default;
tests/test_engines.py proves that both give the same issues on the project's shapes, the golden
cases and deliberately broken letters, and ``shacl_engine = "pyshacl"`` switches back.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import pyoxigraph as ox
import pyshacl_turbo
from pyoxigraph import Literal as OxLiteral
from pyoxigraph import Triple
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.graph import ReadOnlyGraphAggregate
from rdflib.namespace import RDF, SH

from . import vocab
from .errors import ConfigError
from .mapping import Iris, MappedLetter
from .mapping.rdf import object_of, subject_of
from .resources import data_path
from .settings import SHACL_ENGINES

LODPUB = Namespace(vocab.LODPUB)
LPS = Namespace("https://w3id.org/lodpub/shapes#")
#: The letter shapes that take each letter (or its graph) as a focus by ``sh:targetNode``
TARGETED = (LPS.Letter, LPS.DatedLetter, LPS.UndatedLetter, LPS.GraphProvenance)
_XSD_STRING = vocab.XSD + "string"


@dataclass(frozen=True)
class Issue:
    """One way the data does not conform, in terms a curator can act on."""

    message: str
    field: str
    focus: str
    path: str | None = None
    value: str | None = None
    letter: str | None = None
    file: str | None = None
    line: int | None = None
    severity: str = "Violation"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line or 1}" if self.file else self.focus
        detail = f" (value {self.value})" if self.value else ""
        return f"{where}: {self.field}: {self.message}{detail}"


@dataclass(frozen=True)
class ValidationReport:
    """The result of validating a corpus: every issue, and how many letters were checked."""

    letters: int
    issues: tuple[Issue, ...]

    @property
    def conforms(self) -> bool:
        """True when no violation was found."""
        return not any(i.severity == "Violation" for i in self.issues)

    def to_json(self) -> str:
        """The report for machines."""
        return json.dumps(
            {
                "conforms": self.conforms,
                "letters": self.letters,
                "issues": [asdict(i) for i in self.issues],
            },
            ensure_ascii=False,
            indent=2,
        )


def _well_typed(term: ox.NamedNode | OxLiteral) -> ox.NamedNode | OxLiteral:
    """An ill-typed literal (``"1958-13-45"^^xsd:date``) as a plain string, for both engines:
    pyshacl raises when it orders such a value (sh:lessThanOrEquals); as a string it is still
    reported, by sh:datatype."""
    if isinstance(term, OxLiteral) and not term.language:
        datatype = term.datatype.value
        if datatype != _XSD_STRING and _ill_typed(term.value, datatype):
            return OxLiteral(term.value)
    return term


@functools.lru_cache(maxsize=4096)
def _ill_typed(lexical: str, datatype: str) -> bool:
    return bool(Literal(lexical, datatype=URIRef(datatype)).ill_typed)


def to_rdflib(triples: Iterable[Triple], graph: Graph | None = None) -> Graph:
    """Copy pyoxigraph triples into an rdflib graph (pyshacl works on rdflib)."""
    out = graph if graph is not None else Graph()
    for t in triples:
        obj = object_of(t)
        subject = URIRef(subject_of(t).value)
        if isinstance(obj, OxLiteral):
            if obj.language:
                value = Literal(obj.value, lang=obj.language)
            elif obj.datatype.value == _XSD_STRING:
                value = Literal(obj.value)
            else:
                value = Literal(obj.value, datatype=URIRef(obj.datatype.value))
                if _ill_typed(obj.value, obj.datatype.value):
                    value = Literal(obj.value)  # see _well_typed
            out.add((subject, URIRef(t.predicate.value), value))
        else:
            out.add((subject, URIRef(t.predicate.value), URIRef(obj.value)))
    return out


class Shapes:
    """One shapes file, parsed for pyshacl and compiled once for turbo."""

    def __init__(self, path: Path, engine: str) -> None:
        self.graph = _load(path)
        self.engine = engine
        self.compiled = None
        if engine == "turbo":
            self.compiled = pyshacl_turbo.CompiledShapes(self.graph)  # type: ignore[no-untyped-call]

    def targeting(self, targets: list[tuple[URIRef, URIRef]]) -> Graph:
        """The shapes with ``sh:targetNode`` statements added: (shape, node) pairs. Turbo reads
        them through a view of the parsed shapes (no copy); pyshacl needs a graph of its own."""
        extra = Graph()
        extra.addN((shape, SH.targetNode, node, extra) for shape, node in targets)
        if self.engine == "turbo":
            return ReadOnlyGraphAggregate([self.graph, extra])
        extra += self.graph
        return extra

    def run(self, triples: Iterable[Triple], targets: Iterable[tuple[URIRef, URIRef]] = ()) -> list[Issue]:
        """The issues of a data graph given as triples, sorted; ``targets`` (shape, node) adds
        focus nodes to shapes for this run."""
        extra = list(targets)
        shapes = self.targeting(extra) if extra else self.graph
        if self.compiled is not None:
            compiled = pyshacl_turbo.CompiledShapes(shapes) if extra else self.compiled  # type: ignore[no-untyped-call]
            store = ox.Store()
            store.extend(ox.Quad(t.subject, t.predicate, _well_typed(object_of(t))) for t in triples)
            conforms, results, _ = compiled.validate(  # type: ignore[no-untyped-call]
                store, inference="none", allow_warnings=True
            )
        else:
            import pyshacl  # the reference engine, imported only when chosen (it takes a while)

            conforms, results, _ = pyshacl.validate(
                to_rdflib(triples),
                shacl_graph=shapes,
                inference="none",
                advanced=False,
                allow_warnings=True,
            )
        return [] if conforms else _issues(results, self.graph)


class Validator:
    """The project's shapes, parsed once, and the three validations that use them."""

    def __init__(self, iris: Iris, shapes_dir: Path | None = None, engine: str = SHACL_ENGINES[0]) -> None:
        if engine not in SHACL_ENGINES:
            raise ConfigError(f"unknown SHACL engine {engine!r}", hint="one of " + ", ".join(SHACL_ENGINES))
        folder = shapes_dir or data_path("shapes")
        self.iris = iris
        self.engine = engine
        self.letter_shapes = Shapes(folder / "letter.ttl", engine)
        for shape in TARGETED:
            if (shape, RDF.type, SH.NodeShape) not in self.letter_shapes.graph:
                raise ConfigError(
                    f"{folder / 'letter.ttl'}: no node shape {shape.n3()} to target the letters with"
                )
        self.entity_shapes = Shapes(folder / "entities.ttl", engine)
        self.dataset_shapes = Shapes(folder / "dataset.ttl", engine)

    def letters(self, batch: list[MappedLetter]) -> dict[str, list[Issue]]:
        """Validate a batch of letter graphs; issues per letter id (letters with none omitted)."""
        data: list[Triple] = []
        for mapped in batch:
            data += mapped.triples
            data += (t for ts in mapped.entities.values() for t in ts if t.predicate.value == vocab.RDF_TYPE)
        by_prefix = {self.iris.letter(m.letter.id).value: m for m in batch}
        out: dict[str, list[Issue]] = {}
        for issue in self.letter_shapes.run(data, _targets(batch, self.iris)):
            owner = _owner(issue.focus, by_prefix) or _mentioning(issue.focus, batch)
            if owner is None:
                raise AssertionError(f"validation result outside any letter: {issue}")
            letter = owner.letter
            mapped = owner
            line = _line(mapped, issue)
            placed = Issue(**{**asdict(issue), "letter": letter.id, "file": letter.path, "line": line})
            out.setdefault(letter.id, []).append(placed)
        return out

    def entities(self, triples: list[Triple], origin: str) -> list[Issue]:
        """Validate the entities graph; ``origin`` (the authority file) is named in issues."""
        return [Issue(**{**asdict(i), "file": origin}) for i in self.entity_shapes.run(triples)]

    def dataset(self, triples: list[Triple]) -> list[Issue]:
        """Validate the dataset description."""
        return self.dataset_shapes.run(triples)


def _targets(batch: list[MappedLetter], iris: Iris) -> list[tuple[URIRef, URIRef]]:
    """Every letter of the batch as a focus of the letter shapes, whatever its graph holds: the
    letter of lps:Letter and of lps:DatedLetter (or lps:UndatedLetter, when its source marks
    the date as unknown), its graph of lps:GraphProvenance."""
    targets = []
    for mapped in batch:
        letter = URIRef(iris.letter(mapped.letter.id).value)
        dated = LPS.DatedLetter if mapped.letter.undated is None else LPS.UndatedLetter
        targets += [(LPS.Letter, letter), (dated, letter), (LPS.GraphProvenance, URIRef(mapped.graph.value))]
    return targets


def _line(mapped: MappedLetter, issue: Issue) -> int:
    """The source line an issue points at: its field's line; for an evidence node, the line of
    the field it documents; else the first line of the letter."""
    field = issue.field
    if field == "evidence" and "/evidence/" in issue.focus:
        field = issue.focus.rsplit("/evidence/", 1)[1]
    return mapped.field_lines.get(field, 1)


def _owner(focus: str, by_prefix: dict[str, MappedLetter]) -> MappedLetter | None:
    graph_prefix = "/graph/letter/"
    for prefix, mapped in by_prefix.items():
        if focus == prefix or focus.startswith(prefix + "/"):
            return mapped
        if focus.endswith(graph_prefix + mapped.letter.id):
            return mapped
    return None


def _mentioning(focus: str, batch: list[MappedLetter]) -> MappedLetter | None:
    """The first letter whose graph has ``focus`` as a subject or object (a focus outside every
    letter's IRIs, such as a class a broken graph uses as a value)."""
    for mapped in batch:
        if any(subject_of(t).value == focus or object_of(t).value == focus for t in mapped.triples):
            return mapped
    return batch[0] if len(batch) == 1 else None


def _load(path: Path) -> Graph:
    try:
        return Graph().parse(path, format="turtle")
    except (OSError, SyntaxError, ValueError) as exc:
        raise ConfigError(f"{path}: cannot read SHACL shapes: {exc}") from exc


def _issues(results: Graph, shapes: Graph) -> list[Issue]:
    issues = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        field = None
        for source in (results.value(result, SH.sourceConstraint), results.value(result, SH.sourceShape)):
            if field is None and source is not None:
                field = shapes.value(source, LODPUB.field)
        message = results.value(result, SH.resultMessage)
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        severity = results.value(result, SH.resultSeverity)
        issues.append(
            Issue(
                message=str(message) if message is not None else "does not conform",
                field=str(field) if field is not None else "letter",
                focus=str(results.value(result, SH.focusNode)),
                path=str(path) if path is not None else None,
                value=str(value) if value is not None else None,
                severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
            )
        )
    return sorted(issues, key=lambda i: (i.focus, i.field, i.message, i.value or ""))
