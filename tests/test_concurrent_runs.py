"""Runs started together on one output folder (issue 21.8): a lock per output name makes the later
run wait, each run writes a whole folder, and no run removes another live run's temporary folder.
Before the lock, two runs with one --out and --name left a folder without plan.json in 2 of 20
tries and failed with "Directory not empty" in others."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.export import output_lock, remove_leftovers

from .conftest import ROOT
from .fixtures.odd import PLAN_LINES

pytestmark = pytest.mark.slow  # whole polyplan processes racing on one folder: `make test` runs them, `make test-fast` not

TRIES = 20


def _start(source: Path, out: Path, formats: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "pipeline", "extract", str(source), "--out", str(out),
                             "--name", "plan", "--format", formats, "--force"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_runs_on_one_output_folder_each_leave_a_whole_folder(tmp_path):
    out, source = tmp_path / "out", tmp_path / "plan.txt"
    source.write_text("\n".join(PLAN_LINES) + "\n", encoding="utf-8")
    for attempt in range(TRIES):
        runs = [_start(source, out, "json,html"), _start(source, out, "json,csv")]  # the stamp must follow both
        ended = [(run.wait(timeout=300), run.stderr.read()) for run in runs]
        assert ended == [(0, ""), (0, "")], attempt
        folder = out / "plan"
        stamp = json.loads((folder / ".polyplan.json").read_text(encoding="utf-8"))
        files = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
        assert files == ["activities.csv", "plan.json", "review.html"], attempt
        assert (stamp["outputs"], stamp["formats"]) == (files, ["csv", "html", "json"]), attempt
        assert json.loads((folder / "plan.json").read_text(encoding="utf-8"))["name"] == "plan", attempt
        assert sorted(p.name for p in out.iterdir()) == ["_batch.json", "plan"], attempt  # nothing hidden left


def test_a_live_runs_temporary_folder_is_not_a_leftover(tmp_path):
    folder = tmp_path / "plan"
    live = tmp_path / f".plan.{os.getppid()}.abc123.tmp"  # a running process (pytest's parent)
    dead = tmp_path / ".plan.999999999.abc123.tmp"  # no such process
    old = tmp_path / ".plan.abc123.tmp"  # an older polyplan's name, without its process
    for leftover in (live, dead, old):
        leftover.mkdir()
    remove_leftovers(folder)
    assert sorted(p.name for p in tmp_path.iterdir()) == [live.name]


def test_the_output_lock_is_re_entered_and_removed(tmp_path):
    folder = tmp_path / "plan"
    with output_lock(folder):
        assert (tmp_path / ".plan.lock").exists()
        with output_lock(folder):  # the batch holds it around plan_to_files, which takes it too
            pass
    assert list(tmp_path.iterdir()) == []
