"""``polyplan diff`` and ``polyplan ingest``: editions of a plan compared, and kept as records.

Thin commands over :mod:`pipeline.diff`, :mod:`pipeline.export_diff` and
:mod:`pipeline.records`, registered on ``polyplan``'s command group by
:func:`add_edition_commands`.  An edition is given as for ``extract`` (a file, or a folder of
one plan's files, any format) or as a ``plan.json`` written earlier (or the folder
``extract`` wrote it to).  Exit codes as for ``extract``: 0 success; 1 (``diff`` with
``--fail-on``) a change of a status asked for; 2 usage error; 3 an input could not be
processed (one line on stderr each).
"""
from __future__ import annotations

import argparse
import contextlib
import inspect
import sys
import tempfile
from pathlib import Path

from .batch import UsageError, deadline, plan_inputs, safe_name
from .extract import MAX_INPUT_MB
from .model import Plan
from .extract.sniff import ExtractError

EXIT_OK, EXIT_CHANGES, EXIT_USAGE, EXIT_FAILED = 0, 1, 2, 3
FAIL_ON = ("changed", "added", "removed")
DIFF_FORMATS = ("json", "html", "csv")  # pipeline.export_diff.FORMATS, named here so that --help imports no renderer


def _error(message: str) -> None:
    with contextlib.suppress(OSError):
        print(f"polyplan: error: {message}", file=sys.stderr, flush=True)


def _print(line: str) -> None:
    with contextlib.suppress(BrokenPipeError):
        print(line, flush=True)


def load_plan(raw: str, args) -> Plan:
    """The plan an input stands for: a ``plan.json`` read back, or the pipeline run on the file
    or folder.  :class:`~pipeline.extract.sniff.ExtractError` (one line) when it cannot be had."""
    from .plan_io import PlanJsonError, plan_json_of, read_plan_json
    path = Path(raw)
    if not path.exists():
        raise ExtractError("no such file or folder")
    json_path = plan_json_of(path)
    if json_path is not None:
        try:
            return read_plan_json(json_path)
        except PlanJsonError as exc:
            raise ExtractError(str(exc)) from None
    try:
        files = plan_inputs(path)
    except OSError as exc:
        raise ExtractError(f"cannot read: {(exc.strerror or str(exc)).lower()}") from None
    if not files:
        raise ExtractError("folder holds no files")
    from .build import paths_to_plan
    from .extract import Limits
    limits = Limits(password=args.password, max_bytes=int(args.max_input_mb * 2**20))
    with deadline(args.timeout):
        return paths_to_plan(files, safe_name(path.name), None, limits)


def _plans(inputs: list[str], args) -> list[Plan | None]:
    """Each input's plan, or None after one error line on stderr."""
    out = []
    for raw in inputs:
        try:
            out.append(load_plan(raw, args))
        except Exception as exc:  # one bad input is one line, never a traceback
            reason = str(exc) if isinstance(exc, ExtractError) else f"{exc.__class__.__name__}: {exc}"
            _error(f"{raw}: {reason.splitlines()[0] if reason else ''}")
            out.append(None)
    return out


def _out_folder(raw: str) -> Path:
    out = Path(raw)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {raw}: is a file, not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as exc:
        raise UsageError(f"--out {raw}: cannot write there ({(exc.strerror or str(exc)).lower()})") from None
    return out


def _change_line(change) -> str:
    old = change.old.number or change.old.id if change.old else "—"
    new = change.new.number or change.new.id if change.new else "—"
    what = f": {', '.join(change.changed)}" if change.changed else ""
    relation = f" ({change.relation['kind']})" if change.relation else ""
    return f"  {change.status} {change.kind} [{change.lang}] {old} → {new}{what}{relation}"


def cmd_diff(args) -> int:
    """Compare two editions of a plan: what changed, element by element, in each language both have.

    OLD and NEW are each a plan file or folder (as for extract, any format) or a plan.json
    written earlier.  Writes DIR/diff.json (schemas/diff.schema.json), DIR/diff.html and
    DIR/diff.csv; prints one line per language, then one per row that is not the same.

    Example: polyplan diff output/nap-2020-2022-pdf/plan.json nap-2023-2025.docx --out diff/
    """
    from .diff import plans_to_diff
    from .export_diff import diff_to_files
    out = _out_folder(args.out)
    old, new = _plans([args.old, args.new], args)
    if old is None or new is None:
        return EXIT_FAILED
    diff = plans_to_diff(old, new)
    tree = diff.to_dict()
    try:
        diff_to_files(tree, out, args.format)
    except OSError as exc:
        _error(f"cannot write {out}: {(exc.strerror or str(exc)).lower()}")
        return EXIT_FAILED
    summary = tree["summary"]
    for lang in summary["languages"]["compared"]:
        counts = summary["by_lang"][lang]
        _print(f"{lang}: activities " + ", ".join(f"{n} {s}" for s, n in counts["activity"].items())
               + "; sections " + ", ".join(f"{n} {s}" for s, n in counts["section"].items() if n)
               + "; parts " + ", ".join(f"{n} {s}" for s, n in counts["part"].items() if n))
    if not summary["languages"]["compared"]:
        _print("no language in both editions: nothing compared")
    for side in ("old_only", "new_only"):
        if summary["languages"][side]:
            _print(f"only in the {side.split('_')[0]} edition: {', '.join(summary['languages'][side])} (not compared)")
    for change in diff.changes:
        if change.status != "same":
            _print(_change_line(change))
    if args.fail_on and any(summary["status"][s] for s in args.fail_on):
        return EXIT_CHANGES
    return EXIT_OK


def cmd_ingest(args) -> int:
    """Keep each INPUT as an edition in the records database, with its lineage.

    Each INPUT (a plan file or folder, or a plan.json) becomes an edition: its parts,
    sections, activities, agencies and findings, and the changes since the edition it
    follows — given by --edition-of (the first INPUT follows EDITION, each next INPUT the one
    before it), else the latest earlier edition of the plan with the same title — with each
    activity's lineage.  The same files ingested again change nothing.
    --db is a SQLite file (default records.sqlite) or a postgresql:// URL.

    Example: polyplan ingest sources/nap-2020-2022.pdf nap-2023-2025.docx --db records.sqlite
    """
    from .records import RecordsError, connect, find_edition, plan_to_records
    try:
        engine = connect(args.db)
    except RecordsError as exc:
        raise UsageError(str(exc)) from None
    failed, edition_of = False, None
    try:
        if args.edition_of:
            with engine.connect() as conn:
                edition_of = find_edition(conn, args.edition_of, _ref_plan(args.edition_of, args))
            if edition_of is None:
                raise UsageError(f"--edition-of {args.edition_of}: no such edition in {args.db}")
        for raw, plan in zip(args.inputs, _plans(args.inputs, args)):
            if plan is None:
                failed = True
                continue
            try:
                result = plan_to_records(engine, plan, edition_of)
            except Exception as exc:  # a database error is one line, and the batch goes on
                reason = str(exc).splitlines()[0] if str(exc) else ""
                _error(f"{raw}: cannot ingest ({exc.__class__.__name__}: {reason})")
                failed = True
                continue
            _print(result.line(raw))
            if args.edition_of:  # the next input follows this one
                with engine.connect() as conn:
                    edition_of = find_edition(conn, str(result.edition))
    finally:
        engine.dispose()
    return EXIT_FAILED if failed else EXIT_OK


def _ref_plan(ref: str, args) -> Plan | None:
    """The plan an ``--edition-of`` path stands for (its digest names the edition), else None."""
    if not Path(ref).exists():
        return None
    with contextlib.suppress(Exception):
        return load_plan(ref, args)
    return None


def _list_of(allowed: tuple[str, ...], what: str):
    """An argparse type: a comma-separated list of some of ``allowed``."""
    def parse(value: str) -> tuple[str, ...]:
        chosen = tuple(dict.fromkeys(v.strip() for v in value.split(",") if v.strip()))
        unknown = [v for v in chosen if v not in allowed]
        if unknown or not chosen:
            raise argparse.ArgumentTypeError(f"unknown {what} {', '.join(unknown) or repr(value)}; choose from "
                                             f"{', '.join(allowed)}")
        return chosen
    return parse


def _positive(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = -1
    if not number > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {value!r}")
    return number


def _reading_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--password", help="password of encrypted PDFs")
    command.add_argument("--max-input-mb", type=_positive, default=MAX_INPUT_MB, metavar="MB",
                         help=f"refuse a file, or a DOCX whose parts inflate, beyond MB megabytes (default {MAX_INPUT_MB})")
    command.add_argument("--timeout", type=_positive, default=600, metavar="SECONDS",
                         help="stop working on one document after SECONDS (default 600)")


def add_edition_commands(sub) -> None:
    """Register ``diff`` and ``ingest`` on the ``polyplan`` command group ``sub``."""
    raw = argparse.RawDescriptionHelpFormatter
    diff = sub.add_parser("diff", help="compare two editions of a plan", description=inspect.cleandoc(cmd_diff.__doc__),
                          formatter_class=raw)
    diff.add_argument("old", metavar="OLD", help="the earlier edition: a plan file or folder, or a plan.json")
    diff.add_argument("new", metavar="NEW", help="the later edition: a plan file or folder, or a plan.json")
    diff.add_argument("--out", required=True, metavar="DIR", help="folder for diff.json, diff.html and diff.csv")
    diff.add_argument("--format", type=_list_of(DIFF_FORMATS, "format"), default=DIFF_FORMATS, metavar="LIST",
                      help="comma-separated outputs: json,html,csv (default: all)")
    diff.add_argument("--fail-on", type=_list_of(FAIL_ON, "status"), metavar="STATUSES",
                      help="exit 1 when a row has one of these statuses (comma-separated: changed,added,removed)")
    _reading_options(diff)
    diff.set_defaults(func=cmd_diff)
    ingest = sub.add_parser("ingest", help="keep plan editions in a records database", description=inspect.cleandoc(cmd_ingest.__doc__),
                            formatter_class=raw)
    ingest.add_argument("inputs", nargs="+", metavar="INPUT", help="a plan file or folder, or a plan.json")
    ingest.add_argument("--db", default="records.sqlite", metavar="URL",
                        help="a SQLite file (default records.sqlite) or postgresql://user@host/db")
    ingest.add_argument("--edition-of", metavar="EDITION",
                        help="the edition these inputs follow: its id, its name, or its file or plan.json")
    _reading_options(ingest)
    ingest.set_defaults(func=cmd_ingest)
