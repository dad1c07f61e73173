"""``plan.xml``: the plan tree as XML, element by element (``schemas/plan.xsd``).

One function per node type of the JSON tree (``<type>_to_xml``), as bluebell's XML
generator does; attributes carry scalar values, elements carry text and children.
Activities, findings, alignment rows and text blocks are built and written one at a time
(:mod:`.xmlstream`), so a long plan's XML is never held whole.
Evidence entries are free-form, so each is kept as a ``<value key="...">`` with the JSON
of its value.
"""
from __future__ import annotations

import itertools
import json
from typing import Iterator

from lxml import etree

from ..model import LISTS
from .settings import Settings
from .xmlstream import Node, document

NS = "urn:polyplan:plan:1"


def _el(parent, tag: str, text: str | None = None, **attrs) -> etree._Element:
    el = etree.SubElement(parent, f"{{{NS}}}{tag}") if parent is not None else etree.Element(
        f"{{{NS}}}{tag}", nsmap={None: NS})
    for key, value in attrs.items():
        if value is not None:
            el.set(key.replace("_", "-"), _attr(value))
    if text is not None:
        el.text = text
    return el


def _attr(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def location_to_xml(parent, loc: dict | None, tag: str = "source") -> etree._Element | None:
    if not loc:
        return None
    attrs = {k: v for k, v in loc.items() if k != "bbox"}
    if "bbox" in loc:
        attrs["bbox"] = " ".join(str(v) for v in loc["bbox"])
    return _el(parent, tag, **attrs)


def item_to_xml(parent, item: dict, tag: str = "item") -> etree._Element:
    el = _el(parent, tag, marker=item.get("marker"), label=item.get("label"), number=item.get("number"))
    _el(el, "text", item["text"])
    location_to_xml(el, item["source"])
    for loc in item.get("continued", []):
        location_to_xml(el, loc, "continued")
    return el


def _lists_to_xml(node: dict) -> Iterator[etree._Element]:
    for name in LISTS:
        if node.get(name):
            holder = _el(None, name)
            for item in node[name]:
                item_to_xml(holder, item)
            yield holder
    for label in node.get("labels", []):
        label_el = _el(None, "label", field=label["field"])
        _el(label_el, "text", label["text"])
        location_to_xml(label_el, label["source"])
        yield label_el


def activity_to_xml(act: dict) -> etree._Element:
    el = _el(None, "activity", id=act["id"], number=act["number"], marker=act.get("marker"))
    _el(el, "text", act["text"])
    for indicator in act["indicators"]:
        _el(el, "indicator", indicator)
    for agency in act["agencies"]:
        _el(el, "agency", agency["name"], ref=agency["id"], expanded=agency.get("expanded"))
    if act["period"]:
        _el(el, "period", act["period"]["raw"], **{k: v for k, v in act["period"].items() if k != "raw"})
    for f in act["fields"]:
        field_to_xml(el, f)
    location_to_xml(el, act["source"])
    for loc in act.get("continued", []):
        location_to_xml(el, loc, "continued")
    for loc in act.get("extent", []):
        location_to_xml(el, loc, "extent")
    return el


def field_to_xml(parent, f: dict) -> etree._Element:
    field = _el(parent, "field", name=f["field"], label=f["label"], column=f.get("column"))
    _el(field, "value", f["value"])
    location_to_xml(field, f["source"])
    for loc in f.get("continued", []):
        location_to_xml(field, loc, "continued")
    return field


def section_to_xml(section: dict) -> Node:
    el = _el(None, "section", id=section["id"], number=section["number"], declared=section["declared"])
    fields = (field_to_xml(None, f) for f in section.get("fields", []))
    return el, itertools.chain(_headed(section), fields, map(activity_to_xml, section["activities"]))


def part_to_xml(part: dict) -> Node:
    el = _el(None, "part", id=part["id"], number=part["number"])
    return el, itertools.chain(_headed(part), map(section_to_xml, part["sections"]))


def _headed(node: dict) -> Iterator[etree._Element]:
    if node.get("heading") is not None:
        yield _el(None, "heading", node["heading"])
    if node.get("title") is not None:
        yield _el(None, "title", node["title"])
    if node.get("source"):
        yield location_to_xml(None, node["source"])
    yield from _lists_to_xml(node)


def version_to_xml(lang: str, version: dict) -> Node:
    return _el(None, "version", lang=lang), _version_children(version)


def _version_children(version: dict) -> Iterator[Node]:
    if version.get("title") is not None:
        title = _el(None, "title")
        _el(title, "text", version["title"])
        location_to_xml(title, version.get("title_source"))
        yield title
    for name, tag in (("preamble", "preamble"), ("notes", "notes")):
        if version.get(name):
            holder = _el(None, tag)
            for item in version[name]:
                item_to_xml(holder, item)
            yield holder
    yield from map(part_to_xml, version["parts"])


def loose_to_xml(tag: str, items: list[dict]) -> Node:
    def block(loose: dict) -> etree._Element:
        el = _el(None, "text-block", lang=loose.get("lang"), reason=loose.get("reason"))
        _el(el, "text", loose["text"])
        location_to_xml(el, loose["source"])
        return el
    return _el(None, tag), map(block, items)


def finding_to_xml(finding: dict) -> etree._Element:
    el = _el(None, "finding", code=finding["code"], severity=finding["severity"], lang=finding["lang"],
             accepted=finding.get("accepted"))
    _el(el, "message", finding["message"])
    for ref in finding["refs"]:
        _el(el, "ref", ref)
    for entry in finding["evidence"]:
        evidence = _el(el, "evidence")
        for key, value in entry.items():
            _el(evidence, "value", json.dumps(value, ensure_ascii=False), key=key)
    return el


def row_to_xml(row: dict) -> etree._Element:
    el = _el(None, "row", kind=row["kind"], score=row["score"], crossed=row["crossed"])
    for lang, ref in row["refs"].items():
        _el(el, "ref", ref, lang=lang) if ref else _el(el, "ref", lang=lang, missing=True)
    return el


def tree_to_xml(tree: dict, _settings: Settings = Settings()) -> dict[str, Iterator[bytes]]:
    """``plan.xml`` from the plan tree, written element by element (:mod:`.xmlstream`)."""
    root = _el(None, "plan", name=tree["name"], schema=tree["schema"])
    return {"plan.xml": document((root, _plan_children(tree)), NS)}


def source_to_xml(parent, index: int, source: dict) -> etree._Element:
    """A source file: its scalar facts as attributes; what its reader removed, skipped or
    recognised by OCR as child elements."""
    lists = ("replaced_at", "removed", "skipped", "ocr", "converted", "respelled")
    el = _el(parent, "file", index=index, **{k: v for k, v in source.items() if k not in lists})
    if source.get("replaced_at"):
        _el(el, "replaced-at", " ".join(map(str, source["replaced_at"])))
    for removed in source.get("removed", []):
        location_to_xml(_el(el, "removed", chars=" ".join(f"U+{c:04X}" for c in removed["chars"])), removed["source"])
    for skipped in source.get("skipped", []):
        location_to_xml(_el(el, "skipped", reason=skipped["reason"]), skipped["source"])
    if source.get("converted"):
        _el(el, "converted", **source["converted"])
    if source.get("respelled"):
        r = source["respelled"]
        respelled = _el(el, "respelled", table=r["table"], title=r["title"], changed=r["changed"],
                        before=r["example"][0], after=r["example"][1])
        for raw in r.get("raw", []):
            location_to_xml(_el(respelled, "raw", raw["text"]), raw["source"])
    for page in source.get("ocr", []):
        _el(el, "ocr", **page)
    return el


def _plan_children(tree: dict) -> Iterator[Node]:
    sources = _el(None, "sources")
    for n, source in enumerate(tree["sources"]):
        source_to_xml(sources, n, source)
    yield sources
    if tree.get("metadata"):
        yield _el(None, "metadata", **tree["metadata"])
    for lang in tree["languages"]:
        yield version_to_xml(lang, tree["versions"][lang])
    for key in ("front_matter", "back_matter", "unparsed", "furniture"):
        yield loose_to_xml(key.replace("_", "-"), tree[key])
    yield _el(None, "coverage", **tree["coverage"])
    yield _el(None, "alignment"), map(row_to_xml, tree["alignment"])
    yield _el(None, "findings"), map(finding_to_xml, tree["findings"])
