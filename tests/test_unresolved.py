"""`lodpub inspect CORPUS [--unresolved]`: a corpus letter by letter, and the curator's loop —
what the authority data does not know, likely variants grouped, a snippet that fixes it."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest

from lodpub.authorities import Authorities
from lodpub.unresolved import similar_names, similar_persons

from .conftest import make_corpus, run

REAL = Path(__file__).parent / "real"

# Knows the parties of the letters below, the place and the archive; no person.
AUTHORITIES = """\
[group.cc-cpsu]
label = "Central Committee of the Communist Party of the Soviet Union"
variants = ["CC of the CPSU"]

[group.cc-rwp]
label = "Central Committee of the Romanian Workers' Party"
variants = ["CC of the RWP"]

[place.moscow]
label = "Moscow"

[place.warsaw]
label = "Warsaw"

[group.anic]
label = "National Central Historical Archives"
archive = true
"""

# A PHP letter signed on line 10 by SIGNER; every other name is known to AUTHORITIES.
PHP = """\
Letter from the CC of the CPSU to the CC of the RWP

Moscow, 17 April 1958

Dear Comrades,

We write to you about the troops.

With communist greetings,
{signer}

[Source: National Central Historical Archives, Fund CC of the RCP, File 9/1958, pp. 1-2]
"""

# A Wilson record: the citation (line 9) names ARCHIVE and TRANSLATOR, the original language
# (line 15) is LANGUAGE, the signature (line 26) SIGNER.
WILSON = """\


September 9, 1958

**Letter addressed by the CC of the CPSU to the CC of the RWP on the recall of advisors**

Citation:

"Letter addressed by the CC of the CPSU to the CC of the RWP on the recall of advisors", \
September 9, 1958, Wilson Center Digital Archive, {archive}. Translated by {translator}.

<https://digitalarchive.wilsoncenter.org/document/1>

Original Language:

{language}

Contents:

Translation - English

Dear Comrades,

We would like to consult with you on the advisors.

With communist greetings,
{signer}
September 9, 1958
"""


def corpus(root: Path, letters: dict[str, str], authorities: str = AUTHORITIES) -> Path:
    folder = make_corpus(root, dict(letters), authorities=False)
    (folder / "authorities.toml").write_text(authorities, encoding="utf-8")
    return folder


def unresolved(folder: Path) -> dict[str, Any]:
    code, stdout, stderr = run("inspect", str(folder), "--unresolved", "--format", "json")
    assert code == 0, stderr
    data: dict[str, Any] = json.loads(stdout)
    return data


def occurrences(cluster: dict[str, Any]) -> list[str]:
    return [f"{o['file']}:{o['line']}" for v in cluster["variants"] for o in v["occurrences"]]


def append_snippet(folder: Path, snippet: str) -> None:
    tomllib.loads(snippet)  # the snippet alone is TOML
    path = folder / "authorities.toml"
    path.write_text(path.read_text(encoding="utf-8") + "\n" + snippet, encoding="utf-8")
    Authorities.load(path)  # and the file with it is an authority file


# -- a corpus, letter by letter ----------------------------------------------------------------


def test_inspect_corpus_shows_each_letter_in_file_name_order(tmp_path: Path) -> None:
    folder = corpus(
        tmp_path / "c", {"b.txt": PHP.format(signer="Khrushchev"), "a.txt": PHP.format(signer="Ulbricht")}
    )
    code, stdout, stderr = run("inspect", str(folder))
    assert (code, stderr) == (0, "")
    blocks = stdout.rstrip("\n").split("\n\n")
    assert [block.splitlines()[0] for block in blocks] == [
        f"{folder / 'letters' / 'a.txt'} (php layout)",
        f"{folder / 'letters' / 'b.txt'} (php layout)",
    ]
    for block, name in zip(blocks, ("a.txt", "b.txt"), strict=True):  # as `inspect FILE` shows it
        code, alone, _ = run("inspect", str(folder / "letters" / name))
        assert (code, alone) == (0, block + "\n")
    assert "  sender                 line 10   Ulbricht" in blocks[0].splitlines()
    assert "                                   -> person/ulbricht (local)" in blocks[0].splitlines()


def test_inspect_corpus_goes_on_past_an_unreadable_letter(tmp_path: Path) -> None:
    folder = corpus(
        tmp_path / "c",
        {"a.txt": PHP.format(signer="Ulbricht"), "b.txt": "  \n\n", "c.txt": PHP.format(signer="Kotov")},
    )
    code, stdout, stderr = run("inspect", str(folder))
    assert code == 1
    assert (
        stderr
        == f"error: {folder / 'letters' / 'b.txt'}:1: content: expected a letter, found an empty file\n"
    )
    heads = [line for line in stdout.splitlines() if line.endswith("(php layout)")]
    assert heads == [f"{folder / 'letters' / n} (php layout)" for n in ("a.txt", "c.txt")]
    # --unresolved too reports the letter and lists the others
    code, stdout, stderr = run("inspect", str(folder), "--unresolved", "--format", "json")
    assert code == 1 and stderr.startswith(f"error: {folder / 'letters' / 'b.txt'}:1: content:")
    data = json.loads(stdout)
    assert data["letters"] == 2 and [c["label"] for c in data["unresolved"]] == ["Kotov", "Ulbricht"]


def test_inspect_shows_names_as_marked_and_what_nothing_resolves(tmp_path: Path) -> None:
    """The span as the letter writes it (spaced letters too, which the reader joins), beside
    the entity; a name nothing resolves is said to be kept verbatim."""
    folder = corpus(
        tmp_path / "c",
        {
            "a.txt": WILSON.format(
                archive="Ruritania Foreign Archive",
                translator="TASS",  # a translator is a person; TASS is shaped like a body
                language="Romanian",
                signer="S H T Y K O V",
            )
        },
    )
    code, stdout, _ = run("inspect", str(folder / "letters" / "a.txt"))
    lines = stdout.splitlines()
    assert code == 0
    at = lines.index("  sender                 line 26   S H T Y K O V")
    assert lines[at + 1] == "                                   -> person/shtykov (local)"
    at = lines.index("  translator             line 9    TASS")
    assert lines[at + 1] == "                                   -> (not recognised, kept verbatim)"


# -- --unresolved ----------------------------------------------------------------------------


def test_variants_of_one_name_are_one_cluster_and_the_snippet_resolves_them(tmp_path: Path) -> None:
    signers = {"a.txt": "Khrushchev", "b.txt": "N. S. Khruschev", "c.txt": "Hrușciov"}
    folder = corpus(tmp_path / "c", {name: PHP.format(signer=who) for name, who in signers.items()})
    data = unresolved(folder)
    letters = folder / "letters"
    assert data["letters"] == 3 and data["failed"] == []
    [cluster] = data["unresolved"]
    assert (cluster["category"], cluster["status"], cluster["kind"], cluster["count"]) == (
        "name",
        "local",
        "person",
        3,
    )
    assert sorted(occurrences(cluster)) == [f"{letters / n}:10" for n in ("a.txt", "b.txt", "c.txt")]
    assert [(v["text"], v["count"]) for v in cluster["variants"]] == [
        ("Hrușciov", 1),
        ("Khrushchev", 1),
        ("N. S. Khruschev", 1),
    ]
    assert cluster["entry"] == "person.hrusciov"
    entry = tomllib.loads(data["snippet"])["person"]["hrusciov"]
    assert entry == {"label": "Hrușciov", "variants": ["Khrushchev", "N. S. Khruschev"]}

    code, text, _ = run("inspect", str(folder), "--unresolved")
    assert code == 0
    assert text.splitlines()[:10] == [
        "3 letter(s) read; unresolved: 1 name(s), 0 archive(s), 0 language(s) (likely variants grouped)",
        "",
        "local names (minted from the name's shape, not curated):",
        "  person    Hrușciov  (3)",
        "       1  Hrușciov",
        f"          {letters / 'c.txt'}:10 (sender)",
        "       1  Khrushchev",
        f"          {letters / 'a.txt'}:10 (sender)",
        "       1  N. S. Khruschev",
        f"          {letters / 'b.txt'}:10 (sender)",
    ]
    assert text[text.index("# Suggested by") :] == data["snippet"]

    append_snippet(folder, data["snippet"])
    assert unresolved(folder)["unresolved"] == []
    code, text, _ = run("inspect", str(folder), "--unresolved")
    assert (
        text
        == "nothing unresolved: the authority data knows every name, archive and language of 3 letter(s)\n"
    )


def test_initials_join_the_full_name_and_distinct_people_stay_apart(tmp_path: Path) -> None:
    signers = {
        "a.txt": "N. S. Khrushchev",
        "b.txt": "Nikita Khrushchev",
        "c.txt": "Gheorghe Gheorghiu-Dej",
        "d.txt": "G. Gheorghiu-Dej",
        "e.txt": "Gheorghe Apostol",
        "f.txt": "Gheorghe Apostol",
        "g.txt": "Eliza Gheorghe",
    }
    folder = corpus(tmp_path / "c", {name: PHP.format(signer=who) for name, who in signers.items()})
    data = unresolved(folder)
    assert [(c["label"], c["count"], [v["text"] for v in c["variants"]]) for c in data["unresolved"]] == [
        ("G. Gheorghiu-Dej", 2, ["G. Gheorghiu-Dej", "Gheorghe Gheorghiu-Dej"]),
        ("Gheorghe Apostol", 2, ["Gheorghe Apostol"]),
        ("N. S. Khrushchev", 2, ["N. S. Khrushchev", "Nikita Khrushchev"]),
        ("Eliza Gheorghe", 1, ["Eliza Gheorghe"]),
    ]
    append_snippet(folder, data["snippet"])
    assert unresolved(folder)["unresolved"] == []


def test_archives_languages_and_kinds_from_the_evidence(tmp_path: Path) -> None:
    """Local and not-recognised names apart; a local archive and a statement in which no
    archive is told apart; an unknown language; a name the file gives a place already; a name
    that is a body by its shape and so no translator (a person) either."""
    folder = corpus(
        tmp_path / "c",
        {
            "a.txt": WILSON.format(
                archive="Ruritania Foreign Archive",
                translator="TASS",
                language="Elvish",
                signer="TASS",
            ),
            "b.txt": WILSON.format(
                archive="ZAXA, f. 1, op. 2, d. 3", translator="NKIDP", language="Elvish", signer="Warsaw"
            ),
            "c.txt": PHP.format(signer="Gary Goldberg"),
        },
    )
    letters = folder / "letters"
    data = unresolved(folder)
    listed = [(c["category"], c["status"], c["kind"], c["label"], occurrences(c)) for c in data["unresolved"]]
    assert listed == [
        ("name", "not recognised", "person", "NKIDP", [f"{letters / 'b.txt'}:9"]),
        ("name", "not recognised", "person", "TASS", [f"{letters / 'a.txt'}:9"]),
        # a city signing: never a person by its shape (and the file has it as a place)
        ("name", "not recognised", "person", "Warsaw", [f"{letters / 'b.txt'}:26"]),
        ("name", "local", "person", "Gary Goldberg", [f"{letters / 'c.txt'}:10"]),
        ("name", "local", "group", "TASS", [f"{letters / 'a.txt'}:26"]),
        ("archive", "not recognised", "archive", "ZAXA, f. 1, op. 2, d. 3", [f"{letters / 'b.txt'}:9"]),
        ("archive", "local", "archive", "Ruritania Foreign Archive", [f"{letters / 'a.txt'}:9"]),
        (
            "language",
            "not recognised",
            "language",
            "Elvish",
            [f"{letters / n}:15" for n in ("a.txt", "b.txt")],
        ),
    ]
    assert [c["entry"] for c in data["unresolved"]] == [
        "person.nkidp",
        None,  # TASS goes to the group (whose kind the evidence gives): one name, one entity
        None,  # Warsaw is the file's place already
        "person.gary-goldberg",
        "group.tass",
        "group.zaxa",
        "group.ruritania-foreign-archive",
        None,  # a language: a comment
    ]
    assert data["unresolved"][5]["proposal"] == "ZAXA"
    snippet = data["snippet"]
    toml = tomllib.loads(snippet)
    assert toml["group"]["zaxa"] == {"label": "ZAXA", "archive": True}
    assert toml["group"]["ruritania-foreign-archive"] == {
        "label": "Ruritania Foreign Archive",
        "archive": True,
    }
    assert toml["person"]["nkidp"] == {"label": "NKIDP"}
    assert "[person.nkidp]  # kind? the translator field" in snippet.splitlines()
    assert "# left out, already another entity's name: Warsaw" in snippet.splitlines()
    assert f"# language? Elvish ×2 ({letters / 'a.txt'}:15, {letters / 'b.txt'}:15)" in snippet

    append_snippet(folder, snippet)
    left = [(c["status"], c["kind"], c["label"]) for c in unresolved(folder)["unresolved"]]
    assert left == [
        ("not recognised", "person", "TASS"),  # as a translator still: TASS is a group
        ("not recognised", "person", "Warsaw"),
        ("not recognised", "language", "Elvish"),
    ]


def test_format_json_goes_with_unresolved(tmp_path: Path) -> None:
    folder = corpus(tmp_path / "c", {"a.txt": PHP.format(signer="Kotov")})
    code, _, stderr = run("inspect", str(folder), "--format", "json")
    assert code == 2 and "--format json goes with --unresolved" in stderr


def test_a_folder_without_letters_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    code, _, stderr = run("inspect", str(tmp_path / "empty"), "--unresolved")
    assert code == 2 and stderr.startswith(f"error: {tmp_path / 'empty'}: no letter files (*.txt, *.md)")


def test_real_letters_loop(tmp_path: Path) -> None:
    """The real-record letters with their authority file: a deterministic report whose every
    ``file:line`` names a line of the letter that marks the name; the snippet loads, and once
    appended no name it gave an entry is unresolved any more."""
    folder = tmp_path / "real"
    make_corpus(folder, {p.name: p.read_bytes() for p in (REAL / "letters").iterdir()}, authorities=False)
    (folder / "authorities.toml").write_bytes((REAL / "authorities.toml").read_bytes())
    data = unresolved(folder)
    assert data == unresolved(folder) and data["failed"] == []
    clusters = data["unresolved"]
    assert clusters and any(c["category"] == "name" and c["status"] == "local" for c in clusters)
    order = ["name", "archive", "language"], ["not recognised", "local", "role", "segment"]
    kinds = ["person", "group", "role", "place", "archive", "language"]
    keys = [
        (
            order[0].index(c["category"]),
            order[1].index(c["status"]),
            kinds.index(c["kind"]),
            -c["count"],
            c["label"].casefold(),
        )
        for c in clusters
    ]
    assert keys == sorted(keys)
    for cluster in clusters:
        assert cluster["count"] == sum(v["count"] for v in cluster["variants"])
        for variant in cluster["variants"]:
            assert variant["count"] == len(variant["occurrences"])
            for o in variant["occurrences"]:
                lines = Path(o["file"]).read_text(encoding="utf-8").splitlines()
                assert o["as_marked"].split()[0] in lines[o["line"] - 1], o
    code, text, _ = run("inspect", str(folder), "--unresolved")  # the same data as text
    names = sum(c["category"] == "name" for c in clusters)
    assert data["letters"] == len(list((REAL / "letters").iterdir()))
    assert code == 0 and text.startswith(f"{data['letters']} letter(s) read; unresolved: {names} name(s), ")
    assert text.endswith(data["snippet"])
    append_snippet(folder, data["snippet"])
    # by kind: "Warsaw" entered as a place still leaves "Warsaw" signing as a person unresolved
    fixed = {
        (c["kind"], v["text"])
        for c in clusters
        if c["category"] == "name" and c["entry"]
        for v in c["variants"]
        if v["fixable"]
    }
    left = {
        (c["kind"], v["text"])
        for c in unresolved(folder)["unresolved"]
        if c["category"] == "name"
        for v in c["variants"]
    }
    assert fixed and not fixed & left


# -- the thresholds, on the measured pairs (see SURNAME_SIMILARITY in lodpub/unresolved.py) -----


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Khrushchev", "Khruschev"),
        ("Khrushchev", "Hrușciov"),
        ("Khruschev", "Hrușciov"),
        ("Khrushchev", "Khrushchov"),
        ("Khrushchev", "Хрущёв"),
        ("N. S. Khrushchev", "Nikita Khrushchev"),
        ("Nikita Sergeyevich Khrushchev", "N. S. Khruschev"),
        ("G. Gheorghiu-Dej", "Gheorghe Gheorghiu-Dej"),
        ("Gh. Gheorghiu-Dej", "Gheorghe Gheorghiu Dej"),
        ("Brezhnev", "Breschnew"),
        ("Brezhnev", "Brejnev"),
        ("Vyshinskyy", "Andrei Vyshinsky"),
        ("Władysław Gomułka", "Wladyslaw Gomulka"),
        ("I.V. Stalin", "Stalin"),
        ("ROSHCHIN", "Roshchin"),
    ],
)
def test_alike_persons(a: str, b: str) -> None:
    assert similar_persons(a, b) and similar_persons(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Gheorghiu-Dej", "Gheorghe Apostol"),
        ("Gheorghe Gheorghiu-Dej", "Gheorghe Apostol"),
        ("Gheorghe", "Gheorghiu-Dej"),
        ("Eliza Gheorghe", "Gheorghe Apostol"),
        ("Eliza Gheorghe", "Gheorghiu-Dej"),
        ("S. Khrushchev", "Nikita Khrushchev"),  # Sergei, the son
        ("Nikita Khrushchev", "Nikolai Khrushchev"),
        ("Zhukov", "Zhivkov"),
        ("Pervukhin", "Perkhin"),
        ("Ponomarev", "Ponomarenko"),
        ("Yafeng Xia", "Feng Xi"),
        ("Kotov", "Kozlov"),
    ],
)
def test_distinct_persons(a: str, b: str) -> None:
    assert not similar_persons(a, b) and not similar_persons(b, a)


@pytest.mark.parametrize(
    ("a", "b", "alike"),
    [
        ("Central State Archives (TsDA), Sofia", "Central State Archive (TsDA), Sofia", True),
        ("Pyongyang", "PYONGYANG", True),
        ("Polish Embassy in Beijing", "Soviet Embassy in Beijing", False),
        ("Embassy of Hungary in North Korea", "Embassy of Hungary in North Vietnam", False),
        ("Hungarian Foreign Ministry", "Chinese Foreign Ministry", False),
        ("Praha", "Praga", False),
    ],
)
def test_alike_names(a: str, b: str, alike: bool) -> None:
    assert similar_names(a, b) is alike
