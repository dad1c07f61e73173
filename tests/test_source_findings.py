"""What a reader met besides text reaches the user: ``sources[]`` facts and their findings."""
from __future__ import annotations

import json

from jsonschema import Draft202012Validator

from pipeline.build import paths_to_plan

from .conftest import ROOT

PLAN = ("Часть I: Профилактика\n\nРаздел 1.1: Информирование\n\nМероприятия:\n\n"
        "1.1.1. Провести кампанию\x1b о безопасной миграции.\n\nОтветственные: МВД.\n\nСрок: 2024 год.\n\n"
        "1.1.2. Издать памятку.\n\nОтветственные: Минюст.\n\nСрок: 2025 год.\n")


def test_control_characters_and_undecodable_bytes_are_reported(tmp_path):
    data = PLAN.encode("utf-8")
    bad = data.index("памятку".encode()) + len("пам".encode())
    path = tmp_path / "plan.txt"
    path.write_bytes(data[:bad] + b"\xff" + data[bad:])
    plan = paths_to_plan([path], "plan")
    (source,) = plan.sources
    assert (source.encoding, source.replaced, source.replaced_at) == ("utf-8", 1, (bad,))
    [removed] = source.removed
    assert (removed.source.line, removed.chars) == (7, (0x1B,))
    codes = {f.code: f for f in plan.findings}
    assert codes["CONTROL_CHARS"].message == f"{path}: control characters U+001B taken out at 1 place(s)"
    assert codes["UNDECODABLE_BYTES"].message == (f"{path}: 1 byte(s) could not be decoded as utf-8 and are "
                                                   "shown as U+FFFD")
    assert [a.text for a in plan.versions[0].activities()] == ["Провести кампанию о безопасной миграции.",
                                                               "Издать пам\ufffdятку."]
    schema = json.loads((ROOT / "schemas" / "plan.schema.json").read_text(encoding="utf-8"))
    assert not list(Draft202012Validator(schema).iter_errors(json.loads(json.dumps(plan.to_dict()))))


def test_plan_xml_carries_the_readers_facts(tmp_path):
    from lxml import etree

    from pipeline.export.xml import tree_to_xml

    data = PLAN.encode("utf-8")
    path = tmp_path / "plan.txt"
    path.write_bytes(data.replace("памятку".encode(), "пам".encode() + b"\xff" + "ятку".encode()))
    plan = paths_to_plan([path], "plan")
    xml = b"".join(tree_to_xml(plan.to_dict())["plan.xml"])
    doc = etree.fromstring(xml)
    assert etree.XMLSchema(etree.parse(str(ROOT / "schemas" / "plan.xsd"))).validate(doc)
    ns = {"p": "urn:polyplan:plan:1"}
    (file,) = doc.findall("p:sources/p:file", ns)
    assert (file.get("encoding"), file.get("replaced")) == ("utf-8", "1")
    assert [r.get("chars") for r in file.findall("p:removed", ns)] == ["U+001B"]


def test_plan_xml_carries_metadata_and_accepted_findings(tmp_path):
    from lxml import etree

    from pipeline.export import plan_tree
    from pipeline.export.xml import tree_to_xml

    path = tmp_path / "plan.txt"
    path.write_text(PLAN, encoding="utf-8")
    plan = paths_to_plan([path], "plan")
    codes = [f.code for f in plan.findings]
    tree = plan_tree(plan, {"country": "kz", "date": "2024-01-15", "issuer": None}, accepted=(0,))
    doc = etree.fromstring(b"".join(tree_to_xml(tree)["plan.xml"]))
    assert etree.XMLSchema(etree.parse(str(ROOT / "schemas" / "plan.xsd"))).validate(doc)
    ns = {"p": "urn:polyplan:plan:1"}
    assert dict(doc.find("p:metadata", ns).attrib) == {"country": "kz", "date": "2024-01-15"}
    assert [(f.get("code"), f.get("accepted")) for f in doc.findall("p:findings/p:finding", ns)][0] == (codes[0], "true")


def test_a_page_read_by_ocr_with_low_confidence_is_reported(tmp_path):
    from dataclasses import replace

    from pipeline.check import plan_to_findings
    from pipeline.model import OcrPage

    path = tmp_path / "plan.txt"
    path.write_text(PLAN, encoding="utf-8")
    plan = paths_to_plan([path], "plan")
    source = replace(plan.sources[0], ocr=(OcrPage(1, "rus+eng", 93.5), OcrPage(2, "rus+eng", 68.2, rotated=90)))
    findings = [f for f in plan_to_findings(replace(plan, sources=(source,))) if f.code == "OCR_LOW_CONFIDENCE"]
    assert [(f.severity, f.message) for f in findings] == [(
        "warning", f"{path}: page 2 was read by OCR (rus+eng) with a mean word confidence of 68 (under 80): "
                   "check its text against the scan")]


def test_legacy_font_repair_and_conversion_facts_validate_in_plan_xml():
    from lxml import etree

    from pipeline.export.xml import tree_to_xml

    plan = paths_to_plan([ROOT / "tests" / "fixtures" / "files" / "legacy-kk-kz1048.docx"], "legacy")
    (finding,) = [f for f in plan.findings if f.code == "LEGACY_FONT"]
    assert finding.message.startswith(f"{plan.sources[0].path}: 242 characters in ")
    doc = etree.fromstring(b"".join(tree_to_xml(plan.to_dict())["plan.xml"]))
    assert etree.XMLSchema(etree.parse(str(ROOT / "schemas" / "plan.xsd"))).validate(doc)
    ns = {"p": "urn:polyplan:plan:1"}
    respelled = doc.find("p:sources/p:file/p:respelled", ns)
    assert (respelled.get("table"), respelled.get("changed")) == ("kz1048", "242")
    schema = json.loads((ROOT / "schemas" / "plan.schema.json").read_text(encoding="utf-8"))
    assert not list(Draft202012Validator(schema).iter_errors(json.loads(json.dumps(plan.to_dict()))))
