"""The text of a DOCX ``altChunk`` part (ECMA-376 Part 1 §17.17.2.1): content in another format
that Word imports where the chunk stands.  HTML (``text/html``, ``application/xhtml+xml``) is read
as its block elements' text, plain text as its lines; other kinds (RTF, MHTML, a nested DOCX)
are not read.  Serves :mod:`pipeline.extract.docx`."""
from __future__ import annotations

from lxml import etree, html

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_BLOCK_TAGS = frozenset("p div li td th dt dd pre blockquote caption h1 h2 h3 h4 h5 h6 tr".split())
_HEADINGS = {f"h{n}": n for n in range(1, 7)}


def chunk_paragraphs(package, name: str) -> list[tuple[str, int]] | None:
    """(text, heading level) of each paragraph of the chunk part ``name``; None when its kind is
    not read."""
    kind = package.content_type(name).split(";")[0].strip().lower()
    data = package.read(name)
    if kind in _HTML_TYPES or name.lower().endswith((".htm", ".html", ".xhtml")):
        return html_paragraphs(data)
    if kind == "text/plain" or name.lower().endswith(".txt"):
        from .text import decode_bytes
        return [(line, 0) for line in decode_bytes(data)[0].splitlines() if line.strip()]
    return None


def html_paragraphs(data: bytes) -> list[tuple[str, int]]:
    """The text of an HTML document block by block (a block's text up to its first nested block,
    then the nested one, then what follows it); scripts and styles left out.

    >>> html_paragraphs(b"<html><body><h2>Part I</h2><p>Train <b>officers</b>.</p>"
    ...                 b"<ul><li>one</li><li>two</li></ul><script>x()</script></body></html>")
    [('Part I', 2), ('Train officers.', 0), ('one', 0), ('two', 0)]
    """
    if not data.strip():
        return []
    parser = html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True)
    try:
        root = html.document_fromstring(data, parser=parser)
    except (etree.ParserError, ValueError):
        return []
    out: list[tuple[str, int]] = []
    pending: list[str] = []

    def flush(level: int) -> None:
        text = " ".join("".join(pending).split())
        if text:
            out.append((text, level))
        pending.clear()

    def walk(element) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in ("script", "style", "head"):
            return
        if tag in _BLOCK_TAGS:
            flush(0)  # the enclosing block's text so far
        pending.append(element.text or "")
        for child in element:
            walk(child)
            pending.append(child.tail or "")
        if tag in _BLOCK_TAGS:
            flush(_HEADINGS.get(tag, 0))
    walk(root)
    flush(0)
    return out
