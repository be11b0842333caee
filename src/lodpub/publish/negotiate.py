"""HTTP content negotiation with q-values (RFC 9110 §12.5.1), and the one query a request
may carry, kept free of any server code."""

from __future__ import annotations

from urllib.parse import parse_qs

from ..errors import QueryError


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges with their q-values, in header order."""
    ranges = []
    for part in (header or "*/*").split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        quality = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = max(0.0, min(1.0, float(value)))
                except ValueError:
                    quality = 0.0
        ranges.append((media, quality))
    return ranges


def choose(header: str | None, offered: list[str]) -> str | None:
    """The offered type the client prefers most (ties go to the earlier offer); None if the
    client accepts none of them (q=0 everywhere)."""
    ranges = parse_accept(header)
    best: tuple[float, int, int] | None = None
    chosen = None
    for position, media in enumerate(offered):
        kind = media.split("/")[0]
        matches = [
            (q, specificity)
            for pattern, q in ranges
            for specificity in [
                2 if pattern == media else 1 if pattern == f"{kind}/*" else 0 if pattern == "*/*" else -1
            ]
            if specificity >= 0
        ]
        if not matches:
            continue
        quality = max(matches, key=lambda m: (m[1], m[0]))[0]  # the most specific range decides
        if quality <= 0:
            continue
        rank = (quality, -position, 0)
        if best is None or rank > best:
            best, chosen = rank, media
    return chosen


def one_query(params: dict[str, list[str]]) -> str | None:
    """The one ``query`` parameter of a request (None without one); two are an error (400)."""
    queries = params.get("query", [])
    if len(queries) > 1:
        raise QueryError(f"the query parameter is given {len(queries)} times: send one query")
    return queries[0] if queries else None


def query_params(query_string: str) -> dict[str, list[str]] | None:
    """A request's query string, read as UTF-8; None when it is not (``%FF``)."""
    try:
        return parse_qs(query_string, errors="strict")
    except UnicodeDecodeError:
        return None
