"""Benchmark: speed and memory of polyplan, as ratios against baselines measured in the same run.

``make bench`` (or ``python bench/run.py``) prints one line per measurement:

1. the reference PDF end to end (extract → … → all six exports) against raw single-process
   pdfplumber ``extract_text()`` over the same pages;
2. the same for the table-layout PDF (``tests/fixtures/files/nap-table.pdf``);
3. peak memory (RSS of a child process) at 265 and 530 pages (the reference PDF repeated),
   and the 530-page PDF through pdfplumber with its pages read by one process or shared
   among all cores;
4. a batch of 8 PDFs with 1 worker and with one per core;
5. alignment and checks of synthetic plans with about 50, 500 and 2,000 activities per version;
   and ``polyplan diff`` of two editions (the reference and its edited next edition,
   ``tests/fixtures/editions.py``) repeated to the same sizes;
6. OCR of the image-only Russian version (``tests/fixtures/files/scan-ru.pdf``, 17 pages): pages
   per second with 1 Tesseract process and with one per core (``python bench/run.py --ocr``
   measures this alone);
7. whole processes, as a user runs them: ``polyplan extract`` on the reference PDF against a
   process that only reads its text with PDFium and one that only reads it with pdfplumber,
   run in turn, five rounds (``python bench/run.py --whole-process`` measures this alone).
8. ``polyplan extract`` (all formats, a whole process) on a DOCX of one table of 2,000 and of
   8,000 rows (``tests/fixtures/large_table.py``; issue 21 asks ≤ 4× and under 60 s;
   ``python bench/run.py --table`` measures this alone).

Nothing here is a test: figures depend on the machine.  The README records one run.
"""
from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.align import plan_to_alignment  # noqa: E402
from pipeline.build import paths_to_plan  # noqa: E402
from pipeline.check import plan_to_findings  # noqa: E402
from pipeline.export import plan_to_files  # noqa: E402
from pipeline.model import Plan  # noqa: E402

REFERENCE = ROOT / "sources" / "nap-2020-2022.pdf"
TABLE = ROOT / "tests" / "fixtures" / "files" / "nap-table.pdf"


def raw_pdfplumber(path: Path) -> float:
    import pdfplumber
    start = time.perf_counter()
    with pdfplumber.open(str(path)) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.close()
    return time.perf_counter() - start


def end_to_end(path: Path, out: Path) -> tuple[float, float]:
    """(first run in this process, median of three more): the first one also loads the
    language profiles and lexicons, once per process (a batch pays it once per worker)."""
    times = []
    for _ in range(4):
        start = time.perf_counter()
        plan = paths_to_plan([path], path.stem)
        plan_to_files(plan, out / path.stem)
        times.append(time.perf_counter() - start)
    return times[0], sorted(times[1:])[1]


def repeated_pdf(path: Path, times: int, target: Path) -> int:
    import pypdfium2 as pdfium
    source = pdfium.PdfDocument(str(path))
    doc = pdfium.PdfDocument.new()
    for _ in range(times):
        doc.import_pages(source)
    doc.save(str(target))
    return len(doc)


def peak_rss_mb(path: Path, out: Path) -> float:
    """Peak RSS of a fresh process running the whole pipeline on ``path`` (all formats)."""
    code = ("import resource,sys; from pipeline.cli import main; "
            f"main(['extract', {str(path)!r}, '--out', {str(out)!r}, '--force']); "
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    return int(run.stdout.splitlines()[-1]) / 1024


def batch_seconds(files: list[Path], out: Path, workers: int, *options: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pipeline", "extract", *map(str, files), "--out", str(out), "--force",
                    "--workers", str(workers), *options], capture_output=True, cwd=ROOT, check=True)
    return time.perf_counter() - start


def synthetic(plan: Plan, copies: int) -> Plan:
    """The plan's versions repeated ``copies`` times (ids made unique)."""
    versions = []
    for version in plan.versions:
        parts = []
        for c in range(copies):
            for part in version.parts:
                sections = tuple(replace(s, id=f"{s.id}-c{c}", activities=tuple(
                    replace(a, id=f"{a.id}-c{c}") for a in s.activities)) for s in part.sections)
                parts.append(replace(part, id=f"{part.id}-c{c}", sections=sections))
        versions.append(replace(version, parts=tuple(parts)))
    return Plan(plan.name, plan.sources, tuple(versions))


def alignment_seconds(plan: Plan) -> tuple[int, float, float]:
    start = time.perf_counter()
    rows = plan_to_alignment(plan)
    middle = time.perf_counter()
    plan_to_findings(replace(plan, alignment=rows))
    return sum(1 for _ in plan.versions[0].activities()), middle - start, time.perf_counter() - middle


def print_diff(tmp: Path) -> None:
    """``polyplan diff``'s matching and rows on two editions repeated to about 50, 500 and 2,000
    activities per version (3 versions each; issue 16 asks for 2,000 in under 5 s)."""
    from pipeline.diff import plans_to_diff
    from tests.fixtures.editions import REFERENCE, next_edition
    edited = tmp / "nap-next-edition.txt"
    edited.write_text(next_edition(REFERENCE.read_text(encoding="utf-8")), encoding="utf-8")
    old, new = paths_to_plan([REFERENCE], "old"), paths_to_plan([edited], "new")
    for copies in (1, 10, 41):
        a, b = synthetic(old, copies), synthetic(new, copies)
        start = time.perf_counter()
        rows = plans_to_diff(a, b).changes
        seconds = time.perf_counter() - start
        print(f"diff of {sum(1 for _ in a.versions[0].activities())} / {sum(1 for _ in b.versions[0].activities())} "
              f"activities per version × 3 versions: {seconds:.2f} s ({len(rows)} rows, "
              f"{sum(1 for r in rows if r.status != 'same')} not the same)")


RAW_READ = {  # a process reading the text of the PDF given as its argument, and printing how long the reading took
    "raw PDFium": "import sys, time, pypdfium2\nstart = time.perf_counter()\npdf = pypdfium2.PdfDocument(sys.argv[1])\n"
                  "for page in pdf:\n    page.get_textpage().get_text_range()\nprint(time.perf_counter() - start)",
    "raw pdfplumber": "import sys, time, pdfplumber\nstart = time.perf_counter()\n"
                      "with pdfplumber.open(sys.argv[1]) as pdf:\n    for page in pdf.pages:\n"
                      "        page.extract_text()\n        page.close()\nprint(time.perf_counter() - start)",
}


def whole_processes(path: Path, out: Path, rounds: int = 5) -> dict[str, tuple[float, float | None]]:
    """Median seconds of whole processes (interpreter start, imports, work, exit) run in turn:
    ``polyplan extract`` with all formats, and each raw reading of :data:`RAW_READ` — with the
    median time the raw reading itself took inside its process."""
    commands = {"polyplan extract": [sys.executable, "-m", "pipeline", "extract", str(path), "--out", str(out),
                                     "--force"],
                **{name: [sys.executable, "-c", code, str(path)] for name, code in RAW_READ.items()}}
    seconds: dict[str, list[float]] = {name: [] for name in commands}
    inside: dict[str, list[float]] = {name: [] for name in RAW_READ}
    for _ in range(rounds):
        for name, argv in commands.items():
            start = time.perf_counter()
            run = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, check=True)
            seconds[name].append(time.perf_counter() - start)
            if name in inside:
                inside[name].append(float(run.stdout))
    return {name: (statistics.median(values), statistics.median(inside[name]) if name in inside else None)
            for name, values in seconds.items()}


def print_whole_processes(tmp: Path) -> None:
    times = whole_processes(REFERENCE, tmp / "whole")
    (ours, _), (pdfium, pdfium_read), (plumber, plumber_read) = (
        times["polyplan extract"], times["raw PDFium"], times["raw pdfplumber"])
    print(f"whole processes on the reference PDF (median of 5 rounds, in turn): polyplan extract {ours:.2f} s; "
          f"raw PDFium text {pdfium:.2f} s (its reading {pdfium_read:.2f} s); raw pdfplumber extract_text "
          f"{plumber:.2f} s (its reading {plumber_read:.2f} s); ratio {ours / pdfium:.2f}× raw PDFium (target ≤ 4×), "
          f"{ours / plumber:.2f}× raw pdfplumber")


def print_table_scaling(tmp: Path) -> None:
    """Whole ``polyplan extract`` processes on a DOCX table of 2,000 and of 8,000 rows."""
    from tests.fixtures.large_table import table_docx
    seconds = {rows: batch_seconds([table_docx(tmp / f"table-{rows}.docx", rows)], tmp / "table", 1)
               for rows in (2000, 8000)}
    print(f"DOCX table of 2,000 rows: {seconds[2000]:.1f} s; of 8,000 rows: {seconds[8000]:.1f} s; ratio "
          f"{seconds[8000] / seconds[2000]:.2f}× (target ≤ 4×, and under 60 s)")


def print_ocr(cores: int) -> None:
    """Pages per second of OCR (render, orientation, recognition, line records) on the scan."""
    from pipeline.extract import ocr
    if not ocr.available():
        print("OCR: Tesseract is not installed (make extract installs it as root)")
        return
    scan = ROOT / "tests" / "fixtures" / "files" / "scan-ru.pdf"
    rates = []
    for workers in sorted({1, cores}):
        start = time.perf_counter()
        pages = ocr.recognise(str(scan), list(range(17)), workers=workers)
        rates.append((workers, len(pages) / (time.perf_counter() - start)))
    print("OCR of a 17-page image-only PDF (rus+eng+kaz+kir+uzb_cyrl, 300 dpi): "
          + "; ".join(f"{w} process{'es' if w > 1 else ''} {r:.2f} pages/s" for w, r in rates))


def main() -> None:
    if "--ocr" in sys.argv[1:]:
        print_ocr(os.cpu_count() or 1)
        return
    tmp = Path(tempfile.mkdtemp(prefix="polyplan-bench-"))
    if "--whole-process" in sys.argv[1:] or "--table" in sys.argv[1:]:
        (print_table_scaling if "--table" in sys.argv[1:] else print_whole_processes)(tmp)
        shutil.rmtree(tmp, ignore_errors=True)
        return
    cores = os.cpu_count() or 1
    print(f"polyplan benchmark — {cores} cores, Python {sys.version.split()[0]}")
    for label, path in (("reference PDF (53 pages)", REFERENCE), ("table-layout PDF", TABLE)):
        raw, (first, ours) = raw_pdfplumber(path), end_to_end(path, tmp)
        print(f"{label}: end to end with all exports {ours:.2f} s (first run in the process {first:.2f} s); "
              f"raw pdfplumber extract_text {raw:.2f} s; ratio {ours / raw:.2f} (first run {first / raw:.2f})")
    rss = {}
    for times in (5, 10):
        big = tmp / f"repeated-{times}.pdf"
        pages = repeated_pdf(REFERENCE, times, big)
        rss[pages] = peak_rss_mb(big, tmp / "rss")
        print(f"peak RSS at {pages} pages: {rss[pages]:.0f} MB")
    low, high = sorted(rss)
    print(f"peak RSS growth {low} → {high} pages: {rss[high] / rss[low]:.2f}×")
    big = tmp / "repeated-10.pdf"
    plumber = ("--pdf-engine", "plumber")  # pages are shared among processes on pdfplumber's path only
    alone, shared = batch_seconds([big], tmp / "p1", 1, *plumber), batch_seconds([big], tmp / "pn", cores, *plumber)
    print(f"one {high}-page PDF through pdfplumber: pages read by 1 process {alone:.1f} s; by {cores} {shared:.1f} s; "
          f"speed-up {alone / shared:.2f}×")
    files = []
    for n in range(8):
        files.append(tmp / f"batch-{n}.pdf")
        shutil.copy(REFERENCE, files[-1])
    one, many = batch_seconds(files, tmp / "b1", 1), batch_seconds(files, tmp / "bn", cores)
    print(f"batch of 8 PDFs: 1 worker {one:.1f} s; {cores} workers {many:.1f} s; speed-up {one / many:.2f}×")
    reference = paths_to_plan([ROOT / "sources" / "nap-2020-2022.txt"], "nap")
    for copies in (1, 10, 41):
        n, align, checks = alignment_seconds(synthetic(reference, copies))
        print(f"{n} activities per version × 3 versions: alignment {align:.2f} s, checks {checks:.2f} s")
    print_diff(tmp)
    print_table_scaling(tmp)
    print_ocr(cores)
    print_whole_processes(tmp)
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
