"""Sentences of a text, for TMX units of one sentence (``--tmx-segment sentence``).

Sentence boundaries come from sentencex (Wikimedia's segmenter, maintained, rules and
abbreviation lists for about 300 languages — Turkmen, Russian, English, Kazakh, Kyrgyz and
Uzbek among them, through its language fallbacks where a language has no list of its own;
compiled, about 1 ms for the reference plan's 244 units).  pysbd, tried beside it, knows
English, Russian and Kazakh only, is not maintained since 2021 and split the reference plan
at Turkmen ``ş. m.`` ("and so on") four times.

One repair is made on top, for what no abbreviation list holds: a piece that starts with a
lower-case letter continues the sentence before it (``и др. областях``), and so does a piece
that starts with a digit after an abbreviation of one to three letters (``ч. 2 ст. 14
Закона``).  The pieces are the text's own characters: joined, they give the text back.
"""
from __future__ import annotations

import regex
import sentencex

ABBREVIATION = regex.compile(r"(?<![\p{L}\d])\p{L}{1,3}\.\s*$")


def sentences(lang: str, text: str) -> list[str]:
    """The sentences of ``text`` in ``lang`` (a plan language code; ``uz-Cyrl`` is Uzbek).

    >>> sentences("ru", "Анализ уголовного процесса и др. областях. Согласовать ч. 2 ст. 14 Закона. Итог")
    ['Анализ уголовного процесса и др. областях. ', 'Согласовать ч. 2 ст. 14 Закона. ', 'Итог']
    >>> sentences("tk", "Maslahatlaryň we ş. m. sany. Gatnaşyjylaryň sany.")
    ['Maslahatlaryň we ş. m. sany. ', 'Gatnaşyjylaryň sany.']
    """
    pieces: list[str] = []
    for piece in sentencex.segment(lang.split("-")[0], text):
        start = piece.lstrip()[:1]
        if pieces and (start.islower() or (start.isdigit() and ABBREVIATION.search(pieces[-1]))):
            pieces[-1] += piece
        else:
            pieces.append(piece)
    return [p for p in pieces if p.strip()] or [text]
