"""Language identification, Turkmen in particular (langdetect alone calls it Turkish)."""
from __future__ import annotations

import pytest

from pipeline.langid import identify

from .conftest import DATA


def test_turkmen_prose_is_identified_as_turkmen():
    # Real Turkmen prose (WHO pocket book, chapters 1-6), one paragraph a line.
    lines = [l.strip() for l in (DATA / "tk-who-pocketbook-ch01-06.txt").read_text(encoding="utf-8").splitlines()]
    paragraphs = [l for l in lines if l]
    assert len(paragraphs) == 2127
    hits = sum(identify(p) == "tk" for p in paragraphs)
    share = hits / len(paragraphs)
    print(f"Turkmen identified: {hits}/{len(paragraphs)} = {share:.2%}")
    assert share >= 0.99


@pytest.mark.parametrize("text, lang", [
    ("Edaralar: Iş topary.", "tk"),
    ("TÜRKMENISTANYŇ DÖWLET SENASY", "tk"),
    ("Сроки исполнения: 2020 год", "ru"),
    ("Indicators: Compiled list.", "en"),
    ("The UN Migration Agency", "en"),
    ("Agencies: Working Group.", "en"),
    ("2020-2022.", None),
    ("Пограничная служба", "ru"),
])
def test_short_paragraphs(text, lang):
    assert identify(text) == lang


@pytest.mark.parametrize("text, lang", [
    ("Жумушчу топтун жыйындарын өткөрүү жана мониторинг боюнча окутуу.", "ky"),
    ("Жұмыс тобының отырыстарын өткізу және мониторинг бойынша оқыту.", "kk"),
    ("Проведение заседаний рабочей группы и обучение мониторингу.", "ru"),
])
def test_central_asian_cyrillic(text, lang):
    assert identify(text) == lang
