"""The persistent store of a built dataset: an on-disk Oxigraph store beside the output
(``.dist-store/`` for ``dist/``), which ``lodpub query`` and ``lodpub serve`` open read-only
instead of loading the dumps into memory for every command.

It is not one of dist/'s files: the build brings it up to date after the new dist/ is in place
(and ``query``/``serve`` do, for a dist/ that has none or an older one). It records the
graphs.tsv it holds, so it is never used for a dist/ it does not match.

Oxigraph's store may be opened read-only by many processes, but never while another process
writes it, so the store is kept in generations:

    current             the generation in use and the sha256 of the graphs.tsv it holds
    000007/             generation 7: an Oxigraph (RocksDB) store
    000007.tsv          the graphs.tsv it holds
    000007.segments/    the N-Quads of each part of the entities graph (it lies in one part for
                        each part of the dumps), so that an update can take an old part's triples
                        out (and the static site can tell which entities changed)
    000007.catalogue    the research site's catalogue of the letters (site/catalogue.py)
    000007.lock         readers hold a shared lock on it while they use generation 7
    lock                one writer at a time
    cmif1-fragments.sqlite  each letter's CMIF entry from the last export (export/__init__.py)

An update copies the current generation (a RocksDB checkpoint: hard links, milliseconds), applies
the differences between the two graphs.tsv to the copy (graphs replaced, added, dropped; a
changed part of the entities graph taken out and put back), and then names it in ``current``. A
reader opens whichever generation ``current`` names and keeps its shared lock; a generation is
removed once no reader holds it. A generation without its ``.tsv``, or one newer than
``current``, is what a killed update left, and is removed by the next one."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

import pyoxigraph as ox

from ..errors import ConfigError, LodpubError
from ..mapping.iris import Iris
from ..settings import Settings
from ..site.catalogue import make_catalogue
from ..write.index import read_range
from ..write.layout import INDEX
from .bulkload import Progress, bulk_load
from .dist import Dist, GraphEntry, Span, entries_of

Say = Callable[[str], None]
_FULL_SHARE = 4  # more than a quarter of the graphs (and 64) changed: loading afresh is quicker


def store_folder(dist: Path, settings: Settings) -> Path:
    """Where the store of ``dist`` lies: the ``store`` setting, else ``.DIST-store`` beside it."""
    return Path(settings.store) if settings.store else dist.parent / f".{dist.name}-store"


@dataclass(frozen=True)
class Generation:
    """One generation of the store: its number and the sha256 of the graphs.tsv it holds."""

    root: Path
    number: int
    index_sha256: str

    @property
    def folder(self) -> Path:
        return self.root / f"{self.number:06d}"

    def file(self, suffix: str) -> Path:
        return self.root / f"{self.number:06d}{suffix}"


@dataclass
class Synced:
    """What an update did: ``how`` is "unchanged", "updated" or "loaded"; the graphs it wrote."""

    how: str
    graphs: int = 0
    seconds: float = 0.0


class PersistentStore:
    """The store folder ``root`` of the dataset in ``dist``."""

    def __init__(self, root: Path, dist: Path) -> None:
        self.root, self.dist = root, dist

    def current(self) -> Generation | None:
        """The generation in use, or None when the store has none yet."""
        try:
            number, digest = (self.root / "current").read_text(encoding="utf-8").split()
            return Generation(self.root, int(number), digest)
        except (OSError, ValueError):
            return None

    def dist_digest(self) -> str:
        """The sha256 of the dist's graphs.tsv: the store matches it or is not used."""
        try:
            return hashlib.sha256((self.dist / INDEX).read_bytes()).hexdigest()
        except OSError as exc:
            raise ConfigError(f"{self.dist / INDEX}: cannot be read ({exc.strerror})") from exc

    def up_to_date(self) -> bool:
        current = self.current()
        return current is not None and current.index_sha256 == self.dist_digest()

    def sync(self, progress: Progress | None = None, say: Say | None = None) -> Synced:
        """Bring the store up to date with the dist (one process at a time: another one waits,
        and ``say`` is told so): a new generation with the changes applied, or loaded afresh."""
        started = time.perf_counter()
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            lock = os.open(self.root / "lock", os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            if self.up_to_date():  # nothing to write: a store one may only read serves as it is
                return Synced("unchanged", seconds=time.perf_counter() - started)
            raise ConfigError(
                f"{self.root}: the store of {self.dist} cannot be written ({exc.strerror})",
                hint="give a folder you may write with --store, or build the store where you may",
            ) from exc
        try:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if say is not None:
                    say(f"waiting for another process that is making the store in {self.root}")
                fcntl.flock(lock, fcntl.LOCK_EX)
            done = self._sync(progress, say)
            self._remove_unused()
            done.seconds = time.perf_counter() - started
            return done
        finally:
            os.close(lock)  # releases the lock

    def _sync(self, progress: Progress | None, say: Say | None) -> Synced:
        digest = self.dist_digest()
        current = self.current()
        if current is not None and current.index_sha256 == digest:
            return Synced("unchanged")
        index = (self.dist / INDEX).read_bytes()
        if hashlib.sha256(index).hexdigest() != digest:
            raise LodpubError(f"{self.dist} changed while its store was made; run the command again")
        dist = Dist.open(self.dist)
        new = Generation(self.root, current.number + 1 if current else 1, digest)
        for stale in (new.folder, new.file(".segments")):
            shutil.rmtree(stale, ignore_errors=True)  # what a killed update left
        plan = None
        if current is not None:
            plan = _plan(current.file(".tsv"), self.dist / INDEX, index, _entities_graph(dist))
        if plan is None or current is None:
            if say is not None:
                say(f"making the store of {self.dist} in {self.root} (once; later builds update it)")
            entries = dist.index()
            _load(dist, entries, new, progress)
            done = Synced("loaded", len(entries))
        else:
            _update(dist, current, new, plan)
            done = Synced("updated", len(plan.put) + len(plan.dropped) + len(plan.segments))
        _write(new.file(".tsv"), index)
        new.file(".lock").touch()  # its readers' lock, there for those who may not write here
        _write(self.root / "current", f"{new.number:06d} {digest}\n".encode())
        return done

    def _remove_unused(self) -> None:
        """Remove the generations before the current one that no reader holds."""
        current = self.current()
        for path in sorted(self.root.glob("[0-9]" * 6)):
            number = int(path.name)
            if current is not None and number == current.number:
                continue
            generation = Generation(self.root, number, "")
            if current is not None and number > current.number:
                _remove(generation)  # never made current: a killed update
                continue
            try:
                fd = os.open(generation.file(".lock"), os.O_RDWR | os.O_CREAT, 0o644)
            except OSError:
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # a reader uses it: a later update removes it
            finally:
                os.close(fd)
            _remove(generation)

    def open_generation(self) -> tuple[Generation, ox.Store, int]:
        """The current generation opened read-only, and the descriptor of its shared lock,
        which the caller holds while it uses the store (closing it lets an update remove it)."""
        for _ in range(20):
            current = self.current()
            if current is None:
                raise ConfigError(
                    f"{self.root}: there is no store of {self.dist} yet", hint="run `lodpub build` again"
                )
            fd = _shared_lock(current)
            if self.current() == current and current.folder.is_dir():
                try:
                    return current, ox.Store.read_only(str(current.folder)), fd
                except OSError as exc:
                    os.close(fd)
                    raise ConfigError(f"{current.folder}: the store cannot be opened ({exc})") from exc
            os.close(fd)  # an update made another generation current meanwhile: take that one
        raise LodpubError(f"{self.root}: the store changes too often to be opened")

    @contextmanager
    def reading(self) -> Iterator[tuple[ox.Store, Generation]]:
        """The current generation opened read-only, held while in use."""
        generation, store, fd = self.open_generation()
        try:
            yield store, generation
        finally:
            del store
            os.close(fd)


@dataclass
class _Plan:
    """What turns one generation into the next: graphs to put (new or changed, whole), graphs to
    drop, and the changed parts of the graphs that lie in several (entities): (graph, position)."""

    put: list[GraphEntry]
    dropped: list[str]
    segments: list[tuple[GraphEntry, int]]


def _plan(old_path: Path, new_path: Path, new_index: bytes, entities: str) -> _Plan | None:
    """The changes from the index ``old_path`` to ``new_index`` (that of ``new_path``), or None
    when loading afresh is quicker or the only way (a graph split into another number of parts).
    Only the lines that differ are parsed: a rebuild after one edit changes a few of 100,000."""
    try:
        old_lines = old_path.read_text(encoding="utf-8").splitlines(keepends=True)
    except (OSError, UnicodeDecodeError):
        return None  # a generation without its index: load afresh
    new_lines = new_index.decode("utf-8").splitlines(keepends=True)
    if old_lines[:1] != new_lines[:1]:
        return None
    touched = {key[0] for key in _keys(old_lines) ^ _keys(new_lines)}
    before = _touched_entries(old_path, old_lines, touched)
    after = _touched_entries(new_path, new_lines, touched)
    plan = _Plan([], [], [])
    for iri in sorted(touched):
        was, entry = before.get(iri), after.get(iri)
        if entry is None and (iri == entities or was is None or len(was.spans) > 1):
            return None  # a graph in parts dropped: its segments go with a fresh load
        if entry is None:
            plan.dropped.append(iri)
        elif iri == entities or len(entry.spans) > 1 or (was is not None and len(was.spans) > 1):
            if was is None or len(was.spans) != len(entry.spans):
                return None
            for position, (span, old_span) in enumerate(zip(entry.spans, was.spans, strict=True)):
                if span.sha256 != old_span.sha256:
                    plan.segments.append((entry, position))
        else:
            plan.put.append(entry)
    if len(plan.put) + len(plan.dropped) > max(64, len(new_lines) // _FULL_SHARE):
        return None
    return plan


def _keys(lines: list[str]) -> set[tuple[str, ...]]:
    """Each line's graph, triples and hash (not where it lies: in a whole dump, the graphs after
    an edited one move, unchanged)."""
    return {tuple(line.split("\t", 3)[:3]) for line in lines[1:]}


def _touched_entries(path: Path, lines: list[str], touched: set[str]) -> dict[str, GraphEntry]:
    """The entries of the graphs in ``touched`` that the index ``lines`` list."""
    numbered = [(n, line) for n, line in enumerate(lines[1:], start=2) if line.split("\t", 1)[0] in touched]
    entries: dict[str, GraphEntry] = {}
    for _, group in groupby(numbered, key=lambda item: item[1].split("\t", 1)[0]):
        rows = list(group)
        for entry in entries_of(path, (line for _, line in rows), first=rows[0][0]):
            entries[entry.iri] = entry
    return entries


def _load(dist: Dist, entries: list[GraphEntry], new: Generation, progress: Progress | None) -> None:
    """A generation loaded afresh, through Oxigraph's bulk loader, from the dist's N-Quads."""
    bulk_load(dist, entries, new.folder, progress)
    segments = new.file(".segments")
    segments.mkdir()
    for entry in entries:
        if len(entry.spans) > 1 or entry.iri == _entities_graph(dist):
            for position, span in enumerate(entry.spans):
                segment_file(segments, entry, position).write_bytes(_read(dist, entry, span))
    loaded = ox.Store.read_only(str(new.folder))
    try:
        make_catalogue(loaded, new.file(".catalogue"), _entities_graph(dist))
    finally:
        del loaded


def _update(dist: Dist, current: Generation, new: Generation, plan: _Plan) -> None:
    """A copy of the current generation with ``plan`` applied."""
    with _held(current):
        old = ox.Store.read_only(str(current.folder))
        old.backup(str(new.folder))  # a RocksDB checkpoint: hard links to the same files
        del old
    store = ox.Store(str(new.folder))
    segments, was = new.file(".segments"), current.file(".segments")
    segments.mkdir()
    subjects: set[str] = set()  # of the entities graph's changed triples: their labels are read again
    try:
        for iri in plan.dropped:
            store.remove_graph(ox.NamedNode(iri))
        for entry in plan.put:
            graph = ox.NamedNode(entry.iri)
            if store.contains_named_graph(graph):
                store.remove_graph(graph)
            store.extend(_quads(b"".join(_read(dist, entry, span) for span in entry.spans)))
        rewritten = {segment_file(was, entry, position).name for entry, position in plan.segments}
        for kept in sorted(was.iterdir()):
            if kept.name not in rewritten:
                os.link(kept, segments / kept.name)
        for entry, position in plan.segments:
            removed = _quads(segment_file(was, entry, position).read_bytes())
            for quad in removed:
                store.remove(quad)
            data = _read(dist, entry, entry.spans[position])
            added = _quads(data)
            store.extend(added)
            subjects.update(
                q.subject.value for q in [*removed, *added] if isinstance(q.subject, ox.NamedNode)
            )
            segment_file(segments, entry, position).write_bytes(data)
        store.flush()
        graphs = [*plan.dropped, *(entry.iri for entry in plan.put)]
        make_catalogue(
            store, new.file(".catalogue"), _entities_graph(dist), current.file(".catalogue"), graphs, subjects
        )
    finally:
        del store


def _entities_graph(dist: Dist) -> str:
    return Iris(dist.base_iri).entities_graph.value


def _read(dist: Dist, entry: GraphEntry, span: Span) -> bytes:
    fd = os.open(dist.folder / span.file, os.O_RDONLY)
    try:
        data = read_range(fd, span.offset, span.size, span.sha256)
    finally:
        os.close(fd)
    if data is None:
        raise ConfigError(
            f"{dist.folder / span.file}: the bytes of <{entry.iri}> do not match {INDEX}",
            hint="the folder was changed after the build; rebuild it",
        )
    return data


def _quads(data: bytes) -> list[ox.Quad]:
    return list(ox.parse(data, format=ox.RdfFormat.N_QUADS))


def segment_file(folder: Path, entry: GraphEntry, position: int) -> Path:
    return folder / f"{hashlib.sha256(entry.iri.encode()).hexdigest()[:16]}-{position:05d}.nq"


@contextmanager
def _held(generation: Generation) -> Iterator[None]:
    """A shared lock on ``generation`` (so no other update removes it while it is copied)."""
    fd = _shared_lock(generation)
    try:
        yield
    finally:
        os.close(fd)


def _shared_lock(generation: Generation) -> int:
    """A descriptor holding a shared lock on ``generation``'s lock file (made with the
    generation; a store one may only read has it already: it is opened read-only)."""
    try:
        fd = os.open(generation.file(".lock"), os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        try:
            fd = os.open(generation.file(".lock"), os.O_RDONLY)
        except OSError as exc:
            raise ConfigError(
                f"{generation.file('.lock')}: cannot be opened ({exc.strerror})",
                hint="the store can be read by a user who may not write it once `lodpub store` "
                "has made it with this version; or give a folder you may write with --store",
            ) from exc
    fcntl.flock(fd, fcntl.LOCK_SH)
    return fd


def _write(path: Path, data: bytes) -> None:
    """``path`` with ``data``, whole or not at all (a reader never sees half of it)."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)


def _remove(generation: Generation) -> None:
    shutil.rmtree(generation.folder, ignore_errors=True)
    shutil.rmtree(generation.file(".segments"), ignore_errors=True)
    for suffix in (".tsv", ".lock", ".catalogue"):
        generation.file(suffix).unlink(missing_ok=True)
