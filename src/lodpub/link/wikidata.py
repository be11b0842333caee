"""A polite client for the Wikidata API and W3C Reconciliation API services.

Etiquette: a descriptive User-Agent with a contact (required), ``maxlag=5``, one request after
another, ``Retry-After`` honoured on 429 and on maxlag errors, bounded retries, and an on-disk
cache so that a re-run sends no request that was already answered (``offline`` uses the cache
alone). Cache entries are written atomically, one file per request.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

from .. import __version__
from ..errors import ConfigError, LinkError

BATCH = 50  # wbgetentities takes at most 50 ids


class Cache:
    """JSON answers on disk, keyed by the request."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def key(self, url: str, params: dict[str, str]) -> str:
        blob = json.dumps([url, sorted(params.items())], ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def get(self, key: str) -> Any:
        path = self.folder / key[:2] / f"{key}.json"
        if not path.exists():
            return None
        return json.loads(path.read_text(encoding="utf-8"))

    def put(self, key: str, value: Any) -> None:
        folder = self.folder / key[:2]
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(value, out, ensure_ascii=False, sort_keys=True)
        os.replace(tmp, folder / f"{key}.json")


class OfflineMiss(LinkError):
    """Offline, and the cache does not hold this answer."""


class WikidataClient:
    """Search, fetch and reconcile, through the cache."""

    def __init__(
        self,
        api_url: str,
        contact: str | None,
        cache: Cache,
        *,
        reconcile_url: str | None = None,
        offline: bool = False,
        tries: int = 5,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not contact or not contact.strip():
            raise ConfigError(
                "linking needs a contact for the User-Agent Wikidata asks of every client",
                hint='set contact = "you@example.org" in lodpub.toml or LODPUB_CONTACT',
            )
        self.api_url = api_url
        self.reconcile_url = reconcile_url
        self.cache = cache
        self.offline = offline
        self.tries = tries
        self.timeout = timeout
        self.sleep = sleep
        self.requests_sent = 0
        self.session = requests.Session()
        self.session.trust_env = False
        self.session.headers["User-Agent"] = f"lodpub/{__version__} ({contact.strip()})"

    def close(self) -> None:
        self.session.close()

    def _call(self, url: str, params: dict[str, str], method: str = "GET", fresh: bool = False) -> Any:
        key = self.cache.key(url, params)
        cached = None if fresh else self.cache.get(key)
        if cached is not None:
            return cached
        if self.offline:
            raise OfflineMiss(f"offline, and the cache has no answer for {url} {params}")
        last = ""
        for attempt in range(1, self.tries + 1):
            wait = 2.0 ** (attempt - 1)
            try:
                self.requests_sent += 1
                if method == "GET":
                    response = self.session.get(url, params=params, timeout=self.timeout)
                else:
                    response = self.session.post(url, data=params, timeout=self.timeout)
            except (requests.ConnectionError, requests.Timeout) as exc:
                last = type(exc).__name__
            else:
                if response.status_code == 429 or response.status_code >= 500:
                    last = f"HTTP {response.status_code}"
                    wait = _retry_after(response, wait)
                elif response.status_code >= 400:
                    raise LinkError(f"{url} answered {response.status_code}: {response.text[:200]}")
                else:
                    try:
                        body = response.json()
                    except ValueError:
                        last = f"malformed JSON ({response.text[:60]!r})"
                    else:
                        error = body.get("error") if isinstance(body, dict) else None
                        if isinstance(error, dict) and error.get("code") == "maxlag":
                            last = f"maxlag: {error.get('info', '')}"
                            wait = _retry_after(response, 5.0)
                        elif isinstance(error, dict):
                            raise LinkError(f"{url}: {error.get('code')}: {error.get('info', '')}")
                        else:
                            self.cache.put(key, body)
                            return body
            if attempt < self.tries:
                self.sleep(wait)
        raise LinkError(
            f"{url} gave no usable answer in {self.tries} tries; last: {last}",
            hint="nothing was written; run again later (answers already received are cached)",
        )

    def search(self, name: str, limit: int = 10) -> list[dict[str, Any]]:
        """wbsearchentities: items whose label or alias matches ``name``."""
        body = self._call(
            self.api_url,
            {
                "action": "wbsearchentities",
                "search": name,
                "language": "en",
                "uselang": "en",
                "type": "item",
                "limit": str(limit),
                "format": "json",
                "maxlag": "5",
            },
        )
        return list(body.get("search", []))

    def entities(self, ids: list[str], fresh: bool = False) -> dict[str, dict[str, Any]]:
        """wbgetentities in batches of 50: each requested id -> its entity (after redirects);
        ``fresh`` asks again even when the cache has an answer."""
        out: dict[str, dict[str, Any]] = {}
        for start in range(0, len(ids), BATCH):
            batch = sorted(set(ids[start : start + BATCH]))
            body = self._call(
                self.api_url,
                {
                    "action": "wbgetentities",
                    "ids": "|".join(batch),
                    "props": "labels|descriptions|aliases|claims",
                    "languages": "en",
                    "format": "json",
                    "maxlag": "5",
                },
                fresh=fresh,
            )
            for entity_id, entity in body.get("entities", {}).items():
                redirect = entity.get("redirects")
                out[redirect["from"] if redirect else entity_id] = entity
        return out

    def reconcile(self, name: str, type_id: str | None, limit: int = 10) -> list[dict[str, Any]]:
        """A W3C Reconciliation API v0.2 query: candidates with id, name, score, type."""
        if not self.reconcile_url:
            raise ConfigError("no reconciliation service configured", hint="set reconcile_url")
        query: dict[str, Any] = {"query": name, "limit": limit}
        if type_id:
            query["type"] = type_id
        body = self._call(self.reconcile_url, {"queries": json.dumps({"q0": query}, sort_keys=True)}, "POST")
        try:
            return list(body["q0"]["result"])
        except (KeyError, TypeError) as exc:
            raise LinkError(f"{self.reconcile_url}: not a reconciliation answer: {exc}") from exc


def _retry_after(response: requests.Response, default: float) -> float:
    value = response.headers.get("Retry-After", "")
    return float(value) if value.strip().isdigit() else default
