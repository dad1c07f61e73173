"""The reference plan (NAP of Turkmenistan 2020-2022) parsed from each source format."""
from __future__ import annotations

import pytest

NUMBERS = {
    # Printed exactly as in the source, errors included: the Turkmen text numbers two
    # activities 2.2.1 and section 3.3's activities 1.3.x; the Russian Part V ends 5.2.1-5.2.4.
    "tk": "1.1.1 1.1.2 1.1.3 1.1.4 1.1.5 1.2.1 1.2.2 1.2.3 1.2.4 1.3.1 1.3.2 1.3.3 1.3.4 1.3.5 1.3.6 1.3.7 "
          "2.1.1 2.1.2 2.1.3 2.2.1 2.2.1 2.2.2 3.1.1 3.1.2 3.1.3 3.1.4 3.2.1 3.2.2 3.2.3 "
          "1.3.1 1.3.2 1.3.3 1.3.4 1.3.5 4.1.1 4.1.2 4.1.3 4.2.1 4.2.2 4.2.3 4.3.1 4.3.2 "
          "5.1.1 5.1.2 5.1.3 5.1.4 5.1.5 5.1.6 5.1.7",
    "ru": "1.1.1 1.1.2 1.1.3 1.1.4 1.1.5 1.2.1 1.2.2 1.2.3 1.2.4 1.3.1 1.3.2 1.3.3 1.3.4 1.3.5 1.3.6 1.3.7 "
          "2.1.1 2.1.2 2.1.3 2.2.1 2.2.2 2.2.3 3.1.1 3.1.2 3.1.3 3.1.4 3.2.1 3.2.2 3.2.3 "
          "3.3.1 3.3.2 3.3.3 3.3.4 3.3.5 4.1.1 4.1.2 4.1.3 4.2.1 4.2.2 4.2.3 4.3.1 4.3.2 "
          "5.1.1 5.1.2 5.1.3 5.2.1 5.2.2 5.2.3 5.2.4",
}
NUMBERS["en"] = NUMBERS["ru"].replace("5.2.1 5.2.2 5.2.3 5.2.4", "5.1.4 5.1.5 5.1.6 5.1.7")
SECTIONS = "1.1 1.2 1.3 2.1 2.2 3.1 3.2 3.3 4.1 4.2 4.3".split()
# (needs, aims, objectives) per declared section, in order; then Part V's own lists.
COUNTS = {
    "tk": [(3, 1, 1), (5, 1, 0), (2, 1, 1), (2, 1, 1), (2, 1, 1), (1, 1, 1), (2, 1, 1), (3, 1, 1),
           (2, 1, 1), (2, 1, 1), (1, 1, 1)],
    "ru": [(3, 1, 1), (5, 1, 1), (2, 1, 1), (2, 1, 2), (2, 1, 1), (1, 1, 1), (2, 1, 1), (3, 1, 1),
           (2, 1, 1), (2, 1, 1), (1, 1, 1)],
    "en": [(3, 1, 1), (5, 1, 1), (2, 1, 1), (2, 1, 1), (2, 1, 1), (1, 1, 1), (2, 1, 1), (3, 1, 1),
           (2, 1, 1), (2, 1, 1), (1, 1, 1)],
}
# Part V: the Russian prints its second need broken in two, the second half numbered "3.".
PART5_COUNTS = {"tk": (2, 2, 1), "ru": (3, 2, 1), "en": (2, 2, 1)}
PART_TITLES = {
    "tk": ["UMUMY ÇÄRELER", "ÖŇÜNI ALMAK", "PIDALARA KÖMEK WE GOLDAW BERMEK", "DERÑEW WE KAZYÝET SELJERIŞI",
           "HALKARA HYZMATDAŞLYGY"],
    "ru": ["МЕРЫ ОБЩЕГО ХАРАКТЕРА", "ПРЕДОТВРАЩЕНИЕ", "ПОМОЩЬ И ПОДДЕРЖКА ЖЕРТВ",
           "РАССЛЕДОВАНИЕ И СУДЕБНОЕ ПРЕСЛЕДОВАНИЕ", "МЕЖДУНАРОДНОЕ СОТРУДНИЧЕСТВО"],
    "en": ["GENERAL MEASURES", "PREVENTION", "ASSISTANCE AND SUPPORT TO VICTIMS",
           "INVESTIGATION AND PROSECUTION", "INTERNATIONAL COOPERATION"],
}
TITLES = {
    "tk": "TÜRKMENISTANDA ADAM SÖWDASYNA GARŞY HEREKET ETMEK BOÝUNÇA 2020–2022-NJI ÝYLLAR ÜÇIN "
          "HEREKETLERIŇ MILLI MEÝILNAMASY",
    "ru": "НАЦИОНАЛЬНЫЙ ПЛАН ДЕЙСТВИЙ ТУРКМЕНИСТАНА ПО ПРОТИВОДЕЙСТВИЮ ТОРГОВЛЕ ЛЮДЬМИ НА 2020-2022 ГГ.",
    "en": "THE NATIONAL ACTION PLAN OF TURKMENISTAN ON COMBATING TRAFFICKING IN PERSONS FOR 2020-2022",
}
LANGS = ("tk", "ru", "en")


def acts(plan, lang):
    return list(plan.version(lang).activities())


def test_three_versions_in_order(nap):
    assert nap.languages == LANGS


@pytest.mark.parametrize("lang", LANGS)
def test_49_activities_with_printed_numbers(nap, lang):
    assert [a.number for a in acts(nap, lang)] == NUMBERS[lang].split()


@pytest.mark.parametrize("lang", LANGS)
def test_every_activity_has_all_fields(nap, lang):
    for a in acts(nap, lang):
        assert a.text and a.indicators and a.agencies, a.id
        assert a.period is not None and 2020 <= a.period.start <= a.period.end <= 2022, a.id


@pytest.mark.parametrize("lang", LANGS)
def test_parts_and_sections(nap, lang):
    version = nap.version(lang)
    assert [p.number for p in version.parts] == ["I", "II", "III", "IV", "V"]
    assert [p.title for p in version.parts] == PART_TITLES[lang]
    declared = [s for p in version.parts for s in p.sections if s.declared]
    assert [s.number for s in declared] == SECTIONS
    assert [(len(s.needs), len(s.aims), len(s.objectives)) for s in declared] == COUNTS[lang]
    part5 = version.parts[4]
    assert (len(part5.needs), len(part5.aims), len(part5.objectives)) == PART5_COUNTS[lang]
    [undeclared] = part5.sections
    assert (undeclared.declared, undeclared.number, undeclared.title) == (False, None, None)
    assert len(undeclared.activities) == 7


@pytest.mark.parametrize("lang", LANGS)
def test_titles(nap, lang):
    assert nap.version(lang).title == TITLES[lang]


def test_ids_unique_and_stable_despite_repeated_numbers(nap):
    ids = [a.id for lang in LANGS for a in acts(nap, lang)]
    assert len(ids) == len(set(ids)) == 147
    tk = acts(nap, "tk")
    assert [a.id for a in tk[19:21]] == ["tk-sec-2-2-act-2-2-1", "tk-sec-2-2-act-2-2-1-2"]
    assert tk[29].id == "tk-sec-3-3-act-1-3-1"
    assert acts(nap, "ru")[45].id == "ru-part-V-sec-nn-act-5-2-1"


def test_sentences_broken_across_paragraphs_are_joined(nap):
    tk = acts(nap, "tk")
    assert tk[44].text == (
        "Raýat awiasiýasynyň halkara guramasynyň (ICAO) talaplaryna laýyklykda, Ýolagçylar hakynda "
        "deslapky maglumatyň (ÝDM/API) ulgamyny ornaşdyrmak boýunça halkara tejribesini öwrenmek.")
    need = nap.version("tk").parts[1].sections[1].needs[0]
    assert "çärelerini geçirmek: durmuş mahabatynyň roliklerini ulanmak" in need.text
    assert need.marker == "1."
    assert nap.version("tk").notes[1].text.startswith(
        "Türkmenistanyň Hökümetiniň we halkara guramalarynyň arasyndaky hyzmatdaşlygyň çäklerinde adam söwdasyna")


def test_fields_labels_and_periods(nap):
    tk = acts(nap, "tk")
    assert tk[19].fields[-1].label == "Ýerine ýetirilmeli möhlet:"  # a label variant, kept as printed
    assert tk[9].period.raw == "2020–2021-nji ýyllar" and (tk[9].period.start, tk[9].period.end) == (2020, 2021)
    assert (tk[44].period.raw, tk[44].period.start, tk[44].period.end, tk[44].period.kind) == (
        "2020-nji ýyl", 2020, 2020, "single")
    ru = acts(nap, "ru")
    assert (ru[27].period.raw, ru[27].period.start, ru[27].period.end) == ("2020 год", 2020, 2020)
    en = acts(nap, "en")
    assert (en[44].period.raw, en[44].period.start) == ("2020.", 2020)
    assert en[1].indicators == ("Number of meetings held", "Number of participants",
                                "and Number of issues addressed")
    assert [g.name for g in en[1].agencies] == [
        "General Prosecutor's Office of Turkmenistan",
        "Ministries and Agencies of Turkmenistan - members of the Working Group"]
    assert [g.name for g in tk[0].agencies] == [
        "Türkmenistanda adam söwdasyna garşy hereket etmek boýunça Hereketleriň milli Meýilnamasyny "
        "durmuşa geçirmek boýunça Iş topary (şu ýerde we mundan beýläk – Iş topary)"]


def test_objectives_with_numbered_labels(nap):
    objectives = nap.version("ru").parts[1].sections[0].objectives
    assert [(o.label, o.number) for o in objectives] == [("Задача 1:", "1"), ("Задача 2:", "2")]


def test_notes(nap):
    assert [n.label for n in nap.version("tk").notes] == ["Bellik 1:", "Bellik 2:", "Bellik 3:"]
    assert [n.label for n in nap.version("ru").notes] == ["Примечание 1:", "Примечание 2:"]
    assert [n.label for n in nap.version("en").notes] == ["Note 1:", "Note 2:"]


def test_front_and_back_matter(nap):
    front = [f.text for f in nap.front_matter]
    assert front[0] == "TÜRKMENISTANDA ADAM SÖWDASYNA GARŞY"
    assert "Janym gurban saňa, erkana ýurdum," in front
    assert front[-1] == "Dünýä dursun, sen dur, Türkmenistanym!"
    back = nap.back_matter
    assert [b.lang for b in back[:5]] == ["tk", "tk", "tk", "tk", "ru"]
    assert back[0].text.startswith("Migrasiýa boýunça halkara guramasy (MHG)")
    assert back[-1].text == "Ashgabat"
    assert nap.unparsed == ()


def test_full_coverage(nap):
    assert nap.coverage.source_chars == nap.coverage.accounted_chars > 90000
    assert not [f for f in nap.findings if f.code in ("COVERAGE", "UNPARSED_TEXT", "NO_STRUCTURE")]


def test_repeated_numbers_are_reported_not_fixed(nap):
    found = [(f.severity, f.lang, f.refs) for f in nap.findings if f.code == "NUM_DUPLICATE"]
    assert found == [("error", "tk", (f"tk-sec-1-3-act-1-3-{n}", f"tk-sec-3-3-act-1-3-{n}")) for n in range(1, 6)] + [
        ("error", "tk", ("tk-sec-2-2-act-2-2-1", "tk-sec-2-2-act-2-2-1-2"))]


def test_words_mixing_latin_and_cyrillic_are_reported(nap):
    found = [(f.lang, f.refs, f.evidence[0]["word"], f.message) for f in nap.findings if f.code == "MIXED_SCRIPT"]
    assert found == [
        ("tk", ("tk-preamble-1",), "müdirliги", "'müdirliги' mixes Latin and Cyrillic letters: г U+0433, и U+0438"),
        ("tk", ("tk-note-1",), "müdirliги", "'müdirliги' mixes Latin and Cyrillic letters: г U+0433, и U+0438"),
        ("tk", ("tk-sec-2-1-act-2-1-2",), "çärelerе", "'çärelerе' mixes Latin and Cyrillic letters: е U+0435")]


def test_source_locations(nap_plans):
    first = {fmt: acts(plan, "tk")[0].source for fmt, plan in nap_plans.items()}
    assert (first["txt"].line, first["docx"].paragraph, first["pdf"].page) == (79, 45, 3)
    assert first["pdf"].bbox is not None
