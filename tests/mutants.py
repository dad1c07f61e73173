"""Inject known faults into one language version of the reference plan's text.

Each :class:`Fault` edits the lines of ``sources/nap-2020-2022.txt`` behind one activity and
says what a correct pipeline must report: the finding code and an element id among its refs,
and the ids whose findings it explains.  The :class:`Mutator` also keeps the alignment rows
the mutant must come out with (``expected``): the reference rows with each fault's change —
a deleted activity's cell empty, a renumbered or moved activity under its new id, the two
rows of a merge sharing the merged activity, a split's second piece in a row of its own.
``mutant(seed)`` applies one to three faults to distinct, non-neighbouring activities.

Faults: a changed period, a deleted activity, an activity given its predecessor's number,
an agency dropped or added, two neighbouring activities swapped, a look-alike letter of the
other script, a number added to a text; an activity (or two neighbours) moved ten or more
places into another section (keeping its number, or numbered on from that section's last), two
neighbours printed as one (a merge, with both fields or the first's), one printed as two (a
split: the rest of its section renumbered, or both halves with one number), an agency replaced
by another, and an activity deleted beside a neighbour with the same agencies and period (a drop
among similar neighbours).
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
KINDS = ("period", "delete", "number", "agency", "swap", "lookalike", "digits",
         "move", "merge", "split", "substitute", "drop_similar")
FAR = 10  # rows a moved activity travels at least


@dataclass
class Fault:
    kind: str
    lang: str
    row: int  # index of the activity row in the reference alignment
    code: str  # the finding expected
    ref: str  # an id expected among the finding's refs
    explains: set = field(default_factory=set)  # ids whose findings this fault explains


def _lines_of(act: Activity) -> tuple[int, int]:
    locs = [act.source, *act.continued, *(l for f in act.fields for l in (f.source, *f.continued))]
    return min(l.line for l in locs) - 1, max(l.line for l in locs)


def _field(act: Activity, name: str):
    return next(f for f in act.fields if f.field == name)


def _simple(act: Activity) -> bool:
    """Text and each field on one line of its own: the shape merges and splits edit."""
    return not act.continued and [f.field for f in act.fields] == ["indicators", "agencies", "period"] and \
        not any(f.continued for f in act.fields)


def _id(section_id: str, number: str) -> str:
    return f"{section_id}-act-{number.replace('.', '-')}"


def _next(number: str, by: int = 1) -> str:
    head, _, last = number.rpartition(".")
    return f"{head}.{int(last) + by}"


class Mutator:
    """Faults on the reference text, with the plan parsed from it for ids and line numbers."""

    def __init__(self, lines: list[str], plan: Plan):
        self.lines = list(lines)
        self.plan = plan
        self.acts = {a.id: a for v in plan.versions for a in v.activities()}
        self.sections = {a.id: s for v in plan.versions for p in v.parts for s in p.sections for a in s.activities}
        self.rows = [dict(r.refs) for r in plan.alignment if r.kind == "activity"]
        self.expected = [dict(row) for row in self.rows]  # the rows the mutant must come out with
        self.added: list[dict] = []  # rows the mutant adds (a split's second piece)
        flagged = {ref for f in plan.findings if f.severity != "info" for ref in f.refs}
        self.clean = [n for n, row in enumerate(self.rows) if not set(row.values()) & flagged]
        self.used: set[int] = set()
        self.edits: list = []  # (start, end, new lines), applied last to first

    def row_ids(self, *rows: int) -> set[str]:
        return {i for r in rows if 0 <= r < len(self.rows) for i in self.rows[r].values() if i}

    def free(self, *rows: int) -> bool:
        """No fault near these rows yet."""
        return not {r + d for r in rows for d in range(-2, 4)} & self.used

    def replace_line(self, line: int, text: str) -> None:
        self.edits.append((line - 1, line, [text]))

    def text(self) -> str:
        lines = list(self.lines)
        for start, end, new in sorted(self.edits, key=lambda e: e[0], reverse=True):
            lines[start:end] = new
        return "\n".join(lines) + "\n"

    def expected_rows(self) -> list[dict]:
        return self.expected + self.added

    def section_rows(self, lang: str, row: int) -> list[int]:
        """The rows of the activities after ``row``'s in its section (in ``lang``)."""
        section = self.sections[self.rows[row][lang]]
        ids = [a.id for a in section.activities]
        return [r for r in range(row + 1, len(self.rows)) if self.rows[r].get(lang) in ids]

    def neighbour(self, lang: str, row: int) -> Activity | None:
        """The next activity of ``lang`` when it is printed in the same section."""
        if row + 1 >= len(self.rows) or not self.rows[row + 1].get(lang):
            return None
        act, nxt = self.acts[self.rows[row][lang]], self.acts[self.rows[row + 1][lang]]
        return nxt if self.sections[act.id] is self.sections[nxt.id] else None

    def similar(self, lang: str, row: int) -> bool:
        """Has the activity a neighbour in its section with the same agencies and period?  (Not
        one whose number is printed twice: deleting one of the two would change the other's id.)"""
        act = self.acts[self.rows[row][lang]]
        if sum(a.number == act.number for a in self.plan.version(lang).activities()) > 1:
            return False
        for r in (row - 1, row + 1):
            other = self.acts.get(self.rows[r].get(lang)) if 0 <= r < len(self.rows) else None
            if other and self.sections[other.id] is self.sections[act.id] and \
                    {g.id for g in other.agencies} == {g.id for g in act.agencies} and other.period == act.period:
                return True
        return False

    # --- the faults ---------------------------------------------------------------------

    def period(self, act: Activity, lang: str, row: int, rng) -> Fault | None:
        f = _field(act, "period")
        line = self.lines[f.source.line - 1]
        years = list(regex.finditer(r"20\d\d", line))
        if not years:
            return None
        last = years[-1]
        self.replace_line(f.source.line, line[:last.start()] + "2027" + line[last.end():])
        return Fault("period", lang, row, "PERIOD_MISMATCH", act.id, self.row_ids(row))

    def delete(self, act: Activity, lang: str, row: int, rng) -> Fault | None:
        start, end = _lines_of(act)
        self.edits.append((start, end, []))
        self.expected[row][lang] = None
        others = sorted(i for l, i in self.rows[row].items() if l != lang)
        return Fault("delete", lang, row, "MISSING_ACTIVITY", others[0], self.row_ids(row - 1, row, row + 1))

    def drop_similar(self, act: Activity, lang: str, row: int, rng) -> Fault | None:
        if not self.similar(lang, row):
            return None
        fault = self.delete(act, lang, row, rng)
        fault.kind = "drop_similar"
        return fault

    def number(self, act: Activity, lang: str, row: int, rng) -> Fault | None:
        section = self.sections[act.id]
        index = section.activities.index(act)
        if index == 0:
            return None
        before = section.activities[index - 1]
        line = self.lines[act.source.line - 1]
        if not line.startswith(act.marker):
            return None
        self.replace_line(act.source.line, before.marker + line[len(act.marker):])
        new_id = _id(section.id, before.number) + "-2"
        self.expected[row][lang] = new_id
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

    def substitute(self, act: Activity, lang: str, row: int, rng: random.Random) -> Fault | None:
        f = _field(act, "agencies")
        line = self.lines[f.source.line - 1]
        ids = [g.id for g in act.agencies]
        replaceable = [g for g in act.agencies if ids.count(g.id) == 1 and line.count(g.name) == 1]
        new = [n for i, n in NEW_AGENCY[lang] if i not in ids]
        if not replaceable or not new:
            return None
        self.replace_line(f.source.line, line.replace(rng.choice(replaceable).name, new[0]))
        return Fault("substitute", lang, row, "AGENCY_MISMATCH", act.id, self.row_ids(row))

    def swap(self, act: Activity, lang: str, row: int, rng) -> Fault | None:
        nxt = self.neighbour(lang, row)
        if not nxt:
            return None
        (s1, e1), (s2, e2) = _lines_of(act), _lines_of(nxt)
        block = self.lines[s2:e2] + self.lines[e1:s2] + self.lines[s1:e1]
        self.edits.append((s1, e2, block))
        return Fault("swap", lang, row, "ORDER_MISMATCH", act.id, self.row_ids(row - 1, row, row + 1, row + 2))

    def lookalike(self, act: Activity, lang: str, row: int, rng) -> Fault | None:
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

    def digits(self, act: Activity, lang: str, row: int, rng) -> Fault | None:
        line = self.lines[act.source.line - 1].rstrip()
        new = line[:-1] + " (17)." if line.endswith(".") else line + " (17)"
        self.replace_line(act.source.line, new)
        return Fault("digits", lang, row, "NUMBER_MISMATCH", act.id, self.row_ids(row))

    def move(self, act: Activity, lang: str, row: int, rng: random.Random) -> Fault | None:
        """Cut the activity (sometimes with the next one) out and print it after an activity at
        least :data:`FAR` rows away, in another section, keeping its number or (sometimes)
        numbered on from the last of that section."""
        section = self.sections[act.id]
        moved = [row]
        if rng.random() < 0.25 and self.neighbour(lang, row) and row + 1 in self.clean:
            moved.append(row + 1)
        targets = [t for t in self.clean if min(abs(t - r) for r in moved) >= FAR and self.free(t) and t + 1 in self.clean
                   and self.rows[t].get(lang) and self.sections[self.rows[t][lang]] is not section]
        if not targets:
            return None
        t = rng.choice(targets)
        target = self.acts[self.rows[t][lang]]
        into = self.sections[target.id]
        acts = [self.acts[self.rows[r][lang]] for r in moved]
        start, end = _lines_of(acts[0])[0], _lines_of(acts[-1])[1]
        block = self.lines[start:end]
        numbers = [a.number for a in acts]
        if rng.random() < 0.3:
            numbers = [_next(into.activities[-1].number, k + 1) for k in range(len(acts))]
            for a, number in zip(acts, numbers):
                line = a.source.line - 1 - start
                block[line] = a.marker.replace(a.number, number, 1) + block[line][len(a.marker):]
        at = _lines_of(target)[1]
        self.edits += [(start, end, []), (at, at, ["", *block])]
        new_ids = [_id(into.id, number) for number in numbers]
        for r, new_id in zip(moved, new_ids):
            self.expected[r][lang] = new_id
        self.used.update({t, t + 1, *moved})
        return Fault("move", lang, row, "ORDER_MISMATCH", new_ids[0],
                     self.row_ids(row - 1, *moved, moved[-1] + 1, t, t + 1) | {*new_ids, into.id})

    def merge(self, act: Activity, lang: str, row: int, rng) -> Fault | None:
        """Print the activity and the next one as one: both texts, and both indicators and
        agencies or (sometimes) the first's alone, under the first's number and period."""
        nxt = self.neighbour(lang, row)
        if not nxt or not _simple(act) or not _simple(nxt):
            return None
        line = self.lines[act.source.line - 1].rstrip()
        second = self.lines[nxt.source.line - 1][len(nxt.marker):].strip()
        self.replace_line(act.source.line, f"{line} {second}")
        if rng.random() < 0.6:  # else only the first's fields are kept
            for name, joint in (("indicators", "; "), ("agencies", ", ")):
                f = _field(act, name)
                self.replace_line(f.source.line, self.lines[f.source.line - 1].rstrip().rstrip(".") + joint
                                  + _field(nxt, name).value)
        start, end = _lines_of(nxt)
        self.edits.append((start - 1, end, []))
        self.expected[row + 1][lang] = act.id
        return Fault("merge", lang, row, "MERGED_ACTIVITY", act.id, self.row_ids(row - 1, row, row + 1, row + 2))

    def split(self, act: Activity, lang: str, row: int, rng) -> Fault | None:
        """Print the activity as two, each half of its text with all its fields; the second takes
        the next number and the rest of the section is numbered on, or (sometimes) it is
        printed with the same number as the first."""
        words = self.lines[act.source.line - 1][len(act.marker):].split()
        if not _simple(act) or len(words) < 8 or not act.number or not act.marker.startswith(act.number):
            return None
        half = len(words) // 2
        first = " ".join(words[:half]).rstrip(",;:–") + "."
        second = words[half][:1].upper() + " ".join(words[half:])[1:]
        start, end = _lines_of(act)
        fields = self.lines[act.source.line:end]
        section = self.sections[act.id]
        same = rng.random() < 0.3
        number = act.number if same else _next(act.number)
        marker = act.marker.replace(act.number, number, 1)
        self.edits.append((start, end, [f"{act.marker} {first}", *fields, "", f"{marker} {second}", *fields]))
        later = [] if same else self.section_rows(lang, row)
        for r in later:
            other = self.acts[self.rows[r][lang]]
            renumbered = _next(other.number)
            self.replace_line(other.source.line, other.marker.replace(other.number, renumbered, 1)
                              + self.lines[other.source.line - 1][len(other.marker):])
            self.expected[r][lang] = _id(section.id, renumbered)
        second_id = _id(section.id, number) + ("-2" if same else "")
        self.added.append({**self.rows[row], lang: second_id})
        return Fault("split", lang, row, "MERGED_ACTIVITY", act.id,
                     self.row_ids(row - 1, row, row + 1, *later) | {second_id}
                     | {self.expected[r][lang] for r in later})


def _rows_for(mutator: Mutator, kind: str) -> list[tuple[int, list[str]]]:
    """(row, languages) a fault of ``kind`` may go to."""
    langs = sorted(mutator.rows[0])
    if kind == "drop_similar":
        return [(r, ls) for r in range(len(mutator.rows)) if mutator.free(r)
                and (ls := [l for l in langs if mutator.rows[r].get(l) and mutator.similar(l, r)])]
    rows = [r for r in mutator.clean if mutator.free(r)]
    if kind in ("swap", "merge"):
        rows = [r for r in rows if r + 1 in mutator.clean]
    if kind == "split":
        return [(r, ls) for r in rows
                if (ls := [l for l in langs if set(mutator.section_rows(l, r)) <= set(mutator.clean)
                           and mutator.free(*mutator.section_rows(l, r))])]
    return [(r, langs) for r in rows]


def mutant(lines: list[str], plan: Plan, seed: int) -> tuple[str, list[Fault], list[dict]]:
    """The reference text with one to three faults injected, the faults, and the activity rows
    the mutant's alignment must hold."""
    rng = random.Random(seed)
    mutator = Mutator(lines, plan)
    faults: list[Fault] = []
    for _ in range(rng.randint(1, 3)):
        kind = rng.choice(KINDS)
        choices = _rows_for(mutator, kind)
        if not choices:
            continue
        row, langs = rng.choice(choices)
        lang = rng.choice(langs)
        fault = getattr(mutator, kind)(mutator.acts[mutator.rows[row][lang]], lang, row, rng)
        if fault:
            faults.append(fault)
            mutator.used.update({row, row + 1} if kind in ("swap", "merge") else {row})
            if kind == "split":
                mutator.used.update(mutator.section_rows(lang, row))
    return mutator.text(), faults, mutator.expected_rows()
