"""Word automatic numbering: the number Word displays before a numbered paragraph.

Used by the DOCX extractor.  Counters and label templates follow ECMA-376 Part 1 §17.9
(numbering.xml: ``abstractNum`` levels with ``start``, ``numFmt``, ``lvlText``, ``isLgl``;
``num`` instances with ``lvlOverride/startOverride``).
"""
from __future__ import annotations

import regex

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
          (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))
_CYRILLIC = "абвгдежзиклмнопрстуфхцчшщэюя"


def _roman(n: int) -> str:
    out = ""
    for value, letters in _ROMAN:
        while n >= value:
            out, n = out + letters, n - value
    return out


def _letters(n: int, alphabet: str) -> str:
    """Word's letter numbering: a … z, aa … zz (the letter repeated)."""
    return alphabet[(n - 1) % len(alphabet)] * ((n - 1) // len(alphabet) + 1)


def format_number(n: int, fmt: str) -> str:
    """A counter in a Word numbering format (ECMA-376 §17.18.59 ST_NumberFormat).

    >>> [format_number(4, f) for f in ("decimal", "upperRoman", "lowerLetter", "russianLower", "decimalZero")]
    ['4', 'IV', 'd', 'г', '04']
    """
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt in ("upperLetter", "lowerLetter"):
        text = _letters(n, "abcdefghijklmnopqrstuvwxyz")
        return text.upper() if fmt == "upperLetter" else text
    if fmt in ("russianUpper", "russianLower"):
        text = _letters(n, _CYRILLIC)
        return text.upper() if fmt == "russianUpper" else text
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "none":
        return ""
    return str(n)


class WordNumbering:
    """The numbers Word shows for automatically numbered paragraphs (``numbering.xml``).

    Counters run per abstract numbering definition in document order; a level's counter
    restarts after any higher level advances; ``lvlText`` (``%1.%2.``) composes the label,
    each level in its own format unless the level asks for legal numbering (``isLgl``).
    """

    def __init__(self, document):
        self.levels: dict[str, dict[int, tuple[int, str, str]]] = {}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.started: set[str] = set()
        try:
            root = document.part.numbering_part.element
        except (NotImplementedError, KeyError):
            return
        for abstract in root.iterchildren(f"{_W}abstractNum"):
            self.levels[abstract.get(f"{_W}abstractNumId")] = {
                int(lvl.get(f"{_W}ilvl")): (int(_val(lvl, "start") or 1), _val(lvl, "numFmt") or "decimal",
                                            _val(lvl, "lvlText") or "", lvl.find(f"{_W}isLgl") is not None)
                for lvl in abstract.iterchildren(f"{_W}lvl")}
        for num in root.iterchildren(f"{_W}num"):
            overrides = {int(o.get(f"{_W}ilvl")): int(_val(o, "startOverride"))
                         for o in num.iterchildren(f"{_W}lvlOverride") if _val(o, "startOverride")}
            self.nums[num.get(f"{_W}numId")] = (_val(num, "abstractNumId"), overrides)

    def label(self, paragraph) -> str:
        """The number Word displays before ``paragraph`` ('' when it is not numbered)."""
        num_id, ilvl = _num_pr(paragraph)
        if num_id not in self.nums:
            return ""
        abstract, overrides = self.nums[num_id]
        levels = self.levels.get(abstract, {})
        if ilvl not in levels:
            return ""
        counters = self.counters.setdefault(abstract, {})
        if num_id not in self.started:
            self.started.add(num_id)
            for lvl, start in overrides.items():
                counters[lvl] = start - 1
                for deeper in [k for k in counters if k > lvl]:
                    del counters[deeper]
        counters[ilvl] = counters.get(ilvl, levels[ilvl][0] - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        _start, fmt, text, legal = levels[ilvl]
        if fmt == "bullet":
            return text
        return regex.sub(r"%(\d)", lambda m: self._level_text(levels, counters, int(m.group(1)) - 1, legal), text)

    @staticmethod
    def _level_text(levels, counters, level: int, legal: bool) -> str:
        """A level's counter in its own format; all decimal under legal numbering (isLgl)."""
        start, fmt, _text, _legal = levels.get(level, (1, "decimal", "", False))
        return format_number(counters.get(level, start), "decimal" if legal else fmt)


def _val(element, name: str) -> str | None:
    child = element.find(f"{_W}{name}")
    return child.get(f"{_W}val") if child is not None else None


def _num_pr(paragraph) -> tuple[str | None, int]:
    """numId and level of a paragraph's numbering, from its own properties or its style's."""
    p_pr = paragraph._p.pPr
    num_pr = p_pr.find(f"{_W}numPr") if p_pr is not None else None
    style = paragraph.style
    while num_pr is None and style is not None:
        s_pr = style.element.find(f"{_W}pPr")
        num_pr = s_pr.find(f"{_W}numPr") if s_pr is not None else None
        style = style.base_style
    if num_pr is None:
        return None, 0
    return _val(num_pr, "numId"), int(_val(num_pr, "ilvl") or 0)
