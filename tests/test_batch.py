"""Batch runs: parallel workers give the same results as one; unchanged inputs are skipped."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import KYRGYZ, NAP, ROOT
from .processes import group, start, survivors

FILES = Path(__file__).resolve().parent / "fixtures" / "files"


def polyplan(*args):
    return subprocess.run([sys.executable, "-m", "pipeline", "extract", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT, timeout=600)


def _outputs(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != "_batch.json"}


@pytest.mark.slow  # whole batches in worker processes
def test_two_workers_give_what_one_gives(tmp_path):
    bad = tmp_path / "empty.pdf"
    bad.write_bytes(b"")
    inputs = [NAP["txt"], bad, KYRGYZ]
    one = polyplan(*inputs, "--out", tmp_path / "one", "--workers", "1", "--format", "json,csv")
    two = polyplan(*inputs, "--out", tmp_path / "two", "--workers", "2", "--format", "json,csv")
    assert one.returncode == two.returncode == 3
    assert one.stderr == two.stderr == f"polyplan: error: {bad}: empty file\n"
    assert one.stdout.splitlines()[:-1] == two.stdout.splitlines()[:-1]
    last = two.stdout.splitlines()[-1]
    assert last.startswith("batch: 3 inputs (2 done, 0 unchanged, 1 failed); 147 activities; "
                           "findings: 0 info, 24 warning, 22 error; ")
    assert _outputs(tmp_path / "one") == _outputs(tmp_path / "two")
    batch = json.loads((tmp_path / "two" / "_batch.json").read_text(encoding="utf-8"))
    assert [(e["input"], e["status"]) for e in batch["inputs"]] == [
        (str(NAP["txt"]), "ok"), (str(bad), "failed"), (str(KYRGYZ), "ok")]


@pytest.mark.slow  # whole batches in worker processes
def test_unchanged_inputs_are_skipped_until_they_change_or_force(tmp_path):
    source = tmp_path / "plan.txt"
    shutil.copy(NAP["txt"], source)
    out = tmp_path / "out"
    assert polyplan(source, "--out", out, "--format", "json").returncode == 0
    plan_json = out / "plan-txt" / "plan.json"
    first = plan_json.stat().st_ino

    again = polyplan(source, "--out", out, "--format", "json")
    assert again.returncode == 0
    assert again.stdout.splitlines() == [
        f"{source}: plan-txt: tk 49 activities, ru 49 activities, en 49 activities; 45 findings "
        "(22 error, 23 warning); coverage 94738/94738 (unchanged, skipped)"]
    assert plan_json.stat().st_ino == first  # not rewritten
    batch = json.loads((out / "_batch.json").read_text(encoding="utf-8"))
    assert batch["inputs"][0]["status"] == "unchanged" and batch["inputs"][0]["outputs"] == ["plan.json"]

    forced = polyplan(source, "--out", out, "--format", "json", "--force")
    assert "(unchanged, skipped)" not in forced.stdout and plan_json.stat().st_ino != first

    source.write_text(source.read_text(encoding="utf-8").replace("2020–2022-nji ýyllar", "2021-nji ýyl", 1),
                      encoding="utf-8")
    changed = polyplan(source, "--out", out, "--format", "json", "--verbose")  # finding lines: --verbose
    assert "(unchanged, skipped)" not in changed.stdout
    assert "PERIOD_MISMATCH" in changed.stdout

    other_formats = polyplan(source, "--out", out, "--format", "json,csv")
    assert "(unchanged, skipped)" not in other_formats.stdout
    assert sorted(p.name for p in (out / "plan-txt").iterdir()) == [".polyplan.json", "activities.csv", "plan.json"]


@pytest.mark.slow  # whole batches in worker processes
def test_batch_on_a_dask_cluster(tmp_path):
    from distributed import LocalCluster
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        run = polyplan(NAP["txt"], KYRGYZ, "--out", tmp_path / "dask", "--scheduler", cluster.scheduler_address,
                       "--format", "json")
    local = polyplan(NAP["txt"], KYRGYZ, "--out", tmp_path / "local", "--format", "json")
    assert run.returncode == local.returncode == 0, run.stderr
    assert run.stdout.splitlines()[:-1] == local.stdout.splitlines()[:-1]
    assert _outputs(tmp_path / "dask") == _outputs(tmp_path / "local")


@pytest.mark.slow  # whole batches in worker processes
def test_unreachable_scheduler_is_a_usage_error(tmp_path):
    run = polyplan(NAP["txt"], "--out", tmp_path, "--scheduler", "tcp://127.0.0.1:9")
    assert run.returncode == 2
    assert run.stderr.startswith("polyplan: error: cannot reach the Dask scheduler at tcp://127.0.0.1:9 (")


def test_progress_bar_on_a_terminal(tmp_path):
    import os
    import pty
    import threading
    import fcntl
    import struct
    import termios
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a terminal 100 columns wide
    chunks: list[bytes] = []

    def drain():
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:
                return
            if not data:
                return
            chunks.append(data)
    reader = threading.Thread(target=drain)
    reader.start()
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "extract", str(NAP["txt"]), str(KYRGYZ),
                             "--out", str(tmp_path), "--format", "json"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=slave, text=True)
    os.close(slave)
    stdout, _ = proc.communicate(timeout=120)
    reader.join(timeout=10)
    os.close(master)
    bar = b"".join(chunks).decode("utf-8", "replace")
    assert proc.returncode == 0
    assert "document" in bar and ("1/2" in bar or "2/2" in bar)  # tqdm drew the bar on the terminal
    assert stdout.splitlines()[-1].startswith("batch: 2 inputs (2 done, 0 unchanged, 0 failed)")


@pytest.mark.slow  # whole batches in worker processes
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process groups from /proc")
def test_batch_workers_die_with_a_killed_command(tmp_path):
    editions = []
    for n in (1, 2, 3):
        (tmp_path / f"ed{n}").mkdir()
        editions.append(tmp_path / f"ed{n}" / "plan.pdf")
        shutil.copy(NAP["pdf"], editions[-1])
    proc = start(*editions, "--out", tmp_path / "out", "--workers", "2", "--pdf-engine", "plumber")
    deadline = time.monotonic() + 30
    while len(group(proc.pid)) < 3 and time.monotonic() < deadline:  # the command and its two workers
        time.sleep(0.05)
    assert len(group(proc.pid)) == 3
    proc.kill()
    proc.wait()
    assert survivors(proc.pid) == []


def _holding(pgid: int, path: Path) -> int | None:
    """The process of the command's group (not the command itself) that has ``path`` open."""
    for pid in group(pgid):
        if pid == pgid:
            continue
        try:
            if any(os.readlink(fd) == str(path) for fd in Path(f"/proc/{pid}/fd").iterdir()):
                return pid
        except OSError:
            continue
    return None


@pytest.mark.slow  # whole batches in worker processes
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process groups from /proc")
@pytest.mark.parametrize("kills, workers", [(1, 2), (2, 2), (2, 1)])
def test_a_killed_worker_costs_only_its_own_input(kills, workers, tmp_path):
    """The worker reading one input is killed as the out-of-memory killer does (SIGKILL): a fresh
    worker reads it again; killed again, it is reported failed with the reason in _batch.json,
    and the eleven other inputs are done either way (with --workers 1 too: the batch runs in one
    worker process, not in the command's)."""
    slow = tmp_path / "table" / "plan.pdf"  # the 81-page table PDF through pdfplumber: seconds to read
    slow.parent.mkdir()
    shutil.copy(FILES / "nap-table.pdf", slow)
    others = []
    for n in range(11):
        (tmp_path / f"ed{n}").mkdir()
        others.append(tmp_path / f"ed{n}" / "plan.txt")
        shutil.copy(KYRGYZ, others[-1])
    out = tmp_path / "out"
    proc = start(*others[:5], slow, *others[5:], "--out", out, "--workers", workers, "--pdf-engine", "plumber",
                 "--format", "json")
    killed, deadline = [], time.monotonic() + 120
    while len(killed) < kills and time.monotonic() < deadline and proc.poll() is None:
        pid = _holding(proc.pid, slow)
        if pid is not None and pid not in killed:
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)
        time.sleep(0.01)
    stdout, stderr = proc.communicate(timeout=300)
    assert len(killed) == kills
    batch = json.loads((out / "_batch.json").read_text(encoding="utf-8"))["inputs"]
    assert [r["input"] for r in batch] == list(map(str, [*others[:5], slow, *others[5:]]))
    assert [r["status"] for r in batch if r["input"] != str(slow)] == ["ok"] * 11
    assert sorted(p.parent.name for p in out.glob("*/plan.json")) == sorted(
        [f"ed{n}-plan-txt" for n in range(11)] + (["plan-pdf"] if kills == 1 else []))
    record = batch[5]
    if kills == 1:
        assert (proc.returncode, stderr, record["status"]) == (0, "", "ok")
    else:
        reason = ("the process reading it was killed (SIGKILL, as the system does when memory runs out), "
                  "and again when retried")
        assert (record["status"], record["reason"]) == ("failed", reason)
        assert (proc.returncode, stderr) == (3, f"polyplan: error: {slow}: {reason}\n")
    assert stdout.splitlines()[-1].startswith(f"batch: 12 inputs ({12 - (kills - 1)} done, 0 unchanged, "
                                              f"{kills - 1} failed)")
    assert survivors(proc.pid) == []
    assert [p.name for p in out.rglob(".*") if p.name != ".polyplan.json"] == []  # the killed worker's leftovers
