"""What a build reports: the letters published, the problems, the timings of its stages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..validate import Issue

Progress = Callable[[int, int], None]


@dataclass
class Timings:
    """Seconds spent in each stage of a run (wall clock), for ``--timings`` and bench/."""

    read_map: float = 0.0
    validate: float = 0.0
    write: float = 0.0
    finish: float = 0.0
    store: float = 0.0  # bringing the persistent store up to date, after the output is in place
    read: int = 0  # letters whose source files were read
    reused: int = 0  # letters taken from the cache
    linked: int = 0  # letters whose own files were taken from the previous output
    mode: str = "full"  # or "incremental": only what changed since the last build was redone
    reason: str = ""  # why a build was a full one
    keys: dict[str, str] = field(default_factory=dict, repr=False)  # letter id -> cache key

    def as_dict(self) -> dict[str, float | str]:
        """The stages and their seconds, rounded; how many letters the cache gave, and how many
        letters' own files were linked from the previous output."""
        stages = ("read_map", "validate", "write", "finish", "store")
        return {
            **{k: round(getattr(self, k), 3) for k in stages},
            "read": self.read,
            "reused": self.reused,
            "linked": self.linked,
            "mode": self.mode,
            **({"reason": self.reason} if self.reason else {}),
        }


@dataclass(frozen=True)
class BuildResult:
    """What a build did: letters published, problems found, where the output is."""

    out: Path
    written: bool
    letters: int
    problems: tuple[Issue, ...]
    warnings: tuple[Issue, ...] = ()
    triples: int = 0
    entities: int = 0
    files: dict[str, int] = field(default_factory=dict)
    timings: Timings = field(default_factory=Timings)
    withheld: int = 0  # published letters whose text the setting ``texts`` left out
    took_over: str | None = None  # the PID of a killed build whose lock this one took over
