"""Random edits of the reference text never crash the pipeline and never lose a character."""
from __future__ import annotations

import random

import pytest

from pipeline.build import paths_to_plan

from .conftest import NAP

JUNK = ["ж", "ý", "$", "*", "**", "- ", "#", "\u00ad", "1.1.1 ", ":", "Aim:", "Часть II", "Задача 3:",
        "Bellik 4:", "5.", "  ", "Section 9.9: X", "2020–2022"]


def mutate(lines: list[str], rnd: random.Random) -> list[str]:
    lines = list(lines)
    for _ in range(rnd.randint(1, 40)):
        op, i = rnd.random(), rnd.randrange(len(lines))
        if op < 0.3:
            del lines[i]
        elif op < 0.5:
            lines.insert(i, lines[rnd.randrange(len(lines))])
        elif op < 0.75:
            line = lines[i]
            cut = rnd.randrange(len(line) + 1)
            lines[i] = line[:cut] + rnd.choice(JUNK) + line[cut:]
        else:
            j = rnd.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
    if rnd.random() < 0.15:
        lines = lines[: rnd.randrange(1, len(lines))]
    return lines


@pytest.mark.parametrize("seed", range(200))
def test_random_edits_keep_full_coverage(seed, tmp_path):
    rnd = random.Random(seed)
    lines = NAP["txt"].read_text(encoding="utf-8").splitlines()
    path = tmp_path / "edited.txt"
    path.write_text("\n".join(mutate(lines, rnd)), encoding="utf-8")
    plan = paths_to_plan([path], "edited")
    assert plan.coverage.source_chars == plan.coverage.accounted_chars
    ids = [a.id for v in plan.versions for a in v.activities()]
    assert len(ids) == len(set(ids))
