"""``plan.json`` read back into the model: the inverse of ``Plan.to_dict()``.

``polyplan diff`` and ``polyplan ingest`` take a ``plan.json`` written earlier as well as
source files.  :func:`tree_to_plan` rebuilds the immutable records from the JSON tree field
by field, led by the dataclasses' own type hints (so a field added to the model is read
back without a change here); three records are written in a shape of their own and are
read back by hand: a ``Plan`` (versions keyed by language), an ``Alignment`` (``refs`` as
an object) and a ``Location`` (``bbox`` as a list).

    >>> from pipeline.model import Plan
    >>> tree_to_plan(Plan("x", (), ()).to_dict()) == Plan("x", (), ())
    True
"""
from __future__ import annotations

import functools
import json
import types
import typing
from dataclasses import fields, is_dataclass
from pathlib import Path

from . import model
from .model import SCHEMA, Alignment, Location, Plan, Version


class PlanJsonError(ValueError):
    """A file that claims to be a plan.json but cannot be read back (one line for the user)."""


@functools.cache
def _hints(cls) -> dict[str, object]:
    return typing.get_type_hints(cls, vars(model))


def _convert(kind, value):
    """``value`` (from JSON) as the type ``kind`` names: dataclasses, tuples, optionals."""
    if value is None:
        return None
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = [k for k in typing.get_args(kind) if k is not type(None)]
        return _convert(options[0], value) if len(options) == 1 else value
    if origin is tuple:
        args = typing.get_args(kind)
        item = args[0] if args else object
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_convert(item, v) for v in value)
        return tuple(_convert(k, v) for k, v in zip(args, value))
    if is_dataclass(kind):
        return _record(kind, value)
    return value


def _record(cls, data: dict):
    if cls is Location:
        values = {f.name: data.get(f.name) for f in fields(Location)}
        if values["bbox"] is not None:
            values["bbox"] = tuple(values["bbox"])
        return Location(**values)
    if cls is Alignment:
        return Alignment(data["kind"], tuple(data["refs"].items()), data["score"], data.get("crossed", False))
    hints = _hints(cls)
    values = {f.name: _convert(hints[f.name], data[f.name]) for f in fields(cls) if f.name in data}
    return cls(**values)


def tree_to_plan(tree: dict) -> Plan:
    """The :class:`~pipeline.model.Plan` a ``plan.json`` tree was written from.

    Everything ``to_dict`` writes comes back (``tree_to_plan(t).to_dict() == t``); scores of
    alignment rows come back rounded as written.  Raises :class:`PlanJsonError` when the tree
    is not a ``polyplan.plan/1`` plan.
    """
    if not isinstance(tree, dict) or tree.get("schema") != SCHEMA:
        raise PlanJsonError(f"not a {SCHEMA} plan.json")
    try:
        hints = _hints(Plan)
        versions = tuple(_record(Version, {**body, "lang": lang}) for lang, body in tree["versions"].items())
        rest = {f.name: _convert(hints[f.name], tree[f.name]) for f in fields(Plan)
                if f.name not in ("versions",) and f.name in tree}
        return Plan(**{**rest, "versions": versions})
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise PlanJsonError(f"malformed {SCHEMA} plan.json ({exc.__class__.__name__}: {exc})") from None


def plan_json_of(path: Path) -> Path | None:
    """The ``plan.json`` that ``path`` stands for, or None: the file itself when it is JSON of
    schema ``polyplan.plan/1``, or ``path/plan.json`` for a folder ``polyplan extract`` wrote."""
    candidate = path / "plan.json" if path.is_dir() else path
    try:
        with open(candidate, "rb") as fh:
            head = fh.read(256).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError:
        return None
    if not head.startswith(b"{") or SCHEMA.encode() not in head:
        return None
    return candidate


def read_plan_json(path: Path) -> Plan:
    """The plan a ``plan.json`` file holds (:func:`tree_to_plan`)."""
    try:
        tree = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise PlanJsonError(f"cannot read plan.json ({exc.__class__.__name__})") from None
    return tree_to_plan(tree)
