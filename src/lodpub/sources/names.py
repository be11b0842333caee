"""What a name looks like: the shape tests the party grammar and the credit grammar share.

A span becomes an entity only when it is shaped like a name (precision first): capitalised words,
initials, connectors ("of", "the"), brackets with the editors' identification. A span with other
lower-case words ("proposal made by the Soviet Union to withdraw its troops") is no name.
"""

from __future__ import annotations

import re

from ..textutil import collapse
from .gazetteer import is_city

CONNECTORS = frozenset(
    "of the and for in on at de la le du des al a lui din von van der den di da do dos y i na w z ze "
    "und et".split()
)
_PARTICLES = frozenset("van von de da di du del della der den al le la dos do".split())
HONORIFICS = re.compile(
    r"^(?:(?:the|to|dear|comrades?|cdes?\.?|cde|tov\.?|tovarishch|mr\.?|mrs\.?|ms\.?|dr\.?|prof\.?|"
    r"professor|sir|herr|frau|monsieur|m\.|citizen|ambassador|marshal|general|gen\.|colonel|col\.|"
    r"premier|minister|chairman|secretary|president|deputy|first|second)\s+)+",
    re.IGNORECASE,
)
GROUP_WORDS = re.compile(
    r"\b(committees?|party|parties|ministry|ministries|embassy|embassies|government|council|presidium|"
    r"politburo|politbureau|secretariat|departments?|divisions?|bureau|delegation|legation|consulate|mission|"
    r"command|headquarters|staff|office|agency|sections?|directorates?|administration|commission|"
    r"union|front|league|academy|institute|university|archives?|cc|kc|ck|tsk|cpsu|cpc|ccp|pzpr|sed|"
    r"rwp|pcr|kpss|mfa|ussr|prc|dprk|gdr|frg|pzpr|kgb|stb|mgb|nkvd|stasi|securitate|tass|xinhua|people's\s+republic|"
    r"republic|leadership|group|organization|organisation|association|federation|workers|army|navy|"
    r"forces|sovnarkom|comintern|cominform|foreign\s+ministry|state\s+department|desk|services?)\b",
    re.IGNORECASE,
)
# "All Provincial Premiers", "the Ambassadors of the Socialist Countries": people as a body.
_PLURAL_BODY = re.compile(
    r"^(?:all|the)\s.*\b(?:premiers|ministers|secretaries|ambassadors|members|comrades|leaders|heads|"
    r"chairmen|presidents|governors|envoys|consuls|delegates|representatives)\b",
    re.I,
)
_INITIALS = re.compile(r"^(?:[^\W\d_]{1,3}\.)+$")
_WORD = re.compile(r"^[^\W\d_][\w'’\-]*\.?$")
_ORDINAL = re.compile(r"^\d{1,3}(?:st|nd|rd|th)$")
_SPACED = re.compile(r"^(?:[^\W\d_] ){2,}[^\W\d_]$")


def tokens(span: str) -> list[str]:
    """The words of a span, brackets and parentheses kept as single tokens."""
    out: list[str] = []
    for part in re.findall(r"\[[^\]]*\]|\([^)]*\)|[^\s,;:]+", span):
        out.append(part)
    return out


def is_name_shaped(span: str, longest: int = 16) -> bool:
    """True for a span made of capitalised words, initials, connectors and bracketed notes."""
    words = tokens(collapse(span))
    if not words or len(words) > longest:
        return False
    capitalised = 0
    for word in words:
        if word.startswith(("[", "(")):
            continue
        bare = word.strip(".,'’\"")
        if not bare:
            continue
        if bare.casefold() in CONNECTORS or _ORDINAL.match(bare):  # "2nd Department of the 1st Directorate"
            continue
        quoted = word.strip("'’‘\"“”")  # "the ''Securitate''": a name in quotes is still a name
        if _INITIALS.match(word) or (_WORD.match(quoted) and quoted[:1].isupper()):
            capitalised += 1
            continue
        return False
    return capitalised > 0


def unspace(span: str) -> str:
    """``S H T Y K O V`` -> ``SHTYKOV``; anything else unchanged."""
    text = collapse(span)
    return text.replace(" ", "") if _SPACED.match(text) else text


def kind_of(span: str) -> str | None:
    """``group`` or ``person`` by what the span says, None where it does not tell.

    Group words ("Embassy of …", "Central Committee …") make a group; initials, an honorific or
    two to four capitalised words with no group word make a person; a lone word only when an
    honorific or a role position vouches for it (``role=True`` in ``person_or_group``).
    """
    text = collapse(span)
    if GROUP_WORDS.search(strip_affiliation(text)[0]) or _PLURAL_BODY.search(text):
        return "group"
    if not is_name_shaped(text):
        return None
    bare = HONORIFICS.sub("", text)
    words = [
        w
        for position, w in enumerate(tokens(bare))
        if not w.startswith(("[", "("))
        and (
            w.casefold() not in CONNECTORS
            or (position == 0 and w.casefold() in _PARTICLES and w[:1].isupper())
        )
    ]  # "Van Roijen", "De Gaulle": a surname's particle, capitalised first, is a word of the name
    if HONORIFICS.match(text) and words:
        return "person"
    if any(_INITIALS.match(w) for w in words) and len(words) >= 2:
        return "person"
    if 2 <= len(words) <= 4:
        return "person"
    return None


def strip_affiliation(span: str) -> tuple[str, str | None]:
    """``Margaret K. Gnoinska (Troy University)`` -> the name and the affiliation."""
    match = re.match(r"^(?P<name>.*?)\s*\((?P<aff>[^)]*)\)\s*$", collapse(span))
    if match and match.group("name") and GROUP_WORDS.search(match.group("aff")):
        return match.group("name"), match.group("aff")
    return collapse(span), None


def read_in(span: str) -> str:
    """``[Ambassador Edward] DROŻNIAK`` -> ``Ambassador Edward DROŻNIAK``: the words the editors
    put in brackets before a name, read in."""
    text = collapse(span)
    match = re.match(r"^\[(?P<inserted>[^\]]+)\]\s*(?P<rest>\S.*)$", text)
    return f"{match.group('inserted')} {match.group('rest')}" if match else text


def bracketed_identity(span: str) -> tuple[str, str | None]:
    """``Filippov [Stalin]`` -> (``Filippov``, ``Stalin``): the name as marked and the identity
    the editors give in brackets. ``Feng Xi (Stalin)`` and ``Maneli (Hanoi)`` -> the name outside
    the parentheses (what is inside may be a person or a place); ``First Secretary of the PZPR
    (Władysław Gomułka)`` -> the person inside, for a role outside."""
    text = collapse(span)
    match = re.match(r"^(?P<name>[^\[\]]+?)\s*\[(?P<who>[^\]]+)\]\s*$", text)
    # "Nguyen Duy Trinh [Foreign Minister of the DRV]": an office in brackets is no identity
    if match and _ROLE_WORDS.match(match.group("who")):
        return match.group("name"), None
    if match and is_name_shaped(match.group("who")):
        return match.group("name"), match.group("who")
    paren = re.match(r"^(?P<name>[^()]+?)\s*\((?P<inner>[^()]+)\)\s*$", text)
    if paren and not GROUP_WORDS.search(paren.group("inner")):
        outer, inner = paren.group("name"), paren.group("inner")
        if _ROLE_WORDS.match(outer) and len(inner.split()) >= 2 and is_name_shaped(inner):
            return inner, None
        if is_name_shaped(outer) and not GROUP_WORDS.search(outer):
            # "Feng Xi (Stalin)" as "Feng Xi [Stalin]": a person's name in parentheses after a
            # name is the editors' identification as much as one in brackets (a city is not)
            if _is_person_name(inner) and not _ROLE_WORDS.match(outer):
                return outer, inner
            return outer, None
    return text, None


def _is_person_name(span: str) -> bool:
    """A span that can only be a person's name: name-shaped, one to four words, no body's word,
    no city (``Maneli (Hanoi)`` names where Maneli was), no role."""
    words = span.split()
    return (
        0 < len(words) <= 4
        and is_name_shaped(span)
        and not GROUP_WORDS.search(span)
        and not is_city(span)
        and not _ROLE_WORDS.match(span)
        and not any(w.isdigit() for w in words)
    )


_ROLE_WORDS = re.compile(
    r"^(?:the\s+)?(?:[^\W\d_][\w\-]*\s+){0,3}?(?:(?:first|general|deputy|prime|foreign|vice)\s+)*"
    r"(?:secretary|chairman|minister|president|premier|ambassador|head|leader)\b",
    re.I,
)


_ROLE_PREFIX = re.compile(
    r"^(?:the\s+)?(?:[^\W\d_][\w\-]*\s+){0,3}?(?:(?:first|general|deputy|prime|foreign|vice)\s+)*"
    r"(?:secretary|chairman|minister|president|premier|ambassador|consul|envoy|head|leader|director|"
    r"charg[ée]s?\s+d[’']affaires(?:\s+ad\s+interim|\s+a\.\s?i\.)?)\s+"
    r"(?:of\s+(?:the\s+)?(?:(?:foreign|internal|home|national|public|state)\s+)?(?:affairs|defen[cs]e|"
    r"interior|trade|finance|culture|health|education|justice|security|agriculture|industry)\s+)?"
    r"(?P<name>[^\W\d_][\w'’\-]*(?:\s+[^\W\d_][\w'’\-.]*){0,2})$",
    re.I,
)


def without_role(span: str) -> str:
    """``Hungarian Deputy Foreign Minister István Roska``, ``Minister of Foreign Affairs Endre Sík``
    -> ``István Roska``, ``Endre Sík``: a role written
    before a person's name (two or three capitalised words, no group word) is left out."""
    text = collapse(span)
    match = _ROLE_PREFIX.match(text)
    if not match:
        return text
    name = match.group("name")
    words = name.split()
    if GROUP_WORDS.search(name) or not all(w[0].isupper() for w in words):
        return text
    if any(w.casefold() in CONNECTORS for w in words):
        return text
    return name


# What a role, a title or a handling mark is made of: offices, forms of address, the offices'
# words ("of Foreign Affairs"), peoples' adjectives ("the Soviet Ambassador"), handling marks.
_ROLE_NOUNS = frozenset(
    (
        "premier premiers chairman chairmen ambassador ambassadors minister ministers secretary "
        "secretaries president presidents consul envoy charge chargé chargés director head chief "
        "commander marshal leader leaders comrade comrades excellency majesty personal eyes only "
        "secret confidential urgent immediate priority"
    ).split()
)
_ROLE_VOCABULARY = _ROLE_NOUNS | frozenset(
    (
        "the a to dear cde cdes tov mr mrs madam sir his her your prime vice deputy first second general "
        "foreign affairs d'affaires d’affaires affaires ad interim of for and state defence defense "
        "interior internal home top strictly most special supreme soviet east west north south "
        "in-charge acting"
    ).split()
)
_DEMONYMS = frozenset(
    (
        "soviet russian chinese american polish hungarian romanian rumanian bulgarian czechoslovak czech "
        "slovak albanian yugoslav german gdr british english french italian spanish portuguese dutch belgian "
        "swiss austrian swedish norwegian danish finnish greek turkish japanese korean vietnamese mongolian "
        "indian pakistani indonesian cuban brazilian mexican argentine chilean canadian egyptian syrian "
        "iraqi iranian israeli afghan ethiopian angolan mozambican algerian cambodian laotian burmese "
        "thai ukrainian belorussian georgian armenian lithuanian latvian estonian"
    ).split()
)


def is_role(span: str) -> bool:
    """A title, a role or a handling mark where a name would be: ``the Premier``, ``Chairman``,
    ``the Soviet Ambassador``, ``Comrade``, ``EYES ONLY``, ``Personal``, ``Top Secret``,
    ``Min[ister]. o[f]. F[oreign].A[ffairs]`` (the editors' letters in brackets read in). Every
    word is such a word, and one of them names an office or a mark: no name is left."""
    text = re.sub(r"\[([^\]]*)\]", r"\1", collapse(span))  # "Min[ister]." -> "Minister."
    words = [w for w in re.split(r"[\s.,:;!]+", text) if w]
    if not words or len(words) > 8:
        return False
    folded = [w.casefold() for w in words]
    at = 1 if folded[0] == "the" else 0
    if len(folded) > at + 1 and folded[at] in _SIGLA:
        folded = (
            folded[:at] + folded[at + 1 :]
        )  # "USSR First Deputy Minister of Foreign Affairs": the country's siglum
    if not any(w in _ROLE_NOUNS for w in folded):
        return False
    return all(f in _ROLE_VOCABULARY or f in _DEMONYMS for f in folded)


_SIGLA = frozenset("ussr prc dprk frg usa uk cssr rsfsr sfry prl drv".split())
_RESIDUE_ROLE_WORDS = frozenset(
    (
        "first second third general secretary chairman president minister prime deputy ambassador "
        "comrade comrades dear the of to and from by central committee council presidium member head "
        "marshal foreign affairs party workers embassy government republic people's state with "
        "communist greetings"
    ).split()
)
_NAME_TOKEN = re.compile(r"^(?:[^\W\d_]\.|[^\W\d_][\w'\-]*)$")


def names_in_residue(residue: str) -> list[str]:
    """Runs of two or more capitalised words left in a phrase once curated names are removed."""
    names = []
    for part in residue.split("|"):
        run: list[str] = []
        for token in [*re.split(r"[\s,;:()]+", part), ""]:
            if (
                token
                and _NAME_TOKEN.match(token)
                and token[0].isupper()
                and token.casefold() not in _RESIDUE_ROLE_WORDS
            ):
                run.append(token)
                continue
            if len(run) >= 2:
                name = " ".join(run)
                names.append(name.title() if name.isupper() else name)
            run = []
    return names
