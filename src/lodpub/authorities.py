"""The curated authority file: names and their variants -> canonical entities with QIDs.

Every name a reader extracts is resolved here. A name the file does not know becomes a *local*
entity (keyed by the slug of the name), never an error.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from . import languages as language_table
from .errors import ConfigError
from .identifiers import AuthorityId, parse_ids
from .resources import data_path
from .sources.gazetteer import is_city
from .sources.names import (
    bracketed_identity,
    kind_of,
    names_in_residue,
    read_in,
    strip_affiliation,
    without_role,
)
from .textutil import collapse, normalise_name, shape_name, slug

KINDS = ("person", "group", "place", "language")
_QID = re.compile(r"^Q[1-9][0-9]*$")
_HONORIFICS = re.compile(
    r"^(?:the\s+|comrades?\s+|cdes?\.?\s+|mr\.?\s+|mrs\.?\s+|prof\.?\s+|professor\s+|dr\.?\s+|to\s*:?\s+)+",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Entity:
    """A person, group, place or language, curated or local (named by a source, not curated)."""

    kind: str
    key: str
    label: str
    variants: tuple[str, ...] = ()
    labels: tuple[tuple[str, str], ...] = ()
    wikidata: str | None = None
    archive: bool = False
    code: str | None = None
    local: bool = False
    review: tuple[str, str, str] | None = None  # who accepted the QID, on which day, how
    ids: tuple[AuthorityId, ...] = ()  # VIAF, GND, LC, … (identifiers.py)

    @property
    def names(self) -> tuple[str, ...]:
        """The label, the language labels and the variants, without repeats, in file order."""
        seen: dict[str, None] = {self.label: None}
        for _, text in self.labels:
            seen.setdefault(text, None)
        for variant in self.variants:
            seen.setdefault(variant, None)
        return tuple(seen)


class Authorities:
    """Look-ups over the authority file; immutable once loaded."""

    def __init__(self, entities: Iterable[Entity], source: str = "<authorities>") -> None:
        self.source = source
        self._by_id: dict[tuple[str, str], Entity] = {}
        variant_owner: dict[str, Entity] = {}
        for entity in entities:
            self._by_id[(entity.kind, entity.key)] = entity
            for name in entity.names:
                folded = normalise_name(name)
                owner = variant_owner.get(folded)
                if owner is not None and owner is not entity:
                    raise ConfigError(
                        f"{source}: the name {name!r} belongs to both "
                        f"{owner.kind}.{owner.key} and {entity.kind}.{entity.key}",
                        hint="a variant must name one entity only; remove it from one of them",
                    )
                variant_owner[folded] = entity
        self._names = variant_owner
        self._archives = {k: e for k, e in variant_owner.items() if e.archive}
        agents = {k: e for k, e in variant_owner.items() if e.kind != "language"}
        self._agent_pattern = _alternation(agents)
        self._agent_names = agents

    @classmethod
    def load(cls, path: Path, archives: bool = True) -> Authorities:
        """Read a TOML authority file, with the shipped table of archives beneath it (an entry
        of the file overrides the table's entry of the same key, and a name the file gives
        another entity is taken from the table's); a malformed file is a configuration error."""
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(
                f"{path}: cannot read the authority file: {exc}",
                hint="it must be UTF-8 TOML with [person.KEY], [group.KEY], [place.KEY] tables",
            ) from exc
        entities = _entities_from_toml(data, str(path))
        if archives:
            entities = _with_archives(entities, shipped_archives())
        return cls(entities, source=str(path))

    def archive(self, span: str) -> Entity | None:
        """The archive a span names (its name, a siglum or a variant; ``Name (SIGLUM)``)."""
        text = collapse(span).strip(" ,.;")
        for candidate in _archive_forms(text):
            entity = self._archives.get(normalise_name(candidate))
            if entity is not None:
                return entity
        return None

    def entities(self) -> list[Entity]:
        """Every entity of the file."""
        return list(self._by_id.values())

    def get(self, kind: str, key: str) -> Entity | None:
        """The entity of that kind and key, if the file has it."""
        return self._by_id.get((kind, key))

    def language(self, name: str) -> Entity | None:
        """The language a name ("Romanian", "RON", "ro", "Deutsch") stands for: the authority
        file's entry, else the ISO 639 language a language library knows by that name (with
        its EU authority code); None for a name neither knows."""
        folded = normalise_name(name)
        entity = self._names.get(folded)
        if entity is not None and entity.kind == "language":
            return entity
        for candidate in self._by_id.values():
            if candidate.kind == "language" and folded in (
                candidate.key.casefold(),
                (candidate.code or "").casefold(),
            ):
                return candidate
        found = language_table.find(name)
        if found is None:
            return None
        known = self._by_id.get(("language", found.eu))
        if known is not None:
            return known
        return Entity(kind="language", key=found.eu, label=found.name, code=found.code)

    def find(self, text: str, kinds: tuple[str, ...] = ("person", "group", "place")) -> list[Entity]:
        """Every curated entity of ``kinds`` whose name occurs in ``text``, longest match first.

        Matches do not overlap, so "CC of the CPSU" is the Central Committee, not also the party.
        """
        return self._scan(text, kinds)[0]

    def _scan(self, text: str, kinds: tuple[str, ...]) -> tuple[list[Entity], str]:
        """The curated entities named in ``text`` and what is left of it once they are removed."""
        found: dict[tuple[str, str], Entity] = {}
        shaped = shape_name(text)
        residue = []
        last = 0
        for match in self._agent_pattern.finditer(shaped):
            entity = self._agent_names[match.group(0).casefold()]
            if entity.kind in kinds:
                found.setdefault((entity.kind, entity.key), entity)
                residue.append(shaped[last : match.start()])
                last = match.end()
        residue.append(shaped[last:])
        return list(found.values()), " | ".join(residue)

    def resolve(self, phrase: str, kinds: tuple[str, ...] = ("person", "group")) -> list[Entity]:
        """The entities a name phrase stands for; unknown names become local entities.

        A phrase may mix both: in "First Secretary of the CC of the CPSU Ivan Petrov" the
        Central Committee is curated and Ivan Petrov, left over, becomes a local person.
        """
        whole = re.fullmatch(r"\[(?P<name>[^\[\]]+)\]", collapse(phrase))
        phrase = whole.group("name") if whole else phrase  # "[Foreign Minister Olszowski]"
        inserted = re.match(r"^\[[^\]]+\]\s*(?P<name>\S.*)$", collapse(phrase))
        if inserted:  # "[Ambassador Edward] DROŻNIAK": the name the letter writes, the editors' words
            found = self._scan(inserted.group("name"), kinds)[0]  # tell which kind it is
            if found:
                return found
            local = local_entity(inserted.group("name"), kinds, kind_of(without_role(read_in(phrase))))
            return [local] if local is not None else []
        name, identity = bracketed_identity(phrase)
        name = without_role(name) if identity is None else name
        committee = _PARTY_CC.match(identity or name)  # "CPSU Central Committee", "CPSU CC"
        if committee and committee.group("body"):  # the party's body, its siglum before it
            local = self._names.get(normalise_name(name)) or local_entity(identity or name, kinds)
            return [local] if local is not None else []  # "CPSU Secretariat": not the party itself
        if committee:
            of_party = self._scan(f"CC of the {committee.group('party')}", kinds)[0]
            if of_party and all(e.key != committee.group("party").casefold() for e in of_party):
                return of_party
        known, residue = self._scan(identity or name, kinds)
        if not known and identity is not None:
            # "Filippov [Stalin]", "Stalin [Kuznetsov]": either name may be the curated one
            known, residue = self._scan(name, kinds)
        if not known:
            local = local_entity(identity or name, kinds)
            return [local] if local is not None else []
        if "person" in kinds:
            for extra in names_in_residue(residue):
                person = local_entity(extra, ("person",))
                if person is not None:
                    known.append(person)
        return known


_PARTY_CC = re.compile(  # a party's Central Committee after its name ("PZPR CC"), or a body after its siglum
    r"^(?:the\s+)?(?P<party>[A-Z][\w\-]*)\s+"
    r"(?:Central\s+Committee|CC|(?<=[A-Z]\s)(?P<body>Secretariat|Politburo|Presidium))\s*$"
)


def local_entity(name: str, kinds: tuple[str, ...], kind: str | None = None) -> Entity | None:
    """An entity for a name the authority file does not know, typed by what the name says
    (group words, an honorific, a person's name shape); None where the name does not tell
    which it is, or is of a kind not asked for (precision first: no entity by default)."""
    clean = _clean_name(strip_affiliation(name)[0])
    if not clean:
        return None
    if kinds in (("place",), ("group",)):  # asked for one kind only
        return Entity(kind=kinds[0], key=slug(clean), label=clean, local=True)
    kind = kind or kind_of(name) or _role_kind(clean)
    if kind is None or kind not in kinds:
        return None
    return Entity(kind=kind, key=slug(clean), label=clean, local=True)


def _role_kind(name: str) -> str | None:
    """A lone word in a sender or addressee position: an acronym is a body (``TASS``), a
    capitalised word a person (``Krasovsky``, ``SHTYKOV``)."""
    words = name.split()
    if len(words) != 1 or not words[0][:1].isupper():
        return None
    word = words[0].strip(".")
    if is_city(word):
        return None  # "Moscow", "Luanda": a place, whatever position it is in
    if word.isupper() and len(word) <= 5:
        return "group"
    return "person" if word.replace("-", "").isalpha() else None  # "Spasowski-Morski"


def _clean_name(name: str) -> str:
    text = _trim(collapse(name))
    if text[:1] in "\"'“‘" and text[-1:] in "\"'”’" and len(text) > 2:
        text = text[1:-1].strip()  # a name in quotes as a whole; quotes inside it stay
    text = _HONORIFICS.sub("", text)
    return text.strip(" ,.;:") or collapse(name)


def _trim(text: str) -> str:
    """``text`` without the punctuation around it; a closing bracket stays where it closes one
    the name opened ("Mexican Federal Security Directorate (DFS)"), an opening one where it is
    closed ("[Li] Fuchun")."""
    while True:
        trimmed = text.strip(" ,.;:")
        for opening, closing in ("()", "[]"):
            if trimmed.endswith(closing) and trimmed.count(opening) < trimmed.count(closing):
                trimmed = trimmed[:-1]
            if trimmed.startswith(opening) and trimmed.count(closing) < trimmed.count(opening):
                trimmed = trimmed[1:]
            if trimmed[:1] == opening and trimmed[-1:] == closing and trimmed.count(opening) == 1:
                trimmed = trimmed[1:-1]  # "(Ulbricht)": the whole name in brackets
        if trimmed == text:
            return text
        text = trimmed


def _alternation(names: dict[str, Entity]) -> re.Pattern[str]:
    """One pattern for every name, matching the longest name at each position (then checking
    that no word character follows, backing off to shorter names that end there).

    The names are folded into a trie, written as nested groups (``Central (?:Committee(?: of
    the CPSU)?|…)``): at each character at most one branch can go on, and each optional tail is
    greedy, so the first match the engine finds is the longest, as with a plain alternation of
    the names longest first, but without trying every name at every position of a letter."""
    if not names:
        return re.compile(r"(?!)")
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for name in names:
        node = trie
        for char in name:
            node = node.setdefault(char, {})
        node[""] = {}  # a name ends here

    def pattern(node: dict[str, dict]) -> str:  # type: ignore[type-arg]
        branches = [re.escape(char) + pattern(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:  # a name may end here: the longer ones first
            return "(?:" + body + ")?" if len(branches) > 1 or len(body) > 1 else body + "?"
        return body

    return re.compile(rf"(?<!\w)(?:{pattern(trie)})(?!\w)", re.IGNORECASE)


def _entities_from_toml(data: dict[str, object], source: str) -> list[Entity]:
    entities: list[Entity] = []
    for kind, table in data.items():
        if kind not in KINDS or not isinstance(table, dict):
            raise ConfigError(
                f"{source}: unknown table [{kind}]",
                hint=f"tables are {', '.join(KINDS)}, each holding [KIND.KEY] entries",
            )
        for key, raw in sorted(table.items()):
            where = f"{source}: [{kind}.{key}]"
            if not isinstance(raw, dict):
                raise ConfigError(f"{where}: expected a table with at least a label")
            if kind != "language" and slug(key) != key:
                raise ConfigError(f"{where}: key must be lower-case [a-z0-9-], e.g. {slug(key)!r}")
            label = raw.get("label")
            if not isinstance(label, str) or not label.strip():
                raise ConfigError(f"{where}: label: expected a non-empty string")
            qid = raw.get("wikidata")
            if qid is not None and (not isinstance(qid, str) or not _QID.match(qid)):
                raise ConfigError(f"{where}: wikidata: expected a QID like 'Q35314', got {qid!r}")
            variants = raw.get("variants", [])
            labels = raw.get("labels", {})
            if not isinstance(variants, list) or not all(isinstance(v, str) for v in variants):
                raise ConfigError(f"{where}: variants: expected a list of strings")
            if not isinstance(labels, dict) or not all(isinstance(v, str) for v in labels.values()):
                raise ConfigError(f'{where}: labels: expected a table of language = "name"')
            code = raw.get("code")
            review = raw.get("wikidata_review")
            if review is not None and not (
                isinstance(review, dict)
                and all(isinstance(review.get(k), str) for k in ("by", "on", "method"))
            ):
                raise ConfigError(f"{where}: wikidata_review: expected {{ by = …, on = …, method = … }}")
            entities.append(
                Entity(
                    kind=kind,
                    key=key,
                    label=label.strip(),
                    variants=tuple(v.strip() for v in variants if v.strip()),
                    labels=tuple(sorted((str(k), str(v)) for k, v in labels.items())),
                    wikidata=qid,
                    archive=bool(raw.get("archive", False)),
                    code=code if isinstance(code, str) else None,
                    review=(review["by"], review["on"], review["method"]) if review else None,
                    ids=parse_ids(raw.get("ids"), kind, where),
                )
            )
    return entities


def shipped_archives() -> list[Entity]:
    """The curated table of archives lodpub ships (``data/archives.toml``): names in English and
    in the archive's own language, sigla and their variants, country, call-number words."""
    path = data_path("archives.toml")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    tables = sorted(data.get("archive", {}).items())
    # A siglum two archives share ("AMAE": Romania's and France's) names neither: it is ambiguous.
    counts = Counter(
        normalise_name(n)
        for _, raw in tables
        for n in dict.fromkeys(
            [raw["label"], *raw.get("sigla", []), *raw.get("own", {}).values(), *raw.get("variants", [])]
        )
    )
    out = []
    for key, raw in tables:
        own = raw.get("own", {})
        names = [*raw.get("sigla", []), *own.values(), *raw.get("variants", [])]
        names = [n for n in names if counts[normalise_name(n)] == 1]
        out.append(
            Entity(
                kind="group",
                key=key,
                label=raw["label"],
                variants=tuple(dict.fromkeys(n for n in names if n != raw["label"])),
                labels=tuple(sorted(own.items())),
                wikidata=raw.get("wikidata"),
                archive=True,
            )
        )
    return out


def _with_archives(entities: list[Entity], table: list[Entity]) -> list[Entity]:
    """The authority file's entities and the table's archives beneath them. An archive the file
    describes under the table's key keeps the file's label and gains the table's other names
    (its sigla, its own-language name), unless the file gives one of them to another entity."""
    by_key = {a.key: a for a in table}
    taken: dict[str, tuple[str, str]] = {}
    for e in entities:
        for n in e.names:
            taken.setdefault(normalise_name(n), (e.kind, e.key))
    out = []
    for entity in entities:
        shipped = by_key.get(entity.key) if entity.kind == "group" else None
        if shipped is not None:
            more = [
                n
                for n in (shipped.label, *shipped.variants)
                if taken.get(normalise_name(n), ("group", entity.key)) == ("group", entity.key)
                and normalise_name(n) not in {normalise_name(m) for m in entity.names}
            ]
            entity = dataclasses.replace(
                entity,
                variants=(*entity.variants, *more),
                labels=entity.labels or shipped.labels,
                archive=True,
            )
        out.append(entity)
    keys = {(e.kind, e.key) for e in entities}
    names = set(taken)
    for archive in table:
        if ("group", archive.key) in keys:
            continue
        variants = tuple(v for v in archive.variants if normalise_name(v) not in names)
        if normalise_name(archive.label) in names:
            continue
        out.append(dataclasses.replace(archive, variants=variants))
        names.update(normalise_name(n) for n in (archive.label, *variants))
    return out


def _archive_forms(text: str) -> list[str]:
    """The ways a span may name an archive: as it is, without "the", and for ``Name (SIGLUM)``
    the name and the siglum apart."""
    forms = [text, re.sub(r"^the\s+", "", text, flags=re.I)]
    forms += [f"{text}."] if re.search(r"\b[A-Z]\.[A-Z]$", text) else []  # "A.N.I.C." lost its last stop
    paren = re.match(r"^(?P<name>.+?)\s*\((?P<siglum>[^()]+)\)$", text)
    if paren:
        forms += [paren.group("siglum"), paren.group("name")]
    return forms
