"""OCR for PDF pages without a usable text layer: Tesseract's words as the text path's lines.

Used by :mod:`pipeline.extract` for the pages that have no text layer (a scan), or one that
:func:`pipeline.text.text_quality` calls garbled, or every page (``--ocr always``).  Each page
is rendered with PDFium (pypdfium2) at ``DPI``; Tesseract's orientation and script detection
(OSD, ``--psm 0``) says how far the page is turned — a landscape table on a portrait sheet —
and in which script it is written; the image is turned upright and recognised (``--psm 3``,
hOCR output) with the languages asked for (``--ocr-lang rus+kaz``) or, by default, with the
models of the languages polyplan has lexicons for in that script (:func:`models_for`).

Tesseract is run as its command-line program (Debian's ``tesseract-ocr``), one process per
page and step, the pages shared among ``workers`` threads that each wait on their process:
no Python binding to build or keep in step with the installed engine and language data, a
page that hangs or crashes the engine costs that page only, and the process is killed when
the document's ``--timeout`` strikes.  pytesseract would wrap the same program and add
temporary files; tesserocr saves loading a model per page (about 0.3 s for the Latin-script
model, under 0.05 s for ``rus``) but ships a second copy of the engine in its wheel.

Each recognised line becomes the record the text-layer path builds
(:class:`~pipeline.extract.pdf_tables.PdfLine`): ``text``, ``page``, ``x0``/``x1``/``top``/``bottom``
in PDF points of the upright page, ``size`` and ``bold`` (``""``: OCR does not tell weights),
and its ``words`` (for :func:`pipeline.extract.pdf_tables.whitespace_tables`).  The vertical extent is
placed as pdfminer places a glyph — from the baseline, one em high above the font's descent —
and the font size is estimated from how far capitals and ascenders rise above the baseline
(:func:`line_size`), then settled over the document (:func:`settle_sizes`), so paragraphs,
running heads and headings are told apart as on a text layer.  Ruled tables are found from the
image's long dark rules (:func:`image_rules`) by :func:`pipeline.extract.pdf_tables.find_tables`, as
for drawn ones.
"""
from __future__ import annotations

import functools
import os
import shutil
import statistics
import subprocess
import threading
from collections import Counter, deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

import regex

from ..text import normalize, text_quality
from .pdf_tables import PdfLine, PdfWord

DPI = 300  # Tesseract reads body text best with capitals 20-30 pixels high
GARBLED_PAGE = 0.05  # share of garbled glyphs that sends a text-layer page to OCR (as GARBLED_TEXT reports)
# Mean word confidence under which a page's OCR is doubtful: the scans of the reference read 90-95
# (91-99% of words right); the same page degraded (60 dpi, blur) reads 68 and less (54% and fewer).
MIN_CONFIDENCE = 80.0
# A scanned sheet under another program's OCR layer (a searchable scan) is read again, and
# polyplan's reading — pages turned upright, Roman numerals and lone numbers read, sizes
# settled — replaces the layer where Tesseract trusts its words this much on average.
SHEET_CONFIDENCE = 80.0
ORIENTATION_CONFIDENCE = 2.0  # OSD's confidence needed to turn a page (the turned fixture page: 28)
# Tesseract's models of the languages polyplan has lexicons for (Debian: tesseract-ocr-<model>).
# Turkmen has none: its pages are read with the Latin-script model (tesseract-ocr-script-latn).
LANGUAGE_MODELS = {"ru": "rus", "kk": "kaz", "ky": "kir", "uz-Cyrl": "uzb_cyrl", "uz": "uzb", "en": "eng"}
SCRIPT_MODELS = {"Latn": "Latin", "Cyrl": "Cyrillic"}
OSD_SCRIPTS = {"Latin": "Latn", "Cyrillic": "Cyrl"}  # OSD's script names, as the lexicons write them
# The model for the Latin letters a script's texts print, read second: Cyrillic plans number
# parts in Roman numerals (without it, the reference's "Часть V" reads "Часть У").
LATIN_LETTERS = {"Cyrl": "eng"}
PACKAGES = ("tesseract-ocr", "tesseract-ocr-rus", "tesseract-ocr-kaz", "tesseract-ocr-kir", "tesseract-ocr-uzb",
            "tesseract-ocr-uzb-cyrl", "tesseract-ocr-eng", "tesseract-ocr-script-latn")


class OcrError(Exception):
    """OCR cannot run as asked (a language not installed); the message is one line."""


@dataclass(frozen=True, slots=True)
class OcrPage:
    """One recognised page: its 0-based ``index``, its running-text lines (:class:`PdfLine`, as
    the text-layer path builds them) and ruled tables (:func:`page_tables`), the upright page's
    size in points, how far the image was turned clockwise to read it (0, 90, 180, 270), the
    mean confidence of its words (0-100), the Tesseract models used and the script OSD saw;
    ``rules``: the image's rules (:func:`image_rules`) until the tables are read from them."""

    index: int
    lines: list = field(hash=False, compare=False)
    width: float
    height: float
    rotation: int
    confidence: float
    models: str
    script: str | None
    tables: list = field(default_factory=list, hash=False, compare=False)
    rules: list = field(default_factory=list, hash=False, compare=False)


# --- what is installed --------------------------------------------------------------------

@functools.cache
def installed_models() -> frozenset[str]:
    """The language models Tesseract has (``tesseract --list-langs``); empty without Tesseract."""
    if shutil.which("tesseract") is None:
        return frozenset()
    try:
        listed = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(line.strip() for line in listed.splitlines()[1:] if line.strip())


def available() -> bool:
    """Can pages be recognised here: Tesseract with its orientation model and some language?"""
    models = installed_models()
    return "osd" in models and len(models) > 1


def check_models(languages: str) -> None:
    """:class:`OcrError` unless every model of ``languages`` (``rus+kaz``) is installed."""
    missing = [m for m in languages.split("+") if m not in installed_models()]
    if missing:
        raise OcrError(f"OCR language {'+'.join(missing)} is not installed (tesseract --list-langs; "
                       f"Debian: tesseract-ocr-{missing[0].replace('_', '-').lower()})")


@functools.cache
def _lexicon_scripts() -> dict[str, str]:
    from ..lexicon import load_lexicons
    return {code: lex.script for code, lex in load_lexicons().items()}


def models_for(script: str | None) -> str | None:
    """The Tesseract models for a page in ``script`` (OSD's name, ``Cyrillic``): those of the
    languages polyplan has lexicons for in that script, installed ones only.  A language
    without a model of its own (Turkmen) brings its script's model, which then reads the page
    alone: it covers the script's other languages too, and adding a language model to it
    loses letters (measured on the reference's Turkmen pages: ``Latin`` reads 96% of the
    words right, ``Latin+eng`` 59%, writing ``y`` for ``ý`` and ``s`` for ``ş``).  None
    when no lexicon is written in the script.  A script's texts print Latin letters too
    (``LATIN_LETTERS``): that model is read second.

    >>> models_for("Cyrillic") if {"rus", "eng", "kaz", "kir", "uzb_cyrl"} <= installed_models() else "rus+eng+kaz+kir+uzb_cyrl"
    'rus+eng+kaz+kir+uzb_cyrl'
    """
    code = OSD_SCRIPTS.get(script or "")
    if code is None:
        return None
    installed = installed_models()
    langs = [lang for lang, lang_script in _lexicon_scripts().items() if lang_script == code]
    wanted = [LANGUAGE_MODELS.get(lang, SCRIPT_MODELS[code]) for lang in langs]
    if SCRIPT_MODELS[code] in wanted and SCRIPT_MODELS[code] in installed:
        return SCRIPT_MODELS[code]
    order = list(LANGUAGE_MODELS.values())
    models = sorted({m for m in wanted if m in installed and m in order}, key=order.index)
    if models and LATIN_LETTERS.get(code) in installed and LATIN_LETTERS[code] not in models:
        models.insert(1, LATIN_LETTERS[code])
    return "+".join(models) or None


# --- which pages --------------------------------------------------------------------------

def wanted(texts: list[str], mode: str) -> bool:
    """Does a page whose text layer reads ``texts`` go to OCR under ``mode``: ``always``;
    ``auto`` when it has no text or ``GARBLED_PAGE`` of its glyphs are garbled; never under
    ``never``.

    >>> wanted([], "auto"), wanted(["План мероприятий"], "auto"), wanted(["(cid:3)(cid:4)"], "auto")
    (True, False, True)
    """
    if mode != "auto":
        return mode == "always"
    glyphs, garbled = text_quality(texts)
    return not glyphs or garbled >= GARBLED_PAGE * glyphs


def better(found: OcrPage, texts: list[str]) -> bool:
    """Is the OCR of a page better than its text layer ``texts``: the layer is empty, or OCR's
    words are trusted (``MIN_CONFIDENCE``) and garbled less often than the layer's.  A layer
    whose glyphs *print* the wrong letters (a misread code page) reads the same wrong letters
    from the image: it stays, and GARBLED_TEXT reports it."""
    glyphs, garbled = text_quality(texts)
    if not glyphs:
        return True
    read, read_garbled = text_quality(line.text for line in found.lines)
    return bool(read) and found.confidence >= MIN_CONFIDENCE and read_garbled / read < garbled / glyphs


# --- recognising pages --------------------------------------------------------------------

def recognise(path: str, indexes: list[int], password: str | None = None, languages: str | None = None,
              workers: int = 1) -> list[OcrPage]:
    """The pages ``indexes`` (0-based) of the PDF at ``path`` that show something
    (:func:`drawn`) recognised, in that order, by
    ``workers`` Tesseract processes at a time; ``languages`` as Tesseract names them
    (``rus+kaz``) or None for the models of each page's script (:func:`models_for`).
    Sizes are settled over all of them (:func:`settle_sizes`), then ruled tables read."""
    import pypdfium2 as pdfium
    if languages:
        check_models(languages)
    runner = _Runner()
    document = pdfium.PdfDocument(path, password=password)
    found: list[OcrPage] = []
    pending: deque = deque()
    try:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            try:
                for index in indexes:
                    if not drawn(document, index):
                        continue  # nothing on the page could show text: no image, no path
                    image = _render(document, index)  # PDFium in this thread only: it is not thread-safe
                    pending.append(pool.submit(_recognise_image, runner, image, index, languages))
                    while len(pending) > max(1, workers):  # a few rendered pages in memory, not the document's
                        found.append(pending.popleft().result())
                while pending:
                    found.append(pending.popleft().result())
            except BaseException:  # a --timeout, a signal: the processes go before the pool waits for its threads
                runner.kill()
                for future in pending:
                    future.cancel()
                raise
    finally:
        document.close()
    return [_with_tables(page) for page in settle_sizes(found)]


def _with_tables(page: OcrPage) -> OcrPage:
    lines, tables = page_tables(page.lines, page.rules, page.width, page.height)
    return replace(page, lines=lines, tables=tables, rules=[])


def drawn(document, index: int) -> bool:
    """Does the page paint an image or a path (text drawn as outlines), which OCR may read?"""
    import pypdfium2.raw as raw
    page = document[index]
    try:
        return any(True for _ in page.get_objects(filter=(raw.FPDF_PAGEOBJ_IMAGE, raw.FPDF_PAGEOBJ_PATH)))
    finally:
        page.close()


STAMP_SATURATION, STAMP_VALUE = 32, 160  # colour at least this saturated and bright (of 255) is a stamp's ink


def _render(document, index: int):
    """A page rendered at ``DPI`` as displayed (its ``/Rotate`` applied), in grey for OCR
    (:func:`ink`)."""
    page = document[index]
    try:
        return ink(page.render(scale=DPI / 72).to_pil())
    finally:
        page.close()


def ink(image):
    """A page image in grey, without the bright colours of stamps and signatures: where a
    pixel is at least ``STAMP_SATURATION`` saturated and ``STAMP_VALUE`` bright (blue, violet
    or red ink on paper) its brightness replaces its grey, so the stamp fades to paper while
    the black text under it stays black; dark colours (navy headings) keep their grey."""
    from PIL import ImageChops
    grey = image.convert("L")
    if image.mode != "RGB":
        return grey
    _, saturation, value = image.convert("HSV").split()
    if saturation.getextrema()[1] < STAMP_SATURATION:
        return grey
    stamp = ImageChops.logical_and(saturation.point(lambda v: 255 if v >= STAMP_SATURATION else 0, "1"),
                                   value.point(lambda v: 255 if v >= STAMP_VALUE else 0, "1"))
    grey.paste(value, mask=stamp)
    return grey


class _Runner:
    """Runs Tesseract processes and kills those still running when the document is given up."""

    def __init__(self):
        self.lock, self.running, self.stopped = threading.Lock(), set(), False

    def run(self, args: list[str], image) -> str:
        data = _pgm(image)
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # one core per process: the pages are the parallel unit
        with self.lock:
            if self.stopped:
                raise OcrError("OCR stopped")
            process = subprocess.Popen(["tesseract", "stdin", "stdout", *args], stdin=subprocess.PIPE,
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
            self.running.add(process)
        try:
            out, _ = process.communicate(data)
        finally:
            with self.lock:
                self.running.discard(process)
        return out.decode("utf-8", errors="replace")

    def kill(self) -> None:
        with self.lock:
            self.stopped = True
            for process in self.running:
                process.kill()


def _pgm(image) -> bytes:
    """A grey image as binary PGM (Netpbm P5), which Tesseract reads from its standard input."""
    return b"P5 %d %d 255\n" % image.size + image.tobytes()


_OSD = regex.compile(r"^(Rotate|Orientation confidence|Script): *(\S+)", regex.M)


def orientation(runner: _Runner, image) -> tuple[int, str | None]:
    """(degrees to turn the image clockwise to read it, script) from Tesseract's OSD; (0,
    None) where it sees too few letters to tell."""
    found = dict(_OSD.findall(runner.run(["--psm", "0", "-l", "osd", "--dpi", str(DPI)], image)))
    rotate = int(found.get("Rotate", 0)) if float(found.get("Orientation confidence", 0)) >= ORIENTATION_CONFIDENCE else 0
    return rotate % 360, found.get("Script")


def _recognise_image(runner: _Runner, image, index: int, languages: str | None) -> OcrPage:
    from PIL import Image
    rotation, script = orientation(runner, image)
    if rotation:
        image = image.transpose({90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180,
                                 270: Image.Transpose.ROTATE_90}[rotation])
    models = languages or models_for(script) or _fallback_models()
    hocr = runner.run(["--psm", "3", "-l", models, "--dpi", str(DPI), "hocr"], image)
    lines = hocr_lines(hocr, index + 1, 72 / DPI)
    rules = image_rules(image, 72 / DPI)
    lines += empty_cells(runner, image, lines, rules, models, index)
    confidences = [word.confidence for line in lines for word in line.words]
    return OcrPage(index=index, lines=lines, width=image.width * 72 / DPI, height=image.height * 72 / DPI,
                   rotation=rotation, confidence=round(statistics.fmean(confidences), 1) if confidences else 0.0,
                   models=models, script=script, rules=rules)


MAX_CELL_READS = 100  # ruled cells read again on one page, at most
CELL_MARGIN = 4  # pixels kept off a cell's rules when it is read again
CELL_INK = 20  # dark pixels a cell must hold to be read again


def empty_cells(runner: _Runner, image, lines: list[PdfLine], rules: list[dict], models: str,
                index: int) -> list[PdfLine]:
    """Lines read again in the ruled cells that the page's reading left without a word but
    that hold ink: Tesseract's layout analysis drops a lone short word in a small cell — the
    "1.", "2.", "II." of a number column — which a reading of the cell alone (``--psm 6``)
    finds."""
    from . import pdf_tables
    if not rules:
        return []
    scale = 72 / DPI
    centres = [((w.x0 + w.x1) / 2, (w.top + w.bottom) / 2) for line in lines for w in line.words]
    out, reads = [], 0
    for table in pdf_tables.find_tables(rules, image.width * scale, image.height * scale):
        for bbox in (b for row in table.rows for b in row.cells if b):
            if any(bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3] for x, y in centres):
                continue
            if reads == MAX_CELL_READS:
                return out
            found = _cell_lines(runner, image, bbox, models, index, keep_words=True)
            reads += bool(found)
            out.extend(found)
    return out


def fill_sheet_cells(path: str, pages: list[dict], password: str | None = None,
                     languages: str | None = None) -> int:
    """Put in ``pages`` (as :func:`pipeline.extract.pdf.read_pages` gives them) the text of the
    ruled cells that a scanned sheet's own text layer leaves empty but its image inks — an
    OCR program's searchable scan drops the lone "1.", "II." of a number column as a whole
    page's OCR does (:func:`empty_cells`) — each read on its own.  How many cells were read."""
    import pypdfium2 as pdfium

    from . import pdfium as pdfium_text
    wanting = [k for k, page in enumerate(pages) if "ocr" not in page
               and any(not cell.lines for table in page["tables"] for cell in table.cells)]
    if not wanting:
        return 0
    runner, read = _Runner(), 0
    models = languages or _fallback_models()
    document = pdfium.PdfDocument(path, password=password)
    try:
        for index in wanting:
            page = document[index]
            try:
                if not pdfium_text.scan_rules(page, rules=False):
                    continue
                image = ink(page.render(scale=DPI / 72).to_pil())
            finally:
                page.close()
            tables = []
            for table in pages[index]["tables"]:
                cells = []
                for cell in table.cells:
                    lines = () if cell.lines else _cell_lines(runner, image, cell.bbox, models, index)
                    read += bool(lines)
                    cells.append(replace(cell, lines=lines) if lines else cell)
                tables.append(replace(table, cells=tuple(cells)))
            pages[index] = {**pages[index], "tables": tables}
    finally:
        document.close()
    return read


def _cell_lines(runner: _Runner, image, bbox: tuple, models: str, index: int,
                keep_words: bool = False) -> tuple[PdfLine, ...]:
    """The lines Tesseract reads in the cell ``bbox`` (points) of a page image at ``DPI``
    (nothing where the cell holds less than ``CELL_INK`` of ink); with their words where
    ``keep_words`` (lines of a page still to be cut into cells)."""
    scale = 72 / DPI
    x0, top, x1, bottom = (round(v / scale) for v in bbox)
    box = (x0 + CELL_MARGIN, top + CELL_MARGIN, x1 - CELL_MARGIN, bottom - CELL_MARGIN)
    if box[2] - box[0] < 2 * CELL_MARGIN or box[3] - box[1] < 2 * CELL_MARGIN:
        return ()
    crop = image.crop(box)
    if crop.tobytes().translate(_INK).count(b"1") < CELL_INK:
        return ()
    hocr = runner.run(["--psm", "6", "-l", models, "--dpi", str(DPI), "hocr"], crop)
    moved = (_moved(line, box[0] * scale, box[1] * scale) for line in hocr_lines(hocr, index + 1, scale))
    return tuple(moved if keep_words else (replace(line, words=None) for line in moved))


def _moved(line: PdfLine, dx: float, dy: float) -> PdfLine:
    """``line`` (read in a cropped image) moved by (``dx``, ``dy``) points onto its page."""
    def move(record):
        return replace(record, x0=record.x0 + dx, x1=record.x1 + dx, top=record.top + dy, bottom=record.bottom + dy)
    return replace(move(line), words=tuple(map(move, line.words)) if line.words is not None else None)


def _fallback_models() -> str:
    """For a page whose script OSD cannot tell (too few letters): the Cyrillic and Latin models."""
    return "+".join(m for m in ("rus", "Latin") if m in installed_models()) or sorted(installed_models() - {"osd"})[0]


# --- hOCR to line records -----------------------------------------------------------------

_BBOX = regex.compile(r"bbox (-?\d+) (-?\d+) (-?\d+) (-?\d+)")
_BASELINE = regex.compile(r"baseline (-?[\d.]+) (-?[\d.]+)")
_CONF = regex.compile(r"x_wconf (\d+)")
_LINE_CLASSES = {"ocr_line", "ocr_header", "ocr_caption", "ocr_textfloat"}
CAP_HEIGHT = 0.68  # capitals, digits and ascenders above the baseline, in ems (Times 0.66-0.68, Arial 0.72)
X_HEIGHT = 0.47  # lower-case letters without ascenders (Times 0.45, Arial 0.52)
DESCENT = 0.21  # the font's descent below the baseline, in ems (pdfminer's glyph box, pdf._line_record)
# Letters whose tops stand at the cap height: capitals without marks above, digits, ascenders,
# and small letters with a dot or mark above (i, j, ä, ö, ü, ý, ň, ž, й, ё rise about as high).
_RISING = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZÇŞАБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯӘҒҚҢӨҰҮҺІ0123456789"
                    "bdfhijklßäöüýňžбфйёї")
_LOW = frozenset("acegmnopqrsuvwxyzçşавгдежзиклмнопрстухцчшщъыьэюяңқғұүөәһ")  # tops at the x-height
_FLAT = frozenset(".,-–—;:!?")  # low marks that neither rise nor blur the measure


@dataclass(frozen=True, slots=True)
class HocrWord:
    """A word as Tesseract's hOCR gives it, in pixels: its text, box, the height of its line's
    baseline under its middle, and Tesseract's confidence in it (0-100)."""

    text: str
    x0: int
    x1: int
    top: int
    bottom: int
    baseline: float
    confidence: float


def _title(element, pattern):
    m = pattern.search(element.get("title", ""))
    return m.groups() if m else None


def hocr_lines(hocr: str, page_no: int, scale: float) -> list[PdfLine]:
    """Tesseract's hOCR as lines (points = pixels × ``scale``), each with its words and their
    confidences, the first two words' Roman numerals spelled (:func:`roman`); lines without a
    word left out."""
    from lxml import etree
    if not hocr.strip():
        return []
    root = etree.fromstring(hocr.encode("utf-8"), etree.XMLParser(recover=True, resolve_entities=False, no_network=True))
    lines = []
    for element in root.iter("{*}span"):
        if element.get("class") not in _LINE_CLASSES:
            continue
        box = [int(v) for v in _title(element, _BBOX)]
        slope, offset = (float(v) for v in (_title(element, _BASELINE) or (0, 0)))
        words = []
        for span in element.iter("{*}span"):
            text = normalize("".join(span.itertext())).strip()
            if span.get("class") != "ocrx_word" or not text:
                continue
            x0, top, x1, bottom = (int(v) for v in _title(span, _BBOX))
            baseline = box[3] + offset + slope * ((x0 + x1) / 2 - box[0])
            words.append(HocrWord(text=roman(text) if len(words) < 2 else text, x0=x0, x1=x1, top=top, bottom=bottom,
                                  baseline=baseline, confidence=float((_title(span, _CONF) or (0,))[0])))
        if len(words) == 1 and _LONE_II.match(words[0].text):  # "II." alone (a part's number cell) read as "П."
            words = [replace(words[0], text="II" + words[0].text[1:])]
        if words:
            lines.append(_record(words, box, page_no, scale))
    return lines


_LONE_II = regex.compile(r"^П[.:]$")  # Cyrillic "П" for the joined bars of a lone "II." (an initial has a name beside it)


_ROMAN = regex.compile(r"^([IVXLCІӀ|ХШУ]{1,6})([.:])$")
_ROMAN_HEADING = regex.compile(r"^([IVXLCІӀ|ХШУl]{1,6})([.:]?)$")
_NUMERAL = regex.compile(r"^(?=[IVXLC])C{0,3}(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})$")
_ROMAN_LOOKALIKES = str.maketrans({"І": "I", "Ӏ": "I", "|": "I", "l": "I", "Х": "X", "Ш": "III", "У": "V"})


def roman(token: str, heading: bool = False) -> str:
    """A Roman numeral before its point or colon (``Часть I:``, ``II.``) spelled in Latin
    capitals where OCR gave look-alikes — the Cyrillic ``І``, ``Х``, ``Ш`` (a bold ``III``) or
    ``У`` (``V``) of a Cyrillic model, the bar ``|`` — when they spell a numeral: the lexicons
    number parts in Latin capitals.  Asked of a line's first two words only (a heading's
    number), not of initials inside text; on a line set larger than the body (``heading``),
    also without the point and with the ``l`` of a Latin model (``Il bölüm.``).

    >>> roman("І:"), roman("Ш:"), roman("ІУ."), roman("|:"), roman("Х"), roman("Их"), roman("ШУ:")
    ('I:', 'III:', 'IV.', 'I:', 'Х', 'Их', 'ШУ:')
    >>> roman("Ill"), roman("Ill", heading=True), roman("Il", heading=True), roman("Ill.", heading=True)
    ('Ill', 'III', 'II', 'III.')
    """
    m = (_ROMAN_HEADING if heading else _ROMAN).match(token)
    if not m:
        return token
    numeral = m[1].translate(_ROMAN_LOOKALIKES)
    return numeral + m[2] if _NUMERAL.match(numeral) else token


def word_em(word: HocrWord) -> float | None:
    """A word's font size in pixels from how high it rises above the baseline: to the cap
    height when it holds a capital, digit, ascender or small letter with a mark above, to the
    x-height when all its letters are short; None when a capital with a mark above (``Ý``,
    ``Й``), a bracket or a quote rises higher."""
    rise = word.baseline - word.top
    letters = set(word.text) - _FLAT
    if letters & _RISING and letters <= _RISING | _LOW:
        return rise / CAP_HEIGHT
    if letters and letters <= _LOW:
        return rise / X_HEIGHT
    return None


def line_size(words: list[HocrWord]) -> float:
    """A line's font size in pixels: the median of its words' (:func:`word_em`), or its
    height when none can be measured."""
    sizes = [s for s in map(word_em, words) if s and s > 0]
    if sizes:
        return statistics.median(sizes)
    return (max(word.bottom for word in words) - min(word.top for word in words)) / (CAP_HEIGHT + DESCENT)


def _record(words: list[HocrWord], box: list[int], page_no: int, scale: float) -> PdfLine:
    """A line in points, its vertical extent from the baseline and the font size."""
    size = line_size(words) * scale
    baseline = statistics.median(word.baseline for word in words) * scale
    bottom = baseline + DESCENT * size
    out = tuple(PdfWord(text=word.text, x0=word.x0 * scale, x1=word.x1 * scale, top=bottom - size, bottom=bottom,
                        size=size, bold=0, confidence=word.confidence) for word in words)
    return PdfLine(text=" ".join(word.text for word in words), page=page_no, x0=box[0] * scale, x1=box[2] * scale,
                   top=bottom - size, bottom=bottom, size=size, bold="", words=out)


SNAP = 0.08  # sizes within this share of the body size are the body size


def settle_sizes(pages: list[OcrPage]) -> list[OcrPage]:
    """The pages with their lines' sizes settled over the document: within ``SNAP`` of the
    most common size (to the half point) the body size, others to the half point — so an
    estimate's noise makes no heading and breaks no paragraph — each line's extent and its
    words' placed again from its baseline, and a heading's Roman number spelled
    (:func:`roman`)."""
    sizes = [line.size for page in pages for line in page.lines]
    if not sizes:
        return pages
    body = Counter(round(s * 2) / 2 for s in sizes).most_common(1)[0][0]
    return [replace(page, lines=[_settled(line, body) for line in page.lines]) for page in pages]


def _settled(line: PdfLine, body: float) -> PdfLine:
    """The line at its settled size (:func:`settle_sizes`), it and its words placed again
    from its bottom; on a line larger than the ``body`` size, its Roman number spelled."""
    size = body if abs(line.size - body) <= SNAP * body else round(line.size * 2) / 2
    top = line.bottom - size
    words = [replace(word, size=size, top=top) for word in line.words]
    if size <= body:
        return replace(line, size=size, top=top, words=tuple(words))
    words[0] = replace(words[0], text=roman(words[0].text, heading=True))
    return replace(line, text=" ".join(word.text for word in words), size=size, top=top, words=tuple(words))


# --- ruling lines in the image: tables --------------------------------------------------

RULE_INCHES = 0.4  # a dark run this long is a rule: no letter is, and no gap between letters is dark
DARK = 160  # grey level under which a pixel is ink (a hairline rule scanned at 150 dpi greys to 130-150)
_INK = bytes(49 if v < DARK else 48 for v in range(256))  # grey level -> b"1" (ink) or b"0"


def image_rules(image, scale: float) -> list[dict]:
    """The image's horizontal and vertical rules — dark runs at least ``RULE_INCHES`` long,
    one per group of adjacent pixel rows (columns) — as pdfplumber's line objects in points,
    what :func:`pipeline.extract.pdf_tables.find_tables` takes."""
    from PIL import Image
    least = round(RULE_INCHES * DPI)
    out = []
    for turned in (False, True):
        picture = image.transpose(Image.Transpose.TRANSPOSE) if turned else image
        for lo, hi, start, end in _runs(picture, least):
            a, b, mid = start * scale, end * scale, (lo + hi + 1) / 2 * scale
            out.append(_line_object(mid, a, mid, b) if turned else _line_object(a, mid, b, mid))
    return out


def _runs(image, least: int) -> list[tuple[int, int, int, int]]:
    """(first row, last row, start, end) of each group of adjacent pixel rows holding a run
    of ink ``least`` pixels long that overlap one another."""
    data, width = image.tobytes().translate(_INK), image.width
    pattern = regex.compile(rb"1{%d,}" % least)
    groups: list[list[int]] = []
    for row in range(image.height):
        line = data[row * width:(row + 1) * width]
        for m in pattern.finditer(line):
            last = groups[-1] if groups else None
            if last and last[1] >= row - 1 and m.start() < last[3] and last[2] < m.end():
                last[1], last[2], last[3] = row, min(last[2], m.start()), max(last[3], m.end())
            else:
                groups.append([row, row, m.start(), m.end()])
    return [tuple(g) for g in groups]


def _line_object(x0: float, top: float, x1: float, bottom: float) -> dict:
    """A stroked line as pdfplumber records it (top-down)."""
    return {"object_type": "line", "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top,
            "width": x1 - x0, "height": bottom - top, "pts": [(x0, top), (x1, bottom)],
            "fill": False, "stroke": True, "paint": ()}


def page_tables(lines: list[PdfLine], rules: list[dict], width: float, height: float) -> tuple[list, list]:
    """The page's running-text lines outside its ruled tables, and those tables (as
    :func:`pipeline.extract.pdfium.table_record` gives them): each word goes to the cell holding
    its centre; a line's words outside every cell stay a line of running text; the bars
    Tesseract reads on vertical rules are dropped (:func:`_without_rules`)."""
    from . import pdf_tables, pdfium
    tables = pdf_tables.find_tables(rules, width, height) if rules else []
    if not tables:
        return lines, []
    lines = _without_rules(lines, [r["x0"] for r in rules if r["x0"] == r["x1"]])
    cells = [((t, r, c), bbox) for t, table in enumerate(tables)
             for r, row in enumerate(table.rows, start=1) for c, bbox in enumerate(row.cells, start=1) if bbox]
    flow, inside = [], {}
    for line in lines:
        rest = []
        for word in line.words:
            x, y = (word.x0 + word.x1) / 2, (word.top + word.bottom) / 2
            key = next((k for k, b in cells if b[0] <= x <= b[2] and b[1] <= y <= b[3]), None)
            if key is None:
                rest.append(word)
            else:
                inside.setdefault(key, {}).setdefault(id(line), (line, []))[1].append(word)
        if rest:
            flow.append(_line_of(line, rest))
    records = [pdfium.table_record(table, lambda r, c, _bbox, t=t: [
        replace(_line_of(line, words), words=None)  # a cell's lines are no running text: no words
        for line, words in inside.get((t, r, c), {}).values()]) for t, table in enumerate(tables)]
    return flow, records


_BAR = regex.compile(r"^[|!lI\[\]]+$")


def _without_rules(lines: list[PdfLine], verticals: list[float]) -> list[PdfLine]:
    """The lines without the "words" Tesseract reads on a vertical rule (``|``, ``l``, ``[``)."""
    out = []
    for line in lines:
        words = [word for word in line.words if not (_BAR.match(word.text) and any(
            word.x0 - 2 <= x <= word.x1 + 2 for x in verticals))]
        if words:
            out.append(_line_of(line, words))
    return out


def _line_of(line: PdfLine, words: list[PdfWord]) -> PdfLine:
    """``line`` cut down to ``words``."""
    if len(words) == len(line.words):
        return line
    return replace(line, text=" ".join(word.text for word in words), x0=words[0].x0,
                   x1=max(word.x1 for word in words), words=tuple(words))
