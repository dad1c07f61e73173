"""Tables without ruling lines, running heads that print the page number, and where printed
lines end inside a block: the PDF extract stage on both engines.

Exact blocks from the generated fixtures (``tests/fixtures/tables.py``: a table of filled
cells and a milestone table aligned by whitespace, in English and Russian, as LibreOffice
prints them; ``tests/fixtures/drawn.py``: filled cells with white gaps, and Word's shading
boxes) and from the real Armenian adaptation programme in ``../shared/realplans/`` (read
there, never copied; skipped where the folder is absent).
"""
from __future__ import annotations

import regex
import pytest

from pipeline.extract import pdf, pdf_tables
from pipeline.extract.pdf_tables import PdfLine, PdfWord
from pipeline.extract import Limits, file_to_blocks

from .conftest import NAP, ROOT

FILES = ROOT / "tests" / "fixtures" / "files"
REALPLANS = ROOT.parent / "shared" / "realplans"
ENGINES = ("auto", "plumber")


def _blocks(path, engine):
    return file_to_blocks(path, 0, Limits(pdf_engine=engine))[1]


def _cells(blocks, page=None) -> list[tuple]:
    """(row, cell, span, text, breaks) of the table blocks (of one page)."""
    return [(b.loc.row, b.loc.cell, b.span, b.text, b.breaks) for b in blocks
            if b.loc.table and (page is None or b.loc.page == page)]


FILLED = {
    "en": [
        (1, 1, 1, "Measures", ()), (1, 2, 1, "Indicative outcome", ()), (1, 3, 1, "Performer", ()),
        (1, 4, 1, "Co-performer", ()), (1, 5, 1, "Due date", ()),
        (2, 1, 5, "1. Strengthening the legal framework", ()),
        (3, 1, 1, "1.1. Development of the draft law on climate adaptation and its submission to the Government",
         (33, 63)),
        (3, 2, 1, "The law is adopted", ()), (3, 3, 1, "Ministry of Environment", (11,)),
        (3, 4, 1, "Ministry of Justice", ()), (3, 4, 1, "Ministry of Economy", ()),
        (3, 5, 1, "2024, 4th quarter", (9,)),
        (4, 1, 1, "1.2. Review of the building norms", (27,)), (4, 2, 1, "Norms revised to integrate climate risks", (16,)),
        (4, 3, 1, "Urban Development Committee", (17,)), (4, 4, 1, "-", ()), (4, 5, 1, "2025, 2nd quarter", (9,)),
        (5, 1, 5, "2. Building institutional capacity", ()),
        (6, 1, 1, "2.1. Training of regional staff in adaptation planning", (34,)),
        (6, 2, 1, "Staff trained in every region", (22,)), (6, 3, 1, "Ministry of Territorial Administration", (23,)),
        (6, 4, 1, "Ministry of Environment", ()), (6, 5, 1, "2025, 1st quarter", (9,)),
        (7, 1, 1, "2.2. Establishment of a monitoring system for adaptation measures", (23, 45)),
        (7, 2, 1, "Monitoring reports published yearly", (18,)), (7, 3, 1, "Ministry of Environment", (11,)),
        (7, 4, 1, "-", ()), (7, 5, 1, "2026, 4th quarter", (9,)),
    ],
    "ru": [
        (1, 1, 1, "Мероприятие", ()), (1, 2, 1, "Ожидаемый результат", (9,)), (1, 3, 1, "Исполнитель", ()),
        (1, 4, 1, "Соисполнитель", ()), (1, 5, 1, "Срок", ()),
        (2, 1, 5, "1. Совершенствование правовой базы", ()),
        (3, 1, 1, "1.1. Разработка проекта закона об адаптации к изменению климата и внесение его в Правительство",
         (30, 55, 80)),
        (3, 2, 1, "Закон принят", ()), (3, 3, 1, "Министерство экологии", (12,)),
        (3, 4, 1, "Министерство юстиции", ()), (3, 4, 1, "Министерство экономики", (12,)),
        (3, 5, 1, "4 квартал 2024 года", (14,)),
        (4, 1, 1, "1.2. Пересмотр строительных норм", (27,)),
        (4, 2, 1, "Нормы пересмотрены с учётом климатических рисков", (5, 20, 27, 41)),
        (4, 3, 1, "Комитет по градостроительству", (10,)), (4, 4, 1, "-", ()), (4, 5, 1, "2 квартал 2025 года", (14,)),
        (5, 1, 5, "2. Развитие институционального потенциала", ()),
        (6, 1, 1, "2.1. Обучение сотрудников областных администраций планированию адаптации", (25, 49)),
        (6, 2, 1, "Сотрудники обучены во всех областях", (18,)),
        (6, 3, 1, "Министерство территориального управления", (12, 29)),
        (6, 4, 1, "Министерство экологии", ()), (6, 5, 1, "1 квартал 2025 года", (14,)),
        (7, 1, 1, "2.2. Создание системы мониторинга мер по адаптации", (21,)),
        (7, 2, 1, "Ежегодно публикуются отчёты о мониторинге", (8, 27)),
        (7, 3, 1, "Министерство экологии", (12,)), (7, 4, 1, "-", ()), (7, 5, 1, "4 квартал 2026 года", (14,)),
    ],
}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("lang", sorted(FILLED))
def test_a_table_of_filled_cells_is_read_cell_by_cell(lang, engine):
    """Shaded cells, no borders: one table, a row per measure, the group rows one cell
    across the table, a cell's two paragraphs two blocks, its wrapped lines one block."""
    blocks = _blocks(FILES / f"filled-{lang}.pdf", engine)
    assert _cells(blocks) == FILLED[lang]
    assert {b.loc.table for b in blocks if b.loc.table} == {1}
    assert [b.text for b in blocks if not b.loc.table] == [{
        "en": "LIST OF MEASURES FOR 2024-2026", "ru": "ПЕРЕЧЕНЬ МЕРОПРИЯТИЙ НА 2024-2026 ГОДЫ"}[lang]]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("lang", sorted(FILLED))
def test_a_cell_box_is_its_rectangle(lang, engine):
    """Every block of a cell carries the cell's rectangle; a column's cells share their left
    and right edges, and a merged group row spans the table."""
    cells = [b for b in _blocks(FILES / f"filled-{lang}.pdf", engine) if b.loc.table]
    edges = {}
    for b in cells:
        if b.span == 1:
            edges.setdefault(b.loc.cell, set()).add((round(b.loc.bbox[0]), round(b.loc.bbox[2])))
    assert all(len(e) == 1 for e in edges.values()) and len(edges) == 5
    lefts, rights = [min(e)[0] for _, e in sorted(edges.items())], [min(e)[1] for _, e in sorted(edges.items())]
    assert lefts[1:] == rights[:-1]  # the columns meet
    group = next(b for b in cells if b.span == 5)
    assert (round(group.loc.bbox[0]), round(group.loc.bbox[2])) == (lefts[0], rights[-1])
    row_3 = {b.loc.bbox[1:4:2] for b in cells if b.loc.row == 3}
    assert len(row_3) == 1  # one top and bottom for the whole row


MILESTONES = {
    "en": [
        (1, 1, 1, "Milestone", ()), (1, 2, 1, "Measurement", ()), (1, 3, 1, "Reporting Mechanism", (9,)),
        (1, 4, 1, "Target Date", ()),
        (2, 1, 1, "1.1 Publish the approved budget in open data formats on the national portal", (24, 44, 68)),
        (2, 2, 1, "Budget data sets published", (16,)), (2, 3, 1, "Annual report of the Ministry of Finance", (16, 32)),
        (2, 4, 1, "March 2021", ()),
        (3, 1, 1, "1.2 Publish quarterly budget execution reports", (21,)),
        (3, 2, 1, "Four reports published each year", (12, 27)), (3, 3, 1, "Portal statistics", ()),
        (3, 4, 1, "Quarterly from June 2021", (19,)),
        (4, 1, 1, "1.3 Hold public hearings on the draft budget with civil society organisations", (24, 49, 63)),
        (4, 2, 1, "Two hearings held", (12,)), (4, 3, 1, "Minutes of the hearings published", (14, 23)),
        (4, 4, 1, "October 2021", ()),
    ],
    "ru": [
        (1, 1, 1, "Этап", ()), (1, 2, 1, "Показатель", ()), (1, 3, 1, "Механизм отчётности", (8,)),
        (1, 4, 1, "Срок", ()),
        (2, 1, 1, "1.1 Опубликовать утверждённый бюджет в открытых форматах на национальном портале", (16, 36, 59)),
        (2, 2, 1, "Наборы данных опубликованы", (13,)), (2, 3, 1, "Годовой отчёт Министерства финансов", (13, 26)),
        (2, 4, 1, "Март 2021 года", ()),
        (3, 1, 1, "1.2 Публиковать ежеквартальные отчёты об исполнении бюджета", (15, 37)),
        (3, 2, 1, "Четыре отчёта в год", (13,)), (3, 3, 1, "Статистика портала", (10,)),
        (3, 4, 1, "Ежеквартально с июня 2021 года", (15,)),
        (4, 1, 1, "1.3 Провести публичные слушания по проекту бюджета с общественными организациями", (12, 34, 52, 66)),
        (4, 2, 1, "Проведены два слушания", (13,)), (4, 3, 1, "Протоколы слушаний опубликованы", (9, 18)),
        (4, 4, 1, "Октябрь 2021 года", ()),
    ],
}
MILESTONE_TEXT = {  # the running text of each page, in order (title, introduction, actions, lead agencies)
    "en": [["Open Government 2021 Action Plan",
            "This action plan sets out the commitments of the Government for 2021. Each action names its milestones, "
            "how progress is measured and reported, and when it is due.",
            "Action 1. Open budget data", "Lead agency: Ministry of Finance"],
           ["Action 2. Transparent public procurement", "Lead agency: Public Procurement Agency",
            "Action 3. Right to know", "Lead agency: Ministry of Justice"],
           ["Action 4. Public services online", "Lead agency: Ministry of Digital Development"]],
    "ru": [["План действий открытого правительства на 2021 год",
            "Настоящий план действий определяет обязательства Правительства на 2021 год. Для каждого мероприятия "
            "указаны этапы, показатели, механизм отчётности и сроки.",
            "Мероприятие 1. Открытые бюджетные данные", "Ответственный орган: Министерство финансов"],
           ["Мероприятие 2. Прозрачные государственные закупки",
            "Ответственный орган: Агентство по государственным закупкам",
            "Мероприятие 3. Право знать", "Ответственный орган: Министерство юстиции"],
           ["Мероприятие 4. Государственные услуги онлайн", "Ответственный орган: Министерство цифрового развития"]],
}
LAST_ROW = {"en": ["4.1 Launch the public services portal", "Portal online", "Ministry report", "December 2021"],
            "ru": ["4.1 Запустить портал государственных услуг", "Портал работает", "Отчёт министерства",
                   "Декабрь 2021 года"]}
FOOTERS = {"en": [["Open Government 2021 Action Plan {n}"]],
           "ru": [["План действий открытого правительства 2021", "{n}"]]}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("lang", sorted(MILESTONES))
def test_a_table_aligned_by_whitespace_is_read_as_a_table(lang, engine):
    """No lines, no fills: the head row's words stand in four columns parted by wide gaps and
    the rows under it keep those gutters free; each milestone is one row, its wrapped cells
    one block each.  The action headings (bold, the body's size), the lead agencies and the
    introduction stay running text, also between two tables of one page; a table of one
    milestone is a table."""
    blocks = _blocks(FILES / f"milestones-{lang}.pdf", engine)
    assert _cells(blocks, page=1) == MILESTONES[lang]
    assert [sorted({b.loc.table for b in blocks if b.loc.table and b.loc.page == n}) for n in (1, 2, 3)] == [
        [1], [2, 3], [4]]
    assert [[(b.loc.row, b.loc.cell) for b in blocks if b.loc.table == t][:4] for t in (2, 3, 4)] == [
        [(1, 1), (1, 2), (1, 3), (1, 4)]] * 3
    assert [(b.loc.row, b.loc.cell, b.text) for b in blocks if b.loc.table == 4][4:] == [
        (2, cell, text) for cell, text in enumerate(LAST_ROW[lang], start=1)]
    assert [[b.text for b in blocks if b.loc.page == n and not b.loc.table and not b.furniture]
            for n in (1, 2, 3)] == MILESTONE_TEXT[lang]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("lang", sorted(FOOTERS))
def test_a_running_footer_with_the_page_number_is_furniture(lang, engine):
    """The footer prints the plan's title and the page number well above the page's bottom
    margin (in Russian on two lines): furniture on every page, never a heading or text."""
    blocks = _blocks(FILES / f"milestones-{lang}.pdf", engine)
    assert [[b.text for b in blocks if b.furniture and b.loc.page == n] for n in (1, 2, 3)] == [
        [line.format(n=n) for line in FOOTERS[lang][0]] for n in (1, 2, 3)]


@pytest.mark.slow  # the 60-page reference PDF through both engines
def test_running_text_is_never_read_as_a_table():
    """The reference plan (paragraphs, its running heads and page numbers) gives no table."""
    for engine in ENGINES:
        assert not [b for b in _blocks(NAP["pdf"], engine) if b.loc.table]


def _line(words: list[tuple[str, float]], top: float, size: float = 10.0) -> PdfLine:
    """A running-text line of words at the given left edges (0.55 em a letter)."""
    out = tuple(PdfWord(text=text, x0=x, x1=x + 0.55 * size * len(text), top=top, bottom=top + size, size=size, bold=0)
                for text, x in words)
    return PdfLine(text=" ".join(text for text, _ in words), page=1, x0=out[0].x0, x1=out[-1].x1, top=top,
                   bottom=top + size, size=size, bold="", words=out)


def _spaced(text: str, x: float = 50.0, space: float = 3.0) -> list[tuple[str, float]]:
    out = []
    for word in text.split():
        out.append((word, x))
        x += 5.5 * len(word) + space
    return out


def test_a_head_needs_rows_that_keep_its_gutters():
    """A line of three short phrases apart (a signature line, a chart's labels) followed by
    a paragraph whose words cross the gaps is no table; a chart's axis is no head."""
    head = _line([("Minister", 50), ("Deputy", 250), ("Secretary", 450)], 100)
    paragraph = [_line(_spaced("The plan was approved by the government after a long public consultation with "
                               "the civil society organisations of every region"), 114 + 14 * k) for k in range(3)]
    lines = [head, *paragraph]
    assert pdf_tables.whitespace_tables(lines, 1) == (lines, [])
    axis = [_line([("100", 50), ("120", 150), ("140", 250), ("160", 350)], 300),
            _line([("5", 50), ("7", 150), ("9", 250), ("11", 350)], 314)]
    assert pdf_tables.whitespace_tables(axis, 1) == (axis, [])
    assert pdf_tables.head_segments(axis[0].words) is None


def _prose(first_words: int, shift: dict[int, float]) -> list[PdfLine]:
    """Twelve lines of three columns of running text (the first line's pieces of
    ``first_words`` words), column k's lines from line 6 on ``shift[k]`` lower."""
    words = ("the plan sets out what each ministry does and when it reports on the measures it leads "
             "during the years of the plan").split()
    pieces = []
    for k in range(12):
        for col, x in enumerate((50, 230, 410)):
            chunk = words[(k * 3 + x) % 10:(k * 3 + x) % 10 + (first_words if k == 0 else 5)]
            pieces.append(_line(_spaced(" ".join(chunk), x), 100 + 12 * k + (shift.get(col, 0) if k >= 6 else 0)))
    return pieces


def test_prose_set_in_three_columns_is_no_table():
    """Three columns of running text keep their gutters free on every line: a line of short
    pieces is no head when each piece fills its column, nor is a head row of six lines, and
    a paragraph starting in one column starts no table row."""
    assert pdf_tables.head_segments(_words(_prose(5, {})[:3])) is None
    assert pdf_tables.head_segments(_words(_prose(3, {})[:3])) is not None
    for first, shift in ((5, {0: 8}), (3, {0: 8}), (3, {0: 8, 1: 8, 2: 8})):
        lines = _prose(first, shift)
        assert pdf_tables.whitespace_tables(lines, 1) == (lines, [])


def _words(lines: list[PdfLine]) -> list[PdfWord]:
    return sorted((word for line in lines for word in line.words), key=lambda word: word.x0)


def test_a_head_with_one_row_under_it_is_a_table_when_the_row_fills_its_columns():
    head = _line([("Milestone", 50), ("Measurement", 250), ("Target", 450), ("Date", 486)], 100)
    row = _line([("Publish", 50), ("the", 92), ("data", 112), ("Data", 250), ("online", 276), ("June", 450),
                 ("2021", 476)], 124)
    flow, (table,) = pdf_tables.whitespace_tables([head, row], 3)
    assert flow == []
    assert [(cell.row, cell.cell, [line.text for line in cell.lines]) for cell in table.cells] == [
        (1, 1, ["Milestone"]), (1, 2, ["Measurement"]), (1, 3, ["Target Date"]),
        (2, 1, ["Publish the data"]), (2, 2, ["Data online"]), (2, 3, ["June 2021"])]
    sparse = _line([("Publish", 50), ("the", 92), ("data", 112)], 124)
    assert pdf_tables.whitespace_tables([head, sparse], 3) == ([head, sparse], [])


def test_the_head_printed_again_starts_the_next_table_and_a_heading_after_a_table_is_text():
    """Two tables of one head one after the other, a short heading and a lead line between
    them that fit in the first column: two tables, the heading and lead line running text."""
    head = [("Milestone", 50), ("Measurement", 250), ("Target", 450), ("Date", 486)]
    row = [("Publish", 50), ("the", 92), ("data", 112), ("Data", 250), ("online", 276), ("June", 450), ("2021", 476)]
    lines = [_line(head, 100), _line(row, 124), _line([("Action", 50), ("2.", 90), ("Courts", 106)], 148),
             _line([("Lead:", 50), ("Justice", 80)], 162), _line(head, 186), _line(row, 210)]
    flow, tables = pdf_tables.whitespace_tables(lines, 1)
    assert [line.text for line in flow] == ["Action 2. Courts", "Lead: Justice"]
    assert [[(cell.row, cell.cell) for cell in table.cells] for table in tables] == [
        [(1, 1), (1, 2), (1, 3), (2, 1), (2, 2), (2, 3)]] * 2


def _page(lines: list[tuple[str, float]]) -> list[PdfLine]:
    return [PdfLine(text=text, page=1, x0=50.0, x1=300.0, top=top, bottom=top + 10, size=10.0, bold="")
            for text, top in lines]


def test_running_footers_with_the_page_number_wherever_they_stand():
    """Left and right footers ("6 | Title 2015-2030", "Title 2015-2030 | 7") above the bottom
    margin are furniture; first lines numbered apart from the page number ("Table 3.
    Indicators" on page 2, "Table 4. Indicators" on pages 3 and 4) are not."""
    title = "Kiribati National Adaptation Plan 2015-2030"
    tables = (1, 3, 4, 4, 6, 6, 7)
    pages = [_page([(f"Table {tables[n - 1]}. Indicators", 60), ("Body text of the page.", 80),
                    (f"{n} | {title}" if n % 2 == 0 else f"{title} | {n}", 760)]) for n in range(1, 8)]
    running = pdf._running_lines(pages)
    assert [[line.text for line in lines if id(line) in running] for lines in pages] == [
        [f"{n} | {title}" if n % 2 == 0 else f"{title} | {n}"] for n in range(1, 8)]


def test_breaks_are_where_printed_lines_ended():
    """A paragraph's breaks: at the joining space, or inside the word a removed line-end
    hyphen joined (``implementa|tion``)."""
    for engine in ENGINES:
        blocks = _blocks(FILES / "nap-en-hyphenated.pdf", engine)
        block = next(b for b in blocks if b.loc.page == 2 and b.loc.line == 19)
        assert block.text == ("1.1.2 Holding thematic meetings of the Working Group on the implementation of the "
                              "National Action Plan of Turkmenistan on Combating Trafficking in Persons.")
        assert block.breaks == (70, 146)
        assert (block.text[60:70], block.text[70:74], block.text[146]) == ("implementa", "tion", " ")
        for b in blocks:
            assert list(b.breaks) == sorted(set(b.breaks)) and all(0 < k < len(b.text) for k in b.breaks)


# --- the real Armenian programme (../shared/realplans/am_nap_2021_en.pdf) ------------------------

ARMENIA = REALPLANS / "am_nap_2021_en.pdf"
needs_armenia = pytest.mark.skipif(not ARMENIA.is_file(), reason=f"{ARMENIA} is absent (it is not part of the repository)")
MEASURE = regex.compile(r"^([12])\.(\d+)\.\s*\S")
HEAD = ["Measures", "Indicative Outcome", "Performer", "Co-performer", "Due date", "Source of funding",
        "Financial assessment (thousand AMD)"]
ROW_1_1 = [
    (1, "1.1. Development of the draft RA Government Decree “On approval of the climate change adaptation plan for the "
        "water resources sector” and submission to the office of the RA Prime Minister", (32, 54, 85, 115, 137, 169)),
    (2, "CCA considerations are integrated into the strategic development process of the water resources sector",
     (18, 42, 64, 85)),
    (3, "Ministry of Environment of the RA", (11,)),
    (4, "Ministry of Territorial Administration and Infrastructures of the RA", (23, 42, 61)),
    (4, "Ministry of Economy of the RA", (19,)),
    (4, "Ministry of Healthcare of the RA", (18,)),
    (5, "2021, 4th trimester", (9,)),
    (6, "Sources not prohibited by legislation (international donor organizations)", (11, 25, 37, 52, 58)),
    (7, "50,000", ()),
]
ROW_2_9 = [
    (1, "2.9. Revision of construction (buildings and infrastructures) norms, compendiums of rules to integrate CCA "
        "and climate risks management considerations", (29, 61, 89, 118, 135)),
    (2, "Construction (buildings and infrastructures) norms, compendiums of rules and SNIPs integrate CCA and climate "
        "risks management considerations", (23, 44, 63, 85, 104, 121)),
    (3, "Urban Development Committee of the RA", (17,)),
    (4, "Ministry of Environment of the RA", (19,)),
    (4, "Ministry of Territorial Administration and Infrastructures of the RA", (19, 38, 58)),
    (5, "2024, 4th trimester", (9,)),
    (6, "Sources not prohibited by legislation (international donor organizations)", (11, 25, 37, 52, 58)),
    (7, "25,000", ()),
]


@pytest.fixture(scope="module", params=["auto", pytest.param("plumber", marks=pytest.mark.slow)])  # 36 pages
def armenia(request):
    if not ARMENIA.is_file():
        pytest.skip(f"{ARMENIA} is absent (it is not part of the repository)")
    return [b for b in _blocks(ARMENIA, request.param) if 30 <= (b.loc.page or 0) <= 36 and b.loc.table]


def _row_of(blocks, number: str) -> list[tuple]:
    (first,) = [b for b in blocks if b.loc.cell == 1 and b.text.startswith(number + " ")]
    return [(b.loc.cell, b.text, b.breaks) for b in blocks
            if (b.loc.page, b.loc.table, b.loc.row) == (first.loc.page, first.loc.table, first.loc.row)]


@needs_armenia
def test_armenian_measures_one_row_each_in_seven_columns(armenia):
    """Pages 30-36, "CHAPTER 9. LIST OF MEASURES": cells drawn as filled rectangles, each
    line of text shaded again in its cell's colour.  Every measure is one row of the seven
    columns, on every page; the head is row 1 of the first page's table; the two group rows
    are one cell across the table."""
    measures = [b for b in armenia if b.loc.cell == 1 and MEASURE.match(b.text)]
    numbers = [MEASURE.match(b.text).group(1, 2) for b in measures]
    assert numbers == [("1", str(n)) for n in range(1, 18)] + [("2", str(n)) for n in range(1, 10)]
    for m in measures:
        row = [b for b in armenia if (b.loc.page, b.loc.table, b.loc.row) == (m.loc.page, m.loc.table, m.loc.row)]
        assert {b.loc.cell for b in row} == set(range(1, 8)) and {b.span for b in row} == {1}
    head = [b.text for b in armenia if b.loc.page == 30 and b.loc.row == 1]
    assert head == HEAD
    assert [(b.loc.page, b.loc.cell, b.span, b.text) for b in armenia if b.span > 1] == [
        (30, 1, 7, "1. Introduction and Enhancement of the NAP process in Armenia at the national level"),
        (34, 1, 7, "2. Enhancement of Institutional and technical capacities for the NAP process")]
    columns = {}
    for b in armenia:
        if b.span == 1:
            columns.setdefault(b.loc.cell, set()).add(round(b.loc.bbox[0]))
    assert {cell: sorted(xs) for cell, xs in columns.items()} == {
        1: [63], 2: [245], 3: [360], 4: [474], 5: [573], 6: [636], 7: [716]}


@needs_armenia
def test_armenian_measures_1_1_and_2_9_cell_by_cell(armenia):
    assert _row_of(armenia, "1.1.") == ROW_1_1
    assert _row_of(armenia, "2.9.") == ROW_2_9


ONIR = REALPLANS / "kz_onir_zhumys_zhospary_2019_kk.pdf"


@pytest.mark.skipif(not ONIR.is_file(), reason=f"{ONIR} is absent (it is not part of the repository)")
@pytest.mark.parametrize("engine", ENGINES)
def test_two_names_on_two_lines_of_a_cell(engine):
    """Measure 2's responsible cell prints one name a line: one block, broken at 16."""
    (block,) = [b for b in _blocks(ONIR, engine) if b.text.startswith("Бектұрғанов")]
    assert (block.text, block.breaks, block.loc.cell) == ("Бектұрғанов С.Ш. Бортник М.М.", (16,), 3)


def test_a_page_image_under_printed_text_is_no_scanned_sheet(tmp_path):
    """A searchable scan hides its OCR text under the page image: read again by OCR. A
    letterhead or watermark image under printed (visible) text is no scan: its text stays."""
    import pypdfium2 as pdfium
    from PIL import Image

    from pipeline.extract.pdfium import scan_rules

    document = pdfium.PdfDocument(str(FILES / "ruled-cut-ru.pdf"))
    page = document[0]
    width, height = page.get_width(), page.get_height()
    image = pdfium.PdfImage.new(document)
    image.set_bitmap(pdfium.PdfBitmap.from_pil(Image.new("RGB", (60, 80), (235, 235, 235))))
    image.set_matrix(pdfium.PdfMatrix().scale(width, height))
    page.insert_obj(image)
    page.gen_content()
    path = tmp_path / "letterhead.pdf"
    document.save(str(path))
    document.close()
    printed = pdfium.PdfDocument(str(path))
    scanned = pdfium.PdfDocument(str(FILES / "scan-layer-part-rows-kk.pdf"))
    try:
        assert (scan_rules(printed[0], rules=False), scan_rules(scanned[0], rules=False)) == (False, True)
    finally:
        printed.close()
        scanned.close()
