"""``akn/<lang>.xml``: each language version as an Akoma Ntoso 3.0 document (OASIS LegalDocML).

An ``act`` whose ``body`` holds ``part`` › ``section`` › ``hcontainer name="activity"``
(``num`` as printed, ``content`` with the activity text and its fields as printed;
agencies marked ``organization`` with ``refersTo`` the gazetteer id).  Needs, aims and
objectives are ``hcontainer``s named so.  FRBR metadata give the country, the plan and
the language (ISO 639-2, from the lexicon).  eIds come from the alignment rows, not from
printed numbers, so the same activity has the same eId in every language
(``part_1__sec_3__hcontainer_14``) even where a version misnumbers it.
"""
from __future__ import annotations

import regex
from lxml import etree

from ..lexicon import lexicon_for
from ..model import LISTS
from .table import rows

AKN = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
YEAR = regex.compile(r"(?:19|20)\d\d")
COUNTRY = "xx"  # plan.json does not record the issuing country; "xx" is ISO 3166's user-assigned "unknown"


def _el(parent, tag: str, text: str | None = None, **attrs) -> etree._Element:
    el = etree.SubElement(parent, f"{{{AKN}}}{tag}", {k: str(v) for k, v in attrs.items() if v is not None})
    if text is not None:
        el.text = text
    return el


def eids(tree: dict) -> dict[str, str]:
    """eId of every part, section and activity, from the alignment rows (same in every language)."""
    counters = {"part": 0, "section": 0, "activity": 0}
    row_no: dict[str, int] = {}
    for row in rows(tree):
        counters[row["kind"]] += 1
        row_no.update((ref, counters[row["kind"]]) for ref in row["refs"].values() if ref)
    out = {}
    for version in tree["versions"].values():
        for p_n, part in enumerate(version["parts"], start=1):
            pid = out[part["id"]] = f"part_{row_no.get(part['id'], p_n)}"
            for s_n, section in enumerate(part["sections"], start=1):
                sid = out[section["id"]] = f"{pid}__sec_{row_no.get(section['id'], s_n)}"
                for a_n, act in enumerate(section["activities"], start=1):
                    out[act["id"]] = f"{sid}__hcontainer_{row_no.get(act['id'], a_n)}"
    return out


def _meta(doc, tree: dict, lang: str, version: dict) -> None:
    lex = lexicon_for(lang)
    years = YEAR.findall(version.get("title") or "")
    date = f"{years[0]}-01-01" if years else "1970-01-01"
    work = f"/akn/{COUNTRY}/act/plan/{date[:4]}/{regex.sub(r'[^a-z0-9-]+', '-', tree['name'].lower()).strip('-')}"
    meta = _el(doc, "meta")
    ident = _el(meta, "identification", source="#polyplan")
    for level, this, extra in (("FRBRWork", f"{work}/!main", None),
                               ("FRBRExpression", f"{work}/{lex.iso639_2}@/!main", lex.iso639_2),
                               ("FRBRManifestation", f"{work}/{lex.iso639_2}@/!main.xml", None)):
        frbr = _el(ident, level)
        _el(frbr, "FRBRthis", value=this)
        _el(frbr, "FRBRuri", value=this.rsplit("/!", 1)[0])
        _el(frbr, "FRBRdate", date=date, name="plan" if years else "unknown")
        _el(frbr, "FRBRauthor", href="#polyplan")
        if level == "FRBRWork":
            _el(frbr, "FRBRcountry", value=COUNTRY)
        if extra:
            _el(frbr, "FRBRlanguage", language=extra)
    refs = _el(meta, "references", source="#polyplan")
    _el(refs, "TLCOrganization", eId="polyplan", href="/ontology/organization/polyplan", showAs="polyplan")
    agencies = sorted({a["id"] for act in _activities(version) for a in act["agencies"] if a["id"]})
    for agency in agencies:
        _el(refs, "TLCOrganization", eId=agency, href=f"/ontology/organization/{agency}", showAs=agency)


def _activities(version: dict):
    for part in version["parts"]:
        for section in part["sections"]:
            yield from section["activities"]


def _p(parent, text: str, **attrs) -> etree._Element:
    return _el(parent, "p", text, **attrs)


def _agencies_p(content, field: dict, act: dict) -> None:
    """The printed agencies field, each known agency marked as an organization."""
    p = _p(content, f"{field['label']} " if field["label"] else "", **{"class": "agencies"})
    value, last = field["value"], None
    for agency in act["agencies"]:
        at = value.find(agency["name"])
        if at < 0 or not agency["id"]:
            continue
        _append(p, last, value[:at])
        last = _el(p, "organization", agency["name"], refersTo=f"#{agency['id']}")
        value = value[at + len(agency["name"]):]
    _append(p, last, value)


def _append(p, last, text: str) -> None:
    if last is None:
        p.text = (p.text or "") + text
    else:
        last.tail = (last.tail or "") + text


def _activity(parent, act: dict, eid: str) -> None:
    hc = _el(parent, "hcontainer", name="activity", eId=eid)
    if act.get("marker") or act.get("number"):
        _el(hc, "num", act.get("marker") or act["number"])
    content = _el(hc, "content")
    _p(content, act["text"])
    for f in act["fields"]:
        if f["field"] == "agencies":
            _agencies_p(content, f, act)
        else:
            _p(content, " ".join(x for x in (f["label"], f["value"]) if x), **{"class": f["field"]})


def _lists(parent, node: dict, eid: str) -> None:
    labels = {l["field"]: l["text"] for l in node.get("labels", [])}
    for name in LISTS:
        if not node[name]:
            continue
        hc = _el(parent, "hcontainer", name=name, eId=f"{eid}__{name}")
        label = labels.get(name) or next((i["label"] for i in node[name] if i.get("label")), None)
        if label:
            _el(hc, "heading", label.rstrip(": "))
        content = _el(hc, "content")
        for item in node[name]:
            _p(content, " ".join(x for x in (item.get("marker"), item["text"]) if x))


def _hier(parent, tag: str, node: dict, eid: str, **attrs) -> etree._Element:
    el = _el(parent, tag, eId=eid, **attrs)
    if node.get("number"):
        _el(el, "num", node["number"])
    if node.get("title") or node.get("heading"):
        _el(el, "heading", node.get("title") or node["heading"])
    _lists(el, node, eid)
    return el


def version_to_akn(tree: dict, lang: str, ids: dict[str, str]) -> bytes:
    version = tree["versions"][lang]
    root = etree.Element(f"{{{AKN}}}akomaNtoso", nsmap={None: AKN})
    act = _el(root, "act", name="actionPlan")
    _meta(act, tree, lang, version)
    if version.get("title"):
        _p(_el(_el(act, "preface"), "longTitle"), version["title"])
    if version.get("preamble"):
        preamble = _el(act, "preamble")
        for item in version["preamble"]:
            _p(preamble, " ".join(x for x in (item.get("label"), item.get("marker"), item["text"]) if x))
    body = _el(act, "body")
    for part in version["parts"]:
        part_el = _hier(body, "part", part, ids[part["id"]])
        for section in part["sections"]:
            sec_el = _hier(part_el, "section", section, ids[section["id"]],
                           **({} if section["declared"] else {"class": "undeclared"}))
            for activity in section["activities"]:
                _activity(sec_el, activity, ids[activity["id"]])
    if not version["parts"]:
        _p(_el(_el(body, "hcontainer", name="empty", eId="hcontainer_1"), "content"), "")
    if version.get("notes"):
        conclusions = _el(act, "conclusions")
        for item in version["notes"]:
            _p(conclusions, " ".join(x for x in (item.get("label"), item.get("marker"), item["text"]) if x))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def tree_to_akn(tree: dict) -> dict[str, bytes]:
    """``akn/<lang>.xml`` for every version of the plan tree."""
    ids = eids(tree)
    return {f"akn/{lang}.xml": version_to_akn(tree, lang, ids) for lang in tree["languages"]}

