"""How an output folder changes whole or not at all.

A full build writes a new folder beside the output (``.dist.tmp-PID-…``) and puts it in place
with two renames (``replace_folder``). An incremental rebuild writes the files it changes to a
staging folder (``.dist.stage-PID-…``), then a journal naming them, and then moves them in
(``apply_journal``); a rebuild killed while moving is completed by the next build (``recover``).
The folders of builds whose process is gone are removed; those of running builds are left."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from ..errors import ConfigError

JOURNAL = "journal.json"


def new_folder(out: Path, kind: str) -> Path:
    """A private folder beside ``out`` for this process: ``.OUT.KIND-PID-…`` (readable by all,
    as a published folder is)."""
    folder = Path(tempfile.mkdtemp(prefix=f".{out.name}.{kind}-{os.getpid()}-", dir=out.parent))
    folder.chmod(0o755)
    return folder


def folders_of(out: Path, kind: str) -> list[Path]:
    """The ``.OUT.KIND-*`` folders beside ``out``, in name order."""
    return sorted(out.parent.glob(f".{out.name}.{kind}-*"))


def remove_dead(out: Path, kind: str) -> None:
    """Remove the ``kind`` folders of builds of ``out`` whose process is gone."""
    for folder in folders_of(out, kind):
        if _dead(folder, out, kind):
            shutil.rmtree(folder, ignore_errors=True)


def _dead(folder: Path, out: Path, kind: str) -> bool:
    pid = folder.name[len(f".{out.name}.{kind}-") :].split("-", 1)[0]
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # another user's process, alive
    return False


def replace_folder(new: Path, out: Path) -> None:
    """Put ``new`` where ``out`` is; the old folder is moved aside first, then removed."""
    if out.exists() and not out.is_dir():
        raise ConfigError(f"{out}: exists and is not a folder", hint="choose another --out")
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        os.replace(out, old / out.name)
        os.replace(new, out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(new, out)


def write_journal(stage: Path, replace: list[str], remove: list[str]) -> None:
    """The journal of a staged update: the files it brings (in ``stage``) and those it removes.
    Written last, under its own name only once it is whole."""
    journal = stage / f"{JOURNAL}.tmp"
    journal.write_text(json.dumps({"replace": replace, "remove": remove}), encoding="utf-8")
    os.replace(journal, stage / JOURNAL)


def apply_journal(stage: Path, out: Path) -> None:
    """Move every staged file into ``out`` and remove what the journal says is gone; safe to run
    again after an interruption (a file already moved is skipped)."""
    journal = json.loads((stage / JOURNAL).read_text(encoding="utf-8"))
    aside = stage / ".replaced"  # the files replaced, removed with the stage
    journal_file = stage / JOURNAL
    for name in [*journal["replace"], *journal["remove"]]:
        contained(out, name, journal_file)
    for number, name in enumerate(journal["replace"]):
        source, target = stage / name, out / name
        if source.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            # Moved aside first, not renamed over: ext4 writes a file back at once when it is
            # renamed over another (auto_da_alloc), half a second for a gigabyte of dumps. An
            # interruption between the two renames is completed by ``recover``.
            if target.exists():
                aside.mkdir(exist_ok=True)
                os.replace(target, aside / str(number))
            os.replace(source, target)
    for name in journal["remove"]:
        (out / name).unlink(missing_ok=True)
    shutil.rmtree(stage, ignore_errors=True)


def recover(out: Path) -> None:
    """Finish the moves of a rebuild that was killed during them (its journal is whole); remove
    the staging folders of killed rebuilds that never got that far."""
    for folder in folders_of(out, "stage"):
        if (folder / JOURNAL).is_file():
            apply_journal(folder, out)
        elif _dead(folder, out, "stage"):
            shutil.rmtree(folder, ignore_errors=True)


def contained(folder: Path, name: str, source: Path) -> Path:
    """``folder / name`` for a file ``name`` read from ``source`` (a manifest, a journal): a
    relative path that stays inside ``folder``, through any symbolic link, or a ConfigError
    before anything is written or removed."""
    path = Path(name)
    inside = bool(name) and not path.is_absolute() and ".." not in path.parts and "\0" not in name
    if inside:
        root = folder.resolve()
        inside = (root / path).resolve().is_relative_to(root)
    if not inside:
        raise ConfigError(
            f"{source}: names {name!r}, which is not a file inside {folder}",
            hint=f"the file was changed by hand or damaged: remove {source.name} and run the command again",
        )
    return folder / path


def write_file(path: Path, data: bytes) -> None:
    """``path`` holds ``data`` whole or as it was (a temporary file of a name of its own beside
    it, flushed to disk, renamed over it)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
