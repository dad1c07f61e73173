"""Stage 5, continued — the checks across versions, over the alignment.

``check.py`` imports this module after its own checks, so these register (and run) last, in
the order written here.  Each alignment row links one element per version; a 1:2 row — one
version printing as one activity what another prints as two — comes as two rows sharing the
id of the version printing one, and is checked as one *group*: its versions' values compared
as wholes (the two activities' agencies together against the one's).
"""
from __future__ import annotations

import functools
from collections import Counter
from typing import Iterator

import regex

from .check import _evidence, check
from .chars import APOSTROPHES, HYPHENS, char_class
from .lexicon import key, lexicon_for
from .model import LISTS, Finding, Plan

class Place:
    """An element and where it is printed: its version, section and preceding activity."""

    __slots__ = ("element", "lang", "section", "before")

    def __init__(self, element, lang: str, section=None, before=None):
        self.element, self.lang, self.section, self.before = element, lang, section, before


def _places(plan: Plan) -> dict[str, Place]:
    """Every part, section and activity of ``plan`` by id, with where it is printed — built for
    each check that needs it (no state kept between calls, so plans checked at once in threads
    never share one)."""
    places = {}
    for version in plan.versions:
        places.update((part.id, Place(part, version.lang)) for part in version.parts)
        before = None
        for section in version.sections():
            places[section.id] = Place(section, version.lang)
            for act in section.activities:
                places[act.id] = Place(act, version.lang, section, before)
                before = act
    return places


def _groups(plan: Plan, kind: str) -> Iterator[tuple[bool, list]]:
    """(crossed, members) of each group of alignment rows of ``kind``: members are
    [(lang, (element, …))], no element where a version lacks it, two where it prints two."""
    rows = [row for row in plan.alignment if row.kind == kind]
    places = _places(plan) if rows else {}
    n = 0
    while n < len(rows):
        group = [rows[n]]
        while n + len(group) < len(rows) and _shares(group[-1], rows[n + len(group)]):
            group.append(rows[n + len(group)])
        n += len(group)
        langs = [lang for lang, _ in group[0].refs]
        members = [(lang, tuple(places[ref].element for ref in dict.fromkeys(row.ref(lang) for row in group) if ref))
                   for lang in langs]
        yield any(row.crossed for row in group), members


def _shares(one, other) -> bool:
    return any(ref and ref == other.ref(lang) for lang, ref in one.refs)


def _refs(members) -> tuple[str, ...]:
    return tuple(e.id for _, els in members for e in els)


def _present(members) -> list[tuple[str, object]]:
    return [(lang, e) for lang, els in members for e in els]


def _label(members) -> str:
    return "/".join(dict.fromkeys(str(getattr(e, "number", None) or e.id) for _, e in _present(members)))


def _differ(members, value, kind: str, what: str, detail=None) -> Iterator[tuple]:
    """(refs, message, evidence) when the linked elements disagree on ``value`` (of a version's
    elements, a tuple); the evidence shows each element's compared value and (``detail``) the
    printed text it comes from."""
    values = {lang: value(els) for lang, els in members if els}
    if len(values) > 1 and len(set(values.values())) > 1:
        return _different(members, values, kind, what, detail)
    return iter(())


def _different(members, values: dict, kind: str, what: str, detail=None) -> Iterator[tuple]:
    shown = "; ".join(f"{lang} {_show(v)}" for lang, v in values.items())
    extra = detail or (lambda e: {})
    yield _refs(members), f"{kind} {_label(members)}: {what} differ — {shown}", tuple(
        _evidence(lang, e, **{what.replace(" ", "_"): _show(values[lang])}, **extra(e)) for lang, e in _present(members))


def _show(value) -> str:
    if isinstance(value, (tuple, list, frozenset, set)):
        return "[" + ", ".join(str(v) for v in sorted(value, key=str)) + "]"
    return str(value)


@check("MISSING_ACTIVITY", "error")
def missing_activity(plan: Plan, code: str, severity: str) -> Iterator[Finding]:
    """An activity is present in some language versions only."""
    for _crossed, members in _groups(plan, "activity"):
        missing = [lang for lang, els in members if not els]
        if missing:
            present = _present(members)
            yield Finding(code, severity, ",".join(missing), _refs(members), (
                f"activity {present[0][1].number or present[0][1].id} ({present[0][0]}) has no counterpart in "
                f"{', '.join(missing)}"), tuple(_evidence(lang, e) for lang, e in present))


@check("MERGED_ACTIVITY", "warning")
def merged_activity(plan: Plan, code: str, severity: str) -> Iterator[Finding]:
    """One version prints as one activity what another prints as two (activities merged or split)."""
    for _crossed, members in _groups(plan, "activity"):
        present = [(lang, els) for lang, els in members if els]
        ones = [lang for lang, els in present if len(els) == 1]
        twos = [lang for lang, els in present if len(els) == 2]
        if not ones or not twos:
            continue
        odd = ones if len(ones) <= len(twos) else twos
        printed = {lang: " and ".join(e.number or e.id for e in els) for lang, els in present}
        yield Finding(code, severity, ",".join(odd), _refs(members), (
            f"{', '.join(ones)} print{'s' * (len(ones) == 1)} as one activity what {', '.join(twos)} "
            f"print{'s' * (len(twos) == 1)} as two: " + "; ".join(f"{lang} {printed[lang]}" for lang, _ in present)),
            tuple(_evidence(lang, e, text=e.text[:400]) for lang, e in _present(members)))


@check("NUM_MISMATCH", "error")
def num_mismatch(plan: Plan, code: str, severity: str) -> Iterator[Finding]:
    """Aligned activities carry different printed numbers in different versions."""
    for _crossed, members in _groups(plan, "activity"):
        for refs, message, evidence in _differ(members, lambda els: els[0].number, "activity", "printed numbers"):
            yield Finding(code, severity, "*", refs, message, evidence)


def _place(places: dict[str, Place], act) -> dict:
    place = places[act.id]
    section = place.section
    return {"section": section.id, "section_number": section.number,
            "after": place.before.number or place.before.id if place.before else None}


@check("ORDER_MISMATCH", "warning")
def order_mismatch(plan: Plan, code: str, severity: str) -> Iterator[Finding]:
    """Aligned activities appear in a different order in different versions."""
    index = _places(plan)
    for crossed, members in _groups(plan, "activity"):
        if crossed:
            present = _present(members)
            places = [(lang, e, _place(index, e)) for lang, e in present]
            yield Finding(code, severity, "*", _refs(members), (
                f"activity {_label(members)} is printed in another place in some version: " + "; ".join(
                    f"{lang} {e.number or e.id} in section {p['section_number'] or p['section']}"
                    + (f" after {p['after']}" if p["after"] else " first") for lang, e, p in places)),
                tuple(_evidence(lang, e, **p) for lang, e, p in places))


def _counts(node) -> tuple[int, int, int]:
    return len(node.needs), len(node.aims), len(node.objectives)


@check("COUNT_MISMATCH", "warning")
def count_mismatch(plan: Plan, code: str, severity: str) -> Iterator[Finding]:
    """An aligned part or section has different numbers of needs, aims or objectives in different versions."""
    for kind in ("part", "section"):
        for _crossed, members in _groups(plan, kind):
            present = _present(members)
            for n, name in enumerate(LISTS):
                counts = {lang: _counts(e)[n] for lang, e in present}
                if len(set(counts.values())) > 1 and min(counts.values()) > 0:
                    yield Finding(code, severity, "*", _refs(members), (
                        f"{kind} {present[0][1].number or ''} has {name}: "
                        + ", ".join(f"{lang} {c}" for lang, c in counts.items())),
                        tuple(_evidence(lang, e, **{name: [i.text[:120] for i in getattr(e, name)]})
                              for lang, e in present))


@check("MISSING_ELEMENT", "warning")
def missing_element(plan: Plan, code: str, severity: str) -> Iterator[Finding]:
    """A title, part, section, or list of needs, aims or objectives is present in some versions only."""
    titles = {v.lang: v.title for v in plan.versions}
    if len(titles) > 1 and any(titles.values()) and not all(titles.values()):
        missing = [l for l, t in titles.items() if not t]
        yield Finding(code, severity, ",".join(missing), tuple(f"{l}-title" for l in titles if titles[l]),
                      f"the plan title is missing in {', '.join(missing)}")
    for kind in ("part", "section"):
        for _crossed, members in _groups(plan, kind):
            present = _present(members)
            missing = [lang for lang, els in members if not els]
            if missing:
                yield Finding(code, severity, ",".join(missing), _refs(members), (
                    f"{kind} {present[0][1].number or present[0][1].id} is missing in {', '.join(missing)}"),
                    tuple(_evidence(lang, e) for lang, e in present))
            for n, name in enumerate(LISTS):
                empty = [lang for lang, e in present if not _counts(e)[n]]
                if empty and len(empty) < len(present):
                    yield Finding(code, severity, ",".join(empty), _refs(members), (
                        f"{kind} {present[0][1].number or ''} has no {name} in {', '.join(empty)}"),
                        tuple(_evidence(lang, e, **{name: [i.text[:120] for i in getattr(e, name)]})
                              for lang, e in present))


def _period(els) -> tuple | frozenset:
    periods = [(p.start, p.end, p.kind, p.start_month, p.end_month) if p else None for p in (e.period for e in els)]
    return periods[0] if len(periods) == 1 else frozenset(periods)


@check("PERIOD_MISMATCH", "error")
def period_mismatch(plan: Plan, code: str, severity: str) -> Iterator[Finding]:
    """Aligned activities have different implementation periods."""
    for _crossed, members in _groups(plan, "activity"):
        grouped = any(len(els) > 1 for _, els in members)
        value = (lambda els: frozenset(_period((e,)) for e in els)) if grouped else _period
        for refs, message, evidence in _differ(members, value, "activity", "periods",
                                               lambda a: {"compared": a.period.raw if a.period else None}):
            yield Finding(code, severity, "*", refs, message, evidence)


@check("AGENCY_MISMATCH", "warning")
def agency_mismatch(plan: Plan, code: str, severity: str) -> Iterator[Finding]:
    """Aligned activities name different agencies (compared by canonical id)."""
    for _crossed, members in _groups(plan, "activity"):
        for refs, message, evidence in _differ(
                members, lambda els: frozenset(g.id for a in els for g in a.agencies if g.id), "activity", "agencies",
                lambda a: {"compared": [g.name for g in a.agencies]}):
            yield Finding(code, severity, "*", refs, message, evidence)


# --- numbers in texts, in digits or in words ----------------------------------------------------

DIGITS = regex.compile(r"\d+")
_WORD = regex.compile(rf"\p{{L}}[\p{{L}}\p{{M}}{APOSTROPHES}]*")
_JOINER = regex.compile(r"(?:\s|" + char_class(HYPHENS) + ")*")  # what may stand between two words of one number ("twenty-five")
_SCALES = (100, 1000, 1000000)


@functools.cache
def _number_words(lang: str) -> dict[str, int]:
    return dict(lexicon_for(lang).numbers)


def spelled(text: str, lang: str) -> list[int]:
    """The numbers ``text`` spells out in words of its language (``[numbers]`` of its lexicon):
    a run of number words is one number ("twenty-five", "iki ýüz" → 25, 200).

    >>> spelled("two hundred five trainings, twenty-five participants", "en")
    [205, 25]
    """
    words = _number_words(lang)
    if not words:
        return []
    out, run, end = [], [], 0
    for m in _WORD.finditer(text):
        value = words.get(key(m.group()))
        if value is None or run and not _JOINER.fullmatch(text, end, m.start()):
            if run:
                out.append(_value(run))
            run = [] if value is None else [value]
        else:
            run.append(value)
        end = m.end()
    if run:
        out.append(_value(run))
    return out


def _value(run: list[int]) -> int:
    total = current = 0
    for v in run:
        if v in _SCALES:
            current = max(current, 1) * v
            if v >= 1000:
                total, current = total + current, 0
        else:
            current += v
    return total + current


def _numbers(members, texts) -> dict[str, tuple[str, ...]]:
    """Each version's numbers of ``texts(element)``: its digits, and the numbers it spells out
    in words where another version prints them in digits ("two" against "2")."""
    present = [(lang, els) for lang, els in members if els]
    digits = {lang: Counter(d for e in els for t in texts(e) for d in DIGITS.findall(t)) for lang, els in present}
    if len({tuple(sorted(c.elements())) for c in digits.values()}) > 1:
        most = {d: max(c[d] for c in digits.values()) for c in digits.values() for d in c}
        for lang, els in present:
            have = digits[lang]
            for number, count in Counter(str(v) for e in els for t in texts(e) for v in spelled(t, lang)).items():
                have[number] += max(0, min(count, most.get(number, 0) - have[number]))
    return {lang: tuple(sorted(c.elements())) for lang, c in digits.items()}


def _item_detail(item) -> dict:
    return {"compared": item.text[:300], "source": item.source.to_dict()}


@check("NUMBER_MISMATCH", "warning")
def number_mismatch(plan: Plan, code: str, severity: str) -> Iterator[Finding]:
    """The numbers in aligned texts (activities, indicators, needs, aims, objectives) differ (a number spelled out in words counts as its digits)."""
    for _crossed, members in _groups(plan, "activity"):
        grouped = any(len(els) > 1 for _, els in members)
        for what, texts in (("text", lambda a: (a.text,)), ("indicators", lambda a: a.indicators)):
            values = _numbers(members, texts)
            if grouped:  # two activities against one: the numbers each prints, however often
                values = {lang: tuple(sorted(set(v))) for lang, v in values.items()}
            if len(set(values.values())) > 1:
                yield from (Finding(code, severity, "*", refs, message, evidence) for refs, message, evidence in
                            _different(members, values, "activity", f"digits of the {what}",
                                       lambda a, texts=texts: {"compared": " | ".join(texts(a))[:300]}))
    for kind in ("part", "section"):
        for _crossed, members in _groups(plan, kind):
            present = _present(members)
            for name in LISTS:
                count = {len(getattr(e, name)) for _, e in present}
                if len(count) != 1:
                    continue  # different counts: COUNT_MISMATCH
                for n in range(count.pop()):
                    values = _numbers(members, lambda e, name=name, n=n: (getattr(e, name)[n].text,))
                    if len(set(values.values())) > 1:
                        yield from (Finding(code, severity, "*", refs, message, evidence)
                                    for refs, message, evidence in _different(
                                        members, values, kind, f"digits of {name} {n + 1}",
                                        lambda e, name=name, n=n: _item_detail(getattr(e, name)[n])))


@check("UNKNOWN_AGENCY", "info")
def unknown_agency(plan: Plan, code: str, severity: str) -> Iterator[Finding]:
    """An agency name is not in the gazetteer (pipeline/lexicon/agencies.toml): its id is null."""
    for version in plan.versions:
        unknown: dict[str, list] = {}
        for act in version.activities():
            for agency in act.agencies:
                if agency.id is None:
                    unknown.setdefault(agency.name, []).append(act.id)
        for name, refs in unknown.items():
            yield Finding(code, severity, version.lang, tuple(refs), f"agency '{name}' is not in the gazetteer",
                          ({"name": name, "ids": refs},))
