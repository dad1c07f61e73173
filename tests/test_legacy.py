"""Archive files (issue 22): Word 97-2003 ``.doc``, RTF and ODT read through LibreOffice, and Kazakh
typed in pre-Unicode fonts read as Kazakh letters, in every format.

The files are written by ``python -m tests.fixtures.legacy`` (read its docstring).  The legacy
ones are converted by LibreOffice when they are read; tests that need it are skipped, with the
reason, where ``soffice`` is absent (``make test`` installs it as root).
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import regex

from pipeline.build import paths_to_plan
from pipeline.extract import ExtractError, read_file
from pipeline.extract import convert
from pipeline.extract.legacy_fonts import blocks_to_respelled, load_fonts
from pipeline.model import Block, Location

from .conftest import ROOT
from .fixtures.legacy import CONTROLS, REALPLAN, soffice_convert, typed_in, write_docx
from .processes import start
from .views import activity_view, structure_view

pytestmark = pytest.mark.slow  # LibreOffice conversions: `make test` runs them, `make test-fast` not

FILES = Path(__file__).resolve().parent / "fixtures" / "files"
KAZAKH = "ӘәҒғҚқҢңӨөҰұҮүҺһ"
SUBSTITUTES = {ch for table in load_fonts().tables for ch in table.mapping}
needs_soffice = pytest.mark.skipif(convert.soffice() is None, reason="LibreOffice (soffice) is not installed: "
                                   "apt-get install libreoffice-writer-nogui (make test does it as root)")


def polyplan(*args, timeout=300):
    return subprocess.run([sys.executable, "-m", "pipeline", "extract", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT, timeout=timeout)


def untyped(text: str, codepage: str) -> str:
    """What a font laid out on ``codepage`` showed: the inverse of ``typed_in``."""
    return text.encode("cp1251").decode(codepage)


# --- the tables ---------------------------------------------------------------------------------

def test_tables_are_the_published_code_pages_read_as_windows_1251():
    for table in load_fonts().tables:
        differing = {bytes([b]).decode("cp1251", "replace"): bytes([b]).decode(table.codepage, "replace")
                     for b in range(0x80, 0x100)}
        assert table.mapping == {old: new for old, new in differing.items() if new in KAZAKH and old != new}
        assert set(table.mapping.values()) == set(KAZAKH), table.name


# --- .doc, .rtf, .odt ---------------------------------------------------------------------------

@needs_soffice
@pytest.mark.parametrize("kind", ["doc", "rtf", "odt"])
def test_reference_plan_as_doc_rtf_odt_gives_the_docx_plan(kind, nap_plans):
    docx = nap_plans["docx"]
    plan = paths_to_plan([FILES / f"nap-2020-2022.{kind}"], kind)
    assert [(v.lang, len(list(v.activities()))) for v in plan.versions] == [("tk", 49), ("ru", 49), ("en", 49)]
    assert activity_view(plan) == activity_view(docx)  # numbers, texts, agencies, periods, field labels
    assert structure_view(plan) == structure_view(docx)
    assert [(f.code, f.refs) for f in plan.findings] == [(f.code, f.refs) for f in docx.findings]
    assert plan.coverage.source_chars == plan.coverage.accounted_chars
    extracted = read_file(FILES / f"nap-2020-2022.{kind}")
    assert extracted.conversion.to_dict() == {"from": kind, "by": convert.version()}
    assert regex.fullmatch(r"LibreOffice \d+(\.\d+)+", convert.version())


@needs_soffice
def test_table_layout_as_doc_gives_the_docx_plan():
    doc, docx = (paths_to_plan([FILES / f"nap-table.{kind}"], kind) for kind in ("doc", "docx"))
    assert [(v.lang, len(list(v.activities()))) for v in doc.versions] == [("tk", 49), ("ru", 49), ("en", 49)]
    assert activity_view(doc) == activity_view(docx)
    assert [(f.code, f.refs) for f in doc.findings] == [(f.code, f.refs) for f in docx.findings]


@needs_soffice
def test_conversions_in_parallel_and_beside_a_running_libreoffice(tmp_path):
    """Each conversion has a profile of its own: three at once, while the user's LibreOffice
    (the default profile of the same HOME) is running, all give their plan."""
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "HOME": str(home)}
    user = subprocess.Popen(["soffice", "--headless", "--norestore", "--accept=pipe,name=polyplan-test;urp;"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        time.sleep(2)
        script = ("import sys; from concurrent.futures import ThreadPoolExecutor;"
                  "from pipeline.extract import read_file;"
                  "r = list(ThreadPoolExecutor(3).map(read_file, sys.argv[1:]));"
                  "print([(e.conversion.kind, len(e.blocks)) for e in r])")
        files = [FILES / f"nap-2020-2022.{kind}" for kind in ("doc", "rtf", "odt")]
        run = subprocess.run([sys.executable, "-c", script, *map(str, files)], env=env, cwd=ROOT, capture_output=True,
                             text=True, timeout=300)
        assert run.returncode == 0, run.stderr
        assert run.stdout == f"{[('doc', 989), ('rtf', 989), ('odt', 989)]}\n"
        assert user.poll() is None  # the user's LibreOffice was not disturbed
    finally:
        os.killpg(user.pid, signal.SIGKILL)
        user.wait()


@needs_soffice
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
def test_a_batch_mixing_doc_and_docx_runs_in_parallel(tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    names = ["nap-2020-2022.doc", "nap-2020-2022.rtf", "nap-2020-2022.odt", "nap-table.doc", "nap-table.docx"]
    for name in names:
        (folder / name).write_bytes((FILES / name).read_bytes())
    proc, most = start(*sorted(folder.iterdir()), "--out", tmp_path / "out", "--format", "json", "--workers", "4"), 0
    while proc.poll() is None:
        most = max(most, len(_libreoffice_of(proc.pid)))
        time.sleep(0.01)
    assert proc.wait() == 0, proc.stderr.read()
    assert most >= 2  # conversions ran at the same time, each in a worker with a profile of its own
    batch = json.loads((tmp_path / "out" / "_batch.json").read_text(encoding="utf-8"))
    assert [(Path(e["input"]).name, e["status"], e["activities"]) for e in batch["inputs"]] == [
        (name, "ok", {"tk": 49, "ru": 49, "en": 49}) for name in sorted(names)]


@needs_soffice
def test_a_folder_of_doc_and_docx_is_one_plan(tmp_path):
    """One file per language, as archives keep them: a .doc beside a .docx."""
    folder = tmp_path / "plan"
    folder.mkdir()
    soffice_convert(FILES / "nap-by-language" / "plan-1.docx", folder / "plan-1.doc", "doc")
    for name in ("plan-2.docx", "plan-3.pdf"):
        (folder / name).write_bytes((FILES / "nap-by-language" / name).read_bytes())
    plan = paths_to_plan(sorted(folder.iterdir()), "plan")
    reference = paths_to_plan(sorted((FILES / "nap-by-language").iterdir()), "reference")
    assert [(v.lang, len(list(v.activities()))) for v in plan.versions] == [
        (v.lang, len(list(v.activities()))) for v in reference.versions]
    assert activity_view(plan) == activity_view(reference)
    assert [s.format for s in plan.sources] == ["docx", "docx", "pdf"]


def test_a_table_in_a_frame_is_read_as_a_table(tmp_path):
    """Word's floating table comes out of a .doc as LibreOffice's frame, a text box holding the
    table in its DOCX: put back where the frame is anchored, it is read as the table it is."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    from .fixtures.build import build_flat_table_docx
    plain = build_flat_table_docx(tmp_path / "plain.docx")
    document = docx.Document(str(plain))
    table = document.tables[0]._tbl
    anchor = document.paragraphs[-1]._p
    box = parse_xml(f'<w:r {nsdecls("w")} xmlns:v="urn:schemas-microsoft-com:vml"><w:pict><v:rect><v:textbox>'
                    '<w:txbxContent/></v:textbox></v:rect></w:pict></w:r>')
    box.find(".//{*}txbxContent").append(table)  # moved out of the body into the box
    anchor.append(box)
    framed = tmp_path / "framed.docx"
    document.save(str(framed))
    assert [b.loc.table for b in read_file(framed).blocks][2:4] == [None, None]  # a text box's paragraphs
    unframed = convert.unframe_tables(framed, tmp_path / "unframed.docx")
    assert [(b.text, b.loc.table, b.loc.row, b.loc.cell) for b in read_file(unframed).blocks] == [
        (b.text, b.loc.table, b.loc.row, b.loc.cell) for b in read_file(plain).blocks]
    assert convert.unframe_tables(plain, tmp_path / "unchanged.docx") == plain


MINGAS = REALPLAN.with_name("by_mingas_plan_raboty_2023_ru.docx")


@needs_soffice
@pytest.mark.skipif(not MINGAS.is_file(), reason=f"{MINGAS} is absent (it is not part of the repository)")
def test_a_real_table_plan_saved_as_doc(tmp_path):
    """The real Belarusian table plan (its table floats) saved by LibreOffice as .doc gives the
    DOCX's 28 activities with their texts, bodies and deadlines."""
    doc = soffice_convert(MINGAS, tmp_path / "plan.doc", "doc")
    view = [(a.number, a.text, tuple(g.name for g in a.agencies), a.period.raw)
            for plan in (paths_to_plan([doc], "doc"), paths_to_plan([MINGAS], "docx"))
            for a in plan.version("ru").activities()]
    assert len(view) == 56 and view[:28] == view[28:]


def _libreoffice_of(pid: int) -> set[int]:
    """The live LibreOffice processes ``pid`` or its workers started to convert (their profile is in
    a polyplan-convert- folder)."""
    parents, converting = {}, set()
    for entry in Path("/proc").iterdir():
        try:
            state, ppid = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:2]
            parents[int(entry.name)] = int(ppid)
            if state != "Z" and b"polyplan-convert-" in (entry / "cmdline").read_bytes():
                converting.add(int(entry.name))
        except (OSError, ValueError):
            continue

    def descends(child: int) -> bool:
        while child in parents and child != pid:
            child = parents[child]
        return child == pid
    return {p for p in converting if descends(p)}


def _alive(pids: set[int], seconds: float = 10) -> set[int]:
    """Those of ``pids`` still running (not zombies) after up to ``seconds``."""
    def running(pid: int) -> bool:
        try:
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
        except OSError:
            return False
    deadline = time.monotonic() + seconds
    while (left := {p for p in pids if running(p)}) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def _run_watching(*args, kill: bool = False) -> tuple[subprocess.Popen, set[int]]:
    """The command, and the LibreOffice processes it started; ``kill``: SIGKILL it once one runs."""
    proc, seen = start(*args), set()
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        seen |= _libreoffice_of(proc.pid)
        if kill and seen:
            proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.01)
    proc.wait()
    return proc, seen


@needs_soffice
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
def test_timeout_and_kill_stop_libreoffice_too(tmp_path):
    doc = FILES / "nap-2020-2022.rtf"  # LibreOffice takes about a second over it
    proc, seen = _run_watching(doc, "--out", tmp_path / "out", "--timeout", "0.3")
    assert (proc.returncode, proc.stderr.read()) == (3, f"polyplan: error: {doc}: stopped after 0.3 s (--timeout)\n")
    assert _alive(seen) == set()
    proc, seen = _run_watching(doc, "--out", tmp_path / "out2", kill=True)
    assert proc.returncode == -signal.SIGKILL and seen
    assert _alive(seen) == set()  # LibreOffice died with the command (parent-death signal)


# --- pre-Unicode Kazakh fonts -------------------------------------------------------------------

def kazakh_view(plan) -> list[tuple]:
    """Per Kazakh activity: number, marker, text, responsible bodies, period and fields as printed
    (the recommendations print no period: ``views.activity_view`` needs one)."""
    return [(a.number, a.marker, a.text, tuple(g.name for g in a.agencies), a.period and a.period.raw,
             tuple((f.field, f.label, f.value) for f in a.fields)) for a in plan.version("kk").activities()]


def _proper_twin(legacy: Path, codepage: str, tmp: Path) -> Path:
    """The legacy DOCX fixture as typed in Unicode: every run's text read back through ``codepage``."""
    import docx
    document = docx.Document(str(legacy))
    paragraphs = []
    for paragraph in document.paragraphs:
        runs = paragraph.runs
        bold = untyped(runs[0].text, codepage) if runs and runs[0].bold else ""
        paragraphs.append((bold, untyped(paragraph.text, codepage)))
    return write_docx(tmp / f"proper-{legacy.stem}.docx", paragraphs)


GOVERNMENT, TRADE = "Қазақстан Республикасының Үкіметі", "Қазақстан Республикасының Сауда және интеграция министрлігі"
AGENCIES = {**{f"1.{n}": [GOVERNMENT] for n in range(1, 8)}, **{f"3.{n}": [TRADE] for n in range(1, 5)},
            **{f"10.{n}": ["Облыс әкімдіктері"] for n in range(1, 4)}}
"""The responsible body of each measure of the excerpt: its addressee, in proper Kazakh letters."""
LEGACY = [("legacy-kk-kz1048.docx", "kz1048"), ("legacy-kk-pt154.docx", "ptcp154"),
          pytest.param("legacy-kk-kz1048.doc", "kz1048", marks=needs_soffice), ("legacy-kk-kz1048.txt", "kz1048")]


@pytest.mark.parametrize("name, codepage", LEGACY)
def test_legacy_font_comes_out_in_proper_kazakh_letters(name, codepage, tmp_path):
    extracted = read_file(FILES / name)
    respelling, texts = extracted.respelling, [b.text for b in extracted.blocks]
    assert texts == [untyped(text, codepage) for _loc, text in respelling.raw]  # every block held Kazakh letters
    assert not set("".join(texts)) & SUBSTITUTES
    if name.endswith(".doc"):
        assert texts == [b.text for b in read_file(FILES / "legacy-kk-kz1048.docx").blocks]
    table = {"kz1048": "kz1048", "ptcp154": "pt154"}[codepage]
    assert (respelling.table, respelling.changed, len(respelling.raw)) == (table, 242, 24)
    assert respelling.example == (typed_in("жылғы", codepage), "жылғы")
    assert [loc for loc, _text in respelling.raw] == [b.loc for b in extracted.blocks]  # every block of the excerpt
    plan = paths_to_plan([FILES / name], name)
    if name.endswith(".txt"):
        twin_file = tmp_path / "twin.txt"
        twin_file.write_text(untyped((FILES / name).read_text(encoding="utf-8"), codepage), encoding="utf-8")
    else:
        twin_file = _proper_twin(FILES / f"legacy-kk-{table}.docx", codepage, tmp_path)
    twin = paths_to_plan([twin_file], "twin")
    assert [(v.lang, [a.number for a in v.activities()]) for v in plan.versions] == [("kk", [
        "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "3.1", "3.2", "3.3", "3.4", "10.1", "10.2", "10.3"])]
    assert kazakh_view(plan) == kazakh_view(twin)
    assert {a.number: [g.name for g in a.agencies] for a in plan.version("kk").activities()} == AGENCIES
    # the same findings as the proper-Unicode twin, and one more saying what was repaired
    assert [(f.code, f.refs) for f in plan.findings] == [("LEGACY_FONT", ())] + [(f.code, f.refs) for f in twin.findings]
    assert plan.sources[0].garbled_chars == 0


@needs_soffice
def test_legacy_font_in_a_pdf_text_layer(tmp_path):
    legacy = paths_to_plan([FILES / "legacy-kk-kz1048.pdf"], "legacy")
    twin = soffice_convert(_proper_twin(FILES / "legacy-kk-kz1048.docx", "kz1048", tmp_path), tmp_path / "twin.pdf",
                           "pdf")
    assert kazakh_view(legacy) == kazakh_view(paths_to_plan([twin], "twin"))
    extracted = read_file(FILES / "legacy-kk-kz1048.pdf")
    assert (extracted.respelling.table, extracted.respelling.changed) == ("kz1048", 242)
    assert not set("".join(b.text for b in extracted.blocks)) & SUBSTITUTES


def test_one_finding_and_the_raw_text_in_provenance():
    plan = paths_to_plan([FILES / "legacy-kk-kz1048.docx"], "legacy")
    assert [f.code for f in plan.findings if f.code == "LEGACY_FONT"] == ["LEGACY_FONT"]
    source = plan.to_dict()["sources"][0]
    assert (source["respelled"]["table"], source["respelled"]["changed"]) == ("kz1048", 242)
    assert source["respelled"]["raw"][4]["text"] == "1. Ќазаќстан Республикасыныѕ Їкіметі:"


@needs_soffice
def test_sources_say_what_converted_the_file():
    plan = paths_to_plan([FILES / "nap-2020-2022.doc"], "doc")
    assert plan.to_dict()["sources"][0]["converted"] == {"from": "doc", "by": convert.version()}


def test_proper_text_with_leftovers_is_repaired_word_by_word():
    """As the parliament's 2009 plan: proper Unicode, "ґзгерістер" left from the old font, a capital Ә inside words."""
    extracted = read_file(FILES / "legacy-kk-mixed.docx")
    proper = read_file(FILES / "legacy-kk-kz1048.docx")
    assert [b.text for b in extracted.blocks] == [b.text for b in proper.blocks]
    assert (extracted.respelling.table, extracted.respelling.changed, len(extracted.respelling.raw)) == (
        "kz1048", 35, 12)
    assert extracted.respelling.example == ("ґткен", "өткен")
    assert "мӘселелері" in extracted.respelling.raw[0][1]


def test_controls_stay_as_printed():
    extracted = read_file(FILES / "legacy-controls.docx")
    assert extracted.respelling is None
    assert [b.text for b in extracted.blocks] == [t for lines in CONTROLS.values() for t in lines]


@pytest.mark.parametrize("lang", sorted(CONTROLS))
def test_each_language_alone_and_each_line_alone_stays(lang):
    blocks = [Block(text, Location(0, paragraph=i + 1)) for i, text in enumerate(CONTROLS[lang])]
    assert blocks_to_respelled(blocks) == (tuple(blocks), None)
    for block in blocks:
        assert blocks_to_respelled([block]) == ((block,), None)


@pytest.mark.parametrize("lang", sorted(CONTROLS))
@pytest.mark.parametrize("codepage", ["kz1048", "ptcp154"])
def test_kazakh_in_a_legacy_font_beside_another_language(lang, codepage):
    """A document in several languages (a CIS agreement): the Kazakh is repaired, the other stays."""
    kazakh = [b.text for b in read_file(FILES / "legacy-kk-kz1048.docx").blocks]  # as read: in proper letters
    blocks = [Block(t, Location(0, paragraph=i + 1)) for i, t in enumerate(
        [typed_in(t, codepage) for t in kazakh] + CONTROLS[lang])]
    out, _respelling = blocks_to_respelled(blocks)
    assert [b.text for b in out] == kazakh + CONTROLS[lang]


def test_an_undocumented_font_is_left_to_the_garbled_text_warning():
    """garbled-kazakh.pdf puts Kazakh letters on Serbian ones (Љ for Ә, Ђ for Ғ …), a table found
    in no documented font family: no table explains it, it stays as extracted (GARBLED_TEXT)."""
    extracted = read_file(FILES / "garbled-kazakh.pdf")
    assert extracted.respelling is None
    assert extracted.source.garbled_chars == 263


@pytest.mark.skipif(not REALPLAN.is_file(), reason=f"{REALPLAN} is absent (it is not part of the repository)")
@pytest.mark.parametrize("table", ["kz1048", "pt154"])
def test_a_whole_real_plan_typed_in_a_legacy_font(table, tmp_path):
    """The real Kazakh plan, every letter of its document.xml typed as in the font: the same 49
    activities as the original, every block's text as the original's."""
    import zipfile
    typing = str.maketrans({new: old for old, new in next(t for t in load_fonts().tables
                                                          if t.name == table).mapping.items()})
    legacy = tmp_path / "legacy.docx"
    with zipfile.ZipFile(REALPLAN) as source, zipfile.ZipFile(legacy, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/document.xml":
                data = data.decode("utf-8").translate(typing).encode("utf-8")
            target.writestr(item, data)
    original, repaired = read_file(REALPLAN), read_file(legacy)
    assert [b.text for b in repaired.blocks] == [b.text for b in original.blocks]
    assert repaired.respelling.changed == 992
    plan, reference = paths_to_plan([legacy], "legacy"), paths_to_plan([REALPLAN], "reference")
    assert len(list(plan.version("kk").activities())) == 49
    assert kazakh_view(plan) == kazakh_view(reference)


def test_unreadable_conversions_raise_one_line(tmp_path):
    sheet = tmp_path / "plan.doc"  # an Excel 97-2003 workbook named .doc: its directory names a Workbook stream
    entry = "Workbook".encode("utf-16-le") + b"\x00\x00"
    sheet.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1".ljust(512, b"\x00") + b"\x00" * 128
                      + entry.ljust(64, b"\x00") + len(entry).to_bytes(2, "little") + b"\x02".ljust(62, b"\x00"))
    with pytest.raises(ExtractError, match=r"^legacy Office file holding an Excel workbook \(\.xls\), not a Word "
                                           r"document: not a plan document$"):
        read_file(sheet)
