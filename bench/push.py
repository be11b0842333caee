"""Benchmark `lodpub push` against Oxigraph's own bulk loader, measured in the same run.

    python bench/push.py [--update] [--gsp] [--dumps parts] N [N ...]

For each N: build N generated letters (bench/generate.py) unless bench/out/N/dist exists, then
time, each into a fresh Oxigraph store on a free 127.0.0.1 port:
  - floor: `oxigraph load --file dataset.nq` (Oxigraph's bulk loader, no server);
  - `lodpub push` (protocol auto: into an empty Oxigraph, the server's bulk load endpoint);
  - `lodpub push --protocol update` (SPARQL Update, many small graphs a request) and
  - `lodpub push --protocol gsp` (one PUT per graph), both skipped above 20,000 letters unless
    --update / --gsp is given;
then, with the store holding the first push, edit one letter (the edit stays in the corpus),
rebuild and time a re-push, which sends only that letter's graph. Prints each time and its
ratio to the floor.
Servers are killed when done. With ``--dumps parts`` the dataset is the output in parts that
`bench/run.py --dumps parts N` leaves (bench/out/N/dist-parts, built with its cache if missing):
the floor loads every part's N-Quads (`oxigraph load` takes them in parallel), and the rebuild
before the re-push is an incremental one.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from generate import generate

OUT = Path(__file__).parent / "out"
BASE = "https://lod.example.org/"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """`oxigraph serve` on loopback with a fresh data folder."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        binary = shutil.which("oxigraph")
        if binary is None:
            raise SystemExit("needs the oxigraph server: pip install oxigraph")
        self.process = subprocess.Popen(
            [binary, "serve", "--location", str(folder), "--bind", f"127.0.0.1:{self.port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(300):
            try:
                requests.get(self.url + "/query", timeout=1)
                return
            except requests.ConnectionError:
                time.sleep(0.1)
        raise SystemExit("oxigraph did not start")

    def args(self) -> list[str]:
        url = self.url
        return [f"--endpoint={url}/query", f"--graph-store={url}/store", f"--update-endpoint={url}/update"]

    def stop(self) -> None:
        self.process.kill()
        self.process.wait(10)


def lodpub(*args: str) -> float:
    return run(*args)[0]


def run(*args: str) -> tuple[float, str]:
    """Seconds a lodpub command takes, and what it printed on stderr."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "lodpub", *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"lodpub {' '.join(args)} failed:\n{done.stderr}")
    return time.perf_counter() - started, done.stderr


def measure(count: int, forced: set[str], parts: bool = False) -> dict[str, object]:
    root = OUT / str(count)
    corpus, dist = root / "corpus", root / ("dist-parts" if parts else "dist")
    build = ["build", str(corpus), "--out", str(dist), "--quiet", "--base-iri", BASE]
    if parts:
        build += ["--dumps", "parts", "--cache", str(root / "cache")]
    if not (dist / "graphs.tsv").exists():
        generate(count, corpus)
        lodpub(*build)
    dumps = sorted((dist / "parts").glob("*.nq")) if parts else [dist / "dataset.nq"]
    result: dict[str, object] = {
        "letters": count,
        "cores": os.cpu_count(),
        "dumps": "parts" if parts else "whole",
    }
    with tempfile.TemporaryDirectory(dir=root) as tmp:
        started = time.perf_counter()
        subprocess.run(
            ["oxigraph", "load", "--location", f"{tmp}/floor", "--file", *map(str, dumps)],
            check=True,
            capture_output=True,
        )
        floor = time.perf_counter() - started
        result["floor_oxigraph_load_s"] = round(floor, 2)
        small = count <= 20_000
        kinds = ["auto"] + (["update"] if small or "update" in forced else [])
        kinds += ["gsp"] if small or "gsp" in forced else []
        for kind in kinds:
            server = Server(Path(tmp) / kind)
            try:
                state = root / f".{dist.name}-push-state.json"
                state.unlink(missing_ok=True)
                seconds = lodpub("push", str(dist), *server.args(), "--protocol", kind, "--quiet")
                result[f"push_{kind}_s"] = round(seconds, 2)
                result[f"ratio_{kind}"] = round(seconds / floor, 2)
                if kind == "auto":
                    letters = sorted((corpus / "letters").iterdir())
                    letter = letters[len(letters) // 3]
                    text = letter.read_bytes()
                    marker = f"Dear Comrades (re-pushed {time.time_ns()}),".encode()
                    letter.write_bytes(text.replace(b"Dear Comrades,", marker, 1))
                    seconds, printed = run(*build, "--timings")
                    timings = next(line for line in printed.splitlines() if line.startswith("timings: "))
                    result["rebuild_s"] = round(seconds, 2)
                    result["rebuild_mode"] = json.loads(timings.removeprefix("timings: "))["mode"]
                    repush = lodpub("push", str(dist), *server.args(), "--quiet")
                    result["repush_one_letter_s"] = round(repush, 2)
            finally:
                server.stop()
    return result


def main() -> None:
    args = sys.argv[1:]
    if {"-h", "--help"} & set(args):
        print(__doc__)
        return
    forced = {a.removeprefix("--") for a in args if a in ("--gsp", "--update")}
    parts = "--dumps" in args and args[args.index("--dumps") + 1] == "parts"
    counts = [int(a) for a in args if a.isdigit()]
    for count in counts or [1000]:
        result = measure(count, forced, parts)
        print(
            f"{count:>7} letters  oxigraph load {result['floor_oxigraph_load_s']} s  "
            + "  ".join(
                f"push {k} {result[f'push_{k}_s']} s (x{result[f'ratio_{k}']})"
                for k in ("auto", "update", "gsp")
                if f"push_{k}_s" in result
            )
            + f"  rebuild after one edit {result['rebuild_s']} s ({result['rebuild_mode']})"
            + f"  re-push after one edit {result['repush_one_letter_s']} s  dumps {result['dumps']}"
        )
        print(json.dumps(result), file=sys.stderr)


if __name__ == "__main__":
    main()
