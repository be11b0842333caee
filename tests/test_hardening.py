"""Hardening of `lodpub build`: no input loses published data or ends in a traceback.

An empty or shrunken corpus, a second build into the same folder, a killed build's lock, huge
files, symlinks out of the corpus or in a loop, unusable base IRIs, UTF-16 and UTF-32 files, and
damaged text fed to every reader."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lodpub.errors import SourceError
from lodpub.sources import read_letter

from .conftest import BASE, CORPUS, make_corpus, run

SEEDS = {p.name: p.read_bytes() for p in (CORPUS / "letters").iterdir()}
SEED_WILSON = SEEDS["1958-09-09-cpsu-rwp-advisors.txt"]


def build(corpus: Path, out: Path, *extra: str) -> tuple[int, str, str]:
    return run("build", str(corpus), "--out", str(out), "--quiet", "--base-iri", BASE, *extra)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def ten_letters(folder: Path) -> Path:
    """A corpus of ten letters (the Wilson seed under ten names)."""
    return make_corpus(folder, {f"letter-{i:02d}.txt": SEED_WILSON for i in range(10)})


# -- an empty or shrunken corpus never replaces a published dataset ------------------------


@pytest.mark.parametrize("how", ["empty letters folder", "no letters folder", "folder of other files"])
def test_an_empty_corpus_leaves_the_output_as_it_was(tmp_path: Path, how: str) -> None:
    out = tmp_path / "dist"
    assert build(ten_letters(tmp_path / "corpus"), out)[0] == 0
    before = snapshot(out)
    empty = tmp_path / "empty"
    if how == "empty letters folder":
        (empty / "letters").mkdir(parents=True)
    elif how == "no letters folder":
        empty.mkdir()
        (empty / "authorities.toml").write_bytes((CORPUS / "authorities.toml").read_bytes())
    else:
        empty.mkdir()
        (empty / "notes.pdf").write_bytes(b"%PDF")
    code, stdout, stderr = build(empty, out)
    assert (code, stdout) == (1, "")
    assert stderr.splitlines() == [
        f"error: {empty}: this build would publish 0 letters; {out} was left as it was",
        "  hint: check the corpus folder (its letters/ holds the .txt files), or pass --allow-shrink if an "
        "empty dataset is meant",
    ]
    assert snapshot(out) == before
    assert not (tmp_path / ".dist.lock").exists()


@pytest.mark.parametrize("extra", [(), ("--no-cache",), ("--dumps", "parts")])
def test_a_build_that_drops_more_than_half_the_letters_is_refused(
    tmp_path: Path, extra: tuple[str, ...]
) -> None:
    corpus, out = ten_letters(tmp_path / "corpus"), tmp_path / "dist"
    assert build(corpus, out, *extra)[0] == 0
    before = snapshot(out)
    for i in range(6):
        (corpus / "letters" / f"letter-{i:02d}.txt").unlink()
    code, _, stderr = build(corpus, out, *extra)
    assert code == 1
    assert stderr.splitlines()[0] == (
        f"error: {corpus}: this build would publish 4 letters where {out} has 10; {out} was left as it was"
    )
    assert snapshot(out) == before
    # the same build, meant: published, and the next build measures against 4
    code, stdout, _ = build(corpus, out, *extra, "--allow-shrink")
    assert code == 0 and stdout.startswith(f"wrote {out}: 4 letters")
    (corpus / "letters" / "letter-06.txt").unlink()
    assert build(corpus, out, *extra)[0] == 0  # 3 of 4 is not fewer than half


def test_an_empty_corpus_with_allow_shrink_publishes_an_empty_dataset(tmp_path: Path) -> None:
    (tmp_path / "empty" / "letters").mkdir(parents=True)
    code, stdout, _ = build(tmp_path / "empty", tmp_path / "dist", "--allow-shrink")
    assert code == 0 and stdout.startswith(f"wrote {tmp_path / 'dist'}: 0 letters")


# -- one build at a time into one output folder ----------------------------------------------

HOLD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from lodpub.build.guard import output_lock
    with output_lock(Path(sys.argv[1])):
        print("locked", flush=True)
        time.sleep(60)
    """
)


def test_a_second_build_into_the_same_output_fails_at_once_naming_the_first(tmp_path: Path) -> None:
    corpus, out = ten_letters(tmp_path / "corpus"), tmp_path / "dist"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(out)], stdout=subprocess.PIPE, text=True, cwd=tmp_path
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        code, _, stderr = build(corpus, out)
        assert code == 1
        assert stderr.splitlines() == [
            f"error: {out}: another build (PID {holder.pid}) is writing this output; nothing was written",
            "  hint: wait for it to finish, or build into another --out",
        ]
        assert not out.exists()
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    # the holder was killed: its lock file is left, and the next build takes it over
    assert (tmp_path / ".dist.lock").read_text() == f"{holder.pid}\n"
    code, stdout, stderr = build(corpus, out)
    assert code == 0 and stdout.startswith(f"wrote {out}: 10 letters")
    assert stderr.splitlines() == [
        f"warning: {out}: took over the lock of build PID {holder.pid}, which ended without releasing it"
    ]
    assert not (tmp_path / ".dist.lock").exists()


# -- limits, with one message each ------------------------------------------------------------


def test_a_letter_over_the_size_limit_is_named_with_its_size(tmp_path: Path) -> None:
    corpus = ten_letters(tmp_path / "corpus")
    big = corpus / "letters" / "huge.txt"
    big.write_bytes(SEED_WILSON + b"x" * 9_000_000)
    code, _, stderr = build(corpus, tmp_path / "dist")
    assert code == 1
    assert stderr.splitlines()[0] == (
        f"error: {big}:1: file: expected a letter of at most 8 MB (max_letter_mb), found 9.0 MB"
    )
    code, _, stderr = build(corpus, tmp_path / "dist", "--keep-going")
    assert code == 1 and stderr.splitlines()[0].startswith(f"skipped: {big}:1: file: ")
    code, _, stderr = run(
        "build", str(corpus), "--out", str(tmp_path / "d2"), env={"LODPUB_MAX_LETTER_MB": "0.5"}
    )
    assert code == 1 and f"{corpus / 'letters' / 'letter-00.txt'}" not in stderr  # 5 kB letters build
    assert (
        f"error: {big}:1: file: expected a letter of at most 0.5 MB (max_letter_mb), found 9.0 MB" in stderr
    )


def test_a_letter_just_under_the_limit_builds(tmp_path: Path) -> None:
    """The size limit is what pyoxigraph can carry: a letter of 7.5 MB, its text one literal of
    about as many bytes written as N-Triples, builds (a 16 MiB literal would not)."""
    start = SEED_WILSON.index(b"Dear Comrades")
    paragraph = "Further “presence” of Soviet advisors, examined in full.\n\n".encode() * 1000
    body = paragraph * (7_400_000 // len(paragraph))
    corpus = make_corpus(tmp_path / "corpus", {"long.txt": SEED_WILSON[:start] + body + SEED_WILSON[start:]})
    assert 7_000_000 < (corpus / "letters" / "long.txt").stat().st_size < 8_000_000
    code, stdout, stderr = build(corpus, tmp_path / "dist", "--no-cache")
    assert code == 0, stderr
    assert stdout.startswith(f"wrote {tmp_path / 'dist'}: 1 letters")


def test_symlinks_are_followed_only_inside_the_corpus(tmp_path: Path) -> None:
    corpus = ten_letters(tmp_path / "corpus")
    letters = corpus / "letters"
    (tmp_path / "outside.txt").write_bytes(SEED_WILSON)
    (letters / "outside.txt").symlink_to(tmp_path / "outside.txt")
    (letters / "loop.txt").symlink_to(letters / "loop.txt")
    (letters / "gone.txt").symlink_to(tmp_path / "nothing.txt")
    (corpus / "kept").mkdir()
    (corpus / "kept" / "inside.txt").write_bytes(SEED_WILSON)
    (letters / "inside.txt").symlink_to(corpus / "kept" / "inside.txt")
    code, _, stderr = build(corpus, tmp_path / "dist", "--keep-going")
    assert code == 1
    assert stderr.splitlines() == [
        f"skipped: {letters / 'gone.txt'}:1: file: expected a letter file, found a broken symlink",
        f"skipped: {letters / 'loop.txt'}:1: file: expected a letter file, found a symlink loop",
        f"skipped: {letters / 'outside.txt'}:1: file: expected a file inside the corpus, found a symlink to "
        f"{(tmp_path / 'outside.txt').resolve()}",
        "3 problem(s); those letters were skipped",
    ]
    assert (tmp_path / "dist" / "letters" / "inside.ttl").is_file()  # inside the corpus: followed


@pytest.mark.parametrize(
    "base", ["https://[::1/", "https://lod.example.org/%zz/", "lod.example.org/", "https://lod.example.org"]
)
def test_an_unusable_base_iri_is_a_configuration_error(tmp_path: Path, base: str) -> None:
    corpus = ten_letters(tmp_path / "corpus")
    code, _, stderr = run("build", str(corpus), "--out", str(tmp_path / "dist"), "--base-iri", base)
    assert code == 2
    assert stderr.splitlines()[0] == (
        f"error: --base-iri: base_iri {base!r} must be an absolute http(s) IRI ending with '/' or '#'"
    )
    assert not (tmp_path / "dist").exists()


@pytest.mark.parametrize("codec", ["utf-16", "utf-32"])
def test_utf16_and_utf32_with_a_byte_order_mark_are_read(tmp_path: Path, codec: str) -> None:
    text = SEED_WILSON.decode("utf-8")
    corpus = make_corpus(tmp_path / "corpus", {"wide.txt": text.encode(codec), "plain.txt": SEED_WILSON})
    code, _, stderr = build(corpus, tmp_path / "dist")
    assert code == 0, stderr
    wide = (tmp_path / "dist" / "letters" / "wide.ttl").read_text(encoding="utf-8")
    plain = (tmp_path / "dist" / "letters" / "plain.ttl").read_text(encoding="utf-8")
    # the same letter, but for its id and the digest of its own file's bytes
    assert wide.replace("/wide", "/plain").count("\n") == plain.count("\n")
    assert "Dear Comrades" in wide


@pytest.mark.parametrize(
    ("codec", "name"),
    [
        ("utf-16-le", "UTF-16 (little-endian)"),
        ("utf-16-be", "UTF-16 (big-endian)"),
        ("utf-32-le", "UTF-32 (little-endian)"),
        ("utf-32-be", "UTF-32 (big-endian)"),
    ],
)
def test_utf16_and_utf32_without_a_mark_are_named(tmp_path: Path, codec: str, name: str) -> None:
    corpus = make_corpus(tmp_path / "corpus", {"wide.txt": SEED_WILSON.decode("utf-8").encode(codec)})
    code, _, stderr = build(corpus, tmp_path / "dist")
    assert code == 1
    assert stderr.splitlines()[0] == (
        f"error: {corpus / 'letters' / 'wide.txt'}:1: encoding: expected UTF-8 text, found what looks like "
        f"{name} without a byte-order mark (save it as UTF-8)"
    )


def test_control_characters_are_reported_at_their_line(tmp_path: Path) -> None:
    damaged = SEED_WILSON.replace(b"Dear Comrades", b"Dear \x07Comrades")
    corpus = make_corpus(tmp_path / "corpus", {"bell.txt": damaged})
    code, _, stderr = build(corpus, tmp_path / "dist")
    line = damaged[: damaged.index(b"\x07")].count(b"\n") + 1
    assert code == 1
    assert stderr.splitlines()[0] == (
        f"error: {corpus / 'letters' / 'bell.txt'}:{line}: content: expected text, found the control "
        "character U+0007 (binary file?)"
    )


# -- the readers never end in anything but a record or a SourceError -------------------------

DAMAGE = st.sampled_from(
    [
        "\u202e",  # right-to-left override
        "\u200f",  # right-to-left mark
        "\x07",
        "\x1b[31m",
        "\ufeff",
        "\x00",
        "\r",
        "**",
        "[",
        "]",
        "Citation:",
        "[Source:",
        "Document Source:",
        "\n",
        "\n\n",
        ",",
        ";",
        "“",
        "”",
        "Translated by",
        "1958",
        "31 February 1958",
        "https://",
        "\ud7ff",
        "e\u0301",
        "A" * 300,
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seed=st.sampled_from(sorted(SEEDS)),
    cuts=st.lists(st.tuples(st.floats(0, 1), DAMAGE, st.integers(0, 40)), min_size=1, max_size=6),
    codec=st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-16", "utf-16-le", "latin-1"]),
)
def test_damaged_letters_give_a_record_or_a_clean_source_error(
    tmp_path: Path, seed: str, cuts: list[tuple[float, str, int]], codec: str
) -> None:
    text = SEEDS[seed].decode("utf-8")
    for where, insert, drop in cuts:  # insert a fragment, or cut some text out
        at = int(where * len(text))
        text = text[:at] + insert + text[at + drop :]
    path = tmp_path / "damaged.txt"
    path.write_bytes(text.encode(codec, errors="replace"))
    try:
        letter = read_letter(path)
    except SourceError as error:
        assert str(error).startswith(f"{path}:") and error.field and error.expected
        return
    assert letter.title.text and letter.body


def test_a_real_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    """1 GB of sparse bytes: the size is seen from the file system; nothing is read."""
    corpus = ten_letters(tmp_path / "corpus")
    huge = corpus / "letters" / "huge.txt"
    with open(huge, "wb") as handle:
        handle.truncate(1_000_000_000)
    code, _, stderr = build(corpus, tmp_path / "dist")
    assert code == 1
    assert stderr.splitlines()[0] == (
        f"error: {huge}:1: file: expected a letter of at most 8 MB (max_letter_mb), found 1000.0 MB"
    )
    assert os.path.getsize(huge) == 1_000_000_000
