"""Implementation periods normalised from printed text, with each language's period words."""
from __future__ import annotations

import pytest

from pipeline.lexicon import lexicon_for
from pipeline.periods import text_to_period


@pytest.mark.parametrize("lang, raw, start, end, kind, start_month, end_month", [
    ("tk", "2020–2022-nji ýyllar", 2020, 2022, "range", None, None),
    ("tk", "2020-nji ýyl", 2020, 2020, "single", None, None),
    ("tk", "2021-nji ýylyň dowamynda", 2021, 2021, "single", None, None),
    ("tk", "2023-nji ýylyň 4-nji çärýegine çenli", None, 2023, "by", None, 12),
    ("tk", "2022-nji ýylyň ikinji ýarym ýyly", 2022, 2022, "single", 7, 12),
    ("tk", "Hemişe", None, None, "ongoing", None, None),
    ("tk", "Her ýyl", None, None, "recurring", None, None),
    ("ru", "2020-2022 года", 2020, 2022, "range", None, None),
    ("ru", "2020 год", 2020, 2020, "single", None, None),
    ("ru", "Второе полугодие 2023 года", 2023, 2023, "single", 7, 12),
    ("ru", "1 квартал 2023 года", 2023, 2023, "single", 1, 3),
    ("ru", "II-III кварталы 2021 года", 2021, 2021, "single", 4, 9),
    ("ru", "не позднее 4 квартала 2023 года", None, 2023, "by", None, 12),
    ("ru", "до 2024 года", None, 2024, "by", None, None),
    ("ru", "с 2021 до 2023 года", 2021, 2023, "range", None, None),
    ("ru", "Март-июнь 2021 года", 2021, 2021, "single", 3, 6),
    ("ru", "Постоянно", None, None, "ongoing", None, None),
    ("ru", "Ежемесячно", None, None, "recurring", None, None),
    ("ru", "1 раз в квартал", None, None, "recurring", None, None),
    ("ru", "Ежегодно, 2020-2022 годы", 2020, 2022, "recurring", None, None),
    ("en", "2020-2022.", 2020, 2022, "range", None, None),
    ("en", "2021 - 2022", 2021, 2022, "range", None, None),
    ("en", "2020 to 2022", 2020, 2022, "range", None, None),
    ("en", "by Q4 2023", None, 2023, "by", None, 12),
    ("en", "First half of 2022", 2022, 2022, "single", 1, 6),
    ("en", "September 2021", 2021, 2021, "single", 9, 9),
    ("en", "annually", None, None, "recurring", None, None),
    ("en", "Ongoing", None, None, "ongoing", None, None),
    ("en", "As needed", None, None, "unknown", None, None),
    ("ky", "2023-жылдын IV чейрегине чейин", None, 2023, "by", None, 12),
    ("kk", "2023 жылдың 1 тоқсаны", 2023, 2023, "single", 1, 3),
    ("kk", "2021 жылдан 2023 жылға дейін", 2021, 2023, "range", None, None),  # [periods] range: "…дан … дейін"
    ("tk", "2020-nji ýyldan 2022-nji ýyla çenli", 2020, 2022, "range", None, None),
    ("en", "2021 through 2023", 2021, 2023, "range", None, None),
    ("ru", "до 10.07.2023", None, 2023, "by", None, 7),
    ("en", "2021, 4th trimester", 2021, 2021, "single", 10, 12),
    ("uz-Cyrl", "2024 йил 1 декабргача", None, 2024, "by", None, 12),
])
def test_periods(lang, raw, start, end, kind, start_month, end_month):
    period = text_to_period(raw, lexicon_for(lang))
    assert (period.raw, period.start, period.end, period.kind, period.start_month, period.end_month) == (
        raw, start, end, kind, start_month, end_month)


def test_without_period_words_only_years_are_read():
    assert (text_to_period("Постоянно").kind, text_to_period("2020 to 2022").kind) == ("unknown", "range")


def test_reference_plan_periods(nap):
    kinds = {}
    for version in nap.versions:
        for activity in version.activities():
            key = (version.lang, activity.period.kind)
            kinds[key] = kinds.get(key, 0) + 1
    assert kinds == {(lang, kind): n for lang in ("tk", "ru", "en") for kind, n in (("range", 47), ("single", 2))}
