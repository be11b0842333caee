"""Federated queries (``SERVICE``) are refused unless the operator allows them: a query could
otherwise make the server send requests to any address it reaches, loopback included, and hand
the answers to the client. The decision is made on the parsed query, never on its text alone;
a query the checker cannot parse is refused."""

from __future__ import annotations

import re
from typing import Any

from pyparsing import ParseResults

from ..errors import QueryError

# SPARQL lets \\uXXXX and \\UXXXXXXXX escapes stand for any character of a query, keywords
# included (they are undone before parsing, as Oxigraph does): look at the query with them undone.
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def allowed_services(setting: str) -> tuple[str, ...] | None:
    """The ``allow_service`` setting: None (refuse every SERVICE), () (allow any), or the
    endpoints allowed."""
    words = tuple(setting.split())
    if not words:
        return None
    return () if words == ("*",) else words


def check_services(sparql: str, allowed: tuple[str, ...] | None) -> None:
    """Raise ``QueryError`` when ``sparql`` calls a SERVICE that is not ``allowed`` (see
    ``allowed_services``). A query that does not mention the word is let through unparsed
    (Oxigraph parses it anyway); one that does is parsed with rdflib's SPARQL parser."""
    plain = _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), sparql)
    if "service" not in plain.casefold() or allowed == ():
        return
    try:
        from rdflib.plugins.sparql.parser import parseQuery

        tree = parseQuery(plain)
    except Exception as exc:
        raise QueryError(
            "the query mentions SERVICE and cannot be checked, so it is refused "
            f"({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})",
            hint="federated queries are refused unless the server allows them (--allow-service)",
        ) from None
    endpoints = list(_services(tree))
    if not endpoints:
        return
    for endpoint in endpoints:
        if allowed is None:
            raise QueryError(
                f"federated queries are not allowed here (SERVICE {endpoint})",
                hint="the operator may allow them: --allow-service (any endpoint) or "
                "--allow-service URL (those endpoints)",
            )
        if endpoint not in allowed:
            raise QueryError(
                f"SERVICE {endpoint} is not one of the endpoints allowed here",
                hint="allowed: " + ", ".join(allowed),
            )


def _services(node: Any) -> list[str]:
    """The endpoints of every SERVICE clause in an rdflib parse tree (a variable as ``?name``)."""
    found: list[str] = []
    if getattr(node, "name", None) == "ServiceGraphPattern":
        term = node.get("term")
        found.append(f"?{term}" if type(term).__name__ == "Variable" else str(term))
    children: list[Any] = []
    if isinstance(node, dict):  # rdflib's CompValue
        children = list(node.values())
    elif isinstance(node, list | tuple | ParseResults):
        children = list(node)
    for child in children:
        found += _services(child)
    return found
