"""Stage 4 — align: link each part, section and activity to its counterparts in the other versions.

Printed numbers are wrong exactly where it matters (the Turkmen NAP numbers section 3.3's
activities 1.3.x), so they are one signal among several: position (a monotone alignment,
in the spirit of Gale–Church and hunalign, over whole versions), the aligned section an
activity sits in, its agencies (canonical ids), its period, the digits in its text and
indicators, and its length relative to its version's mean.  A dynamic programme links two
versions; elements left over near each other are then linked against the order when they
are clearly the same (two activities swapped), and such rows are marked ``crossed``.
Three or more versions are aligned through a pivot (the version with most elements);
elements the pivot lacks are linked among the other versions in the same way.

The result is one :class:`~pipeline.model.Alignment` row per element: parts first, then
sections, then activities, each in pivot order; ``None`` where a version lacks the element.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Sequence

import regex

from .model import Alignment, Plan, Version

THRESHOLD = 0.4  # a link must be more similar than this to beat leaving both elements unlinked
REPAIR = 0.6  # elements left over are linked against the order only when this similar
WINDOW = 3  # ... and only this close to where the order would put them
SWAP_MARGIN = 0.15  # two neighbours are swapped when the crossed pairing is this much more similar
BAND = 60  # the dynamic programme looks this far off the diagonal (plus the length difference)

_DIGITS = regex.compile(r"\d+")
_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}


@dataclass(frozen=True, slots=True)
class Item:
    """What the aligner compares about one element."""

    id: str
    number: tuple | None
    parent: int | None  # row of the enclosing part/section in the parent alignment
    length: float  # relative to the version's mean
    agencies: frozenset = frozenset()
    digits: frozenset = frozenset()
    period: tuple | None = None
    size: float | None = None  # number of activities (parts, sections), relative


def _number(text: str | None) -> tuple | None:
    """A printed number as a tuple of ints ('1.3.2' → (1, 3, 2); 'IV' → (4,))."""
    if not text:
        return None
    if regex.fullmatch(r"[IVXLCivxlc]+", text):
        values = [_ROMAN[c] for c in text.lower()]
        return (sum(-v if v < w else v for v, w in zip(values, values[1:] + [0])),)
    found = _DIGITS.findall(text)
    return tuple(int(d) for d in found) or None


def _relative(values: list[float]) -> list[float]:
    mean = sum(values) / len(values) if values else 1.0
    return [max(v, 1.0) / max(mean, 1.0) for v in values]


def _ratio(a: float, b: float) -> float:
    return math.exp(-2 * abs(math.log(a / b)))


def _jaccard(a: frozenset, b: frozenset) -> float:
    return len(a & b) / len(a | b)


def similarity(a: Item, b: Item) -> float:
    """Weighted agreement of two elements' evidence, 0-1; absent evidence does not count."""
    parts = [(1.5, _ratio(a.length, b.length))]
    if a.parent is not None and b.parent is not None:
        parts.append((2.0, float(a.parent == b.parent)))
    if a.number and b.number:
        parts.append((1.5, 1.0 if a.number == b.number else 0.4 if a.number[:-1] == b.number[:-1] else 0.0))
    if a.agencies and b.agencies:
        parts.append((3.0, _jaccard(a.agencies, b.agencies)))
    if a.digits or b.digits:
        parts.append((1.5, _jaccard(a.digits, b.digits)))
    if a.period and b.period:
        parts.append((1.0, 1.0 if a.period == b.period else 0.5 if a.period[1] == b.period[1] else 0.0))
    if a.size is not None and b.size is not None:
        parts.append((1.0, _ratio(a.size, b.size)))
    return sum(w * v for w, v in parts) / sum(w for w, _ in parts)


# --- two sequences ----------------------------------------------------------------------------

Sim = Callable[[int, int], float]


def _dp(n: int, m: int, sim: Sim) -> list[tuple[int, int]]:
    """Monotone links (i, j) maximising the sum of (similarity - THRESHOLD); gaps cost nothing.

    Cells within the band only; one row of scores at a time and a byte per cell for the way
    back (0 diagonal, 1 up, 2 left), so memory is O(n · band) bytes."""
    band = BAND + abs(n - m)
    lows, moves = [1], [bytearray()]
    prev_low, prev = 1, [0.0] * m  # row 0: every cell scores 0
    for i in range(1, n + 1):
        centre = round(i * m / n) if n else 0
        low, high = max(1, centre - band), min(m, centre + band)
        row, way = [], bytearray()

        def above(j: int) -> float:
            k = j - prev_low
            return prev[k] if 0 <= k < len(prev) else (0.0 if i == 1 else -math.inf)
        for j in range(low, high + 1):
            s = sim(i - 1, j - 1) - THRESHOLD
            up = above(j)
            left = row[-1] if row else (0.0 if j == 1 else -math.inf)
            best, move = (up, 1) if up >= left else (left, 2)
            if s > 0:
                diagonal = (0.0 if j == 1 or i == 1 else above(j - 1)) + s
                if diagonal >= best:
                    best, move = diagonal, 0
            row.append(best)
            way.append(move)
        lows.append(low)
        moves.append(way)
        prev_low, prev = low, row
    links, i, j = [], n, m
    while i > 0 and j > 0 and 0 <= j - lows[i] < len(moves[i]):
        move = moves[i][j - lows[i]]
        if move == 0:
            links.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif move == 1:
            i -= 1
        else:
            j -= 1
    return links[::-1]


def _repair(links: list[tuple[int, int]], n: int, m: int, sim: Sim) -> tuple[list, set]:
    """Link elements left over by the monotone alignment when they are clearly the same and
    close to where the order puts them (a swap); returns the links and the crossed ones."""
    linked_a, linked_b = {i for i, _ in links}, {j for _, j in links}
    partner = dict(links)
    crossed: set[tuple[int, int]] = set()
    for i in [i for i in range(n) if i not in linked_a]:
        before = max((partner[k] for k in partner if k < i), default=-1)
        candidates = [j for j in range(max(0, before - WINDOW), min(m, before + WINDOW + 2))
                      if j not in linked_b and sim(i, j) > REPAIR]
        if not candidates:
            continue
        j = max(candidates, key=lambda c: sim(i, c))
        links.append((i, j))
        linked_b.add(j)
        partner[i] = j
        for k, l in links:
            if (k - i) * (l - j) < 0:
                crossed.update({(k, l), (i, j)})
    return sorted(links), crossed


def _swaps(links: list[tuple[int, int]], sim: Sim, crossed: set) -> list[tuple[int, int]]:
    """Exchange the partners of two neighbouring links when the crossed pairing is clearly
    more similar (two activities printed in the opposite order)."""
    links = sorted(links)
    for n in range(len(links) - 1):
        (i, j), (k, l) = links[n], links[n + 1]
        if k == i + 1 and l == j + 1 and sim(i, l) + sim(k, j) > sim(i, j) + sim(k, l) + SWAP_MARGIN \
                and min(sim(i, l), sim(k, j)) > THRESHOLD:
            links[n], links[n + 1] = (i, l), (k, j)
            crossed.update({(i, l), (k, j)})
    return links


def link(a: Sequence[Item], b: Sequence[Item]) -> tuple[list[tuple[int, int]], set]:
    """Links between two versions' elements, and those made against the order.  Similarities
    are not kept: the programme asks for each cell once, repair and swaps for a few again."""
    def sim(i: int, j: int) -> float:
        return similarity(a[i], b[j])
    links, crossed = _repair(_dp(len(a), len(b), sim), len(a), len(b), sim)
    return _swaps(links, sim, crossed), crossed


# --- many versions ----------------------------------------------------------------------------

def _rows(kind: str, items: dict[str, list[Item]]) -> list[Alignment]:
    """Rows over all versions: through the pivot, then among the elements it lacks."""
    langs = list(items)
    pivot = max(langs, key=lambda l: len(items[l]))
    rows: list[dict] = [{"refs": {pivot: k}, "crossed": False} for k in range(len(items[pivot]))]
    leftovers: dict[str, list[int]] = {}
    for lang in langs:
        if lang == pivot:
            continue
        links, crossed = link(items[pivot], items[lang])
        for i, j in links:
            rows[i]["refs"][lang] = j
            rows[i]["crossed"] |= (i, j) in crossed
        linked = {j for _, j in links}
        leftovers[lang] = [j for j in range(len(items[lang])) if j not in linked]
    rows.extend(_leftover_rows(items, leftovers))
    return [_alignment(kind, row, items, langs) for row in _ordered(rows, pivot)]


def _leftover_rows(items: dict[str, list[Item]], leftovers: dict[str, list[int]]) -> list[dict]:
    """Rows for elements the pivot lacks, linked among the other versions where they agree."""
    langs = [l for l in leftovers if leftovers[l]]
    rows = [{"refs": {langs[0]: j}, "crossed": False} for j in leftovers[langs[0]]] if langs else []
    for lang in langs[1:]:
        first = langs[0]
        a = [items[first][j] for j in leftovers[first]]
        b = [items[lang][j] for j in leftovers[lang]]
        links, _ = link(a, b)
        for i, j in links:
            rows[i]["refs"][lang] = leftovers[lang][j]
        linked = {j for _, j in links}
        rows.extend({"refs": {lang: leftovers[lang][j]}, "crossed": False} for j in range(len(b)) if j not in linked)
    return rows


def _ordered(rows: list[dict], pivot: str) -> list[dict]:
    """Rows in reading order: pivot rows by the pivot's order; a row the pivot lacks right
    after the pivot row that holds its nearest preceding element."""
    key_of: dict[tuple[str, int], tuple] = {}
    for row in rows:
        if pivot in row["refs"]:
            for lang, index in row["refs"].items():
                key_of[(lang, index)] = (row["refs"][pivot], 0, 0)

    def key(row):
        if pivot in row["refs"]:
            return (row["refs"][pivot], 0, 0)
        lang, index = next(iter(row["refs"].items()))
        before = next((key_of[(lang, k)] for k in range(index - 1, -1, -1) if (lang, k) in key_of), (-1,))
        return (before[0], 1, index)
    return sorted(rows, key=key)


def _alignment(kind: str, row: dict, items: dict[str, list[Item]], langs: list[str]) -> Alignment:
    members = [items[l][row["refs"][l]] for l in langs if l in row["refs"]]
    sims = [similarity(x, y) for n, x in enumerate(members) for y in members[n + 1:]]
    return Alignment(kind, tuple((l, items[l][row["refs"][l]].id if l in row["refs"] else None) for l in langs),
                     sum(sims) / len(sims) if sims else 1.0, row["crossed"])


# --- the plan ---------------------------------------------------------------------------------

def _part_items(version: Version) -> list[Item]:
    parts = version.parts
    lengths = _relative([len(p.title or p.heading or "") for p in parts])
    sizes = _relative([sum(len(s.activities) for s in p.sections) for p in parts])
    return [Item(p.id, _number(p.number), None, length, size=size)
            for p, length, size in zip(parts, lengths, sizes)]


def _section_items(version: Version, part_row: dict[str, int]) -> list[Item]:
    pairs = [(part, s) for part in version.parts for s in part.sections]
    lengths = _relative([len(s.title or s.heading or "") + 20 * len(s.activities) for _, s in pairs])
    sizes = _relative([len(s.activities) for _, s in pairs])
    return [Item(s.id, _number(s.number), part_row.get(part.id), length, size=size)
            for (part, s), length, size in zip(pairs, lengths, sizes)]


def _activity_items(version: Version, section_row: dict[str, int]) -> list[Item]:
    pairs = [(s, a) for part in version.parts for s in part.sections for a in s.activities]
    lengths = _relative([len(a.text) for _, a in pairs])
    items = []
    for (section, act), length in zip(pairs, lengths):
        period = act.period
        items.append(Item(
            act.id, _number(act.number), section_row.get(section.id), length,
            agencies=frozenset(g.id for g in act.agencies if g.id),
            digits=frozenset(_DIGITS.findall(" ".join((act.text, *act.indicators)))),
            period=(period.start, period.end, period.kind, period.start_month, period.end_month) if period else None))
    return items


def _row_index(rows: list[Alignment]) -> dict[str, int]:
    return {ref: n for n, row in enumerate(rows) for _, ref in row.refs if ref}


def plan_to_alignment(plan: Plan) -> tuple[Alignment, ...]:
    """Alignment rows of the plan's parts, sections and activities across its versions
    (empty for a plan with fewer than two versions)."""
    versions = plan.versions
    if len(versions) < 2:
        return ()
    parts = _rows("part", {v.lang: _part_items(v) for v in versions})
    sections = _rows("section", {v.lang: _section_items(v, _row_index(parts)) for v in versions})
    activities = _rows("activity", {v.lang: _activity_items(v, _row_index(sections)) for v in versions})
    return tuple(parts + sections + activities)
