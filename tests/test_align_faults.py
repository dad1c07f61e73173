"""Issue 15 on the reference plan: an activity moved far from its place, two printed as one or
one as two, a drop among near-identical neighbours — each with the exact alignment rows and the
exact findings it must give; numbers spelled out in words; and the same alignment for a pair of
languages no lexicon or table knows (the translation table is learnt from the plan itself)."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.align import plan_to_alignment
from pipeline.build import paths_to_plan
from pipeline.model import Plan

from .conftest import NAP
from .mutants import Mutator

LINES = NAP["txt"].read_text(encoding="utf-8").splitlines()


class Choose:
    """A stand-in for random.Random: picks the given row, and draws 0.5 (a fault's usual form:
    a move of one activity keeping its number, a merge with both fields, a split renumbering)."""

    def __init__(self, row: int | None = None):
        self.row = row

    def choice(self, seq):
        assert self.row in seq
        return self.row

    def random(self) -> float:
        return 0.5


def rows_of(plan: Plan) -> list:
    return sorted((sorted(r.refs) for r in plan.alignment if r.kind == "activity"), key=repr)


def mutated(reference: Plan, tmp_path: Path, *faults) -> tuple[Plan, Mutator]:
    """The reference text with ``faults`` ((kind, lang, row, rng), …) applied, parsed."""
    mutator = Mutator(LINES, reference)
    for kind, lang, row, rng in faults:
        assert getattr(mutator, kind)(mutator.acts[mutator.rows[row][lang]], lang, row, rng)
    path = tmp_path / "mutant.txt"
    path.write_text(mutator.text(), encoding="utf-8")
    plan = paths_to_plan([path], "mutant")
    assert rows_of(plan) == sorted((sorted(r.items()) for r in mutator.expected_rows()), key=repr)
    return plan, mutator


def new_findings(plan: Plan, reference: Plan) -> set[tuple[str, tuple]]:
    known = {(f.code, f.refs) for f in reference.findings}
    return {(f.code, f.refs) for f in plan.findings if (f.code, f.refs) not in known}


@pytest.fixture(scope="module")
def reference(nap_plans):
    return nap_plans["txt"]


def test_activity_moved_into_another_section_is_linked_and_reported_once(reference, tmp_path):
    plan, _ = mutated(reference, tmp_path, ("move", "ru", 3, Choose(27)))  # ru 1.1.4 printed after 3.2.2
    moved = "ru-sec-3-2-act-1-1-4"
    order = ("tk-sec-1-1-act-1-1-4", moved, "en-sec-1-1-act-1-1-4")
    assert new_findings(plan, reference) == {
        ("ORDER_MISMATCH", order), ("NUM_OUT_OF_SECTION", (moved, "ru-sec-3-2")),
        ("NUM_SEQUENCE", ("ru-sec-1-1-act-1-1-3", "ru-sec-1-1-act-1-1-5")),
        ("NUM_SEQUENCE", ("ru-sec-3-2-act-3-2-2", moved)), ("NUM_SEQUENCE", (moved, "ru-sec-3-2-act-3-2-3"))}
    [finding] = [f for f in plan.findings if f.code == "ORDER_MISMATCH"]
    assert finding.message == ("activity 1.1.4 is printed in another place in some version: tk 1.1.4 in section 1.1 "
                               "after 1.1.3; ru 1.1.4 in section 3.2 after 3.2.2; en 1.1.4 in section 1.1 after 1.1.3")
    assert [(e["id"], e["section"], e["after"]) for e in finding.evidence] == [
        ("tk-sec-1-1-act-1-1-4", "tk-sec-1-1", "1.1.3"), (moved, "ru-sec-3-2", "3.2.2"),
        ("en-sec-1-1-act-1-1-4", "en-sec-1-1", "1.1.3")]


def test_activity_moved_in_the_pivot_version(reference, tmp_path):
    plan, _ = mutated(reference, tmp_path, ("move", "tk", 38, Choose(6)))  # tk 4.2.2 printed after 1.2.2
    moved = "tk-sec-1-2-act-4-2-2"
    [order] = [f for f in plan.findings if f.code == "ORDER_MISMATCH"]
    assert order.refs == (moved, "ru-sec-4-2-act-4-2-2", "en-sec-4-2-act-4-2-2")
    assert ("NUM_OUT_OF_SECTION", (moved, "tk-sec-1-2")) in new_findings(plan, reference)
    assert not [f for f in plan.findings if f.code == "MISSING_ACTIVITY"]


def test_two_activities_printed_as_one(reference, tmp_path):
    plan, _ = mutated(reference, tmp_path, ("merge", "en", 1, Choose()))  # en 1.1.2 and 1.1.3 as one
    group = ("tk-sec-1-1-act-1-1-2", "tk-sec-1-1-act-1-1-3", "ru-sec-1-1-act-1-1-2", "ru-sec-1-1-act-1-1-3",
             "en-sec-1-1-act-1-1-2")
    assert new_findings(plan, reference) == {
        ("MERGED_ACTIVITY", group), ("NUM_SEQUENCE", ("en-sec-1-1-act-1-1-2", "en-sec-1-1-act-1-1-4"))}
    [merged] = [f for f in plan.findings if f.code == "MERGED_ACTIVITY"]
    assert (merged.severity, merged.lang, merged.message) == (
        "warning", "en", "en prints as one activity what tk, ru print as two: tk 1.1.2 and 1.1.3; "
                         "ru 1.1.2 and 1.1.3; en 1.1.2")
    texts = {e["id"]: e["text"] for e in merged.evidence}
    assert texts["ru-sec-1-1-act-1-1-3"].startswith("Участие Рабочей группы")
    assert texts["en-sec-1-1-act-1-1-2"].startswith("Holding thematic meetings") and "Participation" in \
        texts["en-sec-1-1-act-1-1-2"]


def test_one_activity_printed_as_two(reference, tmp_path):
    plan, _ = mutated(reference, tmp_path, ("split", "tk", 36, Choose()))  # tk 4.1.3 in two halves
    group = ("tk-sec-4-1-act-4-1-3", "tk-sec-4-1-act-4-1-4", "ru-sec-4-1-act-4-1-3", "en-sec-4-1-act-4-1-3")
    [merged] = [f for f in plan.findings if f.code == "MERGED_ACTIVITY"]
    assert (merged.refs, merged.lang, merged.message) == (
        group, "tk", "ru, en print as one activity what tk prints as two: tk 4.1.3 and 4.1.4; ru 4.1.3; en 4.1.3")
    # the halves repeat the fields: 'İçeri' is now printed once more, in the new activity
    assert {code for code, _ in new_findings(plan, reference)} == {"MERGED_ACTIVITY", "NONSTANDARD_CHAR"}


@pytest.mark.parametrize("lang", ["tk", "ru", "en"])
@pytest.mark.parametrize("row", [45, 46, 47, 48])  # Part V's last four: same agencies, same period
def test_drop_among_near_identical_neighbours(reference, tmp_path, lang, row):
    plan, mutator = mutated(reference, tmp_path, ("delete", lang, row, Choose()))
    [missing] = [f for f in plan.findings if f.code == "MISSING_ACTIVITY"]
    assert (missing.lang, missing.refs) == (lang, tuple(i for l, i in mutator.rows[row].items() if l != lang))
    dropped = set(mutator.rows[row].values())
    wrong = [f for f in plan.findings if f.code in ("NUM_MISMATCH", "AGENCY_MISMATCH", "PERIOD_MISMATCH")
             and (f.code, f.refs) not in {(g.code, g.refs) for g in reference.findings} and not set(f.refs) & dropped]
    assert wrong == []


def _with_text(lines: list[str], edits: dict[int, str]) -> list[str]:
    out = list(lines)
    for line, extra in edits.items():
        out[line - 1] = out[line - 1].rstrip(".") + extra + "."
    return out


@pytest.mark.parametrize("words, expected", [
    ({"tk": " (iki okuw)", "ru": " (2 тренинга)", "en": " (two trainings)"}, None),
    ({"tk": " (iki ýüz bäş gatnaşyjy)", "ru": " (205 участников)", "en": " (two hundred five participants)"}, None),
    ({"tk": " (2 okuw)", "ru": " (2 тренинга)", "en": " (three trainings)"},
     "activity 1.1.1: digits of the text differ — tk [2]; ru [2]; en []"),
])
def test_numbers_spelled_out_agree_with_digits(reference, tmp_path, words, expected):
    acts = {lang: next(reference.version(lang).activities()) for lang in reference.languages}
    lines = _with_text(LINES, {acts[lang].source.line: text for lang, text in words.items()})
    path = tmp_path / "words.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    plan = paths_to_plan([path], "words")
    found = [f.message for f in plan.findings if f.code == "NUMBER_MISMATCH" and acts["tk"].id in f.refs]
    assert found == ([expected] if expected else [])


# --- a language pair nothing knows ---------------------------------------------------------------

GREEK = "αβγδεζηθικλμνξοπρστυφχψωϊϋ"
CIPHER = str.maketrans("abcdefghijklmnopqrstuvwxyz" + "abcdefghijklmnopqrstuvwxyz".upper(),
                       GREEK[7:] + GREEK[:7] + (GREEK[7:] + GREEK[:7]).upper())


def _cipher(text: str) -> str:
    """The text in a script and spelling no lexicon knows: each Latin letter another Greek one."""
    return text.translate(CIPHER)


def _ciphered(version, lang: str):
    """The version in a made-up language ``lang``: its texts ciphered, ids renamed."""
    def node(n):
        fields = {"id": lang + n.id[2:]}
        for name in ("title", "heading", "text"):
            if getattr(n, name, None):
                fields[name] = _cipher(getattr(n, name))
        for name in ("needs", "aims", "objectives"):
            if hasattr(n, name):
                fields[name] = tuple(replace(i, text=_cipher(i.text)) for i in getattr(n, name))
        if hasattr(n, "indicators"):
            fields["indicators"] = tuple(map(_cipher, n.indicators))
        return replace(n, **fields)
    parts = tuple(replace(node(p), sections=tuple(replace(node(s), activities=tuple(map(node, s.activities)))
                                                  for s in p.sections)) for p in version.parts)
    return replace(version, lang=lang, parts=parts)


def test_a_language_pair_no_table_knows(reference):
    """ru against a made-up language (en in other letters) with an activity moved far and one of
    Part V's near-identical last four dropped: the translation table is learnt from the plan."""
    xx = _ciphered(reference.version("en"), "xx")
    parts = list(xx.parts)
    moved = parts[0].sections[0].activities[3]  # 1.1.4, printed in section 3.2
    parts[0] = replace(parts[0], sections=(replace(parts[0].sections[0], activities=tuple(
        a for a in parts[0].sections[0].activities if a is not moved)), *parts[0].sections[1:]))
    into = parts[2].sections[1]
    parts[2] = replace(parts[2], sections=(parts[2].sections[0], replace(into, activities=(
        *into.activities[:2], moved, *into.activities[2:])), *parts[2].sections[2:]))
    fifth = parts[4].sections[0]
    parts[4] = replace(parts[4], sections=(replace(fifth, activities=fifth.activities[:5] + fifth.activities[6:]),))
    plan = Plan("xx", reference.sources, (reference.version("ru"), replace(xx, parts=tuple(parts))))
    rows = [r for r in plan_to_alignment(plan) if r.kind == "activity"]
    ru, en = reference.version("ru").activities(), reference.version("en").activities()
    truth = {a.id: "xx" + b.id[2:] for a, b in zip(ru, en)}
    truth["ru-part-V-sec-nn-act-5-2-3"] = None  # the dropped one
    assert {r.ref("ru"): r.ref("xx") for r in rows} == truth
    assert [r.ref("ru") for r in rows if r.crossed] == ["ru-sec-1-1-act-1-1-4"]
