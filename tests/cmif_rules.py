"""The CMIF schema and the Schematron rules of odd_cmif.sch, checked as the rules say: shared by
the tests of the CMIF export and of the authority identifiers it carries."""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

CMIF = Path(__file__).resolve().parents[2] / "shared" / "vocab" / "cmif"
if not CMIF.is_dir():
    CMIF = Path("/work/shared/vocab/cmif")
TEI = {"t": "http://www.tei-c.org/ns/1.0"}
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def schema() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(CMIF / "schema_cmi-customization.rng")))


def rules(doc: etree._ElementTree) -> list[str]:
    """The Schematron rules of odd_cmif.sch a document breaks, each checked as the rule says
    (the warning W0001 included)."""
    broken = []
    ids = [b.get("{http://www.w3.org/XML/1998/namespace}id") or "" for b in doc.iterfind(".//t:bibl", TEI)]
    if not all(UUID.search(i) for i in ids):
        broken.append("W0001")
    for desc in doc.iterfind(".//t:correspDesc", TEI):
        if not desc.findall("t:correspAction[@type='sent']", TEI):
            broken.append("E0001")
        if not desc.findall("t:correspAction[@type='received']", TEI):
            broken.append("E0002")
        source = desc.get("source")
        if source is not None and source.partition("#")[2] not in ids:
            broken.append("E0003")
    for date in doc.iterfind(".//t:date", TEI):
        if not any(date.get(a) for a in ("when", "from", "to", "notBefore", "notAfter")):
            broken.append("E0004")
    return sorted(set(broken))
