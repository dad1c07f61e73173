"""What a source file holds, from its first bytes: the format extract reads it as, or the
one-line reason it cannot be read.

Formats are recognised by content, never by extension (a DOCX named ``.txt`` is read as a
DOCX), with one exception: a name that claims PDF or DOCX must hold one.  A web page saved
by a failed download under ``plan.pdf`` is refused and named for what it holds, instead of
being read as a text without a plan.

:func:`content_kind` names what a file holds; :data:`READ_AS` maps the kinds extract reads
to its formats — Word 97-2003, RTF and OpenDocument text are read as ``convert``: LibreOffice
turns them into DOCX (:mod:`.convert`) — and :data:`REFUSED` gives the reason for the kinds it
does not read.
"""
from __future__ import annotations

import struct
from pathlib import Path

from .text import looks_like_text


class ExtractError(Exception):
    """A source that cannot be read; the message is one line naming the reason."""


HEAD = 4096  # bytes read to tell what a file holds
PDF_HEADER_WITHIN = 1024  # a PDF header may follow junk bytes this far into the file (Acrobat's rule)

READ_AS = {"pdf": "pdf", "docx": "docx", "text": "text", "html": "html", "xml": "text", "json": "text",
           "doc": "convert", "rtf": "convert", "odt": "convert"}
"""Kinds extract reads, and the format it reads them as (a ZIP archive is taken for a DOCX;
``convert``: a copy converted to DOCX by LibreOffice)."""

SAVE_AS = "save it as DOCX or PDF first"
REFUSED = {
    "opendocument": "OpenDocument file other than text (spreadsheet, presentation, drawing): not a plan document",
}
"""Kinds extract does not read, and the reason given; any other kind is an unsupported format."""

UNSUPPORTED = "unsupported format (not PDF, DOCX or text)"

HOLDS = {
    "pdf": ("a PDF", "rename it .pdf"), "docx": ("a ZIP archive (a DOCX?)", "rename it .docx"),
    "doc": ("a legacy Office file (Word .doc, Excel .xls)", "rename it .doc"), "rtf": ("an RTF file", "rename it .rtf"),
    "odt": ("OpenDocument text (.odt)", "rename it .odt"), "opendocument": ("an OpenDocument file", SAVE_AS),
    "html": ("HTML text", "a failed download?"), "xml": ("XML text", "a failed download?"),
    "json": ("JSON text", "a failed download?"), "text": ("plain text", "rename it .txt to read it as text"),
    "png": ("a PNG image", "it needs OCR first"), "jpeg": ("a JPEG image", "it needs OCR first"),
    "gif": ("a GIF image", "it needs OCR first"), "tiff": ("a TIFF image", "it needs OCR first"),
    "gzip": ("a gzip archive", "unpack it first"), "7z": ("a 7-Zip archive", "unpack it first"),
    "rar": ("a RAR archive", "unpack it first"), "binary": ("binary data of another kind", ""),
}
"""What a file holds, in words, and what to do about it: the error for a name that lies."""

CLAIMED = {".pdf": "pdf", ".docx": "docx"}
"""Extensions that promise a kind: a file so named must hold it."""

_MAGIC = ((b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpeg"), (b"GIF8", "gif"), (b"II*\x00", "tiff"),
          (b"MM\x00*", "tiff"), (b"\x1f\x8b", "gzip"), (b"7z\xbc\xaf\x27\x1c", "7z"), (b"Rar!\x1a\x07", "rar"),
          (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "doc"), (b"PK\x03\x04", "zip"))
_ODF_MIMETYPE = b"application/vnd.oasis.opendocument."


def content_kind(head: bytes) -> str:
    """What the first bytes of a file hold: a key of :data:`HOLDS` (``""`` when empty).

    >>> content_kind(b"%PDF-1.7"), content_kind(b"\\xef\\xbb\\xbf<!DOCTYPE html><html>"), content_kind(b"{\\\\rtf1")
    ('pdf', 'html', 'rtf')
    >>> content_kind(b"Part I. Prevention"), content_kind(b"\\x00\\x01\\x02")
    ('text', 'binary')
    """
    if not head:
        return ""
    if head.startswith(b"%PDF") or b"%PDF-" in head[:PDF_HEADER_WITHIN]:
        return "pdf"
    kind = next((k for magic, k in _MAGIC if head.startswith(magic)), None)
    if kind == "zip":
        return _zip_kind(head)
    if kind:
        return kind
    if head.lstrip().startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _text_kind(head.decode("utf-16", "ignore"))
    if b"\x00" not in head:
        return _text_kind(head.decode("utf-8", "ignore"))
    if looks_like_text(head):  # UTF-16/32 without a byte-order mark, or text with a stray NUL
        return "text"
    return "binary"


def _zip_kind(head: bytes) -> str:
    """An OpenDocument file stores its ``mimetype`` uncompressed as the first member of its ZIP
    (ODF 1.2 part 3, §3.3); any other ZIP is taken for a DOCX (extract checks its parts)."""
    if len(head) < 30:
        return "docx"
    method, size, name_len, extra_len = struct.unpack("<8xH8xI4xHH", head[:30])
    if head[30:30 + name_len] != b"mimetype" or method != 0:
        return "docx"
    start = 30 + name_len + extra_len
    mimetype = head[start:start + size]
    if not mimetype.startswith(_ODF_MIMETYPE):
        return "docx"
    return "odt" if mimetype == _ODF_MIMETYPE + b"text" else "opendocument"


def _text_kind(text: str) -> str:
    start = text.lstrip("\ufeff \t\r\n").lower()
    if start.startswith(("<!doctype html", "<html", "<head", "<body")) or (
            start.startswith("<") and "<html" in start):
        return "html"
    if start.startswith("<?xml") or start.startswith("<") and start[1:2].isalpha():
        return "xml"
    if start[:1] == "{" and start[1:].lstrip()[:1] in ('"', "}") or start[:1] == "[" and start[1:].lstrip()[:1] == "{":
        return "json"
    return "text"


def sniff_format(path: Path) -> str:
    """'pdf', 'docx', 'html', 'text' or 'convert' (to DOCX, by LibreOffice: Word 97-2003, RTF,
    OpenDocument text), the format extract reads ``path`` as, from its first bytes,
    never from its name — except that a name ending ``.pdf`` or ``.docx`` must hold that (HTML
    named ``.doc``, as Word saves a web page, is read as HTML).
    Text is UTF-16 with a byte-order mark, or bytes without NUL.  Raises :class:`ExtractError`
    naming what the file holds when it is not read."""
    with open(path, "rb") as fh:
        head = fh.read(HEAD)
    kind = content_kind(head)
    if not kind:
        raise ExtractError("empty file")
    claimed = CLAIMED.get(Path(path).suffix.lower())
    if claimed and READ_AS.get(kind) != claimed:
        what, hint = HOLDS[kind]
        raise ExtractError(f"named {Path(path).suffix} but holds {what}" + (f": {hint}" if hint else ""))
    if kind in READ_AS:
        return READ_AS[kind]
    raise ExtractError(REFUSED.get(kind, UNSUPPORTED))
