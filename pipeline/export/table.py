"""``activities.csv``: the plan as one table, versions side by side, in reading order.

One row per alignment row — each part, its sections, each section's activities, as a reader
meets them.  Columns: ``row``, ``kind``, ``part`` and ``section`` (printed numbers, in the
first version that has the element), ``codes`` (the codes of the findings that concern the
row) and ``findings`` (their severity, code and message, one a line; ``accepted`` before an
accepted one); then per language ``<lang>_number``, ``_text``, ``_indicators``,
``_agencies``, ``_period``, ``_page`` (where it is printed: ``p. 6``, ``¶ 12``, ``line 79``);
last ``score`` and per language ``<lang>_id``.  Lists are joined with `` | ``.  UTF-8 with a
byte-order mark, so that a spreadsheet opens Cyrillic and Turkmen letters correctly.
:func:`table_rows` is shared with the xlsx export.
"""
from __future__ import annotations

import csv
import io
from typing import Iterator

from .settings import Settings
from .tree import elements, findings_by_ref, ordered_rows, owners, where, worst

PER_LANG = ("number", "text", "indicators", "agencies", "period", "page")
JOIN = " | "


def header(langs: list[str]) -> list[str]:
    return (["row", "kind", "part", "section", "codes", "findings"]
            + [f"{lang}_{col}" for lang in langs for col in PER_LANG] + ["score"] + [f"{lang}_id" for lang in langs])


def _cells(element: dict | None, sources: list[dict]) -> list[str]:
    if element is None:
        return [""] * len(PER_LANG)
    page = where(element.get("source"), sources)
    if "activities" in element or "sections" in element:  # a part or a section
        return [element.get("number") or "", element.get("title") or element.get("heading") or "", "", "", "", page]
    period = element.get("period") or {}
    return [element.get("number") or "", element["text"], JOIN.join(element["indicators"]),
            JOIN.join(a["name"] for a in element["agencies"]), period.get("raw", ""), page]


def finding_text(finding: dict) -> str:
    """``error NUM_MISMATCH: activity 1.3.1/3.3.1: printed numbers differ — …`` (``accepted``
    first when accepted)."""
    return f"{'accepted ' if finding.get('accepted') else ''}{finding['severity']} {finding['code']}: {finding['message']}"


def _place(ref: str | None, places: dict[str, tuple[dict, dict | None]]) -> tuple[str, str]:
    part, section = places.get(ref, ({}, None)) if ref else ({}, None)
    return part.get("number") or "", (section or {}).get("number") or ""


def table_rows(tree: dict) -> Iterator[tuple[list, list[dict], dict[str, list[dict]]]]:
    """Each row's cells (as :func:`header` names them), the findings that concern it, and
    the findings that concern each language's element."""
    langs, index, by_ref, places = tree["languages"], elements(tree), findings_by_ref(tree), owners(tree)
    for n, row in enumerate(ordered_rows(tree), start=1):
        refs = [row["refs"].get(lang) for lang in langs]
        per_lang = {lang: by_ref.get(ref, []) if ref else [] for lang, ref in zip(langs, refs)}
        found = list({id(f): f for fs in per_lang.values() for f in fs}.values())
        first = next((r for r in refs if r), None)
        node = index.get(first, {})
        part, section = _place(first, places)
        if row["kind"] == "part":
            part, section = node.get("number") or "", ""
        elif row["kind"] == "section":
            section = node.get("number") or ""
        cells = [n, row["kind"], part, section, " ".join(sorted({f["code"] for f in found})),
                 "\n".join(finding_text(f) for f in found)]
        cells += [c for ref in refs for c in _cells(index.get(ref) if ref else None, tree["sources"])]
        cells += [row["score"]] + [ref or "" for ref in refs]
        yield cells, found, per_lang


def row_severities(per_lang: dict[str, list[dict]]) -> dict[str, str | None]:
    """The worst severity (not accepted) of the findings concerning each language's cell."""
    return {lang: worst(found) for lang, found in per_lang.items()}


def tree_to_csv(tree: dict, _settings: Settings = Settings()) -> dict[str, bytes]:
    """``activities.csv`` from the plan tree."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header(tree["languages"]))
    for cells, _found, _per_lang in table_rows(tree):
        writer.writerow(cells)
    return {"activities.csv": ("\ufeff" + buffer.getvalue()).encode("utf-8")}
