"""Rights as stated, and the setting ``texts``: the dataset licence covers the metadata, each text
keeps its own rights, and an editor can publish the metadata without (some of) the texts."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
import requests
from rdflib import RDF, RDFS, Dataset, Graph, Literal, Namespace, URIRef

from lodpub.mapping.letter import in_copyright

from .conftest import BASE, CORPUS, make_corpus, run

CRM = Namespace("http://www.cidoc-crm.org/cidoc-crm/")
DCT = Namespace("http://purl.org/dc/terms/")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
VOID = Namespace("http://rdfs.org/ns/void#")
IN_COPYRIGHT = URIRef("http://rightsstatements.org/vocab/InC/1.0/")
LICENSE = "https://creativecommons.org/licenses/by/4.0/"

PHP = "1958-04-17-cpsu-rwp-troops"  # "All rights reserved": In Copyright
WILSON = "1958-09-09-cpsu-rwp-advisors"  # no rights statement
PHP_TEXT = URIRef(f"{BASE}letter/{PHP}/translation/en")  # the text's carrier: its translation
WILSON_TEXT = URIRef(f"{BASE}letter/{WILSON}/translation/en")
WITHHELD_OPEN = (
    "text withheld by the publisher's setting texts = open: the text is under "
    "http://rightsstatements.org/vocab/InC/1.0/, an In Copyright rights statement"
)
WITHHELD_NONE = "text withheld by the publisher's setting texts = none: the dataset publishes no texts"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """The two seed letters, and a settings file with the dataset's licence."""
    letters = CORPUS / "letters"
    root = make_corpus(
        tmp_path / "corpus", {f"{name}.txt": (letters / f"{name}.txt").read_bytes() for name in (PHP, WILSON)}
    )
    return root


def config(folder: Path, texts: str | None = None, license: str | None = LICENSE) -> Path:
    lines = [f'base_iri = "{BASE}"']
    if license is not None:
        lines.append(f'license = "{license}"')
    if texts is not None:
        lines.append(f'texts = "{texts}"')
    path = folder / "lodpub.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def build(corpus: Path, out: Path, *extra: str, env: dict[str, str] | None = None) -> str:
    """``lodpub build``; its summary line."""
    code, stdout, stderr = run(
        "build", str(corpus), "--out", str(out), "--quiet", "--jobs", "1", *extra, env=env
    )
    assert code == 0, stderr
    return stdout.splitlines()[0]


def letter(out: Path, name: str) -> Graph:
    return Graph().parse(out / "letters" / f"{name}.ttl", format="turtle")


def texts_of(graph: Graph, carrier: URIRef) -> list[str]:
    return [str(o) for o in graph.objects(carrier, CRM.P190_has_symbolic_content)]


def notes_of(graph: Graph, carrier: URIRef) -> list[str]:
    return [str(o) for o in graph.objects(carrier, CRM.P3_has_note)]


def assert_rights_kept(graph: Graph) -> None:
    """The PHP text's stated right: an E30_Right typed In Copyright, with its statement verbatim."""
    right = URIRef(f"{PHP_TEXT}/right")
    assert list(graph.objects(PHP_TEXT, CRM.P104_is_subject_to)) == [right]
    assert (right, RDF.type, CRM.E30_Right) in graph
    assert (right, CRM.P2_has_type, IN_COPYRIGHT) in graph
    (rights,) = graph.objects(PHP_TEXT, DCT.rights)
    assert (
        str(rights).startswith("Copyright 1999-2006 Parallel History Project")
        and "All rights reserved" in rights
    )
    assert (right, CRM.P3_has_note, rights) in graph


def test_open_withholds_the_in_copyright_text_and_keeps_the_other(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    summary = build(corpus, out, "--config", str(config(tmp_path, texts="open")))
    assert summary.startswith(f"wrote {out}: 2 letters, ") and summary.endswith(" resources, 1 text withheld")
    php = letter(out, PHP)
    assert texts_of(php, PHP_TEXT) == []
    assert notes_of(php, PHP_TEXT) == [WITHHELD_OPEN]
    assert_rights_kept(php)
    wilson = letter(out, WILSON)
    (body,) = texts_of(wilson, WILSON_TEXT)
    assert body.startswith("Dear Comrades,")
    assert notes_of(wilson, WILSON_TEXT) == []
    assert list(wilson.objects(WILSON_TEXT, CRM.P104_is_subject_to)) == []  # none stated, none given
    # the dumps say the same as the letter files
    dump = Dataset(default_union=True)
    dump.parse(out / "dataset.nq", format="nquads")
    assert not list(dump.objects(PHP_TEXT, CRM.P190_has_symbolic_content))
    assert [str(n) for n in dump.objects(PHP_TEXT, CRM.P3_has_note)] == [WITHHELD_OPEN]


def test_none_withholds_every_text_from_the_environment(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    summary = build(corpus, out, "--config", str(config(tmp_path)), env={"LODPUB_TEXTS": "none"})
    assert summary.endswith(" resources, 2 texts withheld")
    php, wilson = letter(out, PHP), letter(out, WILSON)
    assert texts_of(php, PHP_TEXT) == [] and texts_of(wilson, WILSON_TEXT) == []
    assert notes_of(php, PHP_TEXT) == [WITHHELD_NONE]
    assert notes_of(wilson, WILSON_TEXT) == [WITHHELD_NONE]
    assert_rights_kept(php)
    # the metadata stay: titles, dates, parties
    assert (URIRef(f"{BASE}letter/{WILSON}"), DCT.created, None) in wilson


def test_the_command_line_wins_and_the_default_is_all(corpus: Path, tmp_path: Path) -> None:
    settings = str(config(tmp_path, texts="none"))
    out = tmp_path / "dist"
    summary = build(corpus, out, "--config", settings, "--texts", "all", "--no-cache")
    assert "withheld" not in summary
    assert texts_of(letter(out, PHP), PHP_TEXT) and texts_of(letter(out, WILSON), WILSON_TEXT)
    default = tmp_path / "default"
    assert "withheld" not in build(corpus, default, "--config", str(config(tmp_path)), "--no-cache")
    assert files(default) == files(out)


def files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("dumps", ["whole", "parts"])
def test_changing_texts_rebuilds_every_letter(corpus: Path, tmp_path: Path, dumps: str) -> None:
    """The setting is part of the cache key: all, then none (nothing reused: the texts are gone),
    then all again (byte-identical to the first build)."""
    settings = str(config(tmp_path))
    out = tmp_path / "dist"

    def timed(*extra: str) -> dict[str, object]:
        args = ["build", str(corpus), "--out", str(out), "--quiet", "--jobs", "1", "--timings"]
        code, _, stderr = run(*args, "--config", settings, "--dumps", dumps, *extra)
        assert code == 0, stderr
        (line,) = [line for line in stderr.splitlines() if line.startswith("timings: ")]
        return dict(json.loads(line.removeprefix("timings: ")))

    timed("--texts", "all")
    first = files(out)
    same = timed("--texts", "all")  # the cache is in use: nothing changed, nothing is written again
    assert (same["reused"], same["mode"]) == (0, "incremental")
    withheld = timed("--texts", "none")
    assert (withheld["reused"], withheld["mode"]) == (0, "full")
    assert texts_of(letter(out, PHP), PHP_TEXT) == [] and texts_of(letter(out, WILSON), WILSON_TEXT) == []
    assert files(out) != first
    again = timed("--texts", "all")
    assert (again["reused"], again["mode"]) == (0, "full")
    assert files(out) == first


def test_an_incremental_rebuild_still_counts_the_withheld_texts(corpus: Path, tmp_path: Path) -> None:
    """With dumps in parts, a rebuild after one edit counts the texts it did not map again."""
    settings = str(config(tmp_path, texts="open"))
    out = tmp_path / "dist"
    assert build(corpus, out, "--config", settings, "--dumps", "parts").endswith(", 1 text withheld")
    wilson = corpus / "letters" / f"{WILSON}.txt"
    wilson.write_text(wilson.read_text(encoding="utf-8").replace("Dear Comrades,", "Dear comrades,"))
    code, stdout, stderr = run(
        "build", str(corpus), "--out", str(out), "--quiet", "--jobs", "1", "--timings", "--config", settings,
        "--dumps", "parts",
    )  # fmt: skip
    assert code == 0, stderr
    assert '"mode": "incremental"' in stderr
    assert stdout.splitlines()[0].endswith(", 1 text withheld")
    assert texts_of(letter(out, WILSON), WILSON_TEXT)[0].startswith("Dear comrades,")
    assert notes_of(letter(out, PHP), PHP_TEXT) == [WITHHELD_OPEN]


def test_void_states_the_licence_as_the_metadata_s_and_the_texts_own_rights(
    corpus: Path, tmp_path: Path
) -> None:
    out = tmp_path / "dist"
    build(corpus, out, "--config", str(config(tmp_path, texts="open")))
    void = Graph().parse(out / "void.ttl", format="turtle")
    dataset, rights = URIRef(f"{BASE}dataset"), URIRef(f"{BASE}dataset/rights")
    assert list(void.objects(dataset, DCT.license)) == [URIRef(LICENSE)]
    assert list(void.objects(dataset, DCT.rights)) == [rights]
    assert (rights, RDF.type, DCT.RightsStatement) in void
    assert list(void.objects(rights, RDFS.label)) == [
        Literal("Rights of the metadata and of the letters' texts", lang="en")
    ]
    (comment,) = void.objects(rights, RDFS.comment)
    assert isinstance(comment, Literal) and comment.language == "en"
    assert str(comment) == (
        f"The licence of this dataset, {LICENSE} (dcterms:license), applies to the metadata lodpub "
        "publishes about the letters: their descriptions, provenance, evidence and links. It does not "
        "apply to the letters' texts: each text carries its own rights statement, as its source states "
        "it (crm:P104_is_subject_to and dcterms:rights on the text), and a text whose source states no "
        "rights carries none."
    )
    distributions = list(void.objects(dataset, DCAT.distribution))
    assert len(distributions) >= 5
    for dist in distributions:
        assert list(void.objects(dist, DCT.license)) == [URIRef(LICENSE)], dist
        assert list(void.objects(dist, DCT.rights)) == [rights], dist
    # the dataset graph of the dumps says the same
    dump = Dataset(default_union=True)
    dump.parse(out / "dataset.nq", format="nquads")
    assert list(dump.objects(rights, RDFS.comment)) == [comment]


def test_void_without_a_licence_still_says_the_texts_carry_their_own_rights(
    corpus: Path, tmp_path: Path
) -> None:
    out = tmp_path / "dist"
    build(corpus, out, "--config", str(config(tmp_path, license=None)))
    void = Graph().parse(out / "void.ttl", format="turtle")
    assert not list(void.objects(URIRef(f"{BASE}dataset"), DCT.license))
    assert [str(c) for c in void.objects(URIRef(f"{BASE}dataset/rights"), RDFS.comment)] == [
        "No licence is stated for the metadata lodpub publishes about the letters. The letters' texts "
        "carry their own rights: each text's rights statement, as its source states it, is on the text "
        "(crm:P104_is_subject_to and dcterms:rights), and a text whose source states no rights carries "
        "none."
    ]


def test_validate_accepts_letters_without_their_texts(corpus: Path, tmp_path: Path) -> None:
    settings = str(config(tmp_path))
    for texts in ("open", "none"):
        code, stdout, stderr = run("validate", str(corpus), "--config", settings, "--texts", texts)
        assert (code, stdout.splitlines()[-1]) == (0, "2 letters checked: conforms"), stderr


def test_a_bad_value_is_one_clear_configuration_error(corpus: Path, tmp_path: Path) -> None:
    settings = config(tmp_path, texts="some")
    for command in ("build", "validate"):
        code, stdout, stderr = run(command, str(corpus), "--config", str(settings))
        assert code == 2 and stdout == ""
        assert stderr.splitlines()[0] == f"error: {settings}: texts 'some' is not one of all, open, none"
    code, _, stderr = run(
        "build", str(corpus), "--config", str(config(tmp_path)), env={"LODPUB_TEXTS": "some"}
    )
    assert (code, stderr.splitlines()[0]) == (
        2,
        "error: LODPUB_TEXTS: texts 'some' is not one of all, open, none",
    )
    code, _, stderr = run("build", str(corpus), "--texts", "some")
    assert code == 2 and "Invalid value for '--texts'" in stderr


def test_the_letter_page_says_the_text_is_withheld(corpus: Path, tmp_path: Path) -> None:
    from lodpub.publish.server import address, make_server

    out = tmp_path / "dist"
    build(corpus, out, "--config", str(config(tmp_path, texts="open")))
    httpd = make_server(out, "127.0.0.1", 0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        url = address(httpd).rstrip("/")
        php = requests.get(f"{url}/letter/{PHP}", headers={"Accept": "text/html"}, timeout=10)
        wilson = requests.get(f"{url}/letter/{WILSON}", headers={"Accept": "text/html"}, timeout=10)
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert php.status_code == 200 and wilson.status_code == 200
    assert "<em>Text withheld by the publisher&#x27;s setting texts = open: the text is under" in php.text
    assert "<dt>Rights</dt><dd>Copyright 1999-2006" in php.text
    assert "<pre" not in php.text
    assert '<pre class="text">Dear Comrades,' in wilson.text and "withheld" not in wilson.text


@pytest.mark.parametrize(
    ("right", "expected"),
    [
        ("http://rightsstatements.org/vocab/InC/1.0/", True),
        ("http://rightsstatements.org/vocab/InC-OW-EU/1.0/", True),
        ("http://rightsstatements.org/vocab/InC-EDU/1.0/", True),
        ("http://rightsstatements.org/vocab/InC-NC/1.0/", True),
        ("http://rightsstatements.org/vocab/InC-RUU/1.0/", True),
        ("http://rightsstatements.org/vocab/NoC-US/1.0/", False),
        ("http://rightsstatements.org/vocab/CNE/1.0/", False),
        ("http://rightsstatements.org/vocab/InComplete/", False),
    ],
)
def test_the_in_copyright_family(right: str, expected: bool) -> None:
    assert in_copyright(right) is expected
