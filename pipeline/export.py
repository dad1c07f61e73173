"""Stage 6 — export: render a plan and write it atomically.

Exporters only render the JSON tree (``Plan.to_dict()``); nothing here looks at blocks.
Files are written to a temporary name in the target folder and renamed, so an
interrupted run leaves the previous complete output or none.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from .model import Plan


def plan_to_json(plan: Plan) -> str:
    """``plan.json`` text: UTF-8, letters unescaped, two-space indent."""
    return json.dumps(plan.to_dict(), ensure_ascii=False, indent=2) + "\n"


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def plan_to_files(plan: Plan, out_dir: Path) -> list[Path]:
    """Write the plan's outputs under ``out_dir`` (already the plan's own folder)."""
    target = out_dir / "plan.json"
    write_atomic(target, plan_to_json(plan))
    return [target]
