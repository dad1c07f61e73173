"""A PDF opened by both engines, and the verdict when they cannot read it (:mod:`.pdf`).

polyplan reads a PDF through PDFium (pypdfium2) and pdfplumber (pdfminer.six).  They fail on
different files: PDFium repairs broken cross-reference tables, a missing MediaBox, a /Rotate
that is no number and loops of incremental updates, and opens files whose only encrypted part
is an attachment; pdfminer reads page trees PDFium refuses and text PDFium draws at size zero.
So a file is refused only on what both say:

* encrypted — either engine asks for a password that neither was given (the empty user
  password is always tried: a file anyone may open is read, whatever ``--password`` says), or
  both reject the security handler;
* damaged — neither engine opens it, or neither reads one of its pages;
* no text — no page of either engine holds text: scanned images (OCR's task), pages whose
  content streams are broken, or blank pages (:func:`textless_verdict`).

Each reason is one line in words, never an engine's exception.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from .sniff import ExtractError

log = logging.getLogger(__name__)

PASSWORD_NEEDED = "encrypted PDF: it needs a password (--password)"
PASSWORD_WRONG = "encrypted PDF: the password is wrong (--password)"
UNKNOWN_ENCRYPTION = ("encrypted PDF of a kind polyplan cannot open (not the standard password protection): "
                      "ask for an unencrypted copy")
DAMAGED = "the PDF is damaged and could not be repaired (neither PDF reader opens it)"
NO_TEXT = "PDF has no text layer (scanned images?): it needs OCR first"
NO_TEXT_AFTER_OCR = "PDF has no text layer, and OCR found no text on its pages"
CONTENT_DAMAGED = "the PDF is damaged: what its pages show could not be read (broken content streams)"
BLANK = "the PDF's pages are blank: no text, no images"
CHECKED_PAGES = 100  # pages looked at to tell why a PDF without text has none

_PASSWORD, _SECURITY, _DAMAGED = "password", "security", "damaged"
_PDFIUM_KINDS = {4: _PASSWORD, 5: _SECURITY}  # FPDF_ERR_PASSWORD, FPDF_ERR_SECURITY


def damaged_page(number: int) -> str:
    """The reason for a page neither engine reads.

    >>> damaged_page(2)
    'the PDF is damaged: page 2 could not be read'
    """
    return f"the PDF is damaged: page {number} could not be read"


def interrupted(exc: BaseException) -> ExtractError | None:
    """The :class:`ExtractError` (a ``--timeout``) an engine's exception carries, if any:
    pdfplumber wraps whatever interrupted it."""
    if isinstance(exc, ExtractError):
        return exc
    cause = exc.args[0] if exc.args else None
    return cause if isinstance(cause, ExtractError) else None


@dataclass
class Opened:
    """The document as each engine opened it (None: that engine could not), the password PDFium
    took (None: no password, or the empty one) and the engine asked to read pages first."""

    plumber: object | None
    fast: object | None
    password: str | None = None
    engine: str = "auto"

    @property
    def plumber_first(self) -> bool:
        return self.engine == "plumber" and self.plumber is not None

    def count(self) -> int:
        """The page count: PDFium's, or pdfplumber's when its pages come first or PDFium cannot
        open the file; :class:`ExtractError` when neither engine can count them."""
        if self.fast is not None and not self.plumber_first:
            return len(self.fast)
        try:
            return len(self.plumber.pages)
        except Exception as exc:  # pdfminer lists every page at once: one broken page breaks the list
            if (stop := interrupted(exc)) is not None:
                raise stop from None
            if self.fast is not None:
                return len(self.fast)
            raise ExtractError(DAMAGED) from None

    def close(self) -> None:
        if self.fast is not None:
            self.fast.close()
        if self.plumber is not None:  # pdfplumber's close() would list every page first (a broken one raises)
            self.plumber.flush_cache()
            self.plumber.stream.close()


def open_pdfium(path: Path, password: str | None):
    """(document, None, password taken) or (None, failure kind, None); a wrong password is
    retried as the empty one."""
    import pypdfium2 as pdfium
    kind = _DAMAGED
    for attempt in dict.fromkeys((password, None)):
        try:
            return pdfium.PdfDocument(str(path), password=attempt), None, attempt
        except pdfium.PdfiumError as exc:
            kind = _PDFIUM_KINDS.get(getattr(exc, "err_code", None), _DAMAGED)
        except (OSError, ValueError) as exc:
            log.info("PDFium cannot open %s: %s", path, exc)
            kind = _DAMAGED
        if kind != _PASSWORD:
            break
    return None, kind, None


def open_pdfplumber(path: Path, password: str | None):
    """(pdfplumber PDF, None) or (None, failure kind); a wrong password is retried as the empty one."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    kind = _DAMAGED
    for attempt in dict.fromkeys((password or "", "")):
        try:
            return pdfplumber.open(str(path), password=attempt), None
        except Exception as exc:  # pdfminer on a damaged file: any exception, wrapped or not
            if (stop := interrupted(exc)) is not None:
                raise stop from None
            cause = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
            kind = _PASSWORD if isinstance(cause, PDFPasswordIncorrect) else \
                _SECURITY if isinstance(cause, PDFEncryptionError) else _DAMAGED
            log.info("pdfplumber cannot open %s: %r", path, cause)
        if kind != _PASSWORD:
            break
    return None, kind


def open_engines(path: Path, password: str | None, engine: str = "auto") -> Opened:
    """Both engines on ``path`` (``engine`` "plumber": pdfplumber's pages first);
    :class:`ExtractError` with the verdict when neither opens it."""
    plumber, slow_kind = open_pdfplumber(path, password)
    fast, fast_kind, taken = open_pdfium(path, password)
    if plumber is None and fast is None:
        raise ExtractError(verdict({slow_kind, fast_kind}, password))
    return Opened(plumber, fast, taken, engine)


def verdict(kinds: set[str], password: str | None) -> str:
    """The reason for a file neither engine opens, from how each failed.

    >>> verdict({"password", "damaged"}, None), verdict({"security"}, None) == UNKNOWN_ENCRYPTION
    ('encrypted PDF: it needs a password (--password)', True)
    """
    if _PASSWORD in kinds:
        return PASSWORD_WRONG if password else PASSWORD_NEEDED
    if _SECURITY in kinds:
        return UNKNOWN_ENCRYPTION
    return DAMAGED


def textless_verdict(path: Path, password: str | None, recognised: int) -> str:
    """Why no page of a PDF gave text: OCR read nothing on its images (``recognised`` pages),
    its pages show images or drawings OCR has not read (scanned), its content streams are
    broken, or its pages are blank."""
    if recognised:
        return NO_TEXT_AFTER_OCR
    opened = open_engines(path, password)
    try:
        if _drawn(opened):
            return NO_TEXT
        return CONTENT_DAMAGED if _broken_contents(opened.plumber) else BLANK
    except Exception as exc:  # a page neither engine parses: whatever it shows is out of reach
        if (stop := interrupted(exc)) is not None:
            raise stop from None
        log.info("cannot tell why %s has no text: %r", path, exc)
        return CONTENT_DAMAGED
    finally:
        opened.close()


def _drawn(opened: Opened) -> bool:
    """Does one of the first pages paint an image or a path (what OCR could read)?"""
    if opened.fast is not None:
        import pypdfium2.raw as raw
        for index in range(min(len(opened.fast), CHECKED_PAGES)):
            try:
                page = opened.fast[index]
            except Exception:  # a page PDFium cannot load shows nothing it could render
                continue
            try:
                if any(True for _ in page.get_objects(filter=(raw.FPDF_PAGEOBJ_IMAGE, raw.FPDF_PAGEOBJ_PATH))):
                    return True
            finally:
                page.close()
        return False
    return any(page.images or page.rects or page.curves or page.lines
               for page in opened.plumber.pages[:CHECKED_PAGES])


def _broken_contents(plumber) -> bool:
    """Does one of the first pages hold a content stream whose bytes decode to nothing (a
    FlateDecode stream of garbage), as pdfminer reads it?"""
    if plumber is None:
        return False
    from pdfminer.pdftypes import resolve1
    for page in plumber.pages[:CHECKED_PAGES]:
        for stream in page.page_obj.contents:
            stream = resolve1(stream)
            raw = getattr(stream, "rawdata", None)
            if raw and not stream.get_data():
                return True
    return False
