"""The party grammar: who wrote to whom, from address lines and signatures, and the party
phrases titles name (the title grammar is titles.py).

A party phrase: ``Cdes. Stalin, Molotov, and Voroshilov`` is three names, ``the Romanian Ministry
of Foreign Affairs (to comrade … Oancea; to comrade … Sandru)`` a body and the officials it is
for; a possessive (``Ambassador Ochęduszko's Meeting``) begins the topic. Address lines: ``TO THE
CENTRAL COMMITTEE …``, ``To: Comrade …``, ``TO KRASOVSKY``. Signatures: the name lines after a
closing formula, with dates (``24.III.50 Shtykov``), service lines (``Confirm receipt.``, ``No.
72/III``) and distribution lines (``Copies: Stalin, Copy``) left out, spaced letters (``S H T Y K
O V``) joined. Every phrase must be shaped like a name; title phrases are inferred, address lines
and signatures stated.
"""

from __future__ import annotations

import re

from ..model import Evidence, Value
from ..textutil import collapse
from .dates import parse_date
from .gazetteer import is_city
from .names import GROUP_WORDS, HONORIFICS, is_name_shaped, is_role, kind_of, read_in, unspace, without_role

_LIST = re.compile(r",\s*(?:and\s+)?|\s+and\s+")


# A mission "to" a country or an organisation: the "to" belongs to the sender's name.
TO_NOUN = re.compile(
    r"\b(?:mission|embassy|delegation|legation|representation|ambassador|envoy)\b[^,;]*$", re.I
)


def phrases(phrase: str | None, where: Evidence) -> tuple[Value, ...]:
    """A party phrase as one or more names: ``Cdes. Stalin, Molotov, and Voroshilov`` is three;
    ``the Deputy Chairman of the Soviet Committee of the MGG, Prof. Pushkov`` is Pushkov."""
    if not phrase:
        return ()
    text = collapse(phrase).strip(" ,")
    # a final stop ends the phrase, unless it is an initial's ("Washington D.C.", "Kim I.")
    text = text if re.search(r"\b[A-Z]\.$", text) else text.rstrip(" .")
    if not text:
        return ()
    via = re.search(r"\s*(?:\[via\s+(?P<who>[^\]]+)\]|,\s*via\s+(?P<after>[^,()\[\]]+))\s*$", text, re.I)
    if via:  # "Mao Zedong [via Terebin]", "Mao Zedong, via Terebin": the addressee and the intermediary
        return phrases(text[: via.start()], where) + phrases(via.group("who") or via.group("after"), where)
    signer = _signer_of_body(text, where)
    if signer:
        return signer
    # "the Romanian Ministry of Foreign Affairs (First and Second Directorates)": the body; its
    # sub-units in brackets stay in the span as marked, no party of their own
    unit = re.match(r"^(?P<body>[^()]+?)\s*\((?P<units>[^()]+)\)$", text)
    # "the Romanian Ministry of Foreign Affairs (to comrade Deputy Foreign Minister Constantin
    # Oancea; to comrade Director Vasile Sandru)": the body, and the officials it is for
    if unit and re.match(r"^to\s", unit.group("units"), re.I) and kind_of(unit.group("body")) == "group":
        wanted = [
            re.sub(r"^to\s+(?:comrades?\s+)?", "", w.strip(), flags=re.I)
            for w in unit.group("units").split(";")
        ]
        found = tuple(v for w in wanted for v in phrases(w, where))
        if len(found) == len(wanted):
            return (Value(unit.group("body").strip(), where), *found)
    if unit and kind_of(unit.group("body")) == "group" and GROUP_WORDS.search(unit.group("units")):
        return (Value(text, where),)
    # "[Foreign Ministry Director Eugeniusz] MILNIKIEL and [Juliusz] KATZ-SUCHY": the editors'
    # words in brackets before each name; the spans stay as marked
    if text.startswith("["):
        names = [n.strip() for n in re.split(r"\s+and\s+|,\s*(?![^\[]*\])", text) if n.strip()]
        if all(
            kind_of(without_role(read_in(n.strip("[]") if n.endswith("]") else n))) == "person" for n in names
        ):
            return tuple(Value(n, where) for n in names)
    pieces = [p.strip() for p in re.split(r",\s*(?![^()\[\]]*[)\]])", text) if p.strip()]
    # a city is where a party is, never a party: "the Indian Embassy, Moscow", "Fidel Castro, Luanda"
    pieces = [p for p in pieces if not is_city(p)] or pieces
    # "Polish Embassy in Bucharest, Ambassador Ochęduszko's Meeting with …": a possessive
    # begins the topic; no party is named from there on
    topic = next((at for at, p in enumerate(pieces) if re.search(r"\w['’]s\s+\w", p)), None)
    if topic is not None:
        pieces = pieces[:topic]
        if not pieces:
            return ()
    text = ", ".join(pieces)
    if re.search(r"\b(?:meeting|session|conference|plenum|talks|conversation)s?$", text, re.I):
        return ()  # "Notes from Politburo Meeting": an occasion, no party
    mixed = _party_list(text)
    if mixed:
        return tuple(Value(n, where) for n in mixed)
    listed = [n.strip() for n in _LIST.split(text) if n.strip()]
    if (
        2 <= len(listed) <= 4
        and all(kind_of(n) == "person" and is_name_shaped(n) and len(n.split()) <= 5 for n in listed)
        and any(without_role(n) != n for n in listed)
    ):
        return tuple(Value(n, where) for n in listed)  # "Deputy Foreign Minister Yeh, President Jiang, …"
    office = (
        re.sub(r"^(?:the\s+)?(?:[A-Z][a-z]+\s+){1,2}(?=[A-Z])", "", pieces[1]) if len(pieces) >= 2 else ""
    )
    if (
        len(pieces) >= 2
        and (_ROLE.match(pieces[1]) or _ROLE.match(office))
        and kind_of(pieces[0]) == "person"
    ):
        # "Cde. G. Apresov, Consul General in Urumqi", "Nikolai Novikov, Soviet Ambassador to the US"
        return (Value(pieces[0], where),)
    if len(pieces) == 2 and _ROLE.match(pieces[0]) and _surname(pieces[1]):
        # "the General Secretary of the CC of the CPSU, Andropov": the office, then who holds it
        return (Value(pieces[1], where),)
    if 2 <= len(pieces) <= 3 and all(
        (kind_of(p) == "person" and HONORIFICS.match(p)) or _INITIAL.match(p) for p in pieces
    ):
        return tuple(Value(p, where) for p in pieces)  # "Minister Endre Sík, D. Min. Károly Szarka"
    both = _two_parties(text)
    if both:
        return phrases(both[0], where) + phrases(both[1], where)
    pair = re.split(r"\s+(?:and|or)\s+", text)  # "Mao Zedong or Zhou Enlai": either of them
    if len(pair) == 2 and all(_person_named(p) and "," not in p for p in pair):
        # "Wu Xiuquan and Qiao Guanhua", "DPRK leader Kim Il Sung and South Korean Communist Leader X"
        return tuple(Value(p.strip(), where) for p in pair)
    if len(pieces) == 2 and re.match(r"^(?:the\s+)?[A-Z]", pieces[0]) and _person_after_role(pieces[1]):
        return (Value(pieces[1], where),) if is_name_shaped(pieces[1]) else ()
    plural = re.match(r"^(?:cdes\.?|comrades)\s+", text, re.I)
    if plural or (len(pieces) > 1 and all(len(p.split()) <= 3 for p in _LIST.split(text))):
        names = [n.strip() for n in _LIST.split(text[plural.end() :] if plural else text) if n.strip()]
        if names and all(is_name_shaped(n) for n in names):
            return tuple(Value(n, where) for n in names)
        return ()
    if len(pieces) > 1 and kind_of(pieces[0]) == "group" and is_name_shaped(pieces[0]):
        return (Value(pieces[0], where),)  # "Polish Embassy in Bucharest, Romania Strengthening …"
    # "GDR Embassy to the People's Republic of Bulgaria": a mission's "to" is part of its name.
    shape = re.sub(r"\s+to\s+", " of ", text) if TO_NOUN.search(text) else text
    return (Value(text, where),) if is_name_shaped(shape) else ()


def _party_list(text: str) -> list[str] | None:
    """``the Chairman [Mao Zedong], Comrade [Liu] Shaoqi, and the Central Committee``, ``the
    Chairman [Mao Zedong] and Comrades Liu [Shaoqi], Zhu [De], and Su Yu``: a list of three or
    more people and bodies, each a name of its own (the editors' brackets read in to tell which);
    "Comrades" before a list's name is the list's form of address."""
    items = [
        n.strip() for n in re.split(r",\s*(?:and\s+)?(?![^\[]*\])|\s+and\s+(?![^\[]*\])", text) if n.strip()
    ]
    if len(items) < 3 or len(items) > 8 or "," not in text:
        return None
    items = [re.sub(r"^(?:comrades|cdes\.?)\s+", "", n, flags=re.I) for n in items]
    if any(_ROLE.match(n) and "[" not in n for n in items):
        return None  # "John McNaughton, General Counsel, Department of Defense": a person's offices
    # "Zhu [De]": a name the editors completed in brackets is a person's where no body's word is
    kinds = [
        kind_of(re.sub(r"[\[\]]", "", n)) or ("person" if "[" in n and not GROUP_WORDS.search(n) else None)
        for n in items
    ]
    if not all(
        k in ("person", "group") and is_name_shaped(n) and not is_city(n)
        for n, k in zip(items, kinds, strict=True)
    ):
        return None
    if "person" not in kinds or any(
        k == "group" and not GROUP_WORDS.search(n) for n, k in zip(items, kinds, strict=True)
    ):
        return None
    return items


def _two_parties(text: str) -> list[str] | None:
    """``the Ministry of Foreign Affairs and Investigation Department of the CCCPC``, ``Tito and
    the Executive Committee of …``: a person or a body, and a body, each a name of its own. Not
    ``the Party and Government Delegation`` (one body, two words before its noun) nor ``Ministry
    of Foreign Affairs and Trade`` (no body after the "and")."""
    both = re.split(r"\s+and\s+(?=(?:the\s+)?[A-Z])", text)
    if len(both) != 2 or "," in text:
        return None
    first, second = both
    head = re.sub(r"^the\s+", "", second).split()[0]
    if not second.startswith("the ") and GROUP_WORDS.fullmatch(head):
        return None  # "… Party and Government Delegation": a modifier, not a body's name
    if not (kind_of(second) == "group" and GROUP_WORDS.search(second) and is_name_shaped(second)):
        return None
    if not (is_name_shaped(first) and (kind_of(first) == "person" or GROUP_WORDS.search(first))):
        return None
    return [first, second]


def _signer_of_body(text: str, where: Evidence) -> tuple[Value, ...]:
    """``the Brazilian Embassy in Washington (Campos)``, ``Dutch Embassy, Washington (Van
    Roijen)``: a body and, in brackets, the person who signed for it; both are parties (the
    body's city is where it is, no party)."""
    match = re.match(r"^(?P<body>[^()]+?)\s*\((?P<who>[^()]+)\)$", text)
    if not match:
        return ()
    who = match.group("who").strip()
    body = [p.strip() for p in match.group("body").split(",") if p.strip() and not is_city(p.strip())]
    if (
        len(body) == 1
        and not _ROLE.match(body[0])  # "First Secretary of the PZPR (Władysław Gomułka)": a role
        and not _ROLE.match(HONORIFICS.sub("", body[0]))
        and kind_of(body[0]) == "group"
        and is_name_shaped(body[0])
        and is_name_shaped(who, longest=4)
        and not GROUP_WORDS.search(who)
        and not is_city(who)
    ):
        return (Value(body[0], where), Value(who, where))
    return ()


_INITIAL = re.compile(r"^(?:[^\W\d_]{1,3}\.\s*)+[^\W\d_][\w'’\-]+(?:\s+[^\W\d_][\w'’\-]+){0,2}$")
_ROLE = re.compile(
    r"^(?:the\s+)?(?:consul|ambassador|minister|prime\s+minister|chairman|secretary|first\s+secretary|general\s+secretary|"
    r"head|deputy|director|chief|envoy|charg[ée]|counsellor|counselor|attach[ée]|member|president|premier|"
    r"general\s+counsel|counsel)\b",
    re.I,
)


def _person_named(piece: str) -> bool:
    """A person's name, maybe after an office that names a country or a party ("DPRK leader …")."""
    named = without_role(piece)
    return any(kind_of(p) == "person" and not GROUP_WORDS.search(p) for p in {piece, named})


def _surname(piece: str) -> bool:
    """A person's name alone: one to three capitalised words, no body's word, no city."""
    words = piece.split()
    return (
        0 < len(words) <= 3
        and all(w[:1].isupper() for w in words)
        and is_name_shaped(piece, longest=3)
        and not GROUP_WORDS.search(piece)
        and not is_city(piece)
        and not is_role(piece)
    )


def _person_after_role(piece: str) -> bool:
    return bool(
        re.match(r"^(?:Prof\.|Professor|Comrade|Cde\.|Dr\.|Mr\.|Mrs\.|Ambassador|Marshal|General)\s", piece)
    )


_RELAY = re.compile(r"^(?P<city>[A-Z][A-Z\-]+)\s*(?:-|–|—|--)\s*(?P<who>[A-Z][A-Z .'\-]+)$")
_DATELINE = re.compile(r"^[^\W\d_][\w\s\-]*,\s+.*\b1[5-9]\d\d\.?$")
_ADDRESS = re.compile(
    r"^(?:\[\s*to(?:\s+the)?\s*\]\s*|to\s*:\s*|to\s+|for\s+the\s+attention\s+of\s+|attention\s*:\s*)"
    r"(?P<who>.+)$",
    re.I,
)
# Who got copies, after the signature: "Copies: Stalin, Copy", "cc: …", "Distribution: …"
DISTRIBUTION = re.compile(r"^\(?(?:cop(?:y|ies)(?:\s+to)?|cc|distribution|fyi)\s*:", re.I)
_SERVICE = re.compile(
    r"^(?:top\s+secret|secret|strictly\s+secret|confidential|urgent|copy\s+no|no\.|nr\.|ciphered|cipher|"
    r"telegram|special|personal|highest\s+priority|priority|from\s*:|from\s+|[A-Z\-]+\s*--\s*$|"
    # a telegram's service lines: when and how it went and came
    r"(?:dispatched|despatched|transmitting|transmitted|sent|received|came\s+(?:in)?to|date\s+of)\b|"
    r"(?:ciphergram|cable|wire|number)\s+(?:no\.?\s*)?\d)",
    re.I,
)
# the editors' note numbers after a name in a header ("MILNIKIEL 1", "JELEN1")
NOTE_NUMBER = re.compile(r"(?<=[^\W\d_\]])\s?\d{1,2}(?=\s+and\s|\s*,|\s*$)")


# "To Foreign Minister Ohira from Chargés d’affaires ad interim Kataoka", "To: X From: Y": the
# address line names the sender too
_TO_FROM = re.compile(r"\s+from\s*:?\s+", re.I)


def address_line(lines: list[tuple[int, str]]) -> tuple[tuple[Value, ...], int]:
    """The addressees an address line names among the first lines of a letter, and how many
    lines it and the lines before it take (service lines such as ``Top Secret`` are passed over).
    The editors' ``[To the] X and Y:`` marks an address further down a cable form's head too."""
    found, taken = _address_at_head(lines)
    if found or taken:
        return found, taken
    for position, (number, raw) in enumerate(lines[:12]):
        bracketed = _BRACKETED_TO.match(collapse(raw))
        if bracketed:
            found = phrases(bracketed.group("who"), Evidence(number, collapse(raw)))
            return (found, position + 1) if found else ((), 0)
    return (), 0


_BRACKETED_TO = re.compile(r"^\[\s*to(?:\s+the)?\s*\]\s*(?P<who>[^:]+):$", re.I)
_EXCELLENCY = re.compile(r"^(?:his|her|your)\s+excellency$", re.I)


def _address_at_head(lines: list[tuple[int, str]]) -> tuple[tuple[Value, ...], int]:
    for position, (number, raw) in enumerate(lines[:4]):
        text = collapse(raw)
        if not text:
            continue
        match = _ADDRESS.match(text)
        if match and (
            text.isupper()
            or text.lower().startswith(("to comrade", "to the", "to:", "[to"))
            or HONORIFICS.match(match.group("who"))
            or _TO_FROM.search(match.group("who"))  # "To Foreign Minister Ohira from …"
            or text.lower().startswith(("for the attention of", "attention:"))
            or (text.endswith(":") and len(match.group("who").split()) <= 4)  # "To Szyszko:"
            or match.group("who").startswith("[")  # "To [Foreign Minister Olszowski]"
            or _EXCELLENCY.match(match.group("who"))  # "To His Excellency" / "the Minister of …"
        ):
            who = NOTE_NUMBER.sub("", _TO_FROM.split(match.group("who"), maxsplit=1)[0]).strip(" ,.:")
            who = re.sub(r":\s*\([^()]*\)$", "", who)  # "To Ambassador Jiao [Ruoyu]: (Secret)"
            taken = position + 1
            following = lines[position + 1][1].strip() if position + 1 < len(lines) else ""
            # "TO THE CENTRAL COMMITTEE" / "Comrade X": one address; "Comrade Yugov," is the greeting
            if following.lower().startswith("comrade") and not following.endswith((",", "!")):
                who = f"{who} {collapse(lines[position + 1][1])}"
                taken += 1
            elif _EXCELLENCY.match(who) and following:  # the form of address, then who he is
                who = collapse(following).strip(" ,.:")
                taken += 1
            where = Evidence(number, collapse(" ".join(t for _, t in lines[position:taken])))
            found = phrases(who, where)  # "Member of Politburo …, Comrade Hermann Axen"
            if found:
                return found, taken
            if is_name_shaped(who, longest=24) or is_role(who):  # a role is kept as marked
                return (Value(who, where),), taken
            return (), 0
        relay = _RELAY.match(text)
        if (
            relay
            and is_city(relay.group("city"))
            and not is_city(relay.group("who"))
            and is_name_shaped(relay.group("who").title(), longest=4)
        ):
            # "BEIJING - SOVIET AMBASSADOR": the city it goes to, and who receives it there
            return (Value(relay.group("who"), Evidence(number, text)),), position + 1
        if _SERVICE.match(text) or re.fullmatch(r"[A-Z][A-Z\s\-]*--", text):
            continue
        if position < 2 and (kind_of(text) == "group" or _DATELINE.match(text)):
            continue  # a letterhead ("GDR Embassy to …") or a dateline ("Sofia, 18 June 1975")
        return (), 0
    return (), 0


_GREETING = re.compile(
    r"^(?:with\s+(?:communist|comradely|fraternal|socialist|revolutionary|warm|best|kind|friendly|sincere)?"
    r"\s*(?:greetings|regards|salutations)|"
    r"yours\s+(?:sincerely|faithfully|truly)|sincerely(?:\s+yours)?|respectfully(?:\s+yours)?|"
    r"with\s+respect|best\s+regards|regards)\s*[,.!]?\s*",
    re.IGNORECASE,
)
_SIGN_DATE = re.compile(
    r"(?:^|\s)(?:[0-3]?\d\.(?:[01]?\d|[IVX]{1,4})\.(?:\d{4}|\d{2})|\d{1,2}\s+[A-Za-z]+\s+\d{4})(?=\s|$)"
)


def split_greeting(text: str) -> str | None:
    """If ``text`` starts with a closing formula, the rest of it (maybe ''); else None."""
    match = _GREETING.match(text.strip())
    return text.strip()[match.end() :].strip() if match else None


def signature(lines: list[tuple[int, str]]) -> Value | None:
    """The signature in the lines after a closing formula: the name lines only. A date on a
    name line is left out (``24.III.50 Shtykov``); the first line that is no name ends it."""
    names: list[str] = []
    first: int | None = None
    quoted: list[str] = []
    for number, raw in lines:
        text = collapse(raw)
        if not text:
            if names:
                break
            continue
        bare = collapse(_SIGN_DATE.sub(" ", text)).strip(" ,.")
        if not bare and parse_date(text, Evidence(number, text)) is not None:
            if names:
                break
            continue
        if parse_date(text, Evidence(number, text), whole=True) is not None:
            break
        bare = unspace(bare)
        if not bare or DISTRIBUTION.match(text) or not is_name_shaped(bare, longest=14) or len(names) >= 3:
            break
        names.append(bare)
        quoted.append(text)
        first = number if first is None else first
    if not names or first is None:
        return None
    return Value(" ".join(names), Evidence(first, " ".join(quoted)))


def closing_signature(lines: list[tuple[int, str]]) -> tuple[int, Value | None] | None:
    """The position of the closing formula in ``lines`` (searched from the end) and the
    signature after it; None when the letter has no closing formula."""
    for position in range(len(lines) - 1, -1, -1):
        rest = split_greeting(lines[position][1])
        if rest is None:
            continue
        number = lines[position][0]
        after = ([(number, rest)] if rest else []) + lines[position + 1 :]
        return position, signature(after)
    return None
