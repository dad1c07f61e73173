"""Typography in one place: the classes of characters the stages treat alike.

Plans are typed in Word by many hands: a dash is "-", "–" or "—", an apostrophe "'", "’" or
"ʻ", a bullet "•" or "▪", a Roman numeral may be typed in Cyrillic look-alike capitals.  Each
class is declared here once; the stages build their patterns from these strings (in a
character class: ``regex.escape`` them, or use :func:`char_class`).

>>> char_class(HYPHENS + DASHES)
'[\\\\-‐‑–—‒]'
"""
from __future__ import annotations

import regex

SENTENCE_END = ".!?…"  # what ends a sentence
CLAUSE_END = SENTENCE_END + ";:" + "»\"”)"  # what a complete paragraph or list item ends with
HYPHENS = "-‐‑"  # hyphen-minus, hyphen, non-breaking hyphen: inside words and number ranges
DASHES = "–—‒"  # en dash, em dash, figure dash: between words, years and a name and its meaning
SOFT_HYPHEN = "\u00ad"
BULLETS = "•·▪"  # list-item marks (a hyphen or an en dash also marks list items in typed plans)
APOSTROPHES = "ʻʼ'‘’`´"  # written for one another (Uzbek oʻ, gʻ and the separation mark ʼ)
QUOTE_PAIRS = {"(": ")", "[": "]", "{": "}", "«": "»", "“": "”", "„": "“", '"': '"'}  # opening → closing
# Cyrillic capitals that look like Latin ones, and the Latin letter each passes for.
CYRILLIC_LOOKALIKES = dict(zip("АВЕКМНОРСТХІЈЅ", "ABEKMHOPCTXIJS"))
ROMAN_IN_CYRILLIC = str.maketrans("ІХСМ", "IXCM")  # Roman numerals typed in Cyrillic look-alikes


def char_class(chars: str) -> str:
    """A regular-expression character class matching any of ``chars``."""
    return "[" + "".join(regex.escape(ch) for ch in chars) + "]"
