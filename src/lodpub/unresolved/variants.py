"""Likely variants of one name grouped (``Khrushchev``, ``Khruschev``, ``Hrușciov``): names folded
to ASCII (anyascii) and, for persons, compared surname to surname with the transliteration
spellings of one sound made alike; the thresholds were measured on real names."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from anyascii import anyascii
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from ..sources.names import HONORIFICS
from ..textutil import collapse, normalise_name
from .report import Cluster, Occurrence, Spelling

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
