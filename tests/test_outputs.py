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

from lodpub.build import BuildResult
from lodpub.write.layout import part_count

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
    """graphs.tsv: one line per named graph (the entities graph: one per part of the dump),
    whose byte range of dataset.nq holds exactly that graph's quads (parsed here by rdflib,
    independently of the writer); the ranges cover the dump, each byte once."""
    import hashlib

    from rdflib import Dataset

    out = varied_build.out
    lines = (out / "graphs.tsv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "graph\ttriples\tsha256\tfile\toffset\tbytes\tturtle_sha256\tjsonld_sha256"
    dump = (out / "dataset.nq").read_bytes()
    whole = Dataset()
    whole.parse(data=dump.decode("utf-8"), format="nquads")
    rows = [line.split("\t") for line in lines[1:]]
    entities = [row for row in rows if row[0].endswith("/graph/entities")]
    assert len(entities) == part_count(varied_build.letters)
    assert len(whole.graph(URIRef(entities[0][0]))) == sum(int(row[1]) for row in entities)
    position = 0
    for iri, triples, digest, file, offset, size, turtle, own_jsonld in sorted(
        rows, key=lambda r: (int(r[4]), int(r[5]))
    ):
        assert file == "dataset.nq"
        ident = iri.rsplit("/graph/letter/", 1)[-1]
        if "/graph/letter/" in iri:
            for name, expected in ((f"{ident}.ttl", turtle), (f"{ident}.jsonld", own_jsonld)):
                assert hashlib.sha256((out / "letters" / name).read_bytes()).hexdigest() == expected
        else:
            assert (turtle, own_jsonld) == ("-", "-")
        assert int(offset) == position
        part = dump[position : position + int(size)]
        position += int(size)
        assert hashlib.sha256(part).hexdigest() == digest
        if not part:
            assert iri.endswith("/graph/entities") and triples == "0"  # a part no entity falls in
            continue
        graph = Dataset()
        graph.parse(data=part.decode("utf-8"), format="nquads")
        assert {c.identifier.toPython() for c in graph.graphs() if len(c)} == {iri}
        assert len(graph.graph(URIRef(iri))) == int(triples)
        if "/graph/entities" not in iri:
            assert int(triples) == len(whole.graph(URIRef(iri)))
    assert position == len(dump)
    assert len(lines) - 1 == varied_build.letters + len(entities) + 1


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


def test_any_number_of_jobs_gives_the_same_bytes(tmp_path: Path) -> None:
    """Batches run in worker processes come back in id order, and the dumps two processes
    derive are those one writes: identical output for any --jobs."""
    from bench.generate import generate
    from lodpub.build import build
    from lodpub.settings import Settings

    generate(150, tmp_path / "corpus")  # three batches of letters
    outputs = []
    for jobs in (1, 2):
        out = tmp_path / f"dist{jobs}"
        settings = Settings(
            base_iri="https://lod.example.org/", part_letters="16"
        )  # 16 parts, for 2 processes
        result = build(tmp_path / "corpus", out, settings, jobs=jobs)
        assert result.written and result.letters == 150 and not result.problems
        outputs.append({p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()})
    assert outputs[0] == outputs[1]


def test_gzip_chunks_rejoin_to_the_nquads(seed_build: BuildResult) -> None:
    import gzip

    out = seed_build.out
    (chunk,) = sorted((out / "dumps").iterdir())
    assert chunk.name == "dataset-00001.nq.gz"
    assert gzip.decompress(chunk.read_bytes()) == (out / "dataset.nq").read_bytes()
    void = Graph().parse(out / "void.ttl", format="turtle")
    assert any(str(o).endswith("/dumps/dataset-00001.nq.gz") for o in void.objects())


def greedy(parts: list[bytes], limit: int) -> list[bytes]:
    """Parts packed in order into chunks of at most ``limit`` bytes (a larger part alone)."""
    chunks: list[list[bytes]] = []
    size = 0
    for part in parts:
        if not part:
            continue
        if not chunks or size + len(part) > limit:
            chunks.append([])
            size = 0
        chunks[-1].append(part)
        size += len(part)
    return [b"".join(chunk) for chunk in chunks]


def forms_of(size: int, seed: int) -> dict[str, bytes]:
    """A part's forms, of made-up bytes (the sink joins bytes; it does not read them)."""
    import gzip

    nq = bytes([65 + seed % 26]) * size
    forms = {form: nq + form.encode() if size else b"" for form in ("trig", "ttl", "nt", "jsonld")}
    return {"nq": nq, **forms, "gz": gzip.compress(nq, mtime=0) if size else b""}


@settings(max_examples=150, deadline=None)
@given(
    sizes=st.lists(st.integers(min_value=0, max_value=90), min_size=1, max_size=30),
    limit=st.integers(min_value=1, max_value=120),
    kept=st.sets(st.integers(min_value=0, max_value=29)),
    again=st.lists(st.integers(min_value=0, max_value=90), min_size=30, max_size=30),
)
def test_whole_dumps_join_the_parts_and_a_rebuild_copies_the_kept_ones(
    sizes: list[int], limit: int, kept: set[int], again: list[int]
) -> None:
    """The whole dumps are the parts' bytes in part order (JSON-LD: their fragments, joined by
    commas, in one document); the gzip chunks pack whole parts greedily (a larger part alone)
    and hold the N-Quads. A rebuild that keeps some parts (copied from the previous files by
    the table) and puts the others gives the bytes of a build that puts every part."""
    import gzip
    import tempfile

    from lodpub.write.dumps import WholeFiles
    from lodpub.write.jsonld import Context

    context = Context.default()

    def write(folder: Path, parts: list[dict[str, bytes]], previous: tuple[Path, dict] | None = None) -> dict:  # type: ignore[type-arg]
        folder.mkdir()
        sink = WholeFiles(folder, context, previous, chunk_bytes=limit)
        for position, forms in enumerate(parts):
            if previous is not None and position in kept:
                sink.keep()
            else:
                sink.put(forms)
        written = sink.finish()
        got = {name: (folder / name).read_bytes() for name in written.files}
        return {"files": got, "table": written.table, "chunks": written.chunks}

    first = [forms_of(size, seed) for seed, size in enumerate(sizes)]
    # a rebuild: the kept parts as they were, the others changed
    second = [first[p] if p in kept else forms_of(again[p], p + 7) for p in range(len(first))]
    with tempfile.TemporaryDirectory() as root:
        before = write(Path(root) / "before", first)
        files = before["files"]
        for form in ("nq", "trig", "ttl", "nt"):
            assert files[f"dataset.{form}"] == b"".join(forms[form] for forms in first)
        fragments = [forms["jsonld"].decode() for forms in first if forms["jsonld"]]
        head = '{\n"@context": ' + context.rendered + ',\n"@graph": ['
        body = "\n" + ",\n".join(fragments) if fragments else ""
        assert files["dataset.jsonld"].decode() == head + body + "\n]\n}\n"
        chunks = [files[name] for name in sorted(before["chunks"])]
        assert [gzip.decompress(chunk) for chunk in chunks] == greedy([f["nq"] for f in first], limit)
        assert sorted(before["chunks"]) == [f"dumps/dataset-{n:05d}.nq.gz" for n in range(1, len(chunks) + 1)]
        rebuilt = write(Path(root) / "rebuilt", second, (Path(root) / "before", before["table"]))
        expected = write(Path(root) / "expected", second)
    assert rebuilt == expected
