"""What a serving process keeps between requests. RocksDB, under pyoxigraph, caches the blocks it
reads (tens of MB for each index a request touches) and the index blocks of every table it has
opened, and pyoxigraph offers no way to size those caches; glibc then keeps what was freed for
reuse. So the process measures itself: once it holds more than its allowance (``store_cache_mb``)
over what it held just after opening the store, it closes the store (opened again, with empty
caches, for the next request) and hands the freed memory back to the system."""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from pathlib import Path


def anonymous_mb() -> float | None:
    """The memory of this process that is its own (``RssAnon``: not files it maps, which the
    system may drop at will), in MB; None where /proc does not say (not Linux)."""
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("RssAnon:"):
            return int(line.split()[1]) / 1024
    return None


def _trimmer() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc: its allocator gives memory back by itself
        return None


_TRIM = _trimmer()


def give_back() -> None:
    """Return to the system the memory this process has freed (glibc keeps it otherwise)."""
    if _TRIM is not None:
        _TRIM(0)


class Allowance:
    """How much more than at its start a process may hold before it should let go of its caches."""

    def __init__(self, allowed_mb: int) -> None:
        self.allowed_mb = allowed_mb
        self.start_mb = anonymous_mb()

    def restart(self) -> None:
        """Measure the start again (just after the store was opened afresh)."""
        self.start_mb = anonymous_mb()

    def exceeded(self) -> bool:
        """Whether the process holds more than its allowance over the least it held since the
        start (a store let go of while a request still used it is freed after the start). An
        allowance of 0 keeps nothing between requests: it is always exceeded."""
        if self.allowed_mb == 0:
            return True
        now = anonymous_mb()
        if now is None or self.start_mb is None:
            return False
        self.start_mb = min(self.start_mb, now)
        return now - self.start_mb > self.allowed_mb
