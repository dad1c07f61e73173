"""The Python API example of the README runs as printed (issue 18, item 7)."""
from __future__ import annotations

import doctest
import os

import pytest
import regex

from .conftest import ROOT

EXAMPLE = """\
>>> from pathlib import Path
>>> from pipeline import paths_to_plan, plan_to_files
>>> plan = paths_to_plan([Path("sources/nap-2020-2022.pdf")], "nap-2020-2022")
>>> plan.languages
('tk', 'ru', 'en')
>>> [sum(1 for _ in version.activities()) for version in plan.versions]
[49, 49, 49]
>>> activity = plan.version("en").parts[0].sections[0].activities[0]
>>> activity.number, activity.period.start, activity.period.end, [a.id for a in activity.agencies]
('1.1.1', 2020, 2022, ['working-group'])
>>> [f.message for f in plan.findings if f.code == "NUM_MISMATCH"][0]
'activity 2.2.1/2.2.2: printed numbers differ — tk 2.2.1; ru 2.2.2; en 2.2.2'
>>> [p.name for p in plan_to_files(plan, Path("output/nap"), ("json", "tmx", "xlsx"))]
['plan.json', 'plan.tmx', 'activities.xlsx']
"""
"""The example the README prints under "## Python API" (in a ```pycon block)."""


def _run(text: str, folder) -> doctest.TestResults:
    (folder / "sources").symlink_to(ROOT / "sources")
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        test = doctest.DocTestParser().get_doctest(text, {}, "README Python API", "README.md", 0)
        runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
        runner.run(test)
        return runner.summarize(verbose=False)
    finally:
        os.chdir(cwd)


def test_the_example_runs(tmp_path):
    result = _run(EXAMPLE, tmp_path)
    assert (result.failed, result.attempted) == (0, 9)
    assert (tmp_path / "output" / "nap" / "activities.xlsx").is_file()


def test_the_readme_prints_the_example():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = regex.search(r"^## Python API\n(.*?)(?=^## )", readme, regex.M | regex.S)
    if section is None:
        pytest.skip("README.md has no '## Python API' section yet (its text: tests/test_api.py EXAMPLE)")
    block = regex.search(r"```pycon\n(.*?)```", section.group(1), regex.S)
    assert block and block.group(1) == EXAMPLE
