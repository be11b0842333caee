"""The one error tree of lodpub. Library code raises these; only the CLI prints them."""

from __future__ import annotations

from pathlib import Path


class LodpubError(Exception):
    """Base of every error lodpub reports to a user. ``exit_code`` is what the CLI returns."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  hint: {self.hint}"


class ConfigError(LodpubError):
    """Bad settings, a missing corpus folder, an unreadable authority file: exit code 2."""

    exit_code = 2


class SourceError(LodpubError):
    """A corpus file that cannot be read as a letter. Carries the file, line and field."""

    def __init__(
        self,
        path: Path | str,
        line: int,
        field: str,
        expected: str,
        *,
        hint: str | None = None,
    ) -> None:
        self.path = str(path)
        self.line = line
        self.field = field
        self.expected = expected
        super().__init__(f"{self.path}:{line}: {field}: {expected}", hint=hint)


class ShrinkError(LodpubError):
    """A build that would publish no letters, or far fewer than the output it would replace."""


class LockError(LodpubError):
    """Another build is writing the same output folder."""


class MappingError(LodpubError):
    """A record that cannot be turned into RDF (an IRI that cannot be built, for instance)."""


class PublishError(LodpubError):
    """A store that cannot be reached, refuses a request or answers with an error."""


class LinkError(LodpubError):
    """Wikidata or a reconciliation service could not answer, or answered nonsense."""


class QueryError(LodpubError):
    """A query that does not parse, is refused (a SERVICE not allowed) or whose SERVICE call
    failed: the client's to mend (HTTP 400)."""


class OverLimit(LodpubError):
    """A query over its row or memory limit, stopped: asking again gets the same answer, so HTTP
    400 (the query is the client's to narrow), never a 503 a client would retry."""

    status = 400


class OverTime(OverLimit):
    """A query over its time limit, stopped: HTTP 503 with no Retry-After (on a less busy server
    it may finish, but no client should repeat it on its own)."""

    status = 503


class Busy(OverLimit):
    """Every query worker is busy: HTTP 503 with Retry-After, the one limit worth retrying."""

    status = 503
