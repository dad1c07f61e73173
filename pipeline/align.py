"""Stage 4 — align: link each part, section and activity to its counterparts in the other versions.

Parts are aligned first, then sections (their parts' rows one signal), then activities (their
sections' rows one signal).  Two versions are linked by :func:`pipeline.align_match.link`: a
global assignment over candidate pairs, the order one signal among the elements' numbers,
agencies, periods, digits, lengths and words (through a translation table learnt from the
plan: its aligned headings, needs, aims and objectives and its confidently linked
activities); an activity printed far from its place is linked where it is, and two
activities printed as one in a version are linked to that one (a 1:2 row).  Three or more
versions are aligned through a pivot (the version with most elements); elements the pivot
lacks are linked among the other versions in the same way.

The result is one :class:`~pipeline.model.Alignment` row per element: parts first, then
sections, then activities, each in pivot order; ``None`` where a version lacks the element.
A 1:2 row is written as two rows, one per element of the version printing two, which share
the id of the version printing one.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from .align_features import DIGITS, Features, number_of, relative, similarity, stems
from .align_match import link
from .model import LISTS, Activity, Alignment, Plan, Version

Training = dict[tuple[str, str], list[tuple[frozenset, frozenset]]]


@dataclass(slots=True)
class _Row:
    """A row being built: each version's element indices (two where it prints two elements the
    others print as one), and whether a version's link crosses the order of the pivot."""

    refs: dict[str, tuple[int, ...]]
    crossed: bool = False


# --- many versions ----------------------------------------------------------------------------

def _rows(kind: str, items: dict[str, list[Features]], training: Training | None = None) -> list[Alignment]:
    """Rows over all versions: through the pivot, then among the elements it lacks."""
    langs = list(items)
    pivot = max(langs, key=lambda l: len(items[l]))
    found = {lang: link(items[pivot], items[lang], (training or {}).get((pivot, lang), ()), joins=kind == "activity")
             for lang in langs if lang != pivot}
    _agree(found, {lang: len(items[lang]) for lang in found})
    rows = [_Row({pivot: (k,)}) for k in range(len(items[pivot]))]
    leftovers: dict[str, list[int]] = {}
    for lang, links in found.items():
        for n, (one, other) in enumerate(links.pairs):
            for i in one:
                rows[i].refs[lang] = other
                rows[i].crossed |= n in links.crossed
        linked = {j for _, other in links.pairs for j in other}
        leftovers[lang] = [j for j in range(len(items[lang])) if j not in linked]
    rows.extend(_leftover_rows(items, leftovers, training or {}))
    return [_alignment(kind, row, items, langs) for grouped in _ordered(rows, pivot) for row in _expanded(grouped)]


def _agree(found: dict, sizes: dict[str, int]) -> None:
    """Make the versions agree on 1:2 links with the pivot: two pivot elements one version prints
    as one are one wherever a version links one of them and leaves the other unlinked; one pivot
    element another version prints as two is two wherever a version links it to one element
    beside an unlinked one."""
    twos = {one for links in found.values() for one, _ in links.pairs if len(one) == 2}
    split = {one[0] for links in found.values() for one, other in links.pairs if len(other) == 2}
    for lang, links in found.items():
        where = {i: n for n, (one, _) in enumerate(links.pairs) for i in one}
        linked = {j for _, other in links.pairs for j in other}
        for first, second in sorted(twos):
            if (first in where) != (second in where):
                n = where.get(first, where.get(second))
                if links.pairs[n][0] != (first, second) and len(links.pairs[n][1]) == 1:
                    links.pairs[n] = ((first, second), links.pairs[n][1])
        for i in sorted(split & set(where)):
            one, other = links.pairs[where[i]]
            beside = [j for j in (other[0] - 1, other[0] + 1) if 0 <= j < sizes[lang] and j not in linked]
            if len(one) == 1 and len(other) == 1 and len(beside) == 1:
                links.pairs[where[i]] = (one, tuple(sorted((other[0], beside[0]))))
                linked.add(beside[0])


def _leftover_rows(items: dict[str, list[Features]], leftovers: dict[str, list[int]], training: Training) -> list[_Row]:
    """Rows for elements the pivot lacks, linked among the other versions where they agree."""
    langs = [l for l in leftovers if leftovers[l]]
    if not langs:
        return []
    first = langs[0]
    rows = [_Row({first: (j,)}) for j in leftovers[first]]
    for lang in langs[1:]:
        a = [items[first][j] for j in leftovers[first]]
        b = [items[lang][j] for j in leftovers[lang]]
        links = link(a, b, training.get((first, lang), ()))
        for one, other in links.pairs:
            for i in one:
                rows[i].refs[lang] = tuple(leftovers[lang][j] for j in other)
        linked = {j for _, other in links.pairs for j in other}
        rows.extend(_Row({lang: (leftovers[lang][j],)}) for j in range(len(b)) if j not in linked)
    return rows


def _ordered(rows: list[_Row], pivot: str) -> list[_Row]:
    """Rows in reading order: pivot rows by the pivot's order; a row the pivot lacks right
    after the pivot row that holds its nearest preceding element."""
    key_of: dict[tuple[str, int], int] = {}
    for row in rows:
        if pivot in row.refs:
            for lang, indices in row.refs.items():
                for index in indices:
                    key_of[(lang, index)] = row.refs[pivot][0]

    def key(row):
        if pivot in row.refs:
            return (row.refs[pivot][0], 0, 0)
        lang, indices = next(iter(row.refs.items()))
        before = next((key_of[(lang, k)] for k in range(indices[0] - 1, -1, -1) if (lang, k) in key_of), -1)
        return (before, 1, indices[0])
    return sorted(rows, key=key)


def _expanded(row: _Row) -> list[_Row]:
    """A 1:2 row as two rows sharing the elements of the versions that print one."""
    if all(len(indices) == 1 for indices in row.refs.values()):
        return [row]
    return [_Row({lang: (indices[k],) if len(indices) > 1 else indices for lang, indices in row.refs.items()},
                 row.crossed) for k in (0, -1)]


def _alignment(kind: str, row: _Row, items: dict[str, list[Features]], langs: list[str]) -> Alignment:
    members = [items[l][row.refs[l][0]] for l in langs if l in row.refs]
    sims = [similarity(x, y) for x, y in combinations(members, 2)]
    return Alignment(kind, tuple((l, items[l][row.refs[l][0]].id if l in row.refs else None) for l in langs),
                     sum(sims) / len(sims) if sims else 1.0, row.crossed)


# --- the plan ---------------------------------------------------------------------------------

def _part_items(version: Version) -> list[Features]:
    parts = version.parts
    lengths = relative([len(p.title or p.heading or "") for p in parts])
    sizes = relative([sum(len(s.activities) for s in p.sections) for p in parts])
    return [Features(p.id, number_of(p.number), None, length, size=size)
            for p, length, size in zip(parts, lengths, sizes)]


def _section_items(version: Version, part_row: dict[str, int]) -> list[Features]:
    pairs = [(part, s) for part in version.parts for s in part.sections]
    lengths = relative([len(s.title or s.heading or "") + 20 * len(s.activities) for _, s in pairs])
    sizes = relative([len(s.activities) for _, s in pairs])
    return [Features(s.id, number_of(s.number), part_row.get(part.id), length, size=size)
            for (part, s), length, size in zip(pairs, lengths, sizes)]


def _activity_items(version: Version, section_row: dict[str, int]) -> list[Features]:
    pairs = [(s, a) for s in version.sections() for a in s.activities]
    lengths = relative([len(a.text) for _, a in pairs])
    items = []
    for (section, act), length in zip(pairs, lengths):
        period = act.period
        items.append(Features(
            act.id, number_of(act.number), section_row.get(section.id), length,
            agencies=frozenset(g.id for g in act.agencies if g.id),
            digits=frozenset(DIGITS.findall(" ".join((act.text, *act.indicators)))),
            period=(period.start, period.end, period.kind, period.start_month, period.end_month) if period else None,
            words=stems(act.text, *act.indicators),
            own=Features(act.id, None, None, length, digits=frozenset(DIGITS.findall(act.text)), words=stems(act.text))))
    return items


def _row_index(rows: list[Alignment]) -> dict[str, int]:
    return {ref: n for n, row in enumerate(rows) for _, ref in row.refs if ref}


def _text_pairs(a, b) -> list[tuple[frozenset, frozenset]]:
    """Word stems of the texts of two aligned parts or sections that translate one another:
    their titles and, list by list where both hold as many, their needs, aims and objectives."""
    texts = [(a.title, b.title)]
    for name in LISTS:
        one, other = getattr(a, name), getattr(b, name)
        if len(one) == len(other):
            texts.extend((x.text, y.text) for x, y in zip(one, other))
    return [(stems(x), stems(y)) for x, y in texts if x and y]


def _training(versions: tuple[Version, ...], rows: list[Alignment]) -> Training:
    """For each pair of versions, the stems of their aligned parts' and sections' texts: what
    the translation table learns from before any activity is linked."""
    nodes = {n.id: n for v in versions for n in v.nodes() if not isinstance(n, Activity)}
    out: Training = {}
    for row in rows:
        present = [(lang, nodes[ref]) for lang, ref in row.refs if ref]
        for (la, a), (lb, b) in combinations(present, 2):
            pairs = _text_pairs(a, b)
            out.setdefault((la, lb), []).extend(pairs)
            out.setdefault((lb, la), []).extend((y, x) for x, y in pairs)
    return out


def plan_to_alignment(plan: Plan) -> tuple[Alignment, ...]:
    """Alignment rows of the plan's parts, sections and activities across its versions
    (empty for a plan with fewer than two versions)."""
    versions = plan.versions
    if len(versions) < 2:
        return ()
    parts = _rows("part", {v.lang: _part_items(v) for v in versions})
    sections = _rows("section", {v.lang: _section_items(v, _row_index(parts)) for v in versions})
    training = _training(versions, parts + sections)
    activities = _rows("activity", {v.lang: _activity_items(v, _row_index(sections)) for v in versions}, training)
    return tuple(parts + sections + activities)
