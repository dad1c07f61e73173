"""The fast path for PDF pages: text lines and drawn tables read through pypdfium2 (PDFium).

Used by :mod:`pipeline.extract` for every page whose glyphs have Unicode meanings; the
others go through pdfplumber.  A line (:class:`~pipeline.extract.pdf_tables.PdfLine`) has
the fields pdfplumber's path gives (text, x0, x1, top, bottom, size, bold prefix): the text
and the font facts as PDFium reads them, the vertical extent placed as pdfminer places a
glyph (baseline, font descent, one em), the horizontal one from PDFium's glyph boxes.  Where PDFium's text differs from
what pdfminer reads, it is put right: a space drawn as a text object PDFium measures zero
wide is put back (:func:`dropped_spaces`), and a line PDFium breaks before a hyphen drawn
apart is joined without a space.  On a page where some printed row shows the wide gaps of
column heads, running-text lines also carry their words (:func:`_with_words`), for
:func:`pipeline.extract.pdf_tables.whitespace_tables`.

Tables: the page's path objects are classified into lines, rectangles and curves by
pdfminer's own rules, with how each is painted (:func:`page_paths`), and
:func:`pipeline.extract.pdf_tables.find_tables` — pdfplumber's table finder over what a reader sees
— finds the tables and their cells; each character then goes to the cell holding its
centre, as on pdfplumber's path.  So plan.json compares equal through both engines apart
from bounding boxes (``tests/test_pdf_engines.py``), at a fraction of the cost: pdfminer's
parse of the whole page is what makes the slow path slow.
"""
from __future__ import annotations

import ctypes
from collections import Counter
from dataclasses import dataclass, replace
from typing import Callable

import regex

from . import pdf_tables
from .pdf_tables import PdfCell, PdfLine, PdfTable, PdfWord

_LINE_BREAK = regex.compile(r"\r\n|\n|\r")
SAMPLES = 9  # characters per line asked for their size and box


@dataclass(frozen=True, slots=True)
class View:
    """The page as displayed: PDFium gives user-space coordinates; pdfminer (and so
    pdfplumber) turns them by the page's ``/Rotate`` first.  ``ctm`` is pdfminer's matrix
    for the page (its MediaBox origin kept where pdfplumber puts it back), ``height`` the
    displayed MediaBox height (pdfplumber's ``page.height``), for top-down coordinates."""

    ctm: tuple
    height: float

    @staticmethod
    def of(page) -> "View":
        x0, y0, x1, y1 = page.get_mediabox()
        rotation = page.get_rotation() % 360
        ctm = {90: (0, -1, 1, 0, -y0, x1), 180: (-1, 0, 0, -1, x1, y1),
               270: (0, 1, -1, 0, y1, -x0)}.get(rotation, (1, 0, 0, 1, -x0, -y0))
        return View(_compose(ctm, (1, 0, 0, 1, x0, y0)), abs(x1 - x0) if rotation in (90, 270) else abs(y1 - y0))

    def device(self, x: float, y: float) -> tuple[float, float]:
        a, b, c, d, e, f = self.ctm
        return a * x + c * y + e, b * x + d * y + f

    def box(self, left: float, bottom: float, right: float, top: float) -> tuple[float, float, float, float]:
        """(x0, top, x1, bottom) of a user-space box, displayed and top-down."""
        (xa, ya), (xb, yb) = self.device(left, bottom), self.device(right, top)
        return min(xa, xb), self.height - max(ya, yb), max(xa, xb), self.height - min(ya, yb)


def open_document(path: str, password: str | None):
    import pypdfium2 as pdfium
    return pdfium.PdfDocument(path, password=password)


def _font(textpage, index: int, buffer) -> str:
    import pypdfium2.raw as raw
    flags = ctypes.c_int()
    raw.FPDFText_GetFontInfo(textpage, index, buffer, len(buffer), ctypes.byref(flags))
    return buffer.value.decode("latin-1")


def _bold_prefix(textpage, start: int, text: str, buffer) -> str:
    """The line's leading text in a bold font (as pdfplumber's path counts it)."""
    n_bold = 0
    for k, ch in enumerate(text):
        if ch.isspace():
            continue
        if "bold" not in _font(textpage, start + k, buffer).lower():
            break
        n_bold += 1
    cut = 0
    while n_bold and cut < len(text):
        n_bold -= not text[cut].isspace()
        cut += 1
    return text[:cut].strip()


def respace(text: str, first: int, gaps: frozenset) -> str:
    """``text`` (the page's characters from index ``first``) with a space put back before
    each character whose index is in ``gaps`` (:func:`dropped_spaces`).

    >>> respace("1.1.Development", 40, frozenset({44}))
    '1.1. Development'
    """
    if not gaps:
        return text
    return "".join(" " + ch if first + k in gaps and k and not text[k - 1].isspace() else ch
                   for k, ch in enumerate(text))


def _record(textpage, start: int, raw_text: str, page_no: int, view: View, buffer,
            gaps: frozenset = frozenset(), mapped_only: bool = True) -> PdfLine | None:
    import pypdfium2.raw as raw
    lead = len(raw_text) - len(raw_text.lstrip())
    text = raw_text.strip()
    if not text:
        return None
    first = start + lead
    visible = [first + k for k, ch in enumerate(text) if not ch.isspace()]
    step = max(1, len(visible) // SAMPLES)
    sampled = visible[::step] + [visible[-1]]
    if mapped_only and any(raw.FPDFText_HasUnicodeMapError(textpage, i) for i in sampled):
        raise Unmapped
    font_sizes = [raw.FPDFText_GetFontSize(textpage, i) for i in sampled]
    spans = [_vertical(textpage, i, size, view) for i, size in zip(sampled, font_sizes)]
    sizes = Counter(round(size, 1) for size in font_sizes)
    return PdfLine(text=respace(text, first, gaps), page=page_no,
                   x0=view.box(*textpage.get_charbox(sampled[0], loose=True))[0],
                   x1=view.box(*textpage.get_charbox(sampled[-1], loose=True))[2],
                   top=min(t for t, _ in spans), bottom=max(b for _, b in spans),
                   size=sizes.most_common(1)[0][0], bold=respace(_bold_prefix(textpage, first, text, buffer), first, gaps))


def _vertical(textpage, index: int, size: float, view: View) -> tuple[float, float]:
    """(top, bottom) of a character of font ``size`` as pdfminer places it: from the baseline,
    the font's descent and the font size (a box one em high), in top-down page coordinates."""
    import pypdfium2.raw as raw
    x, y = ctypes.c_double(), ctypes.c_double()
    raw.FPDFText_GetCharOrigin(textpage, index, x, y)
    descent = ctypes.c_float(0.0)
    font = raw.FPDFTextObj_GetFont(raw.FPDFText_GetTextObject(textpage, index))
    if font:
        raw.FPDFFont_GetDescent(font, ctypes.c_float(size), descent)
    low = view.device(x.value, y.value)[1] + descent.value
    return view.height - (low + size), view.height - low


def line_spans(text: str) -> list[tuple[int, int]]:
    r"""(start, end) of each line of PDFium's page text.  PDFium joins a line that ends in a
    hyphen with the next and marks the hyphen U+FFFE; that is a line end here, as in pdfplumber.

    >>> line_spans("ab\r\ncd\ufffeef")
    [(0, 2), (4, 7), (7, 9)]
    """
    spans, start = [], 0
    for m in _LINE_BREAK.finditer(text + "\n"):
        line_start = start
        for k in range(start, m.start()):
            if text[k] == "\ufffe":
                spans.append((line_start, k + 1))
                line_start = k + 1
        spans.append((line_start, m.start()))
        start = m.end()
    return spans


class Unmapped(Exception):
    """A sampled glyph has no Unicode meaning: the page goes to pdfplumber, which shows such
    glyphs as ``(cid:N)`` for the GARBLED_TEXT check to count."""


# --- vector graphics: pdfminer's objects, pdfplumber's table finder -------------------------

_MOVE, _BEZIER = 2, 1  # FPDF_SEGMENT_MOVETO, _BEZIERTO (any other segment is a line)
_FORM = 5  # FPDF_PAGEOBJ_FORM
_PATH = 2  # FPDF_PAGEOBJ_PATH
IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _compose(inner: tuple, outer: tuple) -> tuple:
    """The matrix applying ``inner`` then ``outer`` (PDF's a b c d e f)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _objects(container, count, get, matrix: tuple):
    """(path object, its matrix to page space) for the paths of a page or form, recursively."""
    import pypdfium2.raw as raw
    for k in range(count(container)):
        obj = get(container, k)
        kind = raw.FPDFPageObj_GetType(obj)
        if kind not in (_PATH, _FORM):
            continue
        m = raw.FS_MATRIX()
        own = (m.a, m.b, m.c, m.d, m.e, m.f) if raw.FPDFPageObj_GetMatrix(obj, m) else IDENTITY
        if kind == _FORM:
            yield from _objects(obj, raw.FPDFFormObj_CountObjects, raw.FPDFFormObj_GetObject, _compose(own, matrix))
        else:
            yield obj, _compose(own, matrix)


def _paint(obj) -> dict | None:
    """How a path object is painted, as pdfminer records it: ``fill``, ``stroke`` and the
    fill colour (``paint``, PDFium's RGBA); None for a clipping path ("n"), which paints
    nothing."""
    import pypdfium2.raw as raw
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    if not raw.FPDFPath_GetDrawMode(obj, fill, stroke) or (not fill.value and not stroke.value):
        return None
    rgba = [ctypes.c_uint() for _ in range(4)]
    paint = tuple(c.value for c in rgba) if raw.FPDFPageObj_GetFillColor(obj, *rgba) else ()
    return {"fill": bool(fill.value), "stroke": bool(stroke.value), "paint": paint}


def _subpaths(obj, matrix: tuple) -> list[list]:
    """The subpaths of a path object as pdfminer sees them: [shape, points], one letter per
    operator (m, l, c, h) and the point each places, in page space."""
    import pypdfium2.raw as raw
    a, b, c, d, e, f = matrix
    x, y = ctypes.c_float(), ctypes.c_float()
    subpaths, bezier = [], 0
    for n in range(raw.FPDFPath_CountSegments(obj)):
        segment = raw.FPDFPath_GetPathSegment(obj, n)
        kind = raw.FPDFPathSegment_GetType(segment)
        raw.FPDFPathSegment_GetPoint(segment, x, y)
        point = (round(a * x.value + c * y.value + e, 4), round(b * x.value + d * y.value + f, 4))
        if kind == _MOVE or not subpaths:
            subpaths.append(["m", [point]])
        elif kind == _BEZIER:
            bezier += 1
            if bezier % 3:  # control points: pdfminer keeps the end point of a "c"
                continue
            subpaths[-1][0] += "c"
            subpaths[-1][1].append(point)
        else:
            subpaths[-1][0] += "l"
            subpaths[-1][1].append(point)
        if raw.FPDFPathSegment_GetClose(segment):
            subpaths[-1][0] += "h"
            subpaths[-1][1].append(subpaths[-1][1][0])
    return subpaths


def _classify(shape: str, pts: list[tuple[float, float]]) -> tuple[str, list]:
    """pdfminer's ``paint_path``: a line, a rectangle (its two corners) or a curve."""
    if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
        shape, pts = shape[:-2] + "h", pts[:-2] + pts[-1:]
    if shape in ("mlh", "ml"):
        return "line", pts[:2]
    if shape in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
        if pts[0] == pts[4] and ((x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0)
                                 or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)):
            return "rect", [(x0, y0), (x2, y0), (x2, y2), (x0, y2)]
    return "curve", pts


def page_paths(page, view: View) -> list[dict]:
    """The page's painted lines, rectangles and curves as pdfplumber's objects (top-down),
    in painting order, with how each is painted (:func:`_paint`)."""
    import pypdfium2.raw as raw
    height = view.height
    out = []
    for obj, matrix in _objects(page, raw.FPDFPage_CountObjects, raw.FPDFPage_GetObject, view.ctm):
        paint = _paint(obj)
        if paint is None:
            continue
        for shape, pts in _subpaths(obj, matrix):
            kind, pts = _classify(shape, pts)
            xs, ys = [p[0] for p in pts], [p[1] for p in pts]
            x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
            out.append({"object_type": kind, "x0": x0, "x1": x1, "y0": y0, "y1": y1, "top": height - y1,
                        "bottom": height - y0, "doctop": height - y1, "width": x1 - x0, "height": y1 - y0,
                        "pts": [(px, height - py) for px, py in pts], **paint})
    return out


# --- a page's lines, in and out of tables ------------------------------------------------------

def _region_finder(tables: list, textpage, view: View):
    """A function from a character index to its table cell (table, row, cell), or ``None``
    outside every cell — by the centre of the character's box."""
    import pypdfium2.raw as raw
    cells = [((t, r, c), bbox) for t, table in enumerate(tables)
             for r, row in enumerate(table.rows, start=1) for c, bbox in enumerate(row.cells, start=1) if bbox]
    boxes = [table.bbox for table in tables]
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    last = [None]

    def region(index: int):
        if not raw.FPDFText_GetCharBox(textpage, index, left, right, bottom, top):
            return None
        x, y = view.device((left.value + right.value) / 2, (bottom.value + top.value) / 2)
        y = view.height - y
        if last[0] is not None:
            key, b = last[0]
            if b[0] <= x <= b[2] and b[1] <= y <= b[3]:
                return key
        if not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes):
            return None
        for key, b in cells:
            if b[0] <= x <= b[2] and b[1] <= y <= b[3]:
                last[0] = (key, b)
                return key
        return None  # between a table's cells: running text, as on pdfplumber's path
    return region


def _runs(text: str, start: int, end: int, region) -> list[tuple[int, int, object]]:
    """The line ``text[start:end]`` cut where its characters change region; whitespace goes
    with the run it follows."""
    runs: list[list] = []
    for k in range(start, end):
        if text[k].isspace():
            if runs:
                runs[-1][1] = k + 1
            continue
        where = region(k)
        if runs and runs[-1][2] == where:
            runs[-1][1] = k + 1
        else:
            runs.append([k, k + 1, where])
    return [tuple(r) for r in runs]


TOUCH = 0.15  # pieces of a line closer than this many ems are one word ("Inter" + "-Agency")


def _same_line(lines: list[PdfLine]) -> tuple[PdfLine, ...]:
    """A cell's pieces on one printed line (top within 3 pt, pdfplumber's tolerance) joined
    left to right — with a space where a gap parts them (PDFium may break a line before a
    hyphen drawn apart: "Inter", "-Agency") — and the lines top-down."""
    merged = []
    for group in pdf_tables.visual_rows(lines, 3):
        text = group[0].text
        for prev, line in zip(group, group[1:]):
            apart = line.x0 - prev.x1 > TOUCH * max(line.size, 1.0)
            text += (" " if apart else "") + line.text
        merged.append(replace(group[0], text=text, x1=max(line.x1 for line in group),
                              bottom=max(line.bottom for line in group)))
    return tuple(merged)


_TEXT = 1  # FPDF_PAGEOBJ_TEXT


def dropped_spaces(page, textpage, text: str, view: View) -> frozenset:
    """Indexes of the characters before which the page draws a space that PDFium's text
    leaves out: a text object of its own that PDFium measures zero wide and so skips
    (Word writes the space after "1.1." before a tab so), where pdfminer reads a space
    glyph.  Only between two characters of one line that no space parts already."""
    import pypdfium2.raw as raw
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    out = set()
    for k in range(raw.FPDFPage_CountObjects(page)):
        obj = raw.FPDFPage_GetObject(page, k)
        if raw.FPDFPageObj_GetType(obj) != _TEXT or not raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
            continue
        if right.value - left.value > 0.01 or raw.FPDFTextObj_GetText(obj, textpage, None, 0) > 2:
            continue  # a glyph PDFium reads (the length counts the closing NUL)
        x, y = left.value, (bottom.value + top.value) / 2
        index = raw.FPDFText_GetCharIndexAtPos(textpage, x, y, 4.0, 2.0)
        if index < 0 or index >= len(text):
            continue
        box = textpage.get_charbox(index)
        after = index if (box[0] + box[2]) / 2 > x else index + 1
        if 0 < after < len(text) and not text[after - 1].isspace() and not text[after].isspace():
            out.add(after)
    return frozenset(out)


def _spans(textpage, start: int, count: int, view: View) -> list[tuple[float, float]]:
    """(x0, x1) of the runs PDFium boxes a stretch of text in (one per text object), left to right."""
    import pypdfium2.raw as raw
    left, top, right, bottom = (ctypes.c_double() for _ in range(4))
    out = []
    for k in range(raw.FPDFText_CountRects(textpage, start, count)):
        raw.FPDFText_GetRect(textpage, k, left, top, right, bottom)
        x0, _, x1, _ = view.box(left.value, bottom.value, right.value, top.value)
        out.append((x0, x1))
    return sorted(out)


def _wide_gaps(rows: list[list[tuple[PdfLine, list]]]) -> bool:
    """Does a printed row show the gaps of column heads (two at least ``GUTTER`` wide)?"""
    for row in rows:
        spans = sorted(span for _, spans in row for span in spans)
        gaps = [b[0] - a[1] for a, b in zip(spans, spans[1:])]
        if sum(gap >= pdf_tables.GUTTER - 1 for gap in gaps) >= 2:
            return True
    return False


def _tokens(text: str, first: int, gaps: frozenset) -> list[tuple[int, int]]:
    """(start, end) in ``text`` of its words, cut at spaces and where a space was dropped."""
    out = []
    for m in regex.finditer(r"\S+", text):
        start = m.start()
        for k in range(m.start() + 1, m.end()):
            if first + k in gaps:
                out.append((start, k))
                start = k
        out.append((start, m.end()))
    return out


def _words(textpage, first: int, text: str, view: View, buffer, gaps: frozenset) -> tuple[PdfWord, ...]:
    """The words of a line (as :mod:`pipeline.extract.pdf_tables` reads them): each one's text, box
    (the vertical extent as pdfminer places its first glyph), font size and bold prefix."""
    import pypdfium2.raw as raw
    out = []
    for start, end in _tokens(text, first, gaps):
        a, b = first + start, first + end - 1
        head, tail = view.box(*textpage.get_charbox(a, loose=True)), view.box(*textpage.get_charbox(b, loose=True))
        size = raw.FPDFText_GetFontSize(textpage, a)
        top, bottom = _vertical(textpage, a, size, view)
        bold = 0
        while bold < end - start and "bold" in _font(textpage, a + bold, buffer).lower():
            bold += 1
        out.append(PdfWord(text=text[start:end], x0=min(head[0], tail[0]), x1=max(head[2], tail[2]),
                           top=top, bottom=bottom, size=size, bold=bold))
    return tuple(out)


def _with_words(flow: list[tuple[PdfLine, int, str, list]], textpage, view: View, buffer,
                gaps: frozenset) -> list[PdfLine]:
    """The running-text lines of a page, each with its words where some printed row shows
    the gaps of column heads (:func:`_wide_gaps`): a table aligned by whitespace may start there."""
    lines = [record for record, _, _, _ in flow]
    rows = pdf_tables.visual_rows(lines)
    by_id = {id(record): (record, spans) for record, _, _, spans in flow}
    if not _wide_gaps([[by_id[id(line)] for line in row] for row in rows]):
        return lines
    return [replace(record, words=_words(textpage, first, text, view, buffer, gaps)) for record, first, text, _ in flow]


def page_content(page, page_no: int, mapped_only: bool = True) -> tuple[list[PdfLine], list[PdfTable], float] | None:
    """The page's lines outside tables (with their words where a table aligned by
    whitespace may be, :func:`_with_words`), its drawn tables (each cell's lines with its
    row, column and column span, as :func:`pipeline.extract` reads them through
    pdfplumber) and its height; None when one of the sampled glyphs has no Unicode meaning
    (unless not ``mapped_only``: when pdfplumber cannot read the page, PDFium's reading of
    such glyphs is all there is)."""
    view = View.of(page)
    tables = pdf_tables.find_tables(page_paths(page, view), page.get_width(), view.height)
    textpage = page.get_textpage()
    try:
        raw_text = textpage.get_text_range()
        if not tables and raw_text.strip():
            tables = pdf_tables.find_tables(scan_rules(page), page.get_width(), view.height)
        text = raw_text.replace("\ufffe", "-")
        buffer = ctypes.create_string_buffer(256)
        region = _region_finder(tables, textpage, view) if tables else None
        gaps = dropped_spaces(page, textpage, text, view)
        flow, cells = [], {}
        for start, end in line_spans(raw_text):
            for run_start, run_end, where in _runs(text, start, end, region) if tables else ((start, end, None),):
                piece = text[run_start:run_end]
                record = _record(textpage, run_start, piece, page_no, view, buffer, gaps, mapped_only)
                if record and where is None:
                    first = run_start + len(piece) - len(piece.lstrip())
                    flow.append((record, first, piece.strip(), _spans(textpage, first, len(piece.strip()), view)))
                elif record:
                    cells.setdefault(where, []).append(record)
        lines = _with_words(flow, textpage, view, buffer, gaps)
    except Unmapped:
        return None
    finally:
        textpage.close()
    return lines, [
        table_record(table, lambda r, c, _bbox, t=t: _same_line(cells.get((t, r, c), [])))
        for t, table in enumerate(tables)], view.height


SCAN_COVER = 0.6  # the share of a page an image must cover for the page to be a scanned sheet


def scan_rules(page, rules: bool = True) -> list[dict] | bool:
    """The rules of a scanned sheet under a text layer (a searchable scan: an OCR program
    laid invisible text over the page image, and the table's lines exist only in the image),
    as the OCR reader finds them (:func:`pipeline.extract.ocr.image_rules`); none for a page
    without an image covering ``SCAN_COVER`` of it.  With ``rules`` False, only whether the
    page is such a sheet with an OCR layer: most of its text objects invisible (a letterhead
    or watermark image under printed text is no scan)."""
    import pypdfium2.raw as raw

    from .ocr import DPI, image_rules, ink
    largest = 0.0
    for obj in page.get_objects(filter=(raw.FPDF_PAGEOBJ_IMAGE,)):
        left, bottom, right, top = obj.get_bounds()
        largest = max(largest, (right - left) * (top - bottom))
    if largest < SCAN_COVER * page.get_width() * page.get_height():
        return [] if rules else False
    if not rules:  # asked whether the page is a scanned sheet under an OCR layer: its text hidden
        texts = list(page.get_objects(filter=(raw.FPDF_PAGEOBJ_TEXT,)))
        hidden = sum(raw.FPDFTextObj_GetTextRenderMode(obj.raw) == raw.FPDF_TEXTRENDERMODE_INVISIBLE for obj in texts)
        return 2 * hidden > len(texts) > 0
    return image_rules(ink(page.render(scale=DPI / 72).to_pil()), 72 / DPI)


def table_record(table, lines_of: Callable[[int, int, tuple], tuple[PdfLine, ...]]) -> PdfTable:
    """A pdfplumber table as :mod:`pipeline.extract` reads it (on either engine's path): its
    box and each cell's row, column, column span (the empty slots after it), box and lines,
    a line that may end in a word broken at the cell's right rule marked
    (:func:`pipeline.extract.pdf_tables.ruled_cuts`)."""
    cells = []
    for r, row in enumerate(table.rows, start=1):
        for c, bbox in enumerate(row.cells, start=1):
            if bbox is None:
                continue
            span = 1
            while c - 1 + span < len(row.cells) and row.cells[c - 1 + span] is None:
                span += 1
            cells.append(PdfCell(row=r, cell=c, span=span, bbox=bbox,
                                 lines=pdf_tables.ruled_cuts(lines_of(r, c, bbox), bbox)))
    return PdfTable(top=table.bbox[1], bbox=table.bbox, cells=tuple(cells))
