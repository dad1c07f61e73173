"""Unit tests of the split and parse rules, one group per rule, each case in one language
(issue 19; laid out like spaCy's ``tests/lang/<code>/``).

The cases are data: ``tests/rules/<code>.toml``, one file per lexicon of
``pipeline/lexicon/``, one table per rule.  Each case is wording a plan of that language
prints, with what a reader of the plan takes it to say; a key left out is ``None``.  A case
the code reads wrongly today carries ``xfail = "<what is wrong>"`` and runs as a strict
xfail: a known limit, documented, that fails the run once it is fixed so that the mark
comes off.  Every rule has cases in every language
(:func:`test_every_language_has_cases_of_every_rule`).
"""
from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from pipeline.bodies import split_bodies
from pipeline.lexicon import load_gazetteer, load_lexicons
from pipeline.model import Block, Location, VersionBlocks
from pipeline.parse import blocks_to_version
from pipeline.periods import text_to_period
from pipeline.split import anchor_language, anchor_runs

LEXICONS = load_lexicons()
RULES_DIR = Path(__file__).resolve().parent / "rules"
CASES = {data["code"]: data for data in (tomllib.loads(path.read_text(encoding="utf-8"))
                                         for path in sorted(RULES_DIR.glob("*.toml")))}
RULES = ("headings", "labels", "columns", "addressees", "leading_bodies", "periods", "undated_periods", "bodies",
         "anchors", "plans", "addressed", "two_fields", "objectives")


def cases(rule: str) -> list:
    """The cases of ``rule`` in every language as ``(lang, case)`` params named ``<lang>-<n>``;
    a case with ``xfail`` as a strict xfail."""
    return [pytest.param(lang, case, id=f"{lang}-{n}", marks=[
        pytest.mark.xfail(strict=True, reason=case["xfail"])] if "xfail" in case else [])
        for lang, data in sorted(CASES.items()) for n, case in enumerate(data.get(rule, []), start=1)]


def test_every_language_has_cases_of_every_rule():
    assert sorted(CASES) == sorted(LEXICONS)
    assert {lang: [rule for rule in RULES if data.get(rule)] for lang, data in CASES.items()} == {
        lang: list(RULES) for lang in CASES}


# --- pipeline.lexicon ----------------------------------------------------------------------

@pytest.mark.parametrize("lang, case", cases("headings"))
def test_match_heading(lang, case):
    m = LEXICONS[lang].match_heading(case["text"])
    assert (m and (m.kind, m.number, m.title)) == (
        "kind" in case and (case["kind"], case["number"], case["title"]) or None)


@pytest.mark.parametrize("lang, case", cases("labels"))
def test_match_label(lang, case):
    m = LEXICONS[lang].match_label(case["text"])
    assert (m and (m.field, m.label, m.number, m.rest)) == (
        "field" in case and (case["field"], case["label"], case.get("number"), case["rest"]) or None)


@pytest.mark.parametrize("lang, case", cases("columns"))
def test_match_column(lang, case):
    assert LEXICONS[lang].match_column(case["cell"]) == case["field"]


@pytest.mark.parametrize("lang, case", cases("addressees"))
def test_match_addressee(lang, case):
    assert LEXICONS[lang].match_addressee(case["text"]) == (
        "body" in case and (case["number"], case["body"]) or None)


@pytest.mark.parametrize("lang, case", cases("leading_bodies"))
def test_leading_body(lang, case):
    assert LEXICONS[lang].leading_body(case["text"]) == case.get("body")


# --- pipeline.periods ----------------------------------------------------------------------

PERIOD_KEYS = ("kind", "start", "end", "start_month", "end_month")


@pytest.mark.parametrize("lang, case", cases("periods"))
def test_text_to_period(lang, case):
    p = text_to_period(case["text"], LEXICONS[lang])
    assert (p.raw, *(getattr(p, k) for k in PERIOD_KEYS)) == (case["text"], *(case.get(k) for k in PERIOD_KEYS))


@pytest.mark.parametrize("lang, case", cases("undated_periods"))
def test_period_without_a_year_falls_in_the_plans_year(lang, case):
    p = text_to_period(case["text"], LEXICONS[lang], 2021)
    assert tuple(getattr(p, k) for k in PERIOD_KEYS) == ("single", 2021, 2021, case["start_month"], case["end_month"])


# --- pipeline.bodies -----------------------------------------------------------------------

@pytest.mark.parametrize("lang, case", cases("bodies"))
def test_split_bodies(lang, case):
    lex = LEXICONS[lang]
    assert split_bodies(case["cell"], lex.conjunctions, load_gazetteer().protected, lex.body_heads,
                        lex.body_head_position == "last") == case["bodies"]


# --- pipeline.split ------------------------------------------------------------------------

def _block(text: str, line: int = 1, lang: str | None = None) -> Block:
    return Block(text, Location(1, line=line), lang=lang)


@pytest.mark.parametrize("lang, case", cases("anchors"))
def test_anchor_language(lang, case):
    assert anchor_language(_block(case["text"]), LEXICONS) == lang


@pytest.mark.parametrize("lang", sorted(CASES))
def test_anchors_of_one_language_make_one_run(lang):
    texts = [case["text"] for case in CASES[lang]["anchors"] if "xfail" not in case]
    anchors = [(n, anchor_language(_block(text, n + 1), LEXICONS)) for n, text in enumerate(texts)]
    assert anchor_runs(anchors) == [(lang, 0, len(texts) - 1, len(texts))]


@pytest.mark.parametrize("anchors, runs", [
    ([(0, "tk"), (1, "tk"), (2, "tk"), (5, "ru"), (6, "ru"), (7, "ru"), (9, "en"), (10, "en"), (11, "en")],
     [("tk", 0, 2, 3), ("ru", 5, 7, 3), ("en", 9, 11, 3)]),  # three versions one after another
    ([(0, "kk"), (1, "kk"), (2, "ru"), (3, "kk"), (4, "kk"), (8, "ru"), (9, "ru"), (10, "ru")],
     [("kk", 0, 4, 4), ("ru", 8, 10, 3)]),  # a stray Russian heading stays inside the Kazakh version
    pytest.param([(0, "uz"), (1, "uz"), (2, "uz-Cyrl"), (3, "uz-Cyrl"), (4, "uz")], [("uz", 0, 4, 3)], marks=[
        pytest.mark.xfail(strict=True, reason="the smallest run goes first: the last Latin anchor (a run of one) is "
                          "dropped before the stray Cyrillic pair, then the Latin pair, and no version is left")]),
    ([(0, "uz"), (1, "uz"), (4, "uz-Cyrl"), (5, "uz-Cyrl")], []),  # two anchors of each: no version at all
    ([(0, "ky"), (1, "ky")], []),  # fewer than three anchors: no version
])
def test_anchor_runs(anchors, runs):
    assert anchor_runs(anchors) == runs


# --- pipeline.parse and pipeline.builders: small plans of one language ---------------------

def _parse(lang: str, texts) -> tuple:
    blocks = tuple(_block(text, n + 1, lang) for n, text in enumerate(texts))
    return blocks_to_version(VersionBlocks(lang, (), blocks), LEXICONS[lang])


@pytest.mark.parametrize("lang, case", cases("plans"))
def test_parse_part_section_activity_and_its_fields(lang, case):
    version, unparsed = _parse(lang, case["blocks"])
    assert unparsed == ()
    [p] = version.parts
    [s] = p.sections
    [a] = s.activities
    assert (p.id, p.number, p.title) == (f"{lang}-part-I", "I", case["part_title"])
    assert (s.id, s.number, s.title, [label.field for label in s.labels]) == (
        f"{lang}-sec-1-1", "1.1", case["section_title"], ["activities"])
    assert (a.id, a.number, a.text, a.indicators) == (
        f"{lang}-sec-1-1-act-1-1-1", "1.1.1", case["text"], (case["indicator"],))
    assert [f.field for f in a.fields] == ["indicators", "agencies", "period"]
    assert [(g.name, g.id) for g in a.agencies] == list(zip(case["bodies"], ["justice-ministry", "interior-ministry"]))
    assert (a.period.raw, a.period.kind, a.period.start, a.period.end, a.period.start_month, a.period.end_month) == (
        case["period"], "single", 2021, 2021, 10, 12)


@pytest.mark.parametrize("lang, case", cases("addressed"))
def test_parse_addressee_is_the_responsible_body_of_its_measures(lang, case):
    version, unparsed = _parse(lang, (case["heading"], *case["measures"]))
    assert unparsed == ()
    [s] = version.parts[0].sections
    assert (s.number, s.title, s.declared) == ("2", case["body"], True)
    assert [(a.number, f"{a.marker} {a.text}", [(g.name, g.id) for g in a.agencies]) for a in s.activities] == [
        ("2.1", case["measures"][0], [(case["body"], "justice-ministry")]),
        ("2.2", case["measures"][1], [(case["body"], "justice-ministry")])]


@pytest.mark.parametrize("lang, case", cases("two_fields"))
def test_parse_two_fields_printed_on_one_line(lang, case):
    version, unparsed = _parse(lang, (case["label"], case["activity"], case["line"]))
    assert unparsed == ()
    [a] = version.activities()
    assert [(f.field, f.value) for f in a.fields] == [("agencies", case["body"] + "."), ("period", case["period"])]
    assert ([g.name for g in a.agencies], a.period.kind, a.period.start, a.period.end) == (
        [case["body"]], "single", 2022, 2022)


@pytest.mark.parametrize("lang, case", cases("objectives"))
def test_parse_numbered_objective_and_aim_of_a_section(lang, case):
    version, unparsed = _parse(lang, (case["section"], case["label"], case["text"],
                                      f"{case['aim_label']} {case['aim_text']}"))
    assert unparsed == ()
    [s] = version.parts[0].sections
    assert [(i.label, i.number, i.text) for i in s.objectives] == [(case["label"], "2", case["text"])]
    assert [(i.label, i.number, i.text) for i in s.aims] == [(case["aim_label"], None, case["aim_text"])]
