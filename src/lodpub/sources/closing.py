"""The parts of a letter both layouts share: address line, body, closing formula and signature."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Evidence, Value
from ..textutil import collapse
from .dates import parse_date
from .gazetteer import is_city
from .names import is_name_shaped, kind_of, read_in, unspace, without_role
from .parties import DISTRIBUTION, NOTE_NUMBER, address_line, closing_signature
from .places import dateline, letterhead_city
from .text import Line, SourceText


@dataclass(frozen=True)
class Frame:
    """Address, body and signature found between two line positions of a source."""

    addressees: tuple[Value, ...]
    body: str
    signature: Value | None
    letterhead: Value | None = None
    from_line: Value | None = None

    @property
    def senders(self) -> tuple[Value, ...]:
        """The signer, the memorandum's "From:" line, then the body the letterhead names."""
        return tuple(v for v in (self.signature, self.from_line, self.letterhead) if v)


def read_frame(source: SourceText, start: int, end: int, skip: frozenset[int]) -> Frame:
    """Read the letter proper from ``source.lines[start:end]``, ignoring line numbers in ``skip``.

    An address line among the first lines ("TO THE CENTRAL COMMITTEE …", "To: Comrade …")
    names the addressee; a closing formula ("With communist greetings,") introduces the
    signature, its name lines only. A telegram without a closing formula may end with its
    signer's name alone on the last line (``FILIPPOV``, ``S H T Y K O V``).
    """
    window = [ln for ln in source.lines[start:end] if ln.number not in skip]
    pairs = [(ln.number, ln.text) for ln in window if ln.text.strip()]
    addressees, taken = address_line(pairs)
    body_from = (
        window.index(next(ln for ln in window if ln.number == pairs[taken - 1][0])) + 1 if taken else 0
    )
    rest = [(ln.number, ln.text) for ln in window[body_from:] if ln.text.strip()]
    closing = closing_signature(rest)
    signature: Value | None = None
    body_to = len(window)
    if closing is not None:
        position, signature = closing
        closing_line = rest[position][0]
        body_to = next(i for i, ln in enumerate(window) if ln.number == closing_line)
    elif rest and len(rest) > 1:
        signature = _bare_signature(*rest[-1])
        marked = _marked_signature(rest)
        if signature is not None:
            body_to = next(i for i, ln in enumerate(window) if ln.number == rest[-1][0])
        elif marked is not None:
            line_number, signature = marked
            body_to = next(i for i, ln in enumerate(window) if ln.number == line_number)
        else:
            block = _signature_block(window[body_from:])
            if block is not None:
                start_line, signature = block
                body_to = next(i for i, ln in enumerate(window) if ln.number == start_line)
    body = "\n".join(_paragraphs(window[body_from:body_to]))
    return Frame(
        addressees=addressees,
        body=body,
        signature=signature,
        letterhead=_letterhead(window),
        from_line=from_line(pairs),
    )


# "– 152 – János Barabás –" (a Hungarian cipher telegram's number and signer); "ss. Major Caraman",
# "(Sd) …", "/s/ …": the signer, marked as signed.
_MARKED = [
    re.compile(r"^[–—-]+\s*\d+\s*[–—-]+\s*(?P<name>[^–—]+?)\s*[–—-]*$"),
    re.compile(
        r"^(?:ss\.|s\.s\.|/s/|/[-–]/|\(s\)|\(signed\)|signed:?|\(sd\)\.?|sd/-?)\s*(?P<name>.+?)\.?$", re.I
    ),
]


def _marked_signature(rest: list[tuple[int, str]]) -> tuple[int, Value] | None:
    """A signer's line among the last four, marked as signed or framed by the telegram's number."""
    for number, raw in reversed(rest[-4:]):
        text = collapse(raw)
        for pattern in _MARKED:
            match = pattern.match(text)
            name = match.group("name") if match else ""
            # the mark vouches for a person: a lone surname ("/-/ Nowak") or the editors' words
            # before it ("/-/ [Polish Ambassador in Moscow Wladyslaw] Napieraj") are enough
            inserted = re.match(r"^\[[^\]]+\]\s*(?P<name>\S.*)$", name)
            bare = inserted.group("name") if inserted else without_role(name)
            lone = len(bare.split()) == 1 and bare[:1].isupper() and not is_city(bare)
            person = kind_of(bare) == "person" or kind_of(without_role(read_in(name))) == "person"
            if match and is_name_shaped(bare, longest=5) and (person or lone):
                return number, Value(name, Evidence(number, text))
    return None


# The words of a body's name that say what it is, not whose it is
_GENERIC_BODY = frozenset(
    "the of for and ministry foreign affairs external relations embassy department office section division "
    "committee central secretariat government consulate legation mission bureau directorate".split()
)


def _letterhead(window: list[Line]) -> Value | None:
    """A body's name on the first line, right above the dateline: ``GDR Embassy to the People’s
    Republic of Bulgaria`` / ``Sofia, 18 June 1975``; or before the dateline's city on its line."""
    written = [ln for ln in window if ln.text.strip()][:2]
    head = collapse(written[0].text).partition(",")[0] if written else ""
    city = letterhead_city(head) if written and dateline(written[0])[1] is not None else None
    if city is not None:  # "1st Directorate (Intelligence) Prague, 15 June 1962": on one line
        text = head[: head.rindex(city)].strip()
    elif len(written) < 2 or dateline(written[1])[1] is None:
        return None
    else:
        text = collapse(written[0].text)
    if all(w.casefold() in _GENERIC_BODY for w in re.findall(r"[^\W\d_]+", text)):
        return None  # "Ministry of Foreign Affairs": whose? a form's heading names no one
    shape = re.sub(r"\s+to\s+", " of ", text)  # a mission "to" a country
    if kind_of(text) == "group" and is_name_shaped(shape, longest=12):
        return Value(text, Evidence(written[0].number, text))
    return None


def _bare_signature(number: int, raw: str) -> Value | None:
    """A last line that is a signer's name only: upper case or spaced letters, one to three words."""
    text = collapse(raw)
    bare = unspace(
        re.sub(r"(?:^|\s)[0-3]?\d\.(?:[01]?\d|[IVX]{1,4})\.(?:\d{4}|\d{2})(?=\s|$)", " ", text).strip()
    )
    if bare and bare.isupper() and len(bare.split()) <= 3 and is_name_shaped(bare.title()):
        return Value(bare, Evidence(number, text))
    return None


# The signer's office under or above the name: "Ambassador", "Chargé d'Affaires ad interim",
# "[GDR Ambassador]".
_OFFICE = re.compile(
    r"^\[?(?:[A-Z][\w\-]*\s+)?(?:first\s+|second\s+|third\s+|deputy\s+|vice\s+)?"
    r"(?:ambassador|charg[ée]\s+d[’']affaires(?:\s+a\.?\s?i\.?|\s+ad\s+interim)?|consul(?:\s+general)?|"
    r"minister|secretary|counsell?or|attach[ée]|envoy|head\s+of\s+[\w\s]+|director|chief\s+of\s+[\w\s]+)\]?\.?$",
    re.I,
)
_TIME = re.compile(r"^\d{1,2}[:.]\d{2}\b")


def _signature_block(lines: list[Line]) -> tuple[int, Value] | None:
    """The last lines when they are a signature without a closing formula: one person's name
    and the signer's office or the time of dispatch, two or three short lines, blank lines
    between them allowed (``Zoltán Fodor`` / ``Ambassador``; ``Wang Bingnan`` / ``12:00 noon,
    20 August [1955]``)."""
    written = [ln for ln in lines if ln.text.strip()]
    names: list[Line] = []
    block: list[Line] = []
    for line in reversed(written[-4:]):
        text = collapse(line.text)
        if DISTRIBUTION.match(text) and not block:
            continue  # "Copies: Stalin, Copy": who got copies, after the signature
        if (
            _OFFICE.match(text)
            or _TIME.match(text)
            or parse_date(text, Evidence(line.number, text), whole=True)
        ):
            block.insert(0, line)
        elif is_name_shaped(text, longest=4) and kind_of(text) == "person" and not names:
            names.append(line)
            block.insert(0, line)
        else:
            break
    if len(names) != 1 or len(block) < 2 or len(block) == len(written):
        return None
    name = collapse(names[0].text)
    return block[0].number, Value(name, Evidence(names[0].number, name))


def _paragraphs(lines: list[Line]) -> list[str]:
    """Body lines rejoined: wrapped lines within a paragraph become one line, blank lines kept."""
    out: list[str] = []
    current: list[str] = []
    for line in lines:
        if line.text.strip():
            current.append(line.text.strip())
        elif current:
            out.append(" ".join(current))
            out.append("")
            current = []
    if current:
        out.append(" ".join(current))
    while out and not out[-1]:
        out.pop()
    return out


# A "from" line that names no sender: one that ends in a colon heads a list ("from the KGB:" over
# the participants); one that ends in "of" or opens with a diary's or journal's name heads a source
# ("From the Diary of" over the diarist's office and name)
_NO_SENDER = re.compile(
    r":$|\b(?:of|the|and|for)$|^(?:the\s+)?(?:diary|journal|notes|record|minutes|files?|papers)\s+of\b", re.I
)
_FROM_LINE = re.compile(r"^(?:to\s*:?\s+.+?\s+)?from\s*:?\s*(?P<who>.+?)\s*[.,;]?$", re.I)


def from_line(lines: list[tuple[int, str]]) -> Value | None:
    """A memorandum's ``From: Kawase Ikkan`` among the first lines: the sender (a city there,
    ``FROM: PYONGYANG``, is where a telegram came from, not who sent it)."""
    for number, raw in lines[:8]:
        match = _FROM_LINE.match(collapse(raw))
        if match:
            # "From…Saigon…..dispatched on 4.24.": a telegram form's dotted leaders
            who = NOTE_NUMBER.sub("", collapse(re.sub(r"[.…]{2,}|…", " ", match.group("who")))).strip()
            if is_city(who.split(" ")[0]):
                return None
            if re.search(r"\bdesk$", who, re.I):
                return None  # "From the Korea Desk": the ministry's desk the telegram came through
            if _NO_SENDER.search(who):
                return None  # "from the KGB:" heads a list, "From the Diary of" a source
            body = re.match(r"^(?P<name>[^,]+),\s*[A-Z]{2,6}$", who)
            if body and kind_of(body.group("name")) == "person":
                who = body.group("name")  # "from Ali Reza Hekmat, NPI": the person, then his party
            named = without_role(read_in(who))
            person = named != read_in(who)  # an office before the name: "Ambassador Katori"
            if not is_city(who) and is_name_shaped(named, longest=10) and (kind_of(named) or person):
                return Value(who, Evidence(number, collapse(raw)))
            return None
    return None
