"""Language knowledge as data: one TOML file per language in ``pipeline/lexicon/``.

Each file gives the language's heading patterns (``[headings]``), field labels and their
variants (``[labels]``), table column headers (``[columns]``), period words
(``[periods]``), words of responsible bodies (``[bodies]``: the head nouns that make a
phrase a body — ministry, akimat, committee — and the conjunction that joins two), number
words (``[numbers]``: each value's forms, so that "two" and "2" agree) and
language-identification hints (``[langid]``);
``common.toml`` adds patterns shared by all languages.  Adding a language means adding a
file — no code changes.

>>> lex = load_lexicons()["en"]
>>> lex.match_label("Implementation Period: 2020-2022.").field
'period'
>>> load_lexicons()["ru"].match_column("Наименование мероприя тия:")
'activity'
"""
from __future__ import annotations

import functools
import unicodedata
import tomllib
from dataclasses import dataclass
from pathlib import Path

import regex

from .chars import APOSTROPHES, DASHES, HYPHENS, SOFT_HYPHEN, char_class

LEXICON_DIR = Path(__file__).parent / "lexicon"
FIELDS = ("needs", "aims", "objectives", "activities", "indicators", "agencies", "period", "note")
COLUMNS = ("number", "activity", "aims", "objectives", "indicators", "agencies", "period", "financing", "note")


@dataclass(frozen=True, slots=True)
class LabelMatch:
    """A field label at the start of a paragraph: ``label`` as printed (with its colon)."""

    field: str
    label: str
    number: str | None
    rest: str


@dataclass(frozen=True, slots=True)
class HeadingMatch:
    kind: str  # "part" or "section"
    number: str
    title: str


@dataclass(frozen=True, slots=True)
class Lexicon:
    code: str
    name: str
    iso639_2: str
    script: str
    letters: frozenset[str]
    sequences: tuple[str, ...]  # letter sequences only this language writes ("o'", any apostrophe)
    alphabet: frozenset[str]
    stopwords: frozenset[str]
    suffixes: tuple[str, ...]
    langdetect: tuple[str, ...]
    langdetect_native: bool
    part: tuple[regex.Pattern, ...]
    section: tuple[regex.Pattern, ...]
    label_re: regex.Pattern
    label_fields: dict
    columns: "Columns"
    periods: "PeriodWords"
    conjunctions: tuple[str, ...] = ()  # [bodies]: "and" opening a list piece ("и рабочие группы")
    body_heads: regex.Pattern = regex.compile("(?!)")  # [bodies]: words that make a phrase a body
    loan_letters: bool = False  # [langid] loan_letters: any letter of its script is normal (Niño, ºC in English)
    body_head_position: str = "first"  # [bodies] head: where a body's head word stands ("last" in Turkic)
    body_stops: frozenset = frozenset()  # [bodies] stops: words that end a body's name ("совместно")
    body_inner: frozenset = frozenset()  # [bodies] inner: stops that go on a name right after its head ("Агентству по делам")
    verb_endings: tuple[str, ...] = ()  # [bodies] verb_endings: a word ending so is a verb, not part of a name
    numbers: tuple[tuple[str, int], ...] = ()  # [numbers]: (number word as a key(), its value), all forms
    activity: tuple[regex.Pattern, ...] = ()  # [headings] activity: an activity opened by a word ("Activity 1.2.")
    plan_words: regex.Pattern = regex.compile("(?!)")  # [headings] plan: words that name a plan in its title

    def match_heading(self, text: str) -> HeadingMatch | None:
        """Part or section heading in ``text``, or None."""
        for kind, patterns in (("part", self.part), ("section", self.section)):
            for pattern in patterns:
                m = pattern.fullmatch(text)
                if m:
                    return HeadingMatch(kind, m.group("num"), m.group("title").strip())
        return None

    def match_activity(self, text: str) -> tuple[str, str] | None:
        """(number, text) of an activity printed after a word that says it is one ("Activity
        1.2. Conduct training …", ``[headings] activity``), or None."""
        for pattern in self.activity:
            m = pattern.fullmatch(text)
            if m:
                return m.group("num"), m.group("title").strip()
        return None

    def match_addressee(self, text: str) -> tuple[str, str] | None:
        """(number, body) of a numbered addressee heading — "2. Қазақстан Республикасының Ауыл
        шаруашылығы министрлігі:", "3. Министерству юстиции:" — whose measures follow as
        "2.1.", "2.2." …; None for other text.  The body must hold one of the language's
        body words (``[bodies] heads``)."""
        m = _ADDRESSEE.fullmatch(text.strip())
        if not m or len(m.group("name").split()) > MAX_ADDRESSEE_WORDS or not self.body_heads.search(m.group("name")):
            return None
        return m.group("num"), m.group("name")

    def leading_body(self, text: str) -> str | None:
        """The body a sentence opens with: where the language puts a body's head word last
        (``[bodies] head = "last"``), up to that word (Kazakh "Қазақстан Республикасының
        Сыртқы істер министрлігі Ауыл шаруашылығы … бірлесіп …" → "Қазақстан
        Республикасының Сыртқы істер министрлігі"); where first, from it up to a stop word
        or a verb (``[bodies] stops``, ``verb_endings``: "Министерству просвещения
        совместно с …" → "Министерству просвещения").  None where it opens with none."""
        m = self.body_heads.search(text)
        if not m or len(text[:m.start()].split()) > (MAX_ADDRESSEE_WORDS if self.body_head_position == "last" else 1):
            return None
        end = regex.compile(r"\p{L}*").match(text, m.end()).end()
        if self.body_head_position == "last":
            return text[:end]
        words = text.split()  # head first ("Министерству просвещения совместно с …"): up to a verb or a stop word
        for n, word in enumerate(words[1:MAX_ADDRESSEE_WORDS], start=1):
            bare = word.strip(",;:").casefold()
            if n == 1 and bare in self.body_inner:  # "Агентству по делам …", "Комитету по …": the name goes on
                continue
            if word.startswith(",") or bare in self.body_stops or bare.endswith(self.verb_endings):
                return " ".join(words[:n]).rstrip(",")
            if word.endswith(","):
                return " ".join(words[:n + 1]).rstrip(",")
        return None

    def match_label(self, text: str) -> LabelMatch | None:
        """Field label at the start of ``text`` (``Edaralary:``, ``Задача 2:``), or None."""
        m = self.label_re.match(text)
        if not m:
            return None
        variant = m.group("variant")
        return LabelMatch(self.label_fields[key(" ".join(variant.split()))], m.group("label"),
                          m.group("num"), text[m.end():].strip())


    def match_column(self, text: str) -> str | None:
        """The field a table header cell names (``Сроки исполнения`` → ``period``), or None.

        A cell of the lexicon's exact headers names its field; otherwise the field whose
        stems (``[columns]``) the cell holds most of, the earliest stem breaking a tie.
        Case, spaces and hyphens are ignored — a narrow header cell may break a word
        anywhere — and a stem of three letters or fewer must be the whole cell.  A cell of
        more than ``MAX_HEADER_WORDS`` words is data, not a header.
        """
        if len(text.split()) > MAX_HEADER_WORDS:
            return None
        squeezed = _squeeze(text).rstrip(".:")
        if squeezed in self.columns.exact:
            return self.columns.exact[squeezed]
        best, best_key = None, (0, 0, 0)
        for name, stems in self.columns.stems:
            found = [stem for stem in stems if stem in squeezed]
            score = (len(found), sum(map(len, found)), -min((squeezed.find(s) for s in found), default=0))
            if found and score > best_key:
                best, best_key = name, score
        return best


@dataclass(frozen=True, slots=True)
class Columns:
    """A language's table header vocabulary (``[columns]``), compiled: whole short headers
    (``№``, ``No.``) and, per field, the stems a longer header holds."""

    exact: dict
    stems: tuple[tuple[str, tuple[str, ...]], ...]


MAX_HEADER_WORDS = 14
MAX_ADDRESSEE_WORDS = 12
_ADDRESSEE = regex.compile(r"(?P<num>\d{1,3})[.)]\s+(?P<name>[^:;.]{3,200}?)\s*:")
SHORT_STEM = 3  # letters: a stem this short must be the whole header cell


@dataclass(frozen=True, slots=True)
class PeriodWords:
    """A language's period vocabulary (``[periods]``), compiled: phrases that make a period
    ongoing, recurring or a deadline (``by``); quarter and half-year words; ordinals 1-4;
    month stems in calendar order; the words that join the two years of a range."""

    ongoing: regex.Pattern
    recurring: regex.Pattern
    by: regex.Pattern
    quarter: str
    half: str
    ordinals: tuple[str, ...]
    months: tuple[str, ...]
    range: regex.Pattern = regex.compile(r"(?!)")  # "2020 to 2022", "2021 жылдан 2023": year, connector, year


NEVER = "(?!)"  # a pattern that matches nothing: a list of words left empty


_APOSTROPHE = str.maketrans({ch: "'" for ch in APOSTROPHES})


def key(text: str) -> str:
    """Case-folded, every apostrophe-like mark as ``'``: the key of a label or column header."""
    return text.casefold().translate(_APOSTROPHE)


def _literal(text: str) -> str:
    """A lexicon phrase as a pattern: spaces match any run of whitespace, an apostrophe any
    apostrophe-like mark."""
    return "".join(r"\s+" if ch == " " else f"[{APOSTROPHES}]" if ch == "'" else regex.escape(ch)
                   for ch in " ".join(key(text).split()))


def _phrases(items, suffixes=()) -> regex.Pattern:
    """Whole words or phrases of ``items``; also ``suffixes`` at the end of a word ("-gacha")."""
    alternatives = "|".join(map(_literal, items)) or NEVER
    attached = "|".join(map(_literal, suffixes)) or NEVER
    return regex.compile(rf"(?<!\p{{L}})(?:{alternatives})(?!\p{{L}})|(?<=\p{{L}})(?:{attached})(?!\p{{L}})",
                         regex.IGNORECASE | regex.V1)


def compile_periods(data: dict) -> PeriodWords:
    def words(key):  # stems and small patterns, matched at a word start
        return "|".join(f"(?:{w})" for w in data.get(key, [])) or NEVER
    return PeriodWords(
        ongoing=_phrases(data.get("ongoing", [])), recurring=_phrases(data.get("recurring", [])),
        by=_phrases(data.get("by", []), data.get("by_suffixes", [])), quarter=words("quarter"), half=words("half"),
        ordinals=tuple(data.get("ordinals", [])), months=tuple(data.get("months", [])),
        range=_year_range("|".join(f"(?:{w})" for w in data.get("range", []))))


YEAR = r"(?:19|20)\d{2}"
_DASH = char_class("-" + DASHES)


def _year_range(connectors: str) -> regex.Pattern:
    """Two years joined by a dash or one of the language's connectors (``[periods] range``:
    "to", "по", "жылдан" …), the years named ``a`` and ``b``."""
    between = f"{_DASH}|(?<!\\p{{L}})(?:{connectors})(?!\\p{{L}})" if connectors else _DASH
    return regex.compile(rf"(?<!\d)(?P<a>{YEAR})\S*?\s*(?:{between})\s*(?P<b>{YEAR})(?!\d)",
                         regex.IGNORECASE | regex.V1)


_SQUEEZE = regex.compile(r"(?:\s|" + char_class(HYPHENS + DASHES + SOFT_HYPHEN) + ")+")


def _squeeze(text: str) -> str:
    """Case-folded, without spaces, hyphens and dashes: ``Іс шара``, ``Іс-шара`` → ``ісшара``."""
    return key(_SQUEEZE.sub("", text))


def _compile_columns(columns: dict) -> Columns:
    exact, stems = {}, []
    for name, variants in columns.items():
        if name not in COLUMNS:
            raise ValueError(f"unknown column field {name!r}")
        squeezed = [_squeeze(v).rstrip(".:") for v in variants]
        exact.update({v: name for v in squeezed})
        stems.append((name, tuple(v for v in squeezed if len(v) > SHORT_STEM)))
    return Columns(exact, tuple(stems))


def _compile_labels(labels: dict) -> tuple[regex.Pattern, dict]:
    by_variant = {}
    for name, variants in labels.items():
        if name not in FIELDS:
            raise ValueError(f"unknown label field {name!r}")
        for variant in variants:
            by_variant[key(" ".join(variant.split()))] = name
    # Longest variant first so "Ýerine ýetirilmeli möhleti" wins over "Möhleti".
    alternatives = "|".join(map(_literal, sorted(by_variant, key=len, reverse=True))) or "(?!)"
    pattern = regex.compile(
        rf"(?P<label>(?P<variant>{alternatives})(?:\s+(?P<num>\d+))?\s*:)", regex.IGNORECASE | regex.V1)
    return pattern, by_variant


def _patterns(items) -> tuple[regex.Pattern, ...]:
    return tuple(regex.compile(p, regex.IGNORECASE | regex.V1) for p in items)


def _build(data: dict, common: dict) -> Lexicon:
    langid = data.get("langid", {})
    headings = data.get("headings", {})
    shared = common.get("headings", {})
    label_re, label_fields = _compile_labels(data.get("labels", {}))
    columns = _compile_columns(data.get("columns", {}))
    periods = compile_periods(data.get("periods", {}))
    bodies = data.get("bodies", {})
    return Lexicon(
        code=data["code"], name=data.get("name", data["code"]), iso639_2=data.get("iso639_2", data["code"]),
        script=langid.get("script", "Latn"),
        letters=frozenset(langid.get("letters", "")),
        sequences=tuple(key(q) for q in langid.get("sequences", [])),
        alphabet=frozenset(langid.get("alphabet", "")),
        stopwords=frozenset(w.casefold() for w in langid.get("stopwords", [])),
        suffixes=tuple(s.casefold() for s in langid.get("suffixes", [])),
        langdetect=tuple(langid.get("langdetect", [data["code"]])),
        langdetect_native=bool(langid.get("langdetect_native", True)),
        part=_patterns(headings.get("part", []) + shared.get("part", [])),
        section=_patterns(headings.get("section", []) + shared.get("section", [])),
        activity=_patterns(headings.get("activity", [])),
        plan_words=regex.compile(rf"(?<!\p{{L}})(?:{'|'.join(headings.get('plan', [])) or NEVER})",
                                 regex.IGNORECASE | regex.V1),
        label_re=label_re, label_fields=label_fields, columns=columns, periods=periods,
        conjunctions=tuple(w.casefold() for w in bodies.get("conjunctions", [])),
        loan_letters=bool(langid.get("loan_letters", False)),
        body_head_position=bodies.get("head", "first"),
        body_stops=frozenset(w.casefold() for w in bodies.get("stops", [])),
        body_inner=frozenset(w.casefold() for w in bodies.get("inner", [])),
        verb_endings=tuple(bodies.get("verb_endings", [])),
        numbers=tuple((key(word), int(value)) for value, words in data.get("numbers", {}).items() for word in words),
        body_heads=regex.compile(rf"(?<!\p{{L}})(?:{'|'.join(bodies.get('heads', [])) or NEVER})",
                                 regex.IGNORECASE | regex.V1))


class LexiconError(ValueError):
    """A lexicon file that does not say what polyplan can read: the message names the file,
    the table and the key."""


# What a language file may hold: table -> its keys (None: any key, as [numbers] has).
SHAPE = {
    "langid": {"alphabet", "script", "letters", "sequences", "stopwords", "suffixes", "langdetect",
               "langdetect_native", "loan_letters", "vocabulary"},
    "headings": {"part", "section", "activity", "plan"},
    "labels": set(FIELDS),
    "columns": set(COLUMNS),
    "periods": {"ongoing", "recurring", "by", "by_suffixes", "quarter", "half", "ordinals", "months", "range"},
    "bodies": {"head", "conjunctions", "heads", "stops", "inner", "verb_endings"},
    "numbers": None,
}
TOP_KEYS = {"code", "iso639_2", "name"}


def check_shape(data: dict, name: str) -> None:
    """Raise :class:`LexiconError` for a table or key a language file may not hold — a typo
    there would otherwise empty that table silently.

    >>> check_shape({"code": "xx", "columns": {"agencys": []}}, "xx.toml")
    Traceback (most recent call last):
    ...
    pipeline.lexicon.LexiconError: xx.toml: unknown key 'agencys' in [columns] (expected one of: activity, agencies, aims, financing, indicators, note, number, objectives, period)
    """
    if "code" not in data:
        raise LexiconError(f"{name}: no language code (code = \"..\")")
    for key, value in data.items():
        if key in TOP_KEYS:
            continue
        if key not in SHAPE or not isinstance(value, dict):
            raise LexiconError(f"{name}: unknown table or key '{key}' (expected tables: {', '.join(sorted(SHAPE))})")
        allowed = SHAPE[key]
        for inner in value:
            if allowed is not None and inner not in allowed:
                raise LexiconError(f"{name}: unknown key '{inner}' in [{key}] "
                                   f"(expected one of: {', '.join(sorted(allowed))})")


@functools.cache
def load_lexicons(directory: Path = LEXICON_DIR) -> dict[str, Lexicon]:
    """All language lexicons in ``directory`` by language code (``common.toml`` merged in)."""
    common = tomllib.loads((directory / "common.toml").read_text(encoding="utf-8"))
    out = {}
    for path in sorted(directory.glob("*.toml")):
        if path.stem in ("common", "agencies"):  # shared patterns; the agency gazetteer
            continue
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        check_shape(data, path.name)
        out[data["code"]] = _build(data, common)
    return out


def lexicon_for(code: str) -> Lexicon:
    """The lexicon of ``code``, or an empty one (no headings, no labels) for other languages."""
    lexicons = load_lexicons()
    if code in lexicons:
        return lexicons[code]
    return _build({"code": code}, {})


@functools.cache
def boilerplate_patterns(directory: Path = LEXICON_DIR) -> tuple[regex.Pattern, ...]:
    """Patterns of web-site/database furniture (``common.toml`` ``[boilerplate]``)."""
    common = tomllib.loads((directory / "common.toml").read_text(encoding="utf-8"))
    return _patterns(common.get("boilerplate", {}).get("patterns", []))


@functools.cache
def word_styles(directory: Path = LEXICON_DIR) -> tuple[regex.Pattern, frozenset[str]]:
    """Word's heading styles (``common.toml`` ``[word_styles]``): a pattern whose group 1 is
    the level (``Heading 2``, ``Заголовок 2``), and the case-folded names of the title style."""
    data = tomllib.loads((directory / "common.toml").read_text(encoding="utf-8")).get("word_styles", {})
    names = "|".join(map(regex.escape, data.get("heading", []))) or "(?!)"
    return (regex.compile(rf"^(?:{names})\s*(\d)", regex.IGNORECASE),
            frozenset(name.casefold() for name in data.get("title", [])))


# --- agency gazetteer ----------------------------------------------------------------------

_QUOTES = str.maketrans({**{ch: "'" for ch in APOSTROPHES}, "«": '"', "»": '"', "“": '"', "”": '"', "„": '"',
                         **{ch: "-" for ch in DASHES}})


def fold(text: str) -> str:
    """Text for matching names: case, diacritics, quote styles and spacing ignored.

    >>> fold("Türkmenistanyň  İçeri işler") == fold("turkmenistanyn iceri ISLER")
    True
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(_QUOTES).casefold())
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


@dataclass(frozen=True, slots=True)
class Gazetteer:
    """Agency names (all languages) to canonical ids, from ``lexicon/agencies.toml``."""

    names: tuple[tuple[str, str], ...]  # (folded name, id), longest first
    pattern: regex.Pattern  # any known name, folded, at word boundaries
    protected: regex.Pattern  # names printed with a comma, as printed (case-insensitive)

    def lookup(self, name: str) -> str | None:
        """The id of the longest known name inside ``name``, or None.

        >>> load_gazetteer().lookup("Министерство внутренних дел (МВД)")
        'interior-ministry'
        """
        folded = fold(name)
        best = None
        for m in self.pattern.finditer(folded, overlapped=True):
            if best is None or len(m.group()) > len(best):
                best = m.group()
        if best:
            return dict(self.names).get(best)
        # a name in another case ("Министерству юстиции", "министрлігіне"): word stems, longest name first
        m = _inflected(self.names).search(folded)
        return self.names[int(m.lastgroup[1:])][1] if m else None


def _stem(word: str) -> str:
    """A word of a name with its ending free: case endings ("министерству", "министрлігіне")."""
    if len(word) < 5 or not word.isalpha():
        return regex.escape(word)
    return regex.escape(word[:max(4, len(word) - 2)]) + r"\p{L}*"


@functools.cache
def _inflected(ordered: tuple[tuple[str, str], ...]) -> regex.Pattern:
    """One pattern of the names of two words or more, words stemmed, named ``n<index>``;
    compiled on the first name not found as printed."""
    alternatives = [f"(?P<n{i}>{' '.join(map(_stem, name.split()))})" for i, (name, _) in enumerate(ordered)
                    if len(name.split()) >= 2]
    return regex.compile(rf"(?<![\p{{L}}\d])(?:{'|'.join(alternatives) or '(?!)'})(?![\p{{L}}\d])", regex.V1)


@functools.cache
def load_gazetteer(path: Path = LEXICON_DIR / "agencies.toml") -> Gazetteer:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    names, protected = {}, []
    for agency_id, by_lang in data.items():
        for variants in by_lang.values():
            for variant in variants:
                names[fold(variant)] = agency_id
                if "," in variant:
                    protected.append(regex.escape(variant).replace(r"\ ", r"\s+"))
    ordered = tuple(sorted(names.items(), key=lambda kv: -len(kv[0])))
    alternatives = "|".join(regex.escape(n) for n, _ in ordered) or "(?!)"
    return Gazetteer(
        names=ordered,
        pattern=regex.compile(rf"(?<![\p{{L}}\d])(?:{alternatives})(?![\p{{L}}\d])", regex.V1),
        protected=regex.compile("|".join(sorted(protected, key=len, reverse=True)) or "(?!)",
                                regex.IGNORECASE | regex.V1))
