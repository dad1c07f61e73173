"""The polyplan command: outputs, schema validity, exit codes and error lines."""
from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys

import jsonschema
import pytest

from pipeline.batch import safe_name
from pipeline.cli import make_parser

from .conftest import KYRGYZ, NAP, ROOT

SCHEMA = json.loads((ROOT / "schemas" / "plan.schema.json").read_text(encoding="utf-8"))


def polyplan(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    result = polyplan("extract", NAP["txt"], NAP["docx"], NAP["pdf"], KYRGYZ, "--out", out)
    return out, result


def test_batch_writes_one_folder_per_input(batch):
    out, result = batch
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert sorted(p.name for p in out.iterdir()) == [
        "_batch.json", "kyrgyz-programme-2022-2025-txt", "nap-2020-2022-docx", "nap-2020-2022-pdf", "nap-2020-2022-txt"]
    assert "tk 49 activities, ru 49 activities, en 49 activities; 45 findings (22 error, 23 warning); " \
           "coverage 94738/94738" in result.stdout
    lines = result.stdout.splitlines()  # one line per plan (--verbose adds the findings: tests/test_terminal.py)
    assert lines[0] == (f"{NAP['txt']}: nap-2020-2022-txt: tk 49 activities, ru 49 activities, en 49 activities; "
                        "45 findings (22 error, 23 warning); coverage 94738/94738")
    assert len(lines) == 5 and lines[-1].startswith("batch: 4 inputs (4 done, 0 unchanged, 0 failed); ")


@pytest.mark.parametrize("name", ["nap-2020-2022-txt", "nap-2020-2022-docx", "nap-2020-2022-pdf",
                                  "kyrgyz-programme-2022-2025-txt"])
def test_plan_json_validates_against_the_schema(batch, name):
    out, _ = batch
    data = json.loads((out / name / "plan.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    assert data["schema"] == "polyplan.plan/1" and data["name"] == name
    assert data["coverage"]["source_chars"] == data["coverage"]["accounted_chars"]
    assert not list((out / name).glob(".*.tmp"))


def test_plan_json_contract_example(batch):
    out, _ = batch
    data = json.loads((out / "nap-2020-2022-txt" / "plan.json").read_text(encoding="utf-8"))
    assert data["languages"] == ["tk", "ru", "en"]
    first = data["versions"]["tk"]["parts"][0]["sections"][0]["activities"][0]
    assert first["number"] == "1.1.1"
    assert first["period"] == {"raw": "2020–2022-nji ýyllar", "start": 2020, "end": 2022, "kind": "range"}
    assert first["source"] == {"file": 0, "line": 79}
    assert first["agencies"] == [{"name": "Türkmenistanda adam söwdasyna garşy hereket etmek boýunça Hereketleriň "
                                          "milli Meýilnamasyny durmuşa geçirmek boýunça Iş topary (şu ýerde we mundan "
                                          "beýläk – Iş topary)", "id": "working-group"}]
    assert data["alignment"][0] == {"kind": "part", "refs": {"tk": "tk-part-I", "ru": "ru-part-I", "en": "en-part-I"},
                                    "score": data["alignment"][0]["score"], "crossed": False}
    assert data["sources"][0]["format"] == "text" and data["sources"][0]["pages"] is None


def test_bad_input_is_one_stderr_line_exit_3_and_the_batch_goes_on(tmp_path):
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4\ntruncated")
    result = polyplan("extract", bad, tmp_path / "missing.docx", NAP["txt"], "--out", tmp_path / "out")
    assert result.returncode == 3
    assert result.stderr.splitlines() == [
        f"polyplan: error: {bad}: the PDF is damaged and could not be repaired (neither PDF reader opens it)",
        f"polyplan: error: {tmp_path / 'missing.docx'}: no such file or folder"]
    assert (tmp_path / "out" / "nap-2020-2022-txt" / "plan.json").exists()
    assert not (tmp_path / "out" / "broken-pdf").exists()


def test_fail_on_severity(tmp_path):
    result = polyplan("extract", KYRGYZ, "--out", tmp_path, "--fail-on", "warning")
    assert result.returncode == 1  # NO_STRUCTURE is a warning
    assert polyplan("extract", KYRGYZ, "--out", tmp_path, "--fail-on", "error").returncode == 0


@pytest.mark.parametrize("args", [["extract"], ["extract", "x.txt"], ["frobnicate"],
                                  ["extract", "a", "b", "--out", "o", "--name", "n"],
                                  ["extract", "a", "--out", "o", "--fail-on", "fatal"]])
def test_usage_errors_exit_2_with_one_line(args, tmp_path):
    result = polyplan(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("polyplan: error: ")


def test_folder_is_one_plan_and_name_option(tmp_path):
    folder = tmp_path / "plan"
    folder.mkdir()
    (folder / "nap.txt").write_bytes(NAP["txt"].read_bytes())
    result = polyplan("extract", folder, "--out", tmp_path / "out", "--name", "../../escape me")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["_batch.json", "escape_me"]


def test_debug_writes_each_stage(tmp_path):
    result = polyplan("extract", KYRGYZ, "--out", tmp_path, "--debug")
    assert result.returncode == 0, result.stderr
    debug = tmp_path / "kyrgyz-programme-2022-2025-txt" / "debug"
    assert sorted(p.name for p in debug.iterdir()) == ["alignment.json", "blocks.json", "split.json"]


def test_every_command_is_documented_with_an_example():
    parser = make_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    for name, command in sub.choices.items():
        assert "Example: polyplan " + name in command.description
    assert "Exit codes: 0" in parser.epilog


@pytest.mark.parametrize("raw, name", [("nap.pdf", "nap-pdf"), ("../x", "x"), ("/etc/passwd", "etc_passwd"),
                                       ("CON", "plan_CON"), ("a\x00b", "ab"), ("..", "plan")])
def test_safe_names(raw, name):
    assert safe_name(raw) == name


# --- nothing overwritten or hidden (issue 17) ------------------------------------------------------

def _tree(folder):
    """{relative path: (mode, inode)} of everything under ``folder``, the folder itself as '.'."""
    return {p.relative_to(folder).as_posix(): (stat.S_IMODE(p.stat().st_mode), p.stat().st_ino)
            for p in [folder, *sorted(folder.rglob("*"))]}


def test_two_inputs_of_one_name_get_their_parent_folders(tmp_path):
    for edition in ("ed1", "ed2"):
        (tmp_path / edition).mkdir()
        (tmp_path / edition / "plan.txt").write_bytes(NAP["txt"].read_bytes())
    result = polyplan("extract", tmp_path / "ed1" / "plan.txt", tmp_path / "ed2" / "plan.txt", tmp_path / "ed2",
                      "--out", tmp_path / "out", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["_batch.json", "ed1-plan-txt", "ed2",
                                                                     "ed2-plan-txt"]
    batch = json.loads((tmp_path / "out" / "_batch.json").read_text(encoding="utf-8"))
    assert [(e["name"], e["activities"]) for e in batch["inputs"]] == [
        (name, {"tk": 49, "ru": 49, "en": 49}) for name in ("ed1-plan-txt", "ed2-plan-txt", "ed2")]


def test_one_input_given_twice_is_refused_before_writing(tmp_path):
    result = polyplan("extract", NAP["txt"], ROOT / "sources" / ".." / "sources" / NAP["txt"].name,
                      "--out", tmp_path / "out")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (f"polyplan: error: {NAP['txt']} and {ROOT / 'sources' / '..' / 'sources' / NAP['txt'].name}"
                             " are the same input: give it once\n")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("umask, folder, file", [(0o022, 0o755, 0o644), (0o027, 0o750, 0o640), (0o002, 0o775, 0o664)])
def test_outputs_honour_the_umask(umask, folder, file, tmp_path):
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(KYRGYZ), "--out", str(out), "--debug"],
                            cwd=ROOT, capture_output=True, text=True, timeout=300, umask=umask)
    assert result.returncode == 0, result.stderr
    modes = {name: mode for name, (mode, _) in _tree(out).items()}
    assert modes == {name: folder if (out / name).is_dir() else file for name in modes}
    assert modes["_batch.json"] == file
    assert modes["kyrgyz-programme-2022-2025-txt"] == modes["kyrgyz-programme-2022-2025-txt/debug"] == folder
    assert modes["kyrgyz-programme-2022-2025-txt/.polyplan.json"] == file


def test_format_adds_or_replaces_only_the_formats_asked_for(tmp_path):
    out, plan = tmp_path / "out", tmp_path / "out" / "nap-2020-2022-txt"
    assert polyplan("extract", NAP["txt"], "--out", out, "--format", "json,csv").returncode == 0
    first = _tree(plan)
    added = polyplan("extract", NAP["txt"], "--out", out, "--format", "xml,akn")
    assert added.returncode == 0 and "(unchanged, skipped)" not in added.stdout
    now = _tree(plan)
    assert sorted(now) == [".", ".polyplan.json", "activities.csv", "akn", "akn/en.xml", "akn/ru.xml", "akn/tk.xml",
                           "plan.json", "plan.xml"]
    assert now["plan.json"] == first["plan.json"] and now["activities.csv"] == first["activities.csv"]  # kept as they were
    stamp = json.loads((plan / ".polyplan.json").read_text(encoding="utf-8"))
    assert stamp["formats"] == ["akn", "csv", "json", "xml"]
    assert stamp["outputs"] == ["activities.csv", "akn/en.xml", "akn/ru.xml", "akn/tk.xml", "plan.json", "plan.xml"]
    again = polyplan("extract", NAP["txt"], "--out", out, "--format", "json,akn")
    assert again.stdout.splitlines()[0].endswith("(unchanged, skipped)")
    replaced = polyplan("extract", NAP["txt"], "--out", out, "--format", "csv", "--force")
    assert replaced.returncode == 0
    last = _tree(plan)
    assert sorted(last) == sorted(now) and last["plan.xml"] == now["plan.xml"]
    assert last["activities.csv"][1] != now["activities.csv"][1]  # written anew


def test_a_missing_output_is_written_again(tmp_path):
    out = tmp_path / "out"
    assert polyplan("extract", NAP["txt"], "--out", out, "--format", "json,akn").returncode == 0
    (out / "nap-2020-2022-txt" / "akn" / "ru.xml").unlink()
    again = polyplan("extract", NAP["txt"], "--out", out, "--format", "json,akn")
    assert again.returncode == 0 and "(unchanged, skipped)" not in again.stdout
    assert (out / "nap-2020-2022-txt" / "akn" / "ru.xml").is_file()


@pytest.mark.parametrize("edit", ["lexicon", "gazetteer", "version"])
def test_a_changed_lexicon_gazetteer_or_version_redoes_the_plan(edit, tmp_path):
    """Run from a copy of the package (``python -m`` takes it from the working folder) whose data
    or version is then changed as a user or a release would."""
    shutil.copytree(ROOT / "pipeline", tmp_path / "pipeline", ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path / "out"
    assert polyplan("extract", KYRGYZ, "--out", out, "--format", "json", cwd=tmp_path).returncode == 0
    assert polyplan("extract", KYRGYZ, "--out", out, "--format", "json", cwd=tmp_path).stdout.endswith(
        "(unchanged, skipped)\n")
    changed = {"lexicon": tmp_path / "pipeline" / "lexicon" / "en.toml",
               "gazetteer": tmp_path / "pipeline" / "lexicon" / "agencies.toml",
               "version": tmp_path / "pipeline" / "__init__.py"}[edit]
    if edit == "version":
        changed.write_text(changed.read_text(encoding="utf-8").replace('__version__ = "', '__version__ = "9'),
                           encoding="utf-8")
    else:
        changed.write_text(changed.read_text(encoding="utf-8") + "\n# a comment added\n", encoding="utf-8")
    stamp = out / "kyrgyz-programme-2022-2025-txt" / ".polyplan.json"
    before = json.loads(stamp.read_text(encoding="utf-8"))["stamp"]
    again = polyplan("extract", KYRGYZ, "--out", out, "--format", "json", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith(f"{KYRGYZ}: kyrgyz-programme-2022-2025-txt: ")
    assert "(unchanged, skipped)" not in again.stdout
    after = json.loads(stamp.read_text(encoding="utf-8"))["stamp"]
    assert sorted(key for key in before if before[key] != after[key]) == ["polyplan" if edit == "version" else "lexicon"]


def test_the_output_folder_given_as_input_is_skipped(tmp_path):
    inputs = tmp_path / "inp"
    inputs.mkdir()
    shutil.copy(KYRGYZ, inputs / "kyrgyz.txt")
    out = inputs / "out"
    assert polyplan("extract", *sorted(inputs.iterdir()), "--out", out, "--format", "json").returncode == 0
    result = polyplan("extract", *sorted(inputs.iterdir()), out / "kyrgyz-txt" / "plan.json", "--out", out,
                      "--format", "json")
    assert result.returncode == 0
    assert result.stderr == (f"polyplan: {out}: the output folder (--out) or inside it: skipped\n"
                             f"polyplan: {out / 'kyrgyz-txt' / 'plan.json'}: the output folder (--out) or inside it: "
                             "skipped\n")
    assert result.stdout.splitlines()[-1].startswith("batch: 3 inputs (0 done, 1 unchanged, 0 failed, 2 skipped); ")
    batch = json.loads((out / "_batch.json").read_text(encoding="utf-8"))
    assert [(e["input"], e["status"]) for e in batch["inputs"]] == [
        (str(inputs / "kyrgyz.txt"), "unchanged"), (str(out), "skipped"), (str(out / "kyrgyz-txt" / "plan.json"), "skipped")]
    assert sorted(p.name for p in out.iterdir()) == ["_batch.json", "kyrgyz-txt"]


# --- errors as one line (issue 17) ---------------------------------------------------------------

def _without_root_override():
    """For a child run as root: drop the capabilities that let root write and read anywhere
    (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), so that file modes hold for it as for any user."""
    if os.geteuid() != 0:
        return None
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)

    def drop():
        for capability in (1, 2):
            if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
                raise OSError(ctypes.get_errno(), "PR_CAPBSET_DROP")
    return drop


def _as_user(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=300, preexec_fn=_without_root_override())


def test_out_that_cannot_be_written_is_one_line_exit_2(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    for out, reason in ((locked, "permission denied"), (locked / "new", "permission denied")):
        result = _as_user("extract", NAP["txt"], "--out", out)
        assert (result.returncode, result.stdout) == (2, "")
        assert result.stderr == f"polyplan: error: --out {out}: cannot write there ({reason})\n"
    assert list(locked.iterdir()) == []


def test_out_that_is_a_file_is_one_line_exit_2(tmp_path):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    for out, message in ((tmp_path / "file", "is a file, not a folder"),
                         (tmp_path / "file" / "sub", "cannot write there (not a directory)")):
        result = polyplan("extract", NAP["txt"], "--out", out)
        assert (result.returncode, result.stdout, result.stderr) == (2, "", f"polyplan: error: --out {out}: {message}\n")


def test_unreadable_input_is_one_line_exit_3(tmp_path):
    secret, folder = tmp_path / "secret.txt", tmp_path / "plan"
    secret.write_bytes(KYRGYZ.read_bytes())
    folder.mkdir()
    (folder / "ru.txt").write_bytes(KYRGYZ.read_bytes())
    secret.chmod(0)
    (folder / "ru.txt").chmod(0)
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    result = _as_user("extract", secret, folder, fifo, NAP["txt"], "--out", tmp_path / "out", "--format", "json")
    assert result.returncode == 3
    assert result.stderr == (f"polyplan: error: {secret}: cannot read: permission denied\n"
                             f"polyplan: error: {folder}: cannot read ru.txt: permission denied\n"
                             f"polyplan: error: {fifo}: not a regular file or folder (a pipe, socket or device)\n")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["_batch.json", "nap-2020-2022-txt"]


def test_stdout_closed_early_is_one_line_exit_3_and_the_batch_goes_on(tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "extract", str(NAP["txt"]), str(KYRGYZ),
                             "--out", str(tmp_path), "--format", "json", "--workers", "1"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = proc.stdout.readline()  # as `| head -1` does
    proc.stdout.close()
    stderr = proc.stderr.read()
    assert proc.wait(timeout=300) == 3
    assert first.startswith(f"{NAP['txt']}: nap-2020-2022-txt: ")
    assert stderr == ("polyplan: error: stdout was closed early (broken pipe): the remaining lines were not printed; "
                      "the outputs and _batch.json were written\n")
    batch = json.loads((tmp_path / "_batch.json").read_text(encoding="utf-8"))
    assert [(e["name"], e["status"]) for e in batch["inputs"]] == [
        ("nap-2020-2022-txt", "ok"), ("kyrgyz-programme-2022-2025-txt", "ok")]


@pytest.mark.parametrize("address", ["localhost:port", "http://host:8786", "tcp://", "tcp://a b:1", "tcp://host:8786x"])
def test_malformed_scheduler_is_one_line_exit_2(address, tmp_path):
    result = polyplan("extract", NAP["txt"], "--out", tmp_path / "out", "--scheduler", address)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (f"polyplan: error: --scheduler {address!r}: expected a Dask scheduler address like "
                             "tcp://HOST:8786\n")
    assert not (tmp_path / "out").exists()


def test_schemas_ship_with_the_package():
    """schemas/ is the source; the package installs it as pipeline.schemas (pyproject.toml)."""
    from importlib.resources import files
    shipped = files("pipeline.schemas")
    for name in ("plan.schema.json", "plan.xsd"):
        assert shipped.joinpath(name).read_bytes() == (ROOT / "schemas" / name).read_bytes()


def test_library_log_lines_go_to_log_or_v_never_to_stderr(tmp_path):
    """pdfminer warns "MediaBox missing" while pdfplumber reads a page without one (PDFium then reads
    it): nothing on stderr by default; the line in --log FILE; with -v on stderr, marked."""
    from .fixtures.odd import PDF
    source = tmp_path / "no-mediabox.pdf"
    source.write_bytes(PDF["no-mediabox"]())
    run = ("extract", source, "--out", tmp_path / "out", "--format", "json", "--force", "--pdf-engine", "plumber")
    warning = "pdfminer.pdfpage: MediaBox missing from /Page (and not inherited), defaulting to US Letter"
    plain = polyplan(*run)
    assert (plain.returncode, plain.stderr) == (0, "")
    logged = polyplan(*run, "--log", tmp_path / "polyplan.log")
    assert (logged.returncode, logged.stderr) == (0, "")
    assert f"WARNING {warning}" in (tmp_path / "polyplan.log").read_text(encoding="utf-8")
    verbose = polyplan(*run, "-v")
    assert verbose.returncode == 0
    assert f"polyplan: log: {warning}" in verbose.stderr.splitlines()
    assert all(line.startswith("polyplan: ") for line in verbose.stderr.splitlines())


def test_log_file_that_cannot_be_written_is_a_usage_error(tmp_path):
    run = polyplan("extract", KYRGYZ, "--out", tmp_path, "--log", tmp_path / "no" / "such" / "polyplan.log")
    assert (run.returncode, run.stderr) == (
        2, f"polyplan: error: --log {tmp_path / 'no' / 'such' / 'polyplan.log'}: cannot write there "
           "(no such file or directory)\n")
