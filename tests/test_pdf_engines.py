"""The two PDF engines give the same plan: pypdfium2 (text and ruled tables), pdfplumber for garbled pages.

``--pdf-engine plumber`` forces every page through pdfplumber; plan.json must then be the
same as through the fast path, apart from bounding-box coordinates.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import pdfium_text
from pipeline.build import paths_to_plan
from pipeline.extract import Limits

from .conftest import NAP

FILES = Path(__file__).resolve().parent / "fixtures" / "files"


def without_boxes(value):
    if isinstance(value, dict):
        return {k: without_boxes(v) for k, v in value.items() if k != "bbox"}
    if isinstance(value, list):
        return [without_boxes(v) for v in value]
    return value


@pytest.mark.parametrize("path", [NAP["pdf"], FILES / "nap-en-hyphenated.pdf", FILES / "nap-by-language" / "plan-3.pdf",
                                  FILES / "nap-table.pdf", FILES / "garbled.pdf"],
                         ids=["reference", "hyphenated", "russian", "table", "garbled"])
def test_plan_json_identical_through_both_engines(path):
    slow = paths_to_plan([path], path.stem, limits=Limits(pdf_engine="plumber"))
    fast = paths_to_plan([path], path.stem, limits=Limits(pdf_engine="auto"))
    assert without_boxes(fast.to_dict()) == without_boxes(slow.to_dict())


def _routes(path: Path) -> list[str]:
    """What the fast path makes of each page: 'text', 'tables' (ruled tables found among its
    paths) or 'unmapped' (garbled glyphs: the page goes to pdfplumber)."""
    document = pdfium_text.open_document(str(path), None)
    try:
        out = []
        for n in range(len(document)):
            page = document[n]
            content = pdfium_text.page_content(page, n + 1)
            out.append("unmapped" if content is None else "tables" if content[1] else "text")
            page.close()
        return out
    finally:
        document.close()


def test_pages_are_routed_by_what_they_hold():
    assert _routes(NAP["pdf"]) == ["text"] * 53
    table = _routes(FILES / "nap-table.pdf")
    assert (len(table), table.count("tables"), table.count("text")) == (81, 76, 5)  # pages 1 and 57: two rules, no table
    assert _routes(FILES / "garbled.pdf") == ["unmapped"]


def test_hyphen_at_a_line_end_ends_the_line_as_in_pdfplumber():
    assert pdfium_text.line_spans("anti\ufffetrafficking\r\nnext") == [(0, 5), (5, 16), (18, 22)]


def test_pages_shared_among_processes_give_the_same_plan():
    one = paths_to_plan([NAP["pdf"]], "nap", limits=Limits(page_workers=1))
    two = paths_to_plan([NAP["pdf"]], "nap", limits=Limits(page_workers=2))  # 53 pages: chunks of 32 and 21
    assert two.to_dict() == one.to_dict()
