"""Reading a corpus file into numbered lines, and the parsers both layouts share.

No RDF and no authority look-ups here: readers only say what the text says, and where.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import SourceError
from ..model import Basis, Edition, Evidence
from ..textutil import collapse

_YEAR_ONLY = re.compile(r"(?<![\d/-])(?P<year>1[0-9]{3}|20[0-9]{2})(?![\d/-])")


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
        """Decode bytes that came from ``path`` (which is only used in messages). UTF-8, or
        UTF-16 or UTF-32 with a byte-order mark; UTF-16 or UTF-32 without one is named."""
        digest = hashlib.sha256(data).hexdigest()  # of the file's own bytes
        for bom, codec in _BOMS:
            if data.startswith(bom):
                try:
                    data = data[len(bom) :].decode(codec).encode("utf-8")
                except UnicodeDecodeError as exc:
                    raise SourceError(
                        path,
                        1,
                        "encoding",
                        f"expected {codec.upper()} text after its byte-order mark: {exc.reason}",
                    ) from exc
                break
        else:
            looks = _wide_encoding(data)
            if looks:
                raise SourceError(
                    path,
                    1,
                    "encoding",
                    f"expected UTF-8 text, found what looks like {looks} without a byte-order mark "
                    "(save it as UTF-8)",
                )
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
        control = _CONTROL.search(text)
        if control:
            line = text[: control.start()].count("\n") + 1
            raise SourceError(
                path,
                line,
                "content",
                f"expected text, found the control character U+{ord(control.group()):04X} (binary file?)",
            )
        if not text.strip():
            raise SourceError(path, 1, "content", "expected a letter, found an empty file")
        lines = tuple(Line(n, raw.rstrip()) for n, raw in enumerate(text.split("\n"), start=1))
        return cls(path=path, lines=lines, sha256=digest)

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


# A volume of a series: "România. Documente 5", "Documents, vol. II" (a four-digit year is no volume)
_VOLUME = re.compile(r"(?:\b(?:vol(?:ume)?|t|tom|bd|band)\.?\s*|\s)(?P<volume>[0-9]{1,3}|[IVXLC]+)\s*$", re.I)
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
    volume = _VOLUME.search(title or "")
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
        volume=volume.group("volume") if volume else None,
    )


def rights_paragraph(source: SourceText) -> list[Line]:
    """The paragraph that starts with "Copyright" or "©", if any."""
    for index, line in enumerate(source.lines):
        if re.match(r"^\s*(?:copyright\b|©)", line.text, re.I):
            return source.paragraph_at(index)
    return []


# Control characters no text has (tab, line ends and form feed apart): a binary or damaged file.
_CONTROL = re.compile(r"[\x01-\x08\x0b\x0e-\x1f\x7f]")

# UTF-32 before UTF-16: the UTF-32 little-endian mark begins with the UTF-16 one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _wide_encoding(data: bytes) -> str | None:
    """The encoding a file without a byte-order mark looks like when most of its first bytes
    are NULs in a fixed position (ASCII text in UTF-16 or UTF-32); None otherwise."""
    head = data[:4096]
    if len(head) < 8 or head.count(0) < len(head) // 3:
        return None
    for name, width, offset in (
        ("UTF-32 (little-endian)", 4, 0),
        ("UTF-32 (big-endian)", 4, 3),
        ("UTF-16 (little-endian)", 2, 0),
        ("UTF-16 (big-endian)", 2, 1),
    ):
        units = [head[i : i + width] for i in range(0, len(head) - width + 1, width)]
        texty = sum(
            1 for u in units if u[offset] != 0 and all(b == 0 for j, b in enumerate(u) if j != offset)
        )
        if texty >= len(units) * 0.9:
            return name
    return None
