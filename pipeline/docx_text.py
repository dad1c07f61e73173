"""DOCX to blocks for the extract stage: body paragraphs and table cells in document order,
heading level from the paragraph style, leading bold runs as the ``bold`` hint, Word's
automatic numbers (:mod:`pipeline.wordnum`), section headers/footers as page furniture."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import regex

from .model import Block, Location
from .sniff import ExtractError
from .text import normalize
from .wordnum import WordNumbering

if TYPE_CHECKING:  # extract imports this module; Limits is only named here
    from .extract import Limits


_HEADING_STYLE = regex.compile(r"^(?:Heading|Заголовок|Überschrift|Titre)\s*(\d)", regex.IGNORECASE)


def _heading_level(paragraph) -> int:
    style = paragraph.style
    name = style.name if style is not None else ""
    m = _HEADING_STYLE.match(name or "")
    if m:
        return int(m.group(1))
    return 1 if name == "Title" else 0


def _leading_bold(paragraph) -> str:
    out = []
    for run in paragraph.runs:
        if not run.text:
            continue
        if run.bold or (run.bold is None and run.style is not None and run.style.font.bold):
            out.append(run.text)
        else:
            break
    return "".join(out).strip()


def _docx_paragraph_block(paragraph, loc: Location, page_start: bool, span: int = 1,
                          numbering: WordNumbering | None = None) -> Block | None:
    text = " ".join(normalize(paragraph.text).split())
    if not text:
        return None
    number = numbering.label(paragraph) if numbering else ""
    if number:  # Word's automatic number is what the reader sees before the text
        text = f"{number} {text}"
    return Block(text=text, loc=loc, heading=_heading_level(paragraph),
                 bold=_leading_bold(paragraph), page_start=page_start, span=span)


def _breaks_page(paragraph) -> bool:
    xml = paragraph._p.xml
    return 'w:type="page"' in xml or "<w:lastRenderedPageBreak" in xml


def _docx_table_blocks(table, table_no: int, file_index: int, numbering: WordNumbering):
    from docx.text.paragraph import Paragraph
    seen, alive = set(), []  # keep the lxml proxies alive so their ids stay unique
    for r, row in enumerate(table.rows, start=1):
        for c, cell in enumerate(row.cells, start=1):
            if id(cell._tc) in seen:  # a merged cell repeats in every grid position it spans
                continue
            seen.add(id(cell._tc))
            alive.append(cell._tc)
            for p in cell._tc.iterchildren("{*}p"):
                loc = Location(file=file_index, table=table_no, row=r, cell=c)
                block = _docx_paragraph_block(Paragraph(p, cell), loc, False, cell.grid_span, numbering)
                if block:
                    yield block


def _docx_furniture(document, file_index: int):
    seen = set()
    for part_name in ("header", "footer"):
        for section in document.sections:
            part = getattr(section, part_name)
            if part.is_linked_to_previous:
                continue
            for p in part.paragraphs:
                text = " ".join(p.text.split())
                if text and (part_name, text) not in seen:
                    seen.add((part_name, text))
                    yield Block(text=text, loc=Location(file=file_index, part=part_name), furniture=True)


_DOCTYPE = regex.compile(rb"<!(?:DOCTYPE|ENTITY)", regex.IGNORECASE)


def check_docx(path: Path, limits: Limits) -> None:
    """Refuse a DOCX before any part is parsed: not a ZIP, no ``word/document.xml``, parts that
    would inflate beyond the limit (a ZIP bomb; the sizes a ZIP declares bound what Python's
    zipfile inflates), or an XML part declaring a DOCTYPE or entities (XXE, billion laughs —
    Word never writes one)."""
    import zipfile
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if "word/document.xml" not in {m.filename for m in members}:
                raise ExtractError("ZIP archive without word/document.xml: not a DOCX")
            inflated = sum(m.file_size for m in members)
            if inflated > limits.max_bytes:
                raise ExtractError(f"DOCX would inflate to {inflated / 2**20:.0f} MB, over the {limits.max_mb} MB "
                                   "limit (--max-input-mb): refused")
            for member in members:
                if member.filename.endswith((".xml", ".rels")):
                    with archive.open(member) as fh:
                        head = fh.read(4096)
                    if _DOCTYPE.search(head):
                        raise ExtractError(f"DOCX part {member.filename} declares a DOCTYPE or entities: refused")
    except zipfile.BadZipFile:
        raise ExtractError("not a valid ZIP archive (a truncated or corrupt DOCX)") from None
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError, EOFError) as exc:
        raise ExtractError(f"unreadable ZIP archive ({exc.__class__.__name__})") from None


def _docx_blocks(path: Path, file_index: int) -> tuple[list[Block], None]:
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph
    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError, PackageNotFoundError) as exc:
        raise ExtractError(f"not a readable DOCX ({exc.__class__.__name__})") from None
    blocks, paragraph_no, table_no, page_start = [], 0, 0, False
    numbering = WordNumbering(document)
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph_no += 1
            paragraph = Paragraph(child, document)
            block = _docx_paragraph_block(
                paragraph, Location(file=file_index, paragraph=paragraph_no), page_start, 1, numbering)
            page_start = _breaks_page(paragraph) if block is None else False
            if block:
                blocks.append(block)
        elif tag == "tbl":
            table_no += 1
            blocks.extend(_docx_table_blocks(Table(child, document), table_no, file_index, numbering))
    blocks.extend(_docx_furniture(document, file_index))
    return blocks, None
