"""The check registry: stable, unique, documented codes."""
from __future__ import annotations

import regex

from pipeline.check import CHECKS, SEVERITIES


def test_codes_unique_documented_and_well_formed():
    assert list(CHECKS) == ["GARBLED_TEXT", "NO_STRUCTURE", "UNPARSED_TEXT", "COVERAGE", "NUM_DUPLICATE", "MIXED_SCRIPT"]
    for code, check in CHECKS.items():
        assert regex.fullmatch(r"[A-Z][A-Z0-9_]+", code)
        assert check.severity in SEVERITIES
        assert check.doc and check.doc.endswith(".")


def test_readme_documents_every_code():
    from .conftest import ROOT
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for code in CHECKS:
        assert f"`{code}`" in readme
