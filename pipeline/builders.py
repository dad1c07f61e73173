"""The parse stage's mutable builders, and their freezing into the immutable model.

:mod:`pipeline.parse` and :mod:`pipeline.parse_tables` fill a :class:`ParseState` block by
block; :func:`freeze_part` turns what they built into :class:`~pipeline.model.Part` records
(ids from printed numbers, lists split, bodies and periods normalised).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, NamedTuple

import regex

from .chars import CLAUSE_END, ROMAN_IN_CYRILLIC
from .bodies import split_bodies, split_list
from .lexicon import Lexicon, load_gazetteer
from .model import LISTS, Activity, Agency, Block, Field, Item, Label, Location, Part, Section
from .periods import text_to_period

ACT_FIELDS = ("indicators", "agencies", "period")
ASIDE_PARTS = ("footnote", "endnote", "textbox")  # Location.part of text printed aside from the flow: notes
TERMINAL = tuple(CLAUSE_END)
MAX_HEADING = 300
# Printed numbers: up to three digits at the first level (a year is no number of an item), any number
# of digits at the levels under it ("1.1.1000").
ACT_DEEP = regex.compile(r"(?P<num>\d{1,3}(?:\.\d+){2,})(?P<dot>\.)?\s+(?P<text>\S.*)", regex.S)
ACT_ANY = regex.compile(r"(?P<num>\d{1,3}(?:\.\d+)*)(?P<dot>[.)])\s+(?P<text>\S.*)"
                        r"|(?P<num2>\d{1,3}(?:\.\d+)+)\s+(?P<text2>\S.*)", regex.S)
GAZETTEER = load_gazetteer()


# --- mutable builders -----------------------------------------------

@dataclass
class TextBuilder:
    """Something paragraphs can continue: an item, an activity's text or a field value."""

    text: str
    source: Location
    continued: list = field(default_factory=list)

    def extend(self, block: Block, sep: str = " ") -> None:
        self.text = f"{self.text}{sep}{block.text}" if self.text else block.text
        self.continued.append(block.loc)


@dataclass
class ItemBuilder(TextBuilder):
    marker: str = ""
    label: str = ""
    number: str | None = None


@dataclass
class FieldBuilder(TextBuilder):
    name: str = ""
    label: str = ""
    column: str | None = None


@dataclass
class ActivityBuilder(TextBuilder):
    number: str | None = None
    marker: str = ""
    fields: list = field(default_factory=list)
    cells: list = field(default_factory=list)  # a table row's number cell: part of the extent
    inherited: list = field(default_factory=list)  # (field, text) of cells merged down from a row above


@dataclass
class NodeBuilder:
    """A part or a section under construction."""

    number: str | None
    heading: str | None
    title: str | None
    source: Location | None
    declared: bool = True
    addressee: str | None = None  # the body a group of measures is addressed to: their responsible body
    lists: dict = field(default_factory=lambda: {name: [] for name in LISTS})
    labels: list = field(default_factory=list)
    fields: list = field(default_factory=list)  # printed for the whole section, before its activities
    children: list = field(default_factory=list)  # sections of a part, activities of a section


# Where the parser stands: before the plan, right under a part or section heading, among the
# activities, in a note, or in one of the model's lists (needs, aims, objectives).
Where = Literal["preamble", "part", "section", "activities", "note", "needs", "aims", "objectives"]


class PendingLabel(NamedTuple):
    """A numbered list label printed alone (``Задача 2:``): its item is the paragraph that follows."""

    field: str
    label: str
    number: str | None
    loc: Location


@dataclass
class ParseState:
    lex: Lexicon
    parts: list = field(default_factory=list)
    preamble: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    unparsed: list = field(default_factory=list)
    context: Where = "preamble"
    target: TextBuilder | None = None
    pending_label: PendingLabel | None = None
    header: tuple | None = None  # the last header row: (row, column -> field, sub-header rows)
    merged: dict = field(default_factory=dict)  # ((file, table), column) -> (field, text, last row) merged down
    columns: dict | None = None  # table grid column -> Column, from the header or the content
    labelled: bool = False  # the version has activity labels, addressees or a table header somewhere
    plain_plan: bool = False  # without labels, its numbered paragraphs read as activities
    followed_by_fields: frozenset = frozenset()  # locations of numbered paragraphs an activity field label follows
    groups: dict = field(default_factory=dict)  # locations of numbered titles over items numbered under them -> kind

    @property
    def part(self) -> NodeBuilder:
        if not self.parts:
            self.parts.append(NodeBuilder(None, None, None, None, declared=False))
        return self.parts[-1]

    @property
    def container(self) -> NodeBuilder:
        part = self.part
        return part.children[-1] if part.children and self.context != "part" else part

    def section(self, loc: Location) -> NodeBuilder:
        """The current section, opening an undeclared one under the part if there is none."""
        part = self.part
        if not part.children or self.context == "part":
            part.children.append(NodeBuilder(None, None, None, loc, declared=False))
            self.context = "activities"
        return part.children[-1]


def open_section(state: ParseState, node: NodeBuilder) -> None:
    """``node`` as the part's next section.  An undeclared section that only a table's header
    row opened (labels, no activities, no lists) is no section of its own: ``node`` takes its
    place and its labels."""
    part = state.part
    last = part.children[-1] if part.children else None
    if last is not None and _only_labels(last):
        node.labels = last.labels + node.labels
        part.children[-1] = node
    else:
        part.children.append(node)


def _only_labels(node: NodeBuilder) -> bool:
    """An undeclared part or section that holds nothing but labels (a table's header row)."""
    return (not node.declared and not any(node.lists.values()) and not node.fields
            and all(isinstance(child, NodeBuilder) and _only_labels(child) for child in node.children))


def open_part(state: ParseState, node: NodeBuilder) -> None:
    """``node`` as the next part.  An undeclared part that only a table's header row opened
    is no part of its own: ``node`` takes its place and the header's labels."""
    if state.parts and _only_labels(state.parts[-1]):
        last = state.parts.pop()
        node.labels = last.labels + [label for section in last.children for label in section.labels] + node.labels
    state.parts.append(node)


def open_heading(state: ParseState, node: NodeBuilder, kind: str) -> None:
    """``node`` (a printed heading or group title) as the next part or section, the parser
    right under it."""
    flush_pending(state)
    if kind == "part":
        open_part(state, node)
        state.context = "part"
    else:
        open_section(state, node)
        state.context = "section"
    state.target = None


def flush_pending(state: ParseState) -> None:
    """A numbered label (``Задача 2:``) that no text followed stays a label."""
    if state.pending_label:
        pending = state.pending_label
        state.container.labels.append(Label(pending.field, pending.label, pending.loc))
        state.pending_label = None


def current_activity(state: ParseState) -> ActivityBuilder | None:
    if state.context != "activities" or not state.parts or not state.part.children:
        return None
    acts = state.part.children[-1].children
    return acts[-1] if acts else None


# --- freezing builders into the model ------------------------------------------------------

class Ids:
    """Deterministic ids: from printed numbers, ``nn`` when there is none, repeats suffixed."""

    def __init__(self):
        self.seen: dict[str, int] = {}

    def __call__(self, base: str) -> str:
        n = self.seen.get(base, 0) + 1
        self.seen[base] = n
        return base if n == 1 else f"{base}-{n}"




def _slug(number: str | None) -> str:
    """An id piece from a printed number: "1.2." → "1-2", Cyrillic "ІІІ" → "III", none → "nn"."""
    return regex.sub(r"[^0-9A-Za-z]+", "-", number.translate(ROMAN_IN_CYRILLIC)).strip("-") or "nn" if number else "nn"


def freeze_items(builders: list[ItemBuilder]) -> tuple[Item, ...]:
    return tuple(Item(text=i.text, source=i.source, marker=i.marker, label=i.label, number=i.number,
                      continued=tuple(i.continued)) for i in builders)


def _agency(name: str, legend: dict[str, str]) -> Agency:
    """A body as printed, its gazetteer id, and its full name where the document's legend
    spells out the abbreviation it is."""
    expanded = legend.get(name)
    return Agency(name, GAZETTEER.lookup(name) or (GAZETTEER.lookup(expanded) if expanded else None), expanded)


@dataclass(frozen=True)
class Freeze:
    """What freezing the builders needs: the lexicon, the id maker, the document's context."""

    lex: Lexicon
    ids: Ids
    legend: dict
    year: int | None


def _fields(builders: list[FieldBuilder]) -> tuple[Field, ...]:
    return tuple(Field(f.name, f.label, f.text, f.source, tuple(f.continued), f.column) for f in builders)


def _activity(act: ActivityBuilder, section_id: str, fz: Freeze, addressee: str | None = None,
              defaults: tuple[Field, ...] = ()) -> Activity:
    """An activity frozen; a field it does not print (agencies, period) is taken from a
    table cell merged down over its row, else from the fields printed for its whole section
    (``defaults``), bodies from its addressee."""
    lex = fz.lex
    fields = _fields(act.fields)
    own = {f.field for f in fields}
    inherited = {name: "\n".join(text for n, text in act.inherited if n == name) for name, _ in act.inherited}
    values = {name: inherited[name] if name not in own and name in inherited else
              _joined([f for f in (fields if name in own else defaults) if f.field == name]) for name in ACT_FIELDS}
    period = text_to_period(values["period"], lex, fz.year) if values["period"] else None
    return Activity(
        id=fz.ids(f"{section_id}-act-{_slug(act.number)}"), number=act.number, marker=act.marker,
        text=act.text, indicators=tuple(split_list(values["indicators"], regex.compile(";"))),
        agencies=tuple(_agency(name, fz.legend) for name in split_bodies(
            values["agencies"], lex.conjunctions, GAZETTEER.protected, lex.body_heads, lex.body_head_position == "last")
            or ([addressee] if addressee else [])
            if regex.search(r"\p{L}", name)),  # "-": none
        period=period, fields=fields, source=act.source, continued=tuple(act.continued),
        extent=_extent([act.source, *act.continued, *act.cells,
                        *(l for f in fields for l in (f.source, *f.continued))]))


def _joined(fields: list[Field]) -> str:
    """The values of one field's cells: in sub-columns, each after its sub-header
    ("Минюст: Январь; Правительство: Февраль"), else one per line."""
    subs = [f.column.rpartition(" / ")[2] for f in fields if f.column and " / " in f.column]
    if len(fields) > 1 and len(subs) == len(fields):
        return "; ".join(f"{sub}: {f.value}" for sub, f in zip(subs, fields))
    return "\n".join(f.value for f in fields)


def _extent(locs) -> tuple[Location, ...]:
    """One location per (file, page) with the union of the bounding boxes found there."""
    boxes: dict[tuple[int, int], list] = {}
    for loc in locs:
        if loc.bbox is not None and loc.page is not None:
            boxes.setdefault((loc.file, loc.page), []).append(loc.bbox)
    return tuple(Location(file=file, page=page, bbox=(min(b[0] for b in bb), min(b[1] for b in bb),
                                                     max(b[2] for b in bb), max(b[3] for b in bb)))
                 for (file, page), bb in boxes.items())


def _section(node: NodeBuilder, part_id: str, fz: Freeze) -> Section:
    base = f"{fz.lex.code}-sec-{_slug(node.number)}" if node.declared else f"{part_id}-sec-nn"
    sid = fz.ids(base)
    fields = _fields(node.fields)
    return Section(
        id=sid, number=node.number, declared=node.declared, heading=node.heading, title=node.title,
        needs=freeze_items(node.lists["needs"]), aims=freeze_items(node.lists["aims"]),
        objectives=freeze_items(node.lists["objectives"]), labels=tuple(node.labels),
        activities=tuple(_activity(a, sid, fz, node.addressee, fields) for a in node.children), source=node.source,
        fields=fields)


def freeze_part(node: NodeBuilder, fz: Freeze) -> Part:
    pid = fz.ids(f"{fz.lex.code}-part-{_slug(node.number)}")
    return Part(
        id=pid, number=node.number, heading=node.heading, title=node.title,
        needs=freeze_items(node.lists["needs"]), aims=freeze_items(node.lists["aims"]),
        objectives=freeze_items(node.lists["objectives"]), labels=tuple(node.labels),
        sections=tuple(_section(s, pid, fz) for s in node.children), source=node.source)


