"""The DOCX reader shows what Word shows: automatic numbers in table cells, tracked changes as
accepted, content controls, fields, text boxes, notes, nested tables, chunks, odd packages.

Fixtures: ``tests/fixtures/files/{numbered-cells-ru,numbered-cells-kk,docx-constructs}.docx``,
written by ``python -m tests.fixtures.docx_constructs``.  LibreOffice shows the same numbers
for the Kazakh file; it restarts the Russian file's flat numbers at each part row because it
does not follow ``lvlRestart`` 0, which Word does ([MS-OI29500] 2.1.223).
"""
from __future__ import annotations

from pathlib import Path

import docx
import pytest
from lxml import etree

from pipeline.build import paths_to_plan
from pipeline.extract.docx_package import Styles
from pipeline.extract.docx import docx_to_blocks
from pipeline.extract import file_to_blocks
from pipeline.model import Location
from pipeline.extract.wordnum import WordNumbering

from .fixtures.docx_constructs import rewrite

FILES = Path(__file__).resolve().parent / "fixtures" / "files"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _activities(plan) -> list[tuple]:
    (version,) = plan.versions
    return [(part.number, act.number, act.text, [(f.field, f.value) for f in act.fields])
            for part in version.parts for section in part.sections for act in section.activities]


# --- Word's automatic numbers in table cells (issue 12 item 3) ---------------------------------

def test_russian_number_cells_run_on_across_part_rows():
    plan = paths_to_plan([FILES / "numbered-cells-ru.docx"], "ru")
    assert plan.languages == ("ru",)
    assert _activities(plan) == [
        ("I", "1", "Провести анализ законодательства о противодействии торговле людьми.",
         [("agencies", "Министерство юстиции"), ("period", "1 квартал 2024 года")]),
        # the unnumbered row below continues this one
        ("I", "2", "Подготовить предложения по изменению Уголовного кодекса с участием международных организаций.",
         [("agencies", "Генеральная прокуратура"), ("period", "2024 год")]),
        # lvlRestart 0: the flat numbers do not restart under part II
        ("II", "3", "Открыть кризисный центр для пострадавших.",
         [("agencies", "Министерство труда и социальной защиты"), ("period", "2025 год")]),
        ("II", "4", "Обучить сотрудников кризисных центров.",
         [("agencies", "Министерство здравоохранения"), ("period", "2026 год")])]
    assert [a.marker for a in plan.versions[0].activities()] == ["1.", "2.", "3.", "4."]
    # the header row above part I's row opens no part of its own: its labels go to part I
    assert [(p.number, p.title, [label.field for label in p.labels]) for p in plan.versions[0].parts] == [
        ("I", "Совершенствование законодательства", ["number", "activity", "agencies", "period"]),
        ("II", "Защита и помощь пострадавшим", [])]
    assert (plan.unparsed, plan.coverage.source_chars) == ((), plan.coverage.accounted_chars)


def test_kazakh_number_cells_by_style_through_a_linked_numbering_style():
    plan = paths_to_plan([FILES / "numbered-cells-kk.docx"], "kk")
    assert plan.languages == ("kk",)
    assert [(part, number, text) for part, number, text, _fields in _activities(plan)] == [
        ("1", "1", "Заңнамаға талдау жүргізу."), ("1", "2", "Шекара қызметкерлерін оқыту."),
        # the second table's numbers run on from the first table's
        ("2", "3", "Дағдарыс орталығын ашу."), ("2", "4", "Жәбірленушілерге заң көмегін көрсету.")]
    assert (plan.unparsed, plan.coverage.source_chars) == ((), plan.coverage.accounted_chars)


def test_number_cells_were_empty_to_python_docx():
    """What the fixture holds: the number cells' paragraphs have no text of their own."""
    document = docx.Document(str(FILES / "numbered-cells-ru.docx"))
    assert [row.cells[0].text for row in document.tables[0].rows][2:5] == ["", "", ""]


NUMBERING = f"""<w:numbering xmlns:w="{W}">
  <w:abstractNum w:abstractNumId="1">
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl>
    <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2."/></w:lvl>
    <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlRestart w:val="1"/>
      <w:lvlText w:val="%3)"/></w:lvl>
  </w:abstractNum>
  <w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num>
  <w:num w:numId="2"><w:abstractNumId w:val="1"/>
    <w:lvlOverride w:ilvl="1"><w:startOverride w:val="5"/></w:lvlOverride></w:num>
  <w:num w:numId="3"><w:abstractNumId w:val="1"/>
    <w:lvlOverride w:ilvl="2"><w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/>
      <w:lvlRestart w:val="0"/><w:lvlText w:val="(%3)"/></w:lvl></w:lvlOverride></w:num>
</w:numbering>"""


def _labels(sequence: list[tuple[int, int]]) -> list[str]:
    numbering = WordNumbering(etree.fromstring(NUMBERING), Styles(None))
    return [numbering.label(etree.fromstring(
        f'<w:pPr xmlns:w="{W}"><w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num}"/></w:numPr></w:pPr>'),
        None) for num, ilvl in sequence]


def test_lvl_restart_names_the_level_after_which_a_level_restarts():
    # level 2 restarts after level 0 (lvlRestart 1) only: not when level 1 advances
    assert _labels([(1, 0), (1, 1), (1, 2), (1, 2), (1, 1), (1, 2), (1, 0), (1, 1), (1, 2)]) == [
        "I.", "I.1.", "a)", "b)", "I.2.", "c)", "II.", "II.1.", "a)"]


def test_overrides_start_and_whole_levels():
    # numId 2 restarts level 1 at 5; numId 3 replaces level 2, its lvlRestart ignored as Word does
    assert _labels([(1, 0), (1, 1), (2, 1), (2, 1), (3, 2), (3, 1), (3, 2)]) == [
        "I.", "I.1.", "I.5.", "I.6.", "(1)", "I.7.", "(1)"]


# --- nothing in a DOCX vanishes (issue 21 item 1) ---------------------------------------------

CONSTRUCTS = FILES / "docx-constructs.docx"


def _where(block) -> tuple:
    loc = block.loc
    return (loc.paragraph, loc.table, loc.row, loc.cell, loc.part)


def test_constructs_are_read_where_word_shows_them():
    reading = docx_to_blocks(CONSTRUCTS)
    flow = [(block.text, _where(block)) for block in reading.blocks]
    assert flow[4:] == [
        ("1.1.1 Train border officers.", (5, None, None, None, None)),  # w:ins in, w:del out
        ("Agencies: Ministry of Internal Affairs, State Border Service.", (6, None, None, None, None)),  # moveTo
        ("Implementation period: 2024", (7, None, None, None, None)),
        # moveFrom out; inline sdt, smartTag, customXml looked through
        ("1.1.2 Open two shelters for victims of trafficking.", (8, None, None, None, None)),
        ("Agencies: Ministry of Labour and Social Protection.", (9, None, None, None, None)),  # fldSimple result
        ("Implementation period: 2025", (10, None, None, None, None)),  # complex field: result, not instruction
        ("1.1.3 Hold an annual conference on prevention.", (11, None, None, None, None)),  # block sdt, hyperlink
        ("Agencies: Ministry of Foreign Affairs.", (12, None, None, None, None)),
        ("Implementation period: 2026", (13, None, None, None, None)),
        ("Section 1.2: SUPPORT", (14, None, None, None, None)),
        ("1.2.1 Publish a guide for teachers.", (15, None, None, None, None)),
        ("Guide drafted with IOM.", (15, None, None, None, "textbox")),  # DrawingML, its VML twin not again
        ("Agencies: Ministry of Education.", (16, None, None, None, None)),
        ("Implementation period: 2024", (17, None, None, None, None)),
        ("1.2.2 Train consular staff.", (18, None, None, None, None)),  # the reference mark is not text
        ("1 Consular staff of all embassies abroad.", (18, None, None, None, "footnote")),
        ("Agencies: Ministry of Foreign Affairs.", (19, None, None, None, None)),
        ("i Together with the State Migration Service.", (19, None, None, None, "endnote")),
        ("Implementation period: 2025", (20, None, None, None, None)),
        ("1.2.3 Draft the regulation on shelters.", (21, None, None, None, None)),  # deleted mark: one paragraph
        ("Regulation text agreed.", (21, None, None, None, "textbox")),  # VML alone
        ("Agencies: Ministry of Justice.", (22, None, None, None, None)),  # &#x1B; removed
        ("Implementation period: 2026", (23, None, None, None, None)),
        ("Section 1.3: MONITORING", (24, None, None, None, None)),
        ("No.", (None, 1, 1, 1, None)), ("Activity", (None, 1, 1, 2, None)), ("Deadline", (None, 1, 1, 3, None)),
        ("1.3.1", (None, 1, 2, 1, None)), ("Monitor the plan.", (None, 1, 2, 2, None)),
        ("Quarterly report", (None, 1, 2, 2, None)), ("Annual report", (None, 1, 2, 2, None)),  # nested table
        ("Publish the results.", (None, 1, 2, 2, None)), ("2026", (None, 1, 2, 3, None)),
        # the deleted row is not read; the next row is row 3
        ("1.3.2", (None, 1, 3, 1, None)), ("Evaluate the plan.", (None, 1, 3, 2, None)),
        ("2026", (None, 1, 3, 3, None)),
        ("Note 1: Funds of donors may be used.", (25, None, None, None, None)),
        ("Note 2: Reports are published yearly.", (26, None, None, None, "altChunk"))]  # HTML chunk
    assert reading.removed == ((Location(file=0, paragraph=22), (0x1B,)),)
    assert (reading.skipped, reading.kind) == ((), "docx")
    text = " ".join(block.text for block in reading.blocks)
    assert "customs" not in text and "Urgently" not in text and "DOCPROPERTY" not in text
    assert "Deleted activity" not in text


def test_constructs_plan_places_every_planted_word():
    plan = paths_to_plan([CONSTRUCTS], "constructs")
    (version,) = plan.versions
    assert [(a.number, a.text, [(f.field, f.value) for f in a.fields]) for a in version.activities()] == [
        ("1.1.1", "Train border officers.",
         [("agencies", "Ministry of Internal Affairs, State Border Service."), ("period", "2024")]),
        ("1.1.2", "Open two shelters for victims of trafficking.",
         [("agencies", "Ministry of Labour and Social Protection."), ("period", "2025")]),
        ("1.1.3", "Hold an annual conference on prevention.",
         [("agencies", "Ministry of Foreign Affairs."), ("period", "2026")]),
        ("1.2.1", "Publish a guide for teachers.", [("agencies", "Ministry of Education."), ("period", "2024")]),
        ("1.2.2", "Train consular staff.", [("agencies", "Ministry of Foreign Affairs."), ("period", "2025")]),
        ("1.2.3", "Draft the regulation on shelters.", [("agencies", "Ministry of Justice."), ("period", "2026")]),
        ("1.3.1", "Monitor the plan.\nQuarterly report\nAnnual report\nPublish the results.", [("period", "2026")]),
        ("1.3.2", "Evaluate the plan.", [("period", "2026")])]
    # text boxes, footnotes and endnotes are notes (their printed mark the marker), where they were anchored
    assert [(n.marker, n.text, n.source.paragraph, n.source.part) for n in version.notes] == [
        ("", "Guide drafted with IOM.", 15, "textbox"), ("1", "Consular staff of all embassies abroad.", 18, "footnote"),
        ("i", "Together with the State Migration Service.", 19, "endnote"),
        ("", "Regulation text agreed.", 21, "textbox"), ("", "Funds of donors may be used.", 25, None),
        ("", "Reports are published yearly.", 26, "altChunk")]
    assert plan.unparsed == ()
    assert plan.coverage.source_chars == plan.coverage.accounted_chars


def test_notes_are_notes_of_the_activity_that_references_them():
    plan = paths_to_plan([CONSTRUCTS], "constructs")
    (version,) = plan.versions
    act = next(a for a in version.activities() if a.number == "1.2.2")
    assert dict((f.field, f.value) for f in act.fields)["agencies"] == "Ministry of Foreign Affairs."
    assert {n.text for n in version.notes} >= {"Consular staff of all embassies abroad.",
                                               "Together with the State Migration Service."}
    assert plan.unparsed == ()


MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


@pytest.mark.parametrize("kind, content_type", [
    ("docm", "application/vnd.ms-word.document.macroEnabled.main+xml"),
    ("dotx", "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"),
    ("dotm", "application/vnd.ms-word.template.macroEnabledTemplate.main+xml")])
def test_macro_enabled_documents_and_templates_read_like_docx(tmp_path, kind, content_type):
    path = rewrite(CONSTRUCTS, lambda name, data: data.replace(MAIN, content_type.encode())
                   if name == "[Content_Types].xml" else data, tmp_path / f"plan.{kind}")
    reading = docx_to_blocks(path)
    assert reading.kind == kind
    assert reading.blocks == docx_to_blocks(CONSTRUCTS).blocks
    assert file_to_blocks(path)[1] == file_to_blocks(CONSTRUCTS)[1]


def test_strict_ooxml_reads_like_transitional(tmp_path):
    strict = b"http://purl.oclc.org/ooxml/wordprocessingml/main"
    path = rewrite(CONSTRUCTS, lambda name, data: data.replace(W.encode(), strict) if name.endswith(".xml")
                   else data, tmp_path / "strict.docx")
    assert docx_to_blocks(path).blocks == docx_to_blocks(CONSTRUCTS).blocks


def test_line_breaks_and_the_first_page_header(tmp_path):
    document = docx.Document()
    document.sections[0].different_first_page_header_footer = True
    document.sections[0].first_page_header.paragraphs[0].text = "Ministry of Justice"
    document.sections[0].header.paragraphs[0].text = "Action Plan 2024"
    table = document.add_table(rows=1, cols=1)
    run = table.cell(0, 0).paragraphs[0].add_run("Ministry of Justice")
    run.add_break()
    run.add_text("  Ministry of Health ")
    path = tmp_path / "breaks.docx"
    document.save(str(path))
    blocks = docx_to_blocks(path).blocks
    assert [(b.text, b.breaks, b.furniture, b.loc.part) for b in blocks] == [
        ("Ministry of Justice Ministry of Health", (19,), False, None),
        ("Action Plan 2024", (), True, "header"), ("Ministry of Justice", (), True, "header")]


def test_an_empty_numbered_paragraph_shows_its_number_and_symbols_their_characters(tmp_path):
    """Word shows "2." on an empty numbered paragraph and counts it; a Wingdings check mark is ✓."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    document = docx.Document()
    for text in ("Train officers.", "", "Open shelters."):
        document.add_paragraph(text, style="List Number")
    document.add_paragraph("Done ")._p.append(
        parse_xml(f'<w:r {nsdecls("w")}><w:sym w:font="Wingdings" w:char="F0FC"/></w:r>'))
    path = tmp_path / "numbered.docx"
    document.save(str(path))
    assert [b.text for b in docx_to_blocks(path).blocks] == [
        "1. Train officers.", "2.", "3. Open shelters.", "Done ✓"]


def test_constructs_plan_validates_against_the_schemas():
    import json

    from jsonschema import Draft202012Validator
    from lxml import etree

    from pipeline.export.xml import tree_to_xml

    from .conftest import ROOT

    plan = paths_to_plan([CONSTRUCTS], "constructs")
    tree = json.loads(json.dumps(plan.to_dict()))
    schema = json.loads((ROOT / "schemas" / "plan.schema.json").read_text(encoding="utf-8"))
    assert not list(Draft202012Validator(schema).iter_errors(tree))
    xml = etree.fromstring(b"".join(tree_to_xml(plan.to_dict())["plan.xml"]))
    assert etree.XMLSchema(etree.parse(str(ROOT / "schemas" / "plan.xsd"))).validate(xml)


STYLES = """<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
  <w:style w:type="paragraph" w:styleId="a1"><w:name w:val="Заголовок 2"/></w:style>
  <w:style w:type="paragraph" w:styleId="b1"><w:name w:val="Überschrift 3"/></w:style>
  <w:style w:type="paragraph" w:styleId="c1"><w:name w:val="TITLE"/></w:style>
  <w:style w:type="paragraph" w:styleId="d1"><w:name w:val="Heading text"/></w:style>
  <w:style w:type="paragraph" w:styleId="e1"><w:name w:val="Обычный"/></w:style>
</w:styles>"""


def test_heading_levels_from_the_style_names_of_the_lexicon():
    """Word names its heading styles in the language of its interface; the names are data
    (``common.toml`` ``[word_styles]``), the level is the digit after the name."""
    styles = Styles(etree.fromstring(STYLES))
    assert [styles.heading(sid) for sid in ("a1", "b1", "c1", "d1", "e1", None)] == [2, 3, 1, 0, 0, 0]
