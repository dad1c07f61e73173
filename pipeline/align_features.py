"""What the aligner compares about an element, and how similar two elements are.

Printed numbers are wrong exactly where it matters (the Turkmen NAP numbers section 3.3's
activities 1.3.x), so they are one signal among several: the aligned section an element is
printed in, its agencies (canonical ids), its period, the digits of its text and indicators,
its length relative to its version's mean, its place in the order and its words — through a
translation table learnt from the plan itself (:class:`Table`): the stems of each linked pair
of texts are counted together, and a stem's translations are the stems it co-occurs with
most (Dice coefficient, as hunalign's second pass builds its dictionary from its first).
No language pair is written in: the table is learnt for tk/ru as for kk/ru or uz/ru.
"""
from __future__ import annotations

import functools
import math
from collections import Counter
from itertools import repeat
from operator import mul
from dataclasses import dataclass, replace
from typing import Iterable, Sequence

import regex

DIGITS = regex.compile(r"\d+")
WORDS = regex.compile(r"\p{L}[\p{L}\p{M}]*")
STEM = 5  # letters of a word kept as its stem: enough to tell words apart, few enough for case endings
MIN_WORD = 3  # shorter words (prepositions, conjunctions) carry no translation evidence
MIN_DICE = 0.25  # a stem pair co-occurring less than this is no translation
TRANSLATIONS = 3  # translations kept per stem, the most frequent co-occurrences first
MAX_TRAINING = 400  # text pairs the table is learnt from (evenly chosen when there are more)
_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
ROMAN = regex.compile(r"[IVXLCivxlc]+")

# Weights of the signals in :func:`similarity` (absent evidence does not count).
W_LENGTH, W_PARENT, W_NUMBER, W_AGENCIES, W_DIGITS, W_PERIOD, W_SIZE = 1.5, 2.0, 1.5, 3.0, 1.5, 1.0, 1.0
W_WORDS, W_PLACE = 4.0, 2.0
PLACE_SCALE = 1.5  # elements from where the order puts an element: its place signal is halved here


@dataclass(frozen=True, slots=True)
class Features:
    """What the aligner compares about one element."""

    id: str
    number: tuple | None
    parent: int | None  # row of the enclosing part/section in the parent alignment
    length: float  # relative to the version's mean
    agencies: frozenset = frozenset()
    digits: frozenset = frozenset()
    period: tuple | None = None
    size: float | None = None  # number of activities (parts, sections), relative
    words: frozenset = frozenset()  # stems of the words of its text and fields (:func:`stems`)
    own: "Features | None" = None  # an activity's text alone (no fields): what a merge surely carries of it


def number_of(text: str | None) -> tuple | None:
    """A printed number as a tuple of ints.

    >>> number_of("1.3.2"), number_of("IV"), number_of(None)
    ((1, 3, 2), (4,), None)
    """
    if not text:
        return None
    if ROMAN.fullmatch(text):
        values = [_ROMAN[c] for c in text.lower()]
        return (sum(-v if v < w else v for v, w in zip(values, values[1:] + [0])),)
    found = DIGITS.findall(text)
    return tuple(int(d) for d in found) or None


def stems(*texts: str) -> frozenset:
    """The stems of the words of ``texts``: case-folded, the first :data:`STEM` letters.

    >>> sorted(stems("Studying the experience of other countries"))
    ['count', 'exper', 'other', 'study', 'the']
    """
    return frozenset().union(*map(_stems, texts))


@functools.lru_cache(maxsize=8192)
def _stems(text: str) -> frozenset:
    return frozenset(w[:STEM] for w in WORDS.findall(text.casefold()) if len(w) >= MIN_WORD)


def relative(values: Sequence[float]) -> list[float]:
    """Each value over the mean (at least 1 each), so that versions compare."""
    mean = sum(values) / len(values) if values else 1.0
    return [max(v, 1.0) / max(mean, 1.0) for v in values]


def _ratio(a: float, b: float) -> float:
    return math.exp(-2 * abs(math.log(a / b)))


def _jaccard(a: frozenset, b: frozenset) -> float:
    return len(a & b) / len(a | b)


def place(distance: float) -> float:
    """The order's signal for an element ``distance`` places from where the order puts it."""
    return 1.0 / (1.0 + (distance / PLACE_SCALE) ** 2)


def similarity(a: Features, b: Features, words: float | None = None, distance: float | None = None,
               scale: float = 1.0) -> float:
    """Weighted agreement of two elements' evidence, 0-1; absent evidence does not count.
    ``words`` is the translation table's agreement of their texts (:func:`agreement`),
    ``distance`` how far ``b`` stands from where the order puts ``a``'s counterpart, ``scale``
    how much longer the second version's texts are than the first's (as Gale–Church's c)."""
    total, weight = W_LENGTH * _ratio(a.length * scale, b.length), W_LENGTH
    if a.parent is not None and b.parent is not None:
        total += W_PARENT * (a.parent == b.parent)
        weight += W_PARENT
    if a.number and b.number:
        total += W_NUMBER * (1.0 if a.number == b.number else 0.4 if a.number[:-1] == b.number[:-1] else 0.0)
        weight += W_NUMBER
    if a.agencies and b.agencies:
        total += W_AGENCIES * _jaccard(a.agencies, b.agencies)
        weight += W_AGENCIES
    if a.digits or b.digits:
        total += W_DIGITS * _jaccard(a.digits, b.digits)
        weight += W_DIGITS
    if a.period and b.period:
        total += W_PERIOD * (1.0 if a.period == b.period else 0.5 if a.period[1] == b.period[1] else 0.0)
        weight += W_PERIOD
    if a.size is not None and b.size is not None:
        total += W_SIZE * _ratio(a.size, b.size)
        weight += W_SIZE
    if words is not None:
        total += W_WORDS * words
        weight += W_WORDS
    if distance is not None:
        total += W_PLACE * place(distance)
        weight += W_PLACE
    return total / weight


def combined(first: Features, second: Features) -> tuple[Features, Features]:
    """Two neighbours read as one (one side of a 1:2 row), both ways one version may print them:
    with the fields of both, or with the first's fields and the second's text alone."""
    text = second.own or second
    both = replace(first, length=first.length + second.length, agencies=first.agencies | second.agencies,
                   digits=first.digits | second.digits, words=first.words | second.words,
                   period=first.period if first.period == second.period else None, own=None)
    fields_of_first = replace(first, length=first.length + second.length, digits=first.digits | text.digits,
                              words=first.words | text.words, own=None)
    return both, fields_of_first


# --- the translation table --------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Table:
    """Stem translations between two versions, learnt from pairs of texts known to say the same.

    ``forward[s]`` are the stems of the second version that ``s`` (of the first) translates to,
    with their Dice coefficient; ``backward`` the other way; ``weight_a``/``weight_b`` how much
    each known stem tells (inverse document frequency over the training texts)."""

    forward: dict
    backward: dict
    weight_a: dict
    weight_b: dict

    def bags(self, items: Sequence[Features], forward: bool = True) -> list[dict]:
        """For each item, the stems of the other version its words translate to (best Dice)."""
        table = self.forward if forward else self.backward
        out = []
        for item in items:
            bag: dict = {}
            for s in item.words:
                for t, dice in table.get(s, ()):
                    if dice > bag.get(t, 0.0):
                        bag[t] = dice
            out.append(bag)
        return out

    def known(self, items: Sequence[Features], first: bool = True) -> list[tuple]:
        """For each item, its stems the table knows, their weights, and their total weight."""
        weights = self.weight_a if first else self.weight_b
        out = []
        for item in items:
            found = [w for w in item.words if weights.get(w)]
            values = tuple(weights[w] for w in found)
            out.append((tuple(found), values, sum(values)))
        return out


def agreement(bag_a: dict, known_a: tuple, bag_b: dict, known_b: tuple) -> float | None:
    """How much of each of two texts the other's translation explains (0-1, weighted by how
    telling each stem is, both ways averaged): ``bag_*`` from :meth:`Table.bags`, ``known_*``
    from :meth:`Table.known`; None when neither holds a stem the table knows."""
    one = cover(bag_a, *known_b)
    other = cover(bag_b, *known_a)
    if one is None or other is None:
        return one if other is None else other
    return (one + other) / 2


def cover(bag: dict, words: tuple, weights: tuple, total: float) -> float | None:
    """The weighted share of ``words`` that ``bag`` translates (its best Dice each)."""
    if not total:
        return None
    return sum(map(mul, weights, map(bag.get, words, repeat(0.0)))) / total


def learn(pairs: Iterable[tuple[frozenset, frozenset]]) -> Table:
    """The translation table of text pairs (stems of one version, stems of the other)."""
    pairs = [p for p in pairs if p[0] and p[1]]
    if len(pairs) > MAX_TRAINING:
        step = len(pairs) / MAX_TRAINING
        pairs = [pairs[int(k * step)] for k in range(MAX_TRAINING)]
    df_a, df_b, together = Counter(), Counter(), Counter()
    for a, b in pairs:
        df_a.update(a)
        df_b.update(b)
        together.update((s, t) for s in a for t in b)
    forward: dict = {}
    backward: dict = {}
    for (s, t), n in together.items():
        dice = 2 * n / (df_a[s] + df_b[t])
        if dice >= MIN_DICE:
            forward.setdefault(s, []).append((dice, n, t))
            backward.setdefault(t, []).append((dice, n, s))
    n = len(pairs)
    return Table(_best(forward), _best(backward), _weights(df_a, n), _weights(df_b, n))


def _best(table: dict) -> dict:
    return {s: tuple((t, dice) for dice, _n, t in sorted(found, key=lambda f: (-f[0], -f[1], f[2]))[:TRANSLATIONS])
            for s, found in table.items()}


def _weights(df: Counter, n: int) -> dict:
    return {s: math.log((n + 1) / (d + 0.5)) for s, d in df.items()}
