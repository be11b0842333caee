"""The query cookbook: every query (but the federated one) answers the seed corpus as expected."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.compare import isomorphic

from lodpub.build import BuildResult, build
from lodpub.cli import main
from lodpub.cookbook import cookbook, describe, load_query
from lodpub.publish.query import Answer, open_store, render, run_local

from .conftest import BASE, CORPUS, SETTINGS, make_corpus
from .stores import Oxigraph, free_port

TROOPS, ADVISORS = BASE + "letter/1958-04-17-cpsu-rwp-troops", BASE + "letter/1958-09-09-cpsu-rwp-advisors"


@pytest.fixture(scope="module")
def store(seed_build: BuildResult) -> ox.Store:
    return open_store(seed_build.out)


def rows(store: ox.Store, name: str) -> list[dict[str, str | None]]:
    return [dict(r) for r in run_local(store, load_query(name)).rows]


def test_cookbook_has_a_dozen_documented_questions() -> None:
    queries = cookbook()
    assert len(queries) >= 12
    for name, path in queries.items():
        assert describe(path), f"{name} has no comment saying what it answers"
        assert path.read_text(encoding="utf-8").startswith("# ")


def test_letters_between_parties(store: ox.Store) -> None:
    assert [(r["letter"], r["date"]) for r in rows(store, "letters-between-parties")] == [
        (TROOPS, "1958-04-17"),
        (ADVISORS, "1958-09-09"),
    ]


def test_person_correspondence(store: ox.Store) -> None:
    assert rows(store, "person-correspondence") == [{"letter": TROOPS, "role": "wrote", "date": "1958-04-17"}]


def test_letters_by_holding(store: ox.Store) -> None:
    assert [
        (r["archive"], r["file"], r["pages"], r["letter"]) for r in rows(store, "letters-by-holding")
    ] == [
        ("National Central Historical Archives", "6/1955", "pp. 719-720", ADVISORS),
        ("National Central Historical Archives", "9U/1956-1958", "pp. 227-228", TROOPS),
    ]


def test_letters_by_translator(store: ox.Store) -> None:
    assert [(r["letter"], r["language"]) for r in rows(store, "letters-by-translator")] == [
        (TROOPS, "English"),
        (ADVISORS, "English"),
    ]


def test_letters_by_original_language(store: ox.Store) -> None:
    assert [r["letter"] for r in rows(store, "letters-by-original-language")] == [ADVISORS]


def test_letters_mentioning_place(store: ox.Store) -> None:
    assert rows(store, "letters-mentioning-place") == [
        {"letter": TROOPS, "place": "Romania"},
        {"letter": ADVISORS, "place": "Romania"},
    ]


def test_inferred_dates(store: ox.Store, tmp_path: Path) -> None:
    assert rows(store, "inferred-dates") == []  # both seeds state their dates
    text = (CORPUS / "letters" / "1958-04-17-cpsu-rwp-troops.txt").read_text(encoding="utf-8")
    text = text.replace("Moscow, 17 April 1958\n", "").replace(
        "Romanian Territory", "Romanian Territory, 17 April 1958", 1
    )
    corpus = make_corpus(tmp_path / "c", {"x.txt": text})
    assert build(corpus, tmp_path / "d", SETTINGS).written
    found = rows(open_store(tmp_path / "d"), "inferred-dates")
    assert [(r["letter"], r["date"]) for r in found] == [(BASE + "letter/x", "17 April 1958")]
    assert found[0]["source"] is not None and found[0]["source"].startswith(
        "line 1: Letter from First Secretary"
    )


def test_evidence_of_a_letter(store: ox.Store) -> None:
    found = {(r["field"], r["basis"], r["source"]) for r in rows(store, "evidence-of-a-letter")}
    assert ("date", "Stated", "line 3: Moscow, 17 April 1958") in found
    assert ("translation-language", "Inferred", found_line(found, "translation-language")) in found
    assert {f for f, _, _ in found} == {
        "title",
        "date",
        "place",
        "sender",
        "addressee",
        "translation-language",
        "translator",
        "archive-citation",
        "rights",
        "edition",
    }


def found_line(found: set[tuple[str | None, str | None, str | None]], field: str) -> str | None:
    return next(source for f, _, source in found if f == field)


def test_rights_and_attribution(store: ox.Store) -> None:
    (row,) = rows(store, "rights-and-attribution")
    assert row["text"] == TROOPS + "/translation/en"
    assert row["holder"] == "Parallel History Project on NATO and the Warsaw Pact"
    assert row["statement"] == "http://rightsstatements.org/vocab/InC/1.0/"
    assert row["rights"] is not None and row["rights"].endswith('on behalf of the PHP network."')


def test_name_variants(store: ox.Store) -> None:
    found = rows(store, "name-variants")
    preferred = {r["name"] for r in found if r["kind"] == "preferred"}
    variants = {r["name"] for r in found if r["kind"] == "variant"}
    assert preferred == {"Nikita Khrushchev", "Никита Сергеевич Хрущёв", "Nikita Hrușciov"}
    assert {"Khruschev", "N.S. Khrushchev", "N. Khruschev", "Хрущёв"} <= variants


def test_construct_letter(store: ox.Store, seed_build: BuildResult) -> None:
    answer = run_local(store, load_query("construct-letter"))
    assert answer.kind == "graph" and answer.graph is not None
    constructed = Graph().parse(data=answer.graph.decode("utf-8"), format="nt")
    expected = Graph().parse(seed_build.out / "letters" / "1958-04-17-cpsu-rwp-troops.ttl", format="turtle")
    assert isomorphic(constructed, expected)


def test_resource_counts(store: ox.Store) -> None:
    """A live count finds the figures the build recorded."""
    counted = {r["what"]: r["count"] for r in rows(store, "resource-counts")}
    assert counted == {r["what"]: r["count"] for r in rows(store, "dataset-statistics")}
    assert counted["letters"] == "2"


def test_dataset_statistics(store: ox.Store) -> None:
    assert {r["what"]: r["count"] for r in rows(store, "dataset-statistics")} == {
        "archival files": "2",
        "groups": "5",
        "letters": "2",
        "people": "4",
        "places": "3",
        "translations": "2",
    }


def test_timeline(store: ox.Store) -> None:
    found = rows(store, "timeline")
    assert [(r["date"], r["letter"]) for r in found] == [("1958-04-17", TROOPS), ("1958-09-09", ADVISORS)]
    assert set((found[0]["from"] or "").split("; ")) == {
        "Nikita Khrushchev",
        "Central Committee of the Communist Party of the Soviet Union",
    }


def test_federated_query_is_documented_not_run(seed_build: BuildResult) -> None:
    text = load_query("wikidata-birth-dates")
    assert "SERVICE <https://query.wikidata.org/sparql>" in text
    assert "not run in the tests" in text
    assert "--allow-service https://query.wikidata.org/sparql" in text
    refused = CliRunner().invoke(main, ["query", "wikidata-birth-dates", "--dist", str(seed_build.out)])
    assert (refused.exit_code, refused.stderr.splitlines()[0]) == (
        1,
        "error: federated queries are not allowed here (SERVICE https://query.wikidata.org/sparql)",
    )


def test_every_query_is_covered() -> None:
    tested = {name.removeprefix("test_").replace("_", "-") for name in globals() if name.startswith("test_")}
    assert set(cookbook()) - tested == {"wikidata-birth-dates"}


def test_render_formats() -> None:
    answer = Answer(variables=("a", "b"), rows=({"a": "x", "b": None}, {"a": "long value", "b": "y"}))
    assert render(answer, "table") == "a           b\n----------  -\nx\nlong value  y\n(2 rows)"
    assert render(answer, "csv") == "a,b\nx,\nlong value,y"
    assert json.loads(render(answer, "json")) == [{"a": "x", "b": None}, {"a": "long value", "b": "y"}]


def test_query_cli(seed_build: BuildResult) -> None:
    runner = CliRunner()
    result = runner.invoke(
        main, ["query", "letters-by-original-language", "--dist", str(seed_build.out), "--format", "csv"]
    )
    assert (result.exit_code, result.stdout) == (
        0,
        f"letter,title\n{ADVISORS},Letter addressed by the CC of the CPSU "
        "to the CC of the RWP on the recall of Soviet advisors from Romania\n",
    )
    listing = runner.invoke(main, ["query", "--list"])
    assert listing.exit_code == 0 and "timeline" in listing.stdout
    missing = runner.invoke(main, ["query", "no-such-query", "--dist", str(seed_build.out)])
    assert missing.exit_code == 2 and missing.stderr.startswith(
        "error: no-such-query: no such query file or cookbook query"
    )


@pytest.fixture
def union_oxigraph(tmp_path: Path) -> Iterator[Oxigraph]:
    server = Oxigraph(tmp_path / "ox", free_port(), union_default_graph=True)
    server.start()
    try:
        yield server
    finally:
        server.kill()


def test_query_a_remote_endpoint(seed_build: BuildResult, union_oxigraph: Oxigraph) -> None:
    runner = CliRunner()
    pushed = runner.invoke(main, ["push", str(seed_build.out), *union_oxigraph.args(), "--quiet"])
    assert pushed.exit_code == 0, pushed.stderr
    endpoint = union_oxigraph.url + "/query"
    result = runner.invoke(main, ["query", "letters-by-holding", "--endpoint", endpoint, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert [r["file"] for r in json.loads(result.stdout)] == ["6/1955", "9U/1956-1958"]
    graph = runner.invoke(main, ["query", "construct-letter", "--endpoint", endpoint])
    assert graph.exit_code == 0
    assert len(Graph().parse(data=graph.stdout, format="turtle")) == len(
        Graph().parse(seed_build.out / "letters" / "1958-04-17-cpsu-rwp-troops.ttl")
    )
