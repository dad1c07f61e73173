"""Plain text and markdown to blocks for the extract stage: one block per non-empty line,
markdown emphasis and list marks removed, ``#`` giving a heading level."""
from __future__ import annotations

from pathlib import Path

import regex

from .model import Block, Location
from .text import normalize


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


def decode_text(data: bytes) -> str:
    """Text of a file: UTF-8 (with or without BOM), UTF-16 with BOM, else CP1251."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1251")


def _text_blocks(path: Path, file_index: int) -> tuple[list[Block], None]:
    text = decode_text(path.read_bytes())
    blocks = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line, level = strip_markdown(normalize(raw))
        if line:
            blocks.append(Block(text=line, loc=Location(file=file_index, line=number), heading=level))
    return blocks, None
