"""``polyplan ingest``: editions kept in SQLite and PostgreSQL with the same schema and rows.

PostgreSQL runs as a throwaway cluster the tests start (Debian's ``postgresql``: ``initdb``
and ``pg_ctl`` on a Unix socket in a temporary folder, as the ``postgres`` user when the
tests run as root); the tests needing it are skipped, with the reason, where it is not
installed (``make test`` installs it).
"""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from pipeline import records
from pipeline.build import paths_to_plan

from .conftest import NAP, ROOT
from .fixtures import editions

pytestmark = pytest.mark.slow  # SQLite and a PostgreSQL server started for the test: `make test` runs them, `make test-fast` not

TIMESTAMP = ("ingested_at",)  # the one column that differs between two ingests of the same files


def polyplan(*args):
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)


@pytest.fixture(scope="module")
def next_txt(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("editions") / "nap-2023-2025.txt"
    path.write_text(editions.next_edition(editions.REFERENCE.read_text(encoding="utf-8")), encoding="utf-8")
    return path


def counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {name: conn.execute(text(f'SELECT COUNT(*) FROM "{name}"')).scalar() for name in records.TABLES}


def everything(engine) -> dict[str, list[tuple]]:
    return {name: records.table_rows(engine, name, TIMESTAMP) for name in records.TABLES}


def query(engine, name: str, **params) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(records.QUERIES[name]), params)]


# --- SQLite --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sqlite_db(next_txt, tmp_path_factory):
    path = tmp_path_factory.mktemp("db") / "records.sqlite"
    first = polyplan("ingest", NAP["txt"], "--db", path)
    second = polyplan("ingest", next_txt, "--db", path)
    return path, first, second


def test_ingest_prints_one_line_per_edition(sqlite_db, next_txt):
    _path, first, second = sqlite_db
    assert (first.returncode, first.stderr) == (0, ""), first.stderr
    assert first.stdout == (f"{NAP['txt']}: edition 1 of plan 1: tk 49, ru 49, en 49 activities; "
                            "first edition of its plan\n")
    assert (second.returncode, second.stderr) == (0, "")
    assert second.stdout == (f"{next_txt}: edition 2 of plan 1: tk 50, ru 50, en 50 activities; follows edition 1: "
                             "102 same, 45 changed, 6 added, 3 removed activities\n")


def test_the_records_hold_the_editions(sqlite_db, nap_plans, next_txt):
    path, _first, _second = sqlite_db
    engine = records.connect(str(path))
    findings = len(nap_plans["txt"].findings) + len(paths_to_plan([next_txt], "next").findings)
    assert counts(engine) == {"plan": 1, "plan_key": 3, "edition": 2, "source": 2, "version": 6, "part": 30,
                              "section": 75, "activity": 297, "indicator": 351, "agency": 108,
                              "activity_agency": 861, "finding": findings, "change": 210}
    with engine.connect() as conn:
        editions_ = conn.execute(text("SELECT id, previous_id, name, period_start, period_end FROM edition "
                                      "ORDER BY id")).all()
        assert [tuple(e) for e in editions_] == [(1, None, "nap-2020-2022-txt", 2020, 2022),
                                                 (2, 1, "nap-2023-2025-txt", 2020, 2022)]
        keys = conn.execute(text("SELECT lang, key FROM plan_key ORDER BY lang")).all()
        assert [tuple(k) for k in keys][0] == ("en", "the national action plan of turkmenistan on combating "
                                                      "trafficking in persons for")
    engine.dispose()


def test_lineage_follows_renumbered_moved_split_and_merged_activities(sqlite_db):
    engine = records.connect(str(sqlite_db[0]))
    with engine.connect() as conn:
        def lineage(edition: int, number: str, lang: str = "en", nth: int = 0) -> int:
            return conn.execute(text(
                "SELECT a.lineage_id FROM activity a JOIN version v ON v.id = a.version_id "
                "WHERE v.edition_id = :e AND v.lang = :l AND a.number = :n ORDER BY a.id"),
                {"e": edition, "l": lang, "n": number}).all()[nth][0]
        assert lineage(2, "2.3.1") == lineage(1, "2.2.1")  # renumbered with its section
        assert lineage(2, "3.2.4") == lineage(1, "3.1.4")  # moved to another section
        assert lineage(2, "1.2.2") == lineage(2, "1.2.3") == lineage(1, "1.2.2")  # split
        assert lineage(2, "5.1.5") == lineage(1, "5.1.5")  # merged: the first one's lineage
        assert lineage(2, "1.2.4") == lineage(1, "1.2.3")
        new = conn.execute(text("SELECT a.id, a.lineage_id FROM activity a JOIN version v ON v.id = a.version_id "
                                "WHERE v.edition_id = 2 AND v.lang = 'en' AND a.number = '3.3.6'")).one()
        assert new.lineage_id == new.id  # an added activity starts a lineage of its own
        first_of_tk = lineage(1, "2.2.1", "tk", 1)  # tk prints 2.2.1 twice
        assert lineage(2, "2.3.1", "tk", 1) == first_of_tk
    engine.dispose()


def test_example_queries(sqlite_db):
    engine = records.connect(str(sqlite_db[0]))
    due = query(engine, "agency_due_in_year", agency="interior-ministry", year=2022)
    assert {(edition, lang) for edition, lang, *_ in due} == {
        (e, lang) for e in ("nap-2020-2022-txt", "nap-2023-2025-txt") for lang in ("tk", "ru", "en")}
    assert [number for edition, lang, number, *_ in due if lang == "en" and edition == "nap-2020-2022-txt"] == [
        "1.3.2", "1.3.3", "1.3.7", "2.2.2", "4.1.1", "4.1.2", "4.1.3", "4.3.1", "4.3.2"]
    assert [number for edition, lang, number, *_ in due if lang == "en" and edition == "nap-2023-2025-txt"] == [
        "1.3.3", "1.3.2", "1.3.7", "2.3.2", "4.1.1", "4.1.3", "4.3.1"]  # 4.1.2 re-dated to 2023, 4.3.2 dropped
    dropped = query(engine, "dropped", old=1, new=2)
    assert [(lang, number) for lang, number, _text in dropped] == [("tk", "4.3.2"), ("ru", "4.3.2"), ("en", "4.3.2")]
    assert dropped[2][2].startswith("Studying the experience of other countries")
    with engine.connect() as conn:
        moved = conn.execute(text("SELECT a.id FROM activity a JOIN version v ON v.id = a.version_id "
                                  "WHERE v.edition_id = 1 AND v.lang = 'ru' AND a.number = '3.1.4'")).scalar()
    assert [(e, n) for e, _lang, n, _t, _p in query(engine, "history", activity=moved)] == [
        ("nap-2020-2022-txt", "3.1.4"), ("nap-2023-2025-txt", "3.2.4")]
    changed = query(engine, "changed", edition=2)
    assert len(changed) == 60 and ("en", "activity", "3.1.4", "3.2.4", "changed", "number section", None) in changed
    engine.dispose()


def test_ingesting_the_same_files_again_changes_nothing(sqlite_db, next_txt, tmp_path):
    path = sqlite_db[0]
    engine = records.connect(str(path))
    before = everything(engine)
    extracted = polyplan("extract", next_txt, "--out", tmp_path, "--format", "json")
    assert extracted.returncode == 0, extracted.stderr
    again = polyplan("ingest", NAP["txt"], tmp_path / "nap-2023-2025-txt" / "plan.json", "--db", path)
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines() == [
        f"{NAP['txt']}: already ingested as edition 1 (plan 1): nothing changed",
        f"{tmp_path / 'nap-2023-2025-txt' / 'plan.json'}: already ingested as edition 2 (plan 1): nothing changed"]
    assert everything(engine) == before
    engine.dispose()


def test_edition_of_links_an_edition_whatever_its_title(next_txt, tmp_path):
    db = tmp_path / "r.sqlite"
    assert polyplan("ingest", NAP["pdf"], "--db", db).returncode == 0
    kyrgyz = ROOT / "sources" / "kyrgyz-programme-2022-2025.txt"
    result = polyplan("ingest", next_txt, "--db", db, "--edition-of", NAP["pdf"])
    assert result.returncode == 0, result.stderr
    assert "edition 2 of plan 1" in result.stdout and "follows edition 1" in result.stdout
    unknown = polyplan("ingest", kyrgyz, "--db", db, "--edition-of", "nap-1999")
    assert (unknown.returncode, unknown.stdout) == (2, "")
    assert unknown.stderr == f"polyplan: error: --edition-of nap-1999: no such edition in {db}\n"
    by_name = polyplan("ingest", NAP["docx"], "--db", db, "--edition-of", "nap-2023-2025-txt")
    assert by_name.returncode == 0 and "edition 3 of plan 1" in by_name.stdout and "follows edition 2" in by_name.stdout


def test_a_bad_input_is_one_line_exit_3_and_the_others_go_on(tmp_path):
    db = tmp_path / "r.sqlite"
    result = polyplan("ingest", tmp_path / "missing.pdf", NAP["txt"], "--db", db)
    assert result.returncode == 3
    assert result.stderr == f"polyplan: error: {tmp_path / 'missing.pdf'}: no such file or folder\n"
    assert result.stdout.startswith(f"{NAP['txt']}: edition 1 of plan 1")
    bad_url = polyplan("ingest", NAP["txt"], "--db", "nosuchdialect://x")
    assert bad_url.returncode == 2 and bad_url.stderr.startswith("polyplan: error: --db nosuchdialect://x: ")


# --- PostgreSQL ----------------------------------------------------------------------------------

def _pg_bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4]))
    return found[-1] if found else shutil.which(name)


@pytest.fixture(scope="module")
def postgres():
    """A throwaway PostgreSQL cluster on a Unix socket in a temporary folder: its URL prefix."""
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not (initdb and pg_ctl):
        pytest.skip("PostgreSQL is not installed (Debian package postgresql; make test installs it as root)")
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses root: the cluster runs as Debian's postgres user
        if not shutil.which("runuser"):
            pytest.skip("running as root without runuser: cannot start PostgreSQL as the postgres user")
        as_user = ["runuser", "-u", "postgres", "--"]
    folder = Path(tempfile.mkdtemp(prefix="polyplan-pg-"))
    folder.chmod(0o755)
    if as_user:
        shutil.chown(folder, "postgres", "postgres")
    data, log = folder / "data", folder / "log"
    run = lambda *argv: subprocess.run([*as_user, *argv], capture_output=True, text=True, timeout=120)  # noqa: E731
    made = run(initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale")
    if made.returncode:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.skip(f"initdb failed: {made.stderr.strip().splitlines()[-1:]}")
    started = run(pg_ctl, "-D", str(data), "-l", str(log), "-w", "-t", "60", "-o",
                  f"-k {folder} -c listen_addresses='' -c fsync=off", "start")
    if started.returncode:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.fail(f"pg_ctl start failed: {started.stderr}")
    try:
        yield f"postgresql://postgres@/{{db}}?host={folder}"
    finally:
        run(pg_ctl, "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(folder, ignore_errors=True)


def _database(postgres: str) -> str:
    name = f"records_{uuid.uuid4().hex[:12]}"
    admin = create_engine(records.database_url(postgres.format(db="postgres")), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return postgres.format(db=name)


def test_postgresql_gets_the_same_rows_as_sqlite(postgres, sqlite_db, next_txt):
    url = _database(postgres)
    first = polyplan("ingest", NAP["txt"], "--db", url)
    second = polyplan("ingest", next_txt, "--db", url)
    assert (first.returncode, second.returncode) == (0, 0), first.stderr + second.stderr
    assert second.stdout.endswith("102 same, 45 changed, 6 added, 3 removed activities\n")
    pg, lite = records.connect(url), records.connect(str(sqlite_db[0]))
    assert pg.dialect.name == "postgresql"
    pg_rows, lite_rows = everything(pg), everything(lite)
    for name in records.TABLES:
        assert pg_rows[name] == lite_rows[name], name
    for name, params in (("agency_due_in_year", {"agency": "interior-ministry", "year": 2022}),
                         ("dropped", {"old": 1, "new": 2}), ("history", {"activity": 100}), ("changed", {"edition": 2})):
        assert query(pg, name, **params) == query(lite, name, **params)
    again = polyplan("ingest", next_txt, NAP["txt"], "--db", url)
    assert again.returncode == 0 and "nothing changed" in again.stdout
    assert everything(pg) == pg_rows
    pg.dispose()
    lite.dispose()
