"""Shared fixtures: the seed corpus and a varied corpus built once per session."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from lodpub.build import BuildResult, build
from lodpub.cli import main
from lodpub.settings import Settings

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
LETTERS = Path(__file__).parent / "letters"
BASE = "https://lod.example.org/"
SETTINGS = Settings(
    base_iri=BASE, title="Test corpus", license="https://creativecommons.org/licenses/by/4.0/"
)


def require_tool(name: str) -> str:
    """The path of an external tool; skip without it, except in CI (LODPUB_REQUIRE_TOOLS=1)."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("LODPUB_REQUIRE_TOOLS") == "1":
            pytest.fail(f"{name} is required in CI but is not installed")
        pytest.skip(f"{name} is not installed (Debian package: raptor2-utils / serdi)")
    return path


def make_corpus(root: Path, files: dict[str, bytes | str], authorities: bool = True) -> Path:
    """A corpus folder with the given letter files and, by default, the project's authorities."""
    (root / "letters").mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (root / "letters" / name).write_bytes(data)
    if authorities:
        shutil.copy(CORPUS / "authorities.toml", root / "authorities.toml")
    return root


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The bundled corpus, built once."""
    out = tmp_path_factory.mktemp("seed") / "dist"
    result = build(CORPUS, out, SETTINGS)
    assert result.written and not result.problems, result.problems
    return result


@pytest.fixture(scope="session")
def varied_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The seeds plus the varied test letters, built once."""
    root = tmp_path_factory.mktemp("varied")
    files = {p.name: p.read_bytes() for p in (CORPUS / "letters").iterdir()}
    files.update({p.name: p.read_bytes() for p in LETTERS.iterdir()})
    make_corpus(root / "corpus", files)
    result = build(root / "corpus", root / "dist", SETTINGS)
    assert result.written and not result.problems, result.problems
    return result


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """``lodpub ARGS``, in this process: exit code, stdout, stderr. A command that ends in an
    exception other than its own exit (a traceback for the user) fails the test."""
    result = CliRunner(env=env).invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def server(seed_build: BuildResult) -> Iterator[str]:
    """``lodpub serve``'s application on the seed build, in this process, on a loopback port."""
    from lodpub.publish.server import address, make_server

    httpd = make_server(seed_build.out, "127.0.0.1", 0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield address(httpd).rstrip("/")
    finally:
        httpd.shutdown()
        httpd.server_close()
