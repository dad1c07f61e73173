"""Stage 1 — extract: a source file to a sequence of :class:`~pipeline.model.Block`.

One reader per format, each a module of this package: what a file holds is told by its
first bytes (:mod:`.sniff`), then

* text (:mod:`.text`): one block per non-empty line in any encoding; markdown emphasis and
  list marks (``**``, ``*…*``, ``- 1.**``, ``#``) are removed, ``#`` gives a heading level;
* DOCX (:mod:`.docx`, with :mod:`.docx_package`, :mod:`.docx_chunks` and Word numbering in
  :mod:`.wordnum`): the body as Word displays it, tables with merged cells, notes and text
  boxes after their paragraph, headers and footers as furniture;
* HTML (:mod:`.html`, :mod:`.html_page`): a page's blocks as DOCX gives them, site chrome
  left out;
* PDF (:mod:`.pdf`; PDFium's text layer through :mod:`.pdfium`, pdfplumber's for garbled
  pages or on request, OCR by :mod:`.ocr` for pages without a usable one): lines
  grouped into paragraphs by vertical gaps and font changes, ``breaks`` where the printed
  lines ended; tables drawn with rules or filled cells (:mod:`pipeline.extract.pdf_tables`) and
  tables aligned by whitespace alone read cell by cell, each cell's blocks boxed by its
  rectangle; running headers, footers and page numbers (text repeated in the page margins,
  or a title printed with the page number at the top or foot of the text) marked as
  furniture; heading level from font size;
* Word 97-2003 ``.doc``, RTF and OpenDocument text: a copy converted to DOCX by LibreOffice
  (:mod:`.convert`), then read as DOCX.

Kazakh typed in a pre-Unicode font is read as Kazakh letters in every format
(:mod:`.legacy_fonts`, over the blocks of any reader).

Unreadable input raises :class:`ExtractError` with a one-line reason.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import NamedTuple

from ..controls import Reading
from ..model import Block, Converted, RawText, Removed, Respelled, Skipped, Source
from ..text import text_quality
from .convert import Conversion, converted
from .docx import check_docx, docx_to_blocks
from .html import _html_blocks
from .legacy_fonts import Respelling, blocks_to_respelled
from .limits import MAX_INPUT_MB, Limits
from .pdf import _pdf_blocks
from .sniff import ExtractError, sniff_format
from .text import text_to_blocks

__all__ = ["MAX_INPUT_MB", "Extracted", "ExtractError", "Limits", "check_docx", "file_to_blocks", "read_file",
           "sha256_of"]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class Extracted(NamedTuple):
    """A file read: its :class:`Source` record, its blocks, and what its :class:`Source` does not
    record yet — the ``conversion`` that made it readable and the ``respelling`` of its legacy
    Kazakh font (each None where there was none)."""

    source: Source
    blocks: tuple[Block, ...]
    conversion: Conversion | None = None
    respelling: Respelling | None = None


def file_to_blocks(path: Path, file_index: int = 0, limits: Limits = Limits()) -> tuple[Source, tuple[Block, ...]]:
    """Read ``path`` into its :class:`Source` record and its blocks in reading order."""
    return read_file(path, file_index, limits)[:2]


def read_file(path: Path, file_index: int = 0, limits: Limits = Limits()) -> Extracted:
    """Read ``path`` (:func:`file_to_blocks`), with what its :class:`Source` does not record yet."""
    path = Path(path)
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise ExtractError(f"file is {size / 2**20:.0f} MB, over the {limits.max_mb} MB limit (--max-input-mb)")
    fmt = sniff_format(path)
    reading, recognised, conversion = None, (), None
    if fmt == "convert":
        (reading, conversion), fmt, pages = _converted(path, file_index, limits), "docx", None
    elif fmt == "docx":
        check_docx(path, limits)
        reading, pages = docx_to_blocks(path, file_index), None
    elif fmt == "pdf":
        blocks, pages, recognised = _pdf_blocks(path, file_index, limits)
    elif fmt == "html":
        blocks, pages = _html_blocks(path, file_index)
    else:
        reading, pages = text_to_blocks(path, file_index), None
    if reading is not None:
        blocks = list(reading.blocks)
    blocks, respelling = _respelled_outside(blocks, {page.page for page in recognised})
    chars, garbled = text_quality(b.text for b in blocks)
    source = Source(path=str(path), sha256=sha256_of(path), format=fmt, pages=pages,
                    chars=chars, garbled_chars=garbled, ocr=recognised, **_reading_facts(reading),
                    converted=Converted(conversion.kind, conversion.by) if conversion else None,
                    respelled=_respelled(respelling))
    return Extracted(source, tuple(blocks), conversion, respelling)


def _respelled_outside(blocks, ocr_pages: set[int]):
    """:func:`blocks_to_respelled` over the blocks of a font's text: text recognised on a
    page image is no font's (an OCR misreading "і" as "ї" is no KZ-1048 "ү")."""
    if not ocr_pages:
        return blocks_to_respelled(blocks)
    blocks = list(blocks)
    typed = [i for i, block in enumerate(blocks) if block.loc.page not in ocr_pages]
    respelled, respelling = blocks_to_respelled([blocks[i] for i in typed])
    for i, block in zip(typed, respelled):
        blocks[i] = block
    return blocks, respelling


def _respelled(respelling) -> Respelled | None:
    if respelling is None:
        return None
    return Respelled(respelling.table, respelling.title, respelling.changed, tuple(respelling.example),
                     tuple(RawText(loc, text) for loc, text in respelling.raw))


def _converted(path: Path, file_index: int, limits: Limits) -> tuple[Reading, Conversion]:
    """A ``.doc``, RTF or ODT file read as the DOCX LibreOffice converts it to."""
    with converted(path) as (docx, conversion):
        check_docx(docx, limits)
        return docx_to_blocks(docx, file_index), conversion


def _reading_facts(reading: Reading | None) -> dict:
    """What a reader met besides text, as :class:`Source` fields."""
    if reading is None:
        return {}
    return {"encoding": reading.encoding, "replaced": reading.replaced_count, "replaced_at": reading.replaced,
            "removed": tuple(Removed(loc, codes) for loc, codes in reading.removed),
            "skipped": tuple(Skipped(loc, reason) for loc, reason in reading.skipped),
            "package": reading.kind if reading.kind not in (None, "docx") else None}


