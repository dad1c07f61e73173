"""Language identification for paragraphs, using the lexicons' ``[langid]`` hints.

langdetect has no Turkmen (nor Kazakh, Kyrgyz, Uzbek) profile and calls Turkmen "tr".
So each paragraph is first scored against the lexicon languages written in its script —
letters only that language uses, and its most frequent function words — and langdetect
decides only when that evidence is absent or tied, its answer mapped back through each
lexicon's ``langdetect`` list.

>>> identify("Türkmenistanyň Baş prokuraturasy we beýleki edaralar.")
'tk'
>>> identify("Генеральная прокуратура Туркменистана")
'ru'
>>> identify("2020-2022") is None
True
"""
from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

import regex

from .lexicon import Lexicon, key, load_lexicons

WORD = regex.compile(r"[\p{L}\p{M}]+(?:[-/][\p{L}\p{M}]+)*")
MIN_LETTERS = 2


def script_of(ch: str) -> str | None:
    """'Latn', 'Cyrl' or another script tag for a letter (None for non-letters)."""
    if not ch.isalpha():
        return None
    name = unicodedata.name(ch, "")
    if name.startswith("LATIN"):
        return "Latn"
    if name.startswith("CYRILLIC"):
        return "Cyrl"
    return name.split(" ")[0] or None


def _dominant_script(text: str) -> tuple[str | None, int]:
    counts: dict[str, int] = {}
    for ch in text:
        s = script_of(ch)
        if s:
            counts[s] = counts.get(s, 0) + 1
    if not counts:
        return None, 0
    best = max(counts, key=counts.get)
    return best, sum(counts.values())


def _score(lex: Lexicon, lowered: str, words: list[str]) -> int:
    letters = sum(1 for ch in lowered if ch in lex.letters)
    if lex.sequences:
        keyed = key(lowered)
        letters += sum(keyed.count(q) for q in lex.sequences)
    stops = sum(1 for w in words if w in lex.stopwords)
    endings = sum(1 for w in words if len(w) > 3 and w.endswith(lex.suffixes))
    return 2 * letters + 3 * stops + endings


@functools.lru_cache(maxsize=4096)
def _langdetect(text: str) -> tuple[tuple[str, float], ...]:
    """langdetect's ranked guesses, made deterministic (seed 0).  Kept per text: a plan
    repeats its short cells (column headers, agencies, periods) and langdetect costs about
    10 ms a call."""
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException
    DetectorFactory.seed = 0
    try:
        return tuple((g.lang, g.prob) for g in detect_langs(text))
    except LangDetectException:
        return ()


def identify(text: str, lexicons: dict[str, Lexicon] | None = None) -> str | None:
    """Language code of ``text`` (a lexicon code where one fits), or None if it has no words."""
    lexicons = lexicons if lexicons is not None else load_lexicons()
    found = evidence(text, lexicons)
    return decide(text, found, lexicons) if isinstance(found, Undecided) else found


@dataclass(frozen=True, slots=True)
class Undecided:
    """The text's own evidence does not single out one language."""

    candidates: tuple[str, ...]  # lexicon codes of its script (none: no lexicon is written in it)
    tied: tuple[str, ...]  # those with the best score
    best: str | None  # the first of them when that score is above zero


def evidence(text: str, lexicons: dict[str, Lexicon]) -> str | None | Undecided:
    """What the text itself shows — letters only one language uses, function words, endings:
    a language code, None (no words), or :class:`Undecided` for the context or :func:`decide`."""
    script, n_letters = _dominant_script(text)
    if n_letters < MIN_LETTERS:
        return None
    candidates = [lex for lex in lexicons.values() if lex.script == script]
    if len(candidates) == 1:
        return candidates[0].code
    if not candidates:
        return Undecided((), (), None)
    lowered = text.casefold()
    words = WORD.findall(lowered)
    scores = sorted(((_score(lex, lowered, words), lex.code) for lex in candidates), reverse=True)
    if scores[0][0] > 0 and (len(scores) == 1 or scores[0][0] > scores[1][0]):
        return scores[0][1]
    return Undecided(tuple(lex.code for lex in candidates), tuple(c for v, c in scores if v == scores[0][0]),
                     scores[0][1] if scores[0][0] > 0 else None)


def decide(text: str, found: Undecided, lexicons: dict[str, Lexicon]) -> str | None:
    """langdetect's verdict, mapped back to the candidates' lexicons."""
    guesses = _langdetect(text)
    if not found.candidates:
        return guesses[0][0] if guesses else None
    candidates = [lexicons[code] for code in found.candidates]
    for code, _prob in guesses:
        for lex in candidates:
            if code in lex.langdetect:
                return lex.code
    if found.best:
        return found.best
    # langdetect named a language outside the candidates: of these, one it has no profile
    # for (Turkmen, Uzbek) is likelier than one it would have recognised (English); among
    # several, the one whose alphabet holds most of the text's letters (the first on a tie).
    unknown = [lex for lex in candidates if not lex.langdetect_native]
    if unknown:
        letters = [ch for ch in text.casefold() if ch.isalpha()]
        return min(unknown, key=lambda lex: sum(ch not in lex.alphabet for ch in letters)).code
    return guesses[0][0] if guesses else None
