"""Reading a corpus file into numbered lines, and the parsers both layouts share.

No RDF and no authority look-ups here: readers only say what the text says, and where.
"""

from __future__ import annotations

import calendar
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import SourceError
from ..model import ArchivalRef, Basis, DateValue, Edition, Evidence, Value
from ..textutil import collapse

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan", "ianuarie", "января", "январь"),
            ("february", "feb", "februarie", "февраля", "февраль"),
            ("march", "mar", "martie", "марта", "март"),
            ("april", "apr", "aprilie", "апреля", "апрель"),
            ("may", "mai", "мая", "май"),
            ("june", "jun", "iunie", "июня", "июнь"),
            ("july", "jul", "iulie", "июля", "июль"),
            ("august", "aug", "августа", "август"),
            ("september", "sep", "sept", "septembrie", "сентября", "сентябрь"),
            ("october", "oct", "octombrie", "октября", "октябрь"),
            ("november", "nov", "noiembrie", "ноября", "ноябрь"),
            ("december", "dec", "decembrie", "декабря", "декабрь"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = "(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<year>1[0-9]{3}|20[0-9]{2})"
_DATE_PATTERNS = [
    re.compile(rf"(?P<day>[0-3]?[0-9])(?:st|nd|rd|th)?\s+{_MONTH},?\s+{_YEAR}", re.I),
    re.compile(rf"{_MONTH}\s+(?P<day>[0-3]?[0-9])(?:st|nd|rd|th)?,?\s+{_YEAR}", re.I),
    re.compile(rf"(?P<day>[0-3]?[0-9])\.(?P<monthnum>[01]?[0-9])\.{_YEAR}"),
    re.compile(rf"{_YEAR}-(?P<monthnum>[01][0-9])-(?P<day>[0-3][0-9])"),
    re.compile(rf"{_MONTH},?\s+{_YEAR}", re.I),
]
_YEAR_ONLY = re.compile(rf"(?<![\d/-]){_YEAR}(?![\d/-])")


@dataclass(frozen=True)
class Line:
    """One line of a source file: its 1-based number and its text without the line ending."""

    number: int
    text: str


@dataclass(frozen=True)
class SourceText:
    """A corpus file decoded and split into lines; CRLF and CR endings are accepted."""

    path: Path
    lines: tuple[Line, ...]
    sha256: str

    @classmethod
    def read(cls, path: Path) -> SourceText:
        """Read and decode ``path``; raise ``SourceError`` for empty, binary or non-UTF-8 files."""
        data = path.read_bytes()
        return cls.from_bytes(path, data)

    @classmethod
    def from_bytes(cls, path: Path, data: bytes) -> SourceText:
        """Decode bytes that came from ``path`` (which is only used in messages)."""
        if b"\x00" in data:
            line = data[: data.index(b"\x00")].count(b"\n") + 1
            raise SourceError(path, line, "content", "expected text, found a NUL byte (binary file?)")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise SourceError(
                path, line, "encoding", f"expected UTF-8 text, found byte 0x{data[exc.start]:02x}"
            ) from exc
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        if not text.strip():
            raise SourceError(path, 1, "content", "expected a letter, found an empty file")
        lines = tuple(Line(n, raw.rstrip()) for n, raw in enumerate(text.split("\n"), start=1))
        return cls(path=path, lines=lines, sha256=hashlib.sha256(data).hexdigest())

    def nonblank(self) -> list[Line]:
        """The lines with some text on them."""
        return [line for line in self.lines if line.text.strip()]

    def paragraph_at(self, index: int) -> list[Line]:
        """The run of non-blank lines starting at position ``index`` of ``self.lines``."""
        out: list[Line] = []
        for line in self.lines[index:]:
            if not line.text.strip():
                break
            out.append(line)
        return out

    def index_of(self, line: Line) -> int:
        """Position of a line in ``self.lines``."""
        return line.number - 1


def evidence(lines: list[Line] | Line, basis: Basis = Basis.STATED) -> Evidence:
    """Evidence pointing at the first of ``lines``, quoting all of them joined."""
    group = [lines] if isinstance(lines, Line) else lines
    return Evidence(group[0].number, collapse(" ".join(x.text for x in group)), basis)


def parse_date(text: str, where: Evidence) -> DateValue | None:
    """The first full, month or year date in ``text`` (English, Romanian or Russian months)."""
    for pattern in _DATE_PATTERNS:
        match = pattern.search(text)
        if not match:
            continue
        groups = match.groupdict()
        year = int(groups["year"])
        if groups.get("monthnum"):
            month = int(groups["monthnum"])
        elif groups.get("month"):
            month = MONTHS[groups["month"].casefold()]
        else:
            month = None
        day = int(groups["day"]) if groups.get("day") else None
        if (month is not None and not 1 <= month <= 12) or (
            day is not None and not _valid_day(year, month or 1, day)
        ):
            return None  # an impossible date is not read as a vaguer one
        return DateValue(year, month, day, collapse(match.group(0)), where)
    return None


def _valid_day(year: int, month: int, day: int) -> bool:
    return 1 <= day <= calendar.monthrange(year, month)[1]


_TITLE_PARTIES = re.compile(
    r"\b(?:from|by)\s+(?P<sender>.+?)\s+to\s+(?P<addressee>.+?)"
    r"(?=\s+(?:on|about|regarding|concerning|in connection with|with regard to|re)\b|[,;:]|$)",
    re.IGNORECASE,
)


def parties_in_title(title: Value) -> tuple[Value | None, Value | None]:
    """Sender and addressee phrases of a title such as "Letter from X to Y on …" (inferred)."""
    match = _TITLE_PARTIES.search(title.text)
    if not match:
        return None, None
    inferred = Evidence(title.evidence.line, title.evidence.text, Basis.INFERRED)
    return (
        Value(collapse(match.group("sender")), inferred),
        Value(collapse(match.group("addressee")), inferred),
    )


_TRANSLATED = re.compile(
    r"\btranslat(?:ed|ion)\s+(?:from\s+\w+\s+)?by\s+(?P<names>[^\]\n]+?)\s*(?:[.\]]\s*)*$",
    re.IGNORECASE,
)


def translators_in(text: str, where: Evidence) -> tuple[Value, ...]:
    """Names after "Translated by" (one, two or several, joined by commas or "and")."""
    match = _TRANSLATED.search(text)
    if not match:
        return ()
    names = re.split(r",\s*(?:and\s+)?|\s+and\s+|\s*&\s*", match.group("names"))
    return tuple(Value(n.strip(" .;"), where) for n in names if n.strip(" .;"))


def strip_translators(text: str) -> str:
    """The citation text without its "Translated by …" sentence."""
    match = _TRANSLATED.search(text)
    return text[: match.start()].rstrip(" .;") if match else text


_PAGES = r"(?P<pages>(?:pp?|ll?|f{1,2}|ff)\.\s*[0-9][0-9a-zA-Z\s,\-–—/]*)"
_CITATION_PATTERNS = [
    # "Fund CC of the RCP - Foreign Relations Section, File 9U/1956-1958, pp. 227-228"
    re.compile(
        r"(?P<fonds>(?:Fund|Fonds?)\s+[^,]+?),\s*(?P<file>(?:File|Dosar|Folder)\s+[^,]+?)"
        rf"(?:,\s*{_PAGES})?\s*$",
        re.I,
    ),
    # Russian: "f. 3, op. 14, d. 227, ll. 1-3" / "Fond 3, Opis 14, Delo 227"
    re.compile(
        r"(?P<fonds>(?:f|fond)\.?\s*[0-9A-Za-z\-]+),\s*"
        r"(?P<file>(?:op|opis)\.?\s*[0-9A-Za-z\-]+,\s*(?:d|delo)\.?\s*[0-9A-Za-z\-]+)"
        rf"(?:,\s*{_PAGES})?\s*$",
        re.I,
    ),
    # NARA: "RG 59, Central Decimal File 1955-59, Box 2815"
    re.compile(
        r"(?P<fonds>RG\s*[0-9]+(?:,\s*(?!Box)[^,]+)?),\s*(?P<file>Box\s+[0-9A-Za-z\-]+"
        r"(?:,\s*(?:Folder|File)\s+[^,]+)?)"
        rf"(?:,\s*{_PAGES})?\s*$",
        re.I,
    ),
]


def parse_archival(citation: str, where: Evidence, archival_part: str | None = None) -> ArchivalRef:
    """Structure an archival citation: archive, fonds, file and pages where recognised.

    ``citation`` is kept verbatim; ``archival_part`` is the piece that names the archive (the
    whole citation when not given). An unrecognised pattern keeps only the archive, which is
    the first comma-separated part.
    """
    text = collapse(strip_translators(archival_part or citation)).rstrip(" .")
    archive: str | None
    for pattern in _CITATION_PATTERNS:
        match = pattern.search(text)
        if match:
            archive = text[: match.start()].strip(" ,")
            pages = match.groupdict().get("pages")
            return ArchivalRef(
                citation=citation,
                evidence=where,
                archive=archive or None,
                fonds=collapse(match.group("fonds")),
                file=collapse(match.group("file")),
                pages=collapse(pages).rstrip(" ,") if pages else None,
            )
    archive = text.split(",")[0].strip() or None
    return ArchivalRef(citation=citation, evidence=where, archive=archive)


_EDITION_TITLE = re.compile(r"\*(?P<title>[^*]+)\*")
_EDITION_TRANSLATED = re.compile(r"^\s*\[(?P<translated>[^\]]+)\]")
_EDITOR = re.compile(r"\((?:[\w\s]*?)editors?(?:\s*\w*)?:\s*(?P<editors>[^)]+)\)", re.I)
_EDITION_PAGES = re.compile(r",\s*(?P<pages>pp?\.\s*[0-9][0-9\-–, ]*)\.?\s*$")


def parse_edition(text: str, where: Evidence) -> Edition:
    """Structure a printed edition named in a "See also" paragraph; keeps the text verbatim."""
    body = re.sub(r"^\s*see also\s*:?\s*", "", text, flags=re.I)
    title = translated = None
    rest = body
    title_match = _EDITION_TITLE.search(body)
    if title_match:
        title = collapse(title_match.group("title"))
        rest = body[title_match.end() :]
        translated_match = _EDITION_TRANSLATED.match(rest)
        if translated_match:
            translated = collapse(translated_match.group("translated"))
            rest = rest[translated_match.end() :]
    editors: tuple[str, ...] = ()
    editor_match = _EDITOR.search(rest)
    if editor_match:
        names = re.split(r";\s*|\s+and\s+", editor_match.group("editors"))
        editors = tuple(n.strip(" .,") for n in names if n.strip(" .,"))
        rest = rest[: editor_match.start()] + rest[editor_match.end() :]
    pages_match = _EDITION_PAGES.search(rest)
    pages = collapse(pages_match.group("pages")).rstrip(" ,.") if pages_match else None
    if pages_match:
        rest = rest[: pages_match.start()]
    year_match = _YEAR_ONLY.search(rest)
    parts = [p.strip() for p in rest.strip(" ,.").split(",") if p.strip()]
    parts = [p for p in parts if not _YEAR_ONLY.fullmatch(p)]
    publisher = parts[0] if parts else None
    place = parts[1] if len(parts) > 1 else None
    return Edition(
        citation=collapse(text),
        evidence=where,
        title=title,
        title_translated=translated,
        publisher=publisher,
        place=place,
        year=int(year_match.group("year")) if year_match else None,
        editors=editors,
        pages=pages,
    )


_GREETING = re.compile(
    r"^(?:with\s+(?:communist|comradely|fraternal|warm|best|kind)?\s*(?:greetings|regards)|"
    r"yours\s+(?:sincerely|faithfully|truly)|sincerely(?:\s+yours)?|respectfully(?:\s+yours)?)"
    r"\s*[,.!]?\s*",
    re.IGNORECASE,
)


def split_greeting(text: str) -> str | None:
    """If ``text`` starts with a closing formula, the rest of it (maybe ''); else None."""
    match = _GREETING.match(text.strip())
    return text.strip()[match.end() :].strip() if match else None


_ADDRESS = re.compile(r"^(?:to\s+(?:the\s+)?|dear\s+comrade\s+|comrades?\s+)", re.IGNORECASE)


def is_address_line(text: str) -> bool:
    """True for "TO THE CENTRAL COMMITTEE …", "To Comrade …" style address lines."""
    stripped = text.strip()
    return bool(_ADDRESS.match(stripped)) and (
        stripped.upper() == stripped or stripped.lower().startswith(("to comrade", "to the"))
    )


def rights_paragraph(source: SourceText) -> list[Line]:
    """The paragraph that starts with "Copyright" or "©", if any."""
    for index, line in enumerate(source.lines):
        if re.match(r"^\s*(?:copyright\b|©)", line.text, re.I):
            return source.paragraph_at(index)
    return []
