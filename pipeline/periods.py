"""Implementation periods: printed text to start/end years, raw text kept.

>>> text_to_period("2020–2022-nji ýyllar")
Period(raw='2020–2022-nji ýyllar', start=2020, end=2022, kind='range', start_month=None, end_month=None)
>>> text_to_period("2020 год").kind
'single'
>>> text_to_period("Постоянно").start is None
True
"""
from __future__ import annotations

import regex

from .model import Period

YEAR = r"(?:19|20)\d{2}"
_RANGE = regex.compile(rf"(?<!\d)(?P<a>{YEAR})\s*(?:[-–—‒]|\bto\b|\bdo\b|\bпо\b|\bдо\b)\s*(?P<b>{YEAR})(?!\d)",
                       regex.IGNORECASE)
_YEAR = regex.compile(rf"(?<!\d)(?P<a>{YEAR})(?!\d)")


def text_to_period(raw: str) -> Period:
    """Normalise a printed period: a year range, a single year, or unknown."""
    text = raw.strip()
    m = _RANGE.search(text)
    if m:
        start, end = int(m.group("a")), int(m.group("b"))
        return Period(raw=text, start=start, end=end, kind="range" if start != end else "single")
    years = [int(y) for y in _YEAR.findall(text)]
    if years:
        return Period(raw=text, start=min(years), end=max(years),
                      kind="single" if len(set(years)) == 1 else "range")
    return Period(raw=text, start=None, end=None, kind="unknown")
