"""Authority identifiers: offered from the Wikidata item (a local fake), reviewed, entered with
their provenance, published as skos:exactMatch, used by CMIF, re-checked."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree
from rdflib import Dataset, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS, XSD

from lodpub.authorities import Authorities
from lodpub.cli import main

from .cmif_rules import TEI, rules, schema
from .conftest import BASE, CORPUS, run
from .wikidata_fake import ITEMS, Fake, fake_wikidata

PROV = Namespace("http://www.w3.org/ns/prov#")
KHRUSHCHEV = URIRef(BASE + "person/khrushchev-nikita")
VIAF = "http://viaf.org/viaf/9000000000000001"
GND = "https://d-nb.info/gnd/900000001"
TROOPS = BASE + "letter/1958-04-17-cpsu-rwp-troops"
ENV = {"SOURCE_DATE_EPOCH": "1733400000"}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """The seed corpus, with Khrushchev linked to the fake item that holds identifiers."""
    root = tmp_path / "corpus"
    shutil.copytree(CORPUS, root, ignore=shutil.ignore_patterns("link-*"))
    authority = root / "authorities.toml"
    text = authority.read_text(encoding="utf-8")
    assert text.count('wikidata = "Q35314"') == 1
    authority.write_text(text.replace('wikidata = "Q35314"', 'wikidata = "Q900200"'), encoding="utf-8")
    return root


def link(corpus: Path, api: str, *extra: str) -> tuple[int, str, str]:
    env = {
        "LODPUB_CONTACT": "tests@example.org",
        "LODPUB_WIKIDATA_API": api + "/w/api.php",
        "LODPUB_RECONCILE_URL": "",
    }
    result = CliRunner(env=env).invoke(main, ["link", str(corpus), *extra])
    return result.exit_code, result.stdout, result.stderr


def id_blocks(corpus: Path) -> dict[str, dict[str, object]]:
    data = tomllib.loads((corpus / "link-review.toml").read_text(encoding="utf-8"))
    return {b["key"]: b for b in data.get("ids", [])}


def set_decision(corpus: Path, accept: list[str], reject: list[str]) -> None:
    review = corpus / "link-review.toml"
    text = review.read_text(encoding="utf-8")
    block = text.index('[[ids]]\nkey = "person.khrushchev-nikita"')
    head, tail = text[:block], text[block:]
    tail = tail.replace(
        "accept = []", f"accept = [{', '.join(repr(a).replace(chr(39), chr(34)) for a in accept)}]", 1
    )
    tail = tail.replace(
        "reject = []", f"reject = [{', '.join(repr(r).replace(chr(39), chr(34)) for r in reject)}]", 1
    )
    review.write_text(head + tail, encoding="utf-8")


def test_identifiers_offered_reviewed_entered_published_and_checked(corpus: Path, tmp_path: Path) -> None:
    with fake_wikidata() as api:
        code, _, stderr = link(corpus, api)
        assert code == 0, stderr
        offered = id_blocks(corpus)["person.khrushchev-nikita"]
        assert offered["wikidata"] == "Q900200" and offered["accept"] == [] and offered["reject"] == []
        assert offered["revision"] == 2_000_900_200  # the revision the identifiers were read from
        # the best-ranked, well-formed values only: not the deprecated VIAF, not the malformed BnF
        assert offered["candidate"] == [
            {"id": "gnd:900000001", "property": "P227", "iri": GND},
            {
                "id": "lc:n90000001",
                "property": "P244",
                "iri": "http://id.loc.gov/authorities/names/n90000001",
            },
            {"id": "viaf:9000000000000001", "property": "P214", "iri": VIAF},
        ]
        asked = [r["params"]["ids"] for r in Fake.seen if r["params"]["action"] == "wbgetentities"]
        assert any("Q900200" in ids.split("|") for ids in asked)  # the linked item's identifiers

        set_decision(corpus, ["viaf:9000000000000001", "gnd:900000001"], ["lc:n90000001"])
        sent = len(Fake.seen)
        code, stdout, _ = link(corpus, api, "--offline")  # the reviewer's words kept; nothing sent
        assert code == 0 and len(Fake.seen) == sent and stdout.endswith("0 request(s) sent\n")
        kept = id_blocks(corpus)["person.khrushchev-nikita"]
        assert kept["accept"] == ["viaf:9000000000000001", "gnd:900000001"]
        assert [c["id"] for c in kept["candidate"]] == ["gnd:900000001", "viaf:9000000000000001"]  # type: ignore[union-attr]

        code, stdout, stderr = link(corpus, api, "--apply", "--by", "Ana Pop", "--on", "2026-12-06")
        assert code == 0, stderr
        assert "accepted viaf:9000000000000001 for person.khrushchev-nikita" in stdout.splitlines()
        authority = (corpus / "authorities.toml").read_text(encoding="utf-8")
        assert (
            'ids.viaf = { id = "9000000000000001", by = "Ana Pop", on = "2026-12-06", '
            'method = "Wikidata Q900200 revision 2000900200 P214, review file link-review.toml" }'
        ) in authority
        entity = Authorities.load(corpus / "authorities.toml").get("person", "khrushchev-nikita")
        assert entity is not None and [a.text for a in entity.ids] == [
            "gnd:900000001",
            "viaf:9000000000000001",
        ]

        code, _, _ = link(corpus, api)  # accepted ones are done; the rejected one is not offered again
        done = id_blocks(corpus)["person.khrushchev-nikita"]
        assert (done["accept"], done["reject"], done.get("candidate")) == ([], ["lc:n90000001"], None)

        # Wikidata changes its VIAF value: --check says so, and fails
        ITEMS["Q900200"]["claims"]["P214"][0]["mainsnak"]["datavalue"]["value"] = "9000000000000002"
        try:
            code, stdout, _ = link(corpus, api, "--check")
        finally:
            ITEMS["Q900200"]["claims"]["P214"][0]["mainsnak"]["datavalue"]["value"] = "9000000000000001"
        assert code == 1
        assert (
            "person.khrushchev-nikita: viaf:9000000000000001 is no longer on Q900200 "
            "(P214: it holds 9000000000000002); check the authority file"
        ) in stdout.splitlines()

        # Wikidata deprecates the accepted GND value: --check says so too
        gnd = ITEMS["Q900200"]["claims"]["P227"][0]
        gnd["rank"] = "deprecated"
        try:
            code, stdout, _ = link(corpus, api, "--check")
        finally:
            gnd["rank"] = "normal"
        assert code == 1
        assert (
            "person.khrushchev-nikita: gnd:900000001 is deprecated on Q900200 "
            "(P227: it holds none); check the authority file"
        ) in stdout.splitlines()

    dist = tmp_path / "dist"
    code, _, stderr = run(
        "build",
        str(corpus),
        "--out",
        str(dist),
        "--quiet",
        "--config",
        str(CORPUS.parent / "lodpub.toml"),
        env=ENV,
    )
    assert code == 0, stderr
    data = Dataset(default_union=True)
    data.parse(dist / "dataset.trig", format="trig")
    assert (KHRUSHCHEV, SKOS.exactMatch, URIRef(VIAF)) in data
    assert (KHRUSHCHEV, SKOS.exactMatch, URIRef(GND)) in data
    statement = URIRef(f"{KHRUSHCHEV}/exactmatch/viaf")
    assert (statement, RDF.subject, KHRUSHCHEV) in data and (statement, RDF.object, URIRef(VIAF)) in data
    assert (statement, RDF.predicate, SKOS.exactMatch) in data
    assert (statement, PROV.wasAttributedTo, URIRef(BASE + "agent/ana-pop")) in data
    assert (statement, DCTERMS.date, Literal("2026-12-06", datatype=XSD.date)) in data

    out = tmp_path / "cmif.xml"
    code, _, stderr = run(
        "export",
        "cmif",
        str(dist),
        "--out",
        str(out),
        "--config",
        str(CORPUS.parent / "lodpub.toml"),
        env=ENV,
    )
    assert code == 0, stderr
    doc = etree.parse(str(out))
    assert schema().validate(doc), schema().error_log
    assert rules(doc) == []
    sent = f"//t:correspDesc[@ref='{TROOPS}']/t:correspAction[@type='sent']/t:persName"
    assert [str(x) for x in doc.xpath(f"{sent}/@ref", namespaces=TEI)] == [VIAF]  # VIAF before Wikidata


def test_accept_one_identifier_and_refusals(corpus: Path) -> None:
    with fake_wikidata() as api:
        code, stdout, _ = link(
            corpus,
            api,
            "--accept",
            "person.khrushchev-nikita",
            "gnd:900000001",
            "--by",
            "Ana",
            "--on",
            "2026-12-06",
        )
        assert code == 0, stdout
        authority = corpus / "authorities.toml"
        assert (
            'ids.gnd = { id = "900000001", by = "Ana", on = "2026-12-06", method = "lodpub link --accept" }'
            in authority.read_text(encoding="utf-8")
        )
        before = authority.read_bytes()
        for value, message in (
            ("viaf:12x", "person.khrushchev-nikita: ids.viaf: '12x' is not a VIAF identifier"),
            ("geonames:123", "person.khrushchev-nikita: ids.geonames: not an authority file for a person"),
            ("orcid:0000", "person.khrushchev-nikita: ids.orcid: not an authority file for a person"),
        ):
            code, _, stderr = link(corpus, api, "--accept", "person.khrushchev-nikita", value)
            assert code != 0 and message in stderr, stderr
            assert "Traceback" not in stderr
        assert authority.read_bytes() == before
        # an entity whose ids are one inline table is refused with a hint, never rewritten
        text = authority.read_text(encoding="utf-8").replace(
            'ids.gnd = { id = "900000001", by = "Ana", on = "2026-12-06", method = "lodpub link --accept" }',
            'ids = { gnd = "900000001" }',
        )
        authority.write_text(text, encoding="utf-8")
        code, _, stderr = link(corpus, api, "--accept", "person.khrushchev-nikita", "viaf:9000000000000001")
        assert code != 0 and "ids is written as one inline table" in stderr
        assert authority.read_text(encoding="utf-8") == text


def test_a_malformed_identifier_in_the_authority_file_is_one_clear_error(
    corpus: Path, tmp_path: Path
) -> None:
    authority = corpus / "authorities.toml"
    text = authority.read_text(encoding="utf-8").replace(
        'wikidata = "Q900200"', 'wikidata = "Q900200"\nids.viaf = "abc"'
    )
    authority.write_text(text, encoding="utf-8")
    code, _, stderr = run("build", str(corpus), "--out", str(tmp_path / "dist"), "--quiet")
    assert code != 0
    assert "[person.khrushchev-nikita]: ids.viaf: 'abc' is not a VIAF identifier" in stderr
    assert "Traceback" not in stderr and not (tmp_path / "dist").exists()


def mark_create(review: Path, *keys: str) -> None:
    text = review.read_text(encoding="utf-8")
    for key in keys:
        start = text.index(f'key = "{key}"')
        end = text.index('note = ""', start) + len('note = ""')
        text = text[:end] + "\ncreate = true" + text[end:]
    review.write_text(text, encoding="utf-8")


def test_a_quickstatements_batch_for_the_entities_marked_create(corpus: Path, tmp_path: Path) -> None:
    review = corpus / "link-review.toml"
    with fake_wikidata() as api:
        assert link(corpus, api)[0] == 0
        mark_create(review, "person.gheorghiu-dej-gheorghe", "person.razdolescu-delia", "group.cc-rwp")
        assert link(corpus, api, "--offline")[0] == 0  # create is the reviewer's: kept on a re-run
        assert review.read_text(encoding="utf-8").count("\ncreate = true\n") == 3
        sent = len(Fake.seen)
        batch = tmp_path / "new-items.qs"
        code, stdout, stderr = link(corpus, api, "--quickstatements", str(batch))
        assert len(Fake.seen) == sent  # never sent
    assert code == 0, stderr
    assert stdout == (
        f"wrote {batch}: 3 item(s) to create (group.cc-rwp, person.gheorghiu-dej-gheorghe, "
        "person.razdolescu-delia); nothing was sent: run it in QuickStatements, then accept each new "
        "QID with --accept KIND.KEY Q…\n"
    )
    assert stderr == (
        "not in the batch: person.gheorghiu-dej-gheorghe: alias 'Георгиу-Деж' left out: not in Latin "
        "letters, and its language is not known\n"
    )
    letter = '"https://lod.example.org/letter/1958-04-17-cpsu-rwp-troops"'
    dataset = '"https://lod.example.org/dataset"'
    assert batch.read_text(encoding="utf-8").splitlines() == [
        "CREATE",
        'LAST\tLen\t"Central Committee of the Romanian Workers\' Party"',
        'LAST\tLro\t"Comitetul Central al Partidului Muncitoresc Român"',
        'LAST\tAen\t"CC of the RWP"',
        'LAST\tAen\t"CC RWP"',
        'LAST\tAen\t"Central Committee of the RWP"',
        'LAST\tAen\t"CC of the PMR"',
        'LAST\tAen\t"CC of the RCP"',
        f"LAST\tP31\tQ43229\tS854\t{letter}",
        f"LAST\tP31\tQ43229\tS854\t{dataset}",
        "CREATE",
        'LAST\tLen\t"Gheorghe Gheorghiu-Dej"',
        'LAST\tLro\t"Gheorghe Gheorghiu-Dej"',
        'LAST\tLru\t"Георге Георгиу-Деж"',
        'LAST\tAen\t"Gheorghiu-Dej"',
        'LAST\tAen\t"Gh. Gheorghiu-Dej"',
        'LAST\tAen\t"G. Gheorghiu-Dej"',
        'LAST\tAen\t"Gheorghe Gheorghiu Dej"',
        f"LAST\tP31\tQ5\tS854\t{letter}",
        f"LAST\tP31\tQ5\tS854\t{dataset}",
        "CREATE",
        'LAST\tLen\t"Delia Razdolescu"',
        'LAST\tAen\t"Delia Răzdolescu"',
        'LAST\tAen\t"D. Razdolescu"',
        f"LAST\tP31\tQ5\tS854\t{letter}",
        f"LAST\tP31\tQ5\tS854\t{dataset}",
    ]
    again = tmp_path / "again.qs"
    assert link(corpus, "http://127.0.0.1:9", "--quickstatements", str(again))[0] == 0
    assert again.read_bytes() == batch.read_bytes()  # deterministic, and offline

    # the loop closes: the new QID accepted, the entity leaves the batch
    code, _, _ = link(
        corpus, "http://127.0.0.1:9", "--accept", "person.razdolescu-delia", "Q900300", "--on", "2026-12-06"
    )
    assert code == 0
    code, _, stderr = link(corpus, "http://127.0.0.1:9", "--quickstatements", str(again))
    assert (
        code == 0
        and "not in the batch: person.razdolescu-delia: has a QID in the authority file (Q900300)" in stderr
    )
    assert "Delia" not in again.read_text(encoding="utf-8")


def test_create_is_only_for_people_and_groups(corpus: Path, tmp_path: Path) -> None:
    review = corpus / "link-review.toml"
    with fake_wikidata() as api:
        assert link(corpus, api)[0] == 0
        code, _, stderr = link(corpus, api, "--quickstatements", str(tmp_path / "b.qs"))
        assert code != 0 and "no block is marked create = true" in stderr
        text = review.read_text(encoding="utf-8")
        text = text.replace('key = "group.anic"', 'key = "place.nowhere"', 1)
        mark_create_text = text.replace(
            'key = "place.nowhere"\nlabel', 'key = "place.nowhere"\ncreate = true\nlabel', 1
        )
        review.write_text(mark_create_text, encoding="utf-8")
        code, _, stderr = link(corpus, api, "--quickstatements", str(tmp_path / "b.qs"))
        assert (
            code != 0
            and "place.nowhere: create must be true or false, and only for a person or group" in stderr
        )
        assert "Traceback" not in stderr and not (tmp_path / "b.qs").exists()


def test_accepting_a_created_item_changes_the_next_build_only_there(corpus: Path, tmp_path: Path) -> None:
    """After the batch ran, the new QID accepted: the next build links that entity (with who
    accepted it, when and how) and changes nothing else."""

    def build(out: Path) -> set[str]:
        code, _, stderr = run(
            "build", str(corpus), "--out", str(out), "--quiet", "--no-cache", "--config",
            str(CORPUS.parent / "lodpub.toml"), env=ENV,
        )  # fmt: skip
        assert code == 0, stderr
        return set((out / "dataset.nq").read_text(encoding="utf-8").splitlines())

    before = build(tmp_path / "before")
    code, _, stderr = link(
        corpus, "http://127.0.0.1:9", "--accept", "person.razdolescu-delia", "Q900300",
        "--by", "Ana Pop", "--on", "2026-12-06",
    )  # fmt: skip
    assert code == 0, stderr
    after = build(tmp_path / "after")
    person = f"<{BASE}person/razdolescu-delia>"
    statement = f"<{BASE}person/razdolescu-delia/sameas/Q900300>"
    added, removed = sorted(after - before), sorted(before - after)
    # the dataset description counts what changed (its totals and partitions: a prov:Agent
    # partition is new), and says nothing else new
    description = f"<{BASE}graph/dataset> ."
    for line in removed + added:
        if line.endswith(description):
            assert line.startswith(f"<{BASE}dataset"), line
            assert "void#" in line.split(" ")[1] or "typePartition" in line.split(" ")[1], line
    removed = [line for line in removed if not line.endswith(description)]
    added = [line for line in added if not line.endswith(description)]
    assert removed == []
    assert f"{person} <http://www.w3.org/2002/07/owl#sameAs> <http://www.wikidata.org/entity/Q900300>" in {
        line.rsplit(" ", 2)[0] for line in added
    }
    about = [line for line in added if line.startswith((person, statement, f"<{BASE}agent/ana-pop>"))]
    assert about == added, [line for line in added if line not in about]
    assert any(line.startswith(statement) and "2026-12-06" in line for line in added)
