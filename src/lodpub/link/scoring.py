"""Scoring Wikidata candidates with what the letters tell: kind, period, name."""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from ..authorities import Entity
from ..textutil import normalise_name

# Wikidata classes (P31) that fit each kind of entity.
KIND_TYPES = {
    "person": {"Q5"},
    "group": {
        "Q7278",
        "Q43229",
        "Q327333",
        "Q2659904",
        "Q1752346",
        "Q166118",
        "Q31855",
        "Q3918",
        "Q484652",
        "Q4830453",
        "Q163740",
        "Q7210356",
        "Q2385804",
        "Q1802801",
    },
    "place": {
        "Q515",
        "Q6256",
        "Q5119",
        "Q3624078",
        "Q1549591",
        "Q3024240",
        "Q1637706",
        "Q200250",
        "Q15284",
        "Q486972",
        "Q7275",
    },
}
START = {"person": "P569", "group": "P571", "place": "P571"}
END = {"person": "P570", "group": "P576", "place": "P576"}


@dataclass(frozen=True)
class Candidate:
    """A Wikidata item that may be the entity, with a score and the reasons for it."""

    qid: str
    label: str
    description: str
    score: float
    why: str


def _year(entity: dict[str, Any], prop: str) -> int | None:
    for claim in entity.get("claims", {}).get(prop, []):
        value = claim.get("mainsnak", {}).get("datavalue", {}).get("value", {})
        time = value.get("time") if isinstance(value, dict) else None
        if isinstance(time, str) and len(time) > 5:
            try:
                return int(time[:5]) if time[0] in "+-" else int(time[:4])
            except ValueError:
                return None
    return None


def _types(entity: dict[str, Any]) -> set[str]:
    return _values(entity, "P31")


def _values(entity: dict[str, Any], *props: str) -> set[str]:
    out = set()
    for prop in props:
        for claim in entity.get("claims", {}).get(prop, []):
            value = claim.get("mainsnak", {}).get("datavalue", {}).get("value", {})
            if isinstance(value, dict) and "id" in value:
                out.add(value["id"])
    return out


def score(
    entity: Entity,
    qid: str,
    found: dict[str, Any],
    details: dict[str, Any] | None,
    years: tuple[int, int] | None,
    countries: frozenset[str] = frozenset(),
) -> Candidate:
    """Score one candidate: 0.4 for the name, 0.3 for the kind, 0.2 for the period of the letters
    that name the entity, 0.1 for a country (P17) or citizenship (P27) among ``countries`` (the
    places the corpus links to Wikidata)."""
    details = details or {}
    label = (
        (details.get("labels", {}).get("en", {}) or {}).get("value")
        or found.get("label")
        or found.get("name")
        or qid
    )
    description = (
        (details.get("descriptions", {}).get("en", {}) or {}).get("value") or found.get("description") or ""
    )
    aliases = [a.get("value", "") for a in details.get("aliases", {}).get("en", [])]
    names = [normalise_name(n) for n in entity.names]
    their = [normalise_name(n) for n in [label, *aliases] if n]
    similarity = max((SequenceMatcher(None, a, b).ratio() for a in names for b in their), default=0.0)
    total = 0.4 * similarity
    why = [f"name {similarity:.2f}"]
    types = _types(details) or {t.get("id", "") for t in found.get("type", []) if isinstance(t, dict)}
    if types & KIND_TYPES[entity.kind]:
        total += 0.3
        why.append(f"is a {entity.kind}")
    elif types:
        why.append(f"not a {entity.kind} (P31 {', '.join(sorted(types))})")
    if years is not None:
        start, end = _year(details, START[entity.kind]), _year(details, END[entity.kind])
        first, last = years
        if start is not None and start > last:
            why.append(f"begins {start}, after the letters ({last})")
        elif end is not None and end < first:
            why.append(f"ends {end}, before the letters ({first})")
        elif start is not None or end is not None:
            total += 0.2
            why.append(f"fits the letters' years {first}-{last}")
    shared = _values(details, "P17", "P27") & countries
    if shared:
        total += 0.1
        why.append(f"country {', '.join(sorted(shared))}")
    return Candidate(qid=qid, label=label, description=description, score=round(total, 3), why="; ".join(why))
