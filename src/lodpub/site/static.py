"""`lodpub site DIST --out SITE`: the research site as static files, for any web server or static
hosting, with the configuration that gives nginx and Apache httpd the same content negotiation
as `lodpub serve`.

    index.html, index.ttl, …      the home page; the dataset's description
    letters.html, index/*.json    the list of letters, filtered in the browser from a small index
                                  (one file of rows per year, one of the filters' choices)
    letter/ID.html .ttl .jsonld .nt, person/KEY.html …   each letter and named entity: its page
                                  (the bytes `serve` answers) and its description; a long list's
                                  further pages as PATH.page-N.html
    dump/…, dumps/…, .well-known/void   the dumps and the VoID description (hard links)
    nginx.conf, apache.conf       content negotiation, ?format= and ?page= for the two servers

It is written incrementally: the site records the graphs.tsv it was made from and its files'
sha256 (``.lodpub-site.json``). The next run works out from the catalogue which pages an edit
can change — the letters changed, their neighbours in date order, the letters between the same
correspondents, every entity they name (before and after), the home page and the index — and
writes those whose bytes changed; a file no longer produced is removed."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..errors import ConfigError
from ..publish.dist import Dist, GraphEntry, read_entries
from ..publish.store import PersistentStore, segment_file, store_folder
from ..settings import Settings
from ..write.atomic import contained, write_file
from ..write.jsonld import Context
from ..write.layout import CONTEXT, INDEX, VOID
from ..write.rdf import representation
from . import Site, site_of
from .catalogue import Catalogue
from .described import describe
from .html import alternates, layout
from .servers import apache_conf, nginx_conf
from .static_list import letters_page

MANIFEST = ".lodpub-site.json"
KEPT_CATALOGUE = ".lodpub-site.catalogue"
KEPT_SEGMENTS = ".lodpub-site.segments"
FORMS = {"ttl": "text/turtle", "jsonld": "application/ld+json", "nt": "application/n-triples"}
Progress = Callable[[int, int], None]


@dataclass
class Written:
    """What a run did: files written (changed), kept (same bytes), removed; whether in full."""

    written: int = 0
    kept: int = 0
    removed: int = 0
    full: bool = True


def write_site(dist: Path, out: Path, settings: Settings, progress: Progress | None = None) -> Written:
    """Write (or bring up to date) the static site of ``dist`` in ``out``."""
    source = Dist.open(dist)
    store = PersistentStore(store_folder(dist, settings), dist)
    if not store.up_to_date():
        store.sync()
    out.mkdir(parents=True, exist_ok=True)
    manifest = _read_manifest(out)
    with store.reading() as (graph_store, generation):
        catalogue = Catalogue(generation.file(".catalogue"))
        try:
            site = site_of(graph_store, catalogue, source.base_iri, settings.license)
            before = manifest.get("files", {})
            writer = _Writer(out, before if isinstance(before, dict) else {})
            changed = None
            if manifest.get("base") == source.base_iri and (out / KEPT_CATALOGUE).is_file():
                segments = generation.file(".segments")
                changed = _changed_resources(out, manifest, source, catalogue, segments)
            resources = _resources(catalogue, source.base_iri)
            todo = resources if changed is None else [iri for iri in resources if iri in changed]
            context = Context.default()
            for number, iri in enumerate(todo, start=1):
                _resource_files(site, writer, iri, context)
                if progress is not None and (number % 500 == 0 or number == len(todo)):
                    progress(number, len(todo))
            if changed is not None:  # the other resources' files stay as they are
                writer.keep_prefixes({_path(source.base_iri, iri) for iri in resources if iri not in changed})
            _site_files(site, writer, source, catalogue, settings)
            removed = writer.finish()
            shutil.copyfile(generation.file(".catalogue"), out / KEPT_CATALOGUE)
            _keep_segments(generation.file(".segments"), out / KEPT_SEGMENTS)
        finally:
            catalogue.close()
    index = (dist / INDEX).read_bytes()
    write_file(
        out / MANIFEST,
        json.dumps(
            {"base": source.base_iri, "index": index.decode("utf-8"), "files": writer.files},
            sort_keys=True,
        ).encode("utf-8"),
    )
    return Written(writer.written, writer.kept, removed, changed is None)


def _keep_segments(segments: Path, kept: Path) -> None:
    """The entities graph's parts as this run saw them (hard links), for the next run to compare."""
    shutil.rmtree(kept, ignore_errors=True)
    kept.mkdir()
    for path in segments.iterdir():
        try:
            os.link(path, kept / path.name)
        except OSError:
            shutil.copyfile(path, kept / path.name)


def _resources(catalogue: Catalogue, base: str) -> list[str]:
    """Every letter and named entity under the base IRI, and the dataset."""
    found = {row[0] for row in catalogue.db.execute("SELECT iri FROM letters")}
    found |= {row[0] for row in catalogue.db.execute("SELECT iri FROM entities")}
    found |= {row[0] for row in catalogue.db.execute("SELECT DISTINCT entity FROM roles")}
    return sorted(iri for iri in found | {base + "dataset"} if iri.startswith(base))


def _path(base: str, iri: str) -> str:
    return iri[len(base) :]


def _resource_files(site: Site, writer: _Writer, iri: str, context: Context) -> None:
    """A resource's page (and its further pages) and its description in every RDF form."""
    base = site.frame.base
    path = _path(base, iri)
    triples = describe(site.store, iri, base)
    if not triples:
        return
    for form, media in FORMS.items():
        writer.put(f"{path}.{form}", representation(triples, media, context))
    found = site.resource(iri, "/" + path, 1, triples)
    if found is None:
        return
    title, body = found
    links = alternates("/" + path)
    writer.put(f"{path}.html", layout(site.frame, title, body, links))
    for number in range(2, site.page_count(iri) + 1):
        more = site.resource(iri, "/" + path, number, triples)
        if more is not None:
            writer.put(f"{path}.page-{number}.html", layout(site.frame, more[0], more[1], links))


def _site_files(site: Site, writer: _Writer, dist: Dist, catalogue: Catalogue, settings: Settings) -> None:
    """The home page, the list of letters and its index, the dumps, VoID and the servers' files."""
    home = site.page("/", {})
    assert home is not None
    writer.put("index.html", home.body)
    dataset = describe(site.store, dist.base_iri + "dataset")
    for form, media in FORMS.items():
        writer.put(f"index.{form}", representation(dataset, media, Context.default()))
    title, body, head = letters_page(site.frame, catalogue)
    writer.put("letters.html", layout(site.frame, title, body, head))
    for name, data in _index_files(catalogue, dist.base_iri):
        writer.put(f"index/{name}", data)
    for name in [VOID, CONTEXT, *(str(p.relative_to(dist.folder)) for p in dist.nquads_files())]:
        writer.link(f"dump/{name}", dist.folder / name)
    for path in sorted(dist.folder.rglob("*")):
        relative = str(path.relative_to(dist.folder))
        if path.is_file() and (relative.startswith(("dataset.", "parts/")) or relative.startswith("dumps/")):
            writer.link(relative if relative.startswith("dumps/") else f"dump/{relative}", path)
    writer.link(".well-known/void", dist.folder / VOID)
    if (dist.folder / "cmif.xml").is_file():
        writer.link("cmif.xml", dist.folder / "cmif.xml")
    root = str(writer.out.resolve())
    writer.put("nginx.conf", nginx_conf(root).encode("utf-8"))
    writer.put("apache.conf", apache_conf(root).encode("utf-8"))


def _index_files(catalogue: Catalogue, base: str) -> Iterable[tuple[str, bytes]]:
    """The list's index: the filters' choices, then the letters of each year."""
    years = catalogue.years()
    choices = {
        "years": [[year, count] for year, count in years],
        "correspondents": [
            [_path(base, i) if i.startswith(base) else i, label, n]
            for i, label, n in catalogue.choices("correspondent")
        ],
        "archives": [
            [_path(base, i) if i.startswith(base) else i, label, n]
            for i, label, n in catalogue.choices("archive")
        ],
        "languages": [[i, label, n] for i, label, n in catalogue.choices("language")],
        "undated": catalogue.db.execute("SELECT count(*) FROM letters WHERE year IS NULL").fetchone()[0],
    }
    yield "choices.json", _json(choices)
    for year in [y for y, _ in years] + [None]:
        rows = catalogue.db.execute(
            "SELECT iri, title, date, folded FROM letters WHERE year IS ? ORDER BY sort, iri", (year,)
        ).fetchall()
        listed = {item.iri: item for item in catalogue.listed([(r[0], r[1], r[2]) for r in rows])}
        data = []
        for iri, title, date, folded in rows:
            parties = listed[iri].parties

            def of(role: str, parties: dict[str, list[tuple[str, str]]] = parties) -> list[list[str]]:
                return [
                    [_path(base, e) if e.startswith(base) else e, label] for e, label in parties.get(role, [])
                ]

            data.append(
                [
                    _path(base, iri),
                    date,
                    title,
                    folded,
                    of("sender"),
                    of("addressee"),
                    of("place"),
                    of("archive"),
                    of("language"),
                ]
            )
        yield f"{year if year is not None else 'undated'}.json", _json(data)


_LISTED = ("sender", "addressee", "place", "archive", "language")  # the columns of the index's rows


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def _described_anew(kept: Path, segments: Path, old: GraphEntry, new: GraphEntry) -> set[str] | None:
    """The subjects whose triples differ between the entities graph the site was made from (its
    parts kept in ``kept``) and the current one (its parts in the store's ``segments``)."""
    if len(old.spans) != len(new.spans):
        return None
    subjects: set[str] = set()
    for position, (was, now) in enumerate(zip(old.spans, new.spans, strict=True)):
        if was.sha256 == now.sha256:
            continue
        try:
            before = _quads(segment_file(kept, old, position))
            after = _quads(segment_file(segments, new, position))
        except OSError:
            return None
        subjects.update(q.subject.value for q in before ^ after if isinstance(q.subject, ox.NamedNode))
    return subjects


def _quads(path: Path) -> set[ox.Quad]:
    return set(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS))


def _changed_resources(
    out: Path, manifest: dict[str, object], dist: Dist, catalogue: Catalogue, segments: Path
) -> set[str] | None:
    """The resources whose pages or descriptions an update can have changed since the site was
    written, or None when it is quicker (or the only way) to write it in full."""
    old_path = out / ".lodpub-site.index"
    old_path.write_text(str(manifest.get("index", "")), encoding="utf-8")
    try:
        old = {entry.iri: entry for entry in read_entries(old_path)}
    except ConfigError:
        return None
    finally:
        old_path.unlink(missing_ok=True)
    new = {entry.iri: entry for entry in dist.index()}
    graphs = {
        iri
        for iri in old.keys() | new.keys()
        if (old.get(iri) is None) != (new.get(iri) is None) or old[iri].sha256 != new[iri].sha256
    }
    if len(graphs) > max(64, len(new) // 4):  # many changed: writing every page is as quick
        return None
    previous = Catalogue(out / KEPT_CATALOGUE)
    try:
        changed: set[str] = set()
        entities_graph = dist.base_iri + "graph/entities"
        for source in (previous, catalogue):
            letters = [
                row[0]
                for graph in graphs
                for row in source.db.execute("SELECT iri FROM letters WHERE graph = ?", (graph,))
            ]
            for letter in letters:
                changed.add(letter)
                if _listed_alike(previous, catalogue, letter):
                    continue  # its text changed, not how it is listed: other pages show it alike
                changed.update(
                    e for (e,) in source.db.execute("SELECT entity FROM roles WHERE letter = ?", (letter,))
                )
                before, after = source.neighbours(letter)
                changed.update(item.iri for item in (before, after) if item is not None)
                # the pages listing the other letters between the same correspondents show the
                # first 20 of them: only if this one is among those can their lists change
                if letter in {item.iri for item in source.between(letter, 21, itself=True)}:
                    changed.update(item.iri for item in source.between(letter, 10**6))
        if entities_graph in graphs:  # the entities described anew, and the pages that name them
            described = _described_anew(
                out / KEPT_SEGMENTS, segments, old[entities_graph], new[entities_graph]
            )
            if described is None:
                return None
            changed |= described
            for source in (previous, catalogue):
                for iri in described:
                    changed.update(_column(source, "SELECT letter FROM roles WHERE entity = ?", iri))
        changed.add(dist.base_iri + "dataset")
        return changed
    finally:
        previous.close()


def _listed_alike(previous: Catalogue, current: Catalogue, letter: str) -> bool:
    """Whether the other pages show ``letter`` as before: the same title, date and order, and
    the same parties in the same roles (its own page may still have changed)."""

    def listing(source: Catalogue) -> tuple[object, ...]:
        row = source.db.execute("SELECT title, date, sort FROM letters WHERE iri = ?", (letter,)).fetchone()
        roles = source.db.execute(
            "SELECT r.role, r.entity, e.label FROM roles r LEFT JOIN entities e ON e.iri = r.entity "
            "WHERE r.letter = ? ORDER BY 1, 2",
            (letter,),
        ).fetchall()
        return (row, tuple(roles))

    before = listing(previous)
    return before[0] is not None and before == listing(current)


def _column(catalogue: Catalogue, sql: str, value: str) -> list[str]:
    return [row[0] for row in catalogue.db.execute(sql, (value,))]


class _Writer:
    """Files written only where their bytes change, each atomically; what was there before and
    is no longer produced is removed at the end."""

    def __init__(self, out: Path, before: dict[str, str]) -> None:
        self.out, self.before = out, dict(before)
        self.files: dict[str, str] = {}
        self.written = self.kept = 0

    def put(self, name: str, data: bytes) -> None:
        digest = hashlib.sha256(data).hexdigest()
        self.files[name] = digest
        target = self.out / name
        if self.before.get(name) == digest and target.is_file():
            self.kept += 1
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        write_file(target, data)
        self.written += 1

    def link(self, name: str, source: Path) -> None:
        """A dump or the VoID file: hard-linked from the dist (copied where links cannot be)."""
        stat = source.stat()
        stamp = f"{stat.st_ino}:{stat.st_size}:{stat.st_mtime_ns}"
        self.files[name] = stamp
        target = self.out / name
        if self.before.get(name) == stamp and target.is_file():
            self.kept += 1
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        target.with_name(target.name + ".tmp").unlink(missing_ok=True)  # left by lodpub 0.x
        if target.is_file() and os.path.samefile(source, target):
            self.kept += 1  # a link of it already (renaming a link over another does nothing)
            return
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        tmp.unlink(missing_ok=True)
        try:
            os.link(source, tmp)
        except OSError:
            shutil.copyfile(source, tmp)
        os.replace(tmp, target)
        self.written += 1

    def keep_prefixes(self, paths: set[str]) -> None:
        """The files of resources not written again this run stay as the manifest has them."""
        for name, digest in self.before.items():
            stem = name.rsplit(".page-", 1)[0] if ".page-" in name else name.rsplit(".", 1)[0]
            if stem in paths and name not in self.files:
                self.files[name] = digest
                self.kept += 1

    def finish(self) -> int:
        gone = [name for name in self.before if name not in self.files]
        for name in gone:
            (self.out / name).unlink(missing_ok=True)
        return len(gone)


def _read_manifest(out: Path) -> dict[str, object]:
    """The manifest of the site in ``out`` (nothing when there is none or it is not JSON); every
    file it names must lie inside ``out`` (it says which files a run may remove)."""
    try:
        found = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(found, dict):
        return {}
    files = found.get("files")
    for name in files if isinstance(files, dict) else ():
        contained(out, str(name), out / MANIFEST)
    return found
