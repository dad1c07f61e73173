"""The two PDF engines give the same plan: pypdfium2 (text and ruled tables), pdfplumber for garbled pages.

``--pdf-engine plumber`` forces every page through pdfplumber; plan.json must then be the
same as through the fast path, apart from bounding-box coordinates.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from pipeline.extract import pdfium as pdfium_text
from pipeline.build import paths_to_plan
from pipeline.extract import Limits

from .conftest import NAP
from .fixtures import drawn

pytestmark = pytest.mark.slow  # every page through both PDF engines: `make test` runs them, `make test-fast` not

FILES = Path(__file__).resolve().parent / "fixtures" / "files"


def without_boxes(value):
    if isinstance(value, dict):
        return {k: without_boxes(v) for k, v in value.items() if k != "bbox"}
    if isinstance(value, list):
        return [without_boxes(v) for v in value]
    return value


@pytest.mark.parametrize("path", [NAP["pdf"], FILES / "nap-en-hyphenated.pdf", FILES / "nap-by-language" / "plan-3.pdf",
                                  FILES / "nap-table.pdf", FILES / "garbled.pdf", FILES / "styled-headings.pdf",
                                  FILES / "filled-en.pdf", FILES / "filled-ru.pdf", FILES / "milestones-en.pdf",
                                  FILES / "milestones-ru.pdf"],
                         ids=["reference", "hyphenated", "russian", "table", "garbled", "styled", "filled-en", "filled-ru",
                              "milestones-en", "milestones-ru"])
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
    one = paths_to_plan([NAP["pdf"]], "nap", limits=Limits(page_workers=1, pdf_engine="plumber"))
    two = paths_to_plan([NAP["pdf"]], "nap", limits=Limits(page_workers=2, pdf_engine="plumber"))  # chunks of 32, 21
    assert two.to_dict() == one.to_dict()


DRAWN_OBJECTS = {"lines": {"line": 32}, "cells": {"rect": 21}, "rules": {"rect": 32},
                 "form": {"line": 6, "rect": 26}, "curves": {"line": 32, "curve": 1},
                 "rotate90": {"line": 32}, "rotate180": {"line": 32}, "rotate270": {"line": 32}, "offset": {"line": 32},
                 "fills": {"rect": 21}, "shading": {"rect": 45}}
DRAWN_ACTIVITIES = [
    ("1.1", "1.1.1", "Prepare the annual report on the plan.", ["Report approved"], ["Working group"], "2020-2022"),
    ("1.1", "1.1.2", "Train the staff of the Ministry of Justice.", ["Staff trained"], ["Ministry of Justice"], "2021"),
    ("1.2", "1.2.1", "Hold seminars for school teachers.", ["Seminars held"], ["Ministry of Education"], "2021-2022"),
]


def _boxes(objects) -> list[tuple]:
    return sorted((o["object_type"], *(round(o[k], 3) for k in ("x0", "top", "x1", "bottom")), o["fill"], o["stroke"])
                  for o in objects)


@pytest.mark.parametrize("style", drawn.STYLES)
def test_a_table_drawn_any_way_is_read_alike_by_both_engines(style):
    """Borders as segments, cell rectangles, filled rules, a scaled form XObject with
    many-subpath and closed paths, next to a curve, on a page turned by /Rotate or on an
    offset MediaBox; or no borders, the cells filled (white gaps between them, or each line
    shaded again in its cell's colour): PDFium's objects are pdfminer's (kind, box and
    painting, as displayed), and the plans are the same."""
    import pdfplumber
    path = FILES / f"drawn-{style}.pdf"
    with pdfplumber.open(str(path)) as pdf:
        page = pdf.pages[0]
        theirs = _boxes(page.lines + page.rects + page.curves)
    document = pdfium_text.open_document(str(path), None)
    page = document[0]
    ours = _boxes(pdfium_text.page_paths(page, pdfium_text.View.of(page)))
    page.close()
    document.close()
    assert ours == theirs
    assert Counter(kind for kind, *_ in ours) == DRAWN_OBJECTS[style]
    assert _routes(path) == ["tables"]
    slow = paths_to_plan([path], path.stem, limits=Limits(pdf_engine="plumber"))
    fast = paths_to_plan([path], path.stem)
    assert without_boxes(fast.to_dict()) == without_boxes(slow.to_dict())
    (version,) = fast.versions
    assert [(s.number, a.number, a.text, list(a.indicators), [g.name for g in a.agencies], a.period.raw)
            for p in version.parts for s in p.sections for a in s.activities] == DRAWN_ACTIVITIES
    assert (fast.unparsed, fast.back_matter, fast.coverage.source_chars) == ((), (), fast.coverage.accounted_chars)
    assert [(g.name, g.id) for a in version.activities() for g in a.agencies] == [
        ("Working group", "working-group"), ("Ministry of Justice", "justice-ministry"),
        ("Ministry of Education", "education-ministry")]
    assert fast.findings == ()
