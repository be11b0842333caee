"""How faithfully lodpub publishes real records: build them and compare with what each states.

    python bench/fidelity.py [CORPUS] [--json] [--notes]
    python bench/fidelity.py CORPUS --record BATCH [--blind]   # score, and add it to the history
    python bench/fidelity.py --history                         # every score recorded


CORPUS (default tests/real) holds letters/, authorities.toml and expected.toml (format in
tests/real/README.md). Prints, per field, right/total; the letters built; and three counts:
missing (a stated value lodpub did not produce), wrong (a value or entity that differs from what
the record states) and invented (a value for a field the record does not state). Exits 1 when
anything is wrong or invented.

The history (tests/fidelity-history.toml) keeps each batch's scores, the first one blind: a batch
of real records nobody had built before is scored with ``--record NAME --blind`` before any code
is changed for it; later scores of the same batch are recorded without ``--blind``.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import tomllib
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

REPO = Path(__file__).resolve().parents[1]
HISTORY = REPO / "tests" / "fidelity-history.toml"
BASE = "https://lod.example.org/"
CRM = "http://www.cidoc-crm.org/cidoc-crm/"
FIELDS = (
    "title",
    "date",
    "place",
    "original_languages",
    "translators",
    "record_url",
    "archives",
    "call_numbers",
    "editions",
    "senders",
    "addressees",
)
_HONORIFIC = re.compile(
    # titles and offices before a name: "Foreign Minister Yeh" is the person named Yeh
    r"^(?:(?:the|comrades?|cdes?\.?|prof\.?|dr\.?|mr\.?|gen\.?|ambassador|minister|marshal|deputy|vice|"
    r"first|foreign|prime|president|premier|chairman|director|secretary|general|consul)\s+)+",
    re.I,
)


@dataclass
class Score:
    """Counts for one field."""

    right: int = 0
    stated: int = 0
    missing: int = 0
    wrong: int = 0
    invented: int = 0
    notes: list[str] = field(default_factory=list)


def fold(text: str) -> str:
    """A name or value folded for comparison: case, diacritics, quotes, spacing, honorifics."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = text.replace("’", "'").replace("“", '"').replace("”", '"')
    text = re.sub(r"\s+", " ", re.sub(r"\.\s*", ". ", text)).strip(" .,;:")
    return _HONORIFIC.sub("", text).strip()


def name_forms(name: str) -> set[str]:
    """A name as written and its shorter forms: ``Modern Records Archives (AAN), Warsaw`` is also
    ``Modern Records Archives (AAN)``, ``Modern Records Archives`` and ``AAN``;
    ``Filippov [Stalin]`` is also ``Filippov`` and ``Stalin``."""
    forms = set()
    pieces = [p.strip() for p in re.split(r",\s*(?![^()]*\))", name)]
    for count in range(1, len(pieces) + 1):
        head = ", ".join(pieces[:count])
        forms.add(head)
        # brackets inside parentheses ("RGANI (formerly … Documentation [TsKhSD])"): the
        # innermost first, so that each bracket's text and the name without it are forms
        bare = head
        while True:
            inners = re.findall(r"[(\[]([^()\[\]]+)[)\]]", bare)
            if not inners:
                break
            forms.update(inners)
            bare = re.sub(r"\s*[(\[][^()\[\]]*[)\]]", "", bare)
            forms.add(bare)
    return {fold(f) for f in forms if f.strip()}


class Dataset:
    """The built dataset, with the few look-ups the comparison needs."""

    def __init__(self, dist: Path) -> None:
        self.store = ox.Store()
        with open(dist / "dataset.nq", "rb") as handle:
            self.store.bulk_load(handle, format=ox.RdfFormat.N_QUADS)

    def objects(self, subject: str, predicate: str) -> list[str]:
        return sorted(
            q.object.value
            for q in self.store.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(predicate), None)
        )

    def subjects(self, predicate: str, obj: str) -> list[str]:
        return sorted(
            q.subject.value
            for q in self.store.quads_for_pattern(None, ox.NamedNode(predicate), ox.NamedNode(obj))
        )

    def names(self, entity: str) -> set[str]:
        """Every name an entity goes by in the dataset (label, preferred and other labels)."""
        out = set()
        for predicate in (
            "http://www.w3.org/2000/01/rdf-schema#label",
            "http://www.w3.org/2004/02/skos/core#prefLabel",
            "http://www.w3.org/2004/02/skos/core#altLabel",
        ):
            out.update(fold(v) for v in self.objects(entity, predicate))
        return out

    def kind(self, entity: str) -> str:
        types = self.objects(entity, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
        return "person" if CRM + "E21_Person" in types else "group" if CRM + "E74_Group" in types else "other"


def letter_values(data: Dataset, ident: str) -> dict[str, list[object]]:
    """What lodpub published for one letter, field by field."""
    letter = f"{BASE}letter/{ident}"
    creation = f"{letter}/creation"
    out: dict[str, list[object]] = {f: [] for f in FIELDS}
    out.update(sender_roles=[], addressee_roles=[])
    out["title"] = data.objects(letter, "http://purl.org/dc/terms/title")
    for span in data.objects(creation, CRM + "P4_has_time-span"):
        begin = data.objects(span, CRM + "P82a_begin_of_the_begin")[0][:10]
        end = data.objects(span, CRM + "P82b_end_of_the_end")[0][:10]
        out["date"] = [iso_of(begin, end)]
    out["place"] = data.objects(creation, CRM + "P7_took_place_at")
    out["original_languages"] = data.objects(letter, CRM + "P72_has_language")
    for translation in data.objects(letter, CRM + "P73_has_translation"):
        out["translators"] += data.objects(translation, "http://id.loc.gov/vocabulary/relators/trl")
    for carrier in [letter, *data.objects(letter, CRM + "P73_has_translation")]:
        for record in data.objects(carrier, CRM + "P165i_is_incorporated_in"):
            out["record_url"] += data.objects(record, "http://xmlns.com/foaf/0.1/page")
    for item in data.objects(letter, CRM + "P128i_is_carried_by"):
        for keeper in data.objects(item, CRM + "P50_has_current_keeper"):
            calls = [
                c
                for ident_node in data.objects(item, CRM + "P1_is_identified_by")
                if ident_node.endswith("/call-number")
                for c in data.objects(ident_node, CRM + "P190_has_symbolic_content")
            ]
            out["archives"].append(keeper)
            out["call_numbers"].append((keeper, calls[0] if calls else None))
    for extract in data.subjects(CRM + "P70_documents", letter):
        out["editions"] += data.objects(extract, "http://purl.org/dc/terms/bibliographicCitation")
    dispatch = f"{letter}/dispatch"
    out["senders"] = data.objects(dispatch, CRM + "P28_custody_surrendered_by")
    out["addressees"] = data.objects(dispatch, CRM + "P29_custody_received_by")
    for role in ("sender", "addressee"):  # roles kept as marked, no entity made of them
        out[f"{role}_roles"] = [
            span
            for name in data.objects(f"{letter}/evidence/{role}-role", CRM + "P17_was_motivated_by")
            for span in data.objects(name, CRM + "P190_has_symbolic_content")
        ]
    return out


def iso_of(begin: str, end: str) -> str:
    """The date at the precision of its bounds: a day, a month, a year, or a range."""
    if begin == end:
        return begin
    if begin[8:] == "01" and begin[:7] == end[:7] and int(end[8:]) >= 28:
        return begin[:7]
    if begin[5:] == "01-01" and end[5:] == "12-31" and begin[:4] == end[:4]:
        return begin[:4]
    return f"{begin}/{end}"


def compare(data: Dataset, ident: str, expected: dict[str, object], scores: dict[str, Score]) -> None:
    """Score one letter's published values against what its record states."""
    got = letter_values(data, ident)

    def not_stated(name: str, want: object, have: list[object] | list[str]) -> bool:
        """True where the record does not state the field; anything published there is invented."""
        if want is not False and want is not None:
            return False
        if have:
            scores[name].invented += len(have)
            scores[name].notes.append(f"{ident}: {name}: invented {have}")
        return True

    def single(name: str, want: object, have: list[object], same: object) -> None:
        score = scores[name]
        if not_stated(name, want, have):
            return
        score.stated += 1
        if not have:
            score.missing += 1
            score.notes.append(f"{ident}: {name}: missing {want!r}")
        elif callable(same) and any(same(want, h) for h in have):
            score.right += 1
            extra = [h for h in have if not same(want, h)]
            if extra:
                score.wrong += len(extra)
                score.notes.append(f"{ident}: {name}: wrong extra {extra}")
        else:
            score.wrong += 1
            score.notes.append(f"{ident}: {name}: wrong {have} for {want!r}")

    def many(name: str, wants: object, have: list[str], same: object) -> None:
        score = scores[name]
        if not_stated(name, wants, have):
            return
        assert isinstance(wants, list)
        used: set[str] = set()
        for want in wants:
            score.stated += 1
            match = next((h for h in have if h not in used and callable(same) and same(want, h)), None)
            if match is None:
                score.missing += 1
                score.notes.append(f"{ident}: {name}: missing {want!r}")
            else:
                score.right += 1
                used.add(match)
        for h in have:
            if h not in used and not any(callable(same) and same(w, h) for w in wants):
                score.wrong += 1
                known = sorted(data.names(h))[:3] if h.startswith(BASE) else ""
                score.notes.append(f"{ident}: {name}: wrong {h!r} {known}".rstrip())

    single("title", expected.get("title"), got["title"], lambda w, h: fold(str(w)) == fold(str(h)))
    single(
        "date",
        None if expected.get("date") == "unknown" else expected.get("date"),
        got["date"],
        lambda w, h: str(w) == str(h),
    )
    if expected.get("date") == "unknown" and not got["date"]:
        scores["date"].stated += 1
        scores["date"].right += 1
    single(
        "place",
        expected.get("place"),
        got["place"],
        lambda w, h: bool(name_forms(str(w)) & data.names(str(h))),
    )
    many(
        "original_languages", expected.get("original_languages"), got["original_languages"], language_matches
    )
    many(
        "translators",
        expected.get("translators"),
        got["translators"],
        lambda w, h: bool(name_forms(str(w)) & data.names(h)),
    )
    single("record_url", expected.get("record_url"), got["record_url"], lambda w, h: str(w) == str(h))
    archives = expected.get("archives")
    many(
        "archives",
        [a["name"] for a in archives] if isinstance(archives, list) else archives,
        got["archives"],
        lambda w, h: bool(name_forms(str(w)) & data.names(h)),
    )
    if isinstance(archives, list):
        for archive in archives:
            call = archive.get("call_number")
            keeper = next(
                (k for k, _ in got["call_numbers"] if name_forms(archive["name"]) & data.names(k)), None
            )
            have = [c for k, c in got["call_numbers"] if k == keeper and c]
            single("call_numbers", call, have, lambda w, h: fold(str(w)) == fold(str(h)))
    editions = expected.get("editions")
    many(
        "editions",
        [e["citation"] for e in editions] if isinstance(editions, list) else editions,
        got["editions"],
        lambda w, h: fold(str(w)) in fold(h) or fold(h) in fold(str(w)),
    )
    for role in ("senders", "addressees"):
        parties = expected.get(role)
        if isinstance(parties, list):
            # a role ("the Foreign Minister") is right when the letter keeps it as marked and
            # makes no entity of it (an entity for it is counted wrong by the entities' match)
            roles = [p for p in parties if p.get("kind") == "role"]
            parties = [p for p in parties if p.get("kind") != "role"] or (False if roles else parties)
            kept = [str(h) for h in got[role[:-1] + "_roles"]]
            for want in roles:
                spans = [want["name"], *want.get("also", [])]
                scores[role].stated += 1
                if any(name_forms(s) & name_forms(h) for s in spans for h in kept):
                    scores[role].right += 1
                else:
                    scores[role].missing += 1
                    scores[role].notes.append(f"{ident}: {role}: missing role {want['name']!r}")
        many(role, parties, got[role], lambda w, h: party_matches(data, w, h))


def party_matches(data: Dataset, want: object, have: str) -> bool:
    """An expected party (name, kind, also, identity) and a published entity are the same."""
    assert isinstance(want, dict)
    names = set(data.names(have))
    spans = [want["name"], *want.get("also", []), *([want["identity"]] if want.get("identity") else [])]
    # "Member of Politburo …, Comrade Hermann Axen": the person after the role.
    spans += [s.rsplit(",", 1)[1] for s in spans if "," in s and want.get("kind") == "person"]
    if not any(name_forms(s) & names for s in spans):
        return False
    return data.kind(have) == want.get("kind", data.kind(have))


def language_matches(want: object, have: str) -> bool:
    sys.path.insert(0, str(REPO / "src"))
    from lodpub.languages import find

    found = find(str(want))
    return found is not None and have.endswith("/" + found.eu)


def run(corpus: Path) -> tuple[dict[str, Score], int, int]:
    """Build ``corpus`` and score it; also the number of letters built and expected."""
    expected = tomllib.loads((corpus / "expected.toml").read_text(encoding="utf-8"))["letter"]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "dist"
        done = subprocess.run(
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
                "--keep-going",  # a letter lodpub refuses is scored as not built: its fields missing
            ],
            capture_output=True,
            text=True,
            env={"SOURCE_DATE_EPOCH": "0", "PATH": "/usr/bin:/bin", **_pythonpath()},
        )
        if done.returncode != 0 and not (out / "dataset.nq").exists():  # skipped letters still publish
            print(done.stdout + done.stderr, file=sys.stderr)
            raise SystemExit(f"the build of {corpus} failed (exit {done.returncode})")
        data = Dataset(out)
        built = sum(1 for _ in (out / "letters").glob("*.ttl"))
        scores = {name: Score() for name in FIELDS}
        for ident, facts in sorted(expected.items()):
            compare(data, ident, facts, scores)
    return scores, built, len(expected)


def _pythonpath() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k in ("PYTHONPATH", "HOME", "VIRTUAL_ENV", "PATH")}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", type=Path, nargs="?", default=REPO / "tests" / "real")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--notes", action="store_true", help="list every missing, wrong and invented value")
    parser.add_argument("--history", action="store_true", help="print every score recorded, and stop")
    parser.add_argument("--record", metavar="BATCH", help="add this score to the history, as BATCH's")
    parser.add_argument("--blind", action="store_true", help="with --record: the batch's first, blind score")
    args = parser.parse_args()
    if args.history:
        print_history(read_history(HISTORY))
        return
    if args.blind and not args.record:
        parser.error("--blind goes with --record BATCH")
    scores, built, letters = run(args.corpus)
    total = Counter[str]()
    for score in scores.values():
        for key in ("right", "stated", "missing", "wrong", "invented"):
            total[key] += getattr(score, key)
    if args.record:
        record(HISTORY, args.record, args.blind, args.corpus, total, built, letters)
    if args.json:
        print(
            json.dumps(
                {
                    "letters": letters,
                    "built": built,
                    "total": dict(total),
                    "fields": {k: {**v.__dict__} for k, v in scores.items()},
                },
                indent=2,
            )
        )
    else:
        print(f"{'field':<20} {'right/stated':>13} {'missing':>8} {'wrong':>6} {'invented':>9}")
        for name, score in scores.items():
            print(
                f"{name:<20} {score.right:>6}/{score.stated:<6} {score.missing:>8} {score.wrong:>6} {score.invented:>9}"  # noqa: E501
            )
        share = 100 * total["right"] / total["stated"] if total["stated"] else 100.0
        print(
            f"{'all':<20} {total['right']:>6}/{total['stated']:<6} {total['missing']:>8} {total['wrong']:>6} "
            f"{total['invented']:>9}   {share:.1f}% right"
        )
        print(f"letters built: {built}/{letters}")
        if args.notes:
            for score in scores.values():
                for note in score.notes:
                    print("  " + note)
    sys.exit(1 if total["wrong"] or total["invented"] else 0)


def read_history(path: Path) -> list[dict[str, object]]:
    """The scores recorded, oldest first."""
    if not path.exists():
        return []
    return list(tomllib.loads(path.read_text(encoding="utf-8")).get("score", []))


def record(
    path: Path, batch: str, blind: bool, corpus: Path, total: Counter[str], built: int, letters: int
) -> None:
    """Add one score to the history file (appended: earlier entries are never rewritten). A batch
    has one blind score, its first: a second --blind for it is refused."""
    history = read_history(path)
    if blind and any(e.get("batch") == batch and e.get("blind") for e in history):
        raise SystemExit(f"{path}: {batch} already has its blind score; record later ones without --blind")
    if blind and any(e.get("batch") == batch for e in history):
        raise SystemExit(f"{path}: {batch} was scored before, so this score is not blind")
    import datetime

    try:
        where = corpus.resolve().relative_to(REPO).as_posix()
    except ValueError:
        where = corpus.name
    entry = {
        "date": datetime.date.today().isoformat(),
        "batch": batch,
        "blind": blind,
        "corpus": where,
        "letters": letters,
        "built": built,
        **{k: total[k] for k in ("right", "stated", "missing", "wrong", "invented")},
    }
    lines = ["", "[[score]]"]
    for key, value in entry.items():
        shown = json.dumps(value) if not isinstance(value, bool) else str(value).lower()
        lines.append(f"{key} = {shown}")
    with open(path, "a", encoding="utf-8") as handle:
        if not path.stat().st_size:
            handle.write("# Fidelity scores of the real-record sets (bench/fidelity.py --record): one\n")
            handle.write("# [[score]] per run; blind = the batch's first score, before any fix for it.\n")
        handle.write("\n".join(lines) + "\n")


def print_history(history: list[dict[str, object]]) -> None:
    print(
        f"{'date':<11} {'batch':<24} {'':<6} {'right/stated':>13} {'share':>6} "
        f"{'wrong':>6} {'invented':>9} built"
    )
    for e in history:
        right, stated = int(str(e["right"])), int(str(e["stated"]))
        share = f"{100 * right / stated:.1f}%" if stated else "-"
        print(
            f"{e['date']!s:<11} {e['batch']!s:<24} {'blind' if e.get('blind') else '':<6} "
            f"{right:>6}/{stated:<6} {share:>6} {e['wrong']!s:>6} {e['invented']!s:>9} "
            f"{e['built']}/{e['letters']}"
        )


if __name__ == "__main__":
    main()
