"""Implementation periods normalised from printed text."""
from __future__ import annotations

import pytest

from pipeline.periods import text_to_period


@pytest.mark.parametrize("raw, start, end, kind", [
    ("2020–2022-nji ýyllar", 2020, 2022, "range"),
    ("2020-nji ýyl", 2020, 2020, "single"),
    ("2020-2022 года", 2020, 2022, "range"),
    ("2020 год", 2020, 2020, "single"),
    ("2020-2022.", 2020, 2022, "range"),
    ("2021 - 2022", 2021, 2022, "range"),
    ("2020 to 2022", 2020, 2022, "range"),
    ("Постоянно", None, None, "unknown"),
])
def test_periods(raw, start, end, kind):
    period = text_to_period(raw)
    assert (period.raw, period.start, period.end, period.kind) == (raw, start, end, kind)
