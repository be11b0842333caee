"""The parts of a letter both layouts share: address line, body, closing formula and signature."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Evidence, Value
from ..textutil import collapse
from .names import is_name_shaped, unspace
from .parties import address_line, closing_signature
from .text import Line, SourceText


@dataclass(frozen=True)
class Frame:
    """Address, body and signature found between two line positions of a source."""

    addressee: Value | None
    body: str
    signature: Value | None


def read_frame(source: SourceText, start: int, end: int, skip: frozenset[int]) -> Frame:
    """Read the letter proper from ``source.lines[start:end]``, ignoring line numbers in ``skip``.

    An address line among the first lines ("TO THE CENTRAL COMMITTEE …", "To: Comrade …")
    names the addressee; a closing formula ("With communist greetings,") introduces the
    signature, its name lines only. A telegram without a closing formula may end with its
    signer's name alone on the last line (``FILIPPOV``, ``S H T Y K O V``).
    """
    window = [ln for ln in source.lines[start:end] if ln.number not in skip]
    pairs = [(ln.number, ln.text) for ln in window if ln.text.strip()]
    addressee, taken = address_line(pairs)
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
        if signature is not None:
            body_to = next(i for i, ln in enumerate(window) if ln.number == rest[-1][0])
    body = "\n".join(_paragraphs(window[body_from:body_to]))
    return Frame(addressee=addressee, body=body, signature=signature)


def _bare_signature(number: int, raw: str) -> Value | None:
    """A last line that is a signer's name only: upper case or spaced letters, one to three words."""
    text = collapse(raw)
    bare = unspace(
        re.sub(r"(?:^|\s)[0-3]?\d\.(?:[01]?\d|[IVX]{1,4})\.(?:\d{4}|\d{2})(?=\s|$)", " ", text).strip()
    )
    if bare and bare.isupper() and len(bare.split()) <= 3 and is_name_shaped(bare.title()):
        return Value(bare, Evidence(number, text))
    return None


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
