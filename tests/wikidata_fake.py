"""A local stand-in for the Wikidata API and a W3C reconciliation service, serving responses
written in the shape of recorded ones; faults are switched on per test. Loopback only.

Each request is recorded in ``Fake.seen`` with its parameters, User-Agent, path and the
``time.monotonic()`` at which it arrived (``t``). Faults (``fake_wikidata(NAME=count)``, each for
the first ``count`` requests): ``429``, ``503`` and ``maxlag`` answer with a ``Retry-After`` of
``retry_after`` (seconds as sent, or ``"date+N"``: an HTTP date N seconds after the answer's Date
header); ``malformed`` and ``slow`` answer bad JSON or late; ``truncated`` sends a Content-Length
larger than the body and closes the connection; ``reset`` sends part of the body and resets the
connection (TCP RST)."""

from __future__ import annotations

import contextlib
import http.server
import json
import socket
import struct
import time
from collections.abc import Iterator
from email.utils import formatdate
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

from lodpub.link.wikidata import Cache, WikidataClient

from .stores import local_server


def item(
    qid: str,
    label: str,
    description: str,
    p31: str,
    start: str | None = None,
    end: str | None = None,
    start_prop: str = "P569",
    end_prop: str = "P570",
) -> dict[str, Any]:
    claims: dict[str, Any] = {"P31": [{"mainsnak": {"datavalue": {"value": {"id": p31}}}}]}
    if start:
        claims[start_prop] = [{"mainsnak": {"datavalue": {"value": {"time": f"+{start}-00-00T00:00:00Z"}}}}]
    if end:
        claims[end_prop] = [{"mainsnak": {"datavalue": {"value": {"time": f"+{end}-00-00T00:00:00Z"}}}}]
    return {
        "id": qid,
        "labels": {"en": {"language": "en", "value": label}},
        "descriptions": {"en": {"language": "en", "value": description}},
        "aliases": {},
        "claims": claims,
    }


ITEMS = {
    "Q900001": item(
        "Q900001", "Gheorghe Gheorghiu-Dej", "Romanian communist leader (1901-1965)", "Q5", "1901", "1965"
    ),
    "Q900002": item(
        "Q900002", "Gheorghe Gheorghiu-Dej", "ship launched in 1975", "Q11446", "1975", None, "P571", "P576"
    ),
    "Q900003": item(
        "Q900003",
        "Gheorghe Gheorghiu-Dej",
        "Romanian town, 1965-1990",
        "Q515",
        "1965",
        "1990",
        "P571",
        "P576",
    ),
    "Q900010": item(
        "Q900010",
        "Central Committee of the Communist Party of the Soviet Union",
        "highest organ of the CPSU between congresses",
        "Q1752346",
        "1917",
        "1991",
        "P571",
        "P576",
    ),
    "Q900100": item("Q900100", "Old item", "target of a merge", "Q5"),
}
SEARCH = {
    "Gheorghe Gheorghiu-Dej": ["Q900002", "Q900001", "Q900003"],
    "Central Committee of the Communist Party of the Soviet Union": ["Q900010"],
    "Delia Razdolescu": [],
}
# An item with authority identifiers (obviously made-up values), for tests/test_link_ids.py: the
# best-ranked statements count (a deprecated one and a malformed one are never offered).
ITEMS["Q900200"] = item("Q900200", "Nikita Khrushchev", "Soviet politician (1894-1971)", "Q5", "1894", "1971")
ITEMS["Q900200"]["claims"].update(
    {
        "P214": [
            {"rank": "normal", "mainsnak": {"datavalue": {"value": "9000000000000001"}}},
            {"rank": "deprecated", "mainsnak": {"datavalue": {"value": "9000000000000009"}}},
        ],
        "P227": [{"rank": "normal", "mainsnak": {"datavalue": {"value": "900000001"}}}],
        "P244": [{"rank": "normal", "mainsnak": {"datavalue": {"value": "n90000001"}}}],
        "P268": [{"rank": "normal", "mainsnak": {"datavalue": {"value": "not-a-bnf-id"}}}],
    }
)
ITEMS["Q900001"]["claims"]["P27"] = [{"mainsnak": {"datavalue": {"value": {"id": "Q218"}}}}]  # Romania
GENERIC = 6  # other names get six weak candidates each ("many results")


def generic(name: str) -> list[str]:
    base = 910000 + (sum(map(ord, name)) % 1000) * 10
    return [f"Q{base + i}" for i in range(GENERIC)]


class Fake(http.server.BaseHTTPRequestHandler):
    faults: ClassVar[dict[str, int]] = {}
    seen: ClassVar[list[dict[str, Any]]] = []
    retry_after: ClassVar[str] = "1"
    stamp: float | None = None  # the Date header of the answer being written (None: the clock)

    def log_message(self, *args: object) -> None:
        pass

    def date_time_string(self, timestamp: float | None = None) -> str:
        return super().date_time_string(self.stamp if timestamp is None else timestamp)

    def record(self, params: dict[str, str]) -> None:
        type(self).seen.append(
            {
                "params": params,
                "agent": self.headers.get("User-Agent"),
                "path": self.path,
                "t": time.monotonic(),
            }
        )

    def retry_header(self) -> dict[str, str]:
        value = type(self).retry_after
        if value.startswith("date+"):
            self.stamp = float(int(time.time()))
            value = formatdate(self.stamp + int(value[5:]), usegmt=True)
        return {"Retry-After": value}

    def cut_off(self, reset: bool) -> None:
        """Announce a whole search answer, send half of it, then close (or reset) the connection."""
        body = json.dumps({"searchinfo": {"search": "x"}, "search": [], "success": 1}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body) + 100))
        self.end_headers()
        self.wfile.write(body[: len(body) // 2])
        self.wfile.flush()
        self.close_connection = True
        if reset:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()

    def answer(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def fault(self) -> bool:
        for name, left in list(self.faults.items()):
            if left == 0:
                continue
            self.faults[name] = left - 1
            if name == "429":
                self.answer(429, b"Too many requests", self.retry_header())
            elif name == "503":
                self.answer(503, b"Service Unavailable", self.retry_header())
            elif name in ("truncated", "reset"):
                self.cut_off(reset=name == "reset")
            elif name == "maxlag":
                self.answer(
                    200,
                    json.dumps(
                        {"error": {"code": "maxlag", "info": "Waiting for db: 6 seconds lagged", "lag": 6}}
                    ).encode(),
                    self.retry_header(),
                )
            elif name == "malformed":
                self.answer(200, b'{"search": [ {"id": "Q1"')
            elif name == "slow":
                time.sleep(1.0)
                self.answer(200, b'{"search": []}')
            return True
        return False

    def do_GET(self) -> None:
        self.stamp = None
        params = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
        self.record(params)
        if self.fault():
            return
        if params.get("action") == "wbsearchentities":
            name = params["search"]
            ids = SEARCH.get(name, generic(name))[: int(params.get("limit", "7"))]
            hits = [
                {
                    "id": q,
                    "label": ITEMS[q]["labels"]["en"]["value"] if q in ITEMS else f"{name} (other)",
                    "description": ITEMS[q]["descriptions"]["en"]["value"] if q in ITEMS else "someone else",
                }
                for q in ids
            ]
            self.answer(
                200, json.dumps({"searchinfo": {"search": name}, "search": hits, "success": 1}).encode()
            )
        elif params.get("action") == "wbgetentities":
            entities = {}
            for qid in params["ids"].split("|"):
                if qid == "Q900099":  # merged into Q900100: the API answers with the target
                    entities["Q900100"] = {
                        **ITEMS["Q900100"],
                        "redirects": {"from": "Q900099", "to": "Q900100"},
                    }
                elif qid in ITEMS:
                    entities[qid] = ITEMS[qid]
                elif qid == "Q900098" or not qid.startswith("Q91"):
                    entities[qid] = {"id": qid, "missing": ""}
                else:
                    entities[qid] = item(qid, "someone else", "a namesake", "Q5", "1990")
            if "info" in params.get("props", "").split("|"):  # the item's revision, as Wikidata gives it
                entities = {
                    q: {**e, "lastrevid": 2_000_000_000 + int(q[1:])} if "missing" not in e else e
                    for q, e in entities.items()
                }
            self.answer(200, json.dumps({"entities": entities, "success": 1}).encode())
        else:
            self.answer(
                200, json.dumps({"error": {"code": "badvalue", "info": "Unrecognized value"}}).encode()
            )

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        self.stamp = None
        self.record(form)
        if self.fault():
            return
        queries = json.loads(form["queries"])
        out = {}
        for key, query in queries.items():
            ids = SEARCH.get(query["query"], generic(query["query"]))
            out[key] = {
                "result": [
                    {
                        "id": q,
                        "name": ITEMS[q]["labels"]["en"]["value"] if q in ITEMS else "someone else",
                        "score": 100.0 - i,
                        "match": i == 0,
                        "type": [
                            {
                                "id": ITEMS[q]["claims"]["P31"][0]["mainsnak"]["datavalue"]["value"]["id"]
                                if q in ITEMS
                                else "Q5",
                                "name": "type",
                            }
                        ],
                        "description": ITEMS[q]["descriptions"]["en"]["value"] if q in ITEMS else "",
                    }
                    for i, q in enumerate(ids)
                ]
            }
        self.answer(200, json.dumps(out).encode())


@contextlib.contextmanager
def fake_wikidata(retry_after: str = "1", **faults: int) -> Iterator[str]:
    Fake.faults = dict(faults)
    Fake.seen = []
    Fake.retry_after = retry_after
    with local_server(Fake) as url:
        yield url


def client_of(api: str, cache: Path, **options: Any) -> WikidataClient:
    """A client of the fake API at ``api`` (as ``fake_wikidata`` gives it), caching in ``cache``."""
    return WikidataClient(api + "/w/api.php", "t@example.org", Cache(cache), **options)
