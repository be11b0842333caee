"""The SERVICE and dataset checks a query passes before it runs (publish/lexer.py), on long and
deep queries, as a ratio against a floor measured in the same run.

    python bench/querycheck.py

The floor is one regular-expression pass over the same text, a match per word or sign
(``re.findall(r"\\w+|\\S", text)``); the check reads every token once, so its ratio stays
about the same whatever the query's size or nesting: a query costs the server time in
proportion to its length, never more (rdflib's parser, which did the check before, took 55 s
on a 1 MB query that mentions "service", and failed at 25 nested brackets).
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from lodpub.publish.lexer import names_dataset, service_endpoints


def best(action: object, text: str, rounds: int = 3) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        action(text)  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    queries = {
        f"{size // 1000} KB flat": "SELECT * WHERE { " + "?service ?p 'service' . " * (size // 25) + "}"
        for size in (10_000, 100_000, 1_000_000)
    }
    for depth in (25, 1_000, 10_000):
        nested = "(" * depth + "1" + ")" * depth
        queries[f"{depth} nested"] = "SELECT * WHERE { FILTER(" + nested + ") } # service"
    print(f"{'query':>14} {'bytes':>9} {'floor s':>9} {'check s':>9} {'ratio':>6}")
    for name, text in queries.items():
        floor = best(lambda t: re.findall(r"\w+|\S", t), text)
        check = best(lambda t: (service_endpoints(t), names_dataset(t)), text)
        print(f"{name:>14} {len(text):>9,} {floor:>9.4f} {check:>9.4f} {check / floor:>6.1f}")


if __name__ == "__main__":
    main()
