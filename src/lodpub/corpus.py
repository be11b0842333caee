"""A corpus folder: its letter files (and their ids and shards) and its authority file."""

from __future__ import annotations

import hashlib
import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from .authorities import Authorities
from .errors import ConfigError
from .sources import id_of_name

LETTER_SUFFIXES = (".txt", ".md")


@dataclass
class Corpus:
    """A corpus folder: its letter files and its authority file."""

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


def in_shard(ident: str, shard: tuple[int, int]) -> bool:
    """Whether letter ``ident`` belongs to shard K of N (K from 1): a fixed hash of the id, so
    any machine computes the same split."""
    number, count = shard
    return int(hashlib.sha256(ident.encode("utf-8")).hexdigest()[:8], 16) % count == number - 1
