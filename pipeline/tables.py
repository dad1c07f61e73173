"""Tables for the parse stage: rows of cells, header rows, and columns named by meaning.

A table reaches the parser as blocks located by table, row and grid column.  A *header
row* names its columns through the lexicon (``[columns]``: stems per field, so that
"Государственный орган-разработчик" and "Жауапты" are found without an exact list).
Real plans add three things around it, each handled here:

* a row of *sub-headers* under a header cell ("Срок представления" over "Минюст /
  Правительство / Парламент"): one field whose columns keep the sub-header names;
* a row of *column numbers* ("1 2 3 … 7") under the header, which is skipped but tells
  how many columns the data has;
* a header whose cells do not sit over the data columns (a header printed as a separate
  table, as an HTML export does): the columns are then matched in order, and where the
  data has more columns than the header, the header cell whose field the data's content
  agrees with is spread over the extra columns.

Where no header names a column, its content does (:func:`column_kind`): dates, quarters
and months are a deadline; abbreviations, names with initials and known agencies are
responsible bodies; a sequence of numbers is the number column; the column of longest
text is the activity.
"""
from __future__ import annotations

from dataclasses import dataclass

import regex

from .lexicon import MAX_HEADER_WORDS, Lexicon, load_gazetteer
from .model import Block

Row = dict  # grid column (1-based) -> the cell's paragraphs (list[Block])

ROW_NUMBER = regex.compile(r"(?:№\s*)?(?P<num>\d{1,4}(?:\.\d+)*)[.)]?")
_YEAR = regex.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_DATE = regex.compile(r"(?<!\d)\d{1,2}[./]\d{1,2}[./](?:\d{2}|\d{4})(?!\d)")
_INITIALS = regex.compile(r"(?<!\p{L})\p{Lu}\.\s?\p{Lu}\.(?!\p{L})|(?<!\p{L})\p{Lu}\p{Ll}+\s+\p{Lu}\.\s?\p{Lu}\.")
_ABBREVIATION = regex.compile(r"(?<!\p{L})\p{Lu}[\p{Lu}\p{Ll}]{0,3}\p{Lu}{1,6}(?!\p{L})")
MAX_SUBHEADER_WORDS = 4
ROMAN_NUMBER = regex.compile(r"[IVXLCІХ]{1,7}\.")  # "II." in a number cell: a part's row, not a sub-column's name
_YEAR_ONLY = regex.compile(r"(?:19|20)\d{2}(?:\s*\p{L}{1,5}\.?)?")  # "2021", "2021 год", "2021 ж."
TEXT_WORDS = 5  # a cell of this many words or more is running text (an activity, an outcome)


@dataclass(frozen=True, slots=True)
class Column:
    """What a table column holds: a field (None: not known) and the header text naming it
    (sub-header names joined with `` / ``)."""

    field: str | None
    name: str


def rows_of(blocks: list[Block]) -> list[Row]:
    """A table's blocks as rows: grid column -> the cell's paragraphs."""
    rows: list[Row] = []
    last = None
    for block in blocks:
        if (block.loc.table, block.loc.row) != last:
            rows.append({})
            last = (block.loc.table, block.loc.row)
        rows[-1].setdefault(block.loc.cell or 0, []).append(block)
    return rows


def cell_text(cell: list[Block]) -> str:
    return "\n".join(b.text for b in cell)


def _texts(row: Row) -> dict[int, str]:
    return {col: cell_text(cell).strip() for col, cell in row.items()}


def _data_like(text: str) -> bool:
    """A row number, a year, a cell going on in lower case (a row broken across a page) or
    too long for a header: a cell of data, never of a header."""
    return bool(ROW_NUMBER.fullmatch(text) or _YEAR.search(text) or text[:1].islower()
                or len(text.split()) > MAX_HEADER_WORDS)


def header_fields(row: Row, lex: Lexicon) -> dict[int, str | None] | None:
    """Column -> field (None for a cell the lexicon does not know) when ``row`` is a header
    row: no cell holds data (:func:`_data_like`), at least half of its cells name a
    field, and they name the activity column or three different fields."""
    texts = _texts(row)
    if any(_data_like(t) for t in texts.values()):
        return None
    names = {col: lex.match_column(t) for col, t in texts.items()}
    known = [n for n in names.values() if n]
    if len(set(known)) >= 2 and 2 * len(known) >= len(names) and ("activity" in known or len(set(known)) >= 3):
        return names
    return None


def is_column_numbers(row: Row) -> bool:
    """``1 2 3 … n`` across the row: the numbers of the columns printed under a header
    (years, "2021 2022 2023", are sub-headers instead)."""
    texts = [t for _, t in sorted(_texts(row).items())]
    if len(texts) < 3 or not all(t.isdigit() for t in texts):
        return False
    return [int(t) for t in texts] == list(range(1, len(texts) + 1))


def is_subheader(row: Row, lex: Lexicon) -> bool:
    """Short cells without data and without a field of their own: the names of the
    sub-columns under a header cell (``Минюст``, ``Правительство``, ``Парламент``, or the
    years of a cost: ``2021``, ``2022 год``) — not a part's row ("I." "Профилактика")."""
    texts = _texts(row)
    years = [bool(_YEAR_ONLY.fullmatch(t)) for t in texts.values()]
    return (len(texts) >= 2 and (all(years) or not any(years))  # years alone, or names alone
            and all(t and len(t.split()) <= MAX_SUBHEADER_WORDS and (y or not any(ch.isdigit() for ch in t))
                    for t, y in zip(texts.values(), years))
            and not any(lex.match_column(t) == "activity" or ROMAN_NUMBER.fullmatch(t) for t in texts.values()))


# --- columns by content ----------------------------------------------------------------------

def cell_kind(text: str, lex: Lexicon) -> str | None:
    """What a data cell looks like: ``number``, ``period``, ``agencies``, ``text`` or None."""
    text = text.strip()
    if not text:
        return None
    if ROW_NUMBER.fullmatch(text) or ROMAN_NUMBER.fullmatch(text):  # "3.", "II." (a part's row)
        return "number"
    words = len(text.split())
    if _looks_like_period(text, lex) and words <= 8:
        return "period"
    if _looks_like_bodies(text) and words <= 12:
        return "agencies"
    return "text" if words >= TEXT_WORDS else None


def _looks_like_period(text: str, lex: Lexicon) -> bool:
    words = lex.periods
    if _YEAR.search(text) or _DATE.search(text) or words.ongoing.search(text) or words.recurring.search(text):
        return True
    return any(regex.match(rf"(?:{stem})", w, regex.IGNORECASE | regex.V1)
               for w in regex.findall(r"\p{L}+", text) for stem in words.months)


def _looks_like_bodies(text: str) -> bool:
    return bool(_INITIALS.search(text) or load_gazetteer().lookup(text)
                or all(_ABBREVIATION.fullmatch(part.strip()) for part in regex.split(r"[,;\n]", text) if part.strip()))


def column_kind(cells: list[str], lex: Lexicon) -> str | None:
    """The kind most of a column's non-empty cells share (three in five at least), else None."""
    kinds = [cell_kind(c, lex) for c in cells if c.strip()]
    if not kinds:
        return None
    best = max(set(kinds), key=lambda k: (kinds.count(k), k is not None))
    return best if best and 5 * kinds.count(best) >= 3 * len(kinds) else None


_KIND_FIELD = {"number": "number", "period": "period", "agencies": "agencies", "text": "activity"}


def columns_by_content(rows: list[Row], lex: Lexicon) -> dict[int, Column] | None:
    """Columns of a table without a header, named by what their cells hold; None unless it
    looks like a plan: a column of row numbers and a column of running text (the
    activity: the longest, where several), and at least three rows."""
    cols = sorted({c for row in rows for c in row})
    texts = {c: [cell_text(row[c]) for row in rows if c in row] for c in cols}
    kinds = {c: column_kind(texts[c], lex) for c in cols}
    if len(rows) < 3 or "number" not in kinds.values() or "text" not in kinds.values():
        return None
    activity = max((c for c in cols if kinds[c] == "text"), key=lambda c: sum(len(t) for t in texts[c]))
    out = {}
    for c in cols:
        field = "activity" if c == activity else _KIND_FIELD.get(kinds[c]) if kinds[c] != "text" else None
        out[c] = Column(field, "")
    return out


# --- header over data --------------------------------------------------------------------------

def layout(header: Row, fields: dict[int, str | None], subheaders: list[Row], data: list[Row],
           lex: Lexicon) -> dict[int, Column]:
    """The columns of ``data`` (its first rows) under ``header`` and its sub-header rows.

    Where the header's cells (with their spans) cover the data's columns, each column takes
    the field of the header cell above it; otherwise the header is matched in order, one
    header cell spread over the extra columns (see the module docstring).
    """
    names = {col: cell_text(cell).strip() for col, cell in header.items()}
    spans = {col: header[col][0].span for col in header}
    data_cols = sorted({c for row in data for c in row})
    covered = {c: col for col in header for c in range(col, col + spans[col])}
    same_table = bool(data) and header[min(header)][0].loc.table == data[0][min(data[0])][0].loc.table
    if data_cols and same_table and 2 * sum(c in covered for c in data_cols) > len(data_cols):
        out = {c: Column(fields[covered[c]], names[covered[c]]) for c in covered}
        out.update({c: Column(None, "") for c in data_cols if c not in covered})  # a header cell left empty
        for sub in subheaders:
            for col, cell in sub.items():
                if col in out:
                    out[col] = Column(out[col].field, f"{out[col].name} / {cell_text(cell).strip()}")
        return _activity_by_content(out, data, lex)
    return _activity_by_content(_layout_in_order(
        [(fields[c], names[c]) for c in sorted(header)],
        [cell_text(sub[c]).strip() for sub in subheaders[:1] for c in sorted(sub)], data_cols, data, lex), data, lex)


def _activity_by_content(columns: dict[int, Column], data: list[Row], lex: Lexicon) -> dict[int, Column]:
    """Where no header names the number or the activity column (its header cell left empty,
    worded unlike any lexicon, or misread by OCR: "Р/с Хо" for "Р/с №"), the first column of
    row numbers without a known field is the number column, and the column of running text
    without one the activity."""
    texts = {c: [cell_text(row[c]) for row in data if c in row] for c, col in columns.items() if col.field is None}
    if not any(c.field == "number" for c in columns.values()):
        numbers = [c for c, cells in texts.items() if column_kind(cells, lex) == "number"]
        if numbers and numbers[0] == min(columns):
            columns = {**columns, numbers[0]: Column("number", columns[numbers[0]].name)}
            del texts[numbers[0]]
    if any(c.field == "activity" for c in columns.values()):
        return columns
    running = [c for c, cells in texts.items() if column_kind(cells, lex) == "text"]
    if running:
        best = max(running, key=lambda c: sum(len(t) for t in texts[c]))
        columns = {**columns, best: Column("activity", columns[best].name)}
    return columns


def _layout_in_order(heads: list[tuple], subs: list[str], data_cols: list[int], data: list[Row],
                     lex: Lexicon) -> dict[int, Column]:
    extra = len(data_cols) - len(heads)
    if extra <= 0:
        return {c: Column(*heads[i]) for i, c in enumerate(data_cols)}
    kinds = [column_kind([cell_text(row[c]) for row in data if c in row], lex) for c in data_cols]
    width = extra + 1

    def agreement(i: int) -> int:
        field = heads[i][0]
        return sum(_KIND_FIELD.get(k) == field for k in kinds[i:i + width])
    spread = max(range(len(heads)), key=lambda i: (agreement(i), -i))
    out = {}
    for n, c in enumerate(data_cols):
        if n < spread:
            out[c] = Column(*heads[n])
        elif n < spread + width:
            field, name = heads[spread]
            sub = subs[n - spread] if len(subs) == width else ""
            out[c] = Column(field, f"{name} / {sub}" if sub else name)
        else:
            out[c] = Column(*heads[n - extra])
    return out
