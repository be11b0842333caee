"""A polite client for the Wikidata API and W3C Reconciliation API services.

Etiquette: a descriptive User-Agent with a contact (required), ``maxlag=5``, one request after
another, ``Retry-After`` honoured on 429, 5xx and maxlag errors (in seconds or as an HTTP date),
bounded retries, and an on-disk cache so that a re-run sends no request that was already
answered (``offline`` uses the cache alone). Cache entries are written atomically, one file per
request.

Retries: time-outs, refused or reset connections, answers cut off mid-body (a
``ChunkedEncodingError``: fewer bytes than the Content-Length, or the connection dropped while
reading), 429, 5xx, maxlag and malformed JSON are tried again, ``tries`` times in all. Between
two tries lodpub waits what ``Retry-After`` asks, or else 1, 2, 4 … seconds (5 on maxlag), never
more than ``max_wait`` (``MAX_RETRY_AFTER`` by default, ``lodpub link --max-wait``). A server
that asks for a longer wait stops the run with ``WaitTooLong``, which names the wait asked for
and the bound.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import math
import time
from collections.abc import Callable, Mapping
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import requests

from .. import __version__
from ..errors import ConfigError, LinkError
from .review import write_atomically

BATCH = 50  # wbgetentities takes at most 50 ids
# An answer cut off mid-body: fewer bytes than its Content-Length, or the connection dropped
# while it was read (requests reports both so, not as a ConnectionError).
CUT_OFF = (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError)

MAX_RETRY_AFTER = 120.0
"""The longest wait between two tries of a request, in seconds (``lodpub link --max-wait``): a
``Retry-After`` beyond it stops the run, and the backoff between tries never exceeds it."""


class Cache:
    """JSON answers on disk, keyed by the request."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def key(self, url: str, params: dict[str, str]) -> str:
        blob = json.dumps([url, sorted(params.items())], ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def get(self, key: str) -> Any:
        """The cached answer, or None; an entry that cannot be read counts as none (asking
        again replaces it)."""
        path = self.folder / key[:2] / f"{key}.json"
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            return None

    def put(self, key: str, value: Any) -> None:
        write_atomically(
            self.folder / key[:2] / f"{key}.json", json.dumps(value, ensure_ascii=False, sort_keys=True)
        )


class OfflineMiss(LinkError):
    """Offline, and the cache does not hold this answer."""


class WaitTooLong(LinkError):
    """The server asked for a longer wait before the next try than lodpub accepts."""

    def __init__(self, url: str, asked: float, header: str, reason: str, bound: float) -> None:
        self.asked = asked
        self.bound = bound
        super().__init__(
            f"{url} asked to wait {_seconds(asked)} s before the next request "
            f"({reason}, Retry-After: {header}); lodpub waits at most {_seconds(bound)} s",
            hint=f"run again later, or allow a longer wait with --max-wait {math.ceil(asked)}",
        )


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
        max_wait: float = MAX_RETRY_AFTER,
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
        self.max_wait = max_wait
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
            wait, asked = 2.0 ** (attempt - 1), None
            try:
                self.requests_sent += 1
                if method == "GET":
                    response = self.session.get(url, params=params, timeout=self.timeout)
                else:
                    response = self.session.post(url, data=params, timeout=self.timeout)
            except CUT_OFF as exc:
                last = f"{type(exc).__name__} (the answer was cut off)"
            except (requests.ConnectionError, requests.Timeout) as exc:
                last = type(exc).__name__
            else:
                if response.status_code == 429 or response.status_code >= 500:
                    last = f"HTTP {response.status_code}"
                    wait, asked = _retry_after(response.headers, wait)
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
                            wait, asked = _retry_after(response.headers, 5.0)
                        elif isinstance(error, dict):
                            raise LinkError(f"{url}: {error.get('code')}: {error.get('info', '')}")
                        else:
                            self.cache.put(key, body)
                            return body
            if attempt < self.tries:
                if asked is not None and wait > self.max_wait:
                    raise WaitTooLong(url, wait, asked, last.partition(":")[0], self.max_wait)
                self.sleep(min(wait, self.max_wait))
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
                    "props": "info|labels|descriptions|aliases|claims",  # info: lastrevid
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


def _retry_after(headers: Mapping[str, str], default: float) -> tuple[float, str | None]:
    """The wait a response asks for and its Retry-After header as sent, or ``default`` and None
    when it asks nothing readable."""
    value = (headers.get("Retry-After") or "").strip()
    seconds = retry_after_seconds(value, headers.get("Date")) if value else None
    return (default, None) if seconds is None else (seconds, value)


def retry_after_seconds(value: str, date: str | None = None) -> float | None:
    """A Retry-After value in seconds: delay-seconds, or an HTTP date counted from the
    response's ``date`` (its Date header; the local clock without one). A date in the past is
    0; None for anything else."""
    try:
        seconds = float(value)
    except ValueError:
        when = _http_date(value)
        if when is None:
            return None
        now = _http_date(date) if date else None
        seconds = (when - (now or datetime.datetime.now(datetime.UTC))).total_seconds()
    return max(0.0, seconds) if math.isfinite(seconds) else None


def _http_date(text: str) -> datetime.datetime | None:
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=datetime.UTC)


def _seconds(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
