"""Text repair shared by the readers: typographic forms, line-end hyphenation, text-layer quality.

Used by :mod:`pipeline.extract`: :func:`normalize` for every format, :func:`join_lines`
(with a document's :class:`Words`) for PDF lines, :func:`text_quality` for every source.
"""
from __future__ import annotations

import bisect

import regex

_LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
                            "\ufb05": "st", "\ufb06": "st", "\u00ad": None, "\u00a0": " "})


def normalize(text: str) -> str:
    """Typographic forms to plain text: ligatures spelled out, soft hyphens removed,
    no-break spaces as spaces.

    >>> normalize("e\ufb00ective con\u00adfirmed")
    'effective confirmed'
    """
    return text.translate(_LIGATURES)


_CID = regex.compile(r"\(cid:\d+\)")
_NO_MEANING = regex.compile(r"[\ufffd\p{Co}\p{Cc}--\s]", regex.V1)


def text_quality(texts) -> tuple[int, int]:
    """(glyphs, glyphs without a Unicode meaning) over ``texts``: an unmapped PDF glyph,
    which pdfminer prints as ``(cid:N)``, counts as one of each; so does every glyph of a
    word whose letters are look-alikes of another script's (:func:`garbled_chars`).

    >>> text_quality(["Ab (cid:12)(cid:7)", "\ufffd"])
    (5, 3)
    >>> text_quality(["Ïëàí ìåðîïðèÿòèé íà 2023 ãîä"])  # a Russian title read through the wrong 8-bit map
    (24, 18)
    """
    texts = [_CID.sub(lambda m: "\ufffd", text) for text in texts]
    glyphs = sum(1 for text in texts for ch in text if not ch.isspace())
    meaningless = sum(len(_NO_MEANING.findall(text)) for text in texts)
    return glyphs, meaningless + garbled_chars(texts)


# --- text layers whose glyphs map to the wrong letters ---------------------------------------
# A PDF font whose glyphs are mapped to the code points of another 8-bit code page (a Russian
# form set in a legacy "Cyr" font and read as Windows-1252: "Ïðîãðàììà"), text that went
# through UTF-8 read as Windows-1252 once or twice ("ÐŸÑ€Ð¾", "Ã¨ÃªÃ®"), KOI8-R read as
# Windows-1251 (case turned over: "рТПЗТБННБ"), DOS 866 read as Windows-1251 ("Џа®Ја"), fonts
# that put Cyrillic glyphs on Latin look-alike code points ("Пpoгpaммa"), and the pre-Unicode
# Kazakh fonts that put ә ғ қ ң ө ұ ү һ і on the code points of Serbian letters or of symbols
# (or lost them to "?"): each gives words no language writes.

_CP1252_HIGH = frozenset(bytes([b]).decode("cp1252", errors="ignore") for b in range(0x80, 0xA0)) - {""}
_EDGES = "\"'()[]{}<>.,;:!«»“”„‘’–—-…•*/\\|"
_FOREIGN_CYRILLIC = frozenset("ЂђЃѓЅѕЈјЉљЊњЋћЌќЏџ")  # Serbian and Macedonian letters
_TOKEN = regex.compile(r"\S+")
_LETTER = regex.compile(r"\p{L}")
_CYRILLIC = regex.compile(r"\p{Cyrillic}")
_LATIN = regex.compile(r"\p{Latin}")
_JUNK = "?¤¦§©¬®°±µ¶·‰‹›†‡€™"  # signs the misread code pages put where letters were
_INNER_JUNK = regex.compile(rf"(?:(?<=\p{{Cyrillic}})[{regex.escape(_JUNK)}]+|^\?+)(?=\p{{Cyrillic}})")
_SCRIPT_RUN = regex.compile(r"\p{Cyrillic}+|\p{Latin}+")
_TURNED_CASE = regex.compile(r"^\p{Ll}\p{Lu}{3,}$")
# Letters of Russian, Kazakh, Kyrgyz, Uzbek, Tajik and Ukrainian/Belarusian, with digits and a hyphen: no junk
_PLAIN_CYRILLIC = regex.compile(r"[\u0410-\u044f\u0451\u0401\u0456\u0406\u0492\u0493\u049a\u049b\u04a2\u04a3"
                                r"\u04e8\u04e9\u04b0\u04b1\u04ae\u04af\u04ba\u04bb\u04d8\u04d9\u040e\u045e"
                                r"\u04b2\u04b3\u0404\u0454\u0407\u0457\u0490\u0491\d\-]+")
SYSTEMIC = 0.1  # share of a text's words: mixed scripts or turned case this often are no typing slip


def _high(ch: str) -> bool:
    return "\x80" <= ch <= "\xff" or ch in _CP1252_HIGH


def _misread_utf8(token: str) -> bool:
    """Is ``token`` UTF-8 bytes shown through Windows-1252 (or Latin-1)?"""
    if all(ch < "\x80" for ch in token):
        return False
    try:
        raw = bytes(ord(ch) if ch <= "\xff" else ch.encode("cp1252")[0] for ch in token)
        return any(ch >= "\x80" for ch in raw.decode("utf-8"))
    except (UnicodeEncodeError, UnicodeDecodeError):
        return False


def _kind(token: str) -> str | None:
    """Why ``token`` (a word with its punctuation) is no word of any language, if it is not:
    ``utf8``, ``8bit`` (Latin-1 letters and signs only, standing for another script's letters),
    ``inner`` (a sign, "?" or a Serbian letter inside a Cyrillic word), ``lookalike`` (Latin
    and Cyrillic letters taking turns in one word: "Пpoгpaммa"), ``mixed`` (one letter or run of
    the other script: "müdirliги", a typing slip when alone), ``turned`` (lower case then upper
    case: KOI8-R read as Windows-1251), or None."""
    token = token.strip(_EDGES)
    if len(token) < 3 or token.isascii():
        return None  # plain ASCII is no misreading (most words of an English text)
    if _PLAIN_CYRILLIC.fullmatch(token) and not _TURNED_CASE.match(token):
        return None  # Cyrillic letters of the usual alphabets only (most words of a Russian or Kazakh text)
    if _misread_utf8(token):
        return "utf8"
    high = sum(_high(ch) for ch in token)
    if high >= 3 and high >= 0.6 * len(token) and all(_high(ch) for ch in _LETTER.findall(token)):
        return "8bit"  # Turkmen "Dünýä", "ýüzüň" hold other letters too
    cyrillic = len(_CYRILLIC.findall(token))
    if cyrillic and (_INNER_JUNK.search(token) or any(ch in _FOREIGN_CYRILLIC for ch in token)):
        return "inner"
    if cyrillic and _LATIN.search(token):
        return "lookalike" if len(_SCRIPT_RUN.findall(token)) > 2 else "mixed"
    if cyrillic >= 4 and _TURNED_CASE.match(token):
        return "turned"
    return None


def garbled_chars(texts) -> int:
    """Glyphs of ``texts`` in words whose letters stand for other letters (see above).  Words
    mixing Latin and Cyrillic letters, or with their case turned over, count only where they
    are systemic (``SYSTEMIC`` of the words or more) — one slip of the keyboard is a typing
    error for ``MIXED_SCRIPT``, not a garbled text layer.

    >>> garbled_chars(["Ïðîãðàììà ìåðîïðèÿòèé", "ÐŸÑ€Ð¾Ð³Ñ€Ð°Ð¼Ð¼Ð°", "Ã¨ÃªÃ®Ã\xadÃ®Ã¬"])
    50
    >>> garbled_chars(["Пpoгpaммa мepoпpиятий", "рТПЗТБННБ нЕТПРТЙСФЙК рП ъБЭЙФЕ рТБЧ зТБЦДБО"])
    57
    >>> garbled_chars(["Türkmenistanyň Baş prokuraturasy", "müdirliги we beýleki edaralar"])
    0
    """
    words = [token for text in texts for token in _TOKEN.findall(text) if _LETTER.search(token)]
    kinds = [_kind(token) for token in words]
    systemic = {kind for kind in ("mixed", "turned") if kinds.count(kind) >= max(3, SYSTEMIC * len(words))}
    total = 0
    for token, kind in zip(words, kinds):
        if kind in ("utf8", "8bit", "inner", "lookalike") or kind in systemic:
            total += len(token)
        elif "turned" in systemic and _CYRILLIC.search(token) and token.isupper():
            total += len(token)  # KOI8-R lower case read as Windows-1251 upper case
    return total


def garbled_share(text: str) -> float:
    """Share of ``text``'s glyphs in garbled words (:func:`garbled_chars`), 0 for no glyphs."""
    glyphs = sum(1 for ch in text if not ch.isspace())
    return garbled_chars([text]) / glyphs if glyphs else 0.0


_WORD = regex.compile(r"\p{L}+(?:-\p{L}+)*")


def vocabulary(lines) -> set[str]:
    """Words and hyphenated compounds (casefolded) printed whole in ``lines`` (in reading
    order): the pieces around a line-end hyphen are left out, they may be fragments."""
    out, broken = set(), False
    for line in lines:
        found = _WORD.findall(line)
        if broken and found:
            found = found[1:]
        broken = line.endswith("-")
        if broken and found:
            found = found[:-1]
        for word in found:
            parts = word.casefold().split("-")
            out.add(word.casefold())
            out.update(parts)
            out.update(f"{part}-" for part in parts[:-1])  # a compound's first element
    return out


class Words:
    """A document's vocabulary, answering whether a string is a word of it — exactly, or
    for longer words by its stem (``mechanisms`` is known from ``mechanism``)."""

    def __init__(self, words: set[str]):
        self.words = words
        self.sorted = sorted(words)

    def __contains__(self, word: str) -> bool:
        word = word.casefold()
        if word in self.words:
            return True
        if len(word) < 6:
            return False
        stem = word[:max(5, len(word) - 3)]
        i = bisect.bisect_left(self.sorted, stem)
        return i < len(self.sorted) and self.sorted[i].startswith(stem)


def join_lines(texts: list[str], words: Words) -> str:
    """Lines of one paragraph joined, undoing line-end hyphenation where the evidence of
    the document says so.  A hyphen between letters at a line end stays (a compound) when
    the document prints that compound; it goes (a word broken by the typesetter) when the
    document prints the joined word whole; else it stays when the document prints a
    compound with the same first element, and goes when the joined word is a word of the
    document (by its stem) or neither piece is; otherwise (``Criminal-Procedure``,
    ``anti-trafficking``) it stays.

    >>> join_lines(["the imple-", "mentation of well-", "known plans, Criminal-", "Procedure, anti-",
    ...             "trafficking, Passe-", "nger, in-", "ternational in-", "kind"],
    ...            Words({"implementation", "well-known", "well-", "criminal", "procedure", "trafficking",
    ...                   "in-depth", "in-", "international", "kind"}))
    'the implementation of well-known plans, Criminal-Procedure, anti-trafficking, Passenger, international in-kind'
    """
    text = ""
    for piece in texts:
        if not text:
            text = piece
        elif text.endswith("-") and len(text) > 1 and text[-2].isalnum() and piece[:1].isalnum():
            head = regex.search(r"\p{L}*$", text[:-1]).group()
            tail = regex.match(r"\p{L}*", piece).group()
            text = text[:-1] + piece if head and tail and _broken(head, tail, words) else text + piece
        else:
            text += " " + piece
    return text


def _broken(head: str, tail: str, words: Words) -> bool:
    if f"{head}-{tail}".casefold() in words.words:
        return False  # the compound is printed
    if (head + tail).casefold() in words.words:
        return True  # the joined word is printed whole ("in-" + "ternational" where "in-depth" is printed too)
    if f"{head}-".casefold() in words.words:
        return False  # a compound with this first element is printed
    return head + tail in words or not (head in words or tail in words)
