"""Stage 1: source files to blocks."""
from __future__ import annotations

import pytest

from pipeline.build import paths_to_plan
from pipeline.extract import ExtractError, file_to_blocks
from pipeline.extract.text import decode_text, strip_markdown
from pipeline.model import Location
from pipeline.extract.text import decode_bytes, text_to_blocks

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


RU_PLAN = """ПЛАН МЕРОПРИЯТИЙ ПО ПРОТИВОДЕЙСТВИЮ ТОРГОВЛЕ ЛЮДЬМИ НА 2024-2026 ГОДЫ

Часть I. Общие меры

Раздел 1.1: Совершенствование законодательства

Мероприятия:

1.1.1. Провести анализ законодательства о противодействии торговле людьми.

Ответственные исполнители: Министерство юстиции.

Срок исполнения: 2024 год

1.1.2. Подготовить предложения по изменению Уголовного кодекса.

Ответственные исполнители: Генеральная прокуратура.

Срок исполнения: 2025 год
"""
RU_ACTIVITIES = [
    ("1.1.1", "Провести анализ законодательства о противодействии торговле людьми.", ["justice-ministry"], 2024),
    ("1.1.2", "Подготовить предложения по изменению Уголовного кодекса.", ["general-prosecutor"], 2025)]


def _ru_activities(plan) -> list[tuple]:
    (version,) = plan.versions
    return [(a.number, a.text, [g.id for g in a.agencies], a.period.start) for a in version.activities()]


@pytest.mark.parametrize("data, encoding", [
    (RU_PLAN.encode("utf-8"), "utf-8"),
    (RU_PLAN.encode("utf-8-sig"), "utf-8-sig"),
    (RU_PLAN.encode("utf-16"), "utf-16-le"),  # with its BOM
    (b"\xfe\xff" + RU_PLAN.encode("utf-16-be"), "utf-16-be"),
    (RU_PLAN.encode("utf-32"), "utf-32-le"),
    (RU_PLAN.encode("cp1251"), "cp1251"),
    (RU_PLAN.encode("koi8-r"), "koi8-r"),
    (RU_PLAN.encode("iso8859-5"), "iso8859-5"),
    (RU_PLAN.encode("mac-cyrillic"), "mac-cyrillic"),
])
def test_a_plan_in_any_encoding_gives_the_same_activities(tmp_path, data, encoding):
    assert decode_bytes(data)[1:] == (encoding, (), 0)
    path = tmp_path / "plan.txt"
    path.write_bytes(data)
    plan = paths_to_plan([path], "plan")
    assert _ru_activities(plan) == RU_ACTIVITIES
    assert plan.unparsed == ()


def test_dos_866_is_read_with_its_letters():
    """charset-normalizer names DOS 866 Russian as its Ukrainian twin, code page 1125: every
    Russian letter is the same in both."""
    text, encoding, _offsets, count = decode_bytes(RU_PLAN.encode("cp866"))
    assert (text, encoding, count) == (RU_PLAN, "cp1125", 0)


def test_undefined_bytes_are_replaced_and_their_offsets_kept(tmp_path):
    utf8 = RU_PLAN.encode("utf-8")
    cut = utf8.index("Министерство юстиции".encode("utf-8"))
    cp1251 = RU_PLAN.encode("cp1251")
    cut1251 = cp1251.index("Министерство юстиции".encode("cp1251"))
    # one byte UTF-8 never starts a character with, among many well-formed letters: UTF-8 still
    assert decode_bytes(utf8[:cut] + b"\x98" + utf8[cut:])[1:] == ("utf-8", (cut,), 1)
    # 0x98 is the one byte Windows-1251 leaves undefined: Windows-1251 still, the byte replaced
    text, encoding, offsets, count = decode_bytes(cp1251[:cut1251] + b"\x98" + cp1251[cut1251:])
    assert (encoding, offsets, count) == ("cp1251", (cut1251,), 1)
    assert text == RU_PLAN.replace("Министерство юстиции", "\ufffdМинистерство юстиции")
    path = tmp_path / "plan.txt"
    path.write_bytes(utf8[:cut] + b"\x98" + utf8[cut:])
    plan = paths_to_plan([path], "plan")
    assert [(a.number, a.fields[0].value) for a in plan.versions[0].activities()] == [
        ("1.1.1", "\ufffdМинистерство юстиции."), ("1.1.2", "Генеральная прокуратура.")]


def test_control_characters_are_removed_and_recorded(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text(RU_PLAN.replace("Министерство юстиции", "Министерство\x1b[0m юстиции\x7f"), encoding="utf-8")
    reading = text_to_blocks(path)
    assert reading.removed == ((Location(file=0, line=11), (0x1B, 0x7F)),)
    assert [b.text for b in reading.blocks if b.loc.line == 11] == [
        "Ответственные исполнители: Министерство[0m юстиции."]
    assert reading.encoding == "utf-8"


def test_control_characters_never_reach_the_exports(tmp_path):
    """The real command on a text plan holding ESC: exit 0, and every XML export parses."""
    import subprocess
    import sys
    from lxml import etree
    path = tmp_path / "plan.txt"
    path.write_text(RU_PLAN.replace("Министерство юстиции", "Министерство\x1b юстиции"), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(path), "--out", str(tmp_path / "out"),
                           "--format", "xml,akn,tmx"], capture_output=True, text=True, timeout=300)
    assert (done.returncode, done.stderr) == (0, "")
    written = sorted((tmp_path / "out").rglob("*.xml")) + sorted((tmp_path / "out").rglob("*.tmx"))
    assert len(written) == 3
    for file in written:
        assert "Министерство юстиции" in etree.tostring(etree.parse(str(file)), encoding="unicode")


NO_BOM = [RU_PLAN.encode("utf-16-le"), RU_PLAN.encode("utf-16-be"), RU_PLAN.encode("utf-32-be"),
          RU_PLAN.replace("Министерство юстиции", "Министерство\x00 юстиции").encode("utf-8")]


@pytest.mark.parametrize("data, encoding", list(zip(NO_BOM, ["utf-16-le", "utf-16-be", "utf-32-be", "utf-8"])))
def test_text_without_a_byte_order_mark_or_with_a_nul_is_read(tmp_path, data, encoding):
    """UTF-16/32 without a BOM is told by where the zero bytes stand; a stray NUL is removed."""
    path = tmp_path / "plan.txt"
    path.write_bytes(data)
    reading = text_to_blocks(path)
    assert reading.encoding == encoding
    assert [b.text for b in reading.blocks] == [line for line in RU_PLAN.splitlines() if line]
    assert reading.removed == (((Location(file=0, line=11), (0,)),) if encoding == "utf-8" else ())


@pytest.mark.parametrize("data", NO_BOM)
def test_a_text_plan_without_a_bom_or_with_a_nul_gives_the_plan(tmp_path, data):
    path = tmp_path / "plan.txt"
    path.write_bytes(data)
    assert _ru_activities(paths_to_plan([path], "plan")) == RU_ACTIVITIES


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
    (b"%PDF-1.7\n%broken", r"the PDF is damaged and could not be repaired \(neither PDF reader opens it\)"),
    (b"PK\x03\x04broken zip", r"not a valid ZIP archive \(a truncated or corrupt DOCX\)"),
    (b"\x00\x01\x02\x03binary", "unsupported format"),
])
def test_unreadable_inputs_raise_one_line_errors(tmp_path, content, message):
    path = tmp_path / "bad.bin"
    path.write_bytes(content)
    with pytest.raises(ExtractError, match=message):
        file_to_blocks(path)


def test_text_recognised_on_a_page_image_is_not_respelled_as_a_legacy_font():
    """OCR of a Kazakh scan read "і" as "ї": a KZ-1048 font's "ү" on a typed page, a misreading
    on a recognised one, which the legacy-font repair must leave to the OCR findings."""
    from pipeline.extract import _respelled_outside
    from pipeline.model import Block

    text = "Жәб1рленушїлерді қорғау және оларға көмек көрсету"
    blocks = [Block(text, Location(0, page=1)), Block(text, Location(0, page=2))]
    respelled, respelling = _respelled_outside(blocks, {1})
    assert [b.text for b in respelled] == [text, text.replace("ї", "ү")]
    assert (respelling.table, [loc.page for loc, _ in respelling.raw]) == ("kz1048", [2])
