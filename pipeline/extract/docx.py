"""DOCX to blocks for the extract stage, read as Word displays the document.

* Body paragraphs and table cells in document order (``w:body`` iterated with lxml; the
  package through :mod:`pipeline.extract.docx_package`): heading level from the paragraph style,
  leading bold runs as the ``bold`` hint, Word's automatic numbers (:mod:`pipeline.extract.wordnum`,
  also on a paragraph that shows nothing but its number — a numbered table cell), line
  breaks (``w:br``) as ``Block.breaks``.
* Tracked changes as if accepted: insertions and moves-to in, deletions and moves-from out;
  a deleted paragraph mark joins its paragraph to the next.
* Containers are looked through wherever they stand (block, row, cell or run level): content
  controls (``w:sdt``), ``w:customXml``, ``w:smartTag``, ``w:hyperlink``, ``w:fldSimple``
  (its displayed result; of a complex field the result, never the instruction), bidi
  containers; of ``mc:AlternateContent`` one branch.
* Text boxes (DrawingML ``wps:txbx``, VML ``v:textbox``) as blocks right after the paragraph
  they are anchored in, ``Location.part == "textbox"``; footnotes and endnotes as blocks right
  after the paragraph that references them, ``Location.part`` ``"footnote"``/``"endnote"``,
  their text opening with the mark Word prints (``1``, endnotes ``i``) — the reference mark
  itself is not put into the paragraph's text.  Both carry the anchoring paragraph's place.
* A table nested in a cell is read in its place, its paragraphs blocks of the outer cell.
* ``altChunk`` parts: HTML and plain text read as paragraphs (``Location.part == "altChunk"``),
  other kinds listed as skipped.
* Section headers and footers (default, first-page, even-page) as page furniture.
* Control characters removed or mapped (:func:`pipeline.controls.clean_controls`), recorded
  with the block's location.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..controls import Reading, clean_controls
from .docx_package import W, Package, Styles, check_docx, on
from ..model import Block, Location
from .sniff import ExtractError
from ..text import normalize
from .wordnum import WordNumbering, format_number, symbol_text

__all__ = ["check_docx", "docx_to_blocks"]

_M = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
P, TBL, TR, TC, R = W + "p", W + "tbl", W + "tr", W + "tc", W + "r"
_ALT_CHUNK, _TXBX, _ALTERNATE = W + "altChunk", W + "txbxContent", _MC + "AlternateContent"
# Never displayed as text: properties, deleted or moved-away content, field instructions.
_SKIP = frozenset(W + t for t in (
    "pPr", "rPr", "sectPr", "tblPr", "tblGrid", "trPr", "tcPr", "tblPrEx", "sdtPr", "sdtEndPr", "customXmlPr",
    "smartTagPr", "del", "moveFrom", "instrText", "delText", "delInstrText", "fldData", "rubyPr")) | {_M + "rPr"}
_CHARS = {W + "tab": "\t", W + "ptab": "\t", W + "cr": "\n", W + "noBreakHyphen": "-", W + "softHyphen": "\u00ad"}
_NOTE_KINDS = {W + "footnoteReference": "footnote", W + "endnoteReference": "endnote"}
# Word's default mark formats: endnotes lowerRoman where the standard says decimal ([MS-OI29500] 2.1.306)
_NOTE_FORMATS = {"footnote": "decimal", "endnote": "lowerRoman"}


def _find(element, tags: frozenset):
    """The elements of ``tags`` under ``element`` in document order, looking through every
    container that is not skipped (``_SKIP``) and through one branch of alternate content,
    without descending into what is found."""
    for child in element:
        tag = child.tag
        if tag in tags:
            yield child
        elif tag == _ALTERNATE:
            yield from _find(_branch(child), tags)
        elif tag not in _SKIP and isinstance(tag, str):
            yield from _find(child, tags)


def _branch(alternate):
    """The branch of ``mc:AlternateContent`` a consumer shows: its first choice, else its fallback
    (both hold the same content, a text box drawn in DrawingML and in VML)."""
    for branch in (_MC + "Choice", _MC + "Fallback"):
        found = alternate.find(branch)
        if found is not None:
            return found
    return ()


_BLOCKS, _ROWS, _CELLS = frozenset({P, TBL, _ALT_CHUNK}), frozenset({TR}), frozenset({TC})


class _Shown:
    """What one paragraph shows: its text pieces, leading bold text, the notes it references,
    the text boxes anchored in it, and whether a page break stands in it."""

    __slots__ = ("parts", "bold", "leading", "notes", "boxes", "page_break")

    def __init__(self):
        self.parts, self.bold, self.leading = [], [], True
        self.notes, self.boxes, self.page_break = [], [], False

    def add(self, text: str, bold: bool) -> None:
        if not text:
            return
        self.parts.append(text)
        if self.leading and bold:
            self.bold.append(text)
        else:
            self.leading = False

    def extend(self, other: _Shown) -> None:
        """``other`` (a paragraph whose mark was deleted) runs on into this one."""
        self.parts[:0], self.notes[:0], self.boxes[:0] = other.parts, other.notes, other.boxes
        if other.leading:
            self.bold[:0] = other.bold
        else:
            self.bold, self.leading = other.bold, False


class _Reader:
    """One document's reading state: its counters, styles, numbering and notes."""

    def __init__(self, package: Package, file_index: int, body):
        self.package, self.file = package, file_index
        self.rows = 1  # rows the current table cell is merged down over (w:vMerge)
        self.styles = Styles(package.part_of("styles"))
        self.numbering = WordNumbering(package.part_of("numbering"), self.styles)
        self.notes = {kind: _notes(package.part_of(kind + "s"), kind) for kind in _NOTE_FORMATS}
        self.settings = package.part_of("settings")
        self.sections = [s for s in body.iter(W + "sectPr") if s.getparent().tag in (W + "pPr", W + "body")]
        self.note_format = {kind: self._note_format(kind, body.find(W + "sectPr")) for kind in _NOTE_FORMATS}
        self.note_count = {kind: 0 for kind in _NOTE_FORMATS}
        self.mark = ""  # the mark of the note being read (what its w:footnoteRef shows)
        self.blocks: list[Block] = []
        self.removed: list[tuple[Location, tuple[int, ...]]] = []
        self.skipped: list[tuple[Location, str]] = []
        self.paragraph_no = self.table_no = 0
        self.page_start = False

    # --- block level ---

    def container(self, element, loc: Location | None, span: int = 1) -> None:
        """The paragraphs, tables and alternative chunks of a story or cell.  ``loc`` None: the
        body, where each paragraph and table is numbered; else the place every block takes."""
        carried, last = None, None  # what a paragraph with a deleted mark runs on into the next
        for item in _find(element, _BLOCKS):
            if item.tag == P:
                shown = _joined(carried, self.shown(item))
                if _mark_deleted(item):
                    carried, last = shown, item
                    continue
                self.paragraph(item, shown, loc, span)
                carried = None
                continue
            if carried is not None:  # nothing to run on into: it stands alone
                self.paragraph(last, carried, loc, span)
                carried = None
            if item.tag == TBL:
                self.table(item, loc, span)
            else:
                self.alt_chunk(item, loc)
        if carried is not None:
            self.paragraph(last, carried, loc, span)

    def table(self, tbl, loc: Location | None, span: int) -> None:
        """A table's cells row by row; a nested table's (``loc`` given) at the outer cell's place.
        A cell is numbered by its first grid column; a cell continuing a vertical merge, which
        Word leaves blank, is read only when it holds text; deleted rows are not read."""
        if loc is None:
            self.table_no += 1
        rows = [tr for tr in _find(tbl, _ROWS) if tr.find(f"{W}trPr/{W}del") is None]
        grid = [[(tc, int(_prop(tc, "gridSpan") or 1), _continues_merge(tc)) for tc in _find(tr, _CELLS)] for tr in rows]
        down = _merged_down(grid)
        for row_no, cells in enumerate(grid, start=1):
            col = 1
            for tc, width, blank in cells:
                if not blank:
                    where = loc or Location(file=self.file, table=self.table_no, row=row_no, cell=col)
                    outer, self.rows = self.rows, (down.get((row_no, col), 1) if loc is None else self.rows)
                    self.container(tc, where, span if loc else width)
                    self.rows = outer
                col += width

    def paragraph(self, p, shown: _Shown, loc: Location | None, span: int) -> None:
        """A paragraph's block (when it shows anything), then its notes and text boxes."""
        p_pr = p.find(W + "pPr")
        style = self.styles.paragraph_style(p_pr)
        number = self.numbering.label(p_pr, style)
        raw, removed = clean_controls("".join(shown.parts))
        text, breaks = _collapse(normalize(raw))
        if number:  # Word's automatic number is what the reader sees before the text
            breaks = tuple(b + len(number) + 1 for b in breaks)
            text = f"{number} {text}" if text else number
        if loc is None:
            self.paragraph_no += 1
            loc = Location(file=self.file, paragraph=self.paragraph_no)
        if text:
            bold, _ = clean_controls("".join(shown.bold).strip())
            self.blocks.append(Block(text=text, loc=loc, heading=self.styles.heading(style), bold=bold,
                                     page_start=self.page_start and loc.table is None, span=span, breaks=breaks,
                                     rows=self.rows if loc.table is not None else 1))
            self.page_start = False
            if removed:
                self.removed.append((loc, removed))
        elif shown.page_break and loc.table is None:
            self.page_start = True
        for kind, note_id, mark in shown.notes:
            self.note(kind, note_id, mark, loc, span)
        for box in shown.boxes:
            self.container(box, replace(loc, part="textbox"), span)

    def note(self, kind: str, note_id: str, mark: str, loc: Location, span: int) -> None:
        note = self.notes[kind].get(note_id)
        if note is None:
            self.skipped.append((loc, f"{kind} {note_id} referenced but absent"))
            return
        outer, self.mark = self.mark, mark
        self.container(note, replace(loc, part=kind), span)
        self.mark = outer

    def alt_chunk(self, chunk, loc: Location | None) -> None:
        """An alternative format chunk (ECMA-376 §17.17.2.1) read as paragraphs, or listed as skipped."""
        from .docx_chunks import chunk_paragraphs
        target = self.package.related.get(chunk.get(_R_ID), ("", ""))[0]
        where = loc or Location(file=self.file, paragraph=self.paragraph_no + 1)
        paragraphs = chunk_paragraphs(self.package, target) if target.lower() in self.package.names else None
        if paragraphs is None:
            self.skipped.append((where, f"altChunk {target or chunk.get(_R_ID)} "
                                        f"({self.package.content_type(target) or 'missing'}) not read"))
            return
        for text, heading in paragraphs:
            if loc is None:
                self.paragraph_no += 1
            place = replace(loc or Location(file=self.file, paragraph=self.paragraph_no), part="altChunk")
            clean, removed = clean_controls(text)
            text, breaks = _collapse(normalize(clean))
            if text:
                self.blocks.append(Block(text=text, loc=place, heading=heading, breaks=breaks))
                if removed:
                    self.removed.append((place, removed))

    # --- run level ---

    def shown(self, p) -> _Shown:
        shown = _Shown()
        self.inline(p, shown, False)
        return shown

    def inline(self, element, shown: _Shown, bold: bool) -> None:
        """Walk a paragraph's content in order, adding what Word displays to ``shown``."""
        for child in element:
            tag = child.tag
            if tag == R:
                self.inline(child, shown, self.styles.bold(child.find(W + "rPr")))
            elif tag == W + "t" or tag == _M + "t":
                shown.add(child.text or "", bold)
            elif tag in _CHARS:
                shown.add(_CHARS[tag], bold)
            elif tag == W + "br":
                kind = child.get(f"{W}type", "textWrapping")
                if kind == "textWrapping":
                    shown.add("\n", bold)
                shown.page_break |= kind == "page"
            elif tag == W + "lastRenderedPageBreak":
                shown.page_break = True
            elif tag == W + "sym":
                shown.add(_symbol(child), bold)
            elif tag in _NOTE_KINDS:
                shown.notes.append(self.reference(_NOTE_KINDS[tag], child))
            elif tag in (W + "footnoteRef", W + "endnoteRef"):
                shown.add(self.mark, bold)
            elif tag == _TXBX:
                shown.boxes.append(child)
            elif tag == _ALTERNATE:
                self.inline(_branch(child), shown, bold)
            elif tag not in _SKIP and isinstance(tag, str):
                self.inline(child, shown, bold)  # ins, moveTo, hyperlink, sdt, smartTag, fldSimple, drawing…

    def reference(self, kind: str, ref) -> tuple[str, str, str]:
        """(kind, note id, the mark Word prints) of a footnote or endnote reference."""
        if ref.get(f"{W}customMarkFollows") in ("1", "true", "on"):
            return kind, ref.get(f"{W}id", ""), ""  # the mark is the text that follows, already read
        self.note_count[kind] += 1
        start, fmt = self.note_format[kind]
        return kind, ref.get(f"{W}id", ""), format_number(start + self.note_count[kind] - 1, fmt)

    def _note_format(self, kind: str, body_section) -> tuple[int, str]:
        """(first number, format) of footnote or endnote marks: the body's last section
        properties, else the settings, else 1 and the default format (one numbering for the
        whole document; restarts per section or page are not followed)."""
        start = fmt = None
        for holder in (body_section, self.settings):
            props = holder.find(f"{W}{kind}Pr") if holder is not None else None
            if props is not None:
                start, fmt = start or _prop_val(props, "numStart"), fmt or _prop_val(props, "numFmt")
        return int(start or 1), fmt or _NOTE_FORMATS[kind]

    # --- headers and footers ---

    def furniture(self) -> list[Block]:
        """Paragraphs of every header and footer the sections show, each text once per kind."""
        even = self.settings is not None and on(self.settings.find(W + "evenAndOddHeaders"))
        out, seen, parts = [], set(), {}
        for kind in ("header", "footer"):
            for sect in self.sections:
                for ref in sorted(sect.iterfind(f"{W}{kind}Reference"), key=_reference_order):
                    which = ref.get(f"{W}type", "default")
                    if (which == "first" and not on(sect.find(W + "titlePg"))) or (which == "even" and not even):
                        continue
                    target = self.package.related.get(ref.get(_R_ID), ("", ""))[0]
                    if target.lower() not in self.package.names or target in parts:
                        continue
                    parts[target] = True
                    for block in self.story(self.package.xml(target), kind):
                        if (kind, block.text) not in seen:
                            seen.add((kind, block.text))
                            out.append(replace(block, furniture=True, heading=0, bold="", page_start=False))
        return out

    def story(self, root, kind: str) -> list[Block]:
        """The blocks of a separate story (a header or footer) at the place ``part == kind``."""
        outer = self.blocks
        self.blocks = []
        self.container(root, Location(file=self.file, part=kind))
        story, self.blocks = self.blocks, outer
        return story


_REFERENCE_ORDER = {"default": 0, "first": 1, "even": 2}  # the running header or footer first


def _continues_merge(tc) -> bool:
    """A cell that continues a vertical merge and holds no text of its own (Word leaves it blank)."""
    merge = tc.find(f"{W}tcPr/{W}vMerge")
    return merge is not None and merge.get(f"{W}val", "continue") == "continue" and not any(
        t.text for t in tc.iter(W + "t"))


def _merged_down(grid: list[list[tuple]]) -> dict[tuple[int, int], int]:
    """(row, first grid column) -> rows a cell spans: itself and the blank continuations of
    its vertical merge below it, in the same grid column."""
    starts: dict[int, tuple[int, int]] = {}  # grid column -> (row, column) of the cell merged down there
    out: dict[tuple[int, int], int] = {}
    for row_no, cells in enumerate(grid, start=1):
        col = 1
        for _tc, width, blank in cells:
            if blank and col in starts:
                out[starts[col]] = out.get(starts[col], 1) + 1
            elif not blank:
                starts[col] = (row_no, col)
            col += width
    return out


def _reference_order(ref) -> int:
    return _REFERENCE_ORDER.get(ref.get(f"{W}type", "default"), 3)


def _joined(carried: _Shown | None, shown: _Shown) -> _Shown:
    if carried is not None:
        shown.extend(carried)
    return shown


def _mark_deleted(p) -> bool:
    """Is a paragraph's mark deleted (or moved away) in a tracked change?"""
    mark = p.find(f"{W}pPr/{W}rPr")
    return mark is not None and (mark.find(W + "del") is not None or mark.find(W + "moveFrom") is not None)


def _prop(tc, name: str) -> str | None:
    element = tc.find(f"{W}tcPr/{W}{name}")
    return element.get(f"{W}val") if element is not None else None


def _prop_val(props, name: str) -> str | None:
    element = props.find(W + name)
    return element.get(f"{W}val") if element is not None else None


def _symbol(sym) -> str:
    """A ``w:sym`` character: a symbol font's as the character it draws, where one is known."""
    try:
        code = int(sym.get(f"{W}char", ""), 16)
    except ValueError:
        return ""
    return symbol_text(chr(code), sym.get(f"{W}font", "")) if 0 < code < 0x110000 else ""


def _notes(root, kind: str) -> dict:
    """Footnotes or endnotes by id, without the separators Word draws between them and the text."""
    if root is None:
        return {}
    return {note.get(f"{W}id"): note for note in root.iterchildren(f"{W}{kind}")
            if note.get(f"{W}type", "normal") == "normal"}


def _collapse(raw: str) -> tuple[str, tuple[int, ...]]:
    """Runs of whitespace as one space, and the offsets where a line break stood.

    >>> _collapse("  Ministry of\\tJustice\\n Ministry  of Health \\n")
    ('Ministry of Justice Ministry of Health', (19,))
    """
    text, breaks = "", []
    for line in raw.split("\n"):
        line = " ".join(line.split())
        if line:
            if text:
                breaks.append(len(text))
                text += " "
            text += line
    return text, tuple(breaks)


def docx_to_blocks(path: Path, file_index: int = 0) -> Reading:
    """A DOCX (or DOCM, DOTX, DOTM: text only, no macro runs) as Word displays it: the body's
    blocks in reading order, then the headers' and footers' as furniture; with the control
    characters removed (and where) and what could not be read."""
    package = Package(path)
    try:
        body = package.xml(package.main).find(W + "body")
        if body is None:
            raise ExtractError(f"DOCX part {package.main} has no body: not a Word document")
        reader = _Reader(package, file_index, body)
        reader.container(body, None)
        blocks = reader.blocks + reader.furniture()
    finally:
        package.close()
    return Reading(tuple(blocks), tuple(reader.removed), skipped=tuple(reader.skipped), kind=package.kind)


def _docx_blocks(path: Path, file_index: int) -> tuple[list[Block], None]:
    """The blocks of :func:`docx_to_blocks`, as :func:`pipeline.extract.file_to_blocks` takes them."""
    return list(docx_to_blocks(path, file_index).blocks), None
