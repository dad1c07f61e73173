"""What an export is told besides the plan tree: the TMX options and the checks' explanations.

Exporters only render; these say how (``--tmx-srclang``, ``--tmx-locale``, ``--tmx-segment``)
and give the words a reader needs (the first line of each check's docstring, from the
registry in :mod:`pipeline.check`).
"""
from __future__ import annotations

from dataclasses import dataclass

import regex

SEGMENTS = ("paragraph", "sentence")
LOCALE = regex.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")


@dataclass(frozen=True, slots=True)
class Settings:
    """``tmx_srclang``: the TMX source language (a language of the plan; default its first);
    ``tmx_locales``: (plan language, locale code written in ``xml:lang``) pairs, e.g.
    ``("tk", "tk-TM")``; ``tmx_segment``: ``paragraph`` or ``sentence``; ``codes``: (code,
    severity, explanation) of every check."""

    tmx_srclang: str | None = None
    tmx_locales: tuple[tuple[str, str], ...] = ()
    tmx_segment: str = "paragraph"
    codes: tuple[tuple[str, str, str], ...] = ()

    def locale(self, lang: str) -> str:
        return dict(self.tmx_locales).get(lang, lang)

    def explanation(self, code: str) -> str:
        return next((text for c, _sev, text in self.codes if c == code), "")


def parse_locales(value: str) -> tuple[tuple[str, str], ...]:
    """``tk=tk-TM,ru=ru-RU`` → pairs; ValueError with a one-line reason when malformed.

    >>> parse_locales("tk=tk-TM, ru=ru-RU")
    (('tk', 'tk-TM'), ('ru', 'ru-RU'))
    """
    pairs = []
    for item in (v.strip() for v in value.split(",") if v.strip()):
        lang, _, locale = item.partition("=")
        if not lang.strip() or not LOCALE.fullmatch(locale.strip()):
            raise ValueError(f"expected LANG=LOCALE pairs such as tk=tk-TM,ru=ru-RU, got {item!r}")
        pairs.append((lang.strip(), locale.strip()))
    if not pairs:
        raise ValueError(f"expected LANG=LOCALE pairs such as tk=tk-TM,ru=ru-RU, got {value!r}")
    return tuple(pairs)
