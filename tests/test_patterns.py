"""Layouts of real plans written by others, each generated in more than one language
(``tests/fixtures/patterns.py``): what a user gets from them, exactly."""
from __future__ import annotations

import pytest

from pipeline.build import paths_to_plan

from .fixtures import patterns


def _plan(path):
    return paths_to_plan([path], path.stem)


def _acts(plan):
    (version,) = plan.versions
    return list(version.activities())


def _codes(plan):
    return sorted({f.code for f in plan.findings})


@pytest.mark.parametrize("lang, deadlines, bodies, expanded", [
    ("ru", ["Минюст: Февраль; Правительство: Март; Парламент: Май",
            "Минюст: Апрель; Правительство: Июнь; Парламент: Сентябрь"],
     [["МЗ", "Иванов А.Б."], ["МФ", "Петров В.Г."]],
     ["Министерство здравоохранения Республики Казахстан", "Министерство финансов Республики Казахстан"]),
    ("kk", ["Әділет министрлігі: Ақпан; Үкімет: Наурыз; Парламент: Мамыр",
            "Әділет министрлігі: Сәуір; Үкімет: Маусым; Парламент: Қыркүйек"],
     [["ДСМ", "Ә.Е. Әбдіқадыров"], ["ҚМ", "Б.Б. Бекенов"]],
     ["Қазақстан Республикасының Денсаулық сақтау министрлігі", "Қазақстан Республикасының Қаржы министрлігі"]),
])
def test_header_over_subcolumns_and_column_numbers(tmp_path, lang, deadlines, bodies, expanded):
    plan = _plan(patterns.write_subcolumns(tmp_path, lang))
    assert plan.languages == (lang,)
    acts = _acts(plan)
    assert [(a.number, a.marker) for a in acts] == [("1", "1."), ("2", "2.")]
    assert [a.period.raw for a in acts] == deadlines
    # the title names 2021: months printed alone fall in it
    assert [(a.period.start, a.period.start_month, a.period.end, a.period.end_month) for a in acts] == [
        (2021, 2, 2021, 5), (2021, 4, 2021, 9)]
    assert [[g.name for g in a.agencies] for a in acts] == bodies
    assert [a.agencies[0].expanded for a in acts] == expanded
    labels = [(label.field, label.text) for label in plan.versions[0].parts[0].sections[0].labels]
    assert [text for field, text in labels if field == "column-number"] == [str(n) for n in range(1, 8)]
    assert plan.unparsed == ()
    assert plan.coverage.source_chars == plan.coverage.accounted_chars


@pytest.mark.parametrize("lang, kinds", [
    ("ru", [("single", 2022, 1, 3), ("single", 2022, 4, 6), ("ongoing", None, None, None)]),
    ("en", [("single", 2022, 1, 3), ("single", 2022, 4, 6), ("ongoing", None, None, None)]),
])
def test_table_without_header_read_by_its_content(tmp_path, lang, kinds):
    plan = _plan(patterns.write_headerless(tmp_path, lang))
    acts = _acts(plan)
    rows = patterns.HEADERLESS[lang]
    assert [(a.number, a.text) for a in acts] == [(r[0], r[1]) for r in rows]
    assert [[g.name for g in a.agencies] for a in acts] == [r[2].split(", ") for r in rows]
    assert [(a.period.kind, a.period.start, a.period.start_month, a.period.end_month) for a in acts] == kinds


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_narrative_report_with_contents_gives_no_activities(tmp_path, lang):
    plan = _plan(patterns.write_report(tmp_path, lang, measures=False))
    assert plan.versions == ()
    assert _codes(plan) == ["NO_STRUCTURE"]  # never a NUM_* finding on narrative
    assert len(plan.unparsed) == 10  # title, three lines of contents, two chapters of two paragraphs
    assert plan.coverage.source_chars == plan.coverage.accounted_chars


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_report_with_measures_table_gives_the_table_only(tmp_path, lang):
    plan = _plan(patterns.write_report(tmp_path, lang, measures=True))
    acts = _acts(plan)
    rows = patterns.REPORT[lang]["rows"]
    assert [(a.number, a.marker, a.text) for a in acts] == [
        (r[0][:3], r[0][:4], r[0][5:]) for r in rows]
    assert [[g.name for g in a.agencies] for a in acts] == [[r[2]] for r in rows]
    assert [a.period.raw for a in acts] == [r[3] for r in rows]
    assert not [c for c in _codes(plan) if c.startswith("NUM_")]
    # the numbered narrative is kept, outside the activities
    assert sum(u.text.startswith(("1. ", "2. ", "3. ", "4. ")) for u in plan.unparsed + plan.front_matter) == 4


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_actions_with_milestone_tables(tmp_path, lang):
    plan = _plan(patterns.write_milestones(tmp_path, lang))
    (version,) = plan.versions
    data = patterns.MILESTONES[lang]
    assert [(s.number, s.title) for s in version.parts[0].sections] == [
        (h.split()[1].rstrip("."), h.split(". ", 1)[1]) for h, _ in data["actions"]]
    acts = _acts(plan)
    expected = [row for _, rows in data["actions"] for row in rows]
    assert [(a.number, a.text) for a in acts] == [(r[0].split()[0], r[0].split(" ", 1)[1]) for r in expected]
    assert [a.period.raw for a in acts] == [r[3] for r in expected]
    assert [(a.period.start, a.period.end_month) for a in acts] == [(2023, 6), (2023, 12), (2024, 3)]
    assert [[(f.field, f.column, f.value) for f in a.fields if f.field == "other"] for a in acts][0] == [
        ("other", data["header"][2], expected[0][2])]
    assert _codes(plan) == []


@pytest.mark.parametrize("lang, first, third", [
    ("ru", "Правительству Республики Казахстан", "Министерству просвещения"),
    ("kk", "Қазақстан Республикасының Үкіметі", "Қазақстан Республикасының Оқу-ағарту министрлігі"),
])
def test_recommendations_grouped_by_addressee(tmp_path, lang, first, third):
    plan = _plan(patterns.write_addressees(tmp_path, lang))
    acts = _acts(plan)
    assert [a.number for a in acts] == ["1.1", "1.2", "2.1", "2.2", "3", "4.1"]
    assert [g.name for g in acts[0].agencies] == [first]
    assert [g.name for g in acts[4].agencies] == [third]
    bullets = [line[2:] for line in patterns.ADDRESSEES[lang].splitlines() if line.startswith("- ")]
    assert all(b in acts[2].text for b in bullets) and len(bullets) == 2  # its two bullets continue it
    assert plan.unparsed == ()
    assert not [c for c in _codes(plan) if c.startswith("NUM_")]


def test_rows_read_as_one_activity_are_reported(tmp_path):
    """A table whose number column was lost (rows merged into one activity) gets
    IMPLAUSIBLE_STRUCTURE with the evidence, not a silent structure."""
    import docx

    document = docx.Document()
    document.add_paragraph("ПЛАН МЕРОПРИЯТИЙ НА 2023 ГОД", style="Title")
    table = document.add_table(rows=0, cols=3)
    for values in [("Наименование мероприятия", "Срок исполнения", "Ответственные исполнители")] + [
            (f"провести мероприятие {n}", f"до {n:02d}.03.2023, затем ежеквартально по итогам работы комиссии", f"Отдел {n}, Служба {n}")
            for n in range(1, 10)]:
        for cell, value in zip(table.add_row().cells, values):
            cell.text = value
    path = tmp_path / "merged.docx"
    document.save(str(path))
    plan = _plan(path)
    (act,) = _acts(plan)  # every row goes on in lower case: read as one activity
    [finding] = [f for f in plan.findings if f.code == "IMPLAUSIBLE_STRUCTURE"]
    assert (finding.severity, finding.refs) == ("warning", (act.id,))
    assert finding.message == (f"activity {act.id} has 10 responsible bodies and a period of "
                               f"{len(act.period.raw)} characters: several rows or paragraphs were probably read as one")


@pytest.mark.parametrize("numbered", [False, True], ids=["units", "numbered-units"])
@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_numbering_restarts_under_each_unit(tmp_path, lang, numbered):
    """Numbered units make numbered sections; their activities' one-part numbers (1, 2, then 1,
    2, 3) count within the section: no NUM_OUT_OF_SECTION, no NUM_DUPLICATE."""
    plan = _plan(patterns.write_units(tmp_path, lang, numbered))
    (version,) = plan.versions
    data = patterns.UNITS[lang]
    assert [(s.number, s.title, [(a.number, a.text, [g.name for g in a.agencies]) for a in s.activities])
            for s in version.parts[0].sections] == [
        (str(k) if numbered else None, unit, [(r[0], r[1], [r[3]]) for r in rows])
        for k, (unit, rows) in enumerate(data["units"], 1)]
    assert not [c for c in _codes(plan) if c.startswith("NUM_")]  # 1, 2 then 1, 2, 3: no duplicates
    assert plan.unparsed == ()


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_costs_by_year_under_one_header(tmp_path, lang):
    plan = _plan(patterns.write_costs(tmp_path, lang))
    acts = _acts(plan)
    rows = patterns.COSTS[lang]["rows"]
    cost = patterns.COSTS[lang]["header"][5]
    assert [(a.number, a.text) for a in acts] == [(r[0].rstrip("."), r[1]) for r in rows]
    assert [[(f.field, f.column, f.value) for f in a.fields if f.field == "financing"] for a in acts][0] == [
        ("financing", f"{cost} / 2021", "12,5"), ("financing", f"{cost} / 2022", "3,0"),
        ("financing", f"{cost} / 2023", "3,0"), ("financing", patterns.COSTS[lang]["header"][8], rows[0][8])]
    assert [a.indicators for a in acts] == [(r[2],) for r in rows]
    assert [[g.name for g in a.agencies] for a in acts] == [r[3].split(", ") for r in rows]
    assert [(a.period.kind, a.period.end, a.period.end_month) for a in acts] == [("single", 2021, 12),
                                                                               ("recurring", None, None)]
    assert plan.unparsed == ()


@pytest.mark.parametrize("name, lead", [("milestones-en", ["Ministry of Finance", "Public Procurement Agency",
                                                            "Ministry of Justice", "Ministry of Digital Development"]),
                                        ("milestones-ru", ["Министерство финансов",
                                                            "Агентство по государственным закупкам",
                                                            "Министерство юстиции", "Министерство цифрового развития"])])
def test_typeset_milestone_tables_without_rules(name, lead):
    """Actions over whitespace-aligned milestone tables (PDF, no rules): each milestone an
    activity with its target date; the lead agency printed once under the action heading
    is the responsible body of its milestones."""
    plan = _plan(patterns.FILES / f"{name}.pdf")
    (version,) = plan.versions
    sections = version.parts[0].sections
    assert [(s.number, [a.number for a in s.activities]) for s in sections] == [
        ("1", ["1.1", "1.2", "1.3"]), ("2", ["2.1", "2.2"]), ("3", ["3.1", "3.2"]), ("4", ["4.1"])]
    assert [s.fields[0].value for s in sections] == lead
    assert [[g.name for g in a.agencies] for s in sections for a in s.activities] == [
        [lead[0]]] * 3 + [[lead[1]]] * 2 + [[lead[2]]] * 2 + [[lead[3]]]
    first = sections[0].activities[0].period
    assert (first.start, first.start_month) == (2021, 3)
    assert plan.unparsed == ()
    assert plan.coverage.source_chars == plan.coverage.accounted_chars


@pytest.mark.parametrize("name", ["filled-en", "filled-ru"])
def test_tables_of_filled_cells_without_rules(name):
    plan = _plan(patterns.FILES / f"{name}.pdf")
    (version,) = plan.versions
    assert [(s.number, [a.number for a in s.activities]) for s in version.parts[0].sections] == [
        ("1", ["1.1", "1.2"]), ("2", ["2.1", "2.2"])]
    first = next(version.activities())
    assert (len(first.agencies), first.period.start, first.period.start_month) == (3, 2024, 10)
    assert plan.unparsed == ()


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_annexed_matrix_of_unnumbered_activities(tmp_path, lang):
    """Rows without numbers nor final stops are activities of their own, not one activity;
    the objective merged down its rows stays with them as an 'other' field."""
    plan = _plan(patterns.write_matrix(tmp_path, lang))
    acts = _acts(plan)
    rows = patterns.MATRIX[lang]["rows"]
    assert [(a.number, a.text) for a in acts] == [(None, r[1]) for r in rows]
    assert [[g.name for g in a.agencies] for a in acts] == [[r[3]] for r in rows]
    assert [a.period.raw for a in acts] == [r[4] for r in rows]
    assert [a.indicators for a in acts] == [(r[2],) for r in rows]
    assert [[f.value for f in a.fields if f.field == "financing"] for a in acts] == [[r[5]] for r in rows]
    assert not [c for c in _codes(plan) if c.startswith("NUM_")]


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_cells_merged_down_hold_for_every_row(tmp_path, lang):
    """A body merged down over rows 1-3 and a period over rows 1-2 are theirs too, printed once."""
    plan = _plan(patterns.write_merged_down(tmp_path, lang))
    acts = _acts(plan)
    rows = patterns.MERGED_DOWN[lang]["rows"]
    assert [[g.name for g in a.agencies] for a in acts] == [[rows[0][2]]] * 3 + [[rows[3][2]]]
    assert [a.period.raw for a in acts] == [rows[0][3], rows[0][3], rows[2][3], rows[3][3]]
    assert [len(a.fields) for a in acts] == [2, 0, 1, 2]  # printed once, where it stands
    assert plan.coverage.source_chars == plan.coverage.accounted_chars


def test_printed_numbers_of_any_length_under_the_first_level(tmp_path):
    """1.1.999, 1.1.1000 and 1.1.1001 are activities with their numbers as printed."""
    text = ("ACTION PLAN 2024-2026\n\nPart I: Prevention\n\nSection 1.1: Awareness\n\nActivities:\n\n"
            + "".join(f"1.1.{n}. Hold information session number {n}.\n\nResponsible: Ministry of Education.\n\n"
                      for n in (999, 1000, 1001)))
    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    plan = _plan(path)
    assert [a.number for a in _acts(plan)] == ["1.1.999", "1.1.1000", "1.1.1001"]
    assert plan.unparsed == ()


@pytest.mark.parametrize("header", [("№", "", "Срок исполнения", "Ответственные"),
                                    ("№", "Что сделать", "Срок исполнения", "Ответственные")])
def test_activity_column_without_a_known_header_is_found_by_its_text(tmp_path, header):
    """A header cell left empty, or worded unlike the lexicon, over the column of running text."""
    import docx

    document = docx.Document()
    document.add_paragraph("ПЛАН МЕРОПРИЯТИЙ НА 2024 ГОД", style="Title")
    rows = [header, ("1", "Провести семинар для сотрудников полиции по выявлению жертв", "1 квартал 2024", "МВД"),
            ("2", "Издать памятку для трудовых мигрантов о безопасной миграции", "2 квартал 2024", "МТСЗН")]
    table = document.add_table(rows=0, cols=4)
    for values in rows:
        for cell, value in zip(table.add_row().cells, values):
            cell.text = value
    path = tmp_path / "plan.docx"
    document.save(str(path))
    plan = _plan(path)
    assert [(a.number, a.text, [g.name for g in a.agencies], a.period.raw) for a in _acts(plan)] == [
        (r[0], r[1], [r[3]], r[2]) for r in rows[1:]]
    assert plan.unparsed == ()


@pytest.mark.parametrize("lang, titles, first_bodies", [
    ("ru", ["Совершенствование законодательства", "Профилактика"], ["Министерство юстиции", "Министерство внутренних дел"]),
    ("kk", ["Заңнаманы жетілдіру", "Алдын алу"], ["Әділет министрлігі", "Ішкі істер министрлігі"])])
def test_numbered_titles_over_labelled_items(tmp_path, lang, titles, first_bodies):
    """"1. <title>" over "1.1. <measure>" with its labelled deadline and bodies: section 1 and
    its activities — the plain layout of many decrees' annexes."""
    plan = _plan(patterns.write_numbered_titles(tmp_path, lang))
    (version,) = plan.versions
    assert [(s.number, s.title, [a.number for a in s.activities]) for s in version.parts[0].sections] == [
        ("1", titles[0], ["1.1", "1.2"]), ("2", titles[1], ["2.1"])]
    acts = _acts(plan)
    assert [g.name for g in acts[0].agencies] == first_bodies
    assert [(a.period.kind, a.period.end) for a in acts] == [("single", 2024), ("single", 2025), ("recurring", None)]
    assert plan.unparsed == () and not [c for c in _codes(plan) if c.startswith("NUM_")]


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_activities_opened_by_their_own_word_under_arabic_chapters(tmp_path, lang):
    plan = _plan(patterns.write_named_activities(tmp_path, lang))
    (version,) = plan.versions
    lines = patterns.NAMED_ACTIVITIES[lang].splitlines()
    assert [(p.number, p.heading) for p in version.parts] == [("1", lines[4]), ("2", lines[11])]
    acts = _acts(plan)
    word = lines[5].split()[0]
    assert [(a.number, a.marker, a.text) for a in acts] == [
        (n, f"{word} {n}.", lines[k].split(" ", 2)[2]) for n, k in (("1.1", 5), ("1.2", 8), ("2.1", 12))]
    assert [a.period.raw for a in acts] == [lines[k].split(": ", 1)[1] for k in (7, 10, 14)]
    assert [len(a.agencies) for a in acts] == [len(lines[k].split(": ", 1)[1].replace(";", ",").split(",")) for k in (6, 9, 13)]
    # the title: in capitals, opening in capitals ("ПЛАН ДЕЙСТВИЙ по …"), or in small letters
    # naming a plan ("… іс-қимыл жоспары", [headings] plan)
    assert (version.title, plan.front_matter) == (lines[0], ())
    # the introduction's numbered paragraphs are no activities: they stay in the preamble
    assert [i.text for i in version.preamble] == [lines[1], lines[2].split(" ", 1)[1], lines[3].split(" ", 1)[1]]
    assert not [c for c in _codes(plan) if c.startswith("NUM_")] and plan.unparsed == ()


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_numbered_rows_with_only_a_title_head_the_rows_numbered_under_them(tmp_path, lang):
    plan = _plan(patterns.write_group_rows(tmp_path, lang))
    (version,) = plan.versions
    rows = patterns.GROUP_ROWS[lang]["rows"]
    assert [(s.number, s.title, [(a.number, a.text, [g.name for g in a.agencies], a.period.raw) for a in s.activities])
            for s in version.parts[0].sections] == [
        ("1", rows[0][1], [("1.1", rows[1][1], [rows[1][2]], rows[1][3]), ("1.2", rows[2][1], [rows[2][2]], rows[2][3])]),
        ("2", rows[3][1], [("2.1", rows[4][1], [rows[4][2]], rows[4][3])])]
    assert not [c for c in _codes(plan) if c.startswith("NUM_")] and plan.unparsed == ()


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_rows_numbered_in_roman_with_only_a_title_are_parts(tmp_path, lang):
    plan = _plan(patterns.write_part_rows(tmp_path, lang))
    (version,) = plan.versions
    rows = patterns.PART_ROWS[lang]["rows"]
    assert [(p.number, p.title, [(a.number, a.text, [g.name for g in a.agencies]) for s in p.sections for a in s.activities])
            for p in version.parts] == [
        (rows[0][0].rstrip("."), rows[0][1], [(r[0].rstrip("."), r[1], [r[2]]) for r in rows[1:3]]),
        (rows[3][0].rstrip("."), rows[3][1], [(rows[4][0].rstrip("."), rows[4][1], [rows[4][2]])])]
    assert plan.unparsed == ()


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_a_column_of_objectives_opens_a_section_per_objective(tmp_path, lang):
    plan = _plan(patterns.write_objective_column(tmp_path, lang))
    (version,) = plan.versions
    groups = patterns.OBJECTIVE_COLUMN[lang]["groups"]
    assert [([(o.number, o.text) for o in s.objectives],
             [(a.number, a.text, a.indicators, [g.name for g in a.agencies], a.period.raw) for a in s.activities])
            for s in version.parts[0].sections] == [
        ([tuple(objective.split(". ", 1))],  # paragraphs of the cell kept as lines
         [(*item[0].split(" ", 1), (item[1],), [item[2]], item[3]) for item in items]) for objective, items in groups]
    assert plan.unparsed == () and not [f for a in version.activities() for f in a.fields if f.field == "other"]
    assert plan.coverage.accounted_chars == plan.coverage.source_chars  # an objective on two lines counted once


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_numbered_objectives_group_the_activities_after_them(tmp_path, lang):
    plan = _plan(patterns.write_objective_paragraphs(tmp_path, lang))
    (version,) = plan.versions
    lines = patterns.OBJECTIVE_PARAGRAPHS[lang].splitlines()
    assert [([(o.number, o.text) for o in s.objectives], [a.number for a in s.activities])
            for p in version.parts for s in p.sections] == [
        ([("1", lines[3].split(": ", 1)[1])], ["1.1", "1.2"]), ([("2", lines[10].split(": ", 1)[1])], ["2.1"])]
    assert [p.objectives for p in version.parts] == [()] and plan.unparsed == ()
    assert [i.text for i in version.preamble] == lines[1:3]


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_sector_title_alone_in_its_row_heads_the_actions_under_it(tmp_path, lang):
    plan = _plan(patterns.write_sector_rows(tmp_path, lang))
    (version,) = plan.versions
    groups = patterns.SECTOR_ROWS[lang]["groups"]
    assert [(s.title, [(a.number, a.text, [g.name for g in a.agencies], a.period.raw, a.indicators) for a in s.activities])
            for s in version.parts[0].sections] == [
        (sector, [(None, item[0], [item[1]], item[2], (item[3],)) for item in items]) for sector, items in groups]
    assert plan.unparsed == ()
