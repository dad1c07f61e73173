"""Word 97-2003 ``.doc``, RTF and OpenDocument text to DOCX with LibreOffice, for the DOCX reader.

Archives keep plans as ``.doc``: a copy of the file is converted by LibreOffice headless
(``soffice --convert-to docx``, its "MS Word 2007 XML" filter), and :mod:`.docx` reads the
result as it reads any DOCX — Word's automatic numbering, tables, merged cells and styles
survive the conversion.  Each conversion runs in a temporary folder of its own with a private
LibreOffice profile (``-env:UserInstallation=file:///tmp/…``): LibreOffice lets one process
own a profile, so conversions in parallel (one per ``--workers`` process) and a user's open
LibreOffice never meet.  The copy keeps LibreOffice's lock file out of the user's folder.

The program run is ``soffice.bin`` itself where it lies beside the ``soffice`` launcher
(Linux, as Debian installs it): it is started with Linux's parent-death signal, so it dies
with the worker that started it, and in a process group of its own, killed whole when the
conversion takes longer than :data:`TIMEOUT` or ``--timeout`` stops the document.  A new
profile makes LibreOffice ask once to be started again (exit code 81, as ``oosplash`` does
for the launcher).  Elsewhere the launcher is run.

One artifact of the conversion is undone (:func:`unframe_tables`): Word's floating tables
(positioned beside the text) come out of a ``.doc`` as LibreOffice frames, written to DOCX as
text boxes holding the table; the table is put back in the text where the frame is anchored,
so that it is read as the table it is.

Without LibreOffice, or when it cannot open the file, :class:`ExtractError` gives one line.
"""
from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Iterator, NamedTuple

from lxml import etree

from .sniff import HEAD, ExtractError, content_kind

PACKAGE = "libreoffice-writer-nogui"  # Debian's LibreOffice Writer without a GUI (the Makefile installs it as root)
TIMEOUT = 300  # seconds a conversion may take; a 200-page .doc takes about ten
RESTART = 81  # soffice.bin's exit code asking to be started again (it has just written a new profile)
FILTER = "docx:MS Word 2007 XML"

WHAT = {"doc": "Word 97-2003 file (.doc)", "rtf": "RTF file", "odt": "OpenDocument text (.odt)"}
"""What each kind LibreOffice converts is called in the one-line errors."""

_OLE_OTHER = {"Workbook": "an Excel workbook (.xls)", "Book": "an Excel workbook (.xls)",
              "PowerPoint Document": "a PowerPoint presentation (.ppt)"}
"""Streams of the other Office 97-2003 files, which are compound files as a .doc is (an .xls named .doc)."""


class Conversion(NamedTuple):
    """A file read through a conversion: its kind (``doc``, ``rtf``, ``odt``) and the program
    that converted it (``LibreOffice 7.4.7.2``)."""

    kind: str
    by: str

    def to_dict(self) -> dict:
        return {"from": self.kind, "by": self.by}


def soffice() -> list[str] | None:
    """The command that runs LibreOffice: ``soffice.bin`` beside the launcher where it is there,
    else the launcher; None where LibreOffice is not installed."""
    launcher = shutil.which("soffice") or shutil.which("libreoffice")
    if launcher is None:
        return None
    program = Path(launcher).resolve().with_name("soffice.bin")
    return [str(program)] if program.is_file() and os.access(program, os.X_OK) else [launcher]


@functools.cache
def version() -> str:
    """``LibreOffice 7.4.7.2`` (``soffice --version``), or ``LibreOffice`` when it does not say."""
    command = soffice()
    if command is None:
        return "LibreOffice"
    with tempfile.TemporaryDirectory(prefix="polyplan-soffice-") as tmp:
        try:
            said = subprocess.run([*command, _profile(Path(tmp)), "--version"], capture_output=True, text=True,
                                  timeout=60, stdin=subprocess.DEVNULL).stdout.split()
        except (OSError, subprocess.SubprocessError):
            said = []
    return " ".join(said[:2]) if len(said) >= 2 and said[0] == "LibreOffice" else "LibreOffice"


def _profile(folder: Path) -> str:
    return f"-env:UserInstallation={(folder / 'profile').as_uri()}"


@contextlib.contextmanager
def converted(path: Path) -> Iterator[tuple[Path, Conversion]]:
    """The DOCX LibreOffice makes of ``path`` (a ``.doc``, RTF or ODT file), in a temporary
    folder removed on leaving, and what converted it.  Raises :class:`ExtractError` with one
    line where LibreOffice is missing or cannot open the file."""
    with open(path, "rb") as fh:
        kind = content_kind(fh.read(HEAD))
    if kind == "doc":
        _check_not_other_office(path)
    command = soffice()
    if command is None:
        raise ExtractError(f"{WHAT.get(kind, 'this file')}: reading it needs LibreOffice (as root: apt-get install "
                           f"{PACKAGE}), or save it as DOCX or PDF first")
    with tempfile.TemporaryDirectory(prefix="polyplan-convert-") as tmp:
        folder = Path(tmp)
        source = folder / "in" / f"document.{kind}"
        source.parent.mkdir()
        shutil.copyfile(path, source)
        _run([*command, _profile(folder), "--headless", "--invisible", "--nologo", "--norestore", "--nolockcheck",
              "--nodefault", "--convert-to", FILTER, "--outdir", str(folder / "out"), str(source)], kind)
        result = folder / "out" / "document.docx"
        if not result.is_file() or result.stat().st_size == 0:
            raise ExtractError(f"LibreOffice cannot open this {WHAT.get(kind, 'file')}: damaged, truncated or not a "
                               "document")
        yield unframe_tables(result, folder / "document.docx"), Conversion(kind, version())


def _check_not_other_office(path: Path) -> None:
    """Refuse an Excel or PowerPoint 97-2003 file (an OLE2 compound file, as a .doc is) by the
    stream its directory names.  A directory entry is 128 bytes at a multiple of 128 from the
    file's start: the name in UTF-16 padded with zeros to 64 bytes, then the name's length in
    bytes with its terminating zero ([MS-CFB] §2.6.1).  Anything else goes to LibreOffice."""
    data = path.read_bytes()
    for stream, what in _OLE_OTHER.items():
        name = stream.encode("utf-16-le") + b"\x00\x00"
        entry = name.ljust(64, b"\x00") + len(name).to_bytes(2, "little")
        for found in re.finditer(re.escape(entry), data):
            if found.start() % 128 == 0:
                raise ExtractError(f"legacy Office file holding {what}, not a Word document: not a plan document")


def _run(command: list[str], kind: str) -> None:
    """Run LibreOffice (started again once when it asks to be), killing it and whatever it
    started when it takes longer than :data:`TIMEOUT`, or when the document is given up
    (``--timeout``'s alarm, a signal) while it runs."""
    for _attempt in range(3):
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, process_group=0, preexec_fn=_dies_with_parent)
        try:
            code = process.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            _kill(process)
            raise ExtractError(f"LibreOffice did not convert the {WHAT.get(kind, 'file')} within {TIMEOUT} s: "
                               "stopped") from None
        except BaseException:
            _kill(process)
            raise
        if code != RESTART:
            return


def _kill(process: subprocess.Popen) -> None:
    with contextlib.suppress(OSError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        process.wait(timeout=10)


_PR_SET_PDEATHSIG = 1  # linux/prctl.h
_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None


def _dies_with_parent() -> None:
    """In the child before it runs LibreOffice: be killed when the thread that started it dies
    (a worker killed with the command, pipeline.batch); the C library is loaded beforehand."""
    if _LIBC is not None:
        _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


# --- frames holding a table -------------------------------------------------------------------------

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_FRAMED_TABLES = etree.XPath("//w:p[.//w:txbxContent/w:tbl]", namespaces={"w": _W})
_BOX = etree.XPath(".//w:txbxContent[w:tbl]", namespaces={"w": _W})


def unframe_tables(docx: Path, out: Path) -> Path:
    """``docx`` written to ``out`` with each text box that holds a table (LibreOffice's frame for
    Word's floating table) replaced by its content after the paragraph it is anchored in: the run
    carrying the box (its DrawingML choice and VML fallback alike) is removed from the paragraph.
    ``docx`` itself where there is none.

    >>> from io import BytesIO
    >>> body = (f'<w:document xmlns:w="{_W}"><w:body><w:p><w:r><w:t>Plan</w:t></w:r><w:r><w:pict><w:txbxContent>'
    ...         '<w:tbl><w:tr><w:tc><w:p><w:r><w:t>1.</w:t></w:r></w:p></w:tc></w:tr></w:tbl>'
    ...         '</w:txbxContent></w:pict></w:r></w:p><w:sectPr/></w:body></w:document>')
    >>> _unframed(body.encode()).decode().split("<w:body>")[1]
    '<w:p><w:r><w:t>Plan</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:t>1.</w:t></w:r></w:p></w:tc></w:tr></w:tbl><w:sectPr/></w:body></w:document>'
    """
    with zipfile.ZipFile(docx) as source:
        document = source.read("word/document.xml")
        changed = _unframed(document)
        if changed is None:
            return docx
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for item in source.infolist():
                target.writestr(item, changed if item.filename == "word/document.xml" else source.read(item))
    return out


def _unframed(document: bytes) -> bytes | None:
    """word/document.xml with its framed tables unframed (:func:`unframe_tables`), None if it has none."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    root = etree.fromstring(document, parser)
    anchors = _FRAMED_TABLES(root)
    for paragraph in reversed(anchors):  # the innermost first: a frame anchored inside a frame's table
        box = _BOX(paragraph)[0]
        for content in reversed(list(box)):
            paragraph.addnext(content)
        run = box
        while run.getparent() is not paragraph:
            run = run.getparent()
        paragraph.remove(run)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True) if anchors else None

