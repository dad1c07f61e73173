"""``activities.xlsx``: the plan as a workbook for spreadsheet users (XlsxWriter).

Sheets:

* ``plan`` — the rows and columns of ``activities.csv`` (:mod:`.table`), versions side by
  side; each language's cells filled with the colour of the worst finding that concerns its
  element (red error, amber warning, blue info; accepted findings colour nothing); parts in
  bold; header row and the first four columns frozen; a filter on every column.
* ``findings`` — one row per finding: severity, code, accepted, languages, message, where it
  is printed, the check's explanation, the ids concerned.
* ``codes`` — each code found: severity, count, accepted, explanation.
* ``unparsed`` — text outside the plan structure (language, reason, where, text).

Written with XlsxWriter in constant-memory mode: each row goes to the file as it is made.
"""
from __future__ import annotations

import datetime
import io

import xlsxwriter

from .settings import Settings
from .table import PER_LANG, header, row_severities, table_rows
from ..model import SEVERITIES
from .tree import places_text, where

FILL = {"error": "#FDE2E1", "warning": "#FFF4D6", "info": "#E3F0FD"}
WIDTH = {"text": 60, "findings": 60, "indicators": 40, "agencies": 30, "period": 18, "codes": 22, "page": 9}


def _formats(book) -> dict:
    wrap = {"text_wrap": True, "valign": "top"}
    out = {"head": book.add_format({"bold": True, "bg_color": "#F4F4F4", "border": 1, "valign": "top"}),
           None: book.add_format(wrap), "part": book.add_format({**wrap, "bold": True, "bg_color": "#EEF2F8"})}
    for sev, colour in FILL.items():
        out[sev] = book.add_format({**wrap, "bg_color": colour})
        out[("part", sev)] = book.add_format({**wrap, "bg_color": colour, "bold": True})
    return out


def _plan_sheet(book, tree: dict, fmt: dict) -> None:
    sheet = book.add_worksheet("plan")
    names = header(tree["languages"])
    for col, name in enumerate(names):
        sheet.set_column(col, col, WIDTH.get(name.split("_", 1)[-1], 12))
    sheet.write_row(0, 0, names, fmt["head"])
    n = 0
    for n, (cells, _found, per_lang) in enumerate(table_rows(tree), start=1):
        bold = "part" if cells[1] == "part" else None
        severity = row_severities(per_lang)
        worst = max((SEVERITIES.index(s) for s in severity.values() if s), default=None)
        for col, value in enumerate(cells):
            name = names[col]
            lang = name.split("_", 1)[0] if "_" in name and name.split("_", 1)[1] in PER_LANG else None
            sev = severity.get(lang) if lang else (SEVERITIES[worst] if name == "findings" and worst is not None
                                                   else None)
            key = (bold, sev) if bold and sev else bold or sev
            sheet.write(n, col, value, fmt[key])
    sheet.freeze_panes(1, 4)
    sheet.autofilter(0, 0, n, len(names) - 1)


def _table(book, name: str, names: list[str], widths: list[int], rows, fmt: dict, colour_col: int | None = None):
    sheet = book.add_worksheet(name)
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    sheet.write_row(0, 0, names, fmt["head"])
    n = 0
    for n, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            sheet.write(n, col, value, fmt[row[colour_col] if col == colour_col and row[colour_col] in FILL else None])
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(n, 1), len(names) - 1)


REPRODUCIBLE = datetime.datetime(2000, 1, 1)  # the workbook's creation date, fixed


def tree_to_xlsx(tree: dict, settings: Settings = Settings()) -> dict[str, bytes]:
    """``activities.xlsx`` from the plan tree."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True, "strings_to_numbers": False,
                                        "strings_to_formulas": False, "strings_to_urls": False})
    book.set_properties({"created": REPRODUCIBLE})  # the same plan gives the same bytes, run after run
    fmt = _formats(book)
    _plan_sheet(book, tree, fmt)
    findings = tree["findings"]
    _table(book, "findings", ["severity", "code", "accepted", "languages", "message", "where", "explanation", "ids"],
           [10, 22, 9, 10, 80, 30, 60, 40],
           ([f["severity"], f["code"], "yes" if f.get("accepted") else "", f["lang"], f["message"],
             places_text(f, tree["sources"]), settings.explanation(f["code"]), " ".join(f["refs"])]
            for f in findings), fmt, 0)
    counts: dict[str, list] = {}
    for f in findings:
        entry = counts.setdefault(f["code"], [f["code"], f["severity"], 0, 0, settings.explanation(f["code"])])
        entry[2] += 1
        entry[3] += bool(f.get("accepted"))
    _table(book, "codes", ["code", "severity", "findings", "accepted", "explanation"], [22, 10, 9, 9, 90],
           sorted(counts.values(), key=lambda e: (-SEVERITIES.index(e[1]), e[0])), fmt, 1)
    _table(book, "unparsed", ["language", "reason", "where", "text"], [9, 30, 12, 100],
           ([u.get("lang") or "", u.get("reason") or "", where(u.get("source"), tree["sources"]), u["text"]]
            for u in tree["unparsed"]), fmt)
    book.close()
    return {"activities.xlsx": buffer.getvalue()}
