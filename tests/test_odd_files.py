"""Odd PDFs and DOCX files (``tests/fixtures/odd.py``: the defects of public corpora of broken
files, generated) through the real command: each comes out as a plan or as one line naming
its reason, never an exception's name, within the timeout, with nothing else on stderr."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import ROOT
from .fixtures.odd import DOCX, PDF, write_all

pytestmark = pytest.mark.slow  # 60-odd broken files, each in its own process: `make test` runs them, `make test-fast` not

DAMAGED = "the PDF is damaged and could not be repaired (neither PDF reader opens it)"
BLANK = "the PDF's pages are blank: no text, no images"
FAILED = {
    "encrypt-unknown-handler.pdf": "encrypted PDF of a kind polyplan cannot open (not the standard password "
                                   "protection): ask for an unencrypted copy",
    "flate-garbage.pdf": "the PDF is damaged: what its pages show could not be read (broken content streams)",
    "no-contents.pdf": BLANK, "many-empty-pages.pdf": BLANK,
    "header-only.pdf": DAMAGED, "no-xref-no-trailer.pdf": DAMAGED, "trailer-without-root.pdf": DAMAGED,
    "kid-missing.pdf": "the PDF is damaged: page 2 could not be read",
    "page-tree-loop.pdf": "the PDF is damaged: page 2 could not be read",
    "invalid-xml.docx": "DOCX part word/document.xml is not well-formed XML (line 2)",
}
"""The odd files polyplan refuses, and the reason it gives; every other one comes out as a plan.  A
file one engine opens is read by it: PDFium reads encrypt-not-a-dict, prev-loop, no-mediabox,
mediabox-strings, rotate-not-a-number, nested-dictionary and the pdf.js encryption structures,
pdfplumber catalog-without-pages, root-is-an-array, font-size-zero and operators-without-operands."""
PLANTED = "Train labour inspectors"
WITHOUT_PLAN = {"empty-body.docx", "long-string.pdf"}  # their defect replaces the plan's text
NAMES = [f"{name}.pdf" for name in PDF] + [f"{name}.docx" for name in DOCX]


@pytest.fixture(scope="module")
def odd_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("odd")
    files = write_all(folder / "files")
    start = time.monotonic()
    run = subprocess.run([sys.executable, "-m", "pipeline", "extract", *map(str, files), "--out", str(folder / "out"),
                          "--format", "json", "--timeout", "60", "--workers", "2"],
                         cwd=ROOT, capture_output=True, text=True, timeout=900)
    batch = json.loads((folder / "out" / "_batch.json").read_text(encoding="utf-8"))
    return run, time.monotonic() - start, {Path(e["input"]).name: e for e in batch["inputs"]}, folder / "out"


def test_every_odd_file_is_a_plan_or_one_line(odd_run):
    run, seconds, records, _out = odd_run
    assert sorted(records) == sorted(NAMES)
    assert run.returncode == 3
    failed = [name for name, record in records.items() if record["status"] == "failed"]
    assert run.stderr.splitlines() == [f"polyplan: error: {records[name]['input']}: {records[name]['reason']}"
                                       for name in NAMES if name in failed]
    assert not [r for r in run.stderr.split() if r.endswith(("Error", "Exception", "Error:", "Exception:"))]
    assert seconds < 300  # no pattern runs into the 60 s --timeout


@pytest.mark.parametrize("name", NAMES)
def test_odd_file(name, odd_run):
    record = odd_run[2][name]
    assert (record["status"], record["reason"]) == (("failed", FAILED[name]) if name in FAILED else ("ok", None))
    if record["status"] == "ok" and name not in WITHOUT_PLAN:  # the text the defect was planted in is read
        assert PLANTED in (odd_run[3] / record["name"] / "plan.json").read_text(encoding="utf-8")
