"""Corrections kept from run to run (issue 18): accepted findings, alignment links, plan.toml."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pytest
from lxml import etree

from pipeline.build import paths_to_plan
from pipeline.corrections import CorrectionError, Link, Metadata, accepted, metadata_for, read_accept, read_links
from pipeline.export.akn import AKN
from pipeline.export.tmx import translation_units

from .conftest import KYRGYZ, NAP, ROOT

TK, RU, EN = "tk-sec-2-2-act-2-2-1-2", "ru-sec-2-2-act-2-2-2", "en-sec-2-2-act-2-2-2"  # tk prints 2.2.1 twice


def polyplan(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def test_accepted_findings_leave_the_summary_and_the_exit_code(tmp_path):
    """Kyrgyz programme: one NO_STRUCTURE warning.  Accepted, it stays listed but no longer counts."""
    accept = tmp_path / "accepted.toml"
    accept.write_text('[[accept]]\ncode = "NO_STRUCTURE"\nnote = "an English-only programme"\n', encoding="utf-8")
    out = tmp_path / "out"
    before = polyplan("extract", KYRGYZ, "--out", out, "--fail-on", "warning", "--format", "json")
    assert before.returncode == 1
    after = polyplan("extract", KYRGYZ, "--out", out, "--fail-on", "warning", "--format", "json", "--accept", accept)
    assert after.returncode == 0, after.stderr
    assert after.stdout == (f"{KYRGYZ}: kyrgyz-programme-2022-2025-txt: no versions; 0 findings, 1 accepted; "
                            "42 paragraphs or cells unparsed; coverage 11158/11158\n")  # the changed accept file redid the plan
    data = json.loads((out / "kyrgyz-programme-2022-2025-txt" / "plan.json").read_text(encoding="utf-8"))
    assert [(f["code"], f.get("accepted")) for f in data["findings"]] == [("NO_STRUCTURE", True)]
    batch = json.loads((out / "_batch.json").read_text(encoding="utf-8"))
    assert (batch["inputs"][0]["findings"], batch["inputs"][0]["accepted"]) == ({"info": 0, "warning": 0, "error": 0}, 1)
    verbose = polyplan("extract", KYRGYZ, "--out", out, "--format", "json", "--accept", accept, "--verbose", "--force")
    assert verbose.stdout.splitlines()[1].startswith("  accepted warning NO_STRUCTURE [en] no activities recognised")


def test_accept_entries_match_by_code_ids_and_message(nap_plans, tmp_path):
    plan = nap_plans["txt"]
    path = tmp_path / "accepted.toml"
    path.write_text('[[accept]]\ncode = "NONSTANDARD_CHAR"\n\n[[accept]]\ncode = "NUM_MISMATCH"\n'
                    f'refs = ["{TK}"]\n\n[[accept]]\ncode = "HEADING_FORMAT"\nmessage = "not this one"\n',
                    encoding="utf-8")
    found = [plan.findings[n] for n in accepted(plan.findings, read_accept(path))]
    nonstandard = [f for f in plan.findings if f.code == "NONSTANDARD_CHAR"]
    assert found == nonstandard + [f for f in plan.findings if f.code == "NUM_MISMATCH" and TK in f.refs]
    assert len(found) == len(nonstandard) + 1


@pytest.mark.parametrize("text, reason", [
    ("[[accept]]\nrefs = ['x']\n", "entry 1: expected code"),
    ("[[accepted]]\ncode = 'X'\n", "expected [[accept]] entries only"),
    ("[[accept]\n", "not valid TOML")])
def test_a_bad_accept_file_is_one_line_exit_2(text, reason, tmp_path):
    path = tmp_path / "accepted.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CorrectionError, match=re.escape(reason)):
        read_accept(path)
    result = polyplan("extract", KYRGYZ, "--out", tmp_path / "out", "--accept", path)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith(f"polyplan: error: {path}: ") and reason in result.stderr
    assert len(result.stderr.splitlines()) == 1 and not (tmp_path / "out").exists()


def _refs(plan) -> list[dict]:
    return [dict(row.refs) for row in plan.alignment]


def test_links_unlink_and_link_again(nap_plans):
    """Unlinking puts each element in a row of its own (the checks then report them missing);
    linking them again gives back the alignment the aligner made."""
    original = nap_plans["txt"]
    apart = paths_to_plan([NAP["txt"]], "nap-txt", links=(Link("unlink", (TK, RU, EN)),))
    rows = _refs(apart)
    at = rows.index({"tk": TK, "ru": None, "en": None})
    assert rows[at + 1: at + 3] in ([{"tk": None, "ru": None, "en": EN}, {"tk": None, "ru": RU, "en": None}],
                                    [{"tk": None, "ru": RU, "en": None}, {"tk": None, "ru": None, "en": EN}])
    assert len(rows) == len(_refs(original)) + 2
    missing = [f.refs for f in apart.findings if f.code == "MISSING_ACTIVITY"]
    assert (TK,) in missing and (RU,) in missing and (EN,) in missing
    assert not [f for f in apart.findings if f.code == "NUM_MISMATCH" and TK in f.refs]
    tree = apart.to_dict()
    assert not [u for u in translation_units(tree) if u[2].get("tk", {}).get("id") == TK and len(u[3]) > 1]
    again = paths_to_plan([NAP["txt"]], "nap-txt", links=(Link("unlink", (TK, RU, EN)), Link("link", (TK, RU, EN))))
    assert _refs(again) == _refs(original)


def test_link_moves_an_element_and_its_place_taker_gets_a_row(nap_plans):
    first, second = "ru-sec-1-1-act-1-1-1", "ru-sec-1-1-act-1-1-2"
    plan = paths_to_plan([NAP["txt"]], "nap-txt", links=(Link("link", ("tk-sec-1-1-act-1-1-1", second)),))
    rows = _refs(plan)
    at = rows.index({"tk": "tk-sec-1-1-act-1-1-1", "ru": second, "en": "en-sec-1-1-act-1-1-1"})
    assert rows[at + 1] == {"tk": None, "ru": first, "en": None}
    assert rows[at + 2] == {"tk": "tk-sec-1-1-act-1-1-2", "ru": None, "en": "en-sec-1-1-act-1-1-2"}
    with pytest.raises(CorrectionError, match="one kind"):
        paths_to_plan([NAP["txt"]], "nap-txt", links=(Link("link", ("tk-sec-1-1", second)),))


def test_links_file_through_the_command_regenerates_every_export(tmp_path):
    links = tmp_path / "links.toml"
    links.write_text(f'# tk 2.2.1 (its second one) is not ru/en 2.2.2\n[[unlink]]\nrefs = ["{TK}", "{RU}", "{EN}"]\n',
                     encoding="utf-8")
    assert read_links(links) == (Link("unlink", (TK, RU, EN)),)
    out = tmp_path / "out"
    result = polyplan("extract", NAP["txt"], "--out", out, "--links", links, "--format", "json,csv,tmx")
    assert result.returncode == 0, result.stderr
    plan = out / "nap-2020-2022-txt"
    data = json.loads((plan / "plan.json").read_text(encoding="utf-8"))
    assert {"tk": TK, "ru": None, "en": None} in [row["refs"] for row in data["alignment"]]
    csv_text = (plan / "activities.csv").read_text(encoding="utf-8-sig")
    assert sum(1 for line in csv_text.splitlines() if TK in line) == 1
    tmx = etree.parse(str(plan / "plan.tmx"))
    tus = [tu for tu in tmx.iter("tu") if tu.findtext("prop[@type='x-id-tk']") == TK]
    assert tus and all(len(tu.findall("tuv")) == 1 for tu in tus)


def test_plan_toml_gives_the_metadata_and_is_no_source(tmp_path):
    folder = tmp_path / "nap"
    folder.mkdir()
    shutil.copy(NAP["docx"], folder / "nap.docx")
    (folder / "plan.toml").write_text('country = "TM"\ndate = 2020-01-15\nissuer = "Cabinet of Ministers"\n'
                                      'name = "nap-2020-2022"\n', encoding="utf-8")
    assert metadata_for(folder, Metadata(issuer="given")) == Metadata("tm", "2020-01-15", "given", "nap-2020-2022")
    beside = tmp_path / "nap-2020-2022.pdf"
    shutil.copy(NAP["pdf"], beside)
    (tmp_path / "nap-2020-2022.plan.toml").write_text('country = "tm"\ndate = "2020-01-15"\n', encoding="utf-8")
    out = tmp_path / "out"
    result = polyplan("extract", folder, beside, tmp_path / "nap-2020-2022.plan.toml", "--out", out,
                      "--format", "json,akn")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["_batch.json", "nap", "nap-2020-2022-pdf"]
    data = json.loads((out / "nap" / "plan.json").read_text(encoding="utf-8"))
    assert [s["path"].rsplit("/", 1)[-1] for s in data["sources"]] == ["nap.docx"]
    assert data["metadata"] == {"country": "tm", "date": "2020-01-15", "issuer": "Cabinet of Ministers",
                                "name": "nap-2020-2022"}
    works = {etree.parse(str(out / name / "akn" / "en.xml")).find(f".//{{{AKN}}}FRBRWork/{{{AKN}}}FRBRthis").get("value")
             for name in ("nap", "nap-2020-2022-pdf")}
    assert works == {"/akn/tm/act/plan/2020-01-15/nap-2020-2022/!main"}  # the DOCX and the PDF: one Work


def test_bad_metadata_is_refused(tmp_path):
    result = polyplan("extract", KYRGYZ, "--out", tmp_path / "out", "--country", "Turkmenistan")
    assert result.returncode == 2
    assert result.stderr == ("polyplan: error: argument --country: expected a two-letter ISO 3166 code such as tm, "
                             "got 'Turkmenistan'\n")
    (tmp_path / "kyrgyz-programme-2022-2025.plan.toml").write_text('date = "15.01.2020"\n', encoding="utf-8")
    shutil.copy(KYRGYZ, tmp_path / KYRGYZ.name)
    result = polyplan("extract", tmp_path / KYRGYZ.name, "--out", tmp_path / "out")
    assert result.returncode == 3
    assert result.stderr == (f"polyplan: error: {tmp_path / KYRGYZ.name}: {tmp_path / 'kyrgyz-programme-2022-2025.plan.toml'}"
                             ": date '15.01.2020': expected YYYY-MM-DD\n")
