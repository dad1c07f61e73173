"""Responsible bodies as printed, for the parse stage: lists split where the document
separates names, and abbreviations expanded from the document's own legend.

Real plans print responsible bodies in many ways: comma lists with names in guillemets
whose quotes do not balance ("филиале «ТБЗ «Сергеевичское»"), one name per line in a
cell ("Бектұрғанов С.Ш." over "Бортник М.М."), a cell going on in a second paragraph
that starts with a conjunction ("и рабочие группы …"), names with initials whose final
period is part of the name ("Манкевич Е.В."), and abbreviations (МФ, МТСЗН) spelled out
in a closing legend ("Примечание: расшифровка аббревиатур: МФ – Министерство финансов …").
"""
from __future__ import annotations

import regex

from .chars import QUOTE_PAIRS
from .model import Block

PAIRS = QUOTE_PAIRS
SEPARATORS = regex.compile(r"[,;]")
# A name followed by another name with initials: "Ершов С.М. Бортник М.М." (surname first)
# or "Ә.Е. Әбдіқадыров Б.Б. Бортник" (initials first).
_NAME = r"\p{Lu}[\p{Ll}\p{Lu}]*(?:-\p{Lu}\p{Ll}+)?"
_INITIALS = r"\p{Lu}\.\s?\p{Lu}\.?"
_BETWEEN_NAMES = regex.compile(
    rf"(?<={_NAME}\s+{_INITIALS})\s+(?={_NAME}\s+{_INITIALS}(?!\p{{L}}))"
    rf"|(?<={_INITIALS}\s?{_NAME})\s+(?={_INITIALS}\s?{_NAME})", regex.V1)
_ENDS_WITH_INITIAL = regex.compile(r"(?:\p{L}\s|\.\s?)\p{Lu}\.$")
# "МФ – Министерство финансов Республики Казахстан": an abbreviation, a dash, its full name.
_LEGEND_ENTRY = regex.compile(r"(?<![\p{L}\d])(?P<abbr>\p{Lu}[\p{Lu}\p{Ll}]{0,3}\p{Lu}[\p{Lu}\p{Ll}]{0,6})\s*[–—-]\s+"
                              r"(?=\p{Lu})", regex.V1)


def matched_quotes(text: str) -> dict[int, int]:
    """Positions of the brackets and quotes that open a pair closed later in ``text``,
    with the position of their closing mark; an opening mark never closed is left out, so
    that it does not shield the rest of the text from splitting.

    >>> matched_quotes("«ТБЗ «Сергеевичское», начальники")
    {5: 19}
    """
    stack: list[int] = []
    pairs = {}
    for i, ch in enumerate(text):
        if stack and ch == PAIRS[text[stack[-1]]]:
            pairs[stack.pop()] = i
        elif ch in PAIRS:
            stack.append(i)
    return pairs


def split_list(text: str, separators: regex.Pattern = SEPARATORS, protected: regex.Pattern | None = None) -> list[str]:
    """Split at top-level separators and line ends, never inside brackets or quotes that
    close, nor inside a ``protected`` phrase (an agency name printed with a comma).

    >>> split_list("A (b, c), D; E.")
    ['A (b, c)', 'D', 'E']
    >>> split_list("Institute of State, Law and Democracy, Working Group",
    ...            protected=regex.compile("Institute of State, Law and Democracy"))
    ['Institute of State, Law and Democracy', 'Working Group']
    >>> split_list("филиале «ТБЗ «Сергеевичское», начальники")
    ['филиале «ТБЗ «Сергеевичское»', 'начальники']
    """
    shielded = set()
    for m in (protected.finditer(text) if protected else ()):
        shielded.update(range(m.start(), m.end()))
    for start, end in matched_quotes(text).items():
        shielded.update(range(start, end))
    out, start = [], 0
    for i, ch in enumerate(text):
        if i not in shielded and (separators.match(ch) or ch == "\n"):
            out.append(text[start:i])
            start = i + 1
    out.append(text[start:])
    return [p for p in map(_trimmed, out) if p]


def _trimmed(piece: str) -> str:
    """A list piece without surrounding space and closing ``.``/``;`` — unless the period
    ends an initial ("Манкевич Е.В.")."""
    piece = piece.strip().rstrip(";").strip()
    while piece.endswith(".") and not _ENDS_WITH_INITIAL.search(piece):
        piece = piece[:-1].rstrip()
    return piece


def split_bodies(text: str, conjunctions: tuple[str, ...] = (), protected: regex.Pattern | None = None,
                 heads: regex.Pattern | None = None, head_last: bool = False) -> list[str]:
    """Responsible bodies printed in ``text`` (cell paragraphs or lines joined by ``\\n``):
    split as :func:`split_list` does, then between two names with initials, at a conjunction
    between two bodies (:func:`_at_conjunctions`, given the language's ``heads``), and
    without a conjunction (``conjunctions``: "и", "and", "және") that opens a piece.

    >>> split_bodies("Бектұрғанов С.Ш. Бортник М.М.")
    ['Бектұрғанов С.Ш.', 'Бортник М.М.']
    >>> split_bodies("Комиссия УП «МИНГАЗ»\\nи рабочие группы", ("и",))
    ['Комиссия УП «МИНГАЗ»', 'рабочие группы']
    """
    out = []
    for piece in split_list(text, protected=protected):
        for name in (n for part in _BETWEEN_NAMES.split(piece) for n in _at_conjunctions(part, conjunctions, heads,
                                                                                          head_last, protected)):
            words = name.split(maxsplit=1)
            if len(words) == 2 and words[0].casefold() in conjunctions:
                name = words[1]
            if name.strip():
                out.append(_trimmed(name))
    return out


def _at_conjunctions(name: str, conjunctions: tuple[str, ...], heads: regex.Pattern | None, head_last: bool,
                     protected: regex.Pattern | None = None) -> list[str]:
    """``name`` split at a conjunction that stands between two whole bodies: each side names
    one (a head word of ``heads``), the second opening with a capital letter; the word after
    the conjunction is a head and the word before it is none where heads come first ("Министерство юстиции и Министерство
    финансов"), the other way round where they come last ("Әділет министрлігі мен Ішкі істер
    министрлігі").  "Ministry of Education and Science", "Білім және ғылым министрлігі", two
    heads joined ("министерства и ведомства Туркменистана", "Ministries and Agencies"), a body
    going on in another case ("… в филиале «Бубны» и филиале «ТБЗ»") and a name of the
    gazetteer (``protected``) stay one.

    >>> heads = regex.compile("(?i)министерств|министрлі")
    >>> _at_conjunctions("Министерство труда и социальной защиты и Министерство финансов", ("и",), heads, False)
    ['Министерство труда и социальной защиты', 'Министерство финансов']
    >>> _at_conjunctions("Білім және ғылым министрлігі мен Ішкі істер министрлігі", ("және", "мен"), heads, True)
    ['Білім және ғылым министрлігі', 'Ішкі істер министрлігі']
    >>> _at_conjunctions("другие министерства и ведомства", ("и",), regex.compile("министерств|ведомств"), False)
    ['другие министерства и ведомства']
    """
    if heads is None or not conjunctions or (protected is not None and protected.fullmatch(name.strip())):
        return [name]
    words = name.split(" ")
    for i in range(1, len(words) - 1):
        if words[i].casefold() not in conjunctions:
            continue
        before, after = words[:i], words[i + 1:]
        head, other = (before[-1], after[0]) if head_last else (after[0], before[-1])
        if heads.search(head) and not heads.search(other) and after[0][:1].isupper() \
                and heads.search(" ".join(before)) and heads.search(" ".join(after)):
            return [" ".join(before), *_at_conjunctions(" ".join(after), conjunctions, heads, head_last, protected)]
    return [name]


def legend_of(texts) -> dict[str, str]:
    """Abbreviations a document spells out ("МФ – Министерство финансов Республики
    Казахстан МКС – Министерство культуры и спорта …"): abbreviation -> full name.

    >>> legend_of(["Примечание: расшифровка аббревиатур: МФ – Министерство финансов РК МО – Министерство обороны РК"])
    {'МФ': 'Министерство финансов РК', 'МО': 'Министерство обороны РК'}
    """
    out: dict[str, str] = {}
    for text in texts:
        entries = list(_LEGEND_ENTRY.finditer(text))
        for m, following in zip(entries, entries[1:] + [None]):
            full = text[m.end():following.start() if following else len(text)].strip().rstrip(";,.").strip()
            if full and len(full.split()) >= 2:
                out.setdefault(m.group("abbr"), full)
    return out


_LAST_WORD = regex.compile(r"(\p{L}+)\W*$")


def separates_bodies(before: str, after: str, heads: regex.Pattern, head_last: bool = False) -> bool:
    """Does a printed line end between two bodies (one per line in a cell), rather than wrap
    inside one?  Yes after initials ("Бектұрғанов С.Ш." over "Бортник М.М."); and where the
    names run parallel — the next line starts with the word the line started with
    ("Министерство юстиции" over "Министерство внутренних дел"), or repeats the words the
    line ends with ("Gegharkunik Regional Administration of the RA" over "Syunik Regional
    Administration of the RA") — both lines naming a body.  A wrap inside a long name
    ("Ministry of Territorial" over "Administration and Infrastructures of the RA") is none.

    >>> import regex; heads = regex.compile("(?i)министерств|administration")
    >>> separates_bodies("Министерство юстиции", "Министерство внутренних дел", heads)
    True
    >>> separates_bodies("Ministry of Territorial", "Administration and Infrastructures of the RA", heads)
    False
    >>> separates_bodies("Lori Regional Administration of the RA", "Kotayk Regional Administration of the RA", heads)
    True
    """
    before, after = before.rstrip(), after.lstrip()
    if _ENDS_WITH_INITIAL.search(before):
        return True
    words, following = before.split(), after.split()
    if not words or not following or not after[:1].isupper() or not heads.search(before) or not heads.search(after):
        return False
    if words[0] == following[0] and len(words) > 1:
        return True
    tail = " ".join(words[-2:])
    return len(words) >= 3 and f" {tail}" in f" {after}"


def lines_as_bodies(block: Block, heads: regex.Pattern, head_last: bool = False) -> str:
    """``block``'s text with a line end between two bodies (:func:`separates_bodies`, which
    compares the printed line with the rest) kept as a line break, so that the list splits
    there; other line ends stay spaces.  A text with commas or semicolons is split at those."""
    text = block.text
    if SEPARATORS.search(text):
        return text  # a list with its own separators is split at them
    starts = [0, *sorted(block.breaks)]
    for n in range(len(starts) - 1, 0, -1):
        k, first = starts[n], n - 1
        while first > 0 and not text[starts[first]:starts[first] + 1].isspace() and (
                text[starts[first]:starts[first] + 1].islower()):  # a line going on inside a word or a name
            first -= 1
        line = text[starts[first]:k].strip()
        if 0 < k < len(text) and text[k] == " " and separates_bodies(line, text[k + 1:], heads, head_last):
            text = f"{text[:k]}\n{text[k + 1:]}"
    return text
