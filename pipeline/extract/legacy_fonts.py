"""Kazakh typed in pre-Unicode fonts, read as Kazakh letters: a function over any reader's blocks.

A Kazakh document typed in a "pseudo-Unicode" font stores each Kazakh letter as the code point
of another alphabet's letter that the font drew as Kazakh ("Ќазаќстан Їкіметініѕ" for
"Қазақстан Үкіметінің"): on screen it is Kazakh, as data no word is.  The substitution tables
are data (``pipeline/lexicon/legacy_fonts/kk.toml``); :func:`blocks_to_respelled` picks the one
that explains the document best and maps, word by word, the substitutes inside Kazakh words.
Which paragraphs and cells are Kazakh is decided by context, so that Ukrainian, Belarusian,
Macedonian, Serbian, Uzbek or Tajik text, whose own letters those substitutes are, stays as
printed:

* a block holding a letter no protected alphabet writes (ы beside ї, a proper Kazakh ә) is
  Kazakh; a block that one of them could write is Kazakh when its words, read through the
  table, are Kazakh words or endings more than they are that language's words (and than they
  break Kazakh spelling: "Україна" would read "Украүна", against vowel harmony);
* a block that no evidence decides goes with the document: Kazakh when the document holds
  Kazakh blocks of that font and none of another language;
* a word no alphabet writes under a table (a substitute the table does not explain beside
  Kazakh letters) means the table is not the document's font: a table is applied only where
  such words are few (:data:`FOREIGN_SHARE`).

A capital left inside a lower-case word by an older font ("мӘселе") is written in lower case.
Every substitution is one character for one, so the blocks' line breaks stay where they were;
each changed block's text as extracted is returned with its location (:class:`Respelling`).

>>> from pipeline.model import Location
>>> typed = Block("Ќазаќстан Республикасы Їкіметініѕ заѕ жобалау жўмыстарын", Location(0))
>>> blocks, done = blocks_to_respelled((typed,))
>>> blocks[0].text
'Қазақстан Республикасы Үкіметінің заң жобалау жұмыстарын'
>>> done.table, done.changed, done.example
('kz1048', 6, ('Ќазаќстан', 'Қазақстан'))
>>> blocks_to_respelled((Block("Кабінет Міністрів України забезпечує її виконання", Location(0)),))[1] is None
True
"""
from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NamedTuple

import regex

from ..lexicon import LEXICON_DIR, load_lexicons
from ..model import Block, Location

DATA = LEXICON_DIR / "legacy_fonts" / "kk.toml"
FOREIGN_SHARE = 0.1  # words no alphabet writes under a table, per word it repairs, above which it is not the font
APOSTROPHES = "'’ʼ"


@dataclass(frozen=True, slots=True)
class Table:
    """One font family's substitutes: ``mapping`` from the code point stored to the Kazakh letter drawn."""

    name: str
    title: str
    codepage: str
    mapping: dict[str, str]
    substitutes: frozenset[str]


@dataclass(frozen=True, slots=True)
class Protected:
    """A language whose letters some table's substitutes are: its alphabet, frequent words and endings."""

    code: str
    alphabet: frozenset[str]
    words: frozenset[str]
    suffixes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Fonts:
    """The data of ``legacy_fonts/kk.toml`` with the Kazakh and protected lexicons' letters and words."""

    tables: tuple[Table, ...]
    alphabet: frozenset[str]
    back: frozenset[str]
    front: frozenset[str]
    neutral: frozenset[str]
    words: frozenset[str]
    suffixes: tuple[str, ...]
    protected: tuple[Protected, ...]
    case_name: str
    inner_capitals: str


class Respelling(NamedTuple):
    """What :func:`blocks_to_respelled` changed in one file: the table applied (or the case rule's
    name alone), its description, how many characters changed, one word before and after, and
    each changed block's location with its text as extracted (the raw text, for provenance)."""

    table: str
    title: str
    changed: int
    example: tuple[str, str]
    raw: tuple[tuple[Location, str], ...]

    def to_dict(self) -> dict:
        return {"table": self.table, "title": self.title, "changed": self.changed, "example": list(self.example),
                "raw": [{"source": loc.to_dict(), "text": text} for loc, text in self.raw]}


@functools.cache
def load_fonts(path: Path = DATA) -> Fonts:
    """The tables and the letters and words that decide where they apply."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    lexicons = load_lexicons()
    kazakh = lexicons[data["language"]]
    protected = [Protected(code, frozenset(lang["alphabet"]), frozenset(w.casefold() for w in lang["words"]))
                 for code, lang in data["protected"].items()]
    protected += [Protected(lex.code, lex.alphabet, lex.stopwords, lex.suffixes) for lex in lexicons.values()
                  if lex.script == "Cyrl" and lex.code != kazakh.code]
    tables = tuple(Table(t["name"], t["title"], t["codepage"], dict(t["map"]), frozenset(t["map"]))
                   for t in data["table"])
    return Fonts(tables, frozenset(data["alphabet"]), frozenset(data["back_vowels"]), frozenset(data["front_vowels"]),
                 frozenset(data["neutral_vowels"]), frozenset(w.casefold() for w in data["words"]) | kazakh.stopwords,
                 kazakh.suffixes, tuple(protected), data["case"]["name"], data["case"]["letters"])


# --- words --------------------------------------------------------------------------------------

@functools.cache
def _word_pattern(substitutes: frozenset[str]) -> regex.Pattern:
    """A word: letters, the table's substitutes (signs among them) and apostrophes between them."""
    inner = regex.escape("".join(sorted(substitutes)))
    unit = rf"[\p{{L}}\p{{M}}{inner}]"
    return regex.compile(rf"{unit}+(?:[{APOSTROPHES}]{unit}+)*")


def _letters(word: str) -> set[str]:
    return {ch for ch in word.casefold() if ch not in APOSTROPHES}


def _writable(word: str, alphabet: frozenset[str]) -> bool:
    return _letters(word) <= alphabet


_CYRILLIC = regex.compile(r"\p{Cyrillic}")


def _cyrillic(word: str) -> bool:
    """A word of Cyrillic letters (and signs): Latin words are neither Kazakh nor foreign here."""
    return not regex.search(r"\p{Latin}", word)


def _map(word: str, table: Table) -> str:
    return "".join(table.mapping.get(ch, ch) for ch in word)


def _candidate(word: str, table: Table) -> bool:
    """Does ``word`` hold a substitute of ``table`` and a letter besides ("її", "±" alone are no word)?"""
    return any(ch in table.mapping for ch in word) and any(ch not in table.mapping and ch.isalpha() for ch in word)


def _breaks_spelling(word: str, table: Table, fonts: Fonts) -> int:
    """How many of the letters ``table`` would put into ``word`` break Kazakh spelling: ә ө ү ұ after
    a vowel or against the vowels around them (harmony); қ ғ before front vowels; ғ ending a word
    or opening one before a consonant; ң opening a word or after a consonant."""
    raw, mapped = word.casefold(), _map(word, table).casefold()
    vowels = fonts.back | fonts.front | fonts.neutral
    broken = 0
    for i, (before, after) in enumerate(zip(raw, mapped)):
        if before == after:
            continue
        previous = mapped[i - 1] if i else ""
        if after in fonts.back | fonts.front:
            sides = [_nearest(mapped[:i][::-1], fonts), _nearest(mapped[i + 1:], fonts)]
            same = fonts.back if after in fonts.back else fonts.front
            broken += previous in vowels or previous in APOSTROPHES or (
                any(sides) and not any(s in same for s in sides if s))
        elif after in "қғ":
            near = _nearest(mapped[i + 1:], fonts) or _nearest(mapped[:i][::-1], fonts)
            broken += near in fonts.front or (after == "ғ" and (i == len(mapped) - 1 or (
                i == 0 and len(mapped) > 1 and mapped[1] not in vowels)))
        elif after == "ң":
            broken += i == 0 or previous not in vowels
    return broken


def _nearest(letters: str, fonts: Fonts) -> str:
    """The first back or front vowel of ``letters`` ("" when none)."""
    return next((ch for ch in letters if ch in fonts.back or ch in fonts.front), "")


# --- blocks -------------------------------------------------------------------------------------

class _Verdict(NamedTuple):
    """How a block reads under one table: ``kind`` kk (Kazakh: ``words`` are the spans to map),
    foreign (another language's), undecided, strange (words no alphabet writes: another font),
    or none (no substitute of the table)."""

    kind: str
    words: tuple[tuple[int, int], ...] = ()
    strange: int = 0
    writers: frozenset[str] = frozenset()  # the protected languages that could write the block
    language: str | None = None  # the one it reads as, when foreign


def _judge(text: str, table: Table, fonts: Fonts) -> _Verdict:
    found = [m for m in _word_pattern(table.substitutes).finditer(text) if _cyrillic(m.group())]
    kazakh = fonts.alphabet | {ch.casefold() for ch in table.substitutes}
    candidates = [m for m in found if _candidate(m.group(), table) and _writable(m.group(), kazakh)]
    if not candidates:
        return _Verdict("none")
    words = [m.group() for m in found]
    strange = sum(1 for w in words if not _writable(w, kazakh)
                  and not any(_writable(w, p.alphabet) for p in fonts.protected))
    if strange:
        return _Verdict("strange", strange=strange)
    spans = tuple(m.span() for m in candidates)
    letters = {ch for w in words for ch in _letters(w) if _CYRILLIC.match(ch)}  # pt154's ± µ are no letters
    writers = [p for p in fonts.protected if letters <= p.alphabet]
    if not writers:  # a letter no other language writes beside the substitutes: Kazakh
        return _Verdict("kk", spans)
    kazakh_evidence = _kazakh_evidence(words, table, fonts)
    scored = sorted(((_foreign_evidence(words, p), p.code) for p in writers), reverse=True)
    foreign_evidence = scored[0][0] + sum(_breaks_spelling(m.group(), table, fonts) for m in candidates)
    codes = frozenset(p.code for p in writers)
    if kazakh_evidence > foreign_evidence:
        return _Verdict("kk", spans, writers=codes)
    if foreign_evidence > kazakh_evidence:
        return _Verdict("foreign", spans, writers=codes, language=scored[0][1])
    return _Verdict("undecided", spans, writers=codes)


def _foreign_evidence(words: list[str], language: Protected) -> int:
    """``language``'s words among ``words`` (two each), its endings and apostrophes inside words (one each)."""
    return 2 * sum(1 for w in words if w.casefold() in language.words) + sum(
        1 for w in words if len(w) > 3 and language.suffixes and w.casefold().endswith(language.suffixes)) + sum(
        1 for w in words if any(a in w for a in APOSTROPHES))


def _kazakh_evidence(words: list[str], table: Table, fonts: Fonts) -> int:
    """Kazakh words among ``words`` read through ``table`` (two each), and Kazakh endings that a
    substitute is part of (one each)."""
    mapped = [_map(w, table).casefold() for w in words]
    return 2 * sum(1 for m in mapped if m in fonts.words) + sum(
        1 for w, m in zip(words, mapped) if len(m) > 3 and m.endswith(fonts.suffixes)
        and any(ch in table.mapping for ch in w[-4:]))


def _document(blocks: tuple[Block, ...], table: Table, fonts: Fonts) -> tuple[list[_Verdict], int]:
    """Each block's verdict under ``table``, the undecided ones settled by the document (Kazakh
    when it holds Kazakh blocks and none in a language that could have written them), and the
    number of words it would repair — 0 when too many words are left that no alphabet writes
    (it is not the font)."""
    verdicts = [_judge(b.text, table, fonts) if table.substitutes.intersection(b.text) else _Verdict("none")
                for b in blocks]
    if any(v.kind == "kk" for v in verdicts):
        foreign = {v.language for v in verdicts if v.kind == "foreign"}
        verdicts = [v._replace(kind="kk") if v.kind == "undecided" and not v.writers & foreign else v
                    for v in verdicts]
    repaired = sum(len(v.words) for v in verdicts if v.kind == "kk")
    strange = sum(v.strange for v in verdicts)
    return verdicts, repaired if strange <= FOREIGN_SHARE * repaired else 0


def _respell(text: str, spans: tuple[tuple[int, int], ...], table: Table) -> str:
    out, last = [], 0
    for start, end in spans:
        out += [text[last:start], _map(text[start:end], table)]
        last = end
    return "".join(out) + text[last:]


@functools.cache
def _inner_capital(letters: str) -> regex.Pattern:
    return regex.compile(rf"(?<=\p{{Ll}})[{regex.escape(letters)}](?=\p{{Ll}})")


def blocks_to_respelled(blocks) -> tuple[tuple[Block, ...], Respelling | None]:
    """``blocks`` with Kazakh typed in a pre-Unicode font read as Kazakh letters (module doc), and
    what was changed (None when nothing was)."""
    fonts = load_fonts()
    blocks = tuple(blocks)
    best, best_count = None, 0
    for table in fonts.tables:
        verdicts, count = _document(blocks, table, fonts)
        if count > best_count:
            best, best_count = (table, verdicts), count
    capital = _inner_capital(fonts.inner_capitals)
    out, raw, changed, example = [], [], 0, None
    for i, block in enumerate(blocks):
        text = block.text
        if best and best[1][i].kind == "kk":
            text = _respell(text, best[1][i].words, best[0])
            example = example or _example(block.text, best[1][i].words)
        text = capital.sub(lambda m: m.group().lower(), text)  # "мӘселе"
        if text != block.text:
            changed += sum(a != b for a, b in zip(text, block.text))
            raw.append((block.loc, block.text))
            block = replace(block, text=text)
        out.append(block)
    if not raw:
        return blocks, None
    lower = functools.partial(capital.sub, lambda m: m.group().lower())
    if example is None:  # only capitals left inside words
        example = _capital_example(raw[0][1], capital)
        return tuple(out), Respelling(fonts.case_name, "capital letters left inside lower-case words", changed,
                                      (example, lower(example)), tuple(raw))
    table = best[0]
    return tuple(out), Respelling(table.name, table.title, changed, (example, lower(_map(example, table))), tuple(raw))


def _example(text: str, spans: tuple[tuple[int, int], ...]) -> str:
    """The first repaired word of four letters or more (else the first)."""
    words = [text[s:e] for s, e in spans]
    return next((w for w in words if len(w) >= 4), words[0])


def _capital_example(text: str, capital: regex.Pattern) -> str:
    found = capital.search(text)
    start = regex.compile(r"\p{L}*$").search(text[:found.start()]).start()
    return text[start:found.end() + len(regex.match(r"\p{L}*", text[found.end():]).group())]
