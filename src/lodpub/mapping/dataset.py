"""The dataset description (VoID + DCAT), from statistics gathered while the graphs are written."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pyoxigraph import Literal, NamedNode, Triple

from .. import __version__, vocab
from ..settings import Settings
from ..textutil import slug
from ..write.layout import FORMATS, MEDIA_TYPES, WHOLE
from .iris import Iris
from .rdf import LABEL, TYPE, Triples, dct, object_of, subject_of, term, text, typed

#: dump file -> media type
DUMPS = {WHOLE[form]: MEDIA_TYPES[form] for form in FORMATS}

#: The Correspondence Metadata Interchange Format (its specification)
CMIF = "https://github.com/TEI-Correspondence-SIG/CMIF"
#: What the dataset licence covers (MODEL.md, Rights): lodpub's metadata, not the letters' texts
RIGHTS_LABEL = "Rights of the metadata and of the letters' texts"
RIGHTS_LICENSED = (
    "The licence of this dataset, {license} (dcterms:license), applies to the metadata lodpub "
    "publishes about the letters: their descriptions, provenance, evidence and links. It does not "
    "apply to the letters' texts: each text carries its own rights statement, as its source states "
    "it (crm:P104_is_subject_to and dcterms:rights on the text), and a text whose source states no "
    "rights carries none."
)
RIGHTS_UNLICENSED = (
    "No licence is stated for the metadata lodpub publishes about the letters. The letters' texts "
    "carry their own rights: each text's rights statement, as its source states it, is on the text "
    "(crm:P104_is_subject_to and dcterms:rights), and a text whose source states no rights carries "
    "none."
)


COMMENT = term(vocab.RDFS, "comment")
_HAS_TYPE = vocab.CRM + "P2_has_type"


def v(local: str) -> NamedNode:
    return term(vocab.VOID, local)


def dcat(local: str) -> NamedNode:
    return term(vocab.DCAT, local)


@dataclass
class Statistics:
    """Counts over the data graphs (letters and entities), for VoID."""

    triples: int = 0
    entities: int = 0
    classes: Counter[str] = field(default_factory=Counter)
    properties: Counter[str] = field(default_factory=Counter)
    example: str | None = None
    types: Counter[str] = field(default_factory=Counter)  # resources per lodpub type (crm:P2_has_type)

    def add(self, triples: list[Triple], base: str) -> None:
        """Count one graph. Graphs never share subjects, so per-graph subject counts add up."""
        self.triples += len(triples)
        subjects = set()
        for t in triples:
            self.properties[t.predicate.value] += 1
            if t.predicate.value == vocab.RDF_TYPE:
                self.classes[object_of(t).value] += 1
            elif t.predicate.value == _HAS_TYPE and object_of(t).value.startswith(vocab.LODPUB):
                self.types[object_of(t).value] += 1
            subject = subject_of(t).value
            if subject.startswith(base):
                subjects.add(subject)
        self.entities += len(subjects)

    def combine(self, other: Statistics, sign: int = 1) -> None:
        """Add (or, with ``sign`` -1, take away) another graph's counts."""
        self.triples += sign * other.triples
        self.entities += sign * other.entities
        for mine, theirs in (
            (self.classes, other.classes),
            (self.properties, other.properties),
            (self.types, other.types),
        ):
            for key, count in theirs.items():
                mine[key] += sign * count
                if not mine[key]:
                    del mine[key]

    def as_json(self) -> str:
        """The counts, as kept between builds."""
        return json.dumps(
            [
                self.triples,
                self.entities,
                sorted(self.classes.items()),
                sorted(self.properties.items()),
                sorted(self.types.items()),
            ]
        )

    @classmethod
    def from_json(cls, text: str) -> Statistics:
        """Counts kept by ``as_json``."""
        triples, entities, classes, properties, types = json.loads(text)
        return cls(
            triples, entities, Counter(dict(classes)), Counter(dict(properties)), None, Counter(dict(types))
        )

    def vocabularies(self) -> list[str]:
        """Namespaces of the classes and properties used."""
        used = set(self.classes) | set(self.properties)
        return sorted(ns for ns in set(vocab.PREFIXES.values()) if any(u.startswith(ns) for u in used))


def describe_dataset(
    iris: Iris,
    settings: Settings,
    stats: Statistics,
    sizes: dict[str, int] | None = None,
    chunks: dict[str, int | None] | None = None,
    dumps: tuple[str, ...] = tuple(DUMPS),
) -> list[Triple]:
    """The triples of the dataset graph; with ``sizes`` (bytes per dump) also dcat:byteSize, and
    the gzip N-Quads ``chunks`` (name -> bytes, or None when not yet known) as further
    distributions.
    ``dumps``: the whole-file dumps the build wrote (none when it writes dumps in parts)."""
    d = iris.dataset
    out = Triples()
    out.add(d, TYPE, v("Dataset"))
    out.add(d, TYPE, dcat("Dataset"))
    out.add(d, dct("title"), text(settings.title, "en"))
    out.add(d, dct("description"), text(settings.description, "en"))
    licence = NamedNode(settings.license) if settings.license else None
    if licence is not None:
        out.add(d, dct("license"), licence)
    rights = NamedNode(f"{iris.base}dataset/rights")
    out.add(d, dct("rights"), rights)
    out.add(rights, TYPE, dct("RightsStatement"))
    out.add(rights, LABEL, text(RIGHTS_LABEL, "en"))
    statement = RIGHTS_LICENSED.format(license=settings.license) if licence else RIGHTS_UNLICENSED
    out.add(rights, COMMENT, text(statement, "en"))
    if settings.publisher:
        publisher = NamedNode(iris.base + "agent/publisher")
        out.add(d, dct("publisher"), publisher)
        out.add(publisher, TYPE, term(vocab.FOAF, "Agent"))
        out.add(publisher, term(vocab.FOAF, "name"), text(settings.publisher))
    if settings.source_date_epoch is not None:
        moment = datetime.fromtimestamp(settings.source_date_epoch, UTC)
        out.add(d, dct("modified"), typed(moment.strftime("%Y-%m-%dT%H:%M:%SZ"), "dateTime"))
    out.add(d, v("uriSpace"), text(iris.base))
    out.add(d, v("triples"), integer(stats.triples))
    out.add(d, v("entities"), integer(stats.entities))
    for namespace in stats.vocabularies():
        out.add(d, v("vocabulary"), NamedNode(namespace))
    if stats.example:
        out.add(d, v("exampleResource"), NamedNode(stats.example))
    if settings.public_endpoint:
        out.add(d, v("sparqlEndpoint"), NamedNode(settings.public_endpoint))
    for cls, count in sorted(stats.classes.items()):
        part = NamedNode(f"{iris.base}dataset/class/{_short(cls)}")
        out.add(d, v("classPartition"), part)
        out.add(part, v("class"), NamedNode(cls))
        out.add(part, v("entities"), integer(count))
    for kind, count in sorted(stats.types.items()):  # as class partitions, for lodpub's types
        part = NamedNode(f"{iris.base}dataset/type/{_short(kind)}")
        out.add(d, term(vocab.LODPUB, "typePartition"), part)
        out.add(part, term(vocab.LODPUB, "partitionType"), NamedNode(kind))
        out.add(part, v("entities"), integer(count))
    for prop, count in sorted(stats.properties.items()):
        part = NamedNode(f"{iris.base}dataset/property/{_short(prop)}")
        out.add(d, v("propertyPartition"), part)
        out.add(part, v("property"), NamedNode(prop))
        out.add(part, v("triples"), integer(count))
    for name in dumps:
        media = DUMPS[name]
        dist = NamedNode(f"{iris.base}dataset/dump/{name}")
        out.add(d, dcat("distribution"), dist)
        out.add(d, v("dataDump"), NamedNode(f"{iris.base}dump/{name}"))
        out.add(dist, TYPE, dcat("Distribution"))
        out.add(dist, LABEL, text(name))
        out.add(dist, dcat("downloadURL"), NamedNode(f"{iris.base}dump/{name}"))
        out.add(dist, dcat("mediaType"), NamedNode(vocab.IANA_MEDIA + media))
        out.add(dist, dct("format"), text(media))
        _rights(out, dist, licence, rights)
        if sizes is not None and name in sizes:
            out.add(dist, dcat("byteSize"), integer(sizes[name]))
    if settings.cmif == "true":  # the letters' metadata in CMIF, for correspSearch (export/cmif.py)
        dist = NamedNode(f"{iris.base}dataset/cmif")
        out.add(d, dcat("distribution"), dist)
        out.add(dist, TYPE, dcat("Distribution"))
        out.add(dist, LABEL, text("cmif.xml"))
        out.add(dist, dcat("downloadURL"), NamedNode(f"{iris.base}cmif.xml"))
        out.add(dist, dcat("mediaType"), NamedNode(vocab.IANA_MEDIA + "application/tei+xml"))
        out.add(dist, dct("format"), text("application/tei+xml"))
        out.add(dist, dct("conformsTo"), NamedNode(CMIF))
        _rights(out, dist, licence, rights)
    for name, size in sorted((chunks or {}).items()):
        dist = NamedNode(f"{iris.base}dataset/{name}")
        out.add(d, dcat("distribution"), dist)
        out.add(dist, TYPE, dcat("Distribution"))
        out.add(dist, LABEL, text(name))
        out.add(dist, dcat("downloadURL"), NamedNode(f"{iris.base}{name}"))
        out.add(dist, dcat("mediaType"), NamedNode(vocab.IANA_MEDIA + "application/n-quads"))
        out.add(dist, dcat("compressFormat"), NamedNode(vocab.IANA_MEDIA + "application/gzip"))
        _rights(out, dist, licence, rights)
        if size is not None:
            out.add(dist, dcat("byteSize"), integer(size))
    activity, agent = iris.build_activity(__version__), iris.software(__version__)
    out.add(d, term(vocab.PROV, "wasGeneratedBy"), activity)
    out.add(activity, TYPE, term(vocab.PROV, "Activity"))
    out.add(activity, LABEL, text(f"build with lodpub {__version__}"))
    out.add(activity, term(vocab.PROV, "wasAssociatedWith"), agent)
    out.add(agent, TYPE, term(vocab.PROV, "SoftwareAgent"))
    out.add(agent, LABEL, text(f"lodpub {__version__}"))
    out.add(agent, dct("hasVersion"), text(__version__))
    return out.sorted()


def _rights(out: Triples, dist: NamedNode, licence: NamedNode | None, rights: NamedNode) -> None:
    """A dump's licence (the dataset's, for the metadata) and the dataset's rights statement."""
    if licence is not None:
        out.add(dist, dct("license"), licence)
    out.add(dist, dct("rights"), rights)


def integer(value: int) -> Literal:
    return typed(str(value), "integer")


def _short(iri: str) -> str:
    for prefix, namespace in vocab.PREFIXES.items():
        if iri.startswith(namespace):
            return slug(f"{prefix}-{iri[len(namespace) :]}")
    return slug(iri)
