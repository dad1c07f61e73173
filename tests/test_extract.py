"""Stage 1: source files to blocks."""
from __future__ import annotations

import pytest

from pipeline.build import paths_to_plan
from pipeline.extract import ExtractError, decode_text, file_to_blocks, strip_markdown

from .conftest import NAP
from .fixtures.build import build_docx


@pytest.mark.parametrize("raw, text, level", [
    ("- 1.** Консолидировать усилия", "1. Консолидировать усилия", 0),
    ("**TÜRKMENISTANYŇ PREZIDENTI", "TÜRKMENISTANYŇ PREZIDENTI", 0),
    ("по теме *Противодействие торговле людьми*.", "по теме Противодействие торговле людьми.", 0),
    ("### Section 1.1: X", "Section 1.1: X", 3),
    ("5 * 3 = 15", "5 * 3 = 15", 0),
])
def test_strip_markdown(raw, text, level):
    assert strip_markdown(raw) == (text, level)


def test_text_encodings():
    assert decode_text("Çäreler".encode("utf-8-sig")) == "Çäreler"
    assert decode_text("Мероприятия".encode("cp1251")) == "Мероприятия"
    assert decode_text("Мероприятия".encode("utf-16")) == "Мероприятия"


def test_text_blocks_are_lines_with_line_numbers():
    source, blocks = file_to_blocks(NAP["txt"])
    assert (source.format, source.pages, len(source.sha256)) == ("text", None, 64)
    first = next(b for b in blocks if b.text.startswith("1.1.1."))
    assert first.loc.line == 79
    assert not any("**" in b.text for b in blocks)


def test_docx_order_styles_bold_labels_tables_and_header(tmp_path):
    source, blocks = file_to_blocks(build_docx(tmp_path / "plan.docx"))
    assert source.format == "docx"
    flow = [b for b in blocks if not b.furniture]
    assert [b.text for b in flow[:3]] == [
        "ACTION PLAN ON COMBATING TRAFFICKING IN PERSONS 2024-2026", "Part I: GENERAL MEASURES",
        "Section 1.1: COORDINATION"]
    assert [b.heading for b in flow[:4]] == [1, 1, 2, 0]
    assert flow[3].bold == "Identified needs:" and flow[3].loc.paragraph == 4
    table = [(b.text, b.loc.table, b.loc.row, b.loc.cell) for b in flow if b.loc.table]
    # the merged cell appears once, not once per grid column it spans
    assert table == [("No.", 1, 1, 1), ("Activity", 1, 1, 2), ("Deadline", 1, 1, 3),
                     ("Merged cell text", 1, 2, 1), ("2025", 1, 2, 3)]
    assert flow[-1].text == "Note 1: Funds of donors may be used." and flow[-1].loc.paragraph == 13
    assert [(b.text, b.loc.part) for b in blocks if b.furniture] == [("Action Plan 2024-2026", "header")]


def test_docx_plan_parses(tmp_path):
    plan = paths_to_plan([build_docx(tmp_path / "plan.docx")], "plan")
    activity, row = plan.version("en").activities()
    assert activity.text == "Training in monitoring and reporting for members of the Working Group."
    assert activity.indicators == ("Number of trainings", "Number of participants")
    assert [a.name for a in activity.agencies] == ["Working Group", "Ministry of Justice (legal department, archive)"]
    assert (activity.period.start, activity.period.end) == (2024, 2025)
    assert plan.coverage.source_chars == plan.coverage.accounted_chars
    # the table's header names its columns; its row is an activity whose merged cell spans No. and Activity
    assert [(l.field, l.text) for l in plan.version("en").parts[0].sections[0].labels[-3:]] == [
        ("number", "No."), ("activity", "Activity"), ("period", "Deadline")]
    assert (row.number, row.marker, row.text, row.period.raw, row.period.end) == (
        None, "", "Merged cell text", "2025", 2025)
    assert (row.source.table, row.source.row, row.source.cell) == (1, 2, 1)
    assert (row.fields[0].source.row, row.fields[0].source.cell) == (2, 3)
    assert plan.unparsed == ()


def test_pdf_page_furniture_is_kept_out_of_the_text_flow():
    source, blocks = file_to_blocks(NAP["pdf"])
    assert (source.format, source.pages) == ("pdf", 53)
    furniture = [b for b in blocks if b.furniture]
    assert len(furniture) == 106  # a running header and a page number on each of 53 pages
    assert {b.text for b in furniture if not b.text.isdigit()} == {
        "NAP 2020–2022", "Adam söwdasyna garşy hereket etmek boýunça HMM 2020–2022",
        "НПД по противодействию торговле людьми 2020–2022", "NAP on Combating Trafficking in Persons 2020–2022"}
    assert sorted(int(b.text) for b in furniture if b.text.isdigit()) == list(range(1, 54))


def test_pdf_paragraphs_headings_and_bold_labels():
    _source, blocks = file_to_blocks(NAP["pdf"])
    flow = [b for b in blocks if not b.furniture]
    section = next(b for b in flow if b.text.startswith("1.1 bölek:"))
    assert section.text == ("1.1 bölek: Adam söwdasyna garşy hereket etmek boýunça çäreleri utgaşdyrmak, "
                            "olaryň ýerine ýetirilişini gözegçilikde saklamak we bahalandyrmak")
    assert (section.heading, section.loc.page) == (2, 3)
    part = next(b for b in flow if b.text == "I bölüm. UMUMY ÇÄRELER")
    assert part.heading == 1
    label = next(b for b in flow if b.text.startswith("Görkezijiler: Geçirilen okuw"))
    assert label.bold == "Görkezijiler:"
    title = next(b for b in flow if b.loc.page == 3)
    assert title.text.endswith("2020–2022-NJI ÝYLLAR ÜÇIN HEREKETLERIŇ MILLI MEÝILNAMASY")
    assert title.page_start


@pytest.mark.parametrize("content, message", [
    (b"", "empty file"),
    (b"%PDF-1.7\n%broken", "corrupt or truncated PDF"),
    (b"PK\x03\x04broken zip", r"not a valid ZIP archive \(a truncated or corrupt DOCX\)"),
    (b"\x00\x01\x02\x03binary", "unsupported format"),
])
def test_unreadable_inputs_raise_one_line_errors(tmp_path, content, message):
    path = tmp_path / "bad.bin"
    path.write_bytes(content)
    with pytest.raises(ExtractError, match=message):
        file_to_blocks(path)
