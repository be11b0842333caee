"""The call-number grammar: the parts of a call number as the archive writes them.

``f. 5, op. 49, d. 131, ll. 193-194`` is a fond, an opis, a delo and leaves; ``Fund CC of the RCP -
Foreign Relations Section, File 9U/1956-1958, pp. 227-228`` a fonds, a file and pages; ``Fond C.C.
al P.C.R., Secţia Relaţii Externe, dosar 35/1964, vol. II, filele 1-237`` a fonds, its section, a
dosar, a volume and leaves; ``RG 59, Central Decimal File 1955-59, Box 2815`` a record group, its
series and a box; ``XIX-J-1-j Korea, 4. doboz, 5/a, 004076/ 1955`` a fonds code, a box and file
numbers. A part no rule knows is kept as a plain part; the whole call number always stays verbatim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


def _words(words: str, after: str = r"\S") -> re.Pattern[str]:
    """A piece that opens with one of ``words``: a whole word, an abbreviation with its full
    stop, or a short abbreviation followed by a number."""
    return re.compile(rf"^(?:{words})(?:\.\s*|\s+|(?=\d)){after}", re.I)


_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("record-group", _words(r"RG|record\s+group", r"\d")),
    ("fond", _words(r"f|fond|fonds|fund|zespół|zesp")),
    ("opis", _words(r"op|opis['’]?|inventory|inv", r"\d")),
    ("delo", _words(r"d|dd|delo", r"\d")),
    ("papka", _words(r"papka|pap", r"\d")),
    ("leaf", _words(r"l|ll|list|listy|listov|filele|fila|ff|bl|folio|fol|fols|k", r"\d")),
    ("pages", _words(r"pp|p|pages?|s", r"\d")),
    ("file", _words(r"file|dosar|dossier|folder|teczka|sygn|sign|signatur|č\.\s?j")),
    ("box", re.compile(r"^(?:box|carton|karton|kart)\.?\s*\d|^\d+\.\s*doboz$", re.I)),
    ("volume", _words(r"vol|volume|t|tom|bd", r"[\dIVXLC]")),
]


@dataclass(frozen=True)
class CallNumber:
    """A call number's parts, each ``(kind, text as written)``, and the fonds / file / pages a
    holding chain is made of where the parts give them."""

    text: str
    parts: tuple[tuple[str, str], ...]
    fonds: str | None = None
    file: str | None = None
    pages: str | None = None


def pieces(text: str) -> list[str]:
    """The comma-separated pieces of a call number (commas inside parentheses kept)."""
    return [p.strip() for p in re.split(r",\s*(?![^()]*\))", text) if p.strip(" .")]


def read_call_number(text: str) -> CallNumber:
    """The parts of a call number; fonds, file and pages where they can be told."""
    text = text.strip(" ,.;")
    kinds: list[tuple[str, str]] = []
    for piece in pieces(text):
        kinds.append((_kind(piece, kinds), piece))
    russian = any(k in ("opis", "delo") for k, _ in kinds)
    # "f." after the file is a folio (Romanian, Polish), "p." in a Russian call number a papka
    fixed = []
    seen_file = False
    for kind, piece in kinds:
        if kind == "fond" and seen_file and re.match(r"^(?:ff?\.|filele)\s*\d", piece):
            kind = "leaf"
        if kind == "pages" and russian and re.match(r"^p\.\s*\d", piece, re.I):
            kind = "papka"
        seen_file = seen_file or kind in ("file", "delo", "box")
        fixed.append((kind, piece))
    return CallNumber(text=text, parts=tuple(fixed), **_chain(fixed, russian))


def _kind(piece: str, before: list[tuple[str, str]]) -> str:
    for kind, rule in _RULES:
        if rule.match(piece):
            return kind
    return "part"


def _chain(parts: list[tuple[str, str]], russian: bool) -> dict[str, str | None]:
    kinds = [k for k, _ in parts]
    pages = ", ".join(p for k, p in parts if k in ("leaf", "pages")) or None
    fonds = file = None
    if russian and "fond" in kinds and "delo" in kinds:
        fonds = next(p for k, p in parts if k == "fond")
        file = ", ".join(p for k, p in parts if k in ("opis", "papka", "delo"))
    elif "fond" in kinds and "file" in kinds:
        start, end = kinds.index("fond"), kinds.index("file")
        if start < end and all(k == "part" for k in kinds[start + 1 : end]):
            fonds = ", ".join(p for _, p in parts[start:end])
            file = parts[end][1]
    elif "record-group" in kinds and "box" in kinds:
        start, end = kinds.index("record-group"), kinds.index("box")
        if start < end:
            fonds = ", ".join(p for _, p in parts[start:end])
            file = ", ".join(p for k, p in parts[end:] if k in ("box", "file"))
    return {"fonds": fonds, "file": file, "pages": pages}
