"""``plan.tmx``: translation units from the alignment, for translators' CAT tools (TMX 1.4b).

One ``<tu>`` per aligned text unit — an activity's text, each of its indicators (by
position), its agencies as printed; a part's or section's title and each of its needs,
aims and objectives (by position) — with one ``<tuv xml:lang>`` per version that has it.
``tuid`` is ``<row>.<unit>`` (``a12.text``, ``a12.indicator.2``, ``s3.needs.1``);
``<prop>``s record the kind, the element ids and printed numbers per language
(``x-id-tk``, ``x-number-tk``).  The header carries the attributes TMX 1.4b requires
(creationtool, creationtoolversion, segtype, o-tmf, adminlang, srclang, datatype).
"""
from __future__ import annotations

from typing import Iterator

from lxml import etree

from .. import __version__
from ..model import LISTS
from .table import elements, rows
from .xmlstream import document

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _activity_units(members: dict[str, dict]) -> list[tuple[str, dict[str, str]]]:
    units = [("text", {lang: a["text"] for lang, a in members.items()})]
    for k in range(max(len(a["indicators"]) for a in members.values())):
        units.append((f"indicator.{k + 1}", {lang: a["indicators"][k] for lang, a in members.items()
                                             if k < len(a["indicators"])}))
    agencies = {lang: "\n".join(f["value"] for f in a["fields"] if f["field"] == "agencies")
                for lang, a in members.items()}
    units.append(("agencies", {lang: text for lang, text in agencies.items() if text}))
    return units


def _node_units(members: dict[str, dict]) -> list[tuple[str, dict[str, str]]]:
    units = [("title", {lang: n.get("title") or n.get("heading") or "" for lang, n in members.items()})]
    for name in LISTS:
        for k in range(max(len(n[name]) for n in members.values())):
            units.append((f"{name}.{k + 1}", {lang: n[name][k]["text"] for lang, n in members.items()
                                              if k < len(n[name])}))
    return units


def _tu(tuid: str, kind: str, members: dict[str, dict], texts: dict[str, str]) -> etree._Element:
    tu = etree.Element("tu", tuid=tuid)
    etree.SubElement(tu, "prop", type="x-kind").text = kind
    for lang, element in members.items():
        etree.SubElement(tu, "prop", type=f"x-id-{lang}").text = element["id"]
        if element.get("number"):
            etree.SubElement(tu, "prop", type=f"x-number-{lang}").text = element["number"]
    for lang, text in texts.items():
        tuv = etree.SubElement(tu, "tuv", {XML_LANG: lang})
        etree.SubElement(tuv, "seg").text = text
    return tu


def translation_units(tree: dict) -> Iterator[tuple[str, str, dict[str, dict], dict[str, str]]]:
    """(tuid, kind, elements per language, text per language) for every unit with text."""
    index = elements(tree)
    for n, row in enumerate(rows(tree), start=1):
        members = {lang: index[ref] for lang, ref in row["refs"].items() if ref}
        prefix = row["kind"][0] + str(n)
        units = _activity_units(members) if row["kind"] == "activity" else _node_units(members)
        for unit, texts in units:
            texts = {lang: t for lang, t in texts.items() if t}
            if texts:
                yield f"{prefix}.{unit}", row["kind"], members, texts


def tree_to_tmx(tree: dict) -> dict[str, Iterator[bytes]]:
    """``plan.tmx`` from the plan tree, written unit by unit (:mod:`.xmlstream`)."""
    root = etree.Element("tmx", version="1.4")
    header = etree.Element("header", {
        "creationtool": "polyplan", "creationtoolversion": __version__, "segtype": "paragraph",
        "o-tmf": "polyplan.plan/1", "adminlang": "en", "srclang": tree["languages"][0] if tree["languages"] else "en",
        "datatype": "plaintext"})
    body = etree.Element("body"), (_tu(*unit) for unit in translation_units(tree))
    return {"plan.tmx": document((root, (header, body)), doctype='<!DOCTYPE tmx SYSTEM "tmx14.dtd">')}
