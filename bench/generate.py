"""Generate N synthetic letters in both source layouts, with realistic variety.

    python bench/generate.py N OUT_FOLDER [--seed S]

Writes OUT_FOLDER/letters/*.txt and copies corpus/authorities.toml beside them. The same N and
seed always give the same files. Variety: both layouts; dates written "17 April 1958",
"September 9, 1958", "April 1958"; zero, one or two translators; original language Romanian,
Russian or English or not stated; Romanian, Russian and US archival citations; CRLF endings;
diacritics and Cyrillic; quotes, ampersands, angle brackets and braces in titles; curated and
unknown names; bodies of 1-4 kB taken from sentences of the seed letters.
"""

from __future__ import annotations

import argparse
import calendar
import random
import re
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MONTHS = list(calendar.month_name)[1:]
PARTIES = [
    (
        "the CC of the CPSU",
        "THE CENTRAL COMMITTEE OF THE COMMUNIST PARTY OF THE SOVIET UNION",
        "The Central Committee of the CPSU",
    ),
    (
        "the CC of the RWP",
        "THE CENTRAL COMMITTEE OF THE ROMANIAN WORKERS' PARTY",
        "The Central Committee of the RWP",
    ),
    ("N.S. Khrushchev", "COMRADE N. S. KHRUSHCHEV", "N. Khruschev"),
    ("Gheorghe Gheorghiu-Dej", "COMRADE GHEORGHE GHEORGHIU-DEJ", "Gh. Gheorghiu-Dej"),
    (
        "the Ministry of Foreign Affairs of the RPR",
        "THE MINISTRY OF FOREIGN AFFAIRS",
        "The Ministry of Foreign Affairs",
    ),
    ("Ion Gheorghe Maurer", "COMRADE ION GHEORGHE MAURER", "I. Gh. Maurer"),
    ("the Embassy of the USSR in Bucharest", "THE EMBASSY OF THE USSR", "The Embassy of the USSR"),
]
PLACES = ["Moscow", "Bucharest", "Москва", "București", "Warsaw", "Berlin"]
TRANSLATORS = ["Delia Razdolescu", "Svetlana Savranskaya", "Gary Goldberg", "Ioana Munteanu", "Ştefan Ţăranu"]
SUBJECTS = [
    'the "Friendship & Cooperation" <Treaty>',
    "the withdrawal of troops {draft}",
    "economic cooperation",
    "the recall of advisors",
    "the Warsaw Pact \\ consultations",
    "the Danube commission",
    "cultural exchanges",
]


def pages(r: random.Random, prefix: str) -> str:
    first = r.randint(1, 900)
    return f"{prefix} {first}-{first + r.randint(1, 5)}"


def romanian_archive(r: random.Random) -> str:
    section = r.choice(["Foreign Relations", "Chancellery", "Economic"])
    file = f"{r.randint(1, 300)}/{r.choice(['1955', '1956-1958', '1958'])}"
    return (
        f"National Central Historical Archives, Fund CC of the RCP - {section} Section, "
        f"File {file}, {pages(r, 'pp.')}"
    )


def russian_archive(r: random.Random) -> str:
    return (
        f"Russian State Archive of Contemporary History, f. {r.randint(1, 5)}, op. {r.randint(1, 30)}, "
        f"d. {r.randint(1, 2000)}, {pages(r, 'll.')}"
    )


def us_archive(r: random.Random) -> str:
    return (
        f"National Archives and Records Administration, RG {r.choice([59, 84, 263])}, "
        f"Central Decimal File 1955-59, Box {r.randint(1, 5000)}"
    )


ARCHIVES = [romanian_archive, russian_archive, us_archive]
SKIP = ("Source", "Copyright", "*", "[", "http")


def sentences() -> list[str]:
    letters = sorted((REPO / "corpus" / "letters").glob("*.txt"))
    text = " ".join(p.read_text(encoding="utf-8") for p in letters)
    found = (s.strip() for s in re.split(r"(?<=[.!?])\s+", text))
    return [s for s in found if 40 < len(s) < 400 and not any(m in s for m in SKIP)]


def body(r: random.Random, pool: list[str]) -> str:
    paragraphs, size, target = [], 0, r.randint(1000, 4000)
    while size < target:
        paragraph = " ".join(r.sample(pool, r.randint(1, 4)))
        paragraphs.append(paragraph)
        size += len(paragraph)
    return "\n\n".join(paragraphs)


def date_text(r: random.Random, style: int) -> tuple[str, int, int, int]:
    year, month, day = r.choice([1956, 1957, 1958, 1959]), r.randint(1, 12), r.randint(1, 28)
    name = MONTHS[month - 1]
    text = [f"{day} {name} {year}", f"{name} {day}, {year}", f"{name} {year}"][style]
    return text, year, month, day


def translators(r: random.Random) -> str:
    chosen = r.sample(TRANSLATORS, r.choice([0, 1, 1, 1, 2]))
    return f" Translated by {' and '.join(chosen)}" if chosen else ""


def php(r: random.Random, pool: list[str]) -> str:
    sender, addressee = r.sample(PARTIES, 2)
    date, *_ = date_text(r, r.choice([0, 0, 2]))
    rights = (
        "Copyright 1999-2006 Parallel History Project on NATO and the Warsaw Pact (PHP). All rights reserved "
        "If cited, quoted, translated, or reproduced, acknowledgement of any document's origin must be made."
    )
    see_also = ""
    if r.random() < 0.3:
        see_also = (
            f"\n\nSee also *România. Documente {r.randint(1, 9)}* [Romania. Documents], "
            f"Editura Enciclopedica, Bucharest, {r.randint(1990, 2010)} "
            "(coordinating editor: Prof. Ioan Scurtu, Ph.D.), pp. 1-2."
        )
    return (
        f"Letter from {sender[0]} to {addressee[0]} on {r.choice(SUBJECTS)}\n\n{r.choice(PLACES)}, {date}\n\n"
        f"TO {addressee[1]}\n\nDear Comrades,\n\n{body(r, pool)}\n\n{rights if r.random() < 0.7 else ''}\n\n"
        f"With communist greetings, {sender[2]}\n\n"
        f"[Source: {r.choice(ARCHIVES)(r)}.{translators(r)}]{see_also}\n"
    )


def wilson(r: random.Random, pool: list[str], number: int) -> str:
    sender, addressee = r.sample(PARTIES, 2)
    date, *_ = date_text(r, r.choice([1, 1, 0, 2]))
    title = f"Letter from {sender[0]} to {addressee[0]} on {r.choice(SUBJECTS)}"
    words = title.split()
    cut = len(words) // 2
    language = r.choice(["Romanian", "Russian", "English", None])
    contents = "Translation - English" if language != "English" else "Transcript - English"
    original = f"Original Language:\n\n{language}\n\n" if language else ""
    return (
        f"{date}\n\n**{' '.join(words[:cut])}\n{' '.join(words[cut:])}**\n\nCitation:\n\n"
        f'"{title}", {date}, Wilson Center Digital Archive, {r.choice(ARCHIVES)(r)}.{translators(r)}\n\n'
        f"<https://digitalarchive.wilsoncenter.org/document/{number}>\n\n{original}Contents:\n\n{contents}\n\n"
        f"TO {addressee[1]}\n\nDear Comrades,\n\n{body(r, pool)}\n\n"
        f"With communist greetings,\n{sender[2]}\n{date}\n"
    )


def generate(count: int, out: Path, seed: int = 1958) -> None:
    """Write ``count`` letters into ``out``/letters and the authority file into ``out``."""
    r = random.Random(seed)
    pool = sentences()
    letters = out / "letters"
    if letters.exists():
        shutil.rmtree(letters)
    letters.mkdir(parents=True)
    shutil.copy(REPO / "corpus" / "authorities.toml", out / "authorities.toml")
    for number in range(count):
        text = php(r, pool) if r.random() < 0.5 else wilson(r, pool, 200000 + number)
        ending = "\r\n" if r.random() < 0.2 else "\n"
        (letters / f"letter-{number:06d}.txt").write_bytes(text.replace("\n", ending).encode("utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("count", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=1958)
    args = parser.parse_args()
    generate(args.count, args.out, args.seed)


if __name__ == "__main__":
    main()
