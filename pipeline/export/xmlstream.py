"""Write a large XML document piece by piece, so that its whole tree is never in memory.

An exporter describes its document as a *node*: either a complete lxml element (a
subtree, built, serialized and released at once) or a *shell* — ``(element, children)``
where ``element`` gives the tag and attributes and ``children`` is an iterable of nodes,
built only as they are written.  :func:`document` turns the root node into chunks of
UTF-8 bytes, indented as ``pretty_print`` would indent the whole tree.

Every element is built as a root of its own, so lxml declares the default namespace on
each; that declaration is written once, on the document's root, and dropped elsewhere.
Elements are in that default namespace or in none (no prefixes), so a shell's end tag is
its local name.
"""
from __future__ import annotations

from typing import Iterable, Iterator, Union

from lxml import etree

Node = Union[etree._Element, "tuple[etree._Element, Iterable[Node]]"]
SPACE = b"  "


def document(root: Node, namespace: str | None = None, doctype: str | None = None) -> Iterator[bytes]:
    """The chunks of a whole document: declaration, optional doctype, the root node."""
    yield b"<?xml version='1.0' encoding='UTF-8'?>\n"
    if doctype:
        yield doctype.encode("utf-8") + b"\n"
    declaration = f' xmlns="{namespace}"'.encode("utf-8") if namespace else b""
    yield from _node(root, 0, declaration, keep=True)
    yield b"\n"


def _node(node: Node, level: int, declaration: bytes, keep: bool = False) -> Iterator[bytes]:
    if not isinstance(node, tuple):
        if len(node):
            etree.indent(node, space="  ", level=level)
        yield SPACE * level + _drop(etree.tostring(node, encoding="UTF-8", with_tail=False), declaration, keep)
        return
    shell, children = node
    start = _drop(etree.tostring(shell, encoding="UTF-8", with_tail=False), declaration, keep)
    empty = True
    for child in children:
        if empty:
            yield SPACE * level + start[:-2] + b">"  # "<tag …/>" opened
            empty = False
        yield b"\n"
        yield from _node(child, level + 1, declaration)
    if empty:
        yield SPACE * level + start
    else:
        yield b"\n" + SPACE * level + f"</{etree.QName(shell).localname}>".encode("utf-8")


def _drop(data: bytes, declaration: bytes, keep: bool) -> bytes:
    """``data`` without the namespace declaration in its start tag (unless ``keep``)."""
    if keep or not declaration:
        return data
    end = data.index(b">")
    return data[:end].replace(declaration, b"", 1) + data[end:]
