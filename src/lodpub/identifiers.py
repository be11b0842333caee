"""Authority identifiers beyond Wikidata: VIAF, GND, LC, BnF, NDL, ISNI for people and groups,
GeoNames for places. Each scheme has the Wikidata property that holds it, the shape of a valid
value and the IRI the value stands for (the IRIs correspSearch's CMIF expects).

In the authority file an entity keeps them under ``ids``, each either a plain value a curator
typed (``ids.gnd = "118…"``) or, once accepted from a review, with who, when and how::

    ids.viaf = { id = "…", by = "…", on = "2026-12-06", method = "Wikidata Q35314 P214, …" }

The build states them with ``skos:exactMatch``, not ``owl:sameAs``: a VIAF cluster, a GND or LC
record is an authority record *about* the person (LC's is a ``madsrdf:Authority`` and a
``skos:Concept``); ``owl:sameAs`` would make the person that record, with all its types and
statements, while ``skos:exactMatch`` says the two can be used interchangeably for retrieval,
which is what a harvester needs. The Wikidata item stays ``owl:sameAs``: it is the person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import ConfigError


@dataclass(frozen=True)
class Scheme:
    """One authority file: its Wikidata property, valid values, IRI, the kinds it names."""

    name: str
    title: str
    property: str
    pattern: re.Pattern[str]
    kinds: tuple[str, ...]

    def iri(self, value: str) -> str:
        """The IRI an identifier of this scheme stands for."""
        value = value.strip()
        if self.name == "viaf":
            return f"http://viaf.org/viaf/{value}"
        if self.name == "gnd":
            return f"https://d-nb.info/gnd/{value}"
        if self.name == "lc":
            return (
                f"http://id.loc.gov/authorities/{'subjects' if value.startswith('sh') else 'names'}/{value}"
            )
        if self.name == "bnf":
            return f"http://data.bnf.fr/ark:/12148/cb{value}"
        if self.name == "ndl":
            return f"http://id.ndl.go.jp/auth/ndlna/{value}"
        if self.name == "isni":
            return f"https://isni.org/isni/{value.replace(' ', '')}"
        return f"https://sws.geonames.org/{value}/"  # geonames


AGENTS = ("person", "group")
SCHEMES = {
    s.name: s
    for s in (
        Scheme("viaf", "VIAF", "P214", re.compile(r"^[1-9][0-9]{1,21}$"), AGENTS),
        Scheme("gnd", "GND", "P227", re.compile(r"^[0-9]{1,10}(-[0-9X]|[0-9X])$"), AGENTS),
        Scheme(
            "lc",
            "Library of Congress",
            "P244",
            re.compile(r"^(n|nb|nr|no|ns|sh|sj|sn|gf)[0-9]{8,10}$"),
            AGENTS,
        ),
        Scheme("bnf", "BnF", "P268", re.compile(r"^[0-9]{8}[0-9b-z]$"), AGENTS),
        Scheme("ndl", "NDL", "P349", re.compile(r"^0?[0-9]{8}$"), AGENTS),
        Scheme("isni", "ISNI", "P213", re.compile(r"^[0-9]{4} ?[0-9]{4} ?[0-9]{4} ?[0-9]{3}[0-9X]$"), AGENTS),
        Scheme("geonames", "GeoNames", "P1566", re.compile(r"^[1-9][0-9]{0,9}$"), ("place",)),
    )
}


@dataclass(frozen=True)
class AuthorityId:
    """One identifier of an entity, with who accepted it, when and how (None: curated by hand)."""

    scheme: str
    value: str
    review: tuple[str, str, str] | None = None

    @property
    def iri(self) -> str:
        return SCHEMES[self.scheme].iri(self.value)

    @property
    def text(self) -> str:
        """``scheme:value``, as a reviewer writes it."""
        return f"{self.scheme}:{self.value}"


def schemes_for(kind: str) -> list[Scheme]:
    """The schemes that name entities of ``kind``, in a fixed order."""
    return [s for s in SCHEMES.values() if kind in s.kinds]


def check_value(scheme: str, value: str, kind: str, where: str) -> None:
    """Refuse an identifier of an unknown scheme, of a scheme not for this kind, or malformed."""
    known = SCHEMES.get(scheme)
    if known is None or kind not in known.kinds:
        names = ", ".join(s.name for s in schemes_for(kind)) or "none"
        raise ConfigError(f"{where}: ids.{scheme}: not an authority file for a {kind} (known: {names})")
    if not known.pattern.match(value):
        raise ConfigError(
            f"{where}: ids.{scheme}: {value!r} is not a {known.title} identifier",
            hint=f"as Wikidata's {known.property} gives it",
        )


def parse_ids(raw: object, kind: str, where: str) -> tuple[AuthorityId, ...]:
    """The ``ids`` table of an authority file entry, sorted by scheme."""
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise ConfigError(f'{where}: ids: expected a table such as ids.viaf = "…"')
    out = []
    for scheme, value in sorted(raw.items()):
        review = None
        if isinstance(value, dict):
            if not all(isinstance(value.get(k), str) for k in ("id", "by", "on", "method")) or set(value) - {
                "id",
                "by",
                "on",
                "method",
            }:
                raise ConfigError(f"{where}: ids.{scheme}: expected {{ id = …, by = …, on = …, method = … }}")
            review = (value["by"], value["on"], value["method"])
            value = value["id"]
        if not isinstance(value, str):
            raise ConfigError(f'{where}: ids.{scheme}: expected a text such as "…" or {{ id = "…", … }}')
        check_value(scheme, value, kind, where)
        out.append(AuthorityId(scheme, value, review))
    return tuple(out)


def parse_text(text: str, kind: str, where: str) -> AuthorityId:
    """``scheme:value`` as a reviewer writes it (``viaf:123``)."""
    scheme, sep, value = text.partition(":")
    if not sep:
        raise ConfigError(f"{where}: {text!r}: expected SCHEME:VALUE, e.g. viaf:12345678")
    check_value(scheme.strip(), value.strip(), kind, where)
    return AuthorityId(scheme.strip(), value.strip())


def ids_of_item(item: dict[str, object], kind: str) -> list[AuthorityId]:
    """The identifiers a Wikidata item (a wbgetentities entity) holds for the schemes of
    ``kind``: the best-ranked statements' values (preferred, else normal; deprecated never),
    the well-formed ones only, sorted."""
    claims = item.get("claims")
    if not isinstance(claims, dict):
        return []
    out = []
    for scheme in schemes_for(kind):
        statements = [s for s in claims.get(scheme.property, []) if isinstance(s, dict)]
        preferred = [s for s in statements if s.get("rank") == "preferred"]
        for statement in preferred or [s for s in statements if s.get("rank", "normal") == "normal"]:
            value = (statement.get("mainsnak") or {}).get("datavalue", {}).get("value")
            if isinstance(value, str) and scheme.pattern.match(value):
                out.append(AuthorityId(scheme.name, value))
    return sorted(set(out), key=lambda a: (a.scheme, a.value))
