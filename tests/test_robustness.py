"""Fuzzing the text path (hypothesis): random edits of the reference text — deleted, duplicated and
swapped lines, junk characters, look-alike letters of the other script, windows cut anywhere —
never crash the pipeline, never lose a character, never give two elements one id."""
from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.build import paths_to_plan
from pipeline.check import version_texts
from pipeline.extract import ExtractError

from .conftest import NAP

LINES = NAP["txt"].read_text(encoding="utf-8").splitlines()
JUNK = ["ж", "ý", "$", "*", "**", "- ", "#", "\u00ad", "\ufb01", "1.1.1 ", ":", "Aim:", "Часть II", "Задача 3:",
        "Bellik 4:", "5.", "  ", "Section 9.9: X", "2020–2022", "\t", "(", "»", "№", "Çäreler:", "\x0c"]
LOOKALIKE = str.maketrans("aeopcAEOPCaеорс", "аеорсАЕОРСaeopc")
OPS = ("delete", "duplicate", "junk", "swap", "lookalike")

edits = st.lists(st.tuples(st.sampled_from(OPS), st.integers(0, 10**6), st.integers(0, 10**6),
                           st.sampled_from(JUNK)), max_size=30)
windows = st.one_of(st.tuples(st.integers(0, len(LINES) - 1), st.integers(1, 700)),
                    st.tuples(st.just(0), st.just(len(LINES))))  # the whole text as well as windows of it


def edit(lines: list[str], ops) -> list[str]:
    lines = list(lines)
    for op, a, b, junk in ops:
        if not lines:
            break
        i, j = a % len(lines), b % len(lines)
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[j])
        elif op == "junk":
            cut = b % (len(lines[i]) + 1)
            lines[i] = lines[i][:cut] + junk + lines[i][cut:]
        elif op == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        else:
            lines[i] = lines[i].translate(LOOKALIKE)
    return lines


FOLDER = Path(tempfile.mkdtemp(prefix="polyplan-fuzz-"))


@pytest.mark.slow
@settings(max_examples=500, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(windows, edits)
def test_random_edits_keep_full_coverage_and_unique_ids(window, ops):
    start, length = window
    path = FOLDER / "edited.txt"
    text = "\n".join(edit(LINES[start:start + length], ops))
    path.write_text(text, encoding="utf-8")
    if not text:
        with pytest.raises(ExtractError, match="^empty file$"):
            paths_to_plan([path], "edited")
        return
    plan = paths_to_plan([path], "edited")
    assert plan.coverage.source_chars == plan.coverage.accounted_chars
    ids = [node.id for v in plan.versions for node in v.nodes()]
    assert len(ids) == len(set(ids))
    # every finding points at an element of the plan, or at a text of a version (its title, a note)
    texts = {ref for v in plan.versions for ref, _text, _loc in version_texts(v)}
    assert {ref for f in plan.findings for ref in f.refs} <= set(ids) | texts
