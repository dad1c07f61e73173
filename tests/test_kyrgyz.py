"""A different, English-only document: the Kyrgyz programme 2022-2025 (truncated web copy).

Its text has no parts, sections or numbered activities polyplan recognises, so it is not
read as a plan version: everything is kept in ``unparsed`` and a warning says so.
"""
from __future__ import annotations


def test_no_structure_gives_an_empty_plan_with_everything_unparsed(kyrgyz_plan):
    assert kyrgyz_plan.languages == ()
    texts = [u.text for u in kyrgyz_plan.unparsed]
    assert {u.reason for u in kyrgyz_plan.unparsed} == {"no plan structure recognised"}
    assert {u.lang for u in kyrgyz_plan.unparsed} == {"en"}
    assert texts[:2] == ["RESOLUTION OF THE CABINET OF MINISTERS OF THE KYRGYZ REPUBLIC", "of April 15, 2022 No. 227"]
    assert texts[-1].startswith("The legislation of the Kyrgyz Republic guarantees")


def test_web_boilerplate_stays_out_of_the_plan(kyrgyz_plan):
    assert [b.text for b in kyrgyz_plan.front_matter] == [
        "Document from CIS Legislation database © 2003-2022 SojuzPravoInform LLC"]
    back = [b.text for b in kyrgyz_plan.back_matter]
    assert back[0] == "Warning!!!"
    assert back[-1] == "Search engine created by SojuzPravoInform LLC. UI/UX design by Intelliants."
    assert len(back) == 14
    unparsed = " ".join(u.text for u in kyrgyz_plan.unparsed)
    for phrase in ("Demo mode", "License", "SojuzPravoInform", "search system"):
        assert phrase not in unparsed


def test_no_structure_is_reported_and_nothing_lost(kyrgyz_plan):
    [finding] = kyrgyz_plan.findings
    assert (finding.code, finding.severity, finding.lang) == ("NO_STRUCTURE", "warning", "en")
    assert finding.message == (f"no activities recognised in the 'en' text; its "
                                f"{len(kyrgyz_plan.unparsed)} paragraph(s) are in unparsed")
    assert kyrgyz_plan.coverage.source_chars == kyrgyz_plan.coverage.accounted_chars == 11158
