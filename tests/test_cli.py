"""CLI tests: exit codes and exact messages, bad input, atomic output, --keep-going."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Dataset, Namespace, URIRef

from .conftest import BASE, CORPUS, LETTERS, make_corpus, run

CRM = Namespace("http://www.cidoc-crm.org/cidoc-crm/")

SEED_PHP = (CORPUS / "letters" / "1958-04-17-cpsu-rwp-troops.txt").read_text(encoding="utf-8")
SEED_WILSON = (CORPUS / "letters" / "1958-09-09-cpsu-rwp-advisors.txt").read_text(encoding="utf-8")


def build_args(corpus: Path, out: Path, *extra: str) -> list[str]:
    return ["build", str(corpus), "--out", str(out), "--quiet", "--base-iri", BASE, *extra]


BAD_INPUTS = {
    "empty": (b"  \n\n", 1, "content", "expected a letter, found an empty file"),
    "binary": (b"Title\n\x00\x01", 2, "content", "expected text, found a NUL byte (binary file?)"),
    "latin1": (
        b"Title\nMoscow, 17 April 1958\nBucure\xbati",
        3,
        "encoding",
        "expected UTF-8 text, found byte 0xba",
    ),
    "unknown-layout": (
        b"Just a note\nwith nothing else",
        1,
        "layout",
        "expected a Parallel History Project letter (a '[Source: …]' line) or catalogue record "
        "(a 'Document Source:' line), or a Wilson Center record (a 'Citation:' block)",
    ),
    "php-no-date": (
        SEED_PHP.replace("Moscow, 17 April 1958", "Moscow").encode(),
        3,
        "date",
        "expected a line such as 'Moscow, 17 April 1958' (or '[date unknown]') after the title",
    ),
    "php-no-title": (
        SEED_PHP.split("\n", 2)[2].encode(),
        1,
        "title",
        "expected the letter's title on the first line, found a date or a source line",
    ),
    "wilson-no-title": (
        SEED_WILSON.replace("**Letter", "Letter").replace("Romania**", "Romania").encode(),
        3,
        "title",
        "expected the title in bold ('**Letter …**') before 'Citation:'",
    ),
    "wilson-no-date": (
        SEED_WILSON.replace("September 9, 1958", "someday").encode(),
        3,
        "date",
        "expected a date line such as 'September 9, 1958', '1961' or '[date unknown]' before the title",
    ),
    "wilson-bad-url": (
        SEED_WILSON.replace("document/110474>", "document/{110474}>").encode(),
        13,
        "source URL",
        "expected an IRI, found 'https://wilson-center-digital-archive.dvincitest.com/document/{110474}'",
    ),
    "php-empty-body": (
        b"Letter from A to B\n\nMoscow, 1 May 1958\n\n[Source: Some Archive, Fund X, File 1, p. 1]\n",
        4,
        "body",
        "expected the text of the letter after the date",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_letter_fails_whole_build_and_writes_nothing(tmp_path: Path, case: str) -> None:
    data, line, field, expected = BAD_INPUTS[case]
    corpus = make_corpus(tmp_path / "corpus", {"good.txt": SEED_PHP, f"{case}.txt": data})
    out = tmp_path / "dist"
    code, _, stderr = run(*build_args(corpus, out))
    assert code == 1
    bad = corpus / "letters" / f"{case}.txt"
    assert stderr.splitlines() == [
        f"error: {bad}:{line}: {field}: {expected}",
        f"1 problem(s); nothing was written to {out}",
    ]
    assert not out.exists()
    # no temporary folder left behind; the cache keeps the verdicts of the letters it read
    assert sorted(tmp_path.iterdir()) == [tmp_path / ".dist-cache", corpus]


def test_failed_build_leaves_previous_output_untouched(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus", {"good.txt": SEED_PHP})
    out = tmp_path / "dist"
    assert run(*build_args(corpus, out))[0] == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (corpus / "letters" / "broken.txt").write_bytes(b"")
    assert run(*build_args(corpus, out))[0] == 1
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before


def test_keep_going_publishes_good_letters_and_lists_skipped(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus", {"good.txt": SEED_PHP, "empty.txt": b"", "note.txt": b"hello"})
    out = tmp_path / "dist"
    code, stdout, stderr = run(*build_args(corpus, out, "--keep-going"))
    assert code == 1
    letters = corpus / "letters"
    assert stderr.splitlines() == [
        f"skipped: {letters / 'empty.txt'}:1: content: expected a letter, found an empty file",
        f"skipped: {letters / 'note.txt'}:1: layout: expected a Parallel History Project letter "
        "(a '[Source: …]' line) or catalogue record (a 'Document Source:' line), or a Wilson Center "
        "record (a 'Citation:' block)",
        "2 problem(s); those letters were skipped",
    ]
    assert stdout.startswith(f"wrote {out}: 1 letters, ")
    assert sorted(p.name for p in (out / "letters").iterdir()) == ["good.jsonld", "good.ttl"]


def test_duplicate_ids_name_both_files(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus", {"Same.txt": SEED_PHP, "same.md": SEED_PHP})
    code, _, stderr = run(*build_args(corpus, tmp_path / "dist"))
    assert code == 1
    a, b = corpus / "letters" / "Same.txt", corpus / "letters" / "same.md"
    assert stderr.splitlines()[:2] == [
        f"error: {a}:1: file name: expected a unique letter id; 'same' is also the id of {b}",
        f"error: {b}:1: file name: expected a unique letter id; 'same' is also the id of {a}",
    ]


def test_unknown_language_is_reported_with_line_and_kept_verbatim(tmp_path: Path) -> None:
    """A language no table knows is a warning, not a failure: the letter is published without
    a language, and the name stays, quoted, on an evidence node that assigns nothing."""
    text = SEED_WILSON.replace("\nRomanian\n", "\nElvish\n")
    corpus = make_corpus(tmp_path / "corpus", {"x.txt": text})
    code, _, stderr = run(*build_args(corpus, tmp_path / "dist"))
    assert code == 0, stderr
    assert stderr.splitlines()[0] == (
        f"warning: {corpus / 'letters' / 'x.txt'}:17: original language: "
        "not a language lodpub knows, kept verbatim: Elvish"
    )
    graph = Dataset()
    graph.parse(tmp_path / "dist" / "letters" / "x.ttl", format="turtle")
    letter = URIRef(f"{BASE}letter/x")
    assert not list(graph.objects(letter, CRM.P72_has_language))
    evidence = URIRef(f"{BASE}letter/x/evidence/original-language-verbatim")
    assert [str(n) for n in graph.objects(evidence, CRM.P3_has_note)] == [
        "line 17: Elvish (not recognised, kept verbatim: Elvish)"
    ]
    assert not list(graph.objects(evidence, CRM.P141_assigned))


def test_unknown_names_become_local_entities(tmp_path: Path) -> None:
    text = SEED_PHP.replace("N. Khruschev", "Ivan Unknownov").replace("(N.S. Khrushchev)", "")
    corpus = make_corpus(tmp_path / "corpus", {"x.txt": text})
    assert run(*build_args(corpus, tmp_path / "dist"))[0] == 0
    ttl = (tmp_path / "dist" / "letters" / "x.ttl").read_text(encoding="utf-8")
    assert f"<{BASE}person/ivan-unknownov>" in ttl


def test_configuration_errors_exit_2(tmp_path: Path) -> None:
    code, _, stderr = run("build", str(CORPUS), "--out", str(tmp_path / "d"), "--base-iri", "lod.example.org")
    assert code == 2
    assert stderr.startswith(
        "error: --base-iri: base_iri 'lod.example.org' must be an absolute http(s) IRI ending with '/' or '#'"
    )
    code, _, stderr = run("build", str(tmp_path / "missing"), "--out", str(tmp_path / "d"))
    assert code == 2
    assert stderr.splitlines()[0] == f"error: {tmp_path / 'missing'}: no such corpus folder"
    assert run("build")[0] == 2  # click usage error


def test_bad_authority_file_exit_2(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus", {"good.txt": SEED_PHP}, authorities=False)
    (corpus / "authorities.toml").write_text('[person.x]\nlabel = "X"\nwikidata = "https://x"\n')
    code, _, stderr = run(*build_args(corpus, tmp_path / "dist"))
    assert code == 2
    assert stderr.splitlines()[0] == (
        f"error: {corpus / 'authorities.toml'}: [person.x]: wikidata: expected a QID like 'Q35314', got 'https://x'"
    )


def test_build_seed_corpus_prints_summary(tmp_path: Path) -> None:
    code, stdout, stderr = run("build", str(CORPUS), "--out", str(tmp_path / "dist"), "--base-iri", BASE)
    assert code == 0, stderr
    assert stdout.startswith(f"wrote {tmp_path / 'dist'}: 2 letters, ")
    assert "dataset.nq" in stdout
    assert "build: 2/2 letters" in stderr  # progress goes to stderr


def test_validate_text_and_json(tmp_path: Path) -> None:
    code, stdout, _ = run("validate", str(CORPUS), "--base-iri", BASE)
    assert (code, stdout) == (0, "2 letters checked: conforms\n")
    corpus = make_corpus(tmp_path / "corpus", {"good.txt": SEED_PHP, "empty.txt": b""})
    code, stdout, _ = run("validate", str(corpus), "--base-iri", BASE, "--format", "json")
    assert code == 1
    report = json.loads(stdout)
    assert report["conforms"] is False and report["letters"] == 2
    assert report["issues"] == [
        {
            "message": "expected a letter, found an empty file",
            "field": "content",
            "focus": "",
            "path": None,
            "value": None,
            "letter": None,
            "file": str(corpus / "letters" / "empty.txt"),
            "line": 1,
            "severity": "Violation",
        }
    ]
    assert not (tmp_path / "dist").exists()


def test_inspect_shows_fields_with_lines() -> None:
    code, stdout, _ = run("inspect", str(CORPUS / "letters" / "1958-04-17-cpsu-rwp-troops.txt"))
    assert code == 0
    lines = stdout.splitlines()
    assert lines[0].endswith("1958-04-17-cpsu-rwp-troops.txt (php layout)")
    assert "  date                   line 3    17 April 1958 -> 1958-04-17" in lines
    assert "  place                  line 3    Moscow" in lines
    assert "                                   -> group/cc-cpsu, person/khrushchev-nikita" in lines
    assert any(line.startswith("  translator             line 29   Delia Razdolescu") for line in lines)


def test_inspect_unreadable_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    code, _, stderr = run("inspect", str(bad))
    assert (code, stderr) == (1, f"error: {bad}:1: content: expected a letter, found an empty file\n")


def test_varied_letters_build(tmp_path: Path) -> None:
    files = {p.name: p.read_bytes() for p in LETTERS.iterdir()}
    corpus = make_corpus(tmp_path / "corpus", files)
    code, stdout, stderr = run(*build_args(corpus, tmp_path / "dist"))
    assert code == 0, stderr
    assert stdout.startswith(f"wrote {tmp_path / 'dist'}: {len(files)} letters")


def test_warnings_are_capped_on_the_terminal_and_listed_by_validate(tmp_path: Path) -> None:
    """25 letters each naming a language no table knows: the build succeeds and shows the
    first 20 warnings and a count; `lodpub validate --format json` lists them all, conforming."""
    files = {f"x{i:02d}.txt": SEED_WILSON.replace("\nRomanian\n", f"\nUnknownese {i}\n") for i in range(25)}
    corpus = make_corpus(tmp_path / "corpus", files)
    code, _, stderr = run("build", str(corpus), "--out", str(tmp_path / "dist"), "--quiet")
    assert code == 0, stderr
    warnings = [line for line in stderr.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 21
    assert warnings[-1] == "warning: 5 more warning(s); `lodpub validate` lists them all"
    assert warnings[0] == (
        f"warning: {corpus / 'letters' / 'x00.txt'}:17: original language: "
        "not a language lodpub knows, kept verbatim: Unknownese 0"
    )
    code, stdout, _ = run("validate", str(corpus), "--format", "json")
    report = json.loads(stdout)
    assert code == 0 and report["conforms"] is True
    assert len(report["issues"]) == 25 and {i["severity"] for i in report["issues"]} == {"Warning"}
    assert sorted(i["line"] for i in report["issues"]) == [17] * 25
