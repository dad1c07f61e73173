"""Stage 3 — parse: one language version's blocks to a :class:`~pipeline.model.Version`.

The plan hierarchy is Part › Section › (needs, aims, objectives, activities); each
activity has a printed number, text and labelled fields (indicators, agencies,
implementation period).  Headings and labels come from the language's lexicon.  A
paragraph that starts in lower case, or follows text that stopped without final
punctuation (a sentence broken across paragraphs or pages), continues the previous
element.  Activities directly under a Part go to an undeclared section.  Printed numbers
are kept exactly; ids are derived from structure and stay unique when numbers repeat.
Whatever cannot be placed is returned as unparsed text with its location.
"""
from __future__ import annotations

from dataclasses import replace

import regex

from .bodies import legend_of
from .chars import BULLETS, SENTENCE_END, char_class
from .builders import (ACT_ANY, ACT_DEEP, ACT_FIELDS, ASIDE_PARTS, MAX_HEADING, TERMINAL, Freeze, Ids, ItemBuilder,
                       ActivityBuilder, FieldBuilder, NodeBuilder, ParseState, PendingLabel, TextBuilder, current_activity,
                       flush_pending, freeze_items, freeze_part, open_heading, open_section)
from .lexicon import HeadingMatch, Lexicon
from .model import LISTS, Block, Context, Label, Loose, Split, Version, VersionBlocks
from .parse_tables import feed_table
from .periods import title_year
from .tables import header_fields, rows_of

SENTENCE_BREAK = regex.compile(char_class(SENTENCE_END) + r"\s+(?=\p{Lu})")  # a sentence ends and another begins
MAX_PLAIN_ACTIVITY = 400  # characters: a longer numbered paragraph without labels around it is narrative
TOC_LINE = regex.compile(r"(?:\.{4,}|…{2,}|(?:\.\s){4,}|_{4,})\s*\d{1,4}\s*$|\t\s*\d{1,4}\s*$")
STYLED_HEADING = regex.compile(r"(?P<num>\d{1,2}(?:\.\d{1,2})?)\.?\s+(?P<title>\S.*)", regex.S)
_MARK = char_class("-–" + BULLETS)  # a list item's mark
BULLET = regex.compile(_MARK + r"\s+\S")
LIST_ITEM = regex.compile(r"(?P<marker>\d{1,3}[.)]|" + _MARK + r")\s+(?P<text>\S.*)", regex.S)
_NO_LABEL = type("_NoLabel", (), {"field": None})


# --- block handlers -----------------------------------------------------------------------

def _styled_heading(block: Block) -> HeadingMatch | None:
    """A paragraph set as a heading (a Word heading style, a larger PDF font) and numbered
    like a part ("2. Protection") or a section ("2.1 Shelters"), without a heading word."""
    m = STYLED_HEADING.fullmatch(block.text) if block.heading else None
    if not m:
        return None
    return HeadingMatch("section" if "." in m.group("num") else "part", m.group("num"), m.group("title").strip())


def _on_heading(state: ParseState, block: Block) -> bool:
    if len(block.text) > MAX_HEADING or TOC_LINE.search(block.text):  # a line of contents is no heading
        return False
    m = state.lex.match_heading(block.text) or _styled_heading(block)
    if not m:
        return False
    open_heading(state, NodeBuilder(m.number, block.text, m.title or None, block.loc), m.kind)
    return True


def _opens_group(state: ParseState) -> bool:
    """Does a numbered aim or objective printed with its text ("Objective 2: Prevention of
    violence") open a group of the activities after it?  Yes where no section heading is
    printed: before the first activity of a part, or after activities of an undeclared
    section — so that each objective and its activities share a section."""
    if not state.parts or not state.part.children:
        return state.context in ("preamble", "part")
    last = state.part.children[-1]
    return not last.declared and bool(last.children)


def _on_label(state: ParseState, block: Block) -> bool:
    m = state.lex.match_label(block.text)
    if not m:
        return False
    if m.field in LISTS:
        if m.number and m.rest and _opens_group(state):
            open_section(state, NodeBuilder(None, None, None, block.loc, declared=False))
            state.context = "section"
        node = state.container
        if m.rest:
            item = ItemBuilder(m.rest, block.loc, label=m.label, number=m.number)
            node.lists[m.field].append(item)
            state.target = item
        elif m.number:
            flush_pending(state)
            state.pending_label = PendingLabel(m.field, m.label, m.number, block.loc)
            state.target = None
        else:
            node.labels.append(Label(m.field, m.label, block.loc))
            state.target = None
        state.context = m.field
    elif m.field == "activities":
        section = state.section(block.loc)
        section.labels.append(Label(m.field, m.label, block.loc))
        state.context, state.target = "activities", None
        if m.rest:  # text after the label on the same line is read as a paragraph of its own
            _feed(state, replace(block, text=m.rest))
    elif m.field == "note":
        note = ItemBuilder(m.rest, block.loc, label=m.label, number=m.number)
        state.notes.append(note)
        state.context, state.target = "note", note
    else:
        return _on_field(state, block, m)
    return True


def _on_field(state: ParseState, block: Block, m) -> bool:
    """An activity's field label; before the first activity of a section (or under an
    action heading), a field of the whole section ("Lead agency: Ministry of Finance")."""
    activity = current_activity(state)
    if activity is None:
        if state.context != "section" or not state.part.children:
            return False
        holder = state.part.children[-1].fields
    else:
        holder = activity.fields
    value, rest = _split_at_label(state.lex, m.rest)
    f = FieldBuilder(value, block.loc, name=m.field, label=m.label)
    holder.append(f)
    state.target = f
    if rest:  # "Responsible: Ministry of Justice. Deadline: 2024." — the next field, as printed
        _feed(state, replace(block, text=rest))
    return True


def _split_at_label(lex: Lexicon, text: str) -> tuple[str, str]:
    """``text`` cut before another activity field's label that starts a sentence in it."""
    for m in lex.label_re.finditer(text):
        start = m.start()
        if start and text[start - 1].isspace() and text[:start].rstrip().endswith((".", ";")):
            label = lex.match_label(text[start:])
            if label and label.field in ACT_FIELDS:
                return text[:start].rstrip(), text[start:]
    return text, ""


def _on_addressee(state: ParseState, block: Block) -> bool:
    """A numbered addressee ("2. Қазақстан Республикасының Ауыл шаруашылығы министрлігі:")
    opens a section of the measures addressed to it, which it is responsible for."""
    m = state.lex.match_addressee(block.text) if len(block.text) <= MAX_HEADING else None
    if not m:
        return False
    flush_pending(state)
    state.part.children.append(NodeBuilder(m[0], block.text, m[1], block.loc, addressee=m[1]))
    state.context, state.target = "section", None
    return True


def _on_activity(state: ParseState, block: Block) -> bool:
    named = state.lex.match_activity(block.text)  # "Activity 1.2. …": an activity wherever it stands
    if named:
        num, text = named
    else:
        m = ACT_DEEP.fullmatch(block.text)
        if not m and (state.context in ("activities", "part", "section")  # right under a heading too
                      or block.loc in state.followed_by_fields):  # or wherever an activity's field label follows
            m = ACT_ANY.fullmatch(block.text)
        if not m:
            return False
        num = m.group("num") or m.group("num2")
        text = m.group("text") or m.group("text2")
        if not _in_plan_context(state, block, num, text):
            return False
    marker = block.text[: len(block.text) - len(text)].rstrip()
    section = state.section(block.loc)
    if section.addressee and "." not in num:
        # "6. <body> <measure>" beside addressed groups: a group of one, addressed to the body it opens with
        section = NodeBuilder(None, None, None, block.loc, declared=False, addressee=state.lex.leading_body(text))
        state.part.children.append(section)
    act = ActivityBuilder(text, block.loc, number=num, marker=marker)
    section.children.append(act)
    state.context, state.target = "activities", act
    return True


def _in_plan_context(state: ParseState, block: Block, number: str, text: str) -> bool:
    """Is a numbered paragraph an activity here?  Only where the document is a plan: after
    an activities label, a measures table or another activity; followed by an activity's
    field label; numbered under its own section ("1.2.3" in section 1.2); or, in a version
    without any label or table whose numbered paragraphs read as activities
    (:func:`_plain_plan`), a sentence right under a part or section heading.  Never a
    heading (styled, upper case, a line of contents), nor a report's numbered narrative (in
    a version without labels: a paragraph of more than one sentence)."""
    if block.heading or _shouting(text) or TOC_LINE.search(text):
        return False
    if state.context == "activities" or block.loc in state.followed_by_fields:
        return True
    node = state.container
    if node.declared and node.number and number.startswith(node.number + ".") and node is not state.part:
        return True
    return not state.labelled and state.plain_plan and state.context in ("part", "section") and _plain_activity(text)


def _plain_activity(text: str) -> bool:
    """One sentence of moderate length: what an unlabelled activity looks like."""
    text = text.rstrip()
    return text.endswith(TERMINAL) and len(text) <= MAX_PLAIN_ACTIVITY and not SENTENCE_BREAK.search(text)


def _plain_plan(blocks: tuple[Block, ...]) -> bool:
    """Do the numbered paragraphs of a version without labels read as a plan's activities —
    two in three of them one sentence each — rather than as a report's narrative?"""
    candidates = [m.group("text") or m.group("text2") for b in blocks if b.loc.table is None and not b.heading
                  for m in [ACT_ANY.fullmatch(b.text)] if m and not _shouting(b.text)]
    return bool(candidates) and 3 * sum(map(_plain_activity, candidates)) >= 2 * len(candidates)


def _shouting(text: str) -> bool:
    """Mostly capital letters: a heading set in upper case."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 8 and sum(c.isupper() for c in letters) >= 0.7 * len(letters)


def _continues(state: ParseState, block: Block) -> bool:
    """Does ``block`` continue the current text (a sentence broken across paragraphs)?"""
    target = state.target
    if target is None:
        return False
    if not target.text:
        return True
    lower = block.text[:1].islower()
    if state.context == "preamble" or (isinstance(target, FieldBuilder) and target.name == "period"):
        return lower
    return lower or not target.text.rstrip().endswith(TERMINAL) or _bullet_goes_on(target, block)


def _bullet_goes_on(target: TextBuilder, block: Block) -> bool:
    """A bullet ("- органдардың …") after text that announced a list (ending in ":") or after
    another bullet: the list goes on inside the same item."""
    if not BULLET.match(block.text):
        return False
    last_line = target.text.rsplit("\n", 1)[-1]
    return target.text.rstrip().endswith(":") or bool(BULLET.match(last_line))


def _on_list_item(state: ParseState, block: Block) -> bool:
    if state.context not in LISTS + ("preamble",):
        return False
    m = LIST_ITEM.fullmatch(block.text)
    if not m:
        return False
    _new_item(state, block, m.group("text"), m.group("marker"))
    return True


def _new_item(state: ParseState, block: Block, text: str, marker: str = "") -> None:
    pending, state.pending_label = state.pending_label, None
    label, number = (pending.label, pending.number) if pending else ("", None)
    item = ItemBuilder(text, block.loc, marker=marker, label=label, number=number or marker.rstrip(".)") or None)
    if state.context == "preamble":
        state.preamble.append(item)
    else:
        state.container.lists[state.context].append(item)
    state.target = item


def _on_other(state: ParseState, block: Block) -> None:
    target = state.target
    if _continues(state, block):
        target.extend(block, sep="\n" if BULLET.match(block.text) else " ")
    elif isinstance(target, FieldBuilder) and target.name == "indicators":
        target.extend(block, sep="\n")
    elif state.context in LISTS + ("preamble",):
        _new_item(state, block, block.text)
    elif state.context == "note" and target is not None:
        target.extend(block, sep="\n")
    else:
        state.unparsed.append(Loose(block.lang or state.lex.code, block.text, block.loc,
                                    "not part of the plan structure"))


_NOTE_MARK = regex.compile(r"(?P<mark>[0-9]{1,3}|[ivxlc]{1,6}|[*†‡§]{1,3})\s+(?=\S)")


def feed_aside(state: ParseState, block: Block) -> None:
    """A footnote, endnote or text box: a note of the version, its printed mark as the
    marker; the flow of the text around it goes on untouched."""
    m = _NOTE_MARK.match(block.text) if block.loc.part != "textbox" else None
    marker = m.group("mark") if m else ""
    state.notes.append(ItemBuilder(block.text[m.end():] if m else block.text, block.loc, marker=marker,
                                   number=marker or None))


def _feed(state: ParseState, block: Block) -> None:
    if block.loc.part in ASIDE_PARTS:
        feed_aside(state, block)
        return
    if (_on_heading(state, block) or _on_label(state, block) or _on_addressee(state, block)
            or _on_group(state, block) or _on_activity(state, block)):
        return
    if _starts_lower(block) and state.target is not None:
        state.target.extend(block)
    elif not _on_list_item(state, block):
        _on_other(state, block)


def _on_group(state: ParseState, block: Block) -> bool:
    """A numbered title over items numbered under it ("1. Совершенствование законодательства"
    over "1.1. …", "1.2. …"): a part when its items are titles too, else a section."""
    kind = state.groups.get(block.loc)
    if kind is None:
        return False
    m = ACT_ANY.fullmatch(block.text)
    open_heading(state, NodeBuilder(m.group("num") or m.group("num2"), block.text, m.group("text") or m.group("text2"),
                                    block.loc), kind)
    return True


def _group_titles(blocks: tuple[Block, ...]) -> dict:
    """Locations of numbered titles that items numbered under them follow, with their kind:
    ``part`` when some of those items are such titles themselves, else ``section``.  A title
    is short, ends without a full stop, and its first item follows it at once, numbered one
    level under it; a line of contents is none."""
    numbered = [(i, m.group("num") or m.group("num2")) for i, b in enumerate(blocks)
                if b.loc.table is None and not b.loc.part for m in [ACT_ANY.fullmatch(b.text)] if m]
    titles = {i for i, _num in numbered if _title_like(blocks[i].text)}
    out: dict = {}
    for n, (i, num) in enumerate(reversed(numbered)):
        later = numbered[len(numbered) - n:]
        if i not in titles or not later or later[0][0] - i > TITLE_REACH or not _child(num, later[0][1]):
            continue  # its first item must follow it at once, numbered one level under it
        children = []
        for j, other in later:
            if not other.startswith(num + "."):
                break
            children.append(j)
        out[blocks[i].loc] = "part" if any(blocks[j].loc in out for j in children) else "section"
    return out


def _child(number: str, other: str) -> bool:
    """Is ``other`` numbered one level under ``number`` ("1.1" under "1")?"""
    return other.startswith(number + ".") and other.count(".") == number.count(".") + 1


def _title_like(text: str) -> bool:
    body = ACT_ANY.fullmatch(text)
    title = (body.group("text") or body.group("text2")).strip()
    return (len(title.split()) <= MAX_TITLE_WORDS and not title.endswith((".", ";", ",")) and not TOC_LINE.search(text)
            and title[:1].isupper())


MAX_TITLE_WORDS = 15
TITLE_REACH = 2  # paragraphs: a numbered title's first item follows it this closely


def _labelled(blocks: tuple[Block, ...], lex: Lexicon) -> bool:
    """Does the version label anything as a plan does: an activity field label, an
    addressee, a table header row?"""
    if any(lex.match_addressee(b.text) or (lex.match_label(b.text) or _NO_LABEL).field in ACT_FIELDS + ("activities",)
           for b in blocks if b.loc.table is None):
        return True
    return any(header_fields(row, lex) for group in _groups(blocks) if group[0].loc.table is not None
               for row in rows_of(group))


def _followed_by_fields(blocks: tuple[Block, ...], lex: Lexicon) -> frozenset:
    """Locations of numbered paragraphs whose next paragraph (its continuations aside) is an
    activity field label: "1.1.1 Run a campaign." over "Responsible: …"."""
    out = set()
    numbered = None
    for block in blocks:
        if ACT_ANY.fullmatch(block.text):
            numbered = block.loc
        elif block.text[:1].islower():
            continue
        elif numbered is not None:
            label = lex.match_label(block.text)
            if label and label.field in ACT_FIELDS:
                out.add(numbered)
            numbered = None
    return frozenset(out)


def _groups(blocks: tuple[Block, ...]) -> list[list[Block]]:
    """Each paragraph alone; the consecutive blocks of one table together."""
    groups: list[list[Block]] = []
    for block in blocks:
        key = (block.loc.file, block.loc.table)
        if block.loc.table is not None and groups and (groups[-1][0].loc.file, groups[-1][0].loc.table) == key:
            groups[-1].append(block)
        else:
            groups.append([block])
    return groups


def _starts_lower(block: Block) -> bool:
    return block.text[:1].islower()


def blocks_to_version(blocks: VersionBlocks, lex: Lexicon,
                      context: Context = Context()) -> tuple[Version, tuple[Loose, ...]]:
    """Parse one language version; returns it with the text that could not be placed.

    ``context`` brings what the rest of the document says (:func:`split_to_context`).
    """
    state = ParseState(lex, labelled=_labelled(blocks.body, lex), plain_plan=_plain_plan(blocks.body),
                   followed_by_fields=_followed_by_fields(blocks.body, lex), groups=_group_titles(blocks.body))
    for group in _groups(blocks.body):
        if group[0].loc.table is None:
            _feed(state, group[0])
        else:
            feed_table(state, group, _feed)
    flush_pending(state)
    title = " ".join(b.text for b in blocks.title) or None
    fz = Freeze(lex, Ids(), dict(context.legend), (title_year(title) if title else None) or context.year)
    version = Version(
        lang=blocks.lang, title=title, title_source=blocks.title[0].loc if blocks.title else None,
        preamble=freeze_items(state.preamble), notes=freeze_items(state.notes),
        parts=tuple(freeze_part(p, fz) for p in state.parts))
    return version, tuple(state.unparsed)


def split_to_context(split: Split) -> Context:
    """What the whole document tells each version's parse: the abbreviations spelled out in
    any stretch of running text (a legend at the end, a note), and the year named by the
    last front-matter paragraph that names exactly one (the plan's title, after the decree
    that approves it)."""
    blocks = split.front + tuple(b for v in split.versions for b in v.title + v.body) + split.between + split.back
    legend: dict[str, str] = {}
    run: list[str] = []
    for block in blocks + (None,):
        if block is not None and block.loc.table is None:
            run.append(block.text)
            continue
        for abbr, full in legend_of([" ".join(run)]).items():
            legend.setdefault(abbr, full)
        run = []
    year = next((y for y in map(title_year, (b.text for b in reversed(split.front))) if y), None)
    return Context(legend=tuple(legend.items()), year=year)
