"""One settings object, resolved as: command line > LODPUB_* environment > lodpub.toml > default."""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from urllib.parse import urlsplit

from .errors import ConfigError

DEFAULT_CONFIG = "lodpub.toml"
AUTH_KINDS = ("none", "basic", "digest", "bearer")
SHACL_ENGINES = ("turbo", "pyshacl")
DUMP_LAYOUTS = ("whole", "parts")
TEXTS = ("all", "open", "none")
NUMBERS = (
    "max_letter_mb",
    "part_letters",
    "jobs",
    "query_memory_mb",
    "query_timeout",
    "query_rows",
    "store_cache_mb",
)  # settings a TOML number may give


@dataclass(frozen=True)
class Settings:
    """What a build needs to know beyond the corpus itself."""

    base_iri: str = "https://lod.example.org/"
    title: str = "Correspondence published with lodpub"
    description: str = "Letters and their provenance as CIDOC-CRM and Dublin Core linked data."
    license: str | None = None
    publisher: str | None = None
    sparql_endpoint: str | None = None  # the store ``push`` and ``query --endpoint`` talk to
    # The public SPARQL endpoint the VoID advertises (void:sparqlEndpoint); never the push target,
    # which may be a loopback or an internal address
    public_endpoint: str | None = None
    graph_store: str | None = None
    update_endpoint: str | None = None
    auth: str = "none"
    contact: str | None = None
    wikidata_api: str = "https://www.wikidata.org/w/api.php"
    reconcile_url: str | None = None
    source_date_epoch: int | None = None
    shacl_engine: str = SHACL_ENGINES[0]
    dumps: str = DUMP_LAYOUTS[0]
    texts: str = TEXTS[0]
    # The largest letter file read, in megabytes. pyoxigraph 0.5 reads at most 16 MiB in one RDF
    # term, and a letter's text is one literal (escaping may double it): 8 MB is what always fits.
    max_letter_mb: str = "8"
    # Letters a part of the dumps holds on average, at most (dumps in parts, and the pieces a
    # rebuild writes again): smaller parts make a rebuild after one edit write less.
    part_letters: str = "128"
    jobs: str = ""  # worker processes; empty: as many as the machine has cores
    cache: str = ""  # the letter cache's folder; empty: .OUT-cache beside the output folder
    store: str = ""  # the persistent store's folder; empty: .OUT-store beside the output folder
    query_timeout: str = "30"  # seconds a query may run (serve and query)
    query_rows: str = "100000"  # rows (or triples) an answer may hold
    query_memory_mb: str = "2048"  # memory the process running a query may take
    # Memory a serving process (serve, or one of its query workers) may gain over what it had
    # when it opened the store before it lets go of the store's caches (publish/memory.py)
    store_cache_mb: str = "48"
    # Federated queries: "" refuses SERVICE; "*" allows any endpoint; else the endpoints allowed,
    # separated by spaces
    allow_service: str = ""
    cmif: str = "false"  # "true": build also writes cmif.xml into the output (export/cmif.py)
    cmif_editor: str = ""  # the CMIF file's editor, whom correspSearch may contact
    cmif_email: str = ""

    @property
    def max_letter_bytes(self) -> int:
        """``max_letter_mb`` in bytes."""
        return int(float(self.max_letter_mb) * 1_000_000)

    @property
    def letters_per_part(self) -> int:
        """``part_letters`` as a number."""
        return int(self.part_letters)

    @property
    def worker_processes(self) -> int:
        """``jobs`` as a number: the number of cores when it is empty."""
        return int(self.jobs) if self.jobs else os.cpu_count() or 1

    def cache_folder(self, out: Path) -> Path:
        """Where the letter cache of the output folder ``out`` lies: ``cache``, else
        ``.OUT-cache`` beside ``out`` (``.dist-cache`` for ``dist``)."""
        return Path(self.cache) if self.cache else out.parent / f".{out.name}-cache"

    def check(self, origins: Mapping[str, str]) -> Settings:
        """Raise ``ConfigError`` for values a build cannot use, naming where each came from."""

        def where(name: str) -> str:
            return origins.get(name, "default")

        if not re.match(r"^https?://[^\s<>\"{}|\\^`]+[/#]$", self.base_iri) or not _is_iri(self.base_iri):
            raise ConfigError(
                f"{where('base_iri')}: base_iri {self.base_iri!r} must be an absolute http(s) IRI ending "
                "with '/' or '#'",
                hint='for example base_iri = "https://lod.example.org/"',
            )
        try:
            limit = float(self.max_letter_mb)
        except ValueError:
            limit = -1.0
        if not 0 < limit <= 8:
            raise ConfigError(
                f"{where('max_letter_mb')}: max_letter_mb {self.max_letter_mb!r} must be a number of "
                "megabytes above 0 and at most 8",
                hint="pyoxigraph reads at most 16 MiB in one RDF term, and a letter's text is one literal",
            )
        for name, low, high in (
            ("part_letters", 1, 1_000_000),
            ("jobs", 1, 256),
            ("query_timeout", 1, 86_400),
            ("query_rows", 1, 100_000_000),
            ("query_memory_mb", 1024, 1_000_000),  # below, the store cannot even be opened
            ("store_cache_mb", 0, 1_000_000),
        ):
            value = getattr(self, name)
            if (value or name != "jobs") and not (value.isdigit() and low <= int(value) <= high):
                raise ConfigError(
                    f"{where(name)}: {name} {value!r} must be a whole number from {low} to {high}"
                )
        if self.cmif not in ("true", "false"):
            raise ConfigError(f"{where('cmif')}: cmif {self.cmif!r} must be true or false")
        if self.auth not in AUTH_KINDS:
            raise ConfigError(
                f"{where('auth')}: auth {self.auth!r} is not one of {', '.join(AUTH_KINDS)}",
                hint="credentials come from LODPUB_USER / LODPUB_PASSWORD / LODPUB_TOKEN or ~/.netrc",
            )
        if self.shacl_engine not in SHACL_ENGINES:
            raise ConfigError(
                f"{where('shacl_engine')}: shacl_engine {self.shacl_engine!r} is not one of "
                + ", ".join(SHACL_ENGINES),
                hint="turbo (pyshacl-turbo, the default) and pyshacl give the same issues; turbo is faster",
            )
        if self.dumps not in DUMP_LAYOUTS:
            raise ConfigError(
                f"{where('dumps')}: dumps {self.dumps!r} is not one of " + ", ".join(DUMP_LAYOUTS),
                hint="whole: one file per format; parts: files of about 128 letters each, for large "
                "corpora and fast rebuilds",
            )
        if self.texts not in TEXTS:
            raise ConfigError(
                f"{where('texts')}: texts {self.texts!r} is not one of " + ", ".join(TEXTS),
                hint="all: every letter's text; open: not the texts under an In Copyright statement; "
                "none: the metadata without the texts",
            )
        for name in (
            "license",
            "sparql_endpoint",
            "public_endpoint",
            "graph_store",
            "update_endpoint",
            "wikidata_api",
            "reconcile_url",
        ):
            value = getattr(self, name)
            if value is not None and not (re.match(r"^https?://\S+$", value) and _splits(value)):
                raise ConfigError(f"{where(name)}: {name} {value!r} must be an http(s) IRI")
        return self


def _splits(url: str) -> bool:
    """Whether an HTTP client can take ``url`` apart (``http://[::1/`` or a port ``:x`` it
    cannot)."""
    try:
        urlsplit(url).port  # noqa: B018 - reading the port checks it
    except ValueError:
        return False
    return True


def _is_iri(text: str) -> bool:
    """Whether ``text`` is an absolute IRI (RFC 3987) as pyoxigraph, which writes every output,
    parses it: ``https://[::1/`` and ``https://x.org/%zz/`` are not."""
    from pyoxigraph import NamedNode

    try:
        NamedNode(text + "x")
    except ValueError:
        return False
    return True


def load_settings(
    config: Path | None = None,
    overrides: Mapping[str, object] | None = None,
    environ: Mapping[str, str] | None = None,
    options: Mapping[str, str] | None = None,
) -> Settings:
    """Resolve the settings. ``config`` defaults to ./lodpub.toml when that file exists;
    ``options`` names the command-line option of an override whose option is not ``--NAME``."""
    environ = os.environ if environ is None else environ
    names = {f.name for f in fields(Settings)} - {"source_date_epoch"}
    values: dict[str, object] = {}
    origins: dict[str, str] = {}
    path = config if config is not None else Path(DEFAULT_CONFIG)
    if config is not None or path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read settings: {exc}") from exc
        for key, value in data.get("lodpub", data).items():
            if key not in names:
                raise ConfigError(
                    f"{path}: unknown setting {key!r}", hint="known settings: " + ", ".join(sorted(names))
                )
            if key in NUMBERS and isinstance(value, int | float) and not isinstance(value, bool):
                value = str(value)  # part_letters = 64, jobs = 2
            if key == "cmif" and isinstance(value, bool):
                value = "true" if value else "false"  # cmif = true
            if not isinstance(value, str):
                raise ConfigError(f"{path}: {key} must be a string, got {value!r}")
            values[key], origins[key] = value, str(path)
    for name in names:
        variable = f"LODPUB_{name.upper()}"
        if environ.get(variable):
            values[name], origins[name] = environ[variable], variable
    epoch = environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        if not epoch.isdigit():
            raise ConfigError(f"SOURCE_DATE_EPOCH={epoch!r} must be whole seconds since 1970")
        values["source_date_epoch"] = int(epoch)
    for key, value in (overrides or {}).items():
        if value is not None:
            values[key] = value
            origins[key] = (options or {}).get(key) or f"--{key.replace('_', '-')}"
    return replace(Settings(), **values).check(origins)  # type: ignore[arg-type]
