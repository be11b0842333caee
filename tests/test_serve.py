"""lodpub serve over real HTTP: SPARQL protocol, content-negotiated IRIs, and a real browser."""

from __future__ import annotations

import csv
import fcntl
import gc
import io
import json
import mmap
import os
import shutil
import threading
import time
import weakref
from pathlib import Path
from xml.etree import ElementTree

import pytest
import requests
from rdflib import Graph

from lodpub.build import BuildResult
from lodpub.publish.bounded import Limits, Workers
from lodpub.publish.memory import give_back
from lodpub.publish.negotiate import choose
from lodpub.publish.server import address, make_server
from lodpub.publish.store import PersistentStore, store_folder
from lodpub.settings import Settings

from .conftest import BASE
from .servers import dom as chromium_dom

LETTER = "/letter/1958-04-17-cpsu-rwp-troops"


def get(url: str, accept: str | None = None, **kwargs: object) -> requests.Response:
    headers = {"Accept": accept} if accept else {}
    return requests.get(url, headers=headers, timeout=10, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("text/html", "text/html"),
        ("text/turtle", "text/turtle"),
        ("application/ld+json", "application/ld+json"),
        ("application/n-triples", "application/n-triples"),
        ("text/html;q=0.5, text/turtle;q=0.9", "text/turtle"),
        ("text/turtle;q=0.2, application/ld+json;q=0.8, */*;q=0.1", "application/ld+json"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
        ("*/*", "text/turtle"),
        ("text/*;q=0.3, text/html;q=0", "text/turtle"),
    ],
)
def test_content_negotiation(server: str, accept: str, expected: str) -> None:
    response = get(server + LETTER, accept)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == expected + "; charset=utf-8"
    assert response.headers["Vary"] == "Accept"


def test_every_rdf_representation_describes_the_letter(server: str, seed_build: BuildResult) -> None:
    expected = Graph().parse(seed_build.out / "letters" / "1958-04-17-cpsu-rwp-troops.ttl", format="turtle")
    iri = BASE + LETTER.lstrip("/")
    for fmt, parser in (("ttl", "turtle"), ("jsonld", "json-ld"), ("nt", "nt")):
        response = get(server + LETTER + f"?format={fmt}")
        assert response.status_code == 200
        graph = Graph().parse(data=response.text, format=parser)
        assert set(graph.triples((None, None, None))) >= {t for t in expected if str(t[0]).startswith(iri)}
        assert response.headers["Content-Location"] == f"{LETTER}?format={fmt}"


def test_format_override_and_errors(server: str) -> None:
    assert get(server + LETTER + "?format=ttl", "text/html").headers["Content-Type"].startswith("text/turtle")
    assert get(server + LETTER + "?format=xml").status_code == 400
    assert get(server + LETTER, "image/png").status_code == 406
    missing = get(server + "/letter/no-such-letter", "text/html")
    assert missing.status_code == 404
    assert missing.text == f"{BASE}letter/no-such-letter is not in this dataset\n"


def test_entity_pages_and_links(server: str) -> None:
    person = get(server + "/person/khrushchev-nikita", "text/turtle")
    graph = Graph().parse(data=person.text, format="turtle")
    assert any(str(o) == "http://www.wikidata.org/entity/Q35314" for o in graph.objects())
    page = get(server + LETTER, "text/html").text
    assert 'href="/person/khrushchev-nikita"' in page  # IRIs under the base link to this server
    assert get(server + "/person/khrushchev-nikita", "text/html").status_code == 200


def test_sparql_get_and_post_in_every_results_format(server: str) -> None:
    query = (
        "SELECT ?l WHERE { ?l a <http://purl.org/dc/dcmitype/Text> ; "
        "<http://purl.org/dc/terms/identifier> ?id } ORDER BY ?l"
    )
    expected = [BASE + "letter/1958-04-17-cpsu-rwp-troops", BASE + "letter/1958-09-09-cpsu-rwp-advisors"]
    as_json = get(server + "/sparql", "application/sparql-results+json", params={"query": query})
    assert [b["l"]["value"] for b in as_json.json()["results"]["bindings"]] == expected
    assert as_json.headers["Access-Control-Allow-Origin"] == "*"
    posted = requests.post(
        server + "/sparql",
        data={"query": query},
        timeout=10,
        headers={"Accept": "application/sparql-results+xml"},
    )
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    assert [e.text for e in ElementTree.fromstring(posted.content).findall(".//r:uri", ns)] == expected
    direct = requests.post(
        server + "/sparql",
        data=query.encode(),
        timeout=10,
        headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"},
    )
    assert [row["l"] for row in csv.DictReader(io.StringIO(direct.text))] == expected
    tsv = get(server + "/sparql", "text/tab-separated-values", params={"query": query})
    assert tsv.text.splitlines()[1:] == [f"<{iri}>" for iri in expected]


def test_sparql_construct_and_read_only(server: str) -> None:
    construct = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o FILTER(?s = <{BASE}person/khrushchev-nikita>) }}"
    for accept, parser in (
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        ("application/n-triples", "nt"),
    ):
        response = get(server + "/sparql", accept, params={"query": construct})
        assert response.status_code == 200 and len(Graph().parse(data=response.text, format=parser)) > 5
    update = requests.post(server + "/sparql", timeout=10, data={"update": "DROP ALL"})
    assert update.status_code == 403
    disguised = requests.post(
        server + "/sparql", data=b"DROP ALL", timeout=10, headers={"Content-Type": "application/sparql-query"}
    )
    assert disguised.status_code == 400
    described = get(server + "/sparql")  # no query: the Service Description (test_dataset.py)
    assert described.status_code == 200 and b"sparql-service-description" in described.content
    preflight = requests.options(server + "/sparql", timeout=10)
    assert preflight.status_code == 204 and "POST" in preflight.headers["Access-Control-Allow-Methods"]


def test_void_and_dumps(server: str, seed_build: BuildResult) -> None:
    void = get(server + "/.well-known/void")
    assert void.status_code == 200 and void.content == (seed_build.out / "void.ttl").read_bytes()
    dump = get(server + "/dump/dataset.nq")
    assert dump.headers["Content-Type"] == "application/n-quads; charset=utf-8"
    assert dump.content == (seed_build.out / "dataset.nq").read_bytes()
    assert get(server + "/dump/../../etc/passwd").status_code == 404
    home = get(server + "/", "application/ld+json").json()
    assert any(node["id"] == BASE + "dataset" for node in home["@graph"])


def test_negotiation_rules() -> None:
    offered = ["text/turtle", "text/html"]
    assert choose("text/html;q=0.9, text/turtle;q=0.91", offered) == "text/turtle"
    assert choose("text/*", offered) == "text/turtle"
    assert choose("text/html, text/*;q=0", offered) == "text/html"
    assert choose("application/json", offered) is None
    assert choose(None, offered) == "text/turtle"
    assert choose("text/html;q=abc, text/turtle;q=0.1", offered) == "text/turtle"


def test_letter_page_in_headless_chromium(server: str, tmp_path: Path) -> None:
    dom = chromium_dom(server + LETTER, tmp_path / "profile", "--dump-dom")
    assert "<title>Letter from First Secretary of the CC of the CPSU (N.S. Khrushchev)" in dom
    assert "<dt>Date</dt><dd>17 April 1958</dd>" in dom
    assert (
        '<dt>From</dt><dd><a href="/group/cc-cpsu">'
        "Central Committee of the Communist Party of the Soviet Union</a>" in dom
    )
    assert ">Nikita Khrushchev</a>" in dom
    assert (
        '<dt>To</dt><dd><a href="/group/cc-rwp">Central Committee of the Romanian Workers\' Party</a>' in dom
    )
    assert "Dear Comrades," in dom


def test_serve_command_reports_a_bad_folder(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from lodpub.cli import main

    result = CliRunner().invoke(main, ["serve", str(tmp_path / "none"), "--port", "0"])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == f"error: {tmp_path / 'none'}: no such dataset folder"


def test_dump_json_parses(server: str) -> None:
    assert json.loads(get(server + "/dump/context.jsonld").text)["@context"]["crm"].startswith("http")


@pytest.mark.parametrize("allowance_mb", ["2", "1000"])
def test_a_server_past_its_memory_allowance_opens_the_store_afresh(
    seed_build: BuildResult, allowance_mb: str
) -> None:
    """RocksDB's caches grow with every page served (memory.py): past ``store_cache_mb`` over
    what it held on opening the store, the server lets go of it and answers from a fresh one."""
    httpd = make_server(seed_build.out, "127.0.0.1", 0, Settings(store_cache_mb=allowance_mb), workers=1)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        url = address(httpd).rstrip("/")
        first = httpd.app.snapshot
        # what other tests left behind in this process goes first, so that the measured start
        # is this test's own (memory given back then would hide the growth below)
        gc.collect()
        give_back()
        httpd.app.allowance.restart()
        # this process grows by 8 MB, as the store's caches would: fresh pages, written, so that
        # memory glibc freed earlier (and still holds) cannot take them in unseen
        ballast = mmap.mmap(-1, 8 << 20)
        ballast.write(b"x" * (8 << 20))
        page = get(url + LETTER, "text/turtle")
        assert page.status_code == 200 and "1958-04-17" in page.text
        assert (httpd.app.snapshot is not first) is (allowance_mb == "2")
        assert get(url + LETTER, "text/turtle").text == page.text  # the fresh store answers the same
        kept = weakref.ref(first)
        ballast.close()
        del first, ballast
        assert (kept() is None) is (allowance_mb == "2")  # the old store went with its last request
    finally:
        httpd.shutdown()
        httpd.server_close()


def lock_is_free(lock: Path) -> bool:
    descriptor = os.open(lock, os.O_RDWR)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(descriptor)
    return True


@pytest.mark.parametrize("allowance_mb", [0, 1000])
def test_a_query_worker_past_its_memory_allowance_lets_go_of_the_store(
    seed_build: BuildResult, allowance_mb: int, tmp_path: Path
) -> None:
    """A worker that grew past its allowance answering a query closes the store (it holds its
    generation's shared lock while it has it open) and opens it again for the next query."""
    dist = tmp_path / "dist"  # a store of its own: another test's server holds the seed's lock
    shutil.copytree(seed_build.out, dist)
    root = store_folder(dist, Settings())
    store = PersistentStore(root, dist)
    store.sync()
    lock = store.current().file(".lock")  # type: ignore[union-attr]
    workers = Workers(root, dist, Limits(cache_mb=allowance_mb), 1)
    try:
        for _ in range(2):
            result = workers.run("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } LIMIT 50000")
            assert result.count == 50_000
            deadline = time.monotonic() + 5
            while not lock_is_free(lock) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert lock_is_free(lock) is (allowance_mb == 0)
    finally:
        workers.close()
