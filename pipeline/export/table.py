"""``activities.csv``: one row per alignment row, the versions side by side, for spreadsheets.

Columns: ``row``, ``kind``, ``score``, ``findings`` (codes of the findings whose refs touch
the row), then per language ``<lang>_id``, ``_number``, ``_text``, ``_indicators``,
``_agencies``, ``_agency_ids``, ``_period``, ``_start``, ``_end``, ``_kind``.  Lists are
joined with `` | ``.  UTF-8 with a byte-order mark, so that a spreadsheet opens Cyrillic
and Turkmen letters correctly.  A plan with a single version has one row per part,
section and activity.
"""
from __future__ import annotations

import csv
import io

PER_LANG = ("id", "number", "text", "indicators", "agencies", "agency_ids", "period", "start", "end", "kind")
JOIN = " | "


def elements(tree: dict) -> dict[str, dict]:
    """Every part, section and activity of the tree by id."""
    out = {}
    for version in tree["versions"].values():
        for part in version["parts"]:
            out[part["id"]] = part
            for section in part["sections"]:
                out[section["id"]] = section
                out.update((a["id"], a) for a in section["activities"])
    return out


def rows(tree: dict) -> list[dict]:
    """Alignment rows; for a plan with one version, one row per part, section and activity."""
    if tree["alignment"]:
        return tree["alignment"]
    out = []
    for lang, version in tree["versions"].items():
        for kind in ("part", "section", "activity"):
            for part in version["parts"]:
                nodes = [part] if kind == "part" else part["sections"] if kind == "section" else [
                    a for s in part["sections"] for a in s["activities"]]
                out.extend({"kind": kind, "refs": {lang: n["id"]}, "score": 1.0, "crossed": False} for n in nodes)
    return out


def findings_by_ref(tree: dict) -> dict[str, list[dict]]:
    """The findings concerning each element id."""
    out: dict[str, list[dict]] = {}
    for finding in tree["findings"]:
        for ref in finding["refs"]:
            out.setdefault(ref, []).append(finding)
    return out


def _cells(element: dict | None) -> list:
    if element is None:
        return [""] * len(PER_LANG)
    if "activities" in element or "sections" in element:  # a part or a section
        return [element["id"], element.get("number") or "", element.get("title") or element.get("heading") or "",
                "", "", "", "", "", "", ""]
    period = element.get("period") or {}
    return [element["id"], element.get("number") or "", element["text"], JOIN.join(element["indicators"]),
            JOIN.join(a["name"] for a in element["agencies"]), JOIN.join(a["id"] or "" for a in element["agencies"]),
            period.get("raw", ""), period.get("start") or "", period.get("end") or "", period.get("kind", "")]


def tree_to_csv(tree: dict) -> dict[str, bytes]:
    """``activities.csv`` from the plan tree."""
    langs = tree["languages"]
    index, by_ref = elements(tree), findings_by_ref(tree)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["row", "kind", "score", "findings"] + [f"{lang}_{col}" for lang in langs for col in PER_LANG])
    for n, row in enumerate(rows(tree), start=1):
        refs = [row["refs"].get(lang) for lang in langs]
        found = sorted({f["code"] for r in refs if r for f in by_ref.get(r, [])})
        cells = [c for ref in refs for c in _cells(index.get(ref) if ref else None)]
        writer.writerow([n, row["kind"], row["score"], " ".join(found)] + cells)
    return {"activities.csv": ("\ufeff" + buffer.getvalue()).encode("utf-8")}
