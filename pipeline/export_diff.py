"""``polyplan diff``'s files: render the diff tree (``Diff.to_dict()``) and write it atomically.

As with :mod:`pipeline.export`, each renderer takes the JSON tree only and returns
``{file name: content}``; the files go straight into the ``--out`` folder:

* ``json`` — ``diff.json`` (the contract, ``schemas/diff.schema.json``);
* ``html`` — ``diff.html``, one self-contained page to read what changed.  One table per
  language compared: a row per change (parts, sections and activities in the new edition's
  reading order), the old edition's element on the left, the new one's on the right.  Words
  removed from a text are struck through on the left (``<del>``), words added are marked on
  the right (``<ins>``); a changed number, indicator list, agency list or period is
  highlighted on both sides, and a move says where from.  At the top: the counts per
  language, kind and status, and filters — by status and by aspect, combined — that show
  only the matching rows.  No network access: the styles and the few lines of script are
  inline.
* ``csv`` — ``diff.csv``, one row per change, old and new side by side: ``row``, ``lang``,
  ``kind``, ``status``, ``changed`` (aspects, space-separated), ``relation``
  (``split``/``merge``), ``score``, then for ``old_`` and ``new_``: ``id``, ``number``,
  ``parent`` (the section's or part's number), ``position``, ``text``, ``indicators``,
  ``agencies``, ``agency_ids``, ``period``; lists joined with `` | ``; UTF-8 with a
  byte-order mark (a spreadsheet then opens Cyrillic and Turkmen letters correctly), CRLF.
"""
from __future__ import annotations

import csv
import io
import itertools
import json
from html import escape
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .diff import ASPECTS, KINDS, STATUSES
from .export import Content, write_atomic


STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:0 1rem;color:#222}
h1{font-size:1.3rem}h2{font-size:1.1rem;margin-top:1.5rem}
table{border-collapse:collapse;width:100%}
table.counts{width:auto;margin-bottom:.5rem}
th,td{border:1px solid #ccc;padding:.35rem;vertical-align:top;text-align:left}
thead th{position:sticky;top:0;background:#f4f4f4}
table.diff td.side{width:45%}
tr.part td{background:#eef2f8;font-weight:600}
tr.section td{background:#f6f8fb}
del{background:#fdd;color:#900;text-decoration:line-through}
ins{background:#cfc;color:#060;text-decoration:none}
.chg{background:#fff1b8}
.num{font-weight:700}
dl{margin:.3rem 0;display:grid;grid-template-columns:max-content 1fr;gap:.1rem .5rem;font-size:.92em}
dt{color:#666}dd{margin:0}
.badge{display:inline-block;padding:0 .35rem;border-radius:.3rem;color:#fff;font-size:.8em}
.badge.same{background:#888}.badge.changed{background:#b07d00}.badge.added{background:#2e7d32}.badge.removed{background:#c62828}
.aspect{display:inline-block;margin:.1rem;padding:0 .3rem;border:1px solid #b07d00;border-radius:.3rem;font-size:.8em}
.note{color:#555;font-size:.9em;margin-top:.2rem}
.missing{color:#999;font-style:italic}
.filters button{margin:.15rem;padding:.2rem .5rem;border:1px solid #999;border-radius:.3rem;background:#fff;cursor:pointer}
.filters button.active{background:#222;color:#fff}
.hidden{display:none}
@media print{.filters{display:none}thead th{position:static}}
"""

SCRIPT = """
var chosen = {status: '', aspect: ''};
function apply() {
  var shown = 0;
  document.querySelectorAll('table.diff tbody tr').forEach(function (row) {
    var ok = (chosen.status === '' || row.dataset.status === chosen.status) &&
             (chosen.aspect === '' || (' ' + row.dataset.aspects + ' ').indexOf(' ' + chosen.aspect + ' ') >= 0);
    row.classList.toggle('hidden', !ok);
    if (ok) { shown += 1; }
  });
  document.getElementById('shown').textContent = shown;
}
document.querySelectorAll('.filters button').forEach(function (button) {
  button.addEventListener('click', function () {
    var key = button.dataset.filter;
    chosen[key] = button.dataset.value;
    document.querySelectorAll('.filters button[data-filter="' + key + '"]').forEach(function (b) {
      b.classList.toggle('active', b === button);
    });
    apply();
  });
});
"""


def _text(diff: list | None, plain: str | None, side: str) -> str:
    """A text with the words only this side has marked (``<del>`` old, ``<ins>`` new)."""
    if not diff:
        return escape(plain or "")
    mine, tag = ("-", "del") if side == "old" else ("+", "ins")
    return "".join(escape(text) if op == "=" else f"<{tag}>{escape(text)}</{tag}>"
                   for op, text in diff if op in ("=", mine))


def _mark(value: str, changed: bool) -> str:
    return f'<span class="chg">{value}</span>' if changed else value


def _fields(element: dict, changed: set[str]) -> str:
    if "indicators" not in element:
        return ""
    agencies = "; ".join(escape(a["name"]) for a in element["agencies"])
    rows = [("indicators", "Indicators", "; ".join(escape(i) for i in element["indicators"])),
            ("agencies", "Agencies", agencies), ("period", "Period", escape(element["period"] or ""))]
    return "<dl>" + "".join(f"<dt>{label}</dt><dd>{_mark(value, aspect in changed)}</dd>"
                            for aspect, label, value in rows if value) + "</dl>"


def _note(change: dict, side: str) -> str:
    """Where an element moved from or to, and what it was split from or merged into."""
    notes, evidence = [], change["evidence"]
    if "section" in evidence:
        parent = evidence["section"][side] or {}
        notes.append(f"in {'section' if change['kind'] == 'activity' else 'part'} "
                     f"{escape(parent.get('number') or parent.get('id') or '—')}")
    if "order" in evidence:
        notes.append(f"position {evidence['order'][side]['position']}")
    relation = change.get("relation")
    if relation and side == "new":
        olds = ", ".join(escape(r["number"] or r["id"]) for r in relation["old"])
        news = ", ".join(escape(r["number"] or r["id"]) for r in relation["new"])
        notes.append(f"{relation['kind']}: {olds} → {news}")
    return f'<div class="note">{"; ".join(notes)}</div>' if notes else ""


def _cell(change: dict, side: str) -> str:
    element = change[side]
    if element is None:
        return '<td class="side"><span class="missing">— none —</span></td>'
    changed, evidence = set(change["changed"]), change["evidence"]
    number = _mark(escape(element["number"] or ""), "number" in changed)
    text = _text(evidence.get("text", {}).get("diff"), element["text"], side)
    return (f'<td class="side {side}" id="{side}-{escape(change["lang"])}-{escape(element["id"])}">'
            f'<span class="num">{number}</span> {text}{_fields(element, changed)}{_note(change, side)}</td>')


def _row(n: int, change: dict) -> str:
    aspects = " ".join(change["changed"])
    labels = "".join(f'<span class="aspect">{a}</span>' for a in change["changed"])
    return (f'<tr class="{change["kind"]}" data-status="{change["status"]}" data-aspects="{aspects}">'
            f'<td>{n}</td><td>{change["kind"]}<br><span class="badge {change["status"]}">{change["status"]}</span>'
            f"{labels}</td>{_cell(change, 'old')}{_cell(change, 'new')}</tr>")


def _counts(tree: dict) -> str:
    summary = tree["summary"]
    head = "".join(f"<th>{s}</th>" for s in STATUSES)
    rows = "".join(
        f"<tr><td>{escape(lang)}</td><td>{kind}</td>"
        + "".join(f"<td>{summary['by_lang'][lang][kind][s]}</td>" for s in STATUSES) + "</tr>"
        for lang in summary["languages"]["compared"] for kind in KINDS)
    return (f'<table class="counts" id="counts"><thead><tr><th>language</th><th>kind</th>{head}</tr></thead>'
            f"<tbody>{rows}</tbody></table>")


def _filters(tree: dict) -> str:
    summary = tree["summary"]
    status = '<button data-filter="status" data-value="" class="active">all</button>' + "".join(
        f'<button data-filter="status" data-value="{s}">{s} ({summary["status"][s]})</button>' for s in STATUSES)
    aspect = '<button data-filter="aspect" data-value="" class="active">any</button>' + "".join(
        f'<button data-filter="aspect" data-value="{a}">{a} ({summary["aspects"][a]})</button>' for a in ASPECTS)
    return (f'<div class="filters" id="status-filter">Status: {status}</div>'
            f'<div class="filters" id="aspect-filter">Aspect: {aspect}</div>'
            f'<p><span id="shown">{len(tree["changes"])}</span> of {len(tree["changes"])} rows shown.</p>')


def _edition(edition: dict) -> str:
    files = ", ".join(escape(s["path"].rsplit("/", 1)[-1]) for s in edition["sources"])
    return f"<b>{escape(edition['name'])}</b> ({files}; {escape(', '.join(edition['languages']))})"


def tree_to_html(tree: dict) -> dict[str, Iterable[str]]:
    """``diff.html`` from the diff tree, rendered row by row as it is written."""
    return {"diff.html": _page(tree)}


def _page(tree: dict) -> Iterator[str]:
    old, new, languages = tree["old"], tree["new"], tree["summary"]["languages"]
    only = "".join(f"; only in the {side} edition: {escape(', '.join(languages[key]))}"
                   for side, key in (("old", "old_only"), ("new", "new_only")) if languages[key])
    yield f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>polyplan diff — {escape(old['name'])} → {escape(new['name'])}</title><style>{STYLE}</style></head>
<body>
<h1>{escape(old['title'] or old['name'])}: what changed</h1>
<p>Old edition {_edition(old)}; new edition {_edition(new)}.<br>
Languages compared: {escape(', '.join(languages['compared'])) or 'none'}{only}.</p>
{_counts(tree)}
{_filters(tree)}
"""
    by_lang: dict[str, list[dict]] = {lang: [] for lang in languages["compared"]}
    for change in tree["changes"]:
        by_lang[change["lang"]].append(change)
    for lang, changes in by_lang.items():
        yield (f'<h2>{escape(lang)}</h2>\n<table class="diff" id="diff-{escape(lang)}" data-lang="{escape(lang)}">'
               f"<thead><tr><th>#</th><th>change</th><th>old: {escape(old['name'])}</th>"
               f"<th>new: {escape(new['name'])}</th></tr></thead>\n<tbody>\n")
        for n, change in enumerate(changes, start=1):
            yield _row(n, change) + "\n"
        yield "</tbody></table>\n"
    yield f"<script>{SCRIPT}</script>\n</body></html>\n"


# --- diff.csv --------------------------------------------------------------------------------

PER_SIDE = ("id", "number", "parent", "position", "text", "indicators", "agencies", "agency_ids", "period")
JOIN = " | "


def _cells(side: dict | None) -> list:
    if side is None:
        return [""] * len(PER_SIDE)
    parent = side.get("parent") or {}
    agencies = side.get("agencies") or []
    return [side["id"], side["number"] or "", parent.get("number") or "", side["position"], side["text"] or "",
            JOIN.join(side.get("indicators") or []), JOIN.join(a["name"] for a in agencies),
            JOIN.join(a["id"] or "" for a in agencies), side.get("period") or ""]


def tree_to_csv(tree: dict) -> dict[str, bytes]:
    """``diff.csv`` from the diff tree."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["row", "lang", "kind", "status", "changed", "relation", "score"]
                    + [f"{side}_{col}" for side in ("old", "new") for col in PER_SIDE])
    for n, change in enumerate(tree["changes"], start=1):
        relation = (change.get("relation") or {}).get("kind", "")
        writer.writerow([n, change["lang"], change["kind"], change["status"], " ".join(change["changed"]), relation,
                         change.get("score", "")] + _cells(change["old"]) + _cells(change["new"]))
    return {"diff.csv": ("\ufeff" + buffer.getvalue()).encode("utf-8")}


# --- writing --------------------------------------------------------------------------------

def tree_to_json(tree: dict) -> dict[str, Content]:
    """``diff.json``: UTF-8, letters unescaped, two-space indent (streamed)."""
    encoder = json.JSONEncoder(ensure_ascii=False, indent=2)
    return {"diff.json": itertools.chain(encoder.iterencode(tree), ("\n",))}


FORMATS: dict[str, Callable[[dict], dict[str, Content]]] = {
    "json": tree_to_json, "html": tree_to_html, "csv": tree_to_csv}


def diff_to_files(tree: dict, out: Path, formats: tuple[str, ...] = tuple(FORMATS)) -> list[Path]:
    """Write ``tree`` in ``formats`` into the folder ``out``, each file through a temporary file
    and a rename (a run killed midway leaves each file whole, old or new)."""
    written = []
    for name in formats:
        for relative, content in FORMATS[name](tree).items():
            write_atomic(out / relative, content)
            written.append(out / relative)
    return written
