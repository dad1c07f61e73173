"""Stage 3 — parse: one language version's blocks to a :class:`~pipeline.model.Version`.

The plan hierarchy is Part › Section › (needs, aims, objectives, activities); each
activity has a printed number, text and labelled fields (indicators, agencies,
implementation period).  Headings and labels come from the language's lexicon.  A
paragraph that starts in lower case, or follows text that stopped without final
punctuation (a sentence broken across paragraphs or pages), continues the previous
element.  Activities directly under a Part go to an undeclared section.  Printed numbers
are kept exactly; ids are derived from structure and stay unique when numbers repeat.
Whatever cannot be placed is returned as unparsed text with its location.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import regex

from .bodies import legend_of, split_bodies, split_list
from .lexicon import HeadingMatch, Lexicon, load_gazetteer
from .model import (LISTS, Activity, Agency, Block, Context, Field, Item, Label, Location, Loose, Part, Section,
                    Split, Version, VersionBlocks)
from .periods import text_to_period, title_year
from .tables import Column, Row, cell_text, columns_by_content, header_fields, is_column_numbers, is_subheader, layout, rows_of

TERMINAL = tuple(".!?;:…»\"”)")
MAX_HEADING = 300
SENTENCE_BREAK = regex.compile(r"[.!?…]\s+(?=\p{Lu})")  # a sentence ends and another begins
MAX_PLAIN_ACTIVITY = 400  # characters: a longer numbered paragraph without labels around it is narrative
TOC_LINE = regex.compile(r"(?:\.{4,}|…{2,}|(?:\.\s){4,}|_{4,})\s*\d{1,4}\s*$|\t\s*\d{1,4}\s*$")
ACT_DEEP = regex.compile(r"(?P<num>\d{1,3}(?:\.\d{1,3}){2,})(?P<dot>\.)?\s+(?P<text>\S.*)", regex.S)
ACT_ANY = regex.compile(r"(?P<num>\d{1,3}(?:\.\d{1,3})*)(?P<dot>[.)])\s+(?P<text>\S.*)"
                        r"|(?P<num2>\d{1,3}(?:\.\d{1,3})+)\s+(?P<text2>\S.*)", regex.S)
STYLED_HEADING = regex.compile(r"(?P<num>\d{1,2}(?:\.\d{1,2})?)\.?\s+(?P<title>\S.*)", regex.S)
BULLET = regex.compile(r"[-•–·▪]\s+\S")
LIST_ITEM = regex.compile(r"(?P<marker>\d{1,3}[.)]|[-•–·▪])\s+(?P<text>\S.*)", regex.S)
ACT_FIELDS = ("indicators", "agencies", "period")
_NO_LABEL = type("_NoLabel", (), {"field": None})
GAZETTEER = load_gazetteer()


# --- mutable builders, private to this stage -----------------------------------------------

@dataclass
class _Text:
    """Something paragraphs can continue: an item, an activity's text or a field value."""

    text: str
    source: Location
    continued: list = field(default_factory=list)

    def extend(self, block: Block, sep: str = " ") -> None:
        self.text = f"{self.text}{sep}{block.text}" if self.text else block.text
        self.continued.append(block.loc)


@dataclass
class _Item(_Text):
    marker: str = ""
    label: str = ""
    number: str | None = None


@dataclass
class _Field(_Text):
    name: str = ""
    label: str = ""
    column: str | None = None


@dataclass
class _Activity(_Text):
    number: str | None = None
    marker: str = ""
    fields: list = field(default_factory=list)
    cells: list = field(default_factory=list)  # a table row's number cell: part of the extent


@dataclass
class _Node:
    """A part or a section under construction."""

    number: str | None
    heading: str | None
    title: str | None
    source: Location | None
    declared: bool = True
    addressee: str | None = None  # the body a group of measures is addressed to: their responsible body
    lists: dict = field(default_factory=lambda: {name: [] for name in LISTS})
    labels: list = field(default_factory=list)
    children: list = field(default_factory=list)  # sections of a part, activities of a section


@dataclass
class _State:
    lex: Lexicon
    parts: list = field(default_factory=list)
    preamble: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    unparsed: list = field(default_factory=list)
    context: str = "preamble"
    target: _Text | None = None
    pending_label: tuple | None = None
    header: tuple | None = None  # the last header row: (row, column -> field, sub-header rows)
    columns: dict | None = None  # table grid column -> Column, from the header or the content
    labelled: bool = False  # the version has activity labels, addressees or a table header somewhere
    plain_plan: bool = False  # without labels, its numbered paragraphs read as activities
    followed_by_fields: frozenset = frozenset()  # locations of numbered paragraphs an activity field label follows

    @property
    def part(self) -> _Node:
        if not self.parts:
            self.parts.append(_Node(None, None, None, None, declared=False))
        return self.parts[-1]

    @property
    def container(self) -> _Node:
        part = self.part
        return part.children[-1] if part.children and self.context != "part" else part

    def section(self, loc: Location) -> _Node:
        """The current section, opening an undeclared one under the part if there is none."""
        part = self.part
        if not part.children or self.context == "part":
            part.children.append(_Node(None, None, None, loc, declared=False))
            self.context = "activities"
        return part.children[-1]


# --- block handlers -----------------------------------------------------------------------

def _flush_pending(state: _State) -> None:
    """A numbered label (``Задача 2:``) that no text followed stays a label."""
    if state.pending_label:
        name, label, _number, loc = state.pending_label
        state.container.labels.append(Label(name, label, loc))
        state.pending_label = None


def _styled_heading(block: Block) -> HeadingMatch | None:
    """A paragraph set as a heading (a Word heading style, a larger PDF font) and numbered
    like a part ("2. Protection") or a section ("2.1 Shelters"), without a heading word."""
    m = STYLED_HEADING.fullmatch(block.text) if block.heading else None
    if not m:
        return None
    return HeadingMatch("section" if "." in m.group("num") else "part", m.group("num"), m.group("title").strip())


def _on_heading(state: _State, block: Block) -> bool:
    if len(block.text) > MAX_HEADING or TOC_LINE.search(block.text):  # a line of contents is no heading
        return False
    m = state.lex.match_heading(block.text) or _styled_heading(block)
    if not m:
        return False
    _flush_pending(state)
    node = _Node(m.number, block.text, m.title or None, block.loc)
    if m.kind == "part":
        state.parts.append(node)
        state.context = "part"
    else:
        state.part.children.append(node)
        state.context = "section"
    state.target = None
    return True


def _on_label(state: _State, block: Block) -> bool:
    m = state.lex.match_label(block.text)
    if not m:
        return False
    if m.field in LISTS:
        node = state.container
        if m.rest:
            item = _Item(m.rest, block.loc, label=m.label, number=m.number)
            node.lists[m.field].append(item)
            state.target = item
        elif m.number:
            _flush_pending(state)
            state.pending_label = (m.field, m.label, m.number, block.loc)
            state.target = None
        else:
            node.labels.append(Label(m.field, m.label, block.loc))
            state.target = None
        state.context = m.field
    elif m.field == "activities":
        section = state.section(block.loc)
        section.labels.append(Label(m.field, m.label, block.loc))
        state.context, state.target = "activities", None
        if m.rest:  # text after the label on the same line is read as a paragraph of its own
            _feed(state, replace(block, text=m.rest))
    elif m.field == "note":
        note = _Item(m.rest, block.loc, label=m.label, number=m.number)
        state.notes.append(note)
        state.context, state.target = "note", note
    else:
        return _on_field(state, block, m)
    return True


def _on_field(state: _State, block: Block, m) -> bool:
    activity = _current_activity(state)
    if activity is None:
        return False
    value, rest = _split_at_label(state.lex, m.rest)
    f = _Field(value, block.loc, name=m.field, label=m.label)
    activity.fields.append(f)
    state.target = f
    if rest:  # "Responsible: Ministry of Justice. Deadline: 2024." — the next field, as printed
        _feed(state, replace(block, text=rest))
    return True


def _split_at_label(lex: Lexicon, text: str) -> tuple[str, str]:
    """``text`` cut before another activity field's label that starts a sentence in it."""
    for m in lex.label_re.finditer(text):
        start = m.start()
        if start and text[start - 1].isspace() and text[:start].rstrip().endswith((".", ";")):
            label = lex.match_label(text[start:])
            if label and label.field in ACT_FIELDS:
                return text[:start].rstrip(), text[start:]
    return text, ""


def _current_activity(state: _State) -> _Activity | None:
    if state.context != "activities" or not state.parts or not state.part.children:
        return None
    acts = state.part.children[-1].children
    return acts[-1] if acts else None


def _on_addressee(state: _State, block: Block) -> bool:
    """A numbered addressee ("2. Қазақстан Республикасының Ауыл шаруашылығы министрлігі:")
    opens a section of the measures addressed to it, which it is responsible for."""
    m = state.lex.match_addressee(block.text) if len(block.text) <= MAX_HEADING else None
    if not m:
        return False
    _flush_pending(state)
    state.part.children.append(_Node(m[0], block.text, m[1], block.loc, addressee=m[1]))
    state.context, state.target = "section", None
    return True


def _on_activity(state: _State, block: Block) -> bool:
    m = ACT_DEEP.fullmatch(block.text)
    if not m and state.context in ("activities", "part", "section"):  # right under a heading too
        m = ACT_ANY.fullmatch(block.text)
    if not m:
        return False
    num = m.group("num") or m.group("num2")
    text = m.group("text") or m.group("text2")
    if not _in_plan_context(state, block, num, text):
        return False
    marker = block.text[: len(block.text) - len(text)].rstrip()
    section = state.section(block.loc)
    if section.addressee and "." not in num:
        # "6. <body> <measure>" beside addressed groups: a group of one, addressed to the body it opens with
        section = _Node(None, None, None, block.loc, declared=False, addressee=state.lex.leading_body(text))
        state.part.children.append(section)
    act = _Activity(text, block.loc, number=num, marker=marker)
    section.children.append(act)
    state.context, state.target = "activities", act
    return True


def _in_plan_context(state: _State, block: Block, number: str, text: str) -> bool:
    """Is a numbered paragraph an activity here?  Only where the document is a plan: after
    an activities label, a measures table or another activity; followed by an activity's
    field label; numbered under its own section ("1.2.3" in section 1.2); or, in a version
    without any label or table whose numbered paragraphs read as activities
    (:func:`_plain_plan`), a sentence right under a part or section heading.  Never a
    heading (styled, upper case, a line of contents), nor a report's numbered narrative (in
    a version without labels: a paragraph of more than one sentence)."""
    if block.heading or _shouting(text) or TOC_LINE.search(text):
        return False
    if state.context == "activities" or block.loc in state.followed_by_fields:
        return True
    node = state.container
    if node.declared and node.number and number.startswith(node.number + ".") and node is not state.part:
        return True
    return not state.labelled and state.plain_plan and state.context in ("part", "section") and _plain_activity(text)


def _plain_activity(text: str) -> bool:
    """One sentence of moderate length: what an unlabelled activity looks like."""
    text = text.rstrip()
    return text.endswith(TERMINAL) and len(text) <= MAX_PLAIN_ACTIVITY and not SENTENCE_BREAK.search(text)


def _plain_plan(blocks: tuple[Block, ...]) -> bool:
    """Do the numbered paragraphs of a version without labels read as a plan's activities —
    two in three of them one sentence each — rather than as a report's narrative?"""
    candidates = [m.group("text") or m.group("text2") for b in blocks if b.loc.table is None and not b.heading
                  for m in [ACT_ANY.fullmatch(b.text)] if m and not _shouting(b.text)]
    return bool(candidates) and 3 * sum(map(_plain_activity, candidates)) >= 2 * len(candidates)


def _shouting(text: str) -> bool:
    """Mostly capital letters: a heading set in upper case."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 8 and sum(c.isupper() for c in letters) >= 0.7 * len(letters)


def _continues(state: _State, block: Block) -> bool:
    """Does ``block`` continue the current text (a sentence broken across paragraphs)?"""
    target = state.target
    if target is None:
        return False
    if not target.text:
        return True
    lower = block.text[:1].islower()
    if state.context == "preamble" or (isinstance(target, _Field) and target.name == "period"):
        return lower
    return lower or not target.text.rstrip().endswith(TERMINAL) or _bullet_goes_on(target, block)


def _bullet_goes_on(target: _Text, block: Block) -> bool:
    """A bullet ("- органдардың …") after text that announced a list (ending in ":") or after
    another bullet: the list goes on inside the same item."""
    if not BULLET.match(block.text):
        return False
    last_line = target.text.rsplit("\n", 1)[-1]
    return target.text.rstrip().endswith(":") or bool(BULLET.match(last_line))


def _on_list_item(state: _State, block: Block) -> bool:
    if state.context not in LISTS + ("preamble",):
        return False
    m = LIST_ITEM.fullmatch(block.text)
    if not m:
        return False
    _new_item(state, block, m.group("text"), m.group("marker"))
    return True


def _new_item(state: _State, block: Block, text: str, marker: str = "") -> None:
    _name, label, number, _loc = state.pending_label or ("", "", None, None)
    state.pending_label = None
    item = _Item(text, block.loc, marker=marker, label=label, number=number or marker.rstrip(".)") or None)
    if state.context == "preamble":
        state.preamble.append(item)
    else:
        state.container.lists[state.context].append(item)
    state.target = item


def _on_other(state: _State, block: Block) -> None:
    target = state.target
    if _continues(state, block):
        target.extend(block, sep="\n" if BULLET.match(block.text) else " ")
    elif isinstance(target, _Field) and target.name == "indicators":
        target.extend(block, sep="\n")
    elif state.context in LISTS + ("preamble",):
        _new_item(state, block, block.text)
    elif state.context == "note" and target is not None:
        target.extend(block, sep="\n")
    else:
        state.unparsed.append(Loose(block.lang or state.lex.code, block.text, block.loc,
                                    "not part of the plan structure"))


def _feed(state: _State, block: Block) -> None:
    if (_on_heading(state, block) or _on_label(state, block) or _on_addressee(state, block)
            or _on_activity(state, block)):
        return
    if _starts_lower(block) and state.target is not None:
        state.target.extend(block)
    elif not _on_list_item(state, block):
        _on_other(state, block)


def _labelled(blocks: tuple[Block, ...], lex: Lexicon) -> bool:
    """Does the version label anything as a plan does: an activity field label, an
    addressee, a table header row?"""
    if any(lex.match_addressee(b.text) or (lex.match_label(b.text) or _NO_LABEL).field in ACT_FIELDS + ("activities",)
           for b in blocks if b.loc.table is None):
        return True
    return any(header_fields(row, lex) for group in _groups(blocks) if group[0].loc.table is not None
               for row in rows_of(group))


def _followed_by_fields(blocks: tuple[Block, ...], lex: Lexicon) -> frozenset:
    """Locations of numbered paragraphs whose next paragraph (its continuations aside) is an
    activity field label: "1.1.1 Run a campaign." over "Responsible: …"."""
    out = set()
    numbered = None
    for block in blocks:
        if ACT_ANY.fullmatch(block.text):
            numbered = block.loc
        elif block.text[:1].islower():
            continue
        elif numbered is not None:
            label = lex.match_label(block.text)
            if label and label.field in ACT_FIELDS:
                out.add(numbered)
            numbered = None
    return frozenset(out)


def _groups(blocks: tuple[Block, ...]) -> list[list[Block]]:
    """Each paragraph alone; the consecutive blocks of one table together."""
    groups: list[list[Block]] = []
    for block in blocks:
        key = (block.loc.file, block.loc.table)
        if block.loc.table is not None and groups and (groups[-1][0].loc.file, groups[-1][0].loc.table) == key:
            groups[-1].append(block)
        else:
            groups.append([block])
    return groups


def _starts_lower(block: Block) -> bool:
    return block.text[:1].islower()


# --- tables: one row per activity, columns named by a header row or by their content ----------

def _feed_table(state: _State, blocks: list[Block]) -> None:
    """Header rows set the columns (with the sub-header and column-number rows under them);
    rows under them are activities; other rows are paragraphs.

    A table without a header row continues the previous table's columns (a table broken
    across pages, a header printed as a table of its own), or is read by its content when
    it looks like a numbered plan (:func:`pipeline.tables.columns_by_content`); a row whose
    number cell is empty continues the previous row.
    """
    rows = rows_of(blocks)
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
            _table_row(state, row, first)
            first = False
        elif state.columns and _full_width(row, state.columns) and _group_row(state, row):
            continue
        else:
            for cell in row.values():
                for block in cell:
                    _feed(state, block)


def _on_header_rows(state: _State, row: Row) -> bool:
    """A header row, or a sub-header or column-number row right under one: its cells become
    labels of the current part or section.  A header repeated on a new page goes on."""
    fields = header_fields(row, state.lex)
    if fields:
        repeated = state.header is not None and fields == state.header[1] and state.columns is not None
        if not repeated:
            _flush_pending(state)
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


def _group_row(state: _State, row: Row) -> bool:
    """A numbered row merged across the table ("1. Introduction and Enhancement of …") heads
    a group of its rows: a section, not an activity."""
    if state.context in LISTS + ("preamble", "note"):  # a numbered need or aim merged across the row
        return False
    (cell,) = row.values()
    text = cell_text(cell)
    m = ACT_ANY.fullmatch(text)
    if not m or "\n" in text or len(text) > MAX_HEADING:
        return False
    number = m.group("num") or m.group("num2")
    state.part.children.append(_Node(number, text, m.group("text") or m.group("text2"), cell[0].loc))
    state.context, state.target = "activities", None
    return True


def _cells(state: _State, row: Row) -> list[tuple[Column, list[Block]]]:
    """The row's cells with their columns; a merged cell spanning the activity column is the activity."""
    out = []
    for col, cell in sorted(row.items()):
        spanned = [state.columns[c] for c in range(col, col + cell[0].span) if c in state.columns]
        column = next((c for c in spanned if c.field == "activity"), None) or next(
            (c for c in spanned if c.field), spanned[0] if spanned else Column(None, ""))
        out.append((column, cell))
    return out


def _table_row(state: _State, row: Row, first: bool) -> None:
    cells = _cells(state, row)
    number_cell = next((cell for column, cell in cells if column.field == "number"), None)
    text_cell = next((cell for column, cell in cells if column.field == "activity"), None)
    rest = [(column, cell) for column, cell in cells if cell is not number_cell and cell is not text_cell]
    if number_cell is None and text_cell is None and not any(column.field for column, _ in rest):
        state.unparsed.extend(Loose(b.lang or state.lex.code, b.text, b.loc, "table column without a known header")
                              for _, cell in rest for b in cell)
        return
    current = _current_activity(state)
    row_loc = cells[0][1][0].loc
    numbered = text_cell is not None and ACT_ANY.fullmatch(cell_text(text_cell))
    if (current is not None and number_cell is None and not numbered
            and _row_continues(state, current, row_loc, text_cell, first)):
        _continue_row(state, current, text_cell, rest)
        return
    marker, number, text, loc = "", None, "", (text_cell or number_cell or rest[0][1])[0].loc
    if number_cell:
        marker = cell_text(number_cell)
        m = _NUMBER.search(marker)
        number = m.group() if m else None
    if text_cell:
        text = cell_text(text_cell)
        m = ACT_ANY.fullmatch(text) if number_cell is None else None
        if m:  # no number column: the number opens the activity's text
            number, text = m.group("num") or m.group("num2"), m.group("text") or m.group("text2")
            marker = text_cell[0].text[: len(text_cell[0].text) - len(text.split("\n")[0])].rstrip()
    act = _Activity(text, loc, number=number, marker=marker)
    act.continued.extend(b.loc for b in (text_cell or [])[1:])
    if text_cell:
        act.cells.extend(b.loc for b in number_cell or [])
    state.section(loc).children.append(act)
    state.context, state.target = "activities", act
    for column, cell in rest:
        _add_cell(state, act, column, cell)


_NUMBER = regex.compile(r"\d{1,3}(?:\.\d{1,3})*")


def _row_continues(state: _State, current: _Activity, row_loc: Location, text_cell, first: bool) -> bool:
    """Does a row without a number continue the previous row?  Only a row of the same table,
    or the first row of a table on a later page (a table broken across pages); then always
    when the table numbers its rows, else when the previous text stopped mid-sentence."""
    last = current.continued[-1] if current.continued else current.source
    if current.source.table is None:
        return False
    if row_loc.table != last.table and not (first and (row_loc.page or 0) > (last.page or 0)):
        return False
    if any(c.field == "number" for c in state.columns.values()) or not text_cell:
        return True
    return text_cell[0].text[:1].islower() or not current.text.rstrip().endswith(TERMINAL)


def _from_cell(cls, cell: list[Block], **fields):
    """A builder holding a table cell's paragraphs (one per line) and their locations."""
    return cls(cell_text(cell), cell[0].loc, continued=[b.loc for b in cell[1:]], **fields)


def _add_cell(state: _State, act: _Activity, column: Column, cell: list[Block]) -> None:
    """A cell of a field column becomes the activity's field (``other`` under a header the
    lexicon does not know); a note column's cell a note."""
    if column.field == "note":
        state.notes.append(_from_cell(_Item, cell))
    elif column.field or column.name:
        act.fields.append(_from_cell(_Field, cell, name=column.field or "other", column=column.name or None))
    else:
        state.unparsed.extend(Loose(b.lang or state.lex.code, b.text, b.loc, "table column without a known header")
                              for b in cell)


def _continue_row(state: _State, act: _Activity, text_cell, rest) -> None:
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


# --- freezing builders into the model ------------------------------------------------------

class _Ids:
    """Deterministic ids: from printed numbers, ``nn`` when there is none, repeats suffixed."""

    def __init__(self):
        self.seen: dict[str, int] = {}

    def __call__(self, base: str) -> str:
        n = self.seen.get(base, 0) + 1
        self.seen[base] = n
        return base if n == 1 else f"{base}-{n}"


def _slug(number: str | None) -> str:
    return regex.sub(r"[^0-9A-Za-z]+", "-", number).strip("-") if number else "nn"


def _items(items: list[_Item]) -> tuple[Item, ...]:
    return tuple(Item(text=i.text, source=i.source, marker=i.marker, label=i.label, number=i.number,
                      continued=tuple(i.continued)) for i in items)


def _agency(name: str, legend: dict[str, str]) -> Agency:
    """A body as printed, its gazetteer id, and its full name where the document's legend
    spells out the abbreviation it is."""
    expanded = legend.get(name)
    return Agency(name, GAZETTEER.lookup(name) or (GAZETTEER.lookup(expanded) if expanded else None), expanded)


@dataclass(frozen=True)
class _Freeze:
    """What freezing the builders needs: the lexicon, the id maker, the document's context."""

    lex: Lexicon
    ids: _Ids
    legend: dict
    year: int | None


def _activity(act: _Activity, section_id: str, fz: _Freeze, addressee: str | None = None) -> Activity:
    lex = fz.lex
    fields = tuple(Field(f.name, f.label, f.text, f.source, tuple(f.continued), f.column) for f in act.fields)
    values = {name: _joined([f for f in fields if f.field == name]) for name in ACT_FIELDS}
    period = text_to_period(values["period"], lex, fz.year) if any(f.field == "period" for f in fields) else None
    return Activity(
        id=fz.ids(f"{section_id}-act-{_slug(act.number)}"), number=act.number, marker=act.marker,
        text=act.text, indicators=tuple(split_list(values["indicators"], regex.compile(";"))),
        agencies=tuple(_agency(name, fz.legend) for name in split_bodies(
            values["agencies"], lex.conjunctions, GAZETTEER.protected) or ([addressee] if addressee else [])
            if regex.search(r"\p{L}", name)),  # "-": none
        period=period, fields=fields, source=act.source, continued=tuple(act.continued),
        extent=_extent([act.source, *act.continued, *act.cells,
                        *(l for f in fields for l in (f.source, *f.continued))]))


def _joined(fields: list[Field]) -> str:
    """The values of one field's cells: in sub-columns, each after its sub-header
    ("Минюст: Январь; Правительство: Февраль"), else one per line."""
    subs = [f.column.rpartition(" / ")[2] for f in fields if f.column and " / " in f.column]
    if len(fields) > 1 and len(subs) == len(fields):
        return "; ".join(f"{sub}: {f.value}" for sub, f in zip(subs, fields))
    return "\n".join(f.value for f in fields)


def _extent(locs) -> tuple[Location, ...]:
    """One location per (file, page) with the union of the bounding boxes found there."""
    boxes: dict[tuple[int, int], list] = {}
    for loc in locs:
        if loc.bbox is not None and loc.page is not None:
            boxes.setdefault((loc.file, loc.page), []).append(loc.bbox)
    return tuple(Location(file=file, page=page, bbox=(min(b[0] for b in bb), min(b[1] for b in bb),
                                                     max(b[2] for b in bb), max(b[3] for b in bb)))
                 for (file, page), bb in boxes.items())


def _section(node: _Node, part_id: str, fz: _Freeze) -> Section:
    base = f"{fz.lex.code}-sec-{_slug(node.number)}" if node.declared else f"{part_id}-sec-nn"
    sid = fz.ids(base)
    return Section(
        id=sid, number=node.number, declared=node.declared, heading=node.heading, title=node.title,
        needs=_items(node.lists["needs"]), aims=_items(node.lists["aims"]),
        objectives=_items(node.lists["objectives"]), labels=tuple(node.labels),
        activities=tuple(_activity(a, sid, fz, node.addressee) for a in node.children), source=node.source)


def _part(node: _Node, fz: _Freeze) -> Part:
    pid = fz.ids(f"{fz.lex.code}-part-{_slug(node.number)}")
    return Part(
        id=pid, number=node.number, heading=node.heading, title=node.title,
        needs=_items(node.lists["needs"]), aims=_items(node.lists["aims"]),
        objectives=_items(node.lists["objectives"]), labels=tuple(node.labels),
        sections=tuple(_section(s, pid, fz) for s in node.children), source=node.source)


def blocks_to_version(blocks: VersionBlocks, lex: Lexicon,
                      context: Context = Context()) -> tuple[Version, tuple[Loose, ...]]:
    """Parse one language version; returns it with the text that could not be placed.

    ``context`` brings what the rest of the document says (:func:`split_to_context`).
    """
    state = _State(lex, labelled=_labelled(blocks.body, lex), plain_plan=_plain_plan(blocks.body),
                   followed_by_fields=_followed_by_fields(blocks.body, lex))
    for group in _groups(blocks.body):
        if group[0].loc.table is None:
            _feed(state, group[0])
        else:
            _feed_table(state, group)
    _flush_pending(state)
    title = " ".join(b.text for b in blocks.title) or None
    fz = _Freeze(lex, _Ids(), dict(context.legend), (title_year(title) if title else None) or context.year)
    version = Version(
        lang=blocks.lang, title=title, title_source=blocks.title[0].loc if blocks.title else None,
        preamble=_items(state.preamble), notes=_items(state.notes),
        parts=tuple(_part(p, fz) for p in state.parts))
    return version, tuple(state.unparsed)


def split_to_context(split: Split) -> Context:
    """What the whole document tells each version's parse: the abbreviations spelled out in
    any stretch of running text (a legend at the end, a note), and the year named by the
    last front-matter paragraph that names exactly one (the plan's title, after the decree
    that approves it)."""
    blocks = split.front + tuple(b for v in split.versions for b in v.title + v.body) + split.between + split.back
    legend: dict[str, str] = {}
    run: list[str] = []
    for block in blocks + (None,):
        if block is not None and block.loc.table is None:
            run.append(block.text)
            continue
        for abbr, full in legend_of([" ".join(run)]).items():
            legend.setdefault(abbr, full)
        run = []
    year = next((y for y in map(title_year, (b.text for b in reversed(split.front))) if y), None)
    return Context(legend=tuple(legend.items()), year=year)
