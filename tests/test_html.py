"""HTML input: pages saved from legal portals, HTML written by LibreOffice and Word.

The pages in ``tests/fixtures/files`` are written by ``python -m tests.fixtures.html_pages``:
the reference plan's DOCX editions converted by LibreOffice and put inside pages built like
real portals' (site chrome, scripts, styles, headers and footers around the document), and a
small Russian plan table with merged cells in a Windows-1251 page.  Each must give the plan
its DOCX gives, with no portal text in any version.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from lxml import etree

from pipeline.build import paths_to_plan
from pipeline.extract import ExtractError, file_to_blocks
from pipeline.extract.html_page import decode_html, parse_html
from pipeline.extract.html import html_to_blocks, page_to_blocks
from pipeline.extract.sniff import sniff_format

from .conftest import NAP, ROOT
from .fixtures.html_pages import PORTAL_TEXTS
from .views import activity_view, squeeze, structure_view

FILES = Path(__file__).resolve().parent / "fixtures" / "files"
TABLE_PAGE, PARAGRAPH_PAGE = FILES / "nap-table.html", FILES / "nap-2020-2022.html"
RU_PAGE = FILES / "plan-ru-cp1251.html"
SCHEMA = json.loads((ROOT / "schemas" / "plan.schema.json").read_text(encoding="utf-8"))


def polyplan(*args):
    return subprocess.run([sys.executable, "-m", "pipeline", "extract", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)


@pytest.fixture(scope="module")
def plans():
    return {name: paths_to_plan([path], name) for name, path in (
        ("table-html", TABLE_PAGE), ("table-docx", FILES / "nap-table.docx"),
        ("paragraph-html", PARAGRAPH_PAGE), ("paragraph-docx", NAP["docx"]), ("ru-html", RU_PAGE))}


def version_texts(plan) -> list[str]:
    """Every string inside the plan's versions (front and back matter are outside them)."""
    def strings(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for item in value.values():
                yield from strings(item)
        elif isinstance(value, list):
            for item in value:
                yield from strings(item)
    return [text for text in strings(plan.to_dict()["versions"]) if text]


def test_table_page_gives_the_plan_of_its_docx(plans):
    html, docx = plans["table-html"], plans["table-docx"]
    assert [(v.lang, len(list(v.activities()))) for v in html.versions] == [("tk", 49), ("ru", 49), ("en", 49)]
    assert activity_view(html, labels=False) == activity_view(docx, labels=False)
    assert structure_view(html) == structure_view(docx)
    assert [(f.code, f.refs) for f in html.findings] == [(f.code, f.refs) for f in docx.findings]
    assert html.unparsed == ()
    assert html.coverage.source_chars == html.coverage.accounted_chars == 85466
    # the portal's title, status badge and "back to top" link are outside the versions, furniture is LibreOffice's
    assert [b.text for b in html.front_matter] == [
        "Об утверждении Национального плана действий Туркменистана по противодействию торговле людьми", "Новый"]
    assert html.back_matter == ()
    assert [b.text for b in html.furniture] == ["NAP 2020–2022", "19"]


def test_paragraph_page_gives_the_reference_plan(plans):
    html, docx = plans["paragraph-html"], plans["paragraph-docx"]
    assert activity_view(html) == activity_view(docx)  # field labels too: bold runs became <b>
    assert structure_view(html) == structure_view(docx)
    assert [(f.code, f.refs) for f in html.findings] == [(f.code, f.refs) for f in docx.findings]
    assert [b.text for b in html.front_matter] == [b.text for b in docx.front_matter]
    # the portal's footer, a copyright line without links, is read and left in the back matter
    assert [b.text for b in html.back_matter] == [b.text for b in docx.back_matter] + [
        "© Министерство юстиции Кыргызской Республики, 2024. Все права защищены."]
    # LibreOffice writes the first section's header only: the DOCX's three running heads are one here
    assert html.coverage.source_chars == html.coverage.accounted_chars == 94814
    assert [b.text for b in html.furniture] == ["NAP 2020–2022", "2"]


@pytest.mark.parametrize("name", ["table-html", "paragraph-html", "ru-html"])
def test_no_portal_text_in_any_version(plans, name):
    printed = version_texts(plans[name])
    joined = squeeze(" ".join(printed))
    for text in PORTAL_TEXTS:
        if len(text) >= 12:
            assert squeeze(text) not in joined, text
        else:  # a short word ("Печать") is chrome only as a block of its own
            assert text not in printed, text


def test_site_chrome_is_left_out_and_listed():
    reading = html_to_blocks(TABLE_PAGE)
    assert reading.encoding == "utf-8"
    assert [(loc.part, why) for loc, why in reading.skipped] == [
        ("/html/body/div[1]", "site chrome (not printed)"),
        ("/html/body/header", "site chrome (page header)"),
        ("/html/body/nav", "site chrome (navigation)"),
        ("/html/body/div[2]", "site chrome (class or id 'breadcrumbs')"),
        ("/html/body/div[4]", "site chrome (list of links)"),
        ("/html/body/div[6]", "site chrome (not printed)"),
        ("/html/body/footer", "site chrome (page footer)"),
        ("/html/body/a", "portal link")]  # "Наверх", a [boilerplate] line
    texts = " ".join(b.text for b in reading.blocks)
    for hidden in ("Мероприятие из скрипта", "cookie", "gtag", "ИПС «Әділет»"):  # script, hidden note, head
        assert hidden not in texts
    layout = html_to_blocks(PARAGRAPH_PAGE)  # an ASP.NET form around a layout table around the document
    assert [(loc.part, why) for loc, why in layout.skipped] == [
        ("/html/body/form/table/tr[1]/td", "site chrome (class or id 'header')"),
        ("/html/body/form/table/tr[2]/td[1]", "site chrome (list of links)"),
        ("/html/body/form/table/tr[2]/td[2]/div[1]", "site chrome (class or id 'orphus')"),
        ("/html/body/form/table/tr[2]/td[2]/div[2]", "site chrome (list of links)"),
        ("/html/body/form/table/tr[2]/td[2]/div[3]", "site chrome (list of links)")]
    assert {b.loc.table for b in layout.blocks} == {None}  # the layout table is no table of the plan


@pytest.mark.parametrize("page", [TABLE_PAGE, PARAGRAPH_PAGE, RU_PAGE])
def test_provenance_is_an_element_path_that_finds_the_text_again(page):
    reading = html_to_blocks(page)
    tree = parse_html(decode_html(page.read_bytes())[0])[0].getroottree()
    for block in reading.blocks:
        [element] = tree.xpath(block.loc.part)
        shown = squeeze(element.text_content())
        assert squeeze(block.text).lstrip("•◦▪") in shown or squeeze(block.text) in shown, block


def test_table_cells_keep_the_docx_places(plans):
    first = next(plans["table-html"].version("tk").activities())
    assert (first.source.table, first.source.row, first.source.cell) == (1, 2, 2)
    assert first.source.part == "/html/body/div[5]/article/table[1]/tbody/tr[1]/td[2]/p"
    assert [(f.field, f.source.row, f.source.cell) for f in first.fields] == [
        ("indicators", 2, 3), ("agencies", 2, 4), ("period", 2, 5)]
    docx_first = next(plans["table-docx"].version("tk").activities())
    assert (docx_first.source.table, docx_first.source.row, docx_first.source.cell) == (1, 2, 2)
    reference = next(plans["paragraph-html"].version("en").activities())
    assert reference.source.to_dict() == {
        "file": 0, "paragraph": 662, "part": "/html/body/form/table/tr[2]/td[2]/div[4]/p[628]"}


def test_merged_cells_land_on_their_grid_cells():
    reading = html_to_blocks(RU_PAGE)
    assert reading.encoding == "cp1251"
    cells = [(b.loc.row, b.loc.cell, b.span, b.text) for b in reading.blocks if b.loc.table == 1]
    assert cells[5:] == [
        (2, 1, 5, "1. Совершенствование законодательства"),
        (3, 1, 1, "1.1"),
        (3, 2, 1, "Разработать проект закона «О противодействии торговле людьми» в новой редакции"),
        (3, 3, 1, "Проект закона"),
        (3, 4, 1, "Министерство юстиции Министерство внутренних дел"),  # rowspan=2: read once
        (3, 5, 1, "IV квартал 2024 года"),
        (4, 1, 1, "1.2"),
        (4, 2, 1, "Внести изменения в Уголовный кодекс в части ответственности за торговлю людьми"),
        (4, 3, 1, "Проект закона"),
        (4, 5, 1, "I полугодие 2025 года"),  # column 4 is the merged cell above
        (5, 1, 5, "2. Профилактика и защита жертв"),
        (6, 1, 1, "2.1"),
        (6, 2, 1, "Провести информационную кампанию о рисках трудовой миграции"),
        (6, 3, 1, "Информация в Правительство"),
        (6, 4, 1, "Министерство внутренних дел"),
        (6, 5, 1, "2024–2025 годы"),  # rowspan=2
        (7, 1, 1, "2.2"),
        (7, 2, 1, "Обучить сотрудников органов внутренних дел выявлению жертв торговли людьми"),
        (7, 3, 1, "Число обученных сотрудников"),
        (7, 4, 1, "Генеральная прокуратура")]
    assert [b.breaks for b in reading.blocks if b.loc.row == 3 and b.loc.cell == 4] == [(20,)]  # <br>
    assert [b.text for b in reading.blocks if b.loc.table is None] == [
        "Документ из базы данных СНГ © 2003-2024 СоюзПравоИнформ", "Статус документа: действующий",
        "ПЛАН МЕРОПРИЯТИЙ ПО ПРОТИВОДЕЙСТВИЮ ТОРГОВЛЕ ЛЮДЬМИ НА 2024–2025 ГОДЫ",
        "Внимание! Документ показан в демо-режиме!", "Полный текст документа доступен после получения лицензии.",
        "Поисковая система СоюзПравоИнформ. Все права защищены."]


def test_windows_1251_page_gives_its_plan(plans):
    plan = plans["ru-html"]
    assert plan.sources[0].format == "html"
    [version] = plan.versions
    assert version.title == "ПЛАН МЕРОПРИЯТИЙ ПО ПРОТИВОДЕЙСТВИЮ ТОРГОВЛЕ ЛЮДЬМИ НА 2024–2025 ГОДЫ"
    assert [(s.number, s.title) for s in version.parts[0].sections] == [
        ("1", "Совершенствование законодательства"), ("2", "Профилактика и защита жертв")]
    assert [(a.number, a.period.raw if a.period else None) for a in version.activities()] == [
        ("1.1", "IV квартал 2024 года"), ("1.2", "I полугодие 2025 года"), ("2.1", "2024–2025 годы"),
        ("2.2", "2024–2025 годы")]  # a period cell merged down over 2.1 and 2.2 holds for both
    # a body cell merged down over 1.1 and 1.2, two bodies on two lines (<br>)
    assert [[g.name for g in a.agencies] for a in version.activities()] == [
        ["Министерство юстиции", "Министерство внутренних дел"], ["Министерство юстиции", "Министерство внутренних дел"],
        ["Министерство внутренних дел"], ["Генеральная прокуратура"]]
    assert [b.text for b in plan.front_matter] == [
        "Документ из базы данных СНГ © 2003-2024 СоюзПравоИнформ", "Статус документа: действующий"]
    assert [b.text for b in plan.back_matter] == [
        "Внимание! Документ показан в демо-режиме!", "Полный текст документа доступен после получения лицензии.",
        "Поисковая система СоюзПравоИнформ. Все права защищены."]
    assert plan.unparsed == () and plan.findings == ()
    assert plan.coverage.source_chars == plan.coverage.accounted_chars == 895


def test_the_command_reads_a_portal_page(tmp_path):
    run = polyplan(TABLE_PAGE, "--out", tmp_path, "--format", "json,xml")
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    summary = run.stdout.splitlines()[0]
    assert summary.startswith(f"{TABLE_PAGE}: nap-table-html: tk 49 activities, ru 49 activities, "
                              "en 49 activities; ") and summary.endswith("; coverage 85466/85466")
    data = json.loads((tmp_path / "nap-table-html" / "plan.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    assert data["sources"][0]["format"] == "html"
    schema = etree.XMLSchema(etree.parse(str(ROOT / "schemas" / "plan.xsd")))
    schema.assertValid(etree.parse(str(tmp_path / "nap-table-html" / "plan.xml")))


WORD_HTML = """<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"
xmlns:w="urn:schemas-microsoft-com:office:word" xmlns="http://www.w3.org/TR/REC-html40">
<head><meta http-equiv=Content-Type content="text/html; charset=windows-1251">
<meta name=Generator content="Microsoft Word 15 (filtered)">
<style><!-- p.MsoNormal {margin:0cm; font-size:12.0pt} .MsoChpDefault {font-size:10.0pt} --></style>
<!--[if gte mso 9]><xml><w:WordDocument><w:View>Print</w:View></w:WordDocument></xml><![endif]-->
</head>
<body lang=RU style='tab-interval:35.4pt'>
<div class=WordSection1>
<p class=MsoTitle>План мероприятий на 2024 год</p>
<h1>Раздел I. Профилактика</h1>
<p class=MsoNormal><b><span lang=RU>Мероприятия:</span></b><o:p></o:p></p>
<p class=MsoListParagraph style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span
style='mso-list:Ignore'>1.1.<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp;&nbsp; </span></span><![endif]>Провести
семинары для сотрудников полиции.</p>
<p class=MsoNormal><b>Ответственные:</b> Министерство внутренних дел.</p>
<p class=MsoNormal><b>Сроки исполнения:</b> II квартал 2024 года.</p>
<p class=MsoListParagraph style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span
style='mso-list:Ignore'>1.2.<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp;&nbsp; </span></span><![endif]>Издать
памятку для мигрантов.</p>
<p class=MsoNormal><b>Ответственные:</b> Министерство иностранных дел.</p>
<p class=MsoNormal><b>Сроки исполнения:</b> 2024 год.</p>
<p class=MsoNormal style='display:none;mso-hide:all'>Скрытая правка</p>
</div>
</body>
</html>
"""


def test_word_html_named_doc_is_read_as_html(tmp_path):
    page = tmp_path / "plan.doc"
    page.write_bytes(WORD_HTML.encode("cp1251"))
    run = polyplan(page, "--out", tmp_path / "out", "--format", "json")
    assert run.returncode == 0, run.stderr
    summary = run.stdout.splitlines()[0]
    assert summary.startswith(f"{page}: plan-doc: ru 2 activities; ") and summary.endswith("coverage 267/267")
    data = json.loads((tmp_path / "out" / "plan-doc" / "plan.json").read_text(encoding="utf-8"))
    assert data["sources"][0]["format"] == "html"
    [part] = data["versions"]["ru"]["parts"]
    activities = part["sections"][0]["activities"]
    assert [(a["number"], a["text"], [g["name"] for g in a["agencies"]], a["period"]["raw"]) for a in activities] == [
        ("1.1", "Провести семинары для сотрудников полиции.", ["Министерство внутренних дел"], "II квартал 2024 года."),
        ("1.2", "Издать памятку для мигрантов.", ["Министерство иностранных дел"], "2024 год.")]
    assert data["versions"]["ru"]["title"] == "План мероприятий на 2024 год"
    assert "Скрытая" not in json.dumps(data, ensure_ascii=False)


@pytest.mark.parametrize("name", ["plan.html", "plan.htm", "plan.doc", "plan.txt", "plan", "PLAN.HTML"])
def test_html_is_recognised_by_content_under_any_honest_name(tmp_path, name):
    page = tmp_path / name
    page.write_bytes(b"\xef\xbb\xbf\r\n  <html><body><p>Plan</p></body></html>")
    assert sniff_format(page) == "html"
    assert [b.text for b in file_to_blocks(page)[1]] == ["Plan"]


@pytest.mark.parametrize("name", ["plan.docx", "plan.pdf"])
def test_html_under_a_name_claiming_docx_or_pdf_is_refused(tmp_path, name):
    page = tmp_path / name
    page.write_bytes(b"<!DOCTYPE html><html><body><h1>Not Found</h1></body></html>")
    with pytest.raises(ExtractError, match=r"^named \.(docx|pdf) but holds HTML text: a failed download\?$"):
        file_to_blocks(page)


def blocks_of(markup: str) -> list[tuple]:
    return [(b.text, b.heading, b.bold, b.breaks, b.loc.table, b.loc.row, b.loc.cell, b.span)
            for b in page_to_blocks(markup.encode("utf-8")).blocks]


def test_lists_print_their_markers():
    assert [t for t, *_ in blocks_of(
        "<ol><li>one</li><li>two<ol type='a'><li>sub</li><li value='5'>five</li></ol></li></ol>"
        "<ol start='3' type='I'><li>three</li></ol><ol reversed><li>b</li><li>a</li></ol>"
        "<ul><li>dot<ul><li>ring<ul><li>box</li></ul></li></ul></li></ul>"
        "<ul style='list-style-type: none'><li>plain</li></ul><ol><li><p>in a paragraph</p></li><li></li></ol>")] == [
        "1. one", "2. two", "a. sub", "e. five", "III. three", "2. b", "1. a", "• dot", "◦ ring", "▪ box", "plain",
        "1. in a paragraph", "2."]


def test_headings_bold_and_line_breaks():
    assert blocks_of("<h3>Part I. Prevention</h3><p>\n  <strong>Aim:</strong> <b>to</b>prevent</p>"
                     "<p>Ministry of Justice<br>\nMinistry of Health<br></p><div>lead <p>inner</p> tail</div>"
                     "<pre>line one\nline two</pre>") == [
        ("Part I. Prevention", 3, "", (), None, None, None, 1),
        ("Aim: toprevent", 0, "Aim: to", (), None, None, None, 1),
        ("Ministry of Justice Ministry of Health", 0, "", (19,), None, None, None, 1),
        ("lead", 0, "", (), None, None, None, 1), ("inner", 0, "", (), None, None, None, 1),
        ("tail", 0, "", (), None, None, None, 1),
        ("line one line two", 0, "", (8,), None, None, None, 1)]


def test_nested_and_layout_tables():
    nested = ("<table><tr><th>No</th><th>Activity</th></tr>"
              "<tr><td>1.1</td><td>Train<table><tr><td>inner a</td><td>inner b</td></tr></table>after</td></tr>"
              "<tr><td>1.2</td><td>Publish the annual report of the working group</td></tr>"
              "<tr><td>1.3</td><td>Hold a round table with the civil society</td></tr></table>")
    assert blocks_of(nested)[:7] == [
        ("No", 0, "", (), 1, 1, 1, 1), ("Activity", 0, "", (), 1, 1, 2, 1), ("1.1", 0, "", (), 1, 2, 1, 1),
        ("Train", 0, "", (), 1, 2, 2, 1), ("inner a", 0, "", (), 1, 2, 2, 1), ("inner b", 0, "", (), 1, 2, 2, 1),
        ("after", 0, "", (), 1, 2, 2, 1)]
    layout = ("<table><tr><td class='menu'><a href='/a'>Home</a> <a href='/b'>Laws</a> <a href='/c'>Help</a></td>"
              "<td><h2>Plan</h2>" + nested + "</td></tr></table>")
    assert [(t, table, row, cell) for t, _h, _b, _br, table, row, cell, _s in blocks_of(layout)][:4] == [
        ("Plan", None, None, None), ("No", 1, 1, 1), ("Activity", 1, 1, 2), ("1.1", 1, 2, 1)]


def test_hidden_and_unprinted_elements_are_not_read():
    markup = ("<html><head><style>.gone {display: none} @media print {.tools {display:none}}</style></head><body>"
              "<p class='gone'>a</p><p hidden>b</p><p style='visibility: hidden'>c</p><p aria-hidden='true'>d</p>"
              "<div class='tools'>e</div><p>kept</p><noscript>f</noscript><template><p>g</p></template>"
              "<form><label>h</label><input value='i'><select><option>j</option></select></form></body></html>")
    reading = page_to_blocks(markup.encode("utf-8"))
    assert [b.text for b in reading.blocks] == ["kept"]
    assert [why for _loc, why in reading.skipped] == ["site chrome (not printed)", "site chrome (form)"]


def test_control_characters_are_removed_and_recorded():
    reading = page_to_blocks("<p>Plan&#x1B;[0m 2024\x07</p><p>a\x00b&#0;c</p>".encode("utf-8"))
    assert [b.text for b in reading.blocks] == ["Plan[0m 2024", "abc"]
    assert [(loc.paragraph, codes) for loc, codes in reading.removed] == [(1, (27, 7)), (2, (0, 0))]


def test_nesting_beyond_the_parser_limit_is_reported():
    shallow = page_to_blocks(b"<div>" * 250 + b"deep" + b"</div>" * 250)
    assert ([b.text for b in shallow.blocks], shallow.skipped) == (["deep"], ())
    deep = page_to_blocks(b"<p>kept</p>" + b"<div>" * 300 + b"lost" + b"</div>" * 300)
    assert [b.text for b in deep.blocks] == ["kept"]
    [(loc, why)] = deep.skipped
    assert loc.part.count("/div") == 254
    assert why == "elements nested more than 255 deep: the parser dropped what lay deeper"


@pytest.mark.parametrize("data, encoding", [
    ("\ufeff<p>План</p>".encode("utf-16-le"), "utf-16-le"),
    ("<p>План</p>".encode("utf-8-sig"), "utf-8-sig"),
    ('<meta charset="koi8-r"><p>План мероприятий</p>'.encode("koi8-r"), "koi8-r"),
    ('<?xml version="1.0" encoding="windows-1251"?><html><p>План</p></html>'.encode("cp1251"), "cp1251"),
    ('<meta charset="windows-1251"><p>План</p>'.encode("utf-8"), "utf-8"),  # a stale declaration
    ("<p>План мероприятий по противодействию торговле людьми на 2024 год</p>".encode("cp1251"), "cp1251"),
])
def test_encoding_from_bom_declaration_or_detection(data, encoding):
    reading = page_to_blocks(data)
    assert reading.encoding == encoding
    assert reading.blocks[0].text.startswith("План")


def test_chrome_by_name_only_when_it_links_elsewhere():
    reading = page_to_blocks("<div class='doc-header'><h1>План мероприятий</h1></div>"
                             "<div class='site-header'><a href='/'>Портал</a></div><p>Текст</p>".encode("utf-8"))
    assert [b.text for b in reading.blocks] == ["План мероприятий", "Текст"]
    assert [(loc.part, why) for loc, why in reading.skipped] == [
        ("/html/body/div[2]", "site chrome (class or id 'header')")]
