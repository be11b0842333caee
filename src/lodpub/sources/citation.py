"""The citation grammar: one parser for the citations both layouts give.

A citation is read into segments: the cited title, the date, the record's publisher (the digital
archive that publishes the record, never the archive), archival statements (an archive and its
call number; several archives are several statements), printed editions, translator credits,
acquisition notes, and the record URL. A segment that fits none of these is kept verbatim and
reported: it never becomes an entity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Edition, Evidence, Holding, Value
from ..textutil import collapse
from .archival import CALL_START, has_archive_word, is_siglum, looks_archival
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
    "st cde cdes tov gen col lt jr sr ph inv cat ser doc docs art fasc sv ibid e g i dept".split()
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
    r"|^included\s+in\s+(?:the\s+)?(?:document\s+reader|reader|collection|volume|book|documentary|"
    r"(?:(?:CWIHP|NKIDP|NPIHP)\s+)?(?:e-dossier|working\s+paper|bulletin)\b)"
    # "Protokoły posiedzeń …, edited by A. Kochański, pp. 71-77": an edited volume and its pages
    r"|,\s*edited\s+by\s+[^,]+,\s*(?:et\s+al\.?,\s*)?(?:vol\.?\s*\d+,\s*)?pp?\.\s*\d"
    # 'A. Werblan, "Tajemne karty …," Dziś': an author and an article's quoted title
    r"|^(?:[A-Z]\.\s*)+[A-Z][\w\-]+,\s*[\"“][^\"”]+[\"”]"
    r"|\bin\s+[^()]*\(\s*(?:1[89]|20)\d{2}\s*\)"
    r"|\(\s*[^():]+:\s*[^()]+,\s*(?:1[89]|20)\d{2}\s*\)"
    r"|\*[^*]+\*",
    re.I,
)
# "ZX vol. 4, p. 509", "Zhou Enlai nianpu, 1949-1976, vol 1, p. 367": a printed work's volume and
# page, where no archive's word and no file's word is
_VOLUME_PAGE = re.compile(r"\bvol\.?\s*\d+[a-z]?,\s*pp?\.\s*\d+(?:\s*[-–]\s*\d+)?$", re.I)
_FILE_WORD = re.compile(
    r"(?:^|[\s,(])(?:f|ff|fond|fonds|fund|op|opis|d|delo|l|ll|list|listy|file|dosar|folder|box|sygn|inv|k)"
    r"\.?\s*\d",
    re.I,
)
_REEL = re.compile(r"\b(?:microfilm|microfiche)\b.*\b(?:reel|roll|fiche)\s+\d", re.I)
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
    # "…/1953 8.d.Translated by …": a credit run on after a stop with no space
    rest = re.sub(r"(?<=\w)\.(?=(?:Translated|Obtained|Contributed|Provided|Donated)\b)", ". ", rest)
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
    pieces = [
        part
        for whole_sentence in sentences(rest)
        for piece in _credit_apart(whole_sentence)
        for bit in _edition_apart(piece)
        for part in _label_apart(bit)
    ]
    for sentence in pieces:
        holding = False
        if (
            edition_text is not None
            and not _CREDIT.search(sentence)
            and not _EDITION_START.match(sentence)
            and not _FURTHER_HOLDING.match(sentence)
        ):
            edition_text = f"{edition_text}. {sentence}"  # "''April 1964. Bucharest Spring. How did …"
            editions[-1] = _edition(edition_text, where)
        elif _EDITION.search(sentence) or (
            _VOLUME_PAGE.search(sentence)
            and not _FILE_WORD.search(sentence)
            and not has_archive_word(sentence)
        ):
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
        elif last_holding and _REEL.search(sentence) and not has_archive_word(sentence):
            # "RGANI, f. 5, op. 28, d. 347. Department for …, 1953-1957, microfilm, reel 83": the
            # microfilm the file was read on, part of its call number
            holdings[-1] = Holding(f"{holdings[-1].text}. {sentence}", where, also=holdings[-1].also)
            holding = True
        elif (
            last_holding
            and is_siglum(holdings[-1].text)
            and re.search(r"\d", sentence)
            and not has_archive_word(sentence)
            and not _FURTHER_HOLDING.match(sentence)
        ):
            # "AAN. KC PZPR, 2727, k. 113-20": the archive's siglum alone, then its call number
            archive = holdings[-1].text
            holdings[-1] = Holding(f"{archive}. {sentence}", where, archive, sentence, holdings[-1].also)
            holding = True
        elif last_holding and CALL_START.match(sentence) and not has_archive_word(sentence):
            # "Hungarian National Archives (…, MOL). XIX-J-1-j India, 1983, …": the call number
            # of the archive just named, after a full stop
            holdings[-1] = Holding(f"{holdings[-1].text}. {sentence}", where)
            holding = True
        else:
            for statement in _statements(sentence):
                if looks_archival(statement):
                    also = bool(_FURTHER_HOLDING.match(sentence.strip()))
                    holdings.append(Holding(statement, where, also=also))
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
    for match in re.finditer(r"\.(?P<quote>[\"”’]?)(?=\s+[^\s\d(])|\.\s*$", text):
        after = text[match.end() :].lstrip()
        if after[:1].islower():
            continue  # "32/1981/60. ő. e.": a lower-case word after a stop goes on the sentence
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
    r"[,;]\s*(?=(?:obtained|translated|translation|contributed|provided|donated|compiled|edited|transcribed|selected)\b"
    r"[^,]*\bby\s)"
    r"|(?:(?<=[.!?][\"'”’])|(?<=[.!?][\"'”’][\"'”’]))\s+(?=(?:Obtained|Translated|Contributed|Provided|Donated)\b)"
    # "… f. 5./791.o.e. Translated for CWIHP by …": a stop after an abbreviation, then a credit
    r"|(?<=\.)\s+(?=(?:Obtained|Translated|Contributed|Provided|Donated)\b[^.]*\bby\s)",
    re.I,
)


def _credit_apart(sentence: str) -> list[str]:
    """``AMSZ, Warsaw, 6/77, 1963: w-96, t-1368, obtained and translated by X``: the archival
    statement and the credit clause after it, apart."""
    match = _CREDIT_CLAUSE.search(sentence)
    if match is None or not match.start() or _CREDIT.search(sentence[: match.start()]):
        return [sentence]
    edited = re.match(r"[,;]\s*edited\b", sentence[match.start() :], re.I)
    if edited and (_EDITION_START.match(sentence) or _EDITION.search(sentence)):
        return [sentence]  # "Also published in …, edited by Ioan Romulus Budura, (Bucharest, 2005)"
    return [sentence[: match.start()].strip(), sentence[match.end() :].strip()]


# "Also available at the Diplomatic Archives of …", "Original available in the …", "On file at
# the …": a further holding, named after the phrase
_FURTHER_HOLDING = re.compile(
    r"^(?:(?:a\s+)?cop(?:y|ies)\s+|also\s+|(?:the\s+)?originals?\s+(?:is\s+|are\s+)?)?"
    r"(?:available|held|kept|on\s+file)\s+(?:at|in)\s+",
    re.I,
)
# "Notes by O.A. Westad at TsKhSD, f. 5, …", "Notes of O.A. Westad, TsKhSD, …": a researcher's
# notes of an archive's file; the archive and its call number follow
_NOTES_OF = re.compile(
    r"^(?i:(?:working|research|handwritten)\s+)?(?i:notes)\s+(?:taken\s+)?(?:by|of)\s+"
    r"(?:[A-Z]\.\s*)*[A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-]+)?(?:\s+(?:at|in)\s+|\s*,\s*)(?=[A-Z])"
)
# ", first published in CWIHP Special Working Paper 1" after a call number: the edition, apart
_EDITION_CLAUSE = re.compile(r",\s*(?=(?:first\s+|also\s+)?(?:published|reprinted)\s+in\b)", re.I)


def _edition_apart(sentence: str) -> list[str]:
    """``TsKhSD, f. 89, op. 42, d. 59, first published in CWIHP Special Working Paper 1``: the
    archival statement and the edition named after it, apart."""
    match = _EDITION_CLAUSE.search(sentence)
    head = sentence[: match.start()].strip() if match else ""
    if match is None or not head or _EDITION.search(head) or not looks_archival(head):
        return [sentence]
    return [head, sentence[match.end() :].strip()]


def _statements(sentence: str) -> list[str]:
    """A sentence as an archival statement; several archives in it are told apart in the
    mapping (``split_holdings``), where the archives are known."""
    sentence = _FURTHER_HOLDING.sub("", sentence.strip())
    sentence = _NOTES_OF.sub("", sentence)
    return [sentence.strip()] if sentence.strip() else []


_ORIGINAL_IN = re.compile(r",\s*(?:the\s+)?original\s+in\s+(?P<language>[A-Z][a-z]+)\b")


def credits(sentence: str) -> tuple[list[str], str | None]:
    """The translators a credit sentence names and the language it says they translated from.

    ``Translated by X and Y``, ``Translated for CWIHP from Russian by X``, ``Obtained and
    translated for NPIHP by X``, ``Obtained by X and translated by Y (Affiliation)``,
    ``Contributed by X and translated by Y``. Only name-shaped spans count."""
    names: list[str] = []
    language = None
    for clause in _CLAUSE.split(sentence):
        clause = re.sub(r"^(?:obtained|contributed|provided)\s+and\s+", "", clause.strip(), flags=re.I)
        match = _TRANSLATED.search(clause) or _TRANSLATOR_LABEL.match(clause)
        if not match:
            continue
        language = language or match.groupdict().get("from")
        for name in _NAME_LIST.split(match.group("names").strip(" .")):
            person, _ = strip_affiliation(name.strip(" .;[]"))  # "… Cristoloveanu.]": a stray bracket
            person = _ACADEMIC.sub("", person)  # "Assistant Professor Kalina Bratanova"
            person = _FOR_BODY.sub("", person)  # "Gary Goldberg for CWIHP": the body it was done for
            if person and is_name_shaped(person, longest=6):
                names.append(person)
    return names, language


# "English translation: Dwight E. Langston": the credit as a label, maybe run on after an edition
_TRANSLATION_LABEL = re.compile(r"\s+(?=(?:[A-Z][a-z]+\s+)?[Tt]ranslation\s*:\s)")


def _label_apart(sentence: str) -> list[str]:
    """``Published in: Berliner Ausgabe, vol. 10 English translation: X``: the edition and the
    translator's credit run on after it, apart."""
    match = _TRANSLATION_LABEL.search(sentence)
    if match is None or not match.start():
        return [sentence]
    return [sentence[: match.start()], sentence[match.end() :]]


_TRANSLATOR_LABEL = re.compile(r"^(?:[A-Z][a-z]+\s+)?translation\s*:\s*(?P<names>.+)$", re.I)
_FOR_BODY = re.compile(r"\s+for\s+(?:the\s+)?[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*)*$")
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
