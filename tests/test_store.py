"""The persistent store beside a build's output: it holds exactly the dumps' quads after full and
incremental builds (whole dumps and in parts), is made on first use by one process at a time, is
never used for a dist it does not match, and keeps a generation while a reader holds it."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest

from lodpub.build import build
from lodpub.publish.store import PersistentStore
from lodpub.settings import Settings
from lodpub.site.catalogue import make_catalogue

from .conftest import run

SETTINGS = Settings(base_iri="https://lod.example.org/", part_letters="16")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    from bench.generate import generate

    generate(130, tmp_path / "corpus")
    return tmp_path / "corpus"


def dump_quads(dist: Path) -> set[ox.Quad]:
    """Every quad of the dumps: dataset.nq, or every part's N-Quads."""
    files = [dist / "dataset.nq"] if (dist / "dataset.nq").exists() else sorted(dist.glob("parts/*.nq"))
    return {quad for path in files for quad in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS)}


def store_quads(root: Path, dist: Path) -> set[ox.Quad]:
    with PersistentStore(root, dist).reading() as (store, _):
        return set(store.quads_for_pattern(None, None, None, None))


def catalogue_rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    db = sqlite3.connect(path)
    try:
        return {
            t: sorted(db.execute(f"SELECT * FROM {t}").fetchall()) for t in ("letters", "roles", "entities")
        }
    finally:
        db.close()


def fresh_catalogue(root: Path, dist: Path, scratch: Path) -> dict[str, list[tuple[object, ...]]]:
    """The catalogue made afresh from the store's current generation."""
    with PersistentStore(root, dist).reading() as (store, _):
        make_catalogue(store, scratch, "https://lod.example.org/graph/entities")
    return catalogue_rows(scratch)


def generations(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.is_dir() and p.name.isdigit())


@pytest.mark.parametrize("dumps", ["whole", "parts"])
def test_the_store_holds_the_dumps_after_full_and_incremental_builds(
    corpus: Path, tmp_path: Path, dumps: str
) -> None:
    settings = replace(SETTINGS, dumps=dumps)
    dist, root, cache = tmp_path / "dist", tmp_path / "store", tmp_path / "cache"

    def again(afresh: bool = False) -> None:
        said: list[str] = []
        result = build(
            corpus, dist, settings, cache_dir=cache, store_dir=root, keep_going=True, say=said.append
        )
        assert result.written
        assert any(line.startswith("making the store") for line in said) == afresh, said
        assert store_quads(root, dist) == dump_quads(dist)
        store = PersistentStore(root, dist)
        assert store.up_to_date()
        current = store.current()
        assert current is not None
        kept = catalogue_rows(current.file(".catalogue"))  # made afresh, or updated
        assert kept == fresh_catalogue(root, dist, tmp_path / "fresh.sqlite")
        assert len(kept["letters"]) == sum(1 for _ in (corpus / "letters").iterdir())

    again(afresh=True)
    assert generations(root) == ["000001"]
    letters = corpus / "letters"
    edited = letters / "letter-000007.txt"
    edited.write_bytes(edited.read_bytes().replace(b"Dear Comrades,", b"Dear Comrades and friends,", 1))
    again()  # one letter graph replaced
    assert generations(root) == ["000002"]  # the one before, unused, removed
    cited = [p for p in sorted(letters.iterdir()) if b"Documente" in p.read_bytes()]
    cited[1].write_bytes(cited[1].read_bytes().replace(b"Documente", b"Anale", 1))
    again()  # a part of the entities graph changed: the old triples out, the new ones in
    translated = next(
        p for p in sorted(letters.iterdir()) if b"Translated by Svetlana Savranskaya" in p.read_bytes()
    )
    translated.write_bytes(translated.read_bytes().replace(b"Svetlana Savranskaya", b"Petra Newname"))
    again()  # a person no letter named before: described and labelled
    (letters / "letter-000200.txt").write_bytes((letters / "letter-000003.txt").read_bytes())
    (letters / "letter-000011.txt").unlink()
    again()  # a graph added, one dropped
    assert PersistentStore(root, dist).sync().how == "unchanged"
    for path in sorted(letters.iterdir())[:40]:  # 40 at once: still updated (afresh past 64 and a quarter)
        path.write_bytes(path.read_bytes().replace(b"Dear Comrades,", b"Dear comrades,", 1))
    again()


def test_a_reader_keeps_its_generation_until_it_is_done(corpus: Path, tmp_path: Path) -> None:
    dist, root = tmp_path / "dist", tmp_path / "store"
    build(corpus, dist, SETTINGS, cache_dir=tmp_path / "cache", store_dir=root)
    store = PersistentStore(root, dist)
    with store.reading() as (old, generation):
        before = set(old.quads_for_pattern(None, None, None, None))
        edited = corpus / "letters" / "letter-000007.txt"
        edited.write_bytes(edited.read_bytes().replace(b"Dear Comrades,", b"Dear friends,", 1))
        build(corpus, dist, SETTINGS, cache_dir=tmp_path / "cache", store_dir=root)
        assert generations(root) == ["000001", "000002"]  # held: not removed
        assert set(old.quads_for_pattern(None, None, None, None)) == before  # still whole
        assert store.current() != generation
    store.sync()
    assert generations(root) == ["000002"]


def test_a_dist_without_a_store_gets_one_on_first_use_by_one_process(corpus: Path, tmp_path: Path) -> None:
    """Two `lodpub query` processes on a dist without a store: one makes it (saying so), the
    other waits for it; one generation is made, and both answer."""
    dist = tmp_path / "dist"
    build(corpus, dist, SETTINGS)
    assert not (tmp_path / ".dist-store").exists()
    command = [sys.executable, "-m", "lodpub", "query", "dataset-statistics", "--dist", str(dist)]
    command += ["--format", "csv"]
    started = [
        subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=120) for process in started]
    assert [process.returncode for process in started] == [0, 0]
    assert outputs[0][0] == outputs[1][0] and "letters,130" in outputs[0][0]
    said = [stderr for _, stderr in outputs]
    making = f"making the store of {dist} in {tmp_path / '.dist-store'} (once; later builds update it)"
    assert sum(making in text for text in said) == 1, said
    assert generations(tmp_path / ".dist-store") == ["000001"]


def test_a_store_is_never_used_for_another_dist(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build without the store leaves it behind the dist: the next query brings it up to date
    first (its answer is the new dist's); a store folder that cannot be written is an error."""
    dist = tmp_path / "dist"
    monkeypatch.chdir(tmp_path)  # no lodpub.toml of the repository
    code, _, stderr = run("build", str(corpus), "--out", str(dist), "--quiet", "--config", os.devnull)
    assert code == 0, stderr
    assert PersistentStore(tmp_path / ".dist-store", dist).up_to_date()
    (corpus / "letters" / "letter-000011.txt").unlink()
    code, _, stderr = run("build", str(corpus), "--out", str(dist), "--no-store", "--config", os.devnull)
    assert code == 0 and not PersistentStore(tmp_path / ".dist-store", dist).up_to_date()
    code, out, _ = run("query", "dataset-statistics", "--dist", str(dist), "--format", "csv")
    assert code == 0 and "letters,129" in out
    assert PersistentStore(tmp_path / ".dist-store", dist).up_to_date()
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    code, _, stderr = run("query", "dataset-statistics", "--dist", str(dist), "--store", str(blocked / "x"))
    assert (code, stderr.splitlines()[0]) == (
        2,
        f"error: {blocked / 'x'}: the store of {dist} cannot be written (Not a directory)",
    )


def reader_only() -> tuple[str, ...]:
    """A command prefix that runs a program unable to write files it does not own the right to:
    as root (who writes anywhere), the capabilities that override file permissions are dropped."""
    if os.geteuid() != 0:
        return ()
    from .conftest import require_tool

    return (require_tool("setpriv"), "--bounding-set=-dac_override,-dac_read_search,-fowner", "--")


def test_a_store_one_may_only_read_serves_and_answers_queries(tmp_path: Path) -> None:
    """``query`` and ``serve`` by a user who may not write the store or the dist: they answer
    from the store as it is; once the dist has changed (the store is stale and cannot be made
    anew), they stop with one clear message, and no traceback."""
    import requests

    from .conftest import CORPUS
    from .servers import start, stop

    dist = tmp_path / "dist"
    assert run("build", str(CORPUS), "--out", str(dist), "--quiet")[0] == 0
    assert run("query", "timeline", "--dist", str(dist))[0] == 0  # makes the store
    store = tmp_path / ".dist-store"
    for folder in (store, dist):
        for path in [folder, *folder.rglob("*")]:
            path.chmod(path.stat().st_mode & ~0o222)
    query = [*reader_only(), sys.executable, "-m", "lodpub", "query", "timeline", "--dist", str(dist)]
    done = subprocess.run(query, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "(2 rows)" in done.stdout, done.stderr
    server = start(dist, tmp_path / "serve", "--store", str(store), wrapper=reader_only())
    try:
        assert requests.get(server.url + "/", timeout=10).status_code == 200
        answer = requests.get(
            server.url + "/sparql",
            params={"query": "ASK { ?s ?p ?o }"},
            headers={"Accept": "application/sparql-results+json"},
            timeout=30,
        )
        assert answer.json()["boolean"] is True
    finally:
        stop(server)
    assert "Traceback" not in server.stderr(), server.stderr()
    index = dist / "graphs.tsv"
    index.chmod(0o644)
    index.write_bytes(index.read_bytes() + b"\n")  # the dist changed: its store is stale
    done = subprocess.run(query, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith(f"error: {store}: the store of {dist} cannot be written"), done.stderr
    for folder in (store, dist):
        for path in [folder, *folder.rglob("*")]:
            path.chmod(path.stat().st_mode | 0o200)
