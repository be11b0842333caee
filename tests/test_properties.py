"""Property tests: any input gives a record or a clean error; every output round-trips."""

from __future__ import annotations

import calendar
import json
import re
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyld import jsonld
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from lodpub.authorities import Authorities
from lodpub.build import build
from lodpub.errors import SourceError
from lodpub.settings import Settings
from lodpub.sources import read_letter
from lodpub.textutil import normalise_name, shape_name, slug

from .conftest import BASE, CORPUS

SEED_LINES = [
    line
    for path in sorted((CORPUS / "letters").iterdir())
    for line in path.read_text(encoding="utf-8").splitlines()
]

lines = st.one_of(st.sampled_from(SEED_LINES), st.text(max_size=80), st.just(""))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_give_a_letter_or_a_source_error(data: bytes) -> None:
    try:
        letter = read_letter(Path("x.txt"), data)
    except SourceError as error:
        assert error.line >= 1 and error.field and error.expected
        assert str(error).startswith(f"x.txt:{error.line}: {error.field}: ")
    else:
        assert letter.title.text and letter.date.year


@settings(max_examples=300, deadline=None)
@given(st.lists(lines, max_size=40), st.sampled_from(["\n", "\r\n", "\r"]))
def test_any_text_gives_a_letter_or_a_source_error(text_lines: list[str], ending: str) -> None:
    data = ending.join(text_lines).encode("utf-8", "surrogatepass")
    try:
        letter = read_letter(Path("x.txt"), data)
    except SourceError as error:
        assert 1 <= error.line <= max(1, len(data.splitlines()) + 1)
    except UnicodeEncodeError:
        pass
    else:
        assert letter.title.text.strip()
        assert 1 <= letter.date.evidence.line <= len(text_lines)


@given(st.text(max_size=60))
def test_slugs_are_iri_safe_and_never_empty(text: str) -> None:
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug(text))


title_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
    min_size=1,
    max_size=60,
).filter(lambda t: t.strip() and "*" not in t and "[" not in t)
names = st.sampled_from(
    ["Gheorghe Gheorghiu-Dej", "N. Khruschev", "Ion Popescu", "Мария Иванова", "Ştefan Ţăranu"]
)
months = list(calendar.month_name)[1:]


@st.composite
def php_letter(draw: st.DrawFn) -> str:
    title = draw(title_text)
    day, month = draw(st.integers(1, 28)), draw(st.sampled_from(months))
    sender, translator = draw(names), draw(names)
    body = draw(title_text)
    return (
        f"Letter from {sender} to the CC of the RWP: {title}\n\nMoscow, {day} {month} 1958\n\n"
        f"TO THE CENTRAL COMMITTEE OF THE ROMANIAN WORKERS' PARTY\n\nDear Comrades,\n\n{body}\n\n"
        f"With communist greetings, {sender}\n\n"
        f"[Source: Some Archive, Fund {draw(title_text).replace(',', ' ')}, File 1/2, pp. 3-4. "
        f"Translated by {translator}]\n"
    )


@st.composite
def wilson_letter(draw: st.DrawFn) -> str:
    title = draw(title_text)
    month = draw(st.sampled_from(months))
    return (
        f"{month} {draw(st.integers(1, 28))}, 1958\n\n**Letter from {draw(names)} to {draw(names)}\n"
        f'on {title}**\n\nCitation:\n\n"x", 1958, Wilson Center Digital Archive, '
        f"Russian State Archive of Contemporary History, f. 3, op. 1, d. 2, ll. 5-6. "
        f"Translated by {draw(names)}.\n\n"
        f"<https://digitalarchive.wilsoncenter.org/document/{draw(st.integers(1, 999999))}>\n\n"
        f"Original Language:\n\n{draw(st.sampled_from(['Russian', 'Romanian', 'English']))}\n\n"
        f"Contents:\n\nTranslation - English\n\nDear Comrades,\n\n{draw(title_text)}\n"
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(php_letter(), wilson_letter()), min_size=1, max_size=3))
def test_generated_letters_build_and_every_output_round_trips(letters: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "c" / "letters").mkdir(parents=True)
        shutil.copy(CORPUS / "authorities.toml", root / "c" / "authorities.toml")
        for index, text in enumerate(letters):
            (root / "c" / "letters" / f"l{index}.txt").write_text(text, encoding="utf-8")
        result = build(root / "c", root / "d", Settings(base_iri=BASE))
        assert result.written and not result.problems, result.problems
        out = root / "d"
        reference = Dataset().parse(out / "dataset.nq", format="nquads")
        flat = Graph()
        for s, p, o, _ in reference.quads((None, None, None, None)):
            flat.add((s, p, o))
        assert isomorphic(Graph().parse(out / "dataset.ttl", format="turtle"), flat)
        assert isomorphic(Graph().parse(out / "dataset.nt", format="nt"), flat)
        trig = Dataset().parse(out / "dataset.trig", format="trig")
        assert len(trig) == len(reference)
        expanded = jsonld.to_rdf(
            json.loads((out / "dataset.jsonld").read_text(encoding="utf-8")),
            {"format": "application/n-quads"},
        )
        from_jsonld = Dataset().parse(data=expanded, format="nquads")
        assert len(from_jsonld) == len(reference)
        for ttl in (out / "letters").glob("*.ttl"):
            named = reference.graph(BASE + "graph/letter/" + ttl.stem)
            assert isomorphic(Graph().parse(ttl, format="turtle"), named)
            assert isomorphic(Graph().parse(ttl.with_suffix(".jsonld"), format="json-ld"), named)


_AUTHORITIES = Authorities.load(CORPUS / "authorities.toml")
_OWNERS = {normalise_name(n): e for e in _AUTHORITIES.entities() if e.kind != "language" for n in e.names}
_NAMES = sorted({n for e in _OWNERS.values() for n in e.names})
_FILLER = st.sampled_from(["", " ", ", ", " of the ", ". ", "x", "-", " and ", "\n", "(", ")"])


def _plain_find(text: str) -> list[tuple[str, str]]:
    """What ``Authorities.find`` means: at each position the longest curated name that is not part
    of a longer word, as one plain alternation of the names longest first would match."""
    ordered = sorted(_OWNERS, key=lambda n: (-len(n), n))
    pattern = re.compile(rf"(?<!\w)(?:{'|'.join(re.escape(n) for n in ordered)})(?!\w)", re.I)
    found: dict[tuple[str, str], None] = {}
    for match in pattern.finditer(shape_name(text)):
        entity = _OWNERS[match.group(0).casefold()]
        if entity.kind in ("person", "group", "place"):
            found.setdefault((entity.kind, entity.key))
    return list(found)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(_FILLER, st.sampled_from(_NAMES), st.sampled_from(["", "s", "x", " "])), max_size=6)
)
def test_names_in_a_text_are_found_as_a_plain_alternation_finds_them(
    pieces: list[tuple[str, str, str]],
) -> None:
    """The names are matched through one trie-shaped pattern (fast on long letters); it finds
    exactly the entities, in the order, that a plain longest-first alternation does."""
    text = "".join(f"{before}{name}{after}" for before, name, after in pieces)
    assert [(e.kind, e.key) for e in _AUTHORITIES.find(text)] == _plain_find(text)
