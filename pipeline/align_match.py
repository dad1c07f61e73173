"""Linking the elements of two versions: candidate pairs, a global assignment, 1:2 rows.

:func:`link` works in two rounds.  Each element is compared with the elements of the other
version near where the order puts its counterpart (its aligned section's, and a few places
either side) — the *order* is one signal among the others, not a constraint.  An assignment
(:func:`assign`: the one-to-one links with the greatest total similarity above
:data:`THRESHOLD`, by Bertsekas' auction) links them.  The confident links of the first round
(clearly better than any alternative, between neighbours linked to neighbours, in order)
teach a translation table (:func:`~pipeline.align_features.learn`), place the order more
precisely and tell how much longer one version's texts run than the other's; the second
round rescores every candidate with them, and elements still unlinked look for counterparts
anywhere in the other version through an index of printed numbers and translated words — an
activity printed in another part is found where it is.  Two neighbours that together match
one element of the other version better than the links they have (one version prints two
activities as one) are joined to it: a 1:2 link.  Links against the order of the others —
in no longest chain of links in order, or in some but not all, as two swapped neighbours —
are *crossed*.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Sequence

from .align_features import Features, Table, agreement, combined, cover, learn, similarity

THRESHOLD = 0.4  # a link must be more similar than this to beat leaving both elements unlinked
WINDOW = 3  # candidates this many places either side of where the order puts the counterpart
MAX_LOOSE = 12  # ... and as many more as the order is loose there, up to this
GROUP = 30  # ... and every element of the aligned section, when it holds no more than this
RESOLVED = 0.7  # a linked element this similar to its counterpart is not looked up in the index
INDEX_CANDIDATES = 6  # counterparts an unlinked element takes from the index, best first
MAX_POSTING = 60  # a word or number held by more elements than this is no index key
ANCHOR, ANCHOR_MARGIN = 0.6, 0.03  # a confident link: this similar, this far ahead of its rivals
JOIN_GAIN = 0.01  # a 1:2 link must be this much more similar than the 1:1 link it grows from
JOIN_WORDS = 0.15  # ... and its counterpart must translate this much of the words the second element adds
EPSILON = 0.001  # the auction's least bid increment: links this close in similarity are equally good


@dataclass
class Links:
    """Links between two versions: ``pairs`` of index tuples (one index, or two for the side
    of a 1:2 link that prints two elements), in the first version's order; ``crossed`` the
    positions in ``pairs`` of links made against the order."""

    pairs: list[tuple[tuple[int, ...], tuple[int, ...]]] = field(default_factory=list)
    crossed: set[int] = field(default_factory=set)


class _Scorer:
    """Similarities of the pairs of two versions' items, given the order's prediction and
    (second round) the translation table; each pair computed once."""

    def __init__(self, a: Sequence[Features], b: Sequence[Features], predicted: tuple[list, list], table: Table | None,
                 scale: float = 1.0):
        self.a, self.b, self.table, self.scale = a, b, table, scale
        self.predicted, self.loose = predicted
        if table:
            self.words_a = list(zip(table.bags(a), table.known(a)))
            self.words_b = list(zip(table.bags(b, forward=False), table.known(b, first=False)))
        self.cache: dict[tuple[int, int], float] = {}

    def __call__(self, i: int, j: int) -> float:
        key = (i, j)
        if key not in self.cache:
            words = None
            if self.table:
                (bag_a, known_a), (bag_b, known_b) = self.words_a[i], self.words_b[j]
                words = agreement(bag_a, known_a, bag_b, known_b)
            self.cache[key] = similarity(self.a[i], self.b[j], words, self.distance(i, j), self.scale)
        return self.cache[key]

    def distance(self, i: int, j: int) -> float:
        """How far ``b[j]`` stands from where the order puts ``a[i]``'s counterpart."""
        return max(0.0, abs(j - self.predicted[i]) - self.loose[i])

    def bag_a(self, i: int) -> dict | None:
        return self.words_a[i][0] if self.table else None

    def bag_b(self, j: int) -> dict | None:
        return self.words_b[j][0] if self.table else None

    def joined_a(self, first: int, z: int) -> float:
        """Similarity of ``a[first]`` and ``a[first + 1]`` read together with ``b[z]``."""
        return max(self._joined(item, self.b[z], first, z, True) for item in combined(self.a[first], self.a[first + 1]))

    def joined_b(self, y: int, first: int) -> float:
        """Similarity of ``a[y]`` with ``b[first]`` and ``b[first + 1]`` read together."""
        return max(self._joined(self.a[y], item, y, first, False) for item in combined(self.b[first], self.b[first + 1]))

    def _joined(self, x: Features, y: Features, i: int, j: int, a_side: bool) -> float:
        words = None
        if self.table:
            if a_side:
                words = agreement(self.table.bags([x])[0], self.table.known([x])[0], *self.words_b[j])
            else:
                words = agreement(*self.words_a[i], self.table.bags([y], forward=False)[0],
                                  self.table.known([y], first=False)[0])
        return similarity(x, y, words, self.distance(i, j), self.scale)

    def own(self, x: int, y: int, z: int, a_side: bool) -> float | None:
        """How much of the words of element ``x``'s text beyond its neighbour ``y``'s (both of
        version ``a`` if ``a_side``) the counterpart ``z`` (of the other version) translates."""
        if not self.table:
            return None
        items, other = (self.a, self.words_b) if a_side else (self.b, self.words_a)
        text = items[x].own or items[x]
        only = replace(text, words=text.words - items[y].words)
        return cover(other[z][0], *self.table.known([only], first=a_side)[0])


# --- the order ----------------------------------------------------------------------------------

def _lengths(values: Sequence[int]) -> list[int]:
    """For each position, the length of the longest increasing run of values ending there."""
    tails: list[int] = []
    out = []
    for v in values:
        k = bisect_left(tails, v)
        tails[k:k + 1] = [v]
        out.append(k + 1)
    return out


def in_every_longest_chain(values: Sequence[int]) -> list[bool]:
    """For each position, whether it is part of every longest increasing subsequence.

    >>> in_every_longest_chain([0, 1, 9, 2, 3, 4])  # 9 was moved
    [True, True, False, True, True, True]
    >>> in_every_longest_chain([0, 2, 1, 3])  # 1 and 2 swapped: either may have moved
    [True, False, False, True]
    """
    if not values:
        return []
    ending = _lengths(values)
    starting = _lengths([-v for v in reversed(values)])[::-1]
    longest = max(ending)
    on = [e + s - 1 == longest for e, s in zip(ending, starting)]
    levels = Counter(e for e, o in zip(ending, on) if o)
    return [o and levels[e] == 1 for e, o in zip(ending, on)]


def _chain(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The pairs (sorted) that lie in every longest chain increasing in both indices."""
    pairs = sorted(pairs)
    keep = in_every_longest_chain([j for _, j in pairs])
    return [p for p, k in zip(pairs, keep) if k]


def _predicted(anchors: list[tuple[int, int]], n: int, m: int) -> tuple[list[float], list[float]]:
    """Where the order puts the counterpart of each of ``n`` elements, and how loosely: by
    linear interpolation between the anchors (pairs increasing in both indices), one place
    per place beyond them; loose by as many places as the stretch between two anchors holds
    more elements on one side than on the other (some of them have no counterpart, and the
    order cannot tell which)."""
    anchors = sorted(set(anchors))
    if not anchors:
        return [i * m / n for i in range(n)], [float(abs(n - m))] * n
    bounds = [(-1, -1), *anchors, (n, m)]
    slack = [abs((x1 - x0) - (y1 - y0)) for (x0, y0), (x1, y1) in zip(bounds, bounds[1:])]
    xs = [i for i, _ in anchors]
    predicted, loose = [], []
    for i in range(n):
        k = bisect_right(xs, i)  # i lies in the stretch after anchors[k - 1]
        on = k > 0 and xs[k - 1] == i
        loose.append(float(max(slack[k], slack[k - 1]) if on else slack[k]))
        if k == 0 or k == len(anchors):
            x, y = anchors[0] if k == 0 else anchors[-1]
            predicted.append(float(y + i - x))
            continue
        (x0, y0), (x1, y1) = anchors[k - 1], anchors[k]
        predicted.append(y0 + (i - x0) * (y1 - y0) / (x1 - x0))
    return predicted, loose


def _groups(items: Sequence[Features]) -> dict[int, list[int]]:
    """Indices of the items under each parent row, in order."""
    out: dict[int, list[int]] = {}
    for n, item in enumerate(items):
        if item.parent is not None:
            out.setdefault(item.parent, []).append(n)
    return out


def _group_anchors(a_groups: dict, b_groups: dict) -> list[tuple[int, int]]:
    """The first and the last elements of each parent present in both versions, in order."""
    pairs = [(a_groups[p][k], b_groups[p][k]) for p in a_groups if p in b_groups for k in (0, -1)]
    return _chain(list(set(pairs)))


# --- the assignment -------------------------------------------------------------------------------

def assign(m: int, candidates: list[dict[int, float]]) -> dict[int, int]:
    """The one-to-one links ``{i: j}`` among ``candidates`` (``candidates[i][j]`` = similarity)
    of greatest total similarity above :data:`THRESHOLD`; an element may stay unlinked.

    A forward auction (Bertsekas 1988): each unlinked element bids for the counterpart that
    profits it most at the current prices, raising its price by how much better it is than
    the next best (staying unlinked profits nothing) plus :data:`EPSILON`; the result is
    within :data:`EPSILON` per link of the best total.

    >>> assign(2, [{0: 0.9, 1: 0.8}, {0: 0.95}])
    {0: 1, 1: 0}
    """
    values = [[(j, s - THRESHOLD) for j, s in sorted(c.items()) if s > THRESHOLD] for c in candidates]
    price = [0.0] * m
    owner = [-1] * m
    mine = [-1] * len(values)
    todo = [i for i in range(len(values) - 1, -1, -1) if values[i]]
    while todo:
        i = todo.pop()
        best, first, second = -1, 0.0, 0.0
        for j, w in values[i]:
            v = w - price[j]
            if v > first:
                best, first, second = j, v, first
            elif v > second:
                second = v
        if best < 0:
            continue
        price[best] += first - second + EPSILON
        if owner[best] >= 0:
            mine[owner[best]] = -1
            todo.append(owner[best])
        owner[best], mine[i] = i, best
    return {i: j for i, j in enumerate(mine) if j >= 0}


# --- candidates -------------------------------------------------------------------------------------

def _nearby(score: _Scorer, n: int, m: int, b_groups: dict) -> list[dict[int, float]]:
    """Candidates near where the order puts each counterpart, and in the aligned parent."""
    out = []
    for i in range(n):
        centre, reach = round(score.predicted[i]), WINDOW + min(int(score.loose[i]), MAX_LOOSE)
        js = set(range(max(0, centre - reach), min(m, centre + reach + 1)))
        parent = score.a[i].parent
        if parent in b_groups and len(b_groups[parent]) <= GROUP:
            js.update(b_groups[parent])
        found = {}
        for j in sorted(js):
            s = score(i, j)
            if s > THRESHOLD:
                found[j] = s
        out.append(found)
    return out


class _Index:
    """Elements of one version by printed number and by word stem, for look-ups from anywhere."""

    def __init__(self, items: Sequence[Features]):
        self.numbers: dict = {}
        self.words: dict = {}
        for n, item in enumerate(items):
            if item.number:
                self.numbers.setdefault(item.number, []).append(n)
            for w in item.words:
                self.words.setdefault(w, []).append(n)

    def look_up(self, item: Features, bag: dict | None, weights: dict | None) -> list[int]:
        """The elements sharing the item's printed number, and those holding most of the
        (weighted) translations of its words."""
        found = [n for n in self.numbers.get(item.number, ()) if len(self.numbers[item.number]) <= MAX_POSTING]
        votes: Counter = Counter()
        for w, dice in (bag or {}).items():
            posting = self.words.get(w, ())
            if 0 < len(posting) <= MAX_POSTING:
                for n in posting:
                    votes[n] += dice * weights.get(w, 0.0)
        found += [n for n, _ in sorted(votes.items(), key=lambda v: (-v[1], v[0]))[:INDEX_CANDIDATES]]
        return found


def _looked_up(score: _Scorer, candidates: list[dict], links: dict[int, int], m: int) -> None:
    """Add to ``candidates`` the index's counterparts of the elements on either side that the
    nearby candidates leave unlinked or weakly linked."""
    weak_a = [i for i in range(len(score.a)) if i not in links or score(i, links[i]) < RESOLVED]
    linked_b = {j: i for i, j in links.items()}
    weak_b = [j for j in range(m) if j not in linked_b or score(linked_b[j], j) < RESOLVED]
    table = score.table
    pairs = []
    if weak_a:
        index = _Index(score.b)
        pairs += [(i, j) for i in weak_a for j in index.look_up(score.a[i], score.bag_a(i), table and table.weight_b)]
    if weak_b:
        index = _Index(score.a)
        pairs += [(i, j) for j in weak_b for i in index.look_up(score.b[j], score.bag_b(j), table and table.weight_a)]
    for i, j in pairs:
        s = score(i, j)
        if s > THRESHOLD:
            candidates[i][j] = s


def _confident(links: dict[int, int], candidates: list[dict[int, float]], n: int, m: int) -> list[tuple[int, int]]:
    """Links clearly better than any rival of either element, between neighbours linked to
    neighbours (an element left over or linked elsewhere makes its neighbours' links doubtful:
    which of two near-identical activities went missing is what the table must decide), in
    every longest chain in order."""
    rivals_b: dict[int, list[float]] = {}
    for i, found in enumerate(candidates):
        for j, s in found.items():
            if links.get(i) != j:
                rivals_b.setdefault(j, []).append(s)
    out = []
    for i, j in links.items():
        s = candidates[i][j]
        rival = max([v for k, v in candidates[i].items() if k != j] + rivals_b.get(j, []), default=0.0)
        beside = all(links.get(i + d) == j + d or not (0 <= i + d < n or 0 <= j + d < m) for d in (-1, 1))
        if s >= ANCHOR and s - rival >= ANCHOR_MARGIN and beside:
            out.append((i, j))
    return _chain(out)


# --- 1:2 links ----------------------------------------------------------------------------------------

def _joined(score: _Scorer, links: dict[int, int], candidates: list[dict[int, float]], n: int, m: int) -> list:
    """1:2 links, taken into ``links`` (changed in place): two neighbours of one version read
    together against one element of the other, where that is worth more (by :data:`JOIN_GAIN`)
    than the links it replaces — the one element's link to one of the two, the other's own link
    if it has one (its counterpart then free for an unlinked element) — and the one element
    translates enough of the words the other of the two adds (:data:`JOIN_WORDS`): one version
    prints the two as one.  Each element joins once, the greatest gains first."""
    options = [*_join_options(score, links, _by_b(candidates), n, True),
               *_join_options(score, {j: i for i, j in links.items()}, dict(enumerate(candidates)), m, False)]
    taken: set = set()
    out = []
    for _gain, (one, other, moves, freed) in sorted(options, key=lambda o: (-o[0], o[1][0], o[1][1])):
        touched = {("a", i) for i in one} | {("b", j) for j in other} | {k for move in moves for k in move} | freed
        if taken.isdisjoint(touched):
            taken |= touched
            for i in one:
                links.pop(i, None)
            for j in other:
                links.pop(next((i for i, k in links.items() if k == j), -1), None)
            for (_, i), (_, j) in moves:
                links[i] = j
            out.append((one, other))
    return out


def _by_b(candidates: list[dict[int, float]]) -> dict[int, dict[int, float]]:
    out: dict[int, dict[int, float]] = {}
    for i, found in enumerate(candidates):
        for j, s in found.items():
            out.setdefault(j, {})[i] = s
    return out


def _join_options(score: _Scorer, links: dict[int, int], candidates, size: int, a_side: bool) -> list:
    """(gain, (indices in a, indices in b, links made anew, element set free)) of the
    1:2 links whose two elements are neighbours ``y``, ``x`` of one version (``a`` if ``a_side``:
    ``links`` then go from ``a`` to ``b``, and ``candidates`` from ``b`` to ``a``) and whose one
    element is ``y``'s counterpart ``z``."""
    sim = score if a_side else (lambda x, y: score(y, x))
    unlinked = set(range(size)) - set(links)
    options = []
    for y, z in links.items():
        for x in (x for x in (y - 1, y + 1) if 0 <= x < size):
            gain, moves, freed = -sim(y, z), [], links.get(x)
            if freed is not None:  # x's counterpart goes free: to an unlinked element, or unlinked
                found = [(s, w) for w, s in candidates.get(freed, {}).items() if w in unlinked and s > THRESHOLD]
                best, w = max(found, default=(THRESHOLD, None))
                gain += best - sim(x, freed)
                if w is not None:
                    moves = [(("a", w), ("b", freed))] if a_side else [(("a", freed), ("b", w))]
            if gain + 1.0 < JOIN_GAIN:
                continue  # not even a perfect match of the two together would pay
            first = min(x, y)
            both = score.joined_a(first, z) if a_side else score.joined_b(z, first)
            own = score.own(x, y, z, a_side)
            if gain + both >= JOIN_GAIN and (own is None or own >= JOIN_WORDS):
                pair = ((first, first + 1), (z,)) if a_side else ((z,), (first, first + 1))
                kept = set() if freed is None else {("b" if a_side else "a", freed)}
                options.append((gain + both, (*pair, moves, kept)))
    return options


# --- two versions -------------------------------------------------------------------------------------

def link(a: Sequence[Features], b: Sequence[Features], training: Sequence[tuple[frozenset, frozenset]] = (),
         joins: bool = False) -> Links:
    """Links between two versions' elements (see the module docstring), with 1:2 links where
    ``joins``.  ``training`` are pairs of word stems of texts already known to correspond
    (aligned headings, needs …), which the translation table learns from beside the first
    round's confident links."""
    n, m = len(a), len(b)
    if not n or not m:
        return Links()
    a_groups, b_groups = _groups(a), _groups(b)
    score = _Scorer(a, b, _predicted(_group_anchors(a_groups, b_groups), n, m), None)
    candidates = _nearby(score, n, m, b_groups)
    anchors = _confident(assign(m, candidates), candidates, n, m)
    table = None
    if any(x.words for x in a) and any(y.words for y in b):
        table = learn([*training, *((a[i].words, b[j].words) for i, j in anchors)])
    ratios = sorted(b[j].length / a[i].length for i, j in anchors)  # the versions' relative lengths
    scale = ratios[len(ratios) // 2] if ratios else 1.0
    score = _Scorer(a, b, _predicted(anchors or _group_anchors(a_groups, b_groups), n, m), table, scale)
    candidates = _nearby(score, n, m, b_groups)
    _looked_up(score, candidates, assign(m, candidates), m)
    links = assign(m, candidates)
    joined = _joined(score, links, candidates, n, m) if joins else []
    pairs = sorted([((i,), (j,)) for i, j in links.items()] + joined)
    in_order = in_every_longest_chain([other[0] for _, other in pairs])
    return Links(pairs, {k for k, ok in enumerate(in_order) if not ok})
