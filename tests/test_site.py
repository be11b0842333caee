"""The research site on `lodpub serve` and as static files served by a real nginx and a real Apache
httpd: the pages a historian works from (checked in headless Chromium), content negotiation that
answers what `serve` answers, byte for byte, and a static site rewritten only where an edit
changes it."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
import requests

from .conftest import BASE, CORPUS, make_corpus, run
from .servers import Serve, apache, dom, ended, nginx, start, stop

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
ACCEPTS = ["text/html", BROWSER, "text/turtle", "application/ld+json", "application/n-triples", "*/*"]
TROOPS = "/letter/1958-04-17-cpsu-rwp-troops"
ADVISORS = "/letter/1958-09-09-cpsu-rwp-advisors"


@pytest.fixture(scope="module")
def root() -> Iterator[Path]:
    """A folder nginx's and Apache's workers (another user, when the tests run as root) may read."""
    folder = Path(tempfile.mkdtemp(prefix="lodpub-site-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def dist(root: Path) -> Path:
    letters = {p.name: p.read_bytes() for p in (CORPUS / "letters").iterdir()}
    corpus = make_corpus(root / "corpus", letters)
    code, _, stderr = run(
        "build", str(corpus), "--out", str(root / "dist"), "--quiet", "--config", os.devnull
    )
    assert code == 0, stderr
    return root / "dist"


@pytest.fixture(scope="module")
def site(dist: Path, root: Path) -> Path:
    code, out, stderr = run("site", str(dist), "--out", str(root / "site"), "--quiet", "--config", os.devnull)
    assert code == 0, stderr
    assert out.startswith(f"wrote {root / 'site'} (in full): ")
    for path in (root / "site").rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return root / "site"


@pytest.fixture(scope="module")
def served(dist: Path, root: Path) -> Iterator[Serve]:
    server = start(dist, root / "serve")
    try:
        yield server
    finally:
        stop(server)


@pytest.fixture(scope="module")
def statics(site: Path, root: Path) -> Iterator[dict[str, str]]:
    """The static site on a real nginx and a real Apache httpd."""
    started = []
    try:
        started.append(nginx(site, root / "nginx"))
        started.append(apache(site, root / "apache"))
        yield {"nginx": started[0][1], "apache": started[1][1]}
    finally:
        for process, _ in started:
            ended(process)


def resources(site: Path) -> list[str]:
    """Every letter and named entity of the site (each has its Turtle)."""
    return sorted(
        "/" + str(p.relative_to(site))[: -len(".ttl")]
        for p in site.rglob("*.ttl")
        if not p.name.startswith("index.") and ".well-known" not in p.parts and "dump" not in p.parts
    )


def test_every_resource_answers_as_serve_does_on_nginx_and_apache(
    site: Path, served: Serve, statics: dict[str, str]
) -> None:
    paths = resources(site)
    assert {TROOPS, ADVISORS, "/person/khrushchev-nikita", "/group/anic", "/place/moscow"} <= set(paths)
    checked = 0
    for path in paths:
        asks = [({"Accept": accept}, "") for accept in ACCEPTS]
        asks += [({}, f"?format={form}") for form in ("html", "ttl", "jsonld", "nt")]
        for headers, query in asks:
            expected = requests.get(served.url + path + query, headers=headers, timeout=10)
            assert expected.status_code == 200, (path, query, headers)
            for name, url in statics.items():
                got = requests.get(url + path + query, headers=headers, timeout=10)
                where = (name, path, query, headers)
                assert got.status_code == 200, where
                assert got.headers["Content-Type"] == expected.headers["Content-Type"], where
                assert got.content == expected.content, where
                assert "Accept" in got.headers.get("Vary", ""), where
                assert not got.history, where  # no redirect
                checked += 1
    assert checked == len(paths) * 10 * 2
    for url in (served.url, *statics.values()):
        for missing in (
            "/letter/no-such-letter",
            "/person/nobody",
            "/letter/1958-04-17-cpsu-rwp-troops/nothing",
        ):
            assert (
                requests.get(url + missing, headers={"Accept": "text/turtle"}, timeout=10).status_code == 404
            )


def test_every_answer_says_nosniff_and_allows_only_the_site_s_own_style_and_script(
    served: Serve, statics: dict[str, str]
) -> None:
    """On serve, nginx and Apache, pages, RDF, dumps, the VoID, the index JSON and 404s carry
    `X-Content-Type-Options: nosniff` and the policy; the policy names by hash exactly the
    inline style and script the pages hold (the letters page's script, on the static site)."""
    paths = [TROOPS, TROOPS + "?format=ttl", "/", "/letters", "/dump/dataset.nq", "/.well-known/void"]
    paths += ["/person/nobody", "/index/choices.json"]
    for name, url in {"serve": served.url, **statics}.items():
        for path in paths:
            if name == "serve" and path.startswith("/index/"):
                continue  # the static site's own index
            answer = requests.get(url + path, headers={"Accept": "text/html"}, timeout=10)
            where = (name, path, answer.status_code)
            assert answer.headers.get("X-Content-Type-Options") == "nosniff", where
            policy = answer.headers.get("Content-Security-Policy", "")
            assert policy.startswith("default-src 'none'; ") and "frame-ancestors 'none'" in policy, where
            assert answer.headers.get("Referrer-Policy") == "no-referrer", where
            if answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/html"):
                inline = re.findall(r"<(style|script)>(.*?)</\1>", answer.text, re.S)
                assert inline, where
                for kind, text in inline:
                    digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
                    assert f"{kind}-src 'sha256-{digest}'" in policy, (where, kind)


def rows(page: str) -> list[str]:
    """The letters' titles a page's tables link."""
    return re.findall(r'<td><a href="/letter/[^"]+">([^<]+)</a></td>', page)


@pytest.mark.parametrize("where", ["serve", "nginx", "apache"])
def test_the_pages_a_historian_works_from(
    where: str, served: Serve, statics: dict[str, str], tmp_path: Path
) -> None:
    url = served.url if where == "serve" else statics[where]
    profile = tmp_path / "profile"
    khrushchev = dom(url + "/person/khrushchev-nikita", profile, "--dump-dom")
    assert "<h1>Nikita Khrushchev</h1>" in khrushchev
    assert rows(khrushchev) == [
        "Letter from First Secretary of the CC of the CPSU (N.S. Khrushchev) to the CC of the RWP on the "
        "Withdrawal of Soviet Troops from the Romanian Territory"
    ]
    assert "<td>17 April 1958</td>" in khrushchev and "1 sent, 0 received." in khrushchev
    assert '<a href="/group/cc-rwp">Central Committee of the Romanian Workers\' Party</a>' in khrushchev
    cpsu = dom(url + "/group/cc-cpsu", profile, "--dump-dom")
    assert len(set(rows(cpsu))) == 2 and "<td>September 9, 1958</td>" in cpsu
    assert "2 sent, 0 received." in cpsu
    anic = dom(url + "/group/anic", profile, "--dump-dom")
    assert "<dt>Kind</dt><dd>archive</dd>" in anic
    assert f'href="{TROOPS}"' in anic and f'href="{ADVISORS}"' in anic
    assert '<a href="/holding/anic/cc-rcp-foreign-relations-section">Fund CC of the RCP - Foreign' in anic
    home = dom(url + "/", profile, "--dump-dom")
    assert len(rows(home)) == 2
    listed = dom(url + "/letters?year=1958", profile, "--dump-dom")
    assert len(rows(listed)) == 2 and "2 letters." in listed
    none = dom(url + "/letters?year=1957", profile, "--dump-dom")
    assert rows(none) == [] and "0 letters." in none
    searched = dom(url + "/letters?q=advisors", profile, "--dump-dom")
    assert rows(searched) == [
        "Letter addressed by the CC of the CPSU to the CC of the RWP on the recall of "
        "Soviet advisors from Romania"
    ]
    if where == "serve":
        query = (CORPUS.parent / "queries" / "letters-between-parties.rq").read_text(encoding="utf-8")
        answer = dom(url + "/sparql?" + requests.compat.urlencode({"query": query}), profile, "--dump-dom")
        assert "<h2>Answer</h2><p>2 rows.</p>" in answer and len(rows(answer)) == 2
        form = dom(url + "/sparql", profile, "--dump-dom")
        assert "<textarea" in form and "dataset-statistics" in form


class Links(HTMLParser):
    """The links of a page and their text."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href, self._text = dict(attrs).get("href") or "", []

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.links.append((self._href, "".join(self._text)))
            self._href = None


def test_no_page_shows_a_raw_iri_where_a_label_exists(site: Path) -> None:
    import sqlite3

    db = sqlite3.connect(site / ".lodpub-site.catalogue")
    labelled = {iri for (iri,) in db.execute("SELECT iri FROM entities")}
    db.close()
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 15
    for page in pages:
        parser = Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for href, text in parser.links:
            target = BASE + href.lstrip("/") if href.startswith("/") else href
            if text.startswith(("http://", "https://")):
                assert target not in labelled, (page, href, text)  # a label exists: it is shown
                assert text == target  # only an outside link (Wikidata, the web record) is shown bare


def test_screenshots_of_a_letter_and_a_person(
    served: Serve, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = Path(os.environ.get("LODPUB_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    profile = tmp_path_factory.mktemp("profile")
    for name, path in (("letter", TROOPS), ("person", "/group/cc-cpsu")):
        shot = folder / f"{name}.png"
        dom(served.url + path, profile, "--window-size=1200,1800", f"--screenshot={shot}")
        assert shot.stat().st_size > 10_000
    print(f"screenshots of a letter page and a person page: {folder}")


def test_html_is_escaped_everywhere(tmp_path: Path) -> None:
    letters = {p.name: p.read_bytes() for p in (CORPUS / "letters").iterdir()}
    corpus = make_corpus(tmp_path / "corpus", letters)
    authorities = corpus / "authorities.toml"
    text = authorities.read_text(encoding="utf-8")
    authorities.write_text(
        text.replace('label = "Nikita Khrushchev"', 'label = "Nikita <script>alert(1)</script> Khrushchev"'),
        encoding="utf-8",
    )
    code, _, stderr = run(
        "build", str(corpus), "--out", str(tmp_path / "dist"), "--quiet", "--config", os.devnull
    )
    assert code == 0, stderr
    code, _, stderr = run("site", str(tmp_path / "dist"), "--out", str(tmp_path / "site"), "--quiet")
    assert code == 0, stderr
    for page in (tmp_path / "site").rglob("*.html"):
        body = page.read_text(encoding="utf-8")
        assert "<script>alert" not in body, page
    person = (tmp_path / "site" / "person" / "khrushchev-nikita.html").read_text(encoding="utf-8")
    assert "Nikita &lt;script&gt;alert(1)&lt;/script&gt; Khrushchev" in person


def test_a_rebuilt_site_rewrites_only_what_an_edit_changes(tmp_path: Path) -> None:
    letters = {p.name: p.read_bytes() for p in (CORPUS / "letters").iterdir()}
    corpus = make_corpus(tmp_path / "corpus", letters)
    dist, site, fresh = tmp_path / "dist", tmp_path / "site", tmp_path / "fresh"

    def build_and_site(out: Path) -> str:
        code, _, stderr = run("build", str(corpus), "--out", str(dist), "--quiet", "--config", os.devnull)
        assert code == 0, stderr
        code, said, stderr = run("site", str(dist), "--out", str(out), "--quiet", "--config", os.devnull)
        assert code == 0, stderr
        return said

    def files(folder: Path) -> dict[str, bytes]:
        return {
            str(p.relative_to(folder)): p.read_bytes()
            for p in folder.rglob("*")
            if p.is_file()
            and not p.name.startswith(".lodpub-site")
            and p.parent.name != ".lodpub-site.segments"
            and not p.name.endswith((".conf",))
        }

    build_and_site(site)
    stamps = {name: (site / name).stat().st_mtime_ns for name in files(site)}
    path = corpus / "letters" / "1958-09-09-cpsu-rwp-advisors.txt"
    path.write_bytes(path.read_bytes().replace(b"Dear Comrades,", b"Dear Comrades and friends,", 1))
    said = build_and_site(site)
    assert "(what changed)" in said
    rewritten = {name for name in files(site) if (site / name).stat().st_mtime_ns != stamps.get(name)}
    assert f"{ADVISORS[1:]}.html" in rewritten and f"{ADVISORS[1:]}.ttl" in rewritten
    assert "place/moscow.html" not in rewritten and "person/khrushchev-nikita.html" not in rewritten
    build_and_site(fresh)  # the same site written in full
    assert files(site) == files(fresh)
    translator = corpus / "letters" / "1958-09-09-cpsu-rwp-advisors.txt"
    translator.write_bytes(translator.read_bytes().replace(b"Delia Razdolescu", b"Petra Newname"))
    assert "(what changed)" in build_and_site(site)
    shutil.rmtree(fresh)
    build_and_site(fresh)
    assert files(site) == files(fresh)
    assert "person/petra-newname.html" in files(site) and "person/razdolescu-delia.html" in files(site)


def test_a_site_holds_no_stray_temporary_file_after_any_run(dist: Path, tmp_path: Path) -> None:
    """The dumps are hard links of the dist's: written twice (the second run finds the link in
    place, where renaming one link over another would do nothing), the site has no `.tmp` file,
    nor one that an older run left."""
    out = tmp_path / "site"
    for _ in range(2):
        code, _, stderr = run("site", str(dist), "--out", str(out), "--quiet", "--config", os.devnull)
        assert code == 0, stderr
        assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    (out / "dump" / "dataset.nq.tmp").write_bytes(b"left by an older run")
    (out / "dump" / "dataset.nq").unlink()
    assert run("site", str(dist), "--out", str(out), "--quiet", "--config", os.devnull)[0] == 0
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]


@pytest.mark.parametrize("name", ["../victim.txt", "ABSOLUTE", "dump/../../victim.txt", "link/victim.txt"])
def test_a_manifest_naming_files_outside_the_site_removes_nothing(
    dist: Path, tmp_path: Path, name: str
) -> None:
    """A manifest changed to name a file outside the site folder (a parent path, an absolute
    one, or through a symbolic link out of it): `lodpub site` stops with one message naming
    it, and the file outside is untouched."""
    out = tmp_path / "site"
    assert run("site", str(dist), "--out", str(out), "--quiet", "--config", os.devnull)[0] == 0
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (out / "link").symlink_to(tmp_path)
    name = str(victim) if name == "ABSOLUTE" else name
    manifest = out / ".lodpub-site.json"
    data = json.loads(manifest.read_text())
    data["files"][name] = "0" * 64  # a file the site had and no longer makes: removed, were it inside
    manifest.write_text(json.dumps(data))
    code, _, stderr = run("site", str(dist), "--out", str(out), "--quiet", "--config", os.devnull)
    assert code == 2, stderr
    assert stderr.startswith(f"error: {manifest}: names {name!r}, which is not a file inside {out}"), stderr
    assert victim.read_text() == "keep me"
