"""``review.html``: one self-contained page to review the versions side by side.

The plan's parts, sections and activities are rows (in reading order, from the
alignment), the language versions are columns; each activity shows its number, text and
fields as printed.  A cell that a finding concerns is coloured by the worst severity and
lists the findings (message on hover, evidence on click).  At the top: a summary (count
per code) and a filter — a click on a code shows only the rows with that finding.  No
network access: styles and the few lines of script are inline.  Prints on paper with
all evidence open.
"""
from __future__ import annotations

import json
from html import escape
from typing import Iterable, Iterator

from ..model import LISTS
from .table import elements, findings_by_ref, rows

SEVERITY_ORDER = ("info", "warning", "error")

STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:0 1rem;color:#222}
h1{font-size:1.3rem}
table{border-collapse:collapse;width:100%}
#summary{width:auto;margin-bottom:.5rem}
th,td{border:1px solid #ccc;padding:.35rem;vertical-align:top;text-align:left}
thead th{position:sticky;top:0;background:#f4f4f4}
#plan td.cell{width:calc((100% - 5rem)/var(--langs))}
tr.part td{background:#eef2f8;font-weight:600}
tr.section td{background:#f6f8fb}
td.sev-error{background:#fde2e1 !important;border-left:4px solid #c62828}
td.sev-warning{background:#fff4d6 !important;border-left:4px solid #e0a000}
td.sev-info{background:#e3f0fd !important;border-left:4px solid #1e6fd9}
.num{font-weight:700}
dl{margin:.3rem 0;display:grid;grid-template-columns:max-content 1fr;gap:.1rem .5rem}
dt{color:#666}
dd{margin:0}
details.finding{margin-top:.3rem;font-size:.9em}
details.finding summary{cursor:pointer}
.badge{display:inline-block;padding:0 .35rem;border-radius:.3rem;color:#fff;font-size:.8em}
.badge.error{background:#c62828}.badge.warning{background:#b07d00}.badge.info{background:#1e6fd9}
#filters button{margin:.15rem;padding:.2rem .5rem;border:1px solid #999;border-radius:.3rem;background:#fff;cursor:pointer}
#filters button.active{background:#222;color:#fff}
.missing{color:#999;font-style:italic}
.hidden{display:none}
@media print{#filters{display:none}thead th{position:static}details.finding>*{display:block}}
"""

SCRIPT = """
document.querySelectorAll('#filters button').forEach(function (button) {
  button.addEventListener('click', function () {
    var code = button.dataset.code;
    document.querySelectorAll('#filters button').forEach(function (b) { b.classList.toggle('active', b === button); });
    document.querySelectorAll('#plan tbody tr').forEach(function (row) {
      var codes = (row.dataset.codes || '').split(' ');
      row.classList.toggle('hidden', code !== '' && codes.indexOf(code) < 0);
    });
  });
});
window.addEventListener('beforeprint', function () {
  document.querySelectorAll('details').forEach(function (d) { d.open = true; });
});
"""


def _finding(f: dict) -> str:
    evidence = "".join(f"<li><code>{escape(json.dumps(e, ensure_ascii=False))}</code></li>" for e in f["evidence"])
    return (f'<details class="finding {f["severity"]}" title="{escape(f["message"])}">'
            f'<summary><span class="badge {f["severity"]}">{f["code"]}</span> {escape(f["message"])}</summary>'
            f"<ul>{evidence}</ul></details>")


def _fields(act: dict) -> str:
    items = "".join(f"<dt>{escape(f['label'] or f['field'])}</dt><dd>{escape(f['value'])}</dd>" for f in act["fields"])
    return f"<dl>{items}</dl>" if items else ""


def _node(node: dict) -> str:
    lists = "".join(
        f"<dt>{name}</dt><dd>{'<br>'.join(escape(i['text']) for i in node[name])}</dd>"
        for name in LISTS if node.get(name))
    heading = escape(node.get("heading") or ("(undeclared section)" if node.get("declared") is False else ""))
    return f'<div class="num">{heading}</div>' + (f"<dl>{lists}</dl>" if lists else "")


def _cell(element: dict | None, findings: list[dict]) -> str:
    if element is None:
        return '<td class="cell"><span class="missing">— missing —</span></td>'
    worst = max((SEVERITY_ORDER.index(f["severity"]) for f in findings), default=None)
    css = f" sev-{SEVERITY_ORDER[worst]}" if worst is not None else ""
    codes = " ".join(sorted({f["code"] for f in findings}))
    if "text" in element:
        body = (f'<span class="num">{escape(element.get("marker") or element.get("number") or "")}</span> '
                f"{escape(element['text'])}{_fields(element)}")
    else:
        body = _node(element)
    return (f'<td class="cell{css}" id="{escape(element["id"])}" data-codes="{codes}">'
            f'{body}{"".join(_finding(f) for f in findings)}</td>')


def ordered_rows(tree: dict) -> list[dict]:
    """Rows in reading order: each part, its sections, each section's activities."""
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
        owners = [row_of.get(parent.get(ref)) for ref in row["refs"].values() if ref and parent.get(ref) in row_of]
        if owners:
            children.setdefault(owners[0], []).append(n)
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


def _summary(tree: dict) -> str:
    counts: dict[tuple[str, str], int] = {}
    for f in tree["findings"]:
        counts[(f["code"], f["severity"])] = counts.get((f["code"], f["severity"]), 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: (-SEVERITY_ORDER.index(kv[0][1]), kv[0][0]))
    lines = "".join(f'<tr><td><span class="badge {sev}">{sev}</span></td><td>{code}</td><td>{n}</td></tr>'
                    for (code, sev), n in ranked)
    buttons = '<button data-code="" class="active">all rows</button>' + "".join(
        f'<button data-code="{code}" class="{sev}">{code} ({n})</button>' for (code, sev), n in ranked)
    return (f'<table id="summary"><thead><tr><th>severity</th><th>code</th><th>findings</th></tr></thead>'
            f'<tbody>{lines}</tbody></table><div id="filters">Show: {buttons}</div>')


def tree_to_html(tree: dict) -> dict[str, Iterable[str]]:
    """``review.html`` from the plan tree, rendered row by row as it is written."""
    return {"review.html": _page(tree)}


def _page(tree: dict) -> Iterator[str]:
    langs, index, by_ref = tree["languages"], elements(tree), findings_by_ref(tree)
    known = set(index)
    general = [f for f in tree["findings"] if not set(f["refs"]) & known]
    coverage = tree["coverage"]
    head = "".join(f"<th>{escape(lang)}</th>" for lang in langs)
    yield f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>polyplan review — {escape(tree['name'])}</title><style>{STYLE}</style></head>
<body style="--langs:{max(len(langs), 1)}">
<h1>{escape(tree['name'])}</h1>
<p>{len(tree['sources'])} source file(s): {escape(', '.join(s['path'].rsplit('/', 1)[-1] for s in tree['sources']))};
languages {escape(', '.join(langs))}; coverage {coverage['accounted_chars']}/{coverage['source_chars']} characters;
{len(tree['findings'])} findings.</p>
{_summary(tree)}
{"<h2>Findings outside parts and sections (title, preamble, notes, sources)</h2>" + "".join(_finding(f) for f in general) if general else ""}
<table id="plan"><thead><tr><th>#</th>{head}</tr></thead>
<tbody>
"""
    for n, row in enumerate(ordered_rows(tree), start=1):
        refs = [row["refs"].get(lang) for lang in langs]
        codes = " ".join(sorted({f["code"] for r in refs if r for f in by_ref.get(r, [])}))
        cells = "".join(_cell(index.get(r) if r else None, by_ref.get(r, []) if r else []) for r in refs)
        yield f'{chr(10) if n > 1 else ""}<tr class="{row["kind"]}" data-codes="{codes}"><td>{n}</td>{cells}</tr>'
    yield f"""
</tbody></table>
<script>{SCRIPT}</script>
</body></html>
"""
