"""Stage 5 — check: the registry of consistency checks over a plan.

Each check is registered with its stable code and severity; the first line of its
docstring is what a user reads.  Registration order is run order.

>>> list(CHECKS)[:3]
['GARBLED_TEXT', 'UNDECODABLE_BYTES', 'CONTROL_CHARS']
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Callable, Iterator

import regex

from .chars import CYRILLIC_LOOKALIKES
from .lexicon import lexicon_for
from .model import NO_STRUCTURE_REASON, SEVERITIES, Activity, Finding, Location, Plan, Version



@dataclass(frozen=True, slots=True)
class Check:
    code: str
    severity: str
    run: Callable[[Plan], Iterator[Finding]]

    @property
    def doc(self) -> str:
        return (self.run.__doc__ or "").strip().splitlines()[0]


CHECKS: dict[str, Check] = {}


def check(code: str, severity: str):
    """Register ``fn(plan, code, severity)`` as the check ``code``."""
    if severity not in SEVERITIES:
        raise ValueError(severity)

    def register(fn):
        if code in CHECKS:
            raise ValueError(f"duplicate check code {code}")

        def run(plan: Plan) -> Iterator[Finding]:
            return fn(plan, code, severity)
        run.__doc__ = fn.__doc__
        CHECKS[code] = Check(code, severity, run)
        return fn
    return register


GARBLED_SHARE = 0.05


@check("GARBLED_TEXT", "warning")
def garbled_text(plan: Plan, code: str, severity: str) -> Iterator[Finding]:
    """A source's text layer is largely glyphs without Unicode meaning, or letters of another code page or script (fonts without a Unicode map or with a wrong one)."""
    for index, source in enumerate(plan.sources):
        if source.chars and source.garbled_chars >= GARBLED_SHARE * source.chars:
            share = source.garbled_chars / source.chars
            yield Finding(code, severity, "*", (), (
                f"{source.path}: {source.garbled_chars} of {source.chars} characters ({share:.0%}) have no "
                "Unicode meaning or read as letters of another code page or script; the text layer is unreliable "
                "(fonts without a Unicode map, or with a wrong one) and needs OCR"),
                ({"file": index, "garbled_chars": source.garbled_chars, "chars": source.chars},))


@check("UNDECODABLE_BYTES", "warning")
def undecodable_bytes(plan: Plan, code: str, severity: str) -> Iterator[Finding]:
    """A text file holds bytes its encoding cannot decode: they are shown as U+FFFD."""
    for index, source in enumerate(plan.sources):
        if source.replaced:
            yield Finding(code, severity, "*", (), (
                f"{source.path}: {source.replaced} byte(s) could not be decoded as {source.encoding} and are shown "
                f"as U+FFFD"), ({"file": index, "encoding": source.encoding, "offsets": list(source.replaced_at)},))


@check("CONTROL_CHARS", "info")
def control_chars(plan: Plan, code: str, severity: str) -> Iterator[Finding]:
    """Control characters (pasted from another program) were taken out of the text."""
    for index, source in enumerate(plan.sources):
        if source.removed:
            chars = sorted({c for r in source.removed for c in r.chars})
            yield Finding(code, severity, "*", (), (
                f"{source.path}: control characters {', '.join(f'U+{c:04X}' for c in chars)} taken out at "
                f"{len(source.removed)} place(s)"),
                tuple({"file": index, "chars": [f"U+{c:04X}" for c in r.chars], "source": r.source.to_dict()}
                      for r in source.removed[:20]))


@check("UNREAD_CONTENT", "warning")
def unread_content(plan: Plan, code: str, severity: str) -> Iterator[Finding]:
    """Part of a file could not be read (an embedded object or a chunk of another format): it is not in the result."""
    for index, source in enumerate(plan.sources):
        if source.skipped:
            yield Finding(code, severity, "*", (), f"{source.path}: {len(source.skipped)} place(s) not read",
                          tuple({"file": index, "reason": s.reason, "source": s.source.to_dict()}
                                for s in source.skipped[:20]))


@check("MACRO_PACKAGE", "info")
def macro_package(plan: Plan, code: str, severity: str) -> Iterator[Finding]:
    """A Word template or a document with macros: its text was read, no macro ran."""
    for index, source in enumerate(plan.sources):
        if source.package in ("docm", "dotm", "dotx"):
            what = "a Word template" if source.package.startswith("dot") else "a Word document"
            macros = " with macros" if source.package.endswith("m") else ""
            yield Finding(code, severity, "*", (), f"{source.path}: {what}{macros}: its text was read, no macro ran",
                          ({"file": index, "package": source.package},))


OCR_DOUBTFUL = 80  # mean word confidence: clean scans read 90–96, a page degraded to 60 dpi 68 (pipeline.extract.ocr)


@check("OCR_LOW_CONFIDENCE", "warning")
def ocr_low_confidence(plan: Plan, code: str, severity: str) -> Iterator[Finding]:
    """A page recognised by OCR was read with low confidence: its text may hold misread words."""
    for index, source in enumerate(plan.sources):
        doubtful = [page for page in source.ocr if page.confidence < OCR_DOUBTFUL]
        for page in doubtful:
            yield Finding(code, severity, "*", (), (
                f"{source.path}: page {page.page} was read by OCR ({page.languages}) with a mean word confidence of "
                f"{page.confidence:.0f} (under {OCR_DOUBTFUL}): check its text against the scan"),
                ({"file": index, "page": page.page, "confidence": page.confidence, "languages": page.languages},))


@check("LEGACY_FONT", "info")
def legacy_font(plan: Plan, code: str, severity: str) -> Iterator[Finding]:
    """Text typed in a pre-Unicode Kazakh font was read as proper Kazakh letters (the text as extracted is kept in sources[].respelled)."""
    for index, source in enumerate(plan.sources):
        r = source.respelled
        if r is not None:
            before, after = r.example
            yield Finding(code, severity, "*", (), (
                f"{source.path}: {r.changed} characters in {len(r.raw)} paragraph(s) or cell(s) typed in {r.title} "
                f"read as Kazakh letters ({r.table}), e.g. «{before}» → «{after}»"),
                ({"file": index, "table": r.table, "changed": r.changed, "example": list(r.example),
                  "places": [raw.source.to_dict() for raw in r.raw[:20]]},))


@check("NO_STRUCTURE", "warning")
def no_structure(plan: Plan, code: str, severity: str) -> Iterator[Finding]:
    """No plan structure (no activity) was recognised in some text: it is all in unparsed."""
    by_lang: dict[str, list] = {}
    for loose in plan.unparsed:
        if loose.reason == NO_STRUCTURE_REASON:
            by_lang.setdefault(loose.lang or "*", []).append(loose)
    for lang, items in by_lang.items():
        yield Finding(code, severity, lang, (), (
            f"no activities recognised in the '{lang}' text; its {len(items)} paragraph(s) "
            "are in unparsed"), tuple({"text": i.text[:200], "source": i.source.to_dict()} for i in items[:5]))
    if not plan.versions and not by_lang:
        yield Finding(code, severity, "*", (), "no language version recognised; all text is outside the plan")


@check("UNPARSED_TEXT", "warning")
def unparsed_text(plan: Plan, code: str, severity: str) -> Iterator[Finding]:
    """Text inside a language version could not be placed in the plan structure."""
    by_lang: dict[str, list] = {}
    for loose in plan.unparsed:
        if loose.reason != NO_STRUCTURE_REASON:
            by_lang.setdefault(loose.lang or "*", []).append(loose)
    for lang, items in by_lang.items():
        chars = sum(len(i.text) for i in items)
        yield Finding(code, severity, lang, (), f"{len(items)} paragraph(s), {chars} characters unparsed",
                      tuple({"text": i.text[:200], "source": i.source.to_dict()} for i in items[:20]))


MAX_BODIES = 15  # responsible bodies of one activity: more is several table rows read as one
MAX_PERIOD = 160  # characters of a printed period: more is a paragraph, not a deadline


@check("IMPLAUSIBLE_STRUCTURE", "warning")
def implausible_structure(plan: Plan, code: str, severity: str) -> Iterator[Finding]:
    """The structure read looks wrong: an activity holds many rows' worth of bodies or a period longer than a sentence, or most of a table's rows are unparsed."""
    for version in plan.versions:
        for act in version.activities():
            period = act.period.raw if act.period else ""
            if len(act.agencies) > MAX_BODIES or len(period) > MAX_PERIOD:
                yield Finding(code, severity, version.lang, (act.id,), (
                    f"activity {act.number or act.id} has {len(act.agencies)} responsible bodies and a period of "
                    f"{len(period)} characters: several rows or paragraphs were probably read as one"),
                    ({"bodies": [a.name for a in act.agencies[:5]], "period": period[:200],
                      "source": act.source.to_dict()},))
    rows: dict[tuple, list[int]] = {}  # (file, table) -> [rows read as activities, rows left unparsed]
    for version in plan.versions:
        for act in version.activities():
            if act.source.table is not None:
                rows.setdefault((act.source.file, act.source.table), [0, 0])[0] += 1
    for loose in plan.unparsed:
        if loose.source.table is not None:
            rows.setdefault((loose.source.file, loose.source.table), [0, 0])[1] += 1
    for (file, table), (read, left) in rows.items():
        if left >= 3 and left > read:
            yield Finding(code, severity, "*", (), (
                f"table {table} of file {file}: {left} cell(s) unparsed against {read} row(s) read as activities: "
                "its columns were probably not understood"), ({"file": file, "table": table, "unparsed": left},))


@check("COVERAGE", "error")
def coverage(plan: Plan, code: str, severity: str) -> Iterator[Finding]:
    """Not every character of the sources was accounted for in the result."""
    cov = plan.coverage
    if cov.source_chars != cov.accounted_chars:
        yield Finding(code, severity, "*", (), (
            f"{cov.accounted_chars} of {cov.source_chars} non-whitespace source characters accounted for"))


@check("NUM_DUPLICATE", "error")
def num_duplicate(plan: Plan, code: str, severity: str) -> Iterator[Finding]:
    """The same printed activity number appears more than once in one language version (a flat number such as "3": in one section).

    Flat numbering restarts in each section (or part), so only hierarchical numbers are
    compared across the whole version."""
    for version in plan.versions:
        by_number: dict[tuple, list] = {}
        for section in version.sections():
            for act in section.activities:
                if act.number:
                    scope = section.id if len(_parts_of(act.number)) == 1 else None
                    by_number.setdefault((scope, act.number), []).append(act)
        for (_scope, number), acts in by_number.items():
            if len(acts) > 1:
                yield Finding(code, severity, version.lang, tuple(a.id for a in acts), (
                    f"activity number {number} is printed {len(acts)} times in the '{version.lang}' version"),
                    tuple({"id": a.id, "number": a.marker, "text": a.text[:120], "source": a.source.to_dict()}
                          for a in acts))


WORD = regex.compile(r"[\p{L}\p{M}]+")
LATIN, CYRILLIC = regex.compile(r"\p{Script=Latin}"), regex.compile(r"\p{Script=Cyrillic}")


def version_texts(version: Version) -> Iterator[tuple[str, str, Location | None]]:
    """(id of the nearest element, printed text, location) for every text of a version."""
    lang = version.lang
    yield f"{lang}-title", version.title or "", version.title_source
    for kind, items in (("preamble", version.preamble), ("note", version.notes)):
        for n, item in enumerate(items, start=1):
            yield f"{lang}-{kind}-{n}", item.text, item.source
    for node in version.nodes():
        if isinstance(node, Activity):
            yield node.id, node.text, node.source
            for f in node.fields:
                yield node.id, f.value, f.source
        else:
            yield node.id, node.heading or "", node.source
            for item in node.needs + node.aims + node.objectives:
                yield node.id, item.text, item.source


@check("MIXED_SCRIPT", "warning")
def mixed_script(plan: Plan, code: str, severity: str) -> Iterator[Finding]:
    """A word mixes Latin and Cyrillic letters (a look-alike letter typed in the wrong alphabet)."""
    for version in plan.versions:
        for ref, text, source in version_texts(version):
            for m in WORD.finditer(text):
                word = m.group()
                if LATIN.search(word) and CYRILLIC.search(word):
                    odd = CYRILLIC if len(LATIN.findall(word)) >= len(CYRILLIC.findall(word)) else LATIN
                    letters = [f"{ch} U+{ord(ch):04X}" for ch in word if odd.match(ch)]
                    yield Finding(code, severity, version.lang, (ref,), (
                        f"'{word}' mixes Latin and Cyrillic letters: {', '.join(letters)}"),
                        ({"word": word, "context": text[max(0, m.start() - 40): m.end() + 40],
                          "source": source.to_dict() if source else None},))


# --- numbering and structure within a version ------------------------------------------------

def _evidence(lang: str, element, **extra) -> dict:
    """What a finding shows of an element: its id, printed number, text and location."""
    out = {"lang": lang, "id": element.id}
    if getattr(element, "marker", None) is not None or getattr(element, "number", None) is not None:
        out["number"] = getattr(element, "marker", None) or element.number
    text = getattr(element, "text", None) or getattr(element, "heading", None)
    if text:
        out["text"] = text[:160]
    if element.source is not None:
        out["source"] = element.source.to_dict()
    out.update(extra)
    return out


def _sections(plan: Plan):
    for version in plan.versions:
        for part in version.parts:
            for section in part.sections:
                yield version, part, section


def _parts_of(number: str | None) -> list[str]:
    return number.split(".") if number else []


@check("NUM_OUT_OF_SECTION", "error")
def num_out_of_section(plan: Plan, code: str, severity: str) -> Iterator[Finding]:
    """An activity's printed number does not start with the number of the section it is printed in.

    A number of one component ("3") counts within its section, as tables that restart their
    numbering under each section print it, and is not judged."""
    for version, _part, section in _sections(plan):
        if not section.declared or not section.number:
            continue
        for act in section.activities:
            if len(_parts_of(act.number)) > 1 and _parts_of(act.number)[:-1] != _parts_of(section.number):
                yield Finding(code, severity, version.lang, (act.id, section.id), (
                    f"activity {act.number} is printed in section {section.number}"),
                    (_evidence(version.lang, act), _evidence(version.lang, section)))


def _follows(previous: list[str], current: list[str]) -> bool:
    """Is ``current`` the next number after ``previous`` (1.2.3 → 1.2.4, or 1.2.3 → 1.3.1)?"""
    if len(previous) != len(current) or not all(p.isdigit() for p in previous + current):
        return True  # other numbering schemes are not judged
    a, b = [int(p) for p in previous], [int(p) for p in current]
    if a[:-1] == b[:-1]:
        return b[-1] == a[-1] + 1
    return b[-1] == 1 and a[:-2] == b[:-2] and b[-2] == a[-2] + 1


@check("NUM_SEQUENCE", "warning")
def num_sequence(plan: Plan, code: str, severity: str) -> Iterator[Finding]:
    """Activity numbers in a section skip or go backwards (a repeated number is NUM_DUPLICATE)."""
    for version, _part, section in _sections(plan):
        for before, act in zip(section.activities, section.activities[1:]):
            if before.number and act.number and before.number != act.number and \
                    not _follows(_parts_of(before.number), _parts_of(act.number)):
                yield Finding(code, severity, version.lang, (before.id, act.id), (
                    f"activity {act.number} follows {before.number}"),
                    (_evidence(version.lang, before), _evidence(version.lang, act)))


@check("UNDECLARED_SECTION", "warning")
def undeclared_section(plan: Plan, code: str, severity: str) -> Iterator[Finding]:
    """Activities are numbered into a section that has no heading."""
    for version, part, section in _sections(plan):
        numbers = [a.number for a in section.activities if len(_parts_of(a.number)) >= 3]
        if section.declared or not numbers:
            continue
        prefixes = sorted({".".join(_parts_of(n)[:-1]) for n in numbers})
        yield Finding(code, severity, version.lang, (section.id, *(a.id for a in section.activities)), (
            f"{len(section.activities)} activities ({numbers[0]}–{numbers[-1]}) of part {part.number} are "
            f"numbered into section {', '.join(prefixes)}, which has no heading"),
            tuple(_evidence(version.lang, a) for a in section.activities))


def _form(node) -> str:
    """A heading without its number and title: the words and marks that frame them."""
    heading = (node.heading or "").rstrip(" :")  # "2. <addressee>:" frames its title with a colon
    if node.title and heading.endswith(node.title):
        heading = heading[: len(heading) - len(node.title)]
    heading = heading.replace(node.number or "\0", " ", 1)
    return " ".join(regex.findall(r"\p{L}+", heading.casefold()))


@check("HEADING_FORMAT", "warning")
def heading_format(plan: Plan, code: str, severity: str) -> Iterator[Finding]:
    """A part or section heading is worded unlike the version's other headings of its kind."""
    for version in plan.versions:
        for kind, nodes in (("part", [p for p in version.parts if p.heading]),
                            ("section", [s for s in version.sections() if s.declared and s.heading])):
            forms = Counter(_form(n) for n in nodes)
            if len(forms) < 2:
                continue
            usual, count = forms.most_common(1)[0]
            for node in nodes:
                if _form(node) != usual:
                    yield Finding(code, severity, version.lang, (node.id,), (
                        f"{kind} heading '{node.heading[:60]}' is not framed like the other {count} "
                        f"('{usual or '(no word)'}' around the number)"),
                        (_evidence(version.lang, node, usual=usual, form=_form(node)),))


def _labels(version: Version) -> Iterator[tuple[str, str, str, Location]]:
    """(field, printed label, id of its element, location) for every printed label with a colon."""
    for node in version.nodes():
        if isinstance(node, Activity):
            for f in node.fields:
                if f.label:
                    yield f.field, f.label, node.id, f.source
            continue
        for label in node.labels:
            yield label.field, label.text, node.id, label.source
        for name, items in (("needs", node.needs), ("aims", node.aims), ("objectives", node.objectives)):
            for item in items:
                if item.label:
                    yield name, item.label, node.id, item.source


def _label_form(label: str) -> str:
    return " ".join(regex.sub(r"\d+|:", " ", label).casefold().split())


@check("LABEL_VARIANT", "warning")
def label_variant(plan: Plan, code: str, severity: str) -> Iterator[Finding]:
    """A field label is worded unlike the version's usual label for that field."""
    for version in plan.versions:
        by_field: dict[str, list] = {}
        for name, label, ref, source in _labels(version):
            if label.rstrip().endswith(":"):
                by_field.setdefault(name, []).append((_label_form(label), label, ref, source))
        for name, uses in by_field.items():
            forms = Counter(form for form, *_ in uses)
            usual, count = forms.most_common(1)[0]
            for form in forms:
                if form == usual or forms[form] * 2 > count:
                    continue
                odd = [u for u in uses if u[0] == form]
                yield Finding(code, severity, version.lang, tuple(dict.fromkeys(u[2] for u in odd)), (
                    f"label '{odd[0][1]}' ({len(odd)}×) differs from the usual '{usual}' ({count}×) for {name}"),
                    tuple({"label": u[1], "id": u[2], "source": u[3].to_dict()} for u in odd))


BASIC_LATIN = frozenset("abcdefghijklmnopqrstuvwxyz")
LOOKALIKE = CYRILLIC_LOOKALIKES


def _odd_letters(word: str, alphabet: frozenset) -> list[str]:
    return [ch for ch in word if ch.isalpha() and ch.lower() not in alphabet and ch.lower() not in BASIC_LATIN]


def _latin_words(words: set[str]) -> set[str]:
    return {w for w in words if LATIN.search(w) and not CYRILLIC.search(w)}


LATIN_ONLY = regex.compile(r"\p{Script=Latin}+", regex.V1)


def _odd_word(word: str, lex, own, plain: frozenset, latin_words) -> str | None:
    """What is odd about ``word`` in a version of ``lex``'s language, or None."""
    if not word.isupper() and (set(word.lower()) <= plain or lex.loan_letters and LATIN_ONLY.fullmatch(word)):
        return None
    if LATIN.search(word) and CYRILLIC.search(word) or not own.search(word):
        return None  # mixed scripts: MIXED_SCRIPT; a word wholly in the other script: a quotation
    odd = _odd_letters(word, lex.alphabet)
    if odd:
        return f"letters outside the {lex.name} alphabet: " + ", ".join(f"{ch} U+{ord(ch):04X}" for ch in odd)
    lookalike = "".join(LOOKALIKE.get(ch, "?") for ch in word)
    if len(word) > 1 and "?" not in lookalike and lookalike in latin_words():
        return f"Cyrillic letters spelling the Latin '{lookalike}'"
    return None


MAX_PLACES = 50  # places of one odd word shown in its finding's evidence


@check("NONSTANDARD_CHAR", "warning")
def nonstandard_char(plan: Plan, code: str, severity: str) -> Iterator[Finding]:
    """A word holds letters outside its version's alphabet, or spells a Latin acronym in Cyrillic look-alikes.

    One finding per odd word of a version, with how often it is printed and every place."""
    texts = {v.lang: [(ref, text, source, WORD.findall(text)) for ref, text, source in version_texts(v)]
             for v in plan.versions}
    distinct = {lang: {w for *_, words in found for w in words} for lang, found in texts.items()}
    known: list = []

    def latin_words() -> set[str]:  # the plan's Latin words, which Cyrillic look-alikes may spell
        if not known:
            known.append(_latin_words(set().union(*distinct.values())))
        return known[0]
    for version in plan.versions:
        lex = lexicon_for(version.lang)
        if not lex.alphabet:
            continue
        own = CYRILLIC if lex.script == "Cyrl" else LATIN
        plain = lex.alphabet | BASIC_LATIN  # a word of these letters only, not all capitals, is fine
        odd = {w: what for w in sorted(distinct[version.lang]) if (what := _odd_word(w, lex, own, plain, latin_words))}
        places: dict[str, list] = {}
        for ref, text, source, words in texts[version.lang]:
            for word in dict.fromkeys(w for w in words if w in odd):
                places.setdefault(word, []).extend(
                    {"id": ref, "word": word, "context": text[max(0, m.start() - 40): m.end() + 40],
                     "source": source.to_dict() if source else None} for m in WORD.finditer(text) if m.group() == word)
        for word, shown in places.items():
            times = f"; printed {len(shown)} times" if len(shown) > 1 else ""
            yield Finding(code, severity, version.lang, tuple(dict.fromkeys(e["id"] for e in shown)),
                          f"'{word}' has {odd[word]}{times}", tuple(shown[:MAX_PLACES]))


# --- across versions, over the alignment -------------------------------------------------------
# pipeline/check_across.py holds these checks; importing it here registers them last, in its order.

from . import check_across  # noqa: E402,F401


def plan_to_findings(plan: Plan) -> tuple[Finding, ...]:
    """Run every registered check, in registration order."""
    return tuple(f for c in CHECKS.values() for f in c.run(plan))
