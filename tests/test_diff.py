"""``polyplan diff``: editions matched across renumbering, moves, rewording, splits and merges.

Edition pairs come from ``tests/fixtures/editions.py``: the reference plan with one change of
every kind in each language (as text, and as DOCX from the reference DOCX), and the real
plans of ``../shared/realplans/`` edited in each version; every row that is not ``same`` is
asserted, and every other one is ``same``.
"""
from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest

from pipeline.build import paths_to_plan
from pipeline.diff import ASPECTS, plans_to_diff, word_diff
from pipeline.diff_match import Node, heaviest_chain, match
from pipeline.export_diff import diff_to_files
from pipeline.plan_io import PlanJsonError, tree_to_plan

from .conftest import NAP, ROOT
from .fixtures import editions

SCHEMA = json.loads((ROOT / "schemas" / "diff.schema.json").read_text(encoding="utf-8"))
REALPLANS = ROOT.parent / "shared" / "realplans"


def polyplan(*args):
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def rows(diff, lang: str) -> list[tuple]:
    """The rows of one language that are not ``same``, as editions.EXPECTED lists them."""
    return [(c.kind, c.old.number if c.old else None, c.new.number if c.new else None, c.status, list(c.changed),
             c.relation["kind"] if c.relation else None) for c in diff.changes if c.lang == lang and c.status != "same"]


@pytest.fixture(scope="module")
def next_txt(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("editions") / "nap-2023-2025.txt"
    path.write_text(editions.next_edition(editions.REFERENCE.read_text(encoding="utf-8")), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def next_plan(next_txt):
    return paths_to_plan([next_txt], "nap-2023-2025-txt")


@pytest.fixture(scope="module")
def diff(nap_plans, next_plan):
    return plans_to_diff(nap_plans["txt"], next_plan)


# --- the reference plan and its next edition ---------------------------------------------------

def test_the_generator_writes_the_reference_back_unchanged():
    text = editions.REFERENCE.read_text(encoding="utf-8")
    assert editions.read(text).text() == text


@pytest.mark.parametrize("old, new", [("txt", "pdf"), ("txt", "docx"), ("pdf", "docx")])
def test_one_edition_in_two_formats_is_all_same(nap_plans, old, new):
    diff = plans_to_diff(nap_plans[old], nap_plans[new])
    assert {c.status for c in diff.changes} == {"same"}
    assert diff.summary()["by_lang"]["ru"] == {"part": {"same": 5, "changed": 0, "added": 0, "removed": 0},
                                                "section": {"same": 12, "changed": 0, "added": 0, "removed": 0},
                                                "activity": {"same": 49, "changed": 0, "added": 0, "removed": 0}}


@pytest.mark.parametrize("lang", editions.LANGS)
def test_every_change_of_the_next_edition_is_reported_exactly(diff, lang):
    assert rows(diff, lang) == editions.EXPECTED[lang]
    counts = diff.summary()["by_lang"][lang]
    assert counts["activity"] == {"same": 34, "changed": 15, "added": 2, "removed": 1}
    assert counts["section"] == {"same": 11, "changed": 1, "added": 1, "removed": 0}
    assert counts["part"] == {"same": 5, "changed": 0, "added": 0, "removed": 0}


def test_the_pdf_against_the_edited_text_gives_the_same_rows(nap_plans, next_plan, diff):
    across = plans_to_diff(nap_plans["pdf"], next_plan)
    assert [rows(across, lang) for lang in editions.LANGS] == [rows(diff, lang) for lang in editions.LANGS]


def test_the_edited_docx_gives_the_same_rows(nap_plans, tmp_path):
    edited = tmp_path / "nap-2023-2025.docx"
    editions.next_edition_docx(NAP["docx"], edited)
    result = plans_to_diff(nap_plans["docx"], paths_to_plan([edited], "next-docx"))
    for lang in editions.LANGS:
        assert rows(result, lang) == editions.EXPECTED[lang]


def _row(diff, lang, kind, old, new):
    return next(c for c in diff.changes if (c.lang, c.kind) == (lang, kind)
                and (c.old.number if c.old else None, c.new.number if c.new else None) == (old, new))


def test_evidence_holds_old_and_new_values(diff):
    reworded = _row(diff, "en", "activity", "2.1.3", "2.1.3")
    assert reworded.evidence["text"]["diff"] == [
        ["=", "Conducting training "], ["-", "activities"], ["+", "workshops"], ["=", " for "],
        ["-", "Mass Media representatives"], ["+", "journalists and bloggers"], ["=", " on human trafficking issues."]]
    assert 0.45 < reworded.score < 0.55  # the text similarity; the same number made it a pair
    redated = _row(diff, "en", "activity", "4.1.2", "4.1.2").evidence["period"]
    assert redated == {"old": {"raw": "2020-2022", "start": 2020, "end": 2022, "kind": "range"},
                       "new": {"raw": "2023", "start": 2023, "end": 2023, "kind": "single"}}
    bodies = _row(diff, "ru", "activity", "4.2.1", "4.2.1").evidence["agencies"]
    assert bodies["old"] == [{"name": "Рабочая группа", "id": "working-group"}]
    assert [a["name"] for a in bodies["new"]] == ["Министерство юстиции Туркменистана", "Верховный суд Туркменистана"]
    moved = _row(diff, "tk", "activity", "3.1.4", "3.2.4")
    assert moved.evidence["section"] == {"old": {"id": "tk-sec-3-1", "number": "3.1"},
                                         "new": {"id": "tk-sec-3-2", "number": "3.2"}}
    assert moved.evidence["number"] == {"old": "3.1.4", "new": "3.2.4"}
    assert _row(diff, "en", "activity", "1.3.2", "1.3.2").evidence == {
        "order": {"old": {"position": 2}, "new": {"position": 6}}}
    assert _row(diff, "en", "section", "2.2", "2.3").evidence == {"number": {"old": "2.2", "new": "2.3"}}


def test_splits_and_merges_name_both_sides(diff):
    split = [c for c in diff.changes if c.lang == "ru" and c.relation and c.relation["kind"] == "split"]
    assert [c.relation for c in split] == [{
        "kind": "split", "old": [{"id": "ru-sec-1-2-act-1-2-2", "number": "1.2.2"}],
        "new": [{"id": "ru-sec-1-2-act-1-2-2", "number": "1.2.2"}, {"id": "ru-sec-1-2-act-1-2-3", "number": "1.2.3"}]}] * 2
    merge = [c for c in diff.changes if c.lang == "en" and c.relation and c.relation["kind"] == "merge"]
    assert [(c.old.number, c.new.number) for c in merge] == [("5.1.5", "5.1.5"), ("5.1.6", "5.1.5")]
    assert diff.summary()["splits"] == diff.summary()["merges"] == 3


def test_untouched_rows_are_same_and_every_element_is_in_one_row(diff, nap_plans, next_plan):
    for plan, side in ((nap_plans["txt"], "old"), (next_plan, "new")):
        for version in plan.versions:
            ids = sorted(getattr(c, side).id for c in diff.changes if c.lang == version.lang and getattr(c, side)
                         and c.kind == "activity" and not c.relation)
            grouped = {getattr(c, side).id for c in diff.changes if c.lang == version.lang and c.relation}
            assert sorted(set(ids) | grouped) == sorted(a.id for a in version.activities())
            assert len(ids) == len(set(ids))
    same = [c for c in diff.changes if c.status == "same"]
    assert len(same) == 150 and all(not c.changed and not c.evidence for c in same)


# --- matching on its own -----------------------------------------------------------------------

def test_heaviest_chain_is_a_weighted_common_subsequence():
    assert heaviest_chain([]) == []
    assert heaviest_chain([(0, 2, 1.0), (1, 0, 1.0), (2, 1, 1.0)]) == [1, 2]
    assert heaviest_chain([(0, 2, 5.0), (1, 0, 1.0), (2, 1, 1.0)]) == [0]


def _nodes(texts):
    return [Node(f"n{k}", str(k + 1), text) for k, text in enumerate(texts)]


def test_an_activity_moved_far_is_one_pair():
    texts = [f"Activity about topic {word} with its own distinct wording {word}" for word in
             ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet")]
    moved = texts[1:9] + [texts[0]] + texts[9:]
    result = match(_nodes(texts), _nodes(moved))
    assert result.pairs[0][0] == 8 and result.moved == {0}
    assert {i: j for i, (j, _s) in result.pairs.items()} == {0: 8, **{i: i - 1 for i in range(1, 9)}, 9: 9}


def test_word_diff_ignores_whitespace_runs():
    assert word_diff("a  b\nc", "a b c") == [["=", "a b c"]]
    assert word_diff("", "new words") == [["+", "new words"]]


def test_a_plan_moved_within_a_section_by_swap_reports_one_row(nap_plans):
    plan = nap_plans["txt"]
    version = plan.version("en")
    part = version.parts[0]
    section = part.sections[0]
    acts = section.activities
    swapped = replace(section, activities=(acts[1], acts[0], *acts[2:]))
    new = replace(plan, versions=(replace(version, parts=(replace(part, sections=(swapped, *part.sections[1:])),
                                                           *version.parts[1:])),))
    diff = plans_to_diff(plan, new)
    assert rows(diff, "en") == [("activity", "1.1.1", "1.1.1", "changed", ["order"], None)]
    assert diff.summary()["languages"] == {"compared": ["en"], "old_only": ["tk", "ru"], "new_only": []}


# --- real plans --------------------------------------------------------------------------------

REAL = sorted(p.name for p in REALPLANS.glob("*.*") if p.suffix in (".pdf", ".docx")) if REALPLANS.is_dir() else []


@pytest.mark.slow  # every real plan read twice
@pytest.mark.skipif(not REALPLANS.is_dir(), reason=f"{REALPLANS} is absent (it is not part of the repository)")
@pytest.mark.parametrize("name", REAL)
def test_real_plans_edited_in_every_version(name):
    plan = paths_to_plan([REALPLANS / name], name)
    edited, expected = editions.edited_plan(plan)
    diff = plans_to_diff(plan, edited)
    for version in plan.versions:
        assert sorted(rows(diff, version.lang), key=repr) == expected[version.lang]
        counts = diff.summary()["by_lang"][version.lang]["activity"]
        total = sum(1 for _ in version.activities())
        assert counts == {"same": total - 5, "changed": 4, "added": 1, "removed": 1}


# --- plan.json read back -----------------------------------------------------------------------

def test_plan_json_reads_back_into_the_model(nap):
    tree = json.loads(json.dumps(nap.to_dict()))
    assert tree_to_plan(tree).to_dict() == tree


def test_a_file_that_is_no_plan_json_is_refused():
    with pytest.raises(PlanJsonError, match="not a polyplan.plan/1 plan.json"):
        tree_to_plan({"schema": "polyplan.diff/1"})
    with pytest.raises(PlanJsonError, match="malformed"):
        tree_to_plan({"schema": "polyplan.plan/1", "name": "x", "versions": {"en": {"title": None}}})


# --- files and the command ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def written(diff, tmp_path_factory):
    out = tmp_path_factory.mktemp("diff")
    diff_to_files(diff.to_dict(), out)
    return out


def test_diff_json_validates_and_holds_every_row(written, diff):
    tree = json.loads((written / "diff.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(SCHEMA).validate(tree)
    assert tree["schema"] == "polyplan.diff/1" and len(tree["changes"]) == 210
    assert tree["old"]["name"] == "nap-txt" and tree["new"]["languages"] == ["tk", "ru", "en"]
    assert tree["summary"]["status"] == {"same": 150, "changed": 48, "added": 9, "removed": 3}
    assert tree["summary"]["aspects"] == dict(zip(ASPECTS, (30, 15, 3, 3, 4, 3, 3)))


def test_diff_csv_has_a_bom_and_one_row_per_change(written):
    raw = (written / "diff.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(table) == 210
    row = next(r for r in table if r["lang"] == "en" and r["old_number"] == "3.1.4")
    assert (row["status"], row["changed"], row["new_number"], row["old_parent"], row["new_parent"]) == (
        "changed", "number section", "3.2.4", "3.1", "3.2")
    assert next(r for r in table if r["lang"] == "tk" and r["status"] == "removed")["old_number"] == "4.3.2"


def test_command_writes_the_three_files_and_prints_the_changes(next_txt, tmp_path):
    result = polyplan("diff", NAP["pdf"], next_txt, "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["diff.csv", "diff.html", "diff.json"]
    lines = result.stdout.splitlines()
    assert lines[0] == "tk: activities 34 same, 15 changed, 2 added, 1 removed; sections 11 same, 1 changed, 1 added; parts 5 same"
    assert "  changed activity [en] 3.1.4 → 3.2.4: number, section" in lines
    assert "  changed activity [ru] 5.2.3 → 5.2.2: number, text, indicators (merge)" in lines
    assert len(lines) == 3 + 3 * 20


def test_plan_json_and_extract_folders_are_editions_too(next_txt, tmp_path):
    extracted = polyplan("extract", NAP["txt"], next_txt, "--out", tmp_path / "x", "--format", "json")
    assert extracted.returncode == 0, extracted.stderr
    result = polyplan("diff", tmp_path / "x" / "nap-2020-2022-txt" / "plan.json", tmp_path / "x" / "nap-2023-2025-txt",
                      "--out", tmp_path / "d", "--format", "json")
    assert result.returncode == 0, result.stderr
    tree = json.loads((tmp_path / "d" / "diff.json").read_text(encoding="utf-8"))
    assert (tree["old"]["name"], tree["new"]["name"]) == ("nap-2020-2022-txt", "nap-2023-2025-txt")
    assert tree["summary"]["status"] == {"same": 150, "changed": 48, "added": 9, "removed": 3}
    assert sorted(p.name for p in (tmp_path / "d").iterdir()) == ["diff.json"]


@pytest.mark.slow  # a polyplan process per status
@pytest.mark.parametrize("fail_on, code", [("removed", 1), ("added,changed", 1), ("changed", 1)])
def test_fail_on_statuses(next_txt, tmp_path, fail_on, code):
    result = polyplan("diff", NAP["txt"], next_txt, "--out", tmp_path, "--fail-on", fail_on, "--format", "csv")
    assert result.returncode == code
    same = polyplan("diff", NAP["txt"], NAP["docx"], "--out", tmp_path, "--fail-on", "changed,added,removed")
    assert (same.returncode, same.stderr) == (0, "")


def test_bad_inputs_and_usage(tmp_path):
    missing = polyplan("diff", NAP["txt"], tmp_path / "none.pdf", "--out", tmp_path / "out")
    assert (missing.returncode, missing.stderr) == (3, f"polyplan: error: {tmp_path / 'none.pdf'}: no such file or folder\n")
    bad = polyplan("diff", NAP["txt"], NAP["txt"], "--out", tmp_path, "--fail-on", "same")
    assert bad.returncode == 2
    assert bad.stderr == "polyplan: error: argument --fail-on: unknown status same; choose from changed, added, removed\n"
    (tmp_path / "file").write_text("x")
    into_file = polyplan("diff", NAP["txt"], NAP["txt"], "--out", tmp_path / "file")
    assert (into_file.returncode, into_file.stderr) == (2, f"polyplan: error: --out {tmp_path / 'file'}: is a file, not a folder\n")


# --- the page in a real browser ----------------------------------------------------------------

def _browser():
    from selenium import webdriver
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and driver):
        pytest.skip("the diff-page test needs Debian's chromium and chromium-driver (make test installs them)")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1366,900",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"):
        options.add_argument(arg)
    return webdriver.Chrome(service=webdriver.ChromeService(executable_path=driver), options=options)


def _shown(browser) -> list[tuple[str, str, str]]:
    return [tuple(row) for row in browser.execute_script(
        "return Array.from(document.querySelectorAll('table.diff tbody tr'))"
        ".filter(r => getComputedStyle(r).display !== 'none')"
        ".map(r => [r.closest('table').dataset.lang, r.dataset.status, r.dataset.aspects]);")]


@pytest.mark.slow  # headless Chromium
def test_diff_page_filters_and_highlights(written, tmp_path):
    from PIL import Image
    from selenium.webdriver.common.by import By
    browser = _browser()
    try:
        browser.get((written / "diff.html").as_uri())
        assert len(_shown(browser)) == 210
        counts = {(r.find_element(By.XPATH, "td[1]").text, r.find_element(By.XPATH, "td[2]").text):
                  [c.text for c in r.find_elements(By.XPATH, "td[position() > 2]")]
                  for r in browser.find_elements(By.CSS_SELECTOR, "#counts tbody tr")}
        assert counts[("en", "activity")] == ["34", "15", "2", "1"]
        browser.find_element(By.CSS_SELECTOR, "button[data-filter='status'][data-value='removed']").click()
        assert _shown(browser) == [("tk", "removed", ""), ("ru", "removed", ""), ("en", "removed", "")]
        assert browser.find_element(By.ID, "shown").text == "3"
        browser.find_element(By.CSS_SELECTOR, "button[data-filter='status'][data-value='']").click()
        browser.find_element(By.CSS_SELECTOR, "button[data-filter='aspect'][data-value='section']").click()
        assert _shown(browser) == [(lang, "changed", "number section") for lang in editions.LANGS]
        browser.find_element(By.CSS_SELECTOR, "button[data-filter='status'][data-value='same']").click()
        assert _shown(browser) == []
        browser.find_element(By.CSS_SELECTOR, "button[data-filter='aspect'][data-value='']").click()
        assert len(_shown(browser)) == 150
        browser.find_element(By.CSS_SELECTOR, "button[data-filter='aspect'][data-value='text']").click()
        browser.find_element(By.CSS_SELECTOR, "button[data-filter='status'][data-value='changed']").click()
        assert len(_shown(browser)) == 15
        old = browser.find_element(By.ID, "old-en-en-sec-2-1-act-2-1-3")
        new = browser.find_element(By.ID, "new-en-en-sec-2-1-act-2-1-3")
        assert [e.text for e in old.find_elements(By.TAG_NAME, "del")] == ["activities", "Mass Media representatives"]
        assert [e.text for e in new.find_elements(By.TAG_NAME, "ins")] == ["workshops", "journalists and bloggers"]
        assert browser.execute_script("return document.querySelectorAll('script[src], link[href], img').length") == 0
        shot = tmp_path / "diff.png"
        browser.save_screenshot(str(shot))
    finally:
        browser.quit()
    image = Image.open(shot).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20)
    assert image.size[0] >= 1000 and colours and len(colours) > 50


def test_the_command_names_the_formats_there_are():
    from pipeline.cli_editions import DIFF_FORMATS
    from pipeline.export_diff import FORMATS
    assert DIFF_FORMATS == tuple(FORMATS)


def test_a_reworded_activity_renumbered_by_an_insertion_before_it_is_one_row(nap_plans, next_plan):
    """en 2.1.3 as the next edition rewords it, printed as 2.1.4 after a new 2.1.3."""
    plan = nap_plans["txt"]
    version = plan.version("en")
    reworded = next(a for a in next_plan.version("en").activities() if a.number == "2.1.3")
    part = version.parts[1]
    section = part.sections[0]
    inserted = replace(section.activities[2], id="en-new", text=editions.ADDED_TEXT)
    moved_on = replace(reworded, id="en-moved-on", number="2.1.4", marker="2.1.4")
    edited = replace(section, activities=(*section.activities[:2], inserted, moved_on))
    new_version = replace(version, parts=(version.parts[0], replace(part, sections=(edited, *part.sections[1:])),
                                          *version.parts[2:]))
    diff = plans_to_diff(plan, replace(plan, versions=(new_version,)))
    assert rows(diff, "en") == [("activity", None, "2.1.3", "added", [], None),
                                ("activity", "2.1.3", "2.1.4", "changed", ["number", "text"], None)]


def _renumber_section_43(doc, lang):
    section = doc.section(lang, "4.3")
    section.head[0] = section.head[0].replace("4.3", "4.4", 1)
    section.acts = [editions.renumber(a, "4.4." + editions.number_of(a).split(".")[2]) for a in section.acts]


def _swap_sections_32_33(doc, lang):
    part = doc.versions[lang][2]
    part.sections[1], part.sections[2] = part.sections[2], part.sections[1]


def _move_113_to_part_5(doc, lang):
    moved = doc.section(lang, "1.1").acts.pop(2)
    doc.section(lang, "5.1").acts.append(editions.renumber(moved, "5.1.8"))


def _merge_three(doc, lang):
    section = doc.section(lang, "1.3")
    a, b, c = section.acts[0:3]
    text = editions.merge_text(editions.merge_text(editions.text_of(a), editions.text_of(b)), editions.text_of(c))
    section.acts[0:3] = [editions.with_text(a, text)]


@pytest.mark.parametrize("edit, expected", [
    (_renumber_section_43, [("section", "4.3", "4.4", "changed", ["number"], None),
                            ("activity", "4.3.1", "4.4.1", "changed", ["number"], None),
                            ("activity", "4.3.2", "4.4.2", "changed", ["number"], None)]),
    (_swap_sections_32_33, [("section", "3.2", "3.2", "changed", ["order"], None)]),
    (_move_113_to_part_5, [("activity", "1.1.3", "5.1.8", "changed", ["number", "section"], None)]),
    (_merge_three, [("activity", "1.3.1", "1.3.1", "changed", ["text"], "merge"),
                    ("activity", "1.3.2", "1.3.1", "changed", ["number", "text", "indicators", "period"], "merge"),
                    ("activity", "1.3.3", "1.3.1", "changed", ["number", "text", "indicators", "agencies", "period"],
                     "merge")]),
], ids=["section-renumbered", "sections-swapped", "moved-to-another-part", "three-merged"])
def test_more_kinds_of_change(nap_plans, tmp_path, edit, expected):
    doc = editions.read(editions.REFERENCE.read_text(encoding="utf-8"))
    for lang in editions.LANGS:
        edit(doc, lang)
    (tmp_path / "next.txt").write_text(doc.text(), encoding="utf-8")
    diff = plans_to_diff(nap_plans["txt"], paths_to_plan([tmp_path / "next.txt"], "next"))
    assert rows(diff, "en") == expected


def test_the_diff_schema_ships_with_the_package():
    from importlib.resources import files
    assert files("pipeline.schemas").joinpath("diff.schema.json").read_bytes() == (
        ROOT / "schemas" / "diff.schema.json").read_bytes()
