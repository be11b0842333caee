"""lodpub link never loses review work, and retries properly (issue 11).

A re-run merges into the review file: what a reviewer wrote (accept, reject, note) is kept as
written; `--offline` with nothing cached refuses and leaves the file alone; `Retry-After` (in
seconds or as an HTTP date) is honoured up to a bound; answers cut off mid-body are retried.
Everything through the CLI, against the fake Wikidata server on loopback."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from lodpub.authorities import Entity
from lodpub.cli import main
from lodpub.errors import LinkError
from lodpub.link import NO_LONGER_NAMED, NOT_LOOKED_UP
from lodpub.link.review import Decision, Proposal, parse_review, render_review
from lodpub.link.scoring import Candidate
from lodpub.link.wikidata import MAX_RETRY_AFTER, retry_after_seconds

from .conftest import CORPUS
from .wikidata_fake import Fake, client_of, fake_wikidata

NOTE = 'Not on Wikidata yet: ask ANIC (fond "CC al PMR", dosar 12/1958) — Ş, ț, 日本 \\ end\nsecond line'
# The note as a reviewer types it: a multi-line literal string, not lodpub's own spelling.
NOTE_TOML = (
    "note = '''\n"
    'Not on Wikidata yet: ask ANIC (fond "CC al PMR", dosar 12/1958) — Ş, ț, 日本 \\ end\n'
    "second line'''"
)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    shutil.copytree(CORPUS, root, ignore=shutil.ignore_patterns("link-*"))
    return root


def run(corpus: Path, api: str, *extra: str) -> tuple[int, str, str, BaseException | None]:
    env = {
        "LODPUB_CONTACT": "t@example.org",
        "LODPUB_WIKIDATA_API": api + "/w/api.php",
        "LODPUB_RECONCILE_URL": "",
    }
    result = CliRunner(env=env).invoke(main, ["link", str(corpus), *extra])
    return result.exit_code, result.stdout, result.stderr, result.exception


def blocks(review: Path) -> dict[str, dict[str, object]]:
    return {b["key"]: b for b in tomllib.loads(review.read_text(encoding="utf-8"))["entity"]}


def edit_block(text: str, key: str, old: str, new: str) -> str:
    """Replace the line ``old`` in the [[entity]] block of ``key``, as a reviewer would."""
    head, rest = text.split(f'key = "{key}"\n', 1)
    assert old in rest.split("[[entity]]", 1)[0]
    return head + f'key = "{key}"\n' + rest.replace(old, new, 1)


def name_unknownov(corpus: Path, yes: bool) -> None:
    letter = corpus / "letters" / "1958-04-17-cpsu-rwp-troops.txt"
    text = letter.read_text(encoding="utf-8")
    old, new = ("N. Khruschev", "Ivan Unknownov") if yes else ("Ivan Unknownov", "N. Khruschev")
    letter.write_text(text.replace(old, new), encoding="utf-8")


# --- merging ---------------------------------------------------------------------------------


def test_a_rerun_keeps_every_reviewer_decision(corpus: Path) -> None:
    review = corpus / "link-review.toml"
    with fake_wikidata() as api:
        assert run(corpus, api)[0] == 0
        text = review.read_text(encoding="utf-8")
        text = edit_block(text, "group.cc-cpsu", 'accept = ""', 'accept = "Q900010"')
        text = edit_block(text, "group.anic", "reject = []", 'reject = ["Q914940", "Q914941"]')
        text = edit_block(text, "person.razdolescu-delia", 'note = ""', NOTE_TOML)
        review.write_text(text, encoding="utf-8")

        code, stdout, stderr, _ = run(corpus, api)
        assert (code, stderr) == (0, "")
        assert stdout == (
            f"wrote {review}: 12 entities without a QID, 11 with candidates; "
            "3 reviewer decision(s) kept; 0 request(s) sent\n"
        )
        after = review.read_text(encoding="utf-8")
        assert 'accept = "Q900010"\n' in after and 'reject = ["Q914940", "Q914941"]\n' in after
        review_blocks = blocks(review)
        assert review_blocks["group.cc-cpsu"]["accept"] == "Q900010"
        assert review_blocks["group.anic"]["reject"] == ["Q914940", "Q914941"]
        assert review_blocks["person.razdolescu-delia"]["note"] == NOTE
        assert review_blocks["person.razdolescu-delia"]["status"] == "no candidates found"
        # rejected items are not offered again; the next ones are
        assert [c["qid"] for c in review_blocks["group.anic"]["candidate"]] == [  # type: ignore[attr-defined]
            "Q914942",
            "Q914943",
            "Q914944",
            "Q914945",
        ]
        once = review.read_bytes()
        assert run(corpus, api)[0] == 0
        assert review.read_bytes() == once  # a re-run of a re-run changes nothing

        code, stdout, _, _ = run(corpus, api, "--apply", "--by", "Ana", "--on", "2026-11-23")
        assert (code, stdout.splitlines()[0]) == (0, "accepted Q900010 for group.cc-cpsu")
        code, stdout, stderr, _ = run(corpus, api)
        assert (code, stderr) == (0, "")
        assert stdout.splitlines() == [
            "dropped from the review: group.cc-cpsu has a QID in the authority file now (Q900010)",
            f"wrote {review}: 11 entities without a QID, 10 with candidates; 2 reviewer decision(s) kept; "
            "1 dropped (a QID in the authority file now); 3 request(s) sent",  # the two batches of
            # candidates' details, and the linked items (one more now) for their identifiers
        ]
        review_blocks = blocks(review)
        assert "group.cc-cpsu" not in review_blocks
        assert review_blocks["group.anic"]["reject"] == ["Q914940", "Q914941"]
        assert review_blocks["person.razdolescu-delia"]["note"] == NOTE


def test_the_header_documents_the_reviewer_fields(corpus: Path) -> None:
    with fake_wikidata() as api:
        assert run(corpus, api)[0] == 0
    text = (corpus / "link-review.toml").read_text(encoding="utf-8")
    header = text.split("\n[[entity]]\n", 1)[0]
    for line in (
        '#   accept = "Q…"        the item that is this entity (`--apply` enters it in the authority file)',
        '#   reject = ["Q…", …]   items that are not this entity (not offered again as candidates)',
        '#   note = "…"           anything to keep with the entity (a text)',
    ):
        assert line in header.splitlines()
    assert 'accept = ""\nreject = []\nnote = ""\n' in text


def test_a_block_the_corpus_no_longer_names_stays_while_it_holds_a_decision(corpus: Path) -> None:
    review = corpus / "link-review.toml"
    name_unknownov(corpus, True)
    with fake_wikidata() as api:
        assert run(corpus, api)[0] == 0
        assert blocks(review)["person.ivan-unknownov"]["local"] is True
        review.write_text(
            edit_block(
                review.read_text(encoding="utf-8"), "person.ivan-unknownov", 'note = ""', 'note = "ask Ana"'
            ),
            encoding="utf-8",
        )
        name_unknownov(corpus, False)
        code, stdout, _, _ = run(corpus, api)
        assert code == 0
        assert stdout.splitlines()[0] == (
            "kept in the review for what a reviewer wrote: person.ivan-unknownov "
            "(the corpus no longer names it)"
        )
        assert "1 reviewer decision(s) kept; 1 kept that the corpus no longer names;" in stdout
        block = blocks(review)["person.ivan-unknownov"]
        assert (block["note"], block["status"]) == ("ask Ana", NO_LONGER_NAMED)
        # without a decision it goes
        review.write_text(review.read_text(encoding="utf-8").replace('"ask Ana"', '""'), encoding="utf-8")
        assert run(corpus, api)[0] == 0
        assert "person.ivan-unknownov" not in blocks(review)


def test_a_review_file_lodpub_could_not_keep_is_refused_and_left_alone(corpus: Path) -> None:
    review = corpus / "link-review.toml"
    with fake_wikidata() as api:
        assert run(corpus, api)[0] == 0
        sent = len(Fake.seen)
        typo = edit_block(review.read_text(encoding="utf-8"), "group.anic", 'accept = ""', 'acept = "Q1"')
        review.write_text(typo, encoding="utf-8")
        code, stdout, stderr, _ = run(corpus, api)
        assert (code, stdout) == (2, "")
        assert stderr == (
            f"error: {review}: group.anic: unknown field 'acept'; the fields to write are accept, reject, "
            "note, create\n  hint: lodpub keeps what you write in a review file only in accept, reject, "
            "note and create; the file was not changed\n"
        )
        assert review.read_text(encoding="utf-8") == typo
        review.write_text(typo.replace('acept = "Q1"', 'accept = "Q1'), encoding="utf-8")
        code, _, stderr, _ = run(corpus, api, "--offline")
        assert code == 2
        assert stderr.startswith(f"error: {review}: cannot read the review file: ")
        assert stderr.endswith("\n  hint: mend it or move it away; it was not changed\n")
        assert len(Fake.seen) == sent  # refused before asking anything


def test_apply_refuses_a_qid_both_accepted_and_rejected(corpus: Path) -> None:
    review = corpus / "link-review.toml"
    with fake_wikidata() as api:
        assert run(corpus, api)[0] == 0
    text = edit_block(
        review.read_text(encoding="utf-8"), "group.cc-cpsu", 'accept = ""', 'accept = "Q900010"'
    )
    review.write_text(
        edit_block(text, "group.cc-cpsu", "reject = []", 'reject = ["Q900010"]'), encoding="utf-8"
    )
    before = (corpus / "authorities.toml").read_bytes()
    code, _, stderr, _ = run(corpus, "http://127.0.0.1:1", "--apply", "--by", "Ana")
    assert (code, stderr.splitlines()[0]) == (
        2,
        f"error: {review}: group.cc-cpsu: Q900010 is both accepted and rejected",
    )
    assert (corpus / "authorities.toml").read_bytes() == before


@settings(max_examples=200, deadline=None)
@given(accept=st.text(), reject=st.lists(st.text(), max_size=3), note=st.text())
def test_reviewer_values_survive_rendering_exactly(accept: str, reject: list[str], note: str) -> None:
    entity = Entity(kind="person", key="x", label="X \x7f\x00")
    candidate = Candidate("Q1", "X", "d\x7f", 0.5, "why")
    decision = Decision(accept, tuple(reject), note)
    text = render_review([Proposal(entity, (candidate,), "", decision)], "test")
    (block,) = parse_review(text.encode("utf-8"), Path("r.toml"))
    assert block.decision == decision
    assert block.candidates == (candidate,)


# --- offline ---------------------------------------------------------------------------------


def test_offline_with_nothing_cached_refuses_and_leaves_the_review_alone(corpus: Path) -> None:
    review = corpus / "link-review.toml"
    with fake_wikidata() as api:
        assert run(corpus, api, "--cache", str(corpus / "elsewhere"))[0] == 0
        review.write_text(
            edit_block(review.read_text(encoding="utf-8"), "group.anic", 'note = ""', 'note = "mine"'),
            encoding="utf-8",
        )
        before = review.read_bytes()
        sent = len(Fake.seen)
        code, stdout, stderr, exception = run(corpus, api, "--offline")
        assert (code, stdout, len(Fake.seen)) == (1, "", sent)
        assert stderr == "error: no cached Wikidata answers for 12 entities; run without --offline once\n"
        assert isinstance(exception, SystemExit)
        assert review.read_bytes() == before


def test_offline_with_part_cached_keeps_the_rest(corpus: Path) -> None:
    review = corpus / "link-review.toml"
    with fake_wikidata() as api:
        assert run(corpus, api)[0] == 0
        text = edit_block(review.read_text(encoding="utf-8"), "group.anic", 'note = ""', 'note = "mine"')
        review.write_text(text, encoding="utf-8")
        name_unknownov(corpus, True)  # a new name: its search is not in the cache
        code, stdout, stderr, _ = run(corpus, api, "--offline")
        assert code == 0
        assert stdout == (
            f"wrote {review}: 13 entities without a QID, 11 with candidates; "
            "1 reviewer decision(s) kept; 0 request(s) sent\n"
        )
        assert stderr == "not in the cache (offline): person.ivan-unknownov\n"
        review_blocks = blocks(review)
        assert review_blocks["person.ivan-unknownov"]["status"] == NOT_LOOKED_UP
        assert review_blocks["group.anic"]["note"] == "mine"
        assert review_blocks["person.gheorghiu-dej-gheorghe"]["candidate"][0]["qid"] == "Q900001"  # type: ignore[index]


# --- retries ---------------------------------------------------------------------------------


def retried(seen: list[dict[str, object]]) -> float:
    """Seconds between the first request and its repetition, by the fake server's clock."""
    assert seen[0]["params"] == seen[1]["params"]
    return float(seen[1]["t"]) - float(seen[0]["t"])  # type: ignore[arg-type]


def test_503_with_retry_after_seconds_waits_that_long(corpus: Path) -> None:
    with fake_wikidata(retry_after="1", **{"503": 1}) as api:
        code, _, stderr, _ = run(corpus, api)
        assert (code, stderr) == (0, "")
        assert retried(Fake.seen) >= 1.0


def test_503_with_retry_after_an_http_date_waits_until_then(corpus: Path) -> None:
    with fake_wikidata(retry_after="date+2", **{"503": 1}) as api:
        code, _, stderr, _ = run(corpus, api)
        assert (code, stderr) == (0, "")
        assert retried(Fake.seen) >= 2.0  # the backoff alone would have waited 1 s


def test_a_retry_after_beyond_the_bound_stops_with_a_report(corpus: Path) -> None:
    review = corpus / "link-review.toml"
    review.write_text("# nothing yet\n", encoding="utf-8")
    with fake_wikidata(retry_after="500", **{"503": 1}) as api:
        code, stdout, stderr, exception = run(corpus, api)
        assert (code, stdout, len(Fake.seen)) == (1, "", 1)  # no second request, no wait
        assert stderr == (
            f"error: {api}/w/api.php asked to wait 500 s before the next request "
            "(HTTP 503, Retry-After: 500); lodpub waits at most 120 s\n"
            "  hint: looked up 0 of 12 entities before stopping (the answers received are cached); "
            f"{review} was not changed; run again later, or allow a longer wait with --max-wait 500\n"
        )
        assert isinstance(exception, SystemExit) and "Traceback" not in stderr
    assert review.read_text(encoding="utf-8") == "# nothing yet\n"


def test_max_wait_sets_the_bound(corpus: Path) -> None:
    with fake_wikidata(retry_after="3") as api:
        assert run(corpus, api)[0] == 0
        name_unknownov(corpus, True)  # everything cached now but this one name's search
        Fake.faults = {"429": 1}
        code, _, stderr, _ = run(corpus, api, "--max-wait", "2.5")
        assert code == 1
        assert stderr.splitlines() == [
            f"error: {api}/w/api.php asked to wait 3 s before the next request "
            "(HTTP 429, Retry-After: 3); lodpub waits at most 2.5 s",
            "  hint: looked up 10 of 13 entities before stopping (the answers received are cached); "
            f"{corpus / 'link-review.toml'} was not changed; run again later, or allow a longer wait "
            "with --max-wait 3",
        ]
    help_text = " ".join(CliRunner().invoke(main, ["link", "--help"]).stdout.split())
    assert f"[default: {MAX_RETRY_AFTER}; 0<=x<=3600]" in help_text


@pytest.mark.parametrize("fault", ["truncated", "reset"])
def test_an_answer_cut_off_mid_body_is_retried(corpus: Path, fault: str) -> None:
    with fake_wikidata(**{fault: 1}) as api:
        code, stdout, stderr, _ = run(corpus, api)
        assert (code, stderr) == (0, "")
        assert stdout.startswith(f"wrote {corpus / 'link-review.toml'}: 12 entities without a QID, 11 with")
        assert retried(Fake.seen) >= 1.0  # the backoff of a time-out
        assert blocks(corpus / "link-review.toml")["person.gheorghiu-dej-gheorghe"]["candidate"]


def test_an_answer_cut_off_every_time_gives_a_clear_message(corpus: Path) -> None:
    with fake_wikidata(truncated=1000) as api:
        waits: list[float] = []
        client = client_of(api, corpus / "c", tries=3, sleep=waits.append)
        with pytest.raises(LinkError, match="gave no usable answer in 3 tries; last: ChunkedEncodingError"):
            client.search("x")
        client.close()
        assert waits == [1.0, 2.0] and not (corpus / "c").exists()


def test_backoff_never_exceeds_the_bound(corpus: Path) -> None:
    with fake_wikidata(malformed=1000) as api:
        waits: list[float] = []
        client = client_of(api, corpus / "c", tries=5, max_wait=3, sleep=waits.append)
        with pytest.raises(LinkError, match="gave no usable answer in 5 tries"):
            client.search("x")
        client.close()
        assert waits == [1.0, 2.0, 3.0, 3.0]


@pytest.mark.parametrize(
    ("value", "date", "seconds"),
    [
        ("1", None, 1.0),
        ("  120 ", None, 120.0),
        ("0", None, 0.0),
        ("-3", None, 0.0),
        ("Wed, 21 Oct 2026 07:28:30 GMT", "Wed, 21 Oct 2026 07:28:00 GMT", 30.0),
        ("Wed, 21 Oct 2026 07:28:00 GMT", "Wed, 21 Oct 2026 07:29:00 GMT", 0.0),  # in the past
        ("Wednesday, 21-Oct-26 07:28:05 GMT", "Wed, 21 Oct 2026 07:28:00 GMT", 5.0),  # RFC 850
        ("soon", None, None),
        ("nan", None, None),
        ("inf", None, None),
    ],
)
def test_retry_after_values(value: str, date: str | None, seconds: float | None) -> None:
    assert retry_after_seconds(value, date) == seconds
