"""What an entity's answer says about itself to caches and to Linked Data clients: its validators
(``ETag`` from the bytes sent, ``Last-Modified`` from the store generation it was read from), a
conditional request answered 304 (RFC 9110 §13), its other formats and the dataset's VoID as
``Link`` headers (RFC 8288), and CORS for scripts on other sites."""

from __future__ import annotations

import hashlib
from email.utils import formatdate, parsedate_to_datetime
from typing import Any

from ..site.html import ALTERNATES

CACHE_CONTROL = "public, max-age=300"  # a rebuild is seen within five minutes, or at once on revalidation


def http_date(seconds: float) -> str:
    return formatdate(int(seconds), usegmt=True)


def entity_headers(path: str, body: bytes, media: str, modified: float) -> dict[str, str]:
    """The headers of an entity's answer at ``path``: validators, ``Link``s, caching and CORS."""
    digest = hashlib.sha256(media.encode() + b"\0" + body).hexdigest()[:32]
    links = [
        f'<{path}?format={form}>; rel="alternate"; type="{kind}"'
        for form, kind in ALTERNATES.items()
        if kind != media
    ]
    links.append('</.well-known/void>; rel="describedby"; type="text/turtle"')
    return {
        "ETag": f'"{digest}"',
        "Last-Modified": http_date(modified),
        "Cache-Control": CACHE_CONTROL,
        "Link": ", ".join(links),
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Expose-Headers": "ETag, Last-Modified, Link, Content-Location",
    }


def not_modified(environ: dict[str, Any], headers: dict[str, str]) -> bool:
    """Whether a GET or HEAD with these validators may be answered 304: ``If-None-Match`` names
    the ETag (weak comparison) or is ``*``; without it, ``If-Modified-Since`` is no earlier
    than ``Last-Modified``."""
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return False
    match = environ.get("HTTP_IF_NONE_MATCH")
    if match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in match.split(",")}
        return "*" in tags or headers["ETag"] in tags
    since = environ.get("HTTP_IF_MODIFIED_SINCE")
    if since is None:
        return False
    try:
        return parsedate_to_datetime(headers["Last-Modified"]) <= parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False  # a date that does not parse is ignored (§13.1.3)
