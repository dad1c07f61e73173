"""What an HTML page is before it is read: its text (encoding from a byte-order mark, the
declaration or detection), lxml's tree of it, the classes its style sheet hides on screen and
in print, and the size of each element's text — for :mod:`pipeline.extract.html`.
"""
from __future__ import annotations

import codecs

import regex
from lxml import etree, html

from ..controls import shelter_xml
from .text import _BOMS, _decode, decode_bytes

SKIP = frozenset(("head", "script", "style", "template", "noscript", "title", "meta", "link", "iframe", "frame",
                  "object", "embed", "applet", "svg", "canvas", "video", "audio", "map", "img", "button", "input",
                  "select", "textarea", "option", "datalist", "output", "progress", "meter", "label", "dialog"))
"""Elements whose content is never read: it is not text a reader sees on the page."""


def tag_of(element) -> str | None:
    """An element's tag in lower case; None for comments and other nodes."""
    return element.tag.lower() if isinstance(element.tag, str) else None


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


def parse_html(text: str):
    """lxml's HTML tree of a page's text (comments and processing instructions left out), or
    None when it holds no element; and whether the parser stopped at its nesting limit."""
    parser = html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True)
    try:  # C0 controls sheltered, or libxml2 turns NUL into U+FFFD (clean_controls counts them back)
        root = html.document_fromstring(shelter_xml(text.encode("utf-8", errors="replace")), parser=parser)
    except (etree.ParserError, ValueError):
        return None, False
    return root, any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log)


# --- style sheets ---------------------------------------------------------------------------

_RULE = regex.compile(r"([^{}]+)\{([^{}]*)\}")
HIDDEN_STYLE = regex.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|mso-hide\s*:\s*all", regex.I)
_MEDIA_PRINT = regex.compile(r"@media\s+print\b[^{]*\{", regex.I)
_CLASS_SELECTOR = regex.compile(r"^\.([A-Za-z_][\w-]*)$")


def _hiding_classes(css: str) -> set[str]:
    """Classes a style sheet's simple rules (``.name {display: none}``) hide."""
    found = set()
    for selectors, body in _RULE.findall(css):
        if HIDDEN_STYLE.search(body):
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


MAX_DEPTH = 255  # libxml2's HTML parser keeps no element nested deeper (it drops their text)


def measure(root) -> dict:
    """Per element: (non-whitespace characters of its text, of them inside links, links);
    ``sizes["deepest"]``, an element at :data:`MAX_DEPTH` (its content may be lost) or None."""
    sizes: dict = {"deepest": None}

    def walk(element, depth: int = 0) -> tuple[int, int, int]:
        tag = tag_of(element)
        if tag is None or tag in SKIP:
            sizes[element] = (0, 0, 0)
            return sizes[element]
        if depth >= MAX_DEPTH and sizes["deepest"] is None:
            sizes["deepest"] = element
        chars, linked, links = _count(element.text), 0, 0
        for child in element:
            c, l, n = walk(child, depth + 1)
            chars, linked, links = chars + c + _count(child.tail), linked + l, links + n
        if tag == "a" and element.get("href") is not None:
            linked, links = chars, links + 1
        sizes[element] = (chars, linked, links)
        return sizes[element]
    walk(root)
    return sizes
