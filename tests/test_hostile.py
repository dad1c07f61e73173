"""Hostile and broken input: one clear stderr line, exit 3, the batch goes on, nothing leaked.

Each case goes through the real command (``python -m pipeline extract``) together with a
good file, and is checked for its exact message, the exit code, ``_batch.json`` and the
good file's output.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from pipeline.batch import safe_name
from pipeline.extract import convert

from .conftest import KYRGYZ, NAP, ROOT
from .processes import group, start, survivors
from .fixtures import broken
from .fixtures.build import build_docx

FILES = Path(__file__).resolve().parent / "fixtures" / "files"
GOOD = NAP["txt"]
NEWS = """Ashgabat hosts regional conference on water resources

The two-day meeting brought together experts from five countries of the region.
Participants discussed joint monitoring of transboundary rivers and new irrigation technologies.
The next conference will take place in Tashkent in the autumn, the organisers said.
"""


def polyplan(*args, timeout=300):
    return subprocess.run([sys.executable, "-m", "pipeline", "extract", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT, timeout=timeout)


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data, zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED)
    return path


def _odt(path: Path) -> Path:
    """An OpenDocument text as LibreOffice writes it: ``mimetype`` stored first (ODF 1.2 part 3, §3.3)."""
    return _zip(path, {"mimetype": b"application/vnd.oasis.opendocument.text",
                       "content.xml": b"<office:document-content/>", "META-INF/manifest.xml": b"<manifest/>"})


ERROR_PAGE = b"""<!DOCTYPE html>
<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>
"""


def _converted(what: str) -> str:
    """The reason for a Word 97-2003, RTF or ODT file LibreOffice cannot open; without LibreOffice,
    the line naming the package to install."""
    if convert.soffice() is None:
        return (f"{what}: reading it needs LibreOffice (as root: apt-get install {convert.PACKAGE}), or save it as "
                "DOCX or PDF first")
    return f"LibreOffice cannot open this {what}: damaged, truncated or not a document"


def _case(name: str, tmp: Path) -> tuple[Path, str]:
    """(input file, the reason polyplan must give) for each kind of broken input."""
    if name == "empty":
        (tmp / "empty.pdf").write_bytes(b"")
        return tmp / "empty.pdf", "empty file"
    if name == "truncated-pdf":
        (tmp / "truncated.pdf").write_bytes(NAP["pdf"].read_bytes()[:20000])
        return tmp / "truncated.pdf", "the PDF is damaged and could not be repaired (neither PDF reader opens it)"
    if name == "encrypted-pdf":
        return FILES / "encrypted.pdf", "encrypted PDF: it needs a password (--password)"
    if name == "scanned-pdf":  # a page of grey noise: OCR, where Tesseract is installed, reads nothing on it
        from pipeline.extract import ocr
        return FILES / "scanned.pdf", ("PDF has no text layer, and OCR found no text on its pages" if ocr.available()
                                       else "PDF has no text layer (scanned images?): it needs OCR first")
    if name == "not-a-zip-docx":
        (tmp / "broken.docx").write_bytes(b"PK\x03\x04" + os.urandom(200))
        return tmp / "broken.docx", "not a valid ZIP archive (a truncated or corrupt DOCX)"
    if name == "zip-without-document":
        return _zip(tmp / "letter.docx", {"word/styles.xml": b"<w:styles/>", "hello.txt": b"hi"}), \
            "ZIP archive without word/document.xml: not a DOCX"
    if name == "unsupported":
        (tmp / "picture.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
        return tmp / "picture.txt", "unsupported format (not PDF, DOCX or text)"
    if name == "damaged-doc":  # the header of an OLE2 compound file, as Word 97-2003 writes .doc, and nothing in it
        (tmp / "plan.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
        return tmp / "plan.doc", _converted("Word 97-2003 file (.doc)")
    if name == "xls-named-doc":  # an Excel 97-2003 workbook: a compound file whose directory names a Workbook stream
        entry = "Workbook".encode("utf-16-le") + b"\x00\x00"
        header, directory = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1".ljust(512, b"\x00"), bytes(128)  # then the root entry
        (tmp / "plan.doc").write_bytes(header + directory + entry.ljust(64, b"\x00") + len(entry).to_bytes(2, "little")
                                       + b"\x02".ljust(62, b"\x00"))
        return tmp / "plan.doc", ("legacy Office file holding an Excel workbook (.xls), not a Word document: not a "
                                  "plan document")
    if name == "truncated-rtf":
        (tmp / "plan.rtf").write_bytes(b"{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Times;}}\\f0 Part I: Plan\\par ")
        return tmp / "plan.rtf", _converted("RTF file")
    if name == "zip-bomb":
        return FILES / "bomb.docx", "DOCX would inflate to 1024 MB, over the 200 MB limit (--max-input-mb): refused"
    if name == "damaged-odt":
        return _odt(tmp / "plan.odt"), _converted("OpenDocument text (.odt)")
    return _lying(name, tmp)


def _lying(name: str, tmp: Path) -> tuple[Path, str]:
    """Files whose name claims PDF or DOCX and whose content is something else."""
    if name == "html-named-docx":  # the error page a failed download saves
        (tmp / "plan.docx").write_bytes(ERROR_PAGE)
        return tmp / "plan.docx", "named .docx but holds HTML text: a failed download?"
    if name == "html-named-pdf":
        (tmp / "plan.PDF").write_bytes(b"\xef\xbb\xbf\n  " + ERROR_PAGE.replace(b"<!DOCTYPE html>\n", b""))
        return tmp / "plan.PDF", "named .PDF but holds HTML text: a failed download?"
    if name == "xml-named-pdf":  # a cloud store's AccessDenied answer
        (tmp / "plan.pdf").write_bytes(b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code></Error>')
        return tmp / "plan.pdf", "named .pdf but holds XML text: a failed download?"
    if name == "json-named-pdf":
        (tmp / "plan.pdf").write_bytes(b'{"error": {"code": 403, "message": "quota exceeded"}}')
        return tmp / "plan.pdf", "named .pdf but holds JSON text: a failed download?"
    if name == "text-named-pdf":
        (tmp / "plan.pdf").write_bytes(GOOD.read_bytes())
        return tmp / "plan.pdf", "named .pdf but holds plain text: rename it .txt to read it as text"
    if name == "docx-named-pdf":
        return build_docx(tmp / "plan.pdf"), "named .pdf but holds a ZIP archive (a DOCX?): rename it .docx"
    if name == "pdf-named-docx":
        (tmp / "plan.docx").write_bytes(NAP["pdf"].read_bytes())
        return tmp / "plan.docx", "named .docx but holds a PDF: rename it .pdf"
    if name == "doc-named-docx":
        (tmp / "plan.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
        return tmp / "plan.docx", "named .docx but holds a legacy Office file (Word .doc, Excel .xls): rename it .doc"
    if name == "odt-named-docx":
        return _odt(tmp / "plan.docx"), "named .docx but holds OpenDocument text (.odt): rename it .odt"
    if name == "png-named-pdf":
        (tmp / "scan.pdf").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
        return tmp / "scan.pdf", "named .pdf but holds a PNG image: it needs OCR first"
    raise ValueError(name)


CASES = ["empty", "truncated-pdf", "encrypted-pdf", "scanned-pdf", "not-a-zip-docx", "zip-without-document",
         "unsupported", "damaged-doc", "xls-named-doc", "truncated-rtf", "zip-bomb", "damaged-odt", "html-named-docx",
         "html-named-pdf", "xml-named-pdf",
         "json-named-pdf", "text-named-pdf", "docx-named-pdf", "pdf-named-docx", "doc-named-docx", "odt-named-docx",
         "png-named-pdf"]


@pytest.mark.slow  # a process per broken file (tests/test_cli.py keeps one such case in the quick run)
@pytest.mark.parametrize("case", CASES)
def test_broken_input_one_line_exit_3_batch_goes_on(case, tmp_path):
    bad, reason = _case(case, tmp_path)
    run = polyplan(bad, GOOD, "--out", tmp_path / "out", "--format", "json")
    assert run.returncode == 3
    assert run.stderr == f"polyplan: error: {bad}: {reason}\n"
    assert "Traceback" not in run.stdout + run.stderr
    batch = json.loads((tmp_path / "out" / "_batch.json").read_text(encoding="utf-8"))
    assert [(e["input"], e["status"], e["reason"]) for e in batch["inputs"]] == [
        (str(bad), "failed", reason), (str(GOOD), "ok", None)]
    assert batch["inputs"][1]["activities"] == {"tk": 49, "ru": 49, "en": 49}
    assert (tmp_path / "out" / "nap-2020-2022-txt" / "plan.json").exists()


@pytest.mark.slow  # LibreOffice
@pytest.mark.parametrize("kind", ["doc", "rtf", "odt"])
def test_word_97_rtf_and_odt_are_converted_not_refused(kind, tmp_path):
    """The reference plan saved by LibreOffice as .doc, .rtf and .odt (tests/fixtures/legacy.py) is read
    through LibreOffice; without it, one line names the package to install."""
    legacy = FILES / f"nap-2020-2022.{kind}"
    run = polyplan(legacy, GOOD, "--out", tmp_path / "out", "--format", "json")
    if convert.soffice() is None:
        assert (run.returncode, run.stderr) == (3, f"polyplan: error: {legacy}: {_converted(convert.WHAT[kind])}\n")
        return
    assert (run.returncode, run.stderr) == (0, "")
    batch = json.loads((tmp_path / "out" / "_batch.json").read_text(encoding="utf-8"))
    assert [(e["status"], e["activities"]) for e in batch["inputs"]] == [("ok", {"tk": 49, "ru": 49, "en": 49})] * 2


def test_zip_bomb_is_refused_in_under_a_second(tmp_path):
    start = time.perf_counter()
    run = polyplan(FILES / "bomb.docx", "--out", tmp_path)
    assert run.returncode == 3
    # the interpreter's start-up is part of the run; the refusal itself reads only the ZIP directory
    assert time.perf_counter() - start < 5
    from pipeline.extract import ExtractError, Limits, check_docx
    start = time.perf_counter()
    with pytest.raises(ExtractError):
        check_docx(FILES / "bomb.docx", Limits())
    assert time.perf_counter() - start < 1


def test_password_opens_an_encrypted_pdf(tmp_path):
    run = polyplan(FILES / "encrypted.pdf", "--out", tmp_path, "--password", "secret", "--format", "json")
    assert run.returncode == 0, run.stderr
    plan = json.loads((tmp_path / "encrypted-pdf" / "plan.json").read_text(encoding="utf-8"))
    assert plan["languages"] == ["en"] and sum(
        len(s["activities"]) for p in plan["versions"]["en"]["parts"] for s in p["sections"]) == 49
    wrong = polyplan(FILES / "encrypted.pdf", "--out", tmp_path, "--password", "guess")
    assert (wrong.returncode, wrong.stderr) == (
        3, f"polyplan: error: {FILES / 'encrypted.pdf'}: encrypted PDF: the password is wrong (--password)\n")


def test_external_entity_is_refused_without_reading_the_file(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-4711", encoding="utf-8")
    docx = broken.docx_with_document_xml(build_docx(tmp_path / "src.docx"), tmp_path / "xxe.docx",
                                         broken.xxe_document_xml(secret))
    before = os.stat(secret).st_atime_ns
    run = polyplan(docx, "--out", tmp_path / "out")
    assert (run.returncode, run.stderr) == (
        3, f"polyplan: error: {docx}: DOCX part word/document.xml declares a DOCTYPE or entities: refused\n")
    assert "TOP-SECRET" not in run.stdout
    assert not (tmp_path / "out" / "xxe-docx").exists()
    assert os.stat(secret).st_atime_ns == before


def test_entity_expansion_is_refused_quickly(tmp_path):
    docx = broken.docx_with_document_xml(build_docx(tmp_path / "src.docx"), tmp_path / "laughs.docx",
                                         broken.laughs_document_xml())
    start = time.perf_counter()
    run = polyplan(docx, "--out", tmp_path / "out")
    assert time.perf_counter() - start < 10
    assert (run.returncode, run.stderr) == (
        3, f"polyplan: error: {docx}: DOCX part word/document.xml declares a DOCTYPE or entities: refused\n")


def test_file_over_the_size_limit(tmp_path):
    run = polyplan(NAP["pdf"], "--out", tmp_path, "--max-input-mb", "0.1")
    assert run.returncode == 3
    size = NAP["pdf"].stat().st_size / 2**20
    assert run.stderr == f"polyplan: error: {NAP['pdf']}: file is {size:.0f} MB, over the 0 MB limit (--max-input-mb)\n"


def test_timeout_stops_one_document_and_the_batch_goes_on(tmp_path):
    # the 81-page table PDF through pdfplumber (its table finder) takes seconds; the short Kyrgyz text a fraction of one
    table = FILES / "nap-table.pdf"
    run = polyplan(table, KYRGYZ, "--out", tmp_path, "--timeout", "1", "--format", "json", "--pdf-engine", "plumber")
    assert run.returncode == 3
    assert run.stderr == f"polyplan: error: {table}: stopped after 1 s (--timeout)\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_batch.json", "kyrgyz-programme-2022-2025-txt"]


@pytest.mark.parametrize("name", ["plan.txt", "plan.bin", "plan"])
def test_other_names_are_read_by_content(name, tmp_path):
    disguised = tmp_path / name
    disguised.write_bytes(build_docx(tmp_path / "real.docx").read_bytes())
    run = polyplan(disguised, "--out", tmp_path / "out", "--format", "json")
    assert run.returncode == 0, run.stderr
    plan = json.loads((tmp_path / "out" / safe_name(name) / "plan.json").read_text(encoding="utf-8"))
    assert plan["sources"][0]["format"] == "docx"


def test_a_pdf_after_junk_bytes_is_a_pdf(tmp_path):
    """Readers accept a PDF header within the first 1024 bytes (some producers and mail gateways put
    bytes before it); the page text is read as usual."""
    shifted = tmp_path / "shifted.pdf"
    shifted.write_bytes(b"\r\n" * 8 + NAP["pdf"].read_bytes())
    run = polyplan(shifted, "--out", tmp_path / "out", "--format", "json")
    assert run.returncode == 0, run.stderr
    plan = json.loads((tmp_path / "out" / "shifted-pdf" / "plan.json").read_text(encoding="utf-8"))
    assert plan["sources"][0]["format"] == "pdf"
    assert {lang: sum(len(s["activities"]) for p in v["parts"] for s in p["sections"])
            for lang, v in plan["versions"].items()} == {"tk": 49, "ru": 49, "en": 49}


def test_news_article_is_an_empty_plan_with_a_warning(tmp_path):
    article = tmp_path / "news.txt"
    article.write_text(NEWS, encoding="utf-8")
    run = polyplan(article, "--out", tmp_path / "out", "--format", "json")
    assert run.returncode == 0, run.stderr
    plan = json.loads((tmp_path / "out" / "news-txt" / "plan.json").read_text(encoding="utf-8"))
    assert (plan["languages"], plan["versions"]) == ([], {})
    assert [u["text"] for u in plan["unparsed"]] == [line for line in NEWS.splitlines() if line]
    assert [(f["code"], f["severity"]) for f in plan["findings"]] == [("NO_STRUCTURE", "warning")]
    assert plan["coverage"]["source_chars"] == plan["coverage"]["accounted_chars"]


@pytest.mark.parametrize("name", ["../../escape", "/etc/cron.d/x", "a/../../b", "CON", "..", "nul.txt"])
def test_output_names_cannot_leave_out(name, tmp_path):
    out = tmp_path / "out"
    run = polyplan(GOOD, "--out", out, "--name", name, "--format", "json")
    assert run.returncode == 0, run.stderr
    made = [p for p in tmp_path.rglob("plan.json")]
    assert len(made) == 1 and made[0].parent.parent == out


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow  # a whole run killed on purpose
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process groups from /proc")
def test_killed_run_leaves_previous_or_new_output_never_a_mixture_and_no_worker(tmp_path):
    out = tmp_path / "out"
    slow = ("--pdf-engine", "plumber")  # every page through pdfplumber: a run of a few seconds to interrupt
    assert polyplan(NAP["pdf"], "--out", out, *slow).returncode == 0
    folder = out / "nap-2020-2022-pdf"
    complete = _files(folder)
    assert len(complete) == 10  # nine outputs and the stamp that lets an unchanged input be skipped
    for delay in (0.4, 1.0, 1.6, 2.2, 2.8, 3.4, 4.0, None):  # None: once the page pool's workers are there
        proc = start(NAP["pdf"], "--out", out, "--force", *slow)
        if delay is None:  # the command and (with more than one core) at least two page workers
            wanted, deadline = (3 if (os.cpu_count() or 1) > 1 else 1), time.monotonic() + 60
            while len(group(proc.pid)) < wanted and time.monotonic() < deadline:
                time.sleep(0.02)
            assert len(group(proc.pid)) >= wanted
        else:
            time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert survivors(proc.pid) == [], delay  # the page pool's workers died with it
        assert _files(folder) == complete, delay  # the run is deterministic: previous and new output are identical
        visible = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
        assert visible in (["nap-2020-2022-pdf"], ["_batch.json", "nap-2020-2022-pdf"])
    assert polyplan(NAP["pdf"], "--out", out, "--format", "json", "--force").returncode == 0
    assert [p.name for p in out.rglob(".*") if p.name != ".polyplan.json"] == []  # leftovers cleaned


@pytest.mark.slow  # a whole run killed on purpose
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process groups from /proc")
@pytest.mark.parametrize("signum, status", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_sigterm_and_sigint_stop_the_batch_at_once(signum, status, tmp_path):
    editions = [tmp_path / "ed1" / "plan.txt", tmp_path / "ed2" / "plan.pdf", tmp_path / "ed3" / "plan.pdf"]
    for edition, source in zip(editions, (KYRGYZ, NAP["pdf"], NAP["pdf"])):  # one plan in a folder per edition
        edition.parent.mkdir()
        edition.write_bytes(source.read_bytes())
    out, slow = tmp_path / "out", ("--pdf-engine", "plumber", "--format", "json", "--workers", "2")
    assert polyplan(*editions, "--out", out, *slow).returncode == 0
    before = _files(out)
    assert sorted(p.parent.name for p in out.glob("*/plan.json")) == ["ed2-plan-pdf", "ed3-plan-pdf", "plan-txt"]
    proc = start(*editions, "--out", out, "--force", *slow)
    assert proc.stdout.readline().startswith(f"{editions[0]}: plan-txt: ")  # the text is done, both PDFs in hand
    proc.send_signal(signum)
    sent = time.monotonic()
    _, stderr = proc.communicate(timeout=30)
    assert time.monotonic() - sent < 3
    assert (proc.returncode, stderr) == (status, f"polyplan: error: stopped by {signal.Signals(signum).name}: "
                                                 "1 of 3 inputs done (their outputs are complete); _batch.json not "
                                                 "written\n")
    assert survivors(proc.pid) == []
    assert _files(out) == before  # the previous outputs (and _batch.json), whole; nothing hidden left


