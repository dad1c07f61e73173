"""The ``polyplan`` command: thin commands over :mod:`pipeline.batch` and :mod:`pipeline.build`.

Exit codes: 0 success; 1 findings at or above ``--fail-on`` (only when given);
2 usage error; 3 one or more inputs could not be processed.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from . import __version__
from .batch import SEVERITIES, Options, SchedulerError, run
from .export import FORMATS, write_atomic
from .extract import MAX_INPUT_MB

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_FAILED = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line on stderr, exit 2
        self.exit(EXIT_USAGE, f"polyplan: error: {message}\n")


def cmd_extract(args) -> int:
    """Extract each INPUT into OUT/<name>/ (plan.json and the other formats).

    Inputs are processed in parallel (``--workers``); an input whose files and polyplan
    version are unchanged since the last run is skipped (``--force`` redoes it).

    Example: polyplan extract sources/* --out output
    """
    if args.name and len(args.inputs) > 1:
        raise SystemExit(_usage("--name needs exactly one INPUT"))
    options = Options(out=args.out, name=args.name, formats=args.format, password=args.password,
                      max_input_mb=args.max_input_mb, timeout=args.timeout, debug=args.debug, force=args.force,
                      pdf_engine=args.pdf_engine)
    worst, batch, started = -1, [], time.perf_counter()
    progress = _progress(len(args.inputs))
    try:
        for record in run(args.inputs, options, args.workers, args.scheduler):
            lines = record.pop("lines", [])
            batch.append(record)
            progress.update(1)
            if record["status"] == "failed":
                progress.write(f"polyplan: error: {record['input']}: {record['reason']}", file=sys.stderr)
                continue
            worst = max([worst] + [SEVERITIES.index(s) for s, n in record["findings"].items() if n])
            for line in [_summary_line(record), *lines]:
                progress.write(line, file=sys.stdout)
    except SchedulerError as exc:
        raise SystemExit(_usage(str(exc))) from None
    finally:
        progress.close()
    write_atomic(Path(args.out) / "_batch.json", json.dumps(
        {"polyplan": __version__, "inputs": batch}, ensure_ascii=False, indent=2) + "\n")
    if len(batch) > 1:
        print(_batch_line(batch, time.perf_counter() - started))
    if any(r["status"] == "failed" for r in batch):
        return EXIT_FAILED
    if args.fail_on and worst >= SEVERITIES.index(args.fail_on):
        return EXIT_FINDINGS
    return EXIT_OK


class _Quiet:
    """No progress bar (output is not a terminal): lines are printed as they come."""

    def update(self, _n: int) -> None:
        pass

    def write(self, line: str, file) -> None:
        print(line, file=file)

    def close(self) -> None:
        pass


def _progress(total: int):
    """A progress bar on stderr when it is a terminal, else nothing but the lines themselves."""
    if total < 2 or not sys.stderr.isatty():
        return _Quiet()
    from tqdm import tqdm

    class _Bar(tqdm):
        def write(self, line: str, file) -> None:  # print above the bar
            tqdm.write(line, file=file)
    return _Bar(total=total, unit="document", file=sys.stderr, leave=False)


def _summary_line(record: dict) -> str:
    counts = ", ".join(f"{k} {n} activities" for k, n in record["activities"].items()) or "no versions"
    cov = record["coverage"]
    total = sum(record["findings"].values())
    status = " (unchanged, skipped)" if record["status"] == "unchanged" else ""
    return (f"{record['input']}: {record['name']}: {counts}; {total} findings; coverage "
            f"{cov['accounted_chars']}/{cov['source_chars']}{status}")


def _batch_line(batch: list[dict], seconds: float) -> str:
    by_status = {s: sum(1 for r in batch if r["status"] == s) for s in ("ok", "unchanged", "failed")}
    findings = {sev: sum(r.get("findings", {}).get(sev, 0) for r in batch) for sev in SEVERITIES}
    activities = sum(n for r in batch for n in r.get("activities", {}).values())
    return (f"batch: {len(batch)} inputs ({by_status['ok']} done, {by_status['unchanged']} unchanged, "
            f"{by_status['failed']} failed); {activities} activities; findings: "
            + ", ".join(f"{n} {sev}" for sev, n in findings.items()) + f"; {seconds:.1f} s")


def _usage(message: str) -> int:
    print(f"polyplan: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _positive(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = -1
    if not number > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {value!r}")
    return number


def _formats(value: str) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(v.strip() for v in value.split(",") if v.strip()))
    unknown = [v for v in chosen if v not in FORMATS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"unknown format {', '.join(unknown) or repr(value)}; choose from "
                                         f"{', '.join(FORMATS)}")
    return chosen


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="polyplan", description="Multilingual government plans to structured, cross-checked data.",
                     epilog="Exit codes: 0 success; 1 findings at or above --fail-on; 2 usage error; "
                            "3 one or more inputs could not be processed.")
    parser.add_argument("--version", action="version", version=f"polyplan {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    ex = sub.add_parser("extract", help="extract plans to structured data",
                        description=cmd_extract.__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
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
    ex.add_argument("--debug", action="store_true", help="also write each stage's intermediate result to DIR/<name>/debug/")
    ex.add_argument("--password", help="password of encrypted PDFs")
    ex.add_argument("--max-input-mb", type=_positive, default=MAX_INPUT_MB, metavar="MB",
                    help=f"refuse a file, or a DOCX whose parts inflate, beyond MB megabytes (default {MAX_INPUT_MB})")
    ex.add_argument("--timeout", type=_positive, default=600, metavar="SECONDS",
                    help="stop working on one document after SECONDS (default 600)")
    ex.add_argument("--format", type=_formats, default=tuple(FORMATS), metavar="LIST",
                    help=f"comma-separated output formats: {','.join(FORMATS)} (default: all)")
    ex.set_defaults(func=cmd_extract)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        return args.func(args)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    except KeyboardInterrupt:
        print("polyplan: error: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
