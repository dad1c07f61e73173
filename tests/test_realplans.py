"""Real plans written by others (``../shared/realplans/``, read its README): exact values.

The documents are read from ``../shared/realplans/`` and never copied into the repository;
the module is skipped, with the reason, where that folder is absent (a user's fresh clone).
Every expected value below was read off the document by hand: the printed numbers of all
activities, and samples of responsible bodies and deadlines as printed.
"""
from __future__ import annotations

import pytest

from pipeline.build import paths_to_plan

from .conftest import ROOT

REALPLANS = ROOT.parent / "shared" / "realplans"
pytestmark = pytest.mark.skipif(not REALPLANS.is_dir(), reason=f"{REALPLANS} is absent (it is not part of the repository)")


def _seq(prefix: str, first: int, last: int) -> list[str]:
    return [f"{prefix}{n}" for n in range(first, last + 1)]


# file -> (language, printed activity numbers in reading order)
NUMBERS = {
    "kz_zakonoproekt_plan_2020_ru.pdf": ("ru", _seq("", 1, 17)),
    "kz_onir_zhumys_zhospary_2019_kk.pdf": ("kk", _seq("", 1, 7)),
    "kz_mazhilis_usynystar_2024_kk.docx": ("kk", _seq("1.", 1, 7) + _seq("2.", 1, 23) + _seq("3.", 1, 4)
                                           + _seq("4.", 1, 2) + _seq("5.", 1, 3) + ["6", "7"] + _seq("8.", 1, 4)
                                           + ["9"] + _seq("10.", 1, 3)),
    "by_mingas_plan_raboty_2023_ru.docx": ("ru", _seq("", 1, 28)),
    "am_nap_2021_en.pdf": ("en", _seq("1.", 1, 17) + _seq("2.", 1, 9)),
}

# (file, printed number) -> (responsible bodies as printed, deadline as printed)
SAMPLES = {
    ("kz_zakonoproekt_plan_2020_ru.pdf", "1"): (["МФ", "Бекетаев Р.Б."],
                                                "Минюст: Январь; Правительство: Январь; Парламент: Январь"),
    ("kz_zakonoproekt_plan_2020_ru.pdf", "16"): (["МЭГПР", "Нысанбаев Е.Н."],
                                                 "Минюст: Сентябрь; Правительство: Октябрь; Парламент: Декабрь"),
    ("kz_onir_zhumys_zhospary_2019_kk.pdf", "2"): (["Бектұрғанов С.Ш.", "Бортник М.М."], "II тоқсан"),
    ("kz_onir_zhumys_zhospary_2019_kk.pdf", "7"): (["Топ мүшелері Сенаттың баспасөз қызметімен бірігіп"],
                                                   "топ жұмысының жоспарына сәйкес"),
    ("kz_mazhilis_usynystar_2024_kk.docx", "1.1"): (["Қазақстан Республикасының Үкіметі"], None),
    ("kz_mazhilis_usynystar_2024_kk.docx", "10.2"): (["Облыс әкімдіктері"], None),
    ("by_mingas_plan_raboty_2023_ru.docx", "4"): (["Главный бухгалтер Манкевич Е.В."], "1 квартал 2023"),
    ("by_mingas_plan_raboty_2023_ru.docx", "9"): (
        ["Комиссия по противодействию коррупции УП «МИНГАЗ»",
         "рабочие группы по противодействию коррупции в филиале «Бубны» и филиале «ТБЗ «Сергеевичское»",
         "начальники структурных подразделений"], "постоянно"),
    ("am_nap_2021_en.pdf", "1.1"): (["Ministry of Environment of the RA",
                                     "Ministry of Territorial Administration and Infrastructures of the RA",
                                     "Ministry of Economy of the RA", "Ministry of Healthcare of the RA"],
                                    "2021, 4th trimester"),
    ("am_nap_2021_en.pdf", "2.9"): (["Urban Development Committee of the RA", "Ministry of Environment of the RA",
                                     "Ministry of Territorial Administration and Infrastructures of the RA"],
                                    "2024, 4th trimester"),
}


@pytest.fixture(scope="module")
def plans():
    return {name: paths_to_plan([REALPLANS / name], name) for name in NUMBERS}


@pytest.mark.parametrize("name", sorted(NUMBERS))
def test_every_activity_with_its_printed_number(plans, name):
    lang, numbers = NUMBERS[name]
    plan = plans[name]
    assert plan.languages == (lang,)
    assert [a.number for a in plan.version(lang).activities()] == numbers


@pytest.mark.parametrize("name, number", sorted(SAMPLES))
def test_sampled_bodies_and_deadlines(plans, name, number):
    lang, _ = NUMBERS[name]
    bodies, deadline = SAMPLES[name, number]
    (activity,) = [a for a in plans[name].version(lang).activities() if a.number == number]
    assert [a.name for a in activity.agencies] == bodies
    assert (activity.period.raw if activity.period else None) == deadline


# (file, printed number) -> the deadline normalised: (kind, start, end, start month, end month)
PERIODS = {
    # "на 2020 год" in the title: months printed without a year fall in 2020
    ("kz_zakonoproekt_plan_2020_ru.pdf", "16"): ("single", 2020, 2020, 9, 12),
    ("kz_onir_zhumys_zhospary_2019_kk.pdf", "2"): ("single", 2019, 2019, 4, 6),
    ("kz_onir_zhumys_zhospary_2019_kk.pdf", "4"): ("single", 2019, 2019, 10, 12),
    ("by_mingas_plan_raboty_2023_ru.docx", "1"): ("by", None, 2023, None, 7),
    ("by_mingas_plan_raboty_2023_ru.docx", "4"): ("single", 2023, 2023, 1, 3),
    ("by_mingas_plan_raboty_2023_ru.docx", "9"): ("ongoing", None, None, None, None),
    ("by_mingas_plan_raboty_2023_ru.docx", "28"): ("recurring", None, None, None, None),
    ("am_nap_2021_en.pdf", "1.1"): ("single", 2021, 2021, 10, 12),
}


@pytest.mark.parametrize("name, number", sorted(PERIODS))
def test_deadlines_normalised(plans, name, number):
    lang, _ = NUMBERS[name]
    (activity,) = [a for a in plans[name].version(lang).activities() if a.number == number]
    p = activity.period
    assert (p.kind, p.start, p.end, p.start_month, p.end_month) == PERIODS[name, number]


def test_abbreviations_spelled_out_by_the_documents_legend(plans):
    """The plan ends with "Примечание: расшифровка аббревиатур: МИИР – Министерство …", over
    two pages; every abbreviation of the agency column is spelled out, the printed one kept."""
    acts = list(plans["kz_zakonoproekt_plan_2020_ru.pdf"].version("ru").activities())
    bodies = {a.agencies[0].name: a.agencies[0].expanded for a in acts}
    assert bodies == {
        "МФ": "Министерство финансов Республики Казахстан",
        "МТСЗН": "Министерство труда и социальной защиты населения Республики Казахстан",
        "МКС": "Министерство культуры и спорта Республики Казахстан",
        "МИД": "Министерство иностранных дел Республики Казахстан",
        "МИИР": "Министерство индустрии и инфраструктурного развития Республики Казахстан",
        "МНЭ": "Министерство национальной экономики Республики Казахстан",
        "МО": "Министерство обороны Республики Казахстан",
        "МЭГПР": "Министерство экологии, геологии и природных ресурсов Республики Казахстан"}


def test_addressed_recommendations(plans):
    """Measures "2.1." … under "2. <ministry>:" are that ministry's; "6. <ministry> <measure>"
    is a measure of its own, addressed to the body it opens with; bullets continue 1.5."""
    version = plans["kz_mazhilis_usynystar_2024_kk.docx"].version("kk")
    acts = {a.number: a for a in version.activities()}
    assert [g.name for g in acts["2.23"].agencies] == ["Қазақстан Республикасының Ауыл шаруашылығы министрлігі"]
    assert [g.name for g in acts["6"].agencies] == ["Қазақстан Республикасының Сыртқы істер министрлігі"]
    assert [g.name for g in acts["7"].agencies] == ["Қазақстан Республикасы Су ресурстары және ирригация министрлігі"]
    assert acts["1.5"].text.splitlines()[1:] == [
        "- органдардың өнімнің сәйкестігін растау жөніндегі жауаптылығын арттыру;",
        "- соның негізінде сәйкестікті бағалау туралы құжаттар берілетін зерттеулер (сынақтар) хаттамаларын есепке алу;",
        "- техникалық реттеу саласындағы уәкілетті органға жарамсыздық мәртебесімен сәйкестікті бағалау туралы "
        "құжаттардың айналымын шектеу жөнінде шаралар қабылдау құқығын беру бөлігінде жетілдіру жөніндегі мәселелерді "
        "пысықтасын;"]
    assert [(s.number, s.title) for s in version.parts[0].sections][:2] == [
        ("1", "Қазақстан Республикасының Үкіметі"), ("2", "Қазақстан Республикасының Ауыл шаруашылығы министрлігі")]


@pytest.mark.parametrize("name", sorted(NUMBERS))
def test_nothing_lost(plans, name):
    plan = plans[name]
    assert plan.coverage.source_chars == plan.coverage.accounted_chars
