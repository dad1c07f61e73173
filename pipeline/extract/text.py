"""Plain text and markdown to blocks for the extract stage: one block per non-empty line,
markdown emphasis and list marks removed, ``#`` giving a heading level, control characters
removed (:mod:`pipeline.controls`).

Text in any encoding (:func:`decode_bytes`): a byte-order mark decides (UTF-8, UTF-16, UTF-32);
UTF-16 and UTF-32 without one are told by where their zero bytes stand; then UTF-8, also with a
few broken bytes among many well-formed multi-byte letters; else a single-byte code page
(Windows-1251, KOI8-R, DOS 866, ISO 8859-5, KZ-1048, Windows-1250/1252/1254, …) as
charset-normalizer ranks it, the few bytes no code page would hold set aside while ranking.
Bytes the encoding does not define become U+FFFD and their offsets are recorded — never a
UnicodeDecodeError.

charset-normalizer is the detector because it is already installed (pdfminer.six requires it),
MIT-licensed and maintained (requests uses it), and ranks code pages by how coherent the
decoded letters are for a language, not by byte statistics alone: on the reference plan's
Russian text it names Windows-1251, KOI8-R, ISO 8859-5 and Mac Cyrillic right from 80 bytes on
(DOS 866 as its Ukrainian twin 1125, the same letters), and the Kazakh KZ-1048.  chardet is
LGPL and not installed; cchardet is unmaintained.
"""
from __future__ import annotations

import codecs
import threading
from pathlib import Path

import regex

from ..controls import Reading, clean_controls
from ..model import Block, Location
from ..text import normalize


_MD_HEADING = regex.compile(r"^(#{1,6})\s+")
_MD_LIST = regex.compile(r"^\s*(?:[-*+•]\s+)(?=\S)")
_MD_STRONG = regex.compile(r"\*\*|__")
_MD_EMPH = regex.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])")


def strip_markdown(line: str) -> tuple[str, int]:
    """Line text without markdown marks, and its ``#`` heading level.

    >>> strip_markdown("- 1.** Консолидировать *усилия*")
    ('1. Консолидировать усилия', 0)
    >>> strip_markdown("## Part I")
    ('Part I', 2)
    """
    level = 0
    m = _MD_HEADING.match(line)
    if m:
        level = len(m.group(1))
        line = line[m.end():]
    line = _MD_LIST.sub("", line, count=1)
    line = _MD_STRONG.sub("", line)
    line = _MD_EMPH.sub(r"\1", line)
    return line.strip(), level


_BOMS = ((b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\xef\xbb\xbf", "utf-8"),
         (b"\xfe\xff", "utf-16-be"), (b"\xff\xfe", "utf-16-le"))
_UTF8_LETTER = regex.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_CONTROL_BYTES = regex.compile(rb"[\x00-\x08\x0e-\x1f\x7f]")
_UNPRINTABLE = regex.compile(r"[\p{Cc}\p{Cn}\p{Co}\p{Cs}--[\t\n\r\f\v]]", regex.V1)
FALLBACK = "cp1251"  # when nothing ranks: the code page of most legacy plans of the region
MAX_OFFSETS = 100
_SEEN = threading.local()


def _record(error: UnicodeDecodeError) -> tuple[str, int]:
    """Codec error handler: an undecodable byte sequence becomes U+FFFD, its offset is noted."""
    offsets = getattr(_SEEN, "offsets", None)
    if offsets is not None:
        offsets.append(error.start)
    return "\ufffd", error.end


codecs.register_error("polyplan-record", _record)


def _decode(data: bytes, encoding: str, base: int = 0) -> tuple[str, tuple[int, ...], int]:
    """``data`` decoded, undecodable bytes as U+FFFD: (text, their first offsets, how many)."""
    _SEEN.offsets = []
    try:
        text = data.decode(encoding, errors="polyplan-record")
        offsets = _SEEN.offsets
    finally:
        _SEEN.offsets = None
    return text, tuple(base + o for o in offsets[:MAX_OFFSETS]), len(offsets)


def _wide(data: bytes) -> str | None:
    """UTF-32 or UTF-16 without a byte-order mark, told by where the zero bytes of ASCII (and, in
    UTF-32, of every BMP character) stand, and kept only when the decoded text is printable."""
    sample = data[:4096]
    zeros = [sample[k::4].count(0) for k in range(4)]
    units = len(sample) // 4
    if units and min(zeros[2], zeros[3]) >= 0.9 * units:
        guess = "utf-32-le"
    elif units and min(zeros[0], zeros[1]) >= 0.9 * units:
        guess = "utf-32-be"
    elif zeros[1] + zeros[3] >= 4 and 10 * (zeros[0] + zeros[2]) <= zeros[1] + zeros[3]:
        guess = "utf-16-le"
    elif zeros[0] + zeros[2] >= 4 and 10 * (zeros[1] + zeros[3]) <= zeros[0] + zeros[2]:
        guess = "utf-16-be"
    else:
        return None
    unit = 4 if "32" in guess else 2
    text = sample[:len(sample) - len(sample) % unit].decode(guess, errors="replace")
    return guess if len(_UNPRINTABLE.findall(text)) + text.count("\ufffd") <= 0.05 * len(text) else None


def _mostly_utf8(data: bytes) -> bool:
    """UTF-8, or UTF-8 with a few broken bytes: at least four well-formed multi-byte letters for
    each undecodable sequence (text in a single-byte code page has next to none)."""
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        pass
    letters = len(_UTF8_LETTER.findall(data))
    return letters > 0 and letters >= 4 * _decode(data, "utf-8")[2]


def _code_page(data: bytes) -> str:
    """The single-byte code page charset-normalizer ranks first, ranked without control bytes and,
    in a text of 100 letters or more, without the byte values met once (or in 0.2% of the letters
    at most): a stray byte the right code page leaves undefined would otherwise rule it out
    (Windows-1251 with one 0x98 was taken for the Kazakh PTCP154); :data:`FALLBACK` when none
    ranks."""
    from charset_normalizer import from_bytes
    sample = _CONTROL_BYTES.sub(b"", data[:1 << 20])
    high = [b for b in sample if b >= 0x80]
    if len(high) >= 100:
        counts = [0] * 256
        for b in high:
            counts[b] += 1
        rare = bytes(b for b in range(0x80, 0x100) if 0 < counts[b] <= max(1.0, 0.002 * len(high)))
        if rare:
            sample = regex.sub(b"[" + regex.escape(rare) + b"]", b"", sample)
    best = from_bytes(sample).best()
    if best is None or best.encoding in ("ascii", "utf_8"):
        return FALLBACK
    return best.encoding


def decode_bytes(data: bytes) -> tuple[str, str, tuple[int, ...], int]:
    """Text of a file in any encoding: (text, the encoding, offsets of the bytes replaced by
    U+FFFD — the first :data:`MAX_OFFSETS` —, how many were replaced).

    >>> decode_bytes("Çäreler".encode("utf-8-sig"))[:2], decode_bytes("Plan".encode("utf-16-le"))[:2]
    (('Çäreler', 'utf-8-sig'), ('Plan', 'utf-16-le'))
    >>> decode_bytes("План мероприятий".encode("utf-8")[:6] + b"\\x98" + "План мероприятий".encode("utf-8")[6:])
    ('Пла\ufffdн мероприятий', 'utf-8', (6,), 1)
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text, offsets, count = _decode(data[len(bom):], encoding, len(bom))
            return text, encoding + "-sig" if encoding == "utf-8" else encoding, offsets, count
    encoding = _wide(data) if b"\x00" in data[:4096] else None
    if encoding is None:
        encoding = "utf-8" if _mostly_utf8(data) else codecs.lookup(_code_page(data)).name
    text, offsets, count = _decode(data, encoding)
    return text, encoding, offsets, count


def decode_text(data: bytes) -> str:
    """The text of :func:`decode_bytes` alone."""
    return decode_bytes(data)[0]


def looks_like_text(head: bytes) -> bool:
    """Do a file's first bytes hold text in some encoding (for :mod:`pipeline.extract.sniff`): a
    byte-order mark, UTF-16/32 without one, or bytes with control bytes at most 1 in 100 (a
    text with a stray NUL or ESC is text; binary data has many)?

    >>> looks_like_text("План на 2024 год".encode("utf-16-be")), looks_like_text(b"Plan\\x00 2024")
    (True, True)
    >>> looks_like_text(bytes(range(64)))
    False
    """
    if head.startswith(tuple(bom for bom, _enc in _BOMS)) or (b"\x00" in head and _wide(head)):
        return True
    return len(_CONTROL_BYTES.findall(head)) <= max(1, len(head) // 100)


def text_to_blocks(path: Path, file_index: int = 0) -> Reading:
    """A text file's blocks (one per non-empty line, with its line number), the control
    characters removed per line, the encoding and the bytes it could not decode."""
    text, encoding, offsets, count = decode_bytes(Path(path).read_bytes())
    blocks, removed = [], []
    for number, raw in enumerate(text.splitlines(), start=1):
        raw, codes = clean_controls(raw)
        line, level = strip_markdown(normalize(raw))
        loc = Location(file=file_index, line=number)
        if codes:
            removed.append((loc, codes))
        if line:
            blocks.append(Block(text=line, loc=loc, heading=level))
    return Reading(tuple(blocks), tuple(removed), encoding, offsets, count)


def _text_blocks(path: Path, file_index: int) -> tuple[list[Block], None]:
    """The blocks of :func:`text_to_blocks`, as :func:`pipeline.extract.file_to_blocks` takes them."""
    return list(text_to_blocks(path, file_index).blocks), None
