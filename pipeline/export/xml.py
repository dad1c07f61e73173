"""``plan.xml``: the plan tree as XML, element by element (``schemas/plan.xsd``).

One function per node type of the JSON tree (``<type>_to_xml``), as bluebell's XML
generator does; attributes carry scalar values, elements carry text and children.
Evidence entries are free-form, so each is kept as a ``<value key="...">`` with the JSON
of its value.
"""
from __future__ import annotations

import json

from lxml import etree

from ..model import LISTS

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


def location_to_xml(parent, loc: dict | None, tag: str = "source") -> None:
    if not loc:
        return
    attrs = {k: v for k, v in loc.items() if k != "bbox"}
    if "bbox" in loc:
        attrs["bbox"] = " ".join(str(v) for v in loc["bbox"])
    _el(parent, tag, **attrs)


def item_to_xml(parent, item: dict, tag: str = "item") -> None:
    el = _el(parent, tag, marker=item.get("marker"), label=item.get("label"), number=item.get("number"))
    _el(el, "text", item["text"])
    location_to_xml(el, item["source"])
    for loc in item.get("continued", []):
        location_to_xml(el, loc, "continued")


def _lists_to_xml(el, node: dict) -> None:
    for name in LISTS:
        if node.get(name):
            holder = _el(el, name)
            for item in node[name]:
                item_to_xml(holder, item)
    for label in node.get("labels", []):
        label_el = _el(el, "label", field=label["field"])
        _el(label_el, "text", label["text"])
        location_to_xml(label_el, label["source"])


def activity_to_xml(parent, act: dict) -> None:
    el = _el(parent, "activity", id=act["id"], number=act["number"], marker=act.get("marker"))
    _el(el, "text", act["text"])
    for indicator in act["indicators"]:
        _el(el, "indicator", indicator)
    for agency in act["agencies"]:
        _el(el, "agency", agency["name"], ref=agency["id"])
    if act["period"]:
        _el(el, "period", act["period"]["raw"], **{k: v for k, v in act["period"].items() if k != "raw"})
    for f in act["fields"]:
        field = _el(el, "field", name=f["field"], label=f["label"])
        _el(field, "value", f["value"])
        location_to_xml(field, f["source"])
        for loc in f.get("continued", []):
            location_to_xml(field, loc, "continued")
    location_to_xml(el, act["source"])
    for loc in act.get("continued", []):
        location_to_xml(el, loc, "continued")
    for loc in act.get("extent", []):
        location_to_xml(el, loc, "extent")


def section_to_xml(parent, section: dict) -> None:
    el = _el(parent, "section", id=section["id"], number=section["number"], declared=section["declared"])
    _headed(el, section)
    for act in section["activities"]:
        activity_to_xml(el, act)


def part_to_xml(parent, part: dict) -> None:
    el = _el(parent, "part", id=part["id"], number=part["number"])
    _headed(el, part)
    for section in part["sections"]:
        section_to_xml(el, section)


def _headed(el, node: dict) -> None:
    if node.get("heading") is not None:
        _el(el, "heading", node["heading"])
    if node.get("title") is not None:
        _el(el, "title", node["title"])
    location_to_xml(el, node.get("source"))
    _lists_to_xml(el, node)


def version_to_xml(parent, lang: str, version: dict) -> None:
    el = _el(parent, "version", lang=lang)
    if version.get("title") is not None:
        title = _el(el, "title")
        _el(title, "text", version["title"])
        location_to_xml(title, version.get("title_source"))
    for name, tag in (("preamble", "preamble"), ("notes", "notes")):
        if version.get(name):
            holder = _el(el, tag)
            for item in version[name]:
                item_to_xml(holder, item)
    for part in version["parts"]:
        part_to_xml(el, part)


def loose_to_xml(parent, tag: str, items: list[dict]) -> None:
    holder = _el(parent, tag)
    for loose in items:
        el = _el(holder, "text-block", lang=loose.get("lang"), reason=loose.get("reason"))
        _el(el, "text", loose["text"])
        location_to_xml(el, loose["source"])


def finding_to_xml(parent, finding: dict) -> None:
    el = _el(parent, "finding", code=finding["code"], severity=finding["severity"], lang=finding["lang"])
    _el(el, "message", finding["message"])
    for ref in finding["refs"]:
        _el(el, "ref", ref)
    for entry in finding["evidence"]:
        evidence = _el(el, "evidence")
        for key, value in entry.items():
            _el(evidence, "value", json.dumps(value, ensure_ascii=False), key=key)


def row_to_xml(parent, row: dict) -> None:
    el = _el(parent, "row", kind=row["kind"], score=row["score"], crossed=row["crossed"])
    for lang, ref in row["refs"].items():
        _el(el, "ref", ref, lang=lang) if ref else _el(el, "ref", lang=lang, missing=True)


def tree_to_xml(tree: dict) -> dict[str, bytes]:
    """``plan.xml`` from the plan tree."""
    root = _el(None, "plan", name=tree["name"], schema=tree["schema"])
    sources = _el(root, "sources")
    for n, source in enumerate(tree["sources"]):
        _el(sources, "file", index=n, **source)
    for lang in tree["languages"]:
        version_to_xml(root, lang, tree["versions"][lang])
    for key in ("front_matter", "back_matter", "unparsed", "furniture"):
        loose_to_xml(root, key.replace("_", "-"), tree[key])
    _el(root, "coverage", **tree["coverage"])
    alignment = _el(root, "alignment")
    for row in tree["alignment"]:
        row_to_xml(alignment, row)
    findings = _el(root, "findings")
    for finding in tree["findings"]:
        finding_to_xml(findings, finding)
    return {"plan.xml": etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)}
