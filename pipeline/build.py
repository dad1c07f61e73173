"""The pipeline end to end: source files to one :class:`~pipeline.model.Plan`.

extract → split → parse → align → check; each stage is a module exposing one ``a_to_b``
function.  ``debug`` receives each stage's intermediate result (``--debug``).
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Callable

from .align import plan_to_alignment
from .check import plan_to_findings
from .corrections import Link, alignment_with_links
from .extract import Limits, file_to_blocks
from .lexicon import lexicon_for
from .model import NO_STRUCTURE_REASON, Block, Coverage, Loose, Plan, count_chars, printed_strings
from .parse import blocks_to_version, split_to_context
from .split import blocks_to_split


def _loose(blocks: tuple[Block, ...], reason: str | None = None) -> tuple[Loose, ...]:
    return tuple(Loose(b.lang, b.text, b.loc, reason) for b in blocks)


def paths_to_plan(paths: list[Path], name: str, debug: Callable[[str, object], None] | None = None,
                  limits: Limits = Limits(), links: tuple[Link, ...] = ()) -> Plan:
    """Run the whole pipeline over the files of one plan (one file, or one file per language).

    A language version in which no activity is recognised is not a plan
    version: its text goes to ``unparsed`` (reason ``NO_STRUCTURE_REASON``) and the check of that
    name reports it — a news article comes out as an empty structure, nothing lost.
    ``links`` (``--links``) correct the alignment before the checks run.
    """
    sources, blocks = [], []
    for index, path in enumerate(paths):
        source, file_blocks = file_to_blocks(path, index, limits)
        sources.append(source)
        blocks.extend(file_blocks)
    if debug:
        debug("blocks", blocks)
    source_chars = sum(count_chars(b.text) for b in blocks)
    split = blocks_to_split(tuple(blocks))
    del blocks  # the split holds them now; released with it below, before alignment and checks
    if debug:
        debug("split", split)
    versions, unparsed = [], list(_loose(split.between, "between language versions"))
    context = split_to_context(split)
    for vb in split.versions:
        version, rest = blocks_to_version(vb, lexicon_for(vb.lang), context)
        if next(version.activities(), None) is None:  # chapters of a report without one activity are no plan
            unparsed.extend(_loose(vb.title + vb.body, NO_STRUCTURE_REASON))
            continue
        versions.append(version)
        unparsed.extend(rest)
    plan = Plan(name=name, sources=tuple(sources), versions=tuple(versions),
                front_matter=_loose(split.front), back_matter=_loose(split.back),
                unparsed=tuple(unparsed), furniture=_loose(split.furniture))
    del split
    accounted = sum(count_chars(s) for s in printed_strings(plan))
    alignment = alignment_with_links(plan, plan_to_alignment(plan), links)
    plan = replace(plan, coverage=Coverage(source_chars, accounted), alignment=alignment)
    if debug:
        debug("alignment", plan.alignment)
    return replace(plan, findings=plan_to_findings(plan))
