"""What the authority data does not know in a corpus — the curator's loop on a new corpus
(``lodpub inspect CORPUS --unresolved``): every name, archive and language the mapping would
keep verbatim or mint as a local entity, with a count and every ``file:line``; likely variants
of one name grouped; and a snippet to paste into ``authorities.toml``.

"Does not know" is what the mapping treats as unknown:

- a name (sender, addressee, translator, place, resolved with the kinds the mapping asks for)
  for which ``Authorities.resolve`` returns nothing ("not recognised": kept verbatim, no entity)
  or only local entities ("local": minted from the name's shape, not curated);
- an archival statement whose archive ``Custody`` (``authorities.archive`` and its
  ``_known_archive``) does not find: minted as a local archive from the archive's own words, or
  not recognised at all; and the citation segments the reader could not place;
- a language ``Authorities.language`` does not know.

Variants are grouped by name similarity (``similar_persons``, ``similar_names``): names are
folded to ASCII (anyascii) and, for persons, compared surname to surname with the
transliteration spellings of one sound made alike (``Khrushchev``, ``Khruschev``, ``Hrușciov``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from ..authorities import Authorities, Entity, local_entity
from ..errors import LodpubError
from ..inspect_letter import as_marked
from ..mapping.custody import Custody
from ..mapping.iris import Iris
from ..model import ArchivalRef, Evidence, Holding, Letter, Value
from ..sources import read_letter
from ..sources.names import bracketed_identity, is_role
from ..textutil import collapse
from .report import Occurrence, Unresolved
from .snippet import snippet
from .variants import cluster, similar_names, similar_persons

__all__ = ["Unresolved", "collect", "similar_names", "similar_persons"]

# The kinds the mapping (mapping/letter.py) resolves each name field with.
NAME_FIELDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("sender", ("person", "group")),
    ("addressee", ("person", "group")),
    ("translator", ("person",)),
    ("place", ("place",)),
)
# A not-recognised name gets the kind its field suggests (a sender or addressee may also be a group).
FIELD_KIND = {"sender": "person", "addressee": "person", "translator": "person", "place": "place"}

_IRIS = Iris("https://lodpub.invalid/")  # Custody needs IRIs; none of them is shown
_NOT_RECOGNISED_ARCHIVE = "not recognised, kept verbatim: "


def collect(
    files: Sequence[Path],
    authorities: Authorities,
    authority_file: Path | str = "authorities.toml",
    read: Callable[[Path], Letter] = read_letter,
) -> Unresolved:
    """Read each file and gather what ``authorities`` does not know; a file that cannot be read
    is a problem, not the end."""
    found: dict[tuple[str, str, str, str], list[Occurrence]] = {}
    unfixable: set[tuple[str, str, str, str]] = set()
    trials = _Trials(authorities)
    problems: list[LodpubError] = []
    letters = 0
    for path in files:
        try:
            letter = read(path)
        except LodpubError as error:
            problems.append(error)
            continue
        letters += 1
        for key, occurrence, fixable in _unknowns(str(path), letter, authorities, trials):
            found.setdefault(key, []).append(occurrence)
            if not fixable:
                unfixable.add(key)
    clusters = cluster(found, trials.archives, unfixable)
    text, entries = snippet(clusters, authorities, str(authority_file)) if clusters else ("", ())
    return Unresolved(
        letters=letters,
        problems=tuple(problems),
        clusters=clusters,
        snippet=text,
        entries=entries,
        authority_file=str(authority_file),
    )


def _unknowns(
    file: str, letter: Letter, authorities: Authorities, trials: _Trials
) -> Iterable[tuple[tuple[str, str, str, str], Occurrence, bool]]:
    """(category, status, kind, spelling), the occurrence, and whether an entry of that
    spelling makes the mapping know it, for each unknown in a letter."""
    fields: dict[str, tuple[Value, ...]] = {
        "sender": letter.senders,
        "addressee": letter.addressees,
        "translator": letter.translators,
        "place": (letter.place,) if letter.place else (),
    }
    for field, kinds in NAME_FIELDS:
        for value in fields[field]:
            resolved = authorities.resolve(value.text, kinds)
            if resolved and not all(e.local for e in resolved):
                continue
            occurrence = _occurrence(file, field, value.evidence, as_marked(value))
            if field in ("sender", "addressee") and is_role(value.text):  # kept as marked
                yield ("name", "role", "role", collapse(value.text)), occurrence, False
                continue
            if resolved:
                for entity in resolved:
                    yield ("name", "local", entity.kind, entity.label), occurrence, True
            else:
                kind = FIELD_KIND[field]
                spelling, fixable = trials.name(value.text, kind, kinds)
                yield ("name", "not recognised", kind, spelling), occurrence, fixable
    if letter.archival is not None:
        ref = letter.archival
        # the holdings are read together, as the build reads them (a call number, then its
        # archive alone, is one statement)
        custody = Custody(_IRIS, authorities, letter.id, ref)

        def holding_of(text: str) -> Holding:
            return next((h for h in ref.holdings if text in h.text), ref.holdings[0])

        for kept in custody.kept:
            if kept.archive.local:
                holding = holding_of(kept.archive.label)
                occurrence = _occurrence(file, "archive", holding.evidence, holding.text)
                yield ("archive", "local", "archive", kept.archive.label), occurrence, True
        for notice in custody.notices:
            statement = notice.message.removeprefix(_NOT_RECOGNISED_ARCHIVE)
            holding = holding_of(statement)
            fixable = trials.archive(holding, statement, letter.id) is not None
            occurrence = _occurrence(file, "archive", holding.evidence, statement)
            yield ("archive", "not recognised", "archive", statement), occurrence, fixable
        for segment in ref.unrecognised:
            occurrence = _occurrence(file, "archive", ref.evidence, segment)
            yield ("archive", "segment", "archive", collapse(segment)), occurrence, False
    languages = [("original language", v) for v in letter.original_languages]
    if letter.translation_language is not None:
        languages.append(("translation language", letter.translation_language))
    for field, value in languages:
        if authorities.language(value.text) is None:
            occurrence = _occurrence(file, field, value.evidence, value.text)
            yield ("language", "not recognised", "language", collapse(value.text)), occurrence, False


def _occurrence(file: str, field: str, evidence: Evidence, marked: str) -> Occurrence:
    return Occurrence(file, evidence.line, field, collapse(marked), evidence.basis.value)


class _Trials:
    """What an entry would need for the mapping to know a name or an archival statement it
    does not: each candidate entry is tried with the mapping's own reading (``resolve``,
    ``Custody``) over the authority data plus that entry."""

    def __init__(self, authorities: Authorities) -> None:
        self.entities = authorities.entities()
        self.archives: dict[str, str | None] = {}  # statement -> the archive name it needs
        self._names: dict[tuple[str, str, str, tuple[str, ...]], bool] = {}

    def _with(self, entity: Entity) -> Authorities | None:
        try:
            return Authorities([*self.entities, entity])
        except LodpubError:  # the name is another entity's already
            return None

    def name(self, phrase: str, kind: str, kinds: tuple[str, ...]) -> tuple[str, bool]:
        """The name an entry of ``kind`` needs for a phrase nothing resolves, and whether such
        an entry makes ``resolve`` find it: the editors' bracketed identity or the name outside
        the brackets, cleaned as a local entity's label is, else the whole phrase. (A name that
        is another entity's counts as found: the snippet says why it leaves it out.)"""
        name, identity = bracketed_identity(phrase)
        cleaned = local_entity(identity or name, ("group",))  # a group: any kind cleans alike
        candidates = dict.fromkeys([cleaned.label if cleaned else collapse(name), collapse(phrase)])
        for candidate in candidates:
            key = (candidate, kind, phrase, kinds)
            if key not in self._names:
                entity = Entity(kind=kind, key="proposed-entry", label=candidate)
                trial = self._with(entity)
                self._names[key] = trial is None or any(
                    (e.kind, e.key) == (kind, entity.key) for e in trial.resolve(phrase, kinds)
                )
            if self._names[key]:
                return candidate, True
        return next(iter(candidates)), False

    def archive(self, holding: Holding, statement: str, letter_id: str) -> str | None:
        """The archive name a not-recognised statement begins with whose entry makes the
        mapping recognise it (its leading comma parts without digits, shortest first; or the
        leading words of its first part), None if there is none."""
        if statement in self.archives:
            return self.archives[statement]
        head = re.split(r"[;:]", statement, maxsplit=1)[0]
        parts = [p.strip() for p in re.split(r",\s*(?![^()]*\))", head) if p.strip()]
        candidates: list[str] = []
        for count in range(1, len(parts) + 1):
            if re.search(r"\d", parts[count - 1]):
                break
            candidates.append(", ".join(parts[:count]))
        if not candidates and parts:
            words = parts[0].split()
            for count in range(1, len(words)):
                if re.search(r"\d", words[count - 1]):
                    break
                candidates.append(" ".join(words[:count]))
        ref = ArchivalRef(statement, holding.evidence, (holding,))
        self.archives[statement] = None
        for candidate in candidates:
            entity = Entity(kind="group", key="proposed-archive", label=candidate.strip(" ,.;"), archive=True)
            trial = self._with(entity)
            if trial is None:
                continue
            custody = Custody(_IRIS, trial, letter_id, ref)
            if any(k.archive.key == entity.key for k in custody.kept) and not any(
                n.message.removeprefix(_NOT_RECOGNISED_ARCHIVE) == statement for n in custody.notices
            ):
                self.archives[statement] = entity.label
                break
        return self.archives[statement]


# -- clustering -----------------------------------------------------------------------------
