"""The security headers every answer of the site carries, from ``lodpub serve`` and from the
nginx and Apache configurations ``lodpub site`` writes.

- ``X-Content-Type-Options: nosniff``: a browser takes each file as the type it is sent as (a
  Turtle file holding ``<script>`` is never run as HTML).
- ``Content-Security-Policy``: nothing is loaded from elsewhere, and the only style and the only
  script a page may run are the site's own, named by their hashes (the page's inline ``<style>``
  and the static letters page's filter script); no plugin, no frame, no ``<base>``; forms go to
  the site itself.
- ``Referrer-Policy``: links out of the site do not tell where they were followed from.
"""

from __future__ import annotations

import base64
import hashlib

from .catalogue import PAGE
from .html import CSS
from .static_list import SCRIPT


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


CONTENT_SECURITY_POLICY = (
    "default-src 'none'; "
    f"style-src {_hash(CSS)}; "
    f"script-src {_hash(SCRIPT % {'page': PAGE})}; "
    "connect-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",
}
