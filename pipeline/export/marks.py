"""What the review page highlights: the words, digits, numbers, periods and agencies a
finding is about, found in its evidence.

A finding across versions shows each version's compared value (``printed_numbers``,
``digits_of_…``, ``periods``, ``agencies``); what a version holds that most of the
versions do not (with two versions: whatever differs) is marked in that version's cell — the
Russian "2019", "2021" against the Turkmen and English "2020", "2022".  A finding within a
version names its ``word`` or ``label``; a numbering finding marks the activity's number.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field

import regex

NUMBERED = {"NUM_DUPLICATE", "NUM_OUT_OF_SECTION", "NUM_SEQUENCE", "NUM_MISMATCH"}
DIGITS = regex.compile(r"\d+")


@dataclass(slots=True)
class Marks:
    """For one element: mark its printed number; the strings to mark anywhere in its cell; the
    agency ids whose names to mark; strings to mark only inside a given text (``scoped``)."""

    number: bool = False
    tokens: set[str] = field(default_factory=set)
    agencies: set[str] = field(default_factory=set)
    scoped: list[tuple[str, set[str]]] = field(default_factory=list)


def _minority(values: dict[str, set[str]]) -> dict[str, set[str]]:
    """Per language, the values that at most half of the languages hold."""
    held: dict[str, int] = {}
    for items in values.values():
        for item in items:
            held[item] = held.get(item, 0) + 1
    return {lang: {v for v in items if held[v] <= len(values) / 2} for lang, items in values.items()}


def _compared(finding: dict) -> tuple[str, dict[str, dict]] | None:
    """The evidence key a cross-version finding compares, and each element's evidence entry."""
    entries = {e["id"]: e for e in finding["evidence"] if isinstance(e, dict) and e.get("id") and e.get("lang")}
    for key in ("printed_numbers", "periods", "agencies"):
        if entries and all(key in e for e in entries.values()):
            return key, entries
    keys = {k for e in entries.values() for k in e if k.startswith("digits_of")}
    if len(keys) == 1 and entries:
        return keys.pop(), entries
    return None


def _tokens(key: str, value) -> set[str]:
    text = value if isinstance(value, str) else " ".join(map(str, value or ()))
    if key.startswith("digits_of"):
        return set(DIGITS.findall(text))
    if key == "agencies":
        return {t.strip() for t in text.strip("[]").split(",") if t.strip()}
    return {text}


def finding_marks(finding: dict, out: dict[str, Marks]) -> None:
    """Add what ``finding`` marks to ``out`` (element id → :class:`Marks`)."""
    compared = _compared(finding)
    if compared:
        key, entries = compared
        flagged = _minority({ref: _tokens(key, e[key]) for ref, e in entries.items()})
        for ref, tokens in flagged.items():
            if not tokens:
                continue
            marks = out.setdefault(ref, Marks())
            if key == "printed_numbers":
                marks.number = True
            elif key == "periods":
                marks.tokens.add(str(entries[ref].get("compared") or ""))
            elif key == "agencies":
                marks.agencies |= tokens
            elif entries[ref].get("compared"):
                marks.scoped.append((entries[ref]["compared"].split(" | ")[0][:60], tokens))
        return
    for entry in finding["evidence"]:
        token = entry.get("word") or entry.get("label") if isinstance(entry, dict) else None
        if token and finding["refs"]:
            out.setdefault(entry.get("id") or finding["refs"][0], Marks()).tokens.add(token)
    if finding["code"] in NUMBERED:
        for ref in finding["refs"]:
            if "-act-" in ref:
                out.setdefault(ref, Marks()).number = True


def plan_marks(findings: list[dict]) -> dict[str, Marks]:
    """Element id → what to mark in its cell, for every finding not accepted."""
    out: dict[str, Marks] = {}
    for finding in findings:
        if not finding.get("accepted"):
            finding_marks(finding, out)
    return out


def marked(text: str, tokens: set[str]) -> str:
    """``text`` escaped for HTML, each of ``tokens`` (whole words or numbers) in ``<mark>``.

    >>> marked("План (2019-2021) <и>", {"2019", "2021"})
    'План (<mark>2019</mark>-<mark>2021</mark>) &lt;и&gt;'
    """
    tokens = {t for t in tokens if t}
    if not tokens:
        return html.escape(text)
    pattern = regex.compile(r"(?<![\p{L}\d])(?:" + "|".join(regex.escape(t) for t in sorted(tokens, key=len, reverse=True))
                            + r")(?![\p{L}\d])")
    out, last = [], 0
    for m in pattern.finditer(text):
        out.append(html.escape(text[last:m.start()]) + f"<mark>{html.escape(m.group())}</mark>")
        last = m.end()
    return "".join(out) + html.escape(text[last:])


def text_marks(marks: Marks | None, text: str) -> set[str]:
    """The tokens to mark in one printed text of an element's cell."""
    if marks is None:
        return set()
    tokens = set(marks.tokens)
    for scope, scoped in marks.scoped:
        if text.startswith(scope) or scope in text:
            tokens |= scoped
    return tokens
