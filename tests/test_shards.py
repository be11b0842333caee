"""Sharded builds (`--shard K/N`) merge (`lodpub merge`) into the single-machine build."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from lodpub.cli import main
from lodpub.pipeline import build, in_shard

from .conftest import BASE, CORPUS, LETTERS, make_corpus


def snapshot(out: Path) -> dict[Path, bytes]:
    return {p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_shards_partition_the_letters() -> None:
    ids = [f"letter-{n:06d}" for n in range(1000)]
    for count in (1, 2, 3, 8):
        owners = [[k for k in range(1, count + 1) if in_shard(i, (k, count))] for i in ids]
        assert all(len(o) == 1 for o in owners)
        sizes = [sum(1 for o in owners if o == [k]) for k in range(1, count + 1)]
        assert min(sizes) > 1000 / count * 0.7  # a fair spread


def test_sharded_and_merged_equals_the_single_build(tmp_path: Path) -> None:
    files = {p.name: p.read_bytes() for p in (CORPUS / "letters").iterdir()}
    files.update({p.name: p.read_bytes() for p in LETTERS.iterdir()})
    corpus = make_corpus(tmp_path / "corpus", files)
    runner = CliRunner()
    single = runner.invoke(
        main,
        [
            "build",
            str(corpus),
            "--out",
            str(tmp_path / "single"),
            "--quiet",
            "--base-iri",
            BASE,
            "--no-cache",
        ],
    )
    assert single.exit_code == 0, single.stderr
    shards = []
    letters = 0
    for k in (1, 2, 3):
        out = tmp_path / f"shard{k}"
        result = runner.invoke(
            main,
            [
                "build",
                str(corpus),
                "--out",
                str(out),
                "--quiet",
                "--shard",
                f"{k}/3",
                "--base-iri",
                BASE,
                "--no-cache",
            ],
        )
        assert result.exit_code == 0, result.stderr
        letters += len(list((out / "letters").glob("*.ttl")))
        shards.append(str(out))
    assert letters == len(files)
    merged = runner.invoke(main, ["merge", *shards, "--out", str(tmp_path / "merged"), "--base-iri", BASE])
    assert merged.exit_code == 0, merged.stderr
    assert merged.stdout.startswith(f"merged 3 shard(s) into {tmp_path / 'merged'}: {len(files)} letters, ")
    assert snapshot(tmp_path / "merged") == snapshot(tmp_path / "single")


def test_merge_refuses_overlapping_or_foreign_shards(tmp_path: Path) -> None:
    corpus = make_corpus(
        tmp_path / "corpus", {p.name: p.read_bytes() for p in (CORPUS / "letters").iterdir()}
    )
    from lodpub.settings import Settings

    assert build(corpus, tmp_path / "a", Settings(base_iri=BASE)).written
    runner = CliRunner()
    twice = runner.invoke(
        main,
        ["merge", str(tmp_path / "a"), str(tmp_path / "a"), "--out", str(tmp_path / "m"), "--base-iri", BASE],
    )
    assert twice.exit_code == 2
    assert twice.stderr.startswith(
        f"error: <{BASE}graph/letter/1958-04-17-cpsu-rwp-troops> is in more than one shard"
    )
    assert not (tmp_path / "m").exists()
    other = runner.invoke(
        main,
        [
            "merge",
            str(tmp_path / "a"),
            "--out",
            str(tmp_path / "m"),
            "--base-iri",
            "https://other.example.org/",
        ],
    )
    assert other.exit_code == 2 and "built with base IRI https://lod.example.org/" in other.stderr
    bad = runner.invoke(main, ["build", str(corpus), "--shard", "4/3"])
    assert bad.exit_code == 2 and "expected K/N with 1 <= K <= N" in bad.stderr
