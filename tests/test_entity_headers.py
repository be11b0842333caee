"""What an entity's answer says about itself, over real HTTP: validators and 304s, Link headers to
its other formats and the VoID, CORS read by a real browser from another origin, and the HTML
page's alternate links (curl-level requests with requests; Chromium for the browser)."""

from __future__ import annotations

import http.server
import threading
from functools import partial
from pathlib import Path

import pytest
import requests
from rdflib import Graph

from .servers import dom

LETTER = "/letter/1958-04-17-cpsu-rwp-troops"


def test_validators_and_conditional_requests(server: str) -> None:
    first = requests.get(server + LETTER, headers={"Accept": "text/turtle"}, timeout=30)
    assert first.status_code == 200
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag.startswith('"') and modified.endswith(" GMT")
    assert first.headers["Cache-Control"].startswith("public, max-age=")
    again = requests.get(server + LETTER, headers={"Accept": "text/turtle"}, timeout=30)
    assert again.headers["ETag"] == etag  # the same bytes, the same tag
    html = requests.get(server + LETTER, headers={"Accept": "text/html"}, timeout=30)
    assert html.headers["ETag"] != etag  # another representation, another tag
    for conditional in (
        {"If-None-Match": etag},
        {"If-None-Match": f'"other", W/{etag}'},
        {"If-None-Match": "*"},
    ):
        answer = requests.get(server + LETTER, headers={"Accept": "text/turtle", **conditional}, timeout=30)
        assert answer.status_code == 304 and answer.content == b"", conditional
        assert answer.headers["ETag"] == etag and "Content-Length" not in answer.headers
    since = requests.get(
        server + LETTER, headers={"Accept": "text/turtle", "If-Modified-Since": modified}, timeout=30
    )
    assert since.status_code == 304
    old = "Mon, 01 Jan 1990 00:00:00 GMT"
    for fresh in (
        {"If-None-Match": '"other"'},
        {"If-Modified-Since": old},
        {"If-Modified-Since": "not a date"},
    ):
        answer = requests.get(server + LETTER, headers={"Accept": "text/turtle", **fresh}, timeout=30)
        assert answer.status_code == 200 and answer.content == first.content, fresh
    # If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2)
    both = requests.get(
        server + LETTER,
        headers={"Accept": "text/turtle", "If-None-Match": '"other"', "If-Modified-Since": modified},
        timeout=30,
    )
    assert both.status_code == 200


def test_link_headers_name_the_other_formats_and_the_void(server: str) -> None:
    answer = requests.get(server + LETTER, headers={"Accept": "text/turtle"}, timeout=30)
    links = {(link["url"], link.get("rel"), link.get("type")) for link in answer.links.values()} | {
        (link["url"], link.get("rel"), link.get("type")) for link in _all_links(answer.headers["Link"])
    }
    for form, media in (
        ("html", "text/html"),
        ("jsonld", "application/ld+json"),
        ("nt", "application/n-triples"),
    ):
        assert (f"{LETTER}?format={form}", "alternate", media) in links
        target = requests.get(server + f"{LETTER}?format={form}", timeout=30)
        assert target.status_code == 200 and target.headers["Content-Type"].startswith(media)
    assert ("/.well-known/void", "describedby", "text/turtle") in links
    void = requests.get(server + "/.well-known/void", timeout=30)
    assert len(Graph().parse(data=void.content, format="turtle")) > 10
    assert answer.headers["Access-Control-Allow-Origin"] == "*"


def _all_links(header: str) -> list[dict[str, str]]:
    found = []
    for part in header.split(", <"):
        url, _, rest = part.lstrip("<").partition(">")
        fields = dict(
            (name.strip(), value.strip().strip('"'))
            for name, _, value in (item.partition("=") for item in rest.split(";") if "=" in item)
        )
        found.append({"url": url, **fields})
    return found


def test_the_html_page_links_its_formats_in_chromium(server: str, tmp_path: Path) -> None:
    page = dom(server + LETTER, tmp_path / "profile", "--dump-dom")
    for form, media in (
        ("ttl", "text/turtle"),
        ("jsonld", "application/ld+json"),
        ("nt", "application/n-triples"),
    ):
        assert f'<link rel="alternate" type="{media}" href="{LETTER}?format={form}">' in page


def test_a_script_on_another_origin_reads_the_entity_and_its_headers(server: str, tmp_path: Path) -> None:
    """A page served from another loopback port fetches the letter in Chromium: CORS lets the
    script read the body and the exposed ETag and Link."""
    folder = tmp_path / "origin"
    folder.mkdir()
    (folder / "index.html").write_text(
        "<!DOCTYPE html><html><body><pre id='out'>waiting</pre><script>"
        f"fetch('{server}{LETTER}', {{headers: {{Accept: 'text/turtle'}}}})"
        ".then(r => r.text().then(t => { document.getElementById('out').textContent ="
        " [r.status, r.headers.get('ETag'), r.headers.get('Link') ? 'link' : 'no link',"
        " t.includes('crm:') ? 'turtle' : 'no turtle'].join(' '); }))"
        ".catch(e => { document.getElementById('out').textContent = 'blocked ' + e; });"
        "</script></body></html>",
        encoding="utf-8",
    )
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    origin = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=origin.serve_forever, daemon=True)
    thread.start()
    try:
        page = dom(
            f"http://127.0.0.1:{origin.server_address[1]}/index.html", tmp_path / "profile", "--dump-dom"
        )
    finally:
        origin.shutdown()
        origin.server_close()
    etag = requests.get(server + LETTER, headers={"Accept": "text/turtle"}, timeout=30).headers["ETag"]
    assert f"200 {etag} link turtle" in page, page


def test_the_sparql_page_links_only_http_iris(server: str) -> None:
    """A query's answer may hold any IRI: only http(s) ones become links; the rest is text."""
    query = (
        "SELECT ?x WHERE { VALUES ?x { <javascript:alert(document.cookie)> <data:text/html,x> "
        "<https://example.org/fine> } }"
    )
    page = requests.get(
        server + "/sparql", params={"query": query}, headers={"Accept": "text/html"}, timeout=30
    )
    assert page.status_code == 200
    assert 'href="javascript:' not in page.text and 'href="data:' not in page.text
    assert "javascript:alert(document.cookie)" in page.text  # shown, as text
    assert 'href="https://example.org/fine"' in page.text


@pytest.mark.parametrize(
    "query",
    ["?page=99999999999999999999999", "?year=99999999999999999999999", "?page=²", "?year=0", "?page=-1"],
)
def test_a_bad_page_or_year_is_a_400_page_that_names_it(server: str, query: str) -> None:
    answer = requests.get(server + "/letters" + query, headers={"Accept": "text/html"}, timeout=30)
    assert answer.status_code == 400 and answer.headers["Content-Type"].startswith("text/html")
    name = query[1:].split("=")[0]
    assert f"<code>{name}=" in answer.text and "a whole number from" in answer.text
    entity = requests.get(server + "/person/khrushchev-nikita" + query.replace("year", "page"), timeout=30)
    assert entity.status_code in (200, 400) and "Traceback" not in entity.text
