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

PAIRS = {"(": ")", "[": "]", "{": "}", "«": "»", "“": "”", "„": "“", '"': '"'}
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


def split_bodies(text: str, conjunctions: tuple[str, ...] = (), protected: regex.Pattern | None = None) -> list[str]:
    """Responsible bodies printed in ``text`` (cell paragraphs or lines joined by ``\\n``):
    split as :func:`split_list` does, then between two names with initials, and without a
    conjunction (``conjunctions``: "и", "and", "және") that opens a piece.

    >>> split_bodies("Бектұрғанов С.Ш. Бортник М.М.")
    ['Бектұрғанов С.Ш.', 'Бортник М.М.']
    >>> split_bodies("Комиссия УП «МИНГАЗ»\\nи рабочие группы", ("и",))
    ['Комиссия УП «МИНГАЗ»', 'рабочие группы']
    """
    out = []
    for piece in split_list(text, protected=protected):
        for name in _BETWEEN_NAMES.split(piece):
            words = name.split(maxsplit=1)
            if len(words) == 2 and words[0].casefold() in conjunctions:
                name = words[1]
            if name.strip():
                out.append(_trimmed(name))
    return out


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
