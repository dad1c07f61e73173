"""A plan table with ruling lines (Word's "Table Grid") whose narrow columns make LibreOffice
break long words mid-word without a hyphen at a cell's right rule
(:mod:`tests.fixtures.ruled_cut`), read from the PDF exactly as from the DOCX it was printed
from, on both engines (every section's title and every activity's number, text, agencies and
period, :func:`tests.test_borderless_pdf._view`): each broken word whole again."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.build import paths_to_plan
from pipeline.extract import Limits, file_to_blocks
from pipeline.extract.pdf_tables import PdfLine, ruled_cuts

from .fixtures import ruled_cut
from .test_borderless_pdf import _view

FILES = Path(__file__).resolve().parent / "fixtures" / "files"


@pytest.mark.parametrize("engine", ["auto", "plumber"])
@pytest.mark.parametrize("lang", sorted(ruled_cut.PLANS))
def test_ruled_pdf_with_cut_words_reads_as_its_docx(lang, engine, tmp_path):
    docx_plan = paths_to_plan([ruled_cut.build_docx(tmp_path / f"ruled-cut-{lang}.docx", lang)], "docx")
    pdf_plan = paths_to_plan([FILES / f"ruled-cut-{lang}.pdf"], "pdf", limits=Limits(pdf_engine=engine))
    expected = [(title, [(number.rstrip("."), text, tuple(a.strip() for a in agencies.split(",")), period)
                         for number, text, agencies, period in rows])
                for _, title, rows in ruled_cut.PLANS[lang]["sections"]]
    docx_view = _view(docx_plan, lang)
    assert [(title, [(n, text, agencies, period) for n, text, _, agencies, period, *_ in rows])
            for title, rows in docx_view] == expected
    assert _view(pdf_plan, lang) == docx_view
    assert pdf_plan.unparsed == ()


def test_the_ruled_cells_broken_words():
    """The lines of one word ending at a cell's right rule are marked cut, and the cell's text
    is the DOCX cell's; a short line is not marked."""
    blocks = file_to_blocks(FILES / "ruled-cut-ru.pdf", 0, Limits())[1]
    cells = {(b.loc.row, b.loc.cell): b.text for b in blocks if b.loc.table}
    assert cells[2, 2] == "Совершенствование законодательства"
    assert cells[3, 2] == "Разработать проект закона о противодействии торговле людьми"
    assert cells[1, 3] == "Ответственные исполнители"


def _line(text: str, x0: float, x1: float, top: float) -> PdfLine:
    return PdfLine(text=text, page=1, x0=x0, x1=x1, top=top, bottom=top + 12, size=12.0, bold="")


def test_ruled_cuts_marks_lines_at_the_rule():
    """A cell from x 192.6 to 300.6 whose lines start 5.5 in: its text ends at 295.1."""
    bbox = (192.6, 100.0, 300.6, 200.0)
    lines = ruled_cuts([_line("Совершенствова", 198.1, 294.7, 100), _line("ние", 198.1, 219.2, 114),
                        _line("Минюст", 198.1, 245.0, 128), _line("и МВД", 198.1, 230.0, 142),
                        _line("законодательст", 198.1, 289.2, 156), _line("ва", 198.1, 210.8, 170),
                        _line("проект закона о", 198.1, 292.0, 184), _line("Минюст", 198.1, 290.0, 198),
                        _line("2024", 198.1, 293.0, 212)], bbox)
    assert [line.cut for line in lines] == [True, False, False, False, True, False, False, False, False]
    assert ruled_cuts([_line("Совершенствова", 198.1, 294.7, 100)], bbox)[0].cut is False
