"""Reader tests over letters written for the purpose, in both layouts."""

from __future__ import annotations

from pathlib import Path

import pytest

from lodpub.model import Basis, Evidence
from lodpub.sources import letter_id, read_letter
from lodpub.sources.callnumbers import read_call_number
from lodpub.sources.citation import credits, read_citation
from lodpub.sources.dates import parse_date

from .conftest import CORPUS, LETTERS

HERE = Evidence(1, "test")


def test_php_seed_fields() -> None:
    letter = read_letter(CORPUS / "letters" / "1958-04-17-cpsu-rwp-troops.txt")
    assert letter.layout == "php"
    assert letter.title.text.startswith("Letter from First Secretary of the CC of the CPSU")
    assert (letter.date.iso, letter.date.evidence.line) == ("1958-04-17", 3)
    assert letter.place is not None and letter.place.text == "Moscow"
    assert [s.text for s in letter.senders] == [
        "First Secretary of the CC of the CPSU N. Khruschev",
        "First Secretary of the CC of the CPSU (N.S. Khrushchev)",
    ]
    assert [s.evidence.basis for s in letter.senders] == [Basis.STATED, Basis.INFERRED]
    assert letter.addressees[0].text.endswith("Comrade Gheorghe Gheorghiu-Dej")
    assert [t.text for t in letter.translators] == ["Delia Razdolescu"]
    assert not letter.original_languages  # the source does not say; never guessed
    ref = letter.archival
    assert ref is not None
    assert [h.text for h in ref.holdings] == [
        "National Central Historical Archives, Fund CC of the RCP - Foreign Relations Section, "
        "File 9U/1956-1958, pp. 227-228"
    ]
    assert ref.evidence.line == 29
    assert letter.rights is not None and letter.rights.text.startswith("Copyright 1999-2006")
    assert letter.rights.text.endswith('on behalf of the PHP network."')
    assert "Copyright" not in letter.body and "[Source" not in letter.body
    assert letter.body.startswith("Dear Comrades,")
    assert letter.body.endswith("tell us your opinion in this matter.")
    (edition,) = letter.editions
    assert edition.title == "România. Retragerea trupelor sovietice.1958"
    assert edition.title_translated == "Romania, Withdrawal of Soviet Troops. 1958"
    assert (edition.year, edition.pages, edition.place) == (1996, "pp. 273-274", "Bucharest")
    assert edition.editors == ("Prof. Ioan Scurtu, Ph.D",)


def test_wilson_seed_fields() -> None:
    letter = read_letter(CORPUS / "letters" / "1958-09-09-cpsu-rwp-advisors.txt")
    assert letter.layout == "wilson"
    assert letter.title.text == (
        "Letter addressed by the CC of the CPSU to the CC of the RWP on the recall of Soviet "
        "advisors from Romania"
    )
    assert letter.title.evidence.line == 5
    assert (letter.date.iso, letter.date.label, letter.date.evidence.line) == (
        "1958-09-09",
        "September 9, 1958",
        3,
    )
    assert letter.place is None
    assert [s.text for s in letter.senders] == ["The Central Committee of the CPSU", "the CC of the CPSU"]
    assert [a.text for a in letter.addressees] == [
        "THE CENTRAL COMMITTEE OF THE ROMANIAN WORKERS' PARTY",
        "the CC of the RWP",
    ]
    assert [v.text for v in letter.original_languages] == ["Romanian"]
    assert letter.original_languages[0].evidence.line == 17
    assert letter.translation_language is not None
    assert letter.translation_language.text == "English"
    assert letter.translation_language.evidence.basis is Basis.STATED
    assert letter.record_url is not None
    assert letter.record_url.text == "https://wilson-center-digital-archive.dvincitest.com/document/110474"
    assert letter.publisher is not None and letter.publisher.text == "Wilson Center Digital Archive"
    ref = letter.archival
    assert ref is not None
    assert ref.citation.startswith('"Letter addressed by')  # verbatim, whole block
    assert [h.text for h in ref.holdings] == [
        "Central Historical National Archives, Fund CC of the RCP - Foreign Relations Section, File 6/1955, pp. 719-720"  # noqa: E501
    ]
    assert letter.body.startswith("TO THE CENTRAL") is False
    assert letter.body.startswith("Dear Comrades,")
    assert "September 9, 1958" not in letter.body.splitlines()[-1]


def test_crlf_diacritics_special_title_two_translators() -> None:
    letter = read_letter(LETTERS / "php-crlf-two-translators.txt")
    assert letter.title.text == (
        'Letter from Gheorghe Gheorghiu-Dej to N.S. Khrushchev on the "Friendship & Cooperation" '
        "<Treaty> {draft} \\ annex"
    )
    assert letter.date.iso == "1958-06-26"
    assert [t.text for t in letter.translators] == ["Ioana Popescu", "Mircea Munteanu"]
    assert "Ştefan Ţăranu" in letter.body and "\r" not in letter.body
    assert letter.addressees[1].text == "N.S. Khrushchev"
    ref = letter.archival
    assert ref is not None
    call = read_call_number(ref.holdings[0].text.split(", ", 1)[1])
    assert (call.fonds, call.file, call.pages) == (
        "Fond CC of the RCP - Chancellery",
        "Dosar 12/1958",
        "ff. 3-5",
    )


def test_russian_archive_cyrillic_signature_rights() -> None:
    letter = read_letter(LETTERS / "php-russian-archive.txt")
    assert letter.senders[0].text == "Н.С. Хрущев"
    ref = letter.archival
    assert ref is not None
    call = read_call_number(ref.holdings[0].text.split(", ", 1)[1])
    assert (ref.holdings[0].text.split(", ")[0], call.fonds, call.file, call.pages) == (
        "RGANI",
        "f. 3",
        "op. 14, d. 227",
        "ll. 12-14",
    )
    assert letter.rights is not None and letter.rights.evidence.line == 11


def test_month_date_no_translator_nara() -> None:
    letter = read_letter(LETTERS / "php-nara-month-no-translator.txt")
    assert (letter.date.iso, letter.date.month, letter.date.day) == ("1958-04", 4, None)
    assert letter.translators == () and letter.translation_language is None
    ref = letter.archival
    assert ref is not None
    call = read_call_number(ref.holdings[0].text.split(", ", 1)[1])
    assert (call.fonds, call.file) == ("RG 59, Central Decimal File 1955-59", "Box 2815")


def test_wilson_wrapped_title_day_month_date_russian_original() -> None:
    letter = read_letter(LETTERS / "wilson-russian-two-translators.txt")
    assert letter.title.text == "Letter from N.S. Khrushchev to Gheorghe Gheorghiu-Dej on the Warsaw Treaty"
    assert letter.title.evidence.line == 3
    assert letter.date.iso == "1958-09-09" and letter.date.label == "9 September 1958"
    assert [v.text for v in letter.original_languages] == ["Russian"]
    assert [t.text for t in letter.translators] == ["Gary Goldberg", "Svetlana Savranskaya"]
    assert letter.senders[0].text == "N. Khrushchev"  # the closing date line is not signature
    ref = letter.archival
    assert ref is not None
    call = read_call_number(ref.holdings[0].text.split(", ", 1)[1])
    assert (call.fonds, call.file, call.pages) == ("f. 3", "op. 12, d. 1005", "ll. 5-7")


def test_wilson_english_original_unrecognised_citation_kept() -> None:
    letter = read_letter(LETTERS / "wilson-english-original.txt")
    assert letter.translation_language is None and letter.translators == ()
    assert letter.date.iso == "1958-10"
    ref = letter.archival
    assert ref is not None
    assert [h.text for h in ref.holdings] == ["The National Archives of the UK, FO 371/135001"]
    assert "FO 371/135001" in ref.citation  # never dropped


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Moscow, 17 April 1958", "1958-04-17"),
        ("September 9, 1958", "1958-09-09"),
        ("9 September 1958", "1958-09-09"),
        ("9th September, 1958", "1958-09-09"),
        ("Sept. 9, 1958", "1958-09-09"),
        ("17.04.1958", "1958-04-17"),
        ("1958-04-17", "1958-04-17"),
        ("April 1958", "1958-04"),
        ("17 апреля 1958", "1958-04-17"),
        ("17 aprilie 1958", "1958-04-17"),
        ("31 February 1958", None),
        ("no date here", None),
    ],
)
def test_dates(text: str, iso: str | None) -> None:
    found = parse_date(text, HERE)
    assert (found.iso if found else None) == iso


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Translated by Delia Razdolescu", ["Delia Razdolescu"]),
        ("Translated by A. One and B. Two", ["A. One", "B. Two"]),
        ("Translated by Ann Bee, Cee Dee and Ef Gee", ["Ann Bee", "Cee Dee", "Ef Gee"]),
        ("Translation by Ioana Popescu", ["Ioana Popescu"]),
        ("Translated for CWIHP by Gary Goldberg", ["Gary Goldberg"]),
        ("Translated for CWIHP from Russian by Gary Goldberg", ["Gary Goldberg"]),
        ("Translated for NKIDP by Eliza Gheorghe", ["Eliza Gheorghe"]),
        ("Obtained and translated for NPIHP by Balazs Szalontai", ["Balazs Szalontai"]),
        (
            "Obtained by Béla Révész and translated by Margaret K. Gnoinska (Troy University)",
            ["Margaret K. Gnoinska"],
        ),
        ("Contributed by Sergey Radchenko and translated by Gary Goldberg", ["Gary Goldberg"]),
        ("Obtained through CIA mandatory declassification review", []),
    ],
)
def test_translators(text: str, names: list[str]) -> None:
    assert credits(text)[0] == names


def test_citation_without_pattern_keeps_archive_and_text() -> None:
    citation = read_citation("Archive of the Ministry, some shelf mark 12", HERE, cited=False)
    assert [h.text for h in citation.holdings] == ["Archive of the Ministry, some shelf mark 12"]
    assert citation.text == "Archive of the Ministry, some shelf mark 12"


@pytest.mark.parametrize(
    ("name", "ident"),
    [("1958-04-17 CPSU to RWP.txt", "1958-04-17-cpsu-to-rwp"), ("Ab__C.txt", "ab-c"), ("ÄÖ.txt", "")],
)
def test_letter_ids(name: str, ident: str) -> None:
    assert letter_id(Path(name)) == ident
