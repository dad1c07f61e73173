"""Every lexicon file, one by one: it loads, says what polyplan reads, and its patterns work.

A language is added by adding a file (``pipeline/lexicon/<code>.toml``); these tests run
over whatever files are there, so a new one is checked without touching this module.
"""
from __future__ import annotations

import tomllib

import pytest

from pipeline.lexicon import COLUMNS, LEXICON_DIR, LexiconError, check_shape, load_lexicons

FILES = sorted(p for p in LEXICON_DIR.glob("*.toml") if p.stem not in ("common", "agencies"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_file_holds_only_known_tables_and_keys(path):
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    check_shape(data, path.name)  # raises on a typo
    assert data["code"] in load_lexicons()


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_field_has_a_column_vocabulary_and_labels(path):
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert set(data["columns"]) == set(COLUMNS)
    assert {"indicators", "agencies", "period"} <= set(data["labels"])
    lex = load_lexicons()[data["code"]]
    for field in ("activity", "agencies", "period"):
        for entry in data["columns"][field]:
            assert lex.match_column(entry) == field, (field, entry)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_period_words_read_a_quarter_and_a_year(path):
    from pipeline.periods import text_to_period

    data = tomllib.loads(path.read_text(encoding="utf-8"))
    lex = load_lexicons()[data["code"]]
    quarter = data["periods"]["quarter"][0].split("(")[0]
    period = text_to_period(f"2024 IV {quarter}", lex)
    assert (period.start, period.end, period.start_month, period.end_month) == (2024, 2024, 10, 12)


def test_a_typo_names_the_file_table_and_key(tmp_path):
    with pytest.raises(LexiconError, match=r"^xx.toml: unknown key 'agencys' in \[labels\]"):
        check_shape({"code": "xx", "labels": {"agencys": ["Responsible"]}}, "xx.toml")
    with pytest.raises(LexiconError, match=r"^xx.toml: unknown table or key 'column'"):
        check_shape({"code": "xx", "column": {"agencies": ["Responsible"]}}, "xx.toml")
    with pytest.raises(LexiconError, match=r"^xx.toml: no language code"):
        check_shape({"labels": {}}, "xx.toml")
