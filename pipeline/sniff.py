"""What a source file holds, from its first bytes: the format extract reads it as, or the
one-line reason it cannot be read."""
from __future__ import annotations

from pathlib import Path


class ExtractError(Exception):
    """A source that cannot be read; the message is one line naming the reason."""


def sniff_format(path: Path) -> str:
    """'pdf', 'docx' or 'text' from the file's first bytes, never from its name: text is
    UTF-16 with a byte-order mark, or bytes without NUL."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if not head:
        raise ExtractError("empty file")
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise ExtractError("legacy Office file (Word .doc, Excel .xls): save it as DOCX or PDF first")
    if head.lstrip().startswith(b"{\\rtf"):
        raise ExtractError("RTF file: save it as DOCX or PDF first")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" not in head:
        return "text"
    raise ExtractError("unsupported format (not PDF, DOCX or text)")
