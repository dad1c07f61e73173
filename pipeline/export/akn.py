"""``akn/<lang>.xml``: each language version as an Akoma Ntoso 3.0 document (OASIS LegalDocML).

An ``act`` whose ``body`` holds ``part`` › ``section`` › ``hcontainer name="activity"``
(``num`` as printed, ``content`` with the activity text and its fields as printed;
agencies marked ``organization`` with ``refersTo`` the gazetteer id).  Needs, aims and
objectives are ``hcontainer``s named so.  FRBR metadata (:func:`work_uri`): one Work per
plan — country, date and a name independent of the files' formats, so that the DOCX and the
PDF of one plan are one Work — and each language an Expression of it (ISO 639-2, from the
lexicon); the Work and Expression's author is the issuer (``--issuer``), the Manifestation's
polyplan; each agency's ``showAs`` is its gazetteer name in the version's language.  eIds come from the alignment rows, not from
printed numbers, so the same activity has the same eId in every language
(``part_1__sec_3__hcontainer_14``) even where a version misnumbers it.
"""
from __future__ import annotations

import functools
import tomllib

import regex
from lxml import etree

from ..lexicon import LEXICON_DIR, lexicon_for
from ..model import LISTS
from .settings import Settings
from .tree import rows, work_name

AKN = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
YEAR = regex.compile(r"(?:19|20)\d\d")
COUNTRY = "xx"  # without --country (or plan.toml): ISO 3166's user-assigned code, "unknown"


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


def work_uri(tree: dict) -> tuple[str, str, str]:
    """The Work's URI, its FRBR date and that date's name: ``/akn/<country>/act/plan/<date>/<name>``
    from ``metadata`` (``--country``, ``--date``, or ``plan.toml``) and :func:`.tree.work_name`,
    so that the DOCX and the PDF of one plan are one Work.  Without ``--date`` the year of the
    first version's title stands in the URI, and the FRBR date is 1 January of it, named
    ``year-from-title`` (``unknown``, 1970-01-01, without a year)."""
    meta = tree.get("metadata") or {}
    country = (meta.get("country") or COUNTRY).lower()
    if meta.get("date"):
        date, stamp, name = meta["date"], meta["date"], "adoption"
    else:
        titles = [v.get("title") or "" for v in tree["versions"].values()]
        years = [y for title in titles for y in YEAR.findall(title)]
        date, stamp, name = (years[0], f"{years[0]}-01-01", "year-from-title") if years else (
            "1970", "1970-01-01", "unknown")
    return f"/akn/{country}/act/plan/{date}/{work_name(tree)}", stamp, name


def _issuer(tree: dict) -> tuple[str, str, str]:
    """(eId, href, showAs) of the plan's author: ``--issuer``, else an unknown organisation."""
    meta = tree.get("metadata") or {}
    issuer = meta.get("issuer")
    if not issuer:
        return "issuer", "/ontology/organization/unknown", "unknown issuer (not given: --issuer or plan.toml)"
    slug = regex.sub(r"[^\p{Ll}\p{Lo}\p{N}]+", "-", issuer.lower()).strip("-") or "issuer"
    country = (meta.get("country") or COUNTRY).lower()
    return "issuer", f"/ontology/organization/{country}/{slug}", issuer


def _meta(doc, tree: dict, lang: str, version: dict) -> None:
    lex = lexicon_for(lang)
    work, date, date_name = work_uri(tree)
    expression = f"{work}/{lex.iso639_2}@"
    meta = _el(doc, "meta")
    ident = _el(meta, "identification", source="#polyplan")
    for level, this, uri, author in (("FRBRWork", f"{work}/!main", work, "#issuer"),
                                     ("FRBRExpression", f"{expression}/!main", expression, "#issuer"),
                                     ("FRBRManifestation", f"{expression}/!main.xml", f"{expression}.akn", "#polyplan")):
        frbr = _el(ident, level)
        _el(frbr, "FRBRthis", value=this)
        _el(frbr, "FRBRuri", value=uri)
        _el(frbr, "FRBRdate", date=date, name=date_name)
        _el(frbr, "FRBRauthor", href=author)
        if level == "FRBRWork":
            _el(frbr, "FRBRcountry", value=work.split("/")[2])
            _el(frbr, "FRBRsubtype", value="plan")
            _el(frbr, "FRBRname", value=work_name(tree))
        if level == "FRBRExpression":
            _el(frbr, "FRBRlanguage", language=lex.iso639_2)
    refs = _el(meta, "references", source="#polyplan")
    eid, href, show = _issuer(tree)
    _el(refs, "TLCOrganization", eId=eid, href=href, showAs=show)
    _el(refs, "TLCOrganization", eId="polyplan", href="/ontology/organization/polyplan", showAs="polyplan")
    names = agency_names(lang)
    shown: dict[str, str] = {}
    for act in _activities(version):
        for agency in act["agencies"]:
            if agency["id"]:
                shown.setdefault(agency["id"], names.get(agency["id"]) or agency.get("expanded") or agency["name"])
    for agency in sorted(shown):
        _el(refs, "TLCOrganization", eId=agency, href=f"/ontology/organization/{agency}", showAs=shown[agency])


@functools.cache
def agency_names(lang: str) -> dict[str, str]:
    """Each gazetteer agency's first name in ``lang`` (``lexicon/agencies.toml``): its full name."""
    data = tomllib.loads((LEXICON_DIR / "agencies.toml").read_text(encoding="utf-8"))
    return {agency: names[lang][0] for agency, names in data.items() if names.get(lang)}


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


def tree_to_akn(tree: dict, _settings: Settings = Settings()) -> dict[str, bytes]:
    """``akn/<lang>.xml`` for every version of the plan tree."""
    ids = eids(tree)
    return {f"akn/{lang}.xml": version_to_akn(tree, lang, ids) for lang in tree["languages"]}

