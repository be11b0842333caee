"""Wikidata reconciliation, offline-first and reviewed (`lodpub link`).

The authority file is the only source of links. `link` proposes candidates for the entities
without a QID in a review file; a QID enters the authority file only when a person accepts it,
with who, when and how; `check` re-verifies every QID the file holds.
"""

from __future__ import annotations

import datetime
import getpass
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..authorities import Authorities, Entity
from ..build import named_entities
from ..errors import ConfigError, LinkError
from ..identifiers import parse_text
from ..settings import Settings
from .ids import IdOffer, accept_id, apply_ids, check_ids, fetch_items, offer_ids, read_id_blocks, render_ids
from .review import (
    Block,
    Decision,
    Proposal,
    accept,
    parse_review,
    read_bytes,
    read_review,
    render_review,
    write_if_unchanged,
)
from .scoring import KIND_TYPES, Candidate, score
from .wikidata import OfflineMiss, WaitTooLong, WikidataClient

TOP = 5
RECONCILE_TYPE = {"person": "Q5", "group": "Q43229", "place": "Q2221906"}
NOT_LOOKED_UP = "not looked up yet: not in the cache (offline)"
NO_LONGER_NAMED = "the corpus no longer names this entity; kept for what a reviewer wrote in it"
WRITE_TRIES = 3


@dataclass
class LinkResult:
    """What a linking run proposed, what it kept and dropped, and what it could not look up."""

    proposals: list[Proposal] = field(default_factory=list)
    not_cached: list[str] = field(default_factory=list)
    entities: int = 0  # entities without a QID
    with_candidates: int = 0  # of those, how many have candidates in the review file
    kept: int = 0  # reviewer decisions (accept, reject, note) carried over from the review file
    dropped: list[tuple[str, str]] = field(default_factory=list)  # (KIND.KEY, its QID now)
    stale: list[str] = field(default_factory=list)  # blocks kept for entities no longer named
    ids: list[IdOffer] = field(default_factory=list)  # authority identifiers offered (ids.py)


def reviewer_of(by: str | None) -> str:
    """Who accepts a link: ``by``, else LODPUB_REVIEWER, else the login name."""
    return by or os.environ.get("LODPUB_REVIEWER") or getpass.getuser()


def day_of(on: str | None) -> str:
    """The day an acceptance is recorded on: ``on`` (YYYY-MM-DD), else today."""
    return on or datetime.date.today().isoformat()


def propose(corpus: Path, settings: Settings, client: WikidataClient, review: Path) -> LinkResult:
    """Find candidates for every entity without a QID and merge them into the review file: what
    a reviewer wrote there (accept, reject, note) is kept, candidates are added or refreshed, an
    entity that has a QID in the authority file now leaves it. The file is read before any
    request (a file lodpub could not keep is refused at once) and again just before it is
    replaced, atomically, and only if nobody changed it in between."""
    before = read_bytes(review)
    if before is not None:
        parse_review(before, review)
        read_id_blocks(before, review)
    everything = list(named_entities(corpus, settings).values())
    todo = [e for e, _ in everything if not e.wikidata]
    linked = [e for e, _ in everything if e.wikidata]
    scored, not_cached = _look_up(everything, client, review)
    items, items_missed = fetch_items(linked, client)
    if client.offline and todo and len(not_cached) == len(todo):
        service = "reconciliation" if client.reconcile_url else "Wikidata"
        raise LinkError(f"no cached {service} answers for {len(todo)} entities; run without --offline once")
    method = (
        "W3C reconciliation service " + client.reconcile_url
        if client.reconcile_url
        else "Wikidata wbsearchentities"
    )
    for _ in range(WRITE_TRIES):
        before = read_bytes(review)
        old = parse_review(before, review) if before is not None else []
        result = _merge(everything, scored, old)
        result.not_cached = not_cached + items_missed
        result.ids = offer_ids(linked, items, read_id_blocks(before, review) if before is not None else [])
        text = render_review(result.proposals, method) + "\n".join(render_ids(result.ids))
        if write_if_unchanged(review, text, before):
            return result
    raise LinkError(
        f"{review} changed {WRITE_TRIES} times while lodpub link was writing it; it was not changed",
        hint="run again when nobody is saving the file",
    )


def _look_up(
    everything: list[tuple[Entity, tuple[int, int] | None]], client: WikidataClient, review: Path
) -> tuple[dict[str, list[Candidate]], list[str]]:
    """Every candidate of each entity without a QID, scored, best first; and the entities the
    cache could not answer for (offline)."""
    todo = [(e, years) for e, years in everything if not e.wikidata]
    countries = frozenset(e.wikidata for e, _ in everything if e.kind == "place" and e.wikidata)
    found: dict[str, list[dict[str, Any]]] = {}
    not_cached: list[str] = []
    try:
        for entity, _ in todo:
            where = f"{entity.kind}.{entity.key}"
            try:
                if client.reconcile_url:
                    hits = client.reconcile(entity.label, RECONCILE_TYPE[entity.kind])
                else:
                    hits = client.search(entity.label)
            except OfflineMiss:
                not_cached.append(where)
                continue
            found[where] = [h for h in hits if isinstance(h.get("id"), str)]
        ids = sorted({str(h["id"]) for hits in found.values() for h in hits})
        try:
            details = client.entities(ids) if ids else {}
        except OfflineMiss:  # the candidates without their details would score wrong: keep the old ones
            for where in [w for w, hits in found.items() if hits]:
                del found[where]
                not_cached.append(where)
            details = {}
    except LinkError as exc:
        done = len(found) + len(not_cached)
        progress = (
            f"looked up {done} of {len(todo)} entities before stopping"
            if done < len(todo)
            else f"looked up all {len(todo)} entities, but not their candidates' details"
        )
        advice = "run again later" + (
            f", or allow a longer wait with --max-wait {math.ceil(exc.asked)}"
            if isinstance(exc, WaitTooLong)
            else ""
        )
        raise LinkError(
            exc.message,
            hint=f"{progress} (the answers received are cached); {review} was not changed; {advice}",
        ) from exc
    scored = {}
    for entity, years in todo:
        where = f"{entity.kind}.{entity.key}"
        if where in found:
            scored[where] = sorted(
                (
                    score(entity, str(h["id"]), h, details.get(str(h["id"])), years, countries)
                    for h in found[where]
                ),
                key=lambda c: (-c.score, c.qid),
            )
    order = {f"{e.kind}.{e.key}": i for i, (e, _) in enumerate(todo)}
    return scored, sorted(not_cached, key=order.__getitem__)


def _merge(
    everything: list[tuple[Entity, tuple[int, int] | None]],
    scored: dict[str, list[Candidate]],
    old: list[Block],
) -> LinkResult:
    named = {f"{e.kind}.{e.key}": e for e, _ in everything}
    blocks = {b.key: b for b in old}
    result = LinkResult()
    for where, entity in named.items():
        if entity.wikidata:
            continue
        result.entities += 1
        block = blocks.get(where)
        decision = block.decision if block else Decision()
        if where in scored:
            candidates = tuple(c for c in scored[where] if c.qid not in decision.reject)[:TOP]
            status = (
                ""
                if candidates
                else "no candidates left: every one found is in reject"
                if scored[where]
                else "no candidates found"
            )
        elif block is not None:  # not looked up this time (offline): keep what the file had
            candidates = tuple(c for c in block.candidates if c.qid not in decision.reject)
            status = block.status
        else:
            candidates, status = (), NOT_LOOKED_UP
        result.proposals.append(Proposal(entity, candidates, status, decision))
        result.kept += decision.count()
        result.with_candidates += bool(candidates)
    for block in old:
        if block.key in named:
            entity = named[block.key]
            if entity.wikidata:
                result.dropped.append((block.key, entity.wikidata))
        elif block.decision.count():
            kind, _, key = block.key.partition(".")
            entity = Entity(kind=kind, key=key, label=block.label, local=block.local)
            result.proposals.append(Proposal(entity, block.candidates, NO_LONGER_NAMED, block.decision))
            result.kept += block.decision.count()
            result.stale.append(block.key)
    return result


def accept_one(
    corpus: Path, settings: Settings, kind_key: str, qid: str, by: str, on: str, method: str
) -> Entity:
    """Accept ``qid`` for one entity (curated, or local: then it is added to the file), or an
    authority identifier written ``scheme:value`` (``viaf:…``) for a curated one."""
    entities = named_entities(corpus, settings)
    kind, _, key = kind_key.partition(".")
    if (kind, key) not in entities:
        raise ConfigError(f"{kind_key}: no such entity in the corpus", hint="see the keys in the review file")
    entity = entities[(kind, key)][0]
    if ":" in qid:
        found = parse_text(qid, kind, kind_key)
        accept_id(corpus / "authorities.toml", kind_key, found, by=by, on=on, method=method)
        return entity
    accept(corpus / "authorities.toml", kind_key, qid, by=by, on=on, method=method, label=entity.label)
    return entity


def apply_review(corpus: Path, settings: Settings, review: Path, by: str, on: str) -> list[tuple[str, str]]:
    """Accept every block of the review file whose `accept` holds a QID, then every identifier
    accepted in its [[ids]] blocks."""
    blocks = read_review(review)
    for block in blocks:
        if block.decision.accept and block.decision.accept in block.decision.reject:
            raise ConfigError(
                f"{review}: {block.key}: {block.decision.accept} is both accepted and rejected",
                hint="keep it in one of accept and reject; nothing was accepted",
            )
    done = []
    for block in blocks:
        qid = block.decision.accept.strip()
        if not qid:
            continue
        chosen = next((c for c in block.candidates if c.qid == qid), None)
        how = f"review file {review.name}" + (
            f" ({chosen.why})" if chosen else " (QID typed in by the reviewer)"
        )
        accept_one(corpus, settings, block.key, qid, by, on, how)
        done.append((block.key, qid))
    data = read_bytes(review)
    offers = read_id_blocks(data, review) if data is not None else []
    return done + apply_ids(corpus / "authorities.toml", offers, review, by, on)


def check(corpus: Path, client: WikidataClient) -> list[str]:
    """Re-verify every QID of the authority file against Wikidata, asking afresh (no cache):
    merged items (redirects) and deleted items are reported, and accepted authority identifiers
    that the item no longer holds."""
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
    return problems + check_ids(sorted(linked.values(), key=lambda e: (e.kind, e.key)), answers)


__all__ = [
    "KIND_TYPES",
    "Candidate",
    "LinkResult",
    "accept_one",
    "apply_review",
    "check",
    "propose",
]
