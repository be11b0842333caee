"""The research site at scale: static site generation, its rebuild after one edit, and the time
`lodpub serve` takes for a correspondent's page and a filtered list page.

    python bench/site.py N [N ...]

For each N: build N generated letters (bench/generate.py) into bench/out/N/site-dist (with its
store and catalogue), then time `lodpub site` (files written, their count and bytes), a second
`lodpub site` after one edited letter and its rebuild, and, on a running `lodpub serve`, the page
of the correspondent with the most letters (with how many), a filtered list page (year and
correspondent) and a title search — each the best of 5 requests. Goal: each page under 200 ms.
"""

from __future__ import annotations

import json
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests
from generate import generate

OUT = Path(__file__).parent / "out"


def lodpub(*args: str) -> list[str]:
    return [sys.executable, "-m", "lodpub", *args]


def timed(command: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return time.perf_counter() - started, done.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def best(url: str, runs: int = 5) -> float:
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        answer = requests.get(url, headers={"Accept": "text/html"}, timeout=60)
        answer.raise_for_status()
        seconds.append(time.perf_counter() - started)
    return min(seconds)


def measure(count: int) -> dict[str, object]:
    root = OUT / str(count)
    corpus, dist, site = root / "corpus", root / "site-dist", root / "site"
    if not (corpus / "letters").is_dir():
        generate(count, corpus)
    for old in (dist, site, root / ".site-dist-cache", root / ".site-dist-store"):
        shutil.rmtree(old, ignore_errors=True)
    build = lodpub("build", str(corpus), "--out", str(dist), "--quiet")
    build_s, _ = timed(build)
    site_s, said = timed(lodpub("site", str(dist), "--out", str(site), "--quiet"))
    files = [p for p in site.rglob("*") if p.is_file()]
    figures: dict[str, object] = {
        "letters": count,
        "build_s": round(build_s, 1),
        "site_s": round(site_s, 1),
        "site_files": len(files),
        "site_mb": round(sum(p.stat().st_size for p in files if p.stat().st_nlink == 1) / 1e6, 1),
    }
    letters = sorted((corpus / "letters").iterdir())
    letter = next(p for p in letters[count // 2 :] + letters if b"Dear Comrades" in p.read_bytes())
    letter.write_bytes(letter.read_bytes().replace(b"Dear Comrades", b"Dear Comrades (edited)", 1))
    rebuild_s, _ = timed(build)
    again_s, said = timed(lodpub("site", str(dist), "--out", str(site), "--quiet"))
    figures["rebuild_s"] = round(rebuild_s, 2)
    figures["site_again_s"] = round(again_s, 2)
    figures["site_again"] = said.split(": ", 1)[1].split(";")[0]
    catalogue = next((root / ".site-dist-store").glob("*.catalogue"))
    import sqlite3

    db = sqlite3.connect(catalogue)
    busiest, letters_of = db.execute(
        "SELECT entity, count(DISTINCT letter) AS n FROM roles WHERE role IN ('sender', 'addressee') "
        "GROUP BY entity ORDER BY n DESC LIMIT 1"
    ).fetchone()
    year = db.execute("SELECT year FROM letters GROUP BY year ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    db.close()
    base = busiest[: busiest.index("/", 8) + 1]
    port = free_port()
    serve = subprocess.Popen(
        lodpub("serve", str(dist), "--port", str(port)), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                requests.get(url + "/.well-known/void", timeout=5)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        person = url + "/" + busiest[len(base) :]
        figures["busiest_correspondent_letters"] = letters_of
        figures["correspondent_page_s"] = round(best(person), 3)
        figures["correspondent_page_2_s"] = round(best(person + "?page=2"), 3)
        listing = f"{url}/letters?{requests.compat.urlencode({'year': year, 'correspondent': busiest})}"
        figures["filtered_list_s"] = round(best(listing), 3)
        figures["title_search_s"] = round(best(url + "/letters?q=withdrawal"), 3)
        figures["home_s"] = round(best(url + "/"), 3)
        figures["letter_page_s"] = round(best(url + "/letter/" + letter.stem), 3)
    finally:
        serve.send_signal(signal.SIGINT)
        serve.wait(timeout=30)
    return figures


def main() -> None:
    args = sys.argv[1:]
    if not args or args[0] in ("-h", "--help"):
        print(__doc__)
        return
    for count in map(int, args):
        figures = measure(count)
        for key, value in figures.items():
            print(f"{key:>32}: {value}")
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
