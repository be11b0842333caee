"""Real records (tests/real): the fidelity bench, and reader tests for each class of variation
the records show (dates, citations, call numbers, credits, parties, signatures, languages)."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path

import pytest

from lodpub.authorities import Authorities, Entity
from lodpub.model import Basis, Evidence, Value
from lodpub.sources.archival import split_holdings, split_statement
from lodpub.sources.callnumbers import read_call_number
from lodpub.sources.citation import read_citation
from lodpub.sources.dates import is_unknown, parse_date
from lodpub.sources.parties import signature
from lodpub.sources.titles import title_parties

from .conftest import CORPUS

LODPUB = "https://w3id.org/lodpub/ns#"

HERE = Evidence(1, "test")
REAL = Path(__file__).parent / "real"


def cite(text: str):  # type: ignore[no-untyped-def]
    """A Wilson Center citation read as the reader reads it."""
    return read_citation(text, HERE, cited=True)


def _fidelity():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "fidelity", Path(__file__).parents[1] / "bench" / "fidelity.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["fidelity"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("folder", "count", "floor"), [(REAL, 161, 0.96), (Path(__file__).parent / "holdout", 24, 0.98)]
)
def test_real_records_nothing_wrong_or_invented(folder: Path, count: int, floor: float) -> None:
    """The development set, and the second set (tests/holdout, measured blind before the readers
    were mended for the classes it showed): nothing wrong, nothing invented, and right at the
    floor measured (the development set's fell from 98% to 96% when the fifth and sixth sets
    joined it with the values lodpub still misses)."""
    scores, built, letters = _fidelity().run(folder)
    assert built == letters == count
    notes = [n for s in scores.values() for n in s.notes if "wrong" in n or "invented" in n]
    assert sum(s.wrong + s.invented for s in scores.values()) == 0, notes
    right = sum(s.right for s in scores.values())
    stated = sum(s.stated for s in scores.values())
    assert right / stated >= floor, [n for s in scores.values() for n in s.notes]


def test_the_fidelity_history_records_one_blind_score_a_batch(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """`--record NAME --blind` appends the batch's first score; a second blind one is refused;
    `--history` prints them all, the shipped history's blind holdout score among them."""
    fidelity = _fidelity()
    shipped = fidelity.read_history(fidelity.HISTORY)
    assert {"batch": "holdout", "blind": True, "right": 157, "stated": 174}.items() <= shipped[0].items()
    history = tmp_path / "history.toml"
    history.touch()
    total = Counter(right=29, stated=30, missing=1, wrong=0, invented=0)
    fidelity.record(history, "b1", True, REAL, total, 3, 3)
    fidelity.record(history, "b1", False, REAL, Counter(right=30, stated=30), 3, 3)
    with pytest.raises(SystemExit, match="already has its blind score"):
        fidelity.record(history, "b1", True, REAL, total, 3, 3)
    fidelity.record(history, "b2", False, REAL, total, 3, 3)
    with pytest.raises(SystemExit, match="was scored before"):  # a batch looked at is not blind
        fidelity.record(history, "b2", True, REAL, total, 3, 3)
    entries = fidelity.read_history(history)
    assert [(e["batch"], e["blind"], e["right"], e["corpus"]) for e in entries] == [
        ("b1", True, 29, "tests/real"),
        ("b1", False, 30, "tests/real"),
        ("b2", False, 29, "tests/real"),
    ]
    fidelity.print_history(entries)
    lines = capsys.readouterr().out.splitlines()
    assert "b1" in lines[1] and "blind" in lines[1] and "29/30" in lines[1] and "96.7%" in lines[1]
    assert "blind" not in lines[2]


@pytest.mark.parametrize(
    ("text", "iso", "precision"),
    [
        ("September 9, 1958", "1958-09-09", "day"),
        ("November 03, 1962", "1962-11-03", "day"),
        ("July, 1964", "1964-07", "month"),
        ("1961", "1961", "year"),
        ("10 Jul 1963", "1963-07-10", "day"),
        ("3-10 March 1964", "1964-03-03/1964-03-10", "range"),
        ("March 3-10, 1964", "1964-03-03/1964-03-10", "range"),
        ("16.XII.1947", "1947-12-16", "day"),
        ("24.III.50", "1950-03-24", "day"),
        ("1958-1959", "1958/1959", "range"),
        ("[March 1958]", "1958-03", "month"),
    ],
)
def test_date_grammar(text: str, iso: str, precision: str) -> None:
    found = parse_date(text, HERE, whole=True)
    assert found is not None and (found.iso, found.precision) == (iso, precision)


def test_dates_unknown_bracketed_and_not_dates() -> None:
    assert is_unknown("[date unknown]") and is_unknown("Undated") and not is_unknown("1961")
    bracketed = parse_date("[March 1958]", HERE, whole=True)
    assert bracketed is not None and bracketed.evidence.basis is Basis.INFERRED
    assert parse_date("Ciphered Telegram No. 192", HERE, whole=True) is None
    assert parse_date("31 February 1958", HERE, whole=True) is None
    assert parse_date("Report 1961 on trade", HERE, whole=True) is None  # a year inside words is no date line


def test_site_style_citation_segments() -> None:
    text = (
        "“Report, Embassy of Hungary in North Korea to the Hungarian Foreign Ministry,” 1961, History and Public "  # noqa: E501
        "Policy Program Digital Archive, MOL, XIX-J-1-j Korea, 4. doboz, 5/a, 004076/ 1955. Translated for NKIDP "  # noqa: E501
        "by Balazs Szalontai. https://digitalarchive.wilsoncenter.org/document/113395"
    )
    citation = read_citation(text, HERE, cited=True)
    assert citation.title == "Report, Embassy of Hungary in North Korea to the Hungarian Foreign Ministry"
    assert citation.date == "1961"
    assert citation.publisher == "History and Public Policy Program Digital Archive"
    assert [h.text for h in citation.holdings] == ["MOL, XIX-J-1-j Korea, 4. doboz, 5/a, 004076/ 1955"]
    assert [t.text for t in citation.translators] == ["Balazs Szalontai"]
    assert citation.url == "https://digitalarchive.wilsoncenter.org/document/113395"
    assert not citation.unrecognised


def test_acquisition_notes_and_editions_are_no_archives() -> None:
    citation = cite(
        '"A title", 1961, Wilson Center Digital Archive, Obtained through CIA mandatory declassification review. '  # noqa: E501
        "Document No. 7 in Buga (2012), pp. 77-80."
    )
    assert citation.holdings == ()
    assert citation.notes == ("Obtained through CIA mandatory declassification review",)
    (edition,) = citation.editions
    assert (edition.work, edition.year, edition.pages) == ("Buga (2012)", 2012, "pp. 77-80")


def test_several_archives_in_one_citation() -> None:
    authorities = Authorities.load(CORPUS / "authorities.toml")
    known = lambda span: authorities.archive(span) is not None  # noqa: E731
    text = "APRF, f. 45, op. 1, d. 342, l. 78; AVPRF, f. 059a, op. 5a, d. 5, p. 11, l. 80; and RGASPI, f. 558, op. 11"  # noqa: E501
    assert split_holdings(text, known) == [
        "APRF, f. 45, op. 1, d. 342, l. 78",
        "AVPRF, f. 059a, op. 5a, d. 5, p. 11, l. 80",
        "RGASPI, f. 558, op. 11",
    ]
    assert split_holdings("APRF, Fond 45, List 122 and AVPRF, Fond 059a", known) == [
        "APRF, Fond 45, List 122",
        "AVPRF, Fond 059a",
    ]
    # a semicolon inside one archive's call number stays
    assert (
        len(
            split_holdings(
                "Archive of the Romanian Ministry of Foreign Affairs, Year: 1954; Issues 20", known
            )
        )
        == 1
    )
    assert split_statement("Modern Records Archives (AAN), Warsaw, KC PZPR, XIA/103, k. 521-22", known) == (
        "Modern Records Archives (AAN), Warsaw",
        "KC PZPR, XIA/103, k. 521-22",
    )
    assert split_statement("Report", known) is None  # never an archive by position alone
    assert split_statement("1961", known) is None


def test_call_number_grammar() -> None:
    call = read_call_number(
        "Fond C.C. al P.C.R., Secţia Relaţii Externe, dosar 35/1964, vol. II, filele 1-237"
    )
    assert [k for k, _ in call.parts] == ["fond", "part", "file", "volume", "leaf"]
    assert (call.fonds, call.file, call.pages) == (
        "Fond C.C. al P.C.R., Secţia Relaţii Externe",
        "dosar 35/1964",
        "filele 1-237",
    )
    call = read_call_number("Fond 059a, Opis 5a, Delo 5, Papka 11, List 80")
    assert [k for k, _ in call.parts] == ["fond", "opis", "delo", "papka", "leaf"]
    assert [k for k, _ in read_call_number("XIX-J-1-j Korea, 4. doboz, 5/a").parts] == ["part", "box", "part"]


@pytest.mark.parametrize(
    ("title", "senders", "addressees"),
    [
        ("Letter from X to Y on trade", [], []),  # single letters are no names
        (
            "Letter addressed by the CC of the CPSU to the CC of the RWP on advisors",
            ["the CC of the CPSU"],
            ["the CC of the RWP"],
        ),
        ("Telegram, Shtykov to Vyshinsky", ["Shtykov"], ["Vyshinsky"]),
        (
            "Ciphered Telegram No. 709, Filippov [Stalin] to Krasovsky, for Mao Zedong",
            ["Filippov [Stalin]"],
            ["Krasovsky", "Mao Zedong"],
        ),
        (
            "Report, Embassy of Hungary in North Korea to the Hungarian Foreign Ministry",
            ["Embassy of Hungary in North Korea"],
            ["the Hungarian Foreign Ministry"],
        ),
        ("Memorandum of Conversation between Mao Zedong and Nikita Khrushchev", [], []),
        (
            "Letter to the Deputy Chairman of the Soviet Committee of the MGG, Prof. Pushkov",
            [],
            ["Prof. Pushkov"],
        ),
        (
            "Letter from Governor Sheng to Cdes. Stalin, Molotov, and Voroshilov",
            ["Governor Sheng"],
            ["Stalin", "Molotov", "Voroshilov"],
        ),
        (
            "Letter on the proposal made by the Soviet Union to withdraw its troops from Romania",
            [],
            [],
        ),
        (
            "Cable, Stalin [Kuznetsov] to Mao Zedong [via Terebin]",
            ["Stalin [Kuznetsov]"],
            ["Mao Zedong", "Terebin"],
        ),
        # a mission "to" somewhere: the first "to" is part of its name
        (
            "Report, Permanent Mission of Hungary to the International Organizations in Vienna to the "
            "Hungarian Foreign Ministry",
            ["Permanent Mission of Hungary to the International Organizations in Vienna"],
            ["the Hungarian Foreign Ministry"],
        ),
        # a part of the document, a count, "by X" after "to Y on …", a sub-title after " - "
        (
            "Excerpts of Report to the Hungarian Politburo on the PCC Meeting by the First Secretary of the "
            "MSzMP (János Kádár)",
            ["the First Secretary of the MSzMP (János Kádár)"],
            ["the Hungarian Politburo"],
        ),
        (
            "Reports (3) by Hungarian Deputy Foreign Minister István Roska on the Meeting of the Warsaw Pact",
            ["Hungarian Deputy Foreign Minister István Roska"],
            [],
        ),
        (
            "Minutes of the BCP CC Plenum - Report on the PCC Meeting by the Deputy Head of State (Stanko Todorov)",  # noqa: E501
            ["the Deputy Head of State (Stanko Todorov)"],
            [],
        ),
        (
            "Report of the Secretary General of the CC CPSU (Leonid I. Brezhnev) at the WP Leaders' Meeting",
            ["the Secretary General of the CC CPSU (Leonid I. Brezhnev)"],
            [],
        ),
        # an agency's digest, "distributed to" a list of people
        (
            "TASS Digest Distributed to Cde. I.V. Stalin and Cde. C.M. Molotov, 'The Anti-Soviet Fabrications'",  # noqa: E501
            ["TASS"],
            ["Cde. I.V. Stalin", "Cde. C.M. Molotov"],
        ),
        # the topic after a comma is no part of the sender; the editors' numbering names no one
        (
            "Cryptogram No 1144 from Polish Embassy in Bucharest, Romania Strengthening Relations with the USSR",  # noqa: E501
            ["Polish Embassy in Bucharest"],
            [],
        ),
        (
            "Secret Telegram from Maneli (Hanoi) to Spasowski-Morski (Warsaw) [Ciphergram No. 3175]",
            ["Maneli (Hanoi)"],
            ["Spasowski-Morski (Warsaw)"],
        ),
        # a report *on* a meeting names no party; a title of Title Case words is no party either
        ("Czechoslovak Report on the PCC Meeting in Warsaw", [], []),
        # a body and, in brackets, who signed for it: both parties; the body's city is neither
        (
            "Telegram from the Brazilian Embassy in Washington (Campos), 5 p.m., Wednesday",
            ["the Brazilian Embassy in Washington", "Campos"],
            [],
        ),
        (
            "Cable from Dutch Embassy, Washington (Van Roijen), 1 November 1962",
            ["Dutch Embassy", "Van Roijen"],
            [],
        ),
        # a role with the person in brackets stays one person (names.bracketed_identity)
        (
            "Letter from First Secretary of the PZPR (Władysław Gomułka) to Nicolae Ceaușescu",
            ["First Secretary of the PZPR (Władysław Gomułka)"],
            ["Nicolae Ceaușescu"],
        ),
    ],
)
def test_title_parties(title: str, senders: list[str], addressees: list[str]) -> None:
    found = title_parties(Value(title, HERE))
    assert ([v.text for v in found[0]], [v.text for v in found[1]]) == (senders, addressees)
    assert all(v.evidence.basis is Basis.INFERRED for v in (*found[0], *found[1]))


@pytest.mark.parametrize(
    ("lines", "name"),
    [
        (["24.III.50 Shtykov"], "Shtykov"),
        (["Kuznetsov 16.XII.1947"], "Kuznetsov"),
        (["S H T Y K O V"], "SHTYKOV"),
        (["FILIPPOV", "Confirm receipt.", "No. 72/III"], "FILIPPOV"),
        (["The Central Committee of the CPSU", "September 9, 1958"], "The Central Committee of the CPSU"),
        (["N. Khruschev", "We look forward to your answer and remain ready to talk."], "N. Khruschev"),
    ],
)
def test_signatures_are_name_spans(lines: list[str], name: str) -> None:
    found = signature([(n, text) for n, text in enumerate(lines, start=10)])
    assert found is not None and found.text == name


def test_every_language_through_the_library() -> None:
    authorities = Authorities.load(CORPUS / "authorities.toml")
    for name, code, iso1 in [
        ("Chinese", "ZHO", "zh"),
        ("German", "DEU", "de"),
        ("Polish", "POL", "pl"),
        ("Hungarian", "HUN", "hu"),
        ("Bulgarian", "BUL", "bg"),
        ("Czech", "CES", "cs"),
        ("Korean", "KOR", "ko"),
        ("Vietnamese", "VIE", "vi"),
        ("Romanian", "RON", "ro"),
    ]:
        found = authorities.language(name)
        assert found is not None and (found.key, found.code) == (code, iso1), name
    assert authorities.language("Original Scan") is None
    assert authorities.language("RON") is not None and authorities.language("RON").wikidata == "Q7913"  # type: ignore[union-attr]


def test_archives_table_sigla_and_ambiguity() -> None:
    authorities = Authorities.load(CORPUS / "authorities.toml")
    for span, key in [
        ("APRF", "aprf"),
        ("AP RF", "aprf"),
        ("SAPMO-BArch", "sapmo-barch"),
        ("Modern Records Archives (AAN)", "aan"),
    ]:
        found = authorities.archive(span)
        assert found is not None and found.key == key, span
    assert authorities.archive("AMAE") is None  # Romania's and France's: ambiguous, names neither
    assert authorities.archive("ANIC") is not None and authorities.archive("ANIC").key == "anic"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("lines", "place", "basis"),
    [
        (["Appendix 1", "Pyongyang, 19 October 1986", "", "The talks open."], "Pyongyang", Basis.STATED),
        (["The author reads the questions.", "", "Budapest, 1972 July 1."], "Budapest", Basis.STATED),
        (["Cryptogram No 1144", "from Bucharest, on Feb 1st, 1972", "", "Text."], "Bucharest", Basis.STATED),
        (["From BEIJING No. 1309 20 hours 05", "minutes, 13.1.1951", "", "Text."], "BEIJING", Basis.STATED),
        (["FROM: PYONGYANG", "", "Text."], "PYONGYANG", Basis.STATED),
        (["From Pyongyang.", "", "Text."], "Pyongyang", Basis.STATED),
        # a header naming a person, not a city, is no place
        (["FROM: SHTYKOV", "", "Text."], None, None),
        (["From Comrade Kim", "", "Text."], None, None),
        # the third set's class: sending verbs, "Sent:" labels, a country, the editors' note marks
        (["Dispatched from Havana on 10.31.1962 at 13:30"], "Havana", Basis.STATED),
        (["Dispatched from Washington, D.C., on 11.03.1962 at 16:00"], "Washington", Basis.STATED),
        (["Transmitting from Havana 10/25/1962 13:58"], "Havana", Basis.STATED),
        (["From Pyongyang.Sent 31.8.50 11:32"], "Pyongyang", Basis.STATED),
        (["Sent: China 03:58 Year Month 24"], "China", Basis.STATED),
        (["Beijing, 29 June 1968[1]"], "Beijing", Basis.STATED),
        (["Pyongyang, on 4 October 1961"], "Pyongyang", Basis.STATED),
        # traps: where it was received, an address, a person after "Sent:", no verb at all
        (["Received in Tokyo 10/26/11:54"], None, None),
        (["Sent: Comrade Kim"], None, None),
        (["Information copy sent to: New York"], None, None),
        (["Havana Embassy, Calle 17"], None, None),
        # the fourth set: ordinals apart, "In Prague on …", a route's first city
        (["Pyongyang, 28 th September, 1955"], "Pyongyang", Basis.STATED),
        (["In Prague on 6th September 1963"], "Prague", Basis.STATED),
        (["From Moscow to Warsaw, September 24, 1976"], "Moscow", Basis.STATED),
        (["In the name of the Party, 1963"], None, None),
    ],
)
def test_places_from_datelines_and_telegram_headers(
    lines: list[str], place: str | None, basis: Basis | None
) -> None:
    from lodpub.sources.places import dateline, header_place
    from lodpub.sources.text import Line

    found = None
    for number, text in enumerate(lines, start=10):
        line = Line(number, text)
        found = dateline(line)[1] or header_place(line)
        if found:
            break
    assert (found.text if found else None) == place
    if found is not None:
        assert found.evidence.basis is basis


@pytest.mark.parametrize(
    ("title", "place"),
    [
        (
            "Speech by the General Secretary (Nicolae Ceauşescu) at the January 1972 PCC Meeting in Prague",
            "Prague",
        ),
        (
            "Report of the Secretary General (Leonid I. Brezhnev) at the WP Leaders' Meeting in Crimea",
            "Crimea",
        ),
        ("Secret Telegram from Maneli (Hanoi) to Spasowski-Morski (Warsaw)", "Hanoi"),
        ("Czechoslovak Report on the PCC Meeting in Warsaw", None),  # written about it, not at it
        ("Telegram from Feng Xi (Stalin) to Mao Zedong", None),  # a pseudonym in brackets is no city
    ],
)
def test_places_from_titles_are_inferred(title: str, place: str | None) -> None:
    from lodpub.sources.places import title_place

    found = title_place(Value(title, HERE))
    assert (found.text if found else None) == place
    assert found is None or found.evidence.basis is Basis.INFERRED


@pytest.mark.parametrize(
    ("lines", "addressees"),
    [
        (
            ["To Minister Endre Sík, D. Min. Károly Szarka.", "", "Text."],
            ["Minister Endre Sík", "D. Min. Károly Szarka"],
        ),
        (
            [
                "GDR Embassy to the People’s Republic of Bulgaria",
                "Sofia, 18 June 1975",
                "To: Member of Politburo and Secretary of SED Central Committee, Comrade Hermann Axen",
                "",
                "Text.",
            ],
            ["Comrade Hermann Axen"],
        ),
        (["Top Secret", "[To the] Foreign Ministry:", "", "Text."], ["Foreign Ministry"]),
        (["CIPHERED TELEGRAM", "BEIJING - SOVIET AMBASSADOR", "", "Text."], ["SOVIET AMBASSADOR"]),
        (["MOSCOW - BEIJING", "", "Text."], []),  # a route between two cities names no one
        # the third set: telegram service lines before the address, the sender on the same line,
        # the editors' words in brackets and their note numbers, a role, sub-units, a greeting
        (
            [
                "Transmitting from Havana 10/25/1962 13:58",
                "Received in Tokyo 10/26/11:54",
                "To Foreign Minister Ohira from Chargés d’affaires ad interim Kataoka",
            ],
            ["Foreign Minister Ohira"],
        ),
        (
            [
                "Ciphergram No. 16212",
                "To: [Foreign Ministry Director Eugeniusz] MILNIKIEL 1 and [Juliusz] KATZ-SUCHY 2",
            ],
            ["[Foreign Ministry Director Eugeniusz] MILNIKIEL", "[Juliusz] KATZ-SUCHY"],
        ),
        (
            ["DATE OF DISPATCH: 1 November 1962", "TO: Min[ister]. o[f]. F[oreign].A[ffairs]"],
            ["Min[ister]. o[f]. F[oreign].A[ffairs]"],
        ),
        (
            ["To: the Romanian Ministry of Foreign Affairs (First and Second Directorates)"],
            ["the Romanian Ministry of Foreign Affairs (First and Second Directorates)"],
        ),
        (
            ["TO Comrade Anton Yugov, Prime Minister of PR of Bulgaria", "Comrade Yugov,"],
            ["Comrade Anton Yugov"],
        ),
    ],
)
def test_address_lines(lines: list[str], addressees: list[str]) -> None:
    from lodpub.sources.parties import address_line

    found, _ = address_line([(n, t) for n, t in enumerate(lines, start=10) if t])
    assert [v.text for v in found] == addressees


@pytest.mark.parametrize(
    ("lines", "sender", "letterhead"),
    [
        (["Text of the report.", "", "Zoltán Fodor", "Ambassador"], "Zoltán Fodor", None),
        (["Text of the report.", "", "Chargé d’affaires", "Alexeenco Simion"], "Alexeenco Simion", None),
        (
            ["Text of the report.", "", "Wang Bingnan", "", "12:00 noon, 20 August [1955]"],
            "Wang Bingnan",
            None,
        ),
        (
            [
                "GDR Embassy to the People’s Republic of Bulgaria",
                "Sofia, 18 June 1975",
                "",
                "Text.",
                "",
                "With socialist greetings",
                "Wenning",
                "[GDR Ambassador]",
            ],
            "Wenning",
            "GDR Embassy to the People’s Republic of Bulgaria",
        ),
        # a short last paragraph that is no signature
        (["Text of the report.", "", "Confirm receipt.", "No. 72/III"], None, None),
        (["Text of the report.", "", "Moscow and Warsaw", "agree"], None, None),
    ],
)
def test_signature_blocks_and_letterheads(
    lines: list[str], sender: str | None, letterhead: str | None
) -> None:
    from lodpub.sources.closing import read_frame
    from lodpub.sources.text import SourceText

    source = SourceText.from_bytes(Path("x.txt"), ("\n".join(lines) + "\n").encode())
    frame = read_frame(source, 0, len(source.lines), frozenset())
    assert (frame.signature.text if frame.signature else None) == sender
    assert (frame.letterhead.text if frame.letterhead else None) == letterhead
    assert frame.body.strip()


def test_citation_credit_clauses_sigla_labels_and_working_papers() -> None:
    authorities = Authorities.load(CORPUS / "authorities.toml")
    known = lambda span: authorities.archive(span) is not None  # noqa: E731
    citation = cite(
        '"A telegram," March 11, 1963, History and Public Policy Program Digital Archive, AMSZ, Warsaw, '
        "6/77, 1963: w-96, t-1368, obtained and translated by Margaret Gnoinska. Published in CWIHP "
        "Working Paper No. 45."
    )
    assert [h.text for h in citation.holdings] == ["AMSZ, Warsaw, 6/77, 1963: w-96, t-1368"]
    assert [t.text for t in citation.translators] == ["Margaret Gnoinska"]
    assert split_statement(citation.holdings[0].text, known) == ("AMSZ, Warsaw", "6/77, 1963: w-96, t-1368")
    # a colon after the siglum; the call number stays verbatim
    assert split_statement("APRF: F. 39, Op. 1, D. 31, L. 25", known) == (
        "APRF",
        "F. 39, Op. 1, D. 31, L. 25",
    )
    # "Year:" is a label of the call number, not the archive's city
    assert split_statement(
        "Archive of the Romanian Ministry of Foreign Affairs (AMAE), Year: 1954; Issues 20 221", known
    ) == ("Archive of the Romanian Ministry of Foreign Affairs (AMAE)", "Year: 1954; Issues 20 221")
    # an archive known by its words, its sub-units' sigla, then the call number
    assert split_statement("SED Archives, IfGA, ZPA, J IV 2/202/130", known) == (
        "SED Archives, IfGA, ZPA",
        "J IV 2/202/130",
    )
    assert split_statement("Romanian State Archives, CC RCP files, Chancellery, 55/1964, pp. 25", known) == (
        "Romanian State Archives",
        "CC RCP files, Chancellery, 55/1964, pp. 25",
    )
    # a working paper is an edition, and the credit after its quoted title is still a credit
    second = cite(
        '"A letter," 1961, History and Public Policy Program Digital Archive, SED Archives, IfGA, ZPA, '
        "J IV 2/202/130. CWIHP Working Paper No. 5, \"Ulbricht and the Concrete 'Rose.'\" Translated for "
        "CWIHP by Hope Harrison."
    )
    assert [e.citation for e in second.editions] == [
        "CWIHP Working Paper No. 5, \"Ulbricht and the Concrete 'Rose.'\""
    ]
    assert [t.text for t in second.translators] == ["Hope Harrison"]
    # the record's own slip, "Translated by for NKIDP by", still credits the translator
    third = cite(
        '"A note," June 18, 1975, Wilson Center Digital Archive, MfAA, C 294/78. Obtained and Translated '
        "by for NKIDP by Bernd Schaefer."
    )
    assert [t.text for t in third.translators] == ["Bernd Schaefer"]


def test_role_before_a_name_and_echoes_of_a_stated_party() -> None:
    from lodpub.sources.names import without_role

    assert without_role("Hungarian Deputy Foreign Minister István Roska") == "István Roska"
    assert without_role("Minister of Foreign Affairs Endre Sík") == "Endre Sík"
    assert without_role("Secretary of the CC of the CPSU") == "Secretary of the CC of the CPSU"
    assert without_role("Minister of Foreign Affairs") == "Minister of Foreign Affairs"
    authorities = Authorities.load(CORPUS / "authorities.toml")
    (found,) = authorities.resolve("Hungarian Deputy Foreign Minister István Roska")
    assert (found.kind, found.label) == ("person", "István Roska")
    assert [e.key for e in authorities.resolve("Spasowski-Morski (Warsaw)")] == ["spasowski-morski"]


def test_volumes_of_a_series_do_not_collapse_in_the_synthetic_build(tmp_path: Path) -> None:
    """300 generated letters cite volumes of editions ("România. Documente 5"): each volume is an
    edition of its own, so no letter is warned that its edition's description was not published."""
    from bench.generate import generate
    from lodpub.build import validate_corpus
    from lodpub.settings import Settings

    generate(300, tmp_path / "corpus")
    result = validate_corpus(tmp_path / "corpus", Settings(base_iri="https://lod.example.org/"))
    assert result.conforms and result.letters == 300
    assert result.issues, "the generated corpus still has groups written in two casings"
    assert not [i for i in result.issues if "/edition/" in str(i)]


def test_classes_of_the_second_set() -> None:
    """What the second set showed: cities are never parties, bodies of people are groups, a
    dashed "undated", an edition whose title holds full stops, a call number after "(…)." and
    credits such as "compiled by" inside an archival sentence."""
    from lodpub.sources.names import kind_of

    found = title_parties(Value("Report of the Indian Embassy, Moscow, on the USSR in 1955", HERE))
    assert ([v.text for v in found[0]], found[1]) == (["the Indian Embassy"], ())
    found = title_parties(Value("Letter, Jorge Risquet to Fidel Castro, Luanda", HERE))
    assert [v.text for v in found[1]] == ["Fidel Castro"]
    assert kind_of("All Provincial Premiers") == "group"
    assert kind_of("the Ambassadors of the Socialist Countries") == "group"
    assert Authorities([]).resolve("Luanda") == []  # a city, not a person
    assert is_unknown("-undated-") and is_unknown("(undated)")
    own = title_parties(Value("Party Secretariat Cable No. 601", HERE))[0]
    assert [v.text for v in own] == ["Party Secretariat"]
    title = "Asian Affairs Bureau [Ministry of Foreign Affairs, Japan], 'The Chinese Communist Problem'"
    assert [v.text for v in title_parties(Value(title, HERE))[0]] == [
        "Asian Affairs Bureau [Ministry of Foreign Affairs, Japan]"
    ]
    title = (
        "Information Note from the Foreign Information Section of the ''Securitate'' with regard to "
        "encouragement from Radio Free Europe"
    )
    assert [v.text for v in title_parties(Value(title, HERE))[0]] == [
        "the Foreign Information Section of the ''Securitate''"
    ]
    citation = cite(
        '"A note," January 30, 1964, Wilson Center Digital Archive, ACNSAS, fond SIE, file 16, p. 110. '
        "Published in Florian Banu and Liviu Tarau, ''April 1964. Bucharest Spring. How did [they] adopt "
        "Romania's 'Declaration of Independence.''' (Enciclopedica Press: Bucharest, 2004), pp. 3-4."
    )
    assert [h.text for h in citation.holdings] == ["ACNSAS, fond SIE, file 16, p. 110"]
    (edition,) = citation.editions
    assert edition.citation.endswith("(Enciclopedica Press: Bucharest, 2004), pp. 3-4")
    assert not citation.unrecognised
    second = cite(
        '"A telegram," July 28, 1983, History and Public Policy Program Digital Archive, Hungarian '
        "National Archives (Magyar Országos Levéltár, MOL). XIX-J-1-j India, 1983, 60. doboz, 60-103, "
        "004413/2/1983. Obtained and translated for NPIHP by Balazs Szalontai."
    )
    (holding,) = second.holdings
    authorities = Authorities.load(CORPUS / "authorities.toml")
    known = lambda span: authorities.archive(span) is not None  # noqa: E731
    assert split_statement(holding.text, known) == (
        "Hungarian National Archives (Magyar Országos Levéltár, MOL)",
        "XIX-J-1-j India, 1983, 60. doboz, 60-103, 004413/2/1983",
    )
    third = cite(
        '"Notes," July 09, 1956, History and Public Policy Program Digital Archive, TsKhSD, F. 3, Op. 12, '
        "D. 1005, Ll. 2-2ob, compiled by V. N. Malin. Published in CWIHP Bulletin 8-9, p. 388."
    )
    assert [h.text for h in third.holdings] == ["TsKhSD, F. 3, Op. 12, D. 1005, Ll. 2-2ob"]
    assert third.notes == ("compiled by V. N. Malin",) and not third.unrecognised
    # the corpus file's [group.rgani] keeps the table's earlier siglum
    rgani = authorities.archive("TsKhSD")
    assert rgani is not None and rgani.key == "rgani"


@pytest.mark.parametrize(
    ("lines", "sender"),
    [
        (["Text of the telegram.", "", "– 152 – János Barabás –"], "János Barabás"),
        (["Text.", "", "ss. Major Caraman", "", "For Conformity", "Major Florian Plaiasu"], "Major Caraman"),
        (["Text.", "", "/s/ Dean Rusk"], "Dean Rusk"),
        (["Text.", "", "– 152 – Budapest –"], None),  # a city is no signer
    ],
)
def test_signatures_marked_as_signed(lines: list[str], sender: str | None) -> None:
    from lodpub.sources.closing import read_frame
    from lodpub.sources.text import SourceText

    source = SourceText.from_bytes(Path("x.txt"), ("\n".join(lines) + "\n").encode())
    frame = read_frame(source, 0, len(source.lines), frozenset())
    assert (frame.signature.text if frame.signature else None) == sender


def test_memorandum_from_lines_name_the_sender_and_cities_do_not() -> None:
    from lodpub.sources.closing import from_line

    found = from_line([(1, "To: Ushiba Nobuhiko"), (2, "Vice Minister"), (3, "From: Kawase Ikkan")])
    assert found is not None and (found.text, found.evidence.line) == ("Kawase Ikkan", 3)
    assert from_line([(1, "FROM: PYONGYANG")]) is None
    assert from_line([(1, "From the archives of the ministry, a short note.")]) is None


@pytest.mark.parametrize(
    ("span", "role"),
    [
        ("the Premier", True),
        ("Chairman", True),
        ("the Soviet Ambassador", True),
        ("Comrade", True),
        ("EYES ONLY", True),
        ("Personal", True),
        ("Top Secret", True),
        ("Min[ister]. o[f]. F[oreign].A[ffairs]", True),  # the editors' letters read in
        ("The Foreign Minister", True),
        # a name is left: no role
        ("Foreign Minister Ohira", False),
        ("Ambassador Katori", False),
        ("Comrade Kim", False),
        ("Stalin", False),
        ("CC of the CPSU", False),
        ("the Minister of Foreign Affairs of the USSR", False),  # a name of an office's holder's body
    ],
)
def test_roles_are_not_names(span: str, role: bool) -> None:
    from lodpub.sources.names import is_role

    assert is_role(span) is role


_ROLE_LETTER = """March 24, 1984

**Cable from Ambassador Katori to the Premier**

Citation:

"Cable from Ambassador Katori to the Premier," March 24, 1984, Wilson Center Digital Archive, APRF, f. 3.

https://digitalarchive.wilsoncenter.org/document/1

TOP SECRET

To: the Premier

The ambassador reports on the summit.
"""


def test_a_role_stays_as_marked_unless_the_authority_file_names_its_holder(tmp_path: Path) -> None:
    """No entity is made of "the Premier": the letter keeps the role as marked (an E41 of type
    lodpub:AsMarkedRole, identifying nothing). Only a curated person whose variants hold the
    role makes it that person."""
    from lodpub.mapping import Iris, LetterMapper
    from lodpub.sources import read_letter

    from .conftest import BASE, make_corpus

    path = make_corpus(tmp_path / "c", {"wilson-1.txt": _ROLE_LETTER}) / "letters" / "wilson-1.txt"
    seed = (CORPUS / "authorities.toml").read_text(encoding="utf-8")
    for curated in (False, True):
        extra = '\n[person.zhou-enlai]\nlabel = "Zhou Enlai"\nvariants = ["the Premier"]\n' if curated else ""
        (tmp_path / "a.toml").write_text(seed + extra, encoding="utf-8")
        mapped = LetterMapper(Iris(BASE), Authorities.load(tmp_path / "a.toml"), "0").map(read_letter(path))
        facts = {
            (t.subject.value, t.predicate.value.rsplit("/", 1)[-1], t.object.value) for t in mapped.triples
        }
        letter = f"{BASE}letter/wilson-1"
        received = {o for s, p, o in facts if s == f"{letter}/dispatch" and p == "P29_custody_received_by"}
        roles = {
            o
            for s, p, o in facts
            if s.startswith(f"{letter}/evidence/addressee-role/name/") and p == "P190_has_symbolic_content"
        }
        if curated:
            assert received == {f"{BASE}person/zhou-enlai"} and not roles
        else:
            assert received == set() and roles == {"the Premier"}
            assert (
                f"{letter}/evidence/addressee-role/name/1",
                "P2_has_type",
                f"{LODPUB}AsMarkedRole",
            ) in facts
            assert not any("premier" in o.casefold() for s, p, o in facts if p == "P1i_identifies")
        senders = {o for s, p, o in facts if s == f"{letter}/dispatch" and p == "P28_custody_surrendered_by"}
        assert len(senders) == 1 and next(iter(senders)).endswith("katori")  # a name after a title


def test_archives_by_their_place_in_the_citation() -> None:
    """The third set's archive class: an archive after its call number (with city, country, a
    note on the original), a file in brackets after the archive's name, a comma inside curly
    quotes, a further holding "also available at"; what names no archive stays unrecognised."""
    authorities = Authorities.load(CORPUS / "authorities.toml")

    def known(span: str) -> bool:
        return authorities.archive(span) is not None

    cases = [
        (
            "Fond 100 (1957), op. 50, papka 423, delo 5, Russian Foreign Ministry archives, Moscow, "
            "original in Chinese",
            ("Russian Foreign Ministry archives, Moscow", "Fond 100 (1957), op. 50, papka 423, delo 5"),
        ),
        (
            "Szyfrogramy from Waszyngton 1962, 6/77 w-86 t- 1312, Polish Foreign Ministry Archive (AMSZ), "
            "Warsaw",
            (
                "Polish Foreign Ministry Archive (AMSZ), Warsaw",
                "Szyfrogramy from Waszyngton 1962, 6/77 w-86 t- 1312",
            ),
        ),
        (
            "Diplomatic Archives of the Ministry of Foreign Affairs of Japan (“Cuban Domestic Policies and "
            "Situation: 1959-1975” file), Tokyo",
            (
                "Diplomatic Archives of the Ministry of Foreign Affairs of Japan, Tokyo",
                "(“Cuban Domestic Policies and Situation: 1959-1975” file)",
            ),
        ),
        (
            "Maço “600.(24h)—SITUAÇÃO POLITICA—CUBA de novembro a dezembro de 1,962//6223,” Ministry of "
            "External Relations Archives, Brasilia, Brazil",
            (
                "Ministry of External Relations Archives, Brasilia, Brazil",
                "Maço “600.(24h)—SITUAÇÃO POLITICA—CUBA de novembro a dezembro de 1,962//6223,”",
            ),
        ),
        # an unknown archive by its own words, with a file in brackets; its city is not its name
        (
            "Archive of the Ministry of Culture (file 7, “Exchanges”), Sofia",
            ("Archive of the Ministry of Culture, Sofia", "(file 7, “Exchanges”)"),
        ),
        # no archive: a law, a working paper, a city
        ("2002-113, Act on Access to Information Held by Administrative Organs", None),
        ("Fond 5, op. 2, Moscow", None),
    ]
    for statement, want in cases:
        assert split_statement(statement, known) == want, statement
    from lodpub.sources.archival import archive_name

    assert archive_name("Diplomatic Archives of Japan, Tokyo", known) == "Diplomatic Archives of Japan"
    for name, key in [
        ("Russian Foreign Ministry archives", "avprf"),
        ("Diplomatic Archives of the Ministry of Foreign Affairs of Japan", "jp-mofa-da"),
        ("Ministry of External Relations Archives", "br-ahi"),
        ("National Archive, The Hague", "nl-na"),
    ]:
        assert (authorities.archive(name) or Entity("group", "none", "none")).key == key, name
    cited = cite(
        '"T," June 02, 1961, Wilson Center Digital Archive, Central State Archive of Bulgaria (TsDA), Sofia, '
        "Fond 1-B, Opis 6, a.e. 4477; translated by Assistant Professor Kalina Bratanova, edited by Jordan "
        "Baev. "
        "Also available at the Diplomatic Archives of the Ministry of Foreign Affairs of Japan."
    )
    assert [h.text for h in cited.holdings] == [
        "Central State Archive of Bulgaria (TsDA), Sofia, Fond 1-B, Opis 6, a.e. 4477",
        "the Diplomatic Archives of the Ministry of Foreign Affairs of Japan",
    ]
    assert [t.text for t in cited.translators] == ["Kalina Bratanova"]


def test_editions_without_a_number_word_and_document_readers() -> None:
    cited = cite(
        '"D," June 29, 1968, Wilson Center Digital Archive, CWIHP Working Paper 22, "77 Conversations." '
        'Included in the document reader for the international conference "China and the Warsaw Pact" held '
        "March 2004 in Beijing."
    )
    assert [e.citation for e in cited.editions] == [
        'CWIHP Working Paper 22, "77 Conversations."',
        'Included in the document reader for the international conference "China and the Warsaw Pact" held '
        "March 2004 in Beijing",
    ]
    assert not cited.holdings and not cited.unrecognised


@pytest.mark.parametrize(
    ("lines", "sender"),
    [
        (
            ["To Foreign Minister Ohira from Chargés d’affaires ad interim Kataoka"],
            "Chargés d’affaires ad interim Kataoka",
        ),
        (["To: The Foreign Minister From: Ambassador Katori"], "Ambassador Katori"),
        (["From: [Ambassador Boleslaw] JELEN1"], "[Ambassador Boleslaw] JELEN"),
        (["FROM: Washington"], None),  # a city: where it came from
        (["From: the text below"], None),
    ],
)
def test_from_lines(lines: list[str], sender: str | None) -> None:
    from lodpub.sources.closing import from_line

    found = from_line([(n, t) for n, t in enumerate(lines, start=10)])
    assert (found.text if found else None) == sender


def test_the_editors_words_before_a_name_name_no_one_new() -> None:
    """``[Ambassador Edward] DROŻNIAK`` is DROŻNIAK, a person (the editors' "Ambassador" says
    so); a title's "Drozniak" echoes him; "[Juliusz] KATZ-SUCHY" is KATZ-SUCHY."""
    authorities = Authorities.load(CORPUS / "authorities.toml")
    (found,) = authorities.resolve("[Ambassador Edward] DROŻNIAK")
    assert (found.kind, found.label) == ("person", "DROŻNIAK")
    (found,) = authorities.resolve("[Ambassador Boleslaw] JELEN")
    assert (found.kind, found.label) == ("person", "JELEN")  # not a five-letter acronym's body
    (found,) = authorities.resolve("[Juliusz] KATZ-SUCHY")
    assert (found.kind, found.label) == ("person", "KATZ-SUCHY")


def test_a_bodys_own_resolution_names_it_as_sender() -> None:
    title = "Politburo Central Committee Bulgarian Communist Party Resolution Regarding Invitation to Castro"
    assert [v.text for v in title_parties(Value(title, HERE))[0]] == [
        "Politburo Central Committee Bulgarian Communist Party"
    ]


def test_original_in_a_language_and_a_catalogue_record_that_names_no_archive(tmp_path: Path) -> None:
    cited = cite(
        '"M," December 12, 1956, Wilson Center Digital Archive, Fond 100, op. 50, Archive X, Moscow, '
        "original in Chinese. Translated by Zhang Shu Guang."
    )
    assert cited.translated_from is not None and cited.translated_from.text == "Chinese"
    from lodpub.sources import read_letter

    from .conftest import make_corpus

    record = (
        "Communiqué\n\n2 Dec 1981\n\nThe ministers' statement, summarised.\n\nCollection: Foreign Ministers\n"
        "Document Type: Press Release\nLanguage of Original Document: German\n"
    )
    path = make_corpus(tmp_path / "c", {"php-1981-12-02-x.txt": record}) / "letters" / "php-1981-12-02-x.txt"
    letter = read_letter(path)
    assert letter.layout == "php-record"
    assert letter.archival is None or not letter.archival.holdings
    assert [v.text for v in letter.original_languages] == ["German"]


def test_the_curators_list_holds_every_archive_from_the_citations_form_and_every_role(tmp_path: Path) -> None:
    """`inspect --unresolved` on the whole development set: each archive the build made from the
    citation's form (a local archive, published with lodpub:LocalEntity) is listed for curation,
    and so is each role kept as marked."""
    import subprocess

    from lodpub.unresolved import collect

    report = collect(sorted((REAL / "letters").glob("*.txt")), Authorities.load(REAL / "authorities.toml"))
    listed = {  # each spelling of a cluster is listed (the most frequent one is its label)
        s.text
        for c in report.clusters
        if c.category == "archive" and c.status == "local"
        for s in c.spellings
    }
    roles = {c.label for c in report.clusters if c.status == "role"}
    assert {"the Foreign Minister", "SOVIET AMBASSADOR", "Min[ister]. o[f]. F[oreign].A[ffairs]"} <= roles
    out = tmp_path / "dist"
    build = [sys.executable, "-m", "lodpub", "build", str(REAL), "--out", str(out), "--no-cache", "--quiet"]
    subprocess.run(build, check=True)
    data = _fidelity().Dataset(out)
    crm = "http://www.cidoc-crm.org/cidoc-crm/"
    published = {
        label
        for keeper in {
            s for s in data.subjects(crm + "P2_has_type", LODPUB + "LocalEntity") if "/group/" in s
        }
        if data.subjects(crm + "P50_has_current_keeper", keeper)
        for label in data.objects(keeper, "http://www.w3.org/2000/01/rdf-schema#label")
    }
    assert published and published <= listed, published - listed


def test_pseudonyms_and_editors_brackets_in_both_orders_and_both_kinds(tmp_path: Path) -> None:
    """ "Filippov [Stalin]", "Feng Xi (Stalin)", "Stalin [Kuznetsov]": one person whichever the
    order or the bracket; where either name is curated, that person, and a bracketed name never
    mints a second one."""
    without = Authorities.load(CORPUS / "authorities.toml")
    keys = {
        span: [e.key for e in without.resolve(span)]
        for span in ("Filippov [Stalin]", "Feng Xi (Stalin)", "Feng Xi [Stalin]", "FENG XI [STALIN]")
    }
    assert set(map(tuple, keys.values())) == {("stalin",)}, keys
    assert [e.key for e in without.resolve("Maneli (Hanoi)")] == ["maneli"]  # a city in brackets
    seed = (CORPUS / "authorities.toml").read_text(encoding="utf-8")
    (tmp_path / "a.toml").write_text(
        seed
        + '\n[person.stalin-iosif]\nlabel = "Iosif Stalin"\nvariants = ["Stalin", "Filippov", "Feng Xi"]\n',
        encoding="utf-8",
    )
    curated = Authorities.load(tmp_path / "a.toml")
    for span in (
        "Filippov [Stalin]",
        "Feng Xi (Stalin)",
        "Stalin [Kuznetsov]",
        "Kuznetsov [Stalin]",
        "Filippov",
    ):
        assert [(e.key, e.local) for e in curated.resolve(span)] == [("stalin-iosif", False)], span
    # the known name wins over the bracketed one, which mints nobody
    assert [e.key for e in curated.resolve("Khrushchev [Ivanov]")] == ["khrushchev-nikita"]


@pytest.mark.parametrize(
    ("title", "place"),
    [
        ("Secret Telegram from Moscow to Warsaw, No. 848", "Moscow"),
        ("Telegram from Washington, DC, No.084.504, Urgent, SECRET", "Washington"),
        # an embassy's city, a person, a city it goes to: no place of writing
        ("Telegram from Polish Embassy in Havana (Jeleń), 31 October 1962", None),
        ("Cable from Japanese Embassy in Havana to Tokyo", None),
        ("Telegram from Shtykov to Stalin", None),
    ],
)
def test_telegrams_from_a_city(title: str, place: str | None) -> None:
    from lodpub.sources.places import title_place

    found = title_place(Value(title, HERE))
    assert (found.text if found else None) == place


def test_the_fourth_sets_party_classes() -> None:
    def parties(title: str) -> tuple[list[str], list[str]]:
        found = title_parties(Value(title, HERE))
        return [v.text for v in found[0]], [v.text for v in found[1]]

    assert parties("A. Rapacki, 'Record of Conversation with the Ambassador of Great Britain'") == (
        ["A. Rapacki"],
        [],
    )
    assert parties("Note, Yu. Andropov, V. Kuznetsov, and K. Katushev to the CPSU Central Committee") == (
        ["Yu. Andropov", "V. Kuznetsov", "K. Katushev"],
        ["the CPSU Central Committee"],
    )
    authorities = Authorities.load(CORPUS / "authorities.toml")
    (trinh,) = authorities.resolve("Nguyen Duy Trinh [Foreign Minister of the DRV]")  # an office, no identity
    assert (trinh.kind, trinh.label) == ("person", "Nguyen Duy Trinh")
    (division,) = authorities.resolve("Division of Soviet and East European Affairs")
    assert division.kind == "group"
    from lodpub.sources.closing import _marked_signature

    assert _marked_signature([(30, "/-/ Nowak")]) == (30, Value("Nowak", Evidence(30, "/-/ Nowak")))
    assert _marked_signature([(30, "/–/ Rapacki")]) is not None


def test_a_catalogue_records_subject_line_under_its_title(tmp_path: Path) -> None:
    from lodpub.sources import read_letter

    from .conftest import make_corpus

    record = (
        "Evaluation of Chinese Policies by the CC of the CPSU\n"
        "Subject: Chinese Policies toward Eastern Europe\n\n"
        "10 Mar 1980\n\nA Soviet party paper, summarised.\n\nCollection: China\nDocument Type: Report\n"
        "Origin (Agency): CC of the Soviet Communist Party\nLanguage of Original Document: German\n"
    )
    path = make_corpus(tmp_path / "c", {"php-1980-03-10-x.txt": record}) / "letters" / "php-1980-03-10-x.txt"
    letter = read_letter(path)
    assert letter.title.text == "Evaluation of Chinese Policies by the CC of the CPSU"
    assert letter.date is not None and (letter.date.year, letter.date.month, letter.date.day) == (1980, 3, 10)


def test_a_partys_central_committee_after_its_name() -> None:
    """ "CPSU Central Committee", "CPSU CC": the curated CC of the CPSU, not the party."""
    authorities = Authorities.load(CORPUS / "authorities.toml")
    for span in ("the CPSU Central Committee", "CPSU CC"):
        assert [e.key for e in authorities.resolve(span)] == ["cc-cpsu"], span
    assert [e.key for e in authorities.resolve("CPSU")] == ["cpsu"]
    from lodpub.sources.archival import split_statement

    def known(span: str) -> bool:
        return authorities.archive(span) is not None

    statement = "Archive of the Ministry of Foreign Affairs, Warsaw (AMSZ) z-Depesze, Moskwa 1972"
    assert split_statement(statement, known) == (
        "Archive of the Ministry of Foreign Affairs, Warsaw (AMSZ)",
        "z-Depesze, Moskwa 1972",
    )
