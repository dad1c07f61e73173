"""Mutation tests: faults injected into one version of the reference text must be reported.

Over 200 mutants (fixed seeds, one to three faults each, of twelve kinds: a changed period, a
deleted activity, an activity given its predecessor's number, an agency dropped or added,
two neighbouring activities swapped, a letter replaced by its other-script look-alike, a
number added to a text, an activity moved ten or more places into another section, two
activities printed as one, one printed as two, an agency replaced by another, an activity
dropped beside a neighbour with the same agencies and period — see ``tests/mutants.py``),
every fault must be reported with the right code and refs; the activity rows must be exactly
the rows the faults make (every untouched and moved activity linked to its true counterparts,
a merge or split as its 1:2 row); and no warning or error may appear that the faults do not
explain.
"""
from __future__ import annotations

from collections import Counter

import pytest

from pipeline.build import paths_to_plan

from .conftest import NAP
from .mutants import KINDS, mutant

MUTANTS = 200
pytestmark = pytest.mark.slow  # 200 mutants through the whole pipeline: `make test` runs them, `make test-fast` not


@pytest.fixture(scope="module")
def results(nap_plans, tmp_path_factory):
    reference = nap_plans["txt"]
    lines = NAP["txt"].read_text(encoding="utf-8").splitlines()
    known = {(f.code, f.refs) for f in reference.findings}
    folder = tmp_path_factory.mktemp("mutants")
    out = []
    for seed in range(MUTANTS):
        text, faults, rows = mutant(lines, reference, seed)
        path = folder / f"mutant-{seed}.txt"
        path.write_text(text, encoding="utf-8")
        plan = paths_to_plan([path], path.stem)
        out.append((seed, faults, plan, known, rows))
    return out


def test_every_fault_is_reported_with_code_and_refs(results):
    missed, by_kind = [], Counter()
    for seed, faults, plan, _known, _rows in results:
        for fault in faults:
            by_kind[fault.kind] += 1
            if not any(f.code == fault.code and fault.ref in f.refs for f in plan.findings):
                missed.append((seed, fault.kind, fault.lang, fault.ref))
    assert sum(by_kind.values()) >= 300 and set(by_kind) == set(KINDS) and min(by_kind.values()) >= 15, by_kind
    assert missed == []


def test_rows_are_exactly_those_the_faults_make(results):
    for seed, faults, plan, _known, rows in results:
        got = sorted((sorted(r.refs) for r in plan.alignment if r.kind == "activity"), key=repr)
        expected = sorted((sorted(row.items()) for row in rows), key=repr)
        assert got == expected, (seed, [(f.kind, f.lang, f.row) for f in faults])


def test_no_finding_beyond_the_injected_faults(results):
    for seed, faults, plan, known, _rows in results:
        explained = set().union(*(f.explains for f in faults))
        extra = [(f.code, f.refs) for f in plan.findings if f.severity != "info"
                 and (f.code, f.refs) not in known and not set(f.refs) & explained]
        assert extra == [], (seed, [f.kind for f in faults])


def test_a_far_move_is_reported_once_with_both_places(results):
    moves = 0
    for seed, faults, plan, _known, _rows in results:
        for fault in (f for f in faults if f.kind == "move"):
            moves += 1
            [order] = [f for f in plan.findings if f.code == "ORDER_MISMATCH" and fault.ref in f.refs]
            sections = {e["lang"]: e["section"] for e in order.evidence}
            moved_to = sections.pop(fault.lang)
            assert fault.ref.startswith(moved_to) and all(s != moved_to for s in sections.values()), (seed, order)
            assert not [f for f in plan.findings if f.code == "MISSING_ACTIVITY" and set(f.refs) & set(order.refs)]
    assert moves >= 15


def test_merges_and_splits_are_one_finding_not_a_missing_activity(results):
    for seed, faults, plan, _known, _rows in results:
        for fault in (f for f in faults if f.kind in ("merge", "split")):
            [merged] = [f for f in plan.findings if f.code == "MERGED_ACTIVITY" and fault.ref in f.refs]
            # both sides' texts: two activities in each version printing two, one in the others
            assert merged.lang == fault.lang and len(merged.evidence) == (4 if fault.kind == "split" else 5), (seed, merged)
            assert all(e["text"] for e in merged.evidence)
            assert not [f for f in plan.findings if f.code == "MISSING_ACTIVITY" and set(f.refs) & set(merged.refs)]
