"""A client for SPARQL 1.1 stores: Graph Store Protocol, Update, Query, and Oxigraph's bulk load.

Transient faults (time-outs, refused connections, truncated answers, 5xx and 429) are retried a
bounded number of times, after the pause the store asks for (``Retry-After``, up to
``Retry.max_wait``) or with exponential backoff; any other 4xx is reported at once with the
store's own message, and a "request too large" answer raises ``TooLarge`` so that the caller
can split it. Credentials come from the environment or ~/.netrc (or, discouraged, from a URL's
``user:password@``, which is taken out of the URL); they are never printed: every URL shown is
without userinfo, and the store's own messages are scrubbed of them.
"""

from __future__ import annotations

import datetime
import email.utils
import math
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth

from ..errors import ConfigError, PublishError
from .credentials import host_of, is_usable, make_auth, redact, secrets_of, without_userinfo

# Faults worth another try: no connection, no answer in time, an answer cut off mid-body (a
# truncated or reset response surfaces as ChunkedEncodingError, whatever the transfer encoding)
RETRIED = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)
# A store saying that a request is too large for it: HTTP 413, or Virtuoso's compiler limits
# (SP031 "generated SQL text has exceeded 10000 lines of code" and "stack overflow", SP030
# "memory exhausted" in its parser, SQ156/SQ200 "Query too large"; the last answers 500).
TOO_LARGE = re.compile(
    r"generated SQL text has exceeded|stack overflow|memory exhausted|Query too large", re.IGNORECASE
)
MAX_WAIT = 120.0  # seconds: the longest Retry-After honoured by default


class TooLarge(PublishError):
    """The store refused a request as too large; a smaller one may pass."""


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """The pause a ``Retry-After`` header asks for, in seconds (delay-seconds or an HTTP date);
    None when absent or unreadable."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.UTC)
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def connect(
    query_url: str | None,
    update_url: str | None = None,
    graph_store_url: str | None = None,
    kind: str = "none",
    retry: Retry | None = None,
    environ: Mapping[str, str] | None = None,
) -> tuple[SparqlStore, list[str]]:
    """The store at these URLs, with credentials of ``kind`` (see ``make_auth``). A URL may still
    carry ``user:password@`` (discouraged: a command line is visible to other users of the
    machine): it is taken out of the URL, and the user and password are sent as basic auth (digest
    with ``kind`` digest) to every URL of that host. Also returns which URLs ("query", "update",
    "graph_store") carried a password, for the caller to warn."""
    given = {"query": query_url, "update": update_url, "graph_store": graph_store_url}
    bare: dict[str, str] = {}
    found: dict[str, tuple[str, str]] = {}
    for role, url in given.items():
        if url:
            bare[role], credentials = without_userinfo(url)
            if credentials is not None:
                found[role] = credentials
            if not is_usable(bare[role]):
                raise ConfigError(
                    f"{role.replace('_', ' ')} URL {bare[role]!r} is not an http(s) URL",
                    hint="for example http://127.0.0.1:7878/query",
                )
    if found and kind == "bearer":
        raise ConfigError(
            "auth is 'bearer', but a URL carries a user name and password",
            hint="take user:password@ out of the URL; the token comes from LODPUB_TOKEN",
        )
    by_host: dict[tuple[str, str | None, int | None], tuple[str, str]] = {}
    for role, credentials in found.items():
        by_host.setdefault(host_of(bare[role]), credentials)
    scheme = HTTPDigestAuth if kind == "digest" else HTTPBasicAuth
    auths: dict[str, AuthBase] = {}
    for role, url in bare.items():
        credentials = found.get(role) or by_host.get(host_of(url))
        if credentials is not None:
            auths[url] = scheme(*credentials)
    rest = [url for url in bare.values() if url not in auths]
    store = SparqlStore(
        bare.get("query"),
        update_url=bare.get("update"),
        graph_store_url=bare.get("graph_store"),
        auth=make_auth(kind, rest[0], environ) if rest else None,
        retry=retry,
        auths=auths,
    )
    return store, [role for role, (_, password) in found.items() if password]


@dataclass
class Retry:
    """How often and how patiently to retry transient faults."""

    tries: int = 4
    backoff: float = 0.5
    timeout: float = 60.0
    max_wait: float = MAX_WAIT  # a store asking (Retry-After) for a longer pause is not retried


class SparqlStore:
    """One store, reached through its query, update and graph-store URLs."""

    def __init__(
        self,
        query_url: str | None,
        update_url: str | None = None,
        graph_store_url: str | None = None,
        auth: AuthBase | None = None,
        retry: Retry | None = None,
        sleep: Callable[[float], None] = time.sleep,
        auths: Mapping[str, AuthBase] | None = None,
    ) -> None:
        """``auth`` is sent to every URL but those of ``auths`` (URL -> its own credentials). A
        URL's ``user:password@`` is taken out of it and becomes basic auth for that URL (see
        ``connect``, which also warns)."""
        self.auths = dict(auths or {})
        self.query_url = self._bare(query_url)
        self.update_url = self._bare(update_url)
        self.graph_store_url = self._bare(graph_store_url)
        self.retry = retry or Retry()
        self.session = requests.Session()
        self.session.auth = auth
        self.session.trust_env = False  # no proxies, no ~/.netrc of requests' own: make_auth reads it
        self.secrets = secrets_of(auth).union(*(secrets_of(a) for a in self.auths.values()))
        self.sleep = sleep
        self.server = ""  # the Server header of the last answer (e.g. "Oxigraph/0.5.13")

    def _bare(self, url: str | None) -> str | None:
        if url is None:
            return None
        bare, credentials = without_userinfo(url)
        if credentials is not None:
            self.auths.setdefault(bare, HTTPBasicAuth(*credentials))
        return bare

    def close(self) -> None:
        """Release the connection pool."""
        self.session.close()

    def _send(self, method: str, url: str | None, what: str, **kwargs: Any) -> requests.Response:
        if not url:
            raise PublishError(f"{what}: no URL configured for this operation")
        last = ""
        for attempt in range(1, self.retry.tries + 1):
            if hasattr(kwargs.get("data"), "seek"):
                kwargs["data"].seek(0)  # a streamed file is sent whole again on a retry
            pause = self.retry.backoff * 2 ** (attempt - 1)
            try:
                response = self.session.request(
                    method, url, timeout=self.retry.timeout, auth=self.auths.get(url), **kwargs
                )
            except RETRIED as exc:
                last = f"{type(exc).__name__}: {self._short(str(exc))}"
            except requests.RequestException as exc:  # not transient (a malformed URL, say)
                raise PublishError(
                    f"{what}: {method} {url}: {type(exc).__name__}: {self._short(str(exc))}"
                ) from None
            else:
                status = response.status_code
                if status < 400:
                    self.server = response.headers.get("Server", "")
                    return response
                text = response.text
                message = self._short(text)
                if status == 413 or (status in (400, 500) and TOO_LARGE.search(text)):
                    raise TooLarge(f"{what}: {method} {url} answered {status}: {message}")
                if status < 500 and status != 429:
                    hint = "check the credentials" if status in (401, 403) else None
                    raise PublishError(f"{what}: {method} {url} answered {status}: {message}", hint=hint)
                last = f"{status}: {message}"
                asked = retry_after(response.headers.get("Retry-After"))
                if asked is not None:
                    if asked > self.retry.max_wait:
                        raise PublishError(
                            f"{what}: {method} {url} answered {status} and asked to be retried in "
                            f"{math.ceil(asked)} s, more than the {self.retry.max_wait:g} s lodpub "
                            f"waits: {message}",
                            hint=f"the store asks for a pause: wait {math.ceil(asked)} s, or allow "
                            "longer waits with --max-wait",
                        )
                    pause = asked
            if attempt < self.retry.tries:
                self.sleep(pause)
        raise PublishError(
            f"{what}: {method} {url} failed {self.retry.tries} times; last: {last}",
            hint="is the store running and reachable?",
        )

    def _short(self, text: str) -> str:
        """A store's or a library's message, on one line, without any credentials in it."""
        return _short(redact(text, self.secrets) if self.secrets else text)

    def put_graph(self, graph: str, turtle: bytes) -> None:
        """Replace a named graph (Graph Store Protocol PUT)."""
        self._send_graph("PUT", graph, turtle)

    def post_graph(self, graph: str, turtle: bytes) -> None:
        """Add triples to a named graph (Graph Store Protocol POST)."""
        self._send_graph("POST", graph, turtle)

    def _send_graph(self, method: str, graph: str, turtle: bytes) -> None:
        self._send(
            method,
            self.graph_store_url,
            f"{method} <{graph}>",
            params={"graph": graph},
            data=turtle,
            headers={"Content-Type": "text/turtle; charset=utf-8"},
        )

    def delete_graph(self, graph: str) -> None:
        """Drop a named graph (Graph Store Protocol DELETE; a missing graph is not an error)."""
        try:
            self._send("DELETE", self.graph_store_url, f"DELETE <{graph}>", params={"graph": graph})
        except PublishError as error:
            if " answered 404" not in error.message:
                raise

    def update(self, sparql: str, what: str) -> None:
        """Run a SPARQL 1.1 Update."""
        self._send(
            "POST",
            self.update_url,
            what,
            data=sparql.encode("utf-8"),
            headers={"Content-Type": "application/sparql-update; charset=utf-8"},
        )

    def bulk_load(self, nquads: Path) -> None:
        """Oxigraph's bulk loader: POST an N-Quads file to /store?no_transaction (for an empty
        store), streamed from disk."""
        with open(nquads, "rb") as body:
            self._send(
                "POST",
                self.graph_store_url,
                "bulk load",
                params={"no_transaction": ""},
                data=body,
                headers={"Content-Type": "application/n-quads"},
            )

    def _post_query(self, sparql: str, what: str, accept: str) -> requests.Response:
        """POST a query to the query endpoint, asking for ``accept``."""
        return self._send("POST", self.query_url, what, data={"query": sparql}, headers={"Accept": accept})

    def select(self, sparql: str, what: str) -> list[dict[str, str]]:
        """Run a SELECT; rows of variable -> lexical value."""
        response = self._post_query(sparql, what, "application/sparql-results+json")
        try:
            body = response.json()
            return [{k: v["value"] for k, v in row.items()} for row in body["results"]["bindings"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise PublishError(f"{what}: the store's answer is not SPARQL JSON results: {exc}") from exc

    def query(self, sparql: str) -> tuple[str, bytes]:
        """Run any query; the answer's media type and body (SPARQL JSON results or Turtle)."""
        response = self._post_query(sparql, "query", "application/sparql-results+json, text/turtle;q=0.9")
        return response.headers.get("Content-Type", "").split(";")[0].strip(), response.content

    def graph_counts(self, base: str) -> dict[str, int]:
        """Triples per named graph, for the graphs under ``base``."""
        rows = self.select(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
            f'FILTER(STRSTARTS(STR(?g), "{_escape(base)}")) }} GROUP BY ?g',
            "count the graphs on the store",
        )
        return {row["g"]: int(row["n"]) for row in rows}

    def graph_names(self, base: str) -> set[str]:
        """The named graphs under ``base``: names only, much cheaper than counting. ``GRAPH ?g
        {}`` lists them without touching a triple where the store implements it (Oxigraph);
        Virtuoso answers it with nothing, so an empty answer is asked again over the triples.
        Tab-separated results where the store gives them (a third of the JSON's bytes)."""
        what = "list the graphs on the store"
        names = self._column("SELECT ?g WHERE { GRAPH ?g { } }", what)
        if not names:
            names = self._column("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", what)
        return {name for name in names if name.startswith(base)}

    def _column(self, sparql: str, what: str) -> list[str]:
        """The IRIs of a one-variable SELECT."""
        response = self._post_query(
            sparql, what, "text/tab-separated-values, application/sparql-results+json;q=0.5"
        )
        if response.headers.get("Content-Type", "").startswith("text/tab-separated-values"):
            # <iri> as the standard writes it; "iri" as Virtuoso does
            lines = response.content.decode("utf-8").splitlines()[1:]
            return [
                line[1:-1]
                for line in lines
                if len(line) > 1 and (line[0], line[-1]) in (("<", ">"), ('"', '"'))
            ]
        try:
            rows = response.json()["results"]["bindings"]
            return [value["value"] for row in rows for value in row.values() if value.get("type") == "uri"]
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise PublishError(f"{what}: the store's answer is not SPARQL results: {exc}") from exc

    def subjects_of(self, graph: str) -> list[str]:
        """The subject IRIs of a named graph."""
        return self._column(
            f"SELECT DISTINCT ?s WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", f"list <{graph}>"
        )

    def counts_of(self, graphs: list[str], chunk: int = 200) -> dict[str, int]:
        """Triples in each of ``graphs`` (graphs the store lacks are left out)."""
        found: dict[str, int] = {}
        for start in range(0, len(graphs), chunk):
            values = " ".join(f"<{g}>" for g in graphs[start : start + chunk])
            rows = self.select(
                f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} "
                "GROUP BY ?g",
                "count the graphs sent",
            )
            found.update({row["g"]: int(row["n"]) for row in rows})
        return found


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"
