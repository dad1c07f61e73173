"""A plan table printed without ruling lines, its narrow columns wrapping head and cell words
over several lines and breaking long words mid-word without a hyphen
(:mod:`tests.fixtures.borderless`), read from the PDF exactly as from the DOCX it was printed
from: the head row whole, the number column apart, a merged ministry row a section, each
cell's lines joined and the broken words rejoined."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.build import paths_to_plan
from pipeline.extract import Limits, file_to_blocks
from pipeline.extract import pdf_tables
from pipeline.extract.pdf_tables import PdfLine, PdfWord

from .fixtures import borderless

FILES = Path(__file__).resolve().parent / "fixtures" / "files"


def _view(plan, lang: str):
    """Per section its title and per activity its number, text, indicators, agencies and period,
    spaces and all (a word broken at a cell's edge must come back whole, nothing more)."""
    version = plan.version(lang)
    return [(section.title, [(a.number, a.text, tuple(a.indicators), tuple(g.name for g in a.agencies),
                              a.period.raw, a.period.start, a.period.end) for a in section.activities])
            for part in version.parts for section in part.sections]


@pytest.mark.parametrize("engine", ["auto", "plumber"])
@pytest.mark.parametrize("lang", sorted(borderless.PLANS))
def test_borderless_pdf_reads_as_its_docx(lang, engine, tmp_path):
    docx_plan = paths_to_plan([borderless.build_docx(tmp_path / f"borderless-{lang}.docx", lang)], "docx")
    pdf_plan = paths_to_plan([FILES / f"borderless-{lang}.pdf"], "pdf", limits=Limits(pdf_engine=engine))
    expected = [(unit, [(number, text, tuple(a.strip() for a in agencies.split(",")))
                        for number, text, _, agencies, _ in rows])
                for unit, rows in borderless.PLANS[lang]["units"]]
    assert [(title, [(n, text, agencies) for n, text, _, agencies, *_ in rows])
            for title, rows in _view(docx_plan, lang)] == expected
    assert _view(pdf_plan, lang) == _view(docx_plan, lang)
    labels = [[(label.field, label.text) for label in plan.version(lang).parts[0].sections[0].labels]
              for plan in (pdf_plan, docx_plan)]
    assert labels[0] == labels[1]
    assert [text for _, text in labels[0]] == list(borderless.PLANS[lang]["head"])
    assert pdf_plan.unparsed == ()
    assert not [f for f in pdf_plan.findings if f.severity != "info"]


def test_the_borderless_table_cells():
    """The head row is the table's first row, the number column its own, the ministry's row
    one cell over the five columns; the words broken at a cell's edge are whole again."""
    blocks = file_to_blocks(FILES / "borderless-ru.pdf", 0, Limits())[1]
    cells = {(b.loc.row, b.loc.cell): b for b in blocks if b.loc.table}
    assert [cells[1, c].text for c in range(1, 6)] == list(borderless.PLANS["ru"]["head"])
    assert (cells[2, 1].text, cells[2, 1].span) == ("Министерство образования", 5)
    assert [cells[3, c].text for c in range(1, 3)] == ["1", "Разработка программы повышения квалификации учителей"]
    assert [b.text for b in blocks if not b.loc.table] == [borderless.PLANS["ru"]["title"]]


def _line(words: list[tuple[str, float, float]], top: float) -> PdfLine:
    out = tuple(PdfWord(text=text, x0=x0, x1=x1, top=top, bottom=top + 10, size=10.0, bold=0)
                for text, x0, x1 in words)
    return PdfLine(text=" ".join(w.text for w in out), page=1, x0=out[0].x0, x1=out[-1].x1, top=top,
                   bottom=top + 10, size=10.0, bold="", words=out)


def test_a_line_across_the_columns_after_the_table_stays_running_text():
    """A paragraph under a table that crosses its gutters is no row merged over its columns:
    only such a row with table rows after it is."""
    head = _line([("No.", 50, 66), ("Activity", 100, 140), ("Agency", 250, 285), ("Deadline", 400, 440)], 100)
    row = _line([("1", 50, 55), ("Publish", 100, 135), ("MoJ", 250, 270), ("2021", 400, 420)], 118)
    after = _line([("The", 50, 68), ("plan", 71, 92), ("is", 95, 103), ("approved", 106, 150),
                   ("by", 153, 165), ("the", 168, 183), ("government", 186, 246), ("in", 249, 258),
                   ("full", 261, 280)], 136)
    flow, (table,) = pdf_tables.whitespace_tables([head, row, after], 1)
    assert flow == [after]
    assert [(cell.row, cell.cell, cell.span) for cell in table.cells][-1] == (2, 4, 1)
    unit = _line([("Ministry", 50, 90), ("of", 93, 103), ("Education", 106, 160), ("and", 163, 180),
                  ("Science", 183, 260)], 136)
    row2 = _line([("2", 50, 55), ("Report", 100, 135), ("MoES", 250, 275), ("2022", 400, 420)], 154)
    flow, (table,) = pdf_tables.whitespace_tables([head, row, unit, row2], 1)
    assert flow == []
    assert [(cell.row, cell.cell, cell.span) for cell in table.cells if cell.row == 3] == [(3, 1, 4)]
