"""Dumps in parts (``dumps = "parts"``) and the incremental rebuilds they allow: the parts hold
exactly what the whole-file dumps hold, every part file parses, and a rebuild after edits,
additions, deletions, renames, touched files, broken and mended letters gives the bytes (and the
warnings) of a full build while redoing only what changed."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import signal
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph

from lodpub.build import BuildResult, build
from lodpub.build.incremental import STATE
from lodpub.publish.dist import Dist
from lodpub.publish.sparql import SparqlStore
from lodpub.settings import Settings

from .conftest import require_tool, run
from .stores import Oxigraph, ours, oxigraph, remote_counts  # noqa: F401

SETTINGS = Settings(base_iri="https://lod.example.org/", dumps="parts", part_letters="16")
WHOLE = replace(SETTINGS, dumps="whole")


def snapshot(out: Path) -> dict[Path, bytes]:
    return {p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.fixture
def small_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    """16 letters a part, so that 130 letters make 16 parts (SETTINGS say so too)."""
    monkeypatch.setenv("LODPUB_PART_LETTERS", "16")


@pytest.fixture
def corpus(tmp_path: Path, small_parts: None) -> Path:
    from bench.generate import generate

    generate(130, tmp_path / "corpus")
    return tmp_path / "corpus"


def full(
    corpus: Path, tmp_path: Path, settings: Settings = SETTINGS
) -> tuple[BuildResult, dict[Path, bytes]]:
    """A build from nothing: no cache, no earlier output."""
    out = tmp_path / f"full-{len(list(tmp_path.glob('full-*')))}"
    result = build(corpus, out, settings, keep_going=True)
    assert result.written and result.timings.mode == "full"
    return result, snapshot(out)


def again(
    corpus: Path, tmp_path: Path, jobs: int = 1, settings: Settings = SETTINGS
) -> tuple[BuildResult, dict[Path, bytes]]:
    result = build(
        corpus, tmp_path / "dist", settings, cache_dir=tmp_path / "cache", jobs=jobs, keep_going=True
    )
    assert result.written
    return result, snapshot(tmp_path / "dist")


def store_quads(url: str) -> set[str]:
    """Every quad an Oxigraph server holds (its whole store, as N-Quads)."""
    import requests

    answer = requests.get(url + "/store", headers={"Accept": "application/n-quads"}, timeout=60)
    answer.raise_for_status()
    return quads(answer.content)


def quads(data: bytes) -> set[str]:
    return {str(q) for q in ox.parse(data, format=ox.RdfFormat.N_QUADS)}


def test_parts_hold_what_the_whole_dumps_hold(corpus: Path, tmp_path: Path) -> None:
    """The parts' N-Quads together are dataset.nq (the dataset description apart, which names
    other distributions); each part's Turtle, TriG, N-Triples and JSON-LD parse (with rdflib)
    to the triples of its N-Quads; the gzip files are the N-Quads; the index covers every byte."""
    _, whole = full(corpus, tmp_path, WHOLE)
    _, split = full(corpus, tmp_path)
    names = sorted(p for p in split if p.parts[0] == "parts" and p.suffix == ".nq")
    assert [p.stem for p in names] == [f"{n:04d}" for n in range(16)] + ["dataset"]
    union: set[str] = set()
    for name in names:
        data = split[name]
        found = quads(data)
        if name.stem != "dataset":
            union |= found
        assert gzip.decompress(split[Path("dumps") / f"{name.stem}.nq.gz"]) == data
        dataset = Dataset()
        dataset.parse(data=data.decode("utf-8"), format="nquads")
        triples = {(s, p, o) for s, p, o, _ in dataset.quads((None, None, None, None))}
        for suffix, fmt in (("ttl", "turtle"), ("nt", "nt")):
            graph = Graph()
            graph.parse(data=split[name.with_suffix("." + suffix)].decode("utf-8"), format=fmt)
            assert set(graph) == triples, (name, suffix)
        for suffix, fmt in (("trig", "trig"), ("jsonld", "json-ld")):
            named = Dataset()
            named.parse(data=split[name.with_suffix("." + suffix)].decode("utf-8"), format=fmt)
            expected = set(dataset.quads((None, None, None, None)))
            assert set(named.quads((None, None, None, None))) == expected, (name, suffix)
    description = "https://lod.example.org/graph/dataset"
    assert union == {q for q in quads(whole[Path("dataset.nq")]) if not q.endswith(f"<{description}>")}
    assert not any(p.name.startswith("dataset.") for p in split if len(p.parts) == 1)
    # every gzip part is a distribution of void.ttl, with its size
    void = Graph().parse(data=split[Path("void.ttl")].decode("utf-8"), format="turtle")
    query = """PREFIX dcat: <http://www.w3.org/ns/dcat#>
        SELECT ?url ?size WHERE { ?d dcat:downloadURL ?url ; dcat:byteSize ?size }"""
    sizes = {str(row[0]).rsplit("/", 2)[-1]: int(row[1]) for row in void.query(query)}  # type: ignore[index, arg-type]
    assert sizes == {p.name: len(split[p]) for p in split if p.parts[0] == "dumps"}
    # the index: every byte of every part's N-Quads, each range with its hash
    entries = Dist.open(tmp_path / "full-1").index()
    covered: dict[str, int] = {}
    for entry in entries:
        for span in entry.spans:
            assert span.offset == covered.get(span.file, 0)
            data = split[Path(span.file)][span.offset : span.offset + span.size]
            assert hashlib.sha256(data).hexdigest() == span.sha256
            covered[span.file] = span.offset + span.size
    assert covered == {str(p): len(split[p]) for p in names}
    assert len([e for e in entries if "/graph/letter/" in e.iri]) == 130


@pytest.mark.parametrize("settings", [SETTINGS, WHOLE], ids=["parts", "whole"])
def test_rebuilds_equal_full_builds(corpus: Path, tmp_path: Path, settings: Settings) -> None:
    first, files = again(corpus, tmp_path, settings=settings)
    _, expected = full(corpus, tmp_path, settings)
    assert first.timings.mode == "full" and files == expected
    assert first.timings.reason == f"no state of an earlier build in {tmp_path / 'cache'}"
    letters = corpus / "letters"

    def check(reused: int | None = None) -> BuildResult:
        result, files = again(corpus, tmp_path, settings=settings)
        reference, expected = full(corpus, tmp_path, settings)
        assert result.timings.mode == "incremental"
        assert files == expected
        assert result.warnings == reference.warnings
        assert sorted(map(str, result.problems)) == sorted(map(str, reference.problems))
        assert (result.letters, result.triples, result.entities) == (
            reference.letters,
            reference.triples,
            reference.entities,
        )
        return result

    def stamps() -> dict[Path, tuple[int, int]]:
        return {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (tmp_path / "dist").rglob("*")}

    written = stamps()
    nothing = check()
    assert nothing.timings.read == 0  # not one source file was read
    assert stamps() == written  # and not one output file written again
    edited = letters / "letter-000007.txt"
    edited.write_bytes(edited.read_bytes().replace(b"Dear Comrades,", b"Dear Comrades and friends,", 1))
    check()
    edited.touch()  # a new stat, the same bytes
    written = stamps()
    assert check().timings.read == 1
    assert stamps() == written
    # an entity described anew: an edition's title (the other letters of that editor's year
    # describe it otherwise, so the warnings change too)
    cited = [p for p in sorted(letters.iterdir()) if b"Documente" in p.read_bytes()]
    cited[0].write_bytes(cited[0].read_bytes().replace(b"Documente", b"Dokumente", 1))  # not published
    check()
    cited[1].write_bytes(cited[1].read_bytes().replace(b"Documente", b"Anale", 1))  # the least: published
    check()
    (letters / "letter-000200.txt").write_bytes((letters / "letter-000003.txt").read_bytes())
    (letters / "letter-000011.txt").unlink()
    (letters / "letter-000012.txt").rename(letters / "letter-000012-renamed.txt")
    check()
    # a letter that no longer reads is reported (and, with keep_going, left out), then mended
    broken = letters / "letter-000020.txt"
    text = broken.read_bytes()
    broken.write_bytes(b"")
    assert check().problems
    strict = build(corpus, tmp_path / "dist", settings, cache_dir=tmp_path / "cache")
    assert not strict.written and strict.problems
    assert snapshot(tmp_path / "dist") == full(corpus, tmp_path, settings)[1]
    broken.write_bytes(text)
    assert not check().problems
    # the authority file shapes every letter: a full build
    authorities = corpus / "authorities.toml"
    authorities.write_text(authorities.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    result, files = again(corpus, tmp_path, settings=settings)
    assert result.timings.mode == "full" and files == full(corpus, tmp_path, settings)[1]
    assert result.timings.reason == (
        "the authority file, the shapes, the ontology, the archives table or lodpub changed"
    )


@pytest.mark.parametrize(
    ("settings", "damaged"),
    [
        (SETTINGS, ("parts/0003.nq", "parts/0005.jsonld", "graphs.tsv", "void.ttl")),
        (WHOLE, ("dataset.ttl", "dataset.jsonld", "dumps/dataset-00001.nq.gz", "graphs.tsv")),
    ],
    ids=["parts", "whole"],
)
def test_a_dist_changed_since_is_built_in_full(
    corpus: Path, tmp_path: Path, settings: Settings, damaged: tuple[str, ...]
) -> None:
    """The state names the output it describes (graphs.tsv's bytes, the other files' sizes and
    times); an output changed since is not updated from it (nor its bytes copied) but built
    afresh."""
    edited = corpus / "letters" / "letter-000007.txt"
    for damage in damaged:
        again(corpus, tmp_path, settings=settings)
        path = tmp_path / "dist" / damage
        path.write_bytes(path.read_bytes()[:-2] + b"\n")
        edited.write_bytes(edited.read_bytes().replace(b"Dear", b"Dear dear", 1))
        result, files = again(corpus, tmp_path, settings=settings)
        assert result.timings.mode == "full" and files == full(corpus, tmp_path, settings)[1], damage
        assert result.timings.reason == "the output was changed since the build the state records"


def said(stderr: str) -> list[str]:
    """What ``build -v`` said of the kind of build (its other lines are warnings)."""
    return [line for line in stderr.splitlines() if line.startswith("build: ")]


def test_each_full_build_says_why(corpus: Path, tmp_path: Path) -> None:
    """A build that could not be incremental names its reason (``-v``, ``--timings``); the
    output is that of a full build whatever the reason."""
    dist, cache = tmp_path / "dist", tmp_path / "cache"
    (tmp_path / "empty.toml").write_text("", encoding="utf-8")  # not the repository's lodpub.toml
    args = ["build", str(corpus), "--out", str(dist), "--config", str(tmp_path / "empty.toml")]
    args += ["--base-iri", SETTINGS.base_iri, "--cache", str(cache), "--dumps", "parts", "--quiet"]
    code, _, stderr = run(*args, "-v")
    assert code == 0, stderr
    assert said(stderr) == [f"build: full: no state of an earlier build in {cache}"]
    code, _, stderr = run(*args, "-v", "--timings")
    assert code == 0 and said(stderr) == ["build: incremental, 0 letter(s) changed"], stderr
    assert '"mode": "incremental"' in stderr and '"reason"' not in stderr

    (cache / STATE).write_bytes(b"not a database at all" * 100)
    code, _, stderr = run(*args, "-v")
    assert (code, said(stderr)) == (
        0,
        [f"build: full: the state {cache / STATE} cannot be read (file is not a database)"],
    )

    (dist / "parts" / "0002.nq").unlink()  # the output's own file, gone
    os.utime(dist / "graphs.tsv")
    edited = corpus / "letters" / "letter-000007.txt"
    edited.write_bytes(edited.read_bytes().replace(b"Dear", b"Dear dear", 1))
    code, _, stderr = run(*args, "-v", "--timings")
    assert code == 0
    assert '"reason": "the output was changed since the build the state records"' in stderr

    for path in sorted((corpus / "letters").iterdir())[:70]:  # more than 64 letters change
        path.write_bytes(path.read_bytes().replace(b"Dear", b"Dear dear", 1))
    code, _, stderr = run(*args, "-v")
    assert (code, said(stderr)) == (
        0,
        ["build: full: 70 of 130 letters changed, more than 64 (an eighth, at least 64)"],
    )
    assert snapshot(dist) == full(corpus, tmp_path)[1]

    code, _, stderr = run(*args, "-v", "--no-cache")
    assert (code, said(stderr)) == (0, ["build: full: no cache (--no-cache)"])
    code, _, stderr = run(*args[:-3], "--quiet", "-v")  # whole dumps: other settings
    assert (code, said(stderr)) == (0, ["build: full: the settings changed"])


@pytest.mark.parametrize("layout", ["parts", "whole"])
def test_a_rebuild_killed_while_staging_or_renaming_loses_nothing(
    corpus: Path, tmp_path: Path, layout: str
) -> None:
    """A real ``lodpub build`` process, killed by strace at a chosen system call. Killed while
    staging (at its first read of the previous N-Quads): dist/ is as it was, and the next build
    is incremental and gives the bytes of a full build. Killed while renaming (as it moves
    graphs.tsv into place, after the letter's files and the dumps): dist/ is half updated, and
    the next build completes the renames first and gives the bytes of a full build too."""
    strace = require_tool("strace")
    settings = replace(SETTINGS, dumps=layout)
    again(corpus, tmp_path, settings=settings)
    dist, before = tmp_path / "dist", snapshot(tmp_path / "dist")
    graph = f"{settings.base_iri}graph/letter/letter-000007"
    (dump,) = [
        line.split("\t")[3]
        for line in (dist / "graphs.tsv").read_text().splitlines()
        if line.startswith(graph + "\t")
    ]
    edited = corpus / "letters" / "letter-000007.txt"
    original = edited.read_bytes()

    def edit(greeting: bytes) -> dict[Path, bytes]:
        """Letter 7 with another greeting; the bytes a full build gives then."""
        edited.write_bytes(original.replace(b"Dear Comrades,", greeting, 1))
        return full(corpus, tmp_path, settings)[1]

    log = tmp_path / "strace.log"
    command = [sys.executable, "-m", "lodpub", "build", str(corpus), "--out", str(dist), "--quiet"]
    command += ["--cache", str(tmp_path / "cache"), "--dumps", layout, "--jobs", "1", "--timings"]

    def traced(*how: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [strace, "-f", "-qq", "-o", str(log), *how, *command],
            cwd=tmp_path,
            capture_output=True,
            text=True,
        )

    expected = edit(b"Dear Comrades and friends,")
    # strace names a file by its real path
    killed = traced(
        "-P", str((dist / dump).resolve()), "-e", "trace=pread64", "-e", "inject=pread64:signal=KILL"
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    (stage,) = tmp_path.glob(".dist.stage-*")
    assert not (stage / "journal.json").exists()
    assert snapshot(dist) == before
    done = traced("-e", "trace=rename")  # which renames a rebuild after one edit makes, in order
    (line,) = [ln for ln in done.stderr.splitlines() if ln.startswith("timings: ")]
    timings = json.loads(line.removeprefix("timings: "))
    assert (done.returncode, timings["mode"], timings["read"]) == (0, "incremental", 1)
    assert snapshot(dist) == expected and not list(tmp_path.glob(".dist.stage-*"))
    renames = [ln for ln in log.read_text().splitlines() if " rename(" in ln]
    (at,) = [n for n, ln in enumerate(renames, 1) if f'"{dist.resolve()}/graphs.tsv")' in ln]
    assert at > 3  # the letter's two files and its part (or the whole dumps) come before

    expected = edit(b"Dear Comrades and allies,")
    killed = traced("-e", "trace=rename", "-e", f"inject=rename:signal=KILL:when={at}")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    (stage,) = tmp_path.glob(".dist.stage-*")
    assert (stage / "journal.json").exists()
    half = snapshot(dist)
    assert half[Path("letters/letter-000007.ttl")] == expected[Path("letters/letter-000007.ttl")]
    assert half[Path("graphs.tsv")] != expected[Path("graphs.tsv")]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert '"mode": "incremental"' in done.stderr and '"read": 0' in done.stderr  # the state was
    # committed before the renames: the build completes them and has nothing more to do
    assert snapshot(dist) == expected and not list(tmp_path.glob(".dist.stage-*"))


def test_push_query_and_merge_read_parts(
    corpus: Path,
    tmp_path: Path,
    oxigraph: Oxigraph,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """push (bulk, then graph by graph after an edit), query and merge take a dist in parts."""
    again(corpus, tmp_path)
    dist = tmp_path / "dist"
    local = Dist.open(dist).counts()
    code, stdout, stderr = run("push", str(dist), *oxigraph.args(), "--quiet")
    assert code == 0, stderr
    assert "bulk load" in stdout
    assert ours(remote_counts(oxigraph.url + "/query")) == local
    edited = corpus / "letters" / "letter-000007.txt"
    edited.write_bytes(edited.read_bytes().replace(b"Dear Comrades,", b"Dear Comrades and friends,", 1))
    assert again(corpus, tmp_path)[0].timings.mode == "incremental"
    code, stdout, stderr = run("push", str(dist), *oxigraph.args(), "--quiet")
    assert code == 0, stderr
    assert "pushed 1 graph(s)" in stdout
    assert ours(remote_counts(oxigraph.url + "/query")) == Dist.open(dist).counts()

    # an entity described anew: only the changed parts of the entities graph travel, and the
    # store then holds exactly the local graphs (compared triple by triple, not by counts)
    cited = next(p for p in sorted((corpus / "letters").iterdir()) if b"Documente" in p.read_bytes())
    cited.write_bytes(cited.read_bytes().replace(b"Documente", b"Anale", 1))  # the least: published
    assert again(corpus, tmp_path)[0].timings.mode == "incremental"
    updates: list[str] = []
    real_update = SparqlStore.update

    def update(self: SparqlStore, sparql: str, what: str) -> None:
        updates.append(what)
        real_update(self, sparql, what)

    monkeypatch.setattr(SparqlStore, "update", update)
    code, stdout, stderr = run("push", str(dist), *oxigraph.args(), "--quiet")
    assert code == 0, stderr
    assert "pushed 2 graph(s)" in stdout  # the letter's graph, and the entities graph in part
    assert len(updates) == 1 and " of the 16 parts of <https://lod.example.org/graph/entities>" in updates[0]
    local = b"".join(p.read_bytes() for p in Dist.open(dist).nquads_files())
    assert store_quads(oxigraph.url) == quads(local)

    code, whole_answer, _ = run("query", "timeline", "--dist", str(full(corpus, tmp_path, WHOLE)[0].out))
    assert code == 0
    answer = run("query", "timeline", "--dist", str(dist))[1]
    assert sorted(answer.splitlines()) == sorted(whole_answer.splitlines())  # ties come in load order

    shards = []
    for k in (1, 2, 3):
        shard = build(corpus, tmp_path / f"shard-{k}", SETTINGS, shard=(k, 3))
        assert shard.written
        shards.append(str(shard.out))
    (tmp_path / "empty.toml").write_text("", encoding="utf-8")  # not the repository's lodpub.toml
    merged = ("--out", str(tmp_path / "merged"), "--dumps", "parts", "--config", str(tmp_path / "empty.toml"))
    code, _, stderr = run("merge", *shards, *merged)
    assert code == 0, stderr
    assert snapshot(tmp_path / "merged") == snapshot(dist)


def test_jobs_and_serving(corpus: Path, tmp_path: Path) -> None:
    """Parts written by 2 processes are the bytes 1 process writes; `lodpub serve` answers for
    a dist in parts: its resources, its part files and gzip files (the URLs void.ttl gives)."""
    import threading

    import requests

    from lodpub.publish.server import address, make_server

    one = build(corpus, tmp_path / "one", SETTINGS, jobs=1)
    two = build(corpus, tmp_path / "two", SETTINGS, jobs=2)
    assert snapshot(one.out) == snapshot(two.out)
    httpd = make_server(two.out, "127.0.0.1", 0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        url = address(httpd).rstrip("/")
        letter = requests.get(url + "/letter/letter-000007", headers={"Accept": "text/turtle"}, timeout=10)
        assert letter.status_code == 200 and "letter-000007" in letter.text
        for name in ("parts/0003.ttl", "parts/dataset.jsonld"):
            answer = requests.get(f"{url}/dump/{name}", timeout=10)
            assert answer.status_code == 200 and answer.content == (two.out / name).read_bytes()
        chunk = requests.get(url + "/dumps/0003.nq.gz", timeout=10)
        assert chunk.headers["Content-Type"] == "application/gzip"
        assert gzip.decompress(chunk.content) == (two.out / "parts" / "0003.nq").read_bytes()
        assert requests.get(url + "/dump/dataset.nq", timeout=10).status_code == 404
        assert requests.get(url + "/dump/parts/9999.nq", timeout=10).status_code == 404
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_entity_validation_looks_where_a_change_can_alter_a_verdict(corpus: Path, tmp_path: Path) -> None:
    """A rebuild validates only the entities near a change. Break the entities graph in three
    ways whose violations fall on other nodes than the changed one — a type taken away (the
    archival files pointing at that group fail), a second label (the person fails), a file
    number pointing at a fonds (the fonds becomes a file number's focus) — and the issues found
    near each change equal those of validating the whole entities graph."""
    import sqlite3

    from lodpub.build.incremental.entities import EntityUpdate
    from lodpub.build.incremental.state import StateDb, from_nt
    from lodpub.corpus import Corpus
    from lodpub.mapping import Iris
    from lodpub.validate import Validator
    from lodpub.vocab import RDF_TYPE, RDFS

    again(corpus, tmp_path)
    connection = sqlite3.connect(tmp_path / "cache" / STATE, isolation_level=None)
    db = StateDb(connection)
    validator = Validator(Iris(SETTINGS.base_iri))
    source = Corpus.open(corpus)
    work = EntityUpdate(db, SETTINGS.base_iri, validator, source)

    def first(sql: str) -> str:
        return str(connection.execute(sql).fetchone()[0])

    def change(iri: str, edit: object) -> None:
        entity = db.entity(iri)
        variant, nt = connection.execute(
            "SELECT variant, nt FROM chosen WHERE entity = ?", (entity,)
        ).fetchone()
        before = from_nt(nt)
        after = edit(before)  # type: ignore[operator]
        db.publish(entity, variant, after, SETTINGS.base_iri)
        work.validate(set(before) ^ set(after))
        whole: set[ox.Triple] = set()
        for (text,) in connection.execute("SELECT nt FROM chosen"):
            whole |= set(from_nt(text))
        expected = validator.entities(sorted(whole, key=str), source.authority_path)
        assert expected
        assert sorted(map(str, db.entity_issues())) == sorted(map(str, expected))

    crm = "http://www.cidoc-crm.org/cidoc-crm/"
    keeper = first("SELECT object FROM refs WHERE object LIKE '%/group/%' ORDER BY object LIMIT 1")
    change(
        keeper,
        lambda ts: [t for t in ts if not (t.subject.value == keeper and t.predicate.value == RDF_TYPE)],
    )
    person = first("SELECT iri FROM entities WHERE iri LIKE '%/person/%' ORDER BY iri LIMIT 1")
    label = ox.Triple(
        ox.NamedNode(person), ox.NamedNode(RDFS + "label"), ox.Literal("Another", language="en")
    )
    change(person, lambda ts: [*ts, label])
    fonds = first("SELECT object FROM refs WHERE object LIKE '%/holding/%' ORDER BY object LIMIT 1")
    archival_file = first(f"SELECT subject FROM refs WHERE object = '{fonds}' LIMIT 1")
    number = ox.Triple(
        ox.NamedNode(archival_file), ox.NamedNode(crm + "P1_is_identified_by"), ox.NamedNode(fonds)
    )
    change(archival_file, lambda ts: [*ts, number])
    connection.close()
