"""The polyplan command: outputs, schema validity, exit codes and error lines."""
from __future__ import annotations

import json
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
    assert "tk 49 activities, ru 49 activities, en 49 activities; 57 findings; coverage 94738/94738" in result.stdout
    lines = result.stdout.splitlines()
    first = lines.index(f"{NAP['txt']}: nap-2020-2022-txt: tk 49 activities, ru 49 activities, en 49 activities; "
                        "57 findings; coverage 94738/94738")
    findings = lines[first + 1: first + 58]
    assert all(line.startswith("  ") for line in findings) and not lines[first + 58].startswith("  ")
    assert "  error NUM_MISMATCH [*] activity 1.3.1/3.3.1: printed numbers differ — tk 1.3.1; ru 3.3.1; en 3.3.1 — " \
           "tk-sec-3-3-act-1-3-1 ru-sec-3-3-act-3-3-1 en-sec-3-3-act-3-3-1" in findings


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
        f"polyplan: error: {bad}: corrupt or truncated PDF (PdfminerException)",
        f"polyplan: error: {tmp_path / 'missing.docx'}: no such file or folder"]
    assert (tmp_path / "out" / "nap-2020-2022-txt" / "plan.json").exists()
    assert not (tmp_path / "out" / "broken-pdf").exists()


def test_fail_on_severity(tmp_path):
    result = polyplan("extract", KYRGYZ, "--out", tmp_path, "--fail-on", "warning")
    assert result.returncode == 1  # NO_STRUCTURE is a warning
    assert polyplan("extract", KYRGYZ, "--out", tmp_path, "--fail-on", "error").returncode == 0


@pytest.mark.parametrize("args", [[], ["extract"], ["extract", "x.txt"], ["frobnicate"],
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
