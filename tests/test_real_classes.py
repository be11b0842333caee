"""The classes found by the blind batches 2026-12-07-ef, -gh, -ij, -kl, -m and -n, each on the
line or citation form the real record gives (the records are in tests/real or tests/batches)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from lodpub.authorities import Authorities
from lodpub.model import Evidence, Value
from lodpub.sources.archival import split_statement
from lodpub.sources.citation import read_citation, sentences
from lodpub.sources.closing import from_line
from lodpub.sources.names import is_role
from lodpub.sources.parties import address_line, phrases
from lodpub.sources.places import dateline, header_place, place_line, title_place
from lodpub.sources.text import Line
from lodpub.sources.titles import title_parties

from .conftest import CORPUS

HERE = Evidence(1, "test")


@pytest.mark.parametrize(
    ("text", "following", "place"),
    [
        ("Pyongyang 4 March 1953.", None, "Pyongyang"),  # no comma
        ("Beijing, 16th May", None, "Beijing"),  # no year
        ("No. 56 349 23 August 1969, Beijing", None, "Beijing"),  # the city after the date
        ("Pyongyang", "23 July 1960", "Pyongyang"),  # the city alone, the date on the next line
        ("Pyongyang", "Subject: the visit", None),
        ("Kim 4 March 1953.", None, None),  # no city: no place
        ("Report, 16th May", None, None),
        ("Top Secret", "23 July 1960", None),
    ],
)
def test_datelines_of_other_forms(text: str, following: str | None, place: str | None) -> None:
    found = place_line(Line(5, text), Line(6, following) if following else None)
    assert (found.text if found else None) == place


@pytest.mark.parametrize(
    ("title", "senders", "addressees"),
    [
        (  # a quoted subject names no party
            "Cable from the Chinese Embassy in North Korea, 'On North Korea's Response to the Indian "
            "Invasion of Pakistan'",
            ["the Chinese Embassy in North Korea"],
            [],
        ),
        (  # a possessive opens the topic
            "Cryptogram No 10456 from Polish Embassy in Bucharest, Ambassador Ochęduszko's Meeting with "
            "the Soviet Ambassador",
            ["Polish Embassy in Bucharest"],
            [],
        ),
        (  # officials listed with their offices; a stop of "D.C." kept
            "Telegram, Chinese Embassy in Washington D.C. to Deputy Foreign Minister Yeh, President Jiang, "
            "and Dean Chen",
            ["Chinese Embassy in Washington D.C."],
            ["Deputy Foreign Minister Yeh", "President Jiang", "Dean Chen"],
        ),
        (  # to Y from X
            "Telegram to Mao Zedong from Nie Rongzhen concerning the Repatriation of Ethnic Korean Soldiers",
            ["Nie Rongzhen"],
            ["Mao Zedong"],
        ),
    ],
)
def test_title_classes(title: str, senders: list[str], addressees: list[str]) -> None:
    found = title_parties(Value(title, HERE))
    assert [v.text for v in found[0]] == senders
    assert [v.text for v in found[1]] == addressees


def test_a_body_and_the_officials_it_is_for() -> None:
    text = (
        "the Romanian Ministry of Foreign Affairs (to comrade Deputy Foreign Minister Constantin Oancea; "
        "to comrade Director Vasile Sandru)"
    )
    assert [v.text for v in phrases(text, HERE)] == [
        "the Romanian Ministry of Foreign Affairs",
        "Deputy Foreign Minister Constantin Oancea",
        "Director Vasile Sandru",
    ]


def test_a_ministrys_desk_sends_nothing_and_a_countrys_office_is_a_role() -> None:
    assert from_line([(1, "Classification: Urgent"), (2, "From the Korea Desk")]) is None
    assert is_role("the USSR First Deputy Minister of Foreign Affairs")
    assert not is_role("the Minister of Foreign Affairs of the USSR")


def test_archival_classes() -> None:
    authorities = Authorities.load(CORPUS / "authorities.toml")

    def known(span: str) -> bool:
        return authorities.archive(span) is not None

    # the archive's siglum after its full name is part of its name
    assert split_statement(
        "Archive of the President of the Russian Federation, APRF, fond.45, opis.1, delo. 334, listy. 8-9",
        known,
    ) == (
        "Archive of the President of the Russian Federation, APRF",
        "fond.45, opis.1, delo. 334, listy. 8-9",
    )
    # a library by its own words, with "&" in its name, after the call number
    assert split_statement(
        "China to Dispatch Troops to Aid Korea B.44.2b, Box 147, V.K. Wellington Koo Papers, Rare Book & "
        "Manuscript Library, Columbia University",
        known,
    ) == (
        "Rare Book & Manuscript Library, Columbia University",
        "China to Dispatch Troops to Aid Korea B.44.2b, Box 147, V.K. Wellington Koo Papers",
    )
    assert split_statement("CWIHP archive", known) == ("CWIHP archive", "")


def test_citation_classes() -> None:
    # a credit run on after a stop with no space
    found = read_citation(
        '"Report," March 04, 1953, History and Public Policy Program Digital Archive, MOL, '
        "XIX-J-1-j-Korea-11/f-00828/1953 8.d.Translated by József Litkei.",
        HERE,
        cited=True,
    )
    assert [h.text for h in found.holdings] == ["MOL, XIX-J-1-j-Korea-11/f-00828/1953 8.d."]  # "d." kept
    assert [t.text for t in found.translators] == ["József Litkei"]
    # a lower-case word after a stop goes on the sentence
    found = read_citation(
        '"Memorandum," July, 1981, History and Public Policy Program Digital Archive, MOL, 288.f. '
        "32/1981/60. ő. e. Translated by Levente Gajdócsi.",
        HERE,
        cited=True,
    )
    assert [h.text for h in found.holdings] == ["MOL, 288.f. 32/1981/60. ő. e."]
    # a word opening with a lower-case letter beyond ASCII does not begin a sentence either
    assert sentences("Box 60. őrzési egység 5. Next one.") == ["Box 60. őrzési egység 5", "Next one"]
    # the microfilm a file was read on is part of its call number
    found = read_citation(
        '"Letter," January 28, 1955, History and Public Policy Program Digital Archive, RGANI, f. 5, op. 28, '
        "d. 347. Department for Relations with Foreign Communist Parties, 1953-1957, microfilm, reel 83. "
        "Obtained by Roham Alvandi and translated for CWIHP by Gary Goldberg.",
        HERE,
        cited=True,
    )
    assert [h.text for h in found.holdings] == [
        "RGANI, f. 5, op. 28, d. 347. Department for Relations with Foreign Communist Parties, 1953-1957, "
        "microfilm, reel 83"
    ]
    # "edited by" inside an edition is the edition's, not a credit
    found = read_citation(
        '"Telegram," August 23, 1969, History and Public Policy Program Digital Archive, A.M.A.E., fond '
        "Telegrams, Beijing, vol. II, 1969, f. 269-270. Also published in Relatiile Romano-Chineze, "
        "1880-1974 [Sino-Romanian Relations, 1880-1974], edited by Ioan Romulus Budura, (Bucharest, 2005), "
        "pp. 939-941. Translated by Madalina Cristoloveanu.",
        HERE,
        cited=True,
    )
    assert [e.citation for e in found.editions] == [
        "Also published in Relatiile Romano-Chineze, 1880-1974 [Sino-Romanian Relations, 1880-1974], "
        "edited by Ioan Romulus Budura, (Bucharest, 2005), pp. 939-941"
    ]
    assert [t.text for t in found.translators] == ["Madalina Cristoloveanu"]
    # "Also available at": a further holding, never the archive of the call number before it
    found = read_citation(
        '"Cable," March 24, 1984, History and Public Policy Program Digital Archive, 2002-113, Act on '
        "Access to Information Held by Administrative Organs. Also available at the Diplomatic Archives of "
        "the Ministry of Foreign Affairs of Japan.",
        HERE,
        cited=True,
    )
    assert [h.also for h in found.holdings] == [False, True]


def test_a_series_after_the_archive_opens_the_call_number() -> None:
    """Capitalised words after an archive's name are its place only where the gazetteer says
    so (or a state's name): a series ("Telegrams Received", "Council of Ministers") opens the
    call number."""
    authorities = Authorities.load(CORPUS / "authorities.toml")

    def known(span: str) -> bool:
        return authorities.archive(span) is not None

    assert split_statement(
        "Archive of the Czech Ministry of Foreign Affairs (AMZV), Telegrams Received, 048.401 - 048.800, "
        "May 26 – June 5, 1989",
        known,
    ) == (
        "Archive of the Czech Ministry of Foreign Affairs (AMZV)",
        "Telegrams Received, 048.401 - 048.800, May 26 – June 5, 1989",
    )
    assert split_statement(
        "National Archives, The Hague, Council of Ministers, access number, inventory number 753", known
    ) == ("National Archives, The Hague", "Council of Ministers, access number, inventory number 753")


@pytest.mark.parametrize(
    ("title", "senders"),
    [
        (
            "Report and Request for Instructions on the Reply to the Memorandum Submitted by the Government "
            "of the Soviet Union on the Massive Illegal Exodus",
            [],
        ),
        ("Notes from Politburo Meeting, 21-22 January 1987 (Excerpt)", []),
        ("Memorandum from John McNaughton, General Counsel, Department of Defense", ["John McNaughton"]),
    ],
)
def test_titles_that_name_another_documents_author_or_an_occasion(title: str, senders: list[str]) -> None:
    assert [v.text for v in title_parties(Value(title, HERE))[0]] == senders


def test_distribution_lines_and_dotted_leaders() -> None:
    from lodpub.sources.closing import read_frame
    from lodpub.sources.text import SourceText

    assert from_line([(1, "From…Saigon…..dispatched on 4.24. at 0:30 hours")]) is None
    text = "The ambassador reports.\n\nTelegraph the fulfillment.\n\n21.XI.51\n\nCopies: Stalin, Copy\n"
    source = SourceText.from_bytes(Path("x.txt"), text.encode("utf-8"))
    frame = read_frame(source, 0, len(source.lines), frozenset())
    assert frame.senders == ()


def test_classes_of_the_blind_batches_m_and_n() -> None:
    """Batches 2026-12-07-m and -n (tests/batches), each class on the form the record gives."""
    # a dateline whose head is a heading's party ("WITH CDE. LIU SHAOQI") has no place
    assert dateline(Line(20, "WITH CDE. LIU SHAOQI, 6 April 1955"))[1] is None
    # a letterhead set apart from the dateline by a wide gap is not part of the place
    _, place = dateline(Line(11, "Ministry of Foreign Affairs   Rome, November 28, 1970"))
    assert place is not None and place.text == "Rome"
    assert dateline(Line(3, "Moscow, 17 April 1958"))[1].text == "Moscow"  # type: ignore[union-attr]
    # "From the Journal of X, 'Title'": a source, no author named
    assert title_parties(
        Value("From the Journal of V.M. Molotov, 'The Reception of the Ambassador'", HERE)
    ) == (
        (),
        (),
    )
    senders, _ = title_parties(Value("Mexican Federal Security Directorate (DFS), 'Investigation'", HERE))
    assert [s.text for s in senders] == ["Mexican Federal Security Directorate (DFS)"]
    # a body's abbreviation in brackets stays in its name; brackets around the whole name go
    authorities = Authorities.load(CORPUS / "authorities.toml")
    (entity,) = authorities.resolve("Mexican Federal Security Directorate (DFS)")
    assert entity.label == "Mexican Federal Security Directorate (DFS)"
    assert authorities.resolve("(Ulbricht)")[0].label == "Ulbricht"
    # two bodies, or a person and a body, joined by "and"; not one body's two modifiers
    assert [
        v.text
        for v in phrases("the Ministry of Foreign Affairs and Investigation Department of the CCCPC", HERE)
    ] == [
        "the Ministry of Foreign Affairs",
        "Investigation Department of the CCCPC",
    ]
    assert [v.text for v in phrases("the Party and Government Delegation", HERE)] == [
        "the Party and Government Delegation"
    ]
    assert [v.text for v in phrases("Ministry of Foreign Affairs and Trade", HERE)] == [
        "Ministry of Foreign Affairs and Trade"
    ]
    # "…, ll. 132-33; translation from Russian by X": the call number, then the credit
    found = read_citation(
        '"From the Diary of P. F. Yudin," April 19, 1958, History and Public Policy Program Digital Archive, '
        "AVPRF, f. 0100, op. 51, por. 6, pap. 432, ll. 132-33; translation from Russian by David Wolff.",
        HERE,
        cited=True,
    )
    assert [h.text for h in found.holdings] == ["AVPRF, f. 0100, op. 51, por. 6, pap. 432, ll. 132-33"]
    assert [t.text for t in found.translators] == ["David Wolff"]


# Batches 2026-12-07-o and -p (tests/batches): each class on a made-up example of the record's shape.


def _known_archive() -> Callable[[str], bool]:
    authorities = Authorities.load(CORPUS / "authorities.toml")
    return lambda span: authorities.archive(span) is not None


def test_o_p_an_edition_after_a_call_number() -> None:
    """ ", first published in …" after a call number is the edition, apart from the call number."""
    found = read_citation(
        '"Minutes," May 2, 1979, History and Public Policy Program Digital Archive, RGANI, f. 3, op. 7, '
        "d. 12, first published in CWIHP Working Paper 9, translated for CWIHP by Ann Smith.",
        HERE,
        cited=True,
    )
    assert [h.text for h in found.holdings] == ["RGANI, f. 3, op. 7, d. 12"]
    assert [e.citation for e in found.editions] == ["first published in CWIHP Working Paper 9"]
    assert [t.text for t in found.translators] == ["Ann Smith"]


def test_o_p_a_further_holding_and_a_researchers_notes() -> None:
    """ "Original available in …" and "On file at …" name a further holding (not the edition's
    next sentence); "Notes by X at ARCHIVE, …" are a researcher's notes of the archive's file; a
    named collection after a local archive is its call number."""
    known = _known_archive()
    found = read_citation(
        '"Memo," May 2, 1979, Wilson Center Digital Archive, Notes by J.K. Brown at RGANI, f. 3, op. 7, '
        "d. 12, first published in CWIHP Working Paper 9. Original available in the Hoover Institution "
        "Archive Tiber Collection.",
        HERE,
        cited=True,
    )
    assert [(h.text, h.also) for h in found.holdings] == [
        ("RGANI, f. 3, op. 7, d. 12", False),
        ("the Hoover Institution Archive Tiber Collection", True),
    ]
    assert split_statement(found.holdings[1].text, known) == (
        "the Hoover Institution Archive",
        "Tiber Collection",
    )
    found = read_citation(
        '"Memo," May 2, 1979, Wilson Center Digital Archive, Notes of J.K. Brown, RGANI, f. 3. On file at '
        "the Hoover Institution Archive, “Tiber” Collection.",
        HERE,
        cited=True,
    )
    assert [h.text for h in found.holdings] == [
        "RGANI, f. 3",
        "the Hoover Institution Archive, “Tiber” Collection",
    ]
    assert split_statement(found.holdings[1].text, known) == (
        "the Hoover Institution Archive",
        "“Tiber” Collection",
    )
    # a sub-unit without a number after a local archive is still no call number
    assert split_statement("Hoover Institution Archive, Eastern Section", known) == (
        "Hoover Institution Archive",
        "",
    )


def test_o_p_an_archives_siglum_alone() -> None:
    """A sentence that is an archive's siglum alone is an archival statement (the authority data
    says whether it names an archive); a call number in the next sentence is that archive's."""
    found = read_citation(
        '"Cable," May 2, 1950, Digital Archive, GARF. Translated by Ann Smith.',
        HERE,
        cited=True,
    )
    assert [h.text for h in found.holdings] == ["GARF"] and not found.unrecognised
    found = read_citation(
        '"Notes," May 2, 1950, Digital Archive, AAN. KC PZPR, 1234, k. 5-6.',
        HERE,
        cited=True,
    )
    assert [(h.archive, h.call_number) for h in found.holdings] == [("AAN", "KC PZPR, 1234, k. 5-6")]
    found = read_citation(
        '"Notes," May 2, 1950, Digital Archive, Tiber Foundation, Moscow.',
        HERE,
        cited=True,
    )
    assert [h.text for h in found.holdings] == ["Tiber Foundation, Moscow"]


def test_o_p_a_siglum_with_full_stops_and_predecessor_sigla() -> None:
    """A siglum written with full stops names its archive (the last stop is taken off a span
    before look-up); the archive table knows the Soviet-era siglum of AVPRF and the archives of
    the foundations and centres the batches cite."""
    from lodpub.authorities import Entity

    table = Authorities([Entity("group", "xyz", "Xyz Archive", variants=("X.Y.Z.",), archive=True)])
    assert table.archive("X.Y.Z.") is not None and table.archive("X.Y.Z") is not None
    known = _known_archive()
    assert split_statement("AVP SSSR, f. 7, op. 2", known) == ("AVP SSSR", "f. 7, op. 2")
    assert split_statement("A.N.I.C. fond CC of RCP, file 2/1960", known) == (
        "A.N.I.C.",
        "fond CC of RCP, file 2/1960",
    )
    assert split_statement(
        "Friedrich Ebert Foundation, Archives of Social Democracy, Helmut Schmidt Archive, 1/7", known
    ) == (
        "Friedrich Ebert Foundation, Archives of Social Democracy",
        "Helmut Schmidt Archive, 1/7",
    )


def test_o_p_a_compound_archive_word_a_document_number_and_a_trailing_archive_with_its_city() -> None:
    """ "Landesarchiv" is an archive by its word; "Cable no. 4, …" after an archival statement
    goes on its call number; "…, AAN, Warsaw" after the call number is the archive and its city."""
    known = _known_archive()
    found = read_citation(
        '"Cable," May 2, 1962, Digital Archive, Sächsisches Landesarchiv, 1990 (E): 12/3, Kuba. '
        "Cable no. 4, from Weber, 10/30/1962. Translated by Ann Smith.",
        HERE,
        cited=True,
    )
    assert [h.text for h in found.holdings] == [
        "Sächsisches Landesarchiv, 1990 (E): 12/3, Kuba. Cable no. 4, from Weber, 10/30/1962"
    ]
    assert split_statement(found.holdings[0].text, known) == (
        "Sächsisches Landesarchiv",
        "1990 (E): 12/3, Kuba. Cable no. 4, from Weber, 10/30/1962",
    )
    assert split_statement("Sygnatura X B12, KC PZPR, AAN, Warsaw", known) == (
        "AAN, Warsaw",
        "Sygnatura X B12, KC PZPR",
    )


@pytest.mark.parametrize(
    ("tail", "editions", "translators"),
    [
        # a translator's name, then the body it was done for
        ("RGANI, f. 3. Provided by Ann Smith and translated by Bo Li for NKIDP", [], ["Bo Li"]),
        # a credit as a label, run on after an edition; a stray bracket after the credit
        (
            "Published in: Gesammelte Werke, vol. 3 German translation: Ann Smith.",
            ["Published in: Gesammelte Werke, vol. 3"],
            ["Ann Smith"],
        ),
        ("RGANI, f. 3. Translated for CWIHP by Ann Smith.]", [], ["Ann Smith"]),
        # an edited volume and its pages; a CWIHP e-Dossier included in
        (
            "Protokoly zebran KC, edited by J. Nowak, pp. 7-9. Included in CWIHP e-Dossier #5.",
            ["Protokoly zebran KC, edited by J. Nowak, pp. 7-9", "Included in CWIHP e-Dossier #5"],
            [],
        ),
        # an author and an article's quoted title; a printed work's volume and page
        (
            'J. Nowak, "Karty z dziejow," Przeglad. Rocznik, vol. 3 (1992), pp. 7-9',
            ['J. Nowak, "Karty z dziejow," Przeglad. Rocznik, vol. 3 (1992), pp. 7-9'],
            [],
        ),
        ("MX vol. 2, p. 19. Translated by Bo Li.", ["MX vol. 2, p. 19"], ["Bo Li"]),
        ("Mao nianpu, 1949-1976, vol 3, p. 36", ["Mao nianpu, 1949-1976, vol 3, p. 36"], []),
    ],
)
def test_o_p_editions_and_credits(tail: str, editions: list[str], translators: list[str]) -> None:
    found = read_citation(f'"Telegram," May 2, 1950, Digital Archive, {tail}', HERE, cited=True)
    assert [e.citation for e in found.editions] == editions
    assert [t.text for t in found.translators] == translators
    assert not found.holdings if editions else found.holdings


def test_o_p_a_files_volume_and_page_stay_a_call_number() -> None:
    found = read_citation(
        '"Telegram," May 2, 1950, Digital Archive, AMAE, fond 7, vol. 2, p. 19.', HERE, cited=True
    )
    assert [h.text for h in found.holdings] == ["AMAE, fond 7, vol. 2, p. 19"] and not found.editions


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Sent: Japan, March 3, 1975, 11:05", "Japan"),  # the date after a comma
        ("Sent: Japan, March 3 1975 [blacked out]", "Japan"),
        ("Sent from Hanoi by wire on 03/03/55 at 10:15 a.m.", "Hanoi"),  # how it was sent
        ("From: Ambassador Ito, March 3, 1975", None),  # no city, no place
    ],
)
def test_o_p_telegram_headers(text: str, place: str | None) -> None:
    found = header_place(Line(3, text))
    assert (found.text if found else None) == place


def test_o_p_a_capitals_federal_district_in_a_dateline() -> None:
    """ "Mexico, DF, 7 November 1962", "Brasília, DF - August 13 1974", "Washington, D.C." over
    the date: the city and its federal district are the place."""
    for text, place in [
        ("Caracas, DF, 3 May 1961", "Caracas, DF"),
        ("Caracas, D. F., 3 May 1961", "Caracas, D. F."),
        ("Brasília, DF - May 3 1961", "Brasília, DF"),
    ]:
        found = dateline(Line(4, text))[1]
        assert found is not None and found.text == place
    found = place_line(Line(4, "Washington, D.C."), Line(5, "3 May 1961"))
    assert found is not None and found.text == "Washington, D.C."
    assert place_line(Line(4, "Washington, D.C."), Line(5, "Subject: the visit")) is None


@pytest.mark.parametrize(
    ("title", "place"),
    [
        ("Minutes of the Council of State, Oslo, 4 May 1961 (excerpt)", "Oslo"),
        ("Record of Conversation between Two Ministers, Oslo", "Oslo"),
        ("Report of the Norwegian Embassy, Oslo, on Sweden in 1960", None),  # not last
        ("Norwegian Student Union, Oslo, 'Resolution on the Congress'", None),  # a quoted title after it
        ("Minutes of the Council of State, Oslo, the Second Session", None),  # no date after it
    ],
)
def test_o_p_a_city_last_in_a_title(title: str, place: str | None) -> None:
    found = title_place(Value(title, HERE))
    assert (found.text if found else None) == place


def test_o_p_the_periods_names_of_cities() -> None:
    """ "Saigon", "Peking", "New York": the records' names of cities GeoNames knows by another."""
    from lodpub.sources.gazetteer import is_city
    from lodpub.sources.names import bracketed_identity

    assert is_city("Saigon") and is_city("Peking") and is_city("New York")
    found = title_place(Value("Secret Telegram from Nowak (Saigon) to Kowalski (Warsaw)", HERE))
    assert found is not None and found.text == "Saigon"
    assert bracketed_identity("Nowak (Saigon)") == ("Nowak", None)  # a city, not the editors' identity


def test_o_p_ordinals_in_a_bodys_name_and_a_letterhead_on_the_dateline() -> None:
    """ "2nd Department of the 1st Directorate" is a body's name; "3rd Section (Trade) Warsaw, 5
    May 1961" is the letterhead and the dateline on one line: the body sends, the city is the
    place; a date's ordinal ("Date: August 1st, 1978") makes no place."""
    from lodpub.sources.closing import read_frame
    from lodpub.sources.text import SourceText

    senders, addressees = title_parties(
        Value("Letter from Nowak to 2nd Department of the 3rd Directorate", HERE)
    )
    assert [v.text for v in senders] == ["Nowak"]
    assert [v.text for v in addressees] == ["2nd Department of the 3rd Directorate"]
    found = dateline(Line(4, "3rd Section (Trade) Warsaw, 5 May 1961"))[1]
    assert found is not None and found.text == "Warsaw"
    assert dateline(Line(4, "Date: August 1st, 1978"))[1] is None
    text = "3rd Section (Trade) Warsaw, 5 May 1961\n\nThe section reports on the fair.\n\nIt adds more.\n"
    source = SourceText.from_bytes(Path("x.txt"), text.encode("utf-8"))
    frame = read_frame(source, 0, len(source.lines), frozenset())
    assert [v.text for v in frame.senders] == ["3rd Section (Trade)"]


@pytest.mark.parametrize(
    ("phrase", "names"),
    [
        ("Ivan Petrov, Soviet Ambassador to the UK", ["Ivan Petrov"]),  # a role with its country's word
        ("the Chairman of the KPD, Thalheim", ["Thalheim"]),  # an office, then who holds it
        ("the First Secretary of the CC of the PZPR, Nowak", ["Nowak"]),
        (
            "Liu Bocheng or Chen Yi, via Ivanov",
            ["Liu Bocheng", "Chen Yi", "Ivanov"],
        ),  # either, and through whom
        ("the Chairman of the KPD, Moscow", ["the Chairman of the KPD"]),  # a city is no holder
    ],
)
def test_o_p_party_phrases(phrase: str, names: list[str]) -> None:
    assert [v.text for v in phrases(phrase, HERE)] == names


@pytest.mark.parametrize(
    ("title", "senders", "addressees"),
    [
        ("Incoming Cable No. 12, I. Petrov to Cde. V.V. Kuznetsov", ["I. Petrov"], ["Cde. V.V. Kuznetsov"]),
        ("Comment by Marshal Ivan Konev to CPSU CC, 3 May 1961", ["Marshal Ivan Konev"], ["CPSU CC"]),
        ("Cable from the PZPR Politburo, reply to Nowak's cable of 3 May 1961", ["the PZPR Politburo"], []),
        (
            "Telegram, Liu Bocheng to Chen Yi, and report to the CCP Central Committee (excerpt)",
            ["Liu Bocheng"],
            ["Chen Yi", "the CCP Central Committee"],
        ),
    ],
)
def test_o_p_title_kinds_replies_and_second_documents(
    title: str, senders: list[str], addressees: list[str]
) -> None:
    found = title_parties(Value(title, HERE))
    assert ([v.text for v in found[0]], [v.text for v in found[1]]) == (senders, addressees)


def test_o_p_a_list_of_people_and_bodies() -> None:
    """Three or more people and bodies listed are each a party ("Comrades" before the list's
    first name is its form of address; the editors' completions in brackets go on the list); a
    person's offices after the name are no list."""
    assert [
        v.text for v in phrases("the Premier [Kim Il], Comrade [Pak] Honyong, and the Politburo", HERE)
    ] == [
        "the Premier [Kim Il]",
        "Comrade [Pak] Honyong",
        "the Politburo",
    ]
    _, addressees = title_parties(
        Value(
            "Cable, Kim Il to the Premier [Pak Honyong] and Comrades Choe [Yonggon], [Nam] Il, and Ri Sung",
            HERE,
        )
    )
    assert [v.text for v in addressees] == [
        "the Premier [Pak Honyong]",
        "Choe [Yonggon]",
        "[Nam] Il",
        "Ri Sung",
    ]
    assert [v.text for v in phrases("John Smith, General Counsel, Department of Commerce", HERE)] != [
        "John Smith",
        "General Counsel",
        "Department of Commerce",
    ]


def test_o_p_a_partys_secretariat_is_not_the_party() -> None:
    """ "the PZPR Secretariat", "SED Politburo": a body of the party, not the party itself; "CPSU
    CC" is still the party's Central Committee."""
    authorities = Authorities.load(CORPUS / "authorities.toml")
    (secretariat,) = authorities.resolve("the CPSU Secretariat", ("person", "group"))
    assert (secretariat.kind, secretariat.label, secretariat.local) == ("group", "CPSU Secretariat", True)
    assert [e.key for e in authorities.resolve("CPSU CC", ("person", "group"))] == [
        e.key for e in authorities.resolve("CC of the CPSU", ("person", "group"))
    ]


@pytest.mark.parametrize(
    ("title", "senders", "addressees"),
    [
        ("Jan Nowak's Notes to a Conversation with Josef Stalin on 5 May 1948", ["Jan Nowak"], []),
        ("Jan Nowak’s Typed Notes to Adam Kowal on the Summit", ["Jan Nowak"], ["Adam Kowal"]),
        ("Nowak's Telephone Conversation with Stalin", [], []),  # a conversation: no writer
        ("Stalin’s Meeting about the Textbook, 30 May 1950", [], []),
    ],
)
def test_o_p_a_documents_owner_wrote_it(title: str, senders: list[str], addressees: list[str]) -> None:
    found = title_parties(Value(title, HERE))
    assert ([v.text for v in found[0]], [v.text for v in found[1]]) == (senders, addressees)


def test_o_p_a_services_document_and_a_bodys_city_before_the_title() -> None:
    """ "Norwegian Naval Intelligence Service, 'Report …'": a service is a body; "Faculty of Law
    at Oslo University, Oslo, 'Resolution …'": the body wrote it, its city after its name."""
    from lodpub.sources.names import kind_of

    assert kind_of("Norwegian Naval Intelligence Service") == "group"
    senders, _ = title_parties(
        Value("Faculty of Law at Oslo University, Oslo, 'Resolution of the Students'", HERE)
    )
    assert [v.text for v in senders] == ["Faculty of Law at Oslo University"]
    senders, _ = title_parties(Value("Jan Nowak, Brother, 'Resolution of the Students'", HERE))
    assert senders == ()  # no city after the name: no author read


def test_o_p_addresses_by_form_of_address_and_the_editors_to() -> None:
    """ "To His Excellency" / "the Minister of Foreign Affairs": the form of address, then who he
    is; "[To the] X and the Y:" after a cable form's head lines is the address."""
    found, taken = address_line(
        [(3, "To His Excellency"), (4, "the Minister of Foreign Affairs"), (5, "Oslo")]
    )
    assert [v.text for v in found] == ["the Minister of Foreign Affairs"] and taken == 2
    head = [
        (1, "Cable sent by the Ministry of Foreign Affairs"),
        (2, "Receiver: Kashgar"),
        (3, "Level: Normal"),
        (4, "Dispatch No. 7"),
        (5, "Subject: The Reply"),
        (6, "[To the] Gansu Foreign Affairs Office and the Party Committee of the [Gansu] Province:"),
        (7, "The ministry informs the office."),
    ]
    found, taken = address_line(head)
    assert [v.text for v in found] == [
        "Gansu Foreign Affairs Office",
        "the Party Committee of the [Gansu] Province",
    ]
    assert taken == 6
    assert address_line([(1, "Receiver: Kashgar"), (2, "The ministry informs the office.")]) == ((), 0)


@pytest.mark.parametrize(
    ("title", "senders"),
    [
        ("Cable from Norwegian observer at the United Nations (Hansen)", ["Hansen"]),
        (
            "Telegram from Norwegian Delegation at the 5th Session of the UN Assembly (Ola Berg), New York",
            ["Norwegian Delegation at the 5th Session of the UN Assembly", "Ola Berg"],
        ),
        ("Telegram from Norwegian observer at the United Nations (Oslo)", []),  # a city in brackets
    ],
)
def test_o_p_an_offices_holder_in_brackets(title: str, senders: list[str]) -> None:
    assert [v.text for v in title_parties(Value(title, HERE))[0]] == senders


def test_o_p_two_people_each_after_an_office() -> None:
    """ "DPRK leader Kim Il and Korean Communist Leader Pak Honyong": each a person, the office
    (with a country's or a party's word) before the name."""
    senders, addressees = title_parties(
        Value(
            "Ciphered Telegram from DPRK leader Kim Il and Korean Communist Leader Pak Honyong to Stalin",
            HERE,
        )
    )
    assert [v.text for v in senders] == ["DPRK leader Kim Il", "Korean Communist Leader Pak Honyong"]
    assert [v.text for v in addressees] == ["Stalin"]
    assert [v.text for v in phrases("the Party and Government Delegation", HERE)] == [
        "the Party and Government Delegation"
    ]


def test_classes_of_the_blind_batches_q_and_r() -> None:
    """Batches 2026-12-07-q and -r (tests/batches), each class on a made-up line of the form."""
    from bench.fidelity import name_forms

    # the scorer: brackets inside an archive's parentheses leave the name before them a form
    forms = name_forms("ABC (formerly Centre for Old Papers [COP])")
    assert {"abc", "cop", "formerly centre for old papers"} <= forms
    # an English gloss in brackets after an archive's name (and its siglum) is the archive's, a
    # comma inside it too; the call number begins after it and the city
    from lodpub.mapping.custody import _archive_of

    authorities = Authorities.load(CORPUS / "authorities.toml")
    known = lambda span: _archive_of(span, authorities) is not None  # noqa: E731
    assert split_statement(
        "Magyar Országos Levéltár (MOL) [Archives of Hungary], Budapest, Peru files, XIX-J-1-j, 3. d.",
        known,
    ) == (
        "Magyar Országos Levéltár (MOL) [Archives of Hungary], Budapest",
        "Peru files, XIX-J-1-j, 3. d.",
    )
    assert split_statement(
        "Magyar Országos Levéltár (MOL) [Archives of Hungary, Budapest], M-KS 288. f. 4/12", known
    ) == (
        "Magyar Országos Levéltár (MOL) [Archives of Hungary, Budapest]",
        "M-KS 288. f. 4/12",
    )
    assert split_statement("Magyar Országos Levéltár (MOL), [State Archive], XIX-J-1-k, 12. d.", known) == (
        "Magyar Országos Levéltár (MOL), [State Archive]",
        "XIX-J-1-k, 12. d.",
    )
    # a "from" line that ends in a colon heads a list, one that ends in "of" or names a diary a
    # source; a party's siglum after a person's name is his party, not his name
    assert from_line([(4, "from the Embassy:")]) is None
    assert from_line([(4, "From the Journal of")]) is None
    assert from_line([(4, "From the Diary of Comrade Petrov")]) is None
    found = from_line([(4, "from Ivan Petrenko, KPU")])
    assert found is not None and found.text == "Ivan Petrenko"
    # the East German and Romanian security services by their names are bodies
    for title in ("Stasi Report on the Leipzig Fair", "Securitate Note on a Visiting Poet"):
        senders, _ = title_parties(Value(title, HERE))
        assert [s.text for s in senders] == [title.split()[0]]
