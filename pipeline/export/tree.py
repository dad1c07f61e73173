"""What the exporters share: the plan tree's elements by id, its rows in reading order, the
findings that concern each element, and where each thing is printed.

Everything here reads the JSON tree (``Plan.to_dict()``) and the keys the export adds to it
(``metadata``; ``accepted`` on a finding, see :func:`pipeline.export.plan_tree`).
"""
from __future__ import annotations

from pathlib import PurePath

import regex

from ..model import SEVERITIES


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


def owners(tree: dict) -> dict[str, tuple[dict, dict | None]]:
    """The part and section (None for a part or section itself) each element id is printed in."""
    out: dict[str, tuple[dict, dict | None]] = {}
    for version in tree["versions"].values():
        for part in version["parts"]:
            out[part["id"]] = (part, None)
            for section in part["sections"]:
                out[section["id"]] = (part, None)
                out.update((a["id"], (part, section)) for a in section["activities"])
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


def ordered_rows(tree: dict) -> list[dict]:
    """Rows in reading order: each part, its sections, each section's activities (the alignment
    lists parts, then sections, then activities)."""
    parent: dict[str, str] = {}
    for version in tree["versions"].values():
        for part in version["parts"]:
            for section in part["sections"]:
                parent[section["id"]] = part["id"]
                parent.update((a["id"], section["id"]) for a in section["activities"])
    all_rows = rows(tree)
    row_of = {ref: n for n, row in enumerate(all_rows) for ref in row["refs"].values() if ref}
    children: dict[int, list[int]] = {}
    top = []
    for n, row in enumerate(all_rows):
        owners_ = [row_of[parent[ref]] for ref in row["refs"].values() if ref and parent.get(ref) in row_of]
        if owners_:
            children.setdefault(owners_[0], []).append(n)
        else:
            top.append(n)
    order: list[int] = []

    def visit(n: int) -> None:
        order.append(n)
        for child in children.get(n, []):
            visit(child)
    for n in top:
        visit(n)
    return [all_rows[n] for n in order]


def findings_by_ref(tree: dict) -> dict[str, list[dict]]:
    """The findings concerning each element id."""
    out: dict[str, list[dict]] = {}
    for finding in tree["findings"]:
        for ref in finding["refs"]:
            out.setdefault(ref, []).append(finding)
    return out


def worst(findings: list[dict]) -> str | None:
    """The worst severity among the findings not accepted, or None."""
    ranks = [SEVERITIES.index(f["severity"]) for f in findings if not f.get("accepted")]
    return SEVERITIES[max(ranks)] if ranks else None


def where(loc: dict | None, sources: list[dict] | None = None) -> str:
    """Where a location is printed, as a reader finds it: page (PDF), paragraph (DOCX), table
    row, or line (text); the file's name first when the plan has several files.

    >>> where({"file": 0, "page": 6, "line": 26}), where({"file": 0, "paragraph": 12}), where({"file": 0, "line": 79})
    ('p. 6', '¶ 12', 'line 79')
    >>> where({"file": 1, "table": 2, "row": 5, "cell": 2}, [{"path": "a/ru.docx"}, {"path": "a/en.docx"}])
    'en.docx table 2 row 5'
    """
    if not loc:
        return ""
    if loc.get("page"):
        place = f"p. {loc['page']}"
    elif loc.get("table"):
        place = f"table {loc['table']} row {loc.get('row', '?')}"
    elif loc.get("paragraph"):
        place = f"¶ {loc['paragraph']}"
    elif loc.get("line"):
        place = f"line {loc['line']}"
    else:
        place = loc.get("part") or ""
    if sources and len(sources) > 1 and loc.get("file") is not None and loc["file"] < len(sources):
        place = f"{PurePath(sources[loc['file']]['path']).name} {place}".strip()
    return place


def finding_places(finding: dict, sources: list[dict] | None = None) -> list[tuple[str, str]]:
    """(language, place) of each piece of a finding's evidence that has a source, in order,
    without repeats."""
    out: list[tuple[str, str]] = []
    for entry in finding.get("evidence", []):
        place = where(entry.get("source") if isinstance(entry.get("source"), dict) else None, sources)
        lang = entry.get("lang") or (finding["lang"] if finding["lang"] not in ("*", "") else "")
        if place and (lang, place) not in out:
            out.append((lang, place))
    return out


def places_text(finding: dict, sources: list[dict] | None = None) -> str:
    """``tk p. 12, ru p. 29`` for a finding (see :func:`finding_places`)."""
    return ", ".join(" ".join(x for x in pair if x) for pair in finding_places(finding, sources))


def work_name(tree: dict) -> str:
    """The plan's name independent of its files' formats: ``metadata.name`` when given, else the
    file name without its extension (one file), else the folder the files share (one file per
    language) — so the DOCX and the PDF of one plan have one name.

    >>> work_name({"sources": [{"path": "sources/nap-2020-2022.pdf"}], "name": "nap-2020-2022-pdf"})
    'nap-2020-2022'
    >>> work_name({"sources": [{"path": "x/nap/ru.docx"}, {"path": "x/nap/en.docx"}], "name": "n"})
    'nap'
    """
    given = (tree.get("metadata") or {}).get("name")
    paths = [PurePath(s["path"]) for s in tree["sources"]]
    if given:
        raw = given
    elif len(paths) == 1:
        raw = paths[0].stem
    elif paths and len({p.parent for p in paths}) == 1 and paths[0].parent.name:
        raw = paths[0].parent.name
    else:
        raw = tree["name"]
    return regex.sub(r"[^\p{Ll}\p{Lo}\p{N}]+", "-", raw.lower()).strip("-") or "plan"
