"""HTML to blocks for the extract stage: pages saved from legal portals, HTML written by
LibreOffice or Word (also Word's HTML named ``.doc``) — the blocks a DOCX gives:

* ``h1``–``h6`` (and Word's ``MsoTitle``, as its Title style) give the heading level; ``p``,
  ``li``, ``div`` and the other block elements a block each (a block's text up to a nested
  block, the nested one, then the rest); leading ``b``/``strong``/``font-weight`` text is
  ``bold``; ``<br>`` gives ``Block.breaks``; ``<pre>`` keeps its lines.
* A list item opens with the marker a browser prints (``1.``, ``c.``, ``IV.`` from ``start``,
  ``type``, ``reversed``, ``value``, ``list-style-type``; bullets ``•``, ``◦``, ``▪``), as
  Word's automatic numbering does for DOCX.
* Tables: cells at ``table``/``row``/``cell`` numbered by grid row and column (``rowspan`` and
  ``colspan`` followed; a merged cell read once, ``span`` its width); a table inside a cell is
  read in its place as blocks of that cell.  A *layout* table (``role="presentation"``, one
  column, or a cell holding most of its text among headings or tables: the page beside its
  menu) is looked through, the tables in its cells read as tables.
* ``Location.part`` is the element path as lxml writes it (``/html/body/div[2]/p[3]``;
  ``tree.xpath(part)`` finds the element in lxml's parse of the file); body blocks are also
  numbered as ``paragraph``.  LibreOffice's ``<div title="header">``/``"footer"`` and Word's
  ``mso-element:header`` are page furniture; ``page-break-before``/``-after`` set ``page_start``.
* Never read: the head, scripts, styles, form controls, embedded objects, hidden elements
  (``hidden``, ``aria-hidden``, ``display:none``, ``mso-hide:all``, classes the style sheet
  hides).  Site chrome is left out and listed in ``Reading.skipped`` (element path, reason):
  ``nav``, ARIA landmarks (``navigation``, ``banner``, ``contentinfo``, ``search``…), the page's
  own ``header``/``footer``, ``aside``, forms, blocks with links whose class or id names chrome
  (``menu``, ``breadcrumb``, ``sidebar``, ``share``…) outside ``main``/``article`` (a
  ``doc-header`` holding a title without links is read), what the print style
  sheet hides, lists of three or more short links, and a block that is a single link matching
  ``[boilerplate]`` (``common.toml``).  A container holding much of the page's text (an ASP.NET
  ``<form>`` around the page) is read, not dropped, unless it is mostly links.  Portal text left
  in the content (status boxes, copyright lines) is for the split stage's ``[boilerplate]``.
* Encoding: a byte-order mark, else the ``<meta charset>``/``http-equiv``/XML declaration (but
  well-formed UTF-8 letters are UTF-8 whatever a stale declaration says), else detection
  (:func:`pipeline.extract.text.decode_bytes`, charset-normalizer).  Control characters are
  removed and recorded (:func:`pipeline.controls.clean_controls`).
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import regex

from ..controls import Reading, clean_controls
from .docx import _collapse
from .html_page import (HIDDEN_STYLE, MAX_DEPTH, SKIP, decode_html, measure, parse_html, style_sheet_classes,
                        tag_of)
from ..model import Block, Location
from ..text import normalize
from .wordnum import format_number


# --- what is read ---------------------------------------------------------------------------

_BLOCKS = frozenset(("html", "body", "p", "div", "li", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "pre",
                     "blockquote", "address", "caption", "figcaption", "figure", "center", "section", "article",
                     "main", "header", "footer", "aside", "nav", "form", "fieldset", "legend", "details", "summary",
                     "hr", "table", "thead", "tbody", "tfoot", "tr", "td", "th", "ul", "ol", "dl", "menu", "dir"))
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_HEADING_CLASSES = {"msotitle": 1}
_CHROME_ROLES = frozenset(("navigation", "banner", "contentinfo", "search", "menubar", "menu", "toolbar",
                           "complementary", "dialog", "alertdialog", "tablist"))
_CHROME_TAGS = {"nav": "navigation", "aside": "aside", "form": "form", "menu": "menu"}
# Class and id words of site chrome (a class or id is split at -, _ and lower-to-upper case changes).
CHROME_WORDS = frozenset((
    "nav", "navbar", "navigation", "menu", "menubar", "mainmenu", "topmenu", "submenu", "breadcrumb", "breadcrumbs",
    "sidebar", "footer", "header", "masthead", "banner", "cookie", "cookies", "share", "sharing", "social",
    "socials", "toolbar", "pagination", "pager", "related", "comments", "advert", "advertisement", "ads", "adv",
    "adserver", "promo", "search", "searchbox", "login", "signin", "subscribe", "subscription", "skiplink", "lang",
    "language", "languages", "langs", "translate", "copyright", "counter", "counters", "rating", "orphus",
    "noprint", "popup", "modal"))
_HIDDEN_CLASSES = frozenset(("hidden", "d-none", "sr-only", "visually-hidden", "invisible", "hide",
                             "screen-reader-text", "mso-hide"))
_NOPRINT_CLASSES = frozenset(("noprint", "no-print", "d-print-none", "hidden-print", "print-hide", "not-print"))
_CLASS_CHECKED = frozenset(("div", "section", "ul", "ol", "dl", "menu", "table", "td", "th", "span", "p", "a"))
_LINK_LISTS = frozenset(("div", "section", "ul", "ol", "dl", "menu", "table", "td", "th", "p", "span", "center"))
_WORD_SPLIT = regex.compile(r"[-_\s]+|(?<=[a-z])(?=[A-Z])")
_BOLD_STYLE = regex.compile(r"font-weight\s*:\s*(bold|bolder|[6-9]00)", regex.I)
_NORMAL_STYLE = regex.compile(r"font-weight\s*:\s*(normal|lighter|[1-5]00)", regex.I)
_BREAK_BEFORE = regex.compile(r"(page-)?break-before\s*:\s*(always|page)", regex.I)
_BREAK_AFTER = regex.compile(r"(page-)?break-after\s*:\s*(always|page)", regex.I)
_FURNITURE_STYLE = regex.compile(r"mso-element\s*:\s*(header|footer)", regex.I)
_SPACE = regex.compile(r"[ \t\n\r\f]+")
_LIST_STYLE = regex.compile(r"list-style(?:-type)?\s*:\s*([a-z-]+)", regex.I)
_LIST_TYPES = {"1": "decimal", "a": "lowerLetter", "A": "upperLetter", "i": "lowerRoman", "I": "upperRoman",
               "decimal": "decimal", "lower-alpha": "lowerLetter", "lower-latin": "lowerLetter",
               "upper-alpha": "upperLetter", "upper-latin": "upperLetter", "lower-roman": "lowerRoman",
               "upper-roman": "upperRoman", "lower-russian": "russianLower", "upper-russian": "russianUpper",
               "decimal-leading-zero": "decimalZero", "disc": "•", "circle": "◦", "square": "▪", "none": ""}
_BULLETS = ("•", "◦", "▪")
SHARE_KEPT = 0.4  # a chrome-looking container holding this share of the page's text is read …
LINKS_KEPT = 0.5  # … unless this share of its text is link text (a mega-menu)
LINK_LIST = 3, 0.7, 30  # a link list: this many links or more, this share of link text, links this short


def _words(element) -> set[str]:
    names = f"{element.get('class') or ''} {element.get('id') or ''}"
    return {w.lower() for w in _WORD_SPLIT.split(names) if w}


def _classes(element) -> set[str]:
    return {c.lower() for c in (element.get("class") or "").split()}




# --- reading --------------------------------------------------------------------------------

_HEAVY = frozenset(("table", "h1", "h2", "h3", "h4", "h5", "h6"))
_LAYOUT_ROLES = frozenset(("presentation", "none"))
_MAIN = frozenset(("main", "article"))
_SECTIONING = frozenset(("article", "main", "section"))
_PRE = frozenset(("pre", "listing", "xmp", "plaintext"))


def _number(value: str | None, default: int | None, low: int = -(2 ** 31), high: int = 2 ** 31) -> int | None:
    """An integer attribute as browsers read it (leading digits), clamped; ``default`` when absent."""
    m = regex.match(r"\s*([+-]?\d+)", value or "")
    return min(max(int(m.group(1)), low), high) if m else default


def _list_format(element, default: str) -> str:
    """A list's or item's numbering format (a Word format name) or bullet, from ``type`` or
    ``list-style-type``."""
    m = _LIST_STYLE.search(element.get("style") or "")
    if m and m.group(1).lower() in _LIST_TYPES:
        return _LIST_TYPES[m.group(1).lower()]
    kind = (element.get("type") or "").strip()
    return _LIST_TYPES.get(kind, _LIST_TYPES.get(kind.lower(), default))


def _rows(table):
    """A table's own rows in document order (``thead``/``tbody``/``tfoot`` looked through)."""
    for child in table:
        tag = tag_of(child)
        if tag == "tr":
            yield child
        elif tag in ("thead", "tbody", "tfoot"):
            yield from (tr for tr in child if tag_of(tr) == "tr")


def _cells(tr) -> list:
    return [cell for cell in tr if tag_of(cell) in ("td", "th")]


def _lead_bold(pieces) -> str:
    """The bold text a block opens with (whitespace between bold runs included)."""
    lead = []
    for text, bold, _link in pieces:
        if not text.strip():
            if lead:
                lead.append(text)
            continue
        if not bold:
            break
        lead.append(text)
    text, _codes = clean_controls("".join(lead))
    return " ".join(normalize(text).split())


class _Reader:
    """One page's reading state: the open blocks, lists and table cell, the text of the block
    being gathered, and what was read or left out."""

    def __init__(self, root, file_index: int):
        from ..lexicon import boilerplate_patterns
        self.file, self.tree = file_index, root.getroottree()
        self.sizes = measure(root)
        self.total = max(self.sizes[root][0], 1)
        self.hidden_classes, self.print_classes = style_sheet_classes(root)
        self.boilerplate = boilerplate_patterns()
        self.blocks: list[Block] = []
        self.removed: list[tuple[Location, tuple[int, ...]]] = []
        self.skipped: list[tuple[Location, str]] = []
        self.paragraph_no = self.table_no = 0
        self.page_start = False
        self.pending: list[tuple] = []  # (text, bold, the link it is in or None)
        self.owner = None  # (element, heading, furniture) the pending text belongs to
        self.stack = [(root, 0, False)]  # open block elements, likewise
        self.bold, self.link, self.pre, self.main, self.data = False, None, 0, 0, 0
        self.cell: Location | None = None  # the data-table cell being read
        self.span = 1
        self.rows = 1  # rows the current cell is merged down over
        self.lists: list[list] = []  # open lists: [kind, next number, step, format]
        self.marker = ""  # the list marker waiting for its item's first block

    def path(self, element) -> str:
        return self.tree.getpath(element)

    # --- elements ---

    def walk(self, element) -> None:
        tag = tag_of(element)
        if tag is None or tag in SKIP or self.hidden(element):
            return
        reason = self.chrome(element, tag)
        if reason:
            self.flush()
            self.skipped.append((Location(file=self.file, part=self.path(element)), reason))
        elif tag == "br":
            if _BREAK_BEFORE.search(element.get("style") or ""):
                self.flush()
                self.page_start = True
            else:
                self.add("\n")
        elif tag == "table":
            self.flush()
            self.table(element)
        elif tag in _BLOCKS:
            self.block(element, tag)
        else:
            self.inline(element, tag)

    def content(self, element) -> None:
        self.add(element.text)
        for child in element:
            self.walk(child)
            self.add(child.tail)

    def block(self, element, tag: str) -> None:
        self.flush()
        style = element.get("style") or ""
        self.page_start |= bool(_BREAK_BEFORE.search(style))
        top = self.stack[-1]
        heading = _HEADINGS.get(tag) or next((_HEADING_CLASSES[c] for c in _classes(element)
                                              if c in _HEADING_CLASSES), top[1])
        furniture = top[2] or self.is_furniture(element, tag, style)
        if tag in ("ol", "ul", "menu", "dir"):
            self.open_list(element, tag)
        elif tag == "li":
            self.marker = self.item_marker(element)
        main = tag in _MAIN or (element.get("role") or "").lower() == "main"
        self.main, self.pre = self.main + main, self.pre + (tag in _PRE)
        self.stack.append((element, heading, furniture))
        self.content(element)
        self.flush()
        if self.marker and tag == "li":  # an empty item shows its marker alone
            self.emit([], self.stack[-1], self.marker)
        self.marker = "" if tag == "li" else self.marker
        self.stack.pop()
        self.main, self.pre = self.main - main, self.pre - (tag in _PRE)
        if tag in ("ol", "ul", "menu", "dir"):
            self.lists.pop()
        self.page_start |= bool(_BREAK_AFTER.search(style))

    def inline(self, element, tag: str) -> None:
        style = element.get("style") or ""
        outer = self.bold
        if tag in ("b", "strong") or _BOLD_STYLE.search(style):
            self.bold = True
        elif _NORMAL_STYLE.search(style):
            self.bold = False
        outer_link = self.link
        if tag == "a" and element.get("href") is not None:
            self.link = element
        self.content(element)
        self.bold, self.link = outer, outer_link

    def is_furniture(self, element, tag: str, style: str) -> bool:
        """LibreOffice's page header or footer (``<div title="header">``), or Word's, outside tables."""
        return self.cell is None and (
            (tag == "div" and (element.get("title") or "").strip().lower() in ("header", "footer"))
            or bool(_FURNITURE_STYLE.search(style)))

    # --- what is left out ---

    def hidden(self, element) -> bool:
        if element.get("hidden") is not None or (element.get("aria-hidden") or "").strip().lower() == "true":
            return True
        if HIDDEN_STYLE.search(element.get("style") or ""):
            return True
        return bool(_classes(element) & (_HIDDEN_CLASSES | self.hidden_classes))

    def chrome(self, element, tag: str) -> str | None:
        """Why ``element`` is site chrome, or None; a container holding much of the page's text
        is read all the same unless it is mostly links."""
        reason = self.chrome_reason(element, tag)
        if reason is None:
            return None
        chars, linked, _links = self.sizes.get(element, (0, 0, 0))
        if chars >= SHARE_KEPT * self.total and linked < LINKS_KEPT * chars:
            return None
        return reason

    def chrome_reason(self, element, tag: str) -> str | None:
        role = (element.get("role") or "").strip().lower()
        if role in _CHROME_ROLES:
            return f"site chrome (role={role})"
        if tag in _CHROME_TAGS:
            return f"site chrome ({_CHROME_TAGS[tag]})"
        if tag in ("header", "footer") and not any(tag_of(a) in _SECTIONING for a in element.iterancestors()):
            return f"site chrome (page {tag})"
        if self.data:
            return None
        classes = _classes(element)
        if classes & (self.print_classes | _NOPRINT_CLASSES):
            return "site chrome (not printed)"
        if not self.main and tag in _CLASS_CHECKED and self.sizes.get(element, (0, 0, 0))[2]:
            words = sorted(_words(element) & CHROME_WORDS)  # named chrome that links elsewhere
            if words:
                return f"site chrome (class or id {words[0]!r})"
        if tag in _LINK_LISTS and self.link_list(element):
            return "site chrome (list of links)"
        return None

    def link_list(self, element) -> bool:
        chars, linked, links = self.sizes.get(element, (0, 0, 0))
        least, share, longest = LINK_LIST
        return links >= least and linked >= share * chars and linked <= longest * links

    # --- lists ---

    def open_list(self, element, tag: str) -> None:
        if tag == "ol":
            items = sum(1 for li in element if tag_of(li) == "li")
            backwards = element.get("reversed") is not None
            start = _number(element.get("start"), items if backwards else 1)
            self.lists.append(["ol", start, -1 if backwards else 1, _list_format(element, "decimal")])
        else:
            depth = sum(1 for kind, *_rest in self.lists if kind == "ul")
            self.lists.append(["ul", 0, 0, _list_format(element, _BULLETS[min(depth, 2)])])

    def item_marker(self, li) -> str:
        """The marker a browser prints before a list item: its number and a full stop, or a bullet."""
        if not self.lists:
            return ""
        kind, number, step, fmt = self.lists[-1]
        fmt = _list_format(li, fmt)
        if kind == "ul":
            return fmt if fmt in _BULLETS else ""
        number = _number(li.get("value"), number)
        self.lists[-1][1] = number + step
        if fmt in _BULLETS or not fmt:
            return fmt
        shown = format_number(number, fmt)
        return f"{shown}." if shown else ""

    # --- tables ---

    def table(self, table) -> None:
        """A data table cell by cell on its grid; a layout table, or a table inside a data
        table's cell, cell after cell in reading order (at that cell's place)."""
        for child in table:
            if tag_of(child) == "caption":
                self.walk(child)
        rows = [tr for tr in _rows(table) if not self.hidden(tr)]
        if self.cell is not None or self.layout(table, rows):
            for tr in rows:
                for cell in _cells(tr):
                    self.walk(cell)
            return
        self.table_no += 1
        busy: dict[int, int] = {}  # column -> last grid row a cell spanning down from above takes
        for index, tr in enumerate(rows):
            row, col = index + 1, 1
            for cell in _cells(tr):
                while busy.get(col, 0) >= row:
                    col += 1
                width = _number(cell.get("colspan"), 1, 1, 1000)
                height = _number(cell.get("rowspan"), 1, 0, 65534) or len(rows) - index  # 0: to the end
                for c in range(col, col + width):
                    busy[c] = row + min(height, len(rows) - index) - 1
                outer = self.cell, self.span, self.rows
                self.cell, self.span, self.data = Location(file=self.file, table=self.table_no, row=row,
                                                           cell=col), width, self.data + 1
                self.rows = min(height, len(rows) - index)
                self.walk(cell)
                self.flush()
                (self.cell, self.span, self.rows), self.data = outer, self.data - 1
                col += width

    def layout(self, table, rows: list) -> bool:
        """Is ``table`` a layout table: marked so, of one column, or with one cell holding most of
        its text among headings or tables (the page's content beside a menu)?  A plan table's
        merged heading rows or a table nested in one of its cells hold a small share of it."""
        if (table.get("role") or "").strip().lower() in _LAYOUT_ROLES:
            return True
        widths = [sum(_number(c.get("colspan"), 1, 1, 1000) for c in _cells(tr)) for tr in rows]
        if max(widths, default=0) <= 1:
            return True
        most = 0.5 * self.sizes.get(table, (0, 0, 0))[0]
        return any(self.sizes.get(c, (0, 0, 0))[0] >= most and any(tag_of(d) in _HEAVY for d in c.iterdescendants())
                   for tr in rows for c in _cells(tr))

    # --- text ---

    def add(self, text: str | None) -> None:
        if not text:
            return
        if self.pre:
            text = regex.sub(r"[ \t\f]+", " ", text.replace("\r\n", "\n").replace("\r", "\n"))
        elif text != "\n":
            text = _SPACE.sub(" ", text)
        if self.owner is None:
            if not text.strip():
                return
            self.owner = self.stack[-1]
        self.pending.append((text, self.bold, self.link))

    def flush(self) -> None:
        """The text gathered so far as a block (with the list marker waiting for it)."""
        pieces, owner = self.pending, self.owner
        self.pending, self.owner = [], None
        if pieces and "".join(p[0] for p in pieces).strip():
            marker, self.marker = self.marker, ""
            self.emit(pieces, owner, marker)

    def emit(self, pieces: list, owner: tuple, marker: str) -> None:
        element, heading, furniture = owner
        raw, removed = clean_controls("".join(p[0] for p in pieces))
        text, breaks = _collapse(normalize(raw))
        if marker:
            breaks = tuple(b + len(marker) + 1 for b in breaks)
            text = f"{marker} {text}" if text else marker
        if not text:
            return
        links = {link for piece, _bold, link in pieces if piece.strip()}
        if not self.data and len(links) == 1 and None not in links and any(p.search(text) for p in self.boilerplate):
            self.skipped.append((Location(file=self.file, part=self.path(links.pop())), "portal link"))
            return
        loc = self.location(element, furniture)
        self.blocks.append(Block(text=text, loc=loc, heading=0 if furniture else heading,
                                 bold="" if furniture else _lead_bold(pieces), furniture=furniture,
                                 page_start=self.page_start and loc.table is None and not furniture,
                                 span=self.span if self.cell is not None else 1, breaks=breaks,
                                 rows=self.rows if self.cell is not None else 1))
        self.page_start = self.page_start and furniture
        if removed:
            self.removed.append((loc, removed))

    def location(self, element, furniture: bool) -> Location:
        if self.cell is not None:
            return replace(self.cell, part=self.path(element))
        if furniture:
            return Location(file=self.file, part=self.path(element))
        self.paragraph_no += 1
        return Location(file=self.file, paragraph=self.paragraph_no, part=self.path(element))


def page_to_blocks(data: bytes, file_index: int = 0) -> Reading:
    """The blocks of an HTML page's bytes in reading order, with the control characters removed
    (and where), the encoding, the bytes it could not decode and the site chrome left out.

    >>> reading = page_to_blocks(b"<html><body><nav><a href='/'>Home</a></nav><h2>Part I</h2>"
    ...                          b"<p><b>Aim:</b> train<br>officers</p><ol start='3'><li>One</li></ol>"
    ...                          b"<script>x()</script></body></html>")
    >>> for b in reading.blocks:
    ...     print(b.text, b.heading, repr(b.bold), b.breaks, b.loc.part)
    Part I 2 '' () /html/body/h2
    Aim: train officers 0 'Aim:' (10,) /html/body/p
    3. One 0 '' () /html/body/ol/li
    >>> [(loc.part, why) for loc, why in reading.skipped]
    [('/html/body/nav', 'site chrome (navigation)')]
    """
    text, encoding, offsets, count = decode_html(data)
    root, too_deep = parse_html(text)
    if root is None:
        return Reading((), encoding=encoding, replaced=offsets, replaced_count=count, kind="html")
    reader = _Reader(root, file_index)
    if too_deep and reader.sizes["deepest"] is not None:
        reader.skipped.append((Location(file=file_index, part=reader.path(reader.sizes["deepest"])),
                               f"elements nested more than {MAX_DEPTH} deep: the parser dropped what lay deeper"))
    body = root.find("body")
    reader.walk(body if body is not None else root)
    reader.flush()
    return Reading(tuple(reader.blocks), tuple(reader.removed), encoding, offsets, count, tuple(reader.skipped),
                   kind="html")


def html_to_blocks(path: Path, file_index: int = 0) -> Reading:
    """The :func:`page_to_blocks` of an HTML file."""
    return page_to_blocks(Path(path).read_bytes(), file_index)


def _html_blocks(path: Path, file_index: int) -> tuple[list[Block], None]:
    """The blocks of :func:`html_to_blocks`, as :func:`pipeline.extract.file_to_blocks` takes them."""
    return list(html_to_blocks(path, file_index).blocks), None
