"""Implementation periods: printed text to start/end (year, and month where stated) and a kind.

Kinds: ``range`` (2020–2022), ``single`` (one year, quarter, half-year or month),
``by`` (a deadline: "не позднее 4 квартала 2023 года", "by Q4 2023"), ``ongoing``
("Постоянно"), ``recurring`` ("Ежемесячно", "annually", "1 раз в квартал"), ``unknown``.
Years and months are language-neutral; the words (quarter, half-year, ordinals, month
names, "ongoing"/"recurring"/"by" phrases) come from the lexicon's ``[periods]`` table.
The raw text is always kept.

>>> text_to_period("2020–2022-nji ýyllar")
Period(raw='2020–2022-nji ýyllar', start=2020, end=2022, kind='range', start_month=None, end_month=None)
>>> text_to_period("2020 год").kind
'single'
>>> text_to_period("Постоянно").start is None
True
"""
from __future__ import annotations

import functools

import regex

from .lexicon import NEVER, YEAR, Lexicon, PeriodWords, compile_periods
from .model import Period

_YEAR = regex.compile(rf"(?<!\d)(?P<a>{YEAR})(?!\d)")
_DATE = regex.compile(rf"(?<!\d)\d{{1,2}}[./](?P<month>\d{{1,2}})[./]{YEAR}(?!\d)")  # 10.07.2023
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_NO_WORDS = compile_periods({})


_NUMERAL = r"(?:[1-4]|iv|i{1,3})(?![\d\p{L}])"


@functools.cache
def _unit(words: PeriodWords, unit: str) -> regex.Pattern | None:
    """'<n> <unit>' with n a digit or roman numeral 1-4 (or a span 'II-III'), or an ordinal
    word; or '<unit><n>' (Q4, H2).  None when the language has no such unit word."""
    if unit == NEVER:
        return None
    ordinals = "|".join(f"(?P<o{i}>{o})" for i, o in enumerate(words.ordinals, start=1)) or "(?!)"
    return regex.compile(
        rf"(?<![\p{{L}}\d])(?:(?P<n>{_NUMERAL}(?:\S*?\s*[-–]\s*{_NUMERAL})?)|{ordinals})\S*\s*(?:{unit})"
        rf"|(?<!\p{{L}})(?:{unit})\s*(?P<m>[1-4])(?!\d)", regex.IGNORECASE | regex.V1)


def _ordinals(m: regex.Match) -> list[int]:
    """The numbers a unit match names: [2, 3] for 'II-III кварталы', [4] for 'Q4'."""
    if m.group("n"):
        return [_ROMAN.get(n.casefold()) or int(n) for n in regex.findall(r"[1-4]|[ivIV]+", m.group("n"))]
    if m.group("m"):
        return [int(m.group("m"))]
    return [next(int(k[1:]) for k, v in m.groupdict().items() if k.startswith("o") and v)]


@functools.cache
def _month_patterns(words: PeriodWords) -> tuple[regex.Pattern, ...]:
    return tuple(regex.compile(rf"(?<!\p{{L}})(?:{stem})", regex.IGNORECASE | regex.V1) for stem in words.months)


def _numbers(pattern: regex.Pattern | None, text: str) -> list[int]:
    return [n for m in pattern.finditer(text) for n in _ordinals(m)] if pattern else []


def _months(text: str, words: PeriodWords, across_years: bool = False) -> list[int]:
    """Months named in ``text``: (quarter or half-year as its first and last month) or month
    names — the earliest and the latest within one year; ``across_years`` (the text names
    two years, "Q3 2022 – Q2 2023"), the first and the last printed."""
    def ends(values: list[int]) -> tuple[int, int]:
        return (values[0], values[-1]) if across_years else (min(values), max(values))
    quarters = _numbers(_unit(words, words.quarter), text)
    if quarters:
        first, last = ends(quarters)
        return [3 * first - 2, 3 * last]
    halves = _numbers(_unit(words, words.half), text)
    if halves and max(halves) <= 2:
        first, last = ends(halves)
        return [6 * first - 5, 6 * last]
    found = sorted([(m.start(), number) for number, pattern in enumerate(_month_patterns(words), start=1)
                    for m in pattern.finditer(text)]
                   + [(m.start(), int(m.group("month"))) for m in _DATE.finditer(text) if 1 <= int(m.group("month")) <= 12])
    return list(ends([number for _, number in found])) if found else []


_FULL_DATE = regex.compile(rf"(?<!\d)\d{{1,2}}(?:[./]\d{{1,2}}[./]|\s+\p{{L}}+\s+){YEAR}(?!\d)", regex.V1)


def title_year(text: str) -> int | None:
    """The one year a plan's title names, dates left aside ("План … на 2020 год. Постановление
    от 30 декабря 2019 года" → 2020); None where it names none or several.

    >>> title_year("О Плане законопроектных работ на 2020 год Постановление от 30 декабря 2019 года")
    2020
    >>> title_year("Action Plan 2021-2025") is None
    True
    """
    years = set(_YEAR.findall(_FULL_DATE.sub(" ", text)))
    return int(years.pop()) if len(years) == 1 else None


def text_to_period(raw: str, lex: Lexicon | None = None, year: int | None = None) -> Period:
    """Normalise a printed period with the words of ``lex`` (its language's lexicon); months,
    quarters or half-years printed without a year fall in ``year`` (the plan's year, where
    its title names one).

    >>> from pipeline.lexicon import lexicon_for
    >>> ru = lexicon_for("ru")
    >>> text_to_period("не позднее 4 квартала 2023 года", ru)
    Period(raw='не позднее 4 квартала 2023 года', start=None, end=2023, kind='by', start_month=None, end_month=12)
    >>> p = text_to_period("Второе полугодие 2023 года", ru); (p.kind, p.start, p.start_month, p.end_month)
    ('single', 2023, 7, 12)
    >>> text_to_period("1 раз в квартал", ru).kind
    'recurring'
    """
    text = raw.strip()
    words = lex.periods if lex else _NO_WORDS
    years = [int(y) for y in _YEAR.findall(text)]
    months = _months(text, words, len(set(years)) > 1)
    if not years and months and year is not None:
        years = [year]
    elif not years:
        months = []
    m = words.range.search(text)
    start, end = (int(m.group("a")), int(m.group("b"))) if m else (
        (min(years), max(years)) if years else (None, None))
    by = words.by.search(text)  # a preposition (до, by) or a postposition (çenli, чейин)
    if words.recurring.search(text):
        kind = "recurring"
    elif words.ongoing.search(text):
        kind = "ongoing"
    elif years and by and not m:
        kind, start = "by", None
    elif years:
        kind = "range" if start != end else "single"
    else:
        kind = "unknown"
    start_month = months[0] if months and start is not None else None
    end_month = months[-1] if months else None
    return Period(raw=text, start=start, end=end, kind=kind, start_month=start_month, end_month=end_month)
