"""The date grammar: one reading of the dates archives write, with the precision they give.

A date is a day, a month or a year, or a range of them (``3-10 March 1964``), or marked as unknown
(``[date unknown]``). Month names in English, Romanian, Russian, German, French, Polish, Hungarian
and Czech; Roman month numerals (``16.XII.1947``, ``24.III.50``); ISO forms. A date in square
brackets was supplied by the editors, so it is inferred, not stated.
"""

from __future__ import annotations

import calendar
import re

from ..model import Basis, DateValue, Evidence
from ..textutil import collapse

_MONTH_NAMES = [
    (
        "january",
        "jan",
        "ianuarie",
        "января",
        "январь",
        "januar",
        "janvier",
        "stycznia",
        "styczeń",
        "január",
        "ledna",
    ),
    (
        "february",
        "feb",
        "februarie",
        "февраля",
        "февраль",
        "februar",
        "février",
        "lutego",
        "február",
        "února",
    ),
    ("march", "mar", "martie", "марта", "март", "märz", "mars", "marca", "március", "března"),
    ("april", "apr", "aprilie", "апреля", "апрель", "avril", "kwietnia", "április", "dubna"),
    ("may", "mai", "мая", "май", "maja", "május", "května"),
    ("june", "jun", "iunie", "июня", "июнь", "juni", "juin", "czerwca", "június", "června"),
    ("july", "jul", "iulie", "июля", "июль", "juli", "juillet", "lipca", "július", "července"),
    ("august", "aug", "августа", "август", "août", "sierpnia", "augusztus", "srpna"),
    (
        "september",
        "sep",
        "sept",
        "septembrie",
        "сентября",
        "сентябрь",
        "septembre",
        "września",
        "szeptember",
        "září",
    ),
    (
        "october",
        "oct",
        "octombrie",
        "октября",
        "октябрь",
        "oktober",
        "octobre",
        "października",
        "október",
        "října",
    ),
    ("november", "nov", "noiembrie", "ноября", "ноябрь", "novembre", "listopada", "listopadu"),
    ("december", "dec", "decembrie", "декабря", "декабрь", "dezember", "décembre", "grudnia", "prosince"),
]
MONTHS = {name: number for number, names in enumerate(_MONTH_NAMES, start=1) for name in names}
_ROMAN = {r: n for n, r in enumerate("I II III IV V VI VII VIII IX X XI XII".split(), start=1)}

_M = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_MONTH = rf"(?P<month>{_M})"
_MONTH2 = rf"(?P<month2>{_M})"
_YEAR = r"(?P<year>1[5-9][0-9]{2}|20[0-9]{2})"
_DAY = r"(?P<day>[0-3]?[0-9])(?:st|nd|rd|th)?"
_DAY2 = r"(?P<day2>[0-3]?[0-9])(?:st|nd|rd|th)?"
_DASH = r"\s*[-–—]\s*"
_ROMAN_MONTH = r"(?P<roman>XII|XI|X|IX|VIII|VII|VI|V|IV|III|II|I)"

# Each pattern names what it reads; the first that matches wins, ranges before single dates.
_PATTERNS = [
    re.compile(rf"{_DAY}{_DASH}{_DAY2}\s+{_MONTH},?\s+{_YEAR}", re.I),  # 3-10 March 1964
    re.compile(rf"{_DAY}\s+{_MONTH}{_DASH}{_DAY2}\s+{_MONTH2},?\s+{_YEAR}", re.I),  # 28 March - 2 April 1964
    re.compile(rf"{_MONTH}\s+{_DAY}{_DASH}{_DAY2},?\s+{_YEAR}", re.I),  # March 3-10, 1964
    re.compile(rf"{_MONTH}\s+{_DAY}{_DASH}{_MONTH2}\s+{_DAY2},?\s+{_YEAR}", re.I),  # March 28 - April 2, 1964
    re.compile(rf"{_YEAR}\.?\s+{_MONTH}\s+{_DAY}(?!\d)", re.I),  # 1972 July 1, 1972. július 1.
    re.compile(rf"{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}", re.I),  # 17 April 1958, 10 Jul 1963
    re.compile(rf"{_MONTH}\s+{_DAY},?\s+{_YEAR}", re.I),  # September 9, 1958; November 03, 1962
    re.compile(rf"(?<![\d.]){_DAY}\.\s?(?P<monthnum>[01]?[0-9])\.\s?{_YEAR}"),  # 17.04.1958
    re.compile(rf"(?<![\d.]){_DAY}\.\s?{_ROMAN_MONTH}\.\s?(?P<year>1[5-9][0-9]{{2}}|[0-9]{{2}})(?![\d])"),
    re.compile(rf"{_YEAR}-(?P<monthnum>[01][0-9])-(?P<day>[0-3][0-9])"),  # 1958-04-17
    re.compile(rf"{_MONTH}{_DASH}{_MONTH2},?\s+{_YEAR}", re.I),  # March-April 1964
    re.compile(rf"{_MONTH},?\s+{_YEAR}", re.I),  # July, 1964; April 1958
]
_YEAR_RANGE = re.compile(rf"^{_YEAR}{_DASH}(?P<year2>1[5-9][0-9]{{2}}|20[0-9]{{2}})$")
_YEAR_ONLY = re.compile(rf"^{_YEAR}$")
_UNKNOWN = re.compile(
    r"^[\[(\-–]*\s*(?:date\s+unknown|undated|no\s+date|n\.\s?d\.|date\s+not\s+known|unknown\s+date)"
    r"\s*[\])\-–]*\.?$",
    re.I,
)
_WORD = re.compile(r"\w")
_DIGIT = re.compile(r"\d")
# Longer than the longest date the patterns read ("28th of października - 30th of października,
# 1964" is 50): a line this long is not a date alone, and is not searched twelve times to say so.
_LONGEST = 80


def is_unknown(text: str) -> bool:
    """True for a date the source marks as unknown: ``[date unknown]``, ``undated``, ``n.d.``."""
    return bool(_UNKNOWN.match(collapse(text).strip(" ,")))


def parse_date(text: str, where: Evidence, whole: bool = False) -> DateValue | None:
    """The first date in ``text``, at its precision; None where there is none.

    With ``whole``, the date must be all of ``text`` (punctuation and square brackets apart), and a
    bare year (``1961``) or a year range (``1958-1959``) counts as a date too: a date line or the
    date segment of a citation. Square brackets make the date inferred (the editors supplied it).
    """
    stripped = collapse(text).strip(" ,.;:")
    bracketed = stripped.startswith("[") and stripped.endswith("]")
    inner = stripped.strip("[] ,.;:") if bracketed else stripped
    if not _DIGIT.search(inner) or (whole and len(inner) > _LONGEST):
        return None  # every date has a number; no date written alone is that long
    if bracketed:
        where = Evidence(where.line, where.text, Basis.INFERRED)
    if whole:
        year = _YEAR_ONLY.match(inner)
        if year:
            return DateValue(int(year.group("year")), None, None, inner, where)
        years = _YEAR_RANGE.match(inner)
        if years:
            start, end = int(years.group("year")), int(years.group("year2"))
            if start < end:
                return DateValue(start, None, None, inner, where, until=(end, None, None))
    for pattern in _PATTERNS:
        match = pattern.search(inner)
        if not match:
            continue
        if whole and _WORD.search(inner[: match.start()] + inner[match.end() :]):
            return None
        return _date_of(match, where)
    return None


def _date_of(match: re.Match[str], where: Evidence) -> DateValue | None:
    groups = match.groupdict()
    year = int(groups["year"])
    if year < 100:
        year += 1900  # "24.III.50": two-digit years in these records are of the 20th century
    month = _month(groups.get("month"), groups.get("monthnum"), groups.get("roman"))
    day = int(groups["day"]) if groups.get("day") else None
    if not _valid(year, month, day):
        return None  # an impossible date is not read as a vaguer one
    label = collapse(match.group(0))
    until = None
    if groups.get("day2") or groups.get("month2"):
        month2 = _month(groups.get("month2"), None, None) or month
        day2 = int(groups["day2"]) if groups.get("day2") else None
        if not _valid(year, month2, day2) or (month2, day2 or 0) <= (month or 0, day or 0):
            return None
        until = (year, month2, day2)
    return DateValue(year, month, day, label, where, until=until)


def _month(name: str | None, number: str | None, roman: str | None) -> int | None:
    if number:
        return int(number)
    if roman:
        return _ROMAN[roman]
    if name:
        return MONTHS[name.rstrip(".").casefold()]
    return None


def _valid(year: int, month: int | None, day: int | None) -> bool:
    if month is not None and not 1 <= month <= 12:
        return False
    return day is None or (month is not None and 1 <= day <= calendar.monthrange(year, month)[1])
