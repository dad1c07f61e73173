"""Text repair shared by the readers: typographic forms, line-end hyphenation, text-layer quality.

Used by :mod:`pipeline.extract`: :func:`normalize` for every format, :func:`join_lines`
(with a document's :class:`Words`) for PDF lines, :func:`text_quality` for every source.
"""
from __future__ import annotations

import bisect

import regex

_LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
                            "\ufb05": "st", "\ufb06": "st", "\u00ad": None, "\u00a0": " "})


def normalize(text: str) -> str:
    """Typographic forms to plain text: ligatures spelled out, soft hyphens removed,
    no-break spaces as spaces.

    >>> normalize("e\ufb00ective con\u00adfirmed")
    'effective confirmed'
    """
    return text.translate(_LIGATURES)


_CID = regex.compile(r"\(cid:\d+\)")
_NO_MEANING = regex.compile(r"[\ufffd\p{Co}\p{Cc}--\s]", regex.V1)


def text_quality(texts) -> tuple[int, int]:
    """(glyphs, glyphs without a Unicode meaning) over ``texts``: an unmapped PDF glyph,
    which pdfminer prints as ``(cid:N)``, counts as one of each.

    >>> text_quality(["Ab (cid:12)(cid:7)", "\ufffd"])
    (5, 3)
    """
    glyphs = garbled = 0
    for text in texts:
        cids = len(_CID.findall(text))
        rest = _CID.sub("", text)
        glyphs += cids + sum(1 for ch in rest if not ch.isspace())
        garbled += cids + len(_NO_MEANING.findall(rest))
    return glyphs, garbled


_WORD = regex.compile(r"\p{L}+(?:-\p{L}+)*")


def vocabulary(lines) -> set[str]:
    """Words and hyphenated compounds (casefolded) printed whole in ``lines`` (in reading
    order): the pieces around a line-end hyphen are left out, they may be fragments."""
    out, broken = set(), False
    for line in lines:
        found = _WORD.findall(line)
        if broken and found:
            found = found[1:]
        broken = line.endswith("-")
        if broken and found:
            found = found[:-1]
        for word in found:
            parts = word.casefold().split("-")
            out.add(word.casefold())
            out.update(parts)
            out.update(f"{part}-" for part in parts[:-1])  # a compound's first element
    return out


class Words:
    """A document's vocabulary, answering whether a string is a word of it — exactly, or
    for longer words by its stem (``mechanisms`` is known from ``mechanism``)."""

    def __init__(self, words: set[str]):
        self.words = words
        self.sorted = sorted(words)

    def __contains__(self, word: str) -> bool:
        word = word.casefold()
        if word in self.words:
            return True
        if len(word) < 6:
            return False
        stem = word[:max(5, len(word) - 3)]
        i = bisect.bisect_left(self.sorted, stem)
        return i < len(self.sorted) and self.sorted[i].startswith(stem)


def join_lines(texts: list[str], words: Words) -> str:
    """Lines of one paragraph joined, undoing line-end hyphenation where the evidence of
    the document says so.  A hyphen between letters at a line end stays (a compound) when
    the document prints that compound, or a compound with the same first element; it goes
    (a word broken by the typesetter) when the joined word is a word of the document, or
    when neither piece is; otherwise (``Criminal-Procedure``, ``anti-trafficking``) it stays.

    >>> join_lines(["the imple-", "mentation of well-", "known plans, Criminal-", "Procedure, anti-",
    ...             "trafficking, Passe-", "nger"],
    ...            Words({"implementation", "well-known", "well-", "criminal", "procedure", "trafficking"}))
    'the implementation of well-known plans, Criminal-Procedure, anti-trafficking, Passenger'
    """
    text = ""
    for piece in texts:
        if not text:
            text = piece
        elif text.endswith("-") and len(text) > 1 and text[-2].isalnum() and piece[:1].isalnum():
            head = regex.search(r"\p{L}*$", text[:-1]).group()
            tail = regex.match(r"\p{L}*", piece).group()
            text = text[:-1] + piece if head and tail and _broken(head, tail, words) else text + piece
        else:
            text += " " + piece
    return text


def _broken(head: str, tail: str, words: Words) -> bool:
    if {f"{head}-{tail}".casefold(), f"{head}-".casefold()} & words.words:
        return False
    return head + tail in words or not (head in words or tail in words)
