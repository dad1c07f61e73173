"""Tables for the parse stage: rows under a header (or typed by content) become activities.

:func:`feed_table` reads one table's blocks into the :class:`~pipeline.builders.ParseState`;
rows that are not activities (a heading merged across the row, a label) go to ``feed``,
the paragraph reader of :mod:`pipeline.parse`.
"""
from __future__ import annotations

from typing import Callable

import regex

from .builders import (ACT_ANY, ASIDE_PARTS, TERMINAL, ActivityBuilder, FieldBuilder, ItemBuilder, NodeBuilder,
                       ParseState, current_activity, flush_pending, open_heading, open_section)
from .bodies import lines_as_bodies
from .model import LISTS, Block, Label, Location, Loose
from .tables import Column, Row, cell_text, columns_by_content, header_fields, is_column_numbers, is_subheader, layout, rows_of

def feed_table(state: ParseState, blocks: list[Block], feed: Callable[[ParseState, Block], None]) -> None:
    """Header rows set the columns (with the sub-header and column-number rows under them);
    rows under them are activities; other rows are paragraphs.

    A table without a header row continues the previous table's columns (a table broken
    across pages, a header printed as a table of its own), or is read by its content when
    it looks like a numbered plan (:func:`pipeline.tables.columns_by_content`); a row whose
    number cell is empty continues the previous row.
    """
    rows = rows_of([b for b in blocks if b.loc.part not in ASIDE_PARTS])
    for block in blocks:
        if block.loc.part in ASIDE_PARTS:  # a footnote or text box of a cell: a note, not the cell's text
            feed(state, block)
    first = True
    for i, row in enumerate(rows):
        if _on_header_rows(state, row):
            continue
        if state.header is not None and state.columns is None:
            header, fields, subs = state.header
            state.columns = layout(header, fields, subs, rows[i:i + 8], state.lex)
        elif state.columns is None and i == 0 and state.context != "part":
            state.columns = columns_by_content(rows, state.lex)
        if state.columns and set(row) <= set(state.columns) and not _full_width(row, state.columns):
            if not _numbered_group(state, row, rows[i + 1] if i + 1 < len(rows) else None):
                _table_row(state, row, first)
                first = False
        elif state.columns and _full_width(row, state.columns) and _group_row(state, row):
            continue
        else:
            for cell in row.values():
                for block in cell:
                    feed(state, block)


def _on_header_rows(state: ParseState, row: Row) -> bool:
    """A header row, or a sub-header or column-number row right under one: its cells become
    labels of the current part or section.  A header repeated on a new page goes on."""
    fields = header_fields(row, state.lex)
    if fields:
        repeated = state.header is not None and fields == state.header[1] and state.columns is not None
        if not repeated:
            flush_pending(state)
            state.header, state.columns = (row, fields, []), None
            if state.context != "part":
                state.section(row[min(row)][0].loc)
            state.context, state.target = "activities", None
        state.container.labels.extend(Label(fields[col] or "other", cell_text(cell), cell[0].loc)
                                      for col, cell in sorted(row.items()))
        return True
    if state.header is None or state.target is not None:
        return False
    if is_column_numbers(row):
        kind = "column-number"
    elif state.columns is None and not state.header[2] and is_subheader(row, state.lex):
        kind = "column"
        state.header[2].append(row)
    else:
        return False
    state.container.labels.extend(Label(kind, cell_text(cell), cell[0].loc) for _, cell in sorted(row.items()))
    return True


def _full_width(row: Row, columns: dict) -> bool:
    """A single cell merged across most of the table: a heading row, not an activity."""
    if len(row) != 1:
        return False
    cell = next(iter(row.values()))
    return 2 * cell[0].span > len(columns)


def _group_row(state: ParseState, row: Row) -> bool:
    """A row merged across the table that is no heading or label of the lexicon heads a group
    of the rows under it — "1. Introduction and Enhancement of …", "Прокуратура области" (a
    table that restarts its numbering per unit): a section, not an activity nor the tail of
    the row above."""
    if state.context in LISTS + ("preamble", "note"):  # a need or aim merged across the row
        return False
    (cell,) = row.values()
    text = cell_text(cell).strip()
    if "\n" in text or len(text) > MAX_GROUP or state.lex.match_heading(text) or state.lex.match_label(text):
        return False
    m = ACT_ANY.fullmatch(text)
    number, title = (m.group("num") or m.group("num2"), m.group("text") or m.group("text2")) if m else (None, text)
    open_section(state, NodeBuilder(number, text, title, cell[0].loc))
    state.context, state.target = "activities", None
    return True


MAX_GROUP = 200  # characters: a longer merged row is text, not the name of a group


def _cells(state: ParseState, row: Row) -> list[tuple[Column, list[Block]]]:
    """The row's cells with their columns; a merged cell spanning the activity column is the activity."""
    out = []
    for col, cell in sorted(row.items()):
        spanned = [state.columns[c] for c in range(col, col + cell[0].span) if c in state.columns]
        column = next((c for c in spanned if c.field == "activity"), None) or next(
            (c for c in spanned if c.field), spanned[0] if spanned else Column(None, ""))
        out.append((column, cell))
    return out


def _row_number(state: ParseState, row: Row | None) -> str | None:
    """The number printed in a row's number column ("1.2." → "1.2"), or None."""
    if row is None or not state.columns or not set(row) <= set(state.columns):
        return None
    cell = next((cell for column, cell in _cells(state, row) if column.field == "number"), None)
    m = _NUMBER.search(cell_text(cell)) if cell else None
    return m.group() if m else None


def _numbered_group(state: ParseState, row: Row, following: Row | None) -> bool:
    """A numbered row with nothing but its number and title: with a Roman numeral ("II."
    "Защита"), a part; over a row numbered under it ("1." "Совершенствование
    законодательства" over "1.1." …), a section — not an activity without fields."""
    cells = _cells(state, row)
    number_cell = next((cell for column, cell in cells if column.field == "number"), None)
    text_cell = next((cell for column, cell in cells if column.field == "activity"), None)
    if text_cell is None or any(cell_text(cell).strip() for _, cell in cells
                                if cell is not number_cell and cell is not text_cell):
        return False
    if number_cell is None:
        return _unnumbered_group(state, text_cell, following)
    marker, title = cell_text(number_cell).strip(), cell_text(text_cell)
    roman = _ROMAN_CELL.fullmatch(marker)
    if roman:  # "II." "Защита": a part
        open_heading(state, NodeBuilder(roman.group(1), f"{marker} {title}", title, number_cell[0].loc), "part")
        return True
    number, below = _row_number(state, row), _row_number(state, following)
    if number is None or below is None or not below.startswith(number + "."):
        return False
    flush_pending(state)
    open_section(state, NodeBuilder(number, f"{marker} {title}", title, number_cell[0].loc))
    state.context, state.target = "activities", None
    return True


def _unnumbered_group(state: ParseState, text_cell: list[Block], following: Row | None) -> bool:
    """In a table without numbers, a short title alone in its row ("Water sector", every other
    cell empty, no final stop) over a row with fields of its own heads the rows under it: a
    section — not an activity without fields."""
    if any(c.field == "number" for c in state.columns.values()) or following is None \
            or not set(following) <= set(state.columns):
        return False
    title = cell_text(text_cell).strip()
    if not title or len(title.split()) > MAX_GROUP_WORDS or title.endswith(TERMINAL) or "\n" in title:
        return False
    if not any(cell_text(cell).strip() for column, cell in _cells(state, following)
               if column.field not in (None, "number", "activity")):
        return False
    flush_pending(state)
    open_section(state, NodeBuilder(None, title, title, text_cell[0].loc))
    state.context, state.target = "activities", None
    return True


MAX_GROUP_WORDS = 8  # a longer title alone in its row is an activity whose fields the table leaves empty


_ROMAN_CELL = regex.compile(r"([IVXLCІХ]{1,7})\.?")  # a number cell holding a Roman numeral (Latin or Cyrillic letters)


def _open_group(state: ParseState, field: str, cell: list[Block]) -> None:
    """A cell of an aims or objectives column ("1. Accessible public services", merged down
    over the rows of its activities): a section of its own holding that aim or objective."""
    printed = cell_text(cell)
    m = ACT_ANY.fullmatch(printed)
    number, text = (m.group("num") or m.group("num2"), m.group("text") or m.group("text2")) if m else (None, printed)
    node = NodeBuilder(None, None, None, cell[0].loc, declared=False)
    node.lists[field].append(ItemBuilder(text, cell[0].loc, marker=printed[:len(printed) - len(text)].strip(),
                                         number=number))
    open_section(state, node)
    state.context, state.target = "activities", None


def _table_row(state: ParseState, row: Row, first: bool) -> None:
    cells = _cells(state, row)
    number_cell = next((cell for column, cell in cells if column.field == "number"), None)
    text_cell = next((cell for column, cell in cells if column.field == "activity"), None)
    rest = [(column, cell) for column, cell in cells if cell is not number_cell and cell is not text_cell]
    if number_cell is None and text_cell is None and not any(column.field for column, _ in rest):
        state.unparsed.extend(Loose(b.lang or state.lex.code, b.text, b.loc, "table column without a known header")
                              for _, cell in rest for b in cell)
        return
    current = current_activity(state)
    row_loc = cells[0][1][0].loc
    numbered = text_cell is not None and ACT_ANY.fullmatch(cell_text(text_cell))
    if (current is not None and number_cell is None and not numbered
            and _row_continues(state, current, row_loc, text_cell, first)):
        _continue_row(state, current, text_cell, rest)
        return
    for column, cell in rest:
        if column.field in LISTS and cell_text(cell).strip():
            _open_group(state, column.field, cell)
    rest = [(column, cell) for column, cell in rest if column.field not in LISTS]
    marker, number, text, loc = "", None, "", (text_cell or number_cell or rest[0][1] if rest else cells[0][1])[0].loc
    if number_cell:
        marker = cell_text(number_cell)
        m = _NUMBER.search(marker)
        number = m.group() if m else None
    if text_cell:
        text = cell_text(text_cell)
        m = ACT_ANY.fullmatch(text) if number_cell is None else None
        if m:  # no number column: the number opens the activity's text
            number, text = m.group("num") or m.group("num2"), m.group("text") or m.group("text2")
            printed = cell_text(text_cell)
            marker = printed[: len(printed) - len(text)].rstrip()
    act = ActivityBuilder(text, loc, number=number, marker=marker)
    act.continued.extend(b.loc for b in (text_cell or [])[1:])
    if text_cell:
        act.cells.extend(b.loc for b in number_cell or [])
    state.section(loc).children.append(act)
    state.context, state.target = "activities", act
    for column, cell in rest:
        _add_cell(state, act, column, cell)
    _merged_down(state, act, row_loc, rest)


def _merged_down(state: ParseState, act: ActivityBuilder, row_loc: Location, rest) -> None:
    """A cell merged down over the rows below it (``Block.rows``: one body, one deadline for
    several activities) holds for each of them: printed once, in the first row's fields, it
    is inherited by the activities of the rows it covers."""
    key = (row_loc.file, row_loc.table)
    for column, cell in rest:
        if cell[0].rows > 1 and column.field in INHERITED:
            text = _bodies_text(state, cell) if column.field == "agencies" else cell_text(cell)
            state.merged[(key, cell[0].loc.cell)] = (column.field, text, row_loc.row + cell[0].rows - 1)
    present = {cell[0].loc.cell for _, cell in rest}
    for (table, col), (name, text, last) in list(state.merged.items()):
        if table != key or (row_loc.row or 0) > last:
            del state.merged[(table, col)]
        elif col not in present:
            act.inherited.append((name, text))


INHERITED = ("agencies", "period", "indicators")  # fields a merged cell gives every row it covers


_NUMBER = regex.compile(r"\d{1,4}(?:\.\d+)*")


def _row_continues(state: ParseState, current: ActivityBuilder, row_loc: Location, text_cell, first: bool) -> bool:
    """Does a row without a number continue the previous row?  Only a row of the same table,
    or the first row of a table on a later page (a table broken across pages); then always
    when the table numbers its rows; in a table without numbers (an annexed matrix of
    activities printed without final stops), when its text goes on in lower case, or — at
    the top of a later page — when the previous text stopped mid-sentence."""
    last = current.continued[-1] if current.continued else current.source
    if current.source.table is None:
        return False
    new_page = first and (row_loc.page or 0) > (last.page or 0)
    if row_loc.table != last.table and not new_page:
        return False
    if any(c.field == "number" for c in state.columns.values()) or not text_cell:
        return True
    return text_cell[0].text[:1].islower() or (new_page and not current.text.rstrip().endswith(TERMINAL))


def _from_cell(cls, cell: list[Block], text: str | None = None, **fields):
    """A builder holding a table cell's paragraphs (one per line) and their locations."""
    return cls(cell_text(cell) if text is None else text, cell[0].loc, continued=[b.loc for b in cell[1:]], **fields)


def _bodies_text(state: ParseState, cell: list[Block]) -> str:
    """A responsible cell's paragraphs, a printed line end between two bodies kept as a break."""
    lex = state.lex
    return "\n".join(lines_as_bodies(b, lex.body_heads, lex.body_head_position == "last") for b in cell)


def _add_cell(state: ParseState, act: ActivityBuilder, column: Column, cell: list[Block]) -> None:
    """A cell of a field column becomes the activity's field (``other`` under a header the
    lexicon does not know); a note column's cell a note."""
    if column.field == "note":
        state.notes.append(_from_cell(ItemBuilder, cell))
    elif column.field or column.name:
        text = _bodies_text(state, cell) if column.field == "agencies" else None
        act.fields.append(_from_cell(FieldBuilder, cell, text, name=column.field or "other", column=column.name or None))
    else:
        state.unparsed.extend(Loose(b.lang or state.lex.code, b.text, b.loc, "table column without a known header")
                              for b in cell)


def _continue_row(state: ParseState, act: ActivityBuilder, text_cell, rest) -> None:
    """A row broken across a page: each cell continues the same column's text."""
    for block in text_cell or []:
        act.extend(block)
    for column, cell in rest:
        existing = next((f for f in act.fields if f.name == (column.field or "other")
                         and f.column == (column.name or None)), None)
        if existing is None:
            _add_cell(state, act, column, cell)
        else:
            for block in cell:
                existing.extend(block)


