"""Plans of the next editions to come, from the lexicon files alone: an Uzbek (Latin) plan
in paragraphs and as a table (the ``uz`` lexicon, apostrophes), a Kazakh table plan.

Uzbek writes oʻ and gʻ with ʻ (U+02BB), and its separation mark with ʼ (U+02BC); typed text
has ' ‘ ’ instead, often mixed in one document. Labels, column headers and agency names
match whichever is printed; the printed text is kept as it is.
"""
from __future__ import annotations

from pathlib import Path

import docx

from pipeline.build import paths_to_plan

PLAN = """ODAM SAVDOSIGA QARSHI KURASHISH BOʻYICHA 2024–2026-YILLARGA MOʻLJALLANGAN HARAKATLAR REJASI

I boʻlim. Umumiy chora-tadbirlar

1.1-kichik boʻlim: Qonunchilik bazasini takomillashtirish

Maqsad: Odam savdosiga qarshi kurashish sohasidagi qonunchilikni xalqaro standartlarga muvofiqlashtirish.

Chora-tadbirlar:

1.1.1. Odam savdosiga qarshi kurashish toʻgʻrisidagi qonunchilikni tahlil qilish va takliflar tayyorlash.

Koʻrsatkichlar: Tayyorlangan tahliliy maʼlumotnoma.

Masʼul ijrochilar: Adliya vazirligi, Bosh prokuratura.

Amalga oshirish muddati: 2024-yil 1-dekabrgacha

1.1.2. Jabrlanuvchilarni aniqlash boʻyicha yoʻriqnomani ishlab chiqish.

Koʻrsatkichlar: Tasdiqlangan yoʻriqnoma.

Mas'ul ijrochilar: Ichki ishlar vazirligi.

Amalga oshirish muddati: 2025-yil IV chorak

1.2-kichik boʻlim: Xalqaro hamkorlik

1.2.1. Xalqaro tashkilotlar bilan qoʻshma seminarlar oʻtkazish.

Koʻrsatkichlar: Oʻtkazilgan seminarlar soni.

Masʼul ijrochilar: Tashqi ishlar vazirligi.

Amalga oshirish muddati: Doimiy ravishda
"""

ACTIVITIES = [
    ("1.1", "1.1.1", "Odam savdosiga qarshi kurashish toʻgʻrisidagi qonunchilikni tahlil qilish va takliflar tayyorlash.",
     ["justice-ministry", "general-prosecutor"], ("by", None, 2024, 12)),
    ("1.1", "1.1.2", "Jabrlanuvchilarni aniqlash boʻyicha yoʻriqnomani ishlab chiqish.",
     ["interior-ministry"], ("single", 2025, 2025, 12)),
    ("1.2", "1.2.1", "Xalqaro tashkilotlar bilan qoʻshma seminarlar oʻtkazish.",
     ["foreign-ministry"], ("ongoing", None, None, None)),
]


def _activities(plan) -> list[tuple]:
    (version,) = plan.versions
    return [(s.number, a.number, a.text, [g.id for g in a.agencies],
             (a.period.kind, a.period.start, a.period.end, a.period.end_month))
            for p in version.parts for s in p.sections for a in s.activities]


def test_uzbek_paragraph_plan(tmp_path):
    path = tmp_path / "reja.txt"
    path.write_text(PLAN, encoding="utf-8")
    plan = paths_to_plan([path], "reja")
    assert plan.languages == ("uz",)
    assert _activities(plan) == ACTIVITIES
    (version,) = plan.versions
    assert [(p.number, p.title) for p in version.parts] == [("I", "Umumiy chora-tadbirlar")]
    assert [i.text for i in version.parts[0].sections[0].aims] == [
        "Odam savdosiga qarshi kurashish sohasidagi qonunchilikni xalqaro standartlarga muvofiqlashtirish."]
    # the one label typed with ' is reported against the usual ʼ; no letter is out of the alphabet
    assert [(f.code, f.message) for f in plan.findings] == [
        ("LABEL_VARIANT", "label 'Mas'ul ijrochilar:' (1×) differs from the usual 'masʼul ijrochilar' (2×) for agencies")]
    assert (plan.unparsed, plan.coverage.source_chars) == ((), plan.coverage.accounted_chars)


def test_uzbek_table_plan_with_typed_apostrophes(tmp_path):
    """A table whose header is typed with ' and ’ (the lexicon writes ʼ and ʻ)."""
    path = _table_docx(tmp_path / "reja.docx", [
        "ODAM SAVDOSIGA QARSHI KURASHISH BO‘YICHA CHORA-TADBIRLAR REJASI", "I bo'lim. Umumiy chora-tadbirlar"], [
        ("T/r", "Chora-tadbirlar nomi", "Yakunlash shakli", "Mas'ul ijrochilar", "Ijro muddati"),
        ("1.1.1.", "Qonunchilikni tahlil qilish.", "Ma’lumotnoma.", "Adliya vazirligi", "2024-yil 1-dekabrgacha"),
        ("1.1.2.", "Yo‘riqnoma ishlab chiqish.", "Yo‘riqnoma.", "Ichki ishlar vazirligi", "2025-yil IV chorak")])
    plan = paths_to_plan([path], "reja")
    assert plan.languages == ("uz",)
    (version,) = plan.versions
    acts = [a for a in version.activities()]
    assert [(a.number, a.text, a.indicators, [g.id for g in a.agencies], a.period.kind, a.period.end_month)
            for a in acts] == [
        ("1.1.1", "Qonunchilikni tahlil qilish.", ("Ma’lumotnoma",), ["justice-ministry"], "by", 12),
        ("1.1.2", "Yo‘riqnoma ishlab chiqish.", ("Yo‘riqnoma",), ["interior-ministry"], "single", 12)]
    assert (plan.unparsed, plan.coverage.source_chars) == ((), plan.coverage.accounted_chars)


def _table_docx(path: Path, paragraphs: list[str], rows: list[tuple]) -> Path:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    table = document.add_table(rows=0, cols=len(rows[0]))
    for values in rows:
        for cell, value in zip(table.add_row().cells, values):
            cell.text = value
    document.save(str(path))
    return path


def test_kazakh_table_plan(tmp_path):
    path = _table_docx(tmp_path / "zhospar.docx", [
        "АДАМ САУДАСЫНА ҚАРСЫ ІС-ҚИМЫЛ ЖӨНІНДЕГІ 2024-2026 ЖЫЛДАРҒА АРНАЛҒАН ІС-ШАРАЛАР ЖОСПАРЫ",
        "1-бөлім. Жалпы шаралар"], [
        ("Р/с №", "Іс-шаралардың атауы", "Аяқталу нысаны", "Жауапты орындаушылар", "Орындау мерзімі"),
        ("1.", "Заңнамаға талдау жүргізу.", "Талдамалық анықтама.", "Әділет министрлігі, Бас прокуратура",
         "2024 жылғы желтоқсан"),
        ("2.", "Шекара қызметкерлерін оқыту.", "Оқытылған мамандар саны.", "Ішкі істер министрлігі",
         "2025 жылдың IV тоқсаны")])
    plan = paths_to_plan([path], "zhospar")
    assert plan.languages == ("kk",)
    (version,) = plan.versions
    assert [(p.number, p.title) for p in version.parts] == [("1", "Жалпы шаралар")]
    assert [(a.number, a.text, a.indicators, [g.id for g in a.agencies],
             (a.period.kind, a.period.start, a.period.start_month, a.period.end_month)) for a in version.activities()] == [
        ("1", "Заңнамаға талдау жүргізу.", ("Талдамалық анықтама",), ["justice-ministry", "general-prosecutor"],
         ("single", 2024, 12, 12)),
        ("2", "Шекара қызметкерлерін оқыту.", ("Оқытылған мамандар саны",), ["interior-ministry"],
         ("single", 2025, 10, 12))]
    assert (plan.unparsed, plan.findings) == ((), ())
    assert plan.coverage.source_chars == plan.coverage.accounted_chars


UZ_CYRL = """ОДАМ САВДОСИГА ҚАРШИ КУРАШИШ БЎЙИЧА 2024–2026 ЙИЛЛАРГА МЎЛЖАЛЛАНГАН ЧОРА-ТАДБИРЛАР РЕЖАСИ

I бўлим. Умумий чора-тадбирлар

Мақсад: Одам савдосига қарши курашиш соҳасидаги қонунчиликни халқаро стандартларга мувофиқлаштириш.

Чора-тадбирлар:

1.1.1. Одам савдосига қарши курашиш тўғрисидаги қонунчиликни таҳлил қилиш ва таклифлар тайёрлаш.

Кўрсаткичлар: Тайёрланган таҳлилий маълумотнома.

Масъул ижрочилар: Адлия вазирлиги, Бош прокуратура.

Амалга ошириш муддати: 2024 йил 1 декабргача

1.1.2. Жабрланувчиларни аниқлаш бўйича йўриқномани ишлаб чиқиш.

Кўрсаткичлар: Тасдиқланган йўриқнома.

Масъул ижрочилар: Ички ишлар вазирлиги.

Амалга ошириш муддати: 2025 йил IV чорак
"""


def test_uzbek_cyrillic_plan_from_its_lexicon_file(tmp_path):
    """Uzbek in Cyrillic (ў, ҳ are its own letters) is read from ``uz-cyrl.toml`` alone."""
    path = tmp_path / "reja.txt"
    path.write_text(UZ_CYRL, encoding="utf-8")
    plan = paths_to_plan([path], "reja")
    assert plan.languages == ("uz-Cyrl",)
    assert [(a.number, [g.id for g in a.agencies], (a.period.kind, a.period.start, a.period.end, a.period.end_month))
            for a in plan.versions[0].activities()] == [
        ("1.1.1", ["justice-ministry", "general-prosecutor"], ("by", None, 2024, 12)),
        ("1.1.2", ["interior-ministry"], ("single", 2025, 2025, 12))]
    assert plan.unparsed == ()
