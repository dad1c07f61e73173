"""Stage 5 — check: the registry of consistency checks over a plan.

Each check is registered with its stable code and severity; the first line of its
docstring is what a user reads.  Registration order is run order.

>>> sorted(CHECKS)[:1]
['COVERAGE']
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator

from .model import Finding, Plan

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


def plan_to_findings(plan: Plan) -> tuple[Finding, ...]:
    """Run every registered check, in registration order."""
    return tuple(f for c in CHECKS.values() for f in c.run(plan))
