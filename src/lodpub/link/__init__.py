"""Wikidata reconciliation, offline-first and reviewed (`lodpub link`).

The authority file is the only source of links. `link` proposes candidates for the entities
without a QID in a review file; a QID enters the authority file only when a person accepts it,
with who, when and how; `check` re-verifies every QID the file holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..authorities import Authorities, Entity
from ..errors import ConfigError
from ..pipeline import named_entities
from ..settings import Settings
from .review import Proposal, accept, read_review, render_review, write_atomically
from .scoring import KIND_TYPES, Candidate, score
from .wikidata import OfflineMiss, WikidataClient

TOP = 5
RECONCILE_TYPE = {"person": "Q5", "group": "Q43229", "place": "Q2221906"}


@dataclass
class LinkResult:
    """What a linking run proposed, and what it could not look up (offline)."""

    proposals: list[Proposal] = field(default_factory=list)
    not_cached: list[str] = field(default_factory=list)


def propose(corpus: Path, settings: Settings, client: WikidataClient, review: Path) -> LinkResult:
    """Find candidates for every entity without a QID and write the review file."""
    everything = list(named_entities(corpus, settings).values())
    todo = [(e, years) for e, years in everything if not e.wikidata]
    countries = frozenset(e.wikidata for e, _ in everything if e.kind == "place" and e.wikidata)
    result = LinkResult()
    found: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for entity, _ in todo:
        try:
            if client.reconcile_url:
                hits = client.reconcile(entity.label, RECONCILE_TYPE[entity.kind])
            else:
                hits = client.search(entity.label)
        except OfflineMiss:
            result.not_cached.append(f"{entity.kind}.{entity.key}")
            continue
        found[(entity.kind, entity.key)] = [h for h in hits if isinstance(h.get("id"), str)]
    ids = sorted({str(h["id"]) for hits in found.values() for h in hits})
    try:
        details = client.entities(ids) if ids else {}
    except OfflineMiss:
        details = {}
    for entity, years in todo:
        answers = found.get((entity.kind, entity.key))
        if answers is None:
            continue
        candidates = sorted(
            (score(entity, str(h["id"]), h, details.get(str(h["id"])), years, countries) for h in answers),
            key=lambda c: (-c.score, c.qid),
        )[:TOP]
        note = "no candidates found" if not candidates else ""
        result.proposals.append(Proposal(entity, tuple(candidates), note))
    method = (
        "W3C reconciliation service " + client.reconcile_url
        if client.reconcile_url
        else "Wikidata wbsearchentities"
    )
    write_atomically(review, render_review(result.proposals, method))
    return result


def accept_one(
    corpus: Path, settings: Settings, kind_key: str, qid: str, by: str, on: str, method: str
) -> Entity:
    """Accept ``qid`` for one entity (curated, or local: then it is added to the file)."""
    entities = named_entities(corpus, settings)
    kind, _, key = kind_key.partition(".")
    if (kind, key) not in entities:
        raise ConfigError(f"{kind_key}: no such entity in the corpus", hint="see the keys in the review file")
    entity = entities[(kind, key)][0]
    accept(corpus / "authorities.toml", kind_key, qid, by=by, on=on, method=method, label=entity.label)
    return entity


def apply_review(corpus: Path, settings: Settings, review: Path, by: str, on: str) -> list[tuple[str, str]]:
    """Accept every block of the review file whose `accept` holds a QID."""
    done = []
    for block in read_review(review):
        qid = str(block.get("accept", "")).strip()
        if not qid:
            continue
        kind_key = str(block.get("key", ""))
        chosen = next((c for c in block.get("candidate", []) if c.get("qid") == qid), None)
        how = f"review file {review.name}" + (
            f" ({chosen.get('why')})" if chosen else " (QID typed in by the reviewer)"
        )
        accept_one(corpus, settings, kind_key, qid, by, on, how)
        done.append((kind_key, qid))
    return done


def check(corpus: Path, client: WikidataClient) -> list[str]:
    """Re-verify every QID of the authority file against Wikidata, asking afresh (no cache):
    merged items (redirects) and deleted items are reported."""
    authorities = Authorities.load(corpus / "authorities.toml")
    linked = {e.wikidata: e for e in authorities.entities() if e.wikidata}
    answers = client.entities(sorted(linked), fresh=True) if linked else {}
    problems = []
    for qid, entity in sorted(linked.items(), key=lambda item: (item[1].kind, item[1].key)):
        where = f"{entity.kind}.{entity.key}"
        answer = answers.get(qid)
        if answer is None or "missing" in answer:
            problems.append(f"{where}: {qid} does not exist on Wikidata (deleted?)")
        elif answer.get("redirects"):
            problems.append(
                f"{where}: {qid} was merged into {answer['redirects']['to']}; update the authority file"
            )
    return problems


__all__ = ["KIND_TYPES", "Candidate", "LinkResult", "accept_one", "apply_review", "check", "propose"]
