"""Aligning the language versions, and the reference plan's real inconsistencies."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.align import plan_to_alignment
from pipeline.build import paths_to_plan
from pipeline.lexicon import load_gazetteer
from pipeline.model import Plan

FILES = Path(__file__).resolve().parent / "fixtures" / "files"


def activity_rows(plan: Plan) -> list[dict]:
    return [dict(row.refs) for row in plan.alignment if row.kind == "activity"]


def positional_rows(plan: Plan) -> list[dict]:
    """The true alignment of the reference plan: the n-th activity of each version."""
    acts = {v.lang: [a.id for a in v.activities()] for v in plan.versions}
    return [{lang: acts[lang][n] for lang in plan.languages} for n in range(49)]


def test_all_49_activities_linked_across_three_versions(nap):
    rows = activity_rows(nap)
    assert rows == positional_rows(nap)
    assert not any(row.crossed for row in nap.alignment)
    # despite the numbering errors: tk 1.3.x in section 3.3, tk 2.2.1 twice, ru 5.2.x
    by_tk = {row["tk"]: row for row in rows}
    assert by_tk["tk-sec-3-3-act-1-3-1"] == {"tk": "tk-sec-3-3-act-1-3-1", "ru": "ru-sec-3-3-act-3-3-1",
                                             "en": "en-sec-3-3-act-3-3-1"}
    assert by_tk["tk-sec-2-2-act-2-2-1-2"]["en"] == "en-sec-2-2-act-2-2-2"
    assert by_tk["tk-part-V-sec-nn-act-5-1-4"]["ru"] == "ru-part-V-sec-nn-act-5-2-1"


def test_parts_and_sections_linked(nap):
    parts = [dict(r.refs) for r in nap.alignment if r.kind == "part"]
    assert parts == [{lang: f"{lang}-part-{n}" for lang in ("tk", "ru", "en")} for n in ("I", "II", "III", "IV", "V")]
    sections = [dict(r.refs)["en"] for r in nap.alignment if r.kind == "section"]
    assert sections == [f"en-sec-{n}" for n in ("1-1", "1-2", "1-3", "2-1", "2-2", "3-1", "3-2", "3-3", "4-1",
                                                 "4-2", "4-3")] + ["en-part-V-sec-nn"]
    assert all(None not in dict(r.refs).values() for r in nap.alignment)


@pytest.mark.parametrize("langs", [("tk", "ru"), ("tk", "en"), ("ru", "en")])
def test_any_two_versions_align(nap_plans, langs):
    plan = nap_plans["txt"]
    pair = Plan(plan.name, plan.sources, tuple(v for v in plan.versions if v.lang in langs))
    rows = [dict(r.refs) for r in plan_to_alignment(pair) if r.kind == "activity"]
    assert rows == [{lang: row[lang] for lang in langs} for row in positional_rows(plan)]


def test_separate_files_and_table_layouts_align(nap_plans):
    reference = positional_rows(nap_plans["txt"])
    by_language = paths_to_plan(sorted((FILES / "nap-by-language").iterdir()), "by-language")
    assert [{lang: row[lang] for lang in ("tk", "ru", "en")} for row in activity_rows(by_language)] == reference
    table = paths_to_plan([FILES / "nap-table.pdf"], "table")
    assert activity_rows(table) == reference


# The reference plan's real inconsistencies, each with the elements it concerns.  Nothing else may be
# reported at warning or error level.
REFERENCE_FINDINGS = {
    ("NUM_DUPLICATE", ("tk-sec-2-2-act-2-2-1", "tk-sec-2-2-act-2-2-1-2")),
    *{("NUM_DUPLICATE", (f"tk-sec-1-3-act-1-3-{n}", f"tk-sec-3-3-act-1-3-{n}")) for n in range(1, 6)},
    *{("NUM_OUT_OF_SECTION", (f"tk-sec-3-3-act-1-3-{n}", "tk-sec-3-3")) for n in range(1, 6)},
    *{("NUM_MISMATCH", (f"tk-sec-3-3-act-1-3-{n}", f"ru-sec-3-3-act-3-3-{n}", f"en-sec-3-3-act-3-3-{n}"))
      for n in range(1, 6)},
    ("NUM_MISMATCH", ("tk-sec-2-2-act-2-2-1-2", "ru-sec-2-2-act-2-2-2", "en-sec-2-2-act-2-2-2")),
    ("NUM_MISMATCH", ("tk-sec-2-2-act-2-2-2", "ru-sec-2-2-act-2-2-3", "en-sec-2-2-act-2-2-3")),
    *{("NUM_MISMATCH", (f"tk-part-V-sec-nn-act-5-1-{n + 3}", f"ru-part-V-sec-nn-act-5-2-{n}",
                        f"en-part-V-sec-nn-act-5-1-{n + 3}")) for n in range(1, 5)},
    ("MISSING_ELEMENT", ("tk-sec-1-2", "ru-sec-1-2", "en-sec-1-2")),  # tk 1.2 has no Wezipe
    ("COUNT_MISMATCH", ("tk-sec-2-1", "ru-sec-2-1", "en-sec-2-1")),  # ru 2.1: two objectives
    ("COUNT_MISMATCH", ("tk-part-V", "ru-part-V", "en-part-V")),  # ru Part V: three needs
    # the ru needs of section 1.2 name the plan "(2019-2021)" where tk and en say 2020-2022
    ("NUMBER_MISMATCH", ("tk-sec-1-2", "ru-sec-1-2", "en-sec-1-2")),
    ("NUMBER_MISMATCH", ("tk-sec-1-2", "ru-sec-1-2", "en-sec-1-2")),
    ("HEADING_FORMAT", ("tk-sec-4-3",)),  # "4.3:" without bölek
    ("LABEL_VARIANT", ("tk-part-V-sec-nn-act-5-1-2",)),  # Edaralary:
    ("LABEL_VARIANT", ("tk-sec-2-2-act-2-2-1",)),  # Ýerine ýetirilmeli möhlet:
    ("MIXED_SCRIPT", ("tk-preamble-1",)), ("MIXED_SCRIPT", ("tk-note-1",)),
    ("MIXED_SCRIPT", ("tk-sec-2-1-act-2-1-2",)),
    ("NONSTANDARD_CHAR", ("ru-part-V-sec-nn-act-5-1-3",)),  # АРІ
}
# Each odd word once, with the elements it is printed in and how often (issue 15; 21 findings before).
ODD_WORDS = [
    ("tk", "İşlenip", 2, ("tk-sec-3-1-act-3-1-1", "tk-sec-3-1-act-3-1-2")),
    ("tk", "İş", 6, ("tk-sec-3-1-act-3-1-1", "tk-sec-3-1-act-3-1-2", "tk-sec-3-1-act-3-1-3", "tk-sec-3-1-act-3-1-4",
                    "tk-sec-4-3-act-4-3-1", "tk-sec-4-3-act-4-3-2")),
    ("tk", "DERÑEW", 1, ("tk-part-IV",)),
    ("tk", "Derñew", 1, ("tk-sec-4-1",)),
    ("tk", "derñemekde", 1, ("tk-sec-4-1",)),
    ("tk", "derñemek", 2, ("tk-sec-4-1",)),
    ("tk", "derñemegiň", 2, ("tk-sec-4-1",)),
    ("tk", "İçeri", 5, ("tk-sec-4-1-act-4-1-1", "tk-sec-4-1-act-4-1-2", "tk-sec-4-1-act-4-1-3", "tk-sec-4-3-act-4-3-1",
                       "tk-sec-4-3-act-4-3-2")),
    ("ru", "АРІ", 1, ("ru-part-V-sec-nn-act-5-1-3",)),
]


def test_reference_findings_exactly(nap):
    found = {(f.code, f.refs) for f in nap.findings if f.severity != "info"}
    undeclared = {f.refs[0] for f in nap.findings if f.code == "UNDECLARED_SECTION"}
    assert undeclared == {"tk-part-V-sec-nn", "ru-part-V-sec-nn", "en-part-V-sec-nn"}
    odd = [(f.lang, f.evidence[0]["word"], len(f.evidence), f.refs) for f in nap.findings if f.code == "NONSTANDARD_CHAR"]
    assert odd == ODD_WORDS
    assert len(nap.findings) == 45  # 57 before issue 15: NONSTANDARD_CHAR 21 → 9
    rest = {(c, r) for c, r in found if c not in ("UNDECLARED_SECTION", "NONSTANDARD_CHAR")}
    expected = {(c, r) for c, r in REFERENCE_FINDINGS if c != "NONSTANDARD_CHAR"}
    assert rest == expected
    assert len([f for f in nap.findings if f.code == "NUMBER_MISMATCH"]) == 2
    assert not [f for f in nap.findings if f.severity == "info"]  # every agency is in the gazetteer


def test_findings_carry_evidence(nap):
    [count] = [f for f in nap.findings if f.code == "COUNT_MISMATCH" and f.refs[0] == "tk-part-V"]
    assert count.message == "part V has needs: tk 2, ru 3, en 2"
    assert [len(e["needs"]) for e in count.evidence] == [2, 3, 2]
    assert count.evidence[1]["needs"][2].startswith("ссылками")
    [ru_years] = [f for f in nap.findings if f.code == "NUMBER_MISMATCH" and "needs 4" in f.message]
    assert ru_years.message == "section 1.2: digits of needs 4 differ — tk [2020, 2022]; ru [2019, 2021]; en [2020, 2022]"
    assert "(2019-2021)" in ru_years.evidence[1]["compared"]
    if nap.sources[0].format == "text":
        assert ru_years.evidence[1]["source"] == {"file": 0, "line": 722}


def test_gazetteer_ids_and_comma_protected_names(nap):
    tk = {a.number: a for a in nap.version("tk").activities()}
    en = {a.number: a for a in nap.version("en").activities()}
    assert [(g.name, g.id) for g in en["2.1.1"].agencies][:1] == [
        ("The Institute of State, Law and Democracy", "institute-state-law-democracy")]
    assert tk["2.1.1"].agencies[0].id == "institute-state-law-democracy"
    gazetteer = load_gazetteer()
    assert [gazetteer.lookup(n) for n in ("МВД", "Türkmenistanyň İçeri işler ministrligi", "Ministry of Internal Affairs",
                                          "Министерства и ведомства, представленные в Рабочей группе",
                                          "Ministries and Agencies represented in the Working Group",
                                          "Ministry of Culture")] == [
        "interior-ministry", "interior-ministry", "interior-ministry", "working-group-members",
        "working-group-members", None]
    ids = {lang: {g.id for a in nap.version(lang).activities() for g in a.agencies} for lang in nap.languages}
    assert ids["tk"] == ids["ru"] == ids["en"] and len(ids["tk"]) == 23 and None not in ids["tk"]


def test_unknown_agencies_keep_null_id_and_are_listed(tmp_path):
    from .fixtures.build import build_flat_table_docx
    plan = paths_to_plan([build_flat_table_docx(tmp_path / "plan.docx")], "flat")
    agencies = [(g.name, g.id) for a in plan.version("ru").activities() for g in a.agencies]
    assert agencies == [("Министерство культуры", None), ("Министерство образования", "education-ministry"),
                        ("Министерство образования", "education-ministry"),
                        ("Министерство внутренних дел (МВД)", "interior-ministry"),
                        ("Генеральная прокуратура", "general-prosecutor")]
    [unknown] = [f for f in plan.findings if f.code == "UNKNOWN_AGENCY"]
    assert (unknown.severity, unknown.lang, unknown.refs, unknown.message) == (
        "info", "ru", ("ru-sec-1-1-act-1",), "agency 'Министерство культуры' is not in the gazetteer")
    assert plan.alignment == ()  # one version: nothing to align
