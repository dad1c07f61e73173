"""Word automatic numbering: the number Word displays before a numbered paragraph.

Used by the DOCX extractor.  Counters and label templates follow ECMA-376 Part 1 §17.9
(numbering.xml: ``abstractNum`` levels with ``start``, ``numFmt``, ``lvlText``, ``isLgl``,
``lvlRestart``; ``num`` instances with ``lvlOverride`` (``startOverride`` or a whole ``lvl``);
``numStyleLink``/``styleLink`` through a numbering style).
"""
from __future__ import annotations

from typing import NamedTuple

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


class Level(NamedTuple):
    """One level of a list: its first number, format, label template (``%1.%2.``), whether
    it asks for legal numbering (``isLgl``), after which level it restarts (``lvlRestart``,
    1-based; 0 never; None after any higher level) and, for a bullet, its font."""

    start: int
    fmt: str
    text: str
    legal: bool
    restart: int | None
    font: str


# Bullets and marks drawn from a symbol font's code points (private use U+F0xx), as Unicode shows them.
_SYMBOLS = {("symbol", 0xB7): "•", ("wingdings", 0xA7): "▪", ("wingdings", 0xD8): "➢",
                   ("wingdings", 0x76): "❖", ("wingdings", 0xFC): "✓", ("wingdings", 0x6C): "●",
                   ("wingdings", 0x6E): "■", ("wingdings", 0x71): "❑"}


def symbol_text(text: str, font: str) -> str:
    """Text set in ``font``, a symbol font's code points as the characters they draw (a bullet,
    a check mark); others, also unknown private-use ones, as they are.

    >>> symbol_text("\uf0b7", "Symbol"), symbol_text("\uf0fc", "Wingdings"), symbol_text("o", "Courier New")
    ('•', '✓', 'o')
    """
    return "".join(_SYMBOLS.get((font.lower(), ord(ch) & 0xFF), ch) if 0xF000 <= ord(ch) <= 0xF0FF
                   or font.lower() in ("symbol", "wingdings") else ch for ch in text)


def _level(lvl, override: bool = False) -> Level:
    """A level definition; Word ignores ``lvlRestart`` in a level override ([MS-OI29500] 2.1.223)."""
    restart = None if override else _val(lvl, "lvlRestart")
    fonts = lvl.find(f"{_W}rPr/{_W}rFonts")
    return Level(int(_val(lvl, "start") or 1), _val(lvl, "numFmt") or "decimal", _val(lvl, "lvlText") or "",
                 lvl.find(f"{_W}isLgl") is not None, int(restart) if restart is not None else None,
                 fonts.get(f"{_W}ascii", "") if fonts is not None else "")


class WordNumbering:
    """The numbers Word shows for automatically numbered paragraphs (``numbering.xml``).

    Counters run per abstract numbering definition in document order (a definition that
    links to a numbering style, ``numStyleLink``, counts with the one that style names); a
    level's counter restarts when a higher level is used, or, as Word does ([MS-OI29500]
    2.1.223), when the level its ``lvlRestart`` names or a higher one is used (never for 0); ``lvlText`` (``%1.%2.``) composes the label, each level
    in its own format unless the level asks for legal numbering (``isLgl``).  ``styles`` (a
    :class:`pipeline.extract.docx_package.Styles`) gives the numbering of paragraph styles.
    """

    def __init__(self, root, styles):
        self.styles = styles
        self.levels: dict[str, dict[int, Level]] = {}
        self.links: dict[str, str] = {}  # abstractNumId -> the numbering style it links to
        self.nums: dict[str, tuple[str, dict[int, int], dict[int, Level]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.started: set[str] = set()
        for abstract in root.iterchildren(f"{_W}abstractNum") if root is not None else ():
            aid = abstract.get(f"{_W}abstractNumId")
            self.levels[aid] = {int(lvl.get(f"{_W}ilvl", 0)): _level(lvl) for lvl in abstract.iterchildren(f"{_W}lvl")}
            if _val(abstract, "numStyleLink"):
                self.links[aid] = _val(abstract, "numStyleLink")
        for num in root.iterchildren(f"{_W}num") if root is not None else ():
            starts, levels = {}, {}
            for o in num.iterchildren(f"{_W}lvlOverride"):
                ilvl = int(o.get(f"{_W}ilvl", 0))
                if _val(o, "startOverride"):
                    starts[ilvl] = int(_val(o, "startOverride"))
                if o.find(f"{_W}lvl") is not None:
                    levels[ilvl] = _level(o.find(f"{_W}lvl"), override=True)
            self.nums[num.get(f"{_W}numId")] = (_val(num, "abstractNumId"), starts, levels)

    def label(self, p_pr, style: str | None) -> str:
        """The number Word displays before a paragraph ('' when it is not numbered), from its
        properties ``p_pr`` (``w:pPr`` or None) and its paragraph style id ``style``; each call
        advances the counters, so paragraphs are asked in document order."""
        num_id, ilvl = self._num_pr(p_pr, style)
        if num_id not in self.nums:
            return ""
        abstract, starts, overrides = self.nums[num_id]
        abstract = self._resolve(abstract)
        levels = {**self.levels.get(abstract, {}), **overrides}
        if ilvl not in levels:
            return ""
        counters = self.counters.setdefault(abstract, {})
        if num_id not in self.started:
            self.started.add(num_id)
            for lvl, start in starts.items():
                counters[lvl] = start - 1
                for deeper in [k for k in counters if k > lvl]:
                    del counters[deeper]
        counters[ilvl] = counters.get(ilvl, levels[ilvl].start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            restart = levels[deeper].restart if deeper in levels else None
            if ilvl < (deeper if restart is None else restart):
                del counters[deeper]
        level = levels[ilvl]
        if level.fmt == "bullet":
            return symbol_text(level.text, level.font)
        return regex.sub(r"%(\d)", lambda m: self._level_text(levels, counters, int(m.group(1)) - 1, level.legal),
                         level.text)

    def _resolve(self, abstract: str) -> str:
        """The definition that counts for ``abstract``: through ``numStyleLink`` to the numbering
        style, its ``numId``, and that instance's abstract definition (ECMA-376 §17.9.21)."""
        seen = set()
        while abstract in self.links and abstract not in seen:
            seen.add(abstract)
            num_id, _ilvl = self.styles.num_pr(self.links[abstract])
            if num_id not in self.nums:
                break
            abstract = self.nums[num_id][0]
        return abstract

    def _num_pr(self, p_pr, style: str | None) -> tuple[str | None, int]:
        """numId and level of a paragraph's numbering, from its own properties or its style's."""
        num_pr = p_pr.find(f"{_W}numPr") if p_pr is not None else None
        num_id = _val(num_pr, "numId") if num_pr is not None else None
        ilvl = _val(num_pr, "ilvl") if num_pr is not None else None
        if num_id is None or ilvl is None:
            style_id, style_lvl = self.styles.num_pr(style)
            num_id, ilvl = num_id or style_id, ilvl or style_lvl
        return num_id, int(ilvl or 0)

    @staticmethod
    def _level_text(levels, counters, level: int, legal: bool) -> str:
        """A level's counter in its own format; all decimal under legal numbering (isLgl)."""
        lvl = levels.get(level, Level(1, "decimal", "", False, None, ""))
        return format_number(counters.get(level, lvl.start), "decimal" if legal else lvl.fmt)


def _val(element, name: str) -> str | None:
    child = element.find(f"{_W}{name}")
    return child.get(f"{_W}val") if child is not None else None
