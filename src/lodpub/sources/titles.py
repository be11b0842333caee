"""The title grammar: who wrote to whom, as a record's title names them (inferred: the title
is the editors').

``Letter from X to Y``, ``Letter addressed by X to Y``, ``Letter of X to Y``, ``Telegram, X to Y``,
``Ciphered Telegram No. 709, Filippov [Stalin] to Krasovsky, for Mao Zedong``, ``Telegram to Y
from X``, ``Report, Embassy of Hungary in North Korea to the Hungarian Foreign Ministry``,
``Report … by X``, ``Letter to Y``. A conversation, meeting or minutes ``between X and Y`` names
no sender and no addressee; a quoted subject after the parties names none of them. Each phrase
is read by the party grammar (parties.py).
"""

from __future__ import annotations

import re

from ..model import Basis, Evidence, Value
from ..textutil import collapse
from .gazetteer import is_city
from .names import is_name_shaped, kind_of
from .parties import TO_NOUN, phrases

_KINDS = (
    r"(?:ciphered\s+|cipher\s+|coded\s+|secret\s+|urgent\s+|top\s+secret\s+|incoming\s+|outgoing\s+)*"
    r"(?:letter|telegram|cable|cablegram|note|information\s+note|information|report|message|"
    r"memorandum|memo|dispatch|despatch|radiogram|circular|instructions?|directive|appeal|"
    r"statement|reply|answer|response|request|notification|aide-m[ée]moire|speech|address|"
    r"cryptogram|ciphergram|digest|bulletin|resolution|decision|decree|comment)"
    r"(?<!s)s?(?:\s*\(\d+\))?"  # plural, with a count: "Reports (3) by …"
)
# "Excerpts of Report …", "Summary of a Letter …": a part of the document names the same parties.
_PART = r"(?:(?:excerpts?|extracts?|summary|text|draft|copy|translation)\s+(?:of|from)\s+(?:the\s+|a\s+)?)?"
# What follows a party in a title: its topic ("on …", "Opposing the Visit …"), its date, a number.
_TOPIC = (
    r"(?:on|about|regarding|concerning|in\s+connection\s+with|with\s+regard\s+to|with\s+respect\s+to|re|"
    r"dated|containing|with|transmitting|forwarding|summarizing|and\s+reply|requesting|asking|informing|"
    r"announcing|describing|reporting|opposing|protesting|supporting|condemning|welcoming|expressing|"
    r"proposing|urging|criticizing|criticising|thanking|congratulating|explaining|discussing|outlining|at)"
)
# ", reply to Zhou Enlai's cable of 3 June": the document it answers, no addressee
_REPLY = r"\s*,\s*(?:in\s+)?(?:reply|answer|response)\s+to\b"
_STOP = (
    # (", [Li] Fuchun": a name the editors completed goes on the list)
    rf"(?=\s+{_TOPIC}\b|{_REPLY}|\s*[;:]|\s*,\s*(?:for\s|on\s|dated|\d|(?!\[[A-Z][\w\s.\-]*\]\s*[A-Z])[^\w\s])"
    r"|\s*\(\s*\d"
    r"|\s*,\s*(?=(?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december)\b)|$)"
)
# A sender runs on to " to ", never through a topic: "Note from X with regard to …" names no addressee.
_SENDER = rf"(?P<sender>(?:(?!\s+{_TOPIC}\b|{_REPLY})[^;:])+?)"
_TITLE_PATTERNS = [
    # Telegram, X to Y / Report, Embassy of … to … / Ciphered Telegram No. 709, X to Y
    re.compile(
        rf"^{_PART}{_KINDS}(?:\s+No\.?\s*[\w/\-]+)?\s*,\s*(?P<sender>[^,;:]+?(?:,\s*(?:and\s+)?[^,;:]+?)*)\s+to\s+"
        rf"(?P<addressee>[^;:]+?){_STOP}",
        re.I,
    ),
    # TASS Digest Distributed to Y / Embassy Report sent to Y
    re.compile(
        rf"^(?P<sender>[^,;:]+?)\s+{_KINDS}\s+(?:distributed|sent|addressed|delivered|forwarded)\s+to\s+"
        rf"(?P<addressee>[^;:]+?){_STOP}",
        re.I,
    ),
    # Letter from X to Y / Letter addressed by X to Y / Letter of X to Y
    re.compile(
        rf"\b{_KINDS}(?:\s+No\.?\s*[\w/\-]+)?\s+(?:(?:sent|addressed|written)\s+)?(?:from|by|of)\s+"
        rf"{_SENDER}\s+to\s+(?P<addressee>[^;:]+?){_STOP}",
        re.I,
    ),
    # from X to Y anywhere (Translation of a letter from X to Y)
    re.compile(rf"\bfrom\s+{_SENDER}\s+to\s+(?P<addressee>[^;:]+?){_STOP}", re.I),
    # Report to Y on … by X
    re.compile(
        rf"^{_PART}{_KINDS}\s+to\s+(?P<addressee>[^;:]+?)\s+(?:on|about|concerning|regarding)\s.*?"
        rf"\bby\s+(?P<sender>[^;:]+?){_STOP}",
        re.I,
    ),
    # Telegram to Y from X
    re.compile(
        rf"^{_PART}{_KINDS}(?:\s+No\.?\s*[\w/\-]+)?\s+to\s+(?P<addressee>[^;:]+?)\s+from\s+{_SENDER}{_STOP}",
        re.I,
    ),
    # Letter to Y
    re.compile(rf"^{_PART}{_KINDS}(?:\s+No\.?\s*[\w/\-]+)?\s+to\s+(?P<addressee>[^;:]+?){_STOP}", re.I),
    # Telegram from X / Report from X / Report of X (at the meeting …)
    re.compile(rf"^{_PART}{_KINDS}(?:\s+No\.?\s*[\w/\-]+)?\s+(?:from|of)\s+(?P<sender>[^;:]+?){_STOP}", re.I),
    # Report … by X
    re.compile(rf"^{_PART}{_KINDS}\b.*?\bby\s+(?P<sender>[^;:]+?){_STOP}", re.I),
]
_NO_PARTIES = re.compile(
    r"^(?:memorandum\s+of\s+(?:a\s+)?conversation|record\s+of\s+(?:a\s+)?conversation|minutes|"
    r"transcript|conversation|meeting|discussion|talks|notes\s+of|protocol|record\s+of\s+(?:a\s+)?meeting)\b",
    re.I,
)


def title_parties(title: Value) -> tuple[tuple[Value, ...], tuple[Value, ...]]:
    """Sender and addressee phrases a title names (inferred: the title is the editors')."""
    inferred = Evidence(title.evidence.line, title.evidence.text, Basis.INFERRED)
    # "[Ciphergram No. 3175]": the editors' numbering names no one.
    text = collapse(re.sub(r"\s*\[[^\]]*\bNo\.?\s*\d[^\]]*\]", "", title.text))
    # "(excerpt)", "(draft)": the editors' mark of what the text is, no part of a name
    text = re.sub(r"\s*\((?:excerpts?|extracts?|abridged|draft|summary)\)\s*$", "", text, flags=re.I)
    # "Minutes of the BCP CC Plenum - Report on the PCC Meeting by …": each part in turn.
    for part in re.split(r"\s+[-–—]\s+", text):
        found = _parties_of(part, inferred)
        if found != ((), ()):
            return found
    return (), ()


def _parties_of(text: str, inferred: Evidence) -> tuple[tuple[Value, ...], tuple[Value, ...]]:
    if _NO_PARTIES.match(text):
        return (), ()
    # "Party Secretariat Cable No. 601": a body's own document, named by the body
    own = re.match(
        rf"^(?P<sender>[^,;:]+?)\s+{_KINDS}(?:\s+No\.?\s*[\w/\-]+)?\s*(?:$|(?=\s+(?:regarding|concerning|on)\s))",
        text,
        re.I,
    )
    if own and kind_of(own.group("sender")) == "group" and is_name_shaped(own.group("sender")):
        return (Value(own.group("sender"), inferred),), ()
    # "Cable from Swiss observer at the United Nations (Thalmann)", "Telegram from Brazilian
    # Delegation at the 17th Session of the UN General Assembly (Afonso Arinos), New York": the
    # holder of the office in brackets sent it (with the body, where a body is named)
    signed = _SIGNED_FROM.match(text)
    if signed and " to " not in signed.group("body") and _holder(signed.group("who")):
        body, who = signed.group("body"), Value(signed.group("who"), inferred)
        if kind_of(body) == "group" and is_name_shaped(body):
            return (Value(body, inferred), who), ()
        if _OFFICE_WORD.search(body):
            return (who,), ()
    # "Boleslaw Bierut's Notes to a Conversation with Stalin", "Rezső Nyers’s Typed Notes to
    # Miklós Németh on …": the document's owner wrote it (and a person after "to" received it)
    owner = re.match(
        rf"^(?P<sender>[^,;:'’\"“]+?)['’]s\s+(?:(?:typed|handwritten|personal|private|working)\s+)?"
        rf"(?:{_KINDS}|diary|account|memoirs?)\b(?:\s+to\s+(?P<addressee>[^,;:]+?){_STOP})?",
        text,
        re.I,
    )
    if (
        owner
        and kind_of(owner.group("sender")) in ("group", "person")
        and is_name_shaped(owner.group("sender"))
    ):
        to = owner.group("addressee")
        addressees = phrases(to, inferred) if to and kind_of(to) == "person" else ()
        return (Value(owner.group("sender"), inferred),), addressees
    # "Asian Affairs Bureau [Ministry of Foreign Affairs, Japan], 'The Chinese Communist Problem'"
    # "A. Rapacki, 'Record of Conversation …'", "Iván Németh, 'Memorandum …'": the author, a person
    # ("Faculty of … at Charles University, Prague, 'Resolution …'": the body's city after it)
    author = re.match(
        r"^(?P<sender>[^,;:'‘\"“]+?(?:\s*\[[^\]]+\])?)(?:,\s*(?P<city>[A-Z][\w\-]*(?:\s[A-Z][\w\-]*)?))?\s*,\s*['‘\"“]",
        text,
    )
    if (
        author
        and author.group("city")
        and not (is_city(author.group("city")) and kind_of(author.group("sender")) == "group")
    ):
        author = None
    if (
        author
        # "From the Journal of V.M. Molotov, 'The Reception of …'": a source, no author's name
        and not re.match(r"^(?:(?:excerpts?|extracts?)\s+)?from\s", author.group("sender"), re.I)
        and kind_of(author.group("sender")) in ("group", "person")
        and is_name_shaped(author.group("sender"))
    ):
        return (Value(author.group("sender"), inferred),), ()
    # "Cable from X, 'On North Korea's Response to the Indian Invasion …'": the quoted subject
    # after the parties names none of them
    text = re.split(r"\s*,\s*['‘\"“](?=\w)", text, maxsplit=1)[0]
    for pattern in _TITLE_PATTERNS:
        match = pattern.search(text)
        if not match:
            continue
        before_by = re.match(r"^(.*?)\bby\s", match.group(0), re.I)
        if (
            "sender" in match.groupdict()
            and before_by
            and len(re.findall(rf"\b{_KINDS}\b", before_by.group(1), re.I)) > 1
        ):
            return (), ()  # "Reply to the Memorandum Submitted by X": X wrote the other document
        groups = _split_at_to(match.groupdict())
        senders = phrases(groups.get("sender"), inferred)
        # "Telegram, Zhou Enlai to Wei Guoqing, and report to the CCP Central Committee": the
        # same sender's second document, to a second addressee
        second = re.match(
            rf"^(?P<first>.+?),?\s+and\s+(?:a\s+)?{_KINDS}\s+to\s+(?P<then>.+)$",
            groups.get("addressee") or "",
            re.I,
        )
        if second:
            addressees = phrases(second.group("first"), inferred) + phrases(second.group("then"), inferred)
        else:
            addressees = phrases(groups.get("addressee"), inferred)
        # "… to Krasovsky, for Mao Zedong": the one the addressee is to pass it to.
        final = re.match(r"^\s*,\s*for\s+(?P<who>[^,;:]+?)\s*(?:[,;:]|$)", text[match.end() :])
        if groups.get("addressee") and addressees and final:
            addressees += phrases(final.group("who"), inferred)
        if (groups.get("sender") and not senders) or (groups.get("addressee") and not addressees):
            return (), ()  # a phrase that is no name: assert nothing from this title
        return senders, addressees
    return (), ()


_SIGNED_FROM = re.compile(
    rf"^{_PART}{_KINDS}\s+from\s+(?P<body>[^()]+?)\s*\((?P<who>[^()]+)\)(?:\s*,\s*[A-Z][\w'\-]*(?:\s+[A-Z][\w'\-]*)?)?$",
    re.I,
)
_OFFICE_WORD = re.compile(
    r"\b(?:observer|representative|delegate|ambassador|envoy|consul|minister|attach[ée]|counsell?or)\b", re.I
)


def _holder(span: str) -> bool:
    """A person's name in brackets: one to three capitalised words, no body's word, no city."""
    words = span.split()
    return (
        0 < len(words) <= 3
        and all(w[:1].isupper() for w in words)
        and is_name_shaped(span)
        and kind_of(span) != "group"
        and not is_city(span)
    )


def _split_at_to(groups: dict[str, str | None]) -> dict[str, str | None]:
    """``Permanent Mission of Hungary to the International Organizations in Vienna to the
    Hungarian Foreign Ministry``: the first "to" is part of the mission's name, so the sender
    runs on to the next one."""
    sender, addressee = groups.get("sender"), groups.get("addressee")
    if not sender or not addressee or not TO_NOUN.search(sender):
        return groups
    head, to, tail = addressee.rpartition(" to ")
    if not to:
        return groups
    return {**groups, "sender": f"{sender} to {head}", "addressee": tail}
