"""Stage 6 — export: render a plan in every format people use, and write it atomically.

Every exporter renders the same JSON tree (``Plan.to_dict()``, the middle layer): it
takes that dict and returns ``{relative path: text or bytes}``; nothing here looks at
blocks or at the model's classes.  Formats (``--format``):

* ``json`` — ``plan.json`` (the contract, ``schemas/plan.schema.json``);
* ``xml`` — ``plan.xml``, the same tree as XML (``schemas/plan.xsd``), :mod:`.xml`;
* ``akn`` — ``akn/<lang>.xml``, one Akoma Ntoso 3.0 document per version, :mod:`.akn`;
* ``tmx`` — ``plan.tmx``, TMX 1.4b translation units from the alignment, :mod:`.tmx`;
* ``csv`` — ``activities.csv``, one row per alignment row, UTF-8 with BOM, :mod:`.table`;
* ``html`` — ``review.html``, a self-contained review page, :mod:`.html`.

Files are written to a temporary name in the target folder and renamed, so an
interrupted run leaves the previous complete output or none.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from typing import Callable

from ..model import Plan
from . import akn, html, table, tmx, xml


def tree_to_json(tree: dict) -> dict[str, str]:
    """``plan.json`` text: UTF-8, letters unescaped, two-space indent."""
    return {"plan.json": json.dumps(tree, ensure_ascii=False, indent=2) + "\n"}


FORMATS: dict[str, Callable[[dict], dict[str, str | bytes]]] = {
    "json": tree_to_json, "xml": xml.tree_to_xml, "akn": akn.tree_to_akn, "tmx": tmx.tree_to_tmx,
    "csv": table.tree_to_csv, "html": html.tree_to_html}


def plan_to_json(plan: Plan) -> str:
    return tree_to_json(plan.to_dict())["plan.json"]


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write ``content`` (text as UTF-8) to ``path`` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def plan_to_files(plan: Plan, out_dir: Path, formats: tuple[str, ...] = tuple(FORMATS)) -> list[Path]:
    """Render ``plan`` in ``formats`` and write the files under ``out_dir`` (the plan's folder)."""
    tree = plan.to_dict()
    written = []
    for name in formats:
        for relative, content in FORMATS[name](tree).items():
            target = out_dir / relative
            write_atomic(target, content)
            written.append(target)
    return written
