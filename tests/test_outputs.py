"""Every output file parses in independent parsers and all formats carry the same graph."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyld import jsonld
from rdflib import BNode, ConjunctiveGraph, Dataset, Graph, URIRef
from rdflib.compare import isomorphic

from lodpub.pipeline import BuildResult

from .conftest import CORPUS, REPO, require_tool

DUMPS = {
    "dataset.nq": ("nquads", ox.RdfFormat.N_QUADS, "nquads"),
    "dataset.trig": ("trig", ox.RdfFormat.TRIG, "trig"),
    "dataset.ttl": ("turtle", ox.RdfFormat.TURTLE, "turtle"),
    "dataset.nt": ("nt", ox.RdfFormat.N_TRIPLES, "ntriples"),
    "dataset.jsonld": ("json-ld", ox.RdfFormat.JSON_LD, None),
    "void.ttl": ("turtle", ox.RdfFormat.TURTLE, "turtle"),
}


def all_files(out: Path) -> list[Path]:
    """Every RDF file of a build but the gzip chunks (tested on their own)."""
    not_rdf = ("context.jsonld", "graphs.tsv")
    return sorted(
        p for p in out.rglob("*") if p.is_file() and p.name not in not_rdf and p.parent.name != "dumps"
    )


def rdflib_graph(path: Path) -> Graph:
    if path.suffix in (".nq", ".trig") or path.name == "dataset.jsonld":
        dataset = Dataset()
        dataset.parse(path, format={".nq": "nquads", ".trig": "trig"}.get(path.suffix, "json-ld"))
        merged = Graph()
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            merged.add((s, p, o))
        return merged
    return Graph().parse(path, format={".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld"}[path.suffix])


def test_output_layout(seed_build: BuildResult) -> None:
    out = seed_build.out
    assert sorted(p.name for p in out.iterdir()) == [
        "context.jsonld",
        "dataset.jsonld",
        "dataset.nq",
        "dataset.nt",
        "dataset.trig",
        "dataset.ttl",
        "dumps",
        "graphs.tsv",
        "letters",
        "void.ttl",
    ]
    assert sorted(p.name for p in (out / "letters").iterdir()) == [
        "1958-04-17-cpsu-rwp-troops.jsonld",
        "1958-04-17-cpsu-rwp-troops.ttl",
        "1958-09-09-cpsu-rwp-advisors.jsonld",
        "1958-09-09-cpsu-rwp-advisors.ttl",
    ]


def test_graph_index_matches_the_dump(varied_build: BuildResult) -> None:
    """graphs.tsv: one line per named graph, in dump order, whose byte range of dataset.nq
    holds exactly that graph's quads (parsed here by rdflib, independently of the writer)."""
    import hashlib

    from rdflib import Dataset

    out = varied_build.out
    lines = (out / "graphs.tsv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "graph\ttriples\tsha256\tfile\toffset\tbytes\tturtle_sha256\tjsonld_sha256"
    dump = (out / "dataset.nq").read_bytes()
    whole = Dataset()
    whole.parse(data=dump.decode("utf-8"), format="nquads")
    position = 0
    for line in lines[1:]:
        iri, triples, digest, file, offset, size, turtle, jsonld = line.split("\t")
        assert file == "dataset.nq"
        ident = iri.rsplit("/graph/letter/", 1)[-1]
        if "/graph/letter/" in iri:
            for name, expected in ((f"{ident}.ttl", turtle), (f"{ident}.jsonld", jsonld)):
                assert hashlib.sha256((out / "letters" / name).read_bytes()).hexdigest() == expected
        else:
            assert (turtle, jsonld) == ("-", "-")
        assert int(offset) == position
        part = dump[position : position + int(size)]
        position += int(size)
        assert hashlib.sha256(part).hexdigest() == digest
        graph = Dataset()
        graph.parse(data=part.decode("utf-8"), format="nquads")
        assert {c.identifier.toPython() for c in graph.graphs() if len(c)} == {iri}
        assert len(graph.graph(URIRef(iri))) == int(triples) == len(whole.graph(URIRef(iri)))
    assert position == len(dump)
    assert len(lines) - 1 == varied_build.letters + 2


@pytest.mark.parametrize("build_name", ["seed_build", "varied_build"])
def test_every_file_parses_in_rdflib_and_pyoxigraph(build_name: str, request: pytest.FixtureRequest) -> None:
    out = request.getfixturevalue(build_name).out
    for path in all_files(out):
        graph = rdflib_graph(path)
        assert len(graph) > 0, path
        fmt = {
            ".ttl": ox.RdfFormat.TURTLE,
            ".nt": ox.RdfFormat.N_TRIPLES,
            ".nq": ox.RdfFormat.N_QUADS,
            ".trig": ox.RdfFormat.TRIG,
            ".jsonld": ox.RdfFormat.JSON_LD,
        }[path.suffix]
        quads = list(ox.parse(path=str(path), format=fmt))
        assert len({(q.subject, q.predicate, q.object) for q in quads}) == len(graph), path


def test_all_dumps_carry_the_same_graph(varied_build: BuildResult) -> None:
    out = varied_build.out
    reference = rdflib_graph(out / "dataset.nq")
    for name in ("dataset.trig", "dataset.ttl", "dataset.nt", "dataset.jsonld"):
        assert isomorphic(rdflib_graph(out / name), reference), name
    quads_nq = Dataset().parse(out / "dataset.nq", format="nquads")
    for name, fmt in (("dataset.trig", "trig"), ("dataset.jsonld", "json-ld")):
        other = Dataset().parse(out / name, format=fmt)
        graphs = {str(g.identifier) for g in quads_nq.graphs() if len(g)}
        assert graphs == {str(g.identifier) for g in other.graphs() if len(g)}, name
        for identifier in graphs:
            assert isomorphic(quads_nq.graph(identifier), other.graph(identifier)), (name, identifier)


def test_letter_files_equal_their_named_graph(varied_build: BuildResult) -> None:
    out = varied_build.out
    dataset = Dataset().parse(out / "dataset.nq", format="nquads")
    base = "https://lod.example.org/graph/letter/"
    for ttl in sorted((out / "letters").glob("*.ttl")):
        named = dataset.graph(base + ttl.stem)
        assert isomorphic(Graph().parse(ttl, format="turtle"), named), ttl
        assert isomorphic(Graph().parse(ttl.with_suffix(".jsonld"), format="json-ld"), named), ttl


def test_jsonld_expands_offline_in_pyld(varied_build: BuildResult) -> None:
    def no_network(url: str, options: object = None) -> object:
        raise AssertionError(f"pyld tried to load {url}")

    out = varied_build.out
    for path in [out / "dataset.jsonld", *sorted((out / "letters").glob("*.jsonld"))]:
        document = json.loads(path.read_text(encoding="utf-8"))
        nquads = jsonld.to_rdf(document, {"format": "application/n-quads", "documentLoader": no_network})
        from_pyld = Dataset().parse(data=nquads, format="nquads")
        expected = Dataset().parse(path, format="json-ld")
        assert len(from_pyld) == len(expected), path


def test_jsonld_is_compact_and_uses_the_context(seed_build: BuildResult) -> None:
    document = json.loads((seed_build.out / "letters" / "1958-04-17-cpsu-rwp-troops.jsonld").read_text())
    context = json.loads((seed_build.out / "context.jsonld").read_text())
    assert document["@context"] == context["@context"]
    letter = next(
        n
        for n in document["@graph"]
        if n["id"] == "https://lod.example.org/letter/1958-04-17-cpsu-rwp-troops"
    )
    assert letter["type"] == ["dcmitype:Text", "crm:E33_Linguistic_Object"]
    assert letter["created"] == {"@value": "1958-04-17", "@type": "xsd:date"}
    assert letter["creator"] == [
        "https://lod.example.org/group/cc-cpsu",
        "https://lod.example.org/person/khrushchev-nikita",
    ]
    time = next(n for n in document["@graph"] if n["id"].endswith("/creation/time"))
    assert time["begin_of_the_begin"] == "1958-04-17T00:00:00"


@pytest.mark.parametrize("build_name", ["seed_build", "varied_build"])
def test_raptor_parses_everything(build_name: str, request: pytest.FixtureRequest) -> None:
    rapper = require_tool("rapper")
    out = request.getfixturevalue(build_name).out
    syntax = {".ttl": "turtle", ".nt": "ntriples", ".nq": "nquads", ".trig": "trig"}
    for path in all_files(out):
        if path.suffix in syntax:
            done = subprocess.run(
                [rapper, "-q", "-i", syntax[path.suffix], "-c", str(path)], capture_output=True, text=True
            )
            assert done.returncode == 0, (path, done.stderr)


@pytest.mark.parametrize("build_name", ["seed_build", "varied_build"])
def test_serdi_parses_everything(build_name: str, request: pytest.FixtureRequest) -> None:
    serdi = require_tool("serdi")
    out = request.getfixturevalue(build_name).out
    syntax = {".ttl": "turtle", ".nt": "ntriples", ".nq": "nquads", ".trig": "trig"}
    for path in all_files(out):
        if path.suffix in syntax:
            done = subprocess.run([serdi, "-i", syntax[path.suffix], str(path)], capture_output=True)
            assert done.returncode == 0, (path, done.stderr)


@pytest.mark.parametrize("build_name", ["seed_build", "varied_build"])
def test_turtle_declares_only_the_prefixes_it_uses(build_name: str, request: pytest.FixtureRequest) -> None:
    out = request.getfixturevalue(build_name).out
    for path in [*out.glob("*.ttl"), *out.glob("*.trig"), *(out / "letters").glob("*.ttl")]:
        text = path.read_text(encoding="utf-8")
        declared = re.findall(r"^@prefix ([A-Za-z][\w-]*): ", text, re.M)
        body = "\n".join(line for line in text.splitlines() if not line.startswith("@prefix"))
        body = re.sub(r'"(?:[^"\\]|\\.)*"', '""', body)  # literals may contain "crm:" as text
        assert declared, path
        for prefix in declared:
            assert re.search(rf"(?<![\w<]){prefix}:", body), (path, prefix)


@pytest.mark.parametrize("build_name", ["seed_build", "varied_build"])
def test_no_blank_nodes(build_name: str, request: pytest.FixtureRequest) -> None:
    out = request.getfixturevalue(build_name).out
    graph = ConjunctiveGraph()
    graph.parse(out / "dataset.nq", format="nquads")
    assert not [t for t in graph if any(isinstance(term, BNode) for term in t)]
    assert "_:" not in (out / "dataset.nq").read_text(encoding="utf-8")


def test_nq_and_nt_have_the_same_triples(varied_build: BuildResult) -> None:
    """Graphs never share a triple (each letter graph only describes its own nodes)."""
    out = varied_build.out
    nq = (out / "dataset.nq").read_text(encoding="utf-8").splitlines()
    nt = (out / "dataset.nt").read_text(encoding="utf-8").splitlines()
    assert len(nq) == len(nt) == len(set(nt))


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    """Each build runs in its own interpreter with its own hash seed."""
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"dist{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed, "SOURCE_DATE_EPOCH": "1700000000"}
        subprocess.run(
            [
                sys.executable,
                "-m",
                "lodpub",
                "build",
                str(CORPUS),
                "--out",
                str(out),
                "--quiet",
                "--config",
                str(REPO / "lodpub.toml"),
            ],
            check=True,
            env=env,
            capture_output=True,
        )
        outputs.append({p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()})
    assert outputs[0].keys() == outputs[1].keys()
    for name in outputs[0]:
        assert outputs[0][name] == outputs[1][name], name
    assert b"2023-11-14T22:13:20Z" in outputs[0][Path("void.ttl")]


def test_void_describes_the_dumps(seed_build: BuildResult) -> None:
    void = Graph().parse(seed_build.out / "void.ttl", format="turtle")
    rows = {
        (str(r.name), int(r.size))
        for r in void.query(
            """PREFIX dcat: <http://www.w3.org/ns/dcat#>
               PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
               SELECT ?name ?size WHERE {
                 ?d dcat:distribution ?x . ?x rdfs:label ?name ; dcat:byteSize ?size ; dcat:mediaType ?m }"""
        )
    }
    chunks = {f"dumps/{p.name}" for p in (seed_build.out / "dumps").iterdir()}
    assert rows == {(name, (seed_build.out / name).stat().st_size) for name in {*seed_build.files, *chunks}}
    (triples,) = void.query(
        "PREFIX void: <http://rdfs.org/ns/void#> SELECT ?n WHERE { ?d a void:Dataset ; void:triples ?n }"
    )
    assert int(triples[0]) == seed_build.triples


def test_any_number_of_jobs_gives_the_same_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches run in worker processes come back in id order, and the dumps two processes
    derive are those one writes: identical output for any --jobs."""
    from bench.generate import generate
    from lodpub import serialize
    from lodpub.pipeline import build
    from lodpub.settings import Settings

    monkeypatch.setattr(serialize, "PARALLEL_BYTES", 0)  # a small corpus's dumps in two processes too

    generate(150, tmp_path / "corpus")  # three batches of letters
    outputs = []
    for jobs in (1, 2):
        out = tmp_path / f"dist{jobs}"
        result = build(tmp_path / "corpus", out, Settings(base_iri="https://lod.example.org/"), jobs=jobs)
        assert result.written and result.letters == 150 and not result.problems
        outputs.append({p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()})
    assert outputs[0] == outputs[1]


def test_gzip_chunks_rejoin_to_the_nquads(seed_build: BuildResult, tmp_path: Path) -> None:
    import gzip

    from lodpub.serialize import write_chunks

    out = seed_build.out
    (chunk,) = sorted((out / "dumps").iterdir())
    assert chunk.name == "dataset-00001.nq.gz"
    assert gzip.decompress(chunk.read_bytes()) == (out / "dataset.nq").read_bytes()
    sizes = write_chunks(out / "dataset.nq", tmp_path / "small", 20_000)
    parts = [gzip.decompress((tmp_path / "small" / Path(name).name).read_bytes()) for name in sorted(sizes)]
    assert len(parts) > 5 and all(len(p) <= 20_000 for p in parts)
    assert b"".join(parts) == (out / "dataset.nq").read_bytes()
    assert all(p.endswith(b"\n") for p in parts)
    again = write_chunks(out / "dataset.nq", tmp_path / "again", 20_000)
    assert [(tmp_path / "again" / Path(n).name).read_bytes() for n in sorted(again)] == [
        (tmp_path / "small" / Path(n).name).read_bytes() for n in sorted(sizes)
    ]
    void = Graph().parse(out / "void.ttl", format="turtle")
    assert any(str(o).endswith("/dumps/dataset-00001.nq.gz") for o in void.objects())


def greedy(lines: list[bytes], limit: int) -> list[bytes]:
    """Whole lines packed in order into chunks of at most ``limit`` bytes (a longer line alone)."""
    chunks: list[list[bytes]] = []
    size = 0
    for line in lines:
        if not chunks or size + len(line) > limit:
            chunks.append([])
            size = 0
        chunks[-1].append(line)
        size += len(line)
    return [b"".join(chunk) for chunk in chunks]


@settings(max_examples=200, deadline=None)
@given(
    lines=st.lists(st.integers(min_value=0, max_value=90), max_size=60),
    limit=st.integers(min_value=1, max_value=120),
    last_newline=st.booleans(),
    block=st.integers(min_value=1, max_value=200),
)
def test_gzip_chunks_pack_whole_lines_greedily(
    lines: list[int], limit: int, last_newline: bool, block: int
) -> None:
    import gzip
    import tempfile

    from lodpub.serialize import write_chunks

    data = [b"x" * n + b"\n" for n in lines]
    if data and not last_newline:
        data[-1] = data[-1][:-1]  # a file that does not end with a line end
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "dataset.nq"
        source.write_bytes(b"".join(data))
        sizes = write_chunks(source, Path(folder) / "dumps", limit, block)
        got = [gzip.decompress((Path(folder) / name).read_bytes()) for name in sorted(sizes)]
    assert got == greedy([line for line in data if line], limit)
