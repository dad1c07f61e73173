"""HTML to blocks for the extract stage: pages saved from legal portals, and HTML written by
LibreOffice or Word (also Word's HTML named ``.doc``).  The blocks are the ones a DOCX gives:

* ``h1``–``h6`` give the heading level (Word's ``MsoTitle`` paragraph level 1, as Word's Title
  style); ``p``, ``li``, ``dt``/``dd``, ``div`` and other block elements one block each — a
  block's text up to a nested block, then the nested one, then what follows it; leading bold
  text (``b``, ``strong``, ``font-weight``) as ``bold``; ``<br>`` as ``Block.breaks``.
* An ordered list item opens with its number as a browser prints it (``1.``, ``a.``, ``iv.``:
  ``start``, ``type``, ``reversed``, ``value``, ``list-style-type``), a bullet item with its
  bullet (``•``, ``◦``, ``▪``), as Word's automatic numbering does for DOCX.
* Tables: each cell one or more blocks at ``table``/``row``/``cell``, rows and cells numbered
  as grid rows and columns (``rowspan``/``colspan`` taken into account: a merged cell is read
  once, at its first row and column, with ``span`` its width); a table inside a cell is read in
  its place as blocks of that cell.  A *layout* table (one column, ``role="presentation"``, or a
  few rows holding the page's headings or tables) is looked through: its cells are read as
  running text and the tables inside them as tables.
* Provenance: ``Location.part`` is the element path of the block's element as lxml writes it
  (``/html/body/div[2]/p[3]``: ``tree.xpath(part)`` finds it again in lxml's parse of the
  file); body blocks are numbered as ``paragraph``, table cells as in a DOCX.
* LibreOffice's page header and footer (``<div title="header">``) and Word's
  (``mso-element:header``) are page furniture; ``page-break-before``/``after`` set
  ``page_start``.
* Never read: scripts, styles, the head, form controls, embedded objects, hidden elements
  (``hidden``, ``aria-hidden``, ``display:none``, ``mso-hide:all``, classes a style sheet
  hides).  Site chrome is left out and listed in ``Reading.skipped`` with its element path and
  why: navigation (``nav``, ARIA landmarks ``navigation``/``banner``/``contentinfo``/
  ``search``…), the page's own ``header``/``footer``, ``aside``, forms, blocks whose class or
  id names site chrome (``menu``, ``breadcrumb``, ``sidebar``, ``share``, ``noprint``…) or that
  a print style sheet hides, lists of short links (three or more, mostly link text), and a
  block that is one portal link matching ``[boilerplate]`` (``common.toml``).  A container that
  holds much of the page's text (an ASP.NET page's ``<form>`` around everything) is read, not
  dropped; inside ``main``/``article`` class names are not taken for chrome.  The portal text
  left in the content (status boxes, copyright lines) is the split stage's ``[boilerplate]``.
* Encoding: a byte-order mark, else the ``<meta charset>``/``http-equiv``/XML declaration
  (UTF-8 wins over a declared single-byte code page when the bytes are well-formed UTF-8
  letters, as when a saved page kept its server's old declaration), else detection
  (:func:`pipeline.plain_text.decode_bytes`, charset-normalizer).
* Control characters removed and recorded (:func:`pipeline.controls.clean_controls`).
"""
from __future__ import annotations

import codecs
from dataclasses import replace
from pathlib import Path

import regex
from lxml import etree, html

from .controls import Reading, clean_controls
from .docx_text import _collapse
from .model import Block, Location
from .plain_text import _BOMS, _decode, decode_bytes
from .text import normalize
from .wordnum import format_number

# --- encoding -------------------------------------------------------------------------------

PRESCAN = 8192  # bytes searched for a declared encoding (Word writes long <html> tags first)
_META_CHARSET = regex.compile(rb"<meta\b[^>]*?\bcharset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", regex.I)
_XML_ENCODING = regex.compile(rb"^\s*<\?xml\b[^>]*\bencoding\s*=\s*[\"']([A-Za-z0-9._:-]+)", regex.I)
_UTF8_MULTIBYTE = regex.compile(rb"[\xc2-\xf4][\x80-\xbf]")
# WHATWG Encoding: labels a browser reads as another encoding.
_AS_BROWSERS_READ = {"iso-8859-1": "cp1252", "latin1": "cp1252", "ascii": "cp1252", "us-ascii": "cp1252",
                     "iso8859-1": "cp1252", "utf-16": "utf-8", "utf-16le": "utf-8", "utf-16be": "utf-8",
                     "x-mac-cyrillic": "mac-cyrillic", "x-cp1251": "cp1251"}


def declared_encoding(data: bytes) -> str | None:
    """The encoding a page declares in its first bytes (``<meta charset>``, ``http-equiv``
    ``content``, an XML declaration) as Python names it; None when none or unknown.

    >>> declared_encoding(b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1251">')
    'cp1251'
    >>> declared_encoding(b'<?xml version="1.0" encoding="UTF-8"?><html>'), declared_encoding(b"<p>x</p>")
    ('utf-8', None)
    """
    head = data[:PRESCAN]
    m = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    if not m:
        return None
    label = m.group(1).decode("ascii").lower()
    try:
        return codecs.lookup(_AS_BROWSERS_READ.get(label, label)).name
    except LookupError:
        return None


def decode_html(data: bytes) -> tuple[str, str, tuple[int, ...], int]:
    """A page's text: (text, encoding, offsets of bytes replaced by U+FFFD, how many) — from a
    byte-order mark, else the declared encoding, else detection; well-formed UTF-8 letters are
    read as UTF-8 whatever a stale declaration says.

    >>> decode_html('<meta charset="windows-1251"><p>План</p>'.encode("cp1251"))[:2]
    ('<meta charset="windows-1251"><p>План</p>', 'cp1251')
    >>> decode_html('<meta charset="windows-1251"><p>План</p>'.encode("utf-8"))[1]
    'utf-8'
    """
    if data.startswith(tuple(bom for bom, _encoding in _BOMS)):
        return decode_bytes(data)
    declared = declared_encoding(data)
    if declared is None or declared == "utf-8":
        return decode_bytes(data)
    if _UTF8_MULTIBYTE.search(data):
        try:
            return data.decode("utf-8"), "utf-8", (), 0
        except UnicodeDecodeError:
            pass
    text, offsets, count = _decode(data, declared)
    return text, declared, offsets, count


# --- what is read ---------------------------------------------------------------------------

_SKIP = frozenset(("head", "script", "style", "template", "noscript", "title", "meta", "link", "iframe", "frame",
                   "object", "embed", "applet", "svg", "canvas", "video", "audio", "map", "img", "button", "input",
                   "select", "textarea", "option", "datalist", "output", "progress", "meter", "label", "dialog"))
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
_HIDDEN_STYLE = regex.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|mso-hide\s*:\s*all", regex.I)
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


def _tag(element) -> str | None:
    return element.tag.lower() if isinstance(element.tag, str) else None


def _words(element) -> set[str]:
    names = f"{element.get('class') or ''} {element.get('id') or ''}"
    return {w.lower() for w in _WORD_SPLIT.split(names) if w}


def _classes(element) -> set[str]:
    return {c.lower() for c in (element.get("class") or "").split()}


# --- style sheets ---------------------------------------------------------------------------

_RULE = regex.compile(r"([^{}]+)\{([^{}]*)\}")
_MEDIA_PRINT = regex.compile(r"@media\s+print\b[^{]*\{", regex.I)
_CLASS_SELECTOR = regex.compile(r"^\.([A-Za-z_][\w-]*)$")


def _hiding_classes(css: str) -> set[str]:
    """Classes a style sheet's simple rules (``.name {display: none}``) hide."""
    found = set()
    for selectors, body in _RULE.findall(css):
        if _HIDDEN_STYLE.search(body):
            for selector in selectors.split(","):
                m = _CLASS_SELECTOR.match(selector.strip())
                if m:
                    found.add(m.group(1).lower())
    return found


def _print_block(css: str, start: int) -> str:
    depth, k = 1, start
    while k < len(css) and depth:
        depth += {"{": 1, "}": -1}.get(css[k], 0)
        k += 1
    return css[start:k - 1]


def style_sheet_classes(root) -> tuple[set[str], set[str]]:
    """(classes hidden on screen, classes hidden in print) by the page's ``<style>`` elements:
    what a portal hides when a page is printed is its chrome (menus, buttons, banners).

    >>> root = html.fromstring("<html><head><style>.a, .b {display:none} p {color:red} "
    ...                        "@media print { .menu { display: none } }</style></head><body></body></html>")
    >>> [sorted(s) for s in style_sheet_classes(root)]
    [['a', 'b'], ['menu']]
    """
    screen, printed = set(), set()
    for style in root.iter("style"):
        css = style.text or ""
        outside, k = [], 0
        for m in _MEDIA_PRINT.finditer(css):
            if m.start() < k:
                continue
            inner = _print_block(css, m.end())
            printed |= _hiding_classes(inner)
            outside.append(css[k:m.start()])
            k = m.end() + len(inner) + 1
        screen |= _hiding_classes("".join(outside) + css[k:])
    return screen, printed


# --- measuring ------------------------------------------------------------------------------

def _count(text: str | None) -> int:
    return sum(1 for ch in text if not ch.isspace()) if text else 0


def measure(root) -> dict:
    """Per element: (non-whitespace characters of its text, of them inside links, links)."""
    sizes: dict = {}

    def walk(element) -> tuple[int, int, int]:
        tag = _tag(element)
        if tag is None or tag in _SKIP:
            sizes[element] = (0, 0, 0)
            return sizes[element]
        chars, linked, links = _count(element.text), 0, 0
        for child in element:
            c, l, n = walk(child)
            chars, linked, links = chars + c + _count(child.tail), linked + l, links + n
        if tag == "a" and element.get("href") is not None:
            linked, links = chars, links + 1
        sizes[element] = (chars, linked, links)
        return sizes[element]
    walk(root)
    return sizes


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
        tag = _tag(child)
        if tag == "tr":
            yield child
        elif tag in ("thead", "tbody", "tfoot"):
            yield from (tr for tr in child if _tag(tr) == "tr")


def _cells(tr) -> list:
    return [cell for cell in tr if _tag(cell) in ("td", "th")]


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
        from .lexicon import boilerplate_patterns
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
        self.lists: list[list] = []  # open lists: [kind, next number, step, format]
        self.marker = ""  # the list marker waiting for its item's first block

    def path(self, element) -> str:
        return self.tree.getpath(element)

    # --- elements ---

    def walk(self, element) -> None:
        tag = _tag(element)
        if tag is None or tag in _SKIP or self.hidden(element):
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
        if _HIDDEN_STYLE.search(element.get("style") or ""):
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
        if tag in ("header", "footer") and not any(_tag(a) in _SECTIONING for a in element.iterancestors()):
            return f"site chrome (page {tag})"
        if self.data:
            return None
        classes = _classes(element)
        if classes & (self.print_classes | _NOPRINT_CLASSES):
            return "site chrome (not printed)"
        if not self.main and tag in _CLASS_CHECKED:
            words = sorted(_words(element) & CHROME_WORDS)
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
            items = sum(1 for li in element if _tag(li) == "li")
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
            if _tag(child) == "caption":
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
                outer = self.cell, self.span
                self.cell, self.span, self.data = Location(file=self.file, table=self.table_no, row=row,
                                                           cell=col), width, self.data + 1
                self.walk(cell)
                self.flush()
                (self.cell, self.span), self.data = outer, self.data - 1
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
        return any(self.sizes.get(c, (0, 0, 0))[0] >= most and any(_tag(d) in _HEAVY for d in c.iterdescendants())
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
                                 span=self.span if self.cell is not None else 1, breaks=breaks))
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


def parse_html(text: str):
    """lxml's HTML tree of a page's text (comments and processing instructions left out), or
    None when it holds no element."""
    parser = html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True)
    try:
        return html.document_fromstring(text.encode("utf-8", errors="surrogatepass"), parser=parser)
    except (etree.ParserError, ValueError):
        return None


def page_to_blocks(data: bytes, file_index: int = 0) -> Reading:
    """The blocks of an HTML page's bytes in reading order, with the control characters removed
    (and where), the encoding, the bytes it could not decode and the site chrome left out.

    >>> reading = page_to_blocks(b"<html><body><nav><a href='/'>Home</a></nav><h2>Part I</h2>"
    ...                          b"<p><b>Aim:</b> train<br>officers</p><ol start='3'><li>One</li></ol>"
    ...                          b"<script>x()</script></body></html>")
    >>> [(b.text, b.heading, b.bold, b.breaks, b.loc.part) for b in reading.blocks]
    [('Part I', 2, '', (), '/html/body/h2'), ('Aim: train officers', 0, 'Aim:', (10,), '/html/body/p'), ('3. One', 0, '', (), '/html/body/ol/li')]
    >>> reading.skipped
    ((Location(file=0, page=None, line=None, paragraph=None, table=None, row=None, cell=None, part='/html/body/nav', bbox=None), 'site chrome (navigation)'),)
    """
    text, encoding, offsets, count = decode_html(data)
    root = parse_html(text)
    if root is None:
        return Reading((), encoding=encoding, replaced=offsets, replaced_count=count, kind="html")
    reader = _Reader(root, file_index)
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
