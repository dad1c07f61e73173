"""Inject known faults into one language version of the reference plan's text.

Each :class:`Fault` edits the lines of ``sources/nap-2020-2022.txt`` behind one activity and
says what a correct pipeline must report: the finding code and an element id among its refs.
``mutant(seed)`` applies one to three faults to distinct, non-neighbouring activities that
the reference plan itself reports nothing about.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

import regex

from pipeline.model import Activity, Plan

TO_CYRILLIC = dict(zip("aeopc", "аеорс"))
TO_LATIN = {v: k for k, v in TO_CYRILLIC.items()}
NEW_AGENCY = {"tk": [("education-ministry", "Türkmenistanyň Bilim ministrligi"),
                     ("health-ministry", "Türkmenistanyň Saglygy goraýyş we derman senagaty ministrligi")],
              "ru": [("education-ministry", "Министерство образования"),
                     ("health-ministry", "Министерство здравоохранения и медицинской промышленности")],
              "en": [("education-ministry", "Ministry of Education"),
                     ("health-ministry", "Ministry of Healthcare and Medical Industry")]}
KINDS = ("period", "delete", "number", "agency", "swap", "lookalike", "digits")


@dataclass
class Fault:
    kind: str
    lang: str
    row: int  # index of the activity row in the reference alignment
    code: str  # the finding expected
    ref: str  # an id expected among the finding's refs
    touched: set = field(default_factory=set)  # ids whose findings this fault explains


def _lines_of(act: Activity) -> tuple[int, int]:
    locs = [act.source, *act.continued, *(l for f in act.fields for l in (f.source, *f.continued))]
    return min(l.line for l in locs) - 1, max(l.line for l in locs)


def _field(act: Activity, name: str):
    return next(f for f in act.fields if f.field == name)


class Mutator:
    """Faults on the reference text, with the plan parsed from it for ids and line numbers."""

    def __init__(self, lines: list[str], plan: Plan):
        self.lines = list(lines)
        self.plan = plan
        self.acts = {a.id: a for v in plan.versions for a in v.activities()}
        self.rows = [dict(r.refs) for r in plan.alignment if r.kind == "activity"]
        flagged = {ref for f in plan.findings if f.severity != "info" for ref in f.refs}
        self.clean = [n for n, row in enumerate(self.rows) if not set(row.values()) & flagged]
        self.edits: list = []  # (start, end, new lines), applied last to first

    def row_ids(self, *rows: int) -> set[str]:
        return {i for r in rows if 0 <= r < len(self.rows) for i in self.rows[r].values() if i}

    def replace_line(self, line: int, text: str) -> None:
        self.edits.append((line - 1, line, [text]))

    def text(self) -> str:
        lines = list(self.lines)
        for start, end, new in sorted(self.edits, key=lambda e: e[0], reverse=True):
            lines[start:end] = new
        return "\n".join(lines) + "\n"

    # --- the faults ---------------------------------------------------------------------

    def period(self, act: Activity, lang: str, row: int) -> Fault | None:
        f = _field(act, "period")
        line = self.lines[f.source.line - 1]
        years = list(regex.finditer(r"20\d\d", line))
        if not years:
            return None
        last = years[-1]
        self.replace_line(f.source.line, line[:last.start()] + "2027" + line[last.end():])
        return Fault("period", lang, row, "PERIOD_MISMATCH", act.id, self.row_ids(row))

    def delete(self, act: Activity, lang: str, row: int) -> Fault | None:
        start, end = _lines_of(act)
        self.edits.append((start, end, []))
        others = sorted(i for l, i in self.rows[row].items() if l != lang)
        return Fault("delete", lang, row, "MISSING_ACTIVITY", others[0], self.row_ids(row - 1, row, row + 1))

    def number(self, act: Activity, lang: str, row: int) -> Fault | None:
        section = next(s for p in self.plan.version(lang).parts for s in p.sections if act in s.activities)
        index = section.activities.index(act)
        if index == 0:
            return None
        before = section.activities[index - 1]
        line = self.lines[act.source.line - 1]
        if not line.startswith(act.marker):
            return None
        self.replace_line(act.source.line, before.marker + line[len(act.marker):])
        new_id = f"{section.id}-act-{before.number.replace('.', '-')}-2"
        return Fault("number", lang, row, "NUM_MISMATCH", new_id, self.row_ids(row - 1, row) | {new_id})

    def agency(self, act: Activity, lang: str, row: int, rng: random.Random) -> Fault | None:
        f = _field(act, "agencies")
        line = self.lines[f.source.line - 1]
        ids = [g.id for g in act.agencies]
        droppable = [g for g in act.agencies if ids.count(g.id) == 1 and g.name in line]
        if len(act.agencies) > 1 and droppable and rng.random() < 0.5:
            name = rng.choice(droppable).name
            new = regex.sub(rf"(?:,\s*)?{regex.escape(name)}(?:,\s*)?", lambda m: ", " if m.group().count(",") == 2
                            else "", line, count=1)
        else:
            agency_id, name = next(((i, n) for i, n in NEW_AGENCY[lang] if i not in ids), (None, None))
            if not name:
                return None
            stripped = line.rstrip()
            new = stripped[:-1] + f", {name}." if stripped.endswith(".") else stripped + f", {name}"
        self.replace_line(f.source.line, new)
        return Fault("agency", lang, row, "AGENCY_MISMATCH", act.id, self.row_ids(row))

    def swap(self, act: Activity, lang: str, row: int) -> Fault | None:
        nxt_id = self.rows[row + 1].get(lang) if row + 1 < len(self.rows) else None
        if not nxt_id:
            return None
        nxt = self.acts[nxt_id]
        (s1, e1), (s2, e2) = _lines_of(act), _lines_of(nxt)
        if e1 > s2 or act.id.rsplit("-act-", 1)[0] != nxt.id.rsplit("-act-", 1)[0]:
            return None  # neighbours within one section only
        block = self.lines[s2:e2] + self.lines[e1:s2] + self.lines[s1:e1]
        self.edits.append((s1, e2, block))
        return Fault("swap", lang, row, "ORDER_MISMATCH", act.id, self.row_ids(row - 1, row, row + 1, row + 2))

    def lookalike(self, act: Activity, lang: str, row: int) -> Fault | None:
        table = TO_LATIN if lang == "ru" else TO_CYRILLIC
        line = self.lines[act.source.line - 1]
        for m in regex.finditer(r"\p{L}{5,}", line[len(act.marker):]):
            word = m.group()
            at = next((k for k, ch in enumerate(word) if ch in table), None)
            if at is not None:
                pos = len(act.marker) + m.start() + at
                self.replace_line(act.source.line, line[:pos] + table[line[pos]] + line[pos + 1:])
                return Fault("lookalike", lang, row, "MIXED_SCRIPT", act.id, self.row_ids(row))
        return None

    def digits(self, act: Activity, lang: str, row: int) -> Fault | None:
        line = self.lines[act.source.line - 1].rstrip()
        new = line[:-1] + " (17)." if line.endswith(".") else line + " (17)"
        self.replace_line(act.source.line, new)
        return Fault("digits", lang, row, "NUMBER_MISMATCH", act.id, self.row_ids(row))


def mutant(lines: list[str], plan: Plan, seed: int) -> tuple[str, list[Fault]]:
    """The reference text with one to three faults injected, and the faults."""
    rng = random.Random(seed)
    mutator = Mutator(lines, plan)
    faults: list[Fault] = []
    used: set[int] = set()
    for _ in range(rng.randint(1, 3)):
        choices = [r for r in mutator.clean if not {r - 2, r - 1, r, r + 1, r + 2, r + 3} & used]
        if not choices:
            break
        row = rng.choice(choices)
        kind = rng.choice(KINDS)
        lang = rng.choice(sorted(mutator.rows[row]))
        if kind == "swap" and row + 1 not in mutator.clean:
            kind = "digits"
        act = mutator.acts[mutator.rows[row][lang]]
        method = getattr(mutator, kind)
        fault = method(act, lang, row, rng) if kind == "agency" else method(act, lang, row)
        if fault:
            faults.append(fault)
            used.update({row, row + 1} if kind == "swap" else {row})
    return mutator.text(), faults
