"""The exchange formats at scale: `lodpub export cmif|csv|gexf|graphml` of N generated letters.

    python bench/export.py N [N ...]

For each N: build N letters (bench/generate.py) into bench/out/N/export-dist with
SOURCE_DATE_EPOCH set (its store made by the build), then time each export as a whole process,
and print the letters per second. The goal: 100,000 letters in under two minutes for each format
on 2 cores (measure 10,000 and more).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time

from generate import generate
from run import OUT


def main() -> None:
    args = sys.argv[1:]
    if not args or args[0] in ("-h", "--help"):
        print(__doc__)
        return
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1733400000"}
    config = OUT / "export.toml"
    OUT.mkdir(parents=True, exist_ok=True)
    config.write_text('publisher = "Benchmark"\nlicense = "https://creativecommons.org/licenses/by/4.0/"\n')
    for count in map(int, args):
        root = OUT / str(count)
        corpus, dist = root / "corpus", root / "export-dist"
        if not (corpus / "letters").is_dir():
            generate(count, corpus)
        if not (dist / "graphs.tsv").exists():
            shutil.rmtree(dist, ignore_errors=True)
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "lodpub",
                    "build",
                    str(corpus),
                    "--out",
                    str(dist),
                    "--quiet",
                    "--config",
                    str(config),
                ],
                check=True,
                env=env,
                capture_output=True,
            )
        figures: dict[str, object] = {"letters": count}
        for form, name in (
            ("cmif", "cmif.xml"),
            ("csv", "letters.csv"),
            ("gexf", "c.gexf"),
            ("graphml", "c.graphml"),
        ):
            out = root / name
            started = time.perf_counter()
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "lodpub",
                    "export",
                    form,
                    str(dist),
                    "--out",
                    str(out),
                    "--config",
                    str(config),
                ],
                check=True,
                env=env,
                capture_output=True,
            )
            seconds = time.perf_counter() - started
            figures[form] = {
                "s": round(seconds, 2),
                "letters_per_s": round(count / seconds),
                "mb": round(out.stat().st_size / 1e6, 1),
            }
            print(
                f"{count:>8} letters  {form:<8} {seconds:7.2f} s  {count / seconds:8.0f} letters/s  "
                f"{out.stat().st_size / 1e6:7.1f} MB"
            )
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
