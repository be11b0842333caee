"""lodpub link: candidates from a local Wikidata-like server, review, acceptance, provenance."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Namespace, URIRef

from lodpub import __version__
from lodpub.build import build
from lodpub.cli import main
from lodpub.errors import LinkError

from .conftest import BASE, CORPUS, SETTINGS
from .wikidata_fake import Fake, client_of, fake_wikidata

PROV = Namespace("http://www.w3.org/ns/prov#")
OWL_SAME = URIRef("http://www.w3.org/2002/07/owl#sameAs")
DEJ = URIRef(BASE + "person/gheorghiu-dej-gheorghe")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    shutil.copytree(CORPUS, root, ignore=shutil.ignore_patterns("link-*"))
    return root


def link(corpus: Path, api: str, *extra: str, contact: str = "tests@example.org") -> tuple[int, str, str]:
    env = {"LODPUB_CONTACT": contact, "LODPUB_WIKIDATA_API": api + "/w/api.php", "LODPUB_RECONCILE_URL": ""}
    result = CliRunner(env=env).invoke(main, ["link", str(corpus), *extra])
    return result.exit_code, result.stdout, result.stderr


def blocks(corpus: Path) -> dict[str, dict[str, object]]:
    data = tomllib.loads((corpus / "link-review.toml").read_text(encoding="utf-8"))
    return {b["key"]: b for b in data["entity"]}


def test_candidates_review_accept_and_provenance(corpus: Path, tmp_path: Path) -> None:
    with fake_wikidata() as api:
        code, stdout, stderr = link(corpus, api)
        assert code == 0, stderr
        sent = len(Fake.seen)
        assert stdout.startswith(
            f"wrote {corpus / 'link-review.toml'}: 12 entities without a QID, 11 with candidates"
        )
        assert all(r["agent"] == f"lodpub/{__version__} (tests@example.org)" for r in Fake.seen)
        assert all(r["params"]["maxlag"] == "5" for r in Fake.seen)
        gets = [r for r in Fake.seen if r["params"]["action"] == "wbgetentities"]
        # two batches of candidates' details, one of the linked items (their authority identifiers)
        assert len(gets) == 3 and all(len(r["params"]["ids"].split("|")) <= 50 for r in gets)
        review = blocks(corpus)
        dej = review["person.gheorghiu-dej-gheorghe"]
        best = dej["candidate"][0]  # type: ignore[index]
        assert (best["qid"], best["score"]) == ("Q900001", 1.0)
        assert best["why"] == "name 1.00; is a person; fits the letters' years 1958-1958; country Q218"
        assert [c["qid"] for c in dej["candidate"]] == ["Q900001", "Q900002", "Q900003"]  # type: ignore[union-attr]
        assert dej["candidate"][1]["why"] == "name 1.00; not a person (P31 Q11446)"  # type: ignore[index]
        assert "begins 1965, after the letters (1958)" not in dej["candidate"][2]["why"]  # type: ignore[index]
        assert review["person.razdolescu-delia"]["status"] == "no candidates found"
        assert review["person.razdolescu-delia"]["note"] == ""  # the reviewer's
        assert len(review["person.scurtu-ioan"]["candidate"]) == 5  # type: ignore[arg-type]
        assert "person.khrushchev-nikita" not in review  # verified already
        assert "group.cc-cpsu" in review and review["group.cc-cpsu"]["candidate"][0]["qid"] == "Q900010"  # type: ignore[index]

        code, stdout, _ = link(corpus, api)  # a re-run asks nothing already answered
        assert code == 0 and len(Fake.seen) == sent and stdout.endswith("0 request(s) sent\n")

    before = (corpus / "authorities.toml").read_text(encoding="utf-8")
    assert build(corpus, tmp_path / "d0", SETTINGS).written
    code, stdout, _ = link(
        corpus,
        "http://127.0.0.1:1",
        "--accept",
        "person.gheorghiu-dej-gheorghe",
        "Q900001",
        "--by",
        "Ana Editor",
        "--on",
        "2026-11-23",
    )
    assert (code, stdout) == (
        0,
        "accepted Q900001 for person.gheorghiu-dej-gheorghe (Gheorghe Gheorghiu-Dej); "
        "recorded by Ana Editor on 2026-11-23\n",
    )
    after = (corpus / "authorities.toml").read_text(encoding="utf-8")
    assert after.startswith(before.split("[person.gheorghiu-dej-gheorghe]")[0])  # comments and layout kept
    assert (
        'wikidata = "Q900001"\nwikidata_review = { by = "Ana Editor", on = "2026-11-23", '
        'method = "lodpub link --accept" }' in after
    )
    result = build(corpus, tmp_path / "d1", SETTINGS)
    assert result.written and not result.problems
    data = Dataset().parse(tmp_path / "d1" / "dataset.nq", format="nquads")
    assert has(data, (DEJ, OWL_SAME, URIRef("http://www.wikidata.org/entity/Q900001")))
    statement = URIRef(f"{DEJ}/sameas/Q900001")
    assert has(data, (statement, PROV.wasAttributedTo, URIRef(BASE + "agent/ana-editor")))
    old = Dataset().parse(tmp_path / "d0" / "dataset.nq", format="nquads")
    assert not has(old, (DEJ, OWL_SAME, None))
    assert has(old, (DEJ, None, None))


def has(data: Dataset, pattern: tuple[object, object, object]) -> bool:
    return any(True for _ in data.quads((*pattern, None)))  # type: ignore[arg-type]


def test_apply_from_the_review_file(corpus: Path) -> None:
    with fake_wikidata() as api:
        assert link(corpus, api)[0] == 0
    review = corpus / "link-review.toml"
    text = review.read_text(encoding="utf-8")
    head, rest = text.split('key = "group.cc-cpsu"\n', 1)
    review.write_text(head + 'key = "group.cc-cpsu"\n' + rest.replace('accept = ""', 'accept = "Q900010"', 1))
    code, stdout, _ = link(corpus, "http://127.0.0.1:1", "--apply", "--by", "Ana", "--on", "2026-11-23")
    assert code == 0 and stdout.splitlines() == [
        "accepted Q900010 for group.cc-cpsu",
        f"1 QID(s) accepted from {review}",
    ]
    authority = tomllib.loads((corpus / "authorities.toml").read_text(encoding="utf-8"))
    assert authority["group"]["cc-cpsu"]["wikidata"] == "Q900010"
    assert authority["group"]["cc-cpsu"]["wikidata_review"]["method"].startswith(
        "review file link-review.toml (name 1.00"
    )


def test_accepting_a_local_entity_adds_it(corpus: Path) -> None:
    letter = corpus / "letters" / "1958-04-17-cpsu-rwp-troops.txt"
    letter.write_text(
        letter.read_text(encoding="utf-8").replace("N. Khruschev", "Ivan Unknownov"), encoding="utf-8"
    )
    code, _, stderr = link(
        corpus, "http://127.0.0.1:1", "--accept", "person.ivan-unknownov", "Q900050", "--by", "Ana"
    )
    assert code == 0, stderr
    entry = tomllib.loads((corpus / "authorities.toml").read_text(encoding="utf-8"))["person"][
        "ivan-unknownov"
    ]
    assert (entry["label"], entry["wikidata"]) == ("Ivan Unknownov", "Q900050")


def test_bad_acceptances_leave_the_file_alone(corpus: Path) -> None:
    before = (corpus / "authorities.toml").read_bytes()
    code, _, stderr = link(corpus, "http://127.0.0.1:1", "--accept", "person.gheorghiu-dej-gheorghe", "Q12x")
    assert (code, stderr.splitlines()[0]) == (
        2,
        "error: 'Q12x' is not a Wikidata item id (Q followed by digits)",
    )
    code, _, stderr = link(corpus, "http://127.0.0.1:1", "--accept", "person.nobody", "Q1")
    assert (code, stderr.splitlines()[0]) == (2, "error: person.nobody: no such entity in the corpus")
    assert (corpus / "authorities.toml").read_bytes() == before


def test_offline_uses_the_cache_alone(corpus: Path) -> None:
    with fake_wikidata() as api:
        code, stdout, stderr = link(corpus, api, "--offline")
        assert (code, stdout, Fake.seen) == (1, "", [])
        assert stderr == "error: no cached Wikidata answers for 12 entities; run without --offline once\n"
        assert not (corpus / "link-review.toml").exists()
        assert link(corpus, api)[0] == 0
        sent = len(Fake.seen)
        code, stdout, stderr = link(corpus, api, "--offline")
        assert code == 0 and len(Fake.seen) == sent and stderr == ""
        assert blocks(corpus)["person.gheorghiu-dej-gheorghe"]["candidate"][0]["qid"] == "Q900001"  # type: ignore[index]


@pytest.mark.parametrize("fault", ["429", "maxlag"])
def test_retry_after_is_honoured(corpus: Path, fault: str) -> None:
    with fake_wikidata(**{fault: 1}) as api:
        waits: list[float] = []
        client = client_of(api, corpus / "c", sleep=waits.append)
        assert [h["id"] for h in client.search("Gheorghe Gheorghiu-Dej")] == ["Q900002", "Q900001", "Q900003"]
        assert waits == [1.0] and len(Fake.seen) == 2
        client.close()


def test_malformed_json_gives_a_clear_message_and_writes_nothing(corpus: Path) -> None:
    with fake_wikidata(malformed=1000) as api:
        waits: list[float] = []
        client = client_of(api, corpus / "c", tries=3, sleep=waits.append)
        with pytest.raises(LinkError) as caught:
            client.search("Gheorghe Gheorghiu-Dej")
        assert caught.value.message == (
            f"{api}/w/api.php gave no usable answer in 3 tries; last: malformed JSON "
            + """('{"search": [ {"id": "Q1"')"""
        )
        assert waits == [1.0, 2.0] and not (corpus / "c").exists()
        client.close()
        before = (corpus / "authorities.toml").read_bytes()
        code, _, stderr = link(corpus, api, "--tries", "2")
        assert code == 1 and "gave no usable answer in 2 tries; last: malformed JSON" in stderr
        assert not (corpus / "link-review.toml").exists()
        assert (corpus / "authorities.toml").read_bytes() == before


def test_timeouts_are_retried(corpus: Path) -> None:
    with fake_wikidata(slow=1000) as api:
        waits: list[float] = []
        client = client_of(api, corpus / "c", tries=2, timeout=0.2, sleep=waits.append)
        with pytest.raises(LinkError, match="gave no usable answer in 2 tries; last: ReadTimeout"):
            client.search("x")
        client.close()


def test_api_errors_are_reported_at_once(corpus: Path) -> None:
    with fake_wikidata() as api:
        client = client_of(api, corpus / "c")
        with pytest.raises(LinkError, match="badvalue: Unrecognized value"):
            client._call(api + "/w/api.php", {"action": "nonsense"})
        assert len(Fake.seen) == 1
        client.close()


def test_check_reports_merged_and_deleted_items(corpus: Path) -> None:
    authority = corpus / "authorities.toml"
    text = authority.read_text(encoding="utf-8")
    text = text.replace(
        '[person.razdolescu-delia]\nlabel = "Delia Razdolescu"',
        '[person.razdolescu-delia]\nlabel = "Delia Razdolescu"\nwikidata = "Q900099"',
    )
    text = text.replace(
        '[person.scurtu-ioan]\nlabel = "Ioan Scurtu"',
        '[person.scurtu-ioan]\nlabel = "Ioan Scurtu"\nwikidata = "Q900098"',
    )
    authority.write_text(text, encoding="utf-8")
    with fake_wikidata() as api:
        code, stdout, _ = link(corpus, api, "--check")
        assert code == 1
        lines = stdout.splitlines()
        assert "person.razdolescu-delia: Q900099 was merged into Q900100; update the authority file" in lines
        assert "person.scurtu-ioan: Q900098 does not exist on Wikidata (deleted?)" in lines
        assert (
            "place.moscow: Q649 does not exist on Wikidata (deleted?)" in lines
        )  # the fake knows no real items
        sent = len(Fake.seen)
        link(corpus, api, "--check")
        assert len(Fake.seen) == sent + 1  # always asks afresh, one batch


def test_refuses_to_run_without_a_contact(corpus: Path) -> None:
    code, _, stderr = link(corpus, "http://127.0.0.1:1", contact="")
    assert code == 2
    assert (
        stderr.splitlines()[0]
        == "error: linking needs a contact for the User-Agent Wikidata asks of every client"
    )


def test_reconciliation_service(corpus: Path) -> None:
    with fake_wikidata() as api:
        env = {
            "LODPUB_CONTACT": "t@example.org",
            "LODPUB_WIKIDATA_API": api + "/w/api.php",
            "LODPUB_RECONCILE_URL": api + "/reconcile",
        }
        result = CliRunner(env=env).invoke(main, ["link", str(corpus)])
        assert result.exit_code == 0, result.stderr
        posts = [r for r in Fake.seen if r["path"] == "/reconcile"]
        assert len(posts) == 12
        assert any('"query": "Gheorghe Gheorghiu-Dej", "type": "Q5"' in p["params"]["queries"] for p in posts)
        review = blocks(corpus)
        assert review["person.gheorghiu-dej-gheorghe"]["candidate"][0]["qid"] == "Q900001"  # type: ignore[index]
        assert (
            (corpus / "link-review.toml")
            .read_text(encoding="utf-8")
            .splitlines()[1]
            .startswith(f"# Method: W3C reconciliation service {api}/reconcile.")
        )


def test_build_never_touches_the_network(corpus: Path, tmp_path: Path) -> None:
    with fake_wikidata() as api:
        assert link(corpus, api)[0] == 0
        sent = len(Fake.seen)
        assert build(corpus, tmp_path / "d", SETTINGS).written
        assert len(Fake.seen) == sent
