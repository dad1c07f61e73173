"""Stage 5 — check: the registry of consistency checks over a plan.

Each check is registered with its stable code and severity; the first line of its
docstring is what a user reads.  Registration order is run order.

>>> list(CHECKS)[:3]
['GARBLED_TEXT', 'NO_STRUCTURE', 'UNPARSED_TEXT']
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator

import regex

from .model import Finding, Location, Plan, Version

SEVERITIES = ("info", "warning", "error")


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
    """A source's text layer is largely glyphs without Unicode meaning (fonts without a Unicode map)."""
    for index, source in enumerate(plan.sources):
        if source.chars and source.garbled_chars >= GARBLED_SHARE * source.chars:
            share = source.garbled_chars / source.chars
            yield Finding(code, severity, "*", (), (
                f"{source.path}: {source.garbled_chars} of {source.chars} characters ({share:.0%}) have no "
                "Unicode meaning; the text layer is unreliable (fonts without a Unicode map) and needs OCR"),
                ({"file": index, "garbled_chars": source.garbled_chars, "chars": source.chars},))


@check("NO_STRUCTURE", "warning")
def no_structure(plan: Plan, code: str, severity: str) -> Iterator[Finding]:
    """No plan structure (parts, sections, activities) was recognised in a language version."""
    for version in plan.versions:
        if not any(True for _ in version.activities()) and not version.parts:
            yield Finding(code, severity, version.lang, (), (
                f"no parts, sections or activities recognised in the '{version.lang}' version; "
                "its text is kept as preamble"))
    if not plan.versions:
        yield Finding(code, severity, "*", (), "no language version recognised; all text is unparsed")


@check("UNPARSED_TEXT", "warning")
def unparsed_text(plan: Plan, code: str, severity: str) -> Iterator[Finding]:
    """Text inside a language version could not be placed in the plan structure."""
    by_lang: dict[str, list] = {}
    for loose in plan.unparsed:
        by_lang.setdefault(loose.lang or "*", []).append(loose)
    for lang, items in by_lang.items():
        chars = sum(len(i.text) for i in items)
        yield Finding(code, severity, lang, (), f"{len(items)} paragraph(s), {chars} characters unparsed",
                      tuple({"text": i.text[:200], "source": i.source.to_dict()} for i in items[:20]))


@check("COVERAGE", "error")
def coverage(plan: Plan, code: str, severity: str) -> Iterator[Finding]:
    """Not every character of the sources was accounted for in the result."""
    cov = plan.coverage
    if cov.source_chars != cov.accounted_chars:
        yield Finding(code, severity, "*", (), (
            f"{cov.accounted_chars} of {cov.source_chars} non-whitespace source characters accounted for"))


@check("NUM_DUPLICATE", "error")
def num_duplicate(plan: Plan, code: str, severity: str) -> Iterator[Finding]:
    """The same printed activity number appears more than once in one language version."""
    for version in plan.versions:
        by_number: dict[str, list] = {}
        for act in version.activities():
            if act.number:
                by_number.setdefault(act.number, []).append(act)
        for number, acts in by_number.items():
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
    for part in version.parts:
        for node in (part, *part.sections):
            yield node.id, node.heading or "", node.source
            for item in node.needs + node.aims + node.objectives:
                yield node.id, item.text, item.source
            for act in getattr(node, "activities", ()):
                yield act.id, act.text, act.source
                for f in act.fields:
                    yield act.id, f.value, f.source


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


def plan_to_findings(plan: Plan) -> tuple[Finding, ...]:
    """Run every registered check, in registration order."""
    return tuple(f for c in CHECKS.values() for f in c.run(plan))
