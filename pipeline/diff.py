"""Two editions of a plan compared: what changed, element by element (``polyplan diff``).

:func:`plans_to_diff` compares each language present in both editions.  Activities are
matched first (:mod:`pipeline.diff_match`: identical texts in order, similar texts between
them, moves, splits and merges), then sections by their titles and the activities they
share, then parts the same way.  Each matched pair is a ``same`` or ``changed`` row with
the aspects that differ; what is left over is ``added`` or ``removed``.

Aspects (:data:`ASPECTS`), each compared as printed, whitespace and line breaks aside:

* ``number`` — the printed number;
* ``text`` — an activity's text; a part's or section's title and its needs, aims and
  objectives (the heading's own number and label word are the ``number``);
* ``indicators``, ``agencies`` (the names as printed), ``period`` (as printed) — activities;
* ``section`` — an activity now in another section (not the counterpart of its old one), a
  section now in another part;
* ``order`` — an element moved among its siblings: off the longest run of siblings that kept
  their order (an activity within its section, a section within its part, parts in the plan).

A split (one activity into several) and a merge (several into one) are ``changed`` rows, one
per pair, each carrying ``relation`` with both sides.  ``evidence`` holds the old and new
value of each changed aspect, and for text a word-level diff (``[["=", "kept "], ["-",
"old words"], ["+", "new words"]]``).  Rows come in the new edition's reading order (part,
its sections, their activities), removed elements after their old predecessor.
"""
from __future__ import annotations

import difflib
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import regex

from .diff_match import Matching, Node, heaviest_chain, match, normalize
from .model import LISTS, Activity, Plan, Version

SCHEMA = "polyplan.diff/1"
KINDS = ("part", "section", "activity")
STATUSES = ("same", "changed", "added", "removed")
ASPECTS = ("number", "text", "indicators", "agencies", "period", "section", "order")

_TOKEN = regex.compile(r"\w+\s*|[^\w\s]+\s*|\s+")  # a word with the space after it


@dataclass(frozen=True, slots=True)
class Side:
    """One edition's element in a change row: its id and printed number, and what it prints
    (an activity's text, fields and section; a part's or section's title and parent)."""

    id: str
    number: str | None
    text: str | None
    parent: tuple[str, str | None] | None = None  # (id, number) of the enclosing section or part
    position: int = 1  # among its siblings, 1-based
    indicators: tuple[str, ...] | None = None
    agencies: tuple[tuple[str, str | None], ...] | None = None
    period: str | None = None

    def ref(self) -> dict:
        return {"id": self.id, "number": self.number}

    def to_dict(self) -> dict:
        out = {"id": self.id, "number": self.number, "text": self.text, "position": self.position}
        if self.parent:
            out["parent"] = {"id": self.parent[0], "number": self.parent[1]}
        if self.indicators is not None:
            out["indicators"] = list(self.indicators)
            out["agencies"] = [{"name": name, "id": gid} for name, gid in self.agencies or ()]
            out["period"] = self.period
        return out


@dataclass(frozen=True, slots=True)
class Change:
    """One row of ``changes``: an element matched across the editions, or found in one only."""

    lang: str
    kind: str
    old: Side | None
    new: Side | None
    status: str
    changed: tuple[str, ...] = ()
    evidence: dict = field(default_factory=dict)
    score: float | None = None
    relation: dict | None = None

    def to_dict(self) -> dict:
        out = {"lang": self.lang, "kind": self.kind, "old": self.old.to_dict() if self.old else None,
               "new": self.new.to_dict() if self.new else None, "status": self.status,
               "changed": list(self.changed), "evidence": self.evidence}
        if self.score is not None:
            out["score"] = round(self.score, 3)
        if self.relation:
            out["relation"] = self.relation
        return out


@dataclass(frozen=True, slots=True)
class Edition:
    name: str
    sources: tuple[dict, ...]
    languages: tuple[str, ...]
    title: str | None

    def to_dict(self) -> dict:
        return {"name": self.name, "title": self.title, "languages": list(self.languages),
                "sources": list(self.sources)}


@dataclass(frozen=True, slots=True)
class Diff:
    old: Edition
    new: Edition
    changes: tuple[Change, ...]

    @property
    def compared(self) -> tuple[str, ...]:
        return tuple(lang for lang in self.old.languages if lang in self.new.languages)

    def to_dict(self) -> dict:
        return {"schema": SCHEMA, "old": self.old.to_dict(), "new": self.new.to_dict(),
                "changes": [c.to_dict() for c in self.changes], "summary": self.summary()}

    def summary(self) -> dict:
        """Counts: rows per status, per language, kind and status, and per aspect."""
        by_lang = {lang: {kind: dict.fromkeys(STATUSES, 0) for kind in KINDS} for lang in self.compared}
        aspects = Counter()
        for c in self.changes:
            by_lang[c.lang][c.kind][c.status] += 1
            aspects.update(c.changed)
        groups = {(c.lang, c.relation["kind"], tuple(s["id"] for s in c.relation["old"] + c.relation["new"]))
                  for c in self.changes if c.relation}
        return {"languages": {"compared": list(self.compared),
                              "old_only": [x for x in self.old.languages if x not in self.new.languages],
                              "new_only": [x for x in self.new.languages if x not in self.old.languages]},
                "status": {s: sum(1 for c in self.changes if c.status == s) for s in STATUSES},
                "by_lang": by_lang,
                "aspects": {a: aspects[a] for a in ASPECTS},
                "splits": sum(1 for g in groups if g[1] == "split"),
                "merges": sum(1 for g in groups if g[1] == "merge")}


def _edition(plan: Plan) -> Edition:
    title = next((v.title for v in plan.versions if v.title), None)
    return Edition(plan.name, tuple(s.to_dict() for s in plan.sources), plan.languages, title)


def plans_to_diff(old: Plan, new: Plan) -> Diff:
    """The changes from ``old`` to ``new`` in every language both have (module docstring)."""
    changes: list[Change] = []
    for lang in old.languages:
        if lang in new.languages:
            changes.extend(versions_to_changes(lang, old.version(lang), new.version(lang)))
    return Diff(_edition(old), _edition(new), tuple(changes))


# --- one version's elements, flat -----------------------------------------------------------

@dataclass
class Flat:
    """A version's parts, sections and activities in reading order, with their parents."""

    parts: list
    sections: list
    activities: list[Activity]
    section_part: list[int]
    activity_section: list[int]
    order: list[tuple[str, int]]  # (kind, index) in reading order
    position: dict[tuple[str, int], int]  # 1-based among siblings
    _sides: dict = field(default_factory=dict)
    _printed: dict = field(default_factory=dict)

    @classmethod
    def of(cls, version: Version) -> "Flat":
        flat = cls([], [], [], [], [], [], {})
        for p, part in enumerate(version.parts):
            flat.position[("part", len(flat.parts))] = p + 1
            flat.order.append(("part", len(flat.parts)))
            flat.parts.append(part)
            for s, section in enumerate(part.sections):
                flat.position[("section", len(flat.sections))] = s + 1
                flat.order.append(("section", len(flat.sections)))
                flat.section_part.append(len(flat.parts) - 1)
                flat.sections.append(section)
                for a, act in enumerate(section.activities):
                    flat.position[("activity", len(flat.activities))] = a + 1
                    flat.order.append(("activity", len(flat.activities)))
                    flat.activity_section.append(len(flat.sections) - 1)
                    flat.activities.append(act)
        return flat

    def side(self, kind: str, k: int) -> Side:
        key = (kind, k)
        if key not in self._sides:
            self._sides[key] = self._side(kind, k)
        return self._sides[key]

    def printed(self, kind: str, k: int) -> dict[str, object]:
        """What the element prints, per aspect, whitespace removed (:func:`_bare`): the values
        two elements are compared by."""
        key = (kind, k)
        if key not in self._printed:
            if kind == "activity":
                act = self.activities[k]
                self._printed[key] = {
                    "number": _bare(act.number or ""), "text": _bare(act.text), "indicators": _bare(act.indicators),
                    "agencies": _bare(tuple(a.name for a in act.agencies)),
                    "period": _bare(act.period.raw if act.period else "")}
            else:
                node = (self.sections if kind == "section" else self.parts)[k]
                self._printed[key] = {"number": _bare(node.number or ""),
                                      "text": (_bare(node.title or ""), _bare(tuple(_lists(node).values())))}
        return self._printed[key]

    def _side(self, kind: str, k: int) -> Side:
        if kind == "activity":
            act, s = self.activities[k], self.activity_section[k]
            section = self.sections[s]
            return Side(act.id, act.number, normalize(act.text), (section.id, section.number),
                        self.position[(kind, k)], tuple(normalize(x) for x in act.indicators),
                        tuple((normalize(a.name), a.id) for a in act.agencies),
                        normalize(act.period.raw) if act.period else None)
        if kind == "section":
            section, p = self.sections[k], self.section_part[k]
            part = self.parts[p]
            return Side(section.id, section.number, normalize(section.title) or None, (part.id, part.number),
                        self.position[(kind, k)])
        part = self.parts[k]
        return Side(part.id, part.number, normalize(part.title) or None, None, k + 1)


def _lists(node) -> dict[str, tuple[str, ...]]:
    return {name: tuple(normalize(i.text) for i in getattr(node, name)) for name in LISTS}


def _container_text(node) -> str:
    return " ".join([normalize(node.title), *(t for texts in _lists(node).values() for t in texts)]).strip()


def _activity_node(act: Activity) -> Node:
    agencies = tuple(a.id or normalize(a.name).casefold() for a in act.agencies)
    period = (act.period.start, act.period.end, act.period.kind) if act.period else None
    return Node(act.id, act.number, normalize(act.text), (agencies, period))


def _links(acts: Matching) -> list[tuple[int, int]]:
    """Every (old, new) activity link: pairs, and each piece of a split or merge."""
    out = [(i, j) for i, (j, _s) in acts.pairs.items()]
    for _kind, olds, news in acts.groups:
        out.extend((i, j) for i in olds for j in news)
    return out


def _overlap(links, old_parent: list[int], new_parent: list[int], n_old: int, n_new: int):
    """``bonus`` for containers: Dice of the activities two containers share, and the hints."""
    shared = Counter((old_parent[i], new_parent[j]) for i, j in links)
    size_old, size_new = Counter(old_parent), Counter(new_parent)

    def bonus(i: int, j: int) -> float:
        total = size_old[i] + size_new[j]
        return 2 * shared[(i, j)] / total if total else 0.0
    return bonus, list(shared)


def _containers(old: Flat, new: Flat, links) -> tuple[Matching, Matching]:
    section_bonus, section_hints = _overlap(links, old.activity_section, new.activity_section,
                                            len(old.sections), len(new.sections))
    sections = match([Node(s.id, s.number, _container_text(s)) for s in old.sections],
                     [Node(s.id, s.number, _container_text(s)) for s in new.sections], section_bonus, section_hints)
    part_of_old = [old.section_part[s] for s in old.activity_section]
    part_of_new = [new.section_part[s] for s in new.activity_section]
    part_bonus, part_hints = _overlap(links, part_of_old, part_of_new, len(old.parts), len(new.parts))
    parts = match([Node(p.id, p.number, _container_text(p)) for p in old.parts],
                  [Node(p.id, p.number, _container_text(p)) for p in new.parts], part_bonus, part_hints)
    return sections, parts


def versions_to_changes(lang: str, old_version: Version, new_version: Version) -> list[Change]:
    """The change rows of one language, in the new edition's reading order."""
    old, new = Flat.of(old_version), Flat.of(new_version)
    acts = match([_activity_node(a) for a in old.activities], [_activity_node(a) for a in new.activities])
    sections, parts = _containers(old, new, _links(acts))
    section_map = {i: j for i, (j, _s) in sections.pairs.items()}
    part_map = {i: j for i, (j, _s) in parts.pairs.items()}
    rows = _Rows(lang, old, new)
    out_of_order = {
        "part": _out_of_order(parts, lambda i: 0, lambda j: 0),
        "section": _out_of_order(sections, lambda i: part_map.get(old.section_part[i]), lambda j: new.section_part[j]),
        "activity": _out_of_order(acts, lambda i: section_map.get(old.activity_section[i]),
                                  lambda j: new.activity_section[j])}
    for kind, matching, parent_map, old_parent, new_parent in (
            ("part", parts, {}, None, None),
            ("section", sections, part_map, old.section_part, new.section_part),
            ("activity", acts, section_map, old.activity_section, new.activity_section)):
        for i, (j, score) in matching.pairs.items():
            moved_out = old_parent is not None and parent_map.get(old_parent[i]) != new_parent[j]
            rows.pair(kind, i, j, score, moved_out, i in out_of_order[kind])
        seen_old, seen_new = set(matching.pairs), set(matching.new_of())
        for group_kind, olds, news in matching.groups:
            for i in olds:
                for j in news:
                    moved_out = old_parent is not None and parent_map.get(old_parent[i]) != new_parent[j]
                    rows.pair(kind, i, j, None, moved_out, False, (group_kind, olds, news))
            seen_old.update(olds)
            seen_new.update(news)
        for i in range(len(rows.old_list(kind))):
            if i not in seen_old:
                rows.alone(kind, "removed", i)
        for j in range(len(rows.new_list(kind))):
            if j not in seen_new:
                rows.alone(kind, "added", j)
    return rows.ordered()


def _out_of_order(matching: Matching, old_parent, new_parent) -> set[int]:
    """Old indices of pairs off the longest run of siblings (same parent on both sides, the
    parent matched) that kept their order."""
    groups = defaultdict(list)
    for i, (j, _s) in matching.pairs.items():
        parent = new_parent(j)
        if parent is not None and old_parent(i) == parent:
            groups[parent].append((i, j, 1.0 + 1e-9 * i))  # a tie (two neighbours swapped): the earlier one moved
    off = set()
    for pairs in groups.values():
        kept = {pairs[k][0] for k in heaviest_chain(pairs)}
        off.update(i for i, _j, _w in pairs if i not in kept)
    return off


# --- rows ----------------------------------------------------------------------------------

def word_diff(old: str, new: str) -> list[list[str]]:
    """Word-level diff of two texts (whitespace runs made one space): ``["=", kept]``,
    ``["-", removed]``, ``["+", added]`` in reading order.

    >>> word_diff("Holding training workshops", "Holding thematic workshops")
    [['=', 'Holding '], ['-', 'training'], ['+', 'thematic'], ['=', ' workshops']]
    """
    a, b = _TOKEN.findall(normalize(old)), _TOKEN.findall(normalize(new))
    out: list[list[str]] = []

    def push(op: str, text: str) -> None:
        if not text:
            return
        if out and out[-1][0] == op:
            out[-1][1] += text
        else:
            out.append([op, text])
    matcher = difflib.SequenceMatcher(None, [t.rstrip() for t in a], [t.rstrip() for t in b], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            kept, before = "".join(b[j1:j2]), "".join(a[i1:i2])
            push("=", kept + (" " if before.endswith(" ") and not kept.endswith(" ") else ""))
            continue
        removed, added = "".join(a[i1:i2]), "".join(b[j1:j2])
        space = " " if (removed.endswith(" ") or not removed) and (added.endswith(" ") or not added) else ""
        if out and out[-1][0] == "=" and not out[-1][1].endswith(" ") and space:
            space = ""  # an equal run at the end of the text before: keep its own spacing
        push("-", removed[:len(removed) - len(space)])
        push("+", added[:len(added) - len(space)])
        push("=", space)  # the space both changed words were followed by is kept
    return out


class _Rows:
    """Builds the rows of one language and puts them in reading order."""

    def __init__(self, lang: str, old: Flat, new: Flat):
        self.lang, self.old, self.new = lang, old, new
        self.rows: list[tuple[str, int | None, int | None, Change]] = []

    def old_list(self, kind: str) -> list:
        return {"part": self.old.parts, "section": self.old.sections, "activity": self.old.activities}[kind]

    def new_list(self, kind: str) -> list:
        return {"part": self.new.parts, "section": self.new.sections, "activity": self.new.activities}[kind]

    def alone(self, kind: str, status: str, k: int) -> None:
        side = (self.old if status == "removed" else self.new).side(kind, k)
        change = Change(self.lang, kind, side if status == "removed" else None,
                        side if status == "added" else None, status)
        self.rows.append((kind, k if status == "removed" else None, k if status == "added" else None, change))

    def pair(self, kind: str, i: int, j: int, score: float | None, moved_out: bool, out_of_order: bool,
             group: tuple | None = None) -> None:
        a, b = self.old.side(kind, i), self.new.side(kind, j)
        evidence = _evidence(kind, a, b, self.old_list(kind)[i], self.new_list(kind)[j],
                             self.old.printed(kind, i), self.new.printed(kind, j))
        if moved_out:
            evidence["section"] = {"old": _parent(a), "new": _parent(b)}
        elif out_of_order:
            evidence["order"] = {"old": {"position": a.position}, "new": {"position": b.position}}
        if group and "text" not in evidence:
            evidence["text"] = _text_evidence(a.text, b.text)
        changed = tuple(x for x in ASPECTS if x in evidence)
        relation = None
        if group:
            kind_, olds, news = group
            relation = {"kind": kind_, "old": [self.old.side(kind, k).ref() for k in olds],
                        "new": [self.new.side(kind, k).ref() for k in news]}
        change = Change(self.lang, kind, a, b, "changed" if changed else "same", changed, evidence,
                        score, relation)
        self.rows.append((kind, i, j, change))

    def ordered(self) -> list[Change]:
        """Rows in the new edition's reading order; a removed element after the row of the
        nearest old element before it that has a counterpart."""
        new_pos = {(kind, k): n for n, (kind, k) in enumerate(self.new.order)}
        old_to_new: dict[tuple[str, int], int] = {}
        for kind, i, j, _c in self.rows:
            if i is not None and j is not None:
                old_to_new.setdefault((kind, i), new_pos[(kind, j)])
        anchor, last = {}, -1
        for n, (kind, k) in enumerate(self.old.order):
            if (kind, k) in old_to_new:
                last = old_to_new[(kind, k)]
            anchor[(kind, k)] = (last, n)
        keyed = []
        for kind, i, j, change in self.rows:
            if j is not None:
                key = (new_pos[(kind, j)], 0, i if i is not None else -1)
            else:
                after, n = anchor[(kind, i)]
                key = (after, 1, n)
            keyed.append((key, change))
        keyed.sort(key=lambda kc: kc[0])
        return [c for _k, c in keyed]


def _bare(value) -> object:
    """``value`` (text, list of texts or of pairs) with all whitespace removed, for comparison:
    a space more or less, a line broken elsewhere, is no change."""
    if isinstance(value, str):
        return "".join(value.split())
    if isinstance(value, (tuple, list)):
        return tuple(_bare(v) for v in value)
    return value


def _parent(side: Side) -> dict | None:
    return {"id": side.parent[0], "number": side.parent[1]} if side.parent else None


def _text_evidence(old: str | None, new: str | None) -> dict:
    return {"old": old, "new": new, "diff": word_diff(old or "", new or "")}


def _evidence(kind: str, a: Side, b: Side, old_node, new_node, old_printed: dict, new_printed: dict) -> dict:
    """Old and new values of each printed aspect that differs (``*_printed``: :meth:`Flat.printed`)."""
    evidence: dict = {}
    differ = {aspect for aspect, value in old_printed.items() if new_printed[aspect] != value}
    if "number" in differ:
        evidence["number"] = {"old": a.number, "new": b.number}
    if kind == "activity":
        if "text" in differ:
            evidence["text"] = _text_evidence(a.text, b.text)
        if "indicators" in differ:
            evidence["indicators"] = {"old": list(a.indicators), "new": list(b.indicators)}
        if "agencies" in differ:
            evidence["agencies"] = {"old": [x.to_dict() for x in old_node.agencies],
                                    "new": [x.to_dict() for x in new_node.agencies]}
        if "period" in differ:
            evidence["period"] = {"old": old_node.period.to_dict() if old_node.period else None,
                                  "new": new_node.period.to_dict() if new_node.period else None}
        return evidence
    if "text" in differ:
        evidence["text"] = _text_evidence(a.text, b.text)
        old_lists, new_lists = _lists(old_node), _lists(new_node)
        for name in LISTS:
            if _bare(old_lists[name]) != _bare(new_lists[name]):
                evidence["text"][name] = {"old": list(old_lists[name]), "new": list(new_lists[name])}
    return evidence
