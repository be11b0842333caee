"""The citation grammar: one parser for the citations both layouts give.

A citation is read into segments: the cited title, the date, the record's publisher (the digital
archive that publishes the record, never the archive), archival statements (an archive and its
call number; several archives are several statements), printed editions, translator credits,
acquisition notes, and the record URL. A segment that fits none of these is kept verbatim and
reported: it never becomes an entity.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..model import Edition, Evidence, Holding, Value
from ..textutil import collapse
from .dates import is_unknown, parse_date
from .names import is_name_shaped, strip_affiliation

PUBLISHERS = re.compile(
    r"^(?P<publisher>Wilson Center Digital Archive|History and Public Policy Program Digital Archive|"
    r"Cold War International History Project Digital Archive|Digital Archive)\s*$",
    re.I,
)
_URL = re.compile(r"<?(?P<url>https?://[^\s<>\"]+?)>?[.,]?$")
# Words after which a full stop does not end a sentence.
_ABBREVIATIONS = frozenset(
    "f ff l ll d dd op p pp no nr vol vols t k bl sygn sign nos fol fols cf ed eds trans dr mr mrs ms prof "
    "st cde cdes tov gen col lt jr sr ph inv cat ser doc docs art fasc sv ibid e g i".split()
)
_CREDIT = re.compile(
    r"\b(?:translat\w*|obtained|contributed|edited|transcribed|provided|donated|courtesy|selected|compiled)\b",
    re.I,
)
# What opens the account of an edition (the rest of _EDITION may be inside one: "(Press: City, 2004)").
_EDITION_START = re.compile(
    r"^(?:published|reprinted|first\s+published|see\s+also|also\s+published|printed|excerpts?\s+published|"
    r"document\s+(?:no\.?|nr\.?|number)\s*\d+\w*\s+in\b|(?:CWIHP\s+|NKIDP\s+|NPIHP\s+)?"
    r"(?:working\s+paper|bulletin|e-dossier)\s+(?:no\.?\s*|#\s*|nr\.?\s*)?\d+|included\s+in\b)",
    re.I,
)
_EDITION = re.compile(
    r"^(?:published|reprinted|first\s+published|see\s+also|also\s+published|printed|excerpts?\s+published)\b"
    r"|\bdocument\s+(?:no\.?|nr\.?|number)\s*\d+\w*\s+in\b"
    r"|^(?:CWIHP|NKIDP|NPIHP|CWIHP\s+Bulletin|Cold\s+War\s+International\s+History\s+Project)?\s*"
    r"(?:working\s+paper|bulletin|e-dossier)\s+(?:no\.?\s*|#\s*|nr\.?\s*)?\d+"
    r"|^included\s+in\s+(?:the\s+)?(?:document\s+reader|reader|collection|volume|book|documentary)\b"
    r"|\bin\s+[^()]*\(\s*(?:1[89]|20)\d{2}\s*\)"
    r"|\(\s*[^():]+:\s*[^()]+,\s*(?:1[89]|20)\d{2}\s*\)"
    r"|\*[^*]+\*",
    re.I,
)
_ACQUISITION = re.compile(r"^(?:obtained|contributed|provided|donated|courtesy)\b", re.I)
_TRANSLATED = re.compile(
    r"\btranslat(?:ed|ion)(?:\s+and\s+(?:edited|annotated|transcribed))?"
    # "by for NKIDP by": one record has the slip, the credit still holds
    r"(?:\s+(?:by\s+)?(?:for|by\s+the)\s+(?P<for>[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*)*))?"
    r"(?:\s+from\s+(?:the\s+)?(?P<from>[A-Z][a-z]+)(?:\s+original)?)?"
    r"(?:\s+into\s+English)?\s+by\s+(?P<names>.+)$",
    re.I,
)
_CLAUSE = re.compile(
    r"\s*(?:;|,?\s+and\s+(?=(?:was\s+)?(?:translated|obtained|contributed|edited|transcribed)\b))\s*", re.I
)
_NAME_LIST = re.compile(r",\s*(?:and\s+)?|\s+and\s+|\s*&\s*")


@dataclass(frozen=True)
class Citation:
    """A citation read into its segments; ``text`` keeps it verbatim."""

    text: str
    evidence: Evidence
    title: str | None = None
    date: str | None = None
    publisher: str | None = None
    holdings: tuple[Holding, ...] = ()
    editions: tuple[Edition, ...] = ()
    translators: tuple[Value, ...] = ()
    translated_from: Value | None = None
    notes: tuple[str, ...] = ()
    unrecognised: tuple[str, ...] = ()
    url: str | None = None


def read_citation(text: str, where: Evidence, cited: bool) -> Citation:
    """Read a citation. ``cited``: it opens with the quoted title and the date (the Wilson
    Center's form); otherwise it is an archival source line (PHP's ``[Source: …]``)."""
    whole = collapse(text)
    rest = whole
    title = date = publisher = url = None
    if cited:
        title, date, rest = _title_and_date(rest)
        head, _, tail = rest.partition(",")
        if PUBLISHERS.match(head.strip()):
            publisher, rest = head.strip(), tail
    found = _URL.search(rest.strip())
    if found:
        url = found.group("url")
        rest = rest.strip()[: found.start()]
    holdings: list[Holding] = []
    editions: list[Edition] = []
    translators: list[Value] = []
    translated_from: Value | None = None
    notes: list[str] = []
    unrecognised: list[str] = []
    edition_text = None  # the edition being read: a book title may hold full stops
    last_holding = False  # the sentence before was an archival statement
    for sentence in [piece for whole_sentence in sentences(rest) for piece in _credit_apart(whole_sentence)]:
        holding = False
        if edition_text is not None and not _CREDIT.search(sentence) and not _EDITION_START.match(sentence):
            edition_text = f"{edition_text}. {sentence}"  # "''April 1964. Bucharest Spring. How did …"
            editions[-1] = _edition(edition_text, where)
        elif _EDITION.search(sentence):
            edition_text = sentence
            editions.append(_edition(sentence, where))
        elif _CREDIT.search(sentence):
            edition_text = None
            names, language = credits(sentence)
            translators.extend(Value(n, where) for n in names)
            if language and translated_from is None:
                translated_from = Value(language, where)
            if _ACQUISITION.match(sentence) or not names:
                notes.append(sentence)
        elif last_holding and _CALL_START.match(sentence) and not has_archive_word(sentence):
            # "Hungarian National Archives (…, MOL). XIX-J-1-j India, 1983, …": the call number
            # of the archive just named, after a full stop
            holdings[-1] = Holding(f"{holdings[-1].text}. {sentence}", where)
            holding = True
        else:
            for statement in _statements(sentence):
                if _looks_archival(statement):
                    holdings.append(Holding(statement, where))
                    holding = True
                else:
                    unrecognised.append(statement)
        last_holding = holding
    original = _ORIGINAL_IN.search(rest)  # "…, Moscow, original in Chinese."
    if original and translated_from is None:
        translated_from = Value(original.group("language"), where)
    return Citation(
        text=whole,
        evidence=where,
        title=title,
        date=date,
        publisher=publisher,
        holdings=tuple(holdings),
        editions=tuple(editions),
        translators=tuple(translators),
        translated_from=translated_from,
        notes=tuple(notes),
        unrecognised=tuple(unrecognised),
        url=url,
    )


def _title_and_date(text: str) -> tuple[str | None, str | None, str]:
    """The quoted title, the date segment after it, and the rest of the citation."""
    match = re.match(r'^\s*["“](?P<title>.*?)(?:,["”]|["”]\s*,)\s*', text)
    if not match:
        return None, None, text
    rest = text[match.end() :]
    head, _, tail = rest.partition(", ")
    probe = Evidence(0, head)
    if is_unknown(head) or parse_date(head, probe, whole=True) is not None:
        return match.group("title").strip(), head.strip(), tail
    # "September 9, 1958" holds a comma of its own
    two = ", ".join(rest.split(", ")[:2])
    if parse_date(two, probe, whole=True) is not None:
        return match.group("title").strip(), two.strip(), rest[len(two) + 2 :]
    return match.group("title").strip(), None, rest


def sentences(text: str) -> list[str]:
    """``text`` split at full stops that end a sentence (not after initials or abbreviations
    such as ``f.``, ``op.``, ``pp.``, ``Prof.``); stripped, empty ones left out."""
    out: list[str] = []
    start = 0
    # a stop inside a closing quote ('"77 Conversations." Included in …') ends a sentence too
    for match in re.finditer(r"\.(?P<quote>[\"”’]?)(?=\s+[^\s\d(a-z])|\.\s*$", text):
        before = text[start : match.start()]
        word = re.search(r"([\w]+)$", before)
        token = word.group(1) if word else ""
        if token and ((len(token) == 1 and token.isalpha()) or token.casefold() in _ABBREVIATIONS):
            continue
        out.append(text[start : match.end()] if match.group("quote") else before)
        start = match.end()
    out.append(text[start:])
    return [s.strip(" ,;") for s in out if s.strip(" ,;.")]


# ", obtained and translated by X" at the end of an archival statement, or a credit sentence
# right after a quoted title ("…'Rose.'\" Translated for CWIHP by …").
_CREDIT_CLAUSE = re.compile(
    r"[,;]\s*(?=(?:obtained|translated|contributed|provided|donated|compiled|edited|transcribed|selected)\b"
    r"[^,]*\bby\s)"
    r"|(?:(?<=[.!?][\"'”’])|(?<=[.!?][\"'”’][\"'”’]))\s+(?=(?:Obtained|Translated|Contributed|Provided|Donated)\b)",
    re.I,
)


def _credit_apart(sentence: str) -> list[str]:
    """``AMSZ, Warsaw, 6/77, 1963: w-96, t-1368, obtained and translated by X``: the archival
    statement and the credit clause after it, apart."""
    match = _CREDIT_CLAUSE.search(sentence)
    if match is None or not match.start() or _CREDIT.search(sentence[: match.start()]):
        return [sentence]
    return [sentence[: match.start()].strip(), sentence[match.end() :].strip()]


def _statements(sentence: str) -> list[str]:
    """A sentence as an archival statement; several archives in it are told apart in the
    mapping (``split_holdings``), where the archives are known."""
    # "Also available at the Diplomatic Archives of …": a further holding, named after the phrase
    sentence = re.sub(
        r"^(?:(?:a\s+)?cop(?:y|ies)\s+|also\s+)?(?:available|held|kept)\s+(?:at|in)\s+",
        "",
        sentence.strip(),
        flags=re.I,
    )
    return [sentence.strip()] if sentence.strip() else []


def split_holdings(text: str, known: Callable[[str], bool]) -> list[str]:
    """An archival sentence as one statement per archive: it is cut at ``;``, ``and`` or ``,``
    only where a known archive follows (``APRF, …; AVPRF, …; and RGASPI, …``, ``APRF, … and
    AVPRF, …``); a semicolon inside one archive's call number stays."""
    out: list[str] = []
    last = 0
    for match in re.finditer(r"\s*(?:;\s*(?:and\s+)?|,?\s+and\s+)", text):
        rest = text[match.end() :]
        head = re.split(r"[,;]", rest, maxsplit=1)[0].strip()
        words = head.split(" ")
        if (
            any(known(" ".join(words[:n])) for n in range(len(words), 0, -1))
            and text[last : match.start()].strip()
        ):
            out.append(text[last : match.start()].strip())
            last = match.end()
    out.append(text[last:].strip())
    return [o for o in out if o]


_CALL_WORD = re.compile(
    r"(?:^|[\s,(])(?:f|ff|fond|fonds|fund|op|opis|d|delo|dd|l|ll|list|listy|papka|p|pp|file|dosar|folder|"
    r"box|carton|rg|record\s+group|sygn|sign|signatur|k|bl|doboz|vol|t|inv|tom|filele|fila|sv|č)"
    r"\.?\s*[0-9IVXLC]",
    re.I,
)


def _looks_archival(statement: str) -> bool:
    return bool(
        _CALL_WORD.search(statement) or re.search(r"\d", statement) or _ARCHIVE_WORD.search(statement)
    )


_ARCHIVE_WORD = re.compile(
    r"\b(?:archives?|archiv\w*|arhiv\w*|archiwum|archivum|levéltár\w*|archivio|archivo|archief|"
    r"arkhiv|library|records\s+administration|papers)\b",
    re.I,
)


def has_archive_word(name: str) -> bool:
    """True for a name that says it is an archive (or a library, or a collection of papers)."""
    return bool(_ARCHIVE_WORD.search(name))


def split_statement(statement: str, known: Callable[[str], bool]) -> tuple[str, str] | None:
    """An archival statement as (archive as written, call number as written), or None when no
    archive can be told apart. ``known`` says whether a span names an archive the authority
    data knows. The archive is a leading or a trailing run of the statement's comma-separated
    parts (or words of its first part: ``SAPMO-BArch DY 30/3386``); ``APRF: F. 39, …`` has a
    colon after it. The call number is the rest of the statement, verbatim."""
    # "…, MOL). XIX-J-1-j": a stop after ")"; a comma inside curly quotes ("Maço “… 1,962//6223,”
    # Ministry …") cuts nothing, the quote closed after a comma cuts there
    separator = r"(?:,(?![^“”]*”)|(?<=,”)\s|:(?=\s)|(?<=\))\.(?=\s))\s*(?![^()]*\))"
    cuts = [0] + [m.end() for m in re.finditer(separator, statement)]
    ends = [m.start() for m in re.finditer(separator, statement)] + [len(statement)]
    parts = [statement[a:b].strip() for a, b in zip(cuts, ends, strict=True)]

    def head_of(count: int) -> str:
        return statement[: ends[count - 1]].strip()

    def label(count: int) -> bool:  # "Year: 1954": a label, not the archive's city
        return statement[ends[count] : ends[count] + 1] == ":"

    def rest_from(count: int) -> str:
        return statement[cuts[count] :].strip(" ,:") if count < len(parts) else ""

    # "Diplomatic Archives of … Japan (“Cuban Domestic Policies …” file), Tokyo": a file in
    # brackets after the archive's name is the call number; the archive is the name (and city)
    if parts:
        inner = re.match(r"^(?P<name>[^()]+?)\s*(?P<file>\((?=[^()]*[\d“\"a-z])[^()]+\))$", parts[0])
        if (
            inner
            and (
                known(inner.group("name"))
                or (has_archive_word(inner.group("name")) and is_name_shaped(inner.group("name"), longest=14))
            )
            and not _SIGLUM.match(inner.group("file").strip("()"))
        ):
            count = 1
            places = [p for p in parts[1:] if _place_of_archive(p, known)]
            if len(places) == len(parts) - 1:
                name = ", ".join([inner.group("name"), *places])
                return name, inner.group("file")
    for count in range(len(parts), 0, -1):
        # "Szyfrogramy …, 6/77 w-86, Polish Foreign Ministry Archive (AMSZ)": a head that runs
        # through a call number is not the archive's name (the trailing one is found below)
        if count > 1 and re.search(r"\d", head_of(count)):
            continue
        if parts[count - 1] and known(head_of(count)):
            while count < len(parts) and _place_of_archive(parts[count], known) and not label(count):
                count += 1  # "…, Berlin (PolA AA)", "…, Warsaw", "…, Republic of Poland"
            return head_of(count), rest_from(count)
    for count in range(len(parts) - 1, 0, -1):
        tail = statement[cuts[len(parts) - count] :].strip()
        if known(tail):
            return tail, statement[: ends[len(parts) - count - 1]].strip(" ,:")
    words = parts[0].split(" ") if parts else []
    for count in range(len(words) - 1, 0, -1):
        head = " ".join(words[:count])
        if known(head):
            return head, statement[len(head) :].strip(" ,")
    # Not in the authority data: an archive by its name's own words, never by position alone.
    if parts and has_archive_word(parts[0]) and is_name_shaped(_without_siglum(parts[0]), longest=14):
        count = 1
        while (
            count < len(parts) - 1
            and (_place_of_archive(parts[count], known) or _SIGLUM.match(parts[count]))
            and not label(count)
        ):
            count += 1  # "SED Archives, IfGA, ZPA, J IV 2/202/130": the sub-units' sigla
        rest = rest_from(count)
        # what follows holds no number (sub-units, series names): no call number we can tell
        # apart; it stays in the verbatim citation
        return head_of(count), rest if re.search(r"\d", rest) else ""
    # "Fond 100, op. 50, …, Russian Foreign Ministry archives, Moscow, original in Chinese":
    # the last part that names an archive, after the call number, with its city and country
    # (and a note on the original) after it
    for at in range(len(parts) - 1, 0, -1):
        if has_archive_word(parts[at]) and _archive_shaped(parts[at]):
            after = parts[at + 1 :]
            places = [p for p in after if _place_of_archive(p, known)]
            if all(_place_of_archive(p, known) or _ORIGINAL_NOTE.match(p) for p in after) and (
                re.search(r"\d", statement[: ends[at - 1]])
            ):
                return ", ".join([parts[at], *places]), statement[: ends[at - 1]].strip(" ,:")
            break
    return None


_ORIGINAL_IN = re.compile(r",\s*(?:the\s+)?original\s+in\s+(?P<language>[A-Z][a-z]+)\b")
# "original in Chinese": the citation's note of the original's language, after the archive
_ORIGINAL_NOTE = re.compile(r"^(?:the\s+)?original\s+in\s+(?P<language>[A-Z][a-z]+)$")


# A sentence that opens with a call number: a fond word, a Roman-numbered series, a number.
_CALL_START = re.compile(
    r"^(?:[IVXLC]+-[A-Za-z0-9]|(?:f|fond|fonds|op|opis|d|delo|l|ll|rg|box|file|dosar|sygn|sign)\.?\s*\d|\d)",
    re.I,
)
_SIGLUM = re.compile(r"^[A-Z][A-Za-z]{0,3}[A-Z][A-Za-z]{0,3}$")  # IfGA, ZPA, AMSZ


def _place_of_archive(piece: str, known: Callable[[str], bool]) -> bool:
    """A piece after an archive's name that belongs to the name: its city or country
    (``Warsaw``, ``Republic of Poland``) or its siglum in parentheses (``Berlin (PolA AA)``)."""
    if re.search(r"\d", piece):
        return False
    siglum = re.search(r"\(([^()]+)\)\s*$", piece)
    if siglum and known(siglum.group(1)):
        return True
    words = [w for w in piece.split() if w.casefold() not in ("of", "the")]
    return 0 < len(words) <= 3 and all(w[:1].isupper() and w[1:].islower() for w in words)


def _archive_shaped(name: str) -> bool:
    """A name of an archive by its own words: name-shaped, its archive word in lower case too
    ("Russian Foreign Ministry archives")."""
    capitalised = _ARCHIVE_WORD.sub(lambda m: m.group(0).capitalize(), _without_siglum(name))
    return is_name_shaped(capitalised, longest=14)


def archive_name(span: str, known: Callable[[str], bool]) -> str:
    """The name of an archive a span gives, without the city and country written after it
    (``Diplomatic Archives of … Japan, Tokyo`` -> ``Diplomatic Archives of … Japan``)."""
    parts = [p.strip() for p in re.split(r",\s*(?![^()]*\))", span)]
    while len(parts) > 1 and _place_of_archive(parts[-1], known):
        parts.pop()
    return ", ".join(parts)


def _without_siglum(name: str) -> str:
    return re.sub(r"\s*\([^)]*\)\s*$", "", name)


def credits(sentence: str) -> tuple[list[str], str | None]:
    """The translators a credit sentence names and the language it says they translated from.

    ``Translated by X and Y``, ``Translated for CWIHP from Russian by X``, ``Obtained and
    translated for NPIHP by X``, ``Obtained by X and translated by Y (Affiliation)``,
    ``Contributed by X and translated by Y``. Only name-shaped spans count."""
    names: list[str] = []
    language = None
    for clause in _CLAUSE.split(sentence):
        clause = re.sub(r"^(?:obtained|contributed|provided)\s+and\s+", "", clause.strip(), flags=re.I)
        match = _TRANSLATED.search(clause)
        if not match:
            continue
        language = language or match.group("from")
        for name in _NAME_LIST.split(match.group("names").strip(" .")):
            person, _ = strip_affiliation(name.strip(" .;"))
            person = _ACADEMIC.sub("", person)  # "Assistant Professor Kalina Bratanova"
            if person and is_name_shaped(person, longest=6):
                names.append(person)
    return names, language


_ACADEMIC = re.compile(
    r"^(?:(?:assistant|associate|adjunct|visiting|full)\s+)?(?:professor|prof\.|dr\.|doctor|docent)\s+", re.I
)
_EDITION_PAGES = re.compile(
    r"(?:,\s*|\s+)(?P<pages>(?:pp?\.|p\.)\s*[0-9][0-9\-–, ]*|[0-9]+[-–][0-9]+)\.?\s*$"
)
_EDITION_YEAR = re.compile(r"\((?:[^()]*,\s*)?(?P<year>(?:1[89]|20)\d{2})\)")


def _edition(sentence: str, where: Evidence) -> Edition:
    """A printed edition named inside a citation (``Document No. 7 in Buga (2012), pp. 77-80``,
    ``Published in …``); the text is kept verbatim, with its year and pages where given."""
    from .text import parse_edition  # the "See also" grammar: title in asterisks, editors, place

    if sentence.lower().startswith("see also") or "*" in sentence:
        return parse_edition(sentence, where)
    pages = _EDITION_PAGES.search(sentence)
    year = _EDITION_YEAR.search(sentence)
    work = re.sub(
        r"^(?:published|reprinted|first\s+published|also\s+published|printed|included)\s+(?:in\s+)?",
        "",
        sentence,
        flags=re.I,
    )
    work = re.sub(r"^document\s+(?:no\.?|nr\.?|number)\s*\d+\w*\s+in\s+", "", work, flags=re.I)
    if pages:
        work = work[: max(0, pages.start() - (len(sentence) - len(work)))]
    return Edition(
        citation=sentence,
        evidence=where,
        title=None,
        year=int(year.group("year")) if year else None,
        pages=collapse(pages.group("pages")).rstrip(" ,.") if pages else None,
        work=collapse(work).strip(" ,.") or None,
    )
