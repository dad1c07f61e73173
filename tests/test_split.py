"""Cutting a document into language versions."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.build import paths_to_plan

FILES = Path(__file__).resolve().parent / "fixtures" / "files"

TK_PLAN = """TÜRKMENISTANDA ADAM SÖWDASYNA GARŞY HEREKET ETMEK BOÝUNÇA MEÝILNAMA

I bölüm. UMUMY ÇÄRELER

1.1 bölek: Kadalaşdyryjy binýat

Çäreler:

1.1.1. Türkmenistanyň kanunçylygyny seljermek.

Görkezijiler: Taýýarlanan hasabat.

Edaralar: Iş topary, Türkmenistanyň Baş prokuraturasy.

Ýerine ýetirilmeli möhleti: 2020–2022-nji ýyllar

НАЦИОНАЛЬНЫЙ ПЛАН ДЕЙСТВИЙ ТУРКМЕНИСТАНА

1.1.2. Okuw maslahatlaryny geçirmek.

Görkezijiler: Geçirilen çäreleriň sany.

Edaralar: Iş topary.

Ýerine ýetirilmeli möhleti: 2021-nji ýyl
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_russian_title_inside_a_turkmen_version_does_not_start_a_russian_version(tmp_path):
    plan = paths_to_plan([write(tmp_path, "tk.txt", TK_PLAN)], "tk")
    assert plan.languages == ("tk",)
    assert [a.number for a in plan.version("tk").activities()] == ["1.1.1", "1.1.2"]
    [stray] = plan.unparsed
    assert (stray.lang, stray.text, stray.source.line) == ("ru", "НАЦИОНАЛЬНЫЙ ПЛАН ДЕЙСТВИЙ ТУРКМЕНИСТАНА", 17)
    assert plan.coverage.source_chars == plan.coverage.accounted_chars
    assert [f.code for f in plan.findings] == ["UNPARSED_TEXT"]


def test_two_versions_in_one_file_any_order(tmp_path):
    ru = ("ПЛАН ДЕЙСТВИЙ\n\nЧасть I: МЕРЫ\n\nРаздел 1.1: БАЗА\n\nМероприятия:\n\n"
          "1.1.1 Анализ законодательства.\n\nИндикаторы: Отчет.\n\nВедомства: Рабочая группа.\n\n"
          "Сроки исполнения: 2020-2022 года\n")
    en = ("ACTION PLAN\n\nPart I: MEASURES\n\nSection 1.1: FRAMEWORK\n\nActivities:\n\n"
          "1.1.1 Analysis of the legislation.\n\nIndicators: Report.\n\nAgencies: Working Group.\n\n"
          "Implementation period: 2020-2022\n")
    plan = paths_to_plan([write(tmp_path, "p.txt", en + "\n" + ru)], "p")
    assert plan.languages == ("en", "ru")
    assert plan.version("ru").title == "ПЛАН ДЕЙСТВИЙ"
    assert [(a.text, a.period.start, a.period.end) for a in plan.version("ru").activities()] == [
        ("Анализ законодательства.", 2020, 2022)]
    assert plan.front_matter == plan.back_matter == plan.unparsed == ()


def test_one_file_per_language_makes_one_plan(tmp_path):
    folder = tmp_path / "plan"
    folder.mkdir()
    write(folder, "a.txt", TK_PLAN.replace("НАЦИОНАЛЬНЫЙ ПЛАН ДЕЙСТВИЙ ТУРКМЕНИСТАНА\n", ""))
    write(folder, "b.txt", "PLAN\n\nPart I: MEASURES\n\nSection 1.1: FRAMEWORK\n\nActivities:\n\n"
                           "1.1.1 Analysis.\n\nIndicators: Report.\n\nAgencies: Working Group.\n\nPeriod: 2020\n")
    plan = paths_to_plan(sorted(folder.iterdir()), "plan")
    assert plan.languages == ("tk", "en")
    assert [s.format for s in plan.sources] == ["text", "text"]
    assert plan.version("en").parts[0].sections[0].activities[0].source.file == 1


KY_RU = """КЫРГЫЗ РЕСПУБЛИКАСЫНДА АДАМ САТУУГА КАРШЫ ИШ-АРАКЕТТЕР ПЛАНЫ

I бөлүм. ЖАЛПЫ ЧАРАЛАР

1.1 бөлүмчө: Координациялоо

Иш-чаралар:

1.1.1. Жумушчу топтун жыйындарын өткөрүү жана мониторинг боюнча окутуу.

Индикаторлор: Өткөрүлгөн жыйындардын саны.

Жооптуу аткаруучулар: Ички иштер министрлиги, Башкы прокуратура.

Аткаруу мөөнөтү: 2023–2025-жылдар

ПЛАН ДЕЙСТВИЙ ПО ПРОТИВОДЕЙСТВИЮ ТОРГОВЛЕ ЛЮДЬМИ

Часть 1: ОБЩИЕ МЕРЫ

Раздел 1.1: Координация

Мероприятия:

1.1.1 Проведение заседаний рабочей группы и обучение мониторингу.

Индикаторы: Количество заседаний.

Ответственные исполнители: МВД, Генеральная прокуратура.

Сроки исполнения: 2023-2025 годы
"""


def test_a_language_added_as_a_lexicon_file_is_recognised(tmp_path):
    # Kyrgyz is known to polyplan only through pipeline/lexicon/ky.toml.
    plan = paths_to_plan([write(tmp_path, "ky-ru.txt", KY_RU)], "ky-ru")
    assert plan.languages == ("ky", "ru")
    [ky] = plan.version("ky").activities()
    assert (ky.number, ky.period.start, ky.period.end) == ("1.1.1", 2023, 2025)
    assert [a.name for a in ky.agencies] == ["Ички иштер министрлиги", "Башкы прокуратура"]
    assert plan.version("ru").parts[0].number == "1"
    assert plan.unparsed == ()


def test_same_language_text_after_the_last_version_is_back_matter(tmp_path):
    en = ("ACTION PLAN\n\nPart I: MEASURES\n\nSection 1.1: FRAMEWORK\n\nActivities:\n\n"
          "1.1.1 Analysis of the legislation.\n\nIndicators: Report.\n\nAgencies: Working Group.\n\n"
          "Implementation period: 2020-2022\n\nNote 1: Donor funds may be used for\n\nthe implementation.\n\n"
          "The International Organization for Migration (IOM) was founded in 1951.\n")
    plan = paths_to_plan([write(tmp_path, "en.txt", en)], "en")
    assert [n.text for n in plan.version("en").notes] == ["Donor funds may be used for the implementation."]
    assert [(b.text, b.source.line) for b in plan.back_matter] == [
        ("The International Organization for Migration (IOM) was founded in 1951.", 21)]
    assert plan.unparsed == ()


UNLABELLED = """NATIONAL ACTION PLAN ON MIGRATION 2024-2026

Part I: Prevention

Section 1.1: Awareness

1.1.1. Run a national information campaign on safe migration.
1.1.2. Publish a guide for labour migrants.

Section 1.2: Training

1.2.1. Train border officers on victim identification.
1.2.2. Train consular staff on assistance to migrants.

Approved by the Government on 1 March 2024.
"""


def test_a_plan_without_labels_keeps_its_last_sections_activities(tmp_path):
    """The last anchor is the heading "Section 1.2"; the numbered activities after it
    continue the version, the closing line after them is back matter."""
    plan = paths_to_plan([write(tmp_path, "plan.txt", UNLABELLED)], "plan")
    (version,) = plan.versions
    assert [(s.number, [a.number for a in s.activities]) for p in version.parts for s in p.sections] == [
        ("1.1", ["1.1.1", "1.1.2"]), ("1.2", ["1.2.1", "1.2.2"])]
    assert [b.text for b in plan.back_matter] == ["Approved by the Government on 1 March 2024."]
    assert (plan.unparsed, plan.coverage.source_chars) == ((), plan.coverage.accounted_chars)


FLAT = """ПЛАН МЕРОПРИЯТИЙ НА 2024-2025 ГОДЫ

Часть I: Общие меры

1. Провести анализ законодательства.
2. Подготовить методическое пособие.

Часть II: Защита

1. Открыть приют для пострадавших.
2. Обучить социальных работников.
3. Создать горячую линию.

Утверждено приказом от 1 марта 2024 года.
"""


def test_flat_numbered_activities_right_under_part_headings(tmp_path):
    """Numbered paragraphs right under a part heading are its activities (in an undeclared
    section); flat numbers restart per section, so they are not duplicates."""
    plan = paths_to_plan([write(tmp_path, "plan.txt", FLAT)], "plan")
    (version,) = plan.versions
    assert [[(s.declared, [(a.number, a.text) for a in s.activities]) for s in p.sections] for p in version.parts] == [
        [(False, [("1", "Провести анализ законодательства."), ("2", "Подготовить методическое пособие.")])],
        [(False, [("1", "Открыть приют для пострадавших."), ("2", "Обучить социальных работников."),
                  ("3", "Создать горячую линию.")])]]
    # two headings are too few anchors for the version's own bounds: the closing line stays unparsed
    assert [(u.text, u.reason) for u in plan.unparsed] == [
        ("Утверждено приказом от 1 марта 2024 года.", "not part of the plan structure")]
    assert [f.code for f in plan.findings] == ["UNPARSED_TEXT"]


ROMAN = """ПЛАН МЕРОПРИЯТИЙ ПО ПРОТИВОДЕЙСТВИЮ ТОРГОВЛЕ ЛЮДЬМИ НА 2024-2026 ГОДЫ

I. Совершенствование законодательства

1. Провести анализ законодательства в сфере противодействия торговле людьми.
Ответственные исполнители: Министерство юстиции, Генеральная прокуратура.
Срок исполнения: IV квартал 2024 года.

2. Разработать проект закона о защите жертв торговли людьми.
Ответственные исполнители: Министерство юстиции.
Срок исполнения: 2025 год.

II. Защита и помощь пострадавшим

1. Открыть приют для пострадавших от торговли людьми.
Ответственные исполнители: Министерство труда и социальной защиты населения.
Срок исполнения: не позднее 1 июля 2025 года.

Премьер-министр И. Иванов
"""


def test_parts_numbered_by_a_bare_roman_numeral(tmp_path):
    """"I. Title" parts (common.toml), flat-numbered activities with their labelled fields;
    the signature after them is back matter."""
    plan = paths_to_plan([write(tmp_path, "plan.txt", ROMAN)], "plan")
    assert plan.languages == ("ru",)
    (version,) = plan.versions
    assert [(p.number, p.title) for p in version.parts] == [
        ("I", "Совершенствование законодательства"), ("II", "Защита и помощь пострадавшим")]
    assert [[(a.number, [g.id for g in a.agencies], (a.period.kind, a.period.start, a.period.end, a.period.end_month))
             for s in p.sections for a in s.activities] for p in version.parts] == [
        [("1", ["justice-ministry", "general-prosecutor"], ("single", 2024, 2024, 12)),
         ("2", ["justice-ministry"], ("single", 2025, 2025, None))],
        [("1", ["labour-ministry"], ("by", None, 2025, 7))]]
    assert [b.text for b in plan.back_matter] == ["Премьер-министр И. Иванов"]
    assert (plan.unparsed, plan.findings) == ((), ())


@pytest.mark.parametrize("name", ["styled-headings.docx", "styled-headings.pdf"])
def test_numbered_headings_without_a_heading_word_and_fields_in_one_paragraph(name):
    """Parts and sections set as headings (Word heading styles; in the PDF LibreOffice printed,
    larger fonts) and numbered without a heading word ("1. Prevention", "1.1 Awareness
    raising"); two field labels in one paragraph (tests/fixtures/build.py)."""
    plan = paths_to_plan([FILES / name], "plan")
    (version,) = plan.versions
    assert [(p.number, p.title, [(s.number, s.title, [a.number for a in s.activities]) for s in p.sections])
            for p in version.parts] == [
        ("1", "Prevention", [("1.1", "Awareness raising", ["1.1.1"]), ("1.2", "Training", ["1.2.1", "1.2.2"])]),
        ("2", "Protection", [("2.1", "Shelters", ["2.1.1"])])]
    first = next(iter(version.activities()))
    assert [(f.field, f.label, f.value) for f in first.fields] == [
        ("agencies", "Responsible:", "Ministry of Internal Affairs."), ("period", "Deadline:", "2024.")]
    assert ([g.id for g in first.agencies], first.period.kind, first.period.end) == (["interior-ministry"], "single", 2024)
    assert (plan.unparsed, plan.findings, plan.coverage.source_chars) == ((), (), plan.coverage.accounted_chars)


TITLES = {
    # a title in capitals over a line that goes on in small letters: one title
    "two-lines": ("ПЛАН ДЕЙСТВИЙ\n\nпо реализации Программы развития здравоохранения на 2022-2026 годы",
                  "ПЛАН ДЕЙСТВИЙ по реализации Программы развития здравоохранения на 2022-2026 годы"),
    # a title whose first words are in capitals
    "one-line": ("ACTION PLAN for the implementation of the Health Programme 2022-2026",
                 "ACTION PLAN for the implementation of the Health Programme 2022-2026"),
}
BODY = {"two-lines": "Раздел 1. Первичная помощь\n\n1.1. Разработать стандарты.\n\nСрок: 2022 год.\n\n"
                     "Ответственные: Министерство здравоохранения.",
        "one-line": "Part 1. Primary care\n\n1.1. Develop standards.\n\nTimeframe: 2022.\n\nResponsible: Ministry of Health."}


@pytest.mark.parametrize("case", TITLES)
def test_title_opening_in_capitals_or_going_on_in_small_letters(tmp_path, case):
    head, title = TITLES[case]
    plan = paths_to_plan([write(tmp_path, f"{case}.txt", f"{head}\n\n{BODY[case]}\n")], case)
    (version,) = plan.versions
    assert (version.title, version.preamble, plan.front_matter) == (title, (), ())
    assert [a.number for a in version.activities()] == ["1.1"]


def test_a_cell_that_looks_like_another_language_stays_in_its_table_version():
    """A narrow column broke "Совершенствование законодательства" into pieces, one of which is
    the Uzbek "ва" (and): by itself the cell reads as Uzbek; inside the Russian table it
    stays in the Russian version instead of ending it."""
    from pipeline.model import Block, Location
    from pipeline.split import blocks_to_split

    cells = [["№", "Мероприятие", "Ответственные исполнители", "Срок исполнения"],
             ["1.", "Совершенствова ние законодательст ва"],
             ["1.1.", "Разработать проект закона о противодействии торговле людьми", "Минюст", "IV квартал 2024 года"]]
    blocks = [Block("ПЛАН МЕРОПРИЯТИЙ НА 2024 ГОД", Location(0, page=1, line=1))] + [
        Block(text, Location(0, page=1, table=1, row=r, cell=c))
        for r, row in enumerate(cells, 1) for c, text in enumerate(row, 1)]
    split = blocks_to_split(tuple(blocks))
    (version,) = split.versions
    assert (version.lang, [b.text for b in version.body][-3:], split.back) == (
        "ru", cells[2][1:], ())
