"""A corpus folder: its letter files (and their ids and shards), its authority file, and the
letters read, mapped and validated in batches."""

from __future__ import annotations

import hashlib
import os
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from . import batches
from .authorities import Authorities
from .errors import ConfigError
from .result import Progress, Timings
from .settings import Settings
from .sources import id_of_name
from .validate import Validator

LETTER_SUFFIXES = (".txt", ".md")


@dataclass
class Corpus:
    """A corpus folder: its letter files, authority file and what maps and validates them."""

    root: Path
    folder: Path  # where the letter files are
    names: list[str]  # the letter files' names, sorted
    authorities: Authorities
    authority_path: str

    @classmethod
    def open(cls, root: Path, shard: tuple[int, int] | None = None) -> Corpus:
        if not root.is_dir():
            raise ConfigError(f"{root}: no such corpus folder", hint="give the folder that holds letters/")
        letters = root / "letters" if (root / "letters").is_dir() else root
        with os.scandir(letters) as entries:  # names and types without a stat per file
            # a symlink is listed whatever it points to: reading it says what is wrong with it
            names = sorted(
                e.name
                for e in entries
                if e.name.lower().endswith(LETTER_SUFFIXES) and (e.is_symlink() or e.is_file())
            )
        if shard is not None:
            names = [name for name in names if in_shard(id_of_name(name), shard)]
        authority = root / "authorities.toml"
        authorities = Authorities.load(authority) if authority.exists() else Authorities([])
        return cls(root, letters, names, authorities, str(authority))

    @property
    def files(self) -> list[Path]:
        """The letter files."""
        return [self.folder / name for name in self.names]

    def id_names(self) -> dict[str, list[str]]:
        """Each letter id and the names of the files that give it (more than one is an error)."""
        by_id: dict[str, list[str]] = defaultdict(list)
        for name in self.names:
            by_id[id_of_name(name)].append(name)
        return by_id

    def ids(self) -> dict[str, list[Path]]:
        """Each letter id and the files that give it (more than one is an error)."""
        return {ident: [self.folder / n for n in names] for ident, names in self.id_names().items()}

    def letters(
        self,
        settings: Settings,
        jobs: int,
        progress: Progress | None,
        timings: Timings,
        cache: batches.LetterCache | None = None,
        validator: Validator | None = None,
    ) -> Iterator[batches.LetterResult]:
        """Each letter id in id order, mapped and validated, with its issues (mapped is None if
        unreadable) and its cache key."""
        return self.process(sorted(self.ids().items()), settings, jobs, timings, cache, validator, progress)

    def process(
        self,
        todo: list[tuple[str, list[Path]]],
        settings: Settings,
        jobs: int,
        timings: Timings,
        cache: batches.LetterCache | None = None,
        validator: Validator | None = None,
        progress: Progress | None = None,
    ) -> Iterator[batches.LetterResult]:
        """The letters ``todo`` (ids and their files, in that order) read, mapped and validated
        in batches, in ``jobs`` processes when there is more than one batch (from the cache
        where it has them); the stages' seconds are added to ``timings``."""
        tasks = [todo[start : start + batches.BATCH] for start in range(0, len(todo), batches.BATCH)]
        authority = Path(self.authority_path)
        results = batches.run(
            tasks,
            settings.base_iri,
            self.authorities,
            authority if authority.exists() else None,
            jobs if len(tasks) > 1 else 1,
            cache,
            settings.shacl_engine,
            validator,
            settings.texts,
            settings.max_letter_bytes,
        )
        done = 0
        for task, result in zip(tasks, results, strict=True):
            timings.read_map += result.read_map
            timings.validate += result.validate
            timings.reused += result.reused
            timings.keys.update(result.keys)
            timings.read += len(task)
            yield from batches.by_letter(task, result)
            done += len(task)
            if progress is not None:
                progress(done, len(todo))


def in_shard(ident: str, shard: tuple[int, int]) -> bool:
    """Whether letter ``ident`` belongs to shard K of N (K from 1): a fixed hash of the id, so
    any machine computes the same split."""
    number, count = shard
    return int(hashlib.sha256(ident.encode("utf-8")).hexdigest()[:8], 16) % count == number - 1
