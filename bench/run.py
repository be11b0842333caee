"""Benchmark `lodpub build` against a floor measured in the same run.

    python bench/run.py [--jobs J] [--no-rebuild] [--dumps parts] N [N ...]
    python bench/run.py [--jobs J] [--dumps parts] --rebuild-only N


For each N: generate N letters (bench/generate.py), time `lodpub build` in a child process
(its peak memory from the kernel's accounting; the build also makes the persistent store, so the
floor gains `oxigraph load` of the same N-Quads), then time the floor in this process: reading
the corpus files, then parsing the build's own dataset.nq with pyoxigraph and writing it in
every output format (N-Quads, TriG, Turtle, N-Triples, JSON-LD) with pyoxigraph alone, plus the
fastest validation of the same quads with the same shapes: pyshacl-turbo alone over the letter
graphs in chunks of 64 (each with the types of the entities it names), then over the entities
graph and the dataset description, in one process — or the build's own validation seconds
(summed over its workers) when those are fewer. The build
uses J worker processes (default: the number of cores); the stage times of read_map and validate
add up the workers' seconds. Prints
letters/s, triples, peak memory, the stages of the build, and the ratio build/floor. Ratios
from one run on one machine compare; absolute seconds depend on the machine.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox
from generate import generate
from pyshacl_turbo import CompiledShapes
from rdflib import Graph

OUT = Path(__file__).parent / "out"
SHAPES = Path(__file__).resolve().parents[1] / "shapes"
SHAPES_NAMES = ("letter", "entities", "dataset")
BASE = "https://lod.example.org/"


def validation_floor(nq: Path) -> float:
    """Seconds to validate the dataset's quads with the project's shapes, by pyshacl-turbo alone."""
    shapes = {name: CompiledShapes(Graph().parse(SHAPES / f"{name}.ttl")) for name in SHAPES_NAMES}
    started = time.perf_counter()
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    entities_graph, dataset_graph = (
        ox.NamedNode(BASE + "graph/entities"),
        ox.NamedNode(BASE + "graph/dataset"),
    )
    types: dict[object, list[ox.Quad]] = {}
    shared: list[ox.Quad] = []
    description: list[ox.Quad] = []
    for quad in ox.parse(path=str(nq), format=ox.RdfFormat.N_QUADS):
        if quad.graph_name == entities_graph:
            shared.append(ox.Quad(quad.subject, quad.predicate, quad.object))
            if quad.predicate == rdf_type:
                types.setdefault(quad.subject, []).append(shared[-1])
        elif quad.graph_name == dataset_graph:
            description.append(ox.Quad(quad.subject, quad.predicate, quad.object))

    def check(name: str, quads: list[ox.Quad]) -> None:
        store = ox.Store()
        store.extend(quads)
        shapes[name].validate(store, inference="none", allow_warnings=True)

    chunk: list[ox.Quad] = []
    graphs: set[object] = set()
    for quad in ox.parse(path=str(nq), format=ox.RdfFormat.N_QUADS):
        if quad.graph_name in (entities_graph, dataset_graph):
            continue
        if quad.graph_name not in graphs and len(graphs) == 64:
            check("letter", chunk)
            chunk, graphs = [], set()
        graphs.add(quad.graph_name)
        chunk.append(ox.Quad(quad.subject, quad.predicate, quad.object))
        chunk.extend(types.get(quad.object, ()))
    check("letter", chunk)
    check("entities", shared)
    check("dataset", description)
    return time.perf_counter() - started


def floor(corpus: Path, nq: Path) -> float:
    """Seconds to read the corpus and write the same quads in every format with pyoxigraph."""
    started = time.perf_counter()
    for path in sorted((corpus / "letters").iterdir()):
        path.read_bytes()
    with tempfile.TemporaryDirectory() as tmp:

        def quads() -> object:
            return ox.parse(path=str(nq), format=ox.RdfFormat.N_QUADS)

        ox.serialize(quads(), f"{tmp}/a.nq", ox.RdfFormat.N_QUADS)
        ox.serialize(quads(), f"{tmp}/a.trig", ox.RdfFormat.TRIG)
        ox.serialize((q.triple for q in quads()), f"{tmp}/a.ttl", ox.RdfFormat.TURTLE)  # type: ignore[attr-defined]
        ox.serialize((q.triple for q in quads()), f"{tmp}/a.nt", ox.RdfFormat.N_TRIPLES)  # type: ignore[attr-defined]
        ox.serialize(quads(), f"{tmp}/a.jsonld", ox.RdfFormat.JSON_LD)
    return time.perf_counter() - started


def build_command(corpus: Path, out: Path, jobs: int, *extra: str) -> list[str]:
    """`lodpub build` of ``corpus`` into ``out`` with ``jobs`` workers, quietly."""
    command = [sys.executable, "-m", "lodpub", "build", str(corpus), "--out", str(out), "--quiet"]
    return [*command, "--jobs", str(jobs), "--base-iri", BASE, *extra]


def edit_one(corpus: Path, at: float = 0.5) -> None:
    """Edit one letter of the corpus (its salutation): by default the middle one."""
    letters = sorted((corpus / "letters").iterdir())
    letter = letters[int(len(letters) * at)]
    letter.write_bytes(letter.read_bytes().replace(b"Dear Comrades", b"Dear Comrades (edited)", 1))


def copy_floor(dist: Path) -> tuple[float, int]:
    """Seconds to copy the dump files of ``dist`` (a plain file copy), and their bytes."""
    names = [p for p in sorted(dist.rglob("*")) if p.is_file() and _is_dump(p.relative_to(dist))]
    with tempfile.TemporaryDirectory(dir=dist.parent) as scratch:
        started = time.perf_counter()
        for number, path in enumerate(names):
            shutil.copyfile(path, Path(scratch) / str(number))
        seconds = time.perf_counter() - started
    return seconds, sum(p.stat().st_size for p in names)


def _is_dump(name: Path) -> bool:
    return name.parts[0] in ("parts", "dumps") or (len(name.parts) == 1 and name.name.startswith("dataset."))


def rebuild_once(command: list[str], corpus: Path, dist: Path, at: float = 0.5) -> dict[str, object]:
    """Edit one letter, rebuild, and time a copy of the dumps right after: the figures."""
    edit_one(corpus, at)
    took, stages = timed(command)
    if stages["mode"] != "incremental":
        raise SystemExit(f"the rebuild was a full build: {stages}")
    copy, size = copy_floor(dist)
    return {
        "s": round(took, 2),
        "copy_s": round(copy, 2),
        "dump_mb": round(size / 1e6),
        "rebuild/goal": round(took / (2 * copy + 1), 2),
        "stages": stages,
    }


def rebuilds(count: int, jobs: int, dumps: str) -> dict[str, object]:
    """Three rebuilds of an earlier run's output, each after one more edited letter."""
    root = OUT / str(count)
    corpus, dist = root / "corpus", root / ("dist-parts" if dumps == "parts" else "dist-incremental")
    if not (dist / "graphs.tsv").exists():
        raise SystemExit(f"{dist}: no output; run `bench/run.py --dumps {dumps} {count}` first")
    command = build_command(corpus, dist, jobs, "--dumps", dumps, "--cache", str(root / "cache"))
    seconds = [rebuild_once(command, corpus, dist, at) for at in (0.25, 0.5, 0.75)]
    return {"letters": count, "dumps": dumps, "rebuilds": seconds, "cores": os.cpu_count(), "jobs": jobs}


def timed(command: list[str]) -> tuple[float, dict[str, object]]:
    """Seconds a build takes, and its --timings."""
    started = time.perf_counter()
    done = subprocess.run([*command, "--timings"], check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    line = next(line for line in done.stderr.splitlines() if line.startswith("timings: "))
    return seconds, json.loads(line.removeprefix("timings: "))


def incremental(corpus: Path, root: Path, jobs: int) -> dict[str, object]:
    """A rebuild after editing one letter, with the cache of a build just before."""
    dist = root / "dist-incremental"
    command = build_command(corpus, dist, jobs, "--cache", str(root / "cache"))
    subprocess.run(command, check=True, capture_output=True)
    return rebuild_once(command, corpus, dist)


def joined_nquads(dist: Path, root: Path) -> Path:
    """dataset.nq, or the parts' N-Quads joined into one file (for the floor)."""
    if (dist / "dataset.nq").exists():
        return dist / "dataset.nq"
    joined = root / "joined.nq"
    with open(joined, "wb") as out:
        for part in sorted((dist / "parts").glob("*.nq")):
            with open(part, "rb") as data:
                shutil.copyfileobj(data, out)
    return joined


def measure(count: int, jobs: int, rebuild: bool = True, dumps: str = "whole") -> dict[str, object]:
    root = OUT / str(count)
    corpus, dist = root / "corpus", root / f"dist-{dumps}"
    generate(count, corpus)
    # a build from nothing: an earlier output would lend it the files of unchanged letters
    stores = [root / f".{dist.name}-store", root / ".dist-incremental-store"]
    for old in (dist, root / "dist-incremental", root / "cache", root / "joined.nq", *stores):
        if old.is_dir():
            shutil.rmtree(old)
        old.unlink(missing_ok=True)
    keep = ["--dumps", "parts", "--cache", str(root / "cache")] if dumps == "parts" else ["--no-cache"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run(
        build_command(corpus, dist, jobs, "--timings", *keep),
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    build_seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"build failed:\n{done.stderr}")
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    timing_line = next(line for line in done.stderr.splitlines() if line.startswith("timings: "))
    stages = json.loads(timing_line.removeprefix("timings: "))
    triples = int(done.stdout.split(" triples")[0].rsplit(" ", 1)[1])
    nq = joined_nquads(dist, root)
    write_floor = floor(corpus, nq)
    validate_floor = validation_floor(nq)
    # the stricter of the two: the build's own validation may be faster than validate_floor
    floor_seconds = write_floor + min(validate_floor, stages["validate"])
    load_floor = 0.0
    if stages.get("store"):  # the build made the persistent store: the floor loads it too
        with tempfile.TemporaryDirectory(dir=root) as scratch:
            started = time.perf_counter()
            subprocess.run(
                ["oxigraph", "load", "--location", scratch, "--file", str(nq)],
                check=True,
                capture_output=True,
            )
            load_floor = time.perf_counter() - started
        floor_seconds += load_floor
    rebuilt: dict[str, object] = {}
    if rebuild and dumps == "parts":
        rebuilt = rebuild_once(build_command(corpus, dist, jobs, *keep), corpus, dist)
    elif rebuild:
        rebuilt = incremental(corpus, root, jobs)
    return {
        "letters": count,
        "dumps": dumps,
        "triples": triples,
        "build_s": round(build_seconds, 2),
        "floor_s": round(floor_seconds, 2),
        "floor_read_write_s": round(write_floor, 2),
        "floor_validate_s": round(validate_floor, 2),
        "floor_store_load_s": round(load_floor, 2),
        "ratio": round(build_seconds / floor_seconds, 1),
        "rebuild_one_letter": rebuilt,
        "letters_per_s": round(count / build_seconds, 1),
        "peak_rss_mb": round(max(peak_kb, before) / 1024, 1),
        "stages_s": stages,
        "cores": os.cpu_count(),
        "jobs": jobs,
    }


def main() -> None:
    args = sys.argv[1:]
    if {"-h", "--help"} & set(args):
        print(__doc__)
        return
    jobs = os.cpu_count() or 1
    rebuild = "--no-rebuild" not in args
    args = [a for a in args if a != "--no-rebuild"]
    dumps = "whole"
    if "--dumps" in args:
        at = args.index("--dumps")
        dumps = args[at + 1]
        del args[at : at + 2]
    if "--jobs" in args:
        at = args.index("--jobs")
        jobs = int(args[at + 1])
        del args[at : at + 2]
    if "--rebuild-only" in args:
        args.remove("--rebuild-only")
        for count in [int(a) for a in args]:
            result = rebuilds(count, jobs, dumps)
            print(f"{count:>7} letters  rebuilds after one edit: {result['rebuilds']}")
            print(json.dumps(result), file=sys.stderr)
        return
    for count in [int(a) for a in args] or [1000]:
        result = measure(count, jobs, rebuild, dumps)
        print(
            f"{result['letters']:>7} letters  {result['triples']:>9} triples  "
            f"build {result['build_s']:>8} s  floor {result['floor_s']:>6} s "
            f"(read+write {result['floor_read_write_s']} s, validate {result['floor_validate_s']} s)  "
            f"ratio build/floor {result['ratio']:>6}  {result['letters_per_s']:>7} letters/s  "
            f"peak {result['peak_rss_mb']} MB  jobs {result['jobs']}  dumps {result['dumps']}  "
            f"rebuild after one edit {result['rebuild_one_letter']}  "
            f"stages {result['stages_s']}"
        )
        print(json.dumps(result), file=sys.stderr)


if __name__ == "__main__":
    main()
