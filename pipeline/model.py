"""The one data model every stage passes on: immutable records with ``to_dict()``.

Stages build these with constructors and change them with :func:`dataclasses.replace`;
children are tuples.  ``to_dict()`` gives the JSON form of ``plan.json``
(``schemas/plan.schema.json``), leaving out keys whose value is ``None`` where the
contract allows it.

Two kinds of text live in the model:

* *printed* text — exactly what the source shows (headings, labels with their colon,
  list markers, field values).  Every non-whitespace character of a source lands in
  exactly one printed string; :func:`printed_strings` lists them and
  ``coverage.accounted_chars`` counts them.
* *derived* values — numbers, titles, indicator and agency lists, periods — computed
  from printed text and never counted twice.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from typing import Iterator

SCHEMA = "polyplan.plan/1"
# The lists a part or section holds before its activities, in printed order.
SEVERITIES = ("info", "warning", "error")  # of findings, mildest first: `--fail-on`, exports and checks rank by it
LISTS = ("needs", "aims", "objectives")
# Reason of unparsed text in which no plan structure was recognised (see build.paths_to_plan).
NO_STRUCTURE_REASON = "no plan structure recognised"


def _clean(value):
    """JSON form of a model value: dataclasses via to_dict, tuples as lists."""
    if is_dataclass(value):
        return value.to_dict()
    if isinstance(value, tuple):
        return [_clean(v) for v in value]
    return value


class _Record:
    """Mixin: ``to_dict`` over the dataclass fields, dropping ``None`` and empty optionals."""

    __slots__ = ()  # so that the records' own slots leave them without a __dict__
    _optional: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in self._optional and value in (None, (), ""):
                continue
            out[f.name] = _clean(value)
        return out


@dataclass(frozen=True, slots=True)
class Location(_Record):
    """Where a piece of text came from: all numbers 1-based.

    ``file`` indexes ``Plan.sources``; ``page`` for PDF; ``line`` for text files
    (and the line within the page for PDF); ``paragraph`` for DOCX body paragraphs;
    ``table``/``row``/``cell`` for DOCX tables; ``part`` names a DOCX header/footer;
    ``bbox`` is (x0, top, x1, bottom) in PDF points.
    """

    file: int
    page: int | None = None
    line: int | None = None
    paragraph: int | None = None
    table: int | None = None
    row: int | None = None
    cell: int | None = None
    part: str | None = None
    bbox: tuple[float, float, float, float] | None = None

    def to_dict(self) -> dict:
        out = {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}
        if self.bbox is not None:
            out["bbox"] = [round(v, 1) for v in self.bbox]
        return out


@dataclass(frozen=True, slots=True)
class Block(_Record):
    """One paragraph (or table-cell paragraph, or PDF text paragraph) as extracted.

    ``heading`` is the heading level a style or font size suggests (0: none);
    ``bold`` the leading bold text (a field label, typically); ``page_start`` marks the
    first block of a page, where a paragraph may continue after a page break;
    ``furniture`` marks running headers, footers and page numbers; ``span`` is the
    number of table columns a cell spans (a merged cell) and ``rows`` the number of table
    rows (a cell merged down: it holds for each of them); ``breaks`` the offsets in
    ``text`` where a printed line ended inside the block (a PDF line, a Word line break),
    so that a cell printing one name per line can be split where it was printed: a break
    is the length of the text once that line is in (after a removed line-end hyphen), so
    ``text[:k]`` is the printed line and ``text[k]`` the joining space, or the next line's
    first letter where a hyphen was removed.
    """

    text: str
    loc: Location
    heading: int = 0
    bold: str = ""
    page_start: bool = False
    furniture: bool = False
    lang: str | None = None
    span: int = 1
    breaks: tuple[int, ...] = ()
    rows: int = 1

    _optional = ("bold", "lang", "breaks")


@dataclass(frozen=True, slots=True)
class VersionBlocks(_Record):
    """The blocks of one language version as the split stage cut them out."""

    lang: str
    title: tuple[Block, ...]
    body: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class Split(_Record):
    """A document cut into language versions and the text around them."""

    versions: tuple[VersionBlocks, ...]
    front: tuple[Block, ...] = ()
    back: tuple[Block, ...] = ()
    between: tuple[Block, ...] = ()
    furniture: tuple[Block, ...] = ()


@dataclass(frozen=True, slots=True)
class Context(_Record):
    """What the whole document tells the parse of each version: the abbreviations its own
    legend spells out (``МФ`` → "Министерство финансов …") and the year its title names
    ("План … на 2020 год"), which periods printed without a year ("Январь", "II тоқсан")
    fall in."""

    legend: tuple[tuple[str, str], ...] = ()
    year: int | None = None


@dataclass(frozen=True, slots=True)
class Source(_Record):
    """An input file: ``chars`` non-whitespace characters were extracted from it, of which
    ``garbled_chars`` are glyphs without a Unicode meaning (a font without a Unicode map).

    What its reader met besides text: the ``encoding`` a text file was decoded from and
    ``replaced``, its undecodable bytes shown as U+FFFD (``replaced_at``: the first 100
    offsets); ``removed``, control characters taken out at each place; ``skipped``, places
    whose content was not read and why; ``package`` the kind of Word package (``docm``,
    ``dotx`` …) where not plain ``docx``; ``ocr``, the pages recognised by OCR; ``converted``,
    the conversion a ``.doc``, RTF or ODT file was read through; ``respelled``, Kazakh typed in
    a pre-Unicode font read as Kazakh letters, with the text as extracted.
    """

    path: str
    sha256: str
    format: str
    pages: int | None = None
    chars: int = 0
    garbled_chars: int = 0
    encoding: str | None = None
    replaced: int = 0
    replaced_at: tuple[int, ...] = ()
    removed: tuple["Removed", ...] = ()
    skipped: tuple["Skipped", ...] = ()
    package: str | None = None
    ocr: tuple["OcrPage", ...] = ()
    converted: "Converted | None" = None
    respelled: "Respelled | None" = None

    _optional = ("encoding", "replaced_at", "removed", "skipped", "package", "ocr", "converted", "respelled")


@dataclass(frozen=True, slots=True)
class Removed(_Record):
    """Control characters (code points) taken out of the text at ``source``."""

    source: Location
    chars: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Skipped(_Record):
    """A place of a file whose content was not read, and why (an embedded object, an RTF chunk)."""

    source: Location
    reason: str


@dataclass(frozen=True, slots=True)
class Converted(_Record):
    """A file read through a conversion: its kind (``doc``, ``rtf``, ``odt``) and the program
    that converted it to DOCX (``LibreOffice 7.4.7.2``)."""

    kind: str
    by: str

    def to_dict(self) -> dict:
        return {"from": self.kind, "by": self.by}


@dataclass(frozen=True, slots=True)
class RawText(_Record):
    """A block's text as extracted, before a repair."""

    source: Location
    text: str


@dataclass(frozen=True, slots=True)
class Respelled(_Record):
    """Text typed in a pre-Unicode Kazakh font read as Kazakh letters: the substitution table
    applied, its description, how many characters changed, one word before and after, and
    each changed block's text as extracted."""

    table: str
    title: str
    changed: int
    example: tuple[str, str]
    raw: tuple[RawText, ...] = ()


@dataclass(frozen=True, slots=True)
class OcrPage(_Record):
    """A page recognised by OCR: its number, the languages asked for, the mean word
    confidence (0–100) and the angle it was turned by to read upright."""

    page: int
    languages: str
    confidence: float
    rotated: int = 0


@dataclass(frozen=True, slots=True)
class Loose(_Record):
    """Text outside the plan structure: front/back matter, unparsed text, page furniture."""

    lang: str | None
    text: str
    source: Location
    reason: str | None = None

    _optional = ("reason",)


@dataclass(frozen=True, slots=True)
class Item(_Record):
    """A list entry (identified need, aim, objective, note, preamble paragraph).

    ``label`` is a printed label that introduced this very item (``Задача 1:``,
    ``Bellik 1:``, or ``Maksat:`` when the text follows on the same line);
    ``marker`` a printed list marker (``1.``); ``number`` the number either carries.
    """

    text: str
    source: Location
    marker: str = ""
    label: str = ""
    number: str | None = None
    continued: tuple[Location, ...] = ()

    _optional = ("marker", "label", "number", "continued")


@dataclass(frozen=True, slots=True)
class Label(_Record):
    """A label printed on a line of its own (``Çäreler:``, ``Identified needs:``)."""

    field: str
    text: str
    source: Location


@dataclass(frozen=True, slots=True)
class Field(_Record):
    """A labelled activity field as printed: ``label`` includes its colon.

    In a table, ``column`` names the column the value was printed in (its header, with
    sub-header names after `` / ``: "Срок представления / Минюст"); ``field`` is ``other``
    for a column whose header names none of the known fields."""

    field: str
    label: str
    value: str
    source: Location
    continued: tuple[Location, ...] = ()
    column: str | None = None

    _optional = ("continued", "column")


@dataclass(frozen=True, slots=True)
class Period(_Record):
    """An implementation period: ``raw`` as printed, years (and months) normalised."""

    raw: str
    start: int | None
    end: int | None
    kind: str = "unknown"
    start_month: int | None = None
    end_month: int | None = None

    _optional = ("start_month", "end_month")


@dataclass(frozen=True, slots=True)
class Agency(_Record):
    """A responsible body as printed (``name``), its gazetteer id, and the full name the
    document's own list of abbreviations gives it (``МФ`` → "Министерство финансов …")."""

    name: str
    id: str | None = None
    expanded: str | None = None

    _optional = ("expanded",)


@dataclass(frozen=True, slots=True)
class Activity(_Record):
    """A numbered activity: printed ``marker`` and ``text``, derived ``number``, lists, period.

    ``source`` is where its text starts (DOCX paragraph or table/row/cell, PDF page with
    bbox, text line); ``extent`` covers the whole activity with its fields, one location
    per PDF page with the union of the bounding boxes there.
    """

    id: str
    number: str | None
    marker: str
    text: str
    indicators: tuple[str, ...]
    agencies: tuple[Agency, ...]
    period: Period | None
    fields: tuple[Field, ...]
    source: Location
    continued: tuple[Location, ...] = ()
    extent: tuple[Location, ...] = ()

    _optional = ("continued", "extent")


@dataclass(frozen=True, slots=True)
class Section(_Record):
    id: str
    number: str | None
    declared: bool
    heading: str | None
    title: str | None
    needs: tuple[Item, ...] = ()
    aims: tuple[Item, ...] = ()
    objectives: tuple[Item, ...] = ()
    labels: tuple[Label, ...] = ()
    activities: tuple[Activity, ...] = ()
    source: Location | None = None
    fields: tuple[Field, ...] = ()  # printed for the whole section ("Lead agency: …"): its activities' default

    _optional = ("fields",)


@dataclass(frozen=True, slots=True)
class Part(_Record):
    id: str
    number: str | None
    heading: str | None
    title: str | None
    needs: tuple[Item, ...] = ()
    aims: tuple[Item, ...] = ()
    objectives: tuple[Item, ...] = ()
    labels: tuple[Label, ...] = ()
    sections: tuple[Section, ...] = ()
    source: Location | None = None


@dataclass(frozen=True, slots=True)
class Version(_Record):
    """One language version of the plan."""

    lang: str
    title: str | None
    title_source: Location | None
    preamble: tuple[Item, ...] = ()
    notes: tuple[Item, ...] = ()
    parts: tuple[Part, ...] = ()

    def to_dict(self) -> dict:
        out = _Record.to_dict(self)
        out.pop("lang")
        return out

    def activities(self) -> Iterator[Activity]:
        for part in self.parts:
            for section in part.sections:
                yield from section.activities

    def sections(self) -> Iterator[Section]:
        for part in self.parts:
            yield from part.sections

    def nodes(self) -> Iterator[Part | Section | Activity]:
        """Every part, section and activity in reading order (a part before its sections, a
        section before its activities)."""
        for part in self.parts:
            yield part
            for section in part.sections:
                yield section
                yield from section.activities


@dataclass(frozen=True, slots=True)
class Alignment(_Record):
    """One alignment row: the counterparts of one part, section or activity in each version.

    ``refs`` pairs each language with the id of its element, or None where that version
    lacks it; ``score`` (0-1) is the mean similarity of the linked elements; ``crossed``
    marks a row linked against the order of its neighbours (a swap).
    """

    kind: str
    refs: tuple[tuple[str, str | None], ...]
    score: float
    crossed: bool = False

    def to_dict(self) -> dict:
        return {"kind": self.kind, "refs": dict(self.refs), "score": round(self.score, 3),
                "crossed": self.crossed}

    def ref(self, lang: str) -> str | None:
        return dict(self.refs).get(lang)


@dataclass(frozen=True, slots=True)
class Finding(_Record):
    code: str
    severity: str
    lang: str
    refs: tuple[str, ...]
    message: str
    evidence: tuple[dict, ...] = ()


@dataclass(frozen=True, slots=True)
class Coverage(_Record):
    source_chars: int
    accounted_chars: int


@dataclass(frozen=True, slots=True)
class Plan(_Record):
    name: str
    sources: tuple[Source, ...]
    versions: tuple[Version, ...]
    front_matter: tuple[Loose, ...] = ()
    back_matter: tuple[Loose, ...] = ()
    unparsed: tuple[Loose, ...] = ()
    furniture: tuple[Loose, ...] = ()
    coverage: Coverage = field(default_factory=lambda: Coverage(0, 0))
    alignment: tuple[Alignment, ...] = ()
    findings: tuple[Finding, ...] = ()

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(v.lang for v in self.versions)

    def version(self, lang: str) -> Version:
        return next(v for v in self.versions if v.lang == lang)

    def to_dict(self) -> dict:
        out = {"schema": SCHEMA, "name": self.name, "sources": _clean(self.sources),
               "languages": list(self.languages),
               "versions": {v.lang: v.to_dict() for v in self.versions}}
        for key in ("front_matter", "back_matter", "unparsed", "furniture", "coverage",
                    "alignment", "findings"):
            out[key] = _clean(getattr(self, key))
        return out


def index(plan: Plan) -> dict[str, Part | Section | Activity]:
    """Every part, section and activity of ``plan`` by its id (ids are unique in a plan).

    >>> index(Plan("x", (), ()))
    {}
    """
    return {node.id: node for version in plan.versions for node in version.nodes()}


def kind_of(node: Part | Section | Activity) -> str:
    """``part``, ``section`` or ``activity``: the word alignment rows and findings use.

    >>> kind_of(Part("en-part-1", "1", None, None))
    'part'
    """
    return {Part: "part", Section: "section", Activity: "activity"}[type(node)]


def _printed_items(items: tuple[Item, ...]) -> Iterator[str]:
    for item in items:
        yield item.label
        yield item.marker
        yield item.text


def _printed_container(node: Part | Section) -> Iterator[str]:
    yield node.heading or ""
    for label in node.labels:
        yield label.text
    for f in getattr(node, "fields", ()):
        yield f.label
        yield f.value
    for items in (node.needs, node.aims, node.objectives):
        yield from _printed_items(items)


def printed_strings(plan: Plan) -> Iterator[str]:
    """Every printed string of ``plan``: each source character lands in exactly one.

    >>> list(printed_strings(Plan("x", (), ())))
    []
    """
    for version in plan.versions:
        yield version.title or ""
        yield from _printed_items(version.preamble)
        yield from _printed_items(version.notes)
        for part in version.parts:
            yield from _printed_container(part)
            for section in part.sections:
                yield from _printed_container(section)
                for act in section.activities:
                    yield act.marker
                    yield act.text
                    for f in act.fields:
                        yield f.label
                        yield f.value
    for loose in plan.front_matter + plan.back_matter + plan.unparsed + plan.furniture:
        yield loose.text


def count_chars(text: str) -> int:
    """Non-whitespace characters in ``text``.

    >>> count_chars(" a b\\n c ")
    3
    """
    return sum(1 for ch in text if not ch.isspace())
