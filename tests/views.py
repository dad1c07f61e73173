"""Comparable views of a plan: what must agree whatever the layout or format of the source."""
from __future__ import annotations

import regex

LANGS = ("tk", "ru", "en")


def squeeze(text: str) -> str:
    # Line breaks differ between formats (PDF lines are re-joined), so compare without whitespace.
    return regex.sub(r"\s+", "", text)


def activity_view(plan, langs=LANGS, labels=True):
    """Per activity: number, marker, text, lists, period, and (``labels``) the printed field labels."""
    return [
        (lang, a.number, a.marker, squeeze(a.text), tuple(squeeze(i) for i in a.indicators),
         tuple(squeeze(g.name) for g in a.agencies), squeeze(a.period.raw), a.period.start, a.period.end,
         tuple((f.field, f.label if labels else None) for f in a.fields))
        for lang in langs for a in plan.version(lang).activities()]


def structure_view(plan, langs=LANGS):
    """Per version, part and section: ids, numbers, titles, needs, aims and objectives."""
    out = []
    for lang in langs:
        version = plan.version(lang)
        out.append((lang, squeeze(version.title), tuple(squeeze(n.text) for n in version.notes)))
        for part in version.parts:
            for node in (part, *part.sections):
                out.append((lang, node.id, node.number, squeeze(node.title or ""),
                            tuple(tuple(squeeze(i.text) for i in items)
                                  for items in (node.needs, node.aims, node.objectives))))
    return out
