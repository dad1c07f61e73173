"""Every committed fixture and plain-text source gives the plan.json reviewed in tests/golden/.

A failure shows the first lines that differ; after a deliberate change run `make golden`
and review `git diff tests/golden` (tests/golden.py says what the files hold).
"""
from __future__ import annotations

import difflib
import json

import pytest

from tests.golden import digest, golden_path, inputs, plan_tree, render

INPUTS = inputs()


def test_every_input_has_its_golden_file_and_no_other():
    assert INPUTS and sorted(p.name for p in golden_path(INPUTS[0]).parent.glob("*.json")) == \
        sorted(golden_path(p).name for p in INPUTS)


@pytest.mark.parametrize("path", INPUTS, ids=[p.name for p in INPUTS])
def test_plan_json_is_the_reviewed_one(path):
    expected = golden_path(path).read_text(encoding="utf-8")
    got = render(plan_tree(path))
    if got != expected:
        diff = difflib.unified_diff(expected.splitlines(), got.splitlines(), "golden", "now", lineterm="", n=2)
        pytest.fail(f"{path.name} no longer gives its golden plan.json (run `make golden` and review "
                    "`git diff tests/golden` if the change is meant):\n" + "\n".join(list(diff)[:60]))


def test_digest_drops_only_boxes_and_folders():
    tree = {"sources": [{"path": "/some/where/plan.pdf", "pages": 2}],
            "versions": {"en": {"title_source": {"page": 1, "bbox": [1, 2, 3, 4]}}}}
    assert digest(tree) == {"sources": [{"path": "plan.pdf", "pages": 2}],
                            "versions": {"en": {"title_source": {"page": 1}}}}
    assert json.loads(render(tree)) == digest(tree)
