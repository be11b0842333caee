"""What ``lodpub inspect --unresolved`` reports: each unknown name's occurrences, its spellings
grouped as variants of one name, and the report as text and JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass

from ..errors import LodpubError

# Categories and statuses, in the order they are listed.
CATEGORIES = ("name", "archive", "language")
STATUSES = ("not recognised", "local", "role", "segment")
KIND_ORDER = ("person", "group", "role", "place", "archive", "language")
HEADINGS = {
    ("name", "not recognised"): "names not recognised (no entity minted, kept verbatim)",
    ("name", "local"): "local names (minted from the name's shape, not curated)",
    (
        "name",
        "role",
    ): "roles kept as marked (no entity; a person only where a curated variant names the holder)",
    ("archive", "local"): "local archives (minted from the archive's own words, not curated)",
    ("archive", "not recognised"): "archival statements not recognised (kept verbatim)",
    ("archive", "segment"): "citation segments not recognised (kept verbatim)",
    ("language", "not recognised"): "languages not recognised (kept verbatim)",
}


@dataclass(frozen=True)
class Occurrence:
    """One place a name occurs: the file, the line, the field and the text as marked there."""

    file: str
    line: int
    field: str
    marked: str
    basis: str = "Stated"

    def to_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "field": self.field,
            "as_marked": self.marked,
            "basis": self.basis,
        }


@dataclass(frozen=True)
class Spelling:
    """One spelling of an unknown name (a local entity's label, the verbatim name otherwise)."""

    text: str
    occurrences: tuple[Occurrence, ...]
    fixable: bool = True  # an entry of this name makes the mapping know every occurrence

    @property
    def count(self) -> int:
        return len(self.occurrences)


@dataclass(frozen=True)
class Cluster:
    """Spellings that likely name one entity, the most frequent first."""

    category: str  # name, archive or language
    status: str  # not recognised, local, segment
    kind: str  # person, group, place (names), archive, language
    spellings: tuple[Spelling, ...]
    proposal: str | None = None  # a statement's archive name that would make it known

    @property
    def label(self) -> str:
        return self.spellings[0].text

    @property
    def count(self) -> int:
        return sum(s.count for s in self.spellings)

    def sort_key(self) -> tuple[int, int, int, int, str, str]:
        return (
            CATEGORIES.index(self.category),
            STATUSES.index(self.status),
            KIND_ORDER.index(self.kind),
            -self.count,
            self.label.casefold(),
            self.label,
        )

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "category": self.category,
            "status": self.status,
            "kind": self.kind,
            "label": self.label,
            "count": self.count,
            "variants": [
                {
                    "text": s.text,
                    "count": s.count,
                    "fixable": s.fixable,
                    "occurrences": [o.to_dict() for o in s.occurrences],
                }
                for s in self.spellings
            ],
        }
        if self.proposal is not None:
            out["proposal"] = self.proposal
        return out


@dataclass(frozen=True)
class Unresolved:
    """What the authority data does not know in a set of letters."""

    letters: int  # letters read
    problems: tuple[LodpubError, ...]  # letters that could not be read
    clusters: tuple[Cluster, ...]  # in listing order
    snippet: str  # TOML to append to the authority file ("" when nothing is unresolved)
    entries: tuple[str | None, ...]  # the snippet's entry (kind.key) of each cluster, None for none
    authority_file: str

    def to_json(self) -> str:
        return json.dumps(
            {
                "letters": self.letters,
                "failed": [str(p) for p in self.problems],
                "authorities": self.authority_file,
                "unresolved": [
                    {**c.to_dict(), "entry": entry}
                    for c, entry in zip(self.clusters, self.entries, strict=True)
                ],
                "snippet": self.snippet,
            },
            ensure_ascii=False,
            indent=2,
        )

    def lines(self) -> list[str]:
        """The text report: one section per category and status, each cluster with its
        spellings, counts and ``file:line`` occurrences; then the snippet."""
        if not self.clusters:
            return [
                f"nothing unresolved: the authority data knows every name, archive and language "
                f"of {self.letters} letter(s)"
            ]
        names = sum(1 for c in self.clusters if c.category == "name")
        archives = sum(1 for c in self.clusters if c.category == "archive")
        languages = sum(1 for c in self.clusters if c.category == "language")
        out = [
            f"{self.letters} letter(s) read; unresolved: {names} name(s), {archives} archive(s), "
            f"{languages} language(s) (likely variants grouped)"
        ]
        section: tuple[str, str] | None = None
        for cluster in self.clusters:
            if (cluster.category, cluster.status) != section:
                section = (cluster.category, cluster.status)
                out += ["", HEADINGS[section] + ":"]
            kind = f"{cluster.kind}?" if cluster.status == "not recognised" else cluster.kind
            extra = f" -> archive {cluster.proposal!r}?" if cluster.proposal else ""
            out.append(f"  {kind:<9} {cluster.label}  ({cluster.count}){extra}")
            for spelling in cluster.spellings:
                out.append(f"    {spelling.count:>4}  {spelling.text}")
                for o in spelling.occurrences:
                    basis = "" if o.basis == "Stated" else f", {o.basis.lower()}"
                    marked = "" if o.marked == spelling.text else f"  as marked: {o.marked}"
                    out.append(f"          {o.file}:{o.line} ({o.field}{basis}){marked}")
        return [*out, "", *self.snippet.rstrip("\n").split("\n")]
