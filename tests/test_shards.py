"""Sharded builds (`--shard K/N`) merge (`lodpub merge`) into the single-machine build."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from lodpub.build import build
from lodpub.cli import main
from lodpub.corpus import in_shard

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


def test_letters_that_describe_an_entity_differently_merge_like_a_single_build(tmp_path: Path) -> None:
    """Letters name an edition that mints one IRI with different titles, and generated letters
    a group in two casings: the published description does not depend on letter order, so shards
    merge to the single build's bytes, and the merge warns as the single build does."""

    from bench.generate import generate
    from lodpub.build.merge import merge
    from lodpub.settings import Settings

    generate(200, tmp_path / "corpus")
    # One editor's 1996 edition under two titles, the first in shard 1 only: the shards publish
    # different descriptions, and the merge must choose as a single build does.
    seed = (CORPUS / "letters" / "1958-04-17-cpsu-rwp-troops.txt").read_text(encoding="utf-8")
    other = seed.replace("Retragerea trupelor sovietice.1958*", "Retragerea trupelor sovietice din 1958*")
    for i in range(12):
        text = other if in_shard(f"seed-{i}", (1, 3)) else seed
        (tmp_path / "corpus" / "letters" / f"seed-{i}.txt").write_text(text, encoding="utf-8")
    assert any(in_shard(f"seed-{i}", (1, 3)) for i in range(12))
    settings = Settings(base_iri=BASE)
    single = build(tmp_path / "corpus", tmp_path / "single", settings)
    assert single.written and not single.problems
    assert any("/edition/" in str(w) for w in single.warnings)
    assert all(w.severity == "Warning" for w in single.warnings)
    shards = []
    for k in (1, 2, 3):
        shard = build(tmp_path / "corpus", tmp_path / f"shard{k}", settings, shard=(k, 3))
        assert shard.written
        shards.append(shard.out)
    merged = merge(shards, tmp_path / "merged", settings)
    assert merged.written and any("/edition/" in str(w) for w in merged.warnings)
    assert snapshot(tmp_path / "merged") == snapshot(tmp_path / "single")


def test_the_published_description_does_not_depend_on_letter_order(tmp_path: Path) -> None:
    """Two letters cite one editor's 1996 edition under two titles: whichever comes first, the
    least description in N-Triples order is published (here the "din 1958" title: " " sorts
    before ".") and the other letter gets the warning, at its edition line."""
    from lodpub.settings import Settings

    seed = (CORPUS / "letters" / "1958-04-17-cpsu-rwp-troops.txt").read_text(encoding="utf-8")
    other = seed.replace("Retragerea trupelor sovietice.1958*", "Retragerea trupelor sovietice din 1958*")
    assert other != seed
    entities = []
    for seed_name, other_name in (("a.txt", "b.txt"), ("b.txt", "a.txt")):
        corpus = make_corpus(tmp_path / f"c-{seed_name}", {seed_name: seed, other_name: other})
        result = build(corpus, tmp_path / f"d-{seed_name}", Settings(base_iri=BASE))
        assert result.written and not result.problems
        (warning,) = result.warnings
        text = str(warning)
        assert text.startswith(f"{corpus / 'letters' / seed_name}:31: edition: describes <{BASE}edition/")
        assert f"from {other_name.removesuffix('.txt')}, whose description is published" in text
        assert text.endswith('"România. Retragerea trupelor sovietice.1958"')
        nquads = (result.out / "dataset.nq").read_text(encoding="utf-8")
        entities.append(sorted(line for line in nquads.splitlines() if line.endswith("graph/entities> .")))
    assert entities[0] == entities[1]
    titles = [line for line in entities[0] if "/edition/" in line and "/title>" in line]
    assert titles and all("sovietice din 1958" in line for line in titles)
