"""Golden plan.json files: what polyplan gives for each committed fixture and reference text.

``tests/golden/<input>.json`` holds the plan.json of one input as polyplan gave it when the
file was last reviewed, less what depends on the machine (bounding boxes, which move with the
PDF engine's version, and the folder the checkout and its sources lie in).  ``tests/test_golden.py``
compares every run against them, so any change of behaviour shows up as a diff to review.

After a deliberate change, regenerate and review (one command):

    make golden      # = python -m tests.golden, then `git diff --stat tests/golden`

Inputs: the committed fixtures that need neither OCR nor LibreOffice (scans and ``.doc``
files are covered by their own tests) and the plain-text sources.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILES = ROOT / "tests" / "fixtures" / "files"
GOLDEN = ROOT / "tests" / "golden"
NEEDS_TOOLS = (".doc", ".rtf", ".odt")  # read through LibreOffice
NOT_PLANS = ("bomb.docx", "encrypted.pdf")  # refused by design (tests/test_hostile.py)


def inputs() -> list[Path]:
    """The inputs that have a golden file, in name order."""
    found = [p for p in sorted(FILES.iterdir())
             if not p.name.startswith("scan") and p.suffix not in NEEDS_TOOLS and p.name not in NOT_PLANS]
    return found + sorted((ROOT / "sources").glob("*.txt"))


def golden_path(path: Path) -> Path:
    return GOLDEN / f"{path.name}.json"  # names are unique: fixtures and sources share none


def digest(tree: dict) -> dict:
    """``tree`` (a plan.json) without bounding boxes, with each source's path reduced to its
    file name, and the checkout's folder left out of messages that name a file (a clean
    checkout lives elsewhere than the one the golden files were made in)."""
    here = str(ROOT) + "/"

    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k != "bbox"}
        if isinstance(value, list):
            return [strip(v) for v in value]
        if isinstance(value, str):
            return value.replace(here, "")
        return value
    out = strip(tree)
    for source in out.get("sources", []):
        source["path"] = Path(source["path"]).name
    return out


def render(tree: dict) -> str:
    return json.dumps(digest(tree), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def plan_tree(path: Path) -> dict:
    from pipeline.build import paths_to_plan
    files = sorted(path.iterdir()) if path.is_dir() else [path]  # a folder is one plan of its files
    return paths_to_plan(files, path.name).to_dict()


def main() -> int:
    GOLDEN.mkdir(exist_ok=True)
    wanted = {golden_path(p) for p in inputs()}
    for stale in set(GOLDEN.glob("*.json")) - wanted:
        stale.unlink()
        print(f"removed {stale.relative_to(ROOT)}")
    changed = 0
    for path in inputs():
        text, target = render(plan_tree(path)), golden_path(path)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            changed += 1
            print(f"wrote {target.relative_to(ROOT)}")
    print(f"{changed} golden file(s) changed of {len(wanted)}; review them with `git diff tests/golden`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
