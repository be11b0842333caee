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

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from anyascii import anyascii
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from .authorities import Authorities, Entity, local_entity
from .errors import LodpubError
from .inspect_letter import as_marked
from .mapping.custody import Custody
from .mapping.iris import Iris
from .model import ArchivalRef, Evidence, Holding, Letter, Value
from .sources import read_letter
from .sources.names import HONORIFICS, bracketed_identity
from .textutil import collapse, normalise_name, slug

# The kinds the mapping (mapping/letter.py) resolves each name field with.
NAME_FIELDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("sender", ("person", "group")),
    ("addressee", ("person", "group")),
    ("translator", ("person",)),
    ("place", ("place",)),
)
# A not-recognised name gets the kind its field suggests (a sender or addressee may also be a group).
FIELD_KIND = {"sender": "person", "addressee": "person", "translator": "person", "place": "place"}

# Clustering thresholds: Levenshtein similarity (1 - distance / longer length) of folded forms.
# Measured (tests/test_unresolved.py keeps the pairs): transliteration variants of one surname
# score 0.83 or more (Khrushchev / Hrușciov, Khruschev / Hrușciov, Khrushchev / Khrushchov 0.83;
# Brezhnev / Breschnew 0.86; Khrushchev / Khruschev / Хрущёв, Brezhnev / Brejnev 1.0), while of
# ~5,000 pairs of distinct Cold War surnames none reaches 0.8: the closest are Pervukhin /
# Perkhin and Xia / Xi 0.75, Ponomarev / Ponomarenko 0.73, Zhukov / Zhivkov 0.67,
# Gheorghe / Gheorghiu-Dej 0.67 and Gheorghiu-Dej / Gheorghe Apostol 0.47.
SURNAME_SIMILARITY = 0.8
# Given names written out in both: "Sergey" / "Sergei" agree (1.0), "Nikita" / "Nikolai" (0.57) not.
GIVEN_SIMILARITY = 0.8
# Groups, places, archives, languages and names the field alone types: whole names, stricter,
# since the words that tell two bodies apart are few: "Polish" / "Soviet Embassy in Beijing" 0.84,
# "Embassy of Hungary in North Korea" / "… North Vietnam" 0.83 stay apart; "Central State
# Archives (TsDA), Sofia" / "Central State Archive (TsDA), Sofia" (0.97) is one.
NAME_SIMILARITY = 0.9

# Spellings of one sound across English, German, Polish, Romanian and Russian transliterations,
# in the order they are applied (longest first).
_SOUNDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), sound)
    for pattern, sound in (
        (r"shch|szcz|sch|sci(?=[aeou])", "s"),  # щ: Khrushchev, Khruschev, Hrușciov
        (r"sh|sz", "s"),
        (r"zh", "j"),
        (r"kh", "h"),
        (r"t?ch|cz|ci(?=[aeou])|ts|tz", "c"),
        (r"ck", "k"),
        (r"w", "v"),
        (r"y", "i"),
        (r"x", "ks"),
        (r"(.)\1+", r"\1"),
    )
)
_TOKEN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\.?")
_IRIS = Iris("https://lodpub.invalid/")  # Custody needs IRIs; none of them is shown
_NOT_RECOGNISED_ARCHIVE = "not recognised, kept verbatim: "

# Categories and statuses, in the order they are listed.
CATEGORIES = ("name", "archive", "language")
STATUSES = ("not recognised", "local", "segment")
KIND_ORDER = ("person", "group", "place", "archive", "language")
HEADINGS = {
    ("name", "not recognised"): "names not recognised (no entity minted, kept verbatim)",
    ("name", "local"): "local names (minted from the name's shape, not curated)",
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
            if resolved:
                for entity in resolved:
                    yield ("name", "local", entity.kind, entity.label), occurrence, True
            else:
                kind = FIELD_KIND[field]
                spelling, fixable = trials.name(value.text, kind, kinds)
                yield ("name", "not recognised", kind, spelling), occurrence, fixable
    if letter.archival is not None:
        ref = letter.archival
        for holding in ref.holdings:
            custody = Custody(
                _IRIS, authorities, letter.id, ArchivalRef(ref.citation, ref.evidence, (holding,))
            )
            for kept in custody.kept:
                if kept.archive.local:
                    occurrence = _occurrence(file, "archive", holding.evidence, holding.text)
                    yield ("archive", "local", "archive", kept.archive.label), occurrence, True
            for notice in custody.notices:
                statement = notice.message.removeprefix(_NOT_RECOGNISED_ARCHIVE)
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


def fold(text: str) -> str:
    """A name in lower-case ASCII (``Hrușciov`` -> ``hrusciov``, ``Хрущёв`` -> ``khrushchev``)."""
    return anyascii(collapse(text)).casefold()


def sound(token: str) -> str:
    """A folded word with the spellings of one sound made alike (``khrushchev`` -> ``hrusev``)."""
    for pattern, replacement in _SOUNDS:
        token = pattern.sub(replacement, token)
    return token


def similarity(a: str, b: str) -> float:
    """Levenshtein similarity, 1 - distance / longer length (0 to 1)."""
    return float(Levenshtein.normalized_similarity(a, b))


@cache
def _person_parts(name: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """A person's name as (surname, given names or initials) readings, folded. The surname is
    the last word that is no initial; a surname written in two words (``Gheorghiu Dej``) is
    read both ways."""
    bare = HONORIFICS.sub("", collapse(name)) or collapse(name)
    tokens = _TOKEN.findall(fold(bare))
    words = [t for t in tokens if not _initial(t)]
    if not words:
        return ()
    last = len(tokens) - 1 - tokens[::-1].index(words[-1])
    given = tuple(tokens[:last])
    surname = words[-1].replace("-", "")
    readings = [(sound(surname), given)]
    if given and not _initial(given[-1]):
        readings.append((sound(given[-1].replace("-", "") + surname), given[:-1]))
    return tuple(readings)


def _initial(token: str) -> bool:
    return token.endswith(".") or len(token) == 1


def _given_agree(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Given names agree position by position where both give one: an initial or an
    abbreviation (``N.``, ``Gh.``) begins the other, full names are alike."""
    for x, y in zip(a, b, strict=False):
        bare_x, bare_y = x.rstrip("."), y.rstrip(".")
        if _initial(x) or _initial(y):
            short, long = sorted((bare_x, bare_y), key=len)
            if not long.startswith(short):
                return False
        elif similarity(sound(bare_x), sound(bare_y)) < GIVEN_SIMILARITY:
            return False
    return True


def _close(a: str, b: str, threshold: float) -> bool:
    """Alike: the same first letter and similar enough (at 0.8 a word of four letters or
    fewer must be equal: one letter is a third of "Xia")."""
    return a[:1] == b[:1] and similarity(a, b) >= threshold


def similar_persons(a: str, b: str) -> bool:
    """Whether two person names likely name one person: alike surnames, agreeing given names
    (``N. S. Khrushchev`` / ``Nikita Khrushchev``; not ``Gheorghiu-Dej`` / ``Gheorghe Apostol``)."""
    return _exact(a) == _exact(b) or any(
        _close(surname_a, surname_b, SURNAME_SIMILARITY) and _given_agree(given_a, given_b)
        for surname_a, given_a in _person_parts(a)
        for surname_b, given_b in _person_parts(b)
    )


@cache
def _whole(name: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", fold(name)))


@cache
def _exact(name: str) -> str:
    return normalise_name(name)


def similar_names(a: str, b: str) -> bool:
    """Whether two names of a group, place, archive or language are likely one: alike whole."""
    fa, fb = _whole(a), _whole(b)
    return _exact(a) == _exact(b) or bool(fa and fb and _close(fa, fb, NAME_SIMILARITY))


@dataclass(frozen=True)
class _Matcher:
    """How the spellings of one category, status and kind are compared: ``alike``; the key of
    spellings alike for sure; and the forms of which two alike spellings have one pair at
    least ``threshold`` similar (to find the candidates fast, in rapidfuzz)."""

    alike: Callable[[str, str], bool]
    key: Callable[[str], str]
    forms: Callable[[str], tuple[str, ...]]
    threshold: float


def _matcher(category: str, status: str, kind: str, proposals: dict[str, str | None]) -> _Matcher:
    if category == "archive" and status != "local":
        # statements differ by their call numbers: one group per archive they would name
        def archive_of(text: str) -> str:
            proposal = proposals.get(text)
            return _exact(proposal) if proposal else text

        return _Matcher(lambda a, b: archive_of(a) == archive_of(b), archive_of, lambda t: (), 1.0)
    if category == "name" and status == "local" and kind == "person":
        surnames = lambda t: tuple(r for r, _ in _person_parts(t))  # noqa: E731
        return _Matcher(similar_persons, _exact, surnames, SURNAME_SIMILARITY)
    return _Matcher(similar_names, _exact, lambda t: (_whole(t),) if _whole(t) else (), NAME_SIMILARITY)


class _Index:
    """The groups formed so far, found by key and by similar forms of the same first letter."""

    def __init__(self, matcher: _Matcher) -> None:
        self.matcher = matcher
        self.by_key: dict[str, set[int]] = {}
        self.forms: dict[str, tuple[list[str], list[int]]] = {}

    def candidates(self, text: str) -> list[int]:
        found = set(self.by_key.get(self.matcher.key(text), ()))
        for form in self.matcher.forms(text):
            choices, groups = self.forms.get(form[:1], ([], []))
            for _, _, position in process.extract(
                form,
                choices,
                scorer=Levenshtein.normalized_similarity,
                score_cutoff=self.matcher.threshold,
                limit=None,
            ):
                found.add(groups[position])
        return sorted(found)

    def add(self, text: str, group: int) -> None:
        self.by_key.setdefault(self.matcher.key(text), set()).add(group)
        for form in self.matcher.forms(text):
            choices, groups = self.forms.setdefault(form[:1], ([], []))
            choices.append(form)
            groups.append(group)


def cluster(
    found: dict[tuple[str, str, str, str], list[Occurrence]],
    proposals: dict[str, str | None] | None = None,
    unfixable: set[tuple[str, str, str, str]] | None = None,
) -> tuple[Cluster, ...]:
    """The spellings grouped: within one category, status and kind, a spelling joins the first
    group (most frequent first) each of whose spellings it is alike (complete linkage, so a
    lone "Gheorghe" does not join "Eliza Gheorghe" and "Gheorghe Apostol" into one)."""
    proposals = proposals or {}
    unfixable = unfixable or set()
    groups: dict[tuple[str, str, str], list[Spelling]] = {}
    for key, occurrences in found.items():
        category, status, kind, text = key
        ordered = tuple(sorted(dict.fromkeys(occurrences), key=lambda o: (o.file, o.line, o.field)))
        spelling = Spelling(text, ordered, fixable=key not in unfixable)
        groups.setdefault((category, status, kind), []).append(spelling)
    out: list[Cluster] = []
    for (category, status, kind), spellings in groups.items():
        # most frequent first; of equally frequent ones, not the one in capitals (the label)
        spellings.sort(key=lambda s: (-s.count, s.text.isupper(), s.text.casefold(), s.text))
        matcher = _matcher(category, status, kind, proposals)
        index = _Index(matcher)
        members: list[list[Spelling]] = []
        for spelling in spellings:
            chosen = next(
                (
                    i
                    for i in index.candidates(spelling.text)
                    if all(matcher.alike(spelling.text, other.text) for other in members[i])
                ),
                None,
            )
            if chosen is None:
                chosen = len(members)
                members.append([])
            members[chosen].append(spelling)
            index.add(spelling.text, chosen)
        for group in members:
            proposal = proposals.get(group[0].text) if status == "not recognised" else None
            out.append(Cluster(category, status, kind, tuple(group), proposal))
    return tuple(sorted(out, key=Cluster.sort_key))


# -- the snippet ----------------------------------------------------------------------------


def snippet(
    clusters: Sequence[Cluster], authorities: Authorities, target: str
) -> tuple[str, tuple[str | None, ...]]:
    """TOML to append to the authority file, and the entry (``kind.key``, or None) each cluster
    got: one entry per cluster (its most frequent spelling the label, the others variants),
    archives as ``archive = true`` groups, languages and what no entry can fix as comments.

    A name belongs to one entity only: names an entity of the file has already are left out,
    and where two clusters share one, the cluster whose kind the evidence gives (a local
    entity's) keeps it, so that the whole loads."""
    taken = {normalise_name(n) for e in authorities.entities() for n in e.names}
    keys = {(e.kind, e.key) for e in authorities.entities()}
    blocks: dict[int, tuple[list[str], str | None]] = {}
    for position in sorted(range(len(clusters)), key=lambda i: clusters[i].status != "local"):
        blocks[position] = _entry(clusters[position], taken, keys)
    out = [
        f"# Suggested by `lodpub inspect --unresolved` for {target}: check each entry (kind, label,",
        "# key, merged variants) before appending; a key becomes an IRI and is never reused.",
    ]
    for position in range(len(clusters)):
        out += ["", *blocks[position][0]]
    return "\n".join(out) + "\n", tuple(blocks[i][1] for i in range(len(clusters)))


def _entry(item: Cluster, taken: set[str], keys: set[tuple[str, str]]) -> tuple[list[str], str | None]:
    """The lines of one cluster's entry and its ``kind.key`` (None for a comment only)."""
    spellings = _comment(", ".join(f"{s.text} ×{s.count}" for s in item.spellings))
    where = ", ".join(f"{o.file}:{o.line}" for o in item.spellings[0].occurrences[:3])
    where += ", …" if item.spellings[0].count > 3 else ""
    if item.category == "language":
        return [
            f"# language? {spellings} ({where}): not a language lodpub knows; if it is one:",
            f'# [language.EU-CODE] label = {_toml(item.label)} code = "ISO 639-1 code"',
        ], None
    if item.category == "archive" and item.status != "local" and item.proposal is None:
        return [
            f"# archive? {item.status}: {spellings} ({where}): no entry makes the mapping",
            "# recognise it; if it names an archive, check the citation's punctuation",
        ], None
    if item.category == "archive":
        names = _archive_names(item)
        kind, lines = "group", [f"# archive, {item.status}: {spellings}"]
    else:
        names = [s.text for s in item.spellings if s.fixable]
        kind, lines = item.kind, [f"# {item.kind}, {item.status}: {spellings}"]
        if len(names) < len(item.spellings):
            found = _comment(", ".join(s.text for s in item.spellings if not s.fixable))
            lines.append(f"# left out, an entry would not make the mapping find it: {found}")
    kept: list[str] = []
    dropped: list[str] = []
    for name in names:
        folded = normalise_name(name)
        if folded not in taken:
            taken.add(folded)
            kept.append(name)
        elif all(normalise_name(k) != folded for k in kept):
            dropped.append(name)  # another entity's name (a spelling of a kept one is not)
    if dropped:
        lines.append(f"# left out, already another entity's name: {_comment(', '.join(dropped))}")
    if not kept:
        return [*lines, "# (no name left for an entry)"], None
    key = _free_key(kind, slug(anyascii(kept[0])), keys)
    field = item.spellings[0].occurrences[0].field
    guess = f"  # kind? the {field} field" if item.category == "name" and item.status != "local" else ""
    lines += [f"[{kind}.{key}]{guess}", f"label = {_toml(kept[0])}"]
    if len(kept) > 1:
        lines.append(f"variants = [{', '.join(_toml(v) for v in kept[1:])}]")
    if item.category == "archive":
        lines.append("archive = true")
    return lines, f"{kind}.{key}"


def _archive_names(item: Cluster) -> list[str]:
    """An archive's names from its spellings: ``Name (SIGLUM), Place`` gives the name and the
    siglum (the mapping finds either); a proposal is the name of a not-recognised statement."""
    spans = [item.proposal] if item.proposal is not None else [s.text for s in item.spellings]
    names: list[str] = []
    sigla: list[str] = []
    for span in spans:
        match = re.match(r"^(?P<name>[^()]+?)\s*\((?P<siglum>[^()]+)\)(?:\s*,.*)?$", span)
        if match:
            names.append(match.group("name"))
            sigla.append(match.group("siglum"))
        else:
            names.append(span)
    return list(dict.fromkeys([*names, *sigla]))


def _free_key(kind: str, key: str, keys: set[tuple[str, str]]) -> str:
    candidate, number = key, 2
    while (kind, candidate) in keys:
        candidate, number = f"{key}-{number}", number + 1
    keys.add((kind, candidate))
    return candidate


def _toml(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=False)


def _comment(text: str) -> str:
    return collapse(text)
