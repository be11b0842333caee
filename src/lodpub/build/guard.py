"""What protects a published output folder: one build at a time, and no build that empties it.

``output_lock(out)`` holds an exclusive ``flock`` on ``.{out}.lock`` beside the folder for the
whole build: a second build into the same folder fails at once, naming the first one's PID. The
lock file holds the PID of the build that holds it and is removed when the build ends, so a lock
file found by the next build is one a build left when it was killed: that build takes the lock
over and says so. The kernel drops a dead process's ``flock``, so a stale lock never blocks.

``check_shrink`` refuses a build that would publish no letters, or fewer than half of the letters
the output it replaces has, unless the editor says it is meant (``--allow-shrink``).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from ..errors import LockError, ShrinkError
from ..write.layout import INDEX, LETTERS


def lock_path(out: Path) -> Path:
    """The lock file of an output folder: beside it, so it survives the folder's replacement."""
    return out.parent / f".{out.name}.lock"


@contextlib.contextmanager
def output_lock(out: Path) -> Iterator[str | None]:
    """Hold the lock of ``out``; yields the PID of a killed build whose lock was taken over."""
    path = lock_path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = _locked(path, out)
    try:
        previous = os.read(fd, 64).decode("ascii", "replace").strip()
        _write(fd, f"{os.getpid()}\n")
        try:
            yield previous or None
        finally:
            path.unlink(missing_ok=True)  # while still locked: a build that ends leaves no lock
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _locked(path: Path, out: Path) -> int:
    """An open descriptor of the lock file, exclusively locked (the file as it is at the path:
    one the build before unlinked is opened afresh)."""
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            other = os.read(fd, 64).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise LockError(
                f"{out}: another build (PID {other}) is writing this output; nothing was written",
                hint="wait for it to finish, or build into another --out",
            ) from None
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)


def _write(fd: int, text: str) -> None:
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, text.encode("ascii"))
    os.fsync(fd)


def published_letters(out: Path) -> int:
    """How many letters the output folder publishes now (0 when there is none)."""
    index = out / INDEX
    try:
        with open(index, encoding="utf-8") as handle:
            return sum(1 for line in handle if "/graph/letter/" in line.split("\t", 1)[0])
    except OSError:
        letters = out / LETTERS
        return len(list(letters.glob("*.ttl"))) if letters.is_dir() else 0


def check_shrink(out: Path, corpus: Path, would: int, published: int, allow: bool) -> None:
    """Raise ``ShrinkError`` for a build that would publish 0 letters, or fewer than half of the
    ``published`` ones, unless ``allow``."""
    if allow:
        return
    if would == 0:
        raise ShrinkError(
            f"{corpus}: this build would publish 0 letters; {out} was left as it was",
            hint="check the corpus folder (its letters/ holds the .txt files), or pass --allow-shrink "
            "if an empty dataset is meant",
        )
    if would * 2 < published:
        raise ShrinkError(
            f"{corpus}: this build would publish {would} letters where {out} has {published}; "
            f"{out} was left as it was",
            hint="pass --allow-shrink if removing that many letters is meant",
        )
