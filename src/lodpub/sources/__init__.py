"""Source readers: one module per layout, plus detection. No rdflib here.

``read_letter(path)`` is the entry point: it decodes the file, detects its layout and returns a
``Letter`` record, or raises ``SourceError`` naming the file, line and field.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import SourceError
from ..model import Letter
from . import php, php_record, wilson
from .text import SourceText

LAYOUTS = (wilson, php, php_record)


_CLEAN_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_UNSAFE = re.compile(r"[^a-z0-9-]+")
_DASHES = re.compile(r"-{2,}")


def letter_id(path: Path) -> str:
    """The letter's stable id: the file stem lower-cased to ``[a-z0-9-]``."""
    return id_of_name(path.name)


def id_of_name(name: str) -> str:
    """``letter_id`` of a file name."""
    dot = name.rfind(".")
    stem = (name[:dot] if 0 < dot < len(name) - 1 else name).lower()  # as pathlib's stem
    if _CLEAN_ID.fullmatch(stem):
        return stem  # most names are ids already
    return _DASHES.sub("-", _UNSAFE.sub("-", stem)).strip("-")


def read_letter(path: Path, data: bytes | None = None) -> Letter:
    """Read one corpus file into a ``Letter``; raise ``SourceError`` if it cannot be read."""
    ident = letter_id(path)
    if not ident:
        raise SourceError(path, 1, "file name", "expected a name with letters or digits (it becomes the id)")
    source = SourceText.read(path) if data is None else SourceText.from_bytes(path, data)
    for layout in LAYOUTS:
        if layout.detect(source):
            letter: Letter = layout.read(source, ident)
            return letter
    raise SourceError(
        path,
        1,
        "layout",
        "expected a Parallel History Project letter (a '[Source: …]' line) or catalogue record "
        "(a 'Document Source:' line), or a Wilson Center record (a 'Citation:' block)",
    )
