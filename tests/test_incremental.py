"""The cache of finished letters, keyed by content hash: a full build that takes what it can
from it (the state of the last build gone, or not describing the output) gives the same bytes as
a build from nothing, after edits, additions, deletions, renames and authority changes. (The
rebuilds that redo only what changed, with the state: test_parts.py.)"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from lodpub.build import BuildResult, build
from lodpub.build.incremental import STATE
from lodpub.settings import Settings

SETTINGS = Settings(base_iri="https://lod.example.org/")


def snapshot(out: Path) -> dict[Path, bytes]:
    return {p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    from bench.generate import generate

    generate(130, tmp_path / "corpus")  # three batches
    return tmp_path / "corpus"


def full(corpus: Path, tmp_path: Path) -> dict[Path, bytes]:
    """A build from nothing: no cache, no earlier output to take files from."""
    out = tmp_path / f"full-{len(list(tmp_path.glob('full-*')))}"
    result = build(corpus, out, SETTINGS)
    assert result.written and not result.problems and result.timings.linked == 0
    return snapshot(out)


def incremental(corpus: Path, tmp_path: Path, jobs: int = 1) -> tuple[BuildResult, dict[Path, bytes]]:
    """A full build with the cache: the state that would make it a rebuild of what changed is
    removed first."""
    (tmp_path / "cache" / STATE).unlink(missing_ok=True)
    result = build(corpus, tmp_path / "dist", SETTINGS, cache_dir=tmp_path / "cache", jobs=jobs)
    assert result.written and not result.problems and result.timings.mode == "full"
    return result, snapshot(tmp_path / "dist")


def test_edits_additions_deletions_renames(corpus: Path, tmp_path: Path) -> None:
    first, files = incremental(corpus, tmp_path)
    assert first.timings.reused == 0 and first.timings.linked == 0 and files == full(corpus, tmp_path)
    again, same = incremental(corpus, tmp_path)
    assert again.timings.reused == 130 and again.timings.linked == 130 and same == files

    letters = corpus / "letters"
    edited = letters / "letter-000007.txt"
    edited.write_bytes(edited.read_bytes().replace(b"Dear Comrades,", b"Dear Comrades and friends,", 1))
    (letters / "letter-000200.txt").write_bytes((letters / "letter-000003.txt").read_bytes())
    (letters / "letter-000011.txt").unlink()
    (letters / "letter-000012.txt").rename(letters / "letter-000012-renamed.txt")
    after, files = incremental(corpus, tmp_path, jobs=2)
    assert after.timings.reused == 130 - 3  # the edited, deleted and renamed letters
    assert after.timings.linked == 130 - 3  # their own files too; the others' are linked
    assert after.letters == 130
    assert files == full(corpus, tmp_path)
    assert (
        Path("letters/letter-000012-renamed.ttl") in files and Path("letters/letter-000011.ttl") not in files
    )
    cached = list((tmp_path / "cache" / "letters").glob("*/*.pickle"))
    assert len(cached) == 130  # entries of letters no longer there are forgotten


def test_a_published_file_changed_by_hand_is_written_afresh(corpus: Path, tmp_path: Path) -> None:
    """Letter files are linked from the previous output only if they still have the bytes the
    build recorded in graphs.tsv."""
    _, files = incremental(corpus, tmp_path)
    changed = tmp_path / "dist" / "letters" / "letter-000005.ttl"
    changed.write_bytes(changed.read_bytes() + b"# edited by hand\n")
    (tmp_path / "dist" / "letters" / "letter-000006.jsonld").unlink()
    result, again = incremental(corpus, tmp_path)
    assert result.timings.reused == 130 and result.timings.linked == 128
    assert again == files


def test_authority_change_invalidates_every_letter(corpus: Path, tmp_path: Path) -> None:
    incremental(corpus, tmp_path)
    authority = corpus / "authorities.toml"
    authority.write_text(
        authority.read_text(encoding="utf-8").replace(
            'label = "Ioan Scurtu"', 'label = "Ioan Scurtu (historian)"'
        ),
        encoding="utf-8",
    )
    result, files = incremental(corpus, tmp_path)
    assert result.timings.reused == 0
    assert files == full(corpus, tmp_path)


def test_another_shacl_engine_invalidates_every_letter(corpus: Path, tmp_path: Path) -> None:
    """The verdicts in the cache are the engine's: another engine checks every letter again
    (and, the engines being equal, writes the same bytes)."""
    from dataclasses import replace

    _, files = incremental(corpus, tmp_path)
    settings = replace(SETTINGS, shacl_engine="pyshacl")
    result = build(corpus, tmp_path / "dist", settings, cache_dir=tmp_path / "cache", jobs=2)
    assert result.written and result.timings.reused == 0
    assert snapshot(tmp_path / "dist") == files


def test_a_broken_cache_entry_is_computed_afresh(corpus: Path, tmp_path: Path) -> None:
    _, files = incremental(corpus, tmp_path)
    for entry in sorted((tmp_path / "cache" / "letters").glob("*/*.pickle"))[:3]:
        entry.write_bytes(b"not a pickle")
    result, again = incremental(corpus, tmp_path)
    assert result.timings.reused == 127 and again == files


def test_killed_build_leaves_the_previous_output(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    assert build(corpus, out, SETTINGS).written
    before = snapshot(out)
    (corpus / "letters" / "letter-000001.txt").unlink()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "lodpub",
            "build",
            str(corpus),
            "--out",
            str(out),
            "--no-cache",
            "--jobs",
            "1",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert process.stderr is not None
    for line in process.stderr:  # wait until it is busy with the letters
        if line.startswith(b"build: "):
            break
    process.send_signal(signal.SIGKILL)
    process.wait(30)
    process.stderr.close()
    assert snapshot(out) == before  # untouched
    assert list(tmp_path.glob(".dist.tmp-*"))  # what the killed build could not remove
    result = build(corpus, out, SETTINGS)
    assert result.written and result.letters == 129
    assert snapshot(out) == full(corpus, tmp_path)
    assert not list(tmp_path.glob(".dist.tmp-*"))  # the next build removed it


def test_workers_do_not_run_ahead_of_a_slow_writer(tmp_path: Path) -> None:
    """With --jobs, only a few batches per worker are in flight: a consumer that stops reading
    stops the workers (else finished batches would pile up in memory)."""
    import time

    from bench.generate import generate
    from lodpub.authorities import Authorities
    from lodpub.build import workers
    from lodpub.build.cache import LetterCache

    generate(workers.BATCH * 16, tmp_path / "corpus")
    letters = sorted((tmp_path / "corpus" / "letters").iterdir())
    tasks = [
        [(p.stem, [p]) for p in letters[start : start + workers.BATCH]]
        for start in range(0, len(letters), workers.BATCH)
    ]
    authority = tmp_path / "corpus" / "authorities.toml"
    cache = LetterCache(tmp_path / "cache", "fingerprint")
    results = workers.run(tasks, SETTINGS.base_iri, Authorities.load(authority), authority, 2, cache)
    next(results)

    def done() -> int:
        return len(list((tmp_path / "cache" / "letters").glob("*/*.pickle")))

    seen, still = -1, 0
    while still < 3:  # wait until the workers have stopped
        time.sleep(1)
        seen, still = done(), still + 1 if done() == seen else 0
    window = 2 * 3
    assert seen <= (1 + window + 2) * workers.BATCH < len(letters)
    assert sum(1 for _ in results) == 15 and done() == len(letters)
