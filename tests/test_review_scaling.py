"""The review page grows linearly with the activities and findings (issue 21.10): a finding that
lists many activities is listed in full once, under the first row it concerns, and the other rows
point to it; before, it was repeated in every row with all its references and evidence (224 MB of
review.html for 8,000 table rows)."""
from __future__ import annotations

import lxml.html

from pipeline.build import paths_to_plan
from pipeline.export import plan_to_files

from .fixtures.large_table import table_docx


def _review(tmp_path, rows: int):
    plan = paths_to_plan([table_docx(tmp_path / f"table-{rows}.docx", rows)], f"table-{rows}")
    out = tmp_path / f"out-{rows}"
    plan_to_files(plan, out, ("html",))
    return plan, out / "review.html"


def test_a_finding_over_many_rows_is_listed_once_and_pointed_to(tmp_path):
    plan, page = _review(tmp_path, 200)
    spread = [f for f in plan.findings if f.code == "UNKNOWN_AGENCY"]
    assert [len(f.refs) for f in spread] == [50] * 4  # one per agency, each every fourth activity
    root = lxml.html.parse(str(page)).getroot()
    listed = root.findall(".//li[@class='finding info'][@data-code='UNKNOWN_AGENCY']")
    assert len(listed) == 4 and len(root.findall(".//li[@class='see'][@data-code='UNKNOWN_AGENCY']")) == 4 * 49
    for finding in listed:
        pointers = [p for p in root.findall(".//li[@class='see']") if p.find("a").get("href") == f"#{finding.get('id')}"]
        assert len(pointers) == 49
        row = finding.getparent().getparent().getparent().getparent()  # li → ul → td → tr.notes → tbody
        assert f"under row {row.find('tr/td').text}," in pointers[0].text_content()
    few = [f for f in plan.findings if f.code == "NUM_DUPLICATE"]  # two rows each: in full in both
    assert len(root.findall(".//li[@class='finding error'][@data-code='NUM_DUPLICATE']")) == 2 * len(few) == 56


def test_the_review_page_grows_linearly(tmp_path):
    small, large = (_review(tmp_path, rows)[1].stat().st_size for rows in (200, 800))
    assert large / small < 4.2  # four times the rows, four times the page (it was sixteen)


def test_a_finding_names_six_places_and_counts_the_rest():
    from pipeline.export.html import _places
    finding = {"lang": "en", "evidence": [{"lang": "en", "source": {"file": 0, "line": n}} for n in range(1, 11)]}
    assert _places(finding, [{"path": "plan.txt"}]) == ("en line 1, en line 2, en line 3, en line 4, en line 5, "
                                                         "en line 6 and 4 more")
