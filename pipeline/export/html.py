"""``review.html``: one self-contained page to review the versions side by side.

Headed by the plan's title.  The plan's parts, sections and activities are rows (in reading
order), the language versions are columns; each cell shows the element's number, text and
fields as printed, its numbered needs, aims and objectives, and where it is printed (page,
paragraph or line).  A cell that a finding concerns is coloured by the worst severity, and
the words, digits, numbers, periods or agencies the finding is about are highlighted
(:mod:`.marks`).  Under the row, each finding is listed once, naming the languages it
concerns, with its check's explanation and its evidence in words (each version's number,
text, place and compared value); a finding concerning more than three rows is listed in full
under its first row only, its places counted beyond six and its evidence collapsed, and the
other rows point to it — the page grows linearly however many activities one finding lists.  At the top: a summary (count per code, with the
explanation) and a filter — a click on a code shows only the rows and findings with that
code and hides everything else.  Each finding can be marked accepted; the page then writes
the accepted-findings file for ``--accept`` (``accepted.toml``).  Text that no plan
structure holds (a document that is no plan) is shown at the end.  No network access:
styles and script are inline.  Prints compactly: no filter, no evidence, findings one line.
"""
from __future__ import annotations

from html import escape
from typing import Iterable, Iterator

from ..model import LISTS, SEVERITIES
from .marks import Marks, marked, plan_marks, text_marks
from .settings import Settings
from .tree import elements, finding_places, findings_by_ref, ordered_rows, where, worst
from .review_assets import SCRIPT, STYLE

HIDDEN_KEYS = {"lang", "id", "source", "number", "text"}


def _langs_of(finding: dict, lang_of: dict[str, str]) -> str:
    langs = list(dict.fromkeys(lang_of[r] for r in finding["refs"] if r in lang_of))
    if not langs and finding["lang"] not in ("*", ""):
        langs = finding["lang"].split(",")
    return ", ".join(langs)


def _value(value) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{k} {_value(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return "; ".join(map(_value, value))
    return "" if value is None else str(value)


def _evidence(finding: dict, sources: list[dict]) -> str:
    """Each evidence entry as one line of words: language, place, number, text, compared values."""
    lines = []
    for entry in finding["evidence"]:
        if not isinstance(entry, dict):
            continue
        head = " ".join(x for x in (entry.get("lang", ""), where(entry.get("source"), sources),
                                    str(entry.get("number") or "")) if x)
        rest = [f"{k.replace('_', ' ')}: {_value(v)}" for k, v in entry.items() if k not in HIDDEN_KEYS]
        text = entry.get("text")
        lines.append("<li>" + (f"<b>{escape(head)}</b> " if head else "") + (f"«{escape(text)}» " if text else "")
                     + escape(" · ".join(rest)) + "</li>")
    return f'<details class="evidence"><summary>evidence</summary><ul>{"".join(lines)}</ul></details>' if lines else ""


def _finding(f: dict, lang_of: dict[str, str], settings: Settings, sources: list[dict], anchor: str = "") -> str:
    """A finding in full: badge, code, languages, message, places, the accept box, its check's
    explanation and its evidence (collapsed); ``anchor`` its id, where other rows point to it."""
    accepted = bool(f.get("accepted"))
    langs = _langs_of(f, lang_of)
    places = _places(f, sources)
    return (f'<li class="finding {f["severity"]}{" accepted" if accepted else ""}"{f" id={anchor}" if anchor else ""} '
            f'data-code="{f["code"]}" data-refs="{escape(" ".join(f["refs"]))}" data-message="{escape(f["message"])}">'
            f'<span class="badge {f["severity"]}">{f["severity"]}</span> <b class="code">{f["code"]}</b>'
            f'{f" <span class=langs>[{escape(langs)}]</span>" if langs else ""} '
            f'<span class="message">{escape(f["message"])}</span>'
            f'{f" <span class=where>({escape(places)})</span>" if places else ""}'
            f'<label class="accept"><input type="checkbox"{" checked" if accepted else ""}> accepted</label>'
            f'<div class="explain">{escape(settings.explanation(f["code"]))}</div>'
            f"{_evidence(f, sources)}</li>")


PLACES = 6  # places named in a finding's line; the rest are counted (all are in its evidence)


def _places(f: dict, sources: list[dict]) -> str:
    """Where the finding's evidence is printed (:func:`~.tree.places_text`), the first
    :data:`PLACES` of them and how many more."""
    places = finding_places(f, sources)
    shown = ", ".join(" ".join(x for x in pair if x) for pair in places[:PLACES])
    return shown + (f" and {len(places) - PLACES} more" if len(places) > PLACES else "")


def _pointer(f: dict, anchor: str, row: int, rows: int) -> str:
    """One line in a row that a finding listed under another row also concerns."""
    return (f'<li class="see" data-code="{f["code"]}"><span class="badge {f["severity"]}">{f["severity"]}</span> '
            f'<a href="#{anchor}" class="code">{f["code"]}</a> <span class="message">listed once, under row {row}, '
            f'with the {rows} rows it concerns</span></li>')


def _fields(act: dict, marks: Marks | None) -> str:
    names = {a["name"] for a in act["agencies"] if marks and a["id"] in marks.agencies}
    items = "".join(f"<dt>{marked(f['label'] or f['field'], text_marks(marks, f['label']))}</dt>"
                    f"<dd>{marked(f['value'], text_marks(marks, f['value']) | names)}</dd>" for f in act["fields"])
    return f"<dl>{items}</dl>" if items else ""


def _lists(node: dict, marks: Marks | None) -> str:
    out = []
    for name in LISTS:
        if node.get(name):
            items = "".join(f'<li value="{k}">{marked(i["text"], text_marks(marks, i["text"]))}</li>'
                            for k, i in enumerate(node[name], start=1))
            out.append(f'<div class="list"><span class="list-name">{name}</span><ol>{items}</ol></div>')
    return "".join(out)


def _cell(element: dict | None, findings: list[dict], marks: Marks | None, sources: list[dict]) -> str:
    if element is None:
        return '<td class="cell"><span class="missing">— missing —</span></td>'
    severity = worst(findings)
    css = f" sev-{severity}" if severity else ""
    place = where(element.get("source"), sources)
    number = escape(element.get("marker") or element.get("number") or "")
    if marks and marks.number and number:
        number = f"<mark>{number}</mark>"
    if "text" in element:
        body = f'<span class="num">{number}</span> {marked(element["text"], text_marks(marks, element["text"]))}' \
               f"{_fields(element, marks)}"
    else:
        heading = element.get("heading") or ("(undeclared section)" if element.get("declared") is False else "")
        body = f'<div class="heading">{marked(heading, text_marks(marks, heading))}</div>{_lists(element, marks)}'
    return (f'<td class="cell{css}" id="{escape(element["id"])}" data-codes="{_codes(findings)}">'
            f'{f"<span class=where>{escape(place)}</span>" if place else ""}{body}</td>')


def _codes(findings: list[dict]) -> str:
    return " ".join(sorted({f["code"] for f in findings}))


def _summary(tree: dict, settings: Settings) -> str:
    counts: dict[tuple[str, str], list[int]] = {}
    for f in tree["findings"]:
        entry = counts.setdefault((f["code"], f["severity"]), [0, 0])
        entry[0] += 1
        entry[1] += bool(f.get("accepted"))
    ranked = sorted(counts.items(), key=lambda kv: (-SEVERITIES.index(kv[0][1]), kv[0][0]))
    lines = "".join(f'<tr><td><span class="badge {sev}">{sev}</span></td><td>{code}</td><td>{n}</td>'
                    f'<td>{accepted or ""}</td><td>{escape(settings.explanation(code))}</td></tr>'
                    for (code, sev), (n, accepted) in ranked)
    buttons = '<button data-code="" class="active">all rows</button>' + "".join(
        f'<button data-code="{code}" class="{sev}">{code} ({n})</button>' for (code, sev), (n, _) in ranked)
    return (f'<table id="summary"><thead><tr><th>severity</th><th>code</th><th>findings</th><th>accepted</th>'
            f'<th>what it means</th></tr></thead><tbody>{lines}</tbody></table>'
            f'<div id="filters">Show: {buttons}</div>'
            '<div id="accepting"><button id="download">Download accepted.toml</button> '
            '<span>(the findings marked accepted, for <code>polyplan extract … --accept accepted.toml</code>)</span></div>')


def tree_to_html(tree: dict, settings: Settings = Settings()) -> dict[str, Iterable[str]]:
    """``review.html`` from the plan tree, rendered row by row as it is written."""
    return {"review.html": _page(tree, settings)}


def _title(tree: dict) -> tuple[str, str]:
    """The plan's title (its first version's) and a line naming its files."""
    files = ", ".join(s["path"].rsplit("/", 1)[-1] for s in tree["sources"])
    title = next((v["title"] for v in tree["versions"].values() if v.get("title")), None)
    return title or (f"{files}: no plan structure recognised" if not tree["versions"] else files), files


def _head(tree: dict, settings: Settings, general: list[dict], lang_of: dict[str, str]) -> str:
    title, files = _title(tree)
    langs, coverage = tree["languages"], tree["coverage"]
    accepted = sum(1 for f in tree["findings"] if f.get("accepted"))
    others = "".join(_finding(f, lang_of, settings, tree["sources"]) for f in general)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title><style>{STYLE}</style></head>
<body style="--langs:{max(len(langs), 1)}">
<h1>{escape(title)}</h1>
<p class="about">{escape(files)} · languages {escape(', '.join(langs) or 'none')} · coverage
{coverage['accounted_chars']}/{coverage['source_chars']} characters · {len(tree['findings'])} findings{
f' ({accepted} accepted)' if accepted else ''} · output {escape(tree['name'])}</p>
{_summary(tree, settings)}
{f'<section id="general"><h2>Findings outside parts and sections (title, preamble, notes, sources)</h2><ul class="findings">{others}</ul></section>' if general else ''}
"""


def _unparsed(tree: dict) -> str:
    if not tree["unparsed"]:
        return ""
    items = "".join(f'<tr><td>{escape(u.get("lang") or "")}</td><td>{escape(where(u.get("source"), tree["sources"]))}'
                    f'</td><td>{escape(u.get("reason") or "")}</td><td>{escape(u["text"])}</td></tr>'
                    for u in tree["unparsed"])
    opened = " open" if not tree["versions"] else ""
    return (f'<section id="unparsed"><details{opened}><summary><h2>Text not placed in the plan structure '
            f'({len(tree["unparsed"])} paragraphs)</h2></summary><table><thead><tr><th>lang</th><th>where</th>'
            f'<th>reason</th><th>text</th></tr></thead><tbody>{items}</tbody></table></details></section>')


SHOWN_IN_EACH_ROW = 3  # a finding concerning more rows is listed in full once, the other rows point to it


def _row_findings(rows: list[dict], langs: list[str], by_ref: dict[str, list[dict]]) -> list[list[dict]]:
    """The findings concerning each row, in order, each once per row."""
    return [list({id(f): f for lang in langs if (r := row["refs"].get(lang)) for f in by_ref.get(r, [])}.values())
            for row in rows]


def _page(tree: dict, settings: Settings) -> Iterator[str]:
    """The page, row by row: each row's findings under it — a finding concerning more than
    :data:`SHOWN_IN_EACH_ROW` rows in full under its first row only (evidence collapsed), a
    line pointing there in the others — so the page grows linearly with the activities and the
    findings, however many elements one finding lists."""
    langs, index, by_ref = tree["languages"], elements(tree), findings_by_ref(tree)
    lang_of = {ref: lang for lang, v in tree["versions"].items() for ref in elements({"versions": {lang: v}})}
    general = [f for f in tree["findings"] if not any(ref in index for ref in f["refs"])]
    marks = plan_marks(tree["findings"])
    yield _head(tree, settings, general, lang_of)
    if tree["versions"]:
        head = "".join(f"<th>{escape(lang)}</th>" for lang in langs)
        yield f'<table id="plan"><thead><tr><th>#</th>{head}</tr></thead>\n'
        rows = ordered_rows(tree)
        per_row = _row_findings(rows, langs, by_ref)
        spread: dict[int, list[int]] = {}  # finding → the rows (1-based) it concerns
        for n, found in enumerate(per_row, start=1):
            for f in found:
                spread.setdefault(id(f), []).append(n)
        number = {id(f): k for k, f in enumerate(tree["findings"], start=1)}
        for n, (row, found) in enumerate(zip(rows, per_row), start=1):
            refs = [row["refs"].get(lang) for lang in langs]
            cells = "".join(_cell(index.get(r) if r else None, by_ref.get(r, []) if r else [], marks.get(r or ""),
                                  tree["sources"]) for r in refs)
            notes = "".join(_note(f, number[id(f)], spread[id(f)], n, lang_of, settings, tree["sources"])
                            for f in found)
            yield (f'<tbody class="row {row["kind"]}" data-codes="{_codes(found)}"><tr><td class="n">{n}</td>{cells}</tr>'
                   + (f'<tr class="notes"><td></td><td colspan="{len(langs)}"><ul class="findings">{notes}</ul></td></tr>'
                      if found else "") + "</tbody>\n")
        yield "</table>\n"
    yield f"""{_unparsed(tree)}
<script>{SCRIPT}</script>
</body></html>
"""


def _note(f: dict, number: int, rows: list[int], row: int, lang_of: dict[str, str], settings: Settings,
          sources: list[dict]) -> str:
    """Finding ``number`` (its place in the plan's findings) under row ``row``: in full, or a
    pointer to the row listing it (:func:`_page`)."""
    if len(rows) <= SHOWN_IN_EACH_ROW:
        return _finding(f, lang_of, settings, sources)
    anchor = f"finding-{number}"
    if row == rows[0]:
        return _finding(f, lang_of, settings, sources, anchor)
    return _pointer(f, anchor, rows[0], len(rows))
