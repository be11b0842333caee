"""Settings precedence: command line > LODPUB_* environment > lodpub.toml > default."""

from __future__ import annotations

from pathlib import Path

import pytest

from lodpub.errors import ConfigError
from lodpub.settings import Settings, load_settings


def test_precedence(tmp_path: Path) -> None:
    config = tmp_path / "lodpub.toml"
    config.write_text('base_iri = "https://file.example/"\ntitle = "From file"\n')
    assert load_settings(config, environ={}).base_iri == "https://file.example/"
    env = {"LODPUB_BASE_IRI": "https://env.example/"}
    assert load_settings(config, environ=env).base_iri == "https://env.example/"
    chosen = load_settings(config, {"base_iri": "https://cli.example/"}, environ=env)
    assert (chosen.base_iri, chosen.title) == ("https://cli.example/", "From file")
    assert load_settings(tmp_path / "lodpub.toml", environ={}).license is None


def test_defaults_without_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert load_settings(environ={}) == Settings()


def test_shacl_engine_from_environment_and_command_line() -> None:
    assert load_settings(environ={}).shacl_engine == "turbo"
    assert load_settings(environ={"LODPUB_SHACL_ENGINE": "pyshacl"}).shacl_engine == "pyshacl"
    chosen = load_settings(None, {"shacl_engine": "turbo"}, environ={"LODPUB_SHACL_ENGINE": "pyshacl"})
    assert chosen.shacl_engine == "turbo"
    with pytest.raises(ConfigError, match=r"^LODPUB_SHACL_ENGINE: shacl_engine 'x' is not one of"):
        load_settings(environ={"LODPUB_SHACL_ENGINE": "x"})


def test_source_date_epoch(tmp_path: Path) -> None:
    assert load_settings(environ={"SOURCE_DATE_EPOCH": "42"}).source_date_epoch == 42
    with pytest.raises(ConfigError, match="SOURCE_DATE_EPOCH='soon' must be whole seconds"):
        load_settings(environ={"SOURCE_DATE_EPOCH": "soon"})


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('colour = "blue"\n', "unknown setting 'colour'"),
        ("base_iri = 3\n", "base_iri must be a string, got 3"),
        (
            'base_iri = "https://x.example"\n',
            "base_iri 'https://x.example' must be an absolute http(s) IRI ending with '/' or '#'",
        ),
        ('license = "CC-BY"\n', "license 'CC-BY' must be an http(s) IRI"),
        ("base_iri = \n", "cannot read settings"),
        ('shacl_engine = "jena"\n', "shacl_engine 'jena' is not one of turbo, pyshacl"),
        ("part_letters = 0\n", "part_letters '0' must be a whole number from 1 to 1000000"),
        ('jobs = "all"\n', "jobs 'all' must be a whole number from 1 to 256"),
        ("jobs = true\n", "jobs must be a string, got True"),
        ("store_cache_mb = -1\n", "store_cache_mb '-1' must be a whole number from 0 to 1000000"),
    ],
)
def test_bad_settings_name_the_file(tmp_path: Path, content: str, message: str) -> None:
    config = tmp_path / "lodpub.toml"
    config.write_text(content)
    with pytest.raises(ConfigError) as caught:
        load_settings(config, environ={})
    assert str(caught.value).startswith(f"{config}: ") and message in str(caught.value)
    assert caught.value.exit_code == 2


def test_jobs_cache_and_part_size(tmp_path: Path) -> None:
    """The defaults a build takes from the settings: as many processes as cores, the cache
    beside the output, 128 letters a part; a file may give them as numbers."""
    default = load_settings(environ={})
    assert default.worker_processes >= 1 and default.letters_per_part == 128
    assert default.cache_folder(tmp_path / "dist") == tmp_path / ".dist-cache"
    config = tmp_path / "lodpub.toml"
    config.write_text('jobs = 3\npart_letters = 16\ncache = "/var/cache/lodpub"\n')
    chosen = load_settings(config, environ={})
    assert (chosen.worker_processes, chosen.letters_per_part) == (3, 16)
    assert chosen.cache_folder(tmp_path / "dist") == Path("/var/cache/lodpub")
    assert load_settings(config, {"jobs": "1"}, environ={"LODPUB_JOBS": "2"}).worker_processes == 1


def test_the_store_cache_allowance_from_file_and_environment(tmp_path: Path) -> None:
    config = tmp_path / "lodpub.toml"
    config.write_text("store_cache_mb = 0\n")
    assert load_settings(config, environ={}).store_cache_mb == "0"
    assert load_settings(config, environ={"LODPUB_STORE_CACHE_MB": "96"}).store_cache_mb == "96"
    assert Settings().store_cache_mb == "48"
