"""The parts of a letter both layouts share: address line, body, closing formula and signature."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Value
from .text import Line, SourceText, evidence, is_address_line, parse_date, split_greeting


@dataclass(frozen=True)
class Frame:
    """Address, body and signature found between two line positions of a source."""

    addressee: Value | None
    body: str
    signature: Value | None


def read_frame(source: SourceText, start: int, end: int, skip: frozenset[int]) -> Frame:
    """Read the letter proper from ``source.lines[start:end]``, ignoring line numbers in ``skip``.

    The first address line ("TO THE CENTRAL COMMITTEE …", with a "Comrade …" continuation)
    names the addressee; a closing formula ("With communist greetings,") introduces the
    signature, which runs to ``end`` and may share the formula's line. A trailing date line
    after the signature is not part of it.
    """
    window = [ln for ln in source.lines[start:end] if ln.number not in skip]
    addressee: Value | None = None
    body_start = 0
    for position, line in enumerate(window):
        if not line.text.strip():
            continue
        if is_address_line(line.text):
            group = [line]
            following = window[position + 1] if position + 1 < len(window) else None
            if following is not None and following.text.strip().lower().startswith("comrade"):
                group.append(following)
            addressee = Value(evidence(group).text, evidence(group))
            body_start = position + len(group)
        break
    greeting_at = None
    for position in range(len(window) - 1, body_start - 1, -1):
        if split_greeting(window[position].text) is not None:
            greeting_at = position
            break
    body_lines = window[body_start:greeting_at] if greeting_at is not None else window[body_start:]
    signature: Value | None = None
    if greeting_at is not None:
        rest = split_greeting(window[greeting_at].text) or ""
        group = [window[greeting_at]] if rest else []
        texts = [rest] if rest else []
        for line in window[greeting_at + 1 :]:
            if not line.text.strip():
                continue
            if parse_date(line.text, evidence(line)) and len(line.text.split()) <= 5:
                break
            group.append(line)
            texts.append(line.text.strip())
        if texts:
            signature = Value(" ".join(texts), evidence(group))
    body = "\n".join(_paragraphs(body_lines))
    return Frame(addressee=addressee, body=body, signature=signature)


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
