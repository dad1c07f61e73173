"""A different, English-only document: the Kyrgyz programme 2022-2025 (truncated web copy)."""
from __future__ import annotations


def test_english_only_plan_without_error(kyrgyz_plan):
    assert kyrgyz_plan.languages == ("en",)
    version = kyrgyz_plan.version("en")
    assert version.title == "RESOLUTION OF THE CABINET OF MINISTERS OF THE KYRGYZ REPUBLIC"
    assert version.parts == ()
    assert version.preamble[0].text == "of April 15, 2022 No. 227"
    assert version.preamble[-1].text.startswith("The legislation of the Kyrgyz Republic guarantees")


def test_web_boilerplate_stays_out_of_the_plan(kyrgyz_plan):
    assert [b.text for b in kyrgyz_plan.front_matter] == [
        "Document from CIS Legislation database © 2003-2022 SojuzPravoInform LLC"]
    back = [b.text for b in kyrgyz_plan.back_matter]
    assert back[0] == "Warning!!!"
    assert back[-1] == "Search engine created by SojuzPravoInform LLC. UI/UX design by Intelliants."
    assert len(back) == 14
    in_plan = " ".join(i.text for i in kyrgyz_plan.version("en").preamble)
    for phrase in ("Demo mode", "License", "SojuzPravoInform", "search system"):
        assert phrase not in in_plan


def test_no_structure_is_reported_and_nothing_lost(kyrgyz_plan):
    assert [(f.code, f.severity, f.lang) for f in kyrgyz_plan.findings] == [("NO_STRUCTURE", "warning", "en")]
    assert kyrgyz_plan.coverage.source_chars == kyrgyz_plan.coverage.accounted_chars == 11158
