"""Language names -> ISO 639 and the EU language authority, through a maintained library.

Any language a record names ("Chinese", "Magyar", "Deutsch", "Serbo-Croatian") is looked up
with ``langcodes`` (CLDR names in many languages); its ISO 639-3 code, upper-cased, is the
EU authority code (``lang:DEU``, ``lang:ZHO``), except for the few languages the EU list codes
otherwise; the ISO 639-1 code, where there is one, is its identifier.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import langcodes

# Where the EU language authority's code (http://publications.europa.eu/resource/authority/language)
# is not the ISO 639-3 code upper-cased: none verified so far. An entry goes here only once it
# has been checked against the EU list.
EU_EXCEPTIONS: dict[str, str] = {}


@dataclass(frozen=True)
class Language:
    """A language as the EU authority names it: code (``DEU``), ISO 639-1 code, English name."""

    eu: str
    code: str | None
    name: str


@functools.cache
def find(name: str) -> Language | None:
    """The language a name stands for, or None when no language has that name."""
    text = name.strip(" .,;:")
    if not text or len(text) > 60:
        return None
    try:
        tag = langcodes.Language.get(text) if _looks_like_code(text) else langcodes.find(text)
    except (LookupError, ValueError):
        return None
    if not tag.language or tag.language == "und" or not tag.is_valid():
        return None
    alpha3 = tag.to_alpha3()
    return Language(
        eu=EU_EXCEPTIONS.get(alpha3, alpha3.upper()),
        code=tag.language if len(tag.language) == 2 else None,
        name=tag.display_name("en"),
    )


def _looks_like_code(text: str) -> bool:
    return text.isascii() and text.isalpha() and len(text) in (2, 3) and text.lower() == text
