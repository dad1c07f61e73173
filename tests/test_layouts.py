"""Layouts plans arrive in: tables, one file per language, Word numbering, hyphenated PDF.

The fixtures in ``tests/fixtures/files`` are the reference plan re-laid out by
``python -m tests.fixtures.build`` (DOCX by python-docx, PDF printed by LibreOffice).
Each must give exactly the activities, numbers, fields and structure of the
paragraph-layout reference (``sources/nap-2020-2022.txt``).
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pdfplumber
import pytest

from pipeline.build import paths_to_plan
from pipeline.extract import ExtractError, Limits, file_to_blocks

from .conftest import NAP, ROOT
from .views import activity_view, structure_view

FILES = Path(__file__).resolve().parent / "fixtures" / "files"
BY_LANGUAGE = FILES / "nap-by-language"


@pytest.fixture(scope="module")
def reference(nap_plans):
    return nap_plans["txt"]


@pytest.fixture(scope="module", params=["docx", "pdf"])
def table_plan(request):
    return paths_to_plan([FILES / f"nap-table.{request.param}"], f"nap-table-{request.param}")


def test_table_layout_gives_the_reference_plan(table_plan, reference):
    # In a table the column header is the label, so field labels are not compared.
    assert activity_view(table_plan, labels=False) == activity_view(reference, labels=False)
    assert structure_view(table_plan) == structure_view(reference)
    assert [a.number for a in table_plan.version("tk").activities()][19:21] == ["2.2.1", "2.2.1"]
    assert table_plan.unparsed == ()
    assert table_plan.coverage.source_chars == table_plan.coverage.accounted_chars


def test_table_header_cells_are_labels_mapped_to_fields(table_plan):
    ru_part = table_plan.version("ru").parts[0]  # ru: one table per part, headings as merged rows
    assert [(l.field, l.text) for l in ru_part.labels][:5] == [
        ("number", "№ п/п"), ("activity", "Наименование мероприятия"), ("indicators", "Форма завершения"),
        ("agencies", "Ответственные исполнители"), ("period", "Сроки исполнения")]
    en_section = table_plan.version("en").parts[0].sections[0]
    assert [l.field for l in en_section.labels][:5] == ["needs", "aims", "objectives", "number", "activity"]


def test_docx_table_provenance_is_table_row_cell():
    plan = paths_to_plan([FILES / "nap-table.docx"], "t")
    first = next(plan.version("tk").activities())
    assert (first.source.table, first.source.row, first.source.cell) == (1, 2, 2)
    assert [(f.field, f.source.row, f.source.cell) for f in first.fields] == [
        ("indicators", 2, 3), ("agencies", 2, 4), ("period", 2, 5)]
    assert first.extent == ()  # no page geometry in a DOCX


def test_pdf_table_rows_broken_across_pages_are_joined():
    plan = paths_to_plan([FILES / "nap-table.pdf"], "t")
    assert (plan.sources[0].pages, len(plan.furniture)) == (81, 162)
    spanning = {v.lang: [a.id for a in v.activities() if len({loc.page for loc in a.extent}) > 1]
                for v in plan.versions}
    assert {lang: len(ids) for lang, ids in spanning.items()} == {"tk": 20, "ru": 10, "en": 13}
    act = next(a for a in plan.version("en").activities() if a.id == "en-sec-1-1-act-1-1-2")
    assert [loc.page for loc in act.extent] == [58, 59]
    # the number cell, the text and the fields all lie inside the extent of the first page
    x0, top, x1, bottom = act.extent[0].bbox
    for loc in (act.source, *(f.source for f in act.fields)):
        if loc.page == act.extent[0].page:
            assert x0 <= loc.bbox[0] and loc.bbox[2] <= x1 and top <= loc.bbox[1] and loc.bbox[3] <= bottom
    assert x0 < act.source.bbox[0]  # the number cell lies left of the text cell


def test_one_plan_from_one_file_per_language_detects_each_language(reference):
    files = sorted(BY_LANGUAGE.iterdir())
    assert [f.name for f in files] == ["plan-1.docx", "plan-2.docx", "plan-3.pdf"]  # names say nothing
    plan = paths_to_plan(files, "nap-by-language")
    assert plan.languages == ("en", "tk", "ru")
    assert [sorted({a.source.file for a in v.activities()}) for v in plan.versions] == [[0], [1], [2]]
    assert activity_view(plan, ("en", "ru")) == activity_view(reference, ("en", "ru"))
    assert activity_view(plan, ("tk",), labels=False) == activity_view(reference, ("tk",), labels=False)
    assert structure_view(plan) == structure_view(reference)
    assert (plan.front_matter, plan.back_matter, plan.unparsed) == ((), (), ())
    assert plan.coverage.source_chars == plan.coverage.accounted_chars


def test_cli_folder_is_one_plan(tmp_path):
    run = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(BY_LANGUAGE), "--out", str(tmp_path)],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_batch.json", "nap-by-language"]


def test_word_automatic_numbering_is_the_printed_number(reference):
    plan = paths_to_plan([FILES / "nap-en-autonumbered.docx"], "auto")
    en = plan.version("en")
    assert [p.heading for p in en.parts] == ["Part I: GENERAL MEASURES", "Part II: PREVENTION"]
    assert [s.number for p in en.parts for s in p.sections] == ["1.1", "1.2", "1.3", "2.1", "2.2"]
    expected = [row for row in activity_view(reference, ("en",)) if row[1][0] in "12"]
    assert len(expected) == 22
    # The markers are what Word's lvlText "%1.%2.%3." prints; the rest is as in the reference.
    got = activity_view(plan, ("en",))
    assert [row[2] for row in got] == [row[1] + "." for row in expected]
    assert [row[:2] + row[3:] for row in got] == [row[:2] + row[3:] for row in expected]
    assert plan.coverage.source_chars == plan.coverage.accounted_chars


def test_typeset_pdf_with_hyphenation_and_running_heads(reference):
    path = FILES / "nap-en-hyphenated.pdf"
    with pdfplumber.open(path) as pdf:
        hyphenated = sum(1 for page in pdf.pages for line in page.extract_text_lines() if line["text"].endswith("-"))
    assert hyphenated == 19  # words broken at a line end by the typesetter
    plan = paths_to_plan([path], "hyphenated")
    assert activity_view(plan, ("en",)) == activity_view(reference, ("en",))
    assert (plan.sources[0].pages, len(plan.furniture)) == (20, 40)
    assert {f.text for f in plan.furniture if not f.text.isdigit()} == {"Action Plan 2020–2022"}
    assert sorted(int(f.text) for f in plan.furniture if f.text.isdigit()) == list(range(1, 21))


def test_soft_hyphens_in_docx_are_removed(reference):
    plan = paths_to_plan([FILES / "nap-en-hyphenated.docx"], "soft")
    assert activity_view(plan, ("en",)) == activity_view(reference, ("en",))
    assert not any("\u00ad" in a.text for a in plan.version("en").activities())


def test_scanned_pdf_needs_ocr(tmp_path):  # without OCR (--ocr never); tests/test_ocr.py reads scans
    with pytest.raises(ExtractError, match=r"^PDF has no text layer \(scanned images\?\): it needs OCR first$"):
        file_to_blocks(FILES / "scanned.pdf", limits=Limits(ocr="never"))
    run = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(FILES / "scanned.pdf"), str(NAP["txt"]),
                          "--out", str(tmp_path), "--ocr", "never"], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 3
    assert run.stderr == (f"polyplan: error: {FILES / 'scanned.pdf'}: "
                          "PDF has no text layer (scanned images?): it needs OCR first\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_batch.json", "nap-2020-2022-txt"]


def test_text_layer_without_unicode_map_is_a_warning():
    plan = paths_to_plan([FILES / "garbled.pdf"], "garbled")
    assert (plan.sources[0].chars, plan.sources[0].garbled_chars) == (576, 576)
    [finding] = [f for f in plan.findings if f.code == "GARBLED_TEXT"]
    assert finding.severity == "warning"
    assert finding.message.endswith("576 of 576 characters (100%) have no Unicode meaning or read as letters of "
                                    "another code page or script; the text layer is unreliable (fonts without a "
                                    "Unicode map, or with a wrong one) and needs OCR")
    reference = paths_to_plan([NAP["pdf"]], "nap")
    assert reference.sources[0].garbled_chars == 0
    assert not [f for f in reference.findings if f.code == "GARBLED_TEXT"]


def test_russian_only_table_with_flat_numbering_and_extra_columns(tmp_path):
    from .fixtures.build import build_flat_table_docx
    plan = paths_to_plan([build_flat_table_docx(tmp_path / "plan.docx")], "flat")
    assert plan.languages == ("ru",)
    [section] = plan.version("ru").parts[0].sections
    assert (section.number, section.title) == ("1.1", "Профилактика")
    acts = section.activities
    assert [(a.number, a.marker) for a in acts] == [("1", "1."), ("2", "2."), ("3", "3.")]
    assert acts[1].text == "Подготовить методическое пособие для учителей средних школ."
    assert [(f.field, f.value) for f in acts[1].fields] == [("period", "Ежегодно"), ("agencies", "Министерство образования"),
                                                            ("financing", "Средства доноров")]
    assert [(a.period.kind, a.period.start, a.period.end, a.period.end_month) for a in acts] == [
        ("single", 2024, 2024, 3), ("recurring", None, None, None), ("by", None, 2025, 12)]
    assert [g.name for g in acts[2].agencies] == ["Министерство внутренних дел (МВД)", "Генеральная прокуратура"]
    # the continued row's note cell is a note, not a field of the activity
    assert [n.text for n in plan.version("ru").notes] == ["По согласованию", "с Министерством финансов"]
    assert {f.field for a in acts for f in a.fields} == {"period", "agencies", "financing", "other"}
    # a column the lexicon does not know stays with its row, named by its header
    assert [(f.field, f.column, f.value, f.source.cell) for f in acts[0].fields if f.field == "other"] == [
        ("other", "Связь с ЦУР", "ЦУР 16.2", 6)]
    assert plan.unparsed == ()
    assert [l.field for l in plan.version("ru").parts[0].labels] == [
        "number", "activity", "period", "agencies", "financing", "other", "note"]
    assert plan.coverage.source_chars == plan.coverage.accounted_chars
