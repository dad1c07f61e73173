"""Matching the elements of one language version across two editions of a plan.

Editions renumber, reorder, reword, split and merge their activities, so printed numbers
are one signal among several.  Within one language the text itself is the strong signal;
the matcher works in four steps, each on what the previous ones left over:

1. **Identical texts in order.**  Pairs of elements whose texts are the same (whitespace
   aside) are anchors; the heaviest chain of such pairs increasing in both editions (a
   longest-common-subsequence over texts, :func:`heaviest_chain`) keeps them in order.  A
   text printed several times is paired only with occurrences of close rank.
2. **Similar texts between anchors.**  In each gap between two anchors, a pair is worth its
   text similarity plus agreement of number, agencies and period (and, for parts and
   sections, of the elements inside; a renumbered element as far from a neighbouring pair in
   both editions counts as its number would); the heaviest chain of pairs above :data:`NEAR` links
   reworded, re-dated and renumbered elements in place.
3. **Moves.**  Elements still unmatched are linked against the order when their texts are
   clearly the same (:data:`MOVED`), best pairs first: a moved activity is one pair, not a
   removal and an addition.
4. **Splits and merges.**  An element whose text is covered by two or three neighbouring
   elements of the other edition — each mostly contained in it, together about its size —
   is linked to all of them.

Text similarity is the mean of two Dice coefficients: over the words (each weighted by its
inverse document frequency over both editions, so that a plan's recurring phrases count
little) and over character trigrams (robust to inflection).  Candidate pairs come from an
inverted index of rare words, so 2,000 elements per edition are matched in well under a
second when most are unchanged.
"""
from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

import regex

NEAR = 0.55  # a pair in a gap between anchors must score this much (text plus structure)
SLOT = 0.1  # what the same printed number adds to a pair, or (renumbered) the same place next to a pair
MOVED = 0.7  # a pair against the order must have texts this similar
PIECE = 0.7  # each piece of a split or merge must have this much of its text inside the whole
COVER = 0.85  # ... and the pieces together this much of the whole's text
SIZE = (0.7, 1.45)  # ... and together be this size relative to the whole (word weights)
ALL_PAIRS = 4096  # gaps up to this many pairs are scored in full; larger ones through the index
CANDIDATES = 8  # otherwise each element is scored against this many best index candidates
COMMON = 200  # words in more elements than this are left out of the index

_WORD = regex.compile(r"\w+")


def normalize(text: str | None) -> str:
    """Text with every run of whitespace (line breaks included) made one space.

    >>> normalize(" Conducting\\n  training ")
    'Conducting training'
    """
    return " ".join((text or "").split())


@dataclass(frozen=True, slots=True)
class Node:
    """What the matcher knows of one element: ``text`` compared for similarity, ``number``
    as printed, ``extra`` further printed values whose agreement counts (agencies, period)."""

    id: str
    number: str | None
    text: str
    extra: tuple = ()


@dataclass(slots=True)
class Matching:
    """The result: one-to-one ``pairs`` (old index → new index, text similarity), the old indices of
    pairs linked against the order (``moved``), and ``groups`` of splits and merges
    (``("split", (old,), (new, new…))``, ``("merge", (old, old…), (new,))``)."""

    pairs: dict[int, tuple[int, float]] = field(default_factory=dict)
    moved: set[int] = field(default_factory=set)
    groups: list[tuple[str, tuple[int, ...], tuple[int, ...]]] = field(default_factory=list)

    def new_of(self) -> dict[int, int]:
        return {j: i for i, (j, _s) in self.pairs.items()}


class Texts:
    """Words, their weights and trigrams of the elements of both editions; similarities."""

    def __init__(self, old: Sequence[Node], new: Sequence[Node]):
        self.words = ([frozenset(_WORD.findall(n.text.casefold())) for n in old],
                      [frozenset(_WORD.findall(n.text.casefold())) for n in new])
        df = Counter(w for side in self.words for words in side for w in words)
        total = len(old) + len(new)
        self.idf = {w: math.log(1 + total / n) for w, n in df.items()}
        self.df = df
        self.mass = tuple([sum(self.idf[w] for w in words) for words in side] for side in self.words)
        self._texts = ([n.text for n in old], [n.text for n in new])
        self.bare = (["".join(n.text.split()) for n in old], ["".join(n.text.split()) for n in new])
        self._trigrams: tuple[dict[int, frozenset], dict[int, frozenset]] = ({}, {})

    def trigrams(self, side: int, i: int) -> frozenset:
        cache = self._trigrams[side]
        if i not in cache:
            text = " ".join(_WORD.findall(self._texts[side][i].casefold()))
            cache[i] = frozenset(text[k:k + 3] for k in range(max(len(text) - 2, 1)))
        return cache[i]

    def similarity(self, i: int, j: int) -> float:
        """Text similarity 0-1 of old element ``i`` and new element ``j``."""
        if self.bare[0][i] and self.bare[0][i] == self.bare[1][j]:
            return 1.0
        a, b = self.words[0][i], self.words[1][j]
        mass = self.mass[0][i] + self.mass[1][j]
        if not mass:  # no words (an undeclared section): only the same printed marks count
            return 1.0 if self._texts[0][i] and self._texts[0][i] == self._texts[1][j] else 0.0
        words = 2 * sum(self.idf[w] for w in a & b) / mass
        ta, tb = self.trigrams(0, i), self.trigrams(1, j)
        return (words + 2 * len(ta & tb) / (len(ta) + len(tb))) / 2

    def contained(self, side: int, i: int, others: Iterable[int]) -> float:
        """How much of element ``i``'s word weight (on ``side``) the ``others`` (other side) hold."""
        words = self.words[side][i]
        union = frozenset().union(*(self.words[1 - side][k] for k in others))
        mass = self.mass[side][i]
        return sum(self.idf[w] for w in words & union) / mass if mass else 0.0


def heaviest_chain(pairs: Sequence[tuple[int, int, float]]) -> list[int]:
    """Indices into ``pairs`` ((i, j, weight > 0)) of the heaviest subset strictly increasing
    in both i and j — a weighted longest common subsequence, in O(k log k).

    >>> heaviest_chain([(0, 1, 1.0), (1, 0, 1.0), (1, 2, 1.0), (2, 3, 0.5)])
    [0, 2, 3]
    """
    if not pairs:
        return []
    size = max(j for _i, j, _w in pairs) + 2
    tree_value, tree_at = [0.0] * size, [-1] * size
    best, back = [0.0] * len(pairs), [-1] * len(pairs)
    order = sorted(range(len(pairs)), key=lambda k: (pairs[k][0], pairs[k][1]))
    start = 0
    while start < len(order):
        end = start
        while end < len(order) and pairs[order[end]][0] == pairs[order[start]][0]:
            end += 1
        group = order[start:end]
        for k in group:  # the best chain ending before column j, from rows above only
            value, at, pos = 0.0, -1, pairs[k][1]
            while pos > 0:
                if tree_value[pos] > value:
                    value, at = tree_value[pos], tree_at[pos]
                pos -= pos & -pos
            best[k], back[k] = value + pairs[k][2], at
        for k in group:
            pos = pairs[k][1] + 1
            while pos < size:
                if best[k] > tree_value[pos]:
                    tree_value[pos], tree_at[pos] = best[k], k
                pos += pos & -pos
        start = end
    k = max(range(len(pairs)), key=lambda n: (best[n], -n))
    chain = []
    while k >= 0:
        chain.append(k)
        k = back[k]
    return chain[::-1]


class Matcher:
    """Match ``old`` against ``new`` (each in reading order).  ``bonus(i, j)`` adds evidence
    of its own (the elements inside two sections that were matched); ``hints`` are pairs to
    score besides the candidates the texts suggest."""

    def __init__(self, old: Sequence[Node], new: Sequence[Node],
                 bonus: Callable[[int, int], float] | None = None, hints: Iterable[tuple[int, int]] = ()):
        self.old, self.new, self.bonus = old, new, bonus
        self.texts = Texts(old, new)
        self.hints = defaultdict(set)
        for i, j in hints:
            self.hints[j].add(i)
        self._scores: dict[tuple[int, int], float] = {}
        self._scale = (1 / max(len(old), 1), 1 / max(len(new), 1))

    def score(self, i: int, j: int) -> float:
        """Text similarity plus agreement of printed number and extra values (and the bonus)."""
        key = (i, j)
        if key not in self._scores:
            a, b = self.old[i], self.new[j]
            value = self.texts.similarity(i, j)
            if a.number and a.number == b.number:
                value += SLOT
            value += sum(0.02 for x, y in zip(a.extra, b.extra) if x == y)  # weak: many activities share them
            if self.bonus:
                value += self.bonus(i, j)
            self._scores[key] = value
        return self._scores[key]

    def run(self) -> Matching:
        result = Matching()
        anchors = self._anchors()
        for i, j in anchors:
            result.pairs[i] = (j, self.texts.similarity(i, j))
        bounds = [(-1, -1), *anchors, (len(self.old), len(self.new))]
        for (i0, j0), (i1, j1) in zip(bounds, bounds[1:]):
            self._in_gap(range(i0 + 1, i1), range(j0 + 1, j1), result)
        self._moves(result)
        self._pieces(result)
        return result

    # step 1 ------------------------------------------------------------------------------
    def _anchors(self) -> list[tuple[int, int]]:
        where_old, where_new = defaultdict(list), defaultdict(list)
        for i, bare in enumerate(self.texts.bare[0]):
            if bare:
                where_old[bare].append(i)
        for j, bare in enumerate(self.texts.bare[1]):
            if bare:
                where_new[bare].append(j)
        pairs = []
        for text, olds in where_old.items():
            news = where_new.get(text)
            if not news:
                continue
            window = abs(len(olds) - len(news)) + 1
            for a, i in enumerate(olds):
                for b in range(max(0, a - window), min(len(news), a + window + 1)):
                    j = news[b]
                    pairs.append((i, j, 2.0 + self.score(i, j) - 1.0))
        return [(pairs[k][0], pairs[k][1]) for k in heaviest_chain(pairs)]

    # step 2 ------------------------------------------------------------------------------
    def _candidates(self, olds: Sequence[int], news: Sequence[int], ties: bool = False) -> Iterable[tuple[int, int]]:
        """Pairs worth scoring: all of them in a small gap; else, for each new element, the old
        ones sharing most rare words with it (:data:`CANDIDATES`, the nearest in position
        first; with ``ties``, every one as good as the last: a text printed many times), the
        nearest ones of the same number, and the hinted ones."""
        if len(olds) * len(news) <= ALL_PAIRS:
            return ((i, j) for i in olds for j in news)
        texts, pairs = self.texts, set()
        index, by_number = defaultdict(list), defaultdict(list)
        for i in olds:
            for w in texts.words[0][i]:
                if texts.df[w] <= COMMON:
                    index[w].append(i)
            if self.old[i].number:
                by_number[self.old[i].number].append(i)
        olds_set = set(olds)
        for j in news:
            shared: dict[int, float] = defaultdict(float)
            for w in texts.words[1][j]:
                for i in index.get(w, ()):
                    shared[i] += texts.idf[w]
            best = heapq.nsmallest(CANDIDATES, shared, key=lambda i: (-shared[i], abs(self._offset(i, j))))
            if ties and best:
                last = shared[best[-1]]
                best = [i for i in shared if shared[i] >= last - 1e-9]
            pairs.update((i, j) for i in best)
            same = by_number.get(self.new[j].number or "", ())
            pairs.update((i, j) for i in heapq.nsmallest(2, same, key=lambda i: abs(self._offset(i, j))))
            pairs.update((i, j) for i in self.hints.get(j, ()) if i in olds_set)
        return pairs

    def _slot(self, i: int, j: int, olds: range, news: range) -> float:
        """:data:`SLOT` for a renumbered pair as far from the pair before the gap, or from the
        pair after it, in both editions: the place its number would have told."""
        if self.old[i].number == self.new[j].number:
            return 0.0  # the score has counted the number already
        same_place = i - olds.start == j - news.start or olds.stop - i == news.stop - j
        return SLOT if same_place else 0.0

    def _offset(self, i: int, j: int) -> float:
        """How far apart two elements are, as fractions of their editions."""
        return i * self._scale[0] - j * self._scale[1]

    def _in_gap(self, olds: range, news: range, result: Matching) -> None:
        if not olds or not news:
            return
        pairs = [(i, j, self.score(i, j) + self._slot(i, j, olds, news) - NEAR + 1e-6)
                 for i, j in self._candidates(olds, news)]
        pairs = [p for p in pairs if p[2] > 0]
        for k in heaviest_chain(pairs):
            i, j, _w = pairs[k]
            result.pairs[i] = (j, self.texts.similarity(i, j))

    # step 3 ------------------------------------------------------------------------------
    def _moves(self, result: Matching) -> None:
        taken = result.new_of()
        olds = [i for i in range(len(self.old)) if i not in result.pairs]
        news = [j for j in range(len(self.new)) if j not in taken]
        if not olds or not news:
            return
        scored = sorted(((self.texts.similarity(i, j), i, j) for i, j in self._candidates(olds, news, ties=True)),
                        key=lambda t: (-t[0], abs(self._offset(t[1], t[2])), t[1], t[2]))
        for similarity, i, j in scored:
            if similarity < MOVED:
                break
            if i in result.pairs or j in taken:
                continue
            result.pairs[i] = (j, self.texts.similarity(i, j))
            result.moved.add(i)
            taken[j] = i

    # step 4 ------------------------------------------------------------------------------
    def _pieces(self, result: Matching) -> None:
        """Splits (one old element into consecutive new ones) and merges (consecutive old
        elements into one new one): side 0 looks for splits, side 1 for merges."""
        state = _Pieces(result)
        for side in (0, 1):
            count, other = (len(self.old), len(self.new)) if side == 0 else (len(self.new), len(self.old))
            if all(state.partner(1 - side, k) is not None for k in range(other)):
                continue  # every element of the other side has its own counterpart: no pieces left
            for whole in range(count):
                partner = state.partner(side, whole)
                if partner is not None and self._similar(side, whole, partner) >= 0.97:
                    continue  # the same text: nothing was split off it or merged into it
                run = self._run(side, whole, partner, other, state)
                if run:
                    state.group(side, whole, run)

    def _similar(self, side: int, whole: int, partner: int) -> float:
        return self.texts.similarity(whole, partner) if side == 0 else self.texts.similarity(partner, whole)

    def _run(self, side: int, whole: int, partner: int | None, other: int, state: "_Pieces") -> tuple[int, ...] | None:
        """The best run of two or three consecutive elements of the other side that ``whole``
        was cut into (or made of); it holds ``partner`` when ``whole`` has one."""
        texts = self.texts
        anchor = partner if partner is not None else self._nearest(side, whole, other, state)
        if anchor is None:
            return None
        best = None
        for first in range(max(0, anchor - 2), anchor + 1):
            for length in (2, 3):
                run = tuple(range(first, first + length))
                if run[-1] >= other or (partner is not None and partner not in run):
                    continue
                if not all(state.free(side, k, whole) for k in run):
                    continue
                if min(texts.contained(1 - side, k, (whole,)) for k in run) < PIECE:
                    continue
                cover = texts.contained(side, whole, run)
                size = sum(texts.mass[1 - side][k] for k in run) / (texts.mass[side][whole] or 1)
                if cover >= COVER and SIZE[0] <= size <= SIZE[1] and (best is None or cover > best[0]):
                    best = (cover, run)
        return best[1] if best else None

    def _nearest(self, side: int, whole: int, other: int, state: "_Pieces") -> int | None:
        """For an unmatched element: the free element of the other side most inside it, near
        where its matched neighbours put it (pieces take the place of what they were cut from)."""
        before = next((state.partner(side, k) for k in range(whole - 1, -1, -1)
                       if state.partner(side, k) is not None), -1)
        best, found = PIECE, None
        for k in range(max(0, before - 2), min(other, before + 8)):
            if state.free(side, k, whole):
                inside = self.texts.contained(1 - side, k, (whole,))
                if inside > best:
                    best, found = inside, k
        return found


class _Pieces:
    """The state of step 4: who is matched to whom, and who is already a piece of a group."""

    def __init__(self, result: Matching):
        self.result = result
        self.links = ({i: j for i, (j, _s) in result.pairs.items()}, result.new_of())
        self.grouped: tuple[set[int], set[int]] = (set(), set())

    def partner(self, side: int, k: int) -> int | None:
        return self.links[side].get(k)

    def free(self, side: int, k: int, whole: int) -> bool:
        """Element ``k`` of the other side is in no group and unmatched, or matched to ``whole``."""
        return k not in self.grouped[1 - side] and self.links[1 - side].get(k, whole) == whole

    def group(self, side: int, whole: int, run: tuple[int, ...]) -> None:
        for here, k in ((side, whole), *((1 - side, k) for k in run)):  # each element with its side
            partner = self.links[here].pop(k, None)
            if partner is not None:
                self.links[1 - here].pop(partner, None)
            if here == 0:
                self.result.pairs.pop(k, None)
                self.result.moved.discard(k)
            self.grouped[here].add(k)
        groups = ("split", (whole,), run) if side == 0 else ("merge", run, (whole,))
        self.result.groups.append(groups)


def match(old: Sequence[Node], new: Sequence[Node], bonus: Callable[[int, int], float] | None = None,
          hints: Iterable[tuple[int, int]] = ()) -> Matching:
    """Match two editions' elements of one kind in one language (see the module docstring)."""
    return Matcher(old, new, bonus, hints).run()
