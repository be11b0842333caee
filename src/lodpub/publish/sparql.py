"""A client for SPARQL 1.1 stores: Graph Store Protocol, Update, Query, and Oxigraph's bulk load.

Transient faults (time-outs, refused connections, 5xx) are retried with exponential backoff a
bounded number of times; a 4xx is reported at once with the store's own message. Credentials
come from the environment or ~/.netrc and are never printed.
"""

from __future__ import annotations

import netrc
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth

from ..errors import PublishError

RETRIED = (requests.ConnectionError, requests.Timeout)


class BearerAuth(AuthBase):
    """``Authorization: Bearer <token>``."""

    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request


def make_auth(kind: str, url: str, environ: Mapping[str, str] | None = None) -> AuthBase | None:
    """The requests auth for ``kind`` (none, basic, digest, bearer), from LODPUB_USER /
    LODPUB_PASSWORD / LODPUB_TOKEN or, for user and password, the ~/.netrc entry of the host."""
    env = os.environ if environ is None else environ
    if kind == "none":
        return None
    if kind == "bearer":
        token = env.get("LODPUB_TOKEN")
        if not token:
            raise PublishError("auth is 'bearer' but LODPUB_TOKEN is not set", hint="export LODPUB_TOKEN=…")
        return BearerAuth(token)
    user, password = env.get("LODPUB_USER"), env.get("LODPUB_PASSWORD")
    if not (user and password):
        host = urlsplit(url).hostname or ""
        try:
            entry = netrc.netrc(env.get("NETRC")).authenticators(host)
        except (FileNotFoundError, netrc.NetrcParseError):
            entry = None
        if entry is None:
            raise PublishError(
                f"auth is {kind!r} but no credentials were found for {host}",
                hint="set LODPUB_USER and LODPUB_PASSWORD, or add the host to ~/.netrc",
            )
        user, _, password = entry
    return HTTPDigestAuth(user, password or "") if kind == "digest" else HTTPBasicAuth(user, password or "")


@dataclass
class Retry:
    """How often and how patiently to retry transient faults."""

    tries: int = 4
    backoff: float = 0.5
    timeout: float = 60.0


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
    ) -> None:
        self.query_url = query_url
        self.update_url = update_url
        self.graph_store_url = graph_store_url
        self.retry = retry or Retry()
        self.session = requests.Session()
        self.session.auth = auth
        self.session.trust_env = False  # no proxies from the environment for a loopback store
        self.sleep = sleep
        self.server = ""  # the Server header of the last answer (e.g. "Oxigraph/0.5.13")

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
            try:
                response = self.session.request(method, url, timeout=self.retry.timeout, **kwargs)
            except RETRIED as exc:
                last = f"{type(exc).__name__}: {_short(str(exc))}"
            else:
                if response.status_code < 400:
                    self.server = response.headers.get("Server", "")
                    return response
                message = _short(response.text)
                if response.status_code < 500:
                    hint = "check the credentials" if response.status_code in (401, 403) else None
                    raise PublishError(
                        f"{what}: {method} {url} answered {response.status_code}: {message}", hint=hint
                    )
                last = f"{response.status_code}: {message}"
            if attempt < self.retry.tries:
                self.sleep(self.retry.backoff * 2 ** (attempt - 1))
        raise PublishError(
            f"{what}: {method} {url} failed {self.retry.tries} times; last: {last}",
            hint="is the store running and reachable?",
        )

    def put_graph(self, graph: str, turtle: bytes) -> None:
        """Replace a named graph (Graph Store Protocol PUT)."""
        self._send(
            "PUT",
            self.graph_store_url,
            f"PUT <{graph}>",
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
