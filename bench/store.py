"""The researcher's wait: queries and the endpoint on the persistent store, against Oxigraph alone
on the same data, measured in the same run.

    python bench/store.py [--dumps parts] N [N ...]

For each N: build N generated letters (bench/generate.py) into bench/out/N/store-{whole,parts}
(the build makes the store; its seconds for that are `timings.store`), then time:
  - making the store: `lodpub build`'s store stage against `oxigraph load` of the same N-Quads
    (ratio, goal <= 1.3);
  - `lodpub --help` (lodpub's own start-up) and `lodpub query dataset-statistics` and
    `lodpub query letters-between-parties` (whole processes), against a bare Python process that
    opens the same store read-only with pyoxigraph and runs the same query, and `oxigraph query`;
    the goal: what `lodpub query` spends beyond its start-up is at most 3 x the bare process
    (+0.15 s);
  - `lodpub serve` to its first answer (the statistics query over HTTP), against
    `oxigraph serve-read-only`; the RSS of serve and its query workers while answering 20
    queries and 20 resource pages;
  - a rebuild after one edited letter, store included (with --dumps parts: the goal is < 5 s at
    100,000 letters).
Prints each figure and ratio, then one JSON line. Servers are stopped by PID.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from generate import generate

OUT = Path(__file__).parent / "out"
QUERIES = Path(__file__).parent.parent / "queries"
BARE = """
import sys, pyoxigraph as ox
store = ox.Store.read_only(sys.argv[1])
rows = list(store.query(open(sys.argv[2]).read(), use_default_graph_as_union=True))
print(len(rows))
"""


def timings_of(stderr: str) -> dict[str, object]:
    """The --timings line a build printed."""
    return dict(json.loads(next(ln for ln in stderr.splitlines() if ln.startswith("timings: "))[9:]))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def timed(command: list[str], **kwargs: object) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    done = subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)  # type: ignore[call-overload]
    return time.perf_counter() - started, done


def best(command: list[str], runs: int = 3) -> float:
    """The fastest of a few runs (the others wait for the machine)."""
    return min(timed(command)[0] for _ in range(runs))


def lodpub(*args: str) -> list[str]:
    return [sys.executable, "-m", "lodpub", *args]


def rss(pid: int) -> int:
    """Resident bytes of a process and its descendants."""
    total = 0
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            total += int(Path(f"/proc/{current}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return total


def first_answer(command: list[str], url: str) -> tuple[float, subprocess.Popen[bytes]]:
    """Seconds from starting a server to its first answer to the statistics query."""
    query = (QUERIES / "dataset-statistics.rq").read_text()
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while True:
        try:
            answer = requests.get(
                url,
                params={"query": query},
                headers={"Accept": "application/sparql-results+json"},
                timeout=60,
            )
            if answer.status_code == 200:
                return time.perf_counter() - started, process
        except requests.ConnectionError:
            pass
        if process.poll() is not None:
            raise SystemExit(f"{command[0]} ended: {process.returncode}")
        time.sleep(0.01)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def measure(count: int, dumps: str) -> dict[str, object]:
    root = OUT / str(count)
    corpus, dist = root / "corpus", root / f"store-{dumps}"
    if not (corpus / "letters").is_dir():
        generate(count, corpus)
    for old in (dist, root / f".store-{dumps}-cache", root / f".store-{dumps}-store"):
        shutil.rmtree(old, ignore_errors=True)
    build = lodpub("build", str(corpus), "--out", str(dist), "--quiet", "--timings", "--dumps", dumps)
    build_s, done = timed(build)
    stages = timings_of(done.stderr)
    store_root = root / f".store-{dumps}-store"
    generation = store_root / (store_root / "current").read_text().split()[0]
    nquads = [dist / "dataset.nq"] if dumps == "whole" else sorted(dist.glob("parts/*.nq"))
    with tempfile.TemporaryDirectory(dir=root) as scratch:
        load_s, _ = timed(["oxigraph", "load", "--location", scratch, "--file", *map(str, nquads)])
    figures: dict[str, object] = {
        "letters": count,
        "dumps": dumps,
        "build_s": round(build_s, 2),
        "store_s": stages["store"],
        "oxigraph_load_s": round(load_s, 2),
        "store/load": round(float(stages["store"]) / load_s, 2),  # type: ignore[arg-type]
    }
    startup = best(lodpub("--help"))
    figures["lodpub_help_s"] = round(startup, 3)
    for name in ("dataset-statistics", "letters-between-parties"):
        query = QUERIES / f"{name}.rq"
        ours = best(lodpub("query", name, "--dist", str(dist), "--format", "csv"))
        bare = best([sys.executable, "-c", BARE, str(generation), str(query)])
        by_oxigraph = best(
            [
                "oxigraph",
                "query",
                "--location",
                str(generation),
                "--query-file",
                str(query),
                "--results-format",
                "csv",
                "--union-default-graph",
            ]
        )
        beyond = ours - startup
        figures[name] = {
            "lodpub_query_s": round(ours, 3),
            "beyond_startup_s": round(beyond, 3),
            "bare_pyoxigraph_s": round(bare, 3),
            "oxigraph_query_s": round(by_oxigraph, 3),
            "goal_ratio": round(beyond / (3 * bare + 0.15), 2),  # <= 1: the goal is met
        }
    port = free_port()
    serve_s, serve = first_answer(
        lodpub("serve", str(dist), "--port", str(port)), f"http://127.0.0.1:{port}/sparql"
    )
    try:
        peak = rss(serve.pid)
        for number in range(20):
            requests.get(
                f"http://127.0.0.1:{port}/sparql",
                params={"query": (QUERIES / "letters-between-parties.rq").read_text()},
                timeout=60,
            )
            requests.get(f"http://127.0.0.1:{port}/letter/letter-{number * (count // 20):06d}", timeout=60)
            peak = max(peak, rss(serve.pid))
    finally:
        stop(serve)
    port = free_port()
    alone_s, alone = first_answer(
        [
            "oxigraph",
            "serve-read-only",
            "--location",
            str(generation),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ],
        f"http://127.0.0.1:{port}/query",
    )
    stop(alone)
    figures["serve_first_answer_s"] = round(serve_s, 2)
    figures["oxigraph_serve_first_answer_s"] = round(alone_s, 2)
    figures["serve_peak_rss_mb"] = round(peak / 1e6, 1)
    letters = sorted((corpus / "letters").iterdir())
    letter = next(p for p in letters[count // 2 :] + letters if b"Dear Comrades" in p.read_bytes())
    letter.write_bytes(letter.read_bytes().replace(b"Dear Comrades", b"Dear Comrades (edited)", 1))
    rebuild_s, done = timed(build)
    stages = timings_of(done.stderr)
    figures["rebuild_one_letter"] = {
        "s": round(rebuild_s, 2),
        "store_s": stages["store"],
        "mode": stages["mode"],
    }
    return figures


def main() -> None:
    args = sys.argv[1:]
    if not args or args[0] in ("-h", "--help"):
        print(__doc__)
        return
    dumps = "whole"
    if args[0] == "--dumps":
        dumps, args = args[1], args[2:]
    if shutil.which("oxigraph") is None:
        raise SystemExit("needs the oxigraph command: pip install oxigraph")
    for count in map(int, args):
        figures = measure(count, dumps)
        for key, value in figures.items():
            print(f"{key:>28}: {value}")
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
