"""Incremental rebuilds of a dist/, whole dumps or in parts.

A full build with a cache records what a later build needs to redo only what an edit touched,
in ``state.sqlite`` in the cache folder: each letter's file, stat and cache key; which entity
descriptions each letter gives (so the published description of an entity can be chosen again
as a full build chooses it); the published descriptions, which subjects they describe and what
they point at; the VoID counts of the letters and of each part's share of the entities graph;
the warnings and the entity issues. The state names the output it describes (the hash of its
graphs.tsv, the size and time of every other dump file), so a dist/ changed since is never
updated from a stale state: the build is then a full one, as it is for other settings, another
authority file, other shapes or another lodpub version, or many changed letters at once.

A rebuild stats the source files (reading only those whose stat changed), maps and validates
the changed letters, chooses the affected entities' descriptions again, validates the part of
the entities graph whose verdicts an edit can change, and writes the parts it touched through
the writers a full build uses (with whole dumps, the other parts' bytes are copied from the
previous dumps). Output is byte-identical to a full build; the tests compare them.

The new files are written to a staging folder beside dist/; a journal listing them is written
last, the state is committed, and then the files are renamed into place. A build killed before
the journal leaves dist/ as it was; one killed after it is completed by the next build."""

from .rebuild import FullBuild, rebuild
from .state import STATE, StateRecorder, stat_of

__all__ = ["STATE", "FullBuild", "StateRecorder", "rebuild", "stat_of"]
