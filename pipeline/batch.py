"""Batch runs: many inputs, in parallel processes, skipping those already done.

Each input (a file, or a folder of one plan's files) is processed by :func:`process_input`
in a worker of a process pool sized to the machine; results come back in input order as
plain records (what ``_batch.json`` lists, plus the finding lines to print).  Every input
gets an output folder of its own (:func:`output_names`).  A plan folder carries a stamp
(``.polyplan.json``: polyplan's version, the digest of its lexicons and gazetteer, the
inputs' sha256, the engine, the formats written and the files there); an input whose stamp
matches, with every file still there, is skipped unless ``force``.

Inputs run in worker processes (:mod:`pipeline.workers`), one input at a time each: a worker
that dies (the out-of-memory killer) costs only its own input, retried once in a fresh worker,
then failed with the reason.  Workers die with the process that started them, killed or not.
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import signal
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterator

import regex

from . import __version__
from .model import SEVERITIES
from .corrections import Metadata, accepted, is_metadata_file, metadata_for, settings_digest, with_accepted_removed
from .export.settings import Settings
from .extract.sniff import ExtractError
from .workers import in_workers

log = logging.getLogger(__name__)

STAMP = ".polyplan.json"
LEXICON = Path(__file__).resolve().parent / "lexicon"
RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
INSIDE_OUT = "the output folder (--out) or inside it: skipped"
UNCHANGED = "same inputs, lexicons and polyplan version; every output there (--force redoes it)"


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
    ocr: str = "auto"  # --ocr never|auto|always
    ocr_lang: str | None = None  # --ocr-lang rus+kaz
    metadata: Metadata = Metadata()  # --country, --date, --issuer (over each input's plan.toml)
    accept: tuple = ()  # --accept: corrections.Accept entries
    links: tuple = ()  # --links: corrections.Link entries
    export: Settings = Settings()  # --tmx-srclang, --tmx-locale, --tmx-segment


class UsageError(Exception):
    """The command cannot run as asked (exit 2); the message is one line."""


class SchedulerError(UsageError):
    """The Dask scheduler cannot be used (extra not installed, address malformed, or unreachable)."""


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


def output_names(inputs: list[str], name: str | None = None) -> list[str]:
    """The output folder name of each input: its file or folder name (:func:`safe_name`), with
    as many parent folders put before it as make it differ from every other input's.

    >>> output_names(["ed1/plan.pdf", "ed2/plan.pdf", "notes.txt"])
    ['ed1-plan-pdf', 'ed2-plan-pdf', 'notes-txt']

    Raises :class:`UsageError` when two inputs are one file or folder, or their names cannot
    be told apart, before anything is written.
    """
    if name:
        return [safe_name(name)] * len(inputs)
    paths = [Path(os.path.abspath(raw)) for raw in inputs]
    first: dict[Path, str] = {}
    for raw, path in zip(inputs, paths):
        key = path.resolve()
        if key in first:
            raise UsageError(f"{first[key]} and {raw} are the same input: give it once")
        first[key] = raw
    depth = [1] * len(paths)
    while True:
        names = [safe_name("-".join(p.parts[-d:])) for p, d in zip(paths, depth)]
        clashes = [i for i, n in enumerate(names) if names.count(n) > 1]
        if not clashes:
            return names
        grown = [i for i in clashes if depth[i] < len(paths[i].parts)]
        if not grown:
            a, b = (inputs[i] for i in clashes[:2])
            raise UsageError(f"{a} and {b} would both be written to {names[clashes[0]]}/: give one input at a time "
                             "with --name")
        for i in grown:
            depth[i] += 1


def plan_inputs(path: Path) -> list[Path]:
    """The files of one input: a file is one plan; a folder is one plan of its (visible) files."""
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith(".") and not is_metadata_file(p))
    return [path]


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


@functools.cache
def lexicon_digest() -> str:
    """sha256 over the names and contents of the lexicon and gazetteer files
    (``pipeline/lexicon/``): editing them changes what a plan's output would be."""
    digest = hashlib.sha256()
    for path in sorted(p for p in LEXICON.rglob("*") if p.is_file()):
        data = path.read_bytes()
        digest.update(f"{path.relative_to(LEXICON).as_posix()}\0{len(data)}\0".encode() + data)
    return digest.hexdigest()


def _stamp(files: list[Path], options: Options) -> dict:
    """What a plan's output depends on besides the formats asked for."""
    from .extract import sha256_of
    return {"polyplan": __version__, "lexicon": lexicon_digest(), "inputs": {str(f): sha256_of(f) for f in files},
            "pdf_engine": options.pdf_engine, "ocr": [options.ocr, options.ocr_lang]}


def _asked(options: Options) -> list[str]:
    return [*options.formats, *(["debug"] if options.debug else [])]


def _up_to_date(folder: Path, previous: dict | None, stamp: dict, options: Options) -> bool:
    """The stamp matches, every format asked for was written with it, and every file is there."""
    return bool(previous) and not options.force and previous.get("stamp") == stamp \
        and set(_asked(options)) <= set(previous.get("formats", ())) \
        and all((folder / name).is_file() for name in previous.get("outputs", ()))


def summary(plan, accepted_findings: tuple[int, ...] = ()) -> dict:
    """What ``_batch.json`` records of a plan; accepted findings are counted apart."""
    counted = with_accepted_removed(plan, accepted_findings)
    return {"name": plan.name, "accepted": len(accepted_findings),
            "activities": {v.lang: sum(1 for _ in v.activities()) for v in plan.versions},
            "findings": {sev: sum(1 for f in counted.findings if f.severity == sev) for sev in SEVERITIES},
            "unparsed": len(plan.unparsed), "coverage": plan.coverage.to_dict()}


def finding_line(finding, sources: list[dict] | None = None, is_accepted: bool = False) -> str:
    """One line per finding (``--verbose``): severity, code, language, message, where it is printed."""
    from .export.tree import places_text
    places = places_text(finding.to_dict(), sources)
    return (f"  {'accepted ' if is_accepted else ''}{finding.severity} {finding.code} [{finding.lang}] {finding.message}"
            + (f" ({places})" if places else ""))


def process_input(raw: str, options: Options, name: str | None = None) -> dict:
    """Process one input into ``options.out``/``name``; a record {input, status, reason, ... ,
    lines}, never an exception."""
    try:
        return _process(raw, options, name or output_names([raw], options.name)[0])
    except Exception as exc:  # one bad file never stops a batch
        return {"input": raw, "name": None, "status": "failed", "reason": failure_reason(exc, raw)}


def failure_reason(exc: Exception, raw: str = "") -> str:
    """The one line a failed input gets: an :class:`ExtractError`'s reason, else what went wrong
    in words (the exception, with its traceback, goes to the log: ``--log FILE``).

    >>> failure_reason(ExtractError("empty file")), failure_reason(MemoryError())
    ('empty file', 'not enough memory to read it')
    """
    if isinstance(exc, ExtractError):
        return str(exc)
    log.error("%s: unexpected failure", raw, exc_info=exc)
    if isinstance(exc, MemoryError):
        return "not enough memory to read it"
    if isinstance(exc, RecursionError):
        return "its structure is nested too deeply to be read"
    return ("polyplan failed on it unexpectedly (a fault in polyplan, not necessarily in the file): "
            "run again with --log FILE and report what it holds")


def _readable(path: Path) -> list[Path]:
    """The input's files, each checked to be a readable regular file; :class:`ExtractError` else."""
    if not path.exists():
        raise ExtractError("no such file or folder")
    if not path.is_dir() and not path.is_file():
        raise ExtractError("not a regular file or folder (a pipe, socket or device)")
    try:
        files = plan_inputs(path)
        for file in files:
            with open(file, "rb"):
                pass
    except OSError as exc:
        where = "" if exc.filename in (None, str(path)) else f" {Path(exc.filename).name}"
        raise ExtractError(f"cannot read{where}: {(exc.strerror or str(exc)).lower()}") from None
    if not files:
        raise ExtractError("folder holds no files")
    return files


def _inside(path: Path, folder: Path) -> bool:
    path, folder = path.resolve(), folder.resolve()
    return path == folder or folder in path.parents


def _process(raw: str, options: Options, name: str) -> dict:
    path = Path(raw)
    if path.exists() and _inside(path, Path(options.out)):
        return {"input": raw, "name": None, "status": "skipped", "reason": INSIDE_OUT, "lines": []}
    files = _readable(path)
    folder = Path(options.out) / name
    with deadline(options.timeout):
        metadata = metadata_for(path, options.metadata)
        stamp = {**_stamp(files, options), "settings": settings_digest(metadata, options)}
        previous = _read_stamp(folder)
        if _up_to_date(folder, previous, stamp, options):
            return {"input": raw, "status": "unchanged", "reason": UNCHANGED, **previous["summary"],
                    "outputs": _outputs(folder), "lines": []}
        from .build import paths_to_plan  # imported where used: a run of unchanged inputs needs neither
        from .extract import Limits
        extra: dict[str, str] = {}
        limits = Limits(password=options.password, max_bytes=int(options.max_input_mb * 2**20),
                        pdf_engine=options.pdf_engine, page_workers=options.page_workers, ocr=options.ocr,
                        ocr_lang=options.ocr_lang)
        plan = paths_to_plan(files, name, _debug_collector(extra) if options.debug else None, limits, options.links)
        found = accepted(plan.findings, options.accept)
        record = summary(plan, found)
        _write(plan, folder, options, extra, {"stamp": stamp, "summary": record}, previous,
               {"metadata": metadata.to_dict(), "accepted": found, "settings": options.export})
    sources = [s.to_dict() for s in plan.sources]
    return {"input": raw, "status": "ok", "reason": None, **record, "outputs": _outputs(folder),
            "lines": [finding_line(f, sources, n in found) for n, f in enumerate(plan.findings)]}


def _write(plan, folder: Path, options: Options, extra: dict, stamp: dict, previous: dict | None,
           rendering: dict) -> None:
    """The plan's formats into ``folder`` (others there stay), then the stamp saying which formats
    are current: those asked for, and those kept when they were written from the same stamp.
    Killed between the two, the folder has no new stamp and the next run redoes it.  Both under
    the folder's lock: a run writing it at the same time waits, then writes a whole folder."""
    from .export import output_lock, plan_to_files, write_atomic
    try:
        with output_lock(folder):  # another run writing this folder now waits: folder and stamp agree
            previous = _read_stamp(folder) or previous
            kept = previous.get("formats", []) if previous and previous.get("stamp") == stamp["stamp"] else []
            plan_to_files(plan, folder, options.formats, extra, **rendering)
            stamp = {**stamp, "formats": sorted({*kept, *_asked(options)}), "outputs": _outputs(folder)}
            write_atomic(folder / STAMP, json.dumps(stamp, ensure_ascii=False, indent=1))
    except OSError as exc:
        raise ExtractError(f"cannot write {folder}: {(exc.strerror or str(exc)).lower()}") from None


def _outputs(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                  if p.is_file() and not p.name.startswith("."))


def _read_stamp(folder: Path) -> dict | None:
    try:
        return json.loads((folder / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def workers_for(count: int, requested: int | None) -> int:
    return max(1, min(requested or os.cpu_count() or 1, count))


# --- running a batch ---------------------------------------------------------------------

SCHEDULER = regex.compile(r"(?:(?:tcp|tls|ws|wss|ucx)://)?(?:[\w.-]+|\[[0-9a-fA-F:.]+\])(?::\d{1,5})?/?")


def scheduler_address(address: str) -> str:
    """``address`` if it has the form of a Dask scheduler's address, else :class:`SchedulerError`.

    >>> scheduler_address("tcp://10.0.0.5:8786")
    'tcp://10.0.0.5:8786'
    """
    if not SCHEDULER.fullmatch(address):
        raise SchedulerError(f"--scheduler {address!r}: expected a Dask scheduler address like tcp://HOST:8786")
    return address


def _on_dask(inputs: list[str], names: list[str], options: Options, scheduler: str) -> Iterator[dict]:
    scheduler_address(scheduler)
    try:
        from distributed import Client
    except ImportError:
        raise SchedulerError("--scheduler needs the optional extra: pip install 'polyplan[dask]'") from None
    try:
        client = Client(scheduler, timeout="10s")
    except (OSError, TimeoutError, ValueError, TypeError) as exc:
        log.info("Dask scheduler at %s: %r", scheduler, exc)
        raise SchedulerError(f"cannot reach the Dask scheduler at {scheduler} (no scheduler answered there)") from None
    with client:
        futures = [client.submit(process_input, raw, options, name, pure=False) for raw, name in zip(inputs, names)]
        for raw, future in zip(inputs, futures):
            try:
                yield future.result()
            except Exception as exc:  # KilledWorker: the cluster's workers died reading it, as often as Dask retries
                log.error("%s: the Dask task failed", raw, exc_info=exc)
                yield {"input": raw, "name": None, "status": "failed",
                       "reason": "the Dask workers reading it died, each time the cluster retried it"}


def run(inputs: list[str], options: Options, workers: int | None = None,
        scheduler: str | None = None) -> Iterator[dict]:
    """Records of ``inputs`` in input order, processed by ``workers`` worker processes
    (:func:`pipeline.workers.in_workers`: a worker that dies costs only its input, retried once),
    or by the workers of the Dask cluster whose scheduler is at ``scheduler`` (tcp://host:8786),
    where the paths must be readable too.  Output names are settled (:func:`output_names`)
    before any input is processed.  When the caller stops early (an exception, a signal),
    the workers are killed at once."""
    names = output_names(inputs, options.name)
    if scheduler:
        yield from _on_dask(inputs, names, options, scheduler)
        return
    if len(inputs) == 1:  # in this process: its pages may be shared among the workers instead
        yield process_input(inputs[0], replace(options, page_workers=max(1, workers or os.cpu_count() or 1)), names[0])
        return
    tasks = [(raw, options, name) for raw, name in zip(inputs, names)]
    n = workers_for(len(inputs), workers)  # one worker too: a batch outlives a worker the system kills
    yield from in_workers(tasks, n, process_input, lambda index, how: {
        "input": inputs[index], "name": None, "status": "failed",
        "reason": f"the process reading it {how}, and again when retried"})
