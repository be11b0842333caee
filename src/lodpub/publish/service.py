"""Federated queries (``SERVICE``) are refused unless the operator allows them: a query could
otherwise make the server send requests to any address it reaches, loopback included, and hand
the answers to the client. The decision is made on the query's tokens as the store reads them
(lexer.py): comments, strings and escapes as Oxigraph sees them, keywords with no word boundary."""

from __future__ import annotations

from ..errors import QueryError
from .lexer import UNREADABLE, service_endpoints


def allowed_services(setting: str) -> tuple[str, ...] | None:
    """The ``allow_service`` setting: None (refuse every SERVICE), () (allow any), or the
    endpoints allowed."""
    words = tuple(setting.split())
    if not words:
        return None
    return () if words == ("*",) else words


def check_services(sparql: str, allowed: tuple[str, ...] | None) -> None:
    """Raise ``QueryError`` when ``sparql`` calls a SERVICE that is not ``allowed`` (see
    ``allowed_services``). The query's text is read as the store will read it (lexer.py), in
    time linear in its length: a word ``SERVICE`` that cannot be read plainly is refused."""
    if allowed == ():
        return
    for endpoint in service_endpoints(sparql):
        if endpoint == UNREADABLE:
            raise QueryError(
                "the query has the word SERVICE where its endpoint cannot be read, so it is refused",
                hint="federated queries are refused unless the server allows them (--allow-service); "
                "write SERVICE [SILENT] <endpoint> plainly, or rename a prefix or word holding 'service'",
            )
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
