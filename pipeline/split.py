"""Stage 2 — split: blocks to language versions plus front matter and back matter.

Every block gets a language: a heading or field label of one lexicon decides (``Часть I``,
``Aim:``), otherwise its own text (:func:`pipeline.langid.evidence`); where that leaves
languages of one script tied, its table, its neighbouring blocks or the whole document
decide (:func:`pipeline.langid.in_context`).
Blocks without words take their neighbour's language, and a short block between two
blocks of another language takes theirs.  A language with at least ``MIN_ANCHORS`` anchors
(headings, labels, addressees, table header rows) is a version; its region runs from its
first to its last anchor — headings far before its first label or table are a report's
chapters, not the plan (:func:`leading_headings_cut`) — extended forward over what
continues it (:func:`_region_end`) and backward over its own title and preamble.  A Russian title on
a Turkmen page does not start a Russian version: only anchors do.  What precedes the
first version is front matter, what follows the last one back matter; boilerplate
(``common.toml`` ``[boilerplate]``) never enters a version.
"""
from __future__ import annotations

import itertools
from dataclasses import replace
from typing import NamedTuple

import regex

from .langid import evidence, in_context
from .lexicon import Lexicon, boilerplate_patterns, load_lexicons
from .model import Block, Split, VersionBlocks
from .tables import header_fields, rows_of

MIN_ANCHORS = 3
HEADING_GAP = 12  # blocks: headings further apart than this before a plan's first label are a report's chapters
TOC_LINE = regex.compile(r"(?:\.{4,}|…{2,}|(?:\.\s){4,}|_{4,})\s*\d{1,4}\s*$|\t\s*\d{1,4}\s*$")
SHORT = 25  # letters: a block this short may be re-labelled by its neighbours
LETTER = regex.compile(r"\p{L}")
NUMBERED = regex.compile(r"(?P<num>\d{1,3}(?:\.\d+)*)[.)]?\s+\S")  # a numbered item's leading number


def letters(text: str) -> int:
    return len(LETTER.findall(text))


def is_title_like(block: Block) -> bool:
    """A heading-styled or mostly upper-case paragraph of some length."""
    if block.heading:
        return True
    chars = LETTER.findall(block.text)
    return len(chars) >= 8 and sum(c.isupper() for c in chars) >= 0.7 * len(chars)


def is_toc_line(text: str) -> bool:
    """A line of a table of contents: a title, a dot leader and a page number
    ("CHAPTER 1. DESCRIPTION ........ 3")."""
    return bool(TOC_LINE.search(text))


def is_boilerplate(block: Block) -> bool:
    return any(p.search(block.text) for p in boilerplate_patterns())


def is_anchor(block: Block, lex: Lexicon, header_langs: frozenset = frozenset()) -> bool:
    """A heading, field label or numbered addressee ("2. <ministry>:") of ``lex``, or a cell
    of a table header row of ``lex`` (``header_langs``: the lexicons whose header row holds
    the block)."""
    if block.loc.table is not None and lex.code in header_langs:
        return True
    return bool(lex.match_heading(block.text) or lex.match_label(block.text) or lex.match_addressee(block.text))


def anchor_language(block: Block, lexicons: dict[str, Lexicon], header_langs: frozenset = frozenset()) -> str | None:
    """The one lexicon of which the block is an anchor, if exactly one."""
    hits = [code for code, lex in lexicons.items() if is_anchor(block, lex, header_langs)]
    return hits[0] if len(hits) == 1 else None


def header_languages(blocks: tuple[Block, ...], lexicons: dict[str, Lexicon]) -> list[frozenset]:
    """For each block, the lexicons of which it is in a table header row
    (:func:`pipeline.tables.header_fields`); empty for other blocks."""
    rows: dict[tuple, list[int]] = {}
    for i, block in enumerate(blocks):
        if block.loc.table is not None:
            rows.setdefault((block.loc.file, block.loc.table, block.loc.page, block.loc.row), []).append(i)
    out = [frozenset()] * len(blocks)
    for indices in rows.values():
        row = rows_of([blocks[i] for i in indices])[0]
        langs = frozenset(code for code, lex in lexicons.items() if header_fields(row, lex))
        for i in indices:
            out[i] = langs
    return out


def _languages(blocks: tuple[Block, ...], lexicons: dict[str, Lexicon], headers: list[frozenset]) -> list[str | None]:
    found = [anchor_language(b, lexicons, h) or evidence(b.text, lexicons) for b, h in zip(blocks, headers)]
    groups = [(b.loc.file, b.loc.table) if b.loc.table is not None else None for b in blocks]
    langs = in_context(found, [b.text for b in blocks], groups, lexicons)
    for i in range(len(langs)):  # wordless blocks take the previous language
        if langs[i] is None and i:
            langs[i] = langs[i - 1]
    first = next((l for l in langs if l), None)
    langs = [l or first for l in langs]
    for i in range(1, len(langs) - 1):
        if (langs[i - 1] == langs[i + 1] != langs[i] and letters(blocks[i].text) < SHORT
                and not anchor_language(blocks[i], lexicons, headers[i])):
            langs[i] = langs[i - 1]
    return langs


def _anchors(blocks, langs, lexicons, headers) -> list[tuple[int, str, bool]]:
    """(index, language, strong) of each anchor: strong for a label, a table header cell or
    an addressee, weak for a heading (a report's chapters have headings too)."""
    out = []
    for i, (block, lang) in enumerate(zip(blocks, langs)):
        lex = lexicons.get(lang)
        if lex and not is_toc_line(block.text) and is_anchor(block, lex, headers[i]):
            strong = not lex.match_heading(block.text) or bool(lex.match_label(block.text))
            out.append((i, lang, strong))
    return out


def leading_headings_cut(anchors: list[tuple[int, str, bool]]) -> tuple[list[tuple[int, str]], dict[str, int]]:
    """Anchors without the headings of a report that precede a plan: a language's headings
    before its first strong anchor count only while each is at most ``HEADING_GAP`` blocks
    from the next one kept (the part and section headings that open the plan); earlier
    headings are chapters of the narrative around it.  Returns the anchors kept, as (index,
    language), and for each language cut the index after its last dropped heading.

    >>> leading_headings_cut([(0, "en", False), (40, "en", False), (45, "en", False), (47, "en", True)])
    ([(40, 'en'), (45, 'en'), (47, 'en')], {'en': 1})
    """
    dropped: set[int] = set()
    floors: dict[str, int] = {}
    for lang in {a[1] for a in anchors}:
        own = [a for a in anchors if a[1] == lang]
        first_strong = next((n for n, a in enumerate(own) if a[2]), None)
        if first_strong is None:
            continue
        n = first_strong
        while n > 0 and own[n][0] - own[n - 1][0] <= HEADING_GAP:
            n -= 1
        if n > 0:
            dropped.update(a[0] for a in own[:n])
            floors[lang] = own[n - 1][0] + 1
    return [(i, lang) for i, lang, _ in anchors if i not in dropped], floors


class Run(NamedTuple):
    """Consecutive anchors of one language: the flow indices of the first and last, and how many."""

    lang: str
    first: int
    last: int
    count: int


def anchor_runs(anchors: list[tuple[int, str]]) -> list[Run]:
    """Consecutive anchors of one language as :class:`Run` records.

    Runs with fewer than ``MIN_ANCHORS`` anchors (a stray heading of another language)
    are dropped, so that their text stays inside the surrounding version; neighbouring
    runs of one language are then merged.

    >>> anchor_runs([(1, "tk"), (2, "tk"), (3, "ru"), (4, "tk"), (5, "tk"), (9, "en")])
    [Run(lang='tk', first=1, last=5, count=4)]
    """
    runs = _merged([Run(lang, index, index, 1) for index, lang in anchors])
    while len(runs) > 1 and any(r.count < MIN_ANCHORS for r in runs):
        runs.remove(min(runs, key=lambda r: r.count))
        runs = _merged(runs)
    return [r for r in runs if r.count >= MIN_ANCHORS]


def _merged(runs: list[Run]) -> list[Run]:
    """Neighbouring runs of one language as one."""
    merged: list[Run] = []
    for run in runs:
        if merged and merged[-1].lang == run.lang:
            merged[-1] = merged[-1]._replace(last=run.last, count=merged[-1].count + run.count)
        else:
            merged.append(run)
    return merged


def _region_end(blocks, langs, lang: str, last: int, stop: int) -> int:
    """End of a version: its last anchor and the paragraphs that continue it — in lower
    case, at the top of a page after a sentence the previous page left open, cells of the
    table the anchor is in (a table plan's last rows carry no label: its header does), or
    numbered items that go on from it (a plan whose activities carry no labels ends with
    its last section's "1.2.1.", "1.2.2." …)."""
    end = last + 1
    while (end < stop and (langs[end] == lang or _same_table(blocks[end - 1], blocks[end]))
           and not is_boilerplate(blocks[end])
           and (blocks[end].text[:1].islower() or _continues_page(blocks[end - 1], blocks[end])
                or _continues_table(blocks[end - 1], blocks[end])
                or _continues_numbering(blocks[end - 1], blocks[end]))):
        end += 1
    return end


def _same_table(previous: Block, block: Block) -> bool:
    """Cells of one table: a cell whose words a narrow column broke ("законодательст ва") may
    look like another language by itself; it stays in the version of the cells around it."""
    return (previous.loc.table is not None and (block.loc.file, block.loc.table) == (previous.loc.file, previous.loc.table)
            and block.loc.page == previous.loc.page)


def _continues_numbering(previous: Block, block: Block) -> bool:
    """Is ``block`` an item numbered on from ``previous``: a number of two or more levels
    ("1.2.1"), or the next of a flat sequence ("3." after "2.")?"""
    m = NUMBERED.match(block.text)
    if not m:
        return False
    levels = m.group("num").split(".")
    if len(levels) > 1:
        return True
    before = NUMBERED.match(previous.text)
    return bool(before) and "." not in before.group("num") and int(before.group("num")) + 1 == int(levels[0])


def _continues_table(previous: Block, block: Block) -> bool:
    """Is ``block`` a table cell right after one (the same table, or its next page's part)?"""
    return previous.loc.table is not None and block.loc.table is not None and block.loc.file == previous.loc.file


def _continues_page(previous: Block, block: Block) -> bool:
    return (block.page_start and block.loc.file == previous.loc.file
            and not previous.text.rstrip().endswith((".", "!", "?", ":", ";", "…")))


def _region_start(blocks, langs, lang: str, first: int, floor: int, lex: Lexicon | None = None) -> tuple[int, int]:
    """(start of the title, first block after the title) for a version anchored at ``first``."""
    start = first
    while start > floor and langs[start - 1] == lang and not is_boilerplate(blocks[start - 1]):
        start -= 1
    titles = [i for i in range(start, first) if is_title_like(blocks[i]) or _opens_in_capitals(blocks[i])
              or (lex is not None and _names_a_plan(blocks[i], lex))]
    if not titles:
        return first, first
    last_title = titles[-1]
    top = last_title
    while top - 1 >= start and (top - 1) in titles:
        top -= 1
    end = last_title + 1
    while end < first and end - last_title <= MAX_TITLE_GOES_ON and _goes_on(blocks[end]):
        end += 1  # "ПЛАН ДЕЙСТВИЙ" over "по реализации Программы …": one title
    return top, end


MAX_TITLE_GOES_ON = 2  # paragraphs a title may go on over
_CAPITAL_WORD = regex.compile(r"\p{Lu}{2,}(?!\p{Ll})")


def _opens_in_capitals(block: Block) -> bool:
    """A title printed with its first words in capitals and the rest in small letters
    ("ПЛАН ДЕЙСТВИЙ по реализации Программы …", "ACTION PLAN for the implementation …")."""
    words = block.text.split()
    capitals = list(itertools.takewhile(_CAPITAL_WORD.fullmatch, words))
    return len(capitals) >= 2 and sum(map(len, capitals)) >= 8 and len(block.text) <= MAX_TITLE


MAX_TITLE = 300  # characters: a longer paragraph is text, not a title


def _names_a_plan(block: Block, lex: Lexicon) -> bool:
    """A title in small letters: a short paragraph that names a plan (``[headings] plan``:
    "… іс-қимыл жоспары", "… chora-tadbirlar rejasi") and ends without a full stop."""
    text = block.text.rstrip()
    return (len(text) <= MAX_TITLE and not text.endswith((".", ";", ":", ",")) and not ACT_START.match(text)
            and bool(lex.plan_words.search(text)))


ACT_START = regex.compile(r"\d{1,3}(?:\.\d+)*[.)]\s")  # "1. …", "2.1) …": a numbered item, no title


def _goes_on(block: Block) -> bool:
    """A short paragraph that opens with a small letter: the title above goes on in it."""
    return block.text[:1].islower() and len(block.text) <= MAX_TITLE


def _fallback(blocks: tuple[Block, ...], langs) -> Split:
    """No structure found: one version of the dominant language, boilerplate outside it."""
    weight: dict[str, int] = {}
    for block, lang in zip(blocks, langs):
        if lang:
            weight[lang] = weight.get(lang, 0) + letters(block.text)
    if not weight:
        return Split(versions=(), front=blocks)
    lang = max(weight, key=weight.get)
    start = 0
    while start < len(blocks) and is_boilerplate(blocks[start]):
        start += 1
    end = next((i for i in range(max(start, len(blocks) // 2), len(blocks)) if is_boilerplate(blocks[i])),
               len(blocks))
    title = next((i for i in range(start, min(end, start + 5)) if is_title_like(blocks[i])), None)
    head = blocks[start:title] if title is not None else ()
    title_blocks = (blocks[title],) if title is not None else ()
    body_start = title + 1 if title is not None else start
    return Split(versions=(VersionBlocks(lang, title_blocks, head + blocks[body_start:end]),),
                 front=blocks[:start], back=blocks[end:])


def blocks_to_split(blocks: tuple[Block, ...], lexicons: dict[str, Lexicon] | None = None) -> Split:
    """Cut ``blocks`` into language versions, front matter, back matter and the rest."""
    lexicons = lexicons if lexicons is not None else load_lexicons()
    furniture = tuple(b for b in blocks if b.furniture)
    flow = tuple(b for b in blocks if not b.furniture)
    headers = header_languages(flow, lexicons)
    langs = _languages(flow, lexicons, headers)
    flow = tuple(b if b.lang == l else _with_lang(b, l) for b, l in zip(flow, langs))
    anchors, floors = leading_headings_cut(_anchors(flow, langs, lexicons, headers))
    runs = anchor_runs(anchors)
    if not runs:
        split = _fallback(flow, langs)
        return Split(split.versions, split.front, split.back, split.between, furniture)
    titles: dict[str, tuple] = {}
    bodies: dict[str, list] = {}
    between, floor, front = [], 0, ()
    for n, (lang, first, last, _count) in enumerate(runs):
        nxt = runs[n + 1].first if n + 1 < len(runs) else len(flow)
        title_start, body_start = _region_start(flow, langs, lang, first, max(floor, floors.pop(lang, 0)),
                                                lexicons.get(lang))
        end = _region_end(flow, langs, lang, last, nxt)
        if n == 0:
            front = flow[:title_start]
        else:
            between.extend(flow[floor:title_start])
        if lang in bodies:  # the language resumes after another one: one version, two stretches
            bodies[lang].extend(flow[title_start:end])
        else:
            titles[lang] = flow[title_start:body_start]
            bodies[lang] = list(flow[body_start:end])
        floor = end
    versions = tuple(VersionBlocks(lang, titles[lang], tuple(bodies[lang])) for lang in bodies)
    return Split(versions, front=front, back=flow[floor:], between=tuple(between), furniture=furniture)


def _with_lang(block: Block, lang: str | None) -> Block:
    return replace(block, lang=lang)
