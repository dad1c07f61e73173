"""The .txt, .docx and .pdf editions of the reference plan give the same plan."""
from __future__ import annotations

import regex

LANGS = ("tk", "ru", "en")


def squeeze(text: str) -> str:
    # Line breaks differ between formats (PDF lines are re-joined), so compare without whitespace.
    return regex.sub(r"\s+", "", text)


def activity_view(plan):
    return [
        (lang, a.number, a.marker, squeeze(a.text), tuple(squeeze(i) for i in a.indicators),
         tuple(squeeze(g.name) for g in a.agencies), squeeze(a.period.raw), a.period.start, a.period.end,
         tuple((f.field, f.label) for f in a.fields))
        for lang in LANGS for a in plan.version(lang).activities()]


def structure_view(plan):
    out = []
    for lang in LANGS:
        version = plan.version(lang)
        out.append((lang, squeeze(version.title), tuple(squeeze(n.text) for n in version.notes)))
        for part in version.parts:
            for node in (part, *part.sections):
                out.append((lang, node.id, node.number, squeeze(node.title or ""),
                            tuple(tuple(squeeze(i.text) for i in items)
                                  for items in (node.needs, node.aims, node.objectives))))
    return out


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
