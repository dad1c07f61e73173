"""Language identification for paragraphs, using the lexicons' ``[langid]`` hints.

langdetect has no Turkmen (nor Kazakh, Kyrgyz, Uzbek) profile and calls Turkmen "tr".
So each paragraph is first scored against the lexicon languages written in its script —
letters only that language uses, its most frequent function words, its common words
(``[langid.vocabulary]``: English from SCOWL, Kazakh month names) and its typical endings,
which only lean a text one way (:func:`evidence`).  Where that leaves languages tied, the
block's table, its neighbours or the whole document decide when one language is clear
(:func:`in_context`), else the words the text is made of, langdetect (its answer mapped
back through each lexicon's ``langdetect`` list) and the alphabets (:func:`decide`).  A text
whose words are another script's letters misread (a garbled PDF text layer,
:func:`pipeline.text.garbled_chars`) has no language.

>>> identify("Türkmenistanyň Baş prokuraturasy we beýleki edaralar.")
'tk'
>>> identify("Генеральная прокуратура Туркменистана")
'ru'
>>> identify("2020-2022") is None
True
"""
from __future__ import annotations

import functools
import tomllib
import unicodedata
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import regex

from .lexicon import LEXICON_DIR, Lexicon, key, load_lexicons
from .text import garbled_share

WORD = regex.compile(r"[\p{L}\p{M}]+(?:[-/][\p{L}\p{M}]+)*")
PART = regex.compile(r"[\p{L}\p{M}]{2,}")
INITIAL = regex.compile(r"(?<![\p{L}\p{M}])\p{Lu}\.")
MIN_LETTERS = 2
GARBLED = 0.5  # share of glyphs in garbled words above which a text has no language
KNOWN = 0.5  # share of a text's words in a vocabulary that makes it that vocabulary's language
DECISIVE = 2  # a score below this (one ending, one common word) decides nothing alone
SURE = 0.9  # langdetect's probability above which its first guess outweighs the text's lean
CLEAR = 2 / 3  # share of a table's (a document's) decided letters that makes its language clear


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
    common = vocabulary(lex.code)
    known = sum(1 for w in words if w in common and w not in lex.stopwords) if common else 0
    return 2 * letters + 3 * stops + endings + known


def _decisive(lex: Lexicon, lowered: str, words: list[str]) -> bool:
    """Does the text hold more than endings of ``lex``?  Endings only lean: "бухгалтер" ends
    like a Kazakh plural, "prime" like a Turkmen verb noun."""
    common = vocabulary(lex.code)
    return (any(ch in lex.letters for ch in lowered) or any(w in lex.stopwords or w in common for w in words)
            or bool(lex.sequences and any(q in key(lowered) for q in lex.sequences)))


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
    if n_letters < MIN_LETTERS or garbled_share(text) >= GARBLED:
        return None  # no words, or none of any language (a misread text layer: text_quality)
    candidates = [lex for lex in lexicons.values() if lex.script == script]
    if len(candidates) == 1:
        return candidates[0].code
    if not candidates:
        return Undecided((), (), None)
    lowered = INITIAL.sub(" ", text).casefold()  # "Бортник М.М.": "С." is an initial, not "с"
    words = WORD.findall(lowered)
    scores = sorted(((_score(lex, lowered, words), lex.code) for lex in candidates), reverse=True)
    weak = scores[0][0] < DECISIVE or not _decisive(lexicons[scores[0][1]], lowered, words)
    if not weak and (len(scores) == 1 or scores[0][0] > scores[1][0]):
        return scores[0][1]
    tied = scores if weak else [(v, c) for v, c in scores if v == scores[0][0]]
    return Undecided(tuple(lex.code for lex in candidates), tuple(c for _v, c in tied),
                     scores[0][1] if scores[0][0] > 0 else None)


@functools.cache
def vocabulary(code: str, directory=LEXICON_DIR) -> frozenset[str]:
    """The common words of language ``code`` (its lexicon's ``[langid.vocabulary]``), casefolded."""
    path = directory / f"{code}.toml"
    if not path.exists():
        return frozenset()
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return frozenset(data.get("langid", {}).get("vocabulary", {}).get("words", "").casefold().split())


def known_words(text: str, candidates: list[Lexicon]) -> str | None:
    """The one candidate whose vocabulary holds at least ``KNOWN`` of the text's words (pieces
    of two letters or more: ``Co-performer`` is ``co`` and ``performer``), if exactly one does
    best.

    >>> from pipeline.lexicon import load_lexicons
    >>> lexicons = load_lexicons()
    >>> known_words("Due date", [lexicons[c] for c in ("en", "tk", "uz")])
    'en'
    >>> known_words("Differensial kesel kesgidi", [lexicons[c] for c in ("en", "tk", "uz")]) is None
    True
    """
    parts = PART.findall(text.casefold())
    if not parts:
        return None
    shares = sorted(((sum(p in vocabulary(lex.code) for p in parts) / len(parts), lex.code) for lex in candidates),
                    reverse=True)
    if shares[0][0] >= KNOWN and (len(shares) == 1 or shares[0][0] > shares[1][0]):
        return shares[0][1]
    return None


def decide(text: str, found: Undecided, lexicons: dict[str, Lexicon]) -> str | None:
    """A text whose own letters, function words and endings leave languages tied (or only lean
    to one): the language most of whose words it is made of (:func:`known_words`), else
    langdetect's first guess mapped back to the candidates' lexicons, else the best-scored
    candidate, else langdetect's other guesses, else by alphabet."""
    guesses = _langdetect(text)
    if not found.candidates:
        return guesses[0][0] if guesses else None
    candidates = [lexicons[code] for code in found.candidates]
    known = known_words(text, candidates)
    if known:
        return known
    # langdetect's first guess; the text's own lean ("бухгалтер": a Kazakh ending) outweighs
    # a guess it is not sure of, and its lesser guesses
    for rank, (code, prob) in enumerate(guesses):
        if found.best and (rank or prob < SURE):
            return found.best
        for lex in candidates:
            if code in lex.langdetect:
                return lex.code
    if found.best:
        return found.best
    # langdetect named a language outside the candidates: of these, one it has no profile
    # for (Turkmen, Uzbek) is likelier than one it would have recognised (English) — when its
    # alphabet holds the text's letters; among several, the one whose alphabet holds most of
    # them (the first on a tie). "Subsequent Licenses" (c, q) is neither Turkmen nor Uzbek.
    letters = [ch for ch in text.casefold() if ch.isalpha()]
    misfit = {lex.code: sum(ch not in lex.alphabet for ch in letters) for lex in candidates}
    unknown = [lex for lex in candidates if not lex.langdetect_native]
    native = [lex for lex in candidates if lex.langdetect_native and not misfit[lex.code]]
    if unknown and (native and min(misfit[lex.code] for lex in unknown)):
        return native[0].code
    if unknown:
        return min(unknown, key=lambda lex: misfit[lex.code]).code
    return guesses[0][0] if guesses else None


def in_context(found: Sequence, texts: Sequence[str], groups: Sequence[Hashable | None] | None = None,
               lexicons: dict[str, Lexicon] | None = None) -> list[str | None]:
    """Every block's language, the undecided ones settled by their context.

    ``found[i]`` is what block ``i`` shows by itself — :func:`evidence` of its text, or the
    language of a heading, label or header cell it is — ``texts[i]`` its text, and
    ``groups[i]`` a key its table's cells share (``(file, table)``; None outside tables).
    Decided entries (a code, or None for no words) are returned as they are.  A block left
    :class:`Undecided` (a name with initials, a month or a quarter alone, "топ жетекшісі")
    takes, of its tied languages, the first that applies:

    1. the language of its table, when one of them holds ``CLEAR`` of the letters of the
       table's decided cells;
    2. the language of its nearest decided blocks before and after, when exactly one of them
       is theirs;
    3. the language of the whole document, when one of them holds ``CLEAR`` of its decided
       letters (a Kazakh form whose short cells stand far from any Kazakh sentence);
    4. :func:`decide` (vocabulary, langdetect, alphabet).

    >>> cells = ["Іс шара", "Жауапты", "Мерзімі", "Бортник М.М.", "Жиналыс өткізу", "Наурыз"]
    >>> lexicons = load_lexicons()
    >>> found = [evidence(t, lexicons) for t in cells]
    >>> found[3]
    Undecided(candidates=('kk', 'ky', 'ru', 'uz-Cyrl'), tied=('uz-Cyrl', 'ru', 'ky', 'kk'), best=None)
    >>> in_context(found, cells, [("f", 1)] * len(cells), lexicons)
    ['kk', 'kk', 'kk', 'kk', 'kk', 'kk']
    """
    lexicons = lexicons if lexicons is not None else load_lexicons()
    groups = list(groups) if groups is not None else [None] * len(found)
    weights = [sum(ch.isalpha() for ch in text) for text in texts]
    tables: dict[Hashable, dict[str, int]] = {}
    document: dict[str, int] = {}
    for f, group, weight in zip(found, groups, weights):
        if isinstance(f, str):
            document[f] = document.get(f, 0) + weight
            if group is not None:
                tables.setdefault(group, {})[f] = tables.setdefault(group, {}).get(f, 0) + weight
    before, after = _nearest(found), _nearest(found[::-1])[::-1]
    out = []
    for f, text, group, prev, following in zip(found, texts, groups, before, after):
        if isinstance(f, Undecided):
            fits = [code for code in f.tied if code in (prev, following)]
            f = (_clear(tables.get(group, {}), f.tied) or (fits[0] if len(fits) == 1 else None)
                 or _clear(document, f.tied) or decide(text, f, lexicons))
        out.append(f)
    return out


def _nearest(found: Sequence) -> list[str | None]:
    """For each entry, the last decided language before it."""
    out, last = [], None
    for f in found:
        out.append(last)
        last = f if isinstance(f, str) else last
    return out


def _clear(letters: dict[str, int], tied: tuple[str, ...]) -> str | None:
    """The one of ``tied`` holding ``CLEAR`` of their letters in ``letters``, if any."""
    total = sum(letters.get(code, 0) for code in tied)
    best = max(tied, key=lambda code: letters.get(code, 0)) if total else None
    return best if best and letters.get(best, 0) >= CLEAR * total else None
