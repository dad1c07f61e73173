"""Control characters out of extracted text, so that every exporter writes valid XML.

Used by every reader (:mod:`pipeline.extract.text`, :mod:`pipeline.extract.docx`; the PDF path may
call :func:`clean_controls` on its lines).  XML 1.0 (§2.2 ``Char``) forbids the C0 controls
other than TAB, LF and CR, lone surrogates and U+FFFE/U+FFFF; DEL and the C1 controls
(U+007F–U+009F) are allowed but print nothing and are left by a wrong decoding.  Vertical tab,
form feed and NEL end a line; the rest is removed.  What was removed or mapped is returned as
code points, for the reader to record with its location.

A DOCX part holding a character XML forbids (``&#x1B;``, a raw ESC byte) cannot be parsed at
all: :func:`shelter_xml` moves each such C0 control to the noncharacter U+FDD0 + its code (the
32 noncharacters U+FDD0–U+FDEF are XML characters), and :func:`clean_controls` counts it as the
control it stands for.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import regex

if TYPE_CHECKING:
    from .model import Block, Location


class Reading(NamedTuple):
    """What a reader found in one file besides its blocks, for the findings to report:
    ``removed``, per block location the control characters removed or mapped (code points);
    ``encoding`` of a text file and ``replaced``, the byte offsets of undecodable bytes shown
    as U+FFFD (``replaced_count`` of them in all; offsets are kept for the first 100);
    ``skipped``, places whose content was not read and why; ``kind`` of package (``docx``,
    ``docm``, ``dotx``, ``dotm``)."""

    blocks: tuple[Block, ...]
    removed: tuple[tuple[Location, tuple[int, ...]], ...] = ()
    encoding: str | None = None
    replaced: tuple[int, ...] = ()
    replaced_count: int = 0
    skipped: tuple[tuple[Location, str], ...] = ()
    kind: str | None = None

_SHELTER = 0xFDD0
_LINE_ENDS = {0x0B: "\n", 0x0C: "\n", 0x85: "\n"}
_CONTROL = regex.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff\p{Cs}]")


def _code(ch: str) -> int:
    """The control a character stands for (a sheltered one's own code)."""
    n = ord(ch)
    return n - _SHELTER if _SHELTER <= n < _SHELTER + 32 else n


def clean_controls(text: str) -> tuple[str, tuple[int, ...]]:
    """``text`` without control characters, and the code points removed or mapped, in order.

    >>> clean_controls("Plan\\x1b[0m 2024\\x00\\x0bnext\\ufdd0")
    ('Plan[0m 2024\\nnext', (27, 0, 11, 0))
    >>> clean_controls("clean\\ttext\\n")
    ('clean\\ttext\\n', ())
    """
    if not _CONTROL.search(text):
        return text, ()
    codes = tuple(_code(m.group()) for m in _CONTROL.finditer(text))
    return _CONTROL.sub(lambda m: _LINE_ENDS.get(_code(m.group()), ""), text), codes


_FORBIDDEN_REF = regex.compile(rb"&#(?:x0*([0-9a-fA-F]{1,2})|0*([0-9]{1,2}));")
_FORBIDDEN_BYTE = regex.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def shelter_xml(data: bytes) -> bytes:
    """A UTF-8 XML part with each character reference to, or raw byte of, a C0 control that
    XML 1.0 forbids replaced by its sheltered noncharacter (U+FDD0 + code).

    >>> shelter_xml(b"<t>a&#x1B;b&#9;c\\x00</t>").decode("utf-8")
    '<t>a\\ufdebb&#9;c\\ufdd0</t>'
    """
    def ref(m: regex.Match) -> bytes:
        code = int(m.group(1), 16) if m.group(1) else int(m.group(2))
        if code >= 32 or code in (9, 10, 13):
            return m.group()
        return chr(_SHELTER + code).encode("utf-8")
    data = _FORBIDDEN_REF.sub(ref, data)
    return _FORBIDDEN_BYTE.sub(lambda m: chr(_SHELTER + m.group()[0]).encode("utf-8"), data)
