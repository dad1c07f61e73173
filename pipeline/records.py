"""The records database of plan editions (``polyplan ingest``), in SQLite or PostgreSQL.

One schema (:data:`METADATA`, SQLAlchemy Core), the same in both databases:

* ``plan`` — a plan whose editions follow one another; ``plan_key`` — the titles (per
  language, digits and punctuation left out) by which a new edition is recognised as the
  plan's next one;
* ``edition`` — one ingested document (or folder of one plan's files): its name, title,
  period (the years its title names), ``previous_id`` (the edition it follows), ``digest``
  (sha256 over its files' sha256: ingesting the same files again changes nothing), the
  polyplan version, when it was ingested, and its whole ``plan.json`` (``plan_json``);
* ``source`` — the edition's files; ``version`` — its language versions;
* ``part``, ``section``, ``activity`` — the plan's structure as printed (``key`` is the id in
  ``plan.json``; ``position`` counts from 1 among siblings); an activity's period as printed
  and as years (``period_start``, ``period_end``, ``period_kind``);
* ``indicator`` — an activity's indicators; ``agency`` — each responsible body as printed,
  per language, with its gazetteer id (the same body in every language and edition);
  ``activity_agency`` links them in printed order;
* ``finding`` — the edition's findings;
* ``change`` — the diff of an edition against the previous one (``polyplan diff``'s rows:
  kind, status, aspects, split/merge, the old and new element), and ``activity.lineage_id``:
  the id of the activity's first ancestor, the same for an activity in every edition it
  was carried into (changed, renumbered, moved, split or merged), so one query follows an
  activity through all editions.

Ids are assigned in order by polyplan (not by the database), so the same ingests give the
same rows in SQLite and PostgreSQL.  An ingest is one transaction; in PostgreSQL it takes a
lock that keeps two ingests from interleaving.
"""
from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass

import regex
from sqlalchemy import (Boolean, Column, Float, ForeignKey, Integer, MetaData, String, Table, Text,
                        UniqueConstraint, create_engine, event, func, select, text)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from . import __version__
from .diff import plans_to_diff
from .model import Plan
from .plan_io import tree_to_plan

DEFAULT_DB = "records.sqlite"
METADATA = MetaData()


def _id() -> Column:
    return Column("id", Integer, primary_key=True, autoincrement=False)


plan_table = Table("plan", METADATA, _id(), Column("title", Text))
plan_key = Table(
    "plan_key", METADATA, Column("plan_id", ForeignKey("plan.id"), nullable=False),
    Column("lang", String(16), nullable=False), Column("key", Text, nullable=False),
    UniqueConstraint("lang", "key"))
edition = Table(
    "edition", METADATA, _id(), Column("plan_id", ForeignKey("plan.id"), nullable=False),
    Column("previous_id", ForeignKey("edition.id")), Column("name", Text, nullable=False), Column("title", Text),
    Column("period_start", Integer), Column("period_end", Integer),
    Column("digest", String(64), nullable=False, unique=True), Column("polyplan", String(32), nullable=False),
    Column("ingested_at", String(32), nullable=False), Column("plan_json", Text, nullable=False))
source = Table(
    "source", METADATA, _id(), Column("edition_id", ForeignKey("edition.id"), nullable=False),
    Column("position", Integer, nullable=False), Column("path", Text, nullable=False),
    Column("sha256", String(64), nullable=False), Column("format", String(16), nullable=False), Column("pages", Integer))
version = Table(
    "version", METADATA, _id(), Column("edition_id", ForeignKey("edition.id"), nullable=False),
    Column("lang", String(16), nullable=False), Column("title", Text), UniqueConstraint("edition_id", "lang"))
part = Table(
    "part", METADATA, _id(), Column("version_id", ForeignKey("version.id"), nullable=False),
    Column("position", Integer, nullable=False), Column("key", Text, nullable=False), Column("number", Text),
    Column("heading", Text), Column("title", Text))
section = Table(
    "section", METADATA, _id(), Column("version_id", ForeignKey("version.id"), nullable=False),
    Column("part_id", ForeignKey("part.id"), nullable=False), Column("position", Integer, nullable=False),
    Column("key", Text, nullable=False), Column("number", Text), Column("declared", Boolean, nullable=False),
    Column("heading", Text), Column("title", Text))
activity = Table(
    "activity", METADATA, _id(), Column("version_id", ForeignKey("version.id"), nullable=False),
    Column("section_id", ForeignKey("section.id"), nullable=False), Column("position", Integer, nullable=False),
    Column("key", Text, nullable=False), Column("number", Text), Column("marker", Text), Column("text", Text, nullable=False),
    Column("period_raw", Text), Column("period_start", Integer), Column("period_end", Integer),
    Column("period_kind", String(16)), Column("lineage_id", ForeignKey("activity.id"), nullable=False))
indicator = Table(
    "indicator", METADATA, Column("activity_id", ForeignKey("activity.id"), primary_key=True),
    Column("position", Integer, primary_key=True, autoincrement=False), Column("text", Text, nullable=False))
agency = Table(
    "agency", METADATA, _id(), Column("lang", String(16), nullable=False), Column("name", Text, nullable=False),
    Column("gazetteer_id", Text), UniqueConstraint("lang", "name"))
activity_agency = Table(
    "activity_agency", METADATA, Column("activity_id", ForeignKey("activity.id"), primary_key=True),
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("agency_id", ForeignKey("agency.id"), nullable=False))
finding = Table(
    "finding", METADATA, _id(), Column("edition_id", ForeignKey("edition.id"), nullable=False),
    Column("position", Integer, nullable=False), Column("code", String(64), nullable=False),
    Column("severity", String(16), nullable=False), Column("lang", String(16), nullable=False),
    Column("message", Text, nullable=False), Column("refs", Text, nullable=False), Column("evidence", Text, nullable=False))
change = Table(
    "change", METADATA, _id(), Column("edition_id", ForeignKey("edition.id"), nullable=False),
    Column("previous_id", ForeignKey("edition.id"), nullable=False), Column("position", Integer, nullable=False),
    Column("lang", String(16), nullable=False), Column("kind", String(16), nullable=False),
    Column("status", String(16), nullable=False), Column("aspects", Text, nullable=False), Column("relation", String(16)),
    Column("old_key", Text), Column("old_number", Text), Column("new_key", Text), Column("new_number", Text),
    Column("old_activity_id", ForeignKey("activity.id")), Column("new_activity_id", ForeignKey("activity.id")),
    Column("score", Float))

TABLES = ("plan", "plan_key", "edition", "source", "version", "part", "section", "activity", "indicator", "agency",
          "activity_agency", "finding", "change")


QUERIES = {
    "agency_due_in_year": """
SELECT e.name AS edition, v.lang, a.number, a.text, a.period_raw
FROM activity a
JOIN activity_agency aa ON aa.activity_id = a.id
JOIN agency g ON g.id = aa.agency_id
JOIN version v ON v.id = a.version_id
JOIN edition e ON e.id = v.edition_id
WHERE g.gazetteer_id = :agency
  AND COALESCE(a.period_start, a.period_end) <= :year AND a.period_end >= :year
ORDER BY e.id, v.lang, a.id""",
    "dropped": """
SELECT c.lang, c.old_number, a.text
FROM change c
JOIN activity a ON a.id = c.old_activity_id
WHERE c.kind = 'activity' AND c.status = 'removed' AND c.previous_id = :old AND c.edition_id = :new
ORDER BY c.position""",
    "history": """
SELECT e.name AS edition, v.lang, a.number, a.text, a.period_raw
FROM activity a
JOIN version v ON v.id = a.version_id
JOIN edition e ON e.id = v.edition_id
WHERE a.lineage_id = (SELECT lineage_id FROM activity WHERE id = :activity)
ORDER BY e.id, a.id""",
    "changed": """
SELECT lang, kind, old_number, new_number, status, aspects, relation
FROM change
WHERE edition_id = :edition AND status <> 'same'
ORDER BY position""",
}
"""Example queries (README): an agency's activities whose period covers a year, in every
edition (``:agency`` a gazetteer id such as ``interior-ministry``); the activities dropped
between two editions; one activity through every edition; what changed in an edition."""


class RecordsError(Exception):
    """The database cannot be used as asked (one line for the user)."""


def database_url(raw: str) -> str:
    """The SQLAlchemy URL for ``--db``: a file path is a SQLite file; ``postgresql://…`` uses psycopg.

    >>> database_url("records.sqlite"), database_url("postgresql://u@/db?host=/tmp")
    ('sqlite:///records.sqlite', 'postgresql+psycopg://u@/db?host=/tmp')
    """
    if "://" not in raw:
        return f"sqlite:///{raw}"
    for plain in ("postgresql://", "postgres://"):
        if raw.startswith(plain):
            return "postgresql+psycopg://" + raw[len(plain):]
    return raw


def connect(raw: str) -> Engine:
    """An engine on the database ``raw`` names (:func:`database_url`), its tables created if
    missing.  Raises :class:`RecordsError` when it cannot be reached."""
    try:
        engine = create_engine(database_url(raw))
    except (ArgumentError, NoSuchModuleError, ImportError, ValueError) as exc:
        raise RecordsError(f"--db {raw}: not a database URL ({exc.__class__.__name__})") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", lambda dbapi, _record: dbapi.execute("PRAGMA foreign_keys = ON"))
    try:
        METADATA.create_all(engine)
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(getattr(exc, "orig", exc)).strip() else ""
        raise RecordsError(f"--db {raw}: cannot open the database ({exc.__class__.__name__}: {reason})") from None
    return engine


# --- what identifies an edition and its plan ---------------------------------------------------

def digest(plan: Plan) -> str:
    """sha256 over the sorted sha256 of the edition's files: the same files, the same edition."""
    return hashlib.sha256(" ".join(sorted(s.sha256 for s in plan.sources)).encode()).hexdigest()


_YEAR = regex.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def title_key(title: str | None) -> str | None:
    """A title without its years and punctuation: the same for every edition of a plan.

    >>> title_key("National Action Plan for 2020-2022"), title_key("NATIONAL ACTION PLAN FOR 2023–2025")
    ('national action plan for', 'national action plan for')
    """
    words = regex.findall(r"\p{L}+", (title or "").casefold())
    return " ".join(words) or None


def period_of(plan: Plan) -> tuple[int | None, int | None]:
    """The years an edition covers: those its titles name, else those of its activities' periods."""
    years = [int(y) for v in plan.versions for y in _YEAR.findall(v.title or "")]
    if not years:
        years = [y for v in plan.versions for a in v.activities() if a.period
                 for y in (a.period.start, a.period.end) if y]
    return (min(years), max(years)) if years else (None, None)


@dataclass
class Ingested:
    """What one ingest did: ``status`` ``ingested`` or ``unchanged`` (already there)."""

    status: str
    edition: int
    plan: int
    previous: int | None
    activities: dict[str, int]
    changes: dict[str, int]

    def line(self, raw: str) -> str:
        counts = ", ".join(f"{lang} {n}" for lang, n in self.activities.items()) or "no"
        if self.status == "unchanged":
            return f"{raw}: already ingested as edition {self.edition} (plan {self.plan}): nothing changed"
        follows = (f"; follows edition {self.previous}: " + ", ".join(f"{n} {s}" for s, n in self.changes.items())
                   + " activities") if self.previous else "; first edition of its plan"
        return f"{raw}: edition {self.edition} of plan {self.plan}: {counts} activities{follows}"


def _next_ids(conn: Connection) -> dict[str, int]:
    ids = {}
    for name in TABLES:
        table = METADATA.tables[name]
        if "id" in table.c:
            ids[name] = (conn.execute(select(func.max(table.c.id))).scalar() or 0) + 1
    return ids


def find_edition(conn: Connection, ref: str, plan: Plan | None = None):
    """The edition row ``ref`` names: its id, its name, or the digest of the files or plan.json
    ``plan`` was read from (``--edition-of``); None when none does."""
    if ref.isdigit():
        row = conn.execute(select(edition).where(edition.c.id == int(ref))).first()
        if row:
            return row
    row = conn.execute(select(edition).where(edition.c.name == ref).order_by(edition.c.id.desc())).first()
    if row is None and plan is not None:
        row = conn.execute(select(edition).where(edition.c.digest == digest(plan))).first()
    return row


def plan_to_records(engine: Engine, plan: Plan, edition_of=None) -> Ingested:
    """Ingest ``plan`` (one edition) into the database: its rows, and its lineage against the
    edition it follows — ``edition_of`` (an edition row, ``--edition-of``) or the latest earlier
    edition of the plan with the same title (:func:`title_key`).  The same files ingested
    again change nothing."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("LOCK TABLE edition IN SHARE ROW EXCLUSIVE MODE"))
        found = conn.execute(select(edition.c.id, edition.c.plan_id, edition.c.previous_id)
                             .where(edition.c.digest == digest(plan))).first()
        if found:
            counts = {v.lang: sum(1 for _ in v.activities()) for v in plan.versions}
            return Ingested("unchanged", found.id, found.plan_id, found.previous_id, counts, {})
        return _Writer(conn, plan).write(edition_of)


class _Writer:
    """Writes one edition's rows inside the ingest's transaction."""

    def __init__(self, conn: Connection, plan: Plan):
        self.conn, self.plan, self.ids = conn, plan, _next_ids(conn)
        self.rows: dict[str, list[dict]] = {name: [] for name in TABLES}

    def take(self, name: str) -> int:
        self.ids[name] += 1
        return self.ids[name] - 1

    def write(self, edition_of) -> Ingested:
        plan, conn = self.plan, self.conn
        start, end = period_of(plan)
        previous = edition_of if edition_of is not None else self._previous(start, end)
        plan_id = previous.plan_id if previous is not None else self._plan_id()
        self._keys(plan_id)
        edition_id = self.take("edition")
        self.rows["edition"].append({
            "id": edition_id, "plan_id": plan_id, "previous_id": previous.id if previous is not None else None,
            "name": plan.name, "title": next((v.title for v in plan.versions if v.title), None),
            "period_start": start, "period_end": end, "digest": digest(plan), "polyplan": __version__,
            "ingested_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "plan_json": json.dumps(plan.to_dict(), ensure_ascii=False)})
        for n, src in enumerate(plan.sources, start=1):
            self.rows["source"].append({"id": self.take("source"), "edition_id": edition_id, "position": n,
                                        "path": src.path, "sha256": src.sha256, "format": src.format, "pages": src.pages})
        activity_ids = {}
        for ver in plan.versions:
            activity_ids[ver.lang] = self._version(edition_id, ver)
        changes = self._lineage(edition_id, previous, activity_ids) if previous is not None else {}
        self._findings(edition_id)
        for name in TABLES:
            if self.rows[name]:
                conn.execute(METADATA.tables[name].insert(), self.rows[name])
        counts = {v.lang: sum(1 for _ in v.activities()) for v in plan.versions}
        return Ingested("ingested", edition_id, plan_id, previous.id if previous is not None else None, counts, changes)

    def _titles(self) -> dict[str, str]:
        return {v.lang: key for v in self.plan.versions if (key := title_key(v.title))}

    def _plan_id(self) -> int:
        """The plan whose titles this edition's titles match, or a new one."""
        titles = self._titles()
        for lang, key in titles.items():
            found = self.conn.execute(select(plan_key.c.plan_id).where(
                plan_key.c.lang == lang, plan_key.c.key == key)).first()
            if found:
                return found.plan_id
        plan_id = self.take("plan")
        self.rows["plan"].append({"id": plan_id, "title": next((v.title for v in self.plan.versions if v.title), None)})
        return plan_id

    def _keys(self, plan_id: int) -> None:
        for lang, key in self._titles().items():
            taken = self.conn.execute(select(plan_key.c.plan_id).where(
                plan_key.c.lang == lang, plan_key.c.key == key)).first()
            if taken is None and not any(r["lang"] == lang and r["key"] == key for r in self.rows["plan_key"]):
                self.rows["plan_key"].append({"plan_id": plan_id, "lang": lang, "key": key})

    def _previous(self, start: int | None, end: int | None):
        """The latest edition of the same plan (by title) not later than this one's period."""
        ids = set()
        for lang, key in self._titles().items():
            ids.update(r.plan_id for r in self.conn.execute(select(plan_key.c.plan_id).where(
                plan_key.c.lang == lang, plan_key.c.key == key)))
        if not ids:
            return None
        rows = self.conn.execute(select(edition).where(edition.c.plan_id.in_(ids))).all()
        here = (end or 0, start or 0)
        earlier = [r for r in rows if (r.period_end or 0, r.period_start or 0) <= here]
        return max(earlier, key=lambda r: (r.period_end or 0, r.period_start or 0, r.id), default=None)

    def _version(self, edition_id: int, ver) -> dict[str, int]:
        version_id = self.take("version")
        self.rows["version"].append({"id": version_id, "edition_id": edition_id, "lang": ver.lang, "title": ver.title})
        ids = {}
        for p, prt in enumerate(ver.parts, start=1):
            part_id = self.take("part")
            self.rows["part"].append({"id": part_id, "version_id": version_id, "position": p, "key": prt.id,
                                      "number": prt.number, "heading": prt.heading, "title": prt.title})
            for s, sec in enumerate(prt.sections, start=1):
                section_id = self.take("section")
                self.rows["section"].append({
                    "id": section_id, "version_id": version_id, "part_id": part_id, "position": s, "key": sec.id,
                    "number": sec.number, "declared": sec.declared, "heading": sec.heading, "title": sec.title})
                for a, act in enumerate(sec.activities, start=1):
                    ids[act.id] = self._activity(version_id, section_id, a, act, ver.lang)
        return ids

    def _activity(self, version_id: int, section_id: int, position: int, act, lang: str) -> int:
        activity_id = self.take("activity")
        period = act.period
        self.rows["activity"].append({
            "id": activity_id, "version_id": version_id, "section_id": section_id, "position": position,
            "key": act.id, "number": act.number, "marker": act.marker, "text": act.text,
            "period_raw": period.raw if period else None, "period_start": period.start if period else None,
            "period_end": period.end if period else None, "period_kind": period.kind if period else None,
            "lineage_id": activity_id})
        for n, text_ in enumerate(act.indicators, start=1):
            self.rows["indicator"].append({"activity_id": activity_id, "position": n, "text": text_})
        for n, body in enumerate(act.agencies, start=1):
            self.rows["activity_agency"].append({"activity_id": activity_id, "position": n,
                                                 "agency_id": self._agency(lang, body)})
        return activity_id

    def _agency(self, lang: str, body) -> int:
        name = " ".join(body.name.split())
        for row in self.rows["agency"]:
            if row["lang"] == lang and row["name"] == name:
                return row["id"]
        found = self.conn.execute(select(agency.c.id).where(agency.c.lang == lang, agency.c.name == name)).first()
        if found:
            return found.id
        agency_id = self.take("agency")
        self.rows["agency"].append({"id": agency_id, "lang": lang, "name": name, "gazetteer_id": body.id})
        return agency_id

    def _findings(self, edition_id: int) -> None:
        for n, f in enumerate(self.plan.findings, start=1):
            self.rows["finding"].append({
                "id": self.take("finding"), "edition_id": edition_id, "position": n, "code": f.code,
                "severity": f.severity, "lang": f.lang, "message": f.message, "refs": " ".join(f.refs),
                "evidence": json.dumps(list(f.evidence), ensure_ascii=False)})

    def _lineage(self, edition_id: int, previous, new_ids: dict[str, dict[str, int]]) -> dict[str, int]:
        """The diff against the previous edition as ``change`` rows; each carried activity takes
        the lineage of the activity it came from (a merge: the first one's)."""
        old_plan = tree_to_plan(json.loads(previous.plan_json))
        old_ids: dict[str, dict[str, tuple[int, int]]] = {}
        for row in self.conn.execute(select(version.c.lang, activity.c.key, activity.c.id, activity.c.lineage_id)
                                     .join(activity, activity.c.version_id == version.c.id)
                                     .where(version.c.edition_id == previous.id)):
            old_ids.setdefault(row.lang, {})[row.key] = (row.id, row.lineage_id)
        lineage = {row["id"]: row for row in self.rows["activity"]}
        counts = {"same": 0, "changed": 0, "added": 0, "removed": 0}
        for n, c in enumerate(plans_to_diff(old_plan, self.plan).changes, start=1):
            old = old_ids.get(c.lang, {}).get(c.old.id) if c.old and c.kind == "activity" else None
            new = new_ids.get(c.lang, {}).get(c.new.id) if c.new and c.kind == "activity" else None
            if old and new and lineage[new]["lineage_id"] == new:
                lineage[new]["lineage_id"] = old[1]
            if c.kind == "activity":
                counts[c.status] += 1
            self.rows["change"].append({
                "id": self.take("change"), "edition_id": edition_id, "previous_id": previous.id, "position": n,
                "lang": c.lang, "kind": c.kind, "status": c.status, "aspects": " ".join(c.changed),
                "relation": c.relation["kind"] if c.relation else None,
                "old_key": c.old.id if c.old else None, "old_number": c.old.number if c.old else None,
                "new_key": c.new.id if c.new else None, "new_number": c.new.number if c.new else None,
                "old_activity_id": old[0] if old else None, "new_activity_id": new,
                "score": round(c.score, 3) if c.score is not None else None})
        return counts


def table_rows(engine: Engine, name: str, leave_out: tuple[str, ...] = ()) -> list[tuple]:
    """Every row of table ``name`` in key order, without the columns in ``leave_out``."""
    table = METADATA.tables[name]
    columns = [c for c in table.c if c.name not in leave_out]
    with engine.connect() as conn:
        order = list(table.primary_key.columns) or columns
        return [tuple(r) for r in conn.execute(select(*columns).order_by(*order))]
