"""Batch runs: many inputs, in parallel processes, skipping those already done.

Each input (a file, or a folder of one plan's files) is processed by :func:`process_input`
in a worker of a process pool sized to the machine; results come back in input order as
plain records (what ``_batch.json`` lists, plus the finding lines to print).  A plan
folder carries a stamp (``.polyplan.json``: polyplan's version, the inputs' sha256, the
formats); an input whose stamp matches is skipped unless ``force``.
"""
from __future__ import annotations

import contextlib
import json
import os
import signal
import threading
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterator

import regex

from . import __version__
from .build import paths_to_plan
from .check import SEVERITIES
from .export import plan_to_files
from .extract import ExtractError, Limits, sha256_of
from .model import Plan

STAMP = ".polyplan.json"
RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


@dataclass(frozen=True)
class Options:
    out: str
    name: str | None = None
    formats: tuple[str, ...] = ()
    password: str | None = None
    max_input_mb: float = 200
    timeout: float | None = None
    debug: bool = False
    force: bool = False
    pdf_engine: str = "auto"
    page_workers: int = 1


def safe_name(raw: str) -> str:
    """An output folder name that cannot leave ``--out``.

    >>> safe_name("../../etc/passwd")
    'etc_passwd'
    >>> safe_name("nap-2020-2022.pdf")
    'nap-2020-2022-pdf'
    >>> safe_name("a\\x00b"), safe_name("CON"), safe_name("..")
    ('ab', 'plan_CON', 'plan')
    """
    name = regex.sub(r"[^\w\-.]+", "_", raw.replace("\x00", "")).strip("._-").replace(".", "-")
    if not name or name.lower() in RESERVED:
        name = f"plan_{name}" if name else "plan"
    return name


def plan_inputs(path: Path) -> tuple[str, list[Path]]:
    """(output name, files) for one input: a file is one plan; a folder is one plan of its files."""
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
        return safe_name(path.resolve().name), files
    return safe_name(path.name), [path]


class Timeout(ExtractError):
    pass


@contextlib.contextmanager
def deadline(seconds: float | None):
    """Stop the work inside after ``seconds`` (``--timeout``) with a :class:`Timeout`."""
    if not seconds or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield  # an alarm signal reaches the main thread only (Dask workers run tasks in threads)
        return

    def expire(_signum, _frame):
        raise Timeout(f"stopped after {seconds:g} s (--timeout)")
    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _debug_collector(files: dict[str, str]):
    """``--debug``: each stage's intermediate result, written with the plan's other files."""
    def collect(stage: str, value) -> None:
        data = value.to_dict() if hasattr(value, "to_dict") else [v.to_dict() for v in value]
        files[f"debug/{stage}.json"] = json.dumps(data, ensure_ascii=False, indent=1)
    return collect


def _stamp(files: list[Path], options: Options) -> dict:
    return {"polyplan": __version__, "inputs": {str(f): sha256_of(f) for f in files},
            "formats": list(options.formats), "debug": options.debug, "pdf_engine": options.pdf_engine}


def summary(plan: Plan) -> dict:
    """What ``_batch.json`` records of a plan."""
    return {"name": plan.name,
            "activities": {v.lang: sum(1 for _ in v.activities()) for v in plan.versions},
            "findings": {sev: sum(1 for f in plan.findings if f.severity == sev) for sev in SEVERITIES},
            "coverage": plan.coverage.to_dict()}


def finding_line(finding) -> str:
    """One line per finding: severity, code, language, message, the ids concerned."""
    refs = " ".join(finding.refs[:4]) + (f" (+{len(finding.refs) - 4})" if len(finding.refs) > 4 else "")
    return f"  {finding.severity} {finding.code} [{finding.lang}] {finding.message}" + (f" — {refs}" if refs else "")


def process_input(raw: str, options: Options) -> dict:
    """Process one input; a record {input, status, reason, ... , lines}, never an exception."""
    try:
        return _process(raw, options)
    except Exception as exc:  # one bad file never stops a batch
        reason = str(exc) if isinstance(exc, ExtractError) else (
            f"{exc.__class__.__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
        return {"input": raw, "name": None, "status": "failed", "reason": reason}


def _process(raw: str, options: Options) -> dict:
    path = Path(raw)
    name, files = plan_inputs(path)
    name = safe_name(options.name) if options.name else name
    if not path.exists():
        raise ExtractError("no such file or folder")
    if not files:
        raise ExtractError("folder holds no files")
    folder = Path(options.out) / name
    with deadline(options.timeout):
        stamp = _stamp(files, options)
        previous = _read_stamp(folder)
        if not options.force and previous and previous.get("stamp") == stamp:
            return {"input": raw, "status": "unchanged", "reason": "same inputs and polyplan version (--force redoes it)",
                    **previous["summary"], "outputs": _outputs(folder), "lines": []}
        extra: dict[str, str] = {}
        limits = Limits(password=options.password, max_bytes=int(options.max_input_mb * 2**20),
                        pdf_engine=options.pdf_engine, page_workers=options.page_workers)
        plan = paths_to_plan(files, name, _debug_collector(extra) if options.debug else None, limits)
        record = summary(plan)
        extra[STAMP] = json.dumps({"stamp": stamp, "summary": record}, ensure_ascii=False, indent=1)
        plan_to_files(plan, folder, options.formats, extra)
    return {"input": raw, "status": "ok", "reason": None, **record, "outputs": _outputs(folder),
            "lines": [finding_line(f) for f in plan.findings]}


def _outputs(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and p.name != STAMP)


def _read_stamp(folder: Path) -> dict | None:
    try:
        return json.loads((folder / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def workers_for(count: int, requested: int | None) -> int:
    return max(1, min(requested or os.cpu_count() or 1, count))


class SchedulerError(Exception):
    """The Dask scheduler cannot be used (extra not installed, or unreachable)."""


def _on_dask(inputs: list[str], options: Options, scheduler: str) -> Iterator[dict]:
    try:
        from distributed import Client
    except ImportError:
        raise SchedulerError("--scheduler needs the optional extra: pip install 'polyplan[dask]'") from None
    try:
        client = Client(scheduler, timeout="10s")
    except (OSError, TimeoutError) as exc:
        raise SchedulerError(f"cannot reach the Dask scheduler at {scheduler} ({exc.__class__.__name__})") from None
    with client:
        futures = [client.submit(process_input, raw, options, pure=False) for raw in inputs]
        for future in futures:
            yield future.result()


def run(inputs: list[str], options: Options, workers: int | None = None,
        scheduler: str | None = None) -> Iterator[dict]:
    """Records of ``inputs`` in input order, processed by a pool of ``workers`` processes, or
    by the workers of the Dask cluster whose scheduler is at ``scheduler`` (tcp://host:8786),
    where the paths must be readable too."""
    if scheduler:
        yield from _on_dask(inputs, options, scheduler)
        return
    n = workers_for(len(inputs), workers)
    if n == 1:  # one input at a time: its pages may be shared among the workers instead
        pages = replace(options, page_workers=max(1, workers or os.cpu_count() or 1))
        for raw in inputs:
            yield process_input(raw, pages)
        return
    with ProcessPoolExecutor(max_workers=n) as pool:
        futures = [pool.submit(process_input, raw, options) for raw in inputs]
        for future in futures:
            yield future.result()
