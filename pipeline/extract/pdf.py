"""The PDF reader of the extract stage: pages through PDFium (:mod:`.pdfium`), or
pdfplumber for pages PDFium reads without Unicode meanings or without text or cannot read,
and on request (``--pdf-engine plumber``); a file or page refused only when both engines
fail (:mod:`.pdf_open`, which gives the reasons); OCR for pages
without a usable text layer (:mod:`.ocr`); lines grouped into paragraphs, tables drawn
with rules or filled cells or aligned by whitespace read cell by cell (:mod:`.pdf_tables`),
running heads and footers set apart as furniture, line-end hyphenation undone."""
from __future__ import annotations

import logging
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

import regex

from ..model import Block, Location, OcrPage
from ..text import Words, join_lines, normalize, vocabulary
from . import pdf_open, pdf_tables, pdfium
from .limits import Limits
from .pdf_tables import PdfLine, PdfTable, PdfWord
from .sniff import ExtractError

log = logging.getLogger(__name__)


MARGIN = 0.07  # share of the page height at top and bottom where running heads live
_DIGITS = regex.compile(r"\d+")


def _line_record(line: dict, page_no: int, height: float, with_words: bool = True) -> PdfLine:
    """A line as pdfplumber gives it (with its characters) as a :class:`PdfLine`."""
    chars = [c for c in line["chars"] if c["text"].strip()]
    sizes = Counter(round(c["size"], 1) for c in chars)
    n_bold = 0
    for c in line["chars"]:
        if not c["text"].strip():
            continue
        if "bold" not in c["fontname"].lower():
            break
        n_bold += 1
    text = line["text"].strip()
    cut = 0
    while n_bold and cut < len(text):
        n_bold -= not text[cut].isspace()
        cut += 1
    return PdfLine(text=normalize(text), page=page_no, x0=line["x0"], x1=line["x1"],
                   top=line["top"], bottom=line["bottom"],
                   size=sizes.most_common(1)[0][0] if sizes else 0.0,
                   bold=normalize(text[:cut]).strip(),
                   margin=in_margin(line["top"], line["bottom"], height),
                   words=_line_words(text, chars) if with_words else None)


def _same_glyph(a: dict, b: dict) -> bool:
    """One glyph drawn twice at one place (pdfplumber's text shows it once)."""
    return a["text"] == b["text"] and abs(a["x0"] - b["x0"]) < 1 and abs(a["top"] - b["top"]) < 1


def _line_words(text: str, chars: list[dict]) -> tuple[PdfWord, ...] | None:
    """The words of a pdfplumber line (as :mod:`pipeline.extract.pdf_tables` reads them): each
    one's text, box (the vertical extent of its first glyph), font size and bold prefix;
    None when the characters do not spell the text."""
    chars = [c for k, c in enumerate(chars) if not k or not _same_glyph(chars[k - 1], c)]
    words, k = [], 0
    for token in text.split():
        taken, spelled = [], 0
        while spelled < len(token) and k < len(chars):
            taken.append(chars[k])
            spelled += len(chars[k]["text"])
            k += 1
        if spelled != len(token):
            return None
        bold = 0
        while bold < len(taken) and "bold" in taken[bold]["fontname"].lower():
            bold += 1
        head = taken[0]
        words.append(PdfWord(text=normalize(token), x0=min(c["x0"] for c in taken), x1=max(c["x1"] for c in taken),
                             top=head["top"], bottom=head["bottom"], size=head["size"], bold=bold))
    return tuple(words)


def in_margin(top: float, bottom: float, height: float) -> bool:
    """Does a line lie in the page's top or bottom margin, where running heads live?"""
    return top < height * MARGIN or bottom > height * (1 - MARGIN)


def _page_lines(page, page_no: int, height: float, with_words: bool = True) -> list[PdfLine]:
    """The page's text lines; ``with_words`` for running text (a table aligned by whitespace
    may be there), not for a drawn table's cell."""
    return [_line_record(line, page_no, height, with_words)
            for line in page.extract_text_lines(return_chars=True, strip=True)]


def _inside(obj: dict, bboxes) -> bool:
    x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
    return any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in bboxes)


def _page_paths(page) -> list[dict]:
    """pdfplumber's lines, rectangles and curves of a page, each with its fill colour as
    ``paint`` (what :func:`pipeline.extract.pdf_tables.find_tables` compares)."""
    return [{**obj, "paint": pdf_tables.paint_of(obj.get("non_stroking_color"))}
            for obj in page.lines + page.rects + page.curves]


def _page_tables(page, page_no: int) -> list[PdfTable]:
    """Drawn tables of a page: each cell's lines with its row, column and column span — the
    lines drawn in the PDF, or those of a scanned sheet under its text layer (:func:`_scan_rules`)."""
    paths = _page_paths(page) if page.edges else _scan_rules(page)
    if not paths:
        return []

    def lines_of(_row: int, _cell: int, bbox) -> list[PdfLine]:
        inner = page.filter(lambda o: o.get("object_type") != "char" or _inside(o, (bbox,)))
        return _page_lines(inner.crop(bbox, strict=False), page_no, page.height, False)  # a cell may overhang the page
    tables = pdf_tables.find_tables(paths, page.width, page.height)
    return [pdfium.table_record(table, lines_of) for table in tables]


def _scan_rules(page) -> list[dict]:
    """The rules of a scanned sheet under a text layer (an OCR program's invisible text over
    the page image), as :func:`pipeline.extract.pdfium.scan_rules` finds them with PDFium."""
    if not page.chars or not any((image["x1"] - image["x0"]) * (image["bottom"] - image["top"])
                                 >= pdfium.SCAN_COVER * page.width * page.height for image in page.images):
        return []
    from .ocr import DPI, image_rules, ink
    return image_rules(ink(page.to_image(resolution=DPI).original), 72 / DPI)


def _fast_content(page, page_no: int, mapped_only: bool = True) -> dict | None:
    content = pdfium.page_content(page, page_no, mapped_only)
    if content is None:
        return None
    lines, tables, height = content
    # the margin (running heads, page numbers) is asked of running text only
    return {"lines": [replace(_normalized(line), margin=in_margin(line.top, line.bottom, height)) for line in lines],
            "tables": [replace(table, cells=tuple(replace(cell, lines=tuple(map(_normalized, cell.lines)))
                                                  for cell in table.cells)) for table in tables]}


def _normalized(line: PdfLine) -> PdfLine:
    """A line as PDFium reads it with its text, bold prefix and words normalized (:func:`normalize`)."""
    words = None if line.words is None else tuple(replace(word, text=normalize(word.text)) for word in line.words)
    return replace(line, text=normalize(line.text), bold=normalize(line.bold), words=words)


def _whitespace_tables(content: dict, page_no: int) -> dict:
    """The page with its tables aligned by whitespace alone taken out of the running text
    (:func:`pipeline.extract.pdf_tables.whitespace_tables`); the lines' words are dropped then
    (only running text has them)."""
    flow, found = pdf_tables.whitespace_tables(content["lines"], page_no)
    tables = sorted(content["tables"] + found, key=lambda table: table.top) if found else content["tables"]
    return {"lines": [line if line.words is None else replace(line, words=None) for line in flow], "tables": tables}


PAGE_CHUNK = 32  # pages per task when one PDF's pages are shared among processes


UNMAPPED = "unmapped"  # a page PDFium reads with glyphs that have no Unicode meaning


def _pdfium_page(fast, index: int, mapped_only: bool) -> dict | str | None:
    """A page's content through PDFium; :data:`UNMAPPED` when its glyphs lack Unicode meanings
    (and ``mapped_only``); None when PDFium cannot read the page."""
    try:
        page = fast[index]
    except Exception as exc:  # PdfiumError: the page object is missing or broken
        log.info("PDFium cannot load page %d: %s", index + 1, exc)
        return None
    try:
        content = _fast_content(page, index + 1, mapped_only)
    except Exception as exc:
        if (stop := pdf_open.interrupted(exc)) is not None:
            raise stop from None
        log.warning("PDFium cannot read page %d", index + 1, exc_info=True)
        return None
    finally:
        page.close()
    return UNMAPPED if content is None else content


def _plumber_page(pdf, index: int) -> dict | None:
    """A page's content through pdfplumber, or None when pdfminer cannot read it."""
    page_no = index + 1
    try:
        if index >= len(pdf.pages):  # pdfminer lists every page at once: one broken page breaks the list
            return None
        page = pdf.pages[index]
        try:
            tables = _page_tables(page, page_no)
            boxes = [cell.bbox for table in tables for cell in table.cells]  # text between cells stays as running text
            flow = page.filter(lambda o: o.get("object_type") != "char" or not _inside(o, boxes)) if boxes else page
            return {"lines": _page_lines(flow, page_no, page.height), "tables": tables}
        finally:
            page.close()
    except MemoryError:
        raise
    except Exception as exc:  # pdfminer on a damaged object or content stream
        if (stop := pdf_open.interrupted(exc)) is not None:
            raise stop from None
        log.info("pdfplumber cannot read page %d: %r", page_no, exc)
        return None


def _has_text(content) -> bool:
    return isinstance(content, dict) and bool(content["lines"] or content["tables"])


def _read_page(opened: pdf_open.Opened, index: int) -> dict:
    """One page's lines and tables: through PDFium when its glyphs have Unicode meanings and
    it shows text there, else (and first with ``--pdf-engine plumber``) through pdfplumber;
    the other engine's reading when one cannot read the page; :class:`ExtractError` when
    neither can."""
    fast = None
    if opened.fast is not None and not opened.plumber_first:
        fast = _pdfium_page(opened.fast, index, opened.plumber is not None)
    if not _has_text(fast) and opened.plumber is not None:
        slow = _plumber_page(opened.plumber, index)
        if _has_text(slow) or (slow is not None and not isinstance(fast, dict)):
            fast = slow
    if not isinstance(fast, dict) and opened.fast is not None:  # pdfplumber cannot read the page: PDFium's
        fast = _pdfium_page(opened.fast, index, False)  # reading, glyphs without Unicode meanings and all
    if not isinstance(fast, dict):
        raise ExtractError(pdf_open.damaged_page(index + 1))
    return _whitespace_tables(fast, index + 1)


def read_pages(path: Path, limits: Limits, start: int = 0, stop: int | None = None) -> tuple[list[dict], int]:
    """Pages ``start``..``stop`` (0-based, all by default) of a PDF, and its page count.

    Both engines open the file (:func:`pipeline.extract.pdf_open.open_engines`: opening reads
    only the cross-reference table, about 10 ms for the reference); a page is parsed by
    pdfplumber only when PDFium cannot read it or finds no text on it, so the verdict that a
    file or page is damaged is both engines'.
    """
    opened = pdf_open.open_engines(path, limits.password, limits.pdf_engine)
    try:
        count = opened.count()
        return [_read_page(opened, index) for index in range(start, count if stop is None else min(stop, count))], count
    finally:
        opened.close()


def _pdf_pages(path: Path, limits: Limits = Limits()) -> tuple[list[dict], int]:
    """Per page: the lines outside tables and the tables with their cells' lines.  With
    ``limits.page_workers`` > 1 and every page on pdfplumber's path (about 50 ms a page), a long
    PDF's pages are read in chunks by that many processes; PDFium reads a page in a few
    milliseconds, less than shipping its lines back from another process costs."""
    shared = limits.page_workers > 1 and limits.pdf_engine == "plumber"
    pages, count = read_pages(path, limits, 0, PAGE_CHUNK if shared else None)
    if count > len(pages):
        from concurrent.futures import ProcessPoolExecutor
        with ProcessPoolExecutor(max_workers=limits.page_workers) as pool:
            futures = [pool.submit(read_pages, path, limits, start, start + PAGE_CHUNK)
                       for start in range(PAGE_CHUNK, count, PAGE_CHUNK)]
            try:
                for future in futures:
                    pages.extend(future.result()[0])
            except BaseException:
                pool.shutdown(wait=False, cancel_futures=True)
                raise
    recognised = _recognised(path, pages, limits)
    _sheet_cells(path, pages, limits)
    if count and not any(p["lines"] or p["tables"] for p in pages):
        raise ExtractError(pdf_open.textless_verdict(path, limits.password, recognised))
    return pages, count


def _recognised(path: Path, pages: list[dict], limits: Limits) -> int:
    """Put in ``pages`` the OCR of those without a text layer or with a garbled one
    (:mod:`pipeline.extract.ocr`, ``limits.ocr``), where it reads better; each such page keeps its OCR
    facts under ``"ocr"`` (:class:`OcrPage`, for ``Source.ocr``).  How many pages OCR read (0
    without Tesseract)."""
    from . import ocr
    indexes = [k for k, page in enumerate(pages) if ocr.wanted([line.text for line in _all_lines(page)], limits.ocr)]
    available = ocr.available()
    if indexes and not available and limits.ocr == "always":
        raise ExtractError(f"--ocr always: Tesseract is not installed (apt-get install {' '.join(ocr.PACKAGES)})")
    if not available or limits.ocr == "never":
        return 0
    fast, _kind, password = pdf_open.open_pdfium(path, limits.password)
    if fast is None:  # OCR renders pages with PDFium: a file only pdfplumber opens keeps its text layer
        return 0
    try:  # scanned sheets under another program's OCR layer are read again: see ocr.SHEET_CONFIDENCE
        sheets = {k for k, page in enumerate(pages) if k not in indexes and _all_lines(page) and _is_sheet(fast, k)}
    finally:
        fast.close()
    indexes = sorted({*indexes, *sheets})
    if not indexes:
        return 0
    try:
        found = ocr.recognise(str(path), indexes, password, limits.ocr_lang, limits.page_workers)
    except ocr.OcrError as exc:
        raise ExtractError(str(exc)) from None
    for page in found:
        lines = [replace(line, margin=in_margin(line.top, line.bottom, page.height)) for line in page.lines]
        content = _whitespace_tables({"lines": lines, "tables": page.tables}, page.index + 1)
        if (limits.ocr == "always" or ocr.better(page, [line.text for line in _all_lines(pages[page.index])])
                or (page.index in sheets and page.confidence >= ocr.SHEET_CONFIDENCE)):
            pages[page.index] = {**content, "ocr": OcrPage(page=page.index + 1, languages=page.models,
                                                           confidence=page.confidence, rotated=page.rotation)}
    return len(found)


def _is_sheet(fast, index: int) -> bool:
    """Is page ``index`` a scanned sheet (:func:`pipeline.extract.pdfium.scan_rules`)?"""
    try:
        page = fast[index]
    except Exception:  # PdfiumError: a page PDFium cannot load is no sheet of its
        return False
    try:
        return bool(pdfium.scan_rules(page, rules=False))
    finally:
        page.close()


def _sheet_cells(path: Path, pages: list[dict], limits: Limits) -> None:
    """The empty inked cells of scanned sheets under a text layer read by OCR
    (:func:`pipeline.extract.ocr.fill_sheet_cells`), unless ``--ocr never`` or without Tesseract."""
    from . import ocr
    if limits.ocr == "never" or not ocr.available():
        return
    fast, _kind, password = pdf_open.open_pdfium(path, limits.password)
    if fast is None:
        return
    fast.close()
    try:
        read = ocr.fill_sheet_cells(str(path), pages, password, limits.ocr_lang)
    except ocr.OcrError as exc:
        raise ExtractError(str(exc)) from None
    if read:
        log.info("%s: %d empty cells of scanned sheets read by OCR", path, read)


def _furniture_keys(pages: list[list[PdfLine]]) -> set[str]:
    """Margin texts (digits folded) that repeat on at least two pages, and bare page numbers."""
    seen = Counter()
    for lines in pages:
        seen.update({_DIGITS.sub("#", line.text) for line in lines if line.margin})
    repeated = {key for key, n in seen.items() if n >= 2 or len(pages) == 1}
    return {key for key in repeated if key}


RUNNING_MIN = 3  # pages a running head or footer with the page number must be found on


def _edge_rows(lines: list[PdfLine], taken: set[int]) -> list[list[PdfLine]]:
    """The first and the last printed row of a page's running text (the pieces on it),
    lines in ``taken`` left out."""
    lines = [line for line in lines if id(line) not in taken]
    if not lines:
        return []
    first, last = min(line.top for line in lines), max(line.top for line in lines)
    rows = [[line for line in lines if abs(line.top - edge) <= 2] for edge in sorted({first, last})]
    return [sorted(row, key=lambda line: line.x0) for row in rows]


def _row_key(row: list[PdfLine]) -> tuple[str, list[int]]:
    text = " ".join(line.text for line in row)
    return _DIGITS.sub("#", text), [int(d) for d in _DIGITS.findall(text)]


def _paged(pages: list[list[PdfLine]]) -> set[int]:
    """Ids of the lines of the first or last rows of pages that repeat, digits folded, on
    at least ``RUNNING_MIN`` pages with one of their numbers the same distance from the
    page number on every page."""
    found: dict[str, list] = {}
    for page_no, lines in enumerate(pages, start=1):
        for row in _edge_rows(lines, set()):
            key, numbers = _row_key(row)
            if numbers:
                found.setdefault(key, []).append((page_no, numbers, row))
    out = set()
    for seen in found.values():
        if len({page_no for page_no, _, _ in seen}) < RUNNING_MIN:
            continue
        if any(len({numbers[k] - page_no for page_no, numbers, _ in seen}) == 1 for k in range(len(seen[0][1]))):
            out.update(id(line) for _, _, row in seen for line in row)
    return out


def _running_lines(pages: list[list[PdfLine]]) -> set[int]:
    """Ids of the lines of running heads and footers that print the page number with a
    title ("6 | Kiribati National Adaptation Plan 2015-2030", "Title 2021 Action Plan 7"),
    wherever they stand on the page (:func:`_paged`), and of the lines printed next to
    them as part of them: the next row inward, the same text (digits folded) at the same
    height on at least ``RUNNING_MIN`` pages (a footer whose title and number take two
    lines)."""
    out = _paged(pages)
    for _ in range(2):  # a running head or footer of up to three lines
        found: dict[tuple, list] = {}
        for lines in pages:
            if not any(id(line) in out for line in lines):
                continue
            for row in _edge_rows(lines, out):
                near = [line for line in lines if id(line) in out and abs(line.top - row[0].top) < 3 * _height(row)]
                if near:
                    found.setdefault((_row_key(row)[0], round(row[0].top)), []).append(row)
        grown = {id(line) for rows in found.values() if len(rows) >= RUNNING_MIN for row in rows for line in row}
        if not grown:
            break
        out |= grown
    return out


def _height(row: list[PdfLine]) -> float:
    return max(max(line.bottom for line in row) - min(line.top for line in row), 1.0)


def _paragraphs(lines: list[PdfLine]) -> list[list[PdfLine]]:
    paragraphs: list[list[PdfLine]] = []
    for line in lines:
        if paragraphs:
            prev = paragraphs[-1][-1]
            gap = line.top - prev.bottom
            height = max(prev.bottom - prev.top, 1.0)
            if gap < 0.6 * height and abs(line.size - prev.size) < 0.5 and not line.bold.endswith(":"):
                paragraphs[-1].append(line)
                continue
        paragraphs.append([line])
    return paragraphs


BROKEN_END = 3  # the most letters of a word's end a cell's next line may carry without the document's word


def broken_at_edge(head: str, tail: str, words: Words) -> bool:
    """Is ``head`` (a cell line of one word reaching its column's edge, :attr:`PdfLine.cut`)
    a word the typesetter broke without a hyphen, going on at the start of ``tail`` (the
    next line)?  Yes when the document prints the joined word whole elsewhere, or does not
    print the first piece whole, the second is a word's end of at most ``BROKEN_END``
    letters and either is not printed whole either or the joined word is the document's by
    its stem (:class:`~pipeline.text.Words`: 'противодействи' + 'и' where 'противодействию'
    is printed, though 'и' is a word too); no where the first piece is printed whole or the
    second is longer (a word of its own).

    >>> words = Words({"учителей", "информация", "в", "и", "противодействию"})
    >>> broken_at_edge("квалификац", "ии учителей", words), broken_at_edge("информация", "в", words)
    (True, False)
    >>> broken_at_edge("Обновление", "учебных", words), broken_at_edge("2023", "года", words)
    (False, False)
    >>> broken_at_edge("противодействи", "и торговле", words), broken_at_edge("Минюст", "и МВД", words)
    (True, False)
    """
    first, second = regex.search(r"\p{L}+$", head), regex.match(r"\p{L}+", tail)
    if not first or not second:
        return False
    first, second = first.group().casefold(), second.group().casefold()
    if first + second in words.words:
        return True
    if len(second) > BROKEN_END or first in words.words:
        return False
    return second not in words.words or first + second in words


def join_with_breaks(texts: list[str], words: Words, cut: Sequence[bool] = ()) -> tuple[str, tuple[int, ...]]:
    """:func:`~pipeline.text.join_lines` of a paragraph's lines, and where each line but the
    last ended in the joined text (:attr:`Block.breaks`): the length of the text once the
    line is in — after its line-end hyphen, where that is removed — so a joining space sits
    at the offset.  A line marked in ``cut`` whose word goes on in the next line
    (:func:`broken_at_edge`) is joined to it without a space.

    >>> join_with_breaks(["Бектұрғанов С.Ш.", "Бортник М.М."], Words(set()))
    ('Бектұрғанов С.Ш. Бортник М.М.', (16,))
    >>> join_with_breaks(["the imple-", "mentation of well-", "known"], Words({"implementation", "well-known"}))
    ('the implementation of well-known', (9, 27))
    >>> join_with_breaks(["Проведение", "мониторинг", "а качества"], Words({"качества"}), (True, True, False))
    ('Проведение мониторинга качества', (10, 21))
    """
    text, breaks = "", []
    for k, piece in enumerate(texts):
        if not text:
            text = piece
            continue
        if k <= len(cut) and cut[k - 1] and broken_at_edge(texts[k - 1], piece, words):
            breaks.append(len(text))
            text += piece
            continue
        joined = join_lines([text, piece], words)  # join_lines folds left: one line at a time is the same
        end = len(joined) - len(piece)
        breaks.append(end - 1 if joined[end - 1:end] == " " and len(joined) == len(text) + 1 + len(piece) else end)
        text = joined
    return text, tuple(breaks)


def _paragraph_blocks(lines: list[PdfLine], larger: list[float], words: Words, file_index: int,
                      span: int = 1, cell_box: tuple | None = None, **loc) -> list[Block]:
    """PDF lines to paragraph blocks; ``loc`` gives a table cell's position (no headings
    there) and ``cell_box`` the cell's rectangle, each of its paragraphs' box."""
    blocks = []
    for para in _paragraphs(lines):
        first = para[0]
        size = first.size
        bbox = cell_box or (min(line.x0 for line in para), first.top, max(line.x1 for line in para), para[-1].bottom)
        text, breaks = join_with_breaks([line.text for line in para], words, [line.cut for line in para])
        blocks.append(Block(
            text=text, breaks=breaks, heading=larger.index(size) + 1 if size in larger and not loc else 0,
            bold=first.bold, span=span,
            loc=Location(file=file_index, page=first.page, line=first.line, bbox=bbox, **loc)))
    return blocks


def _pdf_blocks(path: Path, file_index: int, limits: Limits = Limits()) -> tuple[list[Block], int, tuple]:
    """The PDF's blocks, its page count and its pages recognised by OCR (:class:`OcrPage`)."""
    pages, count = _pdf_pages(path, limits)
    running_text = [_numbered(page["lines"]) for page in pages]
    furniture = _furniture_keys(running_text)
    running = _running_lines(running_text)
    all_sizes = [line.size for lines in running_text for line in lines if not line.margin]
    body = statistics.mode(all_sizes) if all_sizes else 0.0
    larger = sorted({s for s in all_sizes if s > body + 0.5}, reverse=True)
    words = Words(vocabulary(_printed_whole(pages)))
    blocks, table_no = [], 0
    for page, lines in zip(pages, running_text):
        flow, pieces = [], []
        for line in lines:
            if id(line) in running or line.margin and _DIGITS.sub("#", line.text) in furniture:
                blocks.append(Block(text=line.text, furniture=True, loc=Location(
                    file=file_index, page=line.page, line=line.line,
                    bbox=(line.x0, line.top, line.x1, line.bottom))))
            else:
                flow.append(line)
        pieces.extend((b.loc.bbox[1], [b]) for b in _paragraph_blocks(flow, larger, words, file_index))
        for table in page["tables"]:
            table_no += 1
            cells = [b for cell in table.cells for b in _paragraph_blocks(
                _numbered(cell.lines), larger, words, file_index, table=table_no, row=cell.row,
                cell=cell.cell, span=cell.span, cell_box=tuple(cell.bbox))]
            pieces.append((table.top, cells))
        page_blocks = [b for _, group in sorted(pieces, key=lambda p: p[0]) for b in group]
        if page_blocks:
            page_blocks[0] = replace(page_blocks[0], page_start=True)
        blocks.extend(page_blocks)
    return blocks, count, tuple(page["ocr"] for page in pages if "ocr" in page)


def _printed_whole(pages: list[dict]) -> Iterable[str]:
    """The texts of the pages' lines, less the words that may be pieces of one broken at a
    cell's edge (a cut line's word and the next line's first, :attr:`PdfLine.cut`)."""
    for page in pages:
        yield from (line.text for line in page["lines"])
        for table in page["tables"]:
            for cell in table.cells:
                after_cut = False
                for line in cell.lines:
                    if not after_cut and not line.cut:
                        yield line.text
                    else:
                        tokens = line.text.split()[after_cut:]
                        yield " ".join(tokens[:-1] if line.cut else tokens)
                    after_cut = line.cut


def _all_lines(page: dict) -> Iterable[PdfLine]:
    yield from page["lines"]
    for table in page["tables"]:
        for cell in table.cells:
            yield from cell.lines


def _numbered(lines: Sequence[PdfLine]) -> list[PdfLine]:
    """The lines, each given its 1-based line number on the page (or in the table cell)."""
    return [replace(line, line=n) for n, line in enumerate(lines, start=1)]
