"""Small text helpers shared by the readers and the mapping: name normalisation and slugs."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "i",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "",
            "y",
            "",
            "e",
            "iu",
            "ia",
        ],
        strict=True,
    )
)
_QUOTES = str.maketrans({"‘": "'", "’": "'", "´": "'", "`": "'", "“": '"', "”": '"', "„": '"'})
_SPACES = re.compile(r"\s+")
_NON_SLUG = re.compile(r"[^a-z0-9]+")


def shape_name(text: str) -> str:
    """A name with quotes, spacing after initials and runs of white space made uniform; case kept."""
    shaped = unicodedata.normalize("NFKC", text).translate(_QUOTES).replace(".", ". ")
    return _SPACES.sub(" ", shaped).strip()


def normalise_name(text: str) -> str:
    """Fold a name for matching: ``shape_name`` and case."""
    return shape_name(text).casefold()


def transliterate(text: str) -> str:
    """ASCII form of Latin text with diacritics and of Cyrillic text (for slugs only)."""
    out = []
    for char in unicodedata.normalize("NFKD", text.casefold()):
        if unicodedata.combining(char):
            continue
        out.append(_CYRILLIC.get(char, char))
    return "".join(out)


def slug(text: str, *, drop: frozenset[str] = frozenset()) -> str:
    """A stable IRI segment of ``[a-z0-9-]`` made from ``text``; never empty.

    Words in ``drop`` are left out ("of", "the" in fonds names). Text with no letter or digit
    that survives transliteration gets a short hash, so distinct names stay distinct.
    """
    words = [w for w in _NON_SLUG.split(transliterate(text)) if w and w not in drop]
    result = "-".join(words)
    if result:
        return result
    return "x" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


def collapse(text: str) -> str:
    """Join wrapped lines and runs of white space into single spaces."""
    return _SPACES.sub(" ", text).strip()
