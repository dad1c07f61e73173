"""The fast path for PDF pages of running text: lines read through pypdfium2 (PDFium).

Used by :mod:`pipeline.extract` for pages without vector graphics (no ruling lines or
rectangles, hence no tables to find); other pages go through pdfplumber.  A line record
has the fields pdfplumber's path gives (text, x0, x1, top, bottom, size, bold prefix,
margin): the text and the font facts as PDFium reads them, the vertical extent placed as
pdfminer places a glyph (baseline, font descent, one em), the horizontal one from PDFium's
glyph boxes — so plan.json compares equal through both engines apart from bounding boxes
(``tests/test_pdf_engines.py``).
"""
from __future__ import annotations

import ctypes
from collections import Counter

import regex

_LINE_BREAK = regex.compile(r"\r\n|\n|\r")
SAMPLES = 9  # characters per line asked for their size and box


def open_document(path: str, password: str | None):
    import pypdfium2 as pdfium
    return pdfium.PdfDocument(path, password=password)


def has_graphics(page) -> bool:
    """Does the page draw paths (ruling lines, rectangles)?  Then it needs layout analysis."""
    import pypdfium2.raw as raw
    return any(raw.FPDFPageObj_GetType(raw.FPDFPage_GetObject(page, k)) == raw.FPDF_PAGEOBJ_PATH
               for k in range(raw.FPDFPage_CountObjects(page)))


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


def _record(textpage, start: int, raw_text: str, page_no: int, height: float, buffer) -> dict | None:
    import pypdfium2.raw as raw
    lead = len(raw_text) - len(raw_text.lstrip())
    text = raw_text.strip()
    if not text:
        return None
    first = start + lead
    visible = [first + k for k, ch in enumerate(text) if not ch.isspace()]
    step = max(1, len(visible) // SAMPLES)
    sampled = visible[::step] + [visible[-1]]
    if any(raw.FPDFText_HasUnicodeMapError(textpage, i) for i in sampled):
        raise Unmapped
    spans = [_vertical(textpage, i, height) for i in sampled]
    sizes = Counter(round(raw.FPDFText_GetFontSize(textpage, i), 1) for i in sampled)
    return {"text": text, "page": page_no,
            "x0": textpage.get_charbox(sampled[0], loose=True)[0], "x1": textpage.get_charbox(sampled[-1], loose=True)[2],
            "top": min(t for t, _ in spans), "bottom": max(b for _, b in spans),
            "size": sizes.most_common(1)[0][0], "bold": _bold_prefix(textpage, first, text, buffer)}


def _vertical(textpage, index: int, height: float) -> tuple[float, float]:
    """(top, bottom) of a character as pdfminer places it: from the baseline, the font's
    descent and the font size (a box one em high), in top-down page coordinates."""
    import pypdfium2.raw as raw
    x, y = ctypes.c_double(), ctypes.c_double()
    raw.FPDFText_GetCharOrigin(textpage, index, x, y)
    size = raw.FPDFText_GetFontSize(textpage, index)
    descent = ctypes.c_float(0.0)
    font = raw.FPDFTextObj_GetFont(raw.FPDFText_GetTextObject(textpage, index))
    if font:
        raw.FPDFFont_GetDescent(font, ctypes.c_float(size), descent)
    low = y.value + descent.value
    return height - (low + size), height - low


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


def page_lines(page, page_no: int) -> list[dict] | None:
    """The page's text lines in reading order, as line records (without the margin flag);
    None when one of the sampled glyphs (about ten per line) has no Unicode meaning."""
    height = page.get_height()
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_range().replace("\ufffe", "-")
        raw_text = textpage.get_text_range()
        buffer = ctypes.create_string_buffer(256)
        records = []
        for start, end in line_spans(raw_text):
            record = _record(textpage, start, text[start:end], page_no, height, buffer)
            if record:
                records.append(record)
        return records
    except Unmapped:
        return None
    finally:
        textpage.close()
