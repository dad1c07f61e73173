"""Tables on PDF pages: drawn ones found as a reader sees them, and ones aligned by
whitespace alone — on either engine's objects and words.

Both PDF engines hand :func:`find_tables` the page's painted lines, rectangles and curves
as pdfplumber's objects (with ``fill``, ``stroke`` and ``paint``, the fill colour as the
engine reports it), so the tables found are the same on both paths.  The steps, each a
function:

* :func:`hidden_rects` — a filled rectangle painted wholly inside the rectangle beneath it
  in the same colour shows nothing: Word paints a shaded cell, then each of its shaded
  lines again, and those inner boxes would cut the cell into a grid of its lines;
* :func:`fill_gap` — cells drawn as filled rectangles with thin white gaps between them
  and no rules: the widest such gap becomes the tolerance within which pdfplumber snaps
  and joins edges, so both sides of a gap are one border;
* pdfplumber's ``TableFinder`` (its ``lines`` strategy, those tolerances) over the edges
  of what is left, in pdfplumber's ``Page.edges`` order.

Tables with neither rules nor fills (:func:`whitespace_tables`): a row of at least three
short column heads parted by wide gaps, and the rows under it whose words leave every
gutter between the heads free — read conservatively, so running text never becomes a
table (pdfplumber's ``text`` strategy would cut any page of prose into columns).  Between
such rows, a row of one run of text across the gutters is a cell merged over the columns
(a section's title); the borders stand in the gutters the whole block of rows leaves free,
head included; a table row's printed lines (a head or cell wrapped over several lines) are
its cells' lines, and a cell line of one word that fills its column is marked ``cut``: the
word may go on without a hyphen in the next line, which the document's words decide
(:func:`pipeline.extract.pdf.broken_at_edge`).
"""
from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass, replace
from types import SimpleNamespace
from typing import Sequence

RULE = 2.0  # a filled rectangle thinner than this (pt) is a rule, not a cell
MAX_GAP = 6.0  # the widest white gap between filled cells read as one border (pt)
DEFAULT_TOLERANCE = 3.0  # pdfplumber's snap, join and intersection tolerances
MAX_RECTS = 3000  # beyond this a page is a drawing (a chart), not a table: no hidden-rect search


@dataclass(frozen=True, slots=True)
class PdfWord:
    """A word of a PDF line (as :func:`whitespace_tables` reads them, whichever engine read
    the page): its text, box (the vertical extent as pdfminer places its first glyph), font
    size, how many of its first characters are in a bold font, and Tesseract's confidence
    in it (0-100; None on a text layer)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: int
    confidence: float | None = None


@dataclass(frozen=True, slots=True)
class PdfLine:
    """A printed line of a PDF page, or the piece of one in a table cell, as every path gives
    it (PDFium, pdfplumber, OCR, a cell of a table aligned by whitespace): its text, page,
    box, most common font size and leading text in a bold font; whether it lies in the
    page's top or bottom margin (running text only); its 1-based number on the page or in its
    cell (0 until :func:`pipeline.extract.pdf._numbered` gives it); its words where a table
    aligned by whitespace may be (None elsewhere); whether it is a cell line of one word
    that reaches its column's right edge, so that the word may go on without a space in the
    next line (:func:`_cut`, :func:`ruled_cuts`; whether it does, the document's words decide,
    :func:`pipeline.extract.pdf.join_with_breaks`)."""

    text: str
    page: int
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: str
    margin: bool = False
    line: int = 0
    words: tuple[PdfWord, ...] | None = None
    cut: bool = False


@dataclass(frozen=True, slots=True)
class PdfCell:
    """A table cell: its row, column, column span (1 and the empty slots after it), box and lines."""

    row: int
    cell: int
    span: int
    bbox: tuple
    lines: tuple[PdfLine, ...]


@dataclass(frozen=True, slots=True)
class PdfTable:
    """A table of a PDF page (drawn or aligned by whitespace): its top, box and cells."""

    top: float
    bbox: tuple
    cells: tuple[PdfCell, ...]


def paint_of(color) -> tuple:
    """pdfplumber's colour value (a number, a tuple or list of components, a pattern name or
    None) as a comparable tuple.

    >>> paint_of(0), paint_of([0.5, 0.25, 1]), paint_of(None)
    ((0.0,), (0.5, 0.25, 1.0), ())
    """
    if color is None:
        return ()
    if isinstance(color, (int, float)):
        return (round(float(color), 4),)
    if isinstance(color, (tuple, list)):
        return tuple(round(float(c), 4) if isinstance(c, (int, float)) else str(c) for c in color)
    return (str(color),)


def _filled(obj: dict) -> bool:
    return obj["object_type"] == "rect" and obj.get("fill") and not obj.get("stroke")


def _overlap(a: dict, b: dict, tol: float = 0.01) -> bool:
    """Do two boxes share some area (more than rounding: rectangles meeting at an edge do not)?"""
    return (a["x0"] < b["x1"] - tol and b["x0"] < a["x1"] - tol
            and a["top"] < b["bottom"] - tol and b["top"] < a["bottom"] - tol)


def _contains(outer: dict, inner: dict, tol: float = 0.01) -> bool:
    return (outer["x0"] <= inner["x0"] + tol and inner["x1"] <= outer["x1"] + tol
            and outer["top"] <= inner["top"] + tol and inner["bottom"] <= outer["bottom"] + tol)


def hidden_rects(objects: list[dict]) -> set[int]:
    """Indexes of the filled rectangles that show nothing: each lies wholly inside the
    last filled rectangle painted before it that it overlaps, and has that one's colour."""
    filled = [k for k, obj in enumerate(objects) if _filled(obj)]
    if len(filled) > MAX_RECTS:
        return set()
    hidden, below = set(), []
    for k in filled:
        rect = objects[k]
        under = next((objects[j] for j in reversed(below) if _overlap(objects[j], rect)), None)
        below.append(k)
        if under is not None and _contains(under, rect) and under.get("paint") == rect.get("paint"):
            hidden.add(k)
    return hidden


def fill_gap(cells: list[dict]) -> float:
    """The widest white gap (up to ``MAX_GAP``) between two filled cells facing each other
    across it — side by side in one row or one above the other in one column — or 0.

    >>> box = lambda x0, top, x1, bottom: {"x0": x0, "top": top, "x1": x1, "bottom": bottom}
    >>> fill_gap([box(0, 0, 50, 20), box(54, 0, 90, 20), box(0, 25, 50, 40), box(200, 0, 250, 20)])
    5
    """
    widest = 0.0
    for lo, hi, side_lo, side_hi in (("x0", "x1", "top", "bottom"), ("top", "bottom", "x0", "x1")):
        ordered = sorted(cells, key=lambda c: c[lo])
        starts = [c[lo] for c in ordered]
        for a in cells:
            k = bisect.bisect_right(starts, a[hi])
            while k < len(ordered) and starts[k] - a[hi] <= MAX_GAP:
                b = ordered[k]
                if min(a[side_hi], b[side_hi]) - max(a[side_lo], b[side_lo]) > RULE:
                    widest = max(widest, b[lo] - a[hi])
                k += 1
    return widest


def _cells(objects: list[dict], hidden: set[int]) -> list[dict]:
    return [obj for k, obj in enumerate(objects) if k not in hidden and _filled(obj)
            and min(obj["x1"] - obj["x0"], obj["bottom"] - obj["top"]) >= RULE]


def find_tables(objects: list[dict], width: float, height: float) -> list:
    """pdfplumber's tables (``lines`` strategy) over the edges of the visible objects."""
    from pdfplumber.table import TableFinder
    from pdfplumber.utils import obj_to_edges
    hidden = hidden_rects(objects)
    by_kind = {"line": [], "rect": [], "curve": []}
    for k, obj in enumerate(objects):
        if k not in hidden:
            by_kind[obj["object_type"]].extend(obj_to_edges(obj))
    edges = by_kind["line"] + by_kind["rect"] + by_kind["curve"]  # pdfplumber's Page.edges order
    if not edges:
        return []
    gap = fill_gap(_cells(objects, hidden)) if len(objects) <= MAX_RECTS else 0.0
    settings = {}
    if gap >= DEFAULT_TOLERANCE:
        tolerance = gap + 0.5
        settings = {"snap_tolerance": tolerance, "join_tolerance": tolerance, "intersection_tolerance": tolerance}
    return TableFinder(SimpleNamespace(edges=edges, bbox=(0, 0, width, height)), settings).tables


# --- tables aligned by whitespace alone ---------------------------------------------------------
#
# A line (:class:`PdfLine`) may carry ``words``: each word of its text, in order
# (:class:`PdfWord`).  Both engines give them for the pages where a line shows wide gaps; the
# functions below read tables from them the same way whichever engine read the page.

GUTTER = 8.0  # the least gap (pt, and at least one em) between two column heads
HEAD_WORDS = 5  # the most words a column head may have
HEAD_LINES = 4  # the most printed lines a head row may take
HEAD_FILL = 0.6  # a column head is short: one of them ends before this share of the way to the next
MIN_HEADS = 3  # the fewest columns a whitespace table may have
FREE = 0.4  # a gutter stays open while a strip this many ems wide is free of words in every line
ROW_GAP = 0.6  # a gap above a line of this many line heights ends a paragraph (see pdf._paragraphs)
END_GAP = 2.5  # a gap of this many line heights ends the table
ACROSS_LINES = 3  # the most printed lines of a row across the columns (a merged cell)


def visual_rows(lines: list[PdfLine], tolerance: float = 2.0) -> list[list[PdfLine]]:
    """The lines grouped into printed rows (tops within ``tolerance`` pt of the row's
    first), top-down, each left to right."""
    rows: list[list[PdfLine]] = []
    for line in sorted(lines, key=lambda line: line.top):
        if rows and abs(line.top - rows[-1][0].top) <= tolerance:
            rows[-1].append(line)
        else:
            rows.append([line])
    return [sorted(row, key=lambda line: line.x0) for row in rows]


def _words(row: list[PdfLine]) -> list[PdfWord] | None:
    if any(line.words is None for line in row):
        return None
    return sorted((word for line in row for word in line.words), key=lambda word: word.x0)


def head_segments(words: list[PdfWord]) -> list[list[PdfWord]] | None:
    """A printed row as column heads: its words cut where the gap is at least ``GUTTER``
    (and an em), when that gives at least ``MIN_HEADS`` heads of at most ``HEAD_WORDS``
    words each, two of them with letters, one (not the last) short of ``HEAD_FILL`` of the
    way to the next; else None."""
    segments: list[list[PdfWord]] = []
    for word in words:
        if segments and word.x0 - segments[-1][-1].x1 < max(GUTTER, word.size):
            segments[-1].append(word)
        else:
            segments.append([word])
    if len(segments) < MIN_HEADS or any(len(s) > HEAD_WORDS for s in segments):
        return None
    if sum(any(ch.isalpha() for word in s for ch in word.text) for s in segments) < 2:
        return None  # a chart's axis (100 120 140), not column heads
    if all(a[-1].x1 - a[0].x0 > HEAD_FILL * (b[0].x0 - a[0].x0) for a, b in zip(segments, segments[1:])):
        return None  # every piece fills its column: prose set in columns
    return segments


def _narrow(free: list[tuple[float, float]], words: list[PdfWord], least: float) -> list[tuple[float, float]]:
    """The strips of ``free`` that no word covers, at least ``least`` wide."""
    for word in words:
        cut = []
        for lo, hi in free:
            if word.x1 <= lo or word.x0 >= hi:
                cut.append((lo, hi))
                continue
            cut += [piece for piece in ((lo, word.x0), (word.x1, hi)) if piece[1] - piece[0] >= least]
        free = cut
    return free


def _size(words: list[PdfWord]) -> float:
    """The most common font size of the words."""
    return Counter(round(word.size, 1) for word in words).most_common(1)[0][0]


def _height(row: list[PdfLine]) -> float:
    return max(max(line.bottom for line in row) - min(line.top for line in row), 1.0)


def _one_run(words: list[PdfWord]) -> bool:
    """Are a printed row's words one run of text, no gap between two of them as wide as a gutter?"""
    return all(b.x0 - a.x1 < max(GUTTER, b.size) for a, b in zip(words, words[1:]))


def _printed_rows(rows: list[list[PdfLine]], start: int, segments: list[list[PdfWord]]):
    """From the head row ``rows[start]``: the rows that keep every gutter open, and between
    two of them up to ``ACROSS_LINES`` rows whose words are one run of text across gutters
    (a cell merged over the columns: a section's title, :func:`_one_run`), up to a gap of
    ``END_GAP`` lines, another font size or the head printed again (the next table); the
    gutters (each a list of free strips, narrowed by the rows that keep them) and the
    indexes of the rows across in the rows taken.  Rows across after the last row that
    keeps the gutters are left out (a paragraph after the table)."""
    size = _size([word for s in segments for word in s])
    least = FREE * size
    head = [word.text for s in segments for word in s]
    gutters = [[(a[-1].x1, b[0].x0)] for a, b in zip(segments, segments[1:])]
    taken, across, pending = [rows[start]], [], []
    for row in rows[start + 1:]:
        words = _words(row)
        last = (pending or taken)[-1]
        gap = min(line.top for line in row) - max(line.bottom for line in last)
        if not words or gap > END_GAP * _height(last) or abs(_size(words) - size) > 0.5 \
                or [word.text for word in words] == head:
            break
        narrowed = [_narrow(free, words, least) for free in gutters]
        if all(narrowed):
            across.extend(range(len(taken), len(taken) + len(pending)))
            taken += [*pending, row]
            pending = []
            gutters = narrowed
        elif len(pending) < ACROSS_LINES and _one_run(words):
            pending.append(row)
        else:
            break
    return taken, gutters, frozenset(across)


def _bold(words: list[PdfWord]) -> str:
    """The leading bold text of a cell line (as :func:`pipeline.extract.pdf._line_record` counts it)."""
    out = []
    for word in words:
        if word.bold < len(word.text):
            if word.bold:
                out.append(word.text[:word.bold])
            break
        out.append(word.text)
    return " ".join(out)


def _cell_line(words: list[PdfWord], page_no: int, cut: bool = False) -> PdfLine:
    return PdfLine(text=" ".join(word.text for word in words), page=page_no,
                   x0=words[0].x0, x1=max(word.x1 for word in words),
                   top=min(word.top for word in words), bottom=max(word.bottom for word in words),
                   size=_size(words), bold=_bold(words), cut=cut)


def _cut(words: list[PdfWord], after: list[PdfWord], edge: float) -> bool:
    """May a cell line (``words``) end in a word broken where the cell's text met its right
    edge, going on without a hyphen in the next line (``after``)?  Only a line of one word
    (a word is broken only when it fills a line alone), ending in a letter, whose next line
    begins with a small letter that would not have fitted after it before ``edge`` (the
    right end of the column's widest line in the table, :func:`_broken_off`)."""
    if len(words) != 1 or not after:
        return False
    word, going_on = words[0], after[0]
    return _broken_off(word.text, word.x1, going_on.text, (going_on.x1 - going_on.x0) / len(going_on.text), edge)


def _broken_off(word: str, end: float, going_on: str, letter: float, edge: float) -> bool:
    """Does the word of a line (``word``, its right end at ``end``) end in a letter, the next
    line begin with a small letter (``going_on``) and that letter, ``letter`` wide, not fit
    after it before ``edge``?"""
    return word[-1:].isalpha() and going_on[:1].islower() and end + letter > edge


def ruled_cuts(lines: Sequence[PdfLine], bbox: tuple) -> tuple[PdfLine, ...]:
    """A ruled cell's lines (``bbox`` its rectangle), each of one word that may end in a word
    broken at the cell's right edge marked ``cut`` (:func:`_broken_off`, as :func:`_cut` in
    a table aligned by whitespace; whether it is, the document's words decide,
    :func:`pipeline.extract.pdf.broken_at_edge`).  The cell's text ends at its rectangle's
    right edge less the inset its lines keep from the left one (the cell's padding); a
    letter of the next line is taken as wide as that line over its letters (its spaces
    counted in: rather wider)."""
    lines = tuple(lines)
    if len(lines) < 2:
        return lines
    edge = bbox[2] - max(min(line.x0 for line in lines) - bbox[0], 0.0)

    def cut(line: PdfLine, after: PdfLine) -> bool:
        letter = (after.x1 - after.x0) / max(len(after.text.replace(" ", "")), 1)
        return " " not in line.text and _broken_off(line.text, line.x1, after.text, letter, edge)
    return tuple(replace(line, cut=True) if cut(line, after) else line
                 for line, after in zip(lines, lines[1:])) + lines[-1:]


def _starts_row(columns: list[list[PdfWord]], gap: float, height: float) -> bool:
    """Does a printed row start a table row: after a paragraph's gap, with words in the
    first column or in two columns or more (a cell's second paragraph is in one column)."""
    filled = [k for k, words in enumerate(columns) if words]
    return gap > ROW_GAP * height and (0 in filled or len(filled) > 1)


def _table_rows(rows: list[list[PdfLine]], borders: list[float], across: frozenset = frozenset()):
    """The printed rows cut into table rows (:func:`_starts_row`; a row across the columns,
    all its words in the first, is a table row apart from the rows that are not): table row
    > printed row > column > words; and whether each table row is across."""
    table_rows: list[list[list[list[PdfWord]]]] = []
    spans: list[bool] = []
    for k, row in enumerate(rows):
        columns = [[] for _ in range(len(borders) + 1)]
        for word in _words(row):
            columns[0 if k in across else bisect.bisect(borders, (word.x0 + word.x1) / 2)].append(word)
        gap = min(line.top for line in row) - max(line.bottom for line in rows[k - 1]) if k else 0.0
        if not k or (k in across) != (k - 1 in across) or _starts_row(columns, gap, _height(rows[k - 1])):
            table_rows.append([])
            spans.append(k in across)
        table_rows[-1].append(columns)
    return table_rows, spans


def _columns_filled(table_row: list[list[list[PdfWord]]]) -> int:
    return sum(1 for c in range(len(table_row[0])) if any(cols[c] for cols in table_row))


def whitespace_table(rows: list[list[PdfLine]], gutters: list, page_no: int,
                     across: frozenset = frozenset()) -> tuple[PdfTable | None, int]:
    """The table (as :func:`pipeline.extract.pdfium.table_record` gives one) of printed rows
    whose columns are parted by ``gutters`` — each gutter's widest free strip is a border at
    its middle; a table row starts after a gap (:func:`_starts_row`); the rows ``across``
    (indexes) are each table row one cell spanning every column — and how many of the
    printed rows it takes: trailing rows with words in one column only (a short heading or
    paragraph after the table) are left to the running text.  A cell's lines are its
    words in each printed row of its table row, a line that may end in a broken word marked
    (:func:`_cut`).  (None, 0) unless the head row takes at most ``HEAD_LINES`` lines, some
    row under it fills two columns or more, and the rows under it are two or more or one
    filling ``MIN_HEADS`` columns."""
    borders = [(lo + hi) / 2 for lo, hi in (max(free, key=lambda f: f[1] - f[0]) for free in gutters)]
    table_rows, spans = _table_rows(rows, borders, across)
    if len(table_rows[0]) > HEAD_LINES:
        return None, 0  # no head row: prose set in columns
    while len(table_rows) > 1 and _columns_filled(table_rows[-1]) < 2:
        table_rows.pop()
        spans.pop()
    filled = [_columns_filled(row) for row in table_rows[1:]]
    if not filled or max(filled) < 2 or (len(filled) < 2 and filled[0] < MIN_HEADS):
        return None, 0
    taken = sum(len(row) for row in table_rows)
    words = [word for row in rows[:taken] for word in _words(row)]
    edges = [min(word.x0 for word in words), *borders, max(word.x1 for word in words)]
    right = [max((word.x1 for row, span in zip(table_rows, spans) if not span for cols in row for word in cols[c]),
                 default=edges[c + 1]) for c in range(len(borders) + 1)]
    cells = []
    for r, (row, span) in enumerate(zip(table_rows, spans), start=1):
        inside = [word for cols in row for col in cols for word in col]
        top, bottom = min(word.top for word in inside), max(word.bottom for word in inside)
        if span:
            cells.append(PdfCell(row=r, cell=1, span=len(borders) + 1, bbox=(edges[0], top, edges[-1], bottom),
                                 lines=tuple(_cell_line(cols[0], page_no) for cols in row)))
            continue
        for c in range(len(borders) + 1):
            printed = [cols[c] for cols in row if cols[c]]
            lines = tuple(_cell_line(piece, page_no, _cut(piece, printed[k + 1] if k + 1 < len(printed) else [],
                                                          right[c]))
                          for k, piece in enumerate(printed))
            if lines:
                cells.append(PdfCell(row=r, cell=c + 1, span=1, bbox=(edges[c], top, edges[c + 1], bottom),
                                     lines=lines))
    top = cells[0].bbox[1]
    return PdfTable(top=top, bbox=(edges[0], top, edges[-1], max(cell.bbox[3] for cell in cells)),
                    cells=tuple(cells)), taken


def whitespace_tables(lines: list[PdfLine], page_no: int) -> tuple[list[PdfLine], list[PdfTable]]:
    """A page's running-text lines without the tables aligned by whitespace alone, and
    those tables: each from a head row (:func:`head_segments`) down the rows that keep
    its gutters open (:func:`_printed_rows`, :func:`whitespace_table`).  Lines without
    ``words`` are never read as table lines."""
    rows = visual_rows(lines)
    used, tables, k = set(), [], 0
    while k < len(rows):
        words = _words(rows[k])
        segments = head_segments(words) if words else None
        if segments:
            taken_rows, gutters, across = _printed_rows(rows, k, segments)
            table, taken = whitespace_table(taken_rows, gutters, page_no, across)
            if table:
                tables.append(table)
                used.update(id(line) for row in rows[k:k + taken] for line in row)
                k += taken
                continue
        k += 1
    return [line for line in lines if id(line) not in used], tables
