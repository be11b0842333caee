"""A SPARQL query's text read as Oxigraph reads it, without parsing it: its tokens, whether it
names its own dataset (``FROM``, ``FROM NAMED``) and the endpoints of its ``SERVICE`` clauses.

The tokens are the grammar's terminals (SPARQL 1.1 §19.8), read in one linear pass: no query,
however long or deeply nested, costs more than its length. Where Oxigraph's reading could differ
from this one, the question is answered as if the text were code:

- a comment ends at a line feed *or* a carriage return (§19.8; Oxigraph does the same);
- ``\\uXXXX`` and ``\\UXXXXXXXX`` escapes are undone first, keywords included;
- Oxigraph matches keywords with no word boundary (``SERVICESILENT<…>`` is ``SERVICE SILENT <…>``,
  ``FROMNAMED`` is ``FROM NAMED``): a keyword is looked for *inside* every bare word and prefix;
- ``<…>`` is an IRI or a less-than: inside brackets after an operand (``FILTER(?a<?b …>``) its
  inside is read as code as well.

Text that is not a terminal (an unclosed string, a stray character) is read one character at a
time, as code: the reading errs towards seeing a keyword, never towards hiding one."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_NAME_CHARS = r"\w\-\u00B7\u0300-\u036F\u203F-\u2040"
_LOCAL = rf"(?:[{_NAME_CHARS}.:]|%[0-9A-Fa-f]{{2}}|\\[_~.\-!$&'()*+,;=/?#@%])*"
_TOKEN = re.compile(
    rf"""
    (?P<space>[ \t\r\n]+)
    |(?P<comment>\#[^\r\n]*)
    |(?P<string>'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''
        |\"\"\"(?:(?:"|"")?(?:[^"\\]|\\.))*\"\"\"
        |'(?:[^'\\\n\r]|\\.)*'
        |"(?:[^"\\\n\r]|\\.)*")
    |(?P<iri><[^<>"{{}}|^`\\\x00-\x20]*>)
    |(?P<var>[?$][{_NAME_CHARS}]+)
    |(?P<lang>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)
    |(?P<blank>_:[{_NAME_CHARS}.]*)
    |(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
    |(?P<name>(?:[^\W\d][{_NAME_CHARS}.]*)?:{_LOCAL}|[^\W\d][{_NAME_CHARS}.]*)
    |(?P<punct>\^\^|\|\||&&|!=|<=|>=|.)
    """,
    re.VERBOSE | re.DOTALL,
)
_OPERAND = {"var", "string", "number", "iri", "lang", "blank", "name"}


@dataclass(frozen=True)
class Token:
    kind: str  # space, comment, string, iri, var, lang, blank, number, name, punct
    text: str

    @property
    def bare(self) -> bool:
        """A word with no prefix: a keyword, ``a``, ``true``, a function's name."""
        return self.kind == "name" and ":" not in self.text

    @property
    def prefix(self) -> str:
        return self.text.split(":", 1)[0] if self.kind == "name" else ""


def unescape(sparql: str) -> str:
    """``sparql`` with its ``\\u`` and ``\\U`` escapes undone, as Oxigraph undoes them first."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), sparql)


def tokens(sparql: str) -> Iterator[Token]:
    """The significant tokens of ``sparql`` (escapes undone; no spaces, no comments). The inside
    of an IRI that could be a less-than (see the module) follows the IRI as tokens of its own."""
    yield from _read(unescape(sparql))


def _read(text: str) -> Iterator[Token]:
    brackets: list[str] = []
    previous: Token | None = None
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "punct"
        if kind in ("space", "comment"):
            continue
        token = Token(kind, match.group())
        if token.text in "([{":
            brackets.append(token.text)
        elif token.text in ")]}" and brackets:
            brackets.pop()
        yield token
        if (
            kind == "iri"
            and brackets[-1:] == ["("]
            and previous is not None
            and (previous.kind in _OPERAND or previous.text in (")", "]"))
        ):
            yield from _read(token.text[1:-1])
        previous = token


def names_dataset(sparql: str) -> bool:
    """Whether ``sparql`` has a dataset clause (``FROM`` or ``FROM NAMED``): the query then
    chooses its own default and named graphs."""
    if "from" not in unescape(sparql).casefold():
        return False
    return any(_holds(token, "from") for token in tokens(sparql))


UNREADABLE = "(an endpoint that cannot be read)"


def service_endpoints(sparql: str) -> list[str]:
    """The endpoint of every ``SERVICE`` clause of ``sparql``: an IRI (prefixed names resolved
    with the query's own ``PREFIX`` declarations), ``?name`` for a variable, or ``UNREADABLE``
    where the word appears in a way that is not plainly ``SERVICE [SILENT] endpoint``."""
    if "service" not in unescape(sparql).casefold():
        return []
    found: list[str] = []
    prefixes: dict[str, str] = {}
    words = list(tokens(sparql))
    for at, token in enumerate(words):
        if token.bare and token.text.casefold() == "prefix" and at + 2 < len(words):
            name, iri = words[at + 1], words[at + 2]
            if name.kind == "name" and name.text.endswith(":") and iri.kind == "iri":
                prefixes[name.text[:-1]] = iri.text[1:-1]
        if not _holds(token, "service"):
            continue
        if not (token.bare and token.text.casefold() == "service"):
            found.append(UNREADABLE)
            continue
        following = words[at + 1 : at + 3]
        if following and following[0].bare and following[0].text.casefold() == "silent":
            following = following[1:]
        found.append(_endpoint(following[0] if following else None, prefixes))
    return found


def _holds(token: Token, keyword: str) -> bool:
    """Whether Oxigraph could read ``keyword`` in ``token``: in a bare word or in the prefix of a
    prefixed name, anywhere (no word boundary); never in a variable, a string or a local name."""
    if token.kind != "name":
        return False
    return keyword in (token.text if token.bare else token.prefix).casefold()


def _endpoint(token: Token | None, prefixes: dict[str, str]) -> str:
    if token is None:
        return UNREADABLE
    if token.kind == "iri":
        return token.text[1:-1]
    if token.kind == "var":
        return "?" + token.text[1:]
    if token.kind == "name" and not token.bare and token.prefix in prefixes:
        local = token.text.split(":", 1)[1]
        if "\\" not in local and "%" not in local:
            return prefixes[token.prefix] + local
    return UNREADABLE
