"""The classes found by the blind batches 2026-12-07-ef, -gh, -ij, -kl, -m and -n, each on the
line or citation form the real record gives (the records are in tests/real or tests/batches)."""

from __future__ import annotations

from pathlib import Path

import pytest

from lodpub.authorities import Authorities
from lodpub.model import Evidence, Value
from lodpub.sources.archival import split_statement
from lodpub.sources.citation import read_citation, sentences
from lodpub.sources.closing import from_line
from lodpub.sources.names import is_role
from lodpub.sources.parties import phrases
from lodpub.sources.places import dateline, place_line
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
