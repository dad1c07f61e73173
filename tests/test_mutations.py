"""Mutation tests: faults injected into one version of the reference text must be reported.

Over 200 mutants (fixed seeds, one to three faults each, of seven kinds: a changed period, a
deleted activity, an activity given its predecessor's number, an agency dropped or added,
two neighbouring activities swapped, a letter replaced by its other-script look-alike, a
number added to a text), at least 98% of the faults must be reported with the right code
and refs; the rows of untouched activities must stay exactly as in the reference
alignment; and no warning or error may appear that the faults do not explain.
"""
from __future__ import annotations

from collections import Counter

import pytest

from pipeline.build import paths_to_plan

from .conftest import NAP
from .mutants import KINDS, mutant

MUTANTS = 200


@pytest.fixture(scope="module")
def results(nap_plans, tmp_path_factory):
    reference = nap_plans["txt"]
    lines = NAP["txt"].read_text(encoding="utf-8").splitlines()
    known = {(f.code, f.refs) for f in reference.findings}
    rows = [dict(r.refs) for r in reference.alignment if r.kind == "activity"]
    folder = tmp_path_factory.mktemp("mutants")
    out = []
    for seed in range(MUTANTS):
        text, faults = mutant(lines, reference, seed)
        path = folder / f"mutant-{seed}.txt"
        path.write_text(text, encoding="utf-8")
        plan = paths_to_plan([path], path.stem)
        out.append((seed, faults, plan, known, rows))
    return out


def test_faults_are_reported_with_code_and_refs(results):
    detected, missed, by_kind = 0, [], Counter()
    for seed, faults, plan, _known, _rows in results:
        for fault in faults:
            by_kind[fault.kind] += 1
            if any(f.code == fault.code and fault.ref in f.refs for f in plan.findings):
                detected += 1
            else:
                missed.append((seed, fault.kind, fault.lang, fault.ref))
    total = detected + len(missed)
    assert total >= 200 and set(by_kind) == set(KINDS)
    assert detected / total >= 0.98, missed


def test_untouched_activities_stay_aligned(results):
    for seed, faults, plan, _known, rows in results:
        touched = set().union(*(f.touched for f in faults))
        got = {tuple(sorted(r.refs)) for r in plan.alignment if r.kind == "activity"}
        for row in rows:
            if not set(row.values()) & touched:
                assert tuple(sorted(row.items())) in got, (seed, row)


def test_no_finding_beyond_the_injected_faults(results):
    for seed, faults, plan, known, _rows in results:
        touched = set().union(*(f.touched for f in faults))
        extra = [(f.code, f.refs) for f in plan.findings if f.severity != "info"
                 and (f.code, f.refs) not in known and not set(f.refs) & touched]
        assert extra == [], (seed, [f.kind for f in faults])
