"""What the command prints (issue 18, item 6): a line per plan, --verbose, --quiet, progress for
one input on a terminal, bare usage, --format in any case, help without markup."""
from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios

import pytest

from .conftest import KYRGYZ, NAP, ROOT

pytestmark = pytest.mark.slow  # polyplan processes on a pseudo-terminal: `make test` runs them, `make test-fast` not



def nap_line(plan) -> str:
    """The summary line of the reference PDF: its findings counted per severity, worst first."""
    count = {sev: sum(1 for f in plan.findings if f.severity == sev) for sev in ("error", "warning", "info")}
    return (f"{NAP['pdf']}: nap-2020-2022-pdf: tk 49 activities, ru 49 activities, en 49 activities; "
            f"{len(plan.findings)} findings (" + ", ".join(f"{n} {sev}" for sev, n in count.items() if n)
            + "); coverage 97086/97086")


def polyplan(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def test_a_batch_prints_one_line_per_plan(nap_plans, tmp_path):
    result = polyplan("extract", NAP["pdf"], KYRGYZ, "--out", tmp_path, "--format", "json")
    assert result.returncode == 0 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[:2] == [nap_line(nap_plans["pdf"]),
                         f"{KYRGYZ}: kyrgyz-programme-2022-2025-txt: no versions; 1 findings (1 warning); "
                         "42 paragraphs or cells unparsed; coverage 11158/11158"]
    assert len(lines) == 3 and lines[2].startswith("batch: 2 inputs (2 done, 0 unchanged, 0 failed); 147 activities;")


def test_verbose_prints_every_finding_with_its_pages(nap_plans, tmp_path):
    result = polyplan("extract", NAP["pdf"], "--out", tmp_path, "--format", "json", "--verbose")
    lines = result.stdout.splitlines()
    assert lines[0] == nap_line(nap_plans["pdf"]) and len(lines) == 1 + len(nap_plans["pdf"].findings)
    assert ("  error NUM_MISMATCH [*] activity 1.3.1/3.3.1: printed numbers differ — tk 1.3.1; ru 3.3.1; en 3.3.1 "
            "(tk p. 12, ru p. 29, en p. 45)") in lines
    assert all(line.startswith(("  error ", "  warning ", "  info ")) for line in lines[1:])


def test_quiet_prints_nothing_and_the_exit_code_tells(tmp_path):
    result = polyplan("extract", KYRGYZ, "--out", tmp_path, "--quiet", "--fail-on", "warning")
    assert (result.returncode, result.stdout, result.stderr) == (1, "", "")
    failed = polyplan("extract", tmp_path / "missing.pdf", "--out", tmp_path, "--quiet")
    assert (failed.returncode, failed.stdout) == (3, "")
    assert failed.stderr == f"polyplan: error: {tmp_path / 'missing.pdf'}: no such file or folder\n"


def test_format_in_any_case(tmp_path):
    result = polyplan("extract", KYRGYZ, "--out", tmp_path, "--format", "JSON,Csv")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "kyrgyz-programme-2022-2025-txt").iterdir()) == [
        ".polyplan.json", "activities.csv", "plan.json"]


def test_bare_polyplan_prints_usage_with_extract():
    result = polyplan()
    assert (result.returncode, result.stdout) == (2, "")
    lines = result.stderr.splitlines()
    assert lines[:3] == ["usage: polyplan COMMAND [options]", "", "commands:"]
    assert any(line.startswith("  extract  extract plans to structured data   e.g. polyplan extract sources/* --out "
                               "output") for line in lines)


def test_help_has_no_raw_markup():
    result = polyplan("extract", "--help")
    assert result.returncode == 0
    assert "``" not in result.stdout and ":func:" not in result.stdout
    assert "\nExample: polyplan extract sources/* --out output\n" in result.stdout
    for option in ("--verbose", "--quiet", "--accept FILE", "--links FILE", "--country CC", "--date YYYY-MM-DD",
                   "--issuer NAME", "--tmx-srclang LANG", "--tmx-locale PAIRS", "--tmx-segment"):
        assert option in result.stdout


def _on_a_terminal(args: list[str]) -> bytes:
    """What ``polyplan args`` writes to stderr when stderr is a 120-column terminal."""
    main, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", *args], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=child)
    os.close(child)
    out = b""
    while True:
        ready, _, _ = select.select([main], [], [], 0.2)
        if ready:
            try:
                out += os.read(main, 4096)
            except OSError:  # the child closed the terminal
                break
        elif proc.poll() is not None:
            break
    proc.wait(timeout=300)
    os.close(main)
    return out


def test_one_input_shows_its_progress_on_a_terminal(tmp_path):
    out = _on_a_terminal(["extract", str(NAP["pdf"]), "--out", str(tmp_path), "--format", "json"])
    assert b"\rreading nap-2020-2022.pdf (53 pages): 00:00" in out
    assert b"error" not in out
