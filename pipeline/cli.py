"""The ``polyplan`` command: thin commands over :mod:`pipeline.build`.

Exit codes: 0 success; 1 findings at or above ``--fail-on`` (only when given);
2 usage error; 3 one or more inputs could not be processed.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import signal
import sys
from pathlib import Path

import regex

from . import __version__
from .build import paths_to_plan
from .check import SEVERITIES
from .export import FORMATS, plan_to_files, write_atomic
from .extract import MAX_INPUT_MB, ExtractError, Limits

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_FAILED = 0, 1, 2, 3
RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line on stderr, exit 2
        self.exit(EXIT_USAGE, f"polyplan: error: {message}\n")


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


def _debug_collector(files: dict[str, str]):
    """``--debug``: each stage's intermediate result, written with the plan's other files."""
    def collect(stage: str, value) -> None:
        data = value.to_dict() if hasattr(value, "to_dict") else [v.to_dict() for v in value]
        files[f"debug/{stage}.json"] = json.dumps(data, ensure_ascii=False, indent=1)
    return collect


class Timeout(ExtractError):
    pass


@contextlib.contextmanager
def deadline(seconds: float | None):
    """Stop the work inside after ``seconds`` (``--timeout``) with a :class:`Timeout`."""
    if not seconds or not hasattr(signal, "setitimer"):
        yield
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


def _extract_one(path: Path, args) -> tuple[object, list[str]]:
    name, files = plan_inputs(path)
    if args.name:
        name = safe_name(args.name)
    if not path.exists():
        raise ExtractError("no such file or folder")
    if not files:
        raise ExtractError("folder holds no files")
    folder = Path(args.out) / name
    extra: dict[str, str] = {}
    limits = Limits(password=args.password, max_bytes=int(args.max_input_mb * 2**20))
    with deadline(args.timeout):
        plan = paths_to_plan(files, name, _debug_collector(extra) if args.debug else None, limits)
        written = plan_to_files(plan, folder, args.format, extra)
    return plan, sorted(p.relative_to(folder).as_posix() for p in written)


def _record(raw: str, status: str, reason: str | None = None, plan=None, outputs=()) -> dict:
    """One input's line in ``_batch.json``."""
    entry = {"input": raw, "name": plan.name if plan else None, "status": status, "reason": reason}
    if plan is not None:
        entry["activities"] = {v.lang: sum(1 for _ in v.activities()) for v in plan.versions}
        entry["findings"] = {sev: sum(1 for f in plan.findings if f.severity == sev) for sev in SEVERITIES}
        entry["coverage"] = plan.coverage.to_dict()
        entry["outputs"] = list(outputs)
    return entry


def _report(raw: str, plan) -> int:
    """Print the plan's summary line and one line per finding; return the worst severity's rank."""
    counts = {v.lang: sum(1 for _ in v.activities()) for v in plan.versions}
    print(f"{raw}: {plan.name}: " + (", ".join(f"{k} {n} activities" for k, n in counts.items()) or "no versions")
          + f"; {len(plan.findings)} findings; coverage {plan.coverage.accounted_chars}/"
          f"{plan.coverage.source_chars}")
    worst = -1
    for f in plan.findings:
        worst = max(worst, SEVERITIES.index(f.severity))
        print(finding_line(f))
    return worst


def cmd_extract(args) -> int:
    """Extract each INPUT into OUT/<name>/ (plan.json and the other formats).

    Example: polyplan extract sources/* --out output
    """
    if args.name and len(args.inputs) > 1:
        raise SystemExit(_usage("--name needs exactly one INPUT"))
    failed, worst, batch = 0, -1, []
    for raw in args.inputs:
        try:
            plan, outputs = _extract_one(Path(raw), args)
        except Exception as exc:  # one bad file never stops a batch
            failed += 1
            reason = str(exc) if isinstance(exc, ExtractError) else (
                f"{exc.__class__.__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
            print(f"polyplan: error: {raw}: {reason}", file=sys.stderr)
            batch.append(_record(raw, "failed", reason))
            continue
        worst = max(worst, _report(raw, plan))
        batch.append(_record(raw, "ok", plan=plan, outputs=outputs))
    write_atomic(Path(args.out) / "_batch.json", json.dumps(
        {"polyplan": __version__, "inputs": batch}, ensure_ascii=False, indent=2) + "\n")
    if failed:
        return EXIT_FAILED
    if args.fail_on and worst >= SEVERITIES.index(args.fail_on):
        return EXIT_FINDINGS
    return EXIT_OK


def finding_line(finding) -> str:
    """One line per finding: severity, code, language, message, the ids concerned."""
    refs = " ".join(finding.refs[:4]) + (f" (+{len(finding.refs) - 4})" if len(finding.refs) > 4 else "")
    return f"  {finding.severity} {finding.code} [{finding.lang}] {finding.message}" + (f" — {refs}" if refs else "")


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
