"""``plan.tmx``: translation units from the alignment, for translators' CAT tools (TMX 1.4b).

One ``<tu>`` per aligned text unit, with one ``<tuv xml:lang>`` per version that has it —
and a unit pairs only what corresponds:

* an activity's text; its indicators one unit each when every version that has indicators
  has as many of them (``a12.indicator.2``), else all of them as one unit
  (``a12.indicators``: the printed fields, line by line) — never a whole list against one
  item; its agencies as printed;
* a part's or section's title; its needs, aims and objectives the same way as indicators
  (``s3.needs.1`` or ``s3.needs``).

``--tmx-segment sentence`` cuts each unit into sentences (:mod:`.segment`) where every
version gives the same number of them (``a12.text.s2``), and keeps it whole elsewhere.
``tuid`` is ``<row>.<unit>``; ``<prop>``s record the kind, and per language the element id,
printed number and where it is printed (``x-id-tk``, ``x-number-tk``, ``x-where-tk``).
The header carries the attributes TMX 1.4b requires; ``srclang`` is ``--tmx-srclang`` (when
the plan has that language; else the plan's first), whose ``<tuv>`` comes first; language
codes are the plan's (``tk``) or the locales given (``--tmx-locale tk=tk-TM``).
"""
from __future__ import annotations

from typing import Iterator

from lxml import etree

from .. import __version__
from ..model import LISTS
from .segment import sentences
from .settings import Settings
from .tree import elements, rows, where
from .xmlstream import document

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
Units = list[tuple[str, dict[str, str]]]


def _listed(name: str, whole: str, members: dict[str, list[str]], printed: dict[str, str]) -> Units:
    """One unit per item when every member that has items has as many; else one unit with all."""
    present = {lang: items for lang, items in members.items() if items}
    counts = {len(items) for items in present.values()}
    if len(counts) == 1:
        return [(f"{name}.{k + 1}", {lang: items[k] for lang, items in present.items()}) for k in range(counts.pop())]
    return [(whole, {lang: printed[lang] for lang in present})] if present else []


def _activity_units(members: dict[str, dict]) -> Units:
    units = [("text", {lang: a["text"] for lang, a in members.items()})]
    printed = {lang: "\n".join(f["value"] for f in a["fields"] if f["field"] == "indicators") or
               "\n".join(a["indicators"]) for lang, a in members.items()}
    units += _listed("indicator", "indicators", {lang: a["indicators"] for lang, a in members.items()}, printed)
    agencies = {lang: "\n".join(f["value"] for f in a["fields"] if f["field"] == "agencies")
                for lang, a in members.items()}
    units.append(("agencies", {lang: text for lang, text in agencies.items() if text}))
    return units


def _node_units(members: dict[str, dict]) -> Units:
    units = [("title", {lang: n.get("title") or n.get("heading") or "" for lang, n in members.items()})]
    for name in LISTS:
        items = {lang: [i["text"] for i in n[name]] for lang, n in members.items()}
        units += _listed(name, name, items, {lang: "\n".join(texts) for lang, texts in items.items()})
    return units


def _segmented(unit: str, texts: dict[str, str]) -> Units:
    """The unit cut into sentences where every language has the same number of them."""
    cut = {lang: [s.strip() for s in sentences(lang, text)] for lang, text in texts.items()}
    counts = {len(s) for s in cut.values()}
    if len(texts) < 2 or len(counts) != 1 or counts == {1}:
        return [(unit, texts)]
    return [(f"{unit}.s{k + 1}", {lang: s[k] for lang, s in cut.items()}) for k in range(counts.pop())]


def _tu(tuid: str, kind: str, members: dict[str, dict], texts: dict[str, str], settings: Settings,
        sources: list[dict]) -> etree._Element:
    tu = etree.Element("tu", tuid=tuid)
    etree.SubElement(tu, "prop", type="x-kind").text = kind
    for lang, element in members.items():
        etree.SubElement(tu, "prop", type=f"x-id-{lang}").text = element["id"]
        if element.get("number"):
            etree.SubElement(tu, "prop", type=f"x-number-{lang}").text = element["number"]
        if where(element.get("source"), sources):
            etree.SubElement(tu, "prop", type=f"x-where-{lang}").text = where(element["source"], sources)
    for lang, text in texts.items():
        tuv = etree.SubElement(tu, "tuv", {XML_LANG: settings.locale(lang)})
        etree.SubElement(tuv, "seg").text = text
    return tu


def source_language(tree: dict, settings: Settings = Settings()) -> str | None:
    """The plan language the TMX is written from: ``settings.tmx_srclang`` when the plan has
    it, else the plan's first language."""
    langs = tree["languages"]
    return settings.tmx_srclang if settings.tmx_srclang in langs else (langs[0] if langs else None)


def translation_units(tree: dict, settings: Settings = Settings()
                      ) -> Iterator[tuple[str, str, dict[str, dict], dict[str, str]]]:
    """(tuid, kind, elements per language, text per language) for every unit with text, the
    source language's text first."""
    index = elements(tree)
    first = source_language(tree, settings)
    for n, row in enumerate(rows(tree), start=1):
        members = {lang: index[ref] for lang, ref in row["refs"].items() if ref}
        prefix = row["kind"][0] + str(n)
        units = _activity_units(members) if row["kind"] == "activity" else _node_units(members)
        for unit, texts in units:
            texts = dict(sorted(((lang, t) for lang, t in texts.items() if t), key=lambda kv: kv[0] != first))
            if not texts:
                continue
            for name, part in _segmented(unit, texts) if settings.tmx_segment == "sentence" else [(unit, texts)]:
                yield f"{prefix}.{name}", row["kind"], members, part


def tree_to_tmx(tree: dict, settings: Settings = Settings()) -> dict[str, Iterator[bytes]]:
    """``plan.tmx`` from the plan tree, written unit by unit (:mod:`.xmlstream`)."""
    root = etree.Element("tmx", version="1.4")
    first = source_language(tree, settings)
    header = etree.Element("header", {
        "creationtool": "polyplan", "creationtoolversion": __version__, "segtype": settings.tmx_segment,
        "o-tmf": "polyplan.plan/1", "adminlang": "en", "srclang": settings.locale(first) if first else "*all*",
        "datatype": "plaintext"})
    body = etree.Element("body"), (_tu(*unit, settings, tree["sources"]) for unit in translation_units(tree, settings))
    return {"plan.tmx": document((root, (header, body)), doctype='<!DOCTYPE tmx SYSTEM "tmx14.dtd">')}
