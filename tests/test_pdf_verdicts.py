"""True PDF verdicts (issue 21.11): the empty user password is tried, an encrypted attachment is
not an encrypted document, and a file or page is "damaged" only when both engines (PDFium and
pdfplumber) fail.  The structures are generated (``tests/fixtures/encryption.py``,
``tests/fixtures/odd.py``) and go through the real command."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.extract.pdf_open import DAMAGED, PASSWORD_NEEDED, PASSWORD_WRONG, UNKNOWN_ENCRYPTION, verdict

from .conftest import ROOT
from .fixtures.odd import PDF

FILES = Path(__file__).resolve().parent / "fixtures" / "files"
PLANTED = "Train labour inspectors"


def polyplan(*args):
    return subprocess.run([sys.executable, "-m", "pipeline", "extract", *map(str, args), "--format", "json"],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)


def _read(tmp_path: Path, name: str, *options: str) -> tuple[subprocess.CompletedProcess, str]:
    source = tmp_path / f"{name}.pdf"
    source.write_bytes(PDF[name]())
    run = polyplan(source, "--out", tmp_path / "out", "--force", *options)
    plan = tmp_path / "out" / f"{name}-pdf" / "plan.json"
    return run, plan.read_text(encoding="utf-8") if plan.exists() else ""


@pytest.mark.slow  # a process per file and engine
@pytest.mark.parametrize("name", ["aes256-empty-user-password", "attachment-only-aes256", "attachment-only-aes128"])
@pytest.mark.parametrize("password", [None, "not-the-password"])
def test_a_pdf_anyone_may_open_is_read_whatever_the_password(name, password, tmp_path):
    """pdf.js's corpus: AES-256 with an empty user password was "corrupt or truncated"; a file whose
    only encrypted part is an attachment (/EFF, the user password guarding the attachment alone)
    "needs a password".  A --password given for other files of the batch does not stop them."""
    run, plan = _read(tmp_path, name, *(["--password", password] if password else []))
    assert (run.returncode, run.stderr) == (0, "")
    assert PLANTED in plan
    assert json.loads(plan)["sources"][0]["format"] == "pdf"


def test_a_pdf_with_a_user_password_still_needs_it(tmp_path):
    encrypted = FILES / "encrypted.pdf"
    run = polyplan(encrypted, "--out", tmp_path)
    assert (run.returncode, run.stderr) == (3, f"polyplan: error: {encrypted}: {PASSWORD_NEEDED}\n")
    wrong = polyplan(encrypted, "--out", tmp_path, "--password", "guess")
    assert (wrong.returncode, wrong.stderr) == (3, f"polyplan: error: {encrypted}: {PASSWORD_WRONG}\n")


@pytest.mark.parametrize("name, refused_by", [("root-is-an-array", "PDFium"), ("catalog-without-pages", "PDFium"),
                                              ("no-mediabox", "pdfplumber"), ("prev-loop", "pdfplumber"),
                                              ("encrypt-not-a-dict", "pdfplumber")])
@pytest.mark.slow  # a process per file and engine
@pytest.mark.parametrize("engine", ["auto", "plumber"])
def test_a_pdf_one_engine_refuses_is_read_by_the_other(name, refused_by, engine, tmp_path):
    run, plan = _read(tmp_path, name, "--pdf-engine", engine)
    assert (run.returncode, run.stderr) == (0, ""), refused_by
    assert PLANTED in plan


@pytest.mark.parametrize("name", ["font-size-zero", "operators-without-operands"])
def test_a_page_without_text_in_pdfium_is_read_by_pdfplumber(name, tmp_path):
    """PDFium shows no text for glyphs drawn at size 0, or after operators without operands;
    pdfminer reads the text the page holds."""
    run, plan = _read(tmp_path, name)
    assert (run.returncode, run.stderr) == (0, "")
    assert PLANTED in plan


def test_verdicts_of_a_file_neither_engine_opens():
    assert verdict({"password", "damaged"}, None) == PASSWORD_NEEDED
    assert verdict({"damaged", "password"}, "guess") == PASSWORD_WRONG
    assert verdict({"security"}, None) == UNKNOWN_ENCRYPTION
    assert verdict({"damaged"}, "guess") == DAMAGED
