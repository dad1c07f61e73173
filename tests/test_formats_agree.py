"""The .txt, .docx and .pdf editions of the reference plan give the same plan."""
from __future__ import annotations

from .views import activity_view, squeeze, structure_view


def test_same_activities_numbers_fields_and_periods(nap_plans):
    txt = activity_view(nap_plans["txt"])
    assert len(txt) == 147
    assert activity_view(nap_plans["docx"]) == txt
    assert activity_view(nap_plans["pdf"]) == txt


def test_same_structure(nap_plans):
    txt = structure_view(nap_plans["txt"])
    assert structure_view(nap_plans["docx"]) == txt
    assert structure_view(nap_plans["pdf"]) == txt


def test_same_front_and_back_matter(nap_plans):
    views = {fmt: ([squeeze(b.text) for b in plan.front_matter], [squeeze(b.text) for b in plan.back_matter])
             for fmt, plan in nap_plans.items()}
    # The PDF joins lines of one paragraph, the text file keeps one block per line.
    assert "".join(views["pdf"][0]) == "".join(views["txt"][0])
    assert "".join(views["pdf"][1]) == "".join(views["txt"][1])
    assert views["docx"] == views["txt"]
