"""What people add to a plan beside its sources: its metadata, the findings they accepted,
and the alignment links they corrected.

* **Metadata** (:class:`Metadata`): country, date, issuer and name, from ``--country``,
  ``--date``, ``--issuer`` and from a ``plan.toml`` next to the sources (in a plan's folder,
  or beside its file: ``<file name without extension>.plan.toml``, else ``plan.toml``);
  the command line wins.  The Akoma Ntoso export builds its Work URI from them.
* **Accepted findings** (``--accept FILE``, :func:`read_accept`, :func:`accepted`): entries by
  code and ids, written by ``review.html`` or by hand; an accepted finding stays listed,
  marked accepted, and counts neither in the summary nor for ``--fail-on`` (as Xbench keeps a
  false positive quiet).
* **Links** (``--links FILE``, :func:`read_links`, :func:`alignment_with_links`): pairs of
  ids to link or unlink, applied to the alignment before the checks run, so that every
  export follows (as LF Aligner lets a translator correct a link).

Files are TOML::

    # accepted.toml
    [[accept]]
    code = "NONSTANDARD_CHAR"          # required
    refs = ["tk-sec-3-1-act-3-1-1"]    # optional: the finding names all of these ids
    message = "…"                      # optional: exactly this message
    note = "printed so in the original" # optional, for people

    # links.toml
    [[link]]
    refs = ["tk-sec-2-2-act-2-2-1-2", "ru-sec-2-2-act-2-2-2"]
    [[unlink]]
    refs = ["tk-sec-3-3-act-1-3-1", "en-sec-3-3-act-3-3-1"]

    # plan.toml
    country = "tm"
    date = "2020-01-15"
    issuer = "Cabinet of Ministers of Turkmenistan"
    name = "nap-2020-2022"
"""
from __future__ import annotations

import datetime
import hashlib
import tomllib
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import regex

from .model import Alignment, Finding, Plan, kind_of
from .extract.sniff import ExtractError

COUNTRY = regex.compile(r"[A-Za-z]{2}")
METADATA_KEYS = ("country", "date", "issuer", "name")


class CorrectionError(ExtractError):
    """A metadata, accept or links file cannot be used; the message is one line."""


@dataclass(frozen=True, slots=True)
class Metadata:
    """A plan's country (ISO 3166-1 alpha-2), date (YYYY-MM-DD), issuer and name."""

    country: str | None = None
    date: str | None = None
    issuer: str | None = None
    name: str | None = None

    def over(self, other: "Metadata") -> "Metadata":
        """These values, and ``other``'s where these have none."""
        return Metadata(**{k: getattr(self, k) or getattr(other, k) for k in METADATA_KEYS})

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v}


def checked_metadata(values: dict, where: str) -> Metadata:
    """:class:`Metadata` from ``values``, each checked; :class:`CorrectionError` naming ``where``.

    >>> checked_metadata({"country": "TM", "date": "2020-01-15"}, "plan.toml")
    Metadata(country='tm', date='2020-01-15', issuer=None, name=None)
    """
    unknown = sorted(set(values) - set(METADATA_KEYS))
    if unknown:
        raise CorrectionError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(METADATA_KEYS)})")
    country, date = values.get("country"), values.get("date")
    if country is not None and not (isinstance(country, str) and COUNTRY.fullmatch(country)):
        raise CorrectionError(f"{where}: country {country!r}: expected a two-letter ISO 3166 code such as tm")
    if isinstance(date, datetime.date):
        date = date.isoformat()
    if date is not None:
        try:
            datetime.date.fromisoformat(str(date))
        except ValueError:
            raise CorrectionError(f"{where}: date {date!r}: expected YYYY-MM-DD") from None
    for key in ("issuer", "name"):
        if values.get(key) is not None and not isinstance(values[key], str):
            raise CorrectionError(f"{where}: {key} must be text")
    return Metadata(country.lower() if country else None, date, values.get("issuer"), values.get("name"))


def _toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CorrectionError(f"{path}: cannot read: {(exc.strerror or str(exc)).lower()}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CorrectionError(f"{path}: not valid TOML ({exc})") from None


def is_metadata_file(path: Path) -> bool:
    """A ``plan.toml`` or ``<name>.plan.toml``: read with the plans beside it, not a plan."""
    return path.name == "plan.toml" or path.name.endswith(".plan.toml")


def metadata_file(source: Path) -> Path | None:
    """The ``plan.toml`` of an input (a plan's folder, or a file), if there is one."""
    candidates = [source / "plan.toml"] if source.is_dir() else [
        source.with_name(f"{source.stem}.plan.toml"), source.with_name("plan.toml")]
    return next((c for c in candidates if c.is_file()), None)


def metadata_for(source: Path, given: Metadata = Metadata()) -> Metadata:
    """``given`` (the command line) over the input's ``plan.toml``."""
    found = metadata_file(source)
    return given.over(checked_metadata(_toml(found), str(found))) if found else given


# --- accepted findings -----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Accept:
    code: str
    refs: tuple[str, ...] = ()
    message: str | None = None
    note: str | None = None

    def matches(self, finding: Finding) -> bool:
        return (finding.code == self.code and set(self.refs) <= set(finding.refs)
                and (self.message is None or self.message == finding.message))


def read_accept(path: Path) -> tuple[Accept, ...]:
    """The entries of an accepted-findings file."""
    data = _toml(path)
    entries = data.get("accept", [])
    if set(data) - {"accept"} or not isinstance(entries, list):
        raise CorrectionError(f"{path}: expected [[accept]] entries only")
    out = []
    for n, entry in enumerate(entries, start=1):
        refs = entry.get("refs", []) if isinstance(entry, dict) else None
        if not isinstance(entry, dict) or not isinstance(entry.get("code"), str) or not isinstance(refs, list) \
                or not all(isinstance(r, str) for r in refs) or set(entry) - {"code", "refs", "message", "note"}:
            raise CorrectionError(f"{path}: entry {n}: expected code = \"…\" and optionally refs = [\"id\", …], "
                                  "message, note")
        out.append(Accept(entry["code"], tuple(refs), entry.get("message"), entry.get("note")))
    return tuple(out)


def accepted(findings: tuple[Finding, ...], entries: tuple[Accept, ...]) -> tuple[int, ...]:
    """Positions of the findings that an entry accepts."""
    return tuple(n for n, f in enumerate(findings) if any(e.matches(f) for e in entries))


# --- alignment links -------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Link:
    """``link``: put the elements ``refs`` in one alignment row (each taken out of its own);
    ``unlink``: take ``refs[1:]`` out of ``refs[0]``'s row, each into a row of its own."""

    action: str
    refs: tuple[str, ...]


def read_links(path: Path) -> tuple[Link, ...]:
    """The entries of a links file, in order."""
    data = _toml(path)
    if set(data) - {"link", "unlink"}:
        raise CorrectionError(f"{path}: expected [[link]] and [[unlink]] entries only")
    out = []
    for action in ("link", "unlink"):
        for n, entry in enumerate(data.get(action, []), start=1):
            refs = entry.get("refs") if isinstance(entry, dict) else None
            if not isinstance(refs, list) or len(refs) < 2 or not all(isinstance(r, str) for r in refs):
                raise CorrectionError(f"{path}: {action} {n}: expected refs = [\"id\", \"id\", …] (two ids or more)")
            out.append(Link(action, tuple(refs)))
    return tuple(out)


def _kinds(plan: Plan) -> dict[str, tuple[str, str]]:
    """(language, kind) of every part, section and activity id."""
    out = {}
    for version in plan.versions:
        for node in version.nodes():
            out[node.id] = (version.lang, kind_of(node))
    return out


def alignment_with_links(plan: Plan, alignment: tuple[Alignment, ...], links: tuple[Link, ...]
                         ) -> tuple[Alignment, ...]:
    """``alignment`` with ``links`` applied in order.  A link naming an id the plan does not
    hold is skipped (a links file may serve several plans); ids of one language or of
    different kinds are a :class:`CorrectionError`.  An element taken out of a row gets a row
    of its own right after it; a row left empty goes."""
    kinds = _kinds(plan)
    rows = [[row.kind, dict(row.refs), row.score, row.crossed] for row in alignment]
    langs = plan.languages
    for link in links:
        if not all(ref in kinds for ref in link.refs):
            continue
        if len({kinds[r][1] for r in link.refs}) > 1 or len({kinds[r][0] for r in link.refs}) < len(link.refs):
            raise CorrectionError(f"--links: {link.action} {' '.join(link.refs)}: needs elements of one kind "
                                  "(parts, sections or activities), one per language")
        first = link.refs[0]
        for other in link.refs[1:]:
            _move(rows, first, other, kinds[other][0], langs, join=link.action == "link")
    return tuple(Alignment(kind, tuple((lang, refs.get(lang)) for lang in langs), score, crossed)
                 for kind, refs, score, crossed in rows if any(refs.values()))


def _row_of(rows: list, ref: str) -> int | None:
    return next((n for n, row in enumerate(rows) if ref in row[1].values()), None)


def _alone(rows: list, after: int, kind: str, lang: str, ref: str, langs: tuple[str, ...]) -> None:
    rows.insert(after + 1, [kind, {l: ref if l == lang else None for l in langs}, 0.0, False])


def _move(rows: list, first: str, other: str, lang: str, langs: tuple[str, ...], join: bool) -> None:
    """Link ``other`` (of ``lang``) into ``first``'s row, or unlink it from there."""
    at, was = _row_of(rows, first), _row_of(rows, other)
    if at is None or was is None:  # a plan of one version has no alignment rows
        return
    kind = rows[at][0]
    if not join:
        if at == was:
            rows[at][1][lang] = None
            _alone(rows, at, kind, lang, other, langs)
        return
    if at == was:
        return
    rows[was][1][lang] = None
    displaced = rows[at][1].get(lang)
    rows[at][1][lang] = other
    rows[at][3] = False
    if displaced:
        _alone(rows, at, kind, lang, displaced, langs)


def settings_digest(metadata: Metadata, options) -> str:
    """sha256 of what a run adds to a plan's sources (its metadata, the accepted findings and
    links, the export settings): a change to any of them redoes the plan (``batch`` stamp)."""
    data = repr((metadata, options.accept, options.links, options.export))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def with_accepted_removed(plan: Plan, positions: tuple[int, ...]) -> Plan:
    """``plan`` without the findings at ``positions`` (what the summary and ``--fail-on`` count)."""
    skip = set(positions)
    return replace(plan, findings=tuple(f for n, f in enumerate(plan.findings) if n not in skip))
