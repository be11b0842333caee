"""Archival statements: an archive and its call number told apart in one statement of a
citation (``APRF, f. 45, op. 1, d. 342``; ``Szyfrogramy …, 6/77 w-86, Polish Foreign Ministry Archive
(AMSZ), Warsaw``), several archives in one sentence apart, and an archive's name without its city.

An archive is told apart by the authority data (a known name, siglum or variant) or by its name's
own words (an archive word: Archive, Archiv, Arhiva, Archiwum, Levéltár, …), and by its place in the
statement: before or after the call number, with its city and country; never by position alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .gazetteer import is_city, is_country
from .names import is_name_shaped

_STATE = re.compile(r"\b(?:republic|federation|kingdom|union|state)\b", re.I)


def split_holdings(text: str, known: Callable[[str], bool]) -> list[str]:
    """An archival sentence as one statement per archive: it is cut at ``;``, ``and`` or ``,``
    only where a known archive follows (``APRF, …; AVPRF, …; and RGASPI, …``, ``APRF, … and
    AVPRF, …``); a semicolon inside one archive's call number stays."""
    out: list[str] = []
    last = 0
    for match in re.finditer(r"\s*(?:;\s*(?:and\s+)?|,?\s+and\s+)", text):
        rest = text[match.end() :]
        head = re.split(r"[,;]", rest, maxsplit=1)[0].strip()
        words = head.split(" ")
        if (
            any(known(" ".join(words[:n])) for n in range(len(words), 0, -1))
            and text[last : match.start()].strip()
        ):
            out.append(text[last : match.start()].strip())
            last = match.end()
    out.append(text[last:].strip())
    return [o for o in out if o]


_CALL_WORD = re.compile(
    r"(?:^|[\s,(])(?:f|ff|fond|fonds|fund|op|opis|d|delo|dd|l|ll|list|listy|papka|p|pp|file|dosar|folder|"
    r"box|carton|rg|record\s+group|sygn|sign|signatur|k|bl|doboz|vol|t|inv|tom|filele|fila|sv|č)"
    r"\.?\s*[0-9IVXLC]",
    re.I,
)


def looks_archival(statement: str) -> bool:
    """A statement that may be archival: a call word or a number, an archive word, a siglum
    alone (``AVP RF``), or a name and its city (``Gorbachev Foundation, Moscow``). Whether it
    names an archive is the authority data's to say (in the mapping)."""
    parts = [p.strip() for p in statement.strip(" .").split(",")]
    return bool(
        _CALL_WORD.search(statement)
        or re.search(r"\d", statement)
        or _ARCHIVE_WORD.search(statement)
        or is_siglum(statement)
        or (len(parts) == 2 and is_name_shaped(parts[0], longest=6) and is_city(parts[1]))
    )


# An archive's siglum alone: "AAN", "AVP RF", "AVP SSSR", "SAPMO-BArch", "A.N.I.C."
_SIGLUM_ALONE = re.compile(
    r"^(?:(?:[A-Z]\.){2,}[A-Z]?|[A-Z][A-Za-z\-]*[A-Z][A-Za-z\-]*(?:\s+[A-Z]{2,5}){0,2})$"
)


def is_siglum(statement: str) -> bool:
    """True for a statement that is an archive's siglum and nothing else."""
    return bool(_SIGLUM_ALONE.match(statement.strip(" .")))


_ARCHIVE_WORD = re.compile(
    # a compound's archive word too: "Bundesarchiv", "Staatsarchiv", "Riksarkivet"
    r"\b(?:archives?|\w*archiv\w*|arhiv\w*|archiwum|archivum|levéltár\w*|archivio|archivo|archief|\w+arkiv\w*|"
    r"arkhiv|library|records\s+administration|papers)\b",
    re.I,
)


def has_archive_word(name: str) -> bool:
    """True for a name that says it is an archive (or a library, or a collection of papers)."""
    return bool(_ARCHIVE_WORD.search(name))


def split_statement(statement: str, known: Callable[[str], bool]) -> tuple[str, str] | None:
    """An archival statement as (archive as written, call number as written), or None when no
    archive can be told apart. ``known`` says whether a span names an archive the authority
    data knows. The archive is a leading or a trailing run of the statement's comma-separated
    parts (or words of its first part: ``SAPMO-BArch DY 30/3386``); ``APRF: F. 39, …`` has a
    colon after it. The call number is the rest of the statement, verbatim."""
    # "…, MOL). XIX-J-1-j": a stop after ")"; a comma inside curly quotes ("Maço “… 1,962//6223,”
    # Ministry …") cuts nothing, the quote closed after a comma cuts there
    # ("Warsaw (AMSZ) z-Depesze, …": a siglum in brackets ends the archive's name too)
    # ("… Levéltár (MOL) [Hungarian National Archives, Budapest]": a bracketed gloss after the
    # name is the name's, its commas too)
    separator = (
        r"(?:,(?![^“”]*”)|(?<=,”)\s|(?<=[A-Z]\))\s(?=[^\s,;(\[])|:(?=\s)|(?<=\))\.(?=\s))\s*(?![^()]*\))"
        r"(?![^\[\]]*\])"
    )
    cuts = [0] + [m.end() for m in re.finditer(separator, statement)]
    ends = [m.start() for m in re.finditer(separator, statement)] + [len(statement)]
    parts = [statement[a:b].strip() for a, b in zip(cuts, ends, strict=True)]

    def head_of(count: int) -> str:
        return statement[: ends[count - 1]].strip()

    def label(count: int) -> bool:  # "Year: 1954": a label, not the archive's city
        return statement[ends[count] : ends[count] + 1] == ":"

    def rest_from(count: int) -> str:
        return statement[cuts[count] :].strip(" ,:") if count < len(parts) else ""

    # "Diplomatic Archives of … Japan (“Cuban Domestic Policies …” file), Tokyo": a file in
    # brackets after the archive's name is the call number; the archive is the name (and city)
    if parts:
        inner = re.match(r"^(?P<name>[^()]+?)\s*(?P<file>\((?=[^()]*[\d“\"a-z])[^()]+\))$", parts[0])
        if (
            inner
            and (
                known(inner.group("name"))
                or (has_archive_word(inner.group("name")) and is_name_shaped(inner.group("name"), longest=14))
            )
            and not _SIGLUM.match(inner.group("file").strip("()"))
        ):
            count = 1
            places = [p for p in parts[1:] if _place_of_archive(p, known)]
            if len(places) == len(parts) - 1:
                name = ", ".join([inner.group("name"), *places])
                return name, inner.group("file")
    for count in range(len(parts), 0, -1):
        # "Szyfrogramy …, 6/77 w-86, Polish Foreign Ministry Archive (AMSZ)": a head that runs
        # through a call number is not the archive's name (the trailing one is found below)
        if count > 1 and re.search(r"\d", head_of(count)):
            continue
        if parts[count - 1] and known(head_of(count)):
            while count < len(parts) and not label(count) and _of_the_archive(parts[count], known):
                count += 1  # "…, Berlin (PolA AA)", "…, Warsaw", "…, Republic of Poland", "…, APRF"
            return head_of(count), rest_from(count)
    for count in range(len(parts) - 1, 0, -1):
        tail = statement[cuts[len(parts) - count] :].strip()
        named = parts[len(parts) - count :]  # "…, KC PZPR, AAN, Warsaw": the archive and its city
        while len(named) > 1 and _place_of_archive(named[-1], known, strict=True):
            named.pop()
        if known(tail) or known(", ".join(named)):
            return tail, statement[: ends[len(parts) - count - 1]].strip(" ,:")
    words = parts[0].split(" ") if parts else []
    for count in range(len(words) - 1, 0, -1):
        head = " ".join(words[:count])
        if known(head):
            return head, statement[len(head) :].strip(" ,")
    # Not in the authority data: an archive by its name's own words, never by position alone.
    # "the National Security Archive RADD/READD Collection": a named collection run on after
    # the archive's name is its call number
    run_on = (
        re.match(r"^(?P<name>.+?\b(?i:archives?|library))\s+(?P<collection>\S.*)$", parts[0])
        if parts
        else None
    )
    if (
        run_on
        and len(parts) == 1
        and _archive_shaped(run_on.group("name"))
        and _COLLECTION.match(run_on.group("collection"))
    ):
        return run_on.group("name"), run_on.group("collection")
    if parts and has_archive_word(parts[0]) and _archive_shaped(parts[0]):
        count = 1
        while (
            count < len(parts) - 1
            and (_place_of_archive(parts[count], known, strict=True) or _SIGLUM.match(parts[count]))
            and not label(count)
        ):
            count += 1  # "SED Archives, IfGA, ZPA, J IV 2/202/130": the sub-units' sigla
        rest = rest_from(count)
        # what follows holds no number (sub-units, series names): no call number we can tell
        # apart; it stays in the verbatim citation. A named collection ("“Soviet Flashpoints”
        # Collection") is one.
        return head_of(count), rest if re.search(r"\d", rest) or _COLLECTION.match(rest) else ""
    # "Fond 100, op. 50, …, Russian Foreign Ministry archives, Moscow, original in Chinese":
    # the last part that names an archive, after the call number, with its city and country
    # (and a note on the original) after it
    for at in range(len(parts) - 1, 0, -1):
        if has_archive_word(parts[at]) and _archive_shaped(parts[at]):
            after = parts[at + 1 :]
            places = [p for p in after if _place_of_archive(p, known)]
            if all(_place_of_archive(p, known) or _ORIGINAL_NOTE.match(p) for p in after) and (
                re.search(r"\d", statement[: ends[at - 1]])
            ):
                return ", ".join([parts[at], *places]), statement[: ends[at - 1]].strip(" ,:")
            break
    return None


# A collection by its name: "“Soviet Flashpoints” Collection", "RADD/READD Collection"
_COLLECTION = re.compile(r"^(?:the\s+)?[\"“]?[A-Z][^,;()]*?[\"”]?\s+Collection$")


# "original in Chinese": the citation's note of the original's language, after the archive
_ORIGINAL_NOTE = re.compile(r"^(?:the\s+)?original\s+in\s+(?P<language>[A-Z][a-z]+)$")


# A sentence that opens with a call number: a fond word, a Roman-numbered series, a number.
# "Cable no. 153, from X, 10/30/1962": the number of a document in the file opens one too.
CALL_START = re.compile(
    r"^(?:[IVXLC]+-[A-Za-z0-9]|(?:f|fond|fonds|op|opis|d|delo|l|ll|rg|box|file|dosar|sygn|sign)\.?\s*\d|\d"
    r"|(?:cable|telegram|ciphergram|dispatch|report|letter|note)\s+(?:no\.?|nr\.?|#)\s*\d)",
    re.I,
)
_SIGLUM = re.compile(r"^[A-Z][A-Za-z]{0,3}[A-Z][A-Za-z]{0,3}$")  # IfGA, ZPA, AMSZ


def _place_of_archive(piece: str, known: Callable[[str], bool], strict: bool = False) -> bool:
    """A piece after an archive's name that belongs to the name: its city or country
    (``Warsaw``, ``Republic of Poland``) or its siglum in parentheses (``Berlin (PolA AA)``)."""
    if re.search(r"\d", piece):
        return False
    siglum = re.search(r"\(([^()]+)\)\s*$", piece)
    if siglum and known(siglum.group(1)):
        return True
    words = [w for w in piece.split() if w.casefold() not in ("of", "the")]
    if not (0 < len(words) <= 3 and all(w[:1].isupper() and w[1:].islower() for w in words)):
        return False
    if not strict:
        return True
    # a place by the gazetteer, or a state's name ("Republic of Poland"); never any capitalised
    # words ("Telegrams Received", "Council of Ministers": a series opens the call number)
    bare = re.sub(r"\s*\([^()]*\)\s*$", "", piece).strip("[]() ")
    return is_city(bare) or is_country(bare) or bool(_STATE.search(bare))


def _of_the_archive(piece: str, known: Callable[[str], bool]) -> bool:
    """A piece after a known archive's name that is still part of it: its place, its siglum
    (``Archive of the President of the Russian Federation, APRF``), its city in brackets
    (``(Prague)``). A fonds named after it (``National Archive, Archive of the CC CPCz``) opens
    the call number."""
    if _place_of_archive(piece, known, strict=True) or _place_of_archive(
        piece.strip("()"), known, strict=True
    ):
        return True
    if re.fullmatch(r"\[[^\[\]\d]+\]", piece):
        return True  # "…, [Hungarian National Archive–State Archive]": the editors' gloss of the name
    return bool(_SIGLUM.match(piece) and known(piece))


def without_gloss(name: str) -> str:
    """``Magyar Országos Levéltár (MOL) [Hungarian National Archives]`` -> the name without the
    editors' gloss in brackets after it (the name as the archive writes it)."""
    return re.sub(r"\s*,?\s*\[[^\[\]]+\]$", "", name.strip())


def _archive_shaped(name: str) -> bool:
    """A name of an archive by its own words: name-shaped, its archive word in lower case too
    ("Russian Foreign Ministry archives")."""
    capitalised = _ARCHIVE_WORD.sub(lambda m: m.group(0).capitalize(), _without_siglum(name))
    capitalised = capitalised.replace(" & ", " and ")  # "Rare Book & Manuscript Library"
    return is_name_shaped(capitalised, longest=14)


def archive_name(span: str, known: Callable[[str], bool]) -> str:
    """The name of an archive a span gives, without the city and country written after it
    (``Diplomatic Archives of … Japan, Tokyo`` -> ``Diplomatic Archives of … Japan``)."""
    parts = [p.strip() for p in re.split(r",\s*(?![^()]*\))", span)]
    while len(parts) > 1 and _place_of_archive(parts[-1], known):
        parts.pop()
    return ", ".join(parts)


def _without_siglum(name: str) -> str:
    return re.sub(r"\s*\([^)]*\)\s*$", "", name)
