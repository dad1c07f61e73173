"""Text layers whose glyphs map to the wrong letters (tests/fixtures/garbled_layers.py): a
Russian form read through Windows-1252 or KOI8-R, Cyrillic glyphs on Latin look-alikes, a
pre-Unicode Kazakh font.  Each is reported as GARBLED_TEXT, as unmapped glyphs are, and none
is taken for Turkmen or Uzbek (the Windows-1252 and KOI8-R pages used to be Turkmen plans)."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.build import paths_to_plan

from .fixtures.garbled_layers import KINDS, garbled_pdf

FILES = Path(__file__).resolve().parent / "fixtures" / "files"

EXPECTED = {  # kind: (chars, garbled chars, the languages its text is given)
    "cp1251": (540, 491, {None}),
    "koi8": (540, 491, {None}),
    "lookalike": (540, 479, {None}),
    "kazakh": (542, 263, {"kk"}),  # still Kazakh to read (9 letters of 42 wrong): Kazakh, with the warning
}


@pytest.mark.parametrize("kind", KINDS)
def test_garbled_text_layer_is_reported_and_never_turkmen_or_uzbek(kind):
    plan = paths_to_plan([FILES / f"garbled-{kind}.pdf"], kind)
    chars, garbled, languages = EXPECTED[kind]
    assert (plan.sources[0].chars, plan.sources[0].garbled_chars) == (chars, garbled)
    assert "GARBLED_TEXT" in {f.code for f in plan.findings}
    given = {loose.lang for loose in plan.front_matter + plan.unparsed + plan.back_matter} | set(plan.languages)
    assert given == languages
    assert not {"tk", "uz"} & set(plan.languages)


@pytest.mark.parametrize("kind", KINDS)
def test_committed_fixture_is_what_the_writer_writes(kind, tmp_path):
    assert garbled_pdf(tmp_path / "x.pdf", kind).read_bytes() == (FILES / f"garbled-{kind}.pdf").read_bytes()
