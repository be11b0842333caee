"""Authority identifiers from Wikidata, reviewed like the QIDs (`lodpub link`).

For every entity whose QID the authority file holds, `link` reads the item's VIAF, GND, LC, BnF,
NDL, ISNI (people and groups) or GeoNames (places) statements and offers those the file does not
have yet in the review file, one ``[[ids]]`` block per entity. Nothing enters the authority file
until a person writes ``accept = ["viaf:…"]`` there and runs `--apply` (or `--accept KIND.KEY
viaf:…`); then the entity gets ``ids.viaf = { id, by, on, method }``, which the build states as
``skos:exactMatch`` with its PROV. `check` reports accepted identifiers Wikidata no longer holds.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..authorities import Authorities, Entity
from ..errors import ConfigError
from ..identifiers import SCHEMES, AuthorityId, ids_of_item, parse_text
from .review import _parse, _s, keyed_blocks, write_atomically
from .wikidata import OfflineMiss, WikidataClient

IDS_FIELDS = ("key", "label", "wikidata", "revision", "status", "candidate", "accept", "reject", "note")
IDS_CANDIDATE_FIELDS = ("id", "property", "iri")


@dataclass(frozen=True)
class IdOffer:
    """An entity with a QID, the identifiers its item holds that the file has not (``ids``, as
    ``scheme:value``), lodpub's status line, and the reviewer's accept, reject and note; and the
    revision of the item the identifiers were read from (0 where Wikidata did not say)."""

    key: str
    label: str
    wikidata: str
    ids: tuple[str, ...]
    status: str = ""
    accept: tuple[str, ...] = ()
    reject: tuple[str, ...] = ()
    note: str = ""
    revision: int = 0

    def decided(self) -> bool:
        return bool(self.accept or self.reject or self.note)


def fetch_items(linked: list[Entity], client: WikidataClient) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """The Wikidata items of the entities with a QID (cached, as every answer); and the entities
    whose items the cache could not answer for (offline)."""
    try:
        return client.entities(sorted({e.wikidata for e in linked if e.wikidata})), []
    except OfflineMiss:
        return {}, [f"{e.kind}.{e.key}" for e in linked]


def read_id_blocks(data: bytes, path: Path) -> list[IdOffer]:
    """The ``[[ids]]`` blocks of a review file's bytes (which parse_review has read first)."""
    return parse_id_blocks(tomllib.loads(data.decode("utf-8")).get("ids"), path)


def offer_ids(linked: list[Entity], items: dict[str, dict[str, Any]], old: list[IdOffer]) -> list[IdOffer]:
    """The ``[[ids]]`` blocks for the entities with a QID, merged with what a reviewer wrote in
    the old ones."""
    before = {o.key: o for o in old}
    offers = []
    for entity in sorted(linked, key=lambda e: (e.kind, e.key)):
        key = f"{entity.kind}.{entity.key}"
        was = before.pop(key, None)
        item = items.get(entity.wikidata or "")
        if item is None:  # not looked up (offline): keep the block as it was
            if was is not None:
                offers.append(was)
            continue
        have = {a.text for a in entity.ids}
        refused = set(was.reject) if was else set()
        found = tuple(a.text for a in ids_of_item(item, entity.kind) if a.text not in have | refused)
        status = "" if found else "nothing new: the file has every identifier the item holds"
        revision = item.get("lastrevid")
        revision = revision if isinstance(revision, int) and revision > 0 else 0
        offer = IdOffer(key, entity.label, entity.wikidata or "", found, status, revision=revision)
        if was is not None:  # accepted ones the file has now are done; rejections stay
            accepted = tuple(a for a in was.accept if a not in have)
            offer = IdOffer(
                key, offer.label, offer.wikidata, found, status, accepted, was.reject, was.note, revision
            )
        if offer.ids or offer.decided():
            offers.append(offer)
    offers += [o for o in before.values() if o.decided()]  # no QID now: kept for the reviewer's words
    return sorted(offers, key=lambda o: o.key)


def render_ids(offers: list[IdOffer]) -> list[str]:
    """The ``[[ids]]`` blocks of the review file."""
    if not offers:
        return []
    lines = [
        "# Authority identifiers (VIAF, GND, LC, BnF, NDL, ISNI, GeoNames) that the Wikidata item of",
        "# an entity holds and the authority file does not. Yours to write in each [[ids]] block:",
        '#   accept = ["viaf:…", …]   identifiers that are this entity\'s (`--apply` enters them)',
        '#   reject = ["viaf:…", …]   identifiers that are not (not offered again)',
        '#   note = "…"',
        "",
    ]
    for o in offers:
        lines += [
            "[[ids]]",
            f"key = {_s(o.key)}",
            f"label = {_s(o.label)}",
            f"wikidata = {_s(o.wikidata)}",
            *([f"revision = {o.revision}"] if o.revision else []),
            f"accept = [{', '.join(_s(a) for a in o.accept)}]",
            f"reject = [{', '.join(_s(a) for a in o.reject)}]",
            f"note = {_s(o.note)}",
        ]
        if o.status:
            lines.append(f"status = {_s(o.status)}")
        for text in o.ids:
            scheme, _, value = text.partition(":")
            lines += [
                "[[ids.candidate]]",
                f"id = {_s(text)}",
                f"property = {_s(SCHEMES[scheme].property)}",
                f"iri = {_s(SCHEMES[scheme].iri(value))}",
            ]
        lines.append("")
    return lines


def parse_id_blocks(raw: object, path: Path) -> list[IdOffer]:
    """The ``[[ids]]`` blocks of a review file (refused, never dropped, if lodpub could not keep
    them on a re-run)."""
    if raw is None:
        return []
    offers = []
    for key, block in keyed_blocks(raw, "ids", path, _refused):
        unknown = sorted(set(block) - set(IDS_FIELDS))
        if unknown:
            raise _refused(path, f"{key}: unknown [[ids]] field {unknown[0]!r}")
        lists = {}
        for name in ("accept", "reject"):
            value = block.get(name, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise _refused(path, f'{key}: {name} must be a list such as ["viaf:12345678"]')
            lists[name] = tuple(v.strip() for v in value if v.strip())
        note = block.get("note", "")
        candidates = block.get("candidate", [])
        if not isinstance(note, str) or not isinstance(candidates, list):
            raise _refused(path, f"{key}: note must be a text, candidate [[ids.candidate]] blocks")
        texts = []
        for c in candidates:
            if (
                not isinstance(c, dict)
                or set(c) - set(IDS_CANDIDATE_FIELDS)
                or not isinstance(c.get("id"), str)
            ):
                raise _refused(path, f"{key}: an [[ids.candidate]] holds only id, property and iri")
            texts.append(c["id"])
        label, qid, status = (block.get(n, "") for n in ("label", "wikidata", "status"))
        revision = block.get("revision", 0)
        if not isinstance(revision, int) or isinstance(revision, bool) or revision < 0:
            raise _refused(path, f"{key}: revision must be the item's revision number")
        offers.append(
            IdOffer(
                key,
                label if isinstance(label, str) else "",
                qid if isinstance(qid, str) else "",
                tuple(texts),
                status if isinstance(status, str) else "",
                lists["accept"],
                lists["reject"],
                note,
                revision,
            )
        )
    return offers


def _refused(path: Path, what: str) -> ConfigError:
    return ConfigError(f"{path}: {what}", hint="the file was not changed")


def apply_ids(
    authority: Path, offers: list[IdOffer], review: Path, by: str, on: str
) -> list[tuple[str, str]]:
    """Enter every identifier accepted in the ``[[ids]]`` blocks; (KIND.KEY, scheme:value) done."""
    authorities = Authorities.load(authority)
    done = []
    for offer in offers:
        both = sorted(set(offer.accept) & set(offer.reject))
        if both:
            raise ConfigError(
                f"{review}: {offer.key}: {both[0]} is both accepted and rejected",
                hint="keep it in one of accept and reject",
            )
        kind, _, key = offer.key.partition(".")
        entity = authorities.get(kind, key)
        for text in offer.accept:
            found = parse_text(text, kind, f"{review}: {offer.key}")
            if entity is None or not entity.wikidata:
                raise ConfigError(f"{review}: {offer.key}: not in {authority} with a QID")
            read = f"Wikidata {entity.wikidata}" + (f" revision {offer.revision}" if offer.revision else "")
            how = (
                f"{read} {SCHEMES[found.scheme].property}, review file {review.name}"
                if text in offer.ids
                else f"typed in by the reviewer, review file {review.name}"
            )
            accept_id(authority, offer.key, found, by=by, on=on, method=how)
            done.append((offer.key, found.text))
    return done


def accept_id(authority: Path, kind_key: str, found: AuthorityId, *, by: str, on: str, method: str) -> None:
    """Record one identifier for ``kind.key`` (which the authority file must have), with who
    accepted it, when and how, in place of any the entity had in that scheme."""
    kind, _, key = kind_key.partition(".")
    text = authority.read_text(encoding="utf-8") if authority.exists() else ""
    lines = text.splitlines()
    header = f"[{kind}.{key}]"
    if header not in (line.strip() for line in lines):
        raise ConfigError(f"{kind_key}: not in {authority}", hint="accept its QID first")
    start = next(i for i, line in enumerate(lines) if line.strip() == header)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("[")), len(lines))
    if any(re.match(r"^\s*ids\s*=", line) for line in lines[start + 1 : end]):
        raise ConfigError(
            f"{authority}: [{kind}.{key}]: ids is written as one inline table",
            hint=f'write it as one line per scheme (ids.{found.scheme} = "…") and run again',
        )
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    body = [line for line in lines[start + 1 : end] if not re.match(rf"^\s*ids\.{found.scheme}\s*=", line)]
    fields = f"id = {_s(found.value)}, by = {_s(by)}, on = {_s(on)}, method = {_s(method)}"
    entry = f"ids.{found.scheme} = {{ {fields} }}"
    lines[start + 1 : end] = [*body, entry]
    new = "\n".join(lines).rstrip("\n") + "\n"
    Authorities(_parse(new, authority), source=str(authority))  # refuse to write a broken file
    write_atomically(authority, new)


def check_ids(entities: list[Entity], answers: dict[str, dict[str, Any]]) -> list[str]:
    """The accepted identifiers that the entity's Wikidata item no longer holds."""
    problems = []
    for entity in entities:
        answer = answers.get(entity.wikidata or "")
        reviewed = [a for a in entity.ids if a.review is not None]
        if not reviewed or answer is None or "missing" in answer:
            continue
        now = ids_of_item(answer, entity.kind)
        for found in reviewed:
            if found not in [AuthorityId(a.scheme, a.value, found.review) for a in now]:
                others = [a.value for a in now if a.scheme == found.scheme]
                holds = f"it holds {', '.join(others)}" if others else "it holds none"
                prop = SCHEMES[found.scheme].property
                state = "is deprecated on" if _deprecated(answer, prop, found.value) else "is no longer on"
                problems.append(
                    f"{entity.kind}.{entity.key}: {found.text} {state} {entity.wikidata} "
                    f"({prop}: {holds}); check the authority file"
                )
    return problems


def _deprecated(item: dict[str, Any], prop: str, value: str) -> bool:
    """Whether the item still holds ``value`` for ``prop``, ranked deprecated."""
    claims = item.get("claims")
    statements = claims.get(prop, []) if isinstance(claims, dict) else []
    return any(
        isinstance(s, dict)
        and s.get("rank") == "deprecated"
        and (s.get("mainsnak") or {}).get("datavalue", {}).get("value") == value
        for s in statements
    )
