"""The exchange formats: CMIF (validated with lxml's RelaxNG against the CMIF schema, and each
rule of its Schematron checked on its own: they need XSLT 2, which lxml cannot run), CSV read back
with Python's csv, GEXF and GraphML read back with networkx; a build with ``cmif = true``."""

from __future__ import annotations

import copy
import csv
import os
import re
from pathlib import Path

import networkx as nx
import pytest
from lxml import etree

from .cmif_rules import CMIF, TEI, rules, schema
from .conftest import BASE, CORPUS, make_corpus, run

TROOPS, ADVISORS = BASE + "letter/1958-04-17-cpsu-rwp-troops", BASE + "letter/1958-09-09-cpsu-rwp-advisors"
ENV = {"SOURCE_DATE_EPOCH": "1733400000"}


def test_the_rules_checked_are_the_schematron_rules() -> None:
    """Every rule of odd_cmif.sch has its check here, and each check finds what its rule forbids."""
    text = (CMIF / "odd_cmif.sch").read_text(encoding="utf-8")
    assert sorted(set(re.findall(r"\[([EW]\d{4})\]", text))) == ["E0001", "E0002", "E0003", "E0004", "W0001"]
    good = etree.parse(str(CMIF / "examples_example01_basic.xml"))
    assert rules(good) == []
    for name, damage in (
        ("W0001", lambda d: d.find(".//t:bibl", TEI).set("{http://www.w3.org/XML/1998/namespace}id", "x")),
        ("E0001", lambda d: d.find(".//t:correspAction[@type='sent']", TEI).set("type", "received")),
        ("E0002", lambda d: d.find(".//t:correspAction[@type='received']", TEI).set("type", "sent")),
        ("E0003", lambda d: d.find(".//t:correspDesc", TEI).set("source", "#nothing")),
        ("E0004", lambda d: d.find(".//t:correspAction/t:date", TEI).attrib.clear()),
    ):
        broken = copy.deepcopy(good)
        damage(broken)
        assert name in rules(broken), name


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("export")
    corpus = make_corpus(root / "corpus", {p.name: p.read_bytes() for p in (CORPUS / "letters").iterdir()})
    code, _, stderr = run(
        "build",
        str(corpus),
        "--out",
        str(root / "dist"),
        "--quiet",
        "--config",
        str(CORPUS.parent / "lodpub.toml"),
        env=ENV,
    )
    assert code == 0, stderr
    return root / "dist"


def export(dist: Path, form: str, out: Path, *extra: str) -> tuple[int, str, str]:
    return run(
        "export",
        form,
        str(dist),
        "--out",
        str(out),
        "--config",
        str(CORPUS.parent / "lodpub.toml"),
        *extra,
        env=ENV,
    )


def test_cmif_of_the_seed_letters(seed: Path, tmp_path: Path) -> None:
    code, out, stderr = export(seed, "cmif", tmp_path / "cmif.xml")
    assert (code, out) == (0, f"wrote {tmp_path / 'cmif.xml'}: 2 letters (CMIF 1)\n")
    assert stderr == (
        "warning: cmif: the editor is the publisher, lodpub example publisher: set cmif_editor to name one\n"
    )
    doc = etree.parse(str(tmp_path / "cmif.xml"))
    assert schema().validate(doc), schema().error_log
    assert rules(doc) == []

    def one(letter: str, path: str) -> list[str]:
        return [str(x) for x in doc.xpath(f"//t:correspDesc[@ref='{letter}']/{path}", namespaces=TEI)]

    sent, received = "t:correspAction[@type='sent']", "t:correspAction[@type='received']"
    assert one(TROOPS, f"{sent}/t:orgName/text()") == [
        "Central Committee of the Communist Party of the Soviet Union"
    ]
    assert one(TROOPS, f"{sent}/t:persName/text()") == ["Nikita Khrushchev"]
    assert one(TROOPS, f"{sent}/t:persName/@ref") == ["http://www.wikidata.org/entity/Q35314"]
    assert one(TROOPS, f"{sent}/t:placeName/text()") == ["Moscow"]
    assert one(TROOPS, f"{sent}/t:date/@when") == ["1958-04-17"]
    assert one(TROOPS, f"{received}/t:orgName/text()") == ["Central Committee of the Romanian Workers' Party"]
    assert one(TROOPS, f"{received}/t:persName/text()") == ["Gheorghe Gheorghiu-Dej"]
    assert one(ADVISORS, f"{sent}/t:orgName/text()") == [
        "Central Committee of the Communist Party of the Soviet Union"
    ]
    assert one(ADVISORS, f"{sent}/t:date/@when") == ["1958-09-09"]
    assert one(ADVISORS, f"{sent}/t:placeName/text()") == []  # the letter names no place
    assert one(ADVISORS, f"{received}/t:orgName/text()") == [
        "Central Committee of the Romanian Workers' Party"
    ]
    assert doc.xpath("//@cert") == []  # lodpub records no doubt; what it inferred is a conjecture
    assert one(ADVISORS, "@evidence") == [] and doc.xpath("//@evidence") == []  # nothing inferred here
    (record,) = doc.xpath(
        "//t:bibl[@type='online'][t:ref/@target='" + BASE + "edition/wilson-center-110474']", namespaces=TEI
    )
    assert one(ADVISORS, "@source") == ["#" + record.get("{http://www.w3.org/XML/1998/namespace}id")]
    (printed,) = doc.xpath("//t:bibl[@type='print']", namespaces=TEI)
    assert one(TROOPS, "@source") == ["#" + printed.get("{http://www.w3.org/XML/1998/namespace}id")]
    assert doc.xpath("//t:publicationStmt/t:date/@when", namespaces=TEI) == ["2024-12-05T12:00:00Z"]
    assert doc.xpath("//t:idno[@type='url']/text()", namespaces=TEI) == [BASE + "cmif.xml"]
    again = tmp_path / "again.xml"
    export(seed, "cmif", again)
    assert again.read_bytes() == (tmp_path / "cmif.xml").read_bytes()  # deterministic
    code, _, _ = export(seed, "cmif", tmp_path / "v2.xml", "--cmif-version", "2")
    v2 = etree.parse(str(tmp_path / "v2.xml"))
    assert code == 0 and schema().validate(v2) and rules(v2) == []
    mentions = v2.xpath(f"//t:correspDesc[@ref='{ADVISORS}']/t:note/t:ref/@type", namespaces=TEI)
    assert set(mentions) == {"https://lod.academy/cmif/vocab/terms/mentionsPlace"}  # no undeclared prefix


def test_cmif_needs_an_editor(seed: Path, tmp_path: Path) -> None:
    """(And a date: a build with cmif = true and no SOURCE_DATE_EPOCH is refused, below.)"""
    out = tmp_path / "c.xml"
    code, _, stderr = run("export", "cmif", str(seed), "--out", str(out), "--config", os.devnull)
    assert (code, stderr) == (
        2,
        "error: cmif: the file needs an editor whom its readers may contact\n"
        "  hint: set cmif_editor (and cmif_email) in lodpub.toml, or the publisher setting\n",
    )
    assert not out.exists()


def test_cmif_of_300_generated_letters_validates(tmp_path: Path) -> None:
    from bench.generate import generate

    generate(300, tmp_path / "corpus")
    (tmp_path / "lodpub.toml").write_text(
        'publisher = "A publisher"\nlicense = "https://example.org/licence"\n'
    )
    code, _, stderr = run(
        "build",
        str(tmp_path / "corpus"),
        "--out",
        str(tmp_path / "dist"),
        "--quiet",
        "--config",
        str(tmp_path / "lodpub.toml"),
        env=ENV,
    )
    assert code == 0, stderr
    code, out, stderr = run(
        "export",
        "cmif",
        str(tmp_path / "dist"),
        "--out",
        str(tmp_path / "cmif.xml"),
        "--config",
        str(tmp_path / "lodpub.toml"),
        "--cmif-version",
        "2",
        env=ENV,
    )
    assert code == 0 and out.endswith(": 300 letters (CMIF 2)\n")
    assert "correspSearch takes CMIF files under CC-BY 4.0 (or CC0) only" in stderr
    doc = etree.parse(str(tmp_path / "cmif.xml"))
    assert schema().validate(doc), schema().error_log
    assert rules(doc) == []
    assert len(doc.xpath("//t:correspDesc", namespaces=TEI)) == 300
    assert doc.xpath("//t:date[@from and @to]", namespaces=TEI) or doc.xpath(
        "//t:date[string-length(@when)<10]", namespaces=TEI
    )


def test_csv_of_the_seed_letters_cell_by_cell(seed: Path, tmp_path: Path) -> None:
    code, out, _ = export(seed, "csv", tmp_path / "letters.csv")
    assert code == 0 and out.endswith(": 2 letters (CSV)\n")
    data = (tmp_path / "letters.csv").read_bytes()
    assert data.count(b"\r\n") == 3  # RFC 4180 line ends: the header and two rows
    with (tmp_path / "letters.csv").open(encoding="utf-8", newline="") as table:
        rows = list(csv.DictReader(table))
    troops, advisors = rows
    assert troops == {
        "id": "1958-04-17-cpsu-rwp-troops",
        "iri": TROOPS,
        "date": "17 April 1958",
        "date_from": "1958-04-17",
        "date_to": "1958-04-17",
        "date_precision": "day",
        "date_basis": "stated",
        "title": "Letter from First Secretary of the CC of the CPSU (N.S. Khrushchev) to the CC of the RWP "
        "on the Withdrawal of Soviet Troops from the Romanian Territory",
        "senders": "Central Committee of the Communist Party of the Soviet Union | Nikita Khrushchev",
        "senders_iris": f"{BASE}group/cc-cpsu | {BASE}person/khrushchev-nikita",
        "senders_qids": " | Q35314",
        "senders_as_marked": "First Secretary of the CC of the CPSU N. Khruschev | First Secretary of the CC "
        "of the CPSU (N.S. Khrushchev); First Secretary of the CC of the CPSU N. Khruschev",
        "senders_basis": "stated | stated",
        "addressees": "Central Committee of the Romanian Workers' Party | Gheorghe Gheorghiu-Dej",
        "addressees_iris": f"{BASE}group/cc-rwp | {BASE}person/gheorghiu-dej-gheorghe",
        "addressees_qids": "",
        "addressees_as_marked": "THE CENTRAL COMMITTEE OF THE ROMANIAN WORKERS' PARTY Comrade Gheorghe "
        "Gheorghiu-Dej; the CC of the RWP | THE CENTRAL COMMITTEE OF THE ROMANIAN WORKERS' PARTY Comrade "
        "Gheorghe Gheorghiu-Dej",
        "addressees_basis": "stated | stated",
        "translators": "Delia Razdolescu",
        "translators_iris": f"{BASE}person/razdolescu-delia",
        "translators_qids": "",
        "translators_as_marked": "Delia Razdolescu",
        "translators_basis": "stated",
        "place": "Moscow",
        "place_iri": f"{BASE}place/moscow",
        "original_language": "",
        "archive": "National Central Historical Archives",
        "fonds": "Fund CC of the RCP - Foreign Relations Section",
        "file": "File 9U/1956-1958",
        "call_number": "Fund CC of the RCP - Foreign Relations Section, File 9U/1956-1958, pp. 227-228",
        "pages": "pp. 227-228",
        "record_url": "",
        "editions": "România. Retragerea trupelor sovietice.1958, pp. 273-274",
        "rights": troops["rights"],
    }
    assert troops["rights"].startswith(
        "Copyright 1999-2006 Parallel History Project on NATO and the Warsaw Pact"
    )
    assert advisors["date"] == "September 9, 1958" and advisors["original_language"] == "Romanian"
    assert advisors["senders"] == "Central Committee of the Communist Party of the Soviet Union"
    assert advisors["senders_as_marked"] == "The Central Committee of the CPSU; the CC of the CPSU"
    assert advisors["file"] == "File 6/1955" and advisors["pages"] == "pp. 719-720"
    assert advisors["record_url"] == "https://wilson-center-digital-archive.dvincitest.com/document/110474"
    assert (advisors["place"], advisors["editions"], advisors["rights"]) == ("", "", "")


def test_networks_of_the_seed_letters(seed: Path, tmp_path: Path) -> None:
    assert export(seed, "gexf", tmp_path / "c.gexf")[0] == 0
    assert export(seed, "graphml", tmp_path / "c.graphml")[0] == 0
    gexf, graphml = nx.read_gexf(tmp_path / "c.gexf"), nx.read_graphml(tmp_path / "c.graphml")
    for graph in (gexf, graphml):
        assert dict(graph.nodes(data="kind")) == {
            f"{BASE}group/cc-cpsu": "group",
            f"{BASE}person/khrushchev-nikita": "person",
            f"{BASE}group/cc-rwp": "group",
            f"{BASE}person/gheorghiu-dej-gheorghe": "person",
        }
        assert graph.nodes[f"{BASE}person/khrushchev-nikita"]["qid"] == "Q35314"
    # GraphML: an edge per letter
    edges = sorted(
        (u.rsplit("/", 1)[1], v.rsplit("/", 1)[1], d["letter"].rsplit("/", 1)[1])
        for u, v, d in graphml.edges(data=True)
    )
    assert edges == [
        ("cc-cpsu", "cc-rwp", "1958-04-17-cpsu-rwp-troops"),
        ("cc-cpsu", "cc-rwp", "1958-09-09-cpsu-rwp-advisors"),
        ("cc-cpsu", "gheorghiu-dej-gheorghe", "1958-04-17-cpsu-rwp-troops"),
        ("khrushchev-nikita", "cc-rwp", "1958-04-17-cpsu-rwp-troops"),
        ("khrushchev-nikita", "gheorghiu-dej-gheorghe", "1958-04-17-cpsu-rwp-troops"),
    ]
    # GEXF 1.3: an edge per pair, weighted by its letters, a spell per letter's date
    text = (tmp_path / "c.gexf").read_bytes()
    assert b'xmlns="http://gexf.net/1.3"' in text and b'version="1.3"' in text
    assert b'lastmodifieddate="2024-12-05"' in text and b"networkx_key" not in text
    assert gexf.graph["mode"] == "dynamic"
    pairs = {(u.rsplit("/", 1)[1], v.rsplit("/", 1)[1]): d for u, v, d in gexf.edges(data=True)}
    assert sorted(pairs) == [
        ("cc-cpsu", "cc-rwp"),
        ("cc-cpsu", "gheorghiu-dej-gheorghe"),
        ("khrushchev-nikita", "cc-rwp"),
        ("khrushchev-nikita", "gheorghiu-dej-gheorghe"),
    ]
    both = pairs[("cc-cpsu", "cc-rwp")]
    assert both["weight"] == 2.0
    assert both["letters"] == f"{TROOPS} {ADVISORS}"
    assert both["spells"] == [("1958-04-17", "1958-04-17"), ("1958-09-09", "1958-09-09")]
    assert both["precision"] == "day | day"
    assert pairs[("khrushchev-nikita", "cc-rwp")]["weight"] == 1.0
    assert gexf.nodes[f"{BASE}group/cc-cpsu"]["spells"] == [
        ("1958-04-17", "1958-04-17"),
        ("1958-09-09", "1958-09-09"),
    ]
    assert b'kind="letter"' in text


def test_a_network_of_many_letters_keeps_them_and_says_which_are_in_no_edge(tmp_path: Path) -> None:
    """1,000 generated letters between few correspondents: Gephi merges parallel edges, so each
    pair is one edge whose weight is its letters; a month's or a year's date is a spell of that
    length; letters with no sender or no addressee are counted in a warning."""
    from bench.generate import generate

    generate(1000, tmp_path / "corpus")
    real = Path(__file__).parent / "real" / "letters"
    for name in ("wilson-123123.txt", "wilson-114960.txt", "php-1980-12-01-gdr-opinion-cmd.txt"):
        (tmp_path / "corpus" / "letters" / name).write_bytes((real / name).read_bytes())  # no addressee
    (tmp_path / "lodpub.toml").write_text('publisher = "P"\nlicense = "https://example.org/l"\n')
    config = str(tmp_path / "lodpub.toml")
    code, _, stderr = run(
        "build",
        str(tmp_path / "corpus"),
        "--out",
        str(tmp_path / "dist"),
        "--quiet",
        "--config",
        config,
        env=ENV,
    )
    assert code == 0, stderr
    code, out, stderr = run(
        "export",
        "gexf",
        str(tmp_path / "dist"),
        "--out",
        str(tmp_path / "n.gexf"),
        "--config",
        config,
        env=ENV,
    )
    assert code == 0 and out.endswith("letters (GEXF)\n")
    letters = int(out.rsplit(": ", 1)[1].split()[0])
    graph = nx.read_gexf(tmp_path / "n.gexf")
    weights = sum(d["weight"] for _, _, d in graph.edges(data=True))
    carried = sum(len(d["letters"].split()) for _, _, d in graph.edges(data=True))
    assert weights == carried and graph.number_of_edges() < weights  # letters kept, not merged away
    spells = [s for _, _, d in graph.edges(data=True) for s in d.get("spells", [])]
    assert any(start != end for start, end in spells)  # a month's or a year's letter spans its days
    unlinked = re.search(r"warning: gexf: (\d+) of (\d+) letters name no sender or no addressee", stderr)
    assert unlinked is not None and int(unlinked.group(2)) == letters == 1003, stderr
    assert 3 <= int(unlinked.group(1)) < 50


def test_a_build_with_cmif_writes_it_and_serve_publishes_it(tmp_path: Path) -> None:
    import requests

    from .servers import start, stop

    corpus = make_corpus(
        tmp_path / "corpus", {p.name: p.read_bytes() for p in (CORPUS / "letters").iterdir()}
    )
    config = tmp_path / "lodpub.toml"
    config.write_text(
        (CORPUS.parent / "lodpub.toml").read_text(encoding="utf-8") + 'cmif = true\ncmif_editor = "Ed"\n'
    )
    code, _, stderr = run(
        "build", str(corpus), "--out", str(tmp_path / "dist"), "--quiet", "--config", str(config)
    )
    assert code == 2 and stderr.startswith("error: cmif: the file needs the date it was made")
    code, _, stderr = run(
        "build", str(corpus), "--out", str(tmp_path / "dist"), "--quiet", "--config", str(config), env=ENV
    )
    assert code == 0, stderr
    doc = etree.parse(str(tmp_path / "dist" / "cmif.xml"))
    assert schema().validate(doc) and len(doc.xpath("//t:correspDesc", namespaces=TEI)) == 2
    assert doc.xpath("//t:editor/text()", namespaces=TEI) == ["Ed"]
    assert f"<{BASE}cmif.xml>" in (tmp_path / "dist" / "void.ttl").read_text(encoding="utf-8")
    server = start(tmp_path / "dist", tmp_path / "serve")
    try:
        answer = requests.get(server.url + "/cmif.xml", timeout=10)
    finally:
        stop(server)
    assert (
        answer.status_code == 200 and answer.headers["Content-Type"] == "application/tei+xml; charset=utf-8"
    )
    assert answer.content == (tmp_path / "dist" / "cmif.xml").read_bytes()


def test_a_rebuild_with_cmif_reads_again_only_the_changed_letters(tmp_path: Path) -> None:
    """The build keeps each letter's CMIF entry with what it depends on; after one edit only that
    letter's entry is made again, and the file is the one a fresh export writes."""
    import sqlite3

    from bench.generate import generate

    generate(40, tmp_path / "corpus")
    config = tmp_path / "lodpub.toml"
    config.write_text(
        (CORPUS.parent / "lodpub.toml").read_text(encoding="utf-8") + 'cmif = true\ncmif_editor = "Ed"\n'
    )
    dist = tmp_path / "dist"

    def build_and_keys() -> dict[str, str]:
        code, _, stderr = run(
            "build", str(tmp_path / "corpus"), "--out", str(dist), "--quiet", "--config", str(config), env=ENV
        )
        assert code == 0, stderr
        with sqlite3.connect(tmp_path / ".dist-store" / "cmif1-fragments.sqlite") as db:
            return dict(db.execute("SELECT letter, key FROM fragments"))

    before = build_and_keys()
    assert len(before) == 40
    edited = tmp_path / "corpus" / "letters" / "letter-000007.txt"
    edited.write_bytes(edited.read_bytes().replace(b"Dear Comrades", b"Dear Comrades and friends", 1))
    after = build_and_keys()
    assert [iri for iri in after if after[iri] != before[iri]] == [BASE + "letter/letter-000007"]
    fresh, elsewhere = tmp_path / "fresh.xml", tmp_path / "elsewhere.toml"
    elsewhere.write_text(config.read_text(encoding="utf-8") + f'store = "{tmp_path / "other-store"}"\n')
    code, _, stderr = run(
        "export", "cmif", str(dist), "--out", str(fresh), "--config", str(elsewhere), env=ENV
    )
    assert code == 0, stderr
    assert fresh.read_bytes() == (dist / "cmif.xml").read_bytes()


def test_cmif_marks_what_was_inferred_as_a_conjecture(tmp_path: Path) -> None:
    """Real records whose parties and dates come from the editors' titles and metadata: CMIF's
    ``evidence="conjecture"`` ("not stated in the source itself"), never ``cert``."""
    real = Path(__file__).parent / "real"
    letters = {p.name: p.read_bytes() for p in sorted((real / "letters").iterdir())[:40]}
    corpus = make_corpus(tmp_path / "corpus", letters, authorities=False)
    (corpus / "authorities.toml").write_bytes((real / "authorities.toml").read_bytes())
    config = CORPUS.parent / "lodpub.toml"
    code, _, stderr = run(
        "build", str(corpus), "--out", str(tmp_path / "dist"), "--quiet", "--config", str(config), env=ENV
    )
    assert code == 0, stderr
    code, _, stderr = export(tmp_path / "dist", "cmif", tmp_path / "cmif.xml")
    assert code == 0, stderr
    doc = etree.parse(str(tmp_path / "cmif.xml"))
    assert schema().validate(doc), schema().error_log
    assert rules(doc) == []
    marked = doc.xpath("//t:correspAction/*[@evidence]", namespaces=TEI)
    assert marked and {m.get("evidence") for m in marked} == {"conjecture"}
    assert {etree.QName(m).localname for m in marked} >= {"persName"}
    assert doc.xpath("//@cert") == []


def test_a_csv_cell_a_spreadsheet_would_run_is_inert(tmp_path: Path) -> None:
    """OWASP's CSV-injection rule: a cell beginning with = + - @ (or a tab or CR) gets a quote."""
    troops = (CORPUS / "letters" / "1958-04-17-cpsu-rwp-troops.txt").read_text(encoding="utf-8")
    title = troops.splitlines()[0]
    evil = '=HYPERLINK("http://127.0.0.1:9/x","Letter from Khrushchev")'
    corpus = make_corpus(tmp_path / "corpus", {"1958-04-17-evil.txt": troops.replace(title, evil, 1)})
    config = str(CORPUS.parent / "lodpub.toml")
    code, _, stderr = run(
        "build", str(corpus), "--out", str(tmp_path / "dist"), "--quiet", "--config", config, env=ENV
    )
    assert code == 0, stderr
    assert export(tmp_path / "dist", "csv", tmp_path / "letters.csv")[0] == 0
    with open(tmp_path / "letters.csv", encoding="utf-8", newline="") as handle:
        (letter,) = list(csv.DictReader(handle))
    assert letter["title"] == "'" + evil
    cells = [cell for cell in letter.values() if cell]
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
