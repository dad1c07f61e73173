"""The ``polyplan`` command: thin commands over :mod:`pipeline.batch` and :mod:`pipeline.build`.

Exit codes: 0 success; 1 findings at or above ``--fail-on`` (only when given);
2 usage error; 3 one or more inputs could not be processed.
"""
from __future__ import annotations

import argparse
import contextlib
import inspect
import json
import logging
import multiprocessing
import os
import re
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

from . import __version__
from .batch import SEVERITIES, Options, UsageError, output_names, run, scheduler_address
from .cli_editions import add_edition_commands
from .corrections import CorrectionError, Metadata, checked_metadata, is_metadata_file, read_accept, read_links
from .export import FORMATS, remove_leftovers, write_atomic
from .export.settings import SEGMENTS, Settings, parse_locales
from .extract import MAX_INPUT_MB
from .workers import guard_forked_children

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_FAILED = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line on stderr, exit 2
        self.exit(EXIT_USAGE, f"polyplan: error: {message}\n")


class Stopped(BaseException):
    """SIGINT or SIGTERM reached the command: the batch stops (exit 128 + the signal's number)."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _stop(signum: int, _frame) -> None:
    for sig in (signal.SIGINT, signal.SIGTERM):  # a second signal does not interrupt the clean-up
        signal.signal(sig, signal.SIG_IGN)
    for child in multiprocessing.active_children():  # the pools' workers: their documents are dropped
        with contextlib.suppress(OSError, ValueError):
            child.kill()
    raise Stopped(signum)


@contextlib.contextmanager
def _stopped_by_signals():
    """SIGINT and SIGTERM raise :class:`Stopped` inside (unless ignored when the command started:
    ``nohup``, a background job); the previous handlers come back after."""
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    for sig, handler in previous.items():
        if handler is not signal.SIG_IGN:
            signal.signal(sig, _stop)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def cmd_extract(args) -> int:
    """Extract each INPUT into OUT/<name>/ (plan.json and the other formats).

    Inputs are processed in parallel (--workers); an input whose files, lexicons, options and
    polyplan version are unchanged since the last run is skipped (--force redoes it).
    Two inputs of one name get their parent folders in their output names.  A plan.toml
    beside the sources gives the plan's country, date, issuer and name (read, not extracted).
    Prints one line per plan (--verbose: and one per finding, with pages; --quiet: nothing);
    stderr holds one line per input that failed, each beginning "polyplan:" (--log FILE keeps the
    libraries' log lines and the details of unexpected failures).

    Example: polyplan extract sources/* --out output
    """
    args.inputs = [i for i in args.inputs if not is_metadata_file(Path(i))] or args.inputs
    _route_logs(args.log, args.verbosity == "verbose")
    if args.name and len(args.inputs) > 1:
        raise UsageError("--name needs exactly one INPUT")
    names = output_names(args.inputs, args.name)
    if args.scheduler:
        scheduler_address(args.scheduler)
    options = Options(out=args.out, name=args.name, formats=args.format, password=args.password,
                      max_input_mb=args.max_input_mb, timeout=args.timeout, debug=args.debug, force=args.force,
                      pdf_engine=args.pdf_engine, ocr=args.ocr, ocr_lang=args.ocr_lang, **_corrections(args))
    out = _out_folder(args.out)
    report, batch, started = _Report(args.inputs, args.verbosity), [], time.perf_counter()
    try:
        with contextlib.closing(run(args.inputs, options, args.workers, args.scheduler)) as records:
            for record in records:
                batch.append(record)
                report.record(record)
    except Stopped as stop:
        for name in names:  # what killed workers were writing
            remove_leftovers(out / name)
        report.close()
        return _error(f"stopped by {signal.Signals(stop.signum).name}: {len(batch)} of {len(names)} inputs done "
                      "(their outputs are complete); _batch.json not written", 128 + stop.signum)
    report.close()
    try:
        write_atomic(out / "_batch.json", json.dumps(
            {"polyplan": __version__, "inputs": batch}, ensure_ascii=False, indent=2) + "\n")
    except OSError as exc:
        return _error(f"cannot write {out / '_batch.json'}: {_reason(exc)}", EXIT_FAILED)
    if len(batch) > 1:
        report.line(_batch_line(batch, time.perf_counter() - started))
    if report.stdout_closed:
        return _error("stdout was closed early (broken pipe): the remaining lines were not printed; "
                      "the outputs and _batch.json were written", EXIT_FAILED)
    if any(r["status"] == "failed" for r in batch):
        return EXIT_FAILED
    if args.fail_on and report.worst >= SEVERITIES.index(args.fail_on):
        return EXIT_FINDINGS
    return EXIT_OK


def _corrections(args) -> dict:
    """The Options a run adds to the sources: metadata, accepted findings, links, TMX settings."""
    try:
        metadata = checked_metadata({k: getattr(args, k) for k in ("country", "date", "issuer") if getattr(args, k)},
                                    "--country/--date/--issuer") if (args.country or args.date or args.issuer) \
            else Metadata()
        accept = read_accept(Path(args.accept)) if args.accept else ()
        links = read_links(Path(args.links)) if args.links else ()
    except CorrectionError as exc:
        raise UsageError(str(exc)) from None
    export = Settings(tmx_srclang=args.tmx_srclang, tmx_locales=args.tmx_locale or (), tmx_segment=args.tmx_segment)
    return {"metadata": metadata, "accept": accept, "links": links, "export": export}


def _out_folder(raw: str) -> Path:
    """``--out``, created if missing, checked to be a folder polyplan can write in."""
    out = Path(raw)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {raw}: is a file, not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as exc:
        raise UsageError(f"--out {raw}: cannot write there ({_reason(exc)})") from None
    return out


def _reason(exc: OSError) -> str:
    return (exc.strerror or "the system refused").lower()


class _Report:
    """What a batch prints: one line per plan on stdout (``verbose``: and one per finding;
    ``quiet``: nothing on stdout), one per failed or skipped input on stderr, under a progress
    bar when stderr is a terminal (one input: a line naming it, its pages and the time it has
    taken so far).  A stdout closed early (``polyplan extract … | head -1``) ends the printing,
    not the batch."""

    def __init__(self, inputs: list[str], verbosity: str = "normal"):
        self.bar, self.worst, self.stdout_closed, self.verbosity = None, -1, False, verbosity
        self.ticking = threading.Event()
        if not sys.stderr.isatty() or verbosity == "quiet":
            return
        from tqdm import tqdm
        if len(inputs) > 1:
            self.bar = tqdm(total=len(inputs), unit="document", file=sys.stderr, leave=False)
            return
        self.bar = tqdm(total=1, file=sys.stderr, leave=False, desc=f"reading {_what(inputs[0])}",
                        bar_format="{desc}: {elapsed}")
        threading.Thread(target=self._tick, daemon=True, name="polyplan-progress").start()

    def _tick(self) -> None:
        """Redraw the one input's line every half second until its record comes."""
        while not self.ticking.wait(0.5):
            with contextlib.suppress(Exception):
                self.bar.refresh()

    def record(self, record: dict) -> None:
        self.ticking.set()
        if self.bar is not None:
            self.bar.update(1)
        if record["status"] == "skipped":
            self.line(f"polyplan: {record['input']}: {record['reason']}", sys.stderr)
        elif record["status"] == "failed":
            self.line(f"polyplan: error: {record['input']}: {record['reason']}", sys.stderr)
        else:
            self.worst = max([self.worst] + [SEVERITIES.index(s) for s, n in record["findings"].items() if n])
            lines = record.pop("lines", []) if self.verbosity == "verbose" else []
            for line in [_summary_line(record), *lines]:
                self.line(line)
        record.pop("lines", None)

    def line(self, text: str, file=None) -> None:
        file = file or sys.stdout
        if file is sys.stdout and (self.stdout_closed or self.verbosity == "quiet"):
            return
        try:
            if self.bar is not None:
                self.bar.write(text, file=file)  # above the bar
            else:
                print(text, file=file)
            file.flush()
        except BrokenPipeError:
            if file is sys.stdout:
                self.stdout_closed = True
                _to_devnull(sys.stdout)

    def close(self) -> None:
        self.ticking.set()
        if self.bar is not None:
            self.bar.close()


def _what(raw: str) -> str:
    """``nap.pdf (53 pages)`` for the progress line of one input (pages for a PDF only)."""
    name = Path(raw).name or raw
    try:
        import pypdfium2
        with open(raw, "rb") as fh:
            if fh.read(5) != b"%PDF-":
                return name
        document = pypdfium2.PdfDocument(raw)
        try:
            return f"{name} ({len(document)} pages)"
        finally:
            document.close()
    except Exception:  # an encrypted, broken or unreadable file: its own error comes with its record
        return name


def _to_devnull(stream) -> None:
    """Point ``stream``'s descriptor at /dev/null, so that what is still buffered for it and the
    flush at exit go nowhere instead of raising again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, stream.fileno())
    os.close(devnull)


def _summary_line(record: dict) -> str:
    """``INPUT: NAME: tk 49 activities, …; 57 findings (22 error, 35 warning); 3 paragraphs or cells
    unparsed; coverage …``; accepted findings counted apart, unparsed text named when there is some."""
    counts = ", ".join(f"{k} {n} activities" for k, n in record["activities"].items()) or "no versions"
    cov = record["coverage"]
    total = sum(record["findings"].values())
    by_severity = ", ".join(f"{n} {sev}" for sev, n in reversed(record["findings"].items()) if n)
    accepted = f", {record['accepted']} accepted" if record.get("accepted") else ""
    status = " (unchanged, skipped)" if record["status"] == "unchanged" else ""
    unparsed = f"; {record['unparsed']} paragraphs or cells unparsed" if record.get("unparsed") else ""
    return (f"{record['input']}: {record['name']}: {counts}; {total} findings"
            f"{f' ({by_severity})' if by_severity else ''}{accepted}{unparsed}; coverage "
            f"{cov['accounted_chars']}/{cov['source_chars']}{status}")


def _batch_line(batch: list[dict], seconds: float) -> str:
    by_status = {s: sum(1 for r in batch if r["status"] == s) for s in ("ok", "unchanged", "failed", "skipped")}
    skipped = f", {by_status['skipped']} skipped" if by_status["skipped"] else ""
    findings = {sev: sum(r.get("findings", {}).get(sev, 0) for r in batch) for sev in SEVERITIES}
    activities = sum(n for r in batch for n in r.get("activities", {}).values())
    return (f"batch: {len(batch)} inputs ({by_status['ok']} done, {by_status['unchanged']} unchanged, "
            f"{by_status['failed']} failed{skipped}); {activities} activities; findings: "
            + ", ".join(f"{n} {sev}" for sev, n in findings.items()) + f"; {seconds:.1f} s")


def _error(message: str, status: int) -> int:
    with contextlib.suppress(OSError):
        print(f"polyplan: error: {message}", file=sys.stderr, flush=True)
    return status


def usage(parser: argparse.ArgumentParser) -> str:
    """What bare ``polyplan`` prints: the commands, each with its one line and its example."""
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    helps = {action.dest: action.help for action in sub._choices_actions}
    lines = ["usage: polyplan COMMAND [options]", "", "commands:"]
    for name, command in sub.choices.items():
        example = next((line.strip()[len("Example: "):] for line in (command.description or "").splitlines()
                        if line.strip().startswith("Example: ")), "")
        lines.append(f"  {name:<8} {helps.get(name) or ''}" + (f"   e.g. {example}" if example else ""))
    lines += ["", "'polyplan COMMAND --help' lists a command's options; " + (parser.epilog or "")]
    return "\n".join(lines)


def _error_lines(text: str, status: int) -> int:
    with contextlib.suppress(OSError):
        print(text, file=sys.stderr, flush=True)
    return status


def _positive(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = -1
    if not number > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {value!r}")
    return number


def _ocr_languages(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z_]+(?:\+[A-Za-z_]+)*", value):
        raise argparse.ArgumentTypeError(f"expected Tesseract languages joined by '+' (rus+kaz), got {value!r}")
    return value


def _formats(value: str) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(v.strip().lower() for v in value.split(",") if v.strip()))
    unknown = [v for v in chosen if v not in FORMATS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"unknown format {', '.join(unknown) or repr(value)}; choose from "
                                         f"{', '.join(FORMATS)}")
    return chosen


def _terminal_options(ex) -> None:
    talk = ex.add_mutually_exclusive_group()
    talk.add_argument("-v", "--verbose", dest="verbosity", action="store_const", const="verbose", default="normal",
                      help="also print one line per finding, with the pages it concerns, and the PDF and other "
                           "libraries' warnings on stderr (each line 'polyplan: log: …')")
    talk.add_argument("--quiet", dest="verbosity", action="store_const", const="quiet",
                      help="print nothing on stdout (errors still go to stderr; the exit code tells)")
    ex.add_argument("--log", metavar="FILE",
                    help="append the libraries' log lines and the details of unexpected failures to FILE")


_ROUTED: list[logging.Handler] = []  # the handlers _route_logs added


class _LogLines(logging.Formatter):
    """A log record as stderr lines that each begin ``polyplan: log:``."""

    def format(self, record: logging.LogRecord) -> str:
        return "\n".join(f"polyplan: log: {line}" for line in super().format(record).splitlines())


def _route_logs(log_file: str | None, verbose: bool) -> None:
    """Where the log lines of polyplan and its libraries (pdfminer's "MediaBox missing", Python
    warnings) go: nowhere by default — stderr holds one line per input —, to ``log_file``
    (``--log``, with the details of unexpected failures), and with ``verbose`` (``-v``) to
    stderr, each line marked.  Batch workers inherit the handlers."""
    root = logging.getLogger()
    while _ROUTED:  # a second run in one process (the API, tests) routes its own way
        handler = _ROUTED.pop()
        root.removeHandler(handler)
        handler.close()
    if log_file:
        try:
            handler = logging.FileHandler(log_file, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"--log {log_file}: cannot write there ({_reason(exc)})") from None
        handler.setFormatter(logging.Formatter("%(asctime)s [%(process)d] %(levelname)s %(name)s: %(message)s"))
        handler.setLevel(logging.INFO)
        _ROUTED.append(handler)
    if verbose:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(_LogLines("%(name)s: %(message)s"))
        handler.setLevel(logging.INFO)
        _ROUTED.append(handler)
    for handler in _ROUTED:
        root.addHandler(handler)
    if _ROUTED:
        root.setLevel(logging.INFO)
        for noisy in ("pdfminer", "PIL"):  # their INFO and DEBUG lines trace every object parsed
            logging.getLogger(noisy).setLevel(logging.WARNING)


def _country(value: str) -> str:
    try:
        return checked_metadata({"country": value}, "").country
    except CorrectionError:
        raise argparse.ArgumentTypeError(f"expected a two-letter ISO 3166 code such as tm, got {value!r}") from None


def _date(value: str) -> str:
    try:
        return checked_metadata({"date": value}, "").date
    except CorrectionError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {value!r}") from None


def _locales(value: str) -> tuple[tuple[str, str], ...]:
    try:
        return parse_locales(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _plan_options(ex) -> None:
    """What a run adds to the plans: metadata, corrections, TMX settings."""
    ex.add_argument("--country", type=_country, metavar="CC",
                    help="the issuing country, ISO 3166 two letters (tm): Akoma Ntoso Work URI and FRBRcountry")
    ex.add_argument("--date", type=_date, metavar="YYYY-MM-DD",
                    help="the plan's date (adoption): Akoma Ntoso Work URI and FRBRdate")
    ex.add_argument("--issuer", metavar="NAME", help="the body that issued the plan: Akoma Ntoso FRBRauthor")
    ex.add_argument("--accept", metavar="FILE",
                    help="accepted findings (TOML, [[accept]] code and refs; written by review.html): listed as "
                         "accepted, left out of the summary and --fail-on")
    ex.add_argument("--links", metavar="FILE",
                    help="alignment corrections (TOML, [[link]] / [[unlink]] refs): applied before the checks "
                         "and every export")
    ex.add_argument("--tmx-srclang", metavar="LANG", help="the TMX source language (default: the plan's first)")
    ex.add_argument("--tmx-locale", type=_locales, metavar="PAIRS",
                    help="locale codes for the TMX, e.g. tk=tk-TM,ru=ru-RU,en=en-US (default: the plan's codes)")
    ex.add_argument("--tmx-segment", choices=SEGMENTS, default="paragraph",
                    help="TMX units of whole paragraphs (default) or of sentences where every version has "
                         "as many")


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="polyplan", description="Multilingual government plans to structured, cross-checked data.",
                     epilog="Exit codes: 0 success; 1 findings at or above --fail-on; 2 usage error; "
                            "3 one or more inputs could not be processed.")
    parser.add_argument("--version", action="version", version=f"polyplan {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    ex = sub.add_parser("extract", help="extract plans to structured data",
                        description=inspect.cleandoc(cmd_extract.__doc__), formatter_class=argparse.RawDescriptionHelpFormatter)
    ex.add_argument("inputs", nargs="+", metavar="INPUT", help="a plan file (PDF, DOCX, text) or a folder of one plan's files")
    ex.add_argument("--out", required=True, metavar="DIR", help="output folder; results go to DIR/<name>/")
    ex.add_argument("--name", help="output name (with a single INPUT)")
    ex.add_argument("--fail-on", choices=SEVERITIES, help="exit 1 when a finding has this severity or worse")
    ex.add_argument("--workers", type=int, default=None, metavar="N",
                    help="process N inputs at once (default: one per CPU core)")
    ex.add_argument("--force", action="store_true", help="redo inputs whose output is up to date")
    ex.add_argument("--scheduler", metavar="ADDRESS",
                    help="run the batch on an existing Dask cluster (tcp://HOST:8786; extra polyplan[dask])")
    ex.add_argument("--pdf-engine", choices=("auto", "plumber"), default="auto",
                    help="auto: PDF pages (text and ruled tables) through pypdfium2, pages with glyphs "
                         "lacking Unicode through pdfplumber; plumber: every page through pdfplumber "
                         "(the same plan.json, slower; a long PDF's pages are then shared among --workers)")
    ex.add_argument("--ocr", choices=("never", "auto", "always"), default="auto",
                    help="auto: recognise PDF pages without a text layer, or with a garbled one, with Tesseract "
                         "(pages in parallel within --workers); always: every page; never: none")
    ex.add_argument("--ocr-lang", type=_ocr_languages, metavar="LANGS",
                    help="Tesseract languages for OCR, e.g. rus+kaz (default: by each page's script, the "
                         "languages polyplan has lexicons for)")
    ex.add_argument("--debug", action="store_true", help="also write each stage's intermediate result to DIR/<name>/debug/")
    ex.add_argument("--password", help="password of encrypted PDFs")
    ex.add_argument("--max-input-mb", type=_positive, default=MAX_INPUT_MB, metavar="MB",
                    help=f"refuse a file, or a DOCX whose parts inflate, beyond MB megabytes (default {MAX_INPUT_MB})")
    ex.add_argument("--timeout", type=_positive, default=600, metavar="SECONDS",
                    help="stop working on one document after SECONDS (default 600)")
    ex.add_argument("--format", type=_formats, default=tuple(FORMATS), metavar="LIST",
                    help=f"comma-separated output formats: {','.join(FORMATS)} (default: all; any case)")
    _terminal_options(ex)
    _plan_options(ex)
    ex.set_defaults(func=cmd_extract)
    add_edition_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    guard_forked_children()
    # the libraries' log warnings (pdfminer's "Invalid MediaBox in /Page, defaulting to US Letter") would
    # print beside polyplan's one line per input: a handler on the root logger keeps Python's last-resort
    # handler from printing them (a program that set up logging itself keeps its handlers); --log and -v
    # route them (_route_logs)
    if not logging.getLogger().handlers:
        logging.getLogger().addHandler(logging.NullHandler())
    logging.captureWarnings(True)  # a library's warnings.warn() lines too
    try:
        with _stopped_by_signals():
            parser = make_parser()
            if not (sys.argv[1:] if argv is None else argv):
                return _error_lines(usage(parser), EXIT_USAGE)
            args = parser.parse_args(argv)
            return args.func(args)
    except UsageError as exc:
        return _error(str(exc), EXIT_USAGE)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    except Stopped as stop:
        return _error(f"stopped by {signal.Signals(stop.signum).name}", 128 + stop.signum)


if __name__ == "__main__":
    sys.exit(main())
